//! Per-page analysis: resolves each documented request line and example URL through
//! the model, says what each request does by OData's rules, checks example bodies,
//! annotations and request-body tables against the schema, compares example URLs with
//! the page's request templates, and gathers what the page says of each operation
//! (title, description, success status, permissions).
//! The planner selects operations from the result; [`report`] reports it.

pub mod check;
pub mod report;

use std::sync::Arc;

use crate::analyse::check::{
    Expect, TableSubject, check_expected, check_table, lookup_annotation_type,
};
use crate::diag::{Diagnostic, Severity, Source, Span};
use crate::model::OperationKind;
use crate::model::{ItemType, Model, OperationId, Primitive, TypeRef};
use crate::path::{ResolvedPath, Root, Step, Suffix, Target, resolve_path, service_root_of};
use crate::read::page::{
    Annotation, DocPage, Example, HttpMessage, HttpMethod, PermissionValue, RequestBlockLine,
    RequestExample, ResponseExample, Spanned,
};

/// A page and its source, as read by [`crate::read::page`].
pub struct Page {
    pub source: Arc<Source>,
    pub doc: DocPage,
}

/// What a page says about the operations it documents.
#[derive(Clone, Debug)]
pub struct PageDoc {
    /// The success status the page names.
    pub status: Option<u16>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub permissions: Vec<Permission>,
    /// The page's file name.
    pub file: String,
}

/// One cell of the page's permissions table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Permission {
    /// "Delegated (work or school account)", "Application", ...
    pub permission_type: String,
    /// What the permission applies to, in tables with several value columns.
    pub scope: Option<String>,
    /// The permissions as written, or `None` for a placeholder (`TODO`).
    pub value: Option<String>,
}

/// A create, read, update, delete or list of entities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CrudKind {
    List,
    Create,
    Get,
    Update,
    Delete,
}

impl CrudKind {
    pub fn method_name(self) -> &'static str {
        match self {
            CrudKind::List => "list",
            CrudKind::Create => "create",
            CrudKind::Get => "get",
            CrudKind::Update => "update",
            CrudKind::Delete => "delete",
        }
    }

    pub fn http_method(self) -> &'static str {
        match self {
            CrudKind::List | CrudKind::Get => "GET",
            CrudKind::Create => "POST",
            CrudKind::Update => "PATCH",
            CrudKind::Delete => "DELETE",
        }
    }

    pub fn default_status(self) -> u16 {
        match self {
            CrudKind::List | CrudKind::Get => 200,
            CrudKind::Create => 201,
            CrudKind::Update | CrudKind::Delete => 204,
        }
    }
}

/// What a documented request does, by OData's rules for its method and path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// Lists, creates, reads, updates or deletes entities.
    Crud(CrudKind),
    /// Calls the bound action (POST) or function (GET) the path ends with, or the
    /// operation import it starts with.
    Invoke(OperationId),
    /// `$ref`: GET reads references, POST adds one, PUT sets one, DELETE removes one.
    Reference,
    /// `$count`: GET reads the number of items.
    Count,
    /// A media entity's `$value` or a stream property: GET reads the bytes, PUT writes
    /// them.
    Media,
    /// A structural property: GET reads it, PATCH/PUT replace it, DELETE clears it.
    Property,
}

impl RequestKind {
    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            RequestKind::Crud(kind) => kind.method_name(),
            RequestKind::Invoke(_) => "invoke",
            RequestKind::Reference => "reference",
            RequestKind::Count => "count",
            RequestKind::Media => "media",
            RequestKind::Property => "property",
        }
    }
}

/// A request line of the page's "HTTP request" section that resolved to an operation.
#[derive(Clone, Debug)]
pub struct DocumentedOperation {
    pub path: ResolvedPath,
    pub method: HttpMethod,
    pub kind: RequestKind,
    /// The line's method.
    pub span: Span,
    /// The target as written.
    pub target: String,
}

/// What the schema's Capabilities annotations forbid where a path leads. The service
/// stage answers, by the access each step of the path gives.
pub trait Capabilities {
    /// Why the annotations forbid `kind` on `path`, naming the one that does; `None`
    /// when they allow it.
    fn forbids(&self, path: &ResolvedPath, kind: RequestKind) -> Option<String>;
}

/// One line of an HTTP request block, and what became of it.
#[derive(Clone, Debug)]
pub struct RequestLineOutcome {
    /// The line's method.
    pub span: Span,
    pub method: HttpMethod,
    /// The target as written.
    pub target: String,
    /// The index of its [`DocumentedOperation`], or the code of the diagnostic that
    /// says why it has none.
    pub result: Result<usize, &'static str>,
}

