//! Request builders: the service's entry point and a handle per addressable type, with
//! their navigation, keys, casts, CRUD requests and operation calls.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::context::{Ctx, primitive, rust_type};
use super::tokens::{cfg_attr, docs, ident, runtime};
use crate::ir::{self, CrudKind, MethodKind, RustType};
use crate::model::Primitive;

fn status_tokens(status: u16) -> TokenStream {
    let rt = runtime();
    let constant = match status {
        201 => "CREATED",
        202 => "ACCEPTED",
        204 => "NO_CONTENT",
        _ => "OK",
    };
    let constant = format_ident!("{}", constant);
    quote! { #rt::http::StatusCode::#constant }
}

pub(super) fn service_items(service: &ir::ServiceEntry, ctx: &Ctx) -> TokenStream {
    let name = ident(&service.name);
    let doc = docs(&service.doc);
    let rt = runtime();
    let root = quote! { #rt::ODataPath::root() };
    let methods = service.methods.iter().map(|m| method_items(m, &root, ctx));
    quote! {
        #doc
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct #name;

        impl #name {
            #(#methods)*
        }
    }
}

/// `pub mod` lines for the type modules of `requests`.
pub(super) fn module_decls(modules: &[ir::HandleModule]) -> TokenStream {
    modules
        .iter()
        .map(|m| {
            let name = ident(&m.name);
            let cfg = cfg_attr(&m.cfg);
            quote! { #cfg pub mod #name; }
        })
        .collect()
}

pub(super) fn handle_items(handle: &ir::Handle, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let name = ident(&handle.name);
    let doc = docs(&handle.doc);
    let cfg = cfg_attr(&handle.cfg);
    // A handle in a type's module is made by handles in `requests` and its other
    // modules, so its fields are visible there.
    let visibility = handle.module.as_ref().map(|_| quote! { pub(super) });
    let path = quote! { self.0 };
    let path_method = quote! {
        /// The path this handle addresses, below the service root.
        pub fn path(&self) -> &#rt::ODataPath {
            &self.0
        }
    };
    if !handle.generic_access {
        let methods = handle.methods.iter().map(|m| method_items(m, &path, ctx));
        return quote! {
            #doc
            #cfg
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub struct #name(#visibility #rt::ODataPath);

            #cfg
            impl #name {
                #path_method
                #(#methods)*
            }
        };
    }
    // `update` and `delete` need the access to allow them; everything else is offered
    // wherever the handle was reached.
    let methods_gated_by = |wanted: Option<CrudKind>| {
        handle
            .methods
            .iter()
            .filter(move |m| {
                let kind = match &m.kind {
                    MethodKind::Request { kind, .. }
                        if matches!(kind, CrudKind::Update | CrudKind::Delete) =>
                    {
                        Some(*kind)
                    }
                    _ => None,
                };
                kind == wanted
            })
            .map(|m| method_items(m, &path, ctx))
            .collect::<Vec<_>>()
    };
    let unrestricted = methods_gated_by(None);
    let update = methods_gated_by(Some(CrudKind::Update));
    let delete = methods_gated_by(Some(CrudKind::Delete));
    let update = (!update.is_empty()).then(|| {
        quote! {
            #cfg
            impl<A: #rt::access::Updatable> #name<A> {
                #(#update)*
            }
        }
    });
    let delete = (!delete.is_empty()).then(|| {
        quote! {
            #cfg
            impl<A: #rt::access::Deletable> #name<A> {
                #(#delete)*
            }
        }
    });
    quote! {
        #doc
        ///
        /// `A` is what may be done to the entity where the path reached it, one of the
        /// markers of the runtime's `access` module (everything, unless a place that
        /// leads here says less).
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct #name<A = #rt::access::ReadWrite>(
            #visibility #rt::ODataPath,
            #visibility ::core::marker::PhantomData<A>,
        );

        #cfg
        impl<A> #name<A> {
            #path_method
            #(#unrestricted)*
        }

        #update
        #delete
    }
}

