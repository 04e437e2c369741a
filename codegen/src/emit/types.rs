//! Model types: structs, unions of derived types, enums and aliases, and the namespace
//! module that holds them.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::{Ctx, primitive, rust_type};
use super::tokens::{cfg_attr, docs, ident, runtime};
use crate::ir::{self, RustType};
use crate::model::Primitive;

/// The doc comment that opens a namespace module.
pub(super) fn module_docs(module: &ir::Module) -> Vec<String> {
    vec![
        format!(" The types of the schema namespace `{}`.", module.namespace),
        String::new(),
        " Every property but a key is optional, so a `$select`-ed response deserializes; a"
            .to_owned(),
        " nullable one is a [`Field`](rt::Field), which tells an absent property from an"
            .to_owned(),
        " explicit `null`. A key is its plain type, empty when absent and then not sent."
            .to_owned(),
        " `Default` fills in `@odata.type`, which services read from request bodies.".to_owned(),
    ]
}

/// Whether a module's items use the runtime, so that it imports it: every struct
/// does (`rt::Record`).
pub(super) fn uses_runtime(module: &ir::Module) -> bool {
    !module.unions.is_empty()
        || !module.enums.is_empty()
        || !module.structs.is_empty()
        || module
            .aliases
            .iter()
            .any(|a| primitive_uses_runtime_in(&a.ty))
}

/// Whether `ty` is `Edm.Int64` or a collection of it.
fn is_int64(ty: &RustType) -> bool {
    match ty {
        RustType::Primitive(p) => *p == Primitive::Int64,
        RustType::Vec(inner) => is_int64(inner),
        _ => false,
    }
}

fn primitive_uses_runtime_in(ty: &RustType) -> bool {
    match ty {
        RustType::Primitive(p) => primitive_uses_runtime(*p),
        RustType::Flags { .. } => true,
        RustType::Named { .. } => false,
        RustType::Vec(inner) => primitive_uses_runtime_in(inner),
    }
}

fn primitive_uses_runtime(p: Primitive) -> bool {
    matches!(
        p,
        Primitive::Binary
            | Primitive::Date
            | Primitive::DateTimeOffset
            | Primitive::Decimal
            | Primitive::Double
            | Primitive::Duration
            | Primitive::Single
            | Primitive::TimeOfDay
    )
}

