//! The generator's IR: what to emit, with every Rust name already chosen and every
//! doc line already written. The emitter turns it into tokens without consulting the
//! model or the pages.

pub use crate::analyse::CrudKind;
use crate::model::Primitive;

/// The name generated modules import the runtime as; no generated module takes it.
pub const RT: &str = "rt";

#[derive(Clone, Debug, PartialEq)]
pub struct Crate {
    /// The package name of the generated crate.
    pub package: String,
    /// Its version.
    pub version: String,
    /// Default service root for requests, e.g. `https://graph.microsoft.com/beta`.
    pub service_root: Option<String>,
    /// Whether the service accepts `$batch` requests: the crate then has a `batch`
    /// feature (on by default) that enables the runtime's.
    pub batch: bool,
    /// Cargo features that compile parts of the crate; empty when everything always
    /// compiles.
    pub features: Vec<Feature>,
    /// Namespace modules, sorted by path.
    pub modules: Vec<Module>,
    pub requests: Requests,
    pub examples: Vec<ExampleTest>,
}

/// A Cargo feature of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feature {
    pub name: String,
    /// Features it enables.
    pub enables: Vec<String>,
    /// The comment above it in `Cargo.toml`.
    pub comment: String,
}

/// When an item compiles: always, or with one of some features.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cfg {
    /// `#[cfg(any(feature = ...))]` over these; empty means always.
    pub any_feature: Vec<String>,
}

impl Cfg {
    pub fn always() -> Self {
        Self::default()
    }
}

/// A schema namespace, as nested Rust modules (`microsoft.graph.callRecords` ->
/// `graph::call_records`, without the parts every namespace shares).
#[derive(Clone, Debug, PartialEq)]
pub struct Module {
    pub path: Vec<String>,
    pub namespace: String,
    pub structs: Vec<Struct>,
    pub unions: Vec<Union>,
    pub enums: Vec<Enum>,
    pub aliases: Vec<Alias>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Struct {
    pub name: String,
    /// `#namespace.name`, as `@odata.type` carries it.
    pub odata_type: String,
    /// An entity type's struct, which carries the entity's `@odata.etag`.
    pub entity: bool,
    pub doc: Vec<String>,
    /// The convention serde derives wire names from field names by; `None` when neither
    /// saves a `rename` over the field names as they are.
    pub rename_all: Option<RenameRule>,
    pub fields: Vec<Field>,
    pub cfg: Cfg,
}

impl Struct {
    /// The `rename` a field needs: its wire name, unless `rename_all` makes it.
    pub fn rename_of<'a>(&self, field: &'a Field) -> Option<&'a str> {
        (serde_name(&field.name, self.rename_all) != field.wire).then_some(field.wire.as_str())
    }
}

/// A serde `rename_all` rule for fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenameRule {
    CamelCase,
    PascalCase,
}

impl RenameRule {
    /// The attribute's value: `#[serde(rename_all = "...")]`.
    pub fn as_str(self) -> &'static str {
        match self {
            RenameRule::CamelCase => "camelCase",
            RenameRule::PascalCase => "PascalCase",
        }
    }
}

/// The name serde gives a Rust field under `rule`, as serde_derive computes it: the
/// identifier without `r#`, each `_` dropped and the ASCII letter after it (and the
/// first) uppercased; camelCase then lowercases the first letter.
pub fn serde_name(field: &str, rule: Option<RenameRule>) -> String {
    let field = field.trim_start_matches("r#");
    let Some(rule) = rule else {
        return field.to_owned();
    };
    let mut pascal = String::with_capacity(field.len());
    let mut capitalize = true;
    for c in field.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(c);
        }
    }
    match (rule, pascal.get(..1)) {
        (RenameRule::CamelCase, Some(first)) => {
            format!("{}{}", first.to_ascii_lowercase(), &pascal[1..])
        }
        _ => pascal,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: String,
    pub wire: String,
    pub ty: RustType,
    pub presence: Presence,
    /// Held in a `Box`: the field's type contains this struct again.
    pub boxed: bool,
    pub doc: Vec<String>,
}

/// How a field holds its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// `Option<T>`: a `$select`-ed response may leave it out.
    Optional,
    /// `rt::Field<T>`: nullable, so an absent property and `null` differ.
    Nullable,
    /// A plain `T`: a key property, never null. Its type's default stands for "not
    /// set": it fills a response that leaves the key out and is not sent.
    Key,
}

/// A base type and every type deriving from it, read by `@odata.type`.
#[derive(Clone, Debug, PartialEq)]
pub struct Union {
    pub name: String,
    pub doc: Vec<String>,
    /// The base type first, then the derived types.
    pub variants: Vec<Variant>,
    pub cfg: Cfg,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub name: String,
    /// The struct it holds.
    pub ty: RustType,
    /// `@odata.type` values (without `#`) that select it: the qualified name and the
    /// alias-qualified one.
    pub wire: Vec<String>,
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
}

#[derive(Clone, Debug, PartialEq)]
pub struct Enum {
    pub name: String,
    pub doc: Vec<String>,
    pub members: Vec<EnumMember>,
    /// The variant that carries values this crate does not know.
    pub fallback: String,
    /// The integer type of member values; `None` for the allowed values of a string
    /// property (`Validation.AllowedValues`), which have none.
    pub underlying: Option<Primitive>,
    pub cfg: Cfg,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EnumMember {
    pub name: String,
    pub wire: String,
    /// Its value in the underlying type, if the enum has one.
    pub value: Option<i64>,
    pub doc: Vec<String>,
}

/// A type definition: a named primitive.
#[derive(Clone, Debug, PartialEq)]
pub struct Alias {
    pub name: String,
    pub doc: Vec<String>,
    pub ty: RustType,
    pub cfg: Cfg,
}

/// Request builders: one entry point, and handles that belong to types, so the code
/// grows with types x navigation properties, not with paths.
#[derive(Clone, Debug, PartialEq)]
pub struct Requests {
    pub service: ServiceEntry,
    /// The modules below `requests`, one per entity type with handles, sorted by name.
    pub modules: Vec<HandleModule>,
    /// In module order; the entity sets' handles (in no module) first.
    pub handles: Vec<Handle>,
}

/// How a single-part key is written in a path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeySyntax {
    /// As its own segment, `/People/u`: for services that declare
    /// `Capabilities.KeyAsSegmentSupported`, and Microsoft Graph.
    Segment,
    /// In parentheses, `/People('u')`: what every OData service understands.
    Parentheses,
}

