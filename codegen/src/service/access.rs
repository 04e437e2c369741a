//! Access markers: which handles take what may be done to their entity as a type
//! parameter, and the argument each member that leads to one passes.

use std::collections::{BTreeMap, BTreeSet};

use super::{Access, HandleMember, Node, Selection, Service};

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
pub enum HandleAccess {
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
                if matches!(
                    (&edge.member, node),
                    (HandleMember::Cast(_), Node::Entity(_))
                ) {
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
            update: members.is_some_and(|m| m.contains(&HandleMember::Update)),
            delete: members.is_some_and(|m| m.contains(&HandleMember::Delete)),
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
        from: Option<(&Node, &HandleMember)>,
        target: &Node,
        access: Access,
    ) -> Option<HandleAccess> {
        if !self.is_generic(target) {
            return None;
        }
        let relevant = self.relevant.get(target).copied().unwrap_or_default();
        let access = match from {
            Some((source @ Node::Entity(_), HandleMember::Cast(_))) => {
                if self.is_generic(source) {
                    return Some(HandleAccess::Inherited);
                }
                // A plain handle is reached with one access, which its casts keep.
                self.reached(source).first().copied().unwrap_or_default()
            }
            _ => access,
        };
        Some(HandleAccess::Fixed(access.and(relevant)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::tests::{model, type_id};

    const READ_ONLY: Access = Access {
        update: false,
        delete: false,
    };
    const FULL: Access = Access {
        update: true,
        delete: true,
    };

    #[test]
    fn a_handle_reached_read_only_and_in_full_takes_its_access_as_a_parameter() {
        let model = model();
        let service = Service::new(&model);
        let mut selection = Selection::default();
        selection.select_all(&service);
        let types = AccessTypes::new(&service, &selection);
        let airline = Node::Entity(type_id(&model, "t.airline"));
        let person = Node::Entity(type_id(&model, "t.person"));
        // `/airlines/{code}` may be updated and deleted; `/people/{id}/airline` only read.
        assert!(types.is_generic(&airline));
        let navigate = HandleMember::Navigate(vec!["airline".to_owned()]);
        assert_eq!(
            types.argument(Some((&person, &navigate)), &airline, READ_ONLY),
            Some(HandleAccess::Fixed(READ_ONLY))
        );
        let airlines = Node::Set("airlines".to_owned());
        assert_eq!(
            types.argument(Some((&airlines, &HandleMember::Key)), &airline, FULL),
            Some(HandleAccess::Fixed(FULL))
        );
        // Trips are only reached through their owner: one access, a plain handle.
        let trip = Node::Entity(type_id(&model, "t.trip"));
        assert!(!types.is_generic(&trip));
        assert_eq!(types.argument(None, &trip, FULL), None);
    }

    #[test]
    fn a_cast_of_a_generic_handle_inherits_its_parameter() {
        let model = model();
        let service = Service::new(&model);
        let mut selection = Selection::default();
        selection.select_all(&service);
        let types = AccessTypes::new(&service, &selection);
        let person = Node::Entity(type_id(&model, "t.person"));
        let employee_id = type_id(&model, "t.employee");
        let employee = Node::Entity(employee_id);
        let cast = HandleMember::Cast(employee_id);
        // `/people/{id}` may be deleted, `/me` (a singleton) not.
        assert!(types.is_generic(&person));
        assert!(types.is_generic(&employee));
        assert_eq!(
            types.argument(Some((&person, &cast)), &employee, FULL),
            Some(HandleAccess::Inherited)
        );
    }
}
