//! The pipeline's stages depend only on the stages before them: no module of a stage
//! names a later stage (`crate::plan` in `model`, say). The order is README's.

use std::path::{Path, PathBuf};

/// The stages in pipeline order; a stage may use the ones before it. `ir` is what the
/// planner writes and the emitter reads, so it comes before both.
const STAGES: &[&str] = &[
    "diag", "read", "model", "path", "analyse", "service", "ir", "plan", "emit",
];

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The stage a source file belongs to: its first component under `src/`.
fn stage_of(relative: &Path) -> Option<usize> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    STAGES.iter().position(|s| *s == name)
}

/// The stages a file names as `crate::stage`.
fn stages_named(text: &str) -> Vec<usize> {
    let mut named = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if let Some(stage) = STAGES.iter().position(|s| *s == word) {
            named.push(stage);
        }
    }
    named
}

#[test]
fn no_stage_names_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut checked = 0;
    let mut backwards = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).expect("under src");
        let Some(stage) = stage_of(relative) else {
            continue; // lib.rs and the shells call every stage
        };
        checked += 1;
        let text = std::fs::read_to_string(file).expect("a source file");
        for named in stages_named(&text) {
            if named > stage {
                backwards.push(format!(
                    "{} ({}) names crate::{}",
                    relative.display(),
                    STAGES[stage],
                    STAGES[named]
                ));
            }
        }
    }
    assert!(checked >= STAGES.len(), "only {checked} files checked");
    assert!(backwards.is_empty(), "{}", backwards.join("\n"));
}

#[test]
fn a_backward_reference_is_found() {
    assert_eq!(stage_of(Path::new("model/build.rs")), Some(2));
    assert_eq!(
        stages_named("use crate::plan::names; crate::diag::sort"),
        [7, 0]
    );
}
