//! The golden suite: every directory `tests/goldens/<fixture>/` holds the inputs of one run
//! of [`odata_codegen::generate`] and the crate it must return, byte for byte:
//!
//! - `metadata.xml`: the CSDL document;
//! - other `*.xml` files (optional): the documents its `edmx:Reference`s name, read as
//!   the command line reads them ([`odata_codegen::load_references`]); each must be one
//!   of those;
//! - `pages/*.md` (optional): reference pages, read in file name order;
//! - `options.toml`: `package = "name"`, `select = "all"`, `"documented"` or a list of
//!   path globs, `root_features = true` or `false`, and optionally `api_report = true`
//!   (`api.txt` in the crate); nothing else (an unknown, repeated or missing key is an
//!   error);
//! - `expected/`: the generated crate, which depends on the runtime by this workspace's
//!   version, so it names no path of the machine that blessed it.
//!
//! A fixture whose output differs fails with a unified diff per changed file; missing and
//! extra files are listed. `ODATA_CODEGEN_BLESS=1 cargo test -p odata-codegen-tests
//! --test goldens` rewrites every `expected/` (without `--test goldens` it also rewrites
//! `generated/`, see tests/golden.rs).
//!
//! The second test compiles every expected crate, all features on (every root feature
//! and the client), with its generated example tests, in one `cargo check
//! --all-targets` of a temporary workspace that patches the runtime's version to this
//! repository's runtime. Warnings are found in cargo's short output (as tests/services.rs
//! does) rather than denied with `RUSTFLAGS=-D warnings`, which would recompile every
//! dependency in the shared target directory. (Cargo cannot build an `expected/` in
//! place: it lies inside the tests package, a member of the root workspace, so cargo
//! refuses it, and `workspace.exclude` cannot carve it out of a member's directory.)

mod common;

use std::fs;
use std::path::PathBuf;

use odata_codegen::output::write_dir;
use odata_codegen::{Files, Input, Inputs, Layout, Options, RuntimeDependency, Select};

/// Where the fixtures are, relative to the workspace root.
const GOLDENS: &str = "tests/goldens";

/// One fixture: its name (the directory's), inputs and options.
struct Fixture {
    name: String,
    inputs: Inputs,
    options: Options,
}

impl Fixture {
    fn dir(&self) -> PathBuf {
        common::root().join(GOLDENS).join(&self.name)
    }

    fn expected(&self) -> PathBuf {
        self.dir().join("expected")
    }

    fn generate(&self) -> Files {
        let generated = odata_codegen::generate(&self.inputs, &self.options).unwrap_or_else(|f| {
            let diagnostics: Vec<String> = f.diagnostics.iter().map(ToString::to_string).collect();
            panic!(
                "golden `{}` does not generate:\n{}",
                self.name,
                diagnostics.join("\n")
            )
        });
        generated.files
    }
}

/// Every fixture, by name.
fn fixtures() -> Vec<Fixture> {
    let root = common::root().join(GOLDENS);
    let mut names: Vec<String> = fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {GOLDENS}: {e}"))
        .map(|entry| {
            let entry = entry.expect("a directory entry");
            assert!(
                entry.path().is_dir(),
                "{GOLDENS}/ holds only fixture directories, not {}",
                entry.path().display()
            );
            entry.file_name().to_string_lossy().into_owned()
        })
        .collect();
    names.sort();
    names.into_iter().map(|name| fixture(&name)).collect()
}

