//! Token helpers every emitter shares: identifiers, the runtime's name, doc comments
//! and feature gates.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{self, RT};

pub(super) const RUNTIME: &str = "odata_codegen_runtime";

pub(super) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The runtime crate, as every generated module imports it.
pub(super) fn runtime() -> TokenStream {
    let rt = format_ident!("{}", RT);
    quote! { #rt }
}

/// `use ::odata_codegen_runtime as rt;`, which opens every generated module.
pub(super) fn runtime_import() -> TokenStream {
    let runtime = format_ident!("{}", RUNTIME);
    let rt = format_ident!("{}", RT);
    quote! { use ::#runtime as #rt; }
}

pub(super) fn docs(lines: &[String]) -> TokenStream {
    // One attribute per line keeps blank lines, so paragraphs survive.
    lines
        .iter()
        .map(|line| {
            let text = if line.is_empty() {
                String::new()
            } else {
                format!(" {}", line.trim_end())
            };
            quote! { #[doc = #text] }
        })
        .collect()
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", feature = "b"))]`; nothing for
/// an item that always compiles.
pub(super) fn cfg_attr(cfg: &ir::Cfg) -> TokenStream {
    match cfg.any_feature.as_slice() {
        [] => TokenStream::new(),
        [single] => quote! { #[cfg(feature = #single)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_become_raw_identifiers() {
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ident("name").to_string(), "name");
    }

    #[test]
    fn doc_lines_keep_their_paragraphs() {
        let lines: Vec<String> = ["First.", "", "Second.  "].map(String::from).into();
        assert_eq!(
            docs(&lines).to_string(),
            r#"# [doc = " First."] # [doc = ""] # [doc = " Second."]"#
        );
    }

    #[test]
    fn feature_gates_name_one_feature_or_any_of_several() {
        let cfg = |features: &[&str]| ir::Cfg {
            any_feature: features.iter().map(|f| f.to_string()).collect(),
        };
        assert!(cfg_attr(&cfg(&[])).is_empty());
        assert_eq!(
            cfg_attr(&cfg(&["users"])).to_string(),
            r#"# [cfg (feature = "users")]"#
        );
        assert_eq!(
            cfg_attr(&cfg(&["users", "groups"])).to_string(),
            r#"# [cfg (any (feature = "users" , feature = "groups"))]"#
        );
    }

    #[test]
    fn modules_import_the_runtime_under_its_short_name() {
        assert_eq!(
            runtime_import().to_string(),
            "use :: odata_codegen_runtime as rt ;"
        );
    }
}
