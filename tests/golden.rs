//! `generated/` is exactly what the default inputs generate, byte for byte.
//! `ODATA_CODEGEN_BLESS=1 cargo test -p odata-codegen-tests --test golden` rewrites it;
//! without `--test golden`, the same variable also rewrites the golden suite's expected
//! crates (tests/goldens.rs).

mod common;

use std::fs;

use odata_codegen::output::{Difference, check_dir, write_dir};
use similar::TextDiff;

#[test]
fn generated_crate_is_up_to_date() {
    let files = common::generate_default();
    let dir = common::root().join("generated");
    if common::blessing() {
        write_dir(&dir, &files, false).expect("generated/ is rewritten");
        return;
    }
    let differences = check_dir(&dir, &files).expect("generated/ is readable");
    let mut report = String::new();
    for difference in &differences {
        report.push_str(&format!("{difference}\n"));
        if let Difference::Changed(name) = difference {
            let old = fs::read_to_string(dir.join(name)).unwrap_or_default();
            let diff = TextDiff::from_lines(&old, &files[name]);
            report.push_str(
                &diff
                    .unified_diff()
                    .header(&format!("generated/{name}"), "regenerated")
                    .to_string(),
            );
        }
    }
    assert!(
        differences.is_empty(),
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
