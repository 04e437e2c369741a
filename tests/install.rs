//! The generator as a user installs it: `cargo install --path codegen` into a temporary
//! root, run from a directory outside this repository. The crate it generates depends on
//! the published runtime at the generator's version, and names no path of the tree the
//! generator was built in.

mod common;

use std::fs;
use std::process::Command;

#[test]
fn an_installed_generator_depends_on_the_runtime_by_version() {
    let dir = common::temp_dir("install");
    let install_root = dir.join("installed");
    let (installed, output) = common::cargo(
        &dir,
        &[
            "install",
            "--path",
            &common::root().join("codegen").display().to_string(),
            "--root",
            &install_root.display().to_string(),
            "--debug",
            "--locked",
            "--offline",
            "--quiet",
        ],
    );
    assert!(installed, "cargo install failed:\n{output}");
    let work = dir.join("work");
    fs::create_dir_all(&work).unwrap();
    fs::copy(
        common::root().join(common::METADATA),
        work.join("service.xml"),
    )
    .unwrap();
    fs::copy(common::root().join(common::SEED_PAGE), work.join("page.md")).unwrap();
    let run = Command::new(install_root.join("bin/odata-codegen"))
        .args([
            "generate",
            "--metadata",
            "service.xml",
            "--doc",
            "page.md",
            "--out",
            "sdk",
        ])
        .current_dir(&work)
        .output()
        .expect("the installed binary runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = fs::read_to_string(work.join("sdk/Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!(
            "\nodata-codegen-runtime = \"{}\"\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{manifest}"
    );
    assert!(!manifest.contains("path ="), "{manifest}");
    assert!(
        !manifest.contains("publish"),
        "a crate by version is publishable: {manifest}"
    );
    let source_tree = common::root().display().to_string();
    for file in common::files_below(&work.join("sdk")) {
        let text = fs::read_to_string(work.join("sdk").join(&file)).unwrap();
        assert!(!text.contains(&source_tree), "{file} names the build tree");
        assert!(
            !text.contains("codegen/runtime"),
            "{file} names the build tree"
        );
    }
    fs::remove_dir_all(&dir).unwrap();
}
