//! The schema model: takes the CSDL reader's [`Csdl`](crate::read::csdl::Csdl), gives
//! every type in one arena addressed by [`TypeId`], names resolved (qualified or
//! aliased), inheritance and keys checked, annotations attached to what they target, each
//! element with its [`Pos`] in the document it came from.

// The model keeps every fact of the schema that CSDL gives, each with its position, for
// the stages after it; not every one is used by one yet.
#![allow(dead_code)]

mod build;
mod documents;

pub use build::build_model;

/// The model of one schema, `<Schema {attributes}>{body}</Schema>`, for unit tests.
/// `Collection(ns.x)`, `ns.x` or `Edm.String`.
pub fn type_ref_name(model: &Model, ty: TypeRef) -> String {
    let item = match ty.item {
        ItemType::Primitive(p) => format!("Edm.{p:?}"),
        ItemType::Named(id) => model.get(id).qualified_name(),
    };
    if ty.collection {
        format!("Collection({item})")
    } else {
        item
    }
}

/// An entity type or a complex type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructuredKind {
    Entity,
    Complex,
}

/// An action or a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

/// Type facets of a property, parameter, return type or type definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    pub max_length: Option<String>,
    pub precision: Option<String>,
    /// A number or `variable`.
    pub scale: Option<String>,
    pub srid: Option<String>,
    pub unicode: Option<bool>,
}

#[cfg(test)]
pub(crate) fn test_model(attributes: &str, body: &str) -> Model {
    let xml = format!(
        r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema {attributes} xmlns="http://docs.oasis-open.org/odata/ns/edm">{body}</Schema></edmx:DataServices></edmx:Edmx>"#
    );
    let source = crate::diag::Source::new("m.xml", xml);
    build_model(&[crate::read::csdl::read_csdl(&source).expect("test schema reads")])
        .expect("test schema builds")
}

use crate::diag::{Pos, Sources, Span};
use rustc_hash::FxHashMap as HashMap;
use std::sync::OnceLock;

/// `namespace.name`, without the formatting machinery: it runs for every type.
pub(crate) fn qualified_name(namespace: &str, name: &str) -> String {
    let mut qualified = String::with_capacity(namespace.len() + 1 + name.len());
    qualified.push_str(namespace);
    qualified.push('.');
    qualified.push_str(name);
    qualified
}

