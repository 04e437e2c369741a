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

/// The README's main command, as it stands there, run from the repository root with
/// `--check`: `generated/` is what it writes.
#[test]
fn readme_main_command_reproduces_generated() {
    let root = common::root();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let command = readme
        .lines()
        .find_map(|line| line.strip_prefix("cargo run -p odata-codegen -- "))
        .expect("README gives the main command");
    // The command's paths are relative to the repository root; the tests run elsewhere.
    let mut args: Vec<String> = Vec::new();
    let mut words = command.split_whitespace().peekable();
    while let Some(word) = words.next() {
        args.push(word.to_owned());
        if ["--metadata", "--doc", "--out", "--runtime-path"].contains(&word) {
            let path = words.next().expect("a path follows");
            args.push(root.join(path).display().to_string());
        }
    }
    args.push("--check".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = common::cli(&args);
    assert_eq!(
        code, 0,
        "{command} --check reports differences:\n{stdout}\n{stderr}"
    );
}
