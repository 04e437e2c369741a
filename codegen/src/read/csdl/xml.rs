//! CSDL XML -> [`Csdl`], streaming over quick-xml events.
//!
//! Elements CSDL does not define, and elements in foreign namespaces, are skipped, as the
//! specification asks. Malformed XML, a wrong root, an unsupported version or a missing
//! required attribute is an error at the element's position.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use smallvec::SmallVec;

use quick_xml::errors::IllFormedError;
use quick_xml::escape::EscapeError;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::{Reader, XmlVersion};

use super::*;
use crate::diag::{Diagnostic, Source};

const EDMX_NS: &str = "http://docs.oasis-open.org/odata/ns/edmx";
const EDM_NS: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// Reads a CSDL XML document. Errors stop reading; the first one is returned.
pub fn read_csdl(source: &Arc<Source>) -> Result<Csdl<'_>, Diagnostic> {
    Parser::new(source).document()
}

/// Namespaces are resolved here rather than by quick-xml's `NsReader`, which costs as
/// much as tokenizing itself: CSDL needs only to tell EDM and EDMX elements from others.
struct Parser<'a> {
    reader: Reader<&'a [u8]>,
    source: &'a Arc<Source>,
    text: &'a str,
    /// Where the reader's text starts in the document: after a byte order mark, which
    /// quick-xml would otherwise drop without counting it.
    base: usize,
    /// Namespace declarations in scope, innermost last: (prefix, namespace name); the
    /// default namespace has the empty prefix.
    bindings: Vec<(Text<'a>, ElementNs)>,
    /// For each open element, the length of `bindings` before its own declarations.
    scopes: Vec<usize>,
}

/// A start tag with what the parser needs of it, borrowed from the document.
struct Element<'a> {
    /// The raw qualified name, for skipping to the matching end tag.
    raw_name: Text<'a>,
    local: Text<'a>,
    ns: ElementNs,
    /// CSDL elements have few attributes; they stay on the stack.
    attrs: SmallVec<[(Text<'a>, Text<'a>); 4]>,
    offset: usize,
    empty: bool,
    consumed: bool,
}

impl<'a> Element<'a> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| same(k, name))
            .map(|(_, v)| v.as_ref())
    }

    fn value(&self, name: &str) -> Option<Text<'a>> {
        self.attrs
            .iter()
            .find(|(k, _)| same(k, name))
            .map(|(_, v)| v.clone())
    }
}

/// An attribute of a tag: where its name and value are, and where it ends.
struct AttributeAt {
    key: Range<usize>,
    /// The first `:` of the name, which ends its prefix.
    colon: Option<usize>,
    value: Range<usize>,
    end: usize,
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The attribute of `raw`, a tag's text after its name, from byte `from` on: `None`
/// past the last one, or a malformed one's position in `raw` and what is wrong. Errors
/// and their positions are those of quick-xml's attribute iterator, which this
/// replaces on the hot path: that one walks values byte by byte and builds a value
/// per attribute that CSDL reading mostly drops.
fn next_attribute(raw: &[u8], from: usize) -> Result<Option<AttributeAt>, (usize, &'static str)> {
    let skip_space = |mut at: usize| {
        while raw.get(at).is_some_and(|&b| is_xml_space(b)) {
            at += 1;
        }
        at
    };
    let key_start = skip_space(from);
    if key_start >= raw.len() {
        return Ok(None);
    }
    // A name has at least its first character, whatever that is (as in quick-xml).
    let mut key_end = key_start + 1;
    let mut colon = (raw[key_start] == b':').then_some(key_start);
    while let Some(&b) = raw.get(key_end) {
        if b == b'=' || is_xml_space(b) {
            break;
        }
        if b == b':' && colon.is_none() {
            colon = Some(key_end);
        }
        key_end += 1;
    }
    let eq = skip_space(key_end);
    if raw.get(eq) != Some(&b'=') {
        return Err((
            eq.min(raw.len()),
            "an attribute name is not followed by `=`",
        ));
    }
    let open = skip_space(eq + 1);
    let quote = match raw.get(open) {
        Some(&quote @ (b'"' | b'\'')) => quote,
        Some(_) => return Err((open, "an attribute value is not in quotes")),
        None => return Err((raw.len(), "`=` is not followed by a value")),
    };
    let Some(length) = memchr::memchr(quote, &raw[open + 1..]) else {
        return Err((raw.len(), "an attribute value has no closing quote"));
    };
    let close = open + 1 + length;
    Ok(Some(AttributeAt {
        key: key_start..key_end,
        colon,
        value: open + 1..close,
        end: close + 1,
    }))
}

/// A tag's attributes as [`next_attribute`] scans them and as quick-xml's iterator
/// does, to check that the two agree (unit tests, differential fuzzing).
#[cfg(any(test, fuzzing))]
pub mod attribute_scans {
    use super::*;
    use quick_xml::events::attributes::AttrError;

    /// What a tag's attributes scan to, up to the first malformed one: (name, value)
    /// pairs, then the error's position in the tag's text (after `<`).
    pub type Scanned = (Vec<(String, String)>, Option<usize>);

    /// `tag` (what follows `<`) through quick-xml's attribute iterator.
    pub fn quick_xml(tag: &str) -> Scanned {
        let name_len = tag.find(is_xml_space_char).unwrap_or(tag.len());
        let start = BytesStart::from_content(tag, name_len);
        let mut pairs = Vec::new();
        for attribute in start.attributes().with_checks(false) {
            match attribute {
                Ok(a) => pairs.push((a.key.0.to_owned(), a.value.into_owned())),
                Err(error) => {
                    let at = match error {
                        AttrError::ExpectedEq(at)
                        | AttrError::ExpectedValue(at)
                        | AttrError::UnquotedValue(at)
                        | AttrError::ExpectedQuote(at, _)
                        | AttrError::Duplicated(at, _) => at,
                    };
                    return (pairs, Some(at));
                }
            }
        }
        (pairs, None)
    }