/// A request example whose URL resolved, with the response that follows it.
pub struct DocumentedExample<'p> {
    pub page: &'p Page,
    /// The annotation's `name`.
    pub name: Option<String>,
    pub path: ResolvedPath,
    pub kind: RequestKind,
    pub request: &'p RequestExample,
    /// The example's opening fence.
    pub request_span: Span,
    /// Whether the request body would deserialize into the model.
    pub body_ok: bool,
    /// The response and whether its body would deserialize into the model.
    pub response: Option<(&'p ResponseExample, bool)>,
}

impl DocumentedExample<'_> {
    /// The create/read/update/delete operation this is, if it is one.
    pub fn crud(&self) -> Option<CrudKind> {
        match self.kind {
            RequestKind::Crud(kind) => Some(kind),
            _ => None,
        }
    }
}

/// The URL of a request example, and what became of it.
#[derive(Clone, Debug)]
pub struct ExampleUrl {
    pub method: HttpMethod,
    /// The URL as written, and where.
    pub target: String,
    pub span: Span,
    /// `scheme://host/...` of an absolute URL.
    pub service_root: Option<String>,
    /// `Ok` when it resolved to an operation, else the code of the diagnostic.
    pub result: Result<RequestKind, &'static str>,
}

/// The code of a documented request the schema's Capabilities annotations forbid.
pub const FORBIDDEN: &str = "forbidden-by-capabilities";

/// What one page documents.
pub struct PageAnalysis<'p> {
    pub doc: PageDoc,
    /// The resolved request lines, those the Capabilities annotations forbid included.
    pub operations: Vec<DocumentedOperation>,
    /// Every line of the page's request blocks that is a request line.
    pub lines: Vec<RequestLineOutcome>,
    pub examples: Vec<DocumentedExample<'p>>,
    pub example_urls: Vec<ExampleUrl>,
    /// Example bodies checked against a schema type.
    pub bodies_checked: usize,
}

/// Analyses one page; problems go to `diags`. A request line `capabilities` forbids
/// does not resolve.
pub fn analyse_page<'p>(
    model: &Model,
    capabilities: &dyn Capabilities,
    page: &'p Page,
    diags: &mut Vec<Diagnostic>,
) -> PageAnalysis<'p> {
    let mut analyser = Analyser {
        model,
        capabilities,
        diags,
        bodies_checked: 0,
    };
    analyser.read_page(page)
}

/// The operation the path ends with: a bound one as its last step, or an import with
/// no steps after it.
fn final_operation(model: &Model, path: &ResolvedPath) -> Option<OperationId> {
    match path.steps.last() {
        Some(Step::Operation { operation }) => Some(*operation),
        Some(_) => None,
        None => match &path.root {
            Root::OperationImport(_) => path.operation(model),
            _ => None,
        },
    }
}

/// What `method` on `path` does (with the warning of a tolerated wrong method), or why
/// OData defines no such request.
pub fn classify(
    model: &Model,
    method: HttpMethod,
    path: &ResolvedPath,
) -> Result<(RequestKind, Option<String>), String> {
    let kind = request_kind(model, method, path)?;
    let warning = match kind {
        RequestKind::Invoke(op) => {
            let def = model.operation(op);
            let (expected, what) = match def.kind {
                OperationKind::Action => (HttpMethod::Post, "action"),
                OperationKind::Function => (HttpMethod::Get, "function"),
            };
            (method != expected).then(|| {
                format!(
                    "{method} calls the {what} `{}.{}`, which the schema says is called with {expected}",
                    def.namespace, def.name
                )
            })
        }
        _ => None,
    };
    Ok((kind, warning))
}

