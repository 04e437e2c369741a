//! The user's options that land in generated files, checked before anything is read or
//! written (how the crate is laid out, `emit::options`, likewise): a value that would make a manifest Cargo rejects, a file outside the output
//! directory, or Rust that does not parse is an `invalid-option` error naming the option.

use crate::Diagnostic;

/// Longest package name (crates.io's limit, which Cargo itself also warns about).
const MAX_PACKAGE_LEN: usize = 64;

/// Names Cargo refuses or warns about for a library package, beside Rust's keywords.
const RESERVED_PACKAGES: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];

pub(crate) fn invalid(message: String) -> Diagnostic {
    Diagnostic::error("invalid-option", None, message)
}

/// A package name Cargo accepts for a library whose crate name is a plain identifier
/// that compiles without warnings: a lowercase ASCII letter, then lowercase ASCII
/// letters, digits, `-` and `_`, at most 64 of them, and a crate name (`-` as `_`) that
/// is no keyword or standard crate.
pub fn check_package(name: &str) -> Result<(), Diagnostic> {
    let problem = if name.is_empty() {
        Some("it is empty".to_owned())
    } else if name.len() > MAX_PACKAGE_LEN {
        Some(format!("it is longer than {MAX_PACKAGE_LEN} characters"))
    } else if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        Some(format!(
            "{} is not an ASCII letter, digit, `-` or `_`",
            describe(c)
        ))
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("it does not start with an ASCII letter".to_owned())
    } else if name.contains(|c: char| c.is_ascii_uppercase()) {
        // Cargo takes it, but rustc's non_snake_case lint warns of the crate name.
        Some("it has uppercase letters, for which rustc warns of the crate name".to_owned())
    } else {
        let krate = name.replace('-', "_");
        (super::names::is_keyword(&krate)
            || RESERVED_PACKAGES.contains(&krate.as_str())
            || super::names::is_reserved_file_stem(&krate))
        .then(|| format!("its crate name `{krate}` is reserved"))
    };
    match problem {
        Some(problem) => Err(invalid(format!(
            "`{}` is not a valid package name: {problem}",
            name.escape_debug()
        ))),
        None => Ok(()),
    }
}

/// A package name made from a namespace (`microsoft.graph` -> `microsoft-graph`) that
/// [`check_package`] accepts, whatever the namespace holds.
pub fn package_from_namespace(namespace: &str) -> String {
    let mut name = String::new();
    for c in namespace.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    name.truncate(MAX_PACKAGE_LEN);
    let name = name.trim_end_matches('-');
    let name = if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.to_owned()
    } else {
        format!("odata-{name}").trim_end_matches('-').to_owned()
    };
    if check_package(&name).is_ok() {
        name
    } else {
        format!("odata-{name}")
            .chars()
            .take(MAX_PACKAGE_LEN)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    }
}

pub(crate) fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("`{c}`")
    }
}

/// The generated crate's version: a semver version, as Cargo requires.
pub fn check_crate_version(version: &str) -> Result<(), Diagnostic> {
    semver::Version::parse(version).map(|_| ()).map_err(|e| {
        invalid(format!(
            "the crate version `{}` is not a semver version (MAJOR.MINOR.PATCH, then optionally -PRE and +BUILD): {e}",
            version.escape_debug()
        ))
    })
}

/// The default service root: an absolute http(s) URL with a host, without query,
/// fragment, whitespace or control characters.
pub fn check_service_root(root: &str) -> Result<(), Diagnostic> {
    let rest = root
        .strip_prefix("https://")
        .or_else(|| root.strip_prefix("http://"));
    let host = rest.map(|r| r.split('/').next().unwrap_or_default());
    if host.is_none_or(str::is_empty)
        || root.contains(['?', '#'])
        || root.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '\\' | '"' | '<' | '>' | '`')
        })
    {
        return Err(invalid(format!(
            "the service root `{}` is not an absolute http(s) URL with a host and without query, fragment or whitespace",
            root.escape_debug()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_versions_are_semver() {
        for good in [
            "0.1.0",
            "10.20.30",
            "1.0.0-beta.1",
            "1.0.0-x-y.z",
            "1.0.0-rc.1+build.007",
        ] {
            assert!(check_crate_version(good).is_ok(), "{good}");
        }
        for bad in [
            "", "1", "1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3+", "1.2.3-01", "v1.2.3", "1.2.x",
        ] {
            assert!(check_crate_version(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn package_names_follow_cargo() {
        for good in ["a", "my-sdk", "microsoft-graph", "a_b-c9", &"a".repeat(64)] {
            assert!(check_package(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "a b",
            "1abc",
            "-a",
            "_a",
            "a.b",
            "a/b",
            "名前",
            "a\nb",
            "fn",
            "self",
            "std",
            "test",
            "con",
            &"a".repeat(65),
        ] {
            let e = check_package(bad).unwrap_err();
            assert_eq!(e.code, "invalid-option", "{bad}");
        }
    }

    #[test]
    fn packages_from_namespaces_are_always_valid() {
        assert_eq!(package_from_namespace("microsoft.graph"), "microsoft-graph");
        assert_eq!(package_from_namespace("hostile.names"), "hostile-names");
        for ns in [
            "",
            "..",
            "a/b",
            "名前",
            "1st",
            "fn",
            "std",
            "con",
            "a..b",
            &"x.".repeat(80),
        ] {
            let name = package_from_namespace(ns);
            assert!(check_package(&name).is_ok(), "{ns:?} -> {name:?}");
        }
    }

    #[test]
    fn service_roots_are_absolute_http_urls() {
        assert!(check_service_root("https://graph.microsoft.com/beta").is_ok());
        for bad in [
            "graph.microsoft.com",
            "https://",
            "https:///x",
            "https://a b",
            "https://a?x",
            "https://a\n",
            "https://a\\b",
            "https://a\"b",
        ] {
            assert!(check_service_root(bad).is_err(), "{bad}");
        }
    }
}
