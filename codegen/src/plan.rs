//! Model + doc pages -> IR. Runs in a fixed order: resolve every documented path and
//! check the page against the schema; select the endpoints the pages document; build
//! navigation handles along them; compute the closure of model types the selected
//! operations read or write; assign Rust names; write doc comments; turn examples into
//! tests.

use std::collections::{BTreeMap, BTreeSet};

use crate::csdl::StructuredKind;
use crate::diag::Diagnostic;
use crate::ir::{self, OperationKind, RustType};
use crate::model::{ItemType, Model, Primitive, Restrictions, TypeId, TypeKind, TypeRef};
use crate::names::{self, Scope};
use crate::pages::{DocumentedExample, Page, PageDoc, analyse_page, file_name, reason_phrase};
use crate::resolve::{ResolvedPath, Root, Step};

/// Diagnostic codes of the planning pass.
pub const CODES: &[(&str, &str)] = &[
    (
        "example-not-testable",
        "an example cannot become a generated test, and why",
    ),
    (
        "status-mismatch",
        "an example response's status differs from the operation's success status",
    ),
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Package name of the generated crate; derived from the container's namespace if unset.
    pub package: Option<String>,
    /// Default service root; taken from the pages' absolute example URLs if unset.
    pub service_root: Option<String>,
    /// Levels of diagnostic codes the user changed (`--deny`, `--warn`, `--allow`).
    pub levels: crate::diag::Levels,
}

/// What identifies a request handle.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum HandleKey {
    /// The collection of an entity set.
    Set(String),
    /// A collection-valued navigation property, by declaring type.
    Nav(TypeId, String),
    /// Entities of a type, however reached.
    Entity(TypeId),
}

#[derive(Debug, Default)]
struct HandlePlan {
    /// Navigation wire name -> handle it leads to.
    navigations: BTreeMap<String, HandleKey>,
    /// The item handle, for collections that were indexed by key.
    by_key: Option<HandleKey>,
    operations: BTreeSet<OperationKind>,
}

struct Planner<'a> {
    model: &'a Model,
    diags: Vec<Diagnostic>,
    roots: BTreeSet<Root>,
    handles: BTreeMap<HandleKey, HandlePlan>,
    docs: BTreeMap<(HandleKey, OperationKind), Vec<PageDoc>>,
    service_roots: BTreeMap<String, usize>,
}

pub fn plan(
    model: &Model,
    pages: &[Page],
    options: &PlanOptions,
) -> Result<(ir::Crate, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut p = Planner {
        model,
        diags: Vec::new(),
        roots: BTreeSet::new(),
        handles: BTreeMap::new(),
        docs: BTreeMap::new(),
        service_roots: BTreeMap::new(),
    };
    let mut examples = Vec::new();
    for page in pages {
        let analysis = analyse_page(model, page, &mut p.diags);
        for operation in &analysis.operations {
            let Some(kind) = operation.crud_by_navigation() else {
                p.diags.push(operation.not_generated(model));
                continue;
            };
            p.select(&operation.path);
            if let Some(handle) = p.operation_handle(&operation.path, kind) {
                p.docs
                    .entry((handle, kind))
                    .or_default()
                    .push(analysis.doc.clone());
            }
        }
        for example in &analysis.examples {
            if let Some(root) = &example.path.service_root {
                *p.service_roots.entry(root.clone()).or_default() += 1;
            }
            if example.crud().is_some() {
                p.select(&example.path);
            }
        }
        examples.extend(analysis.examples);
    }
    options.levels.apply(&mut p.diags);
    if p.diags.iter().any(Diagnostic::is_error) {
        crate::diag::sort(&mut p.diags);
        return Err(p.diags);
    }
    let service_root = options.service_root.clone().or_else(|| {
        // The root most examples use; ties go to the first in sorted order.
        let max = p.service_roots.values().copied().max()?;
        p.service_roots
            .iter()
            .find(|(_, n)| **n == max)
            .map(|(r, _)| r.clone())
    });
    let krate = p.build(options, service_root, &examples);
    crate::diag::sort(&mut p.diags);
    Ok((krate, p.diags))
}

