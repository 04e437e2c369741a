//! Which Cargo feature compiles what, and the closure of model types the selected
//! requests read or write.
//!
//! Each root (entity set, singleton, operation import) gets a feature. A feature owns
//! the handles its containment tree reaches: keys, casts, containment navigation and
//! bound operations, to any depth. A navigation property without containment leads to
//! entities another root owns, so its method compiles only when that root's feature is
//! on too; a handle no root reaches by containment belongs to the roots that point at
//! it. Model types compile with every feature whose requests use them, directly or
//! through properties and derived types. Items that more than [`SHARED_THRESHOLD`]
//! features need compile with `shared`, which every root feature enables, so `cfg`
//! attributes stay short.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::ir::{Cfg, Feature};
use crate::model::{ItemType, Model, TypeId, TypeKind, TypeRef};
use crate::path::Root;
use crate::service::{EdgeKind, HandleMember, Node, Selection, Service};

/// Items needed by more root features than this compile with the `shared` feature.
pub const SHARED_THRESHOLD: usize = 8;
pub const SHARED: &str = "shared";
pub const FULL: &str = "full";

/// A set of root indexes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Bits(Vec<u64>);

impl Bits {
    fn insert(&mut self, i: usize) -> bool {
        let (word, bit) = (i / 64, 1u64 << (i % 64));
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        let changed = self.0[word] & bit == 0;
        self.0[word] |= bit;
        changed
    }

