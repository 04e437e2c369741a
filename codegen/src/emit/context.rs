//! Where a type is named from: the module of the item that names it and the namespace
//! modules it imports by alias, and the Rust spelling of IR types from there.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::tokens::{ident, runtime};
use crate::ir::{self, CrudKind, MethodKind, RT, RustType};
use crate::model::Primitive;

/// Namespace modules whose types the request builders of one module of `requests`
/// name: the entry point and the entity sets' handles (`module` = `None`), or a type's.
pub(super) fn requests_modules(krate: &ir::Crate, module: Option<&str>) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    let service = module.is_none().then_some(&krate.requests.service.methods);
    let methods = krate
        .requests
        .handles
        .iter()
        .filter(|h| h.module.as_deref() == module)
        .flat_map(|h| &h.methods)
        .chain(service.into_iter().flatten());
    for method in methods {
        match &method.kind {
            MethodKind::Request { model, .. } => collect_modules(model, &mut out),
            MethodKind::Call(call) => {
                for p in &call.params {
                    collect_modules(&p.ty, &mut out);
                }
                match &call.returns {
                    ir::Returns::Json(t)
                    | ir::Returns::Value(t)
                    | ir::Returns::Page(t)
                    | ir::Returns::Delta(t)
                    | ir::Returns::UploadSession(t) => collect_modules(t, &mut out),
                    ir::Returns::Nothing | ir::Returns::Handle(_) => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// The names of `requests`' type modules, which its namespace aliases must not take.
pub(super) fn handle_module_names(krate: &ir::Crate) -> BTreeSet<&str> {
    krate
        .requests
        .modules
        .iter()
        .map(|m| m.name.trim_start_matches("r#"))
        .collect()
}

/// Namespace modules whose types the example tests name.
pub(super) fn examples_modules(krate: &ir::Crate) -> BTreeSet<Vec<String>> {
    let mut out = BTreeSet::new();
    for test in &krate.examples {
        if matches!(test.operation, CrudKind::Create | CrudKind::Update) {
            collect_modules(&test.model, &mut out);
        }
    }
    out
}

fn collect_modules(ty: &RustType, out: &mut BTreeSet<Vec<String>>) {
    match ty {
        RustType::Named { module, .. } | RustType::Flags { module, .. } => {
            out.insert(module.clone());
        }
        RustType::Vec(inner) => collect_modules(inner, out),
        RustType::Primitive(_) => {}
    }
}

/// Where types are named from: a module, and the namespace modules it imports by alias.
#[derive(Clone, Debug, Default)]
pub(super) struct Ctx {
    from: Vec<String>,
    aliases: BTreeMap<Vec<String>, String>,
    /// Names are written from a private module of items below `from` (a chunk of a
    /// large namespace module), which glob-imports `from`.
    in_chunk: bool,
}

impl Ctx {
    pub(super) fn module(from: &[String]) -> Ctx {
        Ctx {
            from: from.to_vec(),
            aliases: BTreeMap::new(),
            in_chunk: false,
        }
    }

    /// The private modules a large namespace module `from` is cut into.
    pub(super) fn chunk_of(from: &[String]) -> Ctx {
        Ctx {
            in_chunk: true,
            ..Ctx::module(from)
        }
    }

    /// The module at `from` (`requests`, `examples`, `requests::user`), which imports
    /// the namespace modules it uses by a short alias.
    pub(super) fn importing(
        from: &[&str],
        aliases: &BTreeMap<Vec<String>, String>,
        used: &BTreeSet<Vec<String>>,
    ) -> Ctx {
        Ctx {
            from: from.iter().map(|m| m.to_string()).collect(),
            aliases: aliases
                .iter()
                .filter(|(path, _)| used.contains(*path))
                .map(|(p, a)| (p.clone(), a.clone()))
                .collect(),
            in_chunk: false,
        }
    }

    /// `use super::microsoft::graph;` lines for the aliases; `gated` when features may
    /// compile out what uses them.
    pub(super) fn imports(&self, gated: bool) -> TokenStream {
        let allow = gated.then(|| quote! { #[allow(unused_imports)] });
        let supers = vec![quote! { super }; self.from.len()];
        self.aliases
            .iter()
            .map(|(path, alias)| {
                let same = path.last() == Some(alias);
                let path = path.iter().map(|p| ident(p));
                let alias = ident(alias);
                if same {
                    quote! { #allow use #(#supers::)* #(#path)::*; }
                } else {
                    quote! { #allow use #(#supers::)* #(#path)::* as #alias; }
                }
            })
            .collect()
    }

    /// The same, without aliases that `taken` names hold: those namespace modules are
    /// named by their paths.
    pub(super) fn without_aliases(mut self, taken: &BTreeSet<&str>) -> Ctx {
        self.aliases
            .retain(|_, alias| !taken.contains(alias.as_str()));
        self
    }

    /// A handle's type as named from this module of `requests` (the module itself, or
    /// one of the type modules below it).
    pub(super) fn handle(&self, module: Option<&str>, name: &str) -> TokenStream {
        let name = ident(name);
        let here = self.from.get(1).map(String::as_str);
        match (here, module) {
            (a, b) if a == b => quote! { #name },
            (None, None) => quote! { #name },
            (None, Some(b)) => {
                let b = ident(b);
                quote! { #b::#name }
            }
            (Some(_), None) => quote! { super::#name },
            (Some(_), Some(b)) => {
                let b = ident(b);
                quote! { super::#b::#name }
            }
        }
    }
}

/// Short, unique aliases for namespace modules: their last part.
pub(super) fn module_aliases(krate: &ir::Crate) -> BTreeMap<Vec<String>, String> {
    let mut taken: BTreeSet<String> = [RT.to_owned()].into_iter().collect();
    let mut aliases = BTreeMap::new();
    for module in &krate.modules {
        let last = module.path.last().cloned().unwrap_or_default();
        let mut alias = last.clone();
        let mut n = 2;
        while !taken.insert(alias.trim_start_matches("r#").to_owned()) {
            alias = crate::plan::names::value_name_joined(&[&last, &n.to_string()]);
            n += 1;
        }
        aliases.insert(module.path.clone(), alias);
    }
    aliases
}

/// The Rust type of `ty` as seen from `ctx`. Prelude names (`Option`, `String`, `Vec`,
/// `Box`) are written bare: generated types never take them.
pub(super) fn rust_type(ty: &RustType, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    match ty {
        RustType::Primitive(p) => primitive(*p),
        RustType::Named { module, name } => named(module, name, ctx),
        RustType::Flags { module, name } => {
            let inner = named(module, name, ctx);
            quote! { #rt::Flags<#inner> }
        }
        RustType::Vec(inner) => {
            let inner = rust_type(inner, ctx);
            quote! { Vec<#inner> }
        }
    }
}

fn named(module: &[String], name: &str, ctx: &Ctx) -> TokenStream {
    let name = ident(name);
    if module == ctx.from.as_slice() {
        return quote! { #name };
    }
    if let Some(alias) = ctx.aliases.get(module) {
        let alias = ident(alias);
        return quote! { #alias::#name };
    }
    // Up to the common ancestor, then down: `super::call_records::X`, not a round trip.
    let common = module
        .iter()
        .zip(&ctx.from)
        .take_while(|(a, b)| a == b)
        .count();
    let mut up = ctx.from.len() - common;
    // The glob import of the namespace module reaches what is below it, not above.
    if ctx.in_chunk && up > 0 {
        up += 1;
    }
    let supers = std::iter::repeat_n(quote! { super:: }, up);
    let down = module[common..].iter().map(|m| ident(m));
    quote! { #(#supers)* #(#down::)* #name }
}

pub(super) fn primitive(p: Primitive) -> TokenStream {
    let rt = runtime();
    match p {
        Primitive::Binary => quote! { #rt::Binary },
        Primitive::Boolean => quote! { bool },
        Primitive::Byte => quote! { u8 },
        Primitive::Date => quote! { #rt::Date },
        Primitive::DateTimeOffset => quote! { #rt::DateTimeOffset },
        Primitive::Decimal => quote! { rt::Decimal },
        Primitive::Double => quote! { #rt::Double },
        Primitive::Duration => quote! { #rt::Duration },
        Primitive::Guid | Primitive::Stream | Primitive::String => quote! { String },
        Primitive::Int16 => quote! { i16 },
        Primitive::Int32 => quote! { i32 },
        Primitive::Int64 => quote! { i64 },
        Primitive::SByte => quote! { i8 },
        Primitive::Single => quote! { #rt::Single },
        Primitive::TimeOfDay => quote! { #rt::TimeOfDay },
        Primitive::Spatial | Primitive::Untyped => quote! { ::serde_json::Value },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::tests::{empty_crate, module};

    fn path(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| p.to_string()).collect()
    }

    fn named_type(module: &[&str], name: &str) -> RustType {
        RustType::Named {
            module: path(module),
            name: name.to_owned(),
        }
    }

    #[test]
    fn aliases_are_last_parts_made_unique() {
        let mut krate = empty_crate("x");
        krate.modules = vec![
            module(&["a", "graph"]),
            module(&["b", "graph"]),
            module(&["c", "rt"]),
        ];
        let aliases = module_aliases(&krate);
        assert_eq!(aliases[&path(&["a", "graph"])], "graph");
        assert_eq!(aliases[&path(&["b", "graph"])], "graph_2");
        // `rt` is the runtime's name in every module.
        assert_eq!(aliases[&path(&["c", "rt"])], "rt_2");
    }

    #[test]
    fn types_are_named_relative_to_the_module_that_names_them() {
        let ctx = Ctx::module(&path(&["microsoft", "graph"]));
        let name = |ty: &RustType| rust_type(ty, &ctx).to_string();
        assert_eq!(name(&named_type(&["microsoft", "graph"], "User")), "User");
        assert_eq!(
            name(&named_type(
                &["microsoft", "graph", "call_records"],
                "Session"
            )),
            "call_records :: Session"
        );
        assert_eq!(
            name(&named_type(&["microsoft", "teams"], "Team")),
            "super :: teams :: Team"
        );
        assert_eq!(
            name(&RustType::Vec(Box::new(RustType::Flags {
                module: path(&["microsoft", "graph"]),
                name: "Days".to_owned(),
            }))),
            "Vec < rt :: Flags < Days > >"
        );
        assert_eq!(
            name(&RustType::Primitive(Primitive::Decimal)),
            "rt :: Decimal"
        );
    }

    #[test]
    fn a_chunk_names_its_namespace_through_the_glob_import_and_the_rest_from_one_further_down() {
        let ctx = Ctx::chunk_of(&path(&["microsoft", "graph"]));
        let name = |ty: &RustType| rust_type(ty, &ctx).to_string();
        assert_eq!(name(&named_type(&["microsoft", "graph"], "User")), "User");
        assert_eq!(
            name(&named_type(
                &["microsoft", "graph", "call_records"],
                "Session"
            )),
            "call_records :: Session"
        );
        assert_eq!(
            name(&named_type(&["microsoft", "teams"], "Team")),
            "super :: super :: teams :: Team"
        );
    }

    #[test]
    fn root_modules_import_only_the_namespaces_they_use_by_alias() {
        let aliases: BTreeMap<Vec<String>, String> = [
            (path(&["a", "graph"]), "graph".to_owned()),
            (path(&["b", "graph"]), "graph_2".to_owned()),
            (path(&["c", "unused"]), "unused".to_owned()),
        ]
        .into();
        let used: BTreeSet<Vec<String>> = [path(&["a", "graph"]), path(&["b", "graph"])].into();
        let ctx = Ctx::importing(&["requests"], &aliases, &used);
        assert_eq!(
            rust_type(&named_type(&["b", "graph"], "User"), &ctx).to_string(),
            "graph_2 :: User"
        );
        assert_eq!(
            ctx.imports(false).to_string(),
            "use super :: a :: graph ; use super :: b :: graph as graph_2 ;"
        );
        let nested = Ctx::importing(&["requests", "user"], &aliases, &used);
        assert!(
            nested
                .imports(false)
                .to_string()
                .starts_with("use super :: super :: a :: graph ;")
        );
        assert_eq!(nested.handle(Some("user"), "User").to_string(), "User");
        assert_eq!(nested.handle(None, "Users").to_string(), "super :: Users");
        assert_eq!(
            nested.handle(Some("message"), "Message").to_string(),
            "super :: message :: Message"
        );
        assert_eq!(ctx.handle(Some("user"), "User").to_string(), "user :: User");
        assert!(
            ctx.imports(true)
                .to_string()
                .starts_with("# [allow (unused_imports)]")
        );
    }
}
