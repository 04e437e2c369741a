//! Other OData services than Graph: the hand-written CSDL documents of the golden
//! fixtures `tests/goldens/{library,orders,two_schemas,names,drive}/metadata.xml` each generate
//! a whole crate (`--all`, a feature per root), and one `cargo test` over a temporary
//! workspace of those crates compiles them with no warnings and runs
//! `tests/fixtures/services/usage.rs`, which uses them as a caller would: polymorphic
//! reading, request bodies, keys, containment, casts, operations, references, streams,
//! hostile names, delta queries and upload sessions.

mod common;

use std::path::Path;

use odata_codegen::output::write_dir;
use odata_codegen::{Inputs, Layout, Options, RuntimeDependency, Select};

const FIXTURES: &[&str] = &["library", "orders", "two_schemas", "names", "drive"];

/// The CSDL document of a fixture, relative to the workspace root.
fn metadata(name: &str) -> String {
    format!("tests/goldens/{name}/metadata.xml")
}

fn generate(name: &str, root_features: bool) -> odata_codegen::Files {
    let relative = metadata(name);
    let inputs = Inputs::new(common::input(&relative), Vec::new());
    let options = Options {
        package: Some(format!("fixture-{}", name.replace('_', "-"))),
        layout: Layout::Crate {
            runtime: RuntimeDependency::Path(common::runtime_path()),
        },
        select: Select::All,
        root_features,
        ..Options::default()
    };
    odata_codegen::generate(&inputs, &options)
        .unwrap_or_else(|f| panic!("{relative} generates: {f:#?}"))
        .files
}

fn write_usage_crate(dir: &Path) {
    let usage = dir.join("usage");
    std::fs::create_dir_all(usage.join("src")).expect("usage/src");
    std::fs::create_dir_all(usage.join("tests")).expect("usage/tests");
    let mut manifest = String::from(
        "[package]\nname = \"fixture-usage\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dev-dependencies]\nserde_json = \"1\"\n",
    );
    for name in FIXTURES {
        manifest.push_str(&format!(
            "fixture-{} = {{ path = \"../{name}\", default-features = false, features = [\"full\"] }}\n",
            name.replace('_', "-")
        ));
    }
    std::fs::write(usage.join("Cargo.toml"), manifest).expect("usage manifest");
    std::fs::write(
        usage.join("src/lib.rs"),
        "//! Tests of the generated fixture crates live in `tests/`.\n",
    )
    .expect("usage lib");
    std::fs::copy(
        common::root().join("tests/fixtures/services/usage.rs"),
        usage.join("tests/usage.rs"),
    )
    .expect("usage test");
}

