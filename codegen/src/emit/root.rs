//! The crate root (`lib.rs`) and the single-file layout's nested modules.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::context::{Ctx, handle_module_names, module_aliases, requests_modules};
use super::requests::{handle_items, service_items};
use super::tokens::{RUNTIME, cfg_attr, docs, ident, runtime_import};
use super::types::{module_docs, uses_runtime};
use super::{Piece, REQUESTS, module_pieces};
use crate::ir;

/// Nested inline modules for the single-file layout.
#[derive(Default)]
struct ModuleTree {
    items: TokenStream,
    children: BTreeMap<String, ModuleTree>,
}

impl ModuleTree {
    fn insert(&mut self, path: &[String], items: TokenStream) {
        match path.split_first() {
            None => self.items.extend(items),
            Some((first, rest)) => self
                .children
                .entry(first.clone())
                .or_default()
                .insert(rest, items),
        }
    }

    fn into_tokens(self) -> TokenStream {
        let mut out = self.items;
        for (name, child) in self.children {
            let name = ident(&name);
            let inner = child.into_tokens();
            out.extend(quote! { pub mod #name { #inner } });
        }
        out
    }
}

pub(super) fn single_file_items(krate: &ir::Crate) -> TokenStream {
    let gated = !krate.features.is_empty();
    let aliases = module_aliases(krate);
    let mut tree = ModuleTree::default();
    for module in &krate.modules {
        let ctx = Ctx::module(&module.path);
        let mut pieces = vec![Piece::Opening {
            docs: module_docs(module),
            imports_runtime: uses_runtime(module),
            runtime_always_used: false,
            aliases_of: None,
            gated,
        }];
        module_pieces(module, &ctx, &mut pieces);
        let items: TokenStream = pieces.iter().map(Piece::tokens).collect();
        tree.insert(&module.path, items);
    }
    let mut items = lib_items(krate, &BTreeSet::new(), false);
    items.extend(tree.into_tokens());
    let handles_of = |module: Option<&str>, ctx: &Ctx| -> TokenStream {
        let mut items = runtime_import();
        items.extend(ctx.imports(gated));
        items.extend(
            krate
                .requests
                .handles
                .iter()
                .filter(|h| h.module.as_deref() == module)
                .map(|h| handle_items(h, ctx)),
        );
        items
    };
    let ctx = Ctx::importing(&[REQUESTS], &aliases, &requests_modules(krate, None))
        .without_aliases(&handle_module_names(krate));
    let mut requests = handles_of(None, &ctx);
    requests.extend(service_items(&krate.requests.service, &ctx));
    for module in &krate.requests.modules {
        let used = requests_modules(krate, Some(&module.name));
        let ctx = Ctx::importing(&[REQUESTS, &module.name], &aliases, &used);
        let items = handles_of(Some(&module.name), &ctx);
        let name = ident(&module.name);
        let doc = docs(&module.doc);
        let cfg = cfg_attr(&module.cfg);
        requests.extend(quote! { #doc #cfg pub mod #name { #items } });
    }
    items.extend(quote! { pub mod requests { #requests } });
    items
}

pub(super) fn lib_items(
    krate: &ir::Crate,
    children: &BTreeSet<String>,
    inner_docs: bool,
) -> TokenStream {
    let mut items = TokenStream::new();
    if inner_docs {
        let mut lines = vec![
            format!(
                " Typed models and request builders for `{}`.",
                krate.package
            ),
            String::new(),
            " Models live in one module per schema namespace; `requests` starts at the".to_owned(),
            " service's entry point and builds `http::Request`s without doing I/O.".to_owned(),
        ];
        if !krate.features.is_empty() {
            lines.extend([
                String::new(),
                " Each entity set, singleton and operation import has a Cargo feature that"
                    .to_owned(),
                " compiles it and the types it reaches; `full` compiles everything.".to_owned(),
            ]);
        }
        items.extend(lines.iter().map(|l| quote! { #![doc = #l] }));
    }
    let runtime = format_ident!("{}", RUNTIME);
    items.extend(quote! {
        /// The runtime these models and requests are built on.
        pub use ::#runtime as runtime;
    });
    if let Some(root) = &krate.service_root {
        items.extend(quote! {
            /// The service root the documentation's examples use.
            pub const SERVICE_ROOT: &str = #root;
        });
    }
    // Generated files are formatted by prettyplease; `cargo fmt` leaves them as they are,
    // so the output stays byte-identical to what the generator writes.
    for child in children {
        let child = ident(child);
        items.extend(quote! {
            #[rustfmt::skip]
            pub mod #child;
        });
    }
    if inner_docs {
        items.extend(quote! {
            #[rustfmt::skip]
            pub mod requests;
        });
        if !krate.examples.is_empty() {
            items.extend(quote! {
                #[cfg(test)]
                #[rustfmt::skip]
                mod examples;
            });
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::format::format_tokens;
    use crate::emit::tests::empty_crate;

    #[test]
    fn the_crate_root_declares_its_modules_unformatted_by_rustfmt() {
        let mut krate = empty_crate("my-sdk");
        krate.service_root = Some("https://example.com/odata".to_owned());
        let children: BTreeSet<String> = ["microsoft".to_owned()].into();
        let text = format_tokens(lib_items(&krate, &children, true));
        assert!(text.starts_with("//! Typed models and request builders for `my-sdk`."));
        assert!(!text.contains("`full` compiles everything"));
        assert!(text.contains("pub use ::odata_codegen_runtime as runtime;"));
        assert!(text.contains("pub const SERVICE_ROOT: &str = \"https://example.com/odata\";"));
        assert!(text.contains("#[rustfmt::skip]\npub mod microsoft;"));
        assert!(text.contains("#[rustfmt::skip]\npub mod requests;"));
        assert!(!text.contains("mod examples;"));
    }

    #[test]
    fn the_single_file_layout_nests_modules_inline() {
        let mut tree = ModuleTree::default();
        tree.insert(&["a".to_owned(), "b".to_owned()], quote! { pub struct B; });
        tree.insert(&["a".to_owned()], quote! { pub struct A; });
        assert_eq!(
            format_tokens(tree.into_tokens()),
            "pub mod a {\n    pub struct A;\n    pub mod b {\n        pub struct B;\n    }\n}\n"
        );
    }
}
