//! Everything an entity container exposes, as a finite graph of request handles.
//!
//! A [`Node`] is a handle: an entity set, a collection-valued navigation property (by the
//! type that declares it), a collection of a derived type reached by a cast, or an entity
//! of a type however it was reached. A [`HandleMember`] is what a handle offers: a step to
//! another handle (navigation, key, cast, composable function) or a request (list,
//! create, get, `$count`, `$ref`, `$value`, an action or function call). Navigation
//! belongs to types, so the graph is linear in types x navigation properties while the
//! paths through it number in the tens of thousands (or are infinite, with recursive
//! containment).
//!
//! [`Selection`] is the part of the graph to generate. It is chosen by walking resolved
//! doc paths ([`Selection::select_path`]), by path globs ([`Selection::select_globs`]),
//! or entirely ([`Selection::select_all`]).

mod access;
mod glob;
mod offer;
mod selection;

pub use access::{AccessTypes, HandleAccess};
pub use glob::PathGlob;
pub use offer::NotOffered;
pub use selection::Selection;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use crate::model::{
    ItemType, Model, NavigationDef, OperationId, Primitive, RestrictedNavigation, Restrictions,
    TypeId, TypeRef,
};
use crate::model::{OperationKind, StructuredKind};
use crate::path::{Root, Step};

/// How many complex properties deep an entity handle looks for navigation properties
/// of complex types (`home/country` is one).
const COMPLEX_DEPTH: usize = 4;

/// A request handle.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Node {
    /// An entity set, by name.
    Set(String),
    /// A collection-valued navigation property, by the type that declares it.
    Nav(TypeId, String),
    /// A collection of a type reached by a cast or a composable function.
    Collection(TypeId),
    /// An entity of a type, however it was reached.
    Entity(TypeId),
}

/// What may be done to an entity where it was reached.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Access {
    pub update: bool,
    pub delete: bool,
}

impl Access {
    /// What both allow.
    pub(super) fn and(self, other: Access) -> Access {
        Access {
            update: self.update && other.update,
            delete: self.delete && other.delete,
        }
    }

    /// What either allows.
    pub(super) fn or(self, other: Access) -> Access {
        Access {
            update: self.update || other.update,
            delete: self.delete || other.delete,
        }
    }
}

/// What a handle offers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HandleMember {
    /// A navigation property of the item type or of one of its base types, or of the
    /// type of one of their single-valued complex properties: its wire path, the
    /// complex properties it is reached through then its name (`home`, `country`).
    Navigate(Vec<String>),
    /// Addressing one entity of a collection by its key.
    Key,
    /// A cast to a derived type.
    Cast(TypeId),
    /// A bound action or function.
    Call(OperationId),
    List,
    Create,
    /// `$count` of a collection.
    Count,
    Get,
    Update,
    Delete,
    /// `$ref` of a non-containment collection navigation: list, add and remove references.
    Refs,
    /// `$ref` of a single-valued non-containment navigation property of an entity, by
    /// its wire path as in [`HandleMember::Navigate`].
    NavRef(Vec<String>),
    /// `$value` of a media entity.
    Media,
    /// A stream property of an entity.
    Stream(String),
}

/// Where a member leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leads {
    /// To another handle, with what may be done to the entity there.
    Node(Node, Access),
    /// Nowhere: the member is a request.
    Request,
}

/// How a member leaves its handle, for deciding which features own what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EdgeKind {
    /// Within the same containment tree (keys, containment, composable functions).
    Owned,
    /// Into what is owned elsewhere: a navigation property without containment, whose
    /// targets live in their own entity set, or a cast, which views an entity as one of
    /// the derived types others contain.
    Reference,
}

/// A navigation property reached through complex properties: its wire path, the type
/// of the last complex property, the type declaring it and its definition.
type ComplexNavigation<'m> = (Vec<String>, TypeId, TypeId, &'m NavigationDef);

/// What a handle offers, with full access, as [`Service::members`] computes it.
type Members = Rc<Vec<(HandleMember, Leads, EdgeKind)>>;

