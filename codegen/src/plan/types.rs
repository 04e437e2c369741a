//! Model types in the IR: Rust names per namespace module, structs (derived types carry
//! their base properties), one enum per base type used polymorphically, enums, type
//! definitions as aliases, and `Box` where a struct contains itself.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::ir::{self, RustType};
use crate::model::{Facets, StructDef, StructuredKind, TypeDef};
use crate::model::{ItemType, KeyPart, Model, Primitive, PropertyDef, TypeId, TypeKind, TypeRef};
use crate::plan::names::{self, CRATE_ROOT_RESERVED, Scope};

use super::features::Features;

/// Module paths and Rust names of the generated model types.
pub struct TypeNames {
    /// Struct, enum or alias of each type.
    names: BTreeMap<TypeId, (Vec<String>, String)>,
    /// The enum of a base type and its derived types.
    unions: BTreeMap<TypeId, String>,
    flags: BTreeSet<TypeId>,
    /// The enum of a string property's `Validation.AllowedValues`, by declaring type
    /// and property name.
    allowed: BTreeMap<(TypeId, String), String>,
}

impl TypeNames {
    pub fn assign(model: &Model, closure: &BTreeSet<TypeId>, unions: &BTreeSet<TypeId>) -> Self {
        let modules = module_paths(model, closure);
        let mut scopes: BTreeMap<Vec<String>, Scope> = BTreeMap::new();
        let mut names = BTreeMap::new();
        let mut flags = BTreeSet::new();
        // Declaration order decides who keeps a contested name; schema types are named
        // before the enums of base types, so a schema name never yields to a made-up one.
        for &id in closure {
            let def = model.get(id);
            if matches!(&def.kind, TypeKind::Enum(e) if e.is_flags) {
                flags.insert(id);
            }
            let module = modules.get(&def.namespace).cloned().unwrap_or_default();
            let scope = scopes.entry(module.clone()).or_default();
            names.insert(id, (module, scope.claim(names::type_name(&def.name))));
        }
        let mut union_names = BTreeMap::new();
        for &id in unions {
            let Some((module, name)) = names.get(&id) else {
                continue;
            };
            let scope = scopes.entry(module.clone()).or_default();
            union_names.insert(
                id,
                scope.claim(format!("Any{}", name.trim_end_matches('_'))),
            );
        }
        // Then the enums of allowed values, named after their type and property.
        let mut allowed = BTreeMap::new();
        for &id in closure {
            let (Some(s), Some((module, name))) = (model.structured(id), names.get(&id)) else {
                continue;
            };
            let scope = scopes.entry(module.clone()).or_default();
            for p in s.properties.iter().filter(|p| !p.allowed_values.is_empty()) {
                let enum_name = format!(
                    "{}{}",
                    name.trim_end_matches('_'),
                    names::type_name(&p.name)
                );
                allowed.insert((id, p.name.clone()), scope.claim(enum_name));
            }
        }
        TypeNames {
            names,
            unions: union_names,
            flags,
            allowed,
        }
    }

    /// The Rust type of `p`, declared by `declaring`: the enum of its allowed values if
    /// it lists them.
    fn property_type(&self, declaring: TypeId, p: &PropertyDef) -> RustType {
        match self.allowed.get(&(declaring, p.name.clone())) {
            Some(name) => {
                let item = RustType::Named {
                    module: self.path(declaring).0,
                    name: name.clone(),
                };
                if p.ty.collection {
                    RustType::Vec(Box::new(item))
                } else {
                    item
                }
            }
            None => self.rust_type(p.ty),
        }
    }

    pub fn path(&self, id: TypeId) -> (Vec<String>, String) {
        self.names.get(&id).cloned().unwrap_or_default()
    }

    /// The struct (or enum, or alias) of a type itself.
    pub fn own_type(&self, id: TypeId) -> RustType {
        let (module, name) = self.path(id);
        if self.flags.contains(&id) {
            RustType::Flags { module, name }
        } else {
            RustType::Named { module, name }
        }
    }

