//! The public API of a generated crate as a plain sorted list, one item per line (`api.txt`,
//! `--api-report`), so that what a regeneration changes for the crate's users, and above
//! all what it breaks, is one reviewable diff.
//!
//! It is read back from the formatted files, not from the IR, so it shows exactly what a
//! user can name: public items of public modules, with the `#[cfg]` that gates them, their
//! derives, fields, variants and signatures, and the Cargo features.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use syn::{Attribute, Fields, ImplItem, Item, Visibility};

use super::Files;
use crate::ir;

/// The file the report is written to, beside `Cargo.toml`.
pub const API_REPORT: &str = "api.txt";

/// The report for the crate in `files`, headed like every generated file so the writer
/// knows it for its own.
pub fn api_report(files: &Files, features: &[ir::Feature], inputs: &[String]) -> String {
    format!(
        "{}{}",
        super::header("#", inputs),
        api_lines(files, features)
    )
}

fn api_lines(files: &Files, features: &[ir::Feature]) -> String {
    let mut lines: Vec<String> = features
        .iter()
        .map(|f| format!("feature {} = [{}]", f.name, f.enables.join(", ")))
        .collect();
    if files.contains_key("src/lib.rs") {
        let mut report = Report {
            files,
            lines: &mut lines,
        };
        report.file("src/lib.rs", "crate", "src", &[]);
    }
    lines.sort();
    lines.dedup();
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

struct Report<'a> {
    files: &'a Files,
    lines: &'a mut Vec<String>,
}