fn fixture(name: &str) -> Fixture {
    let relative = format!("{GOLDENS}/{name}");
    let dir = common::root().join(&relative);
    // Named by its absolute path, as the references are read relative to it; the
    // generated files name inputs by their file names only.
    let metadata_path = dir.join("metadata.xml");
    let metadata = Input::read_file(&metadata_path, u64::MAX)
        .unwrap_or_else(|e| panic!("cannot read {relative}/metadata.xml: {e}"));
    let references = odata_codegen::load_references(&metadata);
    let errors: Vec<String> = references.errors.iter().map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{relative}: {}", errors.join("\n"));
    let referenced: Vec<PathBuf> = references
        .documents
        .iter()
        .map(|d| PathBuf::from(&d.name))
        .collect();
    for entry in fs::read_dir(&dir).expect("the fixture directory is readable") {
        let entry = entry.expect("a directory entry");
        let file = entry.file_name().to_string_lossy().into_owned();
        assert!(
            ["metadata.xml", "options.toml", "pages", "expected"].contains(&file.as_str())
                || referenced.contains(&entry.path()),
            "{relative}/{file} is not an input of the golden suite (metadata.xml, the documents it references, options.toml, pages/, expected/)"
        );
    }
    let options_file = format!("{relative}/options.toml");
    let text = fs::read_to_string(common::root().join(&options_file))
        .unwrap_or_else(|e| panic!("cannot read {options_file}: {e}"));
    let options = read_options(&text).unwrap_or_else(|e| panic!("{options_file}: {e}"));
    let mut docs = Vec::new();
    if dir.join("pages").exists() {
        let mut pages: Vec<String> = fs::read_dir(dir.join("pages"))
            .expect("pages/ is readable")
            .map(|entry| {
                entry
                    .expect("a directory entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        pages.sort();
        for page in pages {
            assert!(
                page.ends_with(".md"),
                "{relative}/pages/{page} is not a page (*.md)"
            );
            docs.push(common::input(&format!("{relative}/pages/{page}")));
        }
    }
    Fixture {
        name: name.to_owned(),
        inputs: Inputs {
            metadata,
            references: references.documents,
            docs,
        },
        options,
    }
}

/// What an `options.toml` holds; nothing else is allowed.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionsFile {
    package: String,
    select: SelectFile,
    root_features: bool,
    #[serde(default)]
    api_report: bool,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum SelectFile {
    /// `"all"` or `"documented"`.
    Named(String),
    /// Path globs.
    Globs(Vec<String>),
}

/// The generate options an `options.toml` gives.
fn read_options(text: &str) -> Result<Options, String> {
    let file: OptionsFile = toml::from_str(text).map_err(|e| e.to_string())?;
    let select = match file.select {
        SelectFile::Named(s) if s == "all" => Select::All,
        SelectFile::Named(s) if s == "documented" => Select::Documented,
        SelectFile::Globs(globs) if !globs.is_empty() => Select::Paths(globs),
        _ => return Err("`select` is \"all\", \"documented\" or a list of path globs".to_owned()),
    };
    Ok(Options {
        package: Some(file.package),
        layout: Layout::Crate {
            // The tests crate shares the workspace's version with the runtime.
            runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned()),
        },
        select,
        root_features: file.root_features,
        api_report: file.api_report,
        ..Options::default()
    })
}

#[test]
fn every_fixture_generates_its_expected_crate() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 6, "only {} fixtures", fixtures.len());
    let host_root = common::root().display().to_string();
    let mut report = String::new();
    for fixture in &fixtures {
        let files = fixture.generate();
        for (name, text) in &files {
            assert!(
                !text.contains(&host_root),
                "golden `{}`: {name} names this machine's path {host_root}",
                fixture.name
            );
        }
        if common::blessing() {
            write_dir(&fixture.expected(), &files, false)
                .unwrap_or_else(|e| panic!("golden `{}` is not rewritten: {e}", fixture.name));
            continue;
        }
        let shown = format!("{GOLDENS}/{}/expected", fixture.name);
        report.push_str(&common::golden_report(&fixture.expected(), &shown, &files));
    }
    assert!(
        report.is_empty(),
        "the golden crates differ from what the fixtures generate:\n{report}\n\
         if the change is intended, run: {}=1 cargo test -p odata-codegen-tests --test goldens",
        common::BLESS
    );
}