    /// Adds `other`; returns whether anything was new.
    fn union_with(&mut self, other: &Bits) -> bool {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        let mut changed = false;
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            let merged = *a | b;
            changed |= merged != *a;
            *a = merged;
        }
        changed
    }

    fn is_superset(&self, other: &Bits) -> bool {
        other
            .0
            .iter()
            .enumerate()
            .all(|(i, b)| self.0.get(i).copied().unwrap_or(0) & b == *b)
    }

    fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &bits)| {
            (0..64)
                .filter(move |b| bits & (1 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

/// When an item compiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gate {
    /// No features: always.
    Always,
    /// With any of these roots' features.
    Roots(Bits),
    /// With any root feature: many need it.
    Shared,
    /// Only with `full`: no root reaches it (a type `--all` emits).
    Full,
}

impl Gate {
    /// Whether this item exists whenever `other` does.
    fn covers(&self, other: &Gate) -> bool {
        match (self, other) {
            (Gate::Always, _) | (Gate::Shared, Gate::Roots(_) | Gate::Shared) => true,
            (Gate::Roots(a), Gate::Roots(b)) => a.is_superset(b),
            (Gate::Full, Gate::Full) => true,
            _ => false,
        }
    }
}

pub struct Features {
    enabled: bool,
    /// Feature names of the roots, by root index.
    names: Vec<String>,
    root_index: BTreeMap<Root, usize>,
    nodes: HashMap<Node, Bits>,
    types: HashMap<TypeId, Bits>,
    uses_shared: bool,
    /// Navigation handles without containment, with the roots owning their entities.
    service_items: BTreeMap<Node, Bits>,
    /// Model types to emit.
    pub type_closure: BTreeSet<TypeId>,
    /// Types used as declared types that have derived types: they get an enum of
    /// themselves and their derived types.
    pub unions: BTreeSet<TypeId>,
}

impl Features {
    pub fn compute(
        service: &Service<'_>,
        selection: &Selection,
        enabled: bool,
        all_types: bool,
    ) -> Features {
        let model = service.model;
        let roots = super::root_order(service, selection);
        let names = feature_names(&roots);
        let root_index: BTreeMap<Root, usize> = roots
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, r)| (r, i))
            .collect();
        let nodes = node_features(service, selection, &roots);
        let mut features = Features {
            enabled,
            names,
            root_index,
            nodes,
            types: HashMap::new(),
            uses_shared: false,
            type_closure: BTreeSet::new(),
            unions: BTreeSet::new(),
            service_items: BTreeMap::new(),
        };
        // Entities behind a navigation property without containment belong to the
        // roots that own their entity handle: reading or creating them through the
        // navigation needs those roots' features.
        for node in selection.nodes.keys() {
            if !service.is_reference_collection(node) {
                continue;
            }
            let Some(item) = service.item_type(node) else {
                continue;
            };
            if let Some(bits) = features
                .nodes
                .get(&Node::Entity(item))
                .filter(|b| !b.is_empty())
            {
                features.service_items.insert(node.clone(), bits.clone());
            }
        }

        // Seeds of the type closure: what selected requests read and write.
        let mut closure = TypeClosure::new(model);
        for (node, members) in &selection.nodes {
            let item = service.item_type(node);
            for member in members {
                let bits = features.member_bits(node, member);
                match member {
                    HandleMember::List
                    | HandleMember::Get
                    | HandleMember::Create
                    | HandleMember::Update => {
                        if let Some(item) = item {
                            closure.add_use(TypeRef::named(item), &bits);
                        }
                    }
                    HandleMember::Call(op) => closure.add_operation(*op, &bits),
                    _ => {}
                }
            }
        }
        if let Some(container) = &model.container {
            for import in &container.imports {
                let root = Root::OperationImport(import.name.clone());
                let Some(&i) = features.root_index.get(&root) else {
                    continue;
                };
                let mut bits = Bits::default();
                bits.insert(i);
                for &op in &import.operations {
                    closure.add_operation(op, &bits);
                }
            }
        }
        if all_types {
            for id in model.ids() {
                closure.add_present(id);
            }
        }
        closure.run();
        features.types = closure.feats;
        features.uses_shared = enabled
            && (features.nodes.values().chain(features.types.values()))
                .any(|b| b.len() > SHARED_THRESHOLD);
        features.type_closure = closure.present;
        features.unions = closure.unions;
        features
    }

    /// The roots a member of a handle serves: the handle's, or for the entities of a
    /// navigation without containment, their owners'.
    fn member_bits(&self, node: &Node, member: &HandleMember) -> Bits {
        match (member, self.service_items.get(node)) {
            (HandleMember::List | HandleMember::Create | HandleMember::Call(_), Some(owners)) => {
                owners.clone()
            }
            _ => self.nodes.get(node).cloned().unwrap_or_default(),
        }
    }

    /// The `cfg` of a request method on `node`: none unless it reads or writes entities
    /// other roots own.
    pub fn member_cfg(&self, node: &Node, member: &HandleMember) -> Cfg {
        let own = self.node_gate(node);
        let gate = self.gate(Some(&self.member_bits(node, member)));
        if gate.covers(&own) {
            Cfg::always()
        } else {
            self.cfg_of(&gate)
        }
    }

    fn gate(&self, bits: Option<&Bits>) -> Gate {
        if !self.enabled {
            return Gate::Always;
        }
        match bits {
            Some(b) if b.len() > SHARED_THRESHOLD => Gate::Shared,
            Some(b) if !b.is_empty() => Gate::Roots(b.clone()),
            _ => Gate::Full,
        }
    }

    fn cfg_of(&self, gate: &Gate) -> Cfg {
        let any_feature = match gate {
            Gate::Always => Vec::new(),
            Gate::Roots(bits) => bits
                .iter()
                .filter_map(|i| self.names.get(i).cloned())
                .collect(),
            Gate::Shared => vec![SHARED.to_owned()],
            Gate::Full => vec![FULL.to_owned()],
        };
        Cfg { any_feature }
    }

    fn node_gate(&self, node: &Node) -> Gate {
        self.gate(self.nodes.get(node))
    }

    pub fn node_cfg(&self, node: &Node) -> Cfg {
        self.cfg_of(&self.node_gate(node))
    }

    pub fn type_cfg(&self, id: TypeId) -> Cfg {
        self.cfg_of(&self.gate(self.types.get(&id)))
    }

    /// Whether type `to` is generated whenever type `from` is.
    pub fn type_covers(&self, from: TypeId, to: TypeId) -> bool {
        self.type_closure.contains(&to)
            && self
                .gate(self.types.get(&to))
                .covers(&self.gate(self.types.get(&from)))
    }

    /// The `cfg` of a method on `from` that leads to `to`: none when `to` exists
    /// whenever `from` does.
    pub fn edge_cfg(&self, from: &Node, to: &Node) -> Cfg {
        let (from, to) = (self.node_gate(from), self.node_gate(to));
        if to.covers(&from) {
            Cfg::always()
        } else {
            self.cfg_of(&to)
        }
    }

    /// The `cfg` of the service entry point's method for a root.
    pub fn root_cfg(&self, root: &Root) -> Cfg {
        match (self.enabled, self.root_index.get(root)) {
            (true, Some(&i)) => Cfg {
                any_feature: self.names.get(i).cloned().into_iter().collect(),
            },
            _ => Cfg::always(),
        }
    }

    pub fn cargo_features(&self) -> Vec<Feature> {
        if !self.enabled {
            return Vec::new();
        }
        let shared: Vec<String> = if self.uses_shared {
            vec![SHARED.to_owned()]
        } else {
            Vec::new()
        };
        let mut features = vec![Feature {
            name: FULL.to_owned(),
            enables: self.names.clone(),
            comment: "Every entity set, singleton and operation import, and every type.".to_owned(),
        }];
        if self.uses_shared {
            features.push(Feature {
                name: SHARED.to_owned(),
                enables: Vec::new(),
                comment: format!(
                    "Types and handles more than {SHARED_THRESHOLD} features use; every feature below enables it."
                ),
            });
        }
        let mut roots: Vec<(&Root, &usize)> = self.root_index.iter().collect();
        roots.sort_by_key(|(_, i)| **i);
        for (root, &i) in roots {
            let (what, name) = match root {
                Root::EntitySet(n) => ("entity set", n),
                Root::Singleton(n) => ("singleton", n),
                Root::OperationImport(n) => ("operation import", n),
            };
            features.push(Feature {
                name: self.names.get(i).cloned().unwrap_or_default(),
                enables: shared.clone(),
                comment: format!("The {what} `{name}` and what it reaches."),
            });
        }
        features
    }
}