#[test]
fn every_fixture_generates_a_crate_that_compiles_without_warnings_and_works() {
    let dir = common::temp_dir("services");
    for name in FIXTURES {
        write_dir(&dir.join(name), &generate(name, true), false).expect("the crate is written");
    }
    write_usage_crate(&dir);
    let mut members: Vec<&str> = FIXTURES.to_vec();
    members.push("usage");
    common::write_workspace(&dir, &members);
    let (ok, output) = common::cargo(
        &dir,
        &[
            "test",
            "--workspace",
            "--all-features",
            "--message-format",
            "short",
        ],
    );
    assert!(
        ok,
        "the fixture crates do not build or their tests fail:\n{output}"
    );
    let warnings = common::compiler_warnings(&output);
    assert!(
        warnings.is_empty(),
        "the fixture crates compile with warnings:\n{}\n\n{output}",
        warnings.join("\n")
    );
    assert_forbidden_requests_do_not_compile(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Requests the service forbids where a path went, on handles other paths allow them on,
/// are compile errors that name the missing permission.
fn assert_forbidden_requests_do_not_compile(dir: &Path) {
    let misuse = dir.join("misuse");
    std::fs::create_dir_all(misuse.join("src")).expect("misuse/src");
    std::fs::write(
        misuse.join("Cargo.toml"),
        "[package]\nname = \"fixture-misuse\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\nfixture-orders = { path = \"../orders\", default-features = false, features = [\"full\"] }\nfixture-library = { path = \"../library\", default-features = false, features = [\"full\"] }\n",
    )
    .expect("misuse manifest");
    std::fs::write(
        misuse.join("src/lib.rs"),
        "use fixture_orders::orders::Order;\n\
         use fixture_orders::requests::OrderService;\n\
         pub fn update_an_order_of_a_customer() {\n\
             let _ = OrderService.customers().by_id(3).orders().by_key(3, 9).update(&Order::default());\n\
         }\n\
         pub fn delete_a_referrer() {\n\
             let _ = OrderService.customers().by_id(3).referred_by().delete();\n\
         }\n\
         pub fn delete_a_loan_viewed_as_a_book() {\n\
             let loan = fixture_library::requests::LibraryService.members().by_id(\"m\").loans().by_id(\"i\");\n\
             let _ = loan.as_book().delete();\n\
         }\n",
    )
    .expect("misuse lib");
    let mut members: Vec<&str> = FIXTURES.to_vec();
    members.extend(["usage", "misuse"]);
    common::write_workspace(dir, &members);
    let (ok, output) = common::cargo(dir, &["check", "-p", "fixture-misuse"]);
    assert!(!ok, "forbidden requests compile:\n{output}");
    for expected in [
        "`ReadOnly: Updatable`",
        "`ReadOnly: Deletable`",
        "misuse/src/lib.rs:4:",
        "misuse/src/lib.rs:7:",
        "misuse/src/lib.rs:11:",
        "`fixture_library::requests::book::Book<ReadOnly>`",
    ] {
        assert!(output.contains(expected), "no {expected} in:\n{output}");
    }
}

#[test]
fn output_is_deterministic() {
    for name in FIXTURES {
        assert_eq!(generate(name, true), generate(name, true), "{name}");
    }
}

/// The files under `dir`, by their paths relative to it.
fn walk(dir: &Path) -> odata_codegen::Files {
    let mut files = odata_codegen::Files::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).expect("a generated directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("below dir");
                let text = std::fs::read_to_string(&path).expect("a generated file");
                files.insert(relative.to_string_lossy().into_owned(), text);
            }
        }
    }
    files
}

/// A file of a generated crate, by path.
fn file<'f>(files: &'f odata_codegen::Files, path: &str) -> &'f str {
    files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", files.keys().collect::<Vec<_>>()))
}

/// The text of `impl Name { ... }` in `text`; for a generic `Name<A>`, of the block
/// that needs `A` to be updatable, else of the one for any `A`.
fn impl_block<'t>(text: &'t str, name: &str) -> &'t str {
    let start = text
        .find(&format!("impl {name} {{"))
        .or_else(|| text.find(&format!("impl<A: rt::access::Updatable> {name} {{")))
        .or_else(|| text.find(&format!("impl<A> {name} {{")))
        .unwrap_or_else(|| panic!("no impl {name}"));
    let end = text[start..]
        .find("\n}\n")
        .map_or(text.len(), |e| start + e);
    &text[start..end]
}

#[test]
fn capabilities_restrictions_leave_out_what_the_service_forbids() {
    let files = generate("orders", false);
    let requests = file(&files, "src/requests.rs");
    let warehouses = impl_block(requests, "Warehouses");
    assert!(warehouses.contains("pub fn list("), "{warehouses}");
    assert!(!warehouses.contains("pub fn create("), "{warehouses}");
    assert!(!warehouses.contains("pub fn count("), "{warehouses}");
    // A warehouse is reached by its set, where it may be deleted, and read-only by an
    // order's `shipTo/warehouse`; no place allows updating it.
    let warehouse_module = file(&files, "src/requests/warehouse.rs");
    let warehouse = impl_block(warehouse_module, "Warehouse<A>");
    assert!(warehouse.contains("pub fn get("), "{warehouse}");
    let deletable = warehouse_module
        .find("impl<A: rt::access::Deletable> Warehouse<A> {")
        .map(|start| &warehouse_module[start..])
        .expect("a deletable warehouse");
    assert!(deletable.contains("pub fn delete("), "{deletable}");
    assert!(
        !warehouse_module.contains("pub fn update("),
        "{warehouse_module}"
    );
    // Orders cannot be deleted from the `orders` set, and an order is reached nowhere
    // else with delete allowed. The orders of a customer are only read there, so the
    // order's handle takes the access as a parameter, and `update` needs it.
    let order_module = file(&files, "src/requests/order.rs");
    assert!(!order_module.contains("impl<A: rt::access::Deletable> Order<A>"));
    let order = impl_block(order_module, "Order<A>");
    assert!(order.contains("pub fn update("), "{order}");
    let orders = impl_block(requests, "Orders");
    assert!(
        orders.contains(") -> order::Order<rt::access::UpdateOnly> {"),
        "{orders}"
    );
    let of_customer = impl_block(file(&files, "src/requests/customer.rs"), "Orders");
    assert!(
        of_customer.contains(") -> super::order::Order<rt::access::ReadOnly> {"),
        "{of_customer}"
    );
    assert!(
        order_module.contains("-> super::warehouse::Warehouse<rt::access::ReadOnly> {"),
        "{order_module}"
    );
}