pub(super) fn struct_items(s: &ir::Struct, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let name = ident(&s.name);
    let doc = docs(&s.doc);
    let cfg = cfg_attr(&s.cfg);
    let odata_type = &s.odata_type;
    let fields = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let doc = docs(&f.doc);
        let mut inner = rust_type(&f.ty, ctx);
        if f.boxed {
            inner = quote! { Box<#inner> };
        }
        // Most wire names are what `rename_all` makes of the Rust name; only the
        // others need their own `rename`.
        let rename = s.rename_of(f).map(|wire| quote! { rename = #wire, });
        // `Edm.Int64` is written as a number or a string (`IEEE754Compatible`).
        let rename = match is_int64(&f.ty) {
            true => quote! { #rename serialize_with = "rt::int64::serialize", },
            false => quote! { #rename },
        };
        match f.presence {
            ir::Presence::Optional => quote! {
                #doc
                #[serde(#rename skip_serializing_if = "Option::is_none")]
                pub #field: Option<#inner>,
            },
            ir::Presence::Nullable => quote! {
                #doc
                #[serde(#rename skip_serializing_if = "rt::Field::is_absent")]
                pub #field: #rt::Field<#inner>,
            },
            ir::Presence::Key => quote! {
                #doc
                #[serde(#rename skip_serializing_if = "rt::is_default")]
                pub #field: #inner,
            },
        }
    });
    let defaults = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        match f.presence {
            ir::Presence::Optional => quote! { #field: None, },
            ir::Presence::Nullable => quote! { #field: #rt::Field::Absent, },
            ir::Presence::Key => quote! { #field: Default::default(), },
        }
    });
    let etag = s.entity.then(|| {
        quote! {
            /// The entity's version (`@odata.etag`), when the service tracks one: give it to
            /// `if_match` to change or delete only that version.
            #[serde(rename = "@odata.etag", skip_serializing_if = "Option::is_none")]
            pub odata_etag: Option<String>,
        }
    });
    let etag_default = s.entity.then(|| quote! { odata_etag: None, });
    // Reading is `rt::Record`'s: far less code per struct than serde's derive.
    let wires = std::iter::once("@odata.type")
        .chain(s.entity.then_some("@odata.etag"))
        .chain(s.fields.iter().map(|f| f.wire.as_str()));
    let reads = std::iter::once(ident("odata_type"))
        .chain(s.entity.then(|| ident("odata_etag")))
        .chain(s.fields.iter().map(|f| ident(&f.name)))
        .zip(
            std::iter::repeat_n(false, 1 + usize::from(s.entity))
                .chain(s.fields.iter().map(|f| is_int64(&f.ty))),
        )
        .enumerate()
        .map(|(index, (field, int64))| {
            let index = Literal::usize_unsuffixed(index);
            match int64 {
                true => quote! { #index => self.#field = #rt::next_int64(map)?, },
                false => quote! { #index => self.#field = map.next_value()?, },
            }
        });
    let expecting = format!("struct {}", s.name);
    let rename_all = s.rename_all.map(|rule| {
        let rule = rule.as_str();
        quote! { #[serde(rename_all = #rule)] }
    });
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq, ::serde::Serialize)]
        #rename_all
        pub struct #name {
            /// The type's name as services read it from a request body (`@odata.type`).
            #[serde(rename = "@odata.type", skip_serializing_if = "Option::is_none")]
            pub odata_type: Option<String>,
            #etag
            #(#fields)*
            /// Properties the schema does not declare, kept so that nothing received is lost.
            #[serde(flatten)]
            pub additional_data: ::std::collections::BTreeMap<String, ::serde_json::Value>,
        }

        // One `cfg` for all the impls: in a crate with many features it runs to many lines.
        #cfg
        const _: () = {
            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    #rt::deserialize_record(deserializer)
                }
            }

            impl #rt::Record for #name {
                const PROPERTIES: &'static [&'static str] = &[#(#wires),*];
                const EXPECTING: &'static str = #expecting;

                fn empty() -> Self {
                    Self { odata_type: None, ..Default::default() }
                }

                fn read_property<'de, A: ::serde::de::MapAccess<'de>>(
                    &mut self,
                    index: usize,
                    map: &mut A,
                ) -> Result<(), A::Error> {
                    match index {
                        #(#reads)*
                        _ => {}
                    }
                    Ok(())
                }

                fn additional_data(&mut self) -> &mut ::std::collections::BTreeMap<String, ::serde_json::Value> {
                    &mut self.additional_data
                }
            }

            impl #name {
                /// The `@odata.type` of this type.
                pub const ODATA_TYPE: &'static str = #odata_type;
            }

            impl Default for #name {
                /// An empty value that names its type, ready to fill in for a request body.
                fn default() -> Self {
                    Self {
                        odata_type: Some(Self::ODATA_TYPE.to_owned()),
                        #etag_default
                        #(#defaults)*
                        additional_data: ::std::collections::BTreeMap::new(),
                    }
                }
            }
        };
    }
}

pub(super) fn union_items(u: &ir::Union, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let name = ident(&u.name);
    let doc = docs(&u.doc);
    let cfg = cfg_attr(&u.cfg);
    let variants = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty, ctx);
        let wire_doc = format!(" `{}`", v.wire.first().map_or("", String::as_str));
        quote! {
            #[doc = #wire_doc]
            #variant(Box<#ty>),
        }
    });
    let serialize_arms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! { Self::#variant(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let (base, derived) = match u.variants.split_first() {
        Some((base, derived)) => (Some(base), derived),
        None => (None, &[][..]),
    };
    let deserialize_arms = derived.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire;
        quote! { #(#wire)|* => Self::#variant(#rt::from_value(value)?), }
    });
    let fallback = base.map(|v| {
        let variant = ident(&v.name);
        quote! { _ => Self::#variant(#rt::from_value(value)?), }
    });
    let froms = u.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = rust_type(&v.ty, ctx);
        quote! {
            #cfg
            impl From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(Box::new(value))
                }
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }

        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::deserialize_polymorphic(deserializer, |odata_type, value| {
                    Ok(match odata_type {
                        #(#deserialize_arms)*
                        #fallback
                    })
                })
            }
        }

        #(#froms)*
    }
}