    /// The Rust type of a value of `ty`: a base type with derived types is its enum.
    pub fn rust_type(&self, ty: TypeRef) -> RustType {
        let item = match ty.item {
            ItemType::Primitive(p) => RustType::Primitive(p),
            ItemType::Named(id) => match self.unions.get(&id) {
                Some(name) => RustType::Named {
                    module: self.path(id).0,
                    name: name.clone(),
                },
                None => self.own_type(id),
            },
        };
        if ty.collection {
            RustType::Vec(Box::new(item))
        } else {
            item
        }
    }
}

/// Module paths of the namespaces that have types to emit, in declaration order, without
/// the leading parts they all share and that name no namespace of their own:
/// `microsoft.graph` and `microsoft.graph.callRecords` -> `graph` and
/// `graph::call_records`; a single `Microsoft.OData.SampleService.Models.TripPin` ->
/// `trip_pin`. Names that collide after conversion get a suffix; a top-level module
/// never takes a crate's name.
fn module_paths(model: &Model, closure: &BTreeSet<TypeId>) -> HashMap<String, Vec<String>> {
    let used: BTreeSet<&str> = closure
        .iter()
        .map(|&id| model.get(id).namespace.as_str())
        .collect();
    let shared = shared_prefix(&used);
    // (parent path, written part) -> module name; a scope of names per parent.
    let mut assigned: HashMap<(Vec<String>, String), String> = HashMap::new();
    let mut scopes: HashMap<Vec<String>, Scope> = HashMap::new();
    let mut out = HashMap::new();
    for info in &model.namespaces {
        if !used.contains(info.namespace.as_str()) || out.contains_key(&info.namespace) {
            continue;
        }
        let mut path: Vec<String> = Vec::new();
        for part in info.namespace.split('.').skip(shared) {
            let key = (path.clone(), part.to_owned());
            let name = match assigned.get(&key) {
                Some(name) => name.clone(),
                None => {
                    let scope = scopes.entry(path.clone()).or_insert_with(|| {
                        if path.is_empty() {
                            Scope::with_reserved(CRATE_ROOT_RESERVED.iter().copied())
                        } else {
                            // Namespace modules import the runtime under this name,
                            // and a module named like its parent is clippy's
                            // `module_inception`.
                            Scope::with_reserved([ir::RT, path[path.len() - 1].as_str()])
                        }
                    });
                    let name = scope.claim(names::module_name(part));
                    assigned.insert(key, name.clone());
                    name
                }
            };
            path.push(name);
        }
        out.insert(info.namespace.clone(), path);
    }
    out
}

/// How many leading parts every namespace in `namespaces` shares, leaving each at least
/// one of its own.
fn shared_prefix(namespaces: &BTreeSet<&str>) -> usize {
    let mut all = namespaces.iter().map(|n| n.split('.').collect::<Vec<_>>());
    let Some(first) = all.next() else {
        return 0;
    };
    let mut shared = first.len() - 1;
    for parts in all {
        let common = first.iter().zip(&parts).take_while(|(a, b)| a == b).count();
        shared = shared.min(common).min(parts.len() - 1);
    }
    shared
}

