//! Tests generated from the documentation's examples: each builds its request and parses
//! its response with the generated API.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::context::{Ctx, rust_type};
use super::tokens::{ident, runtime, runtime_import};
use crate::ir::{self, ChainCall, CrudKind};

/// A raw string literal that holds `text` whatever it contains.
fn raw_string(text: &str) -> Literal {
    let hashes = "#".repeat(
        (0..)
            .find(|n| !text.contains(&format!("\"{}", "#".repeat(*n))))
            .unwrap_or(0)
            .max(1),
    );
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .unwrap_or_else(|_| Literal::string(text))
}

pub(super) fn examples_items(krate: &ir::Crate, ctx: &Ctx) -> TokenStream {
    let rt = runtime();
    let mut items = TokenStream::new();
    items.extend(quote! {
        #![doc = " Tests generated from the documentation's examples."]
    });
    items.extend(runtime_import());
    items.extend(ctx.imports(false));
    for test in &krate.examples {
        let name = ident(&test.name);
        let origin = format!(" The example at `{}`.", test.origin);
        let model = rust_type(&test.model, ctx);
        let calls = test.chain.iter().map(|c| match c {
            ChainCall::Method(m) => {
                let m = ident(m);
                quote! { .#m() }
            }
            ChainCall::Key { method, values } => {
                let m = ident(method);
                quote! { .#m(#(#values),*) }
            }
        });
        let service = ident(&krate.requests.service.name);
        let root = &test.service_root;
        let method = &test.method;
        let url = &test.url;
        let mut body = TokenStream::new();
        let operation_call = match test.operation {
            CrudKind::List => quote! { .list() },
            CrudKind::Get => quote! { .get() },
            CrudKind::Delete => quote! { .delete() },
            CrudKind::Create | CrudKind::Update => {
                let call = if test.operation == CrudKind::Create {
                    quote! { create }
                } else {
                    quote! { update }
                };
                let request_body = raw_string(test.request_body.as_deref().unwrap_or("{}"));
                body.extend(quote! {
                    let request_body = #request_body;
                    let model: #model = ::serde_json::from_str(request_body).expect("the example request body deserializes into the model");
                });
                quote! { .#call(&model) }
            }
        };
        body.extend(quote! {
            let operation = super::requests::#service #(#calls)* #operation_call;
            let root = #rt::ServiceRoot::new(#root).expect("the example's service root is valid");
            let request = operation.to_http(&root).expect("the request builds");
            assert_eq!(request.method().as_str(), #method);
            assert_eq!(request.uri().to_string(), #url);
        });
        if matches!(test.operation, CrudKind::Create | CrudKind::Update) {
            body.extend(quote! {
                let content_type = request.headers().get("content-type").and_then(|v| v.to_str().ok());
                assert_eq!(content_type, Some("application/json"));
                let sent: ::serde_json::Value = ::serde_json::from_slice(request.body()).expect("the request body is JSON");
                let example: ::serde_json::Value = ::serde_json::from_str(request_body).expect("the example request body is JSON");
                assert_eq!(sent, example, "the model sends back exactly what the example holds");
            });
        }
        if let Some(response) = &test.response {
            let status = response.status;
            let response_body = raw_string(response.body.as_deref().unwrap_or(""));
            body.extend(quote! {
                let response_body = #response_body;
                let response = #rt::http::Response::builder()
                    .status(#status)
                    .header("content-type", "application/json")
                    .body(response_body.as_bytes())
                    .expect("the example response builds");
            });
            if response.body.is_some() {
                body.extend(quote! {
                    let parsed = operation.parse_response(&response).expect("the example response parses into the model");
                    let reserialized = ::serde_json::to_value(&parsed).expect("the parsed response serializes");
                    let example: ::serde_json::Value = ::serde_json::from_str(response_body).expect("the example response body is JSON");
                    assert_eq!(reserialized, example, "the model keeps every property of the example response");
                });
            } else {
                body.extend(quote! {
                    operation.parse_response(&response).expect("the example response is the expected success");
                });
            }
        }
        items.extend(quote! {
            #[doc = #origin]
            #[test]
            fn #name() {
                #body
            }
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_strings_hold_any_text() {
        assert_eq!(raw_string("{}").to_string(), "r#\"{}\"#");
        assert_eq!(
            raw_string("say \"#hi\"").to_string(),
            "r##\"say \"#hi\"\"##"
        );
    }
}
