//! Request builders in the IR: one handle per selected node of the service graph, with
//! its methods named and documented.

use std::collections::BTreeMap;

use crate::ir::{self, CrudKind, MethodKind};
use crate::model::{ItemType, OperationId, Primitive, TypeId, TypeKind, TypeRef};
use crate::model::{Model, OperationDef, OperationKind, StructuredKind};
use crate::path::Root;
use crate::plan::names::{self, Scope};
use crate::service::{AccessTypes, HandleAccess, HandleMember, Leads, Node, Service};

use super::Planner;
use super::features::Features;
use super::types::TypeNames;

/// Names chosen for handles and their methods, for the generated example tests.
#[derive(Default)]
pub struct HandleNames {
    /// Each handle's module below `requests` (if any) and name there.
    pub handles: BTreeMap<Node, (Option<String>, String)>,
    pub accessors: BTreeMap<Root, String>,
    pub methods: BTreeMap<(Node, HandleMember), String>,
}

/// The access argument of a returned handle type, as the IR spells it.
fn access_argument(argument: HandleAccess) -> ir::AccessArgument {
    match argument {
        HandleAccess::Inherited => ir::AccessArgument::Inherited,
        HandleAccess::Fixed(access) => ir::AccessArgument::Fixed {
            update: access.update,
            delete: access.delete,
        },
    }
}

/// The success status of a request: what the pages document, else OData's.
pub fn success_status(p: &Planner<'_>, node: &Node, kind: CrudKind) -> u16 {
    p.docs
        .get(&(node.clone(), kind))
        .into_iter()
        .flatten()
        .filter_map(|d| d.status)
        .rfind(|s| (200..300).contains(s))
        .unwrap_or_else(|| kind.default_status())
}

/// The order methods appear in on a handle.
fn emit_rank(member: &HandleMember) -> u8 {
    match member {
        HandleMember::Navigate(_) => 0,
        HandleMember::Key => 1,
        HandleMember::Cast(_) => 2,
        HandleMember::Stream(_) | HandleMember::Media => 3,
        HandleMember::NavRef(_) | HandleMember::Refs => 4,
        HandleMember::List | HandleMember::Create | HandleMember::Count => 5,
        HandleMember::Get | HandleMember::Update | HandleMember::Delete => 5,
        HandleMember::Call(_) => 6,
    }
}

/// The order methods are named in: requests keep their plain names first.
fn naming_rank(member: &HandleMember) -> u8 {
    match member {
        HandleMember::List
        | HandleMember::Create
        | HandleMember::Get
        | HandleMember::Update
        | HandleMember::Delete
        | HandleMember::Count
        | HandleMember::Refs
        | HandleMember::Media => 0,
        HandleMember::Key => 1,
        HandleMember::Navigate(_) => 2,
        HandleMember::Cast(_) => 3,
        HandleMember::Stream(_) | HandleMember::NavRef(_) => 4,
        HandleMember::Call(_) => 5,
    }
}

