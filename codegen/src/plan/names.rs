//! Rust names for schema names: case conversion, keyword escaping and deterministic
//! resolution of collisions. The wire name is always kept beside the Rust name.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers, even raw (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust keywords of every edition, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union",
];

/// Names the Rust prelude brings into every module: a generated type of that name would
/// shadow it for anyone who glob-imports the module.
const PRELUDE: &[&str] = &[
    "AsMut",
    "AsRef",
    "AsyncFn",
    "AsyncFnMut",
    "AsyncFnOnce",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "Err",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Future",
    "Into",
    "IntoFuture",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Crate names a top-level module must not take: generated code and users name them
/// with paths that a module of the same name would make ambiguous.
pub const CRATE_ROOT_RESERVED: &[&str] = &[
    "alloc",
    "core",
    "examples",
    "odata_codegen_runtime",
    "requests",
    "runtime",
    "serde",
    "serde_json",
    "std",
];

/// Keeps ASCII letters, digits and `_`; other characters become `_uXXXX_` so that two
/// names differing only in such characters stay distinct.
fn ascii_word(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
        } else if c == '.' || c == '-' || c == ' ' {
            out.push('_');
        } else {
            out.push_str(&format!("_u{:04x}_", c as u32));
        }
    }
    out
}

fn fix_start(mut ident: String, prefix: &str) -> String {
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert_str(0, prefix);
    }
    ident
}

/// The UpperCamelCase words of one part of a type name, not escaped.
fn camel_part(part: &str) -> String {
    fix_start(ascii_word(part).to_upper_camel_case(), "T")
}

/// The snake_case words of one part of a value name, not escaped: a wire name or a
/// generated name (`r#type`, `self_`, `name_2`) alike, so `self_` and `self` give
/// `self`. A part of digits only is a number suffix and keeps its digits alone.
fn snake_part(part: &str) -> String {
    let words = ascii_word(unraw(part)).to_snake_case();
    if !words.is_empty() && words.bytes().all(|b| b.is_ascii_digit()) {
        words
    } else {
        fix_start(words, "n")
    }
}

/// A type or variant name: `managedDeviceMobileAppConfigurationUserStatus` ->
/// `ManagedDeviceMobileAppConfigurationUserStatus`.
pub fn type_name(wire: &str) -> String {
    type_name_joined(&[wire])
}

/// A type name joined from wire names and fixed words, converted part by part and
/// escaped once, as a whole: `["self", "Request"]` -> `SelfRequest`, never
/// `Self_Request`.
pub fn type_name_joined(parts: &[&str]) -> String {
    let ident: String = parts.iter().map(|p| camel_part(p)).collect();
    if NOT_RAW.contains(&ident.as_str())
        || KEYWORDS.contains(&ident.as_str())
        || PRELUDE.contains(&ident.as_str())
    {
        format!("{ident}_")
    } else {
        ident
    }
}

/// A field, method or module name: `userDisplayName` -> `user_display_name`,
/// `type` -> `r#type`, `self` -> `self_`.
pub fn value_name(wire: &str) -> String {
    value_name_joined(&[wire])
}

/// A value name joined from wire names, generated names and fixed words: each part
/// converted to its words unescaped, joined with one `_`, and the whole escaped once:
/// `["self", "ref"]` -> `self_ref` (not `self__ref`), `["type", "ref"]` -> `type_ref`
/// (not `r#type_ref`), `["by", "_"]` -> `by_n`.
pub fn value_name_joined(parts: &[&str]) -> String {
    let ident = parts
        .iter()
        .map(|p| snake_part(p))
        .collect::<Vec<_>>()
        .join("_");
    escape_keyword(ident)
}

/// A module name, which is also a file name (`src/<module>.rs`): a value name that is
/// not a device name Windows reserves in every directory (`con`, `nul`, `com1`, ...).
pub fn module_name(wire: &str) -> String {
    module_name_joined(&[wire])
}