#[test]
fn every_expected_crate_compiles_and_documents_without_warnings() {
    let fixtures = fixtures();
    let dir = common::temp_dir("goldens");
    for fixture in &fixtures {
        let crate_dir = dir.join(&fixture.name);
        if common::blessing() {
            // The other test is rewriting `expected/` with these very files.
            write_dir(&crate_dir, &fixture.generate(), false).expect("the crate is written");
            continue;
        }
        let expected = fixture.expected();
        let files = common::files_below(&expected);
        assert!(
            !files.is_empty(),
            "golden `{}` has no expected crate; run: {}=1 cargo test -p odata-codegen-tests --test goldens",
            fixture.name,
            common::BLESS
        );
        for file in files {
            let target = crate_dir.join(&file);
            fs::create_dir_all(target.parent().expect("a file has a parent"))
                .expect("the crate's directories are created");
            fs::copy(expected.join(&file), &target).expect("the expected file is copied");
        }
    }
    let members: Vec<&str> = fixtures.iter().map(|f| f.name.as_str()).collect();
    common::write_workspace(&dir, &members);
    let manifest = dir.join("Cargo.toml");
    let mut text = fs::read_to_string(&manifest).expect("the workspace manifest");
    text.push_str(&format!(
        "\n[patch.crates-io]\nodata-codegen-runtime = {{ path = {:?} }}\n",
        common::runtime_path()
    ));
    fs::write(&manifest, text).expect("the workspace manifest is patched");
    let (ok, output) = common::cargo(
        &dir,
        &[
            "check",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--message-format",
            "short",
        ],
    );
    assert!(ok, "the golden crates do not compile:\n{output}");
    let mut warnings = common::compiler_warnings(&output);
    // Cargo's own warnings too (an unused patch, a manifest key it ignores).
    warnings.extend(output.lines().filter(|l| l.starts_with("warning")));
    assert!(
        warnings.is_empty(),
        "the golden crates compile with warnings:\n{}\n\n{output}",
        warnings.join("\n")
    );
    // Their docs read as rustdoc renders them: every link resolves, no HTML breaks.
    let (ok, output) = common::cargo_with_env(
        &dir,
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
    assert!(ok, "rustdoc warns on the golden crates:\n{output}");
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn options_files_are_read_strictly() {
    let good = "# a comment\npackage = \"p\" # trailing\nselect = [\n  \"/a/{id}\", # first\n  \"/b/**\",\n]\nroot_features = true\n";
    let options = read_options(good).expect("the options read");
    assert_eq!(options.package.as_deref(), Some("p"));
    assert_eq!(
        options.select,
        Select::Paths(vec!["/a/{id}".to_owned(), "/b/**".to_owned()])
    );
    assert!(options.root_features);
    for (bad, error) in [
        (
            "package = \"p\"\nselect = \"all\"\nroot_features = false\nlayout = \"crate\"\n",
            "unknown field `layout`",
        ),
        (
            "package = \"p\"\nselect = \"all\"\n",
            "missing field `root_features`",
        ),
        (
            "package = \"p\"\npackage = \"q\"\nselect = \"all\"\nroot_features = true\n",
            "duplicate key",
        ),
        (
            "package = \"p\"\nselect = \"some\"\nroot_features = true\n",
            "`select` is \"all\"",
        ),
        (
            "package = \"p\"\nselect = []\nroot_features = true\n",
            "`select` is \"all\"",
        ),
        (
            "package = \"p\"\nselect = \"all\"\nroot_features = yes\n",
            "line 3, column 17",
        ),
        (
            "package = p\nselect = \"all\"\nroot_features = true\n",
            "line 1, column 11",
        ),
        ("select = [\"/a\"\n", "unclosed array"),
        ("select = [\"/a\" \"/b\"]\n", "missing comma"),
        ("package\n", "key with no value"),
    ] {
        let message = read_options(bad)
            .err()
            .unwrap_or_else(|| panic!("{bad:?} reads"));
        assert!(message.contains(error), "{bad:?}: {message}");
    }
}