pub fn plan_requests(
    p: &Planner<'_>,
    types: &TypeNames,
    features: &Features,
) -> (ir::Requests, HandleNames) {
    let model = p.model;
    let service = &p.service;
    let container = model.container.as_ref();
    let service_name =
        container.map_or_else(|| "Service".to_owned(), |c| names::type_name(&c.name));
    let mut names = HandleNames::default();
    let default_namespace = container.map(|c| c.namespace.as_str()).unwrap_or_default();
    // A type from another namespace is prefixed with its namespace's last part, so
    // `callRecords.session` and `session` get telling module names, not a number.
    // The wire names a name is joined from; `names` escapes the whole once.
    let type_parts = |t| -> Vec<&str> {
        let def = model.get(t);
        if def.namespace == default_namespace {
            vec![def.name.as_str()]
        } else {
            let last = def.namespace.rsplit('.').next().unwrap_or_default();
            vec![last, def.name.as_str()]
        }
    };
    // Declaration order decides who keeps a contested name, and the order of handles:
    // the entity sets' handles beside the entry point first, then a module per type
    // with the type's own handle first.
    let mut nodes: Vec<&Node> = p.selection.nodes.keys().collect();
    let set_index = |name: &str| {
        container
            .and_then(|c| c.entity_sets.iter().position(|s| s.name == name))
            .unwrap_or(usize::MAX)
    };
    let home = |node: &Node| match node {
        Node::Set(_) => None,
        Node::Nav(t, _) | Node::Collection(t) | Node::Entity(t) => Some(*t),
    };
    nodes.sort_by_key(|node| match node {
        Node::Set(name) => (0, set_index(name), 0, 0, String::new()),
        Node::Entity(t) => (1, 0, t.0, 0, String::new()),
        Node::Nav(t, name) => (1, 0, t.0, 1, name.clone()),
        Node::Collection(t) => (1, 0, t.0, 2, String::new()),
    });
    // `requests` imports the runtime as `rt`, so no type module takes that name.
    let mut root_scope = Scope::with_reserved([service_name.as_str(), ir::RT]);
    let mut module_scopes: BTreeMap<String, Scope> = BTreeMap::new();
    let mut module_of_type: BTreeMap<TypeId, String> = BTreeMap::new();
    let mut module_types: BTreeMap<String, TypeId> = BTreeMap::new();
    for &node in &nodes {
        let Some(t) = home(node) else {
            let Node::Set(set) = node else { continue };
            let name = root_scope.claim(names::type_name(set));
            names.handles.insert(node.clone(), (None, name));
            continue;
        };
        let module = module_of_type
            .entry(t)
            .or_insert_with(|| {
                let module = root_scope.claim(names::module_name_joined(&type_parts(t)));
                module_types.insert(module.clone(), t);
                module
            })
            .clone();
        let scope = module_scopes.entry(module.clone()).or_default();
        let def = model.get(t);
        let candidate = match node {
            Node::Nav(_, nav) => names::type_name(nav),
            Node::Collection(_) => names::type_name_joined(&[&def.name, "Collection"]),
            _ => names::type_name(&def.name),
        };
        names
            .handles
            .insert(node.clone(), (Some(module), scope.claim(candidate)));
    }
    // Handles are emitted module by module, in the modules' order.
    nodes.sort_by_cached_key(|node| names.handles.get(*node).and_then(|(m, _)| m.clone()));
    let access_types = AccessTypes::new(service, &p.selection);
    // Method names, per handle.
    let all_access = crate::service::Access {
        update: true,
        delete: true,
    };
    let mut plans: Vec<(Node, Vec<(HandleMember, Leads)>)> = Vec::new();
    for &node in &nodes {
        let Some(selected) = p.selection.nodes.get(node) else {
            continue;
        };
        let mut members: Vec<(HandleMember, Leads)> = service
            .members(node, all_access)
            .into_iter()
            .filter(|(m, _, _)| selected.contains(m))
            .map(|(m, leads, _)| (m, leads))
            .collect();
        members.sort_by_key(|(m, _)| naming_rank(m));
        let mut scope = Scope::with_reserved(["path"]);
        for (member, _) in &members {
            let candidate = method_candidate(p, node, member, &members);
            names
                .methods
                .insert((node.clone(), member.clone()), scope.claim(candidate));
        }
        members.sort_by(|(a, _), (b, _)| {
            emit_rank(a)
                .cmp(&emit_rank(b))
                .then_with(|| member_order_key(p, a).cmp(&member_order_key(p, b)))
        });
        plans.push((node.clone(), members));
    }
    let mut handles = Vec::new();
    for (node, members) in plans {
        let mut methods = Vec::new();
        for (member, leads) in members {
            let name = names
                .methods
                .get(&(node.clone(), member.clone()))
                .cloned()
                .unwrap_or_default();
            let target = match &leads {
                Leads::Node(t, _) => Some(t.clone()),
                Leads::Request => None,
            };
            let cfg = match &target {
                Some(t) => features.edge_cfg(&node, t),
                None => features.member_cfg(&node, &member),
            };
            let target_handle = match &leads {
                Leads::Node(t, access) => {
                    names.handles.get(t).map(|(module, name)| ir::HandleType {
                        module: module.clone(),
                        name: name.clone(),
                        access: access_types
                            .argument(Some((&node, &member)), t, *access)
                            .map(access_argument),
                    })
                }
                Leads::Request => None,
            };
            if let Some(method) = plan_method(p, types, &node, &member, name, cfg, target_handle) {
                methods.push(method);
            }
        }
        let (module, name) = names.handles.get(&node).cloned().unwrap_or_default();
        handles.push(ir::Handle {
            module,
            name,
            doc: handle_doc(p, &node),
            cfg: features.node_cfg(&node),
            generic_access: access_types.is_generic(&node),
            methods,
        });
    }
    let mut accessor_scope = Scope::new();
    let mut methods = Vec::new();
    for root in super::root_order(service, &p.selection) {
        let wire = Service::root_name(&root).to_owned();
        let name = accessor_scope.claim(names::value_name(&wire));
        names.accessors.insert(root.clone(), name.clone());
        let cfg = features.root_cfg(&root);
        match &root {
            Root::EntitySet(_) | Root::Singleton(_) => {
                let Some((node, access)) = service.root_target(&root) else {
                    continue;
                };
                let Some((module, handle)) = names.handles.get(&node) else {
                    continue;
                };
                let handle = ir::HandleType {
                    module: module.clone(),
                    name: handle.clone(),
                    access: access_types
                        .argument(None, &node, access)
                        .map(access_argument),
                };
                let (what, description) = match &root {
                    Root::EntitySet(n) => (
                        "entity set",
                        container
                            .and_then(|c| c.entity_sets.iter().find(|s| &s.name == n))
                            .and_then(|s| s.description.clone()),
                    ),
                    _ => (
                        "singleton",
                        container
                            .and_then(|c| c.singletons.iter().find(|s| s.name == wire))
                            .and_then(|s| s.description.clone()),
                    ),
                };
                let mut doc = vec![format!("The {what} `{wire}`.")];
                if let Some(d) = description {
                    doc.extend([String::new(), d]);
                }
                methods.push(ir::Method {
                    name,
                    doc,
                    cfg,
                    kind: MethodKind::Segment {
                        segments: vec![wire.clone()],
                        handle,
                    },
                });
            }
            Root::OperationImport(import_name) => {
                let Some(import) =
                    container.and_then(|c| c.imports.iter().find(|i| &i.name == import_name))
                else {
                    continue;
                };
                // A function import over several overloads offers the first; the
                // others are numbered.
                for (i, &op) in import.operations.iter().enumerate() {
                    let method_name = if i == 0 {
                        name.clone()
                    } else {
                        accessor_scope
                            .claim(names::value_name_joined(&[&name, &(i + 1).to_string()]))
                    };
                    let mut doc = vec![format!("The operation import `{import_name}`.")];
                    if let Some(d) = &import.description {
                        doc.extend([String::new(), d.clone()]);
                    }
                    doc.extend(call_doc(p, op));
                    methods.push(ir::Method {
                        name: method_name,
                        doc,
                        cfg: cfg.clone(),
                        kind: MethodKind::Call(plan_call(p, types, op, import_name.clone(), None)),
                    });
                }
            }
        }
    }
    let service = ir::ServiceEntry {
        doc: vec![format!(
            "The entry point of `{}`: its entity sets, singletons and operation imports. Building requests does no I/O.",
            container.map_or_else(String::new, |c| format!("{}.{}", c.namespace, c.name))
        )],
        name: service_name,
        methods,
    };
    let modules: Vec<ir::HandleModule> = module_types
        .iter()
        .map(|(name, &t)| {
            let cfgs: Vec<&ir::Cfg> = handles
                .iter()
                .filter(|h| h.module.as_ref() == Some(name))
                .map(|h| &h.cfg)
                .collect();
            ir::HandleModule {
                name: name.clone(),
                doc: vec![if model
                    .structured(t)
                    .is_some_and(|s| s.kind == crate::model::StructuredKind::Complex)
                {
                    format!(
                        "Handles of the collections a `{}` value navigates to.",
                        model.get(t).qualified_name()
                    )
                } else {
                    format!(
                        "Handles of `{}`: one entity, and the collections it navigates to.",
                        model.get(t).qualified_name()
                    )
                }],
                cfg: any_cfg(&cfgs),
            }
        })
        .collect();
    // A handle gated like its module needs no gate of its own.
    for handle in &mut handles {
        let module = modules
            .iter()
            .find(|m| Some(&m.name) == handle.module.as_ref());
        if module.is_some_and(|m| m.cfg == handle.cfg) {
            handle.cfg = ir::Cfg::always();
        }
    }
    (
        ir::Requests {
            service,
            modules,
            handles,
        },
        names,
    )
}

