//! Tells the tests whether the Graph beta corpus is there: without it, the tests that
//! need it are ignored with the reason (so a summary says which did not run), and under
//! `CI` the build fails, since CI must run them.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(corpus_missing)");
    println!("cargo::rerun-if-env-changed=ODATA_CODEGEN_CORPUS");
    println!("cargo::rerun-if-env-changed=CI");
    let dir = std::env::var_os("ODATA_CODEGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/graph-beta-2021-07")
        });
    let metadata = dir.join("metadata.xml");
    println!("cargo::rerun-if-changed={}", metadata.display());
    if metadata.is_file() {
        return;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but the Graph beta corpus is missing at {} (set ODATA_CODEGEN_CORPUS)",
            dir.display()
        );
    }
    println!(
        "cargo::warning=the Graph beta corpus is not at {}: the tests that need it are ignored",
        dir.display()
    );
    println!("cargo::rustc-cfg=corpus_missing");
}