/// Lower-cased name -> the ids of that name, in order: a case-insensitive index.
fn by_lower_name<Id>(names: impl Iterator<Item = (String, Id)>) -> HashMap<String, Vec<Id>> {
    let mut index: HashMap<String, Vec<Id>> = HashMap::default();
    for (name, id) in names {
        index.entry(name.to_lowercase()).or_default().push(id);
    }
    index
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

/// An index into [`Model::operations`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub u32);

#[derive(Debug)]
pub struct Model {
    /// The metadata documents, which the `at` positions of its elements point into.
    sources: Sources,
    pub types: Vec<TypeDef>,
    /// Qualified name (`namespace.name`) -> type.
    by_name: HashMap<String, TypeId>,
    /// Lower-cased qualified name -> types, for case-insensitive matching of doc pages
    /// and error notes; built on first use, as most generations never need it.
    by_lower_name: OnceLock<HashMap<String, Vec<TypeId>>>,
    pub namespaces: Vec<NamespaceInfo>,
    pub container: Option<Container>,
    pub operations: Vec<OperationDef>,
    /// Lower-cased operation name (without namespace) -> its overloads, everywhere;
    /// built on first use, as only doc pages need it.
    operations_by_lower_name: OnceLock<HashMap<String, Vec<OperationId>>>,
}

#[derive(Clone, Debug)]
pub struct NamespaceInfo {
    pub namespace: String,
    pub alias: Option<String>,
}

#[derive(Debug)]
pub struct TypeDef {
    pub namespace: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: TypeKind,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

impl TypeDef {
    pub fn qualified_name(&self) -> String {
        qualified_name(&self.namespace, &self.name)
    }
}

#[derive(Debug)]
pub enum TypeKind {
    Structured(StructDef),
    Enum(EnumDef),
    /// A `TypeDefinition`: a named primitive with facets.
    Definition {
        underlying: Primitive,
        facets: Option<Box<Facets>>,
    },
}

#[derive(Debug)]
pub struct StructDef {
    pub kind: StructuredKind,
    /// Capabilities annotated on the type itself: they apply wherever its entities are.
    pub restrictions: Restrictions,
    pub restricted_navigations: Vec<RestrictedNavigation>,
    pub base: Option<TypeId>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// The key declared here or inherited; empty for complex types.
    pub key: Vec<KeyPart>,
    /// Properties declared on this type only; see [`Model::all_properties`].
    pub properties: Vec<PropertyDef>,
    pub navigations: Vec<NavigationDef>,
    /// Types whose `BaseType` is this one, in declaration order.
    pub derived: Vec<TypeId>,
}

#[derive(Clone, Debug)]
pub struct KeyPart {
    /// The property path, e.g. `id` or `address/street` (4.01).
    pub path: String,
    /// The name of the key part in URLs: the alias, else the path.
    pub name: String,
    pub ty: Primitive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemType {
    Primitive(Primitive),
    Named(TypeId),
}

/// A property's or parameter's type: an item type, possibly as a collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TypeRef {
    pub item: ItemType,
    pub collection: bool,
}

impl TypeRef {
    /// A single value of a named type.
    pub fn named(id: TypeId) -> TypeRef {
        TypeRef {
            item: ItemType::Named(id),
            collection: false,
        }
    }
}

#[derive(Debug)]
pub struct PropertyDef {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub description: Option<String>,
    /// `Core.Computed`: the service sets it; clients do not send it.
    pub computed: bool,
    /// `Core.Immutable`: set when the entity is created, never changed afterwards.
    pub immutable: bool,
    /// `Validation.AllowedValues` of a string property: the only values it takes.
    pub allowed_values: Vec<String>,
    /// `DefaultValue` as written in the schema.
    pub default_value: Option<String>,
    /// `None` when the schema gives no facet, as for most.
    pub facets: Option<Box<Facets>>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

#[derive(Debug)]
pub struct NavigationDef {
    pub name: String,
    pub target: TypeId,
    pub collection: bool,
    pub nullable: bool,
    pub contains_target: bool,
    pub partner: Option<String>,
    /// `OnDelete` `Action`: what deleting the source does to related entities.
    pub on_delete: Option<String>,
    /// `ReferentialConstraint`s: (dependent property, principal property).
    pub referential_constraints: Vec<(String, String)>,
    pub description: Option<String>,
    pub restrictions: Restrictions,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

/// Capabilities annotations that forbid operations on a collection or entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restrictions {
    pub insertable: bool,
    pub updatable: bool,
    pub deletable: bool,
    /// `CountRestrictions/Countable`: whether `$count` is offered.
    pub countable: bool,
    /// `NavigationRestrictions/Navigability` is not `None`: navigation properties of the
    /// target's entities may be followed.
    pub navigable: bool,
    /// `NavigationRestrictions/Referenceable`: whether `$ref` is offered.
    pub referenceable: bool,
    /// `ReadRestrictions/Readable`: whether the collection may be listed.
    pub listable: bool,
    /// `ReadRestrictions/ReadByKeyRestrictions/Readable` (`Readable` without it):
    /// whether an entity may be read by its key.
    pub readable_by_key: bool,
    /// `IndexableByKey`: whether an entity of the collection may be addressed by its key.
    pub indexable_by_key: bool,
    /// `UpdateRestrictions/FilterSegmentSupported` or
    /// `DeleteRestrictions/FilterSegmentSupported` is declared true: members of the
    /// collection may be addressed by `/$filter(...)`. An OData 4.01 feature, so only
    /// an explicit declaration counts (the property's default applies within a record
    /// a 4.0 service writes for other reasons).
    pub filter_segment: bool,
}

/// A `NavigationRestrictions/RestrictedProperties` entry: the restrictions of the
/// navigation property at `path` (`badges`, `trips/planItems`) from the annotated
/// entity set, singleton or entity type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RestrictedNavigation {
    pub path: String,
    pub restrictions: Restrictions,
}

impl Default for Restrictions {
    fn default() -> Self {
        Self {
            insertable: true,
            updatable: true,
            deletable: true,
            countable: true,
            navigable: true,
            referenceable: true,
            listable: true,
            readable_by_key: true,
            indexable_by_key: true,
            filter_segment: false,
        }
    }
}

impl Restrictions {
    /// What both allow.
    pub fn and(self, other: Restrictions) -> Restrictions {
        Restrictions {
            insertable: self.insertable && other.insertable,
            updatable: self.updatable && other.updatable,
            deletable: self.deletable && other.deletable,
            countable: self.countable && other.countable,
            navigable: self.navigable && other.navigable,
            referenceable: self.referenceable && other.referenceable,
            listable: self.listable && other.listable,
            readable_by_key: self.readable_by_key && other.readable_by_key,
            indexable_by_key: self.indexable_by_key && other.indexable_by_key,
            // A declared support, from either.
            filter_segment: self.filter_segment || other.filter_segment,
        }
    }
}

#[derive(Debug)]
pub struct EnumDef {
    pub underlying: Primitive,
    pub is_flags: bool,
    pub members: Vec<EnumMemberDef>,
}

#[derive(Debug)]
pub struct EnumMemberDef {
    pub name: String,
    pub value: i64,
    pub description: Option<String>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

#[derive(Debug)]
pub struct Container {
    pub namespace: String,
    pub name: String,
    pub description: Option<String>,
    /// `Capabilities.KeyAsSegmentSupported`: keys may be written as path segments
    /// (`/People/u`), not only in parentheses (`/People('u')`).
    pub key_as_segment: bool,
    /// `Capabilities.BatchSupported` (true unless annotated false): the service
    /// accepts `$batch` requests.
    pub batch_supported: bool,
    pub entity_sets: Vec<EntitySetDef>,
    pub singletons: Vec<SingletonDef>,
    /// Action and function imports, in declaration order.
    pub imports: Vec<ImportDef>,
}

/// An `ActionImport` or `FunctionImport`: an unbound operation called at the service root.
#[derive(Debug)]
pub struct ImportDef {
    pub name: String,
    pub kind: OperationKind,
    /// The unbound operation(s) of that name: a function import covers every overload.
    pub operations: Vec<OperationId>,
    /// The entity set the returned entities belong to.
    pub entity_set: Option<String>,
    pub description: Option<String>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

#[derive(Debug)]
pub struct EntitySetDef {
    pub name: String,
    pub entity_type: TypeId,
    pub description: Option<String>,
    pub restrictions: Restrictions,
    pub restricted_navigations: Vec<RestrictedNavigation>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

#[derive(Debug)]
pub struct SingletonDef {
    pub name: String,
    pub ty: TypeId,
    /// `Nullable` (OData 4.01): the singleton may be absent, so it may be deleted.
    pub nullable: bool,
    pub description: Option<String>,
    pub restrictions: Restrictions,
    pub restricted_navigations: Vec<RestrictedNavigation>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

#[derive(Debug)]
pub struct OperationDef {
    pub kind: OperationKind,
    pub namespace: String,
    pub name: String,
    /// The binding parameter's type, for bound operations.
    pub binding: Option<TypeRef>,
    /// Parameters after the binding parameter.
    pub parameters: Vec<ParameterDef>,
    pub return_type: Option<ReturnDef>,
    /// Functions only: whether the result can be addressed further.
    pub is_composable: bool,
    /// Where returned entities live, as a path from the binding parameter.
    pub entity_set_path: Option<String>,
    pub description: Option<String>,
    /// Where it is declared: a byte offset of the metadata, see [`Model::span`].
    pub at: Pos,
}

impl OperationDef {
    pub fn qualified_name(&self) -> String {
        qualified_name(&self.namespace, &self.name)
    }

    /// A diagnostic note listing the parameters (after any binding parameter), or
    /// `none` when there are none.
    pub fn parameters_note(&self, none: &str) -> String {
        if self.parameters.is_empty() {
            return none.to_owned();
        }
        let names: Vec<&str> = self.parameters.iter().map(|p| p.name.as_str()).collect();
        format!("its parameters are: {}", names.join(", "))
    }
}

#[derive(Debug)]
pub struct ParameterDef {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    /// `Core.OptionalParameter`: the parameter may be left out.
    pub optional: bool,
    /// `None` when the schema gives no facet, as for most.
    pub facets: Option<Box<Facets>>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub struct ReturnDef {
    pub ty: TypeRef,
    pub nullable: bool,
    /// `None` when the schema gives no facet, as for most.
    pub facets: Option<Box<Facets>>,
}

/// The EDM primitive types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    /// Any `Edm.Geography*` or `Edm.Geometry*` type: GeoJSON on the wire.
    Spatial,
    /// `Edm.Untyped`, `Edm.PrimitiveType` and the other abstract types: any JSON.
    Untyped,
}

impl Primitive {
    /// `Edm.X` -> primitive; `None` for a name that is not an EDM primitive.
    pub fn from_edm_name(name: &str) -> Option<Primitive> {
        use Primitive::*;
        let local = name.strip_prefix("Edm.")?;
        Some(match local {
            "Binary" => Binary,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "Date" => Date,
            "DateTimeOffset" => DateTimeOffset,
            "Decimal" => Decimal,
            "Double" => Double,
            "Duration" => Duration,
            "Guid" => Guid,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "SByte" => SByte,
            "Single" => Single,
            "Stream" => Stream,
            "String" => String,
            "TimeOfDay" => TimeOfDay,
            "Untyped"
            | "PrimitiveType"
            | "ComplexType"
            | "EntityType"
            | "AnyPropertyPath"
            | "PropertyPath"
            | "NavigationPropertyPath"
            | "AnnotationPath" => Untyped,
            spatial if spatial.starts_with("Geography") || spatial.starts_with("Geometry") => {
                Spatial
            }
            _ => return None,
        })
    }
}

impl Model {
    pub fn get(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    pub fn operation(&self, id: OperationId) -> &OperationDef {
        &self.operations[id.0 as usize]
    }

    pub fn operation_ids(&self) -> impl Iterator<Item = OperationId> + '_ {
        (0..self.operations.len()).map(|i| OperationId(i as u32))
    }

    /// The alias of a namespace, if its schema declares one.
    pub fn alias_of(&self, namespace: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|n| n.namespace == namespace)
            .and_then(|n| n.alias.as_deref())
    }

    /// The position of a schema element, from its `at`.
    pub fn span(&self, at: Pos) -> Option<Span> {
        self.sources.span(at)
    }

    pub fn ids(&self) -> impl Iterator<Item = TypeId> + '_ {
        (0..self.types.len()).map(|i| TypeId(i as u32))
    }

    /// Looks a type up by its qualified name as the schema spells it.
    pub fn lookup(&self, qualified_name: &str) -> Option<TypeId> {
        self.by_name.get(qualified_name).copied()
    }

    /// Types whose qualified name equals `qualified_name` ignoring case.
    pub fn lookup_ignore_case(&self, qualified_name: &str) -> &[TypeId] {
        self.by_lower_name
            .get_or_init(|| {
                by_lower_name(
                    self.ids()
                        .zip(&self.types)
                        .map(|(id, def)| (def.qualified_name(), id)),
                )
            })
            .get(&qualified_name.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    pub fn structured(&self, id: TypeId) -> Option<&StructDef> {
        match &self.get(id).kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// `id` and its base types, most derived first.
    pub fn ancestry(&self, id: TypeId) -> impl Iterator<Item = TypeId> + '_ {
        std::iter::successors(Some(id), |&t| self.structured(t).and_then(|s| s.base))
    }

    /// All properties of a structured type, inherited ones first (base-most first).
    pub fn all_properties(&self, id: TypeId) -> Vec<&PropertyDef> {
        let mut chain: Vec<TypeId> = self.ancestry(id).collect();
        chain.reverse();
        chain
            .into_iter()
            .filter_map(|t| self.structured(t))
            .flat_map(|s| s.properties.iter())
            .collect()
    }

    /// The navigation properties of `id` and its base types, base types' first.
    pub fn all_navigations(&self, id: TypeId) -> Vec<&NavigationDef> {
        let mut chain: Vec<TypeId> = self.ancestry(id).collect();
        chain.reverse();
        chain
            .into_iter()
            .filter_map(|t| self.structured(t))
            .flat_map(|s| s.navigations.iter())
            .collect()
    }

    /// A navigation property of `id` or of one of its base types.
    pub fn find_navigation(&self, id: TypeId, name: &str) -> Option<(TypeId, &NavigationDef)> {
        self.ancestry(id).find_map(|t| {
            self.structured(t)?
                .navigations
                .iter()
                .find(|n| n.name == name)
                .map(|n| (t, n))
        })
    }

    /// The navigation property a path of single-valued complex properties and a
    /// navigation property name (`home`, `country`) reaches from `id`, with the type
    /// declaring it.
    pub fn find_navigation_via(
        &self,
        id: TypeId,
        path: &[String],
    ) -> Option<(TypeId, &NavigationDef)> {
        let (name, through) = path.split_last()?;
        let mut current = id;
        for property in through {
            match self.find_property(current, property)?.1.ty {
                TypeRef {
                    item: ItemType::Named(complex),
                    collection: false,
                } => current = complex,
                _ => return None,
            }
        }
        self.find_navigation(current, name)
    }

    /// A structural property of `id` or of one of its base types.
    pub fn find_property(&self, id: TypeId, name: &str) -> Option<(TypeId, &PropertyDef)> {
        self.ancestry(id).find_map(|t| {
            self.structured(t)?
                .properties
                .iter()
                .find(|p| p.name == name)
                .map(|p| (t, p))
        })
    }

    /// Whether `id` or a base type is a media entity (`HasStream`).
    pub fn has_stream(&self, id: TypeId) -> bool {
        self.ancestry(id)
            .any(|t| self.structured(t).is_some_and(|s| s.has_stream))
    }

    /// Operations (bound or not, any namespace) whose name equals `name` ignoring case.
    pub fn operations_named_ignore_case(&self, name: &str) -> &[OperationId] {
        self.operations_by_lower_name
            .get_or_init(|| {
                by_lower_name(
                    self.operations
                        .iter()
                        .enumerate()
                        .map(|(i, operation)| (operation.name.clone(), OperationId(i as u32))),
                )
            })
            .get(&name.to_lowercase())
            .map_or(&[], Vec::as_slice)
    }

    /// The namespace a qualifier names: the namespace whose alias it is (`self` for
    /// `Sample.Service`), else itself.
    pub fn unalias_namespace<'n>(&'n self, qualifier: &'n str) -> &'n str {
        self.namespaces
            .iter()
            .find(|n| n.alias.as_deref() == Some(qualifier))
            .map_or(qualifier, |n| n.namespace.as_str())
    }

    /// Replaces a schema alias that starts `name` (`graph.user`) with its namespace.
    pub fn unalias<'n>(&self, name: &'n str) -> std::borrow::Cow<'n, str> {
        if let Some((prefix, local)) = name.rsplit_once('.') {
            let namespace = self.unalias_namespace(prefix);
            if namespace != prefix {
                return format!("{namespace}.{local}").into();
            }
        }
        name.into()
    }

    /// Whether `id` is `ancestor` or derives from it.
    pub fn derives_from(&self, id: TypeId, ancestor: TypeId) -> bool {
        self.ancestry(id).any(|t| t == ancestor)
    }

    /// `id` and every type deriving from it, transitively, in a stable order.
    pub fn descendants(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = vec![id];
        let mut i = 0;
        while let Some(&t) = out.get(i) {
            if let Some(s) = self.structured(t) {
                out.extend(s.derived.iter().copied());
            }
            i += 1;
        }
        out
    }
}