/// When any of `cfgs` holds.
fn any_cfg(cfgs: &[&ir::Cfg]) -> ir::Cfg {
    if cfgs.iter().any(|c| c.any_feature.is_empty()) {
        return ir::Cfg::always();
    }
    let mut any_feature: Vec<String> = cfgs.iter().flat_map(|c| c.any_feature.clone()).collect();
    any_feature.sort();
    any_feature.dedup();
    ir::Cfg { any_feature }
}

/// Sorts members of one rank: by wire name, or by type and operation order.
fn member_order_key(p: &Planner<'_>, member: &HandleMember) -> (u8, String) {
    match member {
        HandleMember::Navigate(path) | HandleMember::NavRef(path) => (0, path.join("/")),
        HandleMember::Stream(n) => (0, n.clone()),
        HandleMember::Cast(t) => (0, p.model.get(*t).qualified_name()),
        HandleMember::Call(op) => (0, format!("{:010}", op.0)),
        HandleMember::Media => (0, String::new()),
        HandleMember::Refs => (1, String::new()),
        HandleMember::List => (0, String::new()),
        HandleMember::Create => (1, String::new()),
        HandleMember::Count => (2, String::new()),
        HandleMember::Get => (3, String::new()),
        HandleMember::Update => (4, String::new()),
        HandleMember::Delete => (5, String::new()),
        HandleMember::Key => (0, String::new()),
    }
}