fn request_kind(
    model: &Model,
    method: HttpMethod,
    path: &ResolvedPath,
) -> Result<RequestKind, String> {
    let on_target = || match path.target {
        Target::Collection(t) => format!("a collection of `{}`", model.get(t).qualified_name()),
        Target::Entity(t) => format!("a single `{}`", model.get(t).qualified_name()),
        Target::Value(ty) => format!(
            "a value of type `{}`",
            crate::model::type_ref_name(model, ty)
        ),
        Target::Nothing => "nothing".to_owned(),
    };
    let allow = |kind: RequestKind, methods: &[HttpMethod], what: &str| {
        if methods.contains(&method) {
            Ok(kind)
        } else {
            let allowed: Vec<&str> = methods.iter().map(|m| m.as_str()).collect();
            Err(format!(
                "{method} is not a request OData defines on {what}; it takes {}",
                allowed.join(", ")
            ))
        }
    };
    use HttpMethod::*;
    match path.suffix {
        Some(Suffix::Ref) => {
            return allow(RequestKind::Reference, &[Get, Post, Put, Delete], "`$ref`");
        }
        Some(Suffix::Count) => return allow(RequestKind::Count, &[Get], "`$count`"),
        Some(Suffix::Value) => return allow(RequestKind::Media, &[Get, Put], "`$value`"),
        None => {}
    }
    if let Some(op) = final_operation(model, path) {
        // A wrong method still names the operation; `classify` warns about it.
        return Ok(RequestKind::Invoke(op));
    }
    // `/$each` alone is a set-based update or delete of the members.
    if matches!(path.steps.last(), Some(Step::Each)) {
        return match method {
            Patch => Ok(RequestKind::Crud(CrudKind::Update)),
            Delete => Ok(RequestKind::Crud(CrudKind::Delete)),
            _ => Err(format!(
                "{method} is not a request OData defines on `$each`; it takes PATCH, DELETE, or a bound action or function after it"
            )),
        };
    }
    match path.target {
        Target::Value(ty) if ty.item == ItemType::Primitive(Primitive::Stream) => {
            allow(RequestKind::Media, &[Get, Put], "a stream property")
        }
        Target::Value(_) => allow(
            RequestKind::Property,
            &[Get, Patch, Put, Delete],
            &on_target(),
        ),
        Target::Collection(_) => match method {
            Get => Ok(RequestKind::Crud(CrudKind::List)),
            Post => Ok(RequestKind::Crud(CrudKind::Create)),
            _ => Err(format!(
                "{method} is not an operation OData defines on {}",
                on_target()
            )),
        },
        Target::Entity(_) => match method {
            Get => Ok(RequestKind::Crud(CrudKind::Get)),
            Patch | Put => Ok(RequestKind::Crud(CrudKind::Update)),
            Delete => match fixed_singleton(model, path) {
                Some(name) => Err(format!(
                    "DELETE is not a request OData defines on the singleton `{name}`: it is not `Nullable`, so it always exists"
                )),
                None => Ok(RequestKind::Crud(CrudKind::Delete)),
            },
            Post => {
                let mut why = format!(
                    "{method} is not an operation OData defines on {}",
                    on_target()
                );
                // A word read as a key is often an action the schema lacks.
                if let Some(Step::Key { text }) = path.steps.last() {
                    if text.chars().all(char::is_alphanumeric) {
                        why.push_str(&format!(
                            " (`{text}` is read as a key: no action of that name is bound to the collection)"
                        ));
                    }
                }
                Err(why)
            }
        },
        Target::Nothing => Err(format!("{method} reaches nothing")),
    }
}

/// The singleton a path addresses itself (casts aside), if it is not nullable.
fn fixed_singleton<'m>(model: &'m Model, path: &ResolvedPath) -> Option<&'m str> {
    let Root::Singleton(name) = &path.root else {
        return None;
    };
    if !path.steps.iter().all(|s| matches!(s, Step::Cast { .. })) {
        return None;
    }
    let singleton = model
        .container
        .as_ref()?
        .singletons
        .iter()
        .find(|s| &s.name == name)?;
    (!singleton.nullable).then_some(singleton.name.as_str())
}

/// What the request body of `kind` on `path` should hold.
fn request_expectation(model: &Model, kind: RequestKind, path: &ResolvedPath) -> Option<Expect> {
    match kind {
        RequestKind::Crud(CrudKind::Create | CrudKind::Update) => {
            let t = path.target.entity_type()?;
            Some(Expect::Body(TypeRef {
                item: ItemType::Named(t),
                collection: false,
            }))
        }
        RequestKind::Invoke(op) if model.operation(op).kind == OperationKind::Action => {
            Some(Expect::Parameters(op))
        }
        RequestKind::Property => match path.target {
            Target::Value(ty) if is_structured(model, ty) && !ty.collection => {
                Some(Expect::Body(ty))
            }
            Target::Value(ty) => Some(Expect::Wrapped(ty)),
            _ => None,
        },
        _ => None,
    }
}

/// What the response body of `kind` on `path` should hold.
fn response_expectation(model: &Model, kind: RequestKind, path: &ResolvedPath) -> Option<Expect> {
    let single_or_wrapped = |ty: TypeRef| {
        if is_structured(model, ty) && !ty.collection {
            Expect::Body(ty)
        } else {
            Expect::Wrapped(ty)
        }
    };
    let entity = |collection: bool| {
        path.target.entity_type().map(|t| TypeRef {
            item: ItemType::Named(t),
            collection,
        })
    };
    match kind {
        RequestKind::Crud(CrudKind::Delete) => None,
        RequestKind::Crud(CrudKind::List) => entity(true).map(Expect::Wrapped),
        RequestKind::Crud(_) => entity(false).map(Expect::Body),
        RequestKind::Property => path.target.type_ref().map(single_or_wrapped),
        RequestKind::Invoke(op) => model
            .operation(op)
            .return_type
            .as_ref()
            .map(|r| single_or_wrapped(r.ty)),
        RequestKind::Reference | RequestKind::Count | RequestKind::Media => None,
    }
}