/// The namespace modules with their items, in module order.
pub fn modules(model: &Model, types: &TypeNames, features: &Features) -> Vec<ir::Module> {
    let boxed = recursive_fields(model, &features.type_closure, &features.unions);
    let mut modules: BTreeMap<Vec<String>, ir::Module> = BTreeMap::new();
    for &id in &features.type_closure {
        let def = model.get(id);
        let (module_path, name) = types.path(id);
        let module = modules
            .entry(module_path.clone())
            .or_insert_with(|| ir::Module {
                path: module_path.clone(),
                namespace: def.namespace.clone(),
                structs: Vec::new(),
                unions: Vec::new(),
                enums: Vec::new(),
                aliases: Vec::new(),
            });
        let cfg = features.type_cfg(id);
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
                let mut summary = format!("The {kind} `{}`", def.qualified_name());
                if let Some(base) = s.base {
                    summary.push_str(&format!(
                        ", derived from `{}`",
                        model.get(base).qualified_name()
                    ));
                }
                summary.push('.');
                if s.is_abstract {
                    summary.push_str(" Abstract: values are always of a derived type.");
                }
                if s.open_type {
                    summary.push_str(
                        " Open: properties the schema does not declare are kept in `additional_data`.",
                    );
                }
                doc.push(summary);
                let mut scope =
                    Scope::with_reserved(["odata_type", "odata_etag", "additional_data"]);
                let mut fields: Vec<ir::Field> = declared_properties(model, id)
                    .into_iter()
                    // Stream properties are read through their own URL, not the body.
                    .filter(|(_, p)| p.ty.item != ItemType::Primitive(Primitive::Stream))
                    .map(|(declaring, p)| {
                        let key = key_role(&s.key, &p.name);
                        let presence = presence(p, key);
                        ir::Field {
                            name: scope.claim(names::value_name(&p.name)),
                            wire: p.name.clone(),
                            // An inherited enum exists wherever the struct does only if
                            // its declaring type does.
                            ty: if declaring == id || features.type_covers(id, declaring) {
                                types.property_type(declaring, p)
                            } else {
                                types.rust_type(p.ty)
                            },
                            presence,
                            boxed: boxed.contains(&(id, p.name.clone())),
                            doc: property_doc(p, key, presence),
                        }
                    })
                    .collect();
                fields.extend(navigation_fields(model, types, features, id, &mut scope));
                module.structs.push(ir::Struct {
                    name,
                    odata_type: format!("#{}", def.qualified_name()),
                    entity: s.kind == StructuredKind::Entity,
                    doc,
                    rename_all: rename_rule(&fields),
                    fields,
                    cfg: cfg.clone(),
                });
                module
                    .enums
                    .extend(allowed_value_enums(types, def, id, s, &cfg));
                if features.unions.contains(&id) {
                    module.unions.push(union(model, types, id, cfg));
                }
            }
            TypeKind::Enum(e) => {
                let flags = if e.is_flags {
                    " Flags: a value is a set of members (`runtime::Flags`)."
                } else {
                    ""
                };
                doc.push(format!(
                    "The enum type `{}`.{flags} Values this crate does not know are kept, not rejected.",
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
                        value: Some(m.value),
                        doc: m.description.iter().cloned().collect(),
                    })
                    .collect();
                module.enums.push(ir::Enum {
                    name,
                    doc,
                    members,
                    fallback,
                    underlying: Some(e.underlying),
                    cfg,
                });
            }
            TypeKind::Definition { underlying, facets } => {
                let mut line = format!(
                    "The type definition `{}`: `Edm.{underlying:?}`",
                    def.qualified_name()
                );
                if let Some(f) = facets.as_deref().and_then(facets_text) {
                    line.push_str(&format!(", {f}"));
                }
                line.push('.');
                doc.push(line);
                module.aliases.push(ir::Alias {
                    name,
                    doc,
                    ty: RustType::Primitive(*underlying),
                    cfg,
                });
            }
        }
    }
    modules.into_values().collect()
}

fn union(model: &Model, types: &TypeNames, id: TypeId, cfg: ir::Cfg) -> ir::Union {
    let def = model.get(id);
    let mut scope = Scope::new();
    let variants = model
        .descendants(id)
        .into_iter()
        .map(|t| {
            let d = model.get(t);
            let mut wire = vec![d.qualified_name()];
            if let Some(alias) = model.alias_of(&d.namespace) {
                wire.push(format!("{alias}.{}", d.name));
            }
            // A derived type from another namespace is prefixed with that namespace's
            // last part: `callRecords.session` -> `CallRecordsSession`.
            let candidate = if d.namespace == def.namespace {
                names::type_name(&d.name)
            } else {
                let last = d.namespace.rsplit('.').next().unwrap_or_default();
                names::type_name_joined(&[last, &d.name])
            };
            ir::Variant {
                name: scope.claim(candidate),
                ty: types.own_type(t),
                wire,
            }
        })
        .collect();
    ir::Union {
        name: types.rust_type(TypeRef::named(id)).name().to_owned(),
        doc: vec![
            format!(
                "A `{}` or a value of a type derived from it, told apart by `@odata.type`.",
                def.qualified_name()
            ),
            String::new(),
            "A type this crate does not know reads as the base type, with the properties it does not declare in `additional_data`.".to_owned(),
        ],
        variants,
        cfg,
    }
}

