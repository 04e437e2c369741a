//! The part of the service graph to generate, chosen by doc paths, by globs or whole.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use super::{Access, EdgeKind, HandleMember, Leads, Node, PathGlob, Service, step_members};
use crate::path::{ResolvedPath, Root, Suffix};

/// The part of the graph to generate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Roots offered by the service entry point.
    pub roots: BTreeSet<Root>,
    /// Handles and the members selected on each.
    pub nodes: BTreeMap<Node, BTreeSet<HandleMember>>,
}

impl Selection {
    fn add_member(&mut self, node: &Node, member: HandleMember) {
        self.nodes.entry(node.clone()).or_default().insert(member);
    }

    /// Selects one member of a handle: the request a documented line makes.
    pub fn select_member(&mut self, node: &Node, member: HandleMember) {
        self.add_member(node, member);
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
                (
                    HandleMember::List
                    | HandleMember::Create
                    | HandleMember::Get
                    | HandleMember::Update,
                    _,
                ) => self.add_member(node, member),
                (HandleMember::Key, Leads::Node(item, item_access)) => {
                    self.add_member(node, HandleMember::Key);
                    self.add_node(&item);
                    // The item handle is shared; it gets `get` from a place that allows it.
                    let readable = service.restrictions(node).readable_by_key;
                    for (m, _, _) in service.members(&item, item_access) {
                        if matches!(m, HandleMember::Update | HandleMember::Delete)
                            || (readable && m == HandleMember::Get)
                        {
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
        let mut previous: Option<(Node, HandleMember)> = None;
        for (member, _) in step_members(endpoint) {
            // Drive items addressed by path and set-based requests are not in the
            // request builders.
            let Some(member) = member else {
                return;
            };
            let found = service
                .members(&node, access)
                .into_iter()
                .find(|(m, _, _)| *m == member);
            let Some((member, leads, _)) = found else {
                return;
            };
            self.add_member(&node, member.clone());
            match leads {
                Leads::Node(next, next_access) => {
                    previous = Some((node, member));
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
            Some(Suffix::Count) => HandleMember::Count,
            Some(Suffix::Value) => HandleMember::Media,
            Some(Suffix::Ref) => match (&previous, Service::is_collection(&node)) {
                // `/manager/$ref`: the reference belongs to the entity before.
                (Some((source, HandleMember::Navigate(path))), false) => {
                    let member = HandleMember::NavRef(path.clone());
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
                _ => HandleMember::Refs,
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
        let mut edges: HashMap<State, Vec<(HandleMember, Option<State>)>> = HashMap::new();
        let mut accepted: HashSet<(Node, HandleMember)> = HashSet::new();
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
    pub member: HandleMember,
    pub target: Node,
    /// What may be done to the entity there; a cast's is its source's, here all.
    pub access: Access,
    pub kind: EdgeKind,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Source;
    use crate::path::resolve_path;
    use crate::service::tests::{model, type_id};

    fn select(service: &Service<'_>, written: &str) -> Selection {
        let source = Source::new("p.md", written);
        let (path, _) =
            resolve_path(service.model, written, &source.span(1, 1)).expect("the path resolves");
        let mut selection = Selection::default();
        selection.select_path(service, &path);
        selection
    }

    fn members(selection: &Selection, node: &Node) -> Vec<HandleMember> {
        selection.nodes[node].iter().cloned().collect()
    }

    #[test]
    fn a_documented_collection_selects_its_requests_and_its_items() {
        let model = model();
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let trip = type_id(&model, "t.trip");
        let selection = select(&service, "/people/{id}/trips");
        assert_eq!(
            selection.roots,
            [Root::EntitySet("people".to_owned())].into()
        );
        assert_eq!(
            members(&selection, &Node::Set("people".to_owned())),
            [HandleMember::Key]
        );
        assert_eq!(
            members(&selection, &Node::Entity(person)),
            [HandleMember::Navigate(vec!["trips".to_owned()])]
        );
        assert_eq!(
            members(&selection, &Node::Nav(person, "trips".to_owned())),
            [HandleMember::Key, HandleMember::List, HandleMember::Create]
        );
        assert_eq!(
            members(&selection, &Node::Entity(trip)),
            [
                HandleMember::Get,
                HandleMember::Update,
                HandleMember::Delete
            ]
        );
        // Nothing the page did not name: no `airlines`, no `$count`, no cast.
        assert_eq!(selection.nodes.len(), 4);
    }

    #[test]
    fn a_suffix_selects_only_what_it_names() {
        let model = model();
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let count = select(&service, "/people/{id}/trips/$count");
        assert_eq!(
            members(&count, &Node::Nav(person, "trips".to_owned())),
            [HandleMember::Count]
        );
        let reference = select(&service, "/people/{id}/airline/$ref");
        assert_eq!(
            members(&reference, &Node::Entity(person)),
            [
                HandleMember::Navigate(vec!["airline".to_owned()]),
                HandleMember::NavRef(vec!["airline".to_owned()])
            ]
        );
    }

    #[test]
    fn globs_select_what_they_match_and_everything_is_a_superset() {
        let model = model();
        let service = Service::new(&model);
        let person = type_id(&model, "t.person");
        let mut by_glob = Selection::default();
        by_glob.select_globs(&service, &[PathGlob::parse("/people/*/trips").unwrap()]);
        assert_eq!(by_glob.roots, [Root::EntitySet("people".to_owned())].into());
        assert!(
            by_glob
                .nodes
                .contains_key(&Node::Nav(person, "trips".to_owned()))
        );
        assert!(
            !by_glob
                .nodes
                .keys()
                .any(|n| *n == Node::Set("airlines".to_owned()))
        );

        let mut none = Selection::default();
        none.select_globs(&service, &[PathGlob::parse("/nothing/**").unwrap()]);
        assert!(none.nodes.is_empty());

        let mut all = Selection::default();
        all.select_all(&service);
        assert_eq!(all.roots.len(), 3);
        for (node, selected) in &by_glob.nodes {
            assert!(all.nodes[node].is_superset(selected), "{node:?}");
        }
    }
}