/// A module of handles below `requests`: an entity type's own handle and the handles
/// of the collections it navigates to.
#[derive(Clone, Debug, PartialEq)]
pub struct HandleModule {
    pub name: String,
    pub doc: Vec<String>,
    /// When any of its handles compiles.
    pub cfg: Cfg,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServiceEntry {
    pub name: String,
    pub doc: Vec<String>,
    /// Entity sets, singletons and operation imports.
    pub methods: Vec<Method>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Handle {
    /// Its module below `requests`; `None` for the entity sets' handles, which sit
    /// beside the entry point.
    pub module: Option<String>,
    pub name: String,
    pub doc: Vec<String>,
    /// Features needed beyond its module's.
    pub cfg: Cfg,
    /// The handle takes what may be done to its entity as a type parameter (everything
    /// by default): places that reach it allow different things, and `update` and
    /// `delete` need it.
    pub generic_access: bool,
    pub methods: Vec<Method>,
}

/// A handle type as a method returns it.
#[derive(Clone, Debug, PartialEq)]
pub struct HandleType {
    /// As [`Handle::module`].
    pub module: Option<String>,
    pub name: String,
    /// The argument of a handle with `generic_access`.
    pub access: Option<AccessArgument>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessArgument {
    /// The parameter of the handle the method belongs to.
    Inherited,
    Fixed {
        update: bool,
        delete: bool,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Method {
    pub name: String,
    pub doc: Vec<String>,
    /// Features needed beyond the handle's own.
    pub cfg: Cfg,
    pub kind: MethodKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MethodKind {
    /// Appends segments (a navigation property, through complex properties if any; a
    /// cast; an entity set) and returns a handle.
    Segment {
        segments: Vec<String>,
        handle: HandleType,
    },
    /// Appends a key and returns the item's handle.
    Key {
        parts: Vec<KeyParam>,
        handle: HandleType,
        /// How a single-part key is written.
        syntax: KeySyntax,
    },
    /// A request on the handle itself.
    Request {
        kind: CrudKind,
        model: RustType,
        success_status: u16,
    },
    /// `$count` of a collection.
    Count,
    /// The `$ref` references of a collection-valued navigation property.
    Refs,
    /// The `$ref` reference of a single-valued navigation property.
    NavRef { segments: Vec<String> },
    /// A stream: the media entity's `$value` (`segment` is `None`) or a stream property.
    Stream { segment: Option<String> },
    /// A bound action or function, or an operation import.
    Call(Call),
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyParam {
    pub name: String,
    pub wire: String,
    pub ty: Primitive,
}

/// A call of an action or function.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub action: bool,
    /// The segment: the qualified operation name, or the import's name.
    pub segment: String,
    pub params: Vec<Param>,
    pub returns: Returns,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub ty: RustType,
    /// `Option<...>`: may be left out (actions) or is nullable.
    pub optional: bool,
    /// How a function passes it in the URL; actions send every parameter in the body.
    pub literal: Literal,
}

/// How a function argument is written in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// Through `runtime::ToLiteral` (strings quoted, numbers and dates as they are).
    Value,
    /// A GUID: written unquoted.
    Guid,
    /// An enumeration member, `Namespace.Type'member'`: the qualified type name.
    Enum(String),
    /// A flags value, `Namespace.Type'a,b'`.
    Flags(String),
    /// As JSON in a parameter alias (`f(p=@p)?@p=...`): structured values and collections.
    Json,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Returns {
    /// No content.
    Nothing,
    /// A JSON body of this type.
    Json(RustType),
    /// A primitive or enumeration value wrapped as `{"value": ...}`.
    Value(RustType),
    /// A collection: pages of this item type.
    Page(RustType),
    /// A delta function's collection: pages of changes to items of this type, ending in
    /// a delta link (`rt::Delta`).
    Delta(RustType),
    /// An upload session (`createUploadSession`) whose upload creates an item of this
    /// type (`rt::UploadSession`).
    UploadSession(RustType),
    /// A composable function: a handle to address the result further.
    Handle(HandleType),
}

/// A test generated from a page's example: calls the request API the way the example's
/// URL reads, and checks the request (and its response) against the page.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleTest {
    pub name: String,
    /// `file:line` of the example, for the test's comment.
    pub origin: String,
    pub chain: Vec<ChainCall>,
    pub operation: CrudKind,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_names_are_what_serde_derive_makes_of_a_field_name() {
        let camel = Some(RenameRule::CamelCase);
        let pascal = Some(RenameRule::PascalCase);
        assert_eq!(serde_name("display_name", camel), "displayName");
        assert_eq!(serde_name("display_name", pascal), "DisplayName");
        assert_eq!(serde_name("r#type", camel), "type");
        assert_eq!(serde_name("r#type", pascal), "Type");
        assert_eq!(serde_name("r#type", None), "type");
        assert_eq!(serde_name("id", camel), "id");
        assert_eq!(serde_name("ip_v4", pascal), "IpV4");
        assert_eq!(serde_name("user_name", None), "user_name");
    }
}