/// Indexes the model for graph queries: bound operations by binding type, and the
/// members of each handle once computed (every stage asks for them again).
pub struct Service<'m> {
    pub model: &'m Model,
    /// `RestrictedProperties` entries by the navigation property they name (declaring
    /// type and name), with the place that declares them.
    restricted_navigations: HashMap<(TypeId, String), Vec<(Restrictions, String)>>,
    entity_bound: HashMap<TypeId, Vec<OperationId>>,
    collection_bound: HashMap<TypeId, Vec<OperationId>>,
    /// Complex types with a navigation property, declared or inherited, or with a
    /// single-valued complex property of such a type: the ones worth entering.
    navigating_complex: HashSet<TypeId>,
    members: RefCell<HashMap<Node, Members>>,
}

impl<'m> Service<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut entity_bound: HashMap<TypeId, Vec<OperationId>> = HashMap::new();
        let mut collection_bound: HashMap<TypeId, Vec<OperationId>> = HashMap::new();
        for id in model.operation_ids() {
            if let Some(TypeRef {
                item: ItemType::Named(t),
                collection,
            }) = model.operation(id).binding
            {
                let index = if collection {
                    &mut collection_bound
                } else {
                    &mut entity_bound
                };
                index.entry(t).or_default().push(id);
            }
        }
        Service {
            model,
            restricted_navigations: restricted_navigations(model),
            entity_bound,
            collection_bound,
            navigating_complex: navigating_complex(model),
            members: RefCell::new(HashMap::new()),
        }
    }

    /// The handle a root leads to; `None` for operation imports, which are requests.
    pub fn root_target(&self, root: &Root) -> Option<(Node, Access)> {
        let container = self.model.container.as_ref()?;
        match root {
            Root::EntitySet(name) => container
                .entity_sets
                .iter()
                .find(|s| &s.name == name)
                .map(|s| (Node::Set(s.name.clone()), Access::default())),
            Root::Singleton(name) => {
                let s = container.singletons.iter().find(|s| &s.name == name)?;
                let r = s.restrictions.and(self.type_restrictions(s.ty));
                Some((
                    Node::Entity(s.ty),
                    Access {
                        update: r.updatable,
                        // Only a nullable singleton (4.01) may be absent, so deleted.
                        delete: s.nullable && r.deletable,
                    },
                ))
            }
            Root::OperationImport(_) => None,
        }
    }

    /// Every root of the container, in declaration order: entity sets, singletons, imports.
    pub fn roots(&self) -> Vec<Root> {
        let Some(c) = &self.model.container else {
            return Vec::new();
        };
        c.entity_sets
            .iter()
            .map(|s| Root::EntitySet(s.name.clone()))
            .chain(c.singletons.iter().map(|s| Root::Singleton(s.name.clone())))
            .chain(
                c.imports
                    .iter()
                    .map(|i| Root::OperationImport(i.name.clone())),
            )
            .collect()
    }

    pub fn root_name(root: &Root) -> &str {
        match root {
            Root::EntitySet(n) | Root::Singleton(n) | Root::OperationImport(n) => n,
        }
    }

    /// The entity type of a handle: the item type of a collection, or the entity's type.
    pub fn item_type(&self, node: &Node) -> Option<TypeId> {
        match node {
            Node::Set(name) => self
                .model
                .container
                .as_ref()?
                .entity_sets
                .iter()
                .find(|s| &s.name == name)
                .map(|s| s.entity_type),
            Node::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .map(|(_, n)| n.target),
            Node::Collection(t) | Node::Entity(t) => Some(*t),
        }
    }

    pub fn is_collection(node: &Node) -> bool {
        !matches!(node, Node::Entity(_))
    }

    /// Restrictions annotated on a type and its base types.
    pub fn type_restrictions(&self, t: TypeId) -> Restrictions {
        self.model
            .ancestry(t)
            .filter_map(|a| self.model.structured(a))
            .fold(Restrictions::default(), |r, s| r.and(s.restrictions))
    }

    /// What the service allows on a collection handle: its own restrictions and its
    /// item type's.
    pub fn restrictions(&self, node: &Node) -> Restrictions {
        let item = self
            .item_type(node)
            .map(|t| self.type_restrictions(t))
            .unwrap_or_default();
        let own = match node {
            Node::Set(name) => self
                .model
                .container
                .as_ref()
                .and_then(|c| c.entity_sets.iter().find(|s| &s.name == name))
                .map(|s| s.restrictions)
                .unwrap_or_default(),
            Node::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .map(|(d, n)| self.navigation_restrictions(d, n))
                .unwrap_or_default(),
            Node::Collection(_) | Node::Entity(_) => Restrictions::default(),
        };
        own.and(item)
    }

    /// A navigation property's own restrictions and those `RestrictedProperties`
    /// entries give it. A handle is shared by every path to its type, so an entry of an
    /// entity set applies to the navigation wherever it is reached. An entry's
    /// `Navigability` is the navigation's own (see [`Self::is_navigable`]).
    pub fn navigation_restrictions(&self, declaring: TypeId, nav: &NavigationDef) -> Restrictions {
        self.restricted_navigation_places(declaring, &nav.name)
            .iter()
            .fold(nav.restrictions, |r, (nested, _)| {
                r.and(Restrictions {
                    navigable: true,
                    ..*nested
                })
            })
    }

    /// The `RestrictedProperties` entries for a navigation property, with where each
    /// is declared.
    pub fn restricted_navigation_places(
        &self,
        declaring: TypeId,
        name: &str,
    ) -> &[(Restrictions, String)] {
        self.restricted_navigations
            .get(&(declaring, name.to_owned()))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether a navigation property may be followed: no `RestrictedProperties` entry
    /// gives it `Navigability` `None`.
    pub fn is_navigable(&self, declaring: TypeId, name: &str) -> bool {
        self.restricted_navigation_places(declaring, name)
            .iter()
            .all(|(r, _)| r.navigable)
    }

    /// Whether a collection-valued navigation handle is a non-containment navigation.
    pub fn is_reference_collection(&self, node: &Node) -> bool {
        match node {
            Node::Nav(declaring, name) => self
                .model
                .find_navigation(*declaring, name)
                .is_some_and(|(_, n)| !n.contains_target),
            _ => false,
        }
    }

    fn has_key(&self, t: TypeId) -> bool {
        self.model.structured(t).is_some_and(|s| !s.key.is_empty())
    }

    /// Entity types deriving from `t`, transitively, in a stable order.
    pub fn derived_entities(&self, t: TypeId) -> Vec<TypeId> {
        self.model
            .descendants(t)
            .into_iter()
            .skip(1)
            .filter(|&d| {
                self.model
                    .structured(d)
                    .is_some_and(|s| s.kind == StructuredKind::Entity)
            })
            .collect()
    }

    /// Operations bound to `t` (or to a collection of `t`) or to one of its base types.
    pub fn bound_operations(&self, t: TypeId, collection: bool) -> Vec<OperationId> {
        let index = if collection {
            &self.collection_bound
        } else {
            &self.entity_bound
        };
        let mut chain: Vec<TypeId> = self.model.ancestry(t).collect();
        chain.reverse();
        chain
            .into_iter()
            .flat_map(|a| index.get(&a).into_iter().flatten().copied())
            .collect()
    }

    /// Where calling an operation leads: a handle for composable functions that return
    /// entities, else nowhere.
    pub fn call_target(&self, op: OperationId) -> Leads {
        let def = self.model.operation(op);
        if def.kind != OperationKind::Function || !def.is_composable {
            return Leads::Request;
        }
        match def.return_type.as_ref().map(|r| r.ty) {
            Some(TypeRef {
                item: ItemType::Named(t),
                collection,
            }) if self
                .model
                .structured(t)
                .is_some_and(|s| s.kind == StructuredKind::Entity) =>
            {
                let node = if collection {
                    Node::Collection(t)
                } else {
                    Node::Entity(t)
                };
                Leads::Node(node, Access::default())
            }
            _ => Leads::Request,
        }
    }

    /// Every member of a handle, with where it leads and how it leaves the handle.
    /// `access` is what may be done to the entity of an entity handle where it was reached.
    pub fn members(&self, node: &Node, access: Access) -> Vec<(HandleMember, Leads, EdgeKind)> {
        let full = Access {
            update: true,
            delete: true,
        };
        let cached = self.members.borrow().get(node).cloned();
        let all = match cached {
            Some(all) => all,
            None => {
                let all = Rc::new(self.compute_members(node, full));
                self.members
                    .borrow_mut()
                    .insert(node.clone(), Rc::clone(&all));
                all
            }
        };
        if access == full {
            return all.to_vec();
        }
        all.iter()
            .filter(|(m, _, _)| match m {
                HandleMember::Update => access.update,
                HandleMember::Delete => access.delete,
                _ => true,
            })
            .map(|(m, leads, kind)| {
                // A cast keeps the access of the entity it views.
                let leads = match (m, leads) {
                    (HandleMember::Cast(_), Leads::Node(target @ Node::Entity(_), _)) => {
                        Leads::Node(target.clone(), access)
                    }
                    _ => leads.clone(),
                };
                (m.clone(), leads, *kind)
            })
            .collect()
    }

    fn compute_members(&self, node: &Node, access: Access) -> Vec<(HandleMember, Leads, EdgeKind)> {
        let model = self.model;
        let Some(item) = self.item_type(node) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if Self::is_collection(node) {
            let r = self.restrictions(node);
            if r.listable {
                out.push((HandleMember::List, Leads::Request, EdgeKind::Owned));
            }
            if r.countable {
                out.push((HandleMember::Count, Leads::Request, EdgeKind::Owned));
            }
            if r.insertable && !matches!(node, Node::Collection(_)) {
                out.push((HandleMember::Create, Leads::Request, EdgeKind::Owned));
            }
            if self.has_key(item) && r.indexable_by_key {
                // Entities behind a navigation without containment live elsewhere: they
                // are read here and changed where they live.
                let access = if self.is_reference_collection(node) {
                    Access::default()
                } else {
                    Access {
                        update: r.updatable,
                        delete: r.deletable,
                    }
                };
                out.push((
                    HandleMember::Key,
                    Leads::Node(Node::Entity(item), access),
                    EdgeKind::Owned,
                ));
            }
            if !matches!(node, Node::Collection(_)) {
                for d in self.derived_entities(item) {
                    out.push((
                        HandleMember::Cast(d),
                        Leads::Node(Node::Collection(d), Access::default()),
                        EdgeKind::Reference,
                    ));
                }
            }
            if self.is_reference_collection(node) && r.referenceable {
                out.push((HandleMember::Refs, Leads::Request, EdgeKind::Owned));
            }
            for op in self.bound_operations(item, true) {
                out.push((
                    HandleMember::Call(op),
                    self.call_target(op),
                    EdgeKind::Owned,
                ));
            }
            return out;
        }
        let type_r = self.type_restrictions(item);
        if type_r.readable_by_key {
            out.push((HandleMember::Get, Leads::Request, EdgeKind::Owned));
        }
        if access.update && type_r.updatable {
            out.push((HandleMember::Update, Leads::Request, EdgeKind::Owned));
        }
        if access.delete && type_r.deletable {
            out.push((HandleMember::Delete, Leads::Request, EdgeKind::Owned));
        }
        if type_r.navigable {
            let mut chain: Vec<TypeId> = model.ancestry(item).collect();
            chain.reverse();
            for &t in &chain {
                let Some(s) = model.structured(t) else {
                    continue;
                };
                for n in &s.navigations {
                    self.navigation_members(item, t, n, vec![n.name.clone()], &mut out);
                }
            }
            for (path, complex, declaring, n) in self.complex_navigations(item) {
                self.navigation_members(complex, declaring, n, path, &mut out);
            }
        }
        for d in self.derived_entities(item) {
            out.push((
                HandleMember::Cast(d),
                Leads::Node(Node::Entity(d), access),
                EdgeKind::Reference,
            ));
        }
        if model
            .ancestry(item)
            .any(|t| model.structured(t).is_some_and(|s| s.has_stream))
        {
            out.push((HandleMember::Media, Leads::Request, EdgeKind::Owned));
        }
        for p in model.all_properties(item) {
            if p.ty.item == ItemType::Primitive(Primitive::Stream) && !p.ty.collection {
                out.push((
                    HandleMember::Stream(p.name.clone()),
                    Leads::Request,
                    EdgeKind::Owned,
                ));
            }
        }
        for op in self.bound_operations(item, false) {
            out.push((
                HandleMember::Call(op),
                self.call_target(op),
                EdgeKind::Owned,
            ));
        }
        out
    }

    /// The members a navigation property gives an entity handle, where `path` reaches
    /// it on the type `reached` (the entity's or a complex property's): the
    /// navigation, and `$ref` of a single-valued one without containment.
    fn navigation_members(
        &self,
        reached: TypeId,
        declaring: TypeId,
        n: &NavigationDef,
        path: Vec<String>,
        out: &mut Vec<(HandleMember, Leads, EdgeKind)>,
    ) {
        if !self.is_navigable(declaring, &n.name) {
            return;
        }
        let kind = if n.contains_target {
            EdgeKind::Owned
        } else {
            EdgeKind::Reference
        };
        let leads = if n.collection {
            Node::Nav(
                self.model
                    .find_navigation(reached, &n.name)
                    .map_or(reached, |(d, _)| d),
                n.name.clone(),
            )
        } else {
            Node::Entity(n.target)
        };
        let target_r = self
            .navigation_restrictions(declaring, n)
            .and(self.type_restrictions(n.target));
        let nav_access = if n.contains_target {
            Access {
                update: target_r.updatable,
                delete: target_r.deletable,
            }
        } else {
            Access::default()
        };
        out.push((
            HandleMember::Navigate(path.clone()),
            Leads::Node(leads, nav_access),
            kind,
        ));
        if !n.contains_target && !n.collection && target_r.referenceable {
            out.push((HandleMember::NavRef(path), Leads::Request, EdgeKind::Owned));
        }
    }

    /// The navigation properties of the types of `t`'s single-valued complex properties
    /// (declared or inherited, of the declared type and its base types), and of theirs,
    /// [`COMPLEX_DEPTH`] deep: each with its wire path, the property's declared type,
    /// the type declaring the navigation and its definition. A complex type is not
    /// entered again below itself. Collections of complex values are left out: a URL
    /// cannot address one of their items.
    fn complex_navigations(&self, t: TypeId) -> Vec<ComplexNavigation<'m>> {
        let mut out = Vec::new();
        self.collect_complex_navigations(t, &mut Vec::new(), &mut Vec::new(), &mut out);
        out
    }

    fn collect_complex_navigations(
        &self,
        t: TypeId,
        through: &mut Vec<String>,
        entered: &mut Vec<TypeId>,
        out: &mut Vec<ComplexNavigation<'m>>,
    ) {
        if through.len() == COMPLEX_DEPTH {
            return;
        }
        let model = self.model;
        for p in model.all_properties(t) {
            let TypeRef {
                item: ItemType::Named(complex),
                collection: false,
            } = p.ty
            else {
                continue;
            };
            if !self.navigating_complex.contains(&complex) || entered.contains(&complex) {
                continue;
            }
            through.push(p.name.clone());
            entered.push(complex);
            let mut chain: Vec<TypeId> = model.ancestry(complex).collect();
            chain.reverse();
            for declaring in chain {
                for n in model
                    .structured(declaring)
                    .into_iter()
                    .flat_map(|s| &s.navigations)
                {
                    let mut path = through.clone();
                    path.push(n.name.clone());
                    out.push((path, complex, declaring, n));
                }
            }
            self.collect_complex_navigations(complex, through, entered, out);
            entered.pop();
            through.pop();
        }
    }

    /// The URL segments a member appends; empty for requests on the handle itself.
    pub fn segments(&self, member: &HandleMember) -> Vec<String> {
        match member {
            HandleMember::Navigate(path) => path.clone(),
            HandleMember::Stream(name) => vec![name.clone()],
            HandleMember::Key => vec!["{key}".to_owned()],
            HandleMember::Cast(t) => vec![self.model.get(*t).qualified_name()],
            HandleMember::Call(op) => vec![self.model.operation(*op).qualified_name()],
            HandleMember::Count => vec!["$count".to_owned()],
            HandleMember::Refs => vec!["$ref".to_owned()],
            HandleMember::NavRef(path) => path.iter().cloned().chain(["$ref".to_owned()]).collect(),
            HandleMember::Media => vec!["$value".to_owned()],
            HandleMember::List
            | HandleMember::Create
            | HandleMember::Get
            | HandleMember::Update
            | HandleMember::Delete => Vec::new(),
        }
    }
}

