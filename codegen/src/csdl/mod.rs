//! The CSDL reader's output: plain structs that mirror CSDL XML (OData 4.0 and 4.01),
//! names as written (aliases not yet resolved), every element with its [`Span`].

mod reader;

pub use reader::{CODES, read_csdl};

use crate::diag::Span;

#[derive(Clone, Debug)]
pub struct Csdl {
    /// `Version` of `edmx:Edmx`: "4.0" or "4.01".
    pub version: String,
    pub references: Vec<Reference>,
    pub schemas: Vec<Schema>,
}

/// `edmx:Reference`: another CSDL document whose namespaces this one may use.
#[derive(Clone, Debug)]
pub struct Reference {
    pub uri: String,
    pub includes: Vec<Include>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Include {
    pub namespace: String,
    pub alias: Option<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub structured_types: Vec<StructuredType>,
    pub enum_types: Vec<EnumType>,
    pub type_definitions: Vec<TypeDefinition>,
    pub operations: Vec<Operation>,
    pub containers: Vec<EntityContainer>,
    /// Out-of-line `Annotations` blocks; `Target` paths are resolved later.
    pub annotation_blocks: Vec<AnnotationBlock>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructuredKind {
    Entity,
    Complex,
}

/// `EntityType` or `ComplexType`.
#[derive(Clone, Debug)]
pub struct StructuredType {
    pub kind: StructuredKind,
    pub name: String,
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// `None` when the type declares no `Key` (it may inherit one).
    pub key: Option<Vec<PropertyRef>>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

/// A `PropertyRef` of a key; `name` may be a path into a complex property (4.01),
/// in which case `alias` names the key part.
#[derive(Clone, Debug)]
pub struct PropertyRef {
    pub name: String,
    pub alias: Option<String>,
    pub span: Span,
}

/// Type facets shared by properties, parameters, return types and type definitions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facets {
    pub max_length: Option<String>,
    pub precision: Option<String>,
    /// A number or `variable`.
    pub scale: Option<String>,
    pub srid: Option<String>,
    pub unicode: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct Property {
    pub name: String,
    /// As written, e.g. `Edm.String`, `graph.complianceStatus`, `Collection(Edm.Int32)`.
    pub type_name: String,
    /// CSDL's default is nullable, so `None` means true.
    pub nullable: Option<bool>,
    pub default_value: Option<String>,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NavigationProperty {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub partner: Option<String>,
    pub contains_target: bool,
    pub referential_constraints: Vec<ReferentialConstraint>,
    pub on_delete: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ReferentialConstraint {
    pub property: String,
    pub referenced_property: String,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumType {
    pub name: String,
    pub underlying_type: Option<String>,
    pub is_flags: bool,
    pub members: Vec<EnumMember>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EnumMember {
    pub name: String,
    /// As written; implicit values are assigned by the model.
    pub value: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TypeDefinition {
    pub name: String,
    pub underlying_type: String,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

/// `Action` or `Function`.
#[derive(Clone, Debug)]
pub struct Operation {
    pub kind: OperationKind,
    pub name: String,
    pub is_bound: bool,
    pub is_composable: bool,
    pub entity_set_path: Option<String>,
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct ReturnType {
    pub type_name: String,
    pub nullable: Option<bool>,
    pub facets: Facets,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EntityContainer {
    pub name: String,
    pub extends: Option<String>,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub action_imports: Vec<OperationImport>,
    pub function_imports: Vec<OperationImport>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: String,
    pub include_in_service_document: bool,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Singleton {
    pub name: String,
    pub type_name: String,
    pub nullable: Option<bool>,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct NavigationPropertyBinding {
    pub path: String,
    pub target: String,
    pub span: Span,
}

/// `ActionImport` (`operation` from its `Action` attribute) or `FunctionImport`.
#[derive(Clone, Debug)]
pub struct OperationImport {
    pub name: String,
    pub operation: String,
    pub entity_set: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

/// `Annotations Target="..."`.
#[derive(Clone, Debug)]
pub struct AnnotationBlock {
    pub target: String,
    pub qualifier: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Annotation {
    /// As written: `Org.OData.Core.V1.Description` or an alias form like `Core.Description`.
    pub term: String,
    pub qualifier: Option<String>,
    pub value: Expr,
    pub span: Span,
}

/// An annotation's value: the constant and structural expressions CSDL allows; anything
/// dynamic (`Apply`, `If`, ...) is kept by name only.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// An annotation with no value: a Boolean term means `true`.
    Default,
    String(String),
    Bool(bool),
    Int(i64),
    EnumMember(String),
    Path(String),
    Null,
    /// Another constant (Float, Decimal, Date, Guid, ...): its kind and text.
    Constant {
        kind: String,
        text: String,
    },
    Record {
        type_name: Option<String>,
        properties: Vec<(String, Expr)>,
    },
    Collection(Vec<Expr>),
    /// A dynamic expression, by element name.
    Other(String),
}

impl Expr {
    /// The value of a record property, if this is a record.
    pub fn property(&self, name: &str) -> Option<&Expr> {
        match self {
            Expr::Record { properties, .. } => {
                properties.iter().find(|(n, _)| n == name).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}
