//! Tells the tests whether the Graph beta corpus is there: without it, the tests that
//! need it are ignored with the reason (so a summary says which did not run), and under
//! `CI` the build fails, since CI must run them. Writes the README's examples for the
//! seed crate as code for `tests/readme.rs` to compile.

use std::path::PathBuf;

#[path = "readme_blocks.rs"]
mod readme_blocks;

fn main() {
    let readme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    println!("cargo::rerun-if-changed={}", readme.display());
    let text = std::fs::read_to_string(&readme).expect("README.md is readable");
    let blocks = readme_blocks::rust_blocks(&text, "microsoft_graph");
    let code = format!(
        "pub const BLOCKS: usize = {};\n{}",
        blocks.len(),
        readme_blocks::as_function("seed_crate_examples", &blocks)
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("readme_examples.rs"), code).expect("OUT_DIR is writable");

    live_server();

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

/// Tells tests/live.rs whether the CAP service's packages are installed
/// (`npm ci --prefix tests/live/cap`): without them it is ignored with that reason,
/// and under `CI` the build fails.
fn live_server() {
    println!("cargo::rustc-check-cfg=cfg(live_server_missing)");
    let packages = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("live/cap/node_modules");
    let cds = packages.join("@sap/cds/package.json");
    println!("cargo::rerun-if-changed={}", cds.display());
    if cds.is_file() {
        return;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but the live suite's packages are missing at {} (npm ci --prefix tests/live/cap)",
            packages.display()
        );
    }
    println!(
        "cargo::warning=the CAP service's packages are not installed (npm ci --prefix tests/live/cap): the live suite is ignored"
    );
    println!("cargo::rustc-cfg=live_server_missing");
}