impl<'a> Planner<'a> {
    fn item_type(&self, key: &HandleKey) -> Option<TypeId> {
        match key {
            HandleKey::Set(name) => self
                .model
                .container
                .as_ref()?
                .entity_sets
                .iter()
                .find(|s| &s.name == name)
                .map(|s| s.entity_type),
            HandleKey::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .map(|(_, n)| n.target),
            HandleKey::Entity(t) => Some(*t),
        }
    }

    fn restrictions(&self, key: &HandleKey) -> Restrictions {
        let container = self.model.container.as_ref();
        match key {
            HandleKey::Set(name) => container
                .and_then(|c| c.entity_sets.iter().find(|s| &s.name == name))
                .map(|s| s.restrictions)
                .unwrap_or_default(),
            HandleKey::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .map(|(_, n)| n.restrictions)
                .unwrap_or_default(),
            HandleKey::Entity(_) => Restrictions::default(),
        }
    }

    fn root_handle(&self, root: &Root) -> Option<HandleKey> {
        let container = self.model.container.as_ref()?;
        Some(match root {
            Root::EntitySet(name) => HandleKey::Set(name.clone()),
            Root::Singleton(name) => {
                HandleKey::Entity(container.singletons.iter().find(|s| &s.name == name)?.ty)
            }
            Root::OperationImport(_) => return None,
        })
    }

    /// The handle a step leads to from `current`; `None` for steps no handle has yet.
    fn next_handle(&self, current: &HandleKey, step: &Step) -> Option<HandleKey> {
        Some(match step {
            Step::Key { .. } => HandleKey::Entity(self.item_type(current)?),
            Step::Navigation {
                declaring,
                name,
                target,
                collection,
            } => {
                if *collection {
                    HandleKey::Nav(*declaring, name.clone())
                } else {
                    HandleKey::Entity(*target)
                }
            }
            Step::Cast { .. }
            | Step::Operation { .. }
            | Step::Property { .. }
            | Step::ItemPath { .. } => return None,
        })
    }

    /// Walks a path, recording the handles and navigations it passes; returns the
    /// handle of its end.
    fn walk(&mut self, root: &Root, steps: &[Step]) -> Option<HandleKey> {
        self.roots.insert(root.clone());
        let mut current = self.root_handle(root)?;
        for step in steps {
            let next = self.next_handle(&current, step)?;
            let plan = self.handles.entry(current).or_default();
            match step {
                Step::Key { .. } => plan.by_key = Some(next.clone()),
                Step::Navigation { name, .. } => {
                    plan.navigations.insert(name.clone(), next.clone());
                }
                Step::Cast { .. }
                | Step::Operation { .. }
                | Step::Property { .. }
                | Step::ItemPath { .. } => return None,
            }
            self.handles.entry(next.clone()).or_default();
            current = next;
        }
        Some(current)
    }

    /// Selects every operation the schema allows at a documented endpoint.
    fn select(&mut self, path: &ResolvedPath) {
        let (root, steps) = path.endpoint();
        let Some(end) = self.walk(root, steps) else {
            return;
        };
        let restrictions = self.restrictions(&end);
        match &end {
            HandleKey::Set(_) | HandleKey::Nav(..) => {
                let Some(item) = self.item_type(&end) else {
                    return;
                };
                let has_key = self
                    .model
                    .structured(item)
                    .is_some_and(|s| !s.key.is_empty());
                let item_key = HandleKey::Entity(item);
                let plan = self.handles.entry(end.clone()).or_default();
                plan.operations.insert(OperationKind::List);
                if restrictions.insertable {
                    plan.operations.insert(OperationKind::Create);
                }
                if has_key {
                    plan.by_key = Some(item_key.clone());
                    let item_plan = self.handles.entry(item_key).or_default();
                    item_plan.operations.insert(OperationKind::Get);
                    if restrictions.updatable {
                        item_plan.operations.insert(OperationKind::Update);
                    }
                    if restrictions.deletable {
                        item_plan.operations.insert(OperationKind::Delete);
                    }
                }
            }
            HandleKey::Entity(_) => {
                let plan = self.handles.entry(end).or_default();
                plan.operations.insert(OperationKind::Get);
                if restrictions.updatable {
                    plan.operations.insert(OperationKind::Update);
                }
            }
        }
    }

