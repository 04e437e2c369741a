//! The layout options (the runtime dependency, the single file's name), checked with the
//! other options before anything is read or written (see `plan::options`).

use super::{Layout, RuntimeDependency};
use crate::Diagnostic;
use crate::plan::options::{describe, invalid};

/// The runtime dependency: a version requirement Cargo parses, or a path without
/// control characters.
pub fn check_runtime(runtime: &RuntimeDependency) -> Result<(), Diagnostic> {
    match runtime {
        RuntimeDependency::Version(version) => {
            semver::VersionReq::parse(version).map(|_| ()).map_err(|e| {
                invalid(format!(
                    "the runtime version `{}` is not a version requirement Cargo accepts: {e}",
                    version.escape_debug()
                ))
            })
        }
        RuntimeDependency::Path(path) => {
            let problem = if path.trim().is_empty() {
                Some("it is empty".to_owned())
            } else {
                path.chars()
                    .find(|c| c.is_control())
                    .map(|c| format!("it holds {}", describe(c)))
            };
            match problem {
                Some(problem) => Err(invalid(format!(
                    "the runtime path `{}` is not one Cargo can use: {problem}",
                    path.escape_debug()
                ))),
                None => Ok(()),
            }
        }
    }
}

/// The layout: the runtime of a crate, or the name of a single file, which must be a
/// plain `.rs` file name, so it lands in the output directory and nowhere else.
pub fn check_layout(layout: &Layout) -> Result<(), Diagnostic> {
    match layout {
        Layout::Crate { runtime } => check_runtime(runtime),
        Layout::SingleFile { file_name } => {
            let stem = file_name.strip_suffix(".rs").unwrap_or_default();
            let problem = if !file_name.ends_with(".rs") || stem.is_empty() {
                Some("it is not a name ending in `.rs`".to_owned())
            } else if let Some(c) = file_name.chars().find(|c| {
                c.is_control() || matches!(c, '/' | '\\' | ':' | '<' | '>' | '"' | '|' | '?' | '*')
            }) {
                Some(format!("it holds {}", describe(c)))
            } else if stem.starts_with('.') || stem.ends_with([' ', '.']) {
                Some("it starts with `.` or ends with a space or `.`".to_owned())
            } else if crate::plan::names::is_reserved_file_stem(stem) {
                Some("Windows reserves it".to_owned())
            } else {
                None
            };
            match problem {
                Some(problem) => Err(invalid(format!(
                    "the file name `{}` is not a plain file name for the output directory: {problem}",
                    file_name.escape_debug()
                ))),
                None => Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtimes_and_file_names_are_checked() {
        for good in ["0.1", "=0.1.0", ">=0.1, <0.3", "^1", "~0.1.2", "*"] {
            assert!(
                check_runtime(&RuntimeDependency::Version(good.to_owned())).is_ok(),
                "{good}"
            );
        }
        for bad in ["", "abc", "0.1 beta", "0.1\"", "\n"] {
            assert!(
                check_runtime(&RuntimeDependency::Version(bad.to_owned())).is_err(),
                "{bad}"
            );
        }
        assert!(check_runtime(&RuntimeDependency::Path("../runtime dir".to_owned())).is_ok());
        assert!(check_runtime(&RuntimeDependency::Path("a\nb".to_owned())).is_err());
        assert!(check_runtime(&RuntimeDependency::Path(String::new())).is_err());
        let file = |name: &str| {
            check_layout(&Layout::SingleFile {
                file_name: name.to_owned(),
            })
        };
        assert!(file("graph.rs").is_ok());
        for bad in [
            "",
            ".rs",
            "graph",
            "../graph.rs",
            "/tmp/x.rs",
            "a\\b.rs",
            "con.rs",
            "a\n.rs",
        ] {
            assert!(file(bad).is_err(), "{bad}");
        }
    }
}