/// Whether a property is a key of its entity type: the whole key or one of its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyRole {
    None,
    Whole,
    Part,
}

fn key_role(key: &[KeyPart], property: &str) -> KeyRole {
    // A 4.01 key path into a complex property (`address/street`) makes no property of
    // this type a key.
    if !key.iter().any(|k| k.path == property) {
        KeyRole::None
    } else if key.len() == 1 {
        KeyRole::Whole
    } else {
        KeyRole::Part
    }
}

/// How a field holds its value. A key is its plain type when that type's default is an
/// empty value no key takes: strings and GUIDs (`""`), binaries and integers. Keys of
/// other types stay `Option`: `false` is a real key, and `Edm.Decimal`
/// (`serde_json::Number`), dates, times and durations have no `Default`.
fn presence(p: &PropertyDef, key: KeyRole) -> ir::Presence {
    use Primitive::*;
    if p.nullable {
        return ir::Presence::Nullable;
    }
    match p.ty {
        TypeRef {
            item: ItemType::Primitive(Binary | Byte | Guid | Int16 | Int32 | Int64 | SByte | String),
            collection: false,
        } if key != KeyRole::None => ir::Presence::Key,
        _ => ir::Presence::Optional,
    }
}

/// The `rename_all` rule most fields' wire names follow, camelCase on a tie; `None` when
/// neither leaves fewer fields to rename than the field names as they are.
fn rename_rule(fields: &[ir::Field]) -> Option<ir::RenameRule> {
    let fits = |rule| {
        fields
            .iter()
            .filter(|f| ir::serde_name(&f.name, rule) == f.wire)
            .count()
    };
    let camel = fits(Some(ir::RenameRule::CamelCase));
    let pascal = fits(Some(ir::RenameRule::PascalCase));
    let (rule, fitting) = if pascal > camel {
        (ir::RenameRule::PascalCase, pascal)
    } else {
        (ir::RenameRule::CamelCase, camel)
    };
    (fitting > fits(None)).then_some(rule)
}

/// Doc lines of a property: its description, then what the schema says about its values.
fn property_doc(p: &PropertyDef, key: KeyRole, presence: ir::Presence) -> Vec<String> {
    let mut doc: Vec<String> = p.description.iter().cloned().collect();
    let mut facts = Vec::new();
    match (key, presence) {
        (KeyRole::None, _) => {}
        (_, ir::Presence::Key) => facts.push(format!(
            "{} Empty (the type's default) when a response leaves it out; an empty key is not sent, so a create lets the service assign one.",
            if key == KeyRole::Whole { "The key." } else { "Part of the key." }
        )),
        (KeyRole::Whole, _) => facts.push("The key.".to_owned()),
        (KeyRole::Part, _) => facts.push("Part of the key.".to_owned()),
    }
    if p.computed {
        facts.push("Computed by the service.".to_owned());
    }
    if p.immutable {
        facts.push("Set when the entity is created; never changed afterwards.".to_owned());
    }
    if let Some(default) = &p.default_value {
        facts.push(format!("The service's default is `{default}`."));
    }
    if let Some(f) = p.facets.as_deref().and_then(facets_text) {
        let mut f = f;
        if let Some(first) = f.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        facts.push(format!("{f}."));
    }
    if !facts.is_empty() {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.push(facts.join(" "));
    }
    doc
}

