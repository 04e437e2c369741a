//! The whole Microsoft Graph beta schema (`--all`, a feature per entity set and
//! singleton) generates a crate that `cargo check`s with no errors and no warnings, with
//! every feature and with `deviceAppManagement` alone; and generating is deterministic.
//!
//! This is the heavy test of the suite: two `cargo check`s of a crate of about half a
//! million lines. It runs when the corpus is present (always in CI).

mod common;
mod readme_blocks;

use odata_codegen::output::write_dir;
use odata_codegen::{Input, Inputs, Layout, Options, RuntimeDependency, Select};

fn generate(metadata: &[u8]) -> odata_codegen::Files {
    let inputs = Inputs::new(Input::new("metadata.xml", metadata.to_vec()), Vec::new());
    let options = Options {
        package: Some("graph-beta".to_owned()),
        layout: Layout::Crate {
            runtime: RuntimeDependency::Path(common::runtime_path()),
        },
        select: Select::All,
        root_features: true,
        ..Options::default()
    };
    odata_codegen::generate(&inputs, &options)
        .unwrap_or_else(|f| panic!("the beta metadata generates: {f:#?}"))
        .files
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the Graph beta corpus at ../shared/graph-beta-2021-07 or $ODATA_CODEGEN_CORPUS"
)]
fn the_whole_beta_schema_compiles_with_every_feature_and_with_one() {
    let corpus = common::corpus();
    let metadata =
        std::fs::read(corpus.join("metadata.xml")).expect("the corpus metadata is readable");
    let files = generate(&metadata);
    assert_eq!(
        files,
        generate(&metadata),
        "two runs over the same inputs differ"
    );
    let manifest = &files["Cargo.toml"];
    assert!(manifest.contains("\ndeviceAppManagement = "), "{manifest}");
    // Graph declares no key-as-segment capability but is known to use segments: its URLs
    // keep `/users/{id}`, never `/users('{id}')`.
    let in_parentheses: Vec<&String> = files
        .iter()
        .filter(|(_, text)| text.contains("_in_parentheses("))
        .map(|(name, _)| name)
        .collect();
    assert!(
        in_parentheses.is_empty(),
        "keys in parentheses in {in_parentheses:?}"
    );
    assert!(files.values().any(|text| text.contains(".key(")));
    let dir = common::temp_dir("whole-beta");
    write_dir(&dir.join("graph-beta"), &files, false).expect("the crate is written");
    // The README's Graph calls, as an example of the crate.
    let readme = std::fs::read_to_string(common::root().join("README.md")).expect("README.md");
    let blocks = readme_blocks::rust_blocks(&readme, "graph_beta");
    assert!(
        !blocks.is_empty(),
        "the README shows calls of the whole crate"
    );
    let example = format!(
        "#![allow(unused)]\n{}\nfn main() {{}}\n",
        readme_blocks::as_function("readme", &blocks)
    );
    // What a program of the README's kind adds to the crate's own dependencies.
    let manifest_path = dir.join("graph-beta/Cargo.toml");
    let with_dev = format!("{manifest}\n[dev-dependencies]\nfutures-util = \"0.3\"\n");
    std::fs::write(&manifest_path, with_dev).expect("the manifest");
    std::fs::create_dir_all(dir.join("graph-beta/examples")).expect("examples/");
    std::fs::write(dir.join("graph-beta/examples/readme.rs"), example).expect("the example");
    common::write_workspace(&dir, &["graph-beta"]);
    for features in [
        &["--all-features", "--lib", "--examples"][..],
        &["--no-default-features", "--features", "deviceAppManagement"][..],
    ] {
        let mut args = vec!["check", "--message-format", "short"];
        args.extend_from_slice(features);
        let (ok, output) = common::cargo(&dir, &args);
        assert!(ok, "`cargo {}` fails:\n{output}", args.join(" "));
        let warnings = common::compiler_warnings(&output);
        assert!(
            warnings.is_empty(),
            "`cargo {}` warns:\n{}",
            args.join(" "),
            warnings.join("\n")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
