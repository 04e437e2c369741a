//! What the tests share: where things are, the default inputs, and the corpus rule.

#![allow(dead_code)] // each test binary uses its own part

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use odata_codegen::output::{Difference, check_dir};
use odata_codegen::{Files, Input, Inputs, Layout, Options, RuntimeDependency};
use similar::TextDiff;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_owned()
}

pub const METADATA: &str = "metadata/graph-user-statuses.xml";
pub const SEED_PAGE: &str = "metadata/000_9e47ed566db0d7be.md";

pub fn input(relative: &str) -> Input {
    let bytes = std::fs::read(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    Input::new(relative, bytes)
}

/// Entries of a golden crate's directory that belong to a local build, not to the golden
/// (the output writer keeps them too).
const LOCAL: &[&str] = &["target", "Cargo.lock"];

/// Files below `dir`, relative and `/`-separated, without [`LOCAL`] entries; none when
/// `dir` does not exist.
pub fn files_below(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if !dir.is_dir() {
        return out;
    }
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in std::fs::read_dir(dir.join(&relative)).expect("the directory is readable") {
            let entry = entry.expect("a directory entry");
            let name = entry.file_name();
            if relative.as_os_str().is_empty() && LOCAL.iter().any(|l| name == *l) {
                continue;
            }
            let path = relative.join(&name);
            if entry.file_type().expect("a file type").is_dir() {
                pending.push(path);
            } else {
                out.insert(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

/// What differs between the golden crate in `dir` (shown as `shown`) and `files`: a line
/// per changed, missing or extra file and a unified diff per changed one; empty when
/// nothing does.
pub fn golden_report(dir: &Path, shown: &str, files: &Files) -> String {
    // With `force`, every extra file is listed: stale generated ones and any other.
    let differences =
        check_dir(dir, files, true).unwrap_or_else(|e| panic!("{shown} is not readable: {e}"));
    let mut report = String::new();
    for difference in &differences {
        let line = match difference {
            Difference::Changed(name) => format!("changed: {shown}/{name}"),
            Difference::Missing(name) => format!("missing: {shown}/{name} (generated now)"),
            Difference::Stale(name) | Difference::Foreign(name) => {
                format!("extra: {shown}/{name} (not generated now)")
            }
            Difference::Leftover(name) => format!("extra: {name} beside {shown}"),
        };
        report.push_str(&line);
        report.push('\n');
        if let Difference::Changed(name) = difference {
            let old = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
            let diff = TextDiff::from_lines(&old, &files[name]);
            report.push_str(
                &diff
                    .unified_diff()
                    .header(&format!("{shown}/{name}"), "generated")
                    .to_string(),
            );
        }
    }
    report
}

/// The variable that, set on a test run, rewrites the goldens instead of comparing with
/// them: `generated/` (tests/golden.rs) and every `tests/goldens/*/expected/`
/// (tests/goldens.rs).
pub const BLESS: &str = "ODATA_CODEGEN_BLESS";

/// Whether this run rewrites the goldens: [`BLESS`] is set, and not to `""` or `0`.
pub fn blessing() -> bool {
    std::env::var_os(BLESS).is_some_and(|v| !v.is_empty() && v != "0")
}

/// The inputs of the README's main command.
pub fn default_inputs() -> Inputs {
    Inputs::new(input(METADATA), vec![input(SEED_PAGE)])
}

/// The options the README's main command uses when writing into `generated/`.
pub fn crate_options() -> Options {
    Options {
        layout: Layout::Crate {
            runtime: RuntimeDependency::Path("../codegen/runtime".to_owned()),
        },
        ..Options::default()
    }
}

pub fn generate_default() -> Files {
    odata_codegen::generate(&default_inputs(), &crate_options())
        .unwrap_or_else(|f| panic!("the default inputs generate: {f:#?}"))
        .files
}

/// The Graph beta corpus beside the repository (`ODATA_CODEGEN_CORPUS` overrides).
/// Tests that need it are ignored, with the reason, when it is missing (see build.rs,
/// which fails the build instead when `CI` is set).
pub fn corpus() -> PathBuf {
    let dir = std::env::var_os("ODATA_CODEGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/graph-beta-2021-07"));
    assert!(
        dir.join("metadata.xml").is_file(),
        "the corpus is missing at {} (set ODATA_CODEGEN_CORPUS)",
        dir.display()
    );
    dir
}

/// A fresh empty directory under the system's temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("odata-codegen-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the CLI in-process; returns (exit code, stdout, stderr).
pub fn cli(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let argv = std::iter::once("odata-codegen").chain(args.iter().copied());
    let code = odata_codegen::cli::run(argv, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).expect("stdout is UTF-8"),
        String::from_utf8(err).expect("stderr is UTF-8"),
    )
}

/// Runs `generate --metadata M --doc P --out O`, then `extra`, through [`cli`].
pub fn cli_generate(
    metadata: &Path,
    page: &Path,
    out: &Path,
    extra: &[&str],
) -> (u8, String, String) {
    let (metadata, page, out) = (
        metadata.display().to_string(),
        page.display().to_string(),
        out.display().to_string(),
    );
    let mut args = vec![
        "generate",
        "--metadata",
        &metadata,
        "--doc",
        &page,
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    cli(&args)
}

/// The target directory of this workspace, which nested builds share so that
/// dependencies compile once.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// Runs `cargo` in `dir` with the workspace's target directory; returns whether it
/// succeeded and its output (stderr then stdout). Compiler messages are short.
pub fn cargo(dir: &Path, args: &[&str]) -> (bool, String) {
    cargo_with_env(dir, args, &[])
}

/// [`cargo`] with environment variables set.
pub fn cargo_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo in {}: {e}", dir.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    (output.status.success(), text)
}

/// Compiler warnings in cargo's short output (`file.rs:1:2: warning: ...`), which the
/// generated crates must not have.
pub fn compiler_warnings(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter(|l| l.contains(": warning:") || l.contains(": warning["))
        .collect()
}

/// A workspace of generated crates in `dir`, with this workspace's lock file so that
/// nested builds resolve the same dependency versions and reuse their artifacts.
pub fn write_workspace(dir: &Path, members: &[&str]) {
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("the workspace manifest is written");
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock"))
        .expect("the lock file is copied");
}

/// Where generated crates find the runtime: this repository's.
pub fn runtime_path() -> String {
    root().join("codegen/runtime").display().to_string()
}

/// The text of a module of a generated crate: its file and the files below it (the type
/// modules of `requests`, the chunks of a namespace module), e.g. `src/requests`.
pub fn module_text(files: &Files, module: &str) -> String {
    let below = format!("{module}/");
    let text: String = files
        .iter()
        .filter(|(path, _)| path.strip_suffix(".rs") == Some(module) || path.starts_with(&below))
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(
        !text.is_empty(),
        "no {module} in {:?}",
        files.keys().collect::<Vec<_>>()
    );
    text
}
