//! The generator's IR: what to emit, with every Rust name already chosen and every
//! doc line already written. The emitter turns it into tokens without consulting the
//! model or the pages.

use crate::model::Primitive;

#[derive(Clone, Debug, PartialEq)]
pub struct Crate {
    /// The package name of the generated crate.
    pub package: String,
    /// Default service root for requests, e.g. `https://graph.microsoft.com/beta`.
    pub service_root: Option<String>,
    /// Namespace modules, sorted by path.
    pub modules: Vec<Module>,
    pub requests: Requests,
    pub examples: Vec<ExampleTest>,
}

/// A schema namespace, as nested Rust modules (`microsoft.graph` -> `microsoft::graph`).
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub path: Vec<String>,
    pub namespace: String,
    pub structs: Vec<Struct>,
    pub enums: Vec<Enum>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub name: String,
    /// `#namespace.name`, as `@odata.type` carries it.
    pub odata_type: String,
    pub doc: Vec<String>,
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: RustType,
    pub nullable: bool,
    pub doc: Vec<String>,
}

/// A Rust type named by the IR.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RustType {
    Primitive(Primitive),
    /// A generated type: its module path below the crate root and its name.
    Named {
        module: Vec<String>,
        name: String,
    },
    /// A flags enum's value set.
    Flags {
        module: Vec<String>,
        name: String,
    },
    Vec(Box<RustType>),
    /// A complex type that contains the struct holding it (directly or through other
    /// single-valued properties), so it must live behind a pointer.
    Boxed(Box<RustType>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: String,
    pub doc: Vec<String>,
    pub members: Vec<EnumMember>,
    /// The variant that carries values this crate does not know.
    pub fallback: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumMember {
    pub name: String,
    pub wire: String,
    pub doc: Vec<String>,
}

/// Request builders: one entry point, and navigation handles that belong to types, so
/// the code grows with types x navigation properties, not with paths.
#[derive(Clone, Debug, PartialEq)]
pub struct Requests {
    pub service: ServiceEntry,
    pub handles: Vec<Handle>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceEntry {
    pub name: String,
    pub doc: Vec<String>,
    pub accessors: Vec<Navigation>,
}

/// A method that appends one segment and returns another handle.
#[derive(Clone, Debug, PartialEq)]
pub struct Navigation {
    pub method: String,
    pub segment: String,
    pub handle: String,
    pub doc: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Handle {
    pub name: String,
    pub doc: Vec<String>,
    pub kind: HandleKind,
    pub navigations: Vec<Navigation>,
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum HandleKind {
    /// A collection; `by_key` leads to the item handle.
    Collection { by_key: Option<ByKey> },
    /// A single entity.
    Entity,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ByKey {
    pub method: String,
    /// Parameter names with their key part names in URLs; one part is a plain segment.
    pub parts: Vec<KeyParam>,
    pub handle: String,
    pub doc: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyParam {
    pub name: String,
    pub wire: String,
    pub ty: Primitive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    List,
    Create,
    Get,
    Update,
    Delete,
}

impl OperationKind {
    pub fn method_name(self) -> &'static str {
        match self {
            OperationKind::List => "list",
            OperationKind::Create => "create",
            OperationKind::Get => "get",
            OperationKind::Update => "update",
            OperationKind::Delete => "delete",
        }
    }

    pub fn http_method(self) -> &'static str {
        match self {
            OperationKind::List | OperationKind::Get => "GET",
            OperationKind::Create => "POST",
            OperationKind::Update => "PATCH",
            OperationKind::Delete => "DELETE",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub kind: OperationKind,
    pub method: String,
    /// The model the operation reads or writes.
    pub model: RustType,
    pub success_status: u16,
    pub doc: Vec<String>,
}

/// A test generated from a page's example: calls the request API the way the example's
/// URL reads, and checks the request (and its response) against the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleTest {
    pub name: String,
    /// `file:line` of the example, for the test's comment.
    pub origin: String,
    pub chain: Vec<ChainCall>,
    pub operation: OperationKind,
    pub model: RustType,
    pub service_root: String,
    pub method: String,
    pub url: String,
    pub request_body: Option<String>,
    pub response: Option<ExampleResponse>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ChainCall {
    /// `service.accessor()` or `handle.navigation()`.
    Method(String),
    /// `handle.by_key(values...)`.
    Key { method: String, values: Vec<String> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExampleResponse {
    pub status: u16,
    pub body: Option<String>,
}