/// A type by the name a body's `@odata.type` gives, without reporting anything.
fn quiet_lookup(model: &Model, written: &str) -> Option<crate::model::TypeId> {
    let name = model
        .unalias(written.trim().trim_start_matches('#'))
        .into_owned();
    model
        .lookup(&name)
        .or_else(|| match model.lookup_ignore_case(&name) {
            [t] => Some(*t),
            _ => None,
        })
}

fn is_structured(model: &Model, ty: TypeRef) -> bool {
    match ty.item {
        ItemType::Named(t) => model.structured(t).is_some(),
        ItemType::Primitive(_) => false,
    }
}

/// What an example's body is checked against, from the request and the annotation.
fn expected_type(expect: Expect) -> Option<TypeRef> {
    match expect {
        Expect::Body(ty) | Expect::Wrapped(ty) => Some(ty),
        Expect::Parameters(_) => None,
    }
}

/// A comparable form of a path: the type reached after the root (so `/me` and
/// `/users/{id}` agree), then each step with key values and item paths left out, and
/// without type casts and `$count`.
#[derive(Debug, PartialEq, Eq)]
enum ShapeItem<'a> {
    Start(Option<crate::model::TypeId>, bool),
    Import(&'a str),
    Key,
    Navigation(&'a str),
    Cast(crate::model::TypeId),
    Operation(&'a str, &'a str),
    Property(&'a str),
    ItemPath,
    FilterSegment,
    Each,
    Suffix(Suffix),
}

fn shape<'a>(model: &'a Model, path: &'a ResolvedPath) -> Vec<ShapeItem<'a>> {
    let container = model.container.as_ref();
    let mut steps = path.steps.iter().peekable();
    let mut out = vec![match &path.root {
        Root::EntitySet(name) => {
            let t = container
                .and_then(|c| c.entity_sets.iter().find(|s| &s.name == name))
                .map(|s| s.entity_type);
            // An entity set's item is the same as a singleton of that type.
            if matches!(steps.peek(), Some(Step::Key { .. })) {
                steps.next();
                ShapeItem::Start(t, false)
            } else {
                ShapeItem::Start(t, true)
            }
        }
        Root::Singleton(name) => ShapeItem::Start(
            container
                .and_then(|c| c.singletons.iter().find(|s| &s.name == name))
                .map(|s| s.ty),
            false,
        ),
        Root::OperationImport(name) => ShapeItem::Import(name),
    }];
    out.extend(steps.map(|step| match step {
        Step::Key { .. } => ShapeItem::Key,
        Step::Navigation { name, .. } => ShapeItem::Navigation(name),
        Step::Cast { target, .. } => ShapeItem::Cast(*target),
        Step::Operation { operation } => {
            let def = model.operation(*operation);
            ShapeItem::Operation(&def.namespace, &def.name)
        }
        Step::Property { name, .. } => ShapeItem::Property(name),
        Step::ItemPath { .. } => ShapeItem::ItemPath,
        Step::FilterSegment { .. } => ShapeItem::FilterSegment,
        Step::Each => ShapeItem::Each,
    }));
    out.extend(path.suffix.map(ShapeItem::Suffix));
    // A type cast and a final `$count` narrow what a template addresses; an example that
    // adds them still follows the template.
    out.retain(|item| !matches!(item, ShapeItem::Cast(_) | ShapeItem::Suffix(Suffix::Count)));
    out
}

struct Analyser<'a> {
    model: &'a Model,
    capabilities: &'a dyn Capabilities,
    diags: &'a mut Vec<Diagnostic>,
    bodies_checked: usize,
}

/// The request example waiting for its response.
struct Pending<'p> {
    example: Option<DocumentedExample<'p>>,
    /// What its response should hold, from the request.
    expect: Option<Expect>,
}

