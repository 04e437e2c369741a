//! Per-page analysis: resolves each documented request line and example URL through
//! the model, checks example bodies and annotations against their types, and turns the
//! page's prose into doc text. [`crate::plan`] selects operations from the result.

use std::sync::Arc;

use crate::check::{check_body, lookup_type_name};
use crate::diag::{Diagnostic, Source, Span};
use crate::doc::{
    DocPage, Example, HttpMessage, JsonValue, Method, PermissionValue, RequestBlockLine,
    RequestExample, ResponseExample, Spanned,
};
use crate::ir::OperationKind;
use crate::model::{ItemType, Model, TypeRef};
use crate::resolve::{ResolvedPath, Root, Step, Suffix, Target, resolve_path};

/// Diagnostic codes of the page analysis.
pub const CODES: &[(&str, &str)] = &[
    (
        "todo-permission",
        "a permissions cell is a placeholder, not a permission",
    ),
    (
        "not-a-request-line",
        "a line of an HTTP request block is not `METHOD path`",
    ),
    (
        "unsupported-operation",
        "a documented request is of a kind the generator does not emit yet",
    ),
    (
        "operation-not-allowed",
        "a documented request is one the schema does not allow on its target",
    ),
];

/// A page and its source, as read by [`crate::doc`].
pub struct Page {
    pub source: Arc<Source>,
    pub doc: DocPage,
}

/// Doc text a page contributes to the operations it documents.
#[derive(Clone, Debug)]
pub struct PageDoc {
    pub lines: Vec<String>,
    /// The success status the page names.
    pub status: Option<u16>,
}

/// A request line of the page's "HTTP request" section that resolved to an operation.
#[derive(Clone, Debug)]
pub struct DocumentedOperation {
    pub path: ResolvedPath,
    pub kind: OperationKind,
}

/// A request example that resolved to an operation, with the response that follows it.
pub struct DocumentedExample<'p> {
    pub page: &'p Page,
    /// The annotation's `name`.
    pub name: Option<String>,
    pub path: ResolvedPath,
    pub kind: OperationKind,
    pub request: &'p RequestExample,
    /// The example's opening fence.
    pub request_span: Span,
    /// Whether the request body would deserialize into the model.
    pub body_ok: bool,
    /// The response and whether its body would deserialize into the model.
    pub response: Option<(&'p ResponseExample, bool)>,
}

/// What one page documents.
pub struct PageAnalysis<'p> {
    pub page: &'p Page,
    pub doc: PageDoc,
    pub operations: Vec<DocumentedOperation>,
    pub examples: Vec<DocumentedExample<'p>>,
}

/// Analyses one page; problems go to `diags`.
pub fn analyse_page<'p>(
    model: &Model,
    page: &'p Page,
    diags: &mut Vec<Diagnostic>,
) -> PageAnalysis<'p> {
    let mut analyser = Analyser { model, diags };
    analyser.read_page(page)
}

/// The last component of a source's name, so generated text does not depend on where
/// the inputs were.
pub fn file_name(source: &Source) -> &str {
    source
        .name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&source.name)
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        _ => "",
    }
}

fn operation_kind(method: Method, target: Target) -> Option<OperationKind> {
    Some(match (method, target) {
        (Method::Get, Target::Collection(_)) => OperationKind::List,
        (Method::Post, Target::Collection(_)) => OperationKind::Create,
        (Method::Get, Target::Entity(_)) => OperationKind::Get,
        (Method::Patch | Method::Put, Target::Entity(_)) => OperationKind::Update,
        (Method::Delete, Target::Entity(_)) => OperationKind::Delete,
        _ => return None,
    })
}

