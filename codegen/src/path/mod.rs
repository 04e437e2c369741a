//! The OData path IR, and how a written path becomes one.
//!
//! Takes a request line's or an example's URL and the model; gives a [`ResolvedPath`]:
//! where the path starts ([`Root`]), each step after it ([`Step`]), what it ends with
//! ([`Suffix`]) and what it addresses ([`Target`]). The analysis of pages, the service
//! graph and the planner all speak of paths in these terms. [`url`] splits the written
//! text into a service root and segments; [`resolve`] walks the segments through the
//! model.

mod resolve;
mod url;

pub use resolve::resolve_path;
pub use url::service_root_of;

use crate::model::{ItemType, Model, OperationId, TypeId, TypeRef};

/// Where a path starts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Root {
    EntitySet(String),
    Singleton(String),
    /// An unbound action or function called through its import in the container.
    OperationImport(String),
}

/// One step after the root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    /// `{placeholder}` or a literal key; `text` is what the page wrote.
    Key { text: String },
    Navigation {
        /// The type that declares the navigation property.
        declaring: TypeId,
        name: String,
        target: TypeId,
        collection: bool,
    },
    /// A type-cast segment (`microsoft.graph.user`) to a derived type.
    Cast { target: TypeId, collection: bool },
    /// A bound action or function (`microsoft.graph.getMemberGroups`, `delta()`).
    Operation { operation: OperationId },
    /// A structural property (`/photo`, `/manager/displayName`), e.g. before `$value`.
    Property {
        declaring: TypeId,
        name: String,
        collection: bool,
    },
    /// `:/folder/file.txt:` after an entity (`/drive/root:/a/b.txt:`): the entity of the
    /// same type at that path below it. `text` is the path as written, with its leading
    /// `/` and without the colons.
    ItemPath { text: String },
    /// `/$filter(Age gt 60)` after a collection (OData 4.01): the members of the same
    /// collection that match `expression`, written as inside the parentheses.
    FilterSegment { expression: String },
    /// `/$each` after a collection (OData 4.01): each member of it, for a set-based
    /// update or delete or a bound action or function called on every member.
    Each,
}

/// What a path addresses once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Collection(TypeId),
    Entity(TypeId),
    /// A complex, enum or primitive value (or a collection of them): a structural
    /// property, or what a function or action returns.
    Value(TypeRef),
    /// An action that returns nothing.
    Nothing,
}

impl Target {
    /// The entity type addressed, for entities and collections of entities.
    pub fn entity_type(self) -> Option<TypeId> {
        match self {
            Target::Collection(t) | Target::Entity(t) => Some(t),
            Target::Value(_) | Target::Nothing => None,
        }
    }

    /// The type of what the path addresses, as a type reference.
    pub fn type_ref(self) -> Option<TypeRef> {
        match self {
            Target::Collection(t) => Some(TypeRef {
                item: ItemType::Named(t),
                collection: true,
            }),
            Target::Entity(t) => Some(TypeRef {
                item: ItemType::Named(t),
                collection: false,
            }),
            Target::Value(ty) => Some(ty),
            Target::Nothing => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    Ref,
    Count,
    Value,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedPath {
    pub root: Root,
    pub steps: Vec<Step>,
    pub target: Target,
    pub suffix: Option<Suffix>,
    /// `scheme://host/version` when the page wrote an absolute URL.
    pub service_root: Option<String>,
}

impl ResolvedPath {
    /// The path without its final key, if any: the collection (or single entity) it
    /// addresses, which is what the generator selects operations for.
    pub fn endpoint(&self) -> (&Root, &[Step]) {
        match self.steps.split_last() {
            Some((Step::Key { .. }, rest)) => (&self.root, rest),
            _ => (&self.root, &self.steps),
        }
    }

    /// The operation the path calls last: a bound one in its steps, or an import at
    /// its root; `None` when the path addresses data.
    pub fn operation(&self, model: &Model) -> Option<OperationId> {
        let last_step = self.steps.iter().rev().find_map(|s| match s {
            Step::Operation { operation } => Some(Some(*operation)),
            Step::Navigation { .. } | Step::Property { .. } => Some(None),
            Step::Key { .. }
            | Step::Cast { .. }
            | Step::ItemPath { .. }
            | Step::FilterSegment { .. }
            | Step::Each => None,
        });
        match (last_step, &self.root) {
            (Some(found), _) => found,
            (None, Root::OperationImport(name)) => model
                .container
                .as_ref()?
                .imports
                .iter()
                .find(|i| &i.name == name)
                .and_then(|i| i.operations.first().copied()),
            (None, _) => None,
        }
    }
}