    /// The handle that carries an operation of `kind` on `path`.
    fn operation_handle(&self, path: &ResolvedPath, kind: OperationKind) -> Option<HandleKey> {
        let (root, steps) = path.endpoint();
        let mut key = self.root_handle(root)?;
        for step in steps {
            key = self.next_handle(&key, step)?;
        }
        Some(match kind {
            OperationKind::Get | OperationKind::Update | OperationKind::Delete
                if !matches!(key, HandleKey::Entity(_)) =>
            {
                HandleKey::Entity(self.item_type(&key)?)
            }
            _ => key,
        })
    }

    /// Types the selected operations read or write, and every type their properties
    /// reach, in a stable order.
    fn model_closure(&self) -> BTreeSet<TypeId> {
        let mut pending: Vec<TypeId> = self
            .handles
            .iter()
            .filter(|(_, plan)| !plan.operations.is_empty())
            .filter_map(|(key, _)| self.item_type(key))
            .collect();
        let mut closure = BTreeSet::new();
        while let Some(id) = pending.pop() {
            if !closure.insert(id) {
                continue;
            }
            if let Some(_s) = self.model.structured(id) {
                for property in self.model.all_properties(id) {
                    if let ItemType::Named(t) = property.ty.item {
                        pending.push(t);
                    }
                }
            }
        }
        closure
    }