/// A module name joined from wire names, as [`value_name_joined`] joins them.
pub fn module_name_joined(parts: &[&str]) -> String {
    let ident = value_name_joined(parts);
    if is_reserved_file_stem(&ident) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// Whether `ident` is a Rust keyword of some edition, or a word that cannot be even a
/// raw identifier.
pub fn is_keyword(ident: &str) -> bool {
    KEYWORDS.contains(&ident) || NOT_RAW.contains(&ident)
}

/// Whether Windows treats a file with this stem as a device, whatever its extension.
pub fn is_reserved_file_stem(stem: &str) -> bool {
    let lower = stem.to_ascii_lowercase();
    match lower.as_str() {
        "con" | "prn" | "aux" | "nul" => true,
        _ => ["com", "lpt"].iter().any(|p| {
            lower
                .strip_prefix(p)
                .is_some_and(|n| matches!(n.as_bytes(), [b'1'..=b'9']))
        }),
    }
}

fn escape_keyword(ident: String) -> String {
    if NOT_RAW.contains(&ident.as_str()) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else {
        ident
    }
}

/// Hands out unique names within one scope (a struct's fields, a module's items, a
/// type's methods). A name already taken gets the first free `_2`, `_3`, ... suffix
/// (`2`, `3`, ... for an UpperCamelCase name, which must stay camel case), so the
/// outcome depends only on declaration order.
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope where `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(|s| unraw(s).to_owned()).collect(),
        }
    }

    /// Claims `candidate`, or the first free variant of it: `_2`, `_3`, ... for a
    /// value name (`snake_case`), `2`, `3`, ... for a type name, which stays
    /// UpperCamelCase.
    pub fn claim(&mut self, candidate: String) -> String {
        if self.taken.insert(unraw(&candidate).to_owned()) {
            return candidate;
        }
        let base = unraw(&candidate).trim_end_matches('_').to_owned();
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .unwrap_or_default()
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_escapes() {
        assert_eq!(
            type_name("managedDeviceMobileAppConfigurationUserStatus"),
            "ManagedDeviceMobileAppConfigurationUserStatus"
        );
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(type_name("1st"), "T1st");
        assert_eq!(type_name("string"), "String_");
        assert_eq!(type_name("option"), "Option_");
        assert_eq!(type_name("case"), "Case");
        assert_eq!(type_name("a.b-c"), "ABC");
        assert_eq!(value_name("userDisplayName"), "user_display_name");
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("Self"), "self_");
        assert_eq!(value_name("crate"), "crate_");
        assert_eq!(value_name("9lives"), "n9lives");
        assert_eq!(value_name("名前"), "u540d_u524d");
        assert_eq!(value_name(""), "n");
    }

    #[test]
    fn joined_names_are_escaped_once_as_a_whole() {
        let hostile = [
            "_x", "x_", "__", "_", "a__b", "self", "Self", "type", "super",
        ];
        for wire in hostile {
            for (parts, suffix) in [
                (vec![wire, "ref"], "_ref"),
                (vec![wire, "count"], "_count"),
                (vec!["with", wire], ""),
                (vec!["by", wire], ""),
                (vec![wire, "with", wire, "and", wire], ""),
            ] {
                let name = value_name_joined(&parts);
                let bare = unraw(&name);
                assert!(!bare.contains("__"), "{parts:?} -> {name}");
                assert!(!bare.starts_with('_'), "{parts:?} -> {name}");
                assert!(bare.ends_with(suffix), "{parts:?} -> {name}");
                assert!(
                    !name.starts_with("r#") || KEYWORDS.contains(&bare),
                    "{name}"
                );
            }
            for suffix in ["Request", "Collection", "Builder"] {
                let name = type_name_joined(&[wire, suffix]);
                assert!(!name.contains('_'), "{wire} {suffix} -> {name}");
                assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            }
        }
        assert_eq!(value_name_joined(&["self", "ref"]), "self_ref");
        assert_eq!(value_name_joined(&["type", "ref"]), "type_ref");
        assert_eq!(value_name_joined(&["r#type", "2"]), "type_2");
        assert_eq!(value_name_joined(&["self_", "2"]), "self_2");
        assert_eq!(
            value_name_joined(&["super", "with", "type", "and", "_x"]),
            "super_with_type_and_x"
        );
        assert_eq!(value_name_joined(&["by", "9lives"]), "by_n9lives");
        assert_eq!(value_name_joined(&["_", "ref"]), "n_ref");
        assert_eq!(value_name_joined(&["as", "self"]), "as_self");
        assert_eq!(value_name_joined(&["self"]), "self_");
        assert_eq!(type_name_joined(&["self", "Request"]), "SelfRequest");
        assert_eq!(type_name_joined(&["a__b", "Collection"]), "ABCollection");
        assert_eq!(
            type_name_joined(&["callRecords", "session"]),
            "CallRecordsSession"
        );
        assert_eq!(type_name_joined(&["self"]), "Self_");
    }

    #[test]
    fn module_names_are_safe_file_names() {
        assert_eq!(module_name("con"), "con_");
        assert_eq!(module_name("COM1"), "com1_");
        assert_eq!(module_name("lpt9"), "lpt9_");
        assert_eq!(module_name("com10"), "com10");
        assert_eq!(module_name("a/b"), "a_u002f_b");
        assert_eq!(module_name(""), "n");
        assert_eq!(module_name("graph"), "graph");
    }

    #[test]
    fn scope_suffixes_collisions_deterministically() {
        let mut scope = Scope::with_reserved(["odata_type"]);
        assert_eq!(scope.claim(value_name("name")), "name");
        assert_eq!(scope.claim(value_name("Name")), "name_2");
        assert_eq!(scope.claim(value_name("NAME")), "name_3");
        assert_eq!(scope.claim(value_name("odataType")), "odata_type_2");
        assert_eq!(scope.claim(value_name("type")), "r#type");
        assert_eq!(scope.claim(value_name("Type")), "type_2");
        let mut types = Scope::with_reserved(["Unrecognized"]);
        assert_eq!(types.claim(type_name("type")), "Type");
        assert_eq!(types.claim(type_name("TYPE")), "Type2");
        assert_eq!(types.claim(type_name("self")), "Self_");
        assert_eq!(types.claim(type_name("Self")), "Self2");
        assert_eq!(types.claim(type_name("unrecognized")), "Unrecognized2");
        let mut namespace_types = Scope::new();
        assert_eq!(namespace_types.claim(type_name("modality")), "Modality");
        assert_eq!(namespace_types.claim(type_name("Modality")), "Modality2");
    }
}