pub(super) fn enum_items(e: &ir::Enum) -> TokenStream {
    let rt = runtime();
    let name = ident(&e.name);
    let doc = docs(&e.doc);
    let cfg = cfg_attr(&e.cfg);
    let fallback = ident(&e.fallback);
    let variants = e.members.iter().map(|m| {
        let variant = ident(&m.name);
        let doc = docs(&m.doc);
        let wire_doc = format!(" `{}`", m.wire);
        let doc = if m.doc.is_empty() {
            quote! { #[doc = #wire_doc] }
        } else {
            doc
        };
        quote! { #doc #variant, }
    });
    let from_wire = e.members.iter().map(|m| {
        let variant = ident(&m.name);
        let wire = &m.wire;
        quote! { #wire => Self::#variant, }
    });
    let to_wire = e.members.iter().map(|m| {
        let variant = ident(&m.name);
        let wire = &m.wire;
        quote! { Self::#variant => #wire, }
    });
    let values = e.underlying.map(|underlying| {
        let values = e.members.iter().filter_map(|m| {
            let variant = ident(&m.name);
            let value = integer_literal(m.value?, underlying);
            Some(quote! { Self::#variant => Some(#value), })
        });
        let underlying = primitive(underlying);
        quote! {
            #cfg
            impl #name {
                /// The member's value in the schema; `None` for a value this crate does not know.
                pub fn value(&self) -> Option<#underlying> {
                    match self {
                        #(#values)*
                        Self::#fallback(_) => None,
                    }
                }
            }
        }
    });
    quote! {
        #doc
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this crate does not know yet, kept exactly as received.
            #fallback(String),
        }

        #values

        #cfg
        impl #rt::ODataEnum for #name {
            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#fallback(other.to_owned()),
                }
            }

            fn to_wire(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#fallback(value) => value,
                }
            }
        }

        #cfg
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #rt::serialize_enum(self, serializer)
            }
        }

        #cfg
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #rt::deserialize_enum(deserializer)
            }
        }
    }
}

/// An integer literal of the enum's underlying type; a value that does not fit is
/// written as it is and left to the compiler to report.
fn integer_literal(value: i64, ty: Primitive) -> Literal {
    match ty {
        Primitive::Byte => u8::try_from(value)
            .map_or_else(|_| Literal::i64_unsuffixed(value), Literal::u8_unsuffixed),
        Primitive::SByte => i8::try_from(value)
            .map_or_else(|_| Literal::i64_unsuffixed(value), Literal::i8_unsuffixed),
        Primitive::Int16 => i16::try_from(value)
            .map_or_else(|_| Literal::i64_unsuffixed(value), Literal::i16_unsuffixed),
        Primitive::Int32 => i32::try_from(value)
            .map_or_else(|_| Literal::i64_unsuffixed(value), Literal::i32_unsuffixed),
        _ => Literal::i64_unsuffixed(value),
    }
}