    /// `tag` (what follows `<`) through this reader's scanner.
    pub fn here(tag: &str) -> Scanned {
        let name_len = tag.find(is_xml_space_char).unwrap_or(tag.len());
        let raw = &tag[name_len..];
        let mut pairs = Vec::new();
        let mut from = 0;
        loop {
            match next_attribute(raw.as_bytes(), from) {
                Ok(None) => return (pairs, None),
                Ok(Some(a)) => {
                    pairs.push((raw[a.key].to_owned(), raw[a.value].to_owned()));
                    from = a.end;
                }
                Err((at, _)) => return (pairs, Some(name_len + at)),
            }
        }
    }

    fn is_xml_space_char(c: char) -> bool {
        u8::try_from(c).is_ok_and(is_xml_space)
    }
}

/// A qualified name as (prefix, local name), the prefix empty if there is none.
fn split_prefix(name: &str) -> (&str, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(colon) => (&name[..colon], &name[colon + 1..]),
        None => ("", name),
    }
}

/// Whether attribute value normalization changes `raw`: only references and whitespace
/// other than spaces do. Written without early exit, so that it compiles to vector
/// compares: attribute values are a large part of a CSDL document.
fn needs_normalizing(raw: &str) -> bool {
    raw.bytes().fold(false, |found, b| {
        found | matches!(b, b'&' | b'\t' | b'\n' | b'\r')
    })
}

/// String equality for the short names of XML: most differ in length or first byte,
/// which is decided without a call to `memcmp`.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

type Res<T> = Result<T, Diagnostic>;

impl<'a> Parser<'a> {
    fn new(source: &'a Arc<Source>) -> Self {
        let text: &'a str = &source.text;
        let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut reader = Reader::from_str(text.get(base..).unwrap_or_default());
        reader.config_mut().trim_text(false);
        Parser {
            reader,
            source,
            text,
            base,
            bindings: Vec::new(),
            scopes: Vec::new(),
        }
    }