    fn build(
        &mut self,
        options: &PlanOptions,
        service_root: Option<String>,
        examples: &[DocumentedExample<'_>],
    ) -> ir::Crate {
        let model = self.model;
        let closure = self.model_closure();
        let types = TypeNames::assign(model, &closure);
        let modules = self.modules(&closure, &types);
        let (requests, handle_names) = self.requests(&types);
        let examples = self.examples(examples, &types, &handle_names);
        let package = options.package.clone().unwrap_or_else(|| {
            model
                .container
                .as_ref()
                .map(|c| c.namespace.replace('.', "-").to_lowercase())
                .unwrap_or_else(|| "odata-client".to_owned())
        });
        ir::Crate {
            package,
            service_root,
            modules,
            requests,
            examples,
        }
    }

    fn modules(&self, closure: &BTreeSet<TypeId>, types: &TypeNames) -> Vec<ir::Module> {
        let model = self.model;
        let mut modules: BTreeMap<Vec<String>, ir::Module> = BTreeMap::new();
        for &id in closure {
            let def = model.get(id);
            let (module_path, name) = types.path(id);
            let module = modules
                .entry(module_path.clone())
                .or_insert_with(|| ir::Module {
                    path: module_path.clone(),
                    namespace: def.namespace.clone(),
                    structs: Vec::new(),
                    enums: Vec::new(),
                });
            let mut doc = Vec::new();
            if let Some(d) = &def.description {
                doc.push(d.clone());
                doc.push(String::new());
            }
            match &def.kind {
                TypeKind::Structured(s) => {
                    let kind = match s.kind {
                        StructuredKind::Entity => "entity type",
                        StructuredKind::Complex => "complex type",
                    };
                    doc.push(format!("The {kind} `{}`.", def.qualified_name()));
                    let mut scope = Scope::with_reserved(["odata_type", "additional_data"]);
                    let fields = model
                        .all_properties(id)
                        .into_iter()
                        // Stream properties are read through their own URL, not the body.
                        .filter(|p| p.ty.item != ItemType::Primitive(Primitive::Stream))
                        .map(|p| ir::Field {
                            name: scope.claim(names::value_name(&p.name)),
                            wire: p.name.clone(),
                            ty: match p.ty.item {
                                ItemType::Named(t)
                                    if !p.ty.collection && contains(model, t, id) =>
                                {
                                    RustType::Boxed(Box::new(types.rust_type(p.ty)))
                                }
                                _ => types.rust_type(p.ty),
                            },
                            nullable: p.nullable,
                            doc: p.description.iter().cloned().collect(),
                        })
                        .collect();
                    module.structs.push(ir::Struct {
                        name,
                        odata_type: format!("#{}", def.qualified_name()),
                        doc,
                        fields,
                    });
                }
                TypeKind::Enum(e) => {
                    doc.push(format!(
                        "The enum type `{}`. Values this crate does not know are kept, not rejected.",
                        def.qualified_name()
                    ));
                    // The catch-all keeps its name; a member called `unrecognized` yields.
                    let fallback = "Unrecognized".to_owned();
                    let mut scope = Scope::with_reserved([fallback.as_str()]);
                    let members = e
                        .members
                        .iter()
                        .map(|m| ir::EnumMember {
                            name: scope.claim(names::type_name(&m.name)),
                            wire: m.name.clone(),
                            doc: m.description.iter().cloned().collect(),
                        })
                        .collect();
                    module.enums.push(ir::Enum {
                        name,
                        doc,
                        members,
                        fallback,
                    });
                }
                // Type definitions are emitted as their underlying primitive.
                TypeKind::Definition { .. } => {}
            }
        }
        modules.into_values().collect()
    }

    fn handle_doc(&self, key: &HandleKey) -> Vec<String> {
        let model = self.model;
        match key {
            HandleKey::Set(name) => {
                let set = model
                    .container
                    .as_ref()
                    .and_then(|c| c.entity_sets.iter().find(|s| &s.name == name));
                let mut doc = vec![format!("The entity set `{name}`.")];
                if let Some(d) = set.and_then(|s| s.description.clone()) {
                    doc.extend([String::new(), d]);
                }
                doc
            }
            HandleKey::Nav(declaring, name) => {
                let mut doc = vec![format!(
                    "The `{name}` of a `{}`.",
                    model.get(*declaring).qualified_name()
                )];
                if let Some(d) = model
                    .find_navigation(*declaring, name)
                    .and_then(|(_, n)| n.description.clone())
                {
                    doc.extend([String::new(), d]);
                }
                doc
            }
            HandleKey::Entity(t) => vec![format!("A `{}` entity.", model.get(*t).qualified_name())],
        }
    }

    fn navigation_doc(&self, from: &HandleKey, wire: &str) -> Vec<String> {
        let description = self
            .item_type(from)
            .and_then(|t| self.model.find_navigation(t, wire))
            .and_then(|(_, n)| n.description.clone());
        let mut doc = vec![format!("Navigates to `{wire}`.")];
        if let Some(d) = description {
            doc.extend([String::new(), d]);
        }
        doc
    }

    fn operation_doc(
        &self,
        key: &HandleKey,
        kind: OperationKind,
        model_name: &str,
    ) -> (Vec<String>, u16) {
        let default_status = match kind {
            OperationKind::List | OperationKind::Get => 200,
            OperationKind::Create => 201,
            OperationKind::Update | OperationKind::Delete => 204,
        };
        let summary = match kind {
            OperationKind::List => {
                format!("Lists the `{model_name}` items of this collection, a page at a time.")
            }
            OperationKind::Create => format!("Creates a `{model_name}` in this collection."),
            OperationKind::Get => format!("Reads this `{model_name}`."),
            OperationKind::Update => {
                format!("Updates this `{model_name}`, sending only the properties that are set.")
            }
            OperationKind::Delete => format!("Deletes this `{model_name}`."),
        };
        let mut doc = vec![summary];
        let mut status = default_status;
        if let Some(pages) = self.docs.get(&(key.clone(), kind)) {
            for page in pages {
                doc.push(String::new());
                doc.extend(page.lines.iter().cloned());
                if let Some(s) = page.status.filter(|s| (200..300).contains(s)) {
                    status = s;
                }
            }
        }
        if !doc.iter().any(|l| l.starts_with("Succeeds with")) {
            doc.push(String::new());
            doc.push(format!(
                "Succeeds with `{status} {}`.",
                reason_phrase(status)
            ));
        }
        (doc, status)
    }

    fn requests(&self, types: &TypeNames) -> (ir::Requests, HandleNames) {
        let model = self.model;
        let container = model.container.as_ref();
        let service_name =
            container.map_or_else(|| "Service".to_owned(), |c| names::type_name(&c.name));
        let mut handle_scope = Scope::with_reserved([service_name.as_str()]);
        let mut names = HandleNames::default();
        for key in self.handles.keys() {
            let base = match key {
                HandleKey::Set(name) => names::type_name(name),
                HandleKey::Nav(declaring, name) => format!(
                    "{}{}",
                    names::type_name(&model.get(*declaring).name),
                    names::type_name(name)
                ),
                HandleKey::Entity(t) => names::type_name(&model.get(*t).name),
            };
            let name = handle_scope.claim(format!("{base}Request"));
            names.handles.insert(key.clone(), name);
        }
        let mut handles = Vec::new();
        for (key, plan) in &self.handles {
            let mut methods = Scope::with_reserved(["path"]);
            let mut operations = Vec::new();
            let item = self.item_type(key);
            for &kind in &plan.operations {
                let Some(item) = item else { continue };
                let model_type = types.rust_type(TypeRef {
                    item: ItemType::Named(item),
                    collection: false,
                });
                let (doc, success_status) =
                    self.operation_doc(key, kind, &model.get(item).qualified_name());
                operations.push(ir::Operation {
                    kind,
                    method: methods.claim(kind.method_name().to_owned()),
                    model: model_type,
                    success_status,
                    doc,
                });
            }
            let by_key = plan.by_key.as_ref().and_then(|item_key| {
                let key_parts = &model.structured(self.item_type(item_key)?)?.key;
                let method = if let [single] = key_parts.as_slice() {
                    format!(
                        "by_{}",
                        names::value_name(&single.name).trim_start_matches("r#")
                    )
                } else {
                    "by_key".to_owned()
                };
                let mut params = Scope::new();
                Some(ir::ByKey {
                    method: methods.claim(method),
                    parts: key_parts
                        .iter()
                        .map(|k| ir::KeyParam {
                            name: params.claim(names::value_name(&k.name)),
                            wire: k.name.clone(),
                            ty: k.ty,
                        })
                        .collect(),
                    handle: names.handles.get(item_key).cloned().unwrap_or_default(),
                    doc: vec![format!(
                        "Addresses one `{}` of this collection by its key.",
                        model.get(self.item_type(item_key)?).qualified_name()
                    )],
                })
            });
            if let Some(b) = &by_key {
                names.by_key.insert(key.clone(), b.method.clone());
            }
            let navigations = plan
                .navigations
                .iter()
                .map(|(wire, target)| {
                    let method = methods.claim(names::value_name(wire));
                    names
                        .methods
                        .insert((key.clone(), wire.clone()), method.clone());
                    ir::Navigation {
                        method,
                        segment: wire.clone(),
                        handle: names.handles.get(target).cloned().unwrap_or_default(),
                        doc: self.navigation_doc(key, wire),
                    }
                })
                .collect();
            let kind = match key {
                HandleKey::Entity(_) => ir::HandleKind::Entity,
                _ => ir::HandleKind::Collection { by_key },
            };
            handles.push(ir::Handle {
                name: names.handles.get(key).cloned().unwrap_or_default(),
                doc: self.handle_doc(key),
                kind,
                navigations,
                operations,
            });
        }
        let mut accessor_scope = Scope::new();
        let accessors = self
            .roots
            .iter()
            .filter_map(|root| {
                let handle_key = self.root_handle(root)?;
                let (wire, description, what) = match root {
                    Root::OperationImport(_) => return None,
                    Root::EntitySet(name) => (
                        name,
                        container?
                            .entity_sets
                            .iter()
                            .find(|s| &s.name == name)?
                            .description
                            .clone(),
                        "entity set",
                    ),
                    Root::Singleton(name) => (
                        name,
                        container?
                            .singletons
                            .iter()
                            .find(|s| &s.name == name)?
                            .description
                            .clone(),
                        "singleton",
                    ),
                };
                let method = accessor_scope.claim(names::value_name(wire));
                names.accessors.insert(root.clone(), method.clone());
                let mut doc = vec![format!("The {what} `{wire}`.")];
                if let Some(d) = description {
                    doc.extend([String::new(), d]);
                }
                Some(ir::Navigation {
                    method,
                    segment: wire.clone(),
                    handle: names.handles.get(&handle_key).cloned().unwrap_or_default(),
                    doc,
                })
            })
            .collect();
        let service = ir::ServiceEntry {
            doc: vec![format!(
                "The entry point of `{}`: its entity sets and singletons. Building requests does no I/O.",
                container.map_or_else(String::new, |c| format!("{}.{}", c.namespace, c.name))
            )],
            name: service_name,
            accessors,
        };
        (ir::Requests { service, handles }, names)
    }

    fn examples(
        &mut self,
        planned: &[DocumentedExample<'_>],
        types: &TypeNames,
        names: &HandleNames,
    ) -> Vec<ir::ExampleTest> {
        let mut scope = Scope::new();
        let mut tests = Vec::new();
        for example in planned {
            match self.example_test(example, types, names, &mut scope) {
                Ok(test) => tests.push(test),
                Err(reason) => self.diags.push(Diagnostic::warning(
                    "example-not-testable",
                    example.request_span.clone(),
                    format!("this example does not become a generated test: {reason}"),
                )),
            }
        }
        tests
    }

    fn example_test(
        &mut self,
        example: &DocumentedExample<'_>,
        types: &TypeNames,
        names: &HandleNames,
        scope: &mut Scope,
    ) -> Result<ir::ExampleTest, String> {
        let path = &example.path;
        let kind = example
            .crud()
            .ok_or("the generator does not emit this kind of request yet")?;
        let url = example.request.line.target.value.trim();
        let service_root = path
            .service_root
            .clone()
            .ok_or("its URL is relative, so the service root is unknown")?;
        if url.contains(['?', '#']) {
            return Err("its URL has a query, which the test does not reproduce".to_owned());
        }
        if !example.body_ok {
            return Err(
                "its request body does not match the schema (see the warnings above)".to_owned(),
            );
        }
        let mut chain = vec![ir::ChainCall::Method(
            names
                .accessors
                .get(&path.root)
                .cloned()
                .ok_or("its root is not generated")?,
        )];
        let mut key = self
            .root_handle(&path.root)
            .ok_or("its root is not generated")?;
        let mut expected_url = format!("{service_root}/");
        expected_url.push_str(match &path.root {
            Root::EntitySet(n) | Root::Singleton(n) | Root::OperationImport(n) => n,
        });
        for step in &path.steps {
            match step {
                Step::Key { text } => {
                    let value = key_value(text).ok_or_else(|| {
                        format!("its key `{text}` is not a plain identifier or quoted string")
                    })?;
                    chain.push(ir::ChainCall::Key {
                        method: names
                            .by_key
                            .get(&key)
                            .cloned()
                            .ok_or("its collection has no key")?,
                        values: vec![value.clone()],
                    });
                    expected_url.push('/');
                    expected_url.push_str(&value);
                    key = HandleKey::Entity(
                        self.item_type(&key)
                            .ok_or("its collection has no item type")?,
                    );
                }
                Step::Cast { .. }
                | Step::Operation { .. }
                | Step::Property { .. }
                | Step::ItemPath { .. } => {
                    return Err(
                        "it passes a segment the request builders do not offer yet".to_owned()
                    );
                }
                Step::Navigation {
                    declaring,
                    name,
                    target,
                    collection,
                } => {
                    chain.push(ir::ChainCall::Method(
                        names
                            .methods
                            .get(&(key.clone(), name.clone()))
                            .cloned()
                            .ok_or("a navigation is not generated")?,
                    ));
                    expected_url.push('/');
                    expected_url.push_str(name);
                    key = if *collection {
                        HandleKey::Nav(*declaring, name.clone())
                    } else {
                        HandleKey::Entity(*target)
                    };
                }
            }
        }
        let item = path
            .target
            .entity_type()
            .ok_or("it does not address entities")?;
        let (_, status) = self.operation_doc(
            &self.operation_handle(path, kind).ok_or("no operation")?,
            kind,
            "",
        );
        let response = match example.response {
            Some((response, true)) if response.status.value == status => {
                Some(ir::ExampleResponse {
                    status: response.status.value,
                    body: response.body.as_ref().map(|b| b.text.value.clone()),
                })
            }
            Some((response, true)) => {
                self.diags.push(Diagnostic::warning(
                    "status-mismatch",
                    response.status.span.clone(),
                    format!(
                        "the example response has status {}, but the operation succeeds with {status}",
                        response.status.value
                    ),
                ));
                None
            }
            _ => None,
        };
        let base = example
            .name
            .as_deref()
            .map(names::value_name)
            .unwrap_or_else(|| {
                names::value_name(file_name(&example.page.source).trim_end_matches(".md"))
            });
        let name = scope.claim(format!("example_{}", base.trim_start_matches("r#")));
        Ok(ir::ExampleTest {
            name,
            origin: format!(
                "{}:{}",
                file_name(&example.page.source),
                example.request_span.line
            ),
            chain,
            operation: kind,
            model: types.rust_type(TypeRef {
                item: ItemType::Named(item),
                collection: false,
            }),
            service_root,
            method: example.request.line.method.value.as_str().to_owned(),
            url: expected_url,
            request_body: example.request.body.as_ref().map(|b| b.text.value.clone()),
            response,
        })
    }
}

/// `{placeholderId}` -> `placeholderId`, `'a''b'` -> `a'b`, `abc` -> `abc`, as long as
/// the value needs no percent-encoding in a URL (so the page's URL is the expected one).
fn key_value(text: &str) -> Option<String> {
    let value = if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        inner.to_owned()
    } else if let Some(inner) = text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
        inner.replace("''", "'")
    } else {
        text.to_owned()
    };
    let plain = !value.is_empty()
        && value != "."
        && value != ".."
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    plain.then_some(value)
}

