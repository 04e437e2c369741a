//! The seed page disagrees with the schema; the generator says where, like a compiler.

mod common;

fn seed_warnings() -> Vec<(&'static str, u32, u32)> {
    let generated = odata_codegen::generate(&common::default_inputs(), &common::crate_options())
        .expect("the seed generates");
    generated
        .diagnostics
        .iter()
        .map(|d| {
            let span = d
                .span
                .as_ref()
                .expect("every seed diagnostic points into the page");
            assert!(span.source.name.ends_with("000_9e47ed566db0d7be.md"));
            (d.code, span.line(), span.col())
        })
        .collect()
}

#[test]
fn seed_page_warnings_have_codes_and_positions() {
    let warnings = seed_warnings();
    for expected in [
        ("ref-on-containment", 31, 115),
        ("unknown-enum-member", 77, 13),
        ("type-name-case", 88, 18),
        ("unknown-enum-member", 101, 13),
    ] {
        assert!(
            warnings.contains(&expected),
            "missing {expected:?} in {warnings:?}"
        );
    }
}

#[test]
fn warnings_print_like_a_compiler_with_the_source_line() {
    let metadata = common::root().join(common::METADATA).display().to_string();
    let page = common::root().join(common::SEED_PAGE).display().to_string();
    let (code, _, stderr) = common::cli(&["validate", "--metadata", &metadata, "--doc", &page]);
    assert_eq!(code, 0, "{stderr}");
    let expect = [
        "000_9e47ed566db0d7be.md:31:115: warning[ref-on-containment]: `$ref` on `userStatuses`, a containment navigation property of `microsoft.graph.iosLobAppProvisioningConfiguration`",
        "31 | POST /deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses/$ref",
        "000_9e47ed566db0d7be.md:77:13: warning[unknown-enum-member]: `String` (`status`) is not a member of enum `microsoft.graph.complianceStatus`",
        "77 |   \"status\": \"String\",",
        "= note: its members are: unknown, notApplicable, compliant, remediated, nonCompliant, error, conflict, notAssigned",
        "000_9e47ed566db0d7be.md:88:18: warning[type-name-case]: `microsoft.graph.manageddevicemobileappconfigurationuserstatus` is spelled `microsoft.graph.managedDeviceMobileAppConfigurationUserStatus` in the schema",
        "000_9e47ed566db0d7be.md:101:13: warning[unknown-enum-member]: `String` (`status`) is not a member of enum `microsoft.graph.complianceStatus`",
    ];
    for line in expect {
        assert!(stderr.contains(line), "stderr lacks {line:?}:\n{stderr}");
    }
    let caret_line = stderr
        .lines()
        .skip_while(|l| !l.starts_with("31 |"))
        .nth(1)
        .expect("a caret line follows the source line");
    assert_eq!(
        caret_line.find('^'),
        Some("31 | ".len() + 114),
        "{caret_line}"
    );
}

#[test]
fn todo_permissions_are_reported_and_not_documented_as_real() {
    let warnings = seed_warnings();
    assert!(
        warnings.contains(&("todo-permission", 21, 37)),
        "{warnings:?}"
    );
    assert!(
        warnings.contains(&("todo-permission", 23, 14)),
        "{warnings:?}"
    );
    let files = common::generate_default();
    let requests = common::module_text(&files, "src/requests");
    assert!(
        !requests.contains("TODO"),
        "a TODO permission was copied into the docs"
    );
    assert!(requests.contains("/// - Delegated (work or school account): not documented"));
    assert!(requests.contains("/// - Delegated (personal Microsoft account): Not supported."));
}

#[test]
fn every_code_is_unique_and_documented() {
    let table = std::fs::read_to_string(common::root().join("docs/diagnostics.md"))
        .expect("docs/diagnostics.md");
    let codes = odata_codegen::DIAGNOSTIC_CODES;
    let mut seen = std::collections::HashSet::new();
    for (code, meaning) in codes {
        assert!(seen.insert(code), "code `{code}` is listed twice");
        let row = format!("| `{code}` | {meaning} |");
        assert!(
            table.contains(&row),
            "docs/diagnostics.md lacks the row {row}"
        );
    }
}