impl<'a, 'p> Analyser<'a> {
    fn page_doc(&mut self, page: &Page) -> PageDoc {
        let doc = &page.doc;
        let mut permissions = Vec::new();
        for row in &doc.permissions {
            let value = match row.kind {
                PermissionValue::Listed | PermissionValue::NotSupported => {
                    Some(row.value.text.clone())
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
                    None
                }
            };
            permissions.push(Permission {
                permission_type: row.permission_type.text.clone(),
                scope: row.scope.as_ref().map(|s| s.text.clone()),
                value,
            });
        }
        PageDoc {
            status: doc.response.status.as_ref().map(|s| s.value),
            title: doc.title.as_ref().map(|t| t.value.trim().to_owned()),
            description: doc.description.as_ref().map(|d| d.value.trim().to_owned()),
            permissions,
            file: page.source.file_name().to_owned(),
        }
    }

    fn read_page(&mut self, page: &'p Page) -> PageAnalysis<'p> {
        let doc = self.page_doc(page);
        let mut operations = Vec::new();
        let mut lines = Vec::new();
        for block in &page.doc.http_requests {
            for line in &block.lines {
                let request = match line {
                    RequestBlockLine::Request(request) => request,
                    RequestBlockLine::Other(text) => {
                        self.diags.push(Diagnostic::warning(
                            "not-a-request-line",
                            text.span.clone(),
                            format!(
                                "`{}` in an HTTP request block is not `METHOD path`",
                                text.value
                            ),
                        ));
                        continue;
                    }
                };
                let method = request.method.value;
                let result =
                    match resolve_path(self.model, &request.target.value, &request.target.span) {
                        Ok((path, warnings)) => {
                            self.diags.extend(warnings);
                            match classify(self.model, method, &path) {
                                Ok((kind, warning)) => {
                                    if let Some(why) = warning {
                                        self.diags.push(Diagnostic::warning(
                                            "operation-method-mismatch",
                                            request.method.span.clone(),
                                            why,
                                        ));
                                    }
                                    let forbidden = self.capabilities.forbids(&path, kind);
                                    // A forbidden request does not resolve, but its path
                                    // still selects what it goes through.
                                    operations.push(DocumentedOperation {
                                        path,
                                        method,
                                        kind,
                                        span: request.method.span.clone(),
                                        target: request.target.value.trim().to_owned(),
                                    });
                                    match forbidden {
                                        Some(why) => {
                                            self.diags.push(Diagnostic::warning(
                                                FORBIDDEN,
                                                request.method.span.clone(),
                                                format!(
                                                    "the schema forbids `{method} {}`: {why}",
                                                    request.target.value.trim()
                                                ),
                                            ));
                                            Err(FORBIDDEN)
                                        }
                                        None => Ok(operations.len() - 1),
                                    }
                                }
                                Err(why) => {
                                    self.diags.push(Diagnostic::warning(
                                        "operation-not-allowed",
                                        request.method.span.clone(),
                                        why,
                                    ));
                                    Err("operation-not-allowed")
                                }
                            }
                        }
                        Err(error) => {
                            let code = error.code;
                            self.diags.push(error);
                            Err(code)
                        }
                    };
                lines.push(RequestLineOutcome {
                    span: request.method.span.clone(),
                    method,
                    target: request.target.value.clone(),
                    result,
                });
            }
        }
        let templates_resolved = lines
            .iter()
            .all(|l| matches!(l.result, Ok(_) | Err(FORBIDDEN)));
        let (examples, example_urls) = self.read_examples(page, &operations, templates_resolved);
        self.check_tables(page, &operations);
        PageAnalysis {
            doc,
            operations,
            lines,
            examples,
            example_urls,
            bodies_checked: self.bodies_checked,
        }
    }

    fn read_examples(
        &mut self,
        page: &'p Page,
        templates: &[DocumentedOperation],
        templates_resolved: bool,
    ) -> (Vec<DocumentedExample<'p>>, Vec<ExampleUrl>) {
        let mut examples = Vec::new();
        let mut urls = Vec::new();
        let mut pending: Option<Pending<'p>> = None;
        for example in &page.doc.examples {
            let annotated = example
                .annotation
                .as_ref()
                .and_then(|a| a.odata_type.as_ref())
                .and_then(|t| lookup_annotation_type(self.model, &t.value, &t.span, self.diags));
            match &example.message {
                HttpMessage::Request(request) => {
                    if let Some(done) = pending.take().and_then(|p| p.example) {
                        examples.push(done);
                    }
                    let (next, url) =
                        self.request_example(page, example, request, templates, templates_resolved);
                    urls.push(url);
                    pending = Some(next);
                }
                HttpMessage::Response(response) => {
                    let waiting = pending.take();
                    let (example_done, expect) = match waiting {
                        Some(p) => (p.example, p.expect),
                        None => (None, None),
                    };
                    let expect = self.with_annotation(
                        expect,
                        annotated,
                        example.annotation.as_ref(),
                        example_done.as_ref().map(|e| e.kind),
                    );
                    let body_ok =
                        match (expect, response.body.as_ref().and_then(|b| b.json.as_ref())) {
                            (Some(expect), Some(json)) if response.status.value < 300 => {
                                self.bodies_checked += 1;
                                check_expected(self.model, expect, json, self.diags)
                            }
                            _ => true,
                        };
                    if let Some(mut done) = example_done {
                        done.response = Some((response, body_ok));
                        examples.push(done);
                    }
                }
            }
        }
        if let Some(done) = pending.and_then(|p| p.example) {
            examples.push(done);
        }
        (examples, urls)
    }

    /// Combines what a response should hold by its request with the type the response
    /// annotation names: a derived type refines it, an unrelated one is reported; with
    /// no request to go by, the annotation decides.
    fn with_annotation(
        &mut self,
        from_request: Option<Expect>,
        annotated: Option<TypeRef>,
        annotation: Option<&Annotation>,
        kind: Option<RequestKind>,
    ) -> Option<Expect> {
        let Some(annotated) = annotated else {
            return from_request;
        };
        let is_collection = annotation
            .and_then(|a| a.is_collection.as_ref())
            .is_some_and(|c| c.value)
            || annotated.collection;
        let ItemType::Named(named) = annotated.item else {
            return from_request;
        };
        if self.model.structured(named).is_none() {
            return from_request;
        }
        let Some(request_expect) = from_request else {
            // Without a resolved request, only a request kind with no body of a schema
            // type keeps the annotation from being used.
            if matches!(
                kind,
                Some(RequestKind::Reference | RequestKind::Count | RequestKind::Media)
            ) {
                return None;
            }
            let ty = TypeRef {
                item: ItemType::Named(named),
                collection: is_collection,
            };
            return Some(if is_collection {
                Expect::Wrapped(ty)
            } else {
                Expect::Body(ty)
            });
        };
        let Some(ItemType::Named(expected)) = expected_type(request_expect).map(|t| t.item) else {
            return Some(request_expect);
        };
        if self.model.structured(expected).is_none() {
            return Some(request_expect);
        }
        if self.model.derives_from(named, expected) {
            return Some(match request_expect {
                Expect::Body(ty) => Expect::Body(TypeRef {
                    item: ItemType::Named(named),
                    ..ty
                }),
                Expect::Wrapped(ty) => Expect::Wrapped(TypeRef {
                    item: ItemType::Named(named),
                    ..ty
                }),
                other => other,
            });
        }
        if !self.model.derives_from(expected, named) {
            if let Some(span) = annotation
                .and_then(|a| a.odata_type.as_ref())
                .map(|t| t.span.clone())
            {
                self.diags.push(Diagnostic::warning(
                    "unrelated-type",
                    span,
                    format!(
                        "the annotation's `@odata.type` is `{}`, but the request returns `{}`, and neither derives from the other",
                        self.model.get(named).qualified_name(),
                        self.model.get(expected).qualified_name()
                    ),
                ));
            }
        }
        Some(request_expect)
    }

    fn request_example(
        &mut self,
        page: &'p Page,
        example: &'p Example,
        request: &'p RequestExample,
        templates: &[DocumentedOperation],
        templates_resolved: bool,
    ) -> (Pending<'p>, ExampleUrl) {
        let target = &request.line.target;
        let method = request.line.method.value;
        let url = |result| ExampleUrl {
            method,
            target: target.value.clone(),
            span: target.span.clone(),
            service_root: service_root_of(&target.value),
            result,
        };
        let nothing = Pending {
            example: None,
            expect: None,
        };
        let (path, warnings) = match resolve_path(self.model, &target.value, &target.span) {
            Ok(resolved) => resolved,
            Err(mut error) => {
                // A broken example does not stop generation; the request lines decide.
                error.severity = Severity::Warning;
                let code = error.code;
                self.diags.push(error);
                return (nothing, url(Err(code)));
            }
        };
        self.diags.extend(warnings);
        let kind = match classify(self.model, method, &path) {
            Ok((kind, warning)) => {
                if let Some(why) = warning {
                    self.diags.push(Diagnostic::warning(
                        "operation-method-mismatch",
                        request.line.method.span.clone(),
                        why,
                    ));
                }
                kind
            }
            Err(why) => {
                self.diags.push(Diagnostic::warning(
                    "operation-not-allowed",
                    request.line.method.span.clone(),
                    why,
                ));
                return (nothing, url(Err("operation-not-allowed")));
            }
        };
        if templates_resolved && !templates.is_empty() {
            self.compare_with_templates(method, &path, target, templates);
        }
        let body_ok = match (
            request_expectation(self.model, kind, &path),
            request.body.as_ref().and_then(|b| b.json.as_ref()),
        ) {
            (Some(expect), Some(json)) => {
                self.bodies_checked += 1;
                check_expected(self.model, expect, json, self.diags)
            }
            _ => true,
        };
        let expect = response_expectation(self.model, kind, &path);
        let documented = DocumentedExample {
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
        };
        (
            Pending {
                example: Some(documented),
                expect,
            },
            url(Ok(kind)),
        )
    }

    /// Reports an example whose method and URL match none of the page's templates.
    fn compare_with_templates(
        &mut self,
        method: HttpMethod,
        path: &ResolvedPath,
        target: &Spanned<String>,
        templates: &[DocumentedOperation],
    ) {
        let model = self.model;
        let example_shape = shape(model, path);
        let same_shape: Vec<&DocumentedOperation> = templates
            .iter()
            .filter(|t| shape(model, &t.path) == example_shape)
            .collect();
        if same_shape.iter().any(|t| t.method == method) {
            return;
        }
        let message = match same_shape.first() {
            Some(t) => format!(
                "the example's URL matches an HTTP request template of the page, but with {}, not {method}",
                t.method
            ),
            None => format!(
                "the example `{method} {}` matches none of the page's {} HTTP request template(s)",
                target.value.trim(),
                templates.len()
            ),
        };
        self.diags.push(Diagnostic::warning(
            "example-url-mismatch",
            target.span.clone(),
            message,
        ));
    }

    /// Checks the request-body tables against what the page's requests send: the
    /// entity type they create or update, or the parameters of the action they call.
    fn check_tables(&mut self, page: &Page, operations: &[DocumentedOperation]) {
        if page.doc.request_body.is_empty() {
            return;
        }
        let mut subjects: Vec<TableSubject> = Vec::new();
        for op in operations {
            let subject = match op.kind {
                RequestKind::Crud(CrudKind::Create | CrudKind::Update) => {
                    op.path.target.entity_type().map(TableSubject::Type)
                }
                RequestKind::Invoke(id)
                    if self.model.operation(id).kind == OperationKind::Action =>
                {
                    Some(TableSubject::Parameters(id))
                }
                _ => None,
            };
            if let Some(subject) = subject {
                if !subjects.contains(&subject) {
                    subjects.push(subject);
                }
            }
        }
        if subjects.is_empty() {
            return;
        }
        // Pages that create or update a derived type through its base type's collection
        // say which in their examples' `@odata.type`; their tables list its properties.
        for subject in &mut subjects {
            let TableSubject::Type(base) = *subject else {
                continue;
            };
            let derived = page
                .doc
                .examples
                .iter()
                .filter_map(|e| match &e.message {
                    HttpMessage::Request(r) => r.body.as_ref()?.json.as_ref(),
                    HttpMessage::Response(_) => None,
                })
                .filter_map(|json| json.value.get("@odata.type")?.value.as_str())
                .filter_map(|name| quiet_lookup(self.model, name))
                .filter(|&t| self.model.derives_from(t, base))
                .max_by_key(|&t| self.model.ancestry(t).count());
            if let Some(derived) = derived {
                *subject = TableSubject::Type(derived);
            }
        }
        for table in &page.doc.request_body {
            check_table(self.model, table, &subjects, self.diags);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        crate::model::test_model(
            r#"Namespace="ns""#,
            r#"
  <EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/>
    <Property Name="name" Type="Edm.String"/>
    <Property Name="content" Type="Edm.Stream"/>
    <NavigationProperty Name="friends" Type="Collection(ns.thing)"/>
  </EntityType>
  <EntityType Name="special" BaseType="ns.thing"><Property Name="power" Type="Edm.Int32"/></EntityType>
  <EntityType Name="other"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityType Name="photo" HasStream="true"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <Action Name="send" IsBound="true"><Parameter Name="bindingParameter" Type="ns.thing"/><Parameter Name="note" Type="Edm.String"/></Action>
  <Function Name="top" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(ns.thing)"/><ReturnType Type="Collection(ns.thing)"/></Function>
  <EntityContainer Name="svc"><EntitySet Name="things" EntityType="ns.thing"/><EntitySet Name="photos" EntityType="ns.photo"/></EntityContainer>
"#,
        )
    }

    /// Capabilities that forbid nothing: the service stage's are tested with it.
    struct Unrestricted;

    impl Capabilities for Unrestricted {
        fn forbids(&self, _: &ResolvedPath, _: RequestKind) -> Option<String> {
            None
        }
    }

    fn analyse(
        model: &Model,
        text: &str,
    ) -> (Vec<(RequestKind, HttpMethod)>, Vec<Diagnostic>, usize) {
        let source = Source::new("p.md", text);
        let (doc, mut diags) = crate::read::page::read_page(&source);
        let page = Page { source, doc };
        let analysis = analyse_page(model, &Unrestricted, &page, &mut diags);
        let kinds = analysis
            .operations
            .iter()
            .map(|o| (o.kind, o.method))
            .collect();
        (kinds, diags, analysis.bodies_checked)
    }

    fn codes(diags: &[Diagnostic]) -> Vec<(&'static str, u32)> {
        diags
            .iter()
            .map(|d| (d.code, d.span.as_ref().map_or(0, Span::line)))
            .collect()
    }

    #[test]
    fn every_request_form_gets_its_kind() {
        let model = model();
        let page = "# t\n\n## HTTP request\n\n```http\nGET /things\nPOST /things\nPATCH /things/{id}\nPOST /things/{id}/send\nGET /things/top()\nPOST /things/{id}/friends/$ref\nGET /things/$count\nGET /photos/{id}/$value\nPUT /things/{id}/content\nGET /things/{id}/name\n```\n";
        let (kinds, diags, _) = analyse(&model, page);
        assert_eq!(codes(&diags), []);
        let names: Vec<&str> = kinds.iter().map(|(k, _)| k.name()).collect();
        assert_eq!(
            names,
            [
                "list",
                "create",
                "update",
                "invoke",
                "invoke",
                "reference",
                "count",
                "media",
                "media",
                "property"
            ]
        );
    }

    #[test]
    fn wrong_methods_are_reported() {
        let model = model();
        let page = "# t\n\n## HTTP request\n\n```http\nGET /things/{id}/send\nPOST /things/{id}\nPATCH /things\nPOST /things/doIt\n```\n";
        let (kinds, diags, _) = analyse(&model, page);
        // A wrong method on an operation still names it; a request OData does not
        // define does not resolve.
        assert_eq!(kinds.len(), 1);
        assert_eq!(
            codes(&diags),
            [
                ("operation-method-mismatch", 6),
                ("operation-not-allowed", 7),
                ("operation-not-allowed", 8),
                ("operation-not-allowed", 9),
            ]
        );
        assert!(
            diags[3].message.contains("`doIt` is read as a key"),
            "{}",
            diags[3].message
        );
    }

    #[test]
    fn only_a_nullable_singleton_is_deleted() {
        let model = crate::model::test_model(
            r#"Namespace="ns""#,
            r#"<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
  <EntityContainer Name="svc"><Singleton Name="fixed" Type="ns.thing"/><Singleton Name="optional" Type="ns.thing" Nullable="true"/></EntityContainer>"#,
        );
        let page = "# t\n\n## HTTP request\n\n```http\nDELETE /fixed\nDELETE /optional\n```\n";
        let (kinds, diags, _) = analyse(&model, page);
        assert_eq!(
            kinds,
            [(RequestKind::Crud(CrudKind::Delete), HttpMethod::Delete)]
        );
        assert_eq!(codes(&diags), [("operation-not-allowed", 6)]);
        assert!(diags[0].message.contains("`fixed`"), "{}", diags[0].message);
    }

    #[test]
    fn examples_are_checked_against_what_the_request_sends_and_returns() {
        let model = model();
        let page = "# t\n\n## HTTP request\n\n```http\nPOST /things/{id}/send\nGET /things/top\n```\n\n## Request body\n\n| Parameter | Type | Description |\n|:--|:--|:--|\n| note | Int32 | |\n| extra | String | |\n\n## Examples\n\n```http\nPOST https://example.com/v1.0/things/1/send\n\n{\"note\": 1, \"nope\": true}\n```\n\n```http\nGET https://example.com/v1.0/things/top()\n```\n\n<!-- { \"blockType\": \"response\", \"@odata.type\": \"ns.other\" } -->\n```http\nHTTP/1.1 200 OK\n\n{\"value\": [{\"name\": 5}]}\n```\n\n```http\nGET https://example.com/v1.0/things/{id}/friends\n```\n";
        let (_, mut diags, checked) = analyse(&model, page);
        assert_eq!(checked, 2);
        crate::diag::sort(&mut diags);
        assert_eq!(
            codes(&diags),
            [
                ("table-type-mismatch", 14),
                ("table-unknown-name", 15),
                ("wrong-json-type", 22),
                ("unknown-parameter", 22),
                ("unrelated-type", 29),
                ("wrong-json-type", 33),
                ("example-url-mismatch", 37),
            ]
        );
    }

    #[test]
    fn tables_of_pages_that_create_a_derived_type_list_its_properties() {
        let model = model();
        let page = "# t\n\n## HTTP request\n\n```http\nPOST /things\n```\n\n## Request body\n\n| Property | Type | Description |\n|:--|:--|:--|\n| power | Int32 | |\n\n## Example\n\n```http\nPOST https://example.com/v1.0/things\n\n{\"@odata.type\": \"#ns.special\", \"power\": 3}\n```\n";
        let (_, diags, _) = analyse(&model, page);
        assert_eq!(codes(&diags), []);
    }
}
