//! Everything an entity container exposes, as a finite graph of request handles.
//!
//! A [`Node`] is a handle: an entity set, a collection-valued navigation property (by the
//! type that declares it), a collection of a derived type reached by a cast, or an entity
//! of a type however it was reached. A [`Member`] is what a handle offers: a step to
//! another handle (navigation, key, cast, composable function) or a request (list,
//! create, get, `$count`, `$ref`, `$value`, an action or function call). Navigation
//! belongs to types, so the graph is linear in types x navigation properties while the
//! paths through it number in the tens of thousands (or are infinite, with recursive
//! containment).
//!
//! [`Selection`] is the part of the graph to generate. It is chosen by walking resolved
//! doc paths ([`Selection::select_path`]), by path globs ([`Selection::select_globs`]),
//! or entirely ([`Selection::select_all`]).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;

use crate::model::{ItemType, Model, OperationId, Primitive, Restrictions, TypeId, TypeRef};
use crate::model::{OperationKind, StructuredKind};
use crate::path::{ResolvedPath, Root, Step, Suffix};

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
    fn and(self, other: Access) -> Access {
        Access {
            update: self.update && other.update,
            delete: self.delete && other.delete,
        }
    }

    /// What either allows.
    fn or(self, other: Access) -> Access {
        Access {
            update: self.update || other.update,
            delete: self.delete || other.delete,
        }
    }
}

/// What a handle offers.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    /// A navigation property of the item type or of one of its base types.
    Navigate(String),
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
    /// `$ref` of a single-valued non-containment navigation property of an entity.
    NavRef(String),
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

/// What a handle offers, with full access, as [`Service::members`] computes it.
type Members = Rc<Vec<(Member, Leads, EdgeKind)>>;