/// Complex types with a navigation property (declared or inherited) or with a
/// single-valued complex property of such a type, to a fixed point.
fn navigating_complex(model: &Model) -> HashSet<TypeId> {
    let complex: Vec<TypeId> = model
        .ids()
        .filter(|&t| {
            model
                .structured(t)
                .is_some_and(|s| s.kind == StructuredKind::Complex)
        })
        .collect();
    let mut found: HashSet<TypeId> = complex
        .iter()
        .copied()
        .filter(|&t| !model.all_navigations(t).is_empty())
        .collect();
    loop {
        let more: Vec<TypeId> = complex
            .iter()
            .copied()
            .filter(|t| !found.contains(t))
            .filter(|&t| {
                model.all_properties(t).iter().any(|p| {
                    matches!(p.ty, TypeRef { item: ItemType::Named(c), collection: false } if found.contains(&c))
                })
            })
            .collect();
        if more.is_empty() {
            return found;
        }
        found.extend(more);
    }
}

/// The members a path's steps take, in order, each with the steps it covers: a
/// navigation property reached through single-valued complex properties
/// (`home/country`) is one member. `None` for a drive item addressed by path
/// (`root:/a/b:`) and the set-based `$filter(...)` and `$each`, which no member takes.
pub fn step_members(steps: &[Step]) -> Vec<(Option<HandleMember>, &[Step])> {
    let mut out = Vec::new();
    let mut rest = steps;
    while let Some(first) = rest.first() {
        let (member, taken) = match first {
            Step::Key { .. } => (Some(HandleMember::Key), 1),
            Step::Cast { target, .. } => (Some(HandleMember::Cast(*target)), 1),
            Step::Operation { operation } => (Some(HandleMember::Call(*operation)), 1),
            // Drive items addressed by path and set-based requests are not in the
            // request builders.
            Step::ItemPath { .. } | Step::FilterSegment { .. } | Step::Each => (None, 1),
            Step::Property { name, .. } | Step::Navigation { name, .. } => {
                match navigation_path(rest) {
                    Some(path) => {
                        let taken = path.len();
                        (Some(HandleMember::Navigate(path)), taken)
                    }
                    None => (Some(HandleMember::Stream(name.clone())), 1),
                }
            }
        };
        let (these, after) = rest.split_at(taken);
        out.push((member, these));
        rest = after;
    }
    out
}

