//! The CSDL reader's output: plain structs that mirror CSDL (OData 4.0 and 4.01), as
//! either of its representations gives it ([`xml`] reads CSDL XML, [`json`] CSDL JSON;
//! [`read_metadata`] picks one),
//! names as written (aliases not yet resolved), borrowed from the document where no
//! entity reference had to be resolved. Every element keeps `at`, the byte offset of its
//! start tag (in CSDL JSON, of its member name); [`Csdl::span`] turns one into a [`Span`]
//! for a diagnostic.

// The structs mirror CSDL whole, each element with its position, so that a later stage
// can use any fact of the document without a change to the readers; not every fact is
// used by one yet.
#![allow(dead_code)]

pub mod json;
pub mod reference;
pub mod xml;

#[cfg(fuzzing)]
pub use xml::attribute_scans;
pub use xml::read_csdl;

use std::borrow::Cow;
use std::sync::Arc;

use crate::diag::{Diagnostic, Source, Span};

/// Text of the document: borrowed, or owned where entity references (or JSON escapes)
/// were resolved.
pub type Text<'a> = Cow<'a, str>;

/// Annotation expressions nest (records in collections in records); real schemas stay
/// under ten levels, so a deeper document is hostile rather than useful.
const MAX_EXPR_DEPTH: usize = 64;

/// Reads the metadata, CSDL JSON or CSDL XML: JSON when its first character other than
/// white space (after a byte order mark) is `{`, which starts no XML document.
pub fn read_metadata(source: &Arc<Source>) -> Result<Csdl<'_>, Diagnostic> {
    let text = source.text.strip_prefix('\u{feff}').unwrap_or(&source.text);
    if text
        .trim_start_matches([' ', '\t', '\r', '\n'])
        .starts_with('{')
    {
        json::read_csdl_json(source)
    } else {
        read_csdl(source)
    }
}

#[derive(Clone, Debug)]
pub struct Csdl<'a> {
    pub source: Arc<Source>,
    /// `Version` of `edmx:Edmx`: "4.0" or "4.01".
    pub version: Text<'a>,
    pub references: Vec<Reference<'a>>,
    pub schemas: Vec<Schema<'a>>,
}

impl<'a> Csdl<'a> {
    /// The span of an element's `at`.
    pub fn span(&self, at: usize) -> Span {
        self.source.span_at(at)
    }

    /// How many types its schemas declare.
    pub fn declared_types(&self) -> usize {
        self.schemas
            .iter()
            .map(|s| {
                let children = &s.children;
                children.structured_types.len()
                    + children.enum_types.len()
                    + children.type_definitions.len()
            })
            .sum()
    }

    /// Its `Annotations` blocks, schema after schema.
    pub fn annotation_blocks(&self) -> impl Iterator<Item = &AnnotationBlock<'a>> {
        self.schemas
            .iter()
            .flat_map(|s| &s.children.annotation_blocks)
    }
}

/// `edmx:Reference`: another CSDL document whose namespaces this one may use.
#[derive(Clone, Debug)]
pub struct Reference<'a> {
    pub uri: Text<'a>,
    pub includes: Vec<Include<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct Include<'a> {
    pub namespace: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct Schema<'a> {
    pub namespace: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub children: SchemaChildren<'a>,
    pub at: usize,
}

/// What a Schema declares.
#[derive(Clone, Debug, Default)]
pub struct SchemaChildren<'a> {
    pub structured_types: Vec<StructuredType<'a>>,
    pub enum_types: Vec<EnumType<'a>>,
    pub type_definitions: Vec<TypeDefinition<'a>>,
    pub operations: Vec<Operation<'a>>,
    pub containers: Vec<EntityContainer<'a>>,
    /// Out-of-line `Annotations` blocks; `Target` paths are resolved later.
    pub annotation_blocks: Vec<AnnotationBlock<'a>>,
    pub annotations: Vec<Annotation<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructuredKind {
    Entity,
    Complex,
}

/// `EntityType` or `ComplexType`.
#[derive(Clone, Debug)]
pub struct StructuredType<'a> {
    pub kind: StructuredKind,
    pub name: Text<'a>,
    pub base_type: Option<Text<'a>>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// `None` when the type declares no `Key` (it may inherit one).
    pub key: Option<Vec<PropertyRef<'a>>>,
    pub properties: Vec<Property<'a>>,
    pub navigation_properties: Vec<NavigationProperty<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