/// Names chosen for handles and their methods, for the generated example tests.
#[derive(Default)]
struct HandleNames {
    handles: BTreeMap<HandleKey, String>,
    accessors: BTreeMap<Root, String>,
    methods: BTreeMap<(HandleKey, String), String>,
    by_key: BTreeMap<HandleKey, String>,
}

/// Module paths and names of the generated model types.
struct TypeNames {
    names: BTreeMap<TypeId, (Vec<String>, String)>,
    /// Type definitions map to their underlying primitive.
    definitions: BTreeMap<TypeId, Primitive>,
    flags: BTreeSet<TypeId>,
}

impl TypeNames {
    fn assign(model: &Model, closure: &BTreeSet<TypeId>) -> Self {
        let mut scopes: BTreeMap<Vec<String>, Scope> = BTreeMap::new();
        let mut names = BTreeMap::new();
        let mut definitions = BTreeMap::new();
        let mut flags = BTreeSet::new();
        // Declaration order decides who keeps a contested name.
        for &id in closure {
            let def = model.get(id);
            match &def.kind {
                TypeKind::Definition { underlying, .. } => {
                    definitions.insert(id, *underlying);
                    continue;
                }
                TypeKind::Enum(e) if e.is_flags => {
                    flags.insert(id);
                }
                _ => {}
            }
            let mut module: Vec<String> =
                def.namespace.split('.').map(names::module_name).collect();
            // The crate root also holds these modules; a namespace must not shadow them.
            if let Some(first) = module
                .first_mut()
                .filter(|m| ["requests", "examples", "runtime"].contains(&m.as_str()))
            {
                first.push('_');
            }
            let scope = scopes.entry(module.clone()).or_default();
            names.insert(id, (module, scope.claim(names::type_name(&def.name))));
        }
        TypeNames {
            names,
            definitions,
            flags,
        }
    }