/// Indexes the model for graph queries: bound operations by binding type, and the
/// members of each handle once computed (every stage asks for them again).
pub struct Service<'m> {
    pub model: &'m Model,
    entity_bound: HashMap<TypeId, Vec<OperationId>>,
    collection_bound: HashMap<TypeId, Vec<OperationId>>,
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
            entity_bound,
            collection_bound,
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
                        // A singleton always exists; it cannot be deleted.
                        delete: false,
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
                .map(|(_, n)| n.restrictions)
                .unwrap_or_default(),
            Node::Collection(_) | Node::Entity(_) => Restrictions::default(),
        };
        own.and(item)
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
    pub fn members(&self, node: &Node, access: Access) -> Vec<(Member, Leads, EdgeKind)> {
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
                Member::Update => access.update,
                Member::Delete => access.delete,
                _ => true,
            })
            .map(|(m, leads, kind)| {
                // A cast keeps the access of the entity it views.
                let leads = match (m, leads) {
                    (Member::Cast(_), Leads::Node(target @ Node::Entity(_), _)) => {
                        Leads::Node(target.clone(), access)
                    }
                    _ => leads.clone(),
                };
                (m.clone(), leads, *kind)
            })
            .collect()
    }

    fn compute_members(&self, node: &Node, access: Access) -> Vec<(Member, Leads, EdgeKind)> {
        let model = self.model;
        let Some(item) = self.item_type(node) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if Self::is_collection(node) {
            let r = self.restrictions(node);
            out.push((Member::List, Leads::Request, EdgeKind::Owned));
            if r.countable {
                out.push((Member::Count, Leads::Request, EdgeKind::Owned));
            }
            if r.insertable && !matches!(node, Node::Collection(_)) {
                out.push((Member::Create, Leads::Request, EdgeKind::Owned));
            }
            if self.has_key(item) {
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
                    Member::Key,
                    Leads::Node(Node::Entity(item), access),
                    EdgeKind::Owned,
                ));
            }
            if !matches!(node, Node::Collection(_)) {
                for d in self.derived_entities(item) {
                    out.push((
                        Member::Cast(d),
                        Leads::Node(Node::Collection(d), Access::default()),
                        EdgeKind::Reference,
                    ));
                }
            }
            if self.is_reference_collection(node) && r.referenceable {
                out.push((Member::Refs, Leads::Request, EdgeKind::Owned));
            }
            for op in self.bound_operations(item, true) {
                out.push((Member::Call(op), self.call_target(op), EdgeKind::Owned));
            }
            return out;
        }
        let type_r = self.type_restrictions(item);
        out.push((Member::Get, Leads::Request, EdgeKind::Owned));
        if access.update && type_r.updatable {
            out.push((Member::Update, Leads::Request, EdgeKind::Owned));
        }
        if access.delete && type_r.deletable {
            out.push((Member::Delete, Leads::Request, EdgeKind::Owned));
        }
        if type_r.navigable {
            let mut chain: Vec<TypeId> = model.ancestry(item).collect();
            chain.reverse();
            for s in chain.iter().filter_map(|&t| model.structured(t)) {
                for n in &s.navigations {
                    let kind = if n.contains_target {
                        EdgeKind::Owned
                    } else {
                        EdgeKind::Reference
                    };
                    let leads = if n.collection {
                        Node::Nav(
                            self.model
                                .find_navigation(item, &n.name)
                                .map_or(item, |(d, _)| d),
                            n.name.clone(),
                        )
                    } else {
                        Node::Entity(n.target)
                    };
                    let target_r = n.restrictions.and(self.type_restrictions(n.target));
                    let nav_access = if n.contains_target {
                        Access {
                            update: target_r.updatable,
                            delete: target_r.deletable,
                        }
                    } else {
                        Access::default()
                    };
                    out.push((
                        Member::Navigate(n.name.clone()),
                        Leads::Node(leads, nav_access),
                        kind,
                    ));
                    if !n.contains_target && !n.collection && target_r.referenceable {
                        out.push((
                            Member::NavRef(n.name.clone()),
                            Leads::Request,
                            EdgeKind::Owned,
                        ));
                    }
                }
            }
        }
        for d in self.derived_entities(item) {
            out.push((
                Member::Cast(d),
                Leads::Node(Node::Entity(d), access),
                EdgeKind::Reference,
            ));
        }
        if model
            .ancestry(item)
            .any(|t| model.structured(t).is_some_and(|s| s.has_stream))
        {
            out.push((Member::Media, Leads::Request, EdgeKind::Owned));
        }
        for p in model.all_properties(item) {
            if p.ty.item == ItemType::Primitive(Primitive::Stream) && !p.ty.collection {
                out.push((
                    Member::Stream(p.name.clone()),
                    Leads::Request,
                    EdgeKind::Owned,
                ));
            }
        }
        for op in self.bound_operations(item, false) {
            out.push((Member::Call(op), self.call_target(op), EdgeKind::Owned));
        }
        out
    }

    /// The URL segments a member appends; empty for requests on the handle itself.
    pub fn segments(&self, member: &Member) -> Vec<String> {
        match member {
            Member::Navigate(name) | Member::Stream(name) => vec![name.clone()],
            Member::Key => vec!["{key}".to_owned()],
            Member::Cast(t) => vec![self.model.get(*t).qualified_name()],
            Member::Call(op) => vec![self.model.operation(*op).qualified_name()],
            Member::Count => vec!["$count".to_owned()],
            Member::Refs => vec!["$ref".to_owned()],
            Member::NavRef(name) => vec![name.clone(), "$ref".to_owned()],
            Member::Media => vec!["$value".to_owned()],
            Member::List | Member::Create | Member::Get | Member::Update | Member::Delete => {
                Vec::new()
            }
        }
    }
}

/// The part of the graph to generate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Roots offered by the service entry point.
    pub roots: BTreeSet<Root>,
    /// Handles and the members selected on each.
    pub nodes: BTreeMap<Node, BTreeSet<Member>>,
}

impl Selection {
    fn add_member(&mut self, node: &Node, member: Member) {
        self.nodes.entry(node.clone()).or_default().insert(member);
    }

    fn add_node(&mut self, node: &Node) {
        self.nodes.entry(node.clone()).or_default();
    }

