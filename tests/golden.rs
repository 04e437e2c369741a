//! `generated/` is exactly what the default inputs generate, byte for byte.
//! `ODATA_CODEGEN_BLESS=1 cargo test -p odata-codegen-tests --test golden` rewrites it;
//! without `--test golden`, the same variable also rewrites the golden suite's expected
//! crates (tests/goldens.rs).

mod common;

use odata_codegen::output::write_dir;

#[test]
fn generated_crate_is_up_to_date() {
    let files = common::generate_default();
    let dir = common::root().join("generated");
    if common::blessing() {
        write_dir(&dir, &files, false).expect("generated/ is rewritten");
        return;
    }
    let report = common::golden_report(&dir, "generated", &files);
    assert!(
        report.is_empty(),
        "generated/ is stale:\n{report}\nif the change is intended, run: {}=1 cargo test -p odata-codegen-tests --test golden",
        common::BLESS
    );
}

#[test]
fn output_is_deterministic() {
    assert_eq!(common::generate_default(), common::generate_default());
}

#[test]
fn readme_main_command_reproduces_generated() {
    let root = common::root();
    let (code, stdout, stderr) = common::cli_generate(
        &root.join(common::METADATA),
        &root.join(common::SEED_PAGE),
        &root.join("generated"),
        &["--check"],
    );
    assert_eq!(code, 0, "--check reports differences:\n{stdout}\n{stderr}");
}