#[test]
fn schema_facts_become_docs() {
    let files = generate("orders", false);
    let models = common::module_text(&files, "src/orders");
    let requests = common::module_text(&files, "src/requests");
    for expected in [
        "/// Computed by the service.",
        "/// Set when the entity is created; never changed afterwards.",
        "/// The service's default is `open`.",
        "/// Precision 10, scale variable.",
        "/// Max length 100.",
        "/// The type definition `example.orders.sku`: `Edm.String`, max length 12.",
        "pub type Sku = String;",
        "pub type TrackingId = String;",
        "/// The lines of the order, in order.",
    ] {
        assert!(
            models.contains(expected) || requests.contains(expected),
            "missing {expected:?}"
        );
    }
    assert!(requests.contains("/// Everyone who ever ordered."));
    assert!(requests.contains("/// - `customerId`: Who orders."));
}

#[test]
fn features_gate_each_root_and_full_enables_all() {
    let files = generate("library", true);
    let manifest = file(&files, "Cargo.toml");
    assert!(
        manifest.contains("full = [\"libraries\", \"members\", \"main\"]"),
        "{manifest}"
    );
    assert!(manifest.contains("# The singleton `main` and what it reaches.\nmain = []"));
    let requests = file(&files, "src/requests.rs");
    assert!(
        requests.contains("#[cfg(feature = \"members\")]\n    pub fn members(&self) -> Members {")
    );
    // A member's loans are entities the libraries own: listing them needs that feature.
    let loans = impl_block(file(&files, "src/requests/member.rs"), "Loans");
    assert!(loans.contains("pub fn refs(&self)"), "{loans}");
    assert!(
        loans
            .contains("#[cfg(any(feature = \"libraries\", feature = \"main\"))]\n    pub fn list("),
        "{loans}"
    );
}