struct Analyser<'a> {
    model: &'a Model,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a, 'p> Analyser<'a> {
    fn page_doc(&mut self, page: &Page) -> PageDoc {
        let doc = &page.doc;
        let mut lines = Vec::new();
        if let Some(title) = &doc.title {
            lines.push(format!("**{}**", title.value.trim()));
        }
        if let Some(description) = &doc.description {
            lines.push(String::new());
            lines.push(description.value.trim().to_owned());
        }
        let status = doc.response.status.as_ref().map(|s| s.value);
        if let Some(status) = status {
            lines.push(String::new());
            lines.push(format!(
                "Succeeds with `{status} {}`.",
                reason_phrase(status)
            ));
        }
        let mut permissions = Vec::new();
        for row in &doc.permissions {
            match row.kind {
                PermissionValue::Listed | PermissionValue::NotSupported => {
                    permissions.push(format!(
                        "- {}: {}",
                        row.permission_type.text, row.value.text
                    ));
                }
                PermissionValue::Placeholder => {
                    self.diags.push(Diagnostic::warning(
                        "todo-permission",
                        row.value.span.clone(),
                        format!(
                            "the permission for `{}` is a placeholder (`{}`), not a permission; it is left out of the generated docs",
                            row.permission_type.text, row.value.text
                        ),
                    ));
                    permissions.push(format!("- {}: not documented", row.permission_type.text));
                }
            }
        }
        if !permissions.is_empty() {
            lines.push(String::new());
            lines.push("Permissions:".to_owned());
            lines.extend(permissions);
        }
        lines.push(String::new());
        lines.push(format!("Documented in `{}`.", file_name(&page.source)));
        PageDoc { lines, status }
    }

    fn read_page(&mut self, page: &'p Page) -> PageAnalysis<'p> {
        let doc = self.page_doc(page);
        let mut operations = Vec::new();
        let mut examples = Vec::new();
        for block in &page.doc.http_requests {
            for line in &block.lines {
                match line {
                    RequestBlockLine::Request(request) => {
                        let resolved =
                            resolve_path(self.model, &request.target.value, &request.target.span);
                        match resolved {
                            Ok((path, warnings)) => {
                                self.diags.extend(warnings);
                                if let Some(kind) = self.documented_kind(
                                    request.method.value,
                                    &path,
                                    &request.method.span,
                                ) {
                                    operations.push(DocumentedOperation { path, kind });
                                }
                            }
                            Err(error) => self.diags.push(error),
                        }
                    }
                    RequestBlockLine::Other(text) => self.diags.push(Diagnostic::warning(
                        "not-a-request-line",
                        text.span.clone(),
                        format!(
                            "`{}` in an HTTP request block is not `METHOD path`",
                            text.value
                        ),
                    )),
                }
            }
        }
        self.read_examples(page, &mut examples);
        PageAnalysis {
            page,
            doc,
            operations,
            examples,
        }
    }

    /// The operation a documented method and path select, or a warning why none.
    fn documented_kind(
        &mut self,
        method: Method,
        path: &ResolvedPath,
        span: &Span,
    ) -> Option<OperationKind> {
        let unsupported_step = path.steps.iter().find_map(|s| match s {
            Step::Cast { .. } => Some("a type cast"),
            Step::Operation { .. } => Some("a bound action or function"),
            Step::Property { .. } => Some("a property segment"),
            Step::Key { .. } | Step::Navigation { .. } => None,
        });
        let unsupported = match path.root {
            Root::OperationImport(_) => Some("an action or function import"),
            _ => unsupported_step,
        };
        if let Some(what) = unsupported {
            self.diags.push(Diagnostic::warning(
                "unsupported-operation",
                span.clone(),
                format!("{method} through {what} is not generated yet"),
            ));
            return None;
        }
        if let Some(suffix) = path.suffix {
            let what = match suffix {
                Suffix::Ref => "`$ref` (references)",
                Suffix::Count => "`$count`",
                Suffix::Value => "`$value` (media)",
            };
            self.diags.push(Diagnostic::warning(
                "unsupported-operation",
                span.clone(),
                format!("{method} with {what} is not generated yet"),
            ));
            return None;
        }
        let kind = operation_kind(method, path.target);
        if kind.is_none() {
            let target = match path.target {
                Target::Collection(t) => {
                    format!("a collection of `{}`", self.model.get(t).qualified_name())
                }
                Target::Entity(t) => format!("a single `{}`", self.model.get(t).qualified_name()),
            };
            self.diags.push(Diagnostic::warning(
                "operation-not-allowed",
                span.clone(),
                format!("{method} is not an operation OData defines on {target}"),
            ));
        }
        kind
    }

    fn read_examples(&mut self, page: &'p Page, examples: &mut Vec<DocumentedExample<'p>>) {
        let mut pending: Option<DocumentedExample<'p>> = None;
        for example in &page.doc.examples {
            if let Some(annotation) = &example.annotation {
                if let Some(odata_type) = &annotation.odata_type {
                    lookup_type_name(self.model, &odata_type.value, &odata_type.span, self.diags);
                }
            }
            match &example.message {
                HttpMessage::Request(request) => {
                    if let Some(done) = pending.take() {
                        examples.push(done);
                    }
                    pending = self.request_example(page, example, request);
                }
                HttpMessage::Response(response) => {
                    let Some(mut planned) = pending.take() else {
                        continue;
                    };
                    let body_ok = match response.body.as_ref().and_then(|b| b.json.as_ref()) {
                        Some(json) => self.check_response_body(planned.kind, &planned.path, json),
                        None => true,
                    };
                    planned.response = Some((response, body_ok));
                    examples.push(planned);
                }
            }
        }
        if let Some(done) = pending {
            examples.push(done);
        }
    }

    fn check_response_body(
        &mut self,
        kind: OperationKind,
        path: &ResolvedPath,
        json: &Spanned<JsonValue>,
    ) -> bool {
        let item = match path.target {
            Target::Collection(t) | Target::Entity(t) => t,
        };
        let entity = TypeRef {
            item: ItemType::Named(item),
            collection: false,
        };
        match kind {
            OperationKind::List => match json.value.get("value") {
                Some(items) => check_body(
                    self.model,
                    TypeRef {
                        collection: true,
                        ..entity
                    },
                    items,
                    self.diags,
                ),
                None => true,
            },
            _ => check_body(self.model, entity, json, self.diags),
        }
    }

    fn request_example(
        &mut self,
        page: &'p Page,
        example: &'p Example,
        request: &'p RequestExample,
    ) -> Option<DocumentedExample<'p>> {
        let target = &request.line.target;
        let (path, warnings) = match resolve_path(self.model, &target.value, &target.span) {
            Ok(resolved) => resolved,
            Err(mut error) => {
                // A broken example does not stop generation; the request lines decide.
                error.severity = crate::diag::Severity::Warning;
                self.diags.push(error);
                return None;
            }
        };
        self.diags.extend(warnings);
        let kind =
            self.documented_kind(request.line.method.value, &path, &request.line.method.span)?;
        let item = match path.target {
            Target::Collection(t) | Target::Entity(t) => t,
        };
        let body_ok = match request.body.as_ref().and_then(|b| b.json.as_ref()) {
            Some(json) => check_body(
                self.model,
                TypeRef {
                    item: ItemType::Named(item),
                    collection: false,
                },
                json,
                self.diags,
            ),
            None => true,
        };
        Some(DocumentedExample {
            page,
            name: example
                .annotation
                .as_ref()
                .and_then(|a| a.names.first())
                .map(|n| n.value.clone()),
            path,
            kind,
            request,
            request_span: example.span.clone(),
            body_ok,
            response: None,
        })
    }
}