pub(super) fn alias_items(a: &ir::Alias, ctx: &Ctx) -> TokenStream {
    let name = ident(&a.name);
    let doc = docs(&a.doc);
    let cfg = cfg_attr(&a.cfg);
    let ty = rust_type(&a.ty, ctx);
    quote! {
        #doc
        #cfg
        pub type #name = #ty;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::format::format_tokens;
    use crate::emit::tests::module;

    fn field(name: &str, wire: &str, ty: RustType, presence: ir::Presence) -> ir::Field {
        ir::Field {
            name: name.to_owned(),
            wire: wire.to_owned(),
            ty,
            presence,
            boxed: false,
            doc: Vec::new(),
        }
    }

    fn string(name: &str, wire: &str, presence: ir::Presence) -> ir::Field {
        field(name, wire, RustType::Primitive(Primitive::String), presence)
    }

    fn user(rename_all: Option<ir::RenameRule>, fields: Vec<ir::Field>) -> String {
        let s = ir::Struct {
            name: "User".to_owned(),
            odata_type: "#ns.user".to_owned(),
            entity: false,
            doc: vec!["A user.".to_owned()],
            rename_all,
            fields,
            cfg: ir::Cfg::always(),
        };
        format_tokens(struct_items(&s, &Ctx::module(&["ns".to_owned()])))
    }

    #[test]
    fn only_fields_whose_wire_name_differs_are_renamed_and_nullable_ones_are_three_state() {
        let text = user(
            Some(ir::RenameRule::CamelCase),
            vec![
                string("display_name", "displayName", ir::Presence::Optional),
                string("ip_v4", "IPv4", ir::Presence::Nullable),
            ],
        );
        assert!(
            text.contains("#[serde(rename_all = \"camelCase\")]\npub struct User {"),
            "{text}"
        );
        assert!(
            text.contains("    #[serde(skip_serializing_if = \"Option::is_none\")]\n    pub display_name: Option<String>,\n"),
            "{text}"
        );
        assert!(
            text.contains("    #[serde(rename = \"IPv4\", skip_serializing_if = \"rt::Field::is_absent\")]\n    pub ip_v4: rt::Field<String>,\n"),
            "{text}"
        );
        assert!(text.contains("pub const ODATA_TYPE: &'static str = \"#ns.user\";"));
        assert!(text.contains("odata_type: Some(Self::ODATA_TYPE.to_owned()),"));
    }

    #[test]
    fn a_struct_is_read_through_rt_record_with_its_wire_names_in_index_order() {
        let text = user(
            Some(ir::RenameRule::CamelCase),
            vec![
                string("ip_v4", "IPv4", ir::Presence::Nullable),
                field(
                    "size",
                    "size",
                    RustType::Primitive(Primitive::Int64),
                    ir::Presence::Optional,
                ),
            ],
        );
        assert!(text.contains("impl rt::Record for User {"), "{text}");
        assert!(
            text.contains(
                r#"const PROPERTIES: &'static [&'static str] = &["@odata.type", "IPv4", "size"];"#
            ),
            "{text}"
        );
        assert!(text.contains(r#"const EXPECTING: &'static str = "struct User";"#));
        assert!(
            text.contains("0 => self.odata_type = map.next_value()?,"),
            "{text}"
        );
        assert!(
            text.contains("1 => self.ip_v4 = map.next_value()?,"),
            "{text}"
        );
        assert!(
            text.contains("2 => self.size = rt::next_int64(map)?,"),
            "{text}"
        );
        assert!(
            text.contains("rt::deserialize_record(deserializer)"),
            "{text}"
        );
        assert!(
            text.contains(r#"serialize_with = "rt::int64::serialize","#),
            "{text}"
        );
        assert!(!text.contains("::serde::Deserialize)]"), "{text}");
    }

    #[test]
    fn a_key_is_its_plain_type_filled_with_its_default_and_not_sent_when_empty() {
        let text = user(
            Some(ir::RenameRule::PascalCase),
            vec![
                string("user_name", "UserName", ir::Presence::Key),
                string("id", "id", ir::Presence::Optional),
            ],
        );
        assert!(
            text.contains("#[serde(rename_all = \"PascalCase\")]\npub struct User {"),
            "{text}"
        );
        assert!(
            text.contains("    #[serde(skip_serializing_if = \"rt::is_default\")]\n    pub user_name: String,\n"),
            "{text}"
        );
        assert!(
            text.contains("    #[serde(rename = \"id\", skip_serializing_if = \"Option::is_none\")]\n    pub id: Option<String>,\n"),
            "{text}"
        );
        assert!(text.contains("user_name: Default::default(),"), "{text}");
    }

    #[test]
    fn without_a_rule_no_rename_all_is_written() {
        let text = user(None, vec![string("id", "id", ir::Presence::Key)]);
        assert!(!text.contains("rename_all"), "{text}");
        assert!(
            text.contains(
                "    #[serde(skip_serializing_if = \"rt::is_default\")]\n    pub id: String,\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn enum_values_that_do_not_fit_their_type_are_left_to_the_compiler() {
        assert_eq!(integer_literal(7, Primitive::Byte).to_string(), "7");
        assert_eq!(integer_literal(300, Primitive::Byte).to_string(), "300");
        assert_eq!(integer_literal(-1, Primitive::Int64).to_string(), "-1");
    }

    #[test]
    fn a_module_imports_the_runtime_only_when_its_items_use_it() {
        let mut plain = module(&["ns"]);
        plain.aliases.push(ir::Alias {
            name: "Name".to_owned(),
            doc: Vec::new(),
            ty: RustType::Primitive(Primitive::String),
            cfg: ir::Cfg::always(),
        });
        assert!(!uses_runtime(&plain));
        let mut dated = plain.clone();
        dated.aliases[0].ty = RustType::Primitive(Primitive::Date);
        assert!(uses_runtime(&dated));
        // A struct is read through `rt::Record`.
        let mut structured = plain.clone();
        structured.structs.push(ir::Struct {
            name: "A".to_owned(),
            odata_type: "#ns.a".to_owned(),
            entity: false,
            doc: Vec::new(),
            rename_all: None,
            fields: vec![string("name", "name", ir::Presence::Optional)],
            cfg: ir::Cfg::always(),
        });
        assert!(uses_runtime(&structured));
    }
}