#[test]
fn select_globs_choose_what_is_generated_and_warn_when_nothing_matches() {
    let dir = common::temp_dir("services-select");
    let out = dir.join("crate");
    let metadata = common::root()
        .join(metadata("library"))
        .display()
        .to_string();
    let (code, _, stderr) = common::cli(&[
        "generate",
        "--metadata",
        &metadata,
        "--select",
        "/libraries/{id}/shelves/*/items/example.library.book",
        "--select",
        "/main/logo/$value",
        "--select",
        "/nowhere/**",
        "--out",
        &out.display().to_string(),
        "--timings",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning[nothing-selected]: the path glob `/nowhere/**` matches nothing"),
        "{stderr}"
    );
    assert!(stderr.contains("timings: read "), "{stderr}");
    let files: odata_codegen::Files = walk(&out);
    let requests = common::module_text(&files, "src/requests");
    for expected in [
        "pub fn libraries(&self)",
        "pub fn shelves(&self)",
        "pub fn items(&self)",
        "pub fn as_book(&self) -> super::book::BookCollection",
        "pub fn media(&self) -> rt::Stream",
    ] {
        assert!(
            requests.contains(expected),
            "missing {expected:?}:\n{requests}"
        );
    }
    // Only what the globs reach: no members, no sections, no chapters.
    for absent in [
        "pub fn members(",
        "pub fn sections(",
        "pub fn chapters(",
        "pub fn check_out(",
    ] {
        assert!(
            !requests.contains(absent),
            "unexpected {absent:?}:\n{requests}"
        );
    }
    let models = common::module_text(&files, "src/library");
    assert!(models.contains("pub struct Book {"));
    assert!(!models.contains("pub struct Member {"), "{models}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_scripts_select_too() {
    let dir = common::temp_dir("services-config");
    let path = odata_codegen::Config::new()
        .metadata(common::root().join(metadata("orders")))
        .select("/orders/**")
        .emit_rerun_if_changed(false)
        .out_dir(&dir)
        .compile("orders.rs")
        .expect("the build script generates");
    let text = std::fs::read_to_string(path).expect("orders.rs");
    assert!(text.contains("pub fn orders(&self) -> Orders"), "{text}");
    assert!(!text.contains("pub fn warehouses("), "{text}");
    let all = odata_codegen::Config::new()
        .metadata(common::root().join(metadata("orders")))
        .all()
        .emit_rerun_if_changed(false)
        .out_dir(&dir)
        .compile("all.rs")
        .expect("the build script generates everything");
    let text = std::fs::read_to_string(all).expect("all.rs");
    assert!(text.contains("pub fn warehouses(&self) -> Warehouses"));
    assert!(text.contains("pub fn place_order("));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Set in the child process of [`build_scripts_rerun_when_a_referenced_document_changes`]:
/// the output directory.
const CONFIG_CHILD: &str = "ODATA_CODEGEN_TEST_CONFIG_CHILD";

/// A build script reruns when a document the metadata references changes. `Config`
/// prints its Cargo instructions on stdout, so the test runs itself again in a child
/// process, which compiles, and reads what the child printed.
#[test]
fn build_scripts_rerun_when_a_referenced_document_changes() {
    let golden = common::root().join("tests/goldens/references");
    if let Some(out_dir) = std::env::var_os(CONFIG_CHILD) {
        odata_codegen::Config::new()
            .metadata(golden.join("metadata.xml"))
            .all()
            .out_dir(out_dir)
            .compile("references.rs")
            .expect("the build script generates");
        return;
    }
    let dir = common::temp_dir("services-config-references");
    let name = "build_scripts_rerun_when_a_referenced_document_changes";
    let child = std::process::Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CONFIG_CHILD, &dir)
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&child.stderr)
    );
    // The harness's own `test ... ` may start the first line.
    let rerun: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.find("cargo:rerun-if-changed=").map(|at| &l[at..]))
        .collect();
    let line = |file: &str| format!("cargo:rerun-if-changed={}", golden.join(file).display());
    assert_eq!(
        rerun,
        [line("metadata.xml"), line("products.xml")],
        "{stdout}"
    );
    let text = std::fs::read_to_string(dir.join("references.rs")).expect("references.rs");
    assert!(text.contains("pub struct Product {"), "{text}");

    // Without the referenced document, the build script fails at the reference.
    let main = dir.join("main.xml");
    std::fs::write(&main, std::fs::read(golden.join("metadata.xml")).unwrap()).unwrap();
    let error = odata_codegen::Config::new()
        .metadata(&main)
        .all()
        .emit_rerun_if_changed(false)
        .out_dir(&dir)
        .compile("missing.rs")
        .expect_err("a missing referenced document fails the build script")
        .to_string();
    assert!(
        error.starts_with(&format!(
            "{}:14:3: error[reference-not-found]: cannot read `{}`",
            main.display(),
            dir.join("products.xml").display()
        )),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn build_scripts_set_diagnostic_levels() {
    let dir = common::temp_dir("services-config-levels");
    let config = |code: &str, level| {
        odata_codegen::Config::new()
            .metadata(common::root().join("metadata/graph-user-statuses.xml"))
            .doc(common::root().join("metadata/000_9e47ed566db0d7be.md"))
            .level(code, level)
            .emit_rerun_if_changed(false)
            .out_dir(&dir)
            .compile("seed.rs")
    };
    let denied = config("todo-permission", odata_codegen::Level::Deny)
        .expect_err("a denied warning fails the build script");
    let message = denied.to_string();
    assert!(message.contains("error[todo-permission]"), "{message}");
    assert!(
        !dir.join("seed.rs").exists(),
        "nothing is written on failure"
    );
    config("todo-permission", odata_codegen::Level::Allow).expect("allowed, it generates");
    assert!(dir.join("seed.rs").exists());
    let unknown =
        config("no-such-code", odata_codegen::Level::Warn).expect_err("an unknown code is refused");
    assert!(
        matches!(unknown, odata_codegen::ConfigError::Level(ref m) if m.contains("no-such-code")),
        "{unknown}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A page documenting a bound function and one documenting an action import: their text
/// reaches the generated methods, as it does for create, read, update and delete.
#[test]
fn pages_document_bound_operations_and_imports() {
    let page = |title: &str, request: &str| {
        format!(
            "---\ntitle: \"{title}\"\ndescription: \"About {title}.\"\n---\n\n# {title}\n\n\
             The page's own words on {title}.\n\n## Permissions\n\n\
             |Permission type|Permissions (from most to least privileged)|\n|:---|:---|\n\
             |Application|Orders.Read.All|\n\n## HTTP request\n\n\
             <!-- {{ \"blockType\": \"ignored\" }} -->\n```http\n{request}\n```\n\n\
             ## Response\n\nIf successful, this method returns a `200 OK` response code.\n"
        )
    };
    let inputs = Inputs::new(
        common::input(&metadata("orders")),
        vec![
            odata_codegen::Input::new(
                "customer-openordercount.md",
                page("Count open orders", "GET /customers/{id}/openOrderCount()"),
            ),
            // Two request lines of one page document the import once.
            odata_codegen::Input::new(
                "resetdemo.md",
                page("Reset the demo", "POST /resetDemo\nPOST /resetDemo"),
            ),
        ],
    );
    let options = Options {
        layout: Layout::SingleFile {
            file_name: "orders.rs".to_owned(),
        },
        ..Options::default()
    };
    let generated = odata_codegen::generate(&inputs, &options)
        .unwrap_or_else(|f| panic!("the pages generate: {f:#?}"));
    let text = file(&generated.files, "orders.rs");
    let customer = impl_block(text, "Customer");
    assert!(customer.contains("/// **Count open orders**"), "{customer}");
    assert!(
        customer.contains("/// About Count open orders."),
        "{customer}"
    );
    assert!(customer.contains("Orders.Read.All"), "{customer}");
    assert!(customer.contains("pub fn open_order_count("), "{customer}");
    let reset_docs = text.matches("/// **Reset the demo**").count();
    assert_eq!(reset_docs, 1, "{text}");
}

/// An example that updates an entity where the path it takes only reads it does not
/// become a test that would not compile; the same update where it is allowed does.
#[test]
fn examples_only_update_where_the_path_allows_it() {
    let page = |name: &str, path: &str| {
        let title = format!("Update {name}");
        let text = format!(
            "---\ntitle: \"{title}\"\ndescription: \"{title}.\"\n---\n\n# {title}\n\n\
             ## HTTP request\n\n<!-- {{ \"blockType\": \"ignored\" }} -->\n```http\nPATCH /{path}\n```\n\n\
             ## Example\n\n### Request\n\n\
             <!-- {{ \"blockType\": \"request\", \"name\": \"update_{name}\" }} -->\n\
             ```http\nPATCH https://example.com/v1/{path}\nContent-type: application/json\n\n{{\"name\": \"Ada\"}}\n```\n\n\
             ### Response\n\n<!-- {{ \"blockType\": \"response\" }} -->\n```http\nHTTP/1.1 204 No Content\n```\n"
        );
        odata_codegen::Input::new(format!("update-{name}.md"), text)
    };
    let inputs = Inputs::new(
        common::input(&metadata("orders")),
        vec![
            page("customer", "customers/3"),
            page("referrer", "customers/3/referredBy"),
        ],
    );
    let generated = odata_codegen::generate(&inputs, &Options::default())
        .unwrap_or_else(|f| panic!("the pages generate: {f:#?}"));
    let examples = file(&generated.files, "src/examples.rs");
    assert!(
        examples.contains("fn example_update_customer()"),
        "{examples}"
    );
    assert!(
        !examples.contains("fn example_update_referrer()"),
        "{examples}"
    );
    let skipped: Vec<String> = generated
        .diagnostics
        .iter()
        .filter(|d| d.code == "example-not-testable")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("update-referrer.md") && skipped[0].contains("offers no `update`"),
        "{skipped:?}"
    );
}