fn facets_text(f: &Facets) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(n) = &f.max_length {
        parts.push(format!("max length {n}"));
    }
    match (&f.precision, &f.scale) {
        (Some(p), Some(s)) => parts.push(format!("precision {p}, scale {s}")),
        (Some(p), None) => parts.push(format!("precision {p}")),
        (None, Some(s)) => parts.push(format!("scale {s}")),
        (None, None) => {}
    }
    if let Some(srid) = &f.srid {
        parts.push(format!("SRID {srid}"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

impl RustType {
    /// The last name of a named type; empty for others.
    pub fn name(&self) -> &str {
        match self {
            RustType::Named { name, .. } | RustType::Flags { name, .. } => name,
            _ => "",
        }
    }
}

/// The properties of `id` and its base types, base types' first, each with the type
/// that declares it.
fn declared_properties(model: &Model, id: TypeId) -> Vec<(TypeId, &PropertyDef)> {
    let mut chain: Vec<TypeId> = model.ancestry(id).collect();
    chain.reverse();
    chain
        .into_iter()
        .filter_map(|t| Some((t, model.structured(t)?)))
        .flat_map(|(t, s)| s.properties.iter().map(move |p| (t, p)))
        .collect()
}

/// The enums of the string properties `s` declares with `Validation.AllowedValues`:
/// the values as members, and those this crate does not know kept, like an enum
/// type's.
fn allowed_value_enums(
    types: &TypeNames,
    def: &TypeDef,
    id: TypeId,
    s: &StructDef,
    cfg: &ir::Cfg,
) -> Vec<ir::Enum> {
    s.properties
        .iter()
        .filter_map(|p| {
            let name = types.allowed.get(&(id, p.name.clone()))?;
            let fallback = "Unrecognized".to_owned();
            let mut scope = Scope::with_reserved([fallback.as_str()]);
            let members = p
                .allowed_values
                .iter()
                .map(|value| ir::EnumMember {
                    name: scope.claim(names::type_name(value)),
                    wire: value.to_string(),
                    value: None,
                    doc: Vec::new(),
                })
                .collect();
            Some(ir::Enum {
                name: name.clone(),
                doc: vec![format!(
                    "The values `Validation.AllowedValues` allows for `{}/{}`. Values this crate does not know are kept, not rejected.",
                    def.qualified_name(),
                    p.name
                )],
                members,
                fallback,
                underlying: None,
                cfg: cfg.clone(),
            })
        })
        .collect()
}

/// Fields for the navigation properties of `id` (declared and inherited), which a
/// response fills when the request expands them (`$expand`). Only those whose target
/// type the crate has wherever it has `id`: a target left out or gated behind other
/// features is read into `additional_data` instead. A single related entity is boxed,
/// so that types which navigate to each other stay finite.
fn navigation_fields(
    model: &Model,
    types: &TypeNames,
    features: &Features,
    id: TypeId,
    scope: &mut Scope,
) -> Vec<ir::Field> {
    model
        .all_navigations(id)
        .into_iter()
        .filter(|n| features.type_covers(id, n.target))
        .map(|n| {
            let mut doc: Vec<String> = n.description.iter().cloned().collect();
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(format!(
                "Navigation property: filled when the request expands it (`.expand([\"{}\"])`).",
                n.name
            ));
            ir::Field {
                name: scope.claim(names::value_name(&n.name)),
                wire: n.name.clone(),
                ty: types.rust_type(TypeRef {
                    item: ItemType::Named(n.target),
                    collection: n.collection,
                }),
                presence: ir::Presence::Optional,
                boxed: !n.collection,
                doc,
            }
        })
        .collect()
}

/// Fields (struct, wire name) that must be boxed: their type holds the struct again,
/// inline, which would make it infinitely large. Collections and the enums of base
/// types (whose variants are boxed) already break such cycles.
fn recursive_fields(
    model: &Model,
    closure: &BTreeSet<TypeId>,
    unions: &BTreeSet<TypeId>,
) -> BTreeSet<(TypeId, String)> {
    let inline = |id: TypeId| -> Vec<(String, TypeId)> {
        model
            .all_properties(id)
            .into_iter()
            .filter_map(|p| match p.ty {
                TypeRef {
                    item: ItemType::Named(t),
                    collection: false,
                } if model.structured(t).is_some() && !unions.contains(&t) => {
                    Some((p.name.clone(), t))
                }
                _ => None,
            })
            .collect()
    };
    let nodes: Vec<TypeId> = closure
        .iter()
        .copied()
        .filter(|&t| model.structured(t).is_some())
        .collect();
    let edges: HashMap<TypeId, Vec<(String, TypeId)>> =
        nodes.iter().map(|&t| (t, inline(t))).collect();
    let component = strongly_connected(&nodes, |t| {
        edges
            .get(&t)
            .map(|e| e.iter().map(|(_, to)| *to).collect())
            .unwrap_or_default()
    });
    let mut boxed = BTreeSet::new();
    for (&from, out) in &edges {
        for (name, to) in out {
            if component.get(&from) == component.get(to) {
                boxed.insert((from, name.clone()));
            }
        }
    }
    boxed
}

/// Tarjan's algorithm, iteratively: the strongly connected component of each node.
fn strongly_connected(
    nodes: &[TypeId],
    successors: impl Fn(TypeId) -> Vec<TypeId>,
) -> HashMap<TypeId, usize> {
    let mut index: HashMap<TypeId, usize> = HashMap::new();
    let mut low: HashMap<TypeId, usize> = HashMap::new();
    let mut on_stack: BTreeSet<TypeId> = BTreeSet::new();
    let mut stack: Vec<TypeId> = Vec::new();
    let mut component: HashMap<TypeId, usize> = HashMap::new();
    let mut next_index = 0;
    let mut next_component = 0;
    for &start in nodes {
        if index.contains_key(&start) {
            continue;
        }
        // (node, its successors, position in them)
        let mut work: Vec<(TypeId, Vec<TypeId>, usize)> = Vec::new();
        index.insert(start, next_index);
        low.insert(start, next_index);
        next_index += 1;
        stack.push(start);
        on_stack.insert(start);
        work.push((start, successors(start), 0));
        while let Some((node, succ, pos)) = work.last_mut() {
            let node = *node;
            if let Some(&next) = succ.get(*pos) {
                *pos += 1;
                if let std::collections::hash_map::Entry::Vacant(entry) = index.entry(next) {
                    entry.insert(next_index);
                    low.insert(next, next_index);
                    next_index += 1;
                    stack.push(next);
                    on_stack.insert(next);
                    let s = successors(next);
                    work.push((next, s, 0));
                } else if on_stack.contains(&next) {
                    let l = low[&node].min(index[&next]);
                    low.insert(node, l);
                }
                continue;
            }
            work.pop();
            if let Some((parent, _, _)) = work.last() {
                let l = low[parent].min(low[&node]);
                low.insert(*parent, l);
            }
            if low[&node] == index[&node] {
                while let Some(t) = stack.pop() {
                    on_stack.remove(&t);
                    component.insert(t, next_component);
                    if t == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Sources;

    #[test]
    fn namespaces_lose_the_leading_parts_they_all_share() {
        let prefix = |names: &[&str]| shared_prefix(&names.iter().copied().collect());
        assert_eq!(
            prefix(&["microsoft.graph", "microsoft.graph.callRecords"]),
            1
        );
        assert_eq!(prefix(&["Microsoft.OData.SampleService.Models.TripPin"]), 4);
        assert_eq!(prefix(&["contoso.media", "contoso.media.calls"]), 1);
        assert_eq!(prefix(&["a.x", "b.x"]), 0);
        assert_eq!(prefix(&["Default"]), 0);
        assert_eq!(prefix(&[]), 0);
    }

    fn property(name: &str, ty: Primitive, nullable: bool) -> PropertyDef {
        PropertyDef {
            name: name.to_owned(),
            ty: TypeRef {
                item: ItemType::Primitive(ty),
                collection: false,
            },
            nullable,
            description: None,
            computed: false,
            immutable: false,
            allowed_values: Vec::new(),
            default_value: None,
            facets: None,
            at: Sources::pos(0, 0),
        }
    }

    fn key(paths: &[&str]) -> Vec<KeyPart> {
        paths
            .iter()
            .map(|p| KeyPart {
                path: (*p).to_owned(),
                name: (*p).to_owned(),
                ty: Primitive::String,
            })
            .collect()
    }

    #[test]
    fn keys_are_plain_where_their_type_has_an_empty_default() {
        let whole = key(&["id"]);
        assert_eq!(key_role(&whole, "id"), KeyRole::Whole);
        assert_eq!(key_role(&whole, "name"), KeyRole::None);
        let composite = key(&["a", "address/street"]);
        assert_eq!(key_role(&composite, "a"), KeyRole::Part);
        assert_eq!(key_role(&composite, "address"), KeyRole::None);

        let id = property("id", Primitive::String, false);
        assert_eq!(presence(&id, KeyRole::Whole), ir::Presence::Key);
        assert_eq!(presence(&id, KeyRole::None), ir::Presence::Optional);
        let n = property("n", Primitive::Int32, false);
        assert_eq!(presence(&n, KeyRole::Part), ir::Presence::Key);
        for no_default in [
            Primitive::Date,
            Primitive::DateTimeOffset,
            Primitive::Decimal,
        ] {
            let p = property("at", no_default, false);
            assert_eq!(presence(&p, KeyRole::Whole), ir::Presence::Optional);
        }
        let flag = property("on", Primitive::Boolean, false);
        assert_eq!(presence(&flag, KeyRole::Whole), ir::Presence::Optional);
        // A schema that calls its key nullable gets the three states it asks for.
        let nullable = property("id", Primitive::String, true);
        assert_eq!(presence(&nullable, KeyRole::Whole), ir::Presence::Nullable);

        let doc = property_doc(&id, KeyRole::Whole, ir::Presence::Key).join(" ");
        assert!(doc.starts_with("The key. Empty"), "{doc}");
        let doc = property_doc(&flag, KeyRole::Whole, ir::Presence::Optional);
        assert_eq!(doc, ["The key."]);
    }

    #[test]
    fn rename_all_is_the_convention_most_fields_fit() {
        let fields = |pairs: &[(&str, &str)]| -> Vec<ir::Field> {
            pairs
                .iter()
                .map(|(name, wire)| ir::Field {
                    name: (*name).to_owned(),
                    wire: (*wire).to_owned(),
                    ty: RustType::Primitive(Primitive::String),
                    presence: ir::Presence::Optional,
                    boxed: false,
                    doc: Vec::new(),
                })
                .collect()
        };
        let camel = ir::RenameRule::CamelCase;
        let pascal = ir::RenameRule::PascalCase;
        let graph = fields(&[("id", "id"), ("display_name", "displayName")]);
        assert_eq!(rename_rule(&graph), Some(camel));
        let trip_pin = fields(&[
            ("user_name", "UserName"),
            ("first_name", "FirstName"),
            ("id", "id"),
        ]);
        assert_eq!(rename_rule(&trip_pin), Some(pascal));
        // A tie goes to camelCase.
        let tie = fields(&[("user_name", "UserName"), ("first_name", "firstName")]);
        assert_eq!(rename_rule(&tie), Some(camel));
        // One-word lowercase names fit camelCase and the names as they are alike.
        let plain = fields(&[("id", "id"), ("name", "name"), ("ip_v4", "IPv4")]);
        assert_eq!(rename_rule(&plain), None);
        assert_eq!(rename_rule(&[]), None);
    }

    #[test]
    fn components_find_cycles_and_self_loops() {
        let ids: Vec<TypeId> = (0..5).map(TypeId).collect();
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let succ = |t: TypeId| match t.0 {
            0 => vec![TypeId(1)],
            1 => vec![TypeId(2)],
            2 => vec![TypeId(0), TypeId(4)],
            3 => vec![TypeId(3)],
            _ => vec![],
        };
        let c = strongly_connected(&ids, succ);
        assert_eq!(c[&TypeId(0)], c[&TypeId(1)]);
        assert_eq!(c[&TypeId(1)], c[&TypeId(2)]);
        assert_ne!(c[&TypeId(0)], c[&TypeId(4)]);
        assert_ne!(c[&TypeId(3)], c[&TypeId(4)]);
    }
}