    fn offset(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).map_or(usize::MAX, |at| at + self.base)
    }

    fn span(&self, offset: usize) -> Span {
        self.source.span_at(offset)
    }

    fn xml_error(&self, error: quick_xml::Error) -> Diagnostic {
        let offset = usize::try_from(self.reader.error_position()).map_or(0, |at| at + self.base);
        self.error_at(offset, error)
    }

    /// An XML error found at `offset`; an entity error points at the entity itself.
    fn error_at(&self, offset: usize, error: quick_xml::Error) -> Diagnostic {
        match error {
            quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(range, name)) => {
                unknown_entity(self.span(offset + range.start), &name)
            }
            quick_xml::Error::Escape(EscapeError::UnterminatedEntity(range)) => Diagnostic::error(
                "xml-syntax",
                self.span(offset + range.start),
                "the metadata is not well-formed XML: `&` starts no entity or character reference",
            ),
            error => Diagnostic::error(
                "xml-syntax",
                self.span(offset),
                format!("the metadata is not well-formed XML: {error}"),
            ),
        }
    }

    /// A malformed attribute `at` a position of the document.
    fn attribute_error(&self, at: usize, problem: &str) -> Diagnostic {
        Diagnostic::error(
            "xml-syntax",
            self.span(at),
            format!("the metadata is not well-formed XML: {problem}"),
        )
    }

    /// Where `part`, a slice borrowed from the source text, starts in it.
    fn offset_in_source(&self, part: &[u8]) -> Option<usize> {
        let text = self.text.as_bytes();
        let at = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
        (at + part.len() <= text.len()).then_some(at)
    }

    /// `part` as text of the document: the reader borrows every name and raw value
    /// from it, so this copies only if a slice somehow is not the document's.
    fn document_text(&self, part: &str) -> Text<'a> {
        let text: &'a str = self.text;
        self.offset_in_source(part.as_bytes())
            .and_then(|at| text.get(at..at + part.len()))
            .map_or_else(|| Cow::Owned(part.to_owned()), Cow::Borrowed)
    }

    /// Reads a start tag: its attributes, its namespace declarations (in scope until
    /// [`Parser::leave`] for a non-empty element) and its namespace.
    fn element(&mut self, start: &BytesStart<'_>, offset: usize, empty: bool) -> Res<Element<'a>> {
        let scope = self.bindings.len();
        let name = start.name();
        let mut attrs = SmallVec::new();
        let mut seen: SmallVec<[&str; 8]> = SmallVec::new();
        let raw = start.attributes_raw();
        // Positions in `raw` count from there in the document: after `<` and the name.
        let raw_at = offset + 1 + name.as_ref().len();
        let mut from = 0;
        while let Some(attribute) = next_attribute(raw.as_bytes(), from)
            .map_err(|(at, problem)| self.attribute_error(raw_at + at, problem))?
        {
            from = attribute.end;
            let key = &raw[attribute.key.clone()];
            if seen.iter().any(|k| same(k, key)) {
                return Err(self.attribute_error(
                    raw_at + attribute.key.start,
                    "an attribute appears twice in this tag",
                ));
            }
            seen.push(key);
            let (binds, attribute_name) = match attribute.colon {
                Some(colon) if &raw[attribute.key.start..colon] == "xmlns" => {
                    (Some(&raw[colon + 1..attribute.key.end]), None)
                }
                // Foreign attributes carry no CSDL meaning.
                Some(_) => continue,
                None if key == "xmlns" => (Some(""), None),
                None => (None, Some(key)),
            };
            let raw_value = &raw[attribute.value.clone()];
            // Every value that normalization leaves alone is the document's own text.
            let value = if needs_normalizing(raw_value) {
                let attr = Attribute {
                    key: QName(key),
                    value: Cow::Borrowed(raw_value),
                };
                let value = attr
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| self.error_at(raw_at + attribute.value.start, e))?;
                Cow::Owned(value.into_owned())
            } else {
                self.document_text(raw_value)
            };
            match (binds, attribute_name) {
                (Some(bound), _) => {
                    let ns = match value.as_ref() {
                        EDM_NS => ElementNs::Edm,
                        EDMX_NS => ElementNs::Edmx,
                        _ => ElementNs::Other,
                    };
                    self.bindings.push((self.document_text(bound), ns));
                }
                (None, Some(attribute_name)) => {
                    attrs.push((self.document_text(attribute_name), value));
                }
                (None, None) => {}
            }
        }
        let (prefix, local) = split_prefix(name.as_ref());
        let ns = self
            .bindings
            .iter()
            .rev()
            .find(|(p, _)| same(p, prefix))
            .map_or(ElementNs::Other, |&(_, ns)| ns);
        if empty {
            self.bindings.truncate(scope);
        } else {
            self.scopes.push(scope);
        }
        Ok(Element {
            raw_name: self.document_text(name.as_ref()),
            local: self.document_text(local),
            ns,
            attrs,
            offset,
            empty,
            consumed: false,
        })
    }

    /// Ends the scope of the innermost open element's namespace declarations.
    fn leave(&mut self) {
        if let Some(scope) = self.scopes.pop() {
            self.bindings.truncate(scope);
        }
    }

    /// Skips a non-empty element the parser has no use for.
    fn skip(&mut self, el: &Element<'a>) -> Res<()> {
        match self.reader.read_to_end(QName(&el.raw_name)) {
            // quick-xml gives no position for this one: the element's start tag is it.
            Err(quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(_))) => {
                self.close(el, true)
            }
            Err(error) => Err(self.xml_error(error)),
            Ok(_) => {
                self.leave();
                Ok(())
            }
        }
    }

    fn required(&self, el: &Element<'a>, name: &str) -> Res<Text<'a>> {
        el.value(name).ok_or_else(|| {
            Diagnostic::error(
                "csdl-missing-attribute",
                self.span(el.offset),
                format!("<{}> has no `{name}` attribute", el.local),
            )
        })
    }

    fn bool_attr(&self, el: &Element<'a>, name: &str) -> Res<Option<bool>> {
        match el.attr(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(Diagnostic::error(
                "csdl-invalid-value",
                self.span(el.offset),
                format!(
                    "`{name}` of <{}> is `{other}`, expected `true` or `false`",
                    el.local
                ),
            )),
        }
    }

    /// The facets of an element, `None` when it has none (most have none, and a
    /// property without them stays small).
    fn facets(&self, el: &Element<'a>) -> Res<Option<Box<Facets>>> {
        let facets = Facets {
            max_length: el.attr("MaxLength").map(str::to_owned),
            precision: el.attr("Precision").map(str::to_owned),
            scale: el.attr("Scale").map(str::to_owned),
            srid: el.attr("SRID").map(str::to_owned),
            unicode: self.bool_attr(el, "Unicode")?,
        };
        Ok((facets != Facets::default()).then(|| Box::new(facets)))
    }

    fn next_event(&mut self) -> Res<Event<'a>> {
        self.reader.read_event().map_err(|e| self.xml_error(e))
    }

    /// Calls `f` for each child element of `el`; children `f` leaves unread are skipped.
    fn children(
        &mut self,
        el: &mut Element<'a>,
        mut f: impl FnMut(&mut Self, &mut Element<'a>) -> Res<()>,
    ) -> Res<()> {
        el.consumed = true;
        if el.empty {
            return Ok(());
        }
        loop {
            let offset = self.offset();
            let (start, empty) = match self.next_event()? {
                Event::Start(start) => (start, false),
                Event::Empty(start) => (start, true),
                Event::End(_) => return self.close(el, false),
                Event::Eof => return self.close(el, true),
                _ => continue,
            };
            let mut child = self.element(&start, offset, empty)?;
            self.visit(&mut child, &mut f)?;
        }
    }

    /// Calls `f` for a child element in the EDM namespace, then skips what it left unread.
    fn visit(
        &mut self,
        child: &mut Element<'a>,
        f: impl FnOnce(&mut Self, &mut Element<'a>) -> Res<()>,
    ) -> Res<()> {
        if child.ns == ElementNs::Edm {
            f(self, child)?;
        }
        if !child.consumed && !child.empty {
            self.skip(child)?;
        }
        Ok(())
    }

    /// Ends reading the children of `el`: the end of the file is an error.
    fn close(&mut self, el: &Element<'a>, end_of_file: bool) -> Res<()> {
        if end_of_file {
            return Err(Diagnostic::error(
                "xml-syntax",
                self.span(el.offset),
                format!("<{}> is not closed before the end of the file", el.local),
            ));
        }
        self.leave();
        Ok(())
    }

    /// The text content of `el` (entity and character references resolved).
    fn text(&mut self, el: &mut Element<'a>) -> Res<Text<'a>> {
        el.consumed = true;
        let mut text = String::new();
        if el.empty {
            return Ok(Cow::Owned(text));
        }
        let mut depth = 0usize;
        loop {
            let offset = self.offset();
            match self.reader.read_event().map_err(|e| self.xml_error(e))? {
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::CData(c) => text.push_str(&c),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Cow::Owned(c.to_string()),
                        _ => {
                            let name = r.to_string();
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => Cow::Borrowed(s),
                                None => return Err(unknown_entity(self.span(offset), &name)),
                            }
                        }
                    };
                    text.push_str(&resolved);
                }
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => {
                    self.leave();
                    return Ok(Cow::Owned(text));
                }
                Event::End(_) => depth -= 1,
                Event::Eof => {
                    return Err(Diagnostic::error(
                        "xml-syntax",
                        self.span(el.offset),
                        format!("<{}> is not closed before the end of the file", el.local),
                    ));
                }
                _ => {}
            }
        }
    }

    fn document(&mut self) -> Res<Csdl<'a>> {
        loop {
            let offset = self.offset();
            let event = self.next_event()?;
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let empty = matches!(event, Event::Empty(_));
                    let mut root = self.element(start, offset, empty)?;
                    if root.local != "Edmx" || root.ns != ElementNs::Edmx {
                        return Err(Diagnostic::error(
                            "csdl-root",
                            self.span(offset),
                            format!(
                                "the root element is <{}>, expected <edmx:Edmx> in namespace {}",
                                root.raw_name, EDMX_NS
                            ),
                        ));
                    }
                    let csdl = self.edmx(&mut root)?;
                    self.after_root()?;
                    return Ok(csdl);
                }
                Event::Eof => {
                    return Err(Diagnostic::error(
                        "csdl-root",
                        self.span(offset),
                        "the metadata file has no root element",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Reads what follows the root element to the end of the file: only comments,
    /// processing instructions and white space may (XML 1.0, production `document`).
    fn after_root(&mut self) -> Res<()> {
        loop {
            let offset = self.offset();
            let what = match self.next_event()? {
                Event::Eof => return Ok(()),
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Text(text) => {
                    let Some(lead) = text.into_inner().bytes().position(|b| !is_xml_space(b))
                    else {
                        continue;
                    };
                    return Err(self.after_root_error(offset + lead, "text"));
                }
                Event::Start(_) | Event::Empty(_) => "a second root element",
                Event::End(_) => "an end tag",
                Event::CData(_) => "a CDATA section",
                Event::GeneralRef(_) => "an entity reference",
                Event::Decl(_) => "an XML declaration",
                Event::DocType(_) => "a document type declaration",
            };
            return Err(self.after_root_error(offset, what));
        }
    }

    fn after_root_error(&self, offset: usize, what: &str) -> Diagnostic {
        Diagnostic::error(
            "xml-syntax",
            self.span(offset),
            format!(
                "the metadata is not well-formed XML: {what} after the root element (only comments, processing instructions and white space may follow it)"
            ),
        )
    }

    fn edmx(&mut self, root: &mut Element<'a>) -> Res<Csdl<'a>> {
        let version = self.required(root, "Version")?;
        if version != "4.0" && version != "4.01" {
            return Err(Diagnostic::error(
                "csdl-version",
                self.span(root.offset),
                format!("CSDL version `{version}` is not supported (4.0 and 4.01 are)"),
            ));
        }
        let mut csdl = Csdl {
            source: Arc::clone(self.source),
            version,
            references: Vec::new(),
            schemas: Vec::new(),
        };
        // edmx children live in the EDMX namespace, so they are walked by hand here.
        root.consumed = true;
        if !root.empty {
            self.edmx_children(&mut csdl)?;
        }
        if csdl.schemas.is_empty() {
            return Err(Diagnostic::error(
                "csdl-no-schema",
                self.span(root.offset),
                "the metadata declares no <Schema> inside <edmx:DataServices>",
            ));
        }
        Ok(csdl)
    }

    /// Walks edmx:Reference and edmx:DataServices (and Schema inside the latter).
    fn edmx_children(&mut self, csdl: &mut Csdl<'a>) -> Res<()> {
        let mut depth = 0usize;
        let mut current_reference: Option<Reference<'a>> = None;
        loop {
            let offset = self.offset();
            let event = self.next_event()?;
            match event {
                Event::Start(ref start) | Event::Empty(ref start) => {
                    let empty = matches!(event, Event::Empty(_));
                    let mut el = self.element(start, offset, empty)?;
                    match (el.ns, el.local.as_ref()) {
                        (ElementNs::Edmx, "Reference") => {
                            let reference = Reference {
                                uri: self.required(&el, "Uri")?,
                                includes: Vec::new(),
                                at: offset,
                            };
                            if empty {
                                csdl.references.push(reference);
                            } else {
                                current_reference = Some(reference);
                                depth += 1;
                            }
                        }
                        (ElementNs::Edmx, "Include") => {
                            let include = Include {
                                namespace: self.required(&el, "Namespace")?,
                                alias: el.value("Alias"),
                                at: offset,
                            };
                            if let Some(reference) = current_reference.as_mut() {
                                reference.includes.push(include);
                            }
                            if !empty {
                                self.skip(&el)?;
                            }
                        }
                        (ElementNs::Edmx, "DataServices") if !empty => depth += 1,
                        (ElementNs::Edm, "Schema") => {
                            let schema = self.schema(&mut el)?;
                            csdl.schemas.push(schema);
                        }
                        _ => {
                            if !empty {
                                self.skip(&el)?;
                            }
                        }
                    }
                }
                Event::End(_) => {
                    self.leave();
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                    if let Some(reference) = current_reference.take() {
                        csdl.references.push(reference);
                    }
                }
                Event::Eof => {
                    return Err(Diagnostic::error(
                        "xml-syntax",
                        self.span(offset),
                        "<edmx:Edmx> is not closed before the end of the file",
                    ));
                }
                _ => {}
            }
        }
    }

    fn schema(&mut self, el: &mut Element<'a>) -> Res<Schema<'a>> {
        let namespace = self.required(el, "Namespace")?;
        let alias = el.value("Alias");
        let mut children = SchemaChildren::default();
        el.consumed = true;
        if !el.empty {
            let (_, end_of_file) = self.schema_children(&mut children)?;
            self.close(el, end_of_file)?;
        }
        Ok(Schema {
            namespace,
            alias,
            children,
            at: el.offset,
        })
    }

    /// Reads the children of a Schema into `children` up to the event that closes them,
    /// which it reads too: returns that event's offset and whether it is the end of the
    /// file.
    fn schema_children(&mut self, children: &mut SchemaChildren<'a>) -> Res<(usize, bool)> {
        loop {
            let offset = self.offset();
            let (start, empty) = match self.next_event()? {
                Event::Start(start) => (start, false),
                Event::Empty(start) => (start, true),
                Event::End(_) => return Ok((offset, false)),
                Event::Eof => return Ok((offset, true)),
                _ => continue,
            };
            let mut child = self.element(&start, offset, empty)?;
            self.visit(&mut child, |p, child| p.schema_child(child, children))?;
        }
    }

    fn schema_child(
        &mut self,
        child: &mut Element<'a>,
        children: &mut SchemaChildren<'a>,
    ) -> Res<()> {
        match child.local.as_ref() {
            "EntityType" => {
                let t = self.structured(child, StructuredKind::Entity)?;
                children.structured_types.push(t);
            }
            "ComplexType" => {
                let t = self.structured(child, StructuredKind::Complex)?;
                children.structured_types.push(t);
            }
            "EnumType" => {
                let t = self.enum_type(child)?;
                children.enum_types.push(t);
            }
            "TypeDefinition" => {
                let mut t = TypeDefinition {
                    name: self.required(child, "Name")?,
                    underlying_type: self.required(child, "UnderlyingType")?,
                    facets: self.facets(child)?,
                    annotations: Vec::new(),
                    at: child.offset,
                };
                t.annotations = self.annotations_only(child)?;
                children.type_definitions.push(t);
            }
            "Action" => {
                let op = self.operation(child, OperationKind::Action)?;
                children.operations.push(op);
            }
            "Function" => {
                let op = self.operation(child, OperationKind::Function)?;
                children.operations.push(op);
            }
            "EntityContainer" => {
                let c = self.container(child)?;
                children.containers.push(c);
            }
            "Annotations" => {
                let block = AnnotationBlock {
                    target: self.required(child, "Target")?,
                    qualifier: child.value("Qualifier"),
                    annotations: self.annotations_only(child)?,
                    at: child.offset,
                };
                children.annotation_blocks.push(block);
            }
            "Annotation" => {
                let a = self.annotation(child)?;
                children.annotations.push(a);
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads the `Annotation` children of an element that has no others of interest.
    fn annotations_only(&mut self, el: &mut Element<'a>) -> Res<Vec<Annotation<'a>>> {
        let mut annotations = Vec::new();
        self.children(el, |p, child| {
            if child.local == "Annotation" {
                annotations.push(p.annotation(child)?);
            }
            Ok(())
        })?;
        Ok(annotations)
    }

    fn structured(
        &mut self,
        el: &mut Element<'a>,
        kind: StructuredKind,
    ) -> Res<StructuredType<'a>> {
        let mut t = StructuredType {
            kind,
            name: self.required(el, "Name")?,
            base_type: el.value("BaseType"),
            is_abstract: self.bool_attr(el, "Abstract")?.unwrap_or(false),
            open_type: self.bool_attr(el, "OpenType")?.unwrap_or(false),
            has_stream: self.bool_attr(el, "HasStream")?.unwrap_or(false),
            key: None,
            properties: Vec::new(),
            navigation_properties: Vec::new(),
            annotations: Vec::new(),
            at: el.offset,
        };
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "Key" => {
                    let mut refs = Vec::new();
                    p.children(child, |p, r| {
                        if r.local == "PropertyRef" {
                            refs.push(PropertyRef {
                                name: p.required(r, "Name")?,
                                alias: r.value("Alias"),
                                at: r.offset,
                            });
                        }
                        Ok(())
                    })?;
                    t.key = Some(refs);
                }
                "Property" => {
                    let prop = p.property(child)?;
                    t.properties.push(prop);
                }
                "NavigationProperty" => {
                    let nav = p.navigation_property(child)?;
                    t.navigation_properties.push(nav);
                }
                "Annotation" => {
                    let a = p.annotation(child)?;
                    t.annotations.push(a);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(t)
    }

    fn property(&mut self, el: &mut Element<'a>) -> Res<Property<'a>> {
        Ok(Property {
            name: self.required(el, "Name")?,
            type_name: self.required(el, "Type")?,
            nullable: self.bool_attr(el, "Nullable")?,
            default_value: el.value("DefaultValue"),
            facets: self.facets(el)?,
            at: el.offset,
            annotations: self.annotations_only(el)?,
        })
    }

    fn navigation_property(&mut self, el: &mut Element<'a>) -> Res<NavigationProperty<'a>> {
        let mut nav = NavigationProperty {
            name: self.required(el, "Name")?,
            type_name: self.required(el, "Type")?,
            nullable: self.bool_attr(el, "Nullable")?,
            partner: el.value("Partner"),
            contains_target: self.bool_attr(el, "ContainsTarget")?.unwrap_or(false),
            referential_constraints: Vec::new(),
            on_delete: None,
            annotations: Vec::new(),
            at: el.offset,
        };
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "ReferentialConstraint" => {
                    nav.referential_constraints.push(ReferentialConstraint {
                        property: p.required(child, "Property")?,
                        referenced_property: p.required(child, "ReferencedProperty")?,
                        at: child.offset,
                    });
                }
                "OnDelete" => nav.on_delete = Some(p.required(child, "Action")?),
                "Annotation" => {
                    let a = p.annotation(child)?;
                    nav.annotations.push(a);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(nav)
    }

    fn enum_type(&mut self, el: &mut Element<'a>) -> Res<EnumType<'a>> {
        let mut t = EnumType {
            name: self.required(el, "Name")?,
            underlying_type: el.value("UnderlyingType"),
            is_flags: self.bool_attr(el, "IsFlags")?.unwrap_or(false),
            members: Vec::new(),
            annotations: Vec::new(),
            at: el.offset,
        };
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "Member" => {
                    let member = EnumMember {
                        name: p.required(child, "Name")?,
                        value: child.value("Value"),
                        at: child.offset,
                        annotations: p.annotations_only(child)?,
                    };
                    t.members.push(member);
                }
                "Annotation" => {
                    let a = p.annotation(child)?;
                    t.annotations.push(a);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(t)
    }

    fn operation(&mut self, el: &mut Element<'a>, kind: OperationKind) -> Res<Operation<'a>> {
        let mut op = Operation {
            kind,
            name: self.required(el, "Name")?,
            is_bound: self.bool_attr(el, "IsBound")?.unwrap_or(false),
            is_composable: self.bool_attr(el, "IsComposable")?.unwrap_or(false),
            entity_set_path: el.value("EntitySetPath"),
            parameters: Vec::new(),
            return_type: None,
            annotations: Vec::new(),
            at: el.offset,
        };
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "Parameter" => {
                    let param = Parameter {
                        name: p.required(child, "Name")?,
                        type_name: p.required(child, "Type")?,
                        nullable: p.bool_attr(child, "Nullable")?,
                        facets: p.facets(child)?,
                        at: child.offset,
                        annotations: p.annotations_only(child)?,
                    };
                    op.parameters.push(param);
                }
                "ReturnType" => {
                    op.return_type = Some(ReturnType {
                        type_name: p.required(child, "Type")?,
                        nullable: p.bool_attr(child, "Nullable")?,
                        facets: p.facets(child)?,
                        at: child.offset,
                    });
                }
                "Annotation" => {
                    let a = p.annotation(child)?;
                    op.annotations.push(a);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(op)
    }

    fn container(&mut self, el: &mut Element<'a>) -> Res<EntityContainer<'a>> {
        let mut c = EntityContainer {
            name: self.required(el, "Name")?,
            extends: el.value("Extends"),
            entity_sets: Vec::new(),
            singletons: Vec::new(),
            action_imports: Vec::new(),
            function_imports: Vec::new(),
            annotations: Vec::new(),
            at: el.offset,
        };
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "EntitySet" => {
                    let mut set = EntitySet {
                        name: p.required(child, "Name")?,
                        entity_type: p.required(child, "EntityType")?,
                        include_in_service_document: p
                            .bool_attr(child, "IncludeInServiceDocument")?
                            .unwrap_or(true),
                        bindings: Vec::new(),
                        annotations: Vec::new(),
                        at: child.offset,
                    };
                    p.bindings_and_annotations(child, &mut set.bindings, &mut set.annotations)?;
                    c.entity_sets.push(set);
                }
                "Singleton" => {
                    let mut singleton = Singleton {
                        name: p.required(child, "Name")?,
                        type_name: p.required(child, "Type")?,
                        nullable: p.bool_attr(child, "Nullable")?,
                        bindings: Vec::new(),
                        annotations: Vec::new(),
                        at: child.offset,
                    };
                    p.bindings_and_annotations(
                        child,
                        &mut singleton.bindings,
                        &mut singleton.annotations,
                    )?;
                    c.singletons.push(singleton);
                }
                "ActionImport" | "FunctionImport" => {
                    let is_action = child.local == "ActionImport";
                    let import = OperationImport {
                        name: p.required(child, "Name")?,
                        operation: p
                            .required(child, if is_action { "Action" } else { "Function" })?,
                        entity_set: child.value("EntitySet"),
                        at: child.offset,
                        annotations: p.annotations_only(child)?,
                    };
                    if is_action {
                        c.action_imports.push(import);
                    } else {
                        c.function_imports.push(import);
                    }
                }
                "Annotation" => {
                    let a = p.annotation(child)?;
                    c.annotations.push(a);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok(c)
    }

    fn bindings_and_annotations(
        &mut self,
        el: &mut Element<'a>,
        bindings: &mut Vec<NavigationPropertyBinding<'a>>,
        annotations: &mut Vec<Annotation<'a>>,
    ) -> Res<()> {
        self.children(el, |p, child| {
            match child.local.as_ref() {
                "NavigationPropertyBinding" => bindings.push(NavigationPropertyBinding {
                    path: p.required(child, "Path")?,
                    target: p.required(child, "Target")?,
                    at: child.offset,
                }),
                "Annotation" => annotations.push(p.annotation(child)?),
                _ => {}
            }
            Ok(())
        })
    }

    fn annotation(&mut self, el: &mut Element<'a>) -> Res<Annotation<'a>> {
        let term = self.required(el, "Term")?;
        let qualifier = el.value("Qualifier");
        let at = el.offset;
        let value = self.expression_of(el, 0)?;
        Ok(Annotation {
            term,
            qualifier,
            value,
            at,
        })
    }

    /// The value of an `Annotation` or `PropertyValue`: a constant attribute, else the
    /// first child expression element, else [`Expr::Default`].
    fn expression_of(&mut self, el: &mut Element<'a>, depth: usize) -> Res<Expr<'a>> {
        let attribute_value = el
            .attrs
            .iter()
            .filter(|(k, _)| !matches!(k.as_ref(), "Term" | "Qualifier" | "Property"))
            .find_map(|(k, v)| constant_kind(k).map(|_| (k.clone(), v.clone())));
        if let Some((kind, text)) = attribute_value {
            // Nested annotations on the annotation itself carry nothing we generate from.
            let value = self.constant(el, kind, text)?;
            if !el.empty {
                self.children(el, |_, _| Ok(()))?;
            }
            return Ok(value);
        }
        let mut value = Expr::Default;
        self.children(el, |p, child| {
            if child.local != "Annotation" && value == Expr::Default {
                value = p.expression(child, depth + 1)?;
            }
            Ok(())
        })?;
        Ok(value)
    }

    fn expression(&mut self, el: &mut Element<'a>, depth: usize) -> Res<Expr<'a>> {
        if depth > MAX_EXPR_DEPTH {
            return Err(Diagnostic::error(
                "csdl-too-deep",
                self.span(el.offset),
                format!("annotation expressions nest more than {MAX_EXPR_DEPTH} levels deep"),
            ));
        }
        match el.local.as_ref() {
            "Record" => {
                let type_name = el.value("Type");
                let mut properties = Vec::new();
                self.children(el, |p, child| {
                    if child.local == "PropertyValue" {
                        let name = p.required(child, "Property")?;
                        let value = p.expression_of(child, depth + 1)?;
                        properties.push((name, value));
                    }
                    Ok(())
                })?;
                Ok(Expr::Record {
                    type_name,
                    properties,
                })
            }
            "Collection" => {
                let mut items = Vec::new();
                self.children(el, |p, child| {
                    items.push(p.expression(child, depth + 1)?);
                    Ok(())
                })?;
                Ok(Expr::Collection(items))
            }
            "Null" => {
                self.children(el, |_, _| Ok(()))?;
                Ok(Expr::Null)
            }
            kind if constant_kind(kind).is_some() => {
                let kind = el.local.clone();
                let text = self.text(el)?;
                self.constant(el, kind, text)
            }
            _ => Ok(Expr::Other(el.local.clone())),
        }
    }

    fn constant(&self, el: &Element<'a>, kind: Text<'a>, text: Text<'a>) -> Res<Expr<'a>> {
        let invalid = |expected: &str| {
            Diagnostic::error(
                "csdl-invalid-value",
                self.span(el.offset),
                format!("`{text}` is not {expected} ({kind} in <{}>)", el.local),
            )
        };
        Ok(match constant_kind(&kind) {
            Some(ConstantKind::String) => Expr::String(text),
            Some(ConstantKind::Bool) => match text.trim() {
                "true" => Expr::Bool(true),
                "false" => Expr::Bool(false),
                _ => return Err(invalid("a Boolean")),
            },
            Some(ConstantKind::Int) => {
                Expr::Int(text.trim().parse().map_err(|_| invalid("an integer"))?)
            }
            Some(ConstantKind::EnumMember) => Expr::EnumMember(text),
            Some(ConstantKind::Path) => Expr::Path(text),
            Some(ConstantKind::Other) | None => Expr::Constant { kind, text },
        })
    }
}

/// Only XML's five predefined entities are known: a DTD's declarations are never read,
/// so nothing is expanded or fetched.
fn unknown_entity(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        "xml-syntax",
        span,
        format!("unknown entity `&{name};` (entities are never expanded)"),
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ElementNs {
    Edmx,
    Edm,
    Other,
}

enum ConstantKind {
    String,
    Bool,
    Int,
    EnumMember,
    Path,
    Other,
}

fn constant_kind(name: &str) -> Option<ConstantKind> {
    Some(match name {
        "String" => ConstantKind::String,
        "Bool" => ConstantKind::Bool,
        "Int" => ConstantKind::Int,
        "EnumMember" => ConstantKind::EnumMember,
        "Path"
        | "PropertyPath"
        | "NavigationPropertyPath"
        | "AnnotationPath"
        | "ModelElementPath" => ConstantKind::Path,
        "Binary" | "Date" | "DateTimeOffset" | "Decimal" | "Duration" | "Float" | "Guid"
        | "TimeOfDay" | "UrlRef" => ConstantKind::Other,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tests keep what they read, so the source lives as long as the test binary.
    fn read(xml: &str) -> Result<Csdl<'static>, Diagnostic> {
        read_csdl(Box::leak(Box::new(Source::new("test.xml", xml))))
    }

    const MINIMAL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
    <Schema Namespace="ns.one" Alias="one" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color" IsFlags="true">
        <Member Name="red" Value="1" />
        <Member Name="green" />
      </EnumType>
      <EntityType Name="thing" OpenType="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
        <Property Name="tags" Type="Collection(Edm.String)" MaxLength="10" />
        <NavigationProperty Name="parts" Type="Collection(one.thing)" ContainsTarget="true">
          <OnDelete Action="Cascade" />
        </NavigationProperty>
        <Annotation Term="Core.Description" String="A thing &amp; more." />
      </EntityType>
      <Action Name="reset" IsBound="true">
        <Parameter Name="bindingParameter" Type="one.thing" />
        <ReturnType Type="Edm.Boolean" Nullable="false" />
      </Action>
      <EntityContainer Name="Service">
        <EntitySet Name="things" EntityType="one.thing">
          <NavigationPropertyBinding Path="parts" Target="things" />
        </EntitySet>
        <Singleton Name="me" Type="one.thing" />
      </EntityContainer>
      <Annotations Target="ns.one.thing/id">
        <Annotation Term="Org.OData.Core.V1.Description">
          <String>The key.</String>
        </Annotation>
        <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions">
          <Record>
            <PropertyValue Property="Insertable" Bool="false" />
            <PropertyValue Property="NonInsertableProperties">
              <Collection><PropertyPath>id</PropertyPath></Collection>
            </PropertyValue>
          </Record>
        </Annotation>
      </Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

    #[test]
    fn reads_every_construct_of_a_small_schema() {
        let csdl = read(MINIMAL).unwrap();
        assert_eq!(csdl.version, "4.0");
        assert_eq!(
            csdl.references[0].includes[0].alias.as_deref(),
            Some("Core")
        );
        let schema = &csdl.schemas[0];
        assert_eq!(
            (schema.namespace.as_ref(), schema.alias.as_deref()),
            ("ns.one", Some("one"))
        );
        let color = &schema.children.enum_types[0];
        assert!(color.is_flags);
        assert_eq!(color.members.len(), 2);
        assert_eq!(color.members[1].value, None);
        let thing = &schema.children.structured_types[0];
        assert!(thing.open_type);
        assert_eq!(thing.key.as_ref().unwrap()[0].name, "id");
        assert_eq!(thing.properties[0].nullable, Some(false));
        assert_eq!(
            thing.properties[1]
                .facets
                .as_ref()
                .unwrap()
                .max_length
                .as_deref(),
            Some("10")
        );
        assert_eq!(csdl.span(thing.at).line_col(), (12, 7));
        let nav = &thing.navigation_properties[0];
        assert!(nav.contains_target);
        assert_eq!(nav.on_delete.as_deref(), Some("Cascade"));
        assert_eq!(
            thing.annotations[0].value,
            Expr::String("A thing & more.".into())
        );
        assert_eq!(schema.children.operations[0].parameters.len(), 1);
        let container = &schema.children.containers[0];
        assert_eq!(container.entity_sets[0].bindings[0].target, "things");
        assert_eq!(container.singletons[0].name, "me");
        let block = &schema.children.annotation_blocks[0];
        assert_eq!(block.target, "ns.one.thing/id");
        assert_eq!(block.annotations[0].value, Expr::String("The key.".into()));
        let insert = &block.annotations[1].value;
        assert_eq!(insert.property("Insertable"), Some(&Expr::Bool(false)));
        assert_eq!(
            insert.property("NonInsertableProperties"),
            Some(&Expr::Collection(vec![Expr::Path("id".into())]))
        );
    }

    #[test]
    fn malformed_xml_is_an_error_at_its_position() {
        let err = read("<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n  </edmx:Oops>\n").unwrap_err();
        assert_eq!(err.code, "xml-syntax");
        assert_eq!(err.span.as_ref().map(Span::line), Some(3));
    }

    #[test]
    fn a_skipped_element_left_open_is_an_error_at_its_start_tag() {
        let err = read(concat!(
            "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n",
            "  <edmx:DataServices>\n",
            "    <Schema Namespace=\"n\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n",
            "      <Unknown>\n",
            "        <Inner/>\n",
        ))
        .unwrap_err();
        assert_eq!(err.code, "xml-syntax");
        assert_eq!(
            err.message,
            "<Unknown> is not closed before the end of the file"
        );
        assert_eq!(err.span.as_ref().map(Span::line_col), Some((4, 7)));
    }

    #[test]
    fn wrong_root_and_version_are_errors() {
        assert_eq!(read("<root/>").unwrap_err().code, "csdl-root");
        assert_eq!(read("").unwrap_err().code, "csdl-root");
        let err = read(
            r#"<edmx:Edmx Version="3.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"/>"#,
        )
        .unwrap_err();
        assert_eq!(err.code, "csdl-version");
        assert!(err.message.contains("`3.0`"));
    }

    #[test]
    fn missing_required_attribute_names_element_and_attribute() {
        let xml = MINIMAL.replace(
            r#"<Property Name="id" Type="Edm.String" Nullable="false" />"#,
            r#"<Property Name="id" />"#,
        );
        let err = read(&xml).unwrap_err();
        assert_eq!(err.code, "csdl-missing-attribute");
        assert_eq!(err.message, "<Property> has no `Type` attribute");
        assert_eq!(err.span.as_ref().map(Span::line_col), Some((14, 9)));
    }

    #[test]
    fn unknown_entities_are_never_expanded() {
        let xml = MINIMAL.replace("A thing &amp; more.", "&xxe;");
        assert_eq!(read(&xml).unwrap_err().code, "xml-syntax");
    }

    #[test]
    fn namespaces_are_resolved_by_prefix_and_scope() {
        let csdl = read(
            r#"<x:Edmx Version="4.01" xmlns:x="http://docs.oasis-open.org/odata/ns/edmx">
  <x:DataServices>
    <e:Schema Namespace="ns" xmlns:e="http://docs.oasis-open.org/odata/ns/edm">
      <e:ComplexType Name="kept" />
      <ComplexType Name="unqualified" />
      <e:ComplexType Name="foreign" xmlns:e="urn:other"><e:Property Name="p" /></e:ComplexType>
      <e:EnumType Name="alsoKept" />
      <Extra xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="nested" /></Extra>
      <e:TypeDefinition Name="last" UnderlyingType="Edm.String" />
    </e:Schema>
  </x:DataServices>
</x:Edmx>"#,
        )
        .unwrap();
        let schema = &csdl.schemas[0];
        let names: Vec<&str> = schema
            .children
            .structured_types
            .iter()
            .map(|t| t.name.as_ref())
            .collect();
        assert_eq!(names, ["kept"]);
        assert_eq!(schema.children.enum_types[0].name, "alsoKept");
        assert_eq!(schema.children.type_definitions[0].name, "last");
    }

    #[test]
    fn attribute_values_are_normalized_and_otherwise_borrowed() {
        let long = "a description longer than sixty-four bytes, so that it is scanned whole";
        let xml = MINIMAL.replace(
            r#"String="A thing &amp; more.""#,
            &format!("String=\"{long}\n\tand &lt;more&gt;\""),
        );
        let csdl = read(&xml).unwrap();
        let thing = &csdl.schemas[0].children.structured_types[0];
        assert_eq!(
            thing.annotations[0].value,
            Expr::String(format!("{long}  and <more>").into())
        );
        assert!(matches!(thing.name, Cow::Borrowed("thing")));
        assert!(matches!(
            thing.properties[0].type_name,
            Cow::Borrowed("Edm.String")
        ));
    }

    #[test]
    fn a_repeated_attribute_is_an_error_at_its_second_use() {
        let xml = MINIMAL.replace(
            r#"<Property Name="id" Type="Edm.String" Nullable="false" />"#,
            r#"<Property Name="id" Type="Edm.String" Name="again" />"#,
        );
        let err = read(&xml).unwrap_err();
        assert_eq!(err.code, "xml-syntax");
        assert!(err.message.contains("appears twice"), "{}", err.message);
        assert_eq!(err.span.as_ref().map(Span::line_col), Some((14, 47)));
    }

    #[test]
    fn attributes_scan_as_quick_xml_scans_them() {
        let tags = [
            "a",
            "a ",
            r#"a x="1""#,
            r#"a x = '1'  y="2" "#,
            "a\tx\n=\r\n'a b'\t",
            r#"a x="1"y="2""#,
            r#"a x="" y=''"#,
            r#"a x="it's" y='say "hi"'"#,
            r#"a x="&amp; &#9;""#,
            r#"a :x="1" xmlns:p="u" p:y="2""#,
            r#"a x="1" x="2""#,
            r#"a ="1""#,
            "a x",
            "a x ",
            "a x y",
            r#"a x y="1""#,
            "a x=",
            "a x=  ",
            "a x=1",
            r#"a x=1 y="2""#,
            r#"a x="1"#,
            r#"a x='1""#,
            r#"a x="1" y"#,
            r#"a x="1" y="#,
            "a x=\"é\" ü='ö'",
        ];
        for tag in tags {
            assert_eq!(
                attribute_scans::here(tag),
                attribute_scans::quick_xml(tag),
                "<{tag}>"
            );
        }
    }

    #[test]
    fn no_schema_is_an_error() {
        let err = read(r#"<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices/></edmx:Edmx>"#)
            .unwrap_err();
        assert_eq!(err.code, "csdl-no-schema");
    }
}