    /// Selects the requests a documented endpoint allows: list and create on a
    /// collection, with get, update and delete on its items; get and update on an entity.
    fn select_endpoint(&mut self, service: &Service<'_>, node: &Node, access: Access) {
        self.add_node(node);
        for (member, leads, _) in service.members(node, access) {
            match (&member, leads) {
                (Member::List | Member::Create | Member::Get | Member::Update, _) => {
                    self.add_member(node, member)
                }
                (Member::Key, Leads::Node(item, item_access)) => {
                    self.add_member(node, Member::Key);
                    self.add_node(&item);
                    for (m, _, _) in service.members(&item, item_access) {
                        if matches!(m, Member::Get | Member::Update | Member::Delete) {
                            self.add_member(&item, m);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Selects everything the container exposes.
    pub fn select_all(&mut self, service: &Service<'_>) {
        let mut seen: HashSet<(Node, Access)> = HashSet::new();
        let mut queue: VecDeque<(Node, Access)> = VecDeque::new();
        for root in service.roots() {
            self.roots.insert(root.clone());
            if let Some(target) = service.root_target(&root) {
                queue.push_back(target);
            }
        }
        while let Some((node, access)) = queue.pop_front() {
            if !seen.insert((node.clone(), access)) {
                continue;
            }
            self.add_node(&node);
            for (member, leads, _) in service.members(&node, access) {
                self.add_member(&node, member);
                if let Leads::Node(next, next_access) = leads {
                    queue.push_back((next, next_access));
                }
            }
        }
    }

    /// Selects what a resolved doc path reaches: the handles along it, and at its end the
    /// endpoint's requests, or the `$ref`/`$count`/`$value` or call it names.
    pub fn select_path(&mut self, service: &Service<'_>, path: &ResolvedPath) {
        self.roots.insert(path.root.clone());
        let Some((mut node, mut access)) = service.root_target(&path.root) else {
            return;
        };
        self.add_node(&node);
        let (_, endpoint) = path.endpoint();
        let mut previous: Option<(Node, &Step)> = None;
        for step in endpoint {
            let member = match step {
                Step::Key { .. } => Member::Key,
                Step::Navigation { name, .. } => Member::Navigate(name.clone()),
                Step::Cast { target, .. } => Member::Cast(*target),
                Step::Operation { operation } => Member::Call(*operation),
                Step::Property { name, .. } => Member::Stream(name.clone()),
                // Drive items addressed by path are not in the request builders.
                Step::ItemPath { .. } => return,
            };
            let found = service
                .members(&node, access)
                .into_iter()
                .find(|(m, _, _)| *m == member);
            let Some((member, leads, _)) = found else {
                return;
            };
            self.add_member(&node, member);
            match leads {
                Leads::Node(next, next_access) => {
                    previous = Some((node, step));
                    node = next;
                    access = next_access;
                    self.add_node(&node);
                }
                // A call or a stream ends the path.
                Leads::Request => return,
            }
        }
        let suffix_member = match path.suffix {
            None => {
                // A key at the very end addresses the item: `endpoint` dropped it, and the
                // collection's endpoint covers the item's requests.
                self.select_endpoint(service, &node, access);
                return;
            }
            Some(Suffix::Count) => Member::Count,
            Some(Suffix::Value) => Member::Media,
            Some(Suffix::Ref) => match (&previous, Service::is_collection(&node)) {
                // `/manager/$ref`: the reference belongs to the entity before.
                (Some((source, Step::Navigation { name, .. })), false) => {
                    let member = Member::NavRef(name.clone());
                    let source = source.clone();
                    if service
                        .members(&source, Access::default())
                        .iter()
                        .any(|(m, _, _)| *m == member)
                    {
                        self.add_member(&source, member);
                    }
                    return;
                }
                _ => Member::Refs,
            },
        };
        if service
            .members(&node, access)
            .iter()
            .any(|(m, _, _)| *m == suffix_member)
        {
            self.add_member(&node, suffix_member);
        }
    }

    /// Selects what path globs match. A glob is `/`-separated segments: a name (with `*`
    /// wildcards inside), `*` for any one segment, `{...}` for a key, `**` for any number
    /// of segments. A glob that ends at a handle selects its endpoint requests; one that
    /// ends at `$count`, `$ref`, `$value`, a stream or a call selects that. `/**`
    /// selects everything.
    pub fn select_globs(&mut self, service: &Service<'_>, globs: &[PathGlob]) {
        for glob in globs {
            self.select_glob(service, glob);
        }
    }

    fn select_glob(&mut self, service: &Service<'_>, glob: &PathGlob) {
        type State = (Node, Access, usize);
        // Forward: every (handle, access, glob position) reachable, with the members
        // taken; accepted members and endpoints are recorded.
        let mut edges: HashMap<State, Vec<(Member, Option<State>)>> = HashMap::new();
        let mut accepted: HashSet<(Node, Member)> = HashSet::new();
        let mut endpoints: HashSet<(Node, Access)> = HashSet::new();
        let mut live: HashSet<State> = HashSet::new();
        let mut queue: VecDeque<State> = VecDeque::new();
        let mut roots: Vec<(Root, Vec<State>, bool)> = Vec::new();
        for root in service.roots() {
            let positions = glob.step(&glob.start(), &[Service::root_name(&root).to_owned()]);
            if positions.is_empty() {
                continue;
            }
            let accepts = positions.iter().any(|&p| glob.accepts(p));
            let mut states = Vec::new();
            if let Some((node, access)) = service.root_target(&root) {
                for &p in &positions {
                    states.push((node.clone(), access, p));
                    queue.push_back((node.clone(), access, p));
                }
            }
            roots.push((root, states, accepts));
        }
        let mut seen: HashSet<State> = HashSet::new();
        while let Some(state) = queue.pop_front() {
            if !seen.insert(state.clone()) {
                continue;
            }
            let (node, access, position) = &state;
            if glob.accepts(*position) {
                endpoints.insert((node.clone(), *access));
                live.insert(state.clone());
            }
            let mut out = Vec::new();
            for (member, leads, _) in service.members(node, *access) {
                let segments = service.segments(&member);
                if segments.is_empty() {
                    continue;
                }
                let next = glob.step(&[*position], &segments);
                if next.is_empty() {
                    continue;
                }
                if next.iter().any(|&p| glob.accepts(p)) {
                    accepted.insert((node.clone(), member.clone()));
                    live.insert(state.clone());
                }
                if let Leads::Node(target, target_access) = leads {
                    for p in next {
                        let next_state = (target.clone(), target_access, p);
                        out.push((member.clone(), Some(next_state.clone())));
                        queue.push_back(next_state);
                    }
                }
            }
            edges.insert(state.clone(), out);
        }
        // Backward: keep the states from which something selected is reachable.
        let mut reverse: HashMap<&State, Vec<&State>> = HashMap::new();
        for (from, outs) in &edges {
            for (_, to) in outs {
                if let Some(to) = to {
                    reverse.entry(to).or_default().push(from);
                }
            }
        }
        let mut pending: Vec<State> = live.iter().cloned().collect();
        while let Some(state) = pending.pop() {
            for &from in reverse.get(&state).into_iter().flatten() {
                if live.insert(from.clone()) {
                    pending.push(from.clone());
                }
            }
        }
        for (root, states, accepts) in roots {
            if accepts || states.iter().any(|s| live.contains(s)) {
                self.roots.insert(root);
            }
        }
        for (from, outs) in &edges {
            if !live.contains(from) {
                continue;
            }
            self.add_node(&from.0);
            for (member, to) in outs {
                if to.as_ref().is_some_and(|t| live.contains(t)) {
                    self.add_member(&from.0, member.clone());
                }
            }
        }
        for (node, member) in accepted {
            self.add_member(&node, member);
        }
        let mut endpoints: Vec<_> = endpoints.into_iter().collect();
        endpoints.sort();
        for (node, access) in endpoints {
            self.select_endpoint(service, &node, access);
        }
    }

    /// Handles reachable from `node` through selected members.
    pub fn selected_edges(&self, service: &Service<'_>, node: &Node) -> Vec<Edge> {
        let Some(selected) = self.nodes.get(node) else {
            return Vec::new();
        };
        // Access only adds requests, never edges, so any access lists every edge.
        let all = Access {
            update: true,
            delete: true,
        };
        service
            .members(node, all)
            .into_iter()
            .filter(|(m, _, _)| selected.contains(m))
            .filter_map(|(member, leads, kind)| match leads {
                Leads::Node(target, access) if self.nodes.contains_key(&target) => Some(Edge {
                    member,
                    target,
                    access,
                    kind,
                }),
                _ => None,
            })
            .collect()
    }
}

/// A selected member that leads to another selected handle.
pub struct Edge {
    pub member: Member,
    pub target: Node,
    /// What may be done to the entity there; a cast's is its source's, here all.
    pub access: Access,
    pub kind: EdgeKind,
}

/// Which entity handles carry, as a type parameter, what may be done to their entity
/// where it was reached. A handle is shared by every path to its type, and places may
/// allow different things: Graph forbids deleting `/me/calendar` but not
/// `/me/calendars/{id}`, and an entity behind a navigation without containment is only
/// read there. Such a handle offers `update` and `delete` only when its parameter allows
/// them, so the compiler rejects what the service forbids at the place a path went
/// through. Handles reached with one access everywhere stay plain.
#[derive(Debug, Default)]
pub struct AccessTypes {
    /// Per entity handle: the requests its parameter could matter to, its own `update`
    /// and `delete` and those of the handles its casts lead to.
    relevant: BTreeMap<Node, Access>,
    /// Per entity handle: the accesses it is reached with, within `relevant`.
    reached: BTreeMap<Node, BTreeSet<Access>>,
}

/// The access argument of a handle type a member returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessArgument {
    /// The access of the handle the member belongs to (a cast).
    Inherited,
    Fixed(Access),
}

impl AccessTypes {
    pub fn new(service: &Service<'_>, selection: &Selection) -> Self {
        let mut types = AccessTypes::default();
        let mut entity_casts: Vec<(Node, Node)> = Vec::new();
        let mut arrivals: Vec<(Node, Access)> = Vec::new();
        for root in &selection.roots {
            arrivals.extend(service.root_target(root));
        }
        for node in selection.nodes.keys() {
            for edge in selection.selected_edges(service, node) {
                if matches!((&edge.member, node), (Member::Cast(_), Node::Entity(_))) {
                    entity_casts.push((node.clone(), edge.target));
                } else {
                    arrivals.push((edge.target, edge.access));
                }
            }
        }
        for node in selection.nodes.keys() {
            types.relevant_to(node, selection, &entity_casts);
        }
        for (node, access) in arrivals {
            types.arrive(&node, access);
        }
        // A cast views the same entity: it is reached with every access of its source.
        // Casts lead from base to derived types, so this settles within their depth.
        loop {
            let mut changed = false;
            for (source, target) in &entity_casts {
                let accesses: Vec<Access> = types.reached(source).iter().copied().collect();
                for access in accesses {
                    changed |= types.arrive(target, access);
                }
            }
            if !changed {
                return types;
            }
        }
    }

    fn relevant_to(
        &mut self,
        node: &Node,
        selection: &Selection,
        entity_casts: &[(Node, Node)],
    ) -> Access {
        if let Some(known) = self.relevant.get(node) {
            return *known;
        }
        let members = selection.nodes.get(node);
        let mut relevant = Access {
            update: members.is_some_and(|m| m.contains(&Member::Update)),
            delete: members.is_some_and(|m| m.contains(&Member::Delete)),
        };
        // Entered before the casts, so a cycle (which inheritance rules out) ends.
        self.relevant.insert(node.clone(), relevant);
        for (_, target) in entity_casts.iter().filter(|(source, _)| source == node) {
            relevant = relevant.or(self.relevant_to(target, selection, entity_casts));
        }
        self.relevant.insert(node.clone(), relevant);
        relevant
    }

    /// Records that `node` is reached with `access`; whether that was new.
    fn arrive(&mut self, node: &Node, access: Access) -> bool {
        if !matches!(node, Node::Entity(_)) {
            return false;
        }
        let relevant = self.relevant.get(node).copied().unwrap_or_default();
        self.reached
            .entry(node.clone())
            .or_default()
            .insert(access.and(relevant))
    }

    fn reached(&self, node: &Node) -> &BTreeSet<Access> {
        static NONE: BTreeSet<Access> = BTreeSet::new();
        self.reached.get(node).unwrap_or(&NONE)
    }

    /// Whether the handle of `node` takes the access as a type parameter.
    pub fn is_generic(&self, node: &Node) -> bool {
        self.reached(node).len() > 1
    }

    /// The access argument of `target`'s handle type when a member of a handle (`None`
    /// for the service's entry points) leads there with `access`; `None` for a plain
    /// handle.
    pub fn argument(
        &self,
        from: Option<(&Node, &Member)>,
        target: &Node,
        access: Access,
    ) -> Option<AccessArgument> {
        if !self.is_generic(target) {
            return None;
        }
        let relevant = self.relevant.get(target).copied().unwrap_or_default();
        let access = match from {
            Some((source @ Node::Entity(_), Member::Cast(_))) => {
                if self.is_generic(source) {
                    return Some(AccessArgument::Inherited);
                }
                // A plain handle is reached with one access, which its casts keep.
                self.reached(source).first().copied().unwrap_or_default()
            }
            _ => access,
        };
        Some(AccessArgument::Fixed(access.and(relevant)))
    }
}

/// A parsed `--select` path glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathGlob {
    pub text: String,
    segments: Vec<GlobSegment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum GlobSegment {
    /// `**`
    Any,
    /// `{...}`: a key.
    Key,
    /// A name pattern; `*` matches any run of characters.
    Pattern(String),
}

impl PathGlob {
    /// Parses a glob; an empty glob or an empty segment (`a//b`) is an error.
    pub fn parse(text: &str) -> Result<PathGlob, String> {
        let trimmed = text.trim().trim_start_matches('/');
        if trimmed.is_empty() {
            return Err(format!(
                "the path glob `{text}` is empty; `/**` selects everything"
            ));
        }
        let mut segments = Vec::new();
        for segment in trimmed.trim_end_matches('/').split('/') {
            segments.push(match segment {
                "" => return Err(format!("the path glob `{text}` has an empty segment")),
                "**" => GlobSegment::Any,
                s if s.starts_with('{') && s.ends_with('}') => GlobSegment::Key,
                s => GlobSegment::Pattern(s.to_owned()),
            });
        }
        Ok(PathGlob {
            text: text.to_owned(),
            segments,
        })
    }

    fn start(&self) -> Vec<usize> {
        self.closure(vec![0])
    }

    /// Adds the positions `**` can skip to.
    fn closure(&self, mut positions: Vec<usize>) -> Vec<usize> {
        let mut i = 0;
        while let Some(&p) = positions.get(i) {
            if matches!(self.segments.get(p), Some(GlobSegment::Any))
                && !positions.contains(&(p + 1))
            {
                positions.push(p + 1);
            }
            i += 1;
        }
        positions.sort_unstable();
        positions.dedup();
        positions
    }

    /// The positions after consuming `labels` from any of `positions`.
    fn step(&self, positions: &[usize], labels: &[String]) -> Vec<usize> {
        let mut current = self.closure(positions.to_vec());
        for label in labels {
            let mut next = Vec::new();
            for &p in &current {
                match self.segments.get(p) {
                    Some(GlobSegment::Any) => next.push(p),
                    Some(GlobSegment::Key) if label == "{key}" => next.push(p + 1),
                    Some(GlobSegment::Pattern(pattern)) if segment_matches(pattern, label) => {
                        next.push(p + 1)
                    }
                    _ => {}
                }
            }
            current = self.closure(next);
            if current.is_empty() {
                break;
            }
        }
        current
    }

    fn accepts(&self, position: usize) -> bool {
        position == self.segments.len()
    }
}

/// Whether a segment pattern matches a label. `*` matches any run of characters; a key
/// label matches only `*`; a qualified name (`ns.name`) also matches by its last part.
fn segment_matches(pattern: &str, label: &str) -> bool {
    if label == "{key}" {
        return pattern == "*";
    }
    let unqualified = label
        .rsplit_once('.')
        .filter(|_| !pattern.contains('.'))
        .map(|(_, name)| name);
    wildcard(pattern.as_bytes(), label.as_bytes())
        || unqualified.is_some_and(|name| wildcard(pattern.as_bytes(), name.as_bytes()))
}

/// `*` matches any run of bytes; everything else matches itself. Linear-time greedy
/// matching with backtracking to the last `*`.
fn wildcard(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard(b"*", b"anything"));
        assert!(wildcard(b"mobile*", b"mobileApps"));
        assert!(wildcard(b"*Apps", b"mobileApps"));
        assert!(wildcard(b"m*A*s", b"mobileApps"));
        assert!(!wildcard(b"mobile", b"mobileApps"));
        assert!(!wildcard(b"x*", b"mobileApps"));
        assert!(segment_matches(
            "getMemberGroups",
            "microsoft.graph.getMemberGroups"
        ));
        assert!(!segment_matches(
            "other.getMemberGroups",
            "microsoft.graph.getMemberGroups"
        ));
        assert!(segment_matches("*", "{key}"));
        assert!(!segment_matches("id", "{key}"));
    }

    #[test]
    fn globs_step_through_labels() {
        let glob = PathGlob::parse("/users/{id}/**").unwrap();
        let s = glob.step(&glob.start(), &["users".to_owned()]);
        let s = glob.step(&s, &["{key}".to_owned()]);
        assert!(s.iter().any(|&p| glob.accepts(p)));
        let s = glob.step(&s, &["messages".to_owned(), "$count".to_owned()]);
        assert!(s.iter().any(|&p| glob.accepts(p)));
        let other = glob.step(&glob.start(), &["groups".to_owned()]);
        assert!(other.is_empty());
        assert!(PathGlob::parse("").is_err());
        assert!(PathGlob::parse("/a//b").is_err());
        let all = PathGlob::parse("/**").unwrap();
        assert!(all.start().iter().any(|&p| all.accepts(p)));
    }
}