impl Report<'_> {
    /// The items of the file `name`, module `path`, whose child modules' files are in `dir`.
    fn file(&mut self, name: &str, path: &str, dir: &str, gates: &[String]) {
        let Some(text) = self.files.get(name) else {
            return;
        };
        // The emitter's own output always parses; a file that did not would say so in
        // itself (see `format`), and then it has no API to report.
        let Ok(file) = syn::parse_file(text) else {
            return;
        };
        let gates = [gates, &cfgs(&file.attrs)[..]].concat();
        self.items(&file.items, path, dir, &gates);
    }

    fn items(&mut self, items: &[Item], path: &str, dir: &str, gates: &[String]) {
        // Private modules whose items the module re-exports (`mod x; pub use x::*;`):
        // their items are named from here.
        let reexported: Vec<String> = items
            .iter()
            .filter_map(|item| match item {
                Item::Use(item) if is_public(&item.vis) => match &item.tree {
                    syn::UseTree::Path(p) if matches!(&*p.tree, syn::UseTree::Glob(_)) => {
                        Some(p.ident.to_string())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        for item in items {
            match item {
                Item::Mod(module)
                    if !is_public(&module.vis)
                        && module.content.is_none()
                        && reexported.contains(&module.ident.to_string()) =>
                {
                    let gates = [gates, &cfgs(&module.attrs)[..]].concat();
                    let name = unraw(&module.ident.to_string()).to_owned();
                    let file = format!("{dir}/{name}.rs");
                    self.file(&file, path, &format!("{dir}/{name}"), &gates);
                }
                _ => self.item(item, path, dir, gates),
            }
        }
    }

    fn item(&mut self, item: &Item, path: &str, dir: &str, gates: &[String]) {
        let gated = |attrs: &[Attribute]| [gates, &cfgs(attrs)[..]].concat();
        match item {
            Item::Mod(module) if is_public(&module.vis) && !is_test(&module.attrs) => {
                let gates = gated(&module.attrs);
                let name = module.ident.to_string();
                let child = format!("{path}::{}", unraw(&name));
                self.push(&gates, format!("mod {child}"));
                let child_dir = format!("{dir}/{}", unraw(&name));
                match &module.content {
                    Some((_, items)) => self.items(items, &child, &child_dir, &gates),
                    None => {
                        let file = format!("{dir}/{}.rs", unraw(&name));
                        let nested = format!("{child_dir}/mod.rs");
                        let file = if self.files.contains_key(&file) {
                            file
                        } else {
                            nested
                        };
                        self.file(&file, &child, &child_dir, &gates);
                    }
                }
            }
            Item::Struct(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let name = format!("{path}::{}{}", item.ident, generics(&item.generics));
                self.push(&gates, format!("struct {name}{}", derives(&item.attrs)));
                self.fields(&gates, &name, &item.fields);
            }
            Item::Enum(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let name = format!("{path}::{}{}", item.ident, generics(&item.generics));
                self.push(&gates, format!("enum {name}{}", derives(&item.attrs)));
                for variant in &item.variants {
                    let gates = [&gates[..], &cfgs(&variant.attrs)[..]].concat();
                    let shape = match &variant.fields {
                        Fields::Unit => String::new(),
                        Fields::Unnamed(fields) => format!(
                            "({})",
                            fields
                                .unnamed
                                .iter()
                                .map(|f| type_text(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        Fields::Named(fields) => format!(
                            " {{ {} }}",
                            fields
                                .named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    type_text(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    self.push(&gates, format!("variant {name}::{}{shape}", variant.ident));
                }
            }
            Item::Fn(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                self.push(&gates, format!("fn {path}::{}", signature(&item.sig)));
            }
            Item::Const(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let ty = type_text(&item.ty);
                self.push(&gates, format!("const {path}::{}: {ty}", item.ident));
            }
            Item::Static(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let ty = type_text(&item.ty);
                self.push(&gates, format!("static {path}::{}: {ty}", item.ident));
            }
            Item::Type(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let ty = type_text(&item.ty);
                let name = format!("{}{}", item.ident, generics(&item.generics));
                self.push(&gates, format!("type {path}::{name} = {ty}"));
            }
            Item::Trait(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                self.push(&gates, format!("trait {path}::{}", item.ident));
            }
            Item::Use(item) if is_public(&item.vis) => {
                let gates = gated(&item.attrs);
                let root = if item.leading_colon.is_some() {
                    "::"
                } else {
                    ""
                };
                let tree = tokens_text(&item.tree);
                self.push(&gates, format!("use {path}: {root}{tree}"));
            }
            Item::Impl(item) if !is_test(&item.attrs) => {
                let gates = gated(&item.attrs);
                let self_type = qualified(path, &type_text(&item.self_ty));
                if let Some((trait_path, _)) = &item.trait_ {
                    let trait_name = tokens_text(trait_path);
                    self.push(&gates, format!("impl {trait_name} for {self_type}"));
                    return;
                }
                for member in &item.items {
                    match member {
                        ImplItem::Fn(method) if is_public(&method.vis) => {
                            let gates = [&gates[..], &cfgs(&method.attrs)[..]].concat();
                            let signature = signature(&method.sig);
                            self.push(&gates, format!("fn {self_type}::{signature}"));
                        }
                        ImplItem::Const(constant) if is_public(&constant.vis) => {
                            let gates = [&gates[..], &cfgs(&constant.attrs)[..]].concat();
                            let ty = type_text(&constant.ty);
                            self.push(
                                &gates,
                                format!("const {self_type}::{}: {ty}", constant.ident),
                            );
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    fn fields(&mut self, gates: &[String], owner: &str, fields: &Fields) {
        for (position, field) in fields.iter().enumerate() {
            if is_public(&field.vis) {
                let gates = [gates, &cfgs(&field.attrs)[..]].concat();
                let name = field
                    .ident
                    .as_ref()
                    .map_or_else(|| position.to_string(), ToString::to_string);
                let ty = type_text(&field.ty);
                self.push(&gates, format!("field {owner}::{name}: {ty}"));
            }
        }
    }

    fn push(&mut self, gates: &[String], line: String) {
        if gates.is_empty() {
            self.lines.push(line);
        } else {
            self.lines.push(format!("{line} [{}]", gates.join(", ")));
        }
    }
}

fn is_public(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn is_test(attrs: &[Attribute]) -> bool {
    cfgs(attrs).iter().any(|c| c == "test")
}

/// The conditions of an item's `#[cfg(...)]` attributes.
fn cfgs(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| a.meta.require_list().ok())
        .map(|list| tokens_text(&list.tokens))
        .collect()
}

/// ` derives A, B` for `#[derive(A, B)]`, sorted; empty without derives.
fn derives(attrs: &[Attribute]) -> String {
    let mut names: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .filter_map(|a| a.meta.require_list().ok())
        .flat_map(|list| {
            tokens_text(&list.tokens)
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
        })
        .collect();
    if names.is_empty() {
        return String::new();
    }
    names.sort();
    format!(" derives {}", names.join(", "))
}

/// A type as written in a module, with the module's path where it is a plain name there.
fn qualified(path: &str, ty: &str) -> String {
    if ty.starts_with(|c: char| c.is_alphabetic() || c == '_') && !ty.contains("::") {
        format!("{path}::{ty}")
    } else {
        ty.to_owned()
    }
}

fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

fn generics(generics: &syn::Generics) -> String {
    if generics.params.is_empty() {
        String::new()
    } else {
        tokens_text(generics)
    }
}

fn type_text(ty: &syn::Type) -> String {
    tokens_text(ty)
}

/// A signature without `pub`, attributes or body: `name(&self, id: &str) -> T`.
fn signature(sig: &syn::Signature) -> String {
    let text = tokens_text(sig);
    text.strip_prefix("fn ").unwrap_or(&text).to_owned()
}

/// Tokens as one line, spaced as rustfmt spaces types and signatures: `&self`,
/// `a: &str`, `Vec<T>`, `A = rt::All`, `-> T`, `&'static str`.
fn tokens_text(tokens: &impl quote::ToTokens) -> String {
    let mut out = String::new();
    let mut space_after = false;
    write_tokens(tokens.to_token_stream(), &mut out, &mut space_after);
    out
}

fn write_tokens(stream: TokenStream, out: &mut String, space_after: &mut bool) {
    let mut tokens = stream.into_iter().peekable();
    let mut previous_is_word = false;
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                let glued = previous_is_word && open != "{ ";
                if *space_after && !glued {
                    out.push(' ');
                }
                out.push_str(open);
                *space_after = false;
                write_tokens(group.stream(), out, space_after);
                // A trailing comma, as prettyplease leaves in a wrapped list, is noise here.
                if out.ends_with(',') && !close.is_empty() {
                    out.pop();
                }
                out.push_str(close);
                *space_after = true;
                previous_is_word = true;
            }
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if *space_after {
                    out.push(' ');
                }
                out.push_str(&token.to_string());
                *space_after = true;
                previous_is_word = true;
            }
            TokenTree::Punct(punct) => {
                let joint_next = |tokens: &mut std::iter::Peekable<
                    proc_macro2::token_stream::IntoIter,
                >,
                                  c: char| {
                    punct.spacing() == Spacing::Joint
                        && matches!(tokens.peek(), Some(TokenTree::Punct(next)) if next.as_char() == c)
                };
                let (text, glued, spaced_after) = match punct.as_char() {
                    ':' if joint_next(&mut tokens, ':') => {
                        tokens.next();
                        ("::", previous_is_word, false)
                    }
                    '-' if joint_next(&mut tokens, '>') => {
                        tokens.next();
                        ("->", false, true)
                    }
                    ',' => (",", true, true),
                    ';' => (";", true, true),
                    ':' => (":", true, true),
                    '<' => ("<", true, false),
                    '>' => (">", true, true),
                    '.' => (".", true, false),
                    '?' => ("?", true, true),
                    '&' => ("&", false, false),
                    '\'' => ("'", false, false),
                    '#' => ("#", false, false),
                    '!' => ("!", true, false),
                    '*' => ("*", false, false),
                    _ => ("", false, true),
                };
                if text.is_empty() {
                    // `=`, `+`, `|` and the rest: spaced on both sides.
                    if *space_after {
                        out.push(' ');
                    }
                    out.push(punct.as_char());
                } else {
                    if *space_after && !glued {
                        out.push(' ');
                    }
                    out.push_str(text);
                }
                *space_after = spaced_after;
                previous_is_word = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(files: &[(&str, &str)]) -> String {
        let files: Files = files
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let features = vec![ir::Feature {
            name: "users".to_owned(),
            enables: vec!["full".to_owned()],
            comment: String::new(),
        }];
        api_lines(&files, &features)
    }

    #[test]
    fn lists_what_a_user_can_name_sorted_with_gates() {
        let text = report(&[
            (
                "src/lib.rs",
                "pub use ::rt as runtime;\npub const ROOT: &str = \"x\";\npub mod models;\nmod private;\n#[cfg(test)] mod examples;\n#[cfg(feature = \"users\")] pub mod requests { pub struct Users<A = rt::All> { path: u8 } impl<A> Users<A> { pub fn by_id(&self, id: &str) -> User { todo!() } fn hidden(&self) {} } }",
            ),
            (
                "src/models.rs",
                "#[derive(Debug, Clone)] pub struct User { pub name: Option<String>, pub tags: Vec<rt::Field<String>>, secret: u8 }\npub enum Kind { A, #[cfg(feature = \"x\")] B(String), Unrecognized(String) }\nimpl Default for Kind { fn default() -> Self { Kind::A } }\nimpl Kind { pub fn value(&self) -> &'static str { \"\" } }",
            ),
            ("src/private.rs", "pub struct Hidden;"),
        ]);
        assert_eq!(
            text,
            "\
const crate::ROOT: &str
enum crate::models::Kind
feature users = [full]
field crate::models::User::name: Option<String>
field crate::models::User::tags: Vec<rt::Field<String>>
fn crate::models::Kind::value(&self) -> &'static str
fn crate::requests::Users<A>::by_id(&self, id: &str) -> User [feature = \"users\"]
impl Default for crate::models::Kind
mod crate::models
mod crate::requests [feature = \"users\"]
struct crate::models::User derives Clone, Debug
struct crate::requests::Users<A = rt::All> [feature = \"users\"]
use crate: ::rt as runtime
variant crate::models::Kind::A
variant crate::models::Kind::B(String) [feature = \"x\"]
variant crate::models::Kind::Unrecognized(String)
"
        );
    }
}
