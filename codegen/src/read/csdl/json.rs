//! CSDL JSON (OData CSDL JSON 4.01, what `$metadata?$format=json` returns) -> [`Csdl`],
//! the structs the XML reader gives, so that later stages see no difference.
//!
//! A tokenizer of its own reads the document in one pass, keeping every member's byte
//! offset: an element's `at` is the offset of its member name, or of its `{` for an item
//! of an array (an operation overload, a parameter). An element's kind (`$Kind`) may come
//! after the members it governs, so an element's members are gathered first ([`Object`])
//! and read as its kind says once it is closed. Members CSDL JSON does not define are
//! skipped, as the XML reader skips unknown elements. Defaults are CSDL JSON's: an absent
//! `$Nullable` is `false`, an absent `$Type` of a property, parameter or return type is
//! `Edm.String`. Malformed JSON is a `json-syntax` error, a member of the wrong JSON type
//! a `csdl-json-shape` error, both at the position.

use std::borrow::Cow;
use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;
use smallvec::SmallVec;

use super::*;
use crate::diag::{Diagnostic, Source};

/// How deep JSON values may nest. The structure of CSDL JSON takes at most seven levels
/// (document, schema, operation, overload, parameters, parameter, annotation); annotation
/// values get the XML reader's 64 more.
const MAX_DEPTH: usize = 7 + MAX_EXPR_DEPTH;

const CAPABILITIES: &str = "Org.OData.Capabilities.V1";
const CORE: &str = "Org.OData.Core.V1";

/// Terms of the standard vocabularies, and paths of record properties in their values,
/// whose type is an enumeration: (vocabulary, term, path, enumeration type). CSDL JSON
/// writes such a value as a plain string (`"None"`, `"Read,Write"`), CSDL XML as an
/// `EnumMember` expression (`Capabilities.NavigationType/None`), which is what later
/// stages match; these strings are read as the latter.
const ENUM_VALUED: &[(&str, &str, &[&str], &str)] = &[
    (
        CAPABILITIES,
        "NavigationRestrictions",
        &["Navigability"],
        "Org.OData.Capabilities.V1.NavigationType",
    ),
    (
        CAPABILITIES,
        "NavigationRestrictions",
        &["RestrictedProperties", "Navigability"],
        "Org.OData.Capabilities.V1.NavigationType",
    ),
    (
        CAPABILITIES,
        "SearchRestrictions",
        &["UnsupportedExpressions"],
        "Org.OData.Capabilities.V1.SearchExpressions",
    ),
    (
        CAPABILITIES,
        "IsolationSupported",
        &[],
        "Org.OData.Capabilities.V1.IsolationLevel",
    ),
    (CORE, "Permissions", &[], "Org.OData.Core.V1.Permission"),
];

/// Reads a CSDL JSON document. Errors stop reading; the first one is returned.
pub fn read_csdl_json(source: &Arc<Source>) -> Result<Csdl<'_>, Diagnostic> {
    let mut parser = Parser::new(source);
    let mut csdl = parser.document()?;
    if parser.enum_valued_terms {
        qualify_enum_values(&mut csdl);
    }
    Ok(csdl)
}

type Res<T> = Result<T, Diagnostic>;

/// The kind of the JSON value that starts at the parser's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

impl Kind {
    fn described(self) -> &'static str {
        match self {
            Kind::Object => "an object",
            Kind::Array => "an array",
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::True | Kind::False => "a Boolean",
            Kind::Null => "null",
        }
    }
}

/// A member value gathered before its element's kind is known. Objects and arrays that
/// no element reads are skipped and kept by kind only, for the error if one is asked for.
#[derive(Clone, Debug)]
enum Scalar<'a> {
    String(Text<'a>),
    /// The number as written.
    Number(&'a str),
    Bool(bool),
    Null,
    Skipped(Kind),
}

impl Scalar<'_> {
    fn kind(&self) -> Kind {
        match self {
            Scalar::String(_) => Kind::String,
            Scalar::Number(_) => Kind::Number,
            Scalar::Bool(true) => Kind::True,
            Scalar::Bool(false) => Kind::False,
            Scalar::Null => Kind::Null,
            Scalar::Skipped(kind) => *kind,
        }
    }
}

/// Which named members (those without `$` or `@`) of an object are gathered: those of a
/// schema element (properties, enum members, container children), or none.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Element,
    Leaf,
}

/// The members of one CSDL JSON object, gathered: `$` members by name, the few that hold
/// objects or arrays already read, annotations, and named members.
#[derive(Debug)]
struct Object<'a> {
    at: usize,
    /// `$` members with scalar values: name, value, the offset of the name.
    scalars: SmallVec<[(Text<'a>, Scalar<'a>, usize); 4]>,
    key: Option<Vec<PropertyRef<'a>>>,
    parameters: Option<Vec<Parameter<'a>>>,
    return_type: Option<ReturnType<'a>>,
    referential_constraints: Option<Vec<ReferentialConstraint<'a>>>,
    bindings: Option<Vec<NavigationPropertyBinding<'a>>>,
    annotations: Vec<Annotation<'a>>,
    /// `Name@Term`: annotations of a named member (an enum member has no object of its
    /// own to hold them).
    member_annotations: Vec<(Text<'a>, Annotation<'a>)>,
    members: Vec<Member<'a>>,
}

#[derive(Debug)]
struct Member<'a> {
    name: Text<'a>,
    at: usize,
    value: MemberValue<'a>,
}

#[derive(Debug)]
enum MemberValue<'a> {
    Object(Box<Object<'a>>),
    Scalar(Scalar<'a>),
}

impl<'a> Object<'a> {
    fn new(at: usize) -> Self {
        Object {
            at,
            scalars: SmallVec::new(),
            key: None,
            parameters: None,
            return_type: None,
            referential_constraints: None,
            bindings: None,
            annotations: Vec::new(),
            member_annotations: Vec::new(),
            members: Vec::new(),
        }
    }

    fn get(&self, name: &str) -> Option<&(Text<'a>, Scalar<'a>, usize)> {
        self.scalars.iter().find(|(n, ..)| n == name)
    }
}

/// A part of `text`, borrowed where `text` is.
fn part<'a>(text: &Text<'a>, range: impl std::slice::SliceIndex<str, Output = str>) -> Text<'a> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
        Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
    }
}

/// `Collection(type)` for a collection, as CSDL XML writes it.
fn collection_of<'a>(type_name: Text<'a>, collection: bool) -> Text<'a> {
    if collection {
        Cow::Owned(format!("Collection({type_name})"))
    } else {
        type_name
    }
}

struct Parser<'a> {
    source: &'a Arc<Source>,
    text: &'a str,
    at: usize,
    /// The objects and arrays open at the position: where each starts, and its `{` or `[`.
    open: Vec<(usize, u8)>,
    /// Whether an annotation of a term in [`ENUM_VALUED`] was read (by its local name).
    enum_valued_terms: bool,
}

impl<'a> Parser<'a> {
    fn new(source: &'a Arc<Source>) -> Self {
        let text: &'a str = &source.text;
        Parser {
            source,
            text,
            at: if text.starts_with('\u{feff}') { 3 } else { 0 },
            open: Vec::new(),
            enum_valued_terms: false,
        }
    }

    fn span(&self, at: usize) -> Span {
        self.source.span_at(at)
    }

    fn syntax(&self, at: usize, problem: &str) -> Diagnostic {
        Diagnostic::error(
            "json-syntax",
            self.span(at),
            format!("the metadata is not well-formed JSON: {problem}"),
        )
    }

    /// The error for the end of the file inside a value: at the innermost open object or
    /// array, as the XML reader points at an unclosed element's start tag.
    fn end_of_file(&self) -> Diagnostic {
        match self.open.last() {
            Some(&(at, open)) => {
                let what = if open == b'{' { "object" } else { "array" };
                self.syntax(
                    at,
                    &format!("this {what} is not closed before the end of the file"),
                )
            }
            None => self.syntax(self.at, "the file ends where a value belongs"),
        }
    }

    /// `member` at `at` holds `found` where CSDL JSON has `expected`.
    fn shape(&self, at: usize, member: &str, found: Kind, expected: &str) -> Diagnostic {
        self.shape_of(at, &format!("`{member}`"), found, expected)
    }

    /// [`Parser::shape`] of what `subject` describes (`a parameter`).
    fn shape_of(&self, at: usize, subject: &str, found: Kind, expected: &str) -> Diagnostic {
        Diagnostic::error(
            "csdl-json-shape",
            self.span(at),
            format!(
                "{subject} is {}, where CSDL JSON has {expected}",
                found.described()
            ),
        )
    }

    fn missing(&self, at: usize, what: &str, member: &str) -> Diagnostic {
        Diagnostic::error(
            "csdl-missing-attribute",
            self.span(at),
            format!("{what} has no `{member}` member"),
        )
    }

