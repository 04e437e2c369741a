//! `odata-codegen validate`: the report as text and JSON, diagnostic levels, progress.

mod common;

fn seed_args<'a>(metadata: &'a str, page: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["validate", "--metadata", metadata, "--doc", page];
    args.extend_from_slice(extra);
    args
}

fn paths() -> (String, String) {
    (
        common::root().join(common::METADATA).display().to_string(),
        common::root().join(common::SEED_PAGE).display().to_string(),
    )
}

#[test]
fn json_report_has_pages_operations_diagnostics_and_a_summary() {
    let (metadata, page) = paths();
    let (code, stdout, _) = common::cli(&seed_args(&metadata, &page, &["--format", "json"]));
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let summary = &report["summary"];
    assert_eq!(summary["pages"], 1);
    assert_eq!(summary["request_lines"], 1);
    assert_eq!(summary["resolved"], 1);
    assert_eq!(summary["unresolved"], 0);
    assert_eq!(summary["examples_checked"], 2);
    assert_eq!(summary["diagnostics_by_code"]["unknown-enum-member"], 2);
    assert_eq!(summary["diagnostics_by_code"]["todo-permission"], 2);
    let page = &report["pages"][0];
    let operation = &page["operations"][0];
    assert_eq!(operation["method"], "POST");
    assert_eq!(operation["kind"], "create");
    assert_eq!(operation["line"], 31);
    assert_eq!(
        operation["type"],
        "Collection(microsoft.graph.managedDeviceMobileAppConfigurationUserStatus)"
    );
    let codes: Vec<&str> = page["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        codes,
        [
            "todo-permission",
            "todo-permission",
            "ref-on-containment",
            "unknown-enum-member",
            "type-name-case",
            "unknown-enum-member"
        ]
    );
}

#[test]
fn human_report_ends_with_a_summary() {
    let (metadata, page) = paths();
    let (code, _, stderr) = common::cli(&seed_args(&metadata, &page, &[]));
    assert_eq!(code, 0);
    assert!(
        stderr.contains("1 page(s); 1 request line(s): 1 resolved (100%), 0 unresolved"),
        "{stderr}"
    );
    assert!(stderr.contains("0 error(s), 6 warning(s)"), "{stderr}");
}