    fn path(&self, id: TypeId) -> (Vec<String>, String) {
        self.names.get(&id).cloned().unwrap_or_default()
    }

    fn rust_type(&self, ty: TypeRef) -> RustType {
        let item = match ty.item {
            ItemType::Primitive(p) => RustType::Primitive(p),
            ItemType::Named(id) => match self.definitions.get(&id) {
                Some(p) => RustType::Primitive(*p),
                None => {
                    let (module, name) = self.path(id);
                    if self.flags.contains(&id) {
                        RustType::Flags { module, name }
                    } else {
                        RustType::Named { module, name }
                    }
                }
            },
        };
        if ty.collection {
            RustType::Vec(Box::new(item))
        } else {
            item
        }
    }
}

/// Whether a value of structured type `outer` holds a `target` inline: through
/// single-valued structural properties (a collection is already behind a pointer).
fn contains(model: &Model, outer: TypeId, target: TypeId) -> bool {
    let mut seen = BTreeSet::new();
    let mut pending = vec![outer];
    while let Some(t) = pending.pop() {
        if t == target {
            return true;
        }
        if !seen.insert(t) || model.structured(t).is_none() {
            continue;
        }
        pending.extend(
            model
                .all_properties(t)
                .into_iter()
                .filter_map(|p| match p.ty.item {
                    ItemType::Named(inner) if !p.ty.collection => Some(inner),
                    _ => None,
                }),
        );
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_of_examples() {
        assert_eq!(
            key_value("{iosLobAppProvisioningConfigurationId}").as_deref(),
            Some("iosLobAppProvisioningConfigurationId")
        );
        assert_eq!(key_value("'abc'").as_deref(), Some("abc"));
        assert_eq!(key_value("f983dfcd-dfcd").as_deref(), Some("f983dfcd-dfcd"));
        assert_eq!(key_value("{id | userPrincipalName}"), None);
        assert_eq!(key_value("'..'"), None);
    }
}
