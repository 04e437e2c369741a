//! What a page holds, mirroring its sections. Every textual item carries the [`Span`]
//! of its first character in the page.

use std::fmt;

use crate::diag::Span;

/// A value and where it starts in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

/// One reference page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocPage {
    /// The `---` block at the top, in order.
    pub front_matter: Vec<FrontMatterEntry>,
    /// Front matter `title`, else the first `#` heading.
    pub title: Option<Spanned<String>>,
    /// Front matter `description`, else the first paragraph after the `#` heading.
    pub description: Option<Spanned<String>>,
    /// The value of the `Namespace: x.y` line.
    pub namespace: Option<Spanned<String>>,
    /// Rows of the tables under "Permissions" or "Prerequisites".
    pub permissions: Vec<PermissionRow>,
    /// Code blocks of the "HTTP request" sections. A page without such a section has
    /// as request blocks the code blocks outside its examples that hold only request
    /// lines.
    pub http_requests: Vec<RequestBlock>,
    /// Rows of the tables under "Request headers".
    pub request_headers: Vec<HeaderRow>,
    /// Tables under "Request body".
    pub request_body: Vec<PropertyTable>,
    /// The "Response" sections' prose.
    pub response: ResponseSection,
    /// HTTP request and response examples, in page order.
    pub examples: Vec<Example>,
    /// Code blocks that are neither request blocks nor HTTP examples (SDK snippets, JSON
    /// fragments, ...).
    pub other_blocks: Vec<OtherBlock>,
}

/// A `key: value` line of the front matter; quotes around the value are removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterEntry {
    pub key: Spanned<String>,
    pub value: Spanned<String>,
}

/// A table cell: its text with markup removed, and its markdown source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The rendered text, trimmed (`**Bold** [link](x)` gives `Bold link`).
    pub text: String,
    /// The cell's markdown, trimmed.
    pub raw: String,
    /// The first character of the cell's content (or the cell's start when empty).
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PermissionRow {
    /// "Delegated (work or school account)", "Application", ...
    pub permission_type: Cell,
    pub value: Cell,
    pub kind: PermissionValue,
    /// What the value applies to, in tables with several value columns: the column's
    /// header ("Permissions acting on self"), or the row's first cell when permission
    /// types are the columns ("[event](../resources/event.md)").
    pub scope: Option<Cell>,
}

/// What a permission cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionValue {
    /// Permission names.
    Listed,
    /// "Not supported."
    NotSupported,
    /// Empty, or a "TODO" left by the author: not a real permission.
    Placeholder,
}

/// A code block in an "HTTP request" section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestBlock {
    /// The annotation comment right before the block (usually `"blockType": "ignored"`).
    pub annotation: Option<Annotation>,
    /// The opening fence.
    pub span: Span,
    /// Its non-empty lines.
    pub lines: Vec<RequestBlockLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestBlockLine {
    Request(RequestLine),
    /// A line that does not start with an HTTP method (prose, a stray header), trimmed.
    Other(Spanned<String>),
}

/// `METHOD target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLine {
    pub method: Spanned<HttpMethod>,
    /// The path or absolute URL exactly as written (trailing blanks removed).
    pub target: Spanned<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl HttpMethod {
    /// Reads a method name, in any letter case.
    pub fn parse(word: &str) -> Option<HttpMethod> {
        [
            HttpMethod::Get,
            HttpMethod::Post,
            HttpMethod::Patch,
            HttpMethod::Put,
            HttpMethod::Delete,
        ]
        .into_iter()
        .find(|m| m.as_str().eq_ignore_ascii_case(word))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderRow {
    pub name: Cell,
    pub description: Cell,
}

/// A table of properties or parameters under "Request body".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyTable {
    /// The heading the table sits under ("Request body", or a subheading).
    pub heading: Option<Spanned<String>>,
    /// The paragraph right before the table, in the same section ("The following table
    /// shows the properties that are required when you create ...").
    pub intro: Option<Spanned<String>>,
    /// The header row as written.
    pub header: Vec<Cell>,
    pub rows: Vec<PropertyRow>,
}

/// A row of a [`PropertyTable`]; columns are found by their header ("Property",
/// "Parameter" or "Name"; "Type"; "Description"), else taken in that order. A missing
/// cell is empty and spans the row's first cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropertyRow {
    pub name: Cell,
    pub type_name: Cell,
    pub description: Cell,
    /// The cell of a "Required" (or "Required?") column, in tables that have one.
    pub required: Option<Cell>,
}

/// The prose of the "Response" sections.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseSection {
    pub paragraphs: Vec<Spanned<String>>,
    /// The first success status named, e.g. 201 from "returns a `201 Created` response
    /// code"; the span is its first digit.
    pub status: Option<Spanned<u16>>,
}

/// The JSON object in an HTML comment before a code block:
/// `<!-- { "blockType": "request", "name": "..." } -->`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Annotation {
    /// The `<!--`.
    pub span: Span,
    /// The text between `<!--` and `-->`, trimmed.
    pub raw: String,
    /// The parsed object; `None` when it is not JSON (a diagnostic says why).
    pub value: Option<Spanned<JsonValue>>,
    pub block_type: Option<Spanned<String>>,
    /// `name`: one, or several when a response serves several requests.
    pub names: Vec<Spanned<String>>,
    /// `@odata.type`, or `@type`.
    pub odata_type: Option<Spanned<String>>,
    /// Booleans may be written as strings (`"true"`).
    pub truncated: Option<Spanned<bool>>,
    pub is_collection: Option<Spanned<bool>>,
}

/// A code block holding an HTTP request or response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// The headings above the block, outermost first ("Examples", "Example 1: ...",
    /// "Request").
    pub headings: Vec<Spanned<String>>,
    pub annotation: Option<Annotation>,
    /// The fence's info string ("http", "msgraph-interactive", ...).
    pub language: String,
    /// The opening fence.
    pub span: Span,
    pub message: HttpMessage,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HttpMessage {
    Request(RequestExample),
    Response(ResponseExample),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestExample {
    pub line: RequestLine,
    pub headers: Vec<Header>,
    pub body: Option<Body>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseExample {
    /// The status code of `HTTP/1.1 201 Created`.
    pub status: Spanned<u16>,
    /// The reason phrase, if any ("Created").
    pub reason: Option<Spanned<String>>,
    pub headers: Vec<Header>,
    pub body: Option<Body>,
}

/// `Name: value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: Spanned<String>,
    pub value: Spanned<String>,
}

/// A message body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Body {
    /// The text as written (line endings normalised to `\n`, trailing blanks removed),
    /// spanning its first character.
    pub text: Spanned<String>,
    /// The body as JSON, when it looks like JSON (starts with `{` or `[`, or a header
    /// says `json`) and could be parsed; `...` placeholders are skipped.
    pub json: Option<Spanned<JsonValue>>,
}

/// A JSON value; every value and key spans its first character in the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonValue {
    Null,
    Bool(bool),
    /// The literal as written.
    Number(String),
    String(String),
    Array(Vec<Spanned<JsonValue>>),
    Object(Vec<(Spanned<String>, Spanned<JsonValue>)>),
}

impl JsonValue {
    /// The value of the first member named `key`, if this is an object.
    pub fn get(&self, key: &str) -> Option<&Spanned<JsonValue>> {
        match self {
            JsonValue::Object(members) => {
                members.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// A code block that is not used as a request block or an example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherBlock {
    pub language: String,
    pub annotation: Option<Annotation>,
    /// The opening fence.
    pub span: Span,
}