fn wire_parts(path: &[String]) -> Vec<&str> {
    path.iter().map(String::as_str).collect()
}

/// The name a member asks for; the handle's scope makes it unique.
fn method_candidate(
    p: &Planner<'_>,
    node: &Node,
    member: &HandleMember,
    all: &[(HandleMember, Leads)],
) -> String {
    let model = p.model;
    match member {
        HandleMember::List => "list".to_owned(),
        HandleMember::Create => "create".to_owned(),
        HandleMember::Get => "get".to_owned(),
        HandleMember::Update => "update".to_owned(),
        HandleMember::Delete => "delete".to_owned(),
        HandleMember::Count => "count".to_owned(),
        HandleMember::Refs => "refs".to_owned(),
        HandleMember::Media => "media".to_owned(),
        HandleMember::Key => {
            let key = p
                .service
                .item_type(node)
                .and_then(|t| model.structured(t))
                .map(|s| s.key.as_slice())
                .unwrap_or_default();
            match key {
                [single] => names::value_name_joined(&["by", &single.name]),
                _ => "by_key".to_owned(),
            }
        }
        HandleMember::Navigate(path) => names::value_name_joined(&wire_parts(path)),
        HandleMember::Stream(name) => names::value_name(name),
        HandleMember::NavRef(path) => {
            let mut parts = wire_parts(path);
            parts.push("ref");
            names::value_name_joined(&parts)
        }
        HandleMember::Cast(t) => {
            let def = model.get(*t);
            let default_namespace = model
                .container
                .as_ref()
                .map(|c| c.namespace.as_str())
                .unwrap_or_default();
            if def.namespace == default_namespace {
                names::value_name_joined(&["as", &def.name])
            } else {
                let last = def.namespace.rsplit('.').next().unwrap_or_default();
                names::value_name_joined(&["as", last, &def.name])
            }
        }
        HandleMember::Call(op) => {
            let def = model.operation(*op);
            let overloaded = all.iter().any(|(m, _)| match m {
                HandleMember::Call(other) if other != op => {
                    model.operation(*other).name == def.name
                }
                _ => false,
            });
            if overloaded && !def.parameters.is_empty() {
                let mut parts = vec![def.name.as_str(), "with"];
                for (i, param) in def.parameters.iter().enumerate() {
                    if i > 0 {
                        parts.push("and");
                    }
                    parts.push(&param.name);
                }
                names::value_name_joined(&parts)
            } else {
                names::value_name(&def.name)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_method(
    p: &Planner<'_>,
    types: &TypeNames,
    node: &Node,
    member: &HandleMember,
    name: String,
    cfg: ir::Cfg,
    target_handle: Option<ir::HandleType>,
) -> Option<ir::Method> {
    let model = p.model;
    let service = &p.service;
    let item = service.item_type(node);
    let item_name = item
        .map(|t| model.get(t).qualified_name())
        .unwrap_or_default();
    let request = |kind: CrudKind| {
        let item = item?;
        let model_type = types.rust_type(TypeRef::named(item));
        let (doc, success_status) = operation_doc(p, node, kind, &item_name);
        Some((
            doc,
            MethodKind::Request {
                kind,
                model: model_type,
                success_status,
            },
        ))
    };
    let (doc, kind) = match member {
        HandleMember::List => request(CrudKind::List)?,
        HandleMember::Create => request(CrudKind::Create)?,
        HandleMember::Get => request(CrudKind::Get)?,
        HandleMember::Update => request(CrudKind::Update)?,
        HandleMember::Delete => request(CrudKind::Delete)?,
        HandleMember::Count => (
            vec![format!(
                "Counts the `{item_name}` items of this collection (`$count`); `$filter` and `$search` apply."
            )],
            MethodKind::Count,
        ),
        HandleMember::Refs => (
            vec![
                format!("The references (`$ref`) of this collection of `{item_name}`."),
                String::new(),
                "List, add and remove references without creating or deleting entities.".to_owned(),
            ],
            MethodKind::Refs,
        ),
        HandleMember::NavRef(path) => (
            vec![format!(
                "The reference (`$ref`) of `{}`: read, set or remove it.",
                path.join("/")
            )],
            MethodKind::NavRef {
                segments: path.clone(),
            },
        ),
        HandleMember::Media => (
            vec![format!(
                "The content of this media entity (`$value`): read or replace it."
            )],
            MethodKind::Stream { segment: None },
        ),
        HandleMember::Stream(property) => {
            let mut doc = vec![format!(
                "The stream property `{property}`: read or replace it."
            )];
            if let Some(d) = item
                .and_then(|t| {
                    model
                        .all_properties(t)
                        .into_iter()
                        .find(|p| &p.name == property)
                })
                .and_then(|p| p.description.clone())
            {
                doc.extend([String::new(), d]);
            }
            (
                doc,
                MethodKind::Stream {
                    segment: Some(property.clone()),
                },
            )
        }
        HandleMember::Key => {
            let key_parts = &model.structured(item?)?.key;
            let mut params = Scope::new();
            (
                vec![format!(
                    "Addresses one `{item_name}` of this collection by its key."
                )],
                MethodKind::Key {
                    parts: key_parts
                        .iter()
                        .map(|k| ir::KeyParam {
                            name: params.claim(names::value_name(&k.name)),
                            wire: k.name.clone(),
                            ty: k.ty,
                        })
                        .collect(),
                    handle: target_handle?,
                    syntax: p.key_syntax,
                },
            )
        }
        HandleMember::Navigate(path) => {
            let description = item
                .and_then(|t| model.find_navigation_via(t, path))
                .and_then(|(_, n)| n.description.clone());
            let mut doc = vec![format!("Navigates to `{}`.", path.join("/"))];
            if let Some(d) = description {
                doc.extend([String::new(), d]);
            }
            (
                doc,
                MethodKind::Segment {
                    segments: path.clone(),
                    handle: target_handle?,
                },
            )
        }
        HandleMember::Cast(t) => {
            let qualified = model.get(*t).qualified_name();
            let doc = if Service::is_collection(node) {
                vec![format!(
                    "Only the items of this collection that are `{qualified}`s (a type cast)."
                )]
            } else {
                vec![format!(
                    "This entity as a `{qualified}` (a type cast); requests fail if it is not one."
                )]
            };
            (
                doc,
                MethodKind::Segment {
                    segments: vec![qualified],
                    handle: target_handle?,
                },
            )
        }
        HandleMember::Call(op) => {
            let def = model.operation(*op);
            let mut doc = vec![format!(
                "Calls the {} `{}`.",
                match def.kind {
                    OperationKind::Action => "action",
                    OperationKind::Function => "function",
                },
                def.qualified_name()
            )];
            doc.extend(call_doc(p, *op));
            (
                doc,
                MethodKind::Call(plan_call(
                    p,
                    types,
                    *op,
                    def.qualified_name(),
                    target_handle,
                )),
            )
        }
    };
    Some(ir::Method {
        name,
        doc,
        cfg,
        kind,
    })
}

/// The description and parameter list of an operation.
fn call_doc(p: &Planner<'_>, op: OperationId) -> Vec<String> {
    let def = p.model.operation(op);
    let mut doc = Vec::new();
    if is_delta(def, p.model) {
        doc.extend([
            String::new(),
            "A delta query: each page holds the changes (`runtime::Change`), the last one a \
             delta link to store; `Client::delta` streams a whole round, and `resume` starts \
             the next one from a stored link."
                .to_owned(),
        ]);
    }
    if is_upload_session(def, p.model) {
        doc.extend([
            String::new(),
            "Creates an upload session: `runtime::Uploader` sends the content to it in chunks \
             (resuming where the service says) and returns the created item."
                .to_owned(),
        ]);
    }
    if let Some(d) = &def.description {
        doc.extend([String::new(), d.clone()]);
    }
    for page in p.operation_docs.get(&op).into_iter().flatten() {
        doc.push(String::new());
        doc.extend(super::docs::page_lines(page));
    }
    let described: Vec<String> = def
        .parameters
        .iter()
        .filter_map(|param| {
            param
                .description
                .as_ref()
                .map(|d| format!("- `{}`: {d}", param.name))
        })
        .collect();
    if !described.is_empty() {
        doc.extend([String::new(), "Parameters:".to_owned()]);
        doc.extend(described);
    }
    doc
}

fn plan_call(
    p: &Planner<'_>,
    types: &TypeNames,
    op: OperationId,
    segment: String,
    composable: Option<ir::HandleType>,
) -> ir::Call {
    let model = p.model;
    let def = model.operation(op);
    let action = def.kind == OperationKind::Action;
    let mut scope = Scope::with_reserved(["query"]);
    let params: Vec<ir::Param> =
        def.parameters
            .iter()
            .map(|param| {
                let literal = match param.ty {
                    TypeRef {
                        collection: true, ..
                    } => ir::Literal::Json,
                    TypeRef {
                        item: ItemType::Primitive(Primitive::Guid),
                        ..
                    } => ir::Literal::Guid,
                    TypeRef {
                        item:
                            ItemType::Primitive(
                                Primitive::Spatial | Primitive::Untyped | Primitive::Stream,
                            ),
                        ..
                    } => ir::Literal::Json,
                    TypeRef {
                        item: ItemType::Primitive(_),
                        ..
                    } => ir::Literal::Value,
                    TypeRef {
                        item: ItemType::Named(t),
                        ..
                    } => match &model.get(t).kind {
                        TypeKind::Enum(e) if e.is_flags => {
                            ir::Literal::Flags(model.get(t).qualified_name())
                        }
                        TypeKind::Enum(_) => ir::Literal::Enum(model.get(t).qualified_name()),
                        TypeKind::Definition {
                            underlying: Primitive::Guid,
                            ..
                        } => ir::Literal::Guid,
                        TypeKind::Definition {
                            underlying: Primitive::Spatial | Primitive::Untyped | Primitive::Stream,
                            ..
                        } => ir::Literal::Json,
                        TypeKind::Definition { .. } => ir::Literal::Value,
                        TypeKind::Structured(_) => ir::Literal::Json,
                    },
                };
                // A type definition is passed as its underlying primitive, so that a
                // `&str` works where the schema names a string type definition.
                let ty = match param.ty.item {
                    ItemType::Named(t) => match &model.get(t).kind {
                        TypeKind::Definition { underlying, .. } => TypeRef {
                            item: ItemType::Primitive(*underlying),
                            ..param.ty
                        },
                        _ => param.ty,
                    },
                    ItemType::Primitive(_) => param.ty,
                };
                ir::Param {
                    name: scope.claim(names::value_name(&param.name)),
                    wire: param.name.clone(),
                    ty: types.rust_type(ty),
                    // Actions may leave out nullable parameters (null is their default);
                    // functions must name every parameter but the optional ones.
                    optional: param.optional || (action && param.nullable),
                    literal,
                }
            })
            .collect();
    let takes_json_alias = params.iter().any(|p| p.literal == ir::Literal::Json);
    let returns = match (&def.return_type, composable) {
        (_, Some(handle)) if !takes_json_alias => ir::Returns::Handle(handle),
        (None, _) => ir::Returns::Nothing,
        (Some(r), _) => {
            let ty = types.rust_type(TypeRef {
                collection: false,
                ..r.ty
            });
            match r.ty.item {
                _ if r.ty.collection && is_delta(def, model) => ir::Returns::Delta(ty),
                _ if r.ty.collection => ir::Returns::Page(ty),
                _ if is_upload_session(def, model) => match &def.binding {
                    Some(binding) => ir::Returns::UploadSession(types.rust_type(TypeRef {
                        collection: false,
                        ..*binding
                    })),
                    None => ir::Returns::Json(ty),
                },
                ItemType::Named(t) if model.structured(t).is_some() => ir::Returns::Json(ty),
                _ => ir::Returns::Value(ty),
            }
        }
    };
    ir::Call {
        action,
        segment,
        params,
        returns,
    }
}

/// Microsoft Graph's delta functions: `delta` bound to an entity or a collection,
/// returning a collection of entities, whose last page ends in an `@odata.deltaLink`.
fn is_delta(def: &OperationDef, model: &Model) -> bool {
    def.kind == OperationKind::Function
        && def.name == "delta"
        && def.binding.is_some()
        && def.return_type.as_ref().is_some_and(|r| {
            r.ty.collection
                && matches!(r.ty.item, ItemType::Named(t)
                    if model.structured(t).is_some_and(|s| s.kind == StructuredKind::Entity))
        })
}

/// Microsoft Graph's `createUploadSession` actions: bound to what the upload creates (a
/// drive item, a print document) or to the collection it is created in (attachments),
/// returning an `uploadSession`.
fn is_upload_session(def: &OperationDef, model: &Model) -> bool {
    def.kind == OperationKind::Action
        && def.name == "createUploadSession"
        && def.binding.is_some()
        && def.return_type.as_ref().is_some_and(|r| {
            !r.ty.collection
                && matches!(r.ty.item, ItemType::Named(t) if model.get(t).name == "uploadSession")
        })
}

fn handle_doc(p: &Planner<'_>, node: &Node) -> Vec<String> {
    let model = p.model;
    match node {
        Node::Set(name) => {
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
        Node::Nav(declaring, name) => {
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
        Node::Collection(t) => vec![format!(
            "A collection of `{}` entities, reached by a type cast or a function.",
            model.get(*t).qualified_name()
        )],
        Node::Entity(t) => vec![format!("A `{}` entity.", model.get(*t).qualified_name())],
    }
}

fn operation_doc(
    p: &Planner<'_>,
    node: &Node,
    kind: CrudKind,
    model_name: &str,
) -> (Vec<String>, u16) {
    let summary = match kind {
        CrudKind::List => {
            format!("Lists the `{model_name}` items of this collection, a page at a time.")
        }
        CrudKind::Create => format!("Creates a `{model_name}` in this collection."),
        CrudKind::Get => format!("Reads this `{model_name}`."),
        CrudKind::Update => {
            format!("Updates this `{model_name}`, sending only the properties that are set.")
        }
        CrudKind::Delete => format!("Deletes this `{model_name}`."),
    };
    let mut doc = vec![summary];
    let status = success_status(p, node, kind);
    if let Some(pages) = p.docs.get(&(node.clone(), kind)) {
        for page in pages {
            doc.push(String::new());
            doc.extend(super::docs::page_lines(page));
        }
    }
    if !doc.iter().any(|l| l.starts_with("Succeeds with")) {
        doc.push(String::new());
        doc.push(super::docs::success_line(status));
    }
    (doc, status)
}