/// The type of a handle a method returns; full access is the default argument, so
/// it goes unwritten.
fn handle_type(handle: &ir::HandleType, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let name = ctx.handle(handle.module.as_deref(), &handle.name);
    match handle.access {
        None
        | Some(ir::AccessArgument::Fixed {
            update: true,
            delete: true,
        }) => quote! { #name },
        Some(ir::AccessArgument::Inherited) => quote! { #name<A> },
        Some(ir::AccessArgument::Fixed { update, delete }) => {
            let marker = match (update, delete) {
                (true, false) => quote! { UpdateOnly },
                (false, true) => quote! { DeleteOnly },
                _ => quote! { ReadOnly },
            };
            quote! { #name<#rt::access::#marker> }
        }
    }
}

/// A new handle of `handle`'s type addressing `path`.
fn new_handle(handle: &ir::HandleType, path: TokenStream, ctx: &Ctx) -> TokenStream {
    let name = ctx.handle(handle.module.as_deref(), &handle.name);
    match handle.access {
        None => quote! { #name(#path) },
        Some(_) => quote! { #name(#path, ::core::marker::PhantomData) },
    }
}

/// A method of a handle (`path` is `self.0`) or of the service entry point (`path`
/// is the root path).
fn method_items(method: &ir::Method, path: &TokenStream, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let name = ident(&method.name);
    let doc = docs(&method.doc);
    let cfg = cfg_attr(&method.cfg);
    let body = match &method.kind {
        MethodKind::Segment { segments, handle } => {
            let ty = handle_type(handle, ctx);
            let new = new_handle(handle, quote! { #path #(.segment(#segments))* }, ctx);
            quote! {
                pub fn #name(&self) -> #ty {
                    #new
                }
            }
        }
        MethodKind::Key {
            parts,
            handle,
            syntax,
        } => key_method(&name, parts, handle, *syntax, path, ctx),
        MethodKind::Request {
            kind,
            model,
            success_status,
        } => request_method(&name, *kind, &rust_type(model, ctx), *success_status, path),
        MethodKind::Count => quote! {
            pub fn #name(&self) -> #rt::Operation<i64> {
                #rt::Operation::count_of(#path.clone())
            }
        },
        MethodKind::Refs => quote! {
            pub fn #name(&self) -> #rt::References {
                #rt::References::new(#path.clone())
            }
        },
        MethodKind::NavRef { segments } => quote! {
            pub fn #name(&self) -> #rt::Reference {
                #rt::Reference::new(#path #(.segment(#segments))*)
            }
        },
        MethodKind::Stream { segment } => {
            let stream_path = match segment {
                Some(segment) => quote! { #path.segment(#segment) },
                None => quote! { #path.system(#rt::SystemSegment::Value) },
            };
            quote! {
                pub fn #name(&self) -> #rt::Stream {
                    #rt::Stream::new(#stream_path)
                }
            }
        }
        MethodKind::Call(call) => call_method(&name, call, path, ctx),
    };
    quote! {
        #doc
        #cfg
        #body
    }
}

fn request_method(
    name: &Ident,
    kind: CrudKind,
    model: &TokenStream,
    success_status: u16,
    path: &TokenStream,
) -> TokenStream {
    let rt = runtime();
    let clone = quote! { #path.clone() };
    // The runtime's constructors know OData's success statuses; a page that documents
    // another one gets the long form.
    let operation = if success_status == kind.default_status() {
        match kind {
            CrudKind::List | CrudKind::Get => quote! { #rt::Operation::get(#clone) },
            CrudKind::Create => quote! { #rt::Operation::create(#clone, body) },
            CrudKind::Update => quote! { #rt::Operation::update(#clone, body) },
            CrudKind::Delete => quote! { #rt::Operation::delete(#clone) },
        }
    } else {
        let status = status_tokens(success_status);
        let (method, parse, then) = match kind {
            CrudKind::List | CrudKind::Get => (quote! { GET }, quote! { json }, quote! {}),
            CrudKind::Create => (
                quote! { POST },
                quote! { json },
                quote! { .with_json_body(body) },
            ),
            CrudKind::Update => (
                quote! { PATCH },
                quote! { no_content },
                quote! { .with_json_body(body) },
            ),
            CrudKind::Delete => (quote! { DELETE }, quote! { no_content }, quote! {}),
        };
        quote! { #rt::Operation::new(#rt::http::Method::#method, #clone, #status, #rt::#parse) #then }
    };
    match kind {
        CrudKind::List => quote! {
            pub fn #name(&self) -> #rt::Operation<#rt::Page<#model>> {
                #operation
            }
        },
        CrudKind::Get => quote! {
            pub fn #name(&self) -> #rt::Operation<#model> {
                #operation
            }
        },
        CrudKind::Create => quote! {
            pub fn #name(&self, body: &#model) -> #rt::Operation<#model> {
                #operation
            }
        },
        CrudKind::Update => quote! {
            pub fn #name(&self, body: &#model) -> #rt::Operation<()> {
                #operation
            }
        },
        CrudKind::Delete => quote! {
            pub fn #name(&self) -> #rt::Operation<()> {
                #operation
            }
        },
    }
}

fn key_method(
    name: &Ident,
    parts: &[ir::KeyParam],
    handle: &ir::HandleType,
    syntax: ir::KeySyntax,
    path: &TokenStream,
    ctx: &Ctx,
) -> TokenStream {
    let rt = runtime();
    let param_type = |ty: Primitive| match ty {
        Primitive::String | Primitive::Guid => quote! { &str },
        other => primitive(other),
    };
    let params = parts.iter().map(|p| {
        let name = ident(&p.name);
        let ty = param_type(p.ty);
        quote! { #name: #ty }
    });
    let key_path = match parts {
        [single] => {
            let name = ident(&single.name);
            match (syntax, single.ty) {
                (ir::KeySyntax::Segment, Primitive::String | Primitive::Guid) => {
                    quote! { #path.key(#name) }
                }
                (ir::KeySyntax::Segment, _) => quote! { #path.key_literal(&#name.to_string()) },
                (ir::KeySyntax::Parentheses, Primitive::String) => {
                    quote! { #path.key_in_parentheses(#name) }
                }
                // A GUID literal is written without quotes.
                (ir::KeySyntax::Parentheses, Primitive::Guid) => {
                    quote! { #path.key_literal_in_parentheses(#name) }
                }
                (ir::KeySyntax::Parentheses, _) => {
                    quote! { #path.key_literal_in_parentheses(&#name.to_string()) }
                }
            }
        }
        parts => {
            let pairs = parts.iter().map(|p| {
                let name = ident(&p.name);
                let wire = &p.wire;
                if p.ty == Primitive::String {
                    quote! { (#wire, #rt::KeyValue::String(#name)) }
                } else if p.ty == Primitive::Guid {
                    // A GUID literal is written without quotes.
                    quote! { (#wire, #rt::KeyValue::Literal(#name.to_owned())) }
                } else {
                    quote! { (#wire, #rt::KeyValue::Literal(#name.to_string())) }
                }
            });
            quote! { #path.compound_key(&[#(#pairs),*]) }
        }
    };
    let ty = handle_type(handle, ctx);
    let new = new_handle(handle, key_path, ctx);
    quote! {
        pub fn #name(&self, #(#params),*) -> #ty {
            #new
        }
    }
}

/// How a parameter is taken: by value for small copyable primitives (`true`; floats
/// as plain `f64` and `f32`), `&str` for strings, a slice for collections, a reference
/// for the rest.
fn param_type(ty: &RustType, ctx: &Ctx) -> (TokenStream, bool) {
    match ty {
        RustType::Primitive(
            Primitive::Boolean
            | Primitive::Byte
            | Primitive::SByte
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64
            | Primitive::Date
            | Primitive::TimeOfDay,
        ) => (rust_type(ty, ctx), true),
        RustType::Primitive(Primitive::Double) => (quote! { f64 }, true),
        RustType::Primitive(Primitive::Single) => (quote! { f32 }, true),
        RustType::Primitive(Primitive::String | Primitive::Guid) => (quote! { &str }, false),
        RustType::Vec(inner) => {
            let inner = rust_type(inner, ctx);
            (quote! { &[#inner] }, false)
        }
        other => {
            let t = rust_type(other, ctx);
            (quote! { &#t }, false)
        }
    }
}

fn call_method(name: &Ident, call: &ir::Call, path: &TokenStream, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let mut signature = Vec::new();
    // Floats are taken plain and written through the runtime's types, which spell
    // infinities and NaN the way OData does.
    let mut conversions = TokenStream::new();
    for p in &call.params {
        let pname = ident(&p.name);
        let (ty, _) = param_type(&p.ty, ctx);
        if p.optional {
            signature.push(quote! { #pname: Option<#ty> });
        } else {
            signature.push(quote! { #pname: #ty });
        }
        if let RustType::Primitive(Primitive::Double | Primitive::Single) = &p.ty {
            let edm = rust_type(&p.ty, ctx);
            conversions.extend(if p.optional {
                quote! { let #pname = #pname.map(#edm::from); }
            } else {
                quote! { let #pname = #edm::from(#pname); }
            });
        }
    }
    let allow = (signature.len() + 1 > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let segment = &call.segment;
    // The path of the call: the action's name, or the function with its arguments.
    let mut prelude = TokenStream::new();
    let mut aliases = TokenStream::new();
    let call_path = if call.action {
        quote! { #path.segment(#segment) }
    } else {
        let mut required = Vec::new();
        let mut optional = Vec::new();
        for p in &call.params {
            let pname = ident(&p.name);
            let wire = &p.wire;
            let (_, by_value) = param_type(&p.ty, ctx);
            let value = if p.optional {
                quote! { value }
            } else if by_value {
                quote! { &#pname }
            } else {
                quote! { #pname }
            };
            let literal = match &p.literal {
                ir::Literal::Value => quote! { #rt::ToLiteral::to_literal(#value) },
                ir::Literal::Guid => quote! { #rt::KeyValue::Literal(#value.to_string()) },
                ir::Literal::Enum(t) => quote! { #rt::enum_literal(#t, #value) },
                ir::Literal::Flags(t) => quote! { #rt::flags_literal(#t, #value) },
                ir::Literal::Json => {
                    let alias = format!("@{wire}");
                    if p.optional {
                        aliases.extend(quote! {
                            let operation = match #pname {
                                Some(value) => operation.with_parameter_alias(#alias, value),
                                None => operation,
                            };
                        });
                    } else {
                        aliases.extend(quote! {
                            let operation = operation.with_parameter_alias(#alias, #value);
                        });
                    }
                    quote! { #rt::KeyValue::Literal(#alias.to_owned()) }
                }
            };
            if p.optional {
                // `value` is a reference either way: to the copied primitive, or the
                // reference the parameter holds.
                let source = if by_value {
                    quote! { &#pname }
                } else {
                    quote! { #pname }
                };
                optional.push(quote! {
                    if let Some(value) = #source {
                        arguments.push((#wire, #literal));
                    }
                });
            } else {
                required.push(quote! { (#wire, #literal) });
            }
        }
        if optional.is_empty() {
            quote! { #path.function(#segment, &[#(#required),*]) }
        } else {
            prelude.extend(quote! {
                let mut arguments: Vec<(&str, #rt::KeyValue<'_>)> = vec![#(#required),*];
                #(#optional)*
            });
            quote! { #path.function(#segment, &arguments) }
        }
    };
    let params = &signature;
    let prelude = quote! { #conversions #prelude };
    if let ir::Returns::Handle(handle) = &call.returns {
        let ty = handle_type(handle, ctx);
        let new = new_handle(handle, call_path, ctx);
        return quote! {
            #allow
            pub fn #name(&self, #(#params),*) -> #ty {
                #prelude
                #new
            }
        };
    }
    let (output, parse) = match &call.returns {
        ir::Returns::Nothing => (quote! { () }, quote! { #rt::no_content }),
        ir::Returns::Json(t) => (rust_type(t, ctx), quote! { #rt::json }),
        ir::Returns::Value(t) => (rust_type(t, ctx), quote! { #rt::json_value }),
        ir::Returns::Page(t) => {
            let t = rust_type(t, ctx);
            (quote! { #rt::Page<#t> }, quote! { #rt::json })
        }
        ir::Returns::Delta(t) => {
            let t = rust_type(t, ctx);
            (quote! { #rt::Delta<#t> }, quote! { #rt::json })
        }
        ir::Returns::UploadSession(t) => {
            let t = rust_type(t, ctx);
            (quote! { #rt::UploadSession<#t> }, quote! { #rt::json })
        }
        ir::Returns::Handle(_) => (TokenStream::new(), TokenStream::new()),
    };
    let mut operation = if call.action {
        quote! { #rt::Operation::action(#call_path, #parse) }
    } else {
        quote! { #rt::Operation::function(#call_path, #parse) }
    };
    if call.action && !call.params.is_empty() {
        let withs = call.params.iter().map(|p| {
            let pname = ident(&p.name);
            let wire = &p.wire;
            let (_, by_value) = param_type(&p.ty, ctx);
            match (p.optional, by_value) {
                (true, true) => quote! { .with_optional(#wire, #pname.as_ref()) },
                (true, false) => quote! { .with_optional(#wire, #pname) },
                (false, true) => quote! { .with(#wire, &#pname) },
                (false, false) => quote! { .with(#wire, #pname) },
            }
        });
        operation = quote! { #operation.with_json_body(&#rt::Parameters::new() #(#withs)*) };
    }
    if aliases.is_empty() {
        quote! {
            #allow
            pub fn #name(&self, #(#params),*) -> #rt::Operation<#output> {
                #prelude
                #operation
            }
        }
    } else {
        quote! {
            #allow
            pub fn #name(&self, #(#params),*) -> #rt::Operation<#output> {
                #prelude
                let operation = #operation;
                #aliases
                operation
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::format::format_tokens;

    #[test]
    fn small_values_are_taken_by_value_strings_as_str_and_lists_as_slices() {
        let ctx = Ctx::module(&["requests".to_owned()]);
        let taken = |ty: RustType| {
            let (ty, by_value) = param_type(&ty, &ctx);
            (ty.to_string(), by_value)
        };
        assert_eq!(
            taken(RustType::Primitive(Primitive::Int32)),
            ("i32".to_owned(), true)
        );
        assert_eq!(taken(RustType::Primitive(Primitive::String)).0, "& str");
        assert_eq!(
            taken(RustType::Vec(Box::new(RustType::Primitive(
                Primitive::Int32
            ))))
            .0,
            "& [i32]"
        );
    }

    #[test]
    fn success_statuses_are_named_constants() {
        assert_eq!(
            status_tokens(201).to_string(),
            "rt :: http :: StatusCode :: CREATED"
        );
        assert_eq!(
            status_tokens(200).to_string(),
            "rt :: http :: StatusCode :: OK"
        );
    }

    fn handle(generic_access: bool, methods: Vec<ir::Method>) -> ir::Handle {
        ir::Handle {
            module: Some("user".to_owned()),
            name: "User".to_owned(),
            doc: vec!["A user.".to_owned()],
            cfg: ir::Cfg::always(),
            generic_access,
            methods,
        }
    }

    fn request(kind: CrudKind, success_status: u16) -> ir::Method {
        ir::Method {
            name: format!("{kind:?}").to_lowercase(),
            doc: Vec::new(),
            cfg: ir::Cfg::always(),
            kind: MethodKind::Request {
                kind,
                model: RustType::Named {
                    module: vec!["ns".to_owned()],
                    name: "User".to_owned(),
                },
                success_status,
            },
        }
    }

    #[test]
    fn update_and_delete_need_the_access_marker_to_allow_them() {
        let ctx = Ctx::module(&["requests".to_owned()]);
        let methods = vec![
            request(CrudKind::Get, 200),
            request(CrudKind::Update, 204),
            request(CrudKind::Delete, 204),
        ];
        let text = format_tokens(handle_items(&handle(true, methods.clone()), &ctx));
        assert!(
            text.contains("pub struct User<A = rt::access::ReadWrite>("),
            "{text}"
        );
        let open = text.find("impl<A> User<A> {").expect("unrestricted impl");
        let update = text
            .find("impl<A: rt::access::Updatable> User<A> {")
            .expect("updatable impl");
        let delete = text
            .find("impl<A: rt::access::Deletable> User<A> {")
            .expect("deletable impl");
        assert!(open < update && update < delete);
        assert!(text[open..update].contains("pub fn get("));
        assert!(text[update..delete].contains("pub fn update("));
        assert!(text[delete..].contains("pub fn delete("));

        let plain = format_tokens(handle_items(&handle(false, methods), &ctx));
        assert!(
            plain.contains("pub struct User(pub(super) rt::ODataPath);"),
            "{plain}"
        );
        assert!(!plain.contains("rt::access"), "{plain}");
    }
}