/// A `PropertyRef` of a key; `name` may be a path into a complex property (4.01),
/// in which case `alias` names the key part.
#[derive(Clone, Debug)]
pub struct PropertyRef<'a> {
    pub name: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub at: usize,
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
pub struct Property<'a> {
    pub name: Text<'a>,
    /// As written, e.g. `Edm.String`, `graph.complianceStatus`, `Collection(Edm.Int32)`.
    pub type_name: Text<'a>,
    /// CSDL's default is nullable, so `None` means true.
    pub nullable: Option<bool>,
    pub default_value: Option<Text<'a>>,
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct NavigationProperty<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub nullable: Option<bool>,
    pub partner: Option<Text<'a>>,
    pub contains_target: bool,
    pub referential_constraints: Vec<ReferentialConstraint<'a>>,
    pub on_delete: Option<Text<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct ReferentialConstraint<'a> {
    pub property: Text<'a>,
    pub referenced_property: Text<'a>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct EnumType<'a> {
    pub name: Text<'a>,
    pub underlying_type: Option<Text<'a>>,
    pub is_flags: bool,
    pub members: Vec<EnumMember<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct EnumMember<'a> {
    pub name: Text<'a>,
    /// As written; implicit values are assigned by the model.
    pub value: Option<Text<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct TypeDefinition<'a> {
    pub name: Text<'a>,
    pub underlying_type: Text<'a>,
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

/// `Action` or `Function`.
#[derive(Clone, Debug)]
pub struct Operation<'a> {
    pub kind: OperationKind,
    pub name: Text<'a>,
    pub is_bound: bool,
    pub is_composable: bool,
    pub entity_set_path: Option<Text<'a>>,
    pub parameters: Vec<Parameter<'a>>,
    pub return_type: Option<ReturnType<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct Parameter<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub nullable: Option<bool>,
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct ReturnType<'a> {
    pub type_name: Text<'a>,
    pub nullable: Option<bool>,
    pub facets: Option<Box<Facets>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct EntityContainer<'a> {
    pub name: Text<'a>,
    pub extends: Option<Text<'a>>,
    pub entity_sets: Vec<EntitySet<'a>>,
    pub singletons: Vec<Singleton<'a>>,
    pub action_imports: Vec<OperationImport<'a>>,
    pub function_imports: Vec<OperationImport<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct EntitySet<'a> {
    pub name: Text<'a>,
    pub entity_type: Text<'a>,
    pub include_in_service_document: bool,
    pub bindings: Vec<NavigationPropertyBinding<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct Singleton<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub nullable: Option<bool>,
    pub bindings: Vec<NavigationPropertyBinding<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct NavigationPropertyBinding<'a> {
    pub path: Text<'a>,
    pub target: Text<'a>,
    pub at: usize,
}

/// `ActionImport` (`operation` from its `Action` attribute) or `FunctionImport`.
#[derive(Clone, Debug)]
pub struct OperationImport<'a> {
    pub name: Text<'a>,
    pub operation: Text<'a>,
    pub entity_set: Option<Text<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

/// `Annotations Target="..."`.
#[derive(Clone, Debug)]
pub struct AnnotationBlock<'a> {
    pub target: Text<'a>,
    pub qualifier: Option<Text<'a>>,
    pub annotations: Vec<Annotation<'a>>,
    pub at: usize,
}

#[derive(Clone, Debug)]
pub struct Annotation<'a> {
    /// As written: `Org.OData.Core.V1.Description` or an alias form like `Core.Description`.
    pub term: Text<'a>,
    pub qualifier: Option<Text<'a>>,
    pub value: Expr<'a>,
    pub at: usize,
}

/// An annotation's value: the constant and structural expressions CSDL allows; anything
/// dynamic (`Apply`, `If`, ...) is kept by name only.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr<'a> {
    /// An annotation with no value: a Boolean term means `true`.
    Default,
    String(Text<'a>),
    Bool(bool),
    Int(i64),
    EnumMember(Text<'a>),
    Path(Text<'a>),
    Null,
    /// Another constant (Float, Decimal, Date, Guid, ...): its kind and text.
    Constant {
        kind: Text<'a>,
        text: Text<'a>,
    },
    Record {
        type_name: Option<Text<'a>>,
        properties: Vec<(Text<'a>, Expr<'a>)>,
    },
    Collection(Vec<Expr<'a>>),
    /// A dynamic expression, by element name.
    Other(Text<'a>),
}

impl<'a> Expr<'a> {
    /// The value of a record property, if this is a record.
    pub fn property(&self, name: &str) -> Option<&Expr<'a>> {
        match self {
            Expr::Record { properties, .. } => {
                properties.iter().find(|(n, _)| n == name).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}
