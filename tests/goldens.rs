//! The golden suite: every directory `tests/goldens/<fixture>/` holds the inputs of one run
//! of [`odata_codegen::generate`] and the crate it must return, byte for byte:
//!
//! - `metadata.xml`: the CSDL document;
//! - `pages/*.md` (optional): reference pages, read in file name order;
//! - `options.toml`: `package = "name"`, `select = "all"`, `"documented"` or a list of
//!   path globs, and `root_features = true` or `false`; nothing else (an unknown,
//!   repeated or missing key is an error);
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

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use odata_codegen::output::write_dir;
use odata_codegen::{Files, Inputs, Layout, Options, RuntimeDependency, Select};

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
    for entry in fs::read_dir(&dir).expect("the fixture directory is readable") {
        let entry = entry.expect("a directory entry");
        let file = entry.file_name().to_string_lossy().into_owned();
        assert!(
            ["metadata.xml", "options.toml", "pages", "expected"].contains(&file.as_str()),
            "{relative}/{file} is not an input of the golden suite (metadata.xml, options.toml, pages/, expected/)"
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
            metadata: common::input(&format!("{relative}/metadata.xml")),
            docs,
        },
        options,
    }
}

/// A value of `options.toml`.
#[derive(Debug)]
enum Value {
    String(String),
    Bool(bool),
    Strings(Vec<String>),
}

/// The generate options an `options.toml` gives.
fn read_options(text: &str) -> Result<Options, String> {
    let mut entries = BTreeMap::new();
    for (line, key, value) in entries_of(text)? {
        if entries.insert(key.clone(), value).is_some() {
            return Err(format!("line {line}: `{key}` is set twice"));
        }
    }
    let mut take = |key: &str| {
        entries
            .remove(key)
            .ok_or_else(|| format!("`{key}` is missing"))
    };
    let package = match take("package")? {
        Value::String(name) => name,
        other => return Err(format!("`package` is a string, not {other:?}")),
    };
    let select = match take("select")? {
        Value::String(s) if s == "all" => Select::All,
        Value::String(s) if s == "documented" => Select::Documented,
        Value::Strings(globs) if !globs.is_empty() => Select::Paths(globs),
        other => {
            return Err(format!(
                "`select` is \"all\", \"documented\" or a list of path globs, not {other:?}"
            ));
        }
    };
    let root_features = match take("root_features")? {
        Value::Bool(b) => b,
        other => return Err(format!("`root_features` is true or false, not {other:?}")),
    };
    if let Some(key) = entries.keys().next() {
        return Err(format!(
            "unknown key `{key}` (the keys are package, select, root_features)"
        ));
    }
    Ok(Options {
        package: Some(package),
        layout: Layout::Crate {
            // The tests crate shares the workspace's version with the runtime.
            runtime: RuntimeDependency::Version(env!("CARGO_PKG_VERSION").to_owned()),
        },
        select,
        root_features,
        ..Options::default()
    })
}

/// The `key = value` entries of a small TOML subset, with their line numbers: a value is
/// a string without escapes, `true`, `false`, or a list of strings (which may span lines);
/// `#` starts a comment outside strings.
fn entries_of(text: &str) -> Result<Vec<(usize, String, Value)>, String> {
    let mut entries = Vec::new();
    let mut lines = text.lines().enumerate().map(|(n, l)| (n + 1, l));
    while let Some((line, content)) = lines.next() {
        let content = without_comment(content).trim();
        if content.is_empty() {
            continue;
        }
        let at = |message: String| format!("line {line}: {message}");
        let (key, value) = content
            .split_once('=')
            .ok_or_else(|| at(format!("`{content}` is not `key = value`")))?;
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            return Err(at(format!("`{key}` is not a key")));
        }
        let mut value = value.trim().to_owned();
        if value.starts_with('[') {
            while !value.ends_with(']') {
                let (_, next) = lines
                    .next()
                    .ok_or_else(|| at(format!("the list of `{key}` is not closed")))?;
                value.push(' ');
                value.push_str(without_comment(next).trim());
            }
        }
        let value = parse_value(&value).map_err(|e| at(format!("`{key}`: {e}")))?;
        entries.push((line, key.to_owned(), value));
    }
    Ok(entries)
}

/// The line up to a `#` that is not inside a string.
fn without_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

fn parse_value(text: &str) -> Result<Value, String> {
    match text {
        "true" => return Ok(Value::Bool(true)),
        "false" => return Ok(Value::Bool(false)),
        _ => {}
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let mut strings = Vec::new();
        let mut rest = inner.trim_start();
        while !rest.is_empty() {
            let (string, after) = parse_string(rest)?;
            strings.push(string);
            rest = after.trim_start();
            if let Some(after) = rest.strip_prefix(',') {
                rest = after.trim_start();
            } else if !rest.is_empty() {
                return Err(format!("`{rest}` follows a list element without a comma"));
            }
        }
        return Ok(Value::Strings(strings));
    }
    match parse_string(text)? {
        (string, "") => Ok(Value::String(string)),
        (_, rest) => Err(format!("`{rest}` follows the string")),
    }
}

/// A string at the start of `text`, and what follows it.
fn parse_string(text: &str) -> Result<(String, &str), String> {
    let inner = text
        .strip_prefix('"')
        .ok_or_else(|| format!("`{text}` is not a string, true, false or a list of strings"))?;
    let end = inner
        .find('"')
        .ok_or_else(|| format!("`{text}` is not a closed string"))?;
    let string = &inner[..end];
    if string.contains('\\') {
        return Err(format!("`{string}`: escapes are not supported"));
    }
    Ok((string.to_owned(), &inner[end + 1..]))
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
fn every_expected_crate_compiles_without_warnings() {
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
            "unknown key `layout`",
        ),
        (
            "package = \"p\"\nselect = \"all\"\n",
            "`root_features` is missing",
        ),
        (
            "package = \"p\"\npackage = \"q\"\nselect = \"all\"\nroot_features = true\n",
            "line 2: `package` is set twice",
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
            "line 3: `root_features`: `yes` is not a string",
        ),
        (
            "package = p\nselect = \"all\"\nroot_features = true\n",
            "line 1: `package`",
        ),
        (
            "select = [\"/a\"\n",
            "line 1: the list of `select` is not closed",
        ),
        ("select = [\"/a\" \"/b\"]\n", "without a comma"),
        ("package\n", "line 1: `package` is not `key = value`"),
    ] {
        let message = read_options(bad)
            .err()
            .unwrap_or_else(|| panic!("{bad:?} reads"));
        assert!(message.contains(error), "{bad:?}: {message}");
    }
}