/// Feature names for roots: the wire name where Cargo allows it, unique, never one of
/// the crate's fixed features.
fn feature_names(roots: &[Root]) -> Vec<String> {
    let mut taken: BTreeSet<String> =
        ["default", "client", "azure-identity", "batch", FULL, SHARED]
            .into_iter()
            .map(str::to_owned)
            .collect();
    roots
        .iter()
        .map(|root| {
            let wire = Service::root_name(root);
            let mut base: String = wire
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if !base.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                base.insert(0, '_');
            }
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// Which roots reach each selected handle: by containment first, then, for handles no
/// root contains, through the handles that point at them.
fn node_features(
    service: &Service<'_>,
    selection: &Selection,
    roots: &[Root],
) -> HashMap<Node, Bits> {
    let mut edges: HashMap<&Node, Vec<(Node, EdgeKind)>> = HashMap::new();
    for node in selection.nodes.keys() {
        let out = selection
            .selected_edges(service, node)
            .into_iter()
            .map(|edge| (edge.target, edge.kind))
            .collect();
        edges.insert(node, out);
    }
    let mut feats: HashMap<Node, Bits> = HashMap::new();
    for (i, root) in roots.iter().enumerate() {
        let Some((start, _)) = service.root_target(root) else {
            continue;
        };
        let mut queue = VecDeque::from([start]);
        while let Some(node) = queue.pop_front() {
            if !feats.entry(node.clone()).or_default().insert(i) {
                continue;
            }
            for (target, kind) in edges.get(&node).into_iter().flatten() {
                if *kind == EdgeKind::Owned {
                    queue.push_back(target.clone());
                }
            }
        }
    }
    let orphans: BTreeSet<&Node> = selection
        .nodes
        .keys()
        .filter(|n| feats.get(*n).is_none_or(Bits::is_empty))
        .collect();
    let mut changed = true;
    while changed {
        changed = false;
        for (from, outs) in &edges {
            let Some(from_bits) = feats.get(*from).cloned() else {
                continue;
            };
            for (target, _) in outs {
                if orphans.contains(target) {
                    changed |= feats
                        .entry(target.clone())
                        .or_default()
                        .union_with(&from_bits);
                }
            }
        }
    }
    feats
}

/// The closure of model types: what is used, what their properties use, and the
/// derived types of base types used polymorphically; with the features of each.
struct TypeClosure<'m> {
    model: &'m Model,
    present: BTreeSet<TypeId>,
    unions: BTreeSet<TypeId>,
    feats: HashMap<TypeId, Bits>,
    queue: VecDeque<TypeId>,
}

impl<'m> TypeClosure<'m> {
    fn new(model: &'m Model) -> Self {
        Self {
            model,
            present: BTreeSet::new(),
            unions: BTreeSet::new(),
            feats: HashMap::new(),
            queue: VecDeque::new(),
        }
    }

    fn has_derived(&self, id: TypeId) -> bool {
        self.model
            .structured(id)
            .is_some_and(|s| !s.derived.is_empty())
    }

    /// A type is emitted (it may be only a variant of a union).
    fn add_present(&mut self, id: TypeId) {
        if self.present.insert(id) {
            self.queue.push_back(id);
        }
    }

    /// A type is used as a declared type, with features.
    fn add_use(&mut self, ty: TypeRef, bits: &Bits) {
        let ItemType::Named(id) = ty.item else {
            return;
        };
        let mut changed = self.present.insert(id);
        if self.has_derived(id) {
            changed |= self.unions.insert(id);
        }
        changed |= self.feats.entry(id).or_default().union_with(bits);
        if changed {
            self.queue.push_back(id);
        }
    }

    fn add_variant(&mut self, id: TypeId, bits: &Bits) {
        let mut changed = self.present.insert(id);
        changed |= self.feats.entry(id).or_default().union_with(bits);
        if changed {
            self.queue.push_back(id);
        }
    }

    fn add_operation(&mut self, op: crate::model::OperationId, bits: &Bits) {
        let def = self.model.operation(op);
        let uses: Vec<TypeRef> = def
            .parameters
            .iter()
            .map(|p| p.ty)
            .chain(def.return_type.as_ref().map(|r| r.ty))
            .collect();
        for ty in uses {
            self.add_use(ty, bits);
        }
    }

    fn run(&mut self) {
        while let Some(id) = self.queue.pop_front() {
            let bits = self.feats.get(&id).cloned().unwrap_or_default();
            let model = self.model;
            if !matches!(model.get(id).kind, TypeKind::Structured(_)) {
                continue;
            }
            if self.unions.contains(&id) {
                for d in model.descendants(id).into_iter().skip(1) {
                    self.add_variant(d, &bits);
                }
            }
            for p in model.all_properties(id) {
                self.add_use(p.ty, &bits);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_model;

    /// People own their trips by containment and point at airlines, which another root
    /// owns; `me` is a singleton of people.
    fn model() -> Model {
        test_model(
            r#"Namespace="t""#,
            r#"<EntityType Name="person"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.String" Nullable="false"/>
                 <NavigationProperty Name="trips" Type="Collection(t.trip)" ContainsTarget="true"/>
                 <NavigationProperty Name="airline" Type="t.airline"/></EntityType>
               <EntityType Name="trip"><Key><PropertyRef Name="id"/></Key>
                 <Property Name="id" Type="Edm.Int32" Nullable="false"/>
                 <Property Name="budget" Type="t.money"/></EntityType>
               <ComplexType Name="money"><Property Name="amount" Type="Edm.Decimal"/></ComplexType>
               <EntityType Name="airline"><Key><PropertyRef Name="code"/></Key>
                 <Property Name="code" Type="Edm.String" Nullable="false"/></EntityType>
               <EntityContainer Name="c">
                 <EntitySet Name="people" EntityType="t.person">
                   <NavigationPropertyBinding Path="airline" Target="airlines"/></EntitySet>
                 <EntitySet Name="airlines" EntityType="t.airline"/>
                 <Singleton Name="me" Type="t.person"/>
               </EntityContainer>"#,
        )
    }

    fn features(model: &Model, enabled: bool) -> (Service<'_>, Features) {
        let service = Service::new(model);
        let mut selection = Selection::default();
        selection.select_all(&service);
        let features = Features::compute(&service, &selection, enabled, true);
        (service, features)
    }

    fn names(cfg: Cfg) -> Vec<String> {
        cfg.any_feature
    }

    #[test]
    fn each_root_gets_a_feature_and_full_enables_them_all() {
        let model = model();
        let (_, features) = features(&model, true);
        let cargo: Vec<(String, Vec<String>)> = features
            .cargo_features()
            .into_iter()
            .map(|f| (f.name, f.enables))
            .collect();
        let roots: Vec<&str> = cargo
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| ![FULL, SHARED].contains(name))
            .collect();
        assert_eq!(roots, ["people", "airlines", "me"], "{cargo:?}");
        let full = cargo.iter().find(|(name, _)| name == FULL).expect("full");
        for root in roots {
            assert!(full.1.iter().any(|e| e == root), "{full:?}");
        }
        assert_eq!(
            names(features.root_cfg(&Root::EntitySet("people".into()))),
            ["people"]
        );
        assert_eq!(
            names(features.root_cfg(&Root::Singleton("me".into()))),
            ["me"]
        );
    }

    #[test]
    fn contained_types_compile_with_every_root_that_reaches_them() {
        let model = model();
        let (_, features) = features(&model, true);
        let id = |name: &str| model.lookup(name).expect(name);
        // Trips and their money are reached from people and from me.
        assert_eq!(names(features.type_cfg(id("t.trip"))), ["people", "me"]);
        assert_eq!(names(features.type_cfg(id("t.money"))), ["people", "me"]);
        // A person's `airline` compiles only with the airlines' feature, so the type
        // needs no other.
        assert_eq!(names(features.type_cfg(id("t.airline"))), ["airlines"]);
        assert!(features.type_closure.contains(&id("t.money")));
    }

    #[test]
    fn a_navigation_to_another_roots_entities_needs_that_roots_feature() {
        let model = model();
        let (service, features) = features(&model, true);
        let (people, _) = service
            .root_target(&Root::EntitySet("people".into()))
            .expect("a set");
        let (airlines, _) = service
            .root_target(&Root::EntitySet("airlines".into()))
            .expect("a set");
        assert_eq!(names(features.node_cfg(&people)), ["people"]);
        // Leaving people for the airlines' handle compiles with airlines alone.
        assert_eq!(names(features.edge_cfg(&people, &airlines)), ["airlines"]);
        // Staying inside the containment tree needs nothing more.
        assert_eq!(features.edge_cfg(&people, &people), Cfg::always());
    }

    #[test]
    fn without_root_features_everything_always_compiles() {
        let model = model();
        let (service, features) = features(&model, false);
        let (people, _) = service
            .root_target(&Root::EntitySet("people".into()))
            .expect("a set");
        assert!(features.cargo_features().is_empty());
        assert_eq!(features.node_cfg(&people), Cfg::always());
        assert_eq!(
            features.type_cfg(model.lookup("t.trip").expect("trip")),
            Cfg::always()
        );
    }
}