/// The wire path of the navigation property `steps` begin with, after any number of
/// single-valued (complex) properties; `None` if they do not begin so.
fn navigation_path(steps: &[Step]) -> Option<Vec<String>> {
    let mut path = Vec::new();
    for step in steps {
        match step {
            Step::Property {
                name,
                collection: false,
                ..
            } => path.push(name.clone()),
            Step::Navigation { name, .. } => {
                path.push(name.clone());
                return Some(path);
            }
            _ => return None,
        }
    }
    None
}

/// Every `RestrictedProperties` entry of the model by the navigation property its path
/// ends at, walked from the annotated element's type through navigation properties and
/// single-valued complex properties; entries whose path names no navigation are left
/// out.
fn restricted_navigations(model: &Model) -> HashMap<(TypeId, String), Vec<(Restrictions, String)>> {
    let mut annotated: Vec<(TypeId, String, &[RestrictedNavigation])> = Vec::new();
    if let Some(c) = &model.container {
        for s in &c.entity_sets {
            annotated.push((
                s.entity_type,
                format!("entity set `{}`", s.name),
                &s.restricted_navigations,
            ));
        }
        for s in &c.singletons {
            annotated.push((
                s.ty,
                format!("singleton `{}`", s.name),
                &s.restricted_navigations,
            ));
        }
    }
    for t in model.ids() {
        if let Some(s) = model.structured(t) {
            if !s.restricted_navigations.is_empty() {
                let place = format!("entity type `{}`", model.get(t).qualified_name());
                annotated.push((t, place, &s.restricted_navigations));
            }
        }
    }
    let mut out: HashMap<(TypeId, String), Vec<(Restrictions, String)>> = HashMap::new();
    for (ty, place, entries) in annotated {
        for entry in entries {
            let mut current = ty;
            let mut last = None;
            for segment in entry.path.split('/') {
                if let Some((declaring, nav)) = model.find_navigation(current, segment) {
                    last = Some((declaring, nav.name.clone()));
                    current = nav.target;
                    continue;
                }
                last = None;
                match model.find_property(current, segment).map(|(_, p)| p.ty) {
                    Some(TypeRef {
                        item: ItemType::Named(complex),
                        collection: false,
                    }) => current = complex,
                    _ => break,
                }
            }
            if let Some(key) = last {
                out.entry(key).or_default().push((
                    entry.restrictions,
                    format!(
                        "{place} (its `RestrictedProperties` entry for `{}`)",
                        entry.path
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::model::test_model;

    /// People own their trips by containment and point at airlines, which another root
    /// owns; employees are people; `me` is a person; people can be promoted.
    pub(in crate::service) fn model() -> Model {
        test_model(
            r#"Namespace="t""#,
            r#"<EntityType Name="person"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/>
                 <NavigationProperty Name="trips" Type="Collection(t.trip)" ContainsTarget="true"/>
                 <NavigationProperty Name="airline" Type="t.airline"/></EntityType>
               <EntityType Name="employee" BaseType="t.person">
                 <Property Name="office" Type="Edm.String"/></EntityType>
               <EntityType Name="trip"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.Int32" Nullable="false"/></EntityType>
               <EntityType Name="airline"><Key><PropertyRef Name="code"/></Key>
                 <Property Name="code" Type="Edm.String" Nullable="false"/></EntityType>
               <Action Name="promote" IsBound="true">
                 <Parameter Name="person" Type="t.person"/></Action>
               <EntityContainer Name="c">
                 <EntitySet Name="people" EntityType="t.person">
                   <NavigationPropertyBinding Path="airline" Target="airlines"/></EntitySet>
                 <EntitySet Name="airlines" EntityType="t.airline"/>
                 <Singleton Name="me" Type="t.person"/>
               </EntityContainer>"#,
        )
    }

    pub(in crate::service) fn type_id(model: &Model, name: &str) -> TypeId {
        model.lookup(name).expect("the test type exists")
    }

    const FULL: Access = Access {
        update: true,
        delete: true,
    };

    fn offered(service: &Service<'_>, node: &Node) -> Vec<(HandleMember, Option<Node>, EdgeKind)> {
        service
            .members(node, FULL)
            .into_iter()
            .map(|(member, leads, kind)| {
                let target = match leads {
                    Leads::Node(node, _) => Some(node),
                    Leads::Request => None,
                };
                (member, target, kind)
            })
            .collect()
    }

    #[test]
    fn navigation_belongs_to_the_type_and_containment_is_owned() {
        let model = model();
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let members = offered(&service, &Node::Entity(person));
        let trips = Node::Nav(person, "trips".to_owned());
        assert!(members.contains(&(
            HandleMember::Navigate(vec!["trips".to_owned()]),
            Some(trips.clone()),
            EdgeKind::Owned
        )));
        let airline = type_id(&model, "t.airline");
        assert!(members.contains(&(
            HandleMember::Navigate(vec!["airline".to_owned()]),
            Some(Node::Entity(airline)),
            EdgeKind::Reference
        )));
        let employee = type_id(&model, "t.employee");
        assert!(members.contains(&(
            HandleMember::Cast(employee),
            Some(Node::Entity(employee)),
            EdgeKind::Reference
        )));
        for request in [
            HandleMember::Get,
            HandleMember::Update,
            HandleMember::Delete,
        ] {
            assert!(
                members
                    .iter()
                    .any(|(m, to, _)| *m == request && to.is_none())
            );
        }
        assert!(
            members
                .iter()
                .any(|(m, _, _)| matches!(m, HandleMember::Call(_)))
        );
        // The derived type inherits the navigation and the bound action.
        let derived = offered(&service, &Node::Entity(employee));
        assert!(derived.iter().any(|(m, to, _)| {
            *m == HandleMember::Navigate(vec!["trips".to_owned()]) && to.as_ref() == Some(&trips)
        }));
        assert!(
            derived
                .iter()
                .any(|(m, _, _)| matches!(m, HandleMember::Call(_)))
        );
    }

    #[test]
    fn navigation_of_single_complex_properties_is_offered_by_its_path() {
        // `place` declares `country`; `address` derives from it, nests itself and
        // declares `neighbours`; only `postalAddress`, derived again, has `office`.
        let model = test_model(
            r#"Namespace="t""#,
            r#"<ComplexType Name="place">
                 <NavigationProperty Name="country" Type="t.country"/></ComplexType>
               <ComplexType Name="address" BaseType="t.place">
                 <Property Name="city" Type="Edm.String"/>
                 <Property Name="previous" Type="t.address"/>
                 <NavigationProperty Name="neighbours" Type="Collection(t.person)"/></ComplexType>
               <ComplexType Name="postalAddress" BaseType="t.address">
                 <NavigationProperty Name="office" Type="t.country"/></ComplexType>
               <ComplexType Name="plain"><Property Name="note" Type="Edm.String"/></ComplexType>
               <EntityType Name="person"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/>
                 <Property Name="home" Type="t.address"/>
                 <Property Name="remark" Type="t.plain"/>
                 <Property Name="addresses" Type="Collection(t.address)"/></EntityType>
               <EntityType Name="country"><Key><PropertyRef Name="code"/></Key>
                 <Property Name="code" Type="Edm.String" Nullable="false"/></EntityType>
               <EntityContainer Name="c">
                 <EntitySet Name="people" EntityType="t.person"/>
                 <EntitySet Name="countries" EntityType="t.country"/>
               </EntityContainer>"#,
        );
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let place = type_id(&model, "t.place");
        let address = type_id(&model, "t.address");
        let country = type_id(&model, "t.country");
        let path = |parts: &[&str]| parts.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>();
        let navigations: Vec<_> = offered(&service, &Node::Entity(person))
            .into_iter()
            .filter(|(m, _, _)| matches!(m, HandleMember::Navigate(_) | HandleMember::NavRef(_)))
            .collect();
        assert_eq!(
            navigations,
            [
                (
                    HandleMember::Navigate(path(&["home", "country"])),
                    Some(Node::Entity(country)),
                    EdgeKind::Reference
                ),
                (
                    HandleMember::NavRef(path(&["home", "country"])),
                    None,
                    EdgeKind::Owned
                ),
                (
                    HandleMember::Navigate(path(&["home", "neighbours"])),
                    Some(Node::Nav(address, "neighbours".to_owned())),
                    EdgeKind::Reference
                ),
            ]
        );
        assert_eq!(
            service.segments(&HandleMember::NavRef(path(&["home", "country"]))),
            ["home", "country", "$ref"]
        );
        // The collection handle is the complex type's, as for an entity type's own.
        assert_eq!(
            service.item_type(&Node::Nav(address, "neighbours".to_owned())),
            Some(person)
        );
        assert_eq!(
            model
                .find_navigation_via(person, &path(&["home", "country"]))
                .map(|(declaring, n)| (declaring, n.name.as_str())),
            Some((place, "country"))
        );
    }

    #[test]
    fn a_collection_lists_creates_counts_and_keys_to_its_items() {
        let model = model();
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let trip = type_id(&model, "t.trip");
        let members = offered(&service, &Node::Nav(person, "trips".to_owned()));
        for request in [
            HandleMember::List,
            HandleMember::Create,
            HandleMember::Count,
        ] {
            assert!(
                members
                    .iter()
                    .any(|(m, to, _)| *m == request && to.is_none())
            );
        }
        assert!(members.contains(&(HandleMember::Key, Some(Node::Entity(trip)), EdgeKind::Owned)));
        assert_eq!(
            service.root_target(&Root::EntitySet("people".to_owned())),
            Some((Node::Set("people".to_owned()), Access::default()))
        );
    }
}