#[test]
fn levels_deny_warn_and_allow_codes() {
    let (metadata, page) = paths();
    let (code, _, stderr) = common::cli(&seed_args(
        &metadata,
        &page,
        &[
            "--deny",
            "unknown-enum-member",
            "--allow",
            "todo-permission",
        ],
    ));
    assert_eq!(code, 1, "a denied code fails the run");
    assert!(
        stderr.contains("77:13: error[unknown-enum-member]"),
        "{stderr}"
    );
    assert!(!stderr.contains("todo-permission"), "{stderr}");
    let (code, _, stderr) = common::cli(&seed_args(&metadata, &page, &["--deny", "no-such-code"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`no-such-code` is no diagnostic code or group"),
        "{stderr}"
    );
    let (code, _, stderr) = common::cli(&seed_args(
        &metadata,
        &page,
        &["--deny", "todo-permission", "--allow", "todo-permission"],
    ));
    assert_eq!(code, 2);
    assert!(stderr.contains("given both --deny and --allow"), "{stderr}");
}

#[test]
fn unresolved_lines_as_warnings_let_generate_go_on() {
    let dir = common::temp_dir("levels");
    let page = dir.join("nowhere.md");
    std::fs::write(
        &page,
        "# Get things\n\n## HTTP request\n\n```http\nGET /deviceAppManagement/nothingHere\nGET /deviceAppManagement/iosLobAppProvisioningConfigurations\n```\n",
    )
    .expect("page written");
    let metadata = common::root().join(common::METADATA);
    let out = dir.join("out");
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &[]);
    assert_eq!(code, 1, "by default a line that leads nowhere is an error");
    assert!(stderr.contains("error[unknown-segment]"), "{stderr}");
    let (code, _, stderr) = common::cli_generate(&metadata, &page, &out, &["--warn", "unresolved"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("warning[unknown-segment]"), "{stderr}");
    let requests = std::fs::read_to_string(dir.join("out/src/requests/device_app_management.rs"))
        .expect("generated");
    assert!(requests.contains("ios_lob_app_provisioning_configurations"));
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[test]
fn progress_goes_to_stderr_when_asked() {
    let (metadata, page) = paths();
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv =
        std::iter::once("odata-codegen").chain(seed_args(&metadata, &page, &["--format", "json"]));
    let code = odata_codegen::cli::run_with(argv, &mut out, &mut err, true, &Default::default());
    assert_eq!(code, 0);
    let err = String::from_utf8(err).expect("UTF-8");
    assert!(err.contains("\rvalidating: 1/1 page(s)\n"), "{err:?}");
    serde_json::from_slice::<serde_json::Value>(&out).expect("stdout stays one JSON document");
}

/// The capabilities golden's metadata and pages.
fn capabilities_golden() -> (String, String) {
    let golden = common::root().join("tests/goldens/capabilities");
    (
        golden.join("metadata.xml").display().to_string(),
        golden.join("pages").display().to_string(),
    )
}

#[test]
fn requests_the_capabilities_forbid_do_not_resolve() {
    let (metadata, pages) = capabilities_golden();
    let (code, stdout, _) = common::cli(&seed_args(&metadata, &pages, &["--format", "json"]));
    assert_eq!(code, 0, "forbidden requests are warnings");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let summary = &report["summary"];
    assert_eq!(summary["request_lines"], 23);
    assert_eq!(
        summary["unresolved_by_code"]["forbidden-by-capabilities"],
        6
    );
    assert_eq!(summary["unresolved_by_code"]["operation-not-allowed"], 1);
    // `self.like` is read by the schema's alias.
    assert!(summary["diagnostics_by_code"]["unknown-namespace"].is_null());
    let page = report["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .find(|p| {
            p["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("members.md"))
        })
        .expect("members.md");
    let post = &page["operations"][1];
    assert_eq!(post["method"], "POST");
    assert_eq!(post["resolved"], false);
    assert_eq!(post["code"], "forbidden-by-capabilities");
    let diagnostic = &page["diagnostics"][0];
    assert_eq!(diagnostic["code"], "forbidden-by-capabilities");
    assert_eq!(diagnostic["line"], post["line"]);
    assert_eq!(
        diagnostic["message"],
        "the schema forbids `POST /members`: `Capabilities.InsertRestrictions/Insertable` is false on entity set `members`"
    );
}

#[test]
fn generate_says_which_documented_requests_have_no_method() {
    let (metadata, pages) = capabilities_golden();
    let dir = common::temp_dir("not-generated");
    let out = dir.join("out").display().to_string();
    let (code, _, stderr) = common::cli(&[
        "generate",
        "--metadata",
        &metadata,
        "--doc",
        &pages,
        "--out",
        &out,
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("members.md:20:1: warning[not-generated]: the crate has no method for `GET /members/{id}/name`: `name` is a structural property"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ledger.md:17:1: warning[forbidden-by-capabilities]"),
        "{stderr}"
    );
    // Navigation properties of the complex `home` have methods.
    assert!(!stderr.contains("home-country.md"), "{stderr}");
    assert!(
        stderr.contains("club.md:17:1: warning[operation-not-allowed]"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

#[test]
fn a_lowered_metadata_error_still_stops_validate_and_generate_and_says_why() {
    let dir = common::temp_dir("dangling");
    let metadata = dir.join("metadata.xml");
    std::fs::write(
        &metadata,
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="shape" Type="ns.missing"/></EntityType>
  <EntityContainer Name="svc"><EntitySet Name="things" EntityType="ns.thing"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#,
    )
    .expect("metadata written");
    let page = dir.join("things.md");
    std::fs::write(
        &page,
        "# Things\n\n## HTTP request\n\n```http\nGET /things\n```\n",
    )
    .expect("page written");
    let (metadata, page) = (metadata.display().to_string(), page.display().to_string());
    let out = dir.join("out");
    let note = "it stays an error despite `--warn unknown-type`";
    let (code, stdout, stderr) =
        common::cli(&seed_args(&metadata, &page, &["--warn", "unknown-type"]));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let printed = format!("{stdout}{stderr}");
    assert!(printed.contains("error[unknown-type]"), "{printed}");
    assert!(printed.contains(note), "{printed}");
    let (code, stdout, stderr) = common::cli(&[
        "generate",
        "--metadata",
        &metadata,
        "--doc",
        &page,
        "--out",
        &out.display().to_string(),
        "--warn",
        "unknown-type",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("error[unknown-type]"), "{stderr}");
    assert!(stderr.contains(note), "{stderr}");
    assert!(!stderr.contains("0 error(s)"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}

/// A service that takes OData 4.01 set-based requests on one entity set.
fn set_based_fixture() -> (String, String) {
    let fixture = common::root().join("tests/fixtures/set_based");
    (
        fixture.join("metadata.xml").display().to_string(),
        fixture.join("pages").display().to_string(),
    )
}

#[test]
fn set_based_requests_resolve_and_undeclared_filter_segments_warn() {
    let (metadata, pages) = set_based_fixture();
    let (code, stdout, _) = common::cli(&seed_args(&metadata, &pages, &["--format", "json"]));
    assert_eq!(code, 1, "`$each` after a single entity is an error");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let page = &report["pages"][0];
    let operations = page["operations"].as_array().expect("operations");
    let outcomes: Vec<(&str, &str)> = operations
        .iter()
        .map(|o| {
            (
                o["kind"].as_str().unwrap_or_default(),
                o["code"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("update", ""),
            ("delete", ""),
            ("invoke", ""),
            ("delete", ""),
            ("", "operation-not-allowed"),
            ("", "set-segment-misplaced"),
        ]
    );
    assert_eq!(operations[0]["type"], "example.people.person");
    assert_eq!(operations[2]["operation"], "example.people.retire");
    let warning = page["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "filter-segment-unsupported")
        .expect("the filter segment on `Pets` warns");
    // At the segment in `DELETE /Pets/$filter(id eq 'rex')/$each`.
    assert_eq!(
        (&warning["line"], &warning["col"]),
        (&18.into(), &14.into())
    );
    assert_eq!(
        report["summary"]["diagnostics_by_code"]["filter-segment-unsupported"],
        1
    );
}

#[test]
fn generate_says_set_based_requests_have_no_method() {
    let (metadata, pages) = set_based_fixture();
    let dir = common::temp_dir("set-based");
    let out = dir.join("out").display().to_string();
    let (code, _, stderr) = common::cli(&[
        "generate",
        "--metadata",
        &metadata,
        "--doc",
        &pages,
        "--out",
        &out,
        "--warn",
        "unresolved",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("people.md:15:1: warning[not-generated]: the crate has no method for `PATCH /People/$filter(age gt 60)/$each`: it is a set-based request"),
        "{stderr}"
    );
    assert!(
        stderr.contains("people.md:16:1: warning[not-generated]"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