    fn skip_space(&mut self) {
        let bytes = self.text.as_bytes();
        while matches!(bytes.get(self.at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// The kind of the value at the position (after white space); the end of the file
    /// or a byte that starts no value is an error.
    fn kind(&mut self) -> Res<Kind> {
        self.skip_space();
        Ok(match self.text.as_bytes().get(self.at) {
            None => return Err(self.end_of_file()),
            Some(b'{') => Kind::Object,
            Some(b'[') => Kind::Array,
            Some(b'"') => Kind::String,
            Some(b'-' | b'0'..=b'9') => Kind::Number,
            Some(b't') => Kind::True,
            Some(b'f') => Kind::False,
            Some(b'n') => Kind::Null,
            Some(_) => return Err(self.syntax(self.at, "expected a value")),
        })
    }

    /// Consumes `word` (`true`, `false` or `null`), which the position starts.
    fn literal(&mut self, word: &str) -> Res<()> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err(self.syntax(self.at, "expected a value"))
        }
    }

    /// The number at the position, as written; its grammar is JSON's.
    fn number(&mut self) -> Res<&'a str> {
        let text: &'a str = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        let mut at = start;
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at > from
        };
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                digits(&mut at);
            }
            _ => return Err(self.syntax(at, "a number has no digits")),
        }
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digits(&mut at) {
                return Err(self.syntax(at, "a number has no digits after `.`"));
            }
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digits(&mut at) {
                return Err(self.syntax(at, "a number has no digits in its exponent"));
            }
        }
        self.at = at;
        Ok(&text[start..at])
    }

    /// The string at the position (its opening quote), escapes resolved: borrowed from
    /// the document unless it has any.
    fn string(&mut self) -> Res<Text<'a>> {
        let text: &'a str = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        let mut at = start + 1;
        let mut owned: Option<String> = None;
        let mut run = at;
        loop {
            match bytes.get(at) {
                None => {
                    return Err(self.syntax(
                        start,
                        "this string is not closed before the end of the file",
                    ));
                }
                Some(b'"') => {
                    self.at = at + 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(&text[run..at]),
                        Some(mut s) => {
                            s.push_str(&text[run..at]);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&text[run..at]);
                    at = self.escape(at, s)?;
                    run = at;
                }
                Some(&b) if b < 0x20 => {
                    return Err(self.syntax(at, "a control character in a string must be escaped"));
                }
                Some(_) => at += 1,
            }
        }
    }

    /// Resolves the escape at `at` (its `\`) into `out`; returns where it ends.
    fn escape(&self, at: usize, out: &mut String) -> Res<usize> {
        let bytes = self.text.as_bytes();
        let simple = match bytes.get(at + 1) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(at)?;
                let (code, end) = if (0xD800..0xDC00).contains(&high) {
                    let low = (bytes.get(at + 6) == Some(&b'\\')
                        && bytes.get(at + 7) == Some(&b'u'))
                    .then(|| self.hex4(at + 6))
                    .transpose()?
                    .filter(|low| (0xDC00..0xE000).contains(low))
                    .ok_or_else(|| self.syntax(at, "an unpaired surrogate in a `\\u` escape"))?;
                    (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00), at + 12)
                } else {
                    (high, at + 6)
                };
                let c = char::from_u32(code)
                    .ok_or_else(|| self.syntax(at, "an unpaired surrogate in a `\\u` escape"))?;
                out.push(c);
                return Ok(end);
            }
            _ => return Err(self.syntax(at, "an unknown escape in a string")),
        };
        out.push(simple);
        Ok(at + 2)
    }

    /// The four hex digits of the `\u` escape at `at`.
    fn hex4(&self, at: usize) -> Res<u32> {
        self.text
            .get(at + 2..at + 6)
            .filter(|digits| digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|digits| u32::from_str_radix(digits, 16).ok())
            .ok_or_else(|| self.syntax(at, "a `\\u` escape needs four hex digits"))
    }

    /// Enters the object or array at the position: bounded in depth.
    fn enter(&mut self, open: u8) -> Res<()> {
        if self.open.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                "csdl-too-deep",
                self.span(self.at),
                format!("JSON values nest more than {MAX_DEPTH} levels deep"),
            ));
        }
        self.open.push((self.at, open));
        self.at += 1;
        Ok(())
    }

    /// Reads the object at the position member by member: `f` gets each member's name
    /// and the offset of its opening quote, with the position at the member's value,
    /// which `f` reads.
    fn object(&mut self, mut f: impl FnMut(&mut Self, Text<'a>, usize) -> Res<()>) -> Res<()> {
        self.enter(b'{')?;
        self.skip_space();
        if self.text.as_bytes().get(self.at) == Some(&b'}') {
            self.at += 1;
            self.open.pop();
            return Ok(());
        }
        loop {
            self.skip_space();
            match self.text.as_bytes().get(self.at) {
                Some(b'"') => {}
                None => return Err(self.end_of_file()),
                Some(_) => return Err(self.syntax(self.at, "expected a member name in quotes")),
            }
            let at = self.at;
            let name = self.string()?;
            self.skip_space();
            match self.text.as_bytes().get(self.at) {
                Some(b':') => self.at += 1,
                None => return Err(self.end_of_file()),
                Some(_) => return Err(self.syntax(self.at, "expected `:` after a member name")),
            }
            f(self, name, at)?;
            self.skip_space();
            match self.text.as_bytes().get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    self.open.pop();
                    return Ok(());
                }
                None => return Err(self.end_of_file()),
                Some(_) => return Err(self.syntax(self.at, "expected `,` or `}` after a member")),
            }
        }
    }

    /// Reads the array at the position item by item: `f` gets the offset of each item,
    /// which it reads.
    fn array(&mut self, mut f: impl FnMut(&mut Self, usize) -> Res<()>) -> Res<()> {
        self.enter(b'[')?;
        self.skip_space();
        if self.text.as_bytes().get(self.at) == Some(&b']') {
            self.at += 1;
            self.open.pop();
            return Ok(());
        }
        loop {
            self.skip_space();
            let at = self.at;
            f(self, at)?;
            self.skip_space();
            match self.text.as_bytes().get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    self.open.pop();
                    return Ok(());
                }
                None => return Err(self.end_of_file()),
                Some(_) => return Err(self.syntax(self.at, "expected `,` or `]` after an item")),
            }
        }
    }

    /// Reads a value no element uses; objects and arrays come back by kind only.
    fn scalar(&mut self) -> Res<Scalar<'a>> {
        Ok(match self.kind()? {
            Kind::String => Scalar::String(self.string()?),
            Kind::Number => Scalar::Number(self.number()?),
            Kind::True => {
                self.literal("true")?;
                Scalar::Bool(true)
            }
            Kind::False => {
                self.literal("false")?;
                Scalar::Bool(false)
            }
            Kind::Null => {
                self.literal("null")?;
                Scalar::Null
            }
            kind @ (Kind::Object | Kind::Array) => {
                self.skip_value()?;
                Scalar::Skipped(kind)
            }
        })
    }

    /// Reads and drops the value at the position.
    fn skip_value(&mut self) -> Res<()> {
        match self.kind()? {
            Kind::Object => self.object(|p, _, _| p.skip_value()),
            Kind::Array => self.array(|p, _| p.skip_value()),
            _ => self.scalar().map(drop),
        }
    }

    /// The string value of `member`, named at `at`.
    fn string_value(&mut self, member: &str, at: usize) -> Res<Text<'a>> {
        match self.kind()? {
            Kind::String => self.string(),
            kind => Err(self.shape(at, member, kind, "a string")),
        }
    }

    /// Checks that the value at the position is an object.
    fn expect_object(&mut self, member: &str, at: usize) -> Res<()> {
        match self.kind()? {
            Kind::Object => Ok(()),
            kind => Err(self.shape(at, member, kind, "an object")),
        }
    }

    fn document(&mut self) -> Res<Csdl<'a>> {
        let root = self.at;
        if self.kind()? != Kind::Object {
            return Err(Diagnostic::error(
                "csdl-json-shape",
                self.span(self.at),
                "a CSDL JSON document is an object",
            ));
        }
        let mut version = None;
        let mut references = Vec::new();
        let mut schemas = Vec::new();
        self.object(|p, name, at| {
            match name.as_ref() {
                "$Version" => {
                    let v = p.string_value("$Version", at)?;
                    if v != "4.0" && v != "4.01" {
                        return Err(Diagnostic::error(
                            "csdl-version",
                            p.span(at),
                            format!("CSDL version `{v}` is not supported (4.0 and 4.01 are)"),
                        ));
                    }
                    version = Some(v);
                }
                // The container's qualified name; the container itself is in its schema.
                "$EntityContainer" => {
                    p.string_value("$EntityContainer", at)?;
                }
                "$Reference" => p.references(at, &mut references)?,
                // What a service answers when it cannot give its metadata.
                "error" if version.is_none() => {
                    return Err(Diagnostic::error(
                        "csdl-root",
                        p.span(at),
                        "the document is an OData error response (`{\"error\": ...}`), not CSDL JSON",
                    ));
                }
                _ if name.starts_with(['$', '@']) => p.skip_value()?,
                _ => {
                    let schema = p.schema(name, at)?;
                    schemas.push(schema);
                }
            }
            Ok(())
        })?;
        self.skip_space();
        if self.at < self.text.len() {
            return Err(self.syntax(self.at, "only white space may follow the document's object"));
        }
        let version = version.ok_or_else(|| self.missing(root, "the document", "$Version"))?;
        if schemas.is_empty() {
            return Err(Diagnostic::error(
                "csdl-no-schema",
                self.span(root),
                "the metadata declares no schema (a member that is neither `$` nor `@`)",
            ));
        }
        Ok(Csdl {
            source: Arc::clone(self.source),
            version,
            references,
            schemas,
        })
    }

    /// `$Reference`: URI -> `{"$Include": [...], "$IncludeAnnotations": [...]}`.
    fn references(&mut self, at: usize, references: &mut Vec<Reference<'a>>) -> Res<()> {
        self.expect_object("$Reference", at)?;
        self.object(|p, uri, at| {
            p.expect_object(&uri, at)?;
            let mut includes = Vec::new();
            p.object(|p, name, at| {
                if name != "$Include" {
                    // `$IncludeAnnotations` and annotations: the XML reader keeps neither.
                    return p.skip_value();
                }
                match p.kind()? {
                    Kind::Array => p.array(|p, at| {
                        let include = p.gather(at, Level::Leaf, "an include")?;
                        includes.push(Include {
                            namespace: p.required_string(&include, "$Namespace", "an include")?,
                            alias: p.string_of(&include, "$Alias")?,
                            at,
                        });
                        Ok(())
                    }),
                    kind => Err(p.shape(at, "$Include", kind, "an array")),
                }
            })?;
            references.push(Reference { uri, includes, at });
            Ok(())
        })
    }

    fn schema(&mut self, namespace: Text<'a>, at: usize) -> Res<Schema<'a>> {
        self.expect_object(&namespace, at)?;
        let mut alias = None;
        let mut children = SchemaChildren::default();
        self.object(|p, name, at| {
            match name.as_ref() {
                "$Alias" => alias = Some(p.string_value("$Alias", at)?),
                "$Annotations" => p.annotation_blocks(at, &mut children.annotation_blocks)?,
                _ if name.starts_with('@') => {
                    if let Some(a) = p.annotation(name, at)? {
                        children.annotations.push(a);
                    }
                }
                _ if name.starts_with('$') || name.contains('@') => p.skip_value()?,
                _ => match p.kind()? {
                    Kind::Object => {
                        let element = p.gather(at, Level::Element, &format!("`{name}`"))?;
                        p.schema_element(name, element, &mut children)?;
                    }
                    Kind::Array => p.overloads(name, &mut children.operations)?,
                    kind => {
                        return Err(p.shape(
                            at,
                            &name,
                            kind,
                            "an object (a schema element) or an array (the overloads of an operation)",
                        ));
                    }
                },
            }
            Ok(())
        })?;
        Ok(Schema {
            namespace,
            alias,
            children,
            at,
        })
    }

    /// Reads the object at the position into an [`Object`] placed at `at`; `what`
    /// describes it in errors (`` `name` ``, `a parameter`).
    fn gather(&mut self, at: usize, level: Level, what: &str) -> Res<Object<'a>> {
        match self.kind()? {
            Kind::Object => {}
            kind => return Err(self.shape_of(at, what, kind, "an object")),
        }
        let mut object = Object::new(at);
        self.object(|p, name, at| p.gather_member(&mut object, level, name, at))?;
        Ok(object)
    }

    fn gather_member(
        &mut self,
        object: &mut Object<'a>,
        level: Level,
        name: Text<'a>,
        at: usize,
    ) -> Res<()> {
        if name.starts_with('@') {
            if let Some(a) = self.annotation(name, at)? {
                object.annotations.push(a);
            }
            return Ok(());
        }
        if let Some(sign) = name.find('@') {
            if level == Level::Element && !name.starts_with('$') {
                let member = part(&name, ..sign);
                if let Some(a) = self.annotation(part(&name, sign..), at)? {
                    object.member_annotations.push((member, a));
                }
                return Ok(());
            }
            // An annotation of a `$` member carries nothing the XML reader keeps.
            return self.skip_value();
        }
        if name.starts_with('$') {
            let twice = match name.as_ref() {
                "$Key" => object.key.replace(self.key(at)?).is_some(),
                "$Parameter" => object.parameters.replace(self.parameters(at)?).is_some(),
                "$ReturnType" => object.return_type.replace(self.return_type(at)?).is_some(),
                "$ReferentialConstraint" => object
                    .referential_constraints
                    .replace(self.string_pairs(&name, at, |property, referenced, at| {
                        ReferentialConstraint {
                            property,
                            referenced_property: referenced,
                            at,
                        }
                    })?)
                    .is_some(),
                "$NavigationPropertyBinding" => object
                    .bindings
                    .replace(self.string_pairs(&name, at, |path, target, at| {
                        NavigationPropertyBinding { path, target, at }
                    })?)
                    .is_some(),
                _ => {
                    let twice = object.get(&name).is_some();
                    let value = self.scalar()?;
                    object.scalars.push((name.clone(), value, at));
                    twice
                }
            };
            if twice {
                return Err(Diagnostic::error(
                    "csdl-json-shape",
                    self.span(at),
                    format!("`{name}` appears twice in one object"),
                ));
            }
            return Ok(());
        }
        match level {
            Level::Element => {
                let value = match self.kind()? {
                    Kind::Object => {
                        let what = format!("`{name}`");
                        MemberValue::Object(Box::new(self.gather(at, Level::Leaf, &what)?))
                    }
                    _ => MemberValue::Scalar(self.scalar()?),
                };
                object.members.push(Member { name, at, value });
                Ok(())
            }
            Level::Leaf => self.skip_value(),
        }
    }

    /// `$Key`: an array of property paths, each a string or `{"alias": "path"}`.
    fn key(&mut self, at: usize) -> Res<Vec<PropertyRef<'a>>> {
        let kind = self.kind()?;
        if kind != Kind::Array {
            return Err(self.shape(at, "$Key", kind, "an array"));
        }
        let mut refs = Vec::new();
        self.array(|p, at| {
            match p.kind()? {
                Kind::String => refs.push(PropertyRef {
                    name: p.string()?,
                    alias: None,
                    at,
                }),
                Kind::Object => {
                    let mut aliased = None;
                    let mut count = 0;
                    p.object(|p, alias, at| {
                        count += 1;
                        let path = p.string_value(&alias, at)?;
                        aliased = Some(PropertyRef {
                            name: path,
                            alias: Some(alias),
                            at,
                        });
                        Ok(())
                    })?;
                    match aliased {
                        Some(r) if count == 1 => refs.push(r),
                        _ => {
                            return Err(Diagnostic::error(
                                "csdl-json-shape",
                                p.span(at),
                                "an aliased key part is an object of one member, `{\"alias\": \"path\"}`",
                            ));
                        }
                    }
                }
                kind => {
                    return Err(p.shape(at, "$Key", kind, "a property path or an object `{\"alias\": \"path\"}` as each item"));
                }
            }
            Ok(())
        })?;
        Ok(refs)
    }

    /// An object of string members (`$ReferentialConstraint`, `$NavigationPropertyBinding`),
    /// each made into an item by `make` (name, value, offset of the name); annotations of
    /// its members are skipped.
    fn string_pairs<T>(
        &mut self,
        member: &str,
        at: usize,
        make: impl Fn(Text<'a>, Text<'a>, usize) -> T,
    ) -> Res<Vec<T>> {
        self.expect_object(member, at)?;
        let mut items = Vec::new();
        self.object(|p, name, at| {
            if name.contains('@') {
                return p.skip_value();
            }
            let value = p.string_value(&name, at)?;
            items.push(make(name, value, at));
            Ok(())
        })?;
        Ok(items)
    }

    fn parameters(&mut self, at: usize) -> Res<Vec<Parameter<'a>>> {
        let kind = self.kind()?;
        if kind != Kind::Array {
            return Err(self.shape(at, "$Parameter", kind, "an array"));
        }
        let mut parameters = Vec::new();
        self.array(|p, at| {
            let object = p.gather(at, Level::Leaf, "a parameter")?;
            parameters.push(Parameter {
                name: p.required_string(&object, "$Name", "a parameter")?,
                type_name: p.type_name(&object, true, "a parameter")?,
                nullable: Some(p.bool_of(&object, "$Nullable")?.unwrap_or(false)),
                facets: p.facets(&object)?,
                annotations: object.annotations,
                at,
            });
            Ok(())
        })?;
        Ok(parameters)
    }

    fn return_type(&mut self, at: usize) -> Res<ReturnType<'a>> {
        let object = self.gather(at, Level::Leaf, "`$ReturnType`")?;
        Ok(ReturnType {
            type_name: self.type_name(&object, true, "a return type")?,
            nullable: Some(self.bool_of(&object, "$Nullable")?.unwrap_or(false)),
            facets: self.facets(&object)?,
            at,
        })
    }

    fn string_of(&self, object: &Object<'a>, member: &str) -> Res<Option<Text<'a>>> {
        match object.get(member) {
            None => Ok(None),
            Some((_, Scalar::String(s), _)) => Ok(Some(s.clone())),
            Some((_, value, at)) => Err(self.shape(*at, member, value.kind(), "a string")),
        }
    }

    fn required_string(&self, object: &Object<'a>, member: &str, what: &str) -> Res<Text<'a>> {
        self.string_of(object, member)?
            .ok_or_else(|| self.missing(object.at, what, member))
    }

    fn bool_of(&self, object: &Object<'a>, member: &str) -> Res<Option<bool>> {
        match object.get(member) {
            None => Ok(None),
            Some((_, Scalar::Bool(b), _)) => Ok(Some(*b)),
            Some((_, value, at)) => Err(self.shape(*at, member, value.kind(), "a Boolean")),
        }
    }

    /// A number or a string (`$MaxLength`, `$Scale`, ...), as the text CSDL XML would
    /// have: `10`, `variable`.
    fn number_or_string(&self, object: &Object<'a>, member: &str) -> Res<Option<String>> {
        match object.get(member) {
            None => Ok(None),
            Some((_, Scalar::Number(n), _)) => Ok(Some((*n).to_owned())),
            Some((_, Scalar::String(s), _)) => Ok(Some(s.as_ref().to_owned())),
            Some((_, value, at)) => {
                Err(self.shape(*at, member, value.kind(), "a number or a string"))
            }
        }
    }

    /// `$Type` (required, or `Edm.String` when `defaults`), as a collection type when
    /// `$Collection` is true.
    fn type_name(&self, object: &Object<'a>, defaults: bool, what: &str) -> Res<Text<'a>> {
        let type_name = match self.string_of(object, "$Type")? {
            Some(t) => t,
            None if defaults => Cow::Borrowed("Edm.String"),
            None => return Err(self.missing(object.at, what, "$Type")),
        };
        let collection = self.bool_of(object, "$Collection")?.unwrap_or(false);
        Ok(collection_of(type_name, collection))
    }

    fn facets(&self, object: &Object<'a>) -> Res<Option<Box<Facets>>> {
        let facets = Facets {
            max_length: self.number_or_string(object, "$MaxLength")?,
            precision: self.number_or_string(object, "$Precision")?,
            scale: self.number_or_string(object, "$Scale")?,
            srid: self.number_or_string(object, "$SRID")?,
            unicode: self.bool_of(object, "$Unicode")?,
        };
        Ok((facets != Facets::default()).then(|| Box::new(facets)))
    }

    /// `$DefaultValue` as the text CSDL XML would have.
    fn default_value(&self, object: &Object<'a>) -> Res<Option<Text<'a>>> {
        Ok(match object.get("$DefaultValue") {
            None | Some((_, Scalar::Null, _)) => None,
            Some((_, Scalar::String(s), _)) => Some(s.clone()),
            Some((_, Scalar::Number(n), _)) => Some(Cow::Borrowed(*n)),
            Some((_, Scalar::Bool(b), _)) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            Some((_, value, at)) => {
                return Err(self.shape(*at, "$DefaultValue", value.kind(), "a primitive value"));
            }
        })
    }

    /// A schema element that is an object, by its `$Kind`. Terms and kinds CSDL does not
    /// define are skipped, as the XML reader skips them.
    fn schema_element(
        &self,
        name: Text<'a>,
        mut element: Object<'a>,
        children: &mut SchemaChildren<'a>,
    ) -> Res<()> {
        let kind = self.required_string(&element, "$Kind", &format!("`{name}`"))?;
        match kind.as_ref() {
            "EntityType" | "ComplexType" => {
                let kind = if kind == "EntityType" {
                    StructuredKind::Entity
                } else {
                    StructuredKind::Complex
                };
                let t = self.structured(kind, name, element)?;
                children.structured_types.push(t);
            }
            "EnumType" => {
                let t = self.enum_type(name, element)?;
                children.enum_types.push(t);
            }
            "TypeDefinition" => children.type_definitions.push(TypeDefinition {
                underlying_type: self.required_string(
                    &element,
                    "$UnderlyingType",
                    &format!("the type definition `{name}`"),
                )?,
                facets: self.facets(&element)?,
                annotations: std::mem::take(&mut element.annotations),
                at: element.at,
                name,
            }),
            "EntityContainer" => {
                let c = self.container(name, element)?;
                children.containers.push(c);
            }
            "Action" | "Function" => {
                return Err(Diagnostic::error(
                    "csdl-json-shape",
                    self.span(element.at),
                    format!(
                        "`{name}` is an object; CSDL JSON writes an {kind} as an array of its overloads"
                    ),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn structured(
        &self,
        kind: StructuredKind,
        name: Text<'a>,
        element: Object<'a>,
    ) -> Res<StructuredType<'a>> {
        let mut t = StructuredType {
            kind,
            base_type: self.string_of(&element, "$BaseType")?,
            is_abstract: self.bool_of(&element, "$Abstract")?.unwrap_or(false),
            open_type: self.bool_of(&element, "$OpenType")?.unwrap_or(false),
            has_stream: self.bool_of(&element, "$HasStream")?.unwrap_or(false),
            key: element.key,
            properties: Vec::new(),
            navigation_properties: Vec::new(),
            annotations: element.annotations,
            at: element.at,
            name,
        };
        for member in element.members {
            let object = match member.value {
                MemberValue::Object(object) => *object,
                MemberValue::Scalar(value) => {
                    return Err(self.shape(
                        member.at,
                        &member.name,
                        value.kind(),
                        "an object (a property)",
                    ));
                }
            };
            match self.string_of(&object, "$Kind")?.as_deref() {
                None | Some("Property") => {
                    let property = Property {
                        type_name: self.type_name(&object, true, "a property")?,
                        nullable: Some(self.bool_of(&object, "$Nullable")?.unwrap_or(false)),
                        default_value: self.default_value(&object)?,
                        facets: self.facets(&object)?,
                        annotations: object.annotations,
                        at: member.at,
                        name: member.name,
                    };
                    t.properties.push(property);
                }
                Some("NavigationProperty") => {
                    let collection = self.bool_of(&object, "$Collection")?.unwrap_or(false);
                    let nullable = self.bool_of(&object, "$Nullable")?;
                    let nav = NavigationProperty {
                        type_name: self.type_name(
                            &object,
                            false,
                            &format!("the navigation property `{}`", member.name),
                        )?,
                        // Nullable means nothing for a collection, which always exists.
                        nullable: if collection {
                            nullable
                        } else {
                            Some(nullable.unwrap_or(false))
                        },
                        partner: self.string_of(&object, "$Partner")?,
                        contains_target: self.bool_of(&object, "$ContainsTarget")?.unwrap_or(false),
                        on_delete: self.string_of(&object, "$OnDelete")?,
                        referential_constraints: object.referential_constraints.unwrap_or_default(),
                        annotations: object.annotations,
                        at: member.at,
                        name: member.name,
                    };
                    t.navigation_properties.push(nav);
                }
                Some(_) => {}
            }
        }
        Ok(t)
    }

    fn enum_type(&self, name: Text<'a>, element: Object<'a>) -> Res<EnumType<'a>> {
        let mut t = EnumType {
            underlying_type: self.string_of(&element, "$UnderlyingType")?,
            is_flags: self.bool_of(&element, "$IsFlags")?.unwrap_or(false),
            members: Vec::with_capacity(element.members.len()),
            annotations: element.annotations,
            at: element.at,
            name,
        };
        for member in element.members {
            let value = match member.value {
                MemberValue::Scalar(Scalar::Number(n)) => Cow::Borrowed(n),
                MemberValue::Scalar(Scalar::String(s)) => s,
                MemberValue::Scalar(value) => {
                    return Err(self.shape(
                        member.at,
                        &member.name,
                        value.kind(),
                        "a number (the member's value)",
                    ));
                }
                MemberValue::Object(_) => {
                    return Err(self.shape(
                        member.at,
                        &member.name,
                        Kind::Object,
                        "a number (the member's value)",
                    ));
                }
            };
            t.members.push(EnumMember {
                name: member.name,
                value: Some(value),
                annotations: Vec::new(),
                at: member.at,
            });
        }
        if !element.member_annotations.is_empty() {
            let index: HashMap<&str, usize> = t
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| (m.name.as_ref(), i))
                .collect();
            // Annotations of no member are of nothing this reader keeps.
            let placed: Vec<(usize, Annotation<'a>)> = element
                .member_annotations
                .into_iter()
                .filter_map(|(member, a)| index.get(member.as_ref()).map(|&i| (i, a)))
                .collect();
            for (i, a) in placed {
                t.members[i].annotations.push(a);
            }
        }
        Ok(t)
    }

    fn container(&self, name: Text<'a>, element: Object<'a>) -> Res<EntityContainer<'a>> {
        let mut c = EntityContainer {
            extends: self.string_of(&element, "$Extends")?,
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            action_imports: Vec::new(),
            function_imports: Vec::new(),
            annotations: element.annotations,
            at: element.at,
            name,
        };
        for member in element.members {
            let object = match member.value {
                MemberValue::Object(object) => *object,
                MemberValue::Scalar(value) => {
                    return Err(self.shape(
                        member.at,
                        &member.name,
                        value.kind(),
                        "an object (an entity set, singleton or operation import)",
                    ));
                }
            };
            let what = format!("`{}`", member.name);
            if let Some(action) = self.string_of(&object, "$Action")? {
                c.action_imports.push(OperationImport {
                    operation: action,
                    entity_set: self.string_of(&object, "$EntitySet")?,
                    annotations: object.annotations,
                    at: member.at,
                    name: member.name,
                });
            } else if let Some(function) = self.string_of(&object, "$Function")? {
                c.function_imports.push(OperationImport {
                    operation: function,
                    entity_set: self.string_of(&object, "$EntitySet")?,
                    annotations: object.annotations,
                    at: member.at,
                    name: member.name,
                });
            } else if self.bool_of(&object, "$Collection")?.unwrap_or(false) {
                c.entity_sets.push(EntitySet {
                    entity_type: self.required_string(&object, "$Type", &what)?,
                    include_in_service_document: self
                        .bool_of(&object, "$IncludeInServiceDocument")?
                        .unwrap_or(true),
                    bindings: object.bindings.unwrap_or_default(),
                    annotations: object.annotations,
                    at: member.at,
                    name: member.name,
                });
            } else {
                c.singletons.push(Singleton {
                    type_name: self.required_string(&object, "$Type", &what)?,
                    nullable: Some(self.bool_of(&object, "$Nullable")?.unwrap_or(false)),
                    bindings: object.bindings.unwrap_or_default(),
                    annotations: object.annotations,
                    at: member.at,
                    name: member.name,
                });
            }
        }
        Ok(c)
    }

    /// An action or function: the array of its overloads.
    fn overloads(&mut self, name: Text<'a>, operations: &mut Vec<Operation<'a>>) -> Res<()> {
        self.array(|p, at| {
            let mut overload = p.gather(at, Level::Leaf, &format!("an overload of `{name}`"))?;
            let kind = p.required_string(&overload, "$Kind", &format!("an overload of `{name}`"))?;
            let kind = match kind.as_ref() {
                "Action" => OperationKind::Action,
                "Function" => OperationKind::Function,
                other => {
                    return Err(Diagnostic::error(
                        "csdl-json-shape",
                        p.span(at),
                        format!("an overload of `{name}` has `$Kind` `{other}`; an array in a schema holds the overloads of an Action or Function"),
                    ));
                }
            };
            operations.push(Operation {
                kind,
                name: name.clone(),
                is_bound: p.bool_of(&overload, "$IsBound")?.unwrap_or(false),
                is_composable: p.bool_of(&overload, "$IsComposable")?.unwrap_or(false),
                entity_set_path: p.string_of(&overload, "$EntitySetPath")?,
                parameters: overload.parameters.take().unwrap_or_default(),
                return_type: overload.return_type.take(),
                annotations: std::mem::take(&mut overload.annotations),
                at,
            });
            Ok(())
        })
    }

    /// `$Annotations`: target path -> its annotations.
    fn annotation_blocks(&mut self, at: usize, blocks: &mut Vec<AnnotationBlock<'a>>) -> Res<()> {
        self.expect_object("$Annotations", at)?;
        self.object(|p, target, at| {
            p.expect_object(&target, at)?;
            let mut annotations = Vec::new();
            p.object(|p, name, at| {
                if !name.starts_with('@') {
                    return p.skip_value();
                }
                if let Some(a) = p.annotation(name, at)? {
                    annotations.push(a);
                }
                Ok(())
            })?;
            blocks.push(AnnotationBlock {
                target,
                // CSDL JSON qualifies each annotation rather than the block.
                qualifier: None,
                annotations,
                at,
            });
            Ok(())
        })
    }

    /// The annotation `name` (`@Term` or `@Term#Qualifier`) whose value is at the
    /// position; `None` for an annotation of an annotation (`@A@B`), which carries
    /// nothing the XML reader keeps.
    fn annotation(&mut self, name: Text<'a>, at: usize) -> Res<Option<Annotation<'a>>> {
        let rest = &name[1..];
        if rest.contains('@') {
            self.skip_value()?;
            return Ok(None);
        }
        let (term, qualifier) = match rest.find('#') {
            Some(hash) => (part(&name, 1..1 + hash), Some(part(&name, 2 + hash..))),
            None => (part(&name, 1..), None),
        };
        if term.is_empty() {
            return Err(Diagnostic::error(
                "csdl-json-shape",
                self.span(at),
                format!("the annotation `{name}` names no term"),
            ));
        }
        let local = term.rsplit('.').next().unwrap_or_default();
        self.enum_valued_terms |= ENUM_VALUED.iter().any(|(_, t, _, _)| *t == local);
        let value = self.expression()?;
        Ok(Some(Annotation {
            term,
            qualifier,
            value,
            at,
        }))
    }

    /// An annotation value: constants are JSON's own, paths and dynamic expressions are
    /// objects with a `$` member, records objects without one, collections arrays.
    fn expression(&mut self) -> Res<Expr<'a>> {
        Ok(match self.kind()? {
            Kind::String => Expr::String(self.string()?),
            Kind::Number => number(self.number()?),
            Kind::True => {
                self.literal("true")?;
                Expr::Bool(true)
            }
            Kind::False => {
                self.literal("false")?;
                Expr::Bool(false)
            }
            Kind::Null => {
                self.literal("null")?;
                Expr::Null
            }
            Kind::Array => {
                let mut items = Vec::new();
                self.array(|p, _| {
                    items.push(p.expression()?);
                    Ok(())
                })?;
                Expr::Collection(items)
            }
            Kind::Object => self.object_expression()?,
        })
    }

    fn object_expression(&mut self) -> Res<Expr<'a>> {
        let mut type_name = None;
        let mut properties = Vec::new();
        // The expression a `$` member names, and the first `$` member's in case every
        // one is a companion (`$Type` of a `$Cast`).
        let mut named: Option<Expr<'a>> = None;
        let mut first: Option<Expr<'a>> = None;
        self.object(|p, name, at| {
            if let Some(kind) = name.strip_prefix('$') {
                let expr = match kind {
                    "Path"
                    | "PropertyPath"
                    | "NavigationPropertyPath"
                    | "AnnotationPath"
                    | "ModelElementPath" => Expr::Path(p.string_value(&name, at)?),
                    "EnumMember" => Expr::EnumMember(p.string_value(&name, at)?),
                    _ => {
                        p.skip_value()?;
                        Expr::Other(part(&name, 1..))
                    }
                };
                let companion = matches!(
                    kind,
                    "Type"
                        | "Collection"
                        | "Function"
                        | "Name"
                        | "MaxLength"
                        | "Precision"
                        | "Scale"
                        | "SRID"
                );
                if !companion && named.is_none() {
                    named = Some(expr);
                } else if first.is_none() {
                    first = Some(expr);
                }
                return Ok(());
            }
            if name == "@type" || name == "@odata.type" {
                let t = p.string_value(&name, at)?;
                type_name = Some(match t.find('#') {
                    Some(hash) => part(&t, hash + 1..),
                    None => t,
                });
                return Ok(());
            }
            if name.contains('@') {
                // Annotations of the record or of its properties: the XML reader keeps none.
                return p.skip_value();
            }
            let value = p.expression()?;
            properties.push((name, value));
            Ok(())
        })?;
        Ok(named.or(first).unwrap_or(Expr::Record {
            type_name,
            properties,
        }))
    }
}

/// A JSON number in an annotation: an integer if it is one that fits, else a decimal or
/// floating-point constant as written.
fn number(text: &str) -> Expr<'_> {
    if let Ok(i) = text.parse::<i64>() {
        return Expr::Int(i);
    }
    let kind = if text.contains(['e', 'E']) {
        "Float"
    } else {
        "Decimal"
    };
    Expr::Constant {
        kind: Cow::Borrowed(kind),
        text: Cow::Borrowed(text),
    }
}

/// Turns the strings of [`ENUM_VALUED`] places into `EnumMember` expressions, qualified
/// with their enumeration type as CSDL XML writes them (`Type/Member`, flags separated
/// by spaces). Terms are matched through the document's aliases, which are known only
/// once it is read.
fn qualify_enum_values(csdl: &mut Csdl<'_>) {
    let mut namespaces: HashMap<String, String> = HashMap::default();
    for include in csdl.references.iter().flat_map(|r| &r.includes) {
        if let Some(alias) = &include.alias {
            namespaces.insert(alias.to_string(), include.namespace.to_string());
        }
    }
    for schema in &csdl.schemas {
        if let Some(alias) = &schema.alias {
            namespaces.insert(alias.to_string(), schema.namespace.to_string());
        }
    }
    let qualify = |a: &mut Annotation<'_>| {
        let Some((prefix, local)) = a.term.rsplit_once('.') else {
            return;
        };
        let namespace = namespaces.get(prefix).map_or(prefix, String::as_str);
        for &(vocabulary, term, path, enum_type) in ENUM_VALUED {
            if vocabulary == namespace && term == local {
                qualify_at(&mut a.value, path, enum_type);
            }
        }
    };
    for_each_annotation(csdl, qualify);
}

/// Makes the strings at `path` in `expr` (record properties, through collections)
/// members of `enum_type`.
fn qualify_at(expr: &mut Expr<'_>, path: &[&str], enum_type: &str) {
    match expr {
        Expr::Collection(items) => {
            for item in items {
                qualify_at(item, path, enum_type);
            }
        }
        Expr::Record { properties, .. } => {
            if let [first, rest @ ..] = path {
                for (name, value) in properties.iter_mut() {
                    if name.as_ref() == *first {
                        qualify_at(value, rest, enum_type);
                    }
                }
            }
        }
        Expr::String(text) if path.is_empty() => {
            let members: Vec<String> = text
                .split(',')
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(|m| {
                    let numeric = m.starts_with(|c: char| c == '-' || c.is_ascii_digit());
                    if m.contains('/') || numeric {
                        m.to_owned()
                    } else {
                        format!("{enum_type}/{m}")
                    }
                })
                .collect();
            *expr = Expr::EnumMember(Cow::Owned(members.join(" ")));
        }
        _ => {}
    }
}

/// Calls `f` for every annotation of the document, out-of-line ones too.
fn for_each_annotation<'a>(csdl: &mut Csdl<'a>, mut f: impl FnMut(&mut Annotation<'a>)) {
    let mut all = |annotations: &mut Vec<Annotation<'a>>| annotations.iter_mut().for_each(&mut f);
    for schema in &mut csdl.schemas {
        let c = &mut schema.children;
        all(&mut c.annotations);
        for block in &mut c.annotation_blocks {
            all(&mut block.annotations);
        }
        for t in &mut c.structured_types {
            all(&mut t.annotations);
            for p in &mut t.properties {
                all(&mut p.annotations);
            }
            for n in &mut t.navigation_properties {
                all(&mut n.annotations);
            }
        }
        for t in &mut c.enum_types {
            all(&mut t.annotations);
            for m in &mut t.members {
                all(&mut m.annotations);
            }
        }
        for t in &mut c.type_definitions {
            all(&mut t.annotations);
        }
        for op in &mut c.operations {
            all(&mut op.annotations);
            for p in &mut op.parameters {
                all(&mut p.annotations);
            }
        }
        for container in &mut c.containers {
            all(&mut container.annotations);
            for s in &mut container.entity_sets {
                all(&mut s.annotations);
            }
            for s in &mut container.singletons {
                all(&mut s.annotations);
            }
            for i in container
                .action_imports
                .iter_mut()
                .chain(&mut container.function_imports)
            {
                all(&mut i.annotations);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tests keep what they read, so the source lives as long as the test binary.
    fn read(json: &str) -> Result<Csdl<'static>, Diagnostic> {
        read_csdl_json(Box::leak(Box::new(Source::new("test.json", json))))
    }

    /// The line and column of the first `needle` in `text`, as a diagnostic has them.
    fn position_of(text: &str, needle: &str) -> (u32, u32) {
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} is not in the text"));
        position_at(text, at)
    }

    fn position_at(text: &str, at: usize) -> (u32, u32) {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
            .chars()
            .count()
            + 1;
        (line as u32, col as u32)
    }

    fn error(json: &str) -> (String, (u32, u32), String) {
        let error = read(json).expect_err("an error");
        let at = error.span.as_ref().map_or((0, 0), Span::line_col);
        (error.code.to_string(), at, error.message)
    }

    const SMALL: &str = r##"{
  "$Version": "4.01",
  "$EntityContainer": "ns.one.Service",
  "$Reference": {
    "https://example.com/Core.json": {
      "$Include": [{"$Namespace": "Org.OData.Core.V1", "$Alias": "Core"}],
      "$IncludeAnnotations": [{"$TermNamespace": "Org.OData.Core.V1"}]
    },
    "https://example.com/Capabilities.json": {
      "$Include": [{"$Namespace": "Org.OData.Capabilities.V1", "$Alias": "Cap"}]
    }
  },
  "ns.one": {
    "$Alias": "one",
    "color": {
      "$Kind": "EnumType", "$IsFlags": true, "$UnderlyingType": "Edm.Int16",
      "red": 1, "red@Core.Description": "Red \"ish\" \u00e9\ud83d\ude00",
      "green": 2
    },
    "thing": {
      "$Kind": "EntityType", "$OpenType": true,
      "$Key": ["id", {"partId": "part/id"}],
      "id": {"$Nullable": false},
      "tags": {"$Collection": true, "$MaxLength": 10, "$Nullable": true},
      "price": {"$Type": "Edm.Decimal", "$Precision": 9, "$Scale": "variable", "$DefaultValue": 1.5},
      "parts": {"$Kind": "NavigationProperty", "$Type": "one.thing", "$Collection": true,
                "$ContainsTarget": true, "$OnDelete": "Cascade"},
      "owner": {"$Kind": "NavigationProperty", "$Type": "one.thing", "$Partner": "parts",
                "$ReferentialConstraint": {"id": "id", "id@Core.Description": "kept out"}},
      "@Core.Description": "A thing.",
      "@Core.Description#short": "Thing",
      "@Core.Description@Core.IsLanguageDependent": true
    },
    "reset": [
      {"$Kind": "Action", "$IsBound": true,
       "$Parameter": [{"$Name": "bindingParameter", "$Type": "one.thing"},
                      {"$Name": "hard", "$Type": "Edm.Boolean", "$Nullable": true,
                       "@Core.Description": "Start over."}],
       "$ReturnType": {"$Type": "Edm.Boolean"}},
      {"$Kind": "Action", "$IsBound": true,
       "$Parameter": [{"$Name": "bindingParameter", "$Type": "one.thing", "$Collection": true}]}
    ],
    "Service": {
      "$Kind": "EntityContainer",
      "things": {"$Collection": true, "$Type": "one.thing",
                 "$NavigationPropertyBinding": {"parts": "things"},
                 "$IncludeInServiceDocument": false,
                 "@Cap.NavigationRestrictions": {"Navigability": "None",
                   "RestrictedProperties": [{"NavigationProperty": {"$NavigationPropertyPath": "parts"},
                                             "Navigability": "Single"}]},
                 "@Cap.SearchRestrictions": {"UnsupportedExpressions": "phrase,group"}},
      "me": {"$Type": "one.thing", "$Nullable": true},
      "doReset": {"$Action": "one.reset"},
      "find": {"$Function": "one.find", "$EntitySet": "things"}
    },
    "$Annotations": {
      "ns.one.thing/id": {
        "@Org.OData.Capabilities.V1.InsertRestrictions": {
          "@type": "#Org.OData.Capabilities.V1.InsertRestrictionsType",
          "Insertable": false,
          "NonInsertableProperties": [{"$PropertyPath": "id"}],
          "Insertable@Core.Description": "kept out"
        },
        "@Core.Permissions#q": {"$EnumMember": "Org.OData.Core.V1.Permission/Read"},
        "@one.values": [1, -2, 9223372036854775808, 2.5, 1e3, null, {"$Cast": {"$Path": "id"}, "$Type": "Edm.String"}]
      }
    }
  }
}"##;

    #[test]
    fn reads_every_construct_of_a_small_schema() {
        let csdl = read(SMALL).unwrap();
        assert_eq!(csdl.version, "4.01");
        assert_eq!(csdl.references.len(), 2);
        assert_eq!(csdl.references[0].uri, "https://example.com/Core.json");
        assert_eq!(csdl.references[1].includes[0].alias.as_deref(), Some("Cap"));
        let schema = &csdl.schemas[0];
        assert_eq!(
            (schema.namespace.as_ref(), schema.alias.as_deref()),
            ("ns.one", Some("one"))
        );

        let color = &schema.children.enum_types[0];
        assert!(color.is_flags);
        assert_eq!(color.underlying_type.as_deref(), Some("Edm.Int16"));
        let members: Vec<_> = color
            .members
            .iter()
            .map(|m| (m.name.as_ref(), m.value.as_deref()))
            .collect();
        assert_eq!(members, [("red", Some("1")), ("green", Some("2"))]);
        assert_eq!(color.members[0].annotations[0].term, "Core.Description");
        assert_eq!(
            color.members[0].annotations[0].value,
            Expr::String("Red \"ish\" é😀".into())
        );

        let thing = &schema.children.structured_types[0];
        assert_eq!(thing.kind, StructuredKind::Entity);
        assert!(thing.open_type && !thing.is_abstract && !thing.has_stream);
        let key: Vec<_> = thing
            .key
            .as_ref()
            .unwrap()
            .iter()
            .map(|r| (r.name.as_ref(), r.alias.as_deref()))
            .collect();
        assert_eq!(key, [("id", None), ("part/id", Some("partId"))]);
        let id = &thing.properties[0];
        assert_eq!(
            (id.type_name.as_ref(), id.nullable),
            ("Edm.String", Some(false))
        );
        let tags = &thing.properties[1];
        assert_eq!(tags.type_name, "Collection(Edm.String)");
        assert_eq!(tags.nullable, Some(true));
        assert_eq!(
            tags.facets.as_ref().unwrap().max_length.as_deref(),
            Some("10")
        );
        let price = &thing.properties[2];
        let facets = price.facets.as_ref().unwrap();
        assert_eq!(
            (facets.precision.as_deref(), facets.scale.as_deref()),
            (Some("9"), Some("variable"))
        );
        assert_eq!(price.default_value.as_deref(), Some("1.5"));
        let parts = &thing.navigation_properties[0];
        assert_eq!(parts.type_name, "Collection(one.thing)");
        assert!(parts.contains_target);
        assert_eq!(parts.nullable, None);
        assert_eq!(parts.on_delete.as_deref(), Some("Cascade"));
        let owner = &thing.navigation_properties[1];
        assert_eq!(owner.nullable, Some(false));
        assert_eq!(owner.partner.as_deref(), Some("parts"));
        let constraint = &owner.referential_constraints;
        assert_eq!(constraint.len(), 1);
        assert_eq!(constraint[0].referenced_property, "id");
        // The annotation of an annotation is not kept; the qualified one is.
        let annotations: Vec<_> = thing
            .annotations
            .iter()
            .map(|a| (a.term.as_ref(), a.qualifier.as_deref()))
            .collect();
        assert_eq!(
            annotations,
            [
                ("Core.Description", None),
                ("Core.Description", Some("short"))
            ]
        );

        let ops = &schema.children.operations;
        assert_eq!(ops.len(), 2);
        assert!(ops.iter().all(|o| o.name == "reset" && o.is_bound));
        assert_eq!(ops[0].parameters[1].nullable, Some(true));
        assert_eq!(ops[0].parameters[0].nullable, Some(false));
        assert_eq!(ops[0].parameters[1].annotations.len(), 1);
        let returns = ops[0].return_type.as_ref().unwrap();
        assert_eq!(
            (returns.type_name.as_ref(), returns.nullable),
            ("Edm.Boolean", Some(false))
        );
        assert_eq!(ops[1].parameters[0].type_name, "Collection(one.thing)");
        assert!(ops[1].return_type.is_none());

        let container = &schema.children.containers[0];
        let things = &container.entity_sets[0];
        assert_eq!(things.entity_type, "one.thing");
        assert!(!things.include_in_service_document);
        assert_eq!(
            (
                things.bindings[0].path.as_ref(),
                things.bindings[0].target.as_ref()
            ),
            ("parts", "things")
        );
        assert_eq!(container.singletons[0].nullable, Some(true));
        assert_eq!(container.action_imports[0].operation, "one.reset");
        assert_eq!(
            container.function_imports[0].entity_set.as_deref(),
            Some("things")
        );

        // Enumeration values of the standard vocabularies become members, through aliases.
        let navigation = &things.annotations[0].value;
        assert_eq!(
            navigation.property("Navigability"),
            Some(&Expr::EnumMember(
                "Org.OData.Capabilities.V1.NavigationType/None".into()
            ))
        );
        let Some(Expr::Collection(restricted)) = navigation.property("RestrictedProperties") else {
            panic!("{navigation:?}");
        };
        assert_eq!(
            restricted[0].property("Navigability"),
            Some(&Expr::EnumMember(
                "Org.OData.Capabilities.V1.NavigationType/Single".into()
            ))
        );
        assert_eq!(
            restricted[0].property("NavigationProperty"),
            Some(&Expr::Path("parts".into()))
        );
        assert_eq!(
            things.annotations[1].value.property("UnsupportedExpressions"),
            Some(&Expr::EnumMember(
                "Org.OData.Capabilities.V1.SearchExpressions/phrase Org.OData.Capabilities.V1.SearchExpressions/group"
                    .into()
            ))
        );

        let block = &schema.children.annotation_blocks[0];
        assert_eq!(block.target, "ns.one.thing/id");
        let insert = &block.annotations[0].value;
        let Expr::Record {
            type_name,
            properties,
        } = insert
        else {
            panic!("{insert:?}");
        };
        assert_eq!(
            type_name.as_deref(),
            Some("Org.OData.Capabilities.V1.InsertRestrictionsType")
        );
        assert_eq!(properties.len(), 2);
        assert_eq!(insert.property("Insertable"), Some(&Expr::Bool(false)));
        assert_eq!(
            insert.property("NonInsertableProperties"),
            Some(&Expr::Collection(vec![Expr::Path("id".into())]))
        );
        let permissions = &block.annotations[1];
        assert_eq!(permissions.qualifier.as_deref(), Some("q"));
        assert_eq!(
            permissions.value,
            Expr::EnumMember("Org.OData.Core.V1.Permission/Read".into())
        );
        let decimal = |text: &'static str| Expr::Constant {
            kind: "Decimal".into(),
            text: text.into(),
        };
        assert_eq!(
            block.annotations[2].value,
            Expr::Collection(vec![
                Expr::Int(1),
                Expr::Int(-2),
                decimal("9223372036854775808"),
                decimal("2.5"),
                Expr::Constant {
                    kind: "Float".into(),
                    text: "1e3".into()
                },
                Expr::Null,
                Expr::Other("Cast".into()),
            ])
        );
    }

    #[test]
    fn names_without_escapes_are_borrowed_from_the_document() {
        let csdl = read(SMALL).unwrap();
        let thing = &csdl.schemas[0].children.structured_types[0];
        assert!(matches!(thing.name, Cow::Borrowed("thing")));
        assert!(matches!(
            thing.properties[0].type_name,
            Cow::Borrowed("Edm.String")
        ));
        let escaped = read(&SMALL.replace("\"thing\": {", "\"th\\u0069ng\": {")).unwrap();
        let thing = &escaped.schemas[0].children.structured_types[0];
        assert!(matches!(&thing.name, Cow::Owned(name) if name == "thing"));
    }

    #[test]
    fn elements_are_at_their_member_names_or_opening_braces() {
        let csdl = read(SMALL).unwrap();
        let schema = &csdl.schemas[0];
        let check = |at: usize, needle: &str| {
            assert_eq!(
                csdl.span(at).line_col(),
                position_of(SMALL, needle),
                "{needle}"
            );
        };
        check(schema.at, "\"ns.one\": {");
        let thing = &schema.children.structured_types[0];
        check(thing.at, "\"thing\"");
        check(thing.properties[1].at, "\"tags\"");
        check(thing.navigation_properties[1].at, "\"owner\"");
        check(thing.key.as_ref().unwrap()[1].at, "\"partId\"");
        check(thing.annotations[1].at, "\"@Core.Description#short\"");
        let color = &schema.children.enum_types[0];
        check(color.members[1].at, "\"green\"");
        check(color.members[0].annotations[0].at, "\"red@");
        // An overload and a parameter are items of arrays: at their `{`.
        let reset = &schema.children.operations[1];
        check(
            reset.at,
            "{\"$Kind\": \"Action\", \"$IsBound\": true,\n       \"$Parameter\": [{\"$Name\": \"bindingParameter\", \"$Type\": \"one.thing\", \"$Collection\"",
        );
        check(
            reset.parameters[0].at,
            "{\"$Name\": \"bindingParameter\", \"$Type\": \"one.thing\", \"$Collection\"",
        );
        let container = &schema.children.containers[0];
        check(container.singletons[0].at, "\"me\"");
        check(
            schema.children.annotation_blocks[0].at,
            "\"ns.one.thing/id\"",
        );
        check(
            csdl.references[1].includes[0].at,
            "{\"$Namespace\": \"Org.OData.Capabilities.V1\"",
        );
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_ends_keep_positions() {
        let json = format!("\u{feff}{}", SMALL.replace('\n', "\r\n"));
        let csdl = read(&json).unwrap();
        let thing = &csdl.schemas[0].children.structured_types[0];
        assert_eq!(
            csdl.span(thing.properties[1].at).line_col(),
            position_of(SMALL, "\"tags\"")
        );
    }

    #[test]
    fn malformed_json_is_an_error_at_its_position() {
        // (document, where the error is: the last occurrence of this in it, the problem)
        let cases = [
            (
                "{\"$Version\": \"4.01\",\n  \"ns\": {}\n",
                "{\"$",
                "this object is not closed",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": [1, 2}}",
                "}}",
                "expected `,` or `]`",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {}} x",
                "x",
                "only white space may follow",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {},}",
                "}",
                "expected a member name",
            ),
            (
                "{\"$Version\": \"4.01\" \"ns\": {}}",
                "\"ns\"",
                "expected `,` or `}`",
            ),
            (
                "{\"$Version\": \"4.01\", ns: {}}",
                "ns",
                "expected a member name",
            ),
            ("{\"$Version\": \"4.01\", \"ns\" {}}", "{}", "expected `:`"),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": 01}}",
                "1}",
                "expected `,` or `}`",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": -}}",
                "}}",
                "a number has no digits",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": 1.}}",
                "}}",
                "no digits after `.`",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": 1e+}}",
                "}}",
                "no digits in its exponent",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": tru}}",
                "tru",
                "expected a value",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": *}}",
                "*",
                "expected a value",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"\\x\"}}",
                "\\x",
                "an unknown escape",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"\\ud800\"}}",
                "\\u",
                "an unpaired surrogate",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"\\udc00\"}}",
                "\\u",
                "an unpaired surrogate",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"\\u12\"}}",
                "\\u",
                "four hex digits",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"x\ny\"}}",
                "\ny",
                "a control character",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": \"open",
                "\"open",
                "this string is not closed",
            ),
            (
                "{\"$Version\": \"4.01\", \"ns\": {\"$X\": [1,",
                "[1",
                "this array is not closed",
            ),
        ];
        for (json, needle, problem) in cases {
            let (code, at, message) = error(json);
            let expected = json.rfind(needle).map(|at| position_at(json, at));
            assert_eq!(
                (code.as_str(), Some(at)),
                ("json-syntax", expected),
                "{json}: {message}"
            );
            assert!(message.contains(problem), "{json}: {message}");
        }
    }

    #[test]
    fn every_truncation_of_a_document_is_an_error_not_a_panic() {
        for end in (0..SMALL.len()).filter(|&end| SMALL.is_char_boundary(end)) {
            let err = read(&SMALL[..end]).expect_err("a truncated document");
            assert!(
                ["json-syntax", "csdl-json-shape"].contains(&err.code),
                "{end}: {} {}",
                err.code,
                err.message
            );
        }
    }

    #[test]
    fn members_of_the_wrong_shape_are_errors_at_their_names() {
        // (schema element `t`, code, where the error is: the first occurrence of this in
        // the document, what the message says)
        let cases = [
            (
                r#"{"$Kind": "EntityType", "$Key": "id"}"#,
                "csdl-json-shape",
                "\"$Key\"",
                "`$Key` is a string, where CSDL JSON has an array",
            ),
            (
                r#"{"$Kind": "EntityType", "$Key": [1]}"#,
                "csdl-json-shape",
                "1]",
                "`$Key` is a number",
            ),
            (
                r#"{"$Kind": "EntityType", "$Key": [{"a": "b", "c": "d"}]}"#,
                "csdl-json-shape",
                "{\"a\"",
                "an aliased key part is an object of one member",
            ),
            (
                r#"{"$Kind": "EntityType", "p": {"$Nullable": "no"}}"#,
                "csdl-json-shape",
                "\"$Nullable\"",
                "`$Nullable` is a string, where CSDL JSON has a Boolean",
            ),
            (
                r#"{"$Kind": "EntityType", "p": 1}"#,
                "csdl-json-shape",
                "\"p\"",
                "`p` is a number, where CSDL JSON has an object (a property)",
            ),
            (
                r#"{"$Kind": "EntityType", "p": {"$Type": ["Edm.String"]}}"#,
                "csdl-json-shape",
                "\"$Type\"",
                "`$Type` is an array",
            ),
            (
                r#"{"$Kind": "EntityType", "p": {"$Kind": "NavigationProperty"}}"#,
                "csdl-missing-attribute",
                "\"p\"",
                "the navigation property `p` has no `$Type` member",
            ),
            (
                r#"{"$Kind": "EntityType", "$Abstract": true, "$Abstract": false}"#,
                "csdl-json-shape",
                "\"$Abstract\": false",
                "`$Abstract` appears twice in one object",
            ),
            (
                r#"{"$Kind": "EnumType", "a": {}}"#,
                "csdl-json-shape",
                "\"a\"",
                "`a` is an object, where CSDL JSON has a number",
            ),
            (
                r#"{"$Kind": "TypeDefinition"}"#,
                "csdl-missing-attribute",
                "\"t\"",
                "the type definition `t` has no `$UnderlyingType` member",
            ),
            (
                r#"{"$Kind": "Action"}"#,
                "csdl-json-shape",
                "\"t\"",
                "CSDL JSON writes an Action as an array of its overloads",
            ),
            (
                r#"{"a": 1}"#,
                "csdl-missing-attribute",
                "\"t\"",
                "`t` has no `$Kind` member",
            ),
            (
                r#"[{"$Kind": "Action", "$Parameter": {}}]"#,
                "csdl-json-shape",
                "\"$Parameter\"",
                "`$Parameter` is an object, where CSDL JSON has an array",
            ),
            (
                r#"[{"$Kind": "Action", "$Parameter": [{"$Type": "Edm.String"}]}]"#,
                "csdl-missing-attribute",
                "{\"$Type\"",
                "a parameter has no `$Name` member",
            ),
            (
                r#"[{"$Kind": "Term"}]"#,
                "csdl-json-shape",
                "{\"$Kind\"",
                "an overload of `t` has `$Kind` `Term`",
            ),
            (
                r#"[1]"#,
                "csdl-json-shape",
                "1]",
                "an overload of `t` is a number",
            ),
            (r#""text""#, "csdl-json-shape", "\"t\"", "`t` is a string"),
            (
                r#"{"$Kind": "EntityContainer", "s": {"$Collection": true}}"#,
                "csdl-missing-attribute",
                "\"s\"",
                "`s` has no `$Type` member",
            ),
            (
                r#"{"$Kind": "EntityContainer", "s": {"$Collection": true, "$Type": "x", "$NavigationPropertyBinding": {"p": 1}}}"#,
                "csdl-json-shape",
                "\"p\"",
                "`p` is a number",
            ),
            (
                r#"{"$Kind": "ComplexType", "@": 1}"#,
                "csdl-json-shape",
                "\"@\"",
                "the annotation `@` names no term",
            ),
            (
                r#"{"$Kind": "ComplexType", "@A": {"$Path": 1}}"#,
                "csdl-json-shape",
                "\"$Path\"",
                "`$Path` is a number, where CSDL JSON has a string",
            ),
        ];
        for (element, code, needle, message) in cases {
            let json =
                format!("{{\n\"$Version\": \"4.0\",\n\"ns\": {{\n  \"t\": {element}\n}}\n}}");
            let (got, got_at, got_message) = error(&json);
            assert_eq!(
                (got.as_str(), got_at),
                (code, position_of(&json, needle)),
                "{element}: {got_message}"
            );
            assert!(got_message.contains(message), "{element}: {got_message}");
        }
    }

    #[test]
    fn the_document_needs_a_supported_version_and_a_schema() {
        assert_eq!(
            error(r#"{"ns": {}}"#),
            (
                "csdl-missing-attribute".to_owned(),
                (1, 1),
                "the document has no `$Version` member".to_owned()
            )
        );
        let (code, at, message) = error(r#"{"$Version": "3.0", "ns": {}}"#);
        assert_eq!((code.as_str(), at), ("csdl-version", (1, 2)));
        assert!(message.contains("`3.0`"), "{message}");
        assert_eq!(error(r#"{"$Version": "4.0"}"#).0, "csdl-no-schema");
        let (code, at, message) = error(r#"{"error": {"code": "401", "message": "no"}}"#);
        assert_eq!((code.as_str(), at), ("csdl-root", (1, 2)));
        assert!(message.contains("an OData error response"), "{message}");
        assert_eq!(error("[]").0, "csdl-json-shape");
        assert_eq!(error("").0, "json-syntax");
    }

    #[test]
    fn unknown_members_and_kinds_are_skipped() {
        let csdl = read(
            r#"{"$Version": "4.0", "$Extra": {"deep": [[{}]]}, "@A.b": 1,
                "ns": {"$Kind": "Schema", "t": {"$Kind": "Term", "$Type": "Edm.String", "$AppliesTo": ["Property"]},
                       "u": {"$Kind": "Unknown"}, "c": {"$Kind": "ComplexType", "$Extra": {"x": 1},
                       "p": {"$Extra": [1], "q": {"r": 1}}}}}"#,
        )
        .unwrap();
        let children = &csdl.schemas[0].children;
        assert_eq!(children.structured_types.len(), 1);
        assert_eq!(children.structured_types[0].properties[0].name, "p");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let deep = format!(
                "{{\"$Version\": \"4.0\", \"ns\": {{\"@A.b\": {}1{}}}}}",
                open.repeat(100_000),
                close.repeat(100_000)
            );
            let (code, at, message) = error(&deep);
            assert_eq!(code, "csdl-too-deep", "{message}");
            assert_eq!(at.0, 1);
            assert_eq!(
                message,
                format!("JSON values nest more than {MAX_DEPTH} levels deep")
            );
            // As deep in a member that is skipped.
            let skipped = deep.replace("\"@A.b\"", "\"$Unknown\"");
            assert_eq!(error(&skipped).0, "csdl-too-deep");
        }
        // Annotation values may nest as deep as the XML reader allows.
        let nested = format!(
            "{{\"$Version\": \"4.0\", \"ns\": {{\"@A.b\": {}1{}}}}}",
            "[".repeat(MAX_EXPR_DEPTH),
            "]".repeat(MAX_EXPR_DEPTH)
        );
        assert!(read(&nested).is_ok());
    }
}
