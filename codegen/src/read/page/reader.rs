//! Assembles a [`DocPage`] from the page's blocks, section by section.

use std::sync::Arc;

use super::http::{self, Line};
use super::json;
use super::lines::LineIndex;
use super::mapped::Mapped;
use super::markdown::{self, Block, CodeBlock, MdCell};
use super::sections::*;
use super::{
    ANNOTATION_FIELD_TYPE, ANNOTATION_NOT_JSON, EMPTY_PAGE, EXAMPLE_BODY_NOT_JSON,
    EXAMPLE_HEADERS_AFTER_BLANK, EXAMPLE_NOT_HTTP, NO_HTTP_REQUEST_BLOCK, UNKNOWN_HTTP_METHOD,
};
use crate::diag::{Diagnostic, Source, Span};

/// The sections the reader looks into, named by their heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Other,
    Permissions,
    HttpRequest,
    RequestHeaders,
    RequestBody,
    Response,
    Examples,
}

impl Section {
    fn of_heading(title: &str) -> Option<Section> {
        let title = title
            .trim()
            .trim_end_matches(':')
            .trim()
            .to_ascii_lowercase();
        let words: Vec<&str> = title.split_whitespace().collect();
        // Headings carry qualifiers: "HTTP request (to upload a new file)",
        // "Optional request headers", "Example 1: ...".
        Some(match words.as_slice() {
            ["permissions" | "prerequisites", ..] => Section::Permissions,
            ["http", "request" | "requests", ..] => Section::HttpRequest,
            [.., "request", "headers"] => Section::RequestHeaders,
            ["request", "body", ..] => Section::RequestBody,
            ["response"] => Section::Response,
            // "Examples", "Example", "Example 1: ...", "Example (file)", "Example - ...",
            // "Examples using ...", but not a title like "Example service".
            ["examples" | "examples:", ..] => Section::Examples,
            [first, rest @ ..]
                if is_example_word(first) && (first.ends_with(':') || names_no_subject(rest)) =>
            {
                Section::Examples
            }
            _ => return None,
        })
    }
}

/// `example`, `example:` or a numbered `example1`/`example1:`.
fn is_example_word(word: &str) -> bool {
    word.strip_prefix("example").is_some_and(|rest| {
        rest.trim_end_matches(':')
            .chars()
            .all(|c| c.is_ascii_digit())
    })
}

/// Whether the words after "Example" number or qualify the example (`1: ...`, `(file)`,
/// `- ...`, `: ...`) rather than name what it is the example of: "Example service" is
/// a title, not the examples section.
fn names_no_subject(rest: &[&str]) -> bool {
    match rest.first() {
        None => true,
        Some(word) => word.starts_with(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation()),
    }
}

/// How a code block read as an HTTP message.
enum Parsed {
    Message(HttpMessage),
    /// The first line starts with a word like `HEAD`, at this page offset.
    UnknownMethod(String, usize),
    NotHttp,
}

pub(super) fn read(source: &Arc<Source>) -> (DocPage, Vec<Diagnostic>) {
    let mut reader = Reader {
        index: LineIndex::new(source),
        diagnostics: Vec::new(),
    };
    let page = reader.page();
    (page, reader.diagnostics)
}

struct Reader {
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

impl Reader {
    fn text(&self) -> &str {
        &self.index.source().text
    }

    fn span(&self, offset: usize) -> Span {
        self.index.span(offset)
    }

    fn warn(&mut self, code: &'static str, span: Span, message: String) {
        self.diagnostics
            .push(Diagnostic::warning(code, span, message));
    }

    fn page(&mut self) -> DocPage {
        let (front_matter, markdown_start) = self.front_matter();
        let source = Arc::clone(self.index.source());
        let blocks = markdown::blocks(&source.text, markdown_start);
        let mut page = DocPage {
            front_matter,
            ..DocPage::default()
        };
        let mut section = Section::Other;
        let mut section_level = 0;
        // The headings above the current block, outermost first.
        let mut headings: Vec<(u8, Spanned<String>)> = Vec::new();
        let mut h1: Option<Spanned<String>> = None;
        let mut first_paragraph: Option<Spanned<String>> = None;
        let mut http_heading: Option<Span> = None;
        let mut annotation: Option<Annotation> = None;
        // The paragraph just before the current block, reset by anything else.
        let mut last_paragraph: Option<Spanned<String>> = None;
        // Request-only code blocks outside the request and example sections, used as
        // request blocks if the page turns out to have no "HTTP request" section.
        let mut loose_requests: Vec<RequestBlock> = Vec::new();

        for block in blocks {
            match block {
                // Tab markers sit between an example's heading and its annotation.
                Block::Heading {
                    tab_marker: true, ..
                } => {}
                Block::Heading {
                    level, text, start, ..
                } => {
                    annotation = None;
                    last_paragraph = None;
                    let title = self.trimmed(&text, start);
                    headings.retain(|(l, _)| *l < level);
                    headings.push((level, title.clone()));
                    let in_example = section == Section::Examples && level > section_level;
                    match Section::of_heading(&title.value) {
                        // An example's own "Request"/"Response" subheadings.
                        _ if in_example => {}
                        // The page's title names the page, not one of its sections,
                        // whatever its words ("# Example service").
                        _ if level == 1 => (section, section_level) = (Section::Other, level),
                        Some(kind) => (section, section_level) = (kind, level),
                        None if level <= section_level || section_level == 0 => {
                            (section, section_level) = (Section::Other, level);
                        }
                        None => {}
                    }
                    if section == Section::HttpRequest && http_heading.is_none() {
                        http_heading = Some(title.span.clone());
                    }
                    if level == 1 && h1.is_none() {
                        h1 = Some(title);
                    }
                }
                Block::Paragraph(text) => {
                    let para = self.trimmed(&text, 0);
                    if let Some((value, at)) = namespace(&para.value) {
                        if page.namespace.is_none() {
                            let offset = text.page_offset(text.trimmed().0 + at);
                            page.namespace =
                                Some(Spanned::new(value.to_owned(), self.span(offset)));
                        }
                    } else if h1.is_some()
                        && headings.len() == 1
                        && first_paragraph.is_none()
                        && !para.value.starts_with("[!")
                    {
                        first_paragraph = Some(para.clone());
                    }
                    if section == Section::Response {
                        self.response_paragraph(&mut page.response, &text, para.clone());
                    }
                    last_paragraph = Some(para);
                }
                Block::Table(rows) => {
                    annotation = None;
                    let intro = last_paragraph.take();
                    match section {
                        Section::Permissions => page.permissions.extend(self.permissions(&rows)),
                        Section::RequestHeaders => {
                            page.request_headers.extend(self.header_rows(&rows));
                        }
                        Section::RequestBody => {
                            let heading = headings.last().map(|(_, h)| h.clone());
                            page.request_body
                                .push(self.property_table(heading, intro, &rows));
                        }
                        _ => {}
                    }
                }
                Block::Html(text) => {
                    if let Some(a) = self.annotation(&text) {
                        annotation = Some(a);
                    }
                }
                Block::Code(block) => {
                    last_paragraph = None;
                    let annotation = annotation.take();
                    let context: Vec<_> = headings
                        .iter()
                        .filter(|(level, _)| *level > 1)
                        .map(|(_, h)| h.clone())
                        .collect();
                    if let Some(loose) =
                        self.code_block(&mut page, section, context, block, annotation)
                    {
                        loose_requests.push(loose);
                    }
                }
            }
        }

        if http_heading.is_none() {
            page.http_requests.extend(loose_requests);
        }
        page.title = non_empty_entry(&page.front_matter, "title").or(h1);
        page.description = non_empty_entry(&page.front_matter, "description").or(first_paragraph);
        self.check_request_lines(&page, http_heading);
        page
    }

    /// Files the code block where its section says, or as an example if it is one.
    /// Returns a block of request lines outside the request and example sections, which
    /// the caller keeps in case the page has no "HTTP request" section.
    fn code_block(
        &mut self,
        page: &mut DocPage,
        section: Section,
        headings: Vec<Spanned<String>>,
        block: CodeBlock,
        annotation: Option<Annotation>,
    ) -> Option<RequestBlock> {
        let annotated = annotation
            .as_ref()
            .and_then(|a| a.block_type.as_ref())
            .map(|t| t.value.as_str())
            .filter(|t| matches!(*t, "request" | "response"));
        let span = self.span(block.start);
        if section == Section::HttpRequest {
            let lines = self.request_block_lines(&block.content);
            let requests = lines
                .iter()
                .filter(|l| matches!(l, RequestBlockLine::Request(_)))
                .count();
            page.http_requests.push(RequestBlock {
                annotation: annotation.clone(),
                span: span.clone(),
                lines,
            });
            // An annotated single request here doubles as the page's example (its lines
            // were reported above if need be).
            if annotated.is_none() || requests != 1 {
                return None;
            }
        } else if section != Section::Examples && annotated.is_none() {
            let loose = self.loose_request_block(&block, &annotation, &span);
            page.other_blocks.push(OtherBlock {
                language: block.language,
                annotation,
                span,
            });
            return loose;
        }
        match self.message(&block.content) {
            Parsed::Message(message) => {
                page.examples.push(Example {
                    headings,
                    annotation,
                    language: block.language,
                    span,
                    message,
                });
                return None;
            }
            // In a request section the line was reported with the others.
            Parsed::UnknownMethod(word, offset) => {
                if section != Section::HttpRequest {
                    self.unknown_method(&word, offset);
                }
            }
            Parsed::NotHttp => {
                if let Some(kind) = annotated {
                    let expected = if kind == "request" {
                        "a request line (METHOD URL)"
                    } else {
                        "a status line (HTTP/1.1 200 OK)"
                    };
                    self.warn(
                        EXAMPLE_NOT_HTTP,
                        span.clone(),
                        format!("code block annotated as a {kind} example does not start with {expected}"),
                    );
                }
            }
        }
        if section != Section::HttpRequest {
            page.other_blocks.push(OtherBlock {
                language: block.language,
                annotation,
                span,
            });
        }
        None
    }

    /// A code block whose every non-blank line is a request line, as a request block.
    fn loose_request_block(
        &self,
        block: &CodeBlock,
        annotation: &Option<Annotation>,
        span: &Span,
    ) -> Option<RequestBlock> {
        let mut lines = Vec::new();
        for (at, line) in block.content.lines() {
            if line.trim().is_empty() {
                continue;
            }
            match http::request_line(line) {
                Line::Request(parts) => lines.push(RequestBlockLine::Request(self.request_line(
                    &block.content,
                    at,
                    &parts,
                ))),
                _ => return None,
            }
        }
        (!lines.is_empty()).then(|| RequestBlock {
            annotation: annotation.clone(),
            span: span.clone(),
            lines,
        })
    }

    fn request_block_lines(&mut self, content: &Mapped) -> Vec<RequestBlockLine> {
        let mut out = Vec::new();
        for (at, line) in content.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            match http::request_line(line) {
                Line::Request(parts) => out.push(RequestBlockLine::Request(
                    self.request_line(content, at, &parts),
                )),
                unknown => {
                    if let Line::UnknownMethod { word, at: word_at } = unknown {
                        self.unknown_method(word, content.page_offset(at + word_at));
                    }
                    let lead = line.len() - line.trim_start().len();
                    let span = self.span(content.page_offset(at + lead));
                    out.push(RequestBlockLine::Other(Spanned::new(
                        trimmed.to_owned(),
                        span,
                    )));
                }
            }
        }
        out
    }

    fn request_line(
        &self,
        content: &Mapped,
        at: usize,
        parts: &http::LineParts<'_>,
    ) -> RequestLine {
        RequestLine {
            method: Spanned::new(
                parts.method,
                self.span(content.page_offset(at + parts.method_at)),
            ),
            target: Spanned::new(
                parts.target.to_owned(),
                self.span(content.page_offset(at + parts.target_at)),
            ),
        }
    }

    fn unknown_method(&mut self, word: &str, offset: usize) {
        self.warn(
            UNKNOWN_HTTP_METHOD,
            self.span(offset),
            format!("`{word}` is not one of the HTTP methods GET, POST, PATCH, PUT, DELETE"),
        );
    }

    /// Reads a request or response: start line, headers up to a blank line, body.
    fn message(&mut self, content: &Mapped) -> Parsed {
        let lines: Vec<(usize, &str)> = content.lines().collect();
        let non_blank = |from: usize| {
            lines
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, (_, l))| !l.trim().is_empty())
                .map(|(i, &(at, line))| (i, at, line))
        };
        let Some((first_index, first_at, first)) = non_blank(0) else {
            return Parsed::NotHttp;
        };
        enum Start {
            Request(RequestLine),
            Response(Spanned<u16>, Option<Spanned<String>>),
        }
        let start = match http::request_line(first) {
            Line::Request(parts) => Start::Request(self.request_line(content, first_at, &parts)),
            Line::UnknownMethod { word, at } => {
                return Parsed::UnknownMethod(word.to_owned(), content.page_offset(first_at + at));
            }
            Line::Other => match http::status_line(first) {
                Some(status) => {
                    let span_at = |i: usize| self.span(content.page_offset(first_at + i));
                    Start::Response(
                        Spanned::new(status.code, span_at(status.code_at)),
                        status
                            .reason
                            .map(|(r, at)| Spanned::new(r.to_owned(), span_at(at))),
                    )
                }
                None => return Parsed::NotHttp,
            },
        };

        let mut next = first_index + 1;
        // Header lines after a blank line were still meant as headers.
        if let Some((i, at, line)) = non_blank(next) {
            if i > next && http::header_line(line.trim_start()).is_some() {
                let lead = line.len() - line.trim_start().len();
                self.warn(
                    EXAMPLE_HEADERS_AFTER_BLANK,
                    self.span(content.page_offset(at + lead)),
                    "a blank line separates this header from the start line; it is read as a header, not as the body".to_owned(),
                );
                next = i;
            }
        }
        let mut headers = Vec::new();
        let mut body_line = None;
        for &(at, line) in lines.get(next..).unwrap_or_default() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() {
                break;
            }
            next += 1;
            let lead = line.len() - trimmed.len();
            match http::header_line(trimmed) {
                Some((name, value, value_at)) => headers.push(Header {
                    name: Spanned::new(name.to_owned(), self.span(content.page_offset(at + lead))),
                    value: Spanned::new(
                        value.to_owned(),
                        self.span(content.page_offset(at + lead + value_at)),
                    ),
                }),
                // No blank line before the body.
                None => {
                    body_line = Some(at);
                    break;
                }
            }
        }
        let body_line = body_line.or_else(|| non_blank(next).map(|(_, at, _)| at));
        let body = body_line.and_then(|at| self.body(content, at, &headers));
        Parsed::Message(match start {
            Start::Request(line) => HttpMessage::Request(RequestExample {
                line,
                headers,
                body,
            }),
            Start::Response(status, reason) => HttpMessage::Response(ResponseExample {
                status,
                reason,
                headers,
                body,
            }),
        })
    }

    /// The body from byte `from` of `content` to its end.
    fn body(&mut self, content: &Mapped, from: usize, headers: &[Header]) -> Option<Body> {
        let rest = content.text.get(from..)?;
        let text = rest.trim();
        let start = from + (rest.len() - rest.trim_start().len());
        if text.is_empty() {
            return None;
        }
        let span_at = |i: usize| self.index.span(content.page_offset(start + i));
        let says_json = headers.iter().any(|h| {
            h.name.value.eq_ignore_ascii_case("content-type")
                && h.value.value.to_ascii_lowercase().contains("json")
        });
        let json = if says_json || text.starts_with(['{', '[']) {
            let (blanked, placeholders) = json::blank_placeholders(text);
            let parsed = json::parse(&blanked, &span_at);
            if let Some(&first) = placeholders.first() {
                let mut d = Diagnostic::warning(
                    EXAMPLE_BODY_NOT_JSON,
                    span_at(first),
                    "example body uses `...` as a placeholder, which is not JSON; it is read as if absent",
                );
                if placeholders.len() > 1 {
                    d = d.with_note(format!("{} placeholders in this body", placeholders.len()));
                }
                self.diagnostics.push(d);
            }
            match parsed {
                Ok(value) => value,
                Err(e) => {
                    self.diagnostics.push(Diagnostic::warning(
                        EXAMPLE_BODY_NOT_JSON,
                        span_at(e.at),
                        format!("example body is not JSON: {}", e.message),
                    ));
                    None
                }
            }
        } else {
            None
        };
        Some(Body {
            text: Spanned::new(text.to_owned(), span_at(0)),
            json,
        })
    }

    /// Reads `<!-- { ... } -->`; other HTML is not an annotation.
    fn annotation(&mut self, html: &Mapped) -> Option<Annotation> {
        let text = html.text.as_str();
        let open = text.find("<!--")?;
        if !text.get(..open)?.trim().is_empty() {
            return None;
        }
        let inner_start = open + 4;
        let inner_len = text.get(inner_start..)?.find("-->")?;
        let inner = text.get(inner_start..inner_start + inner_len)?;
        let lead = inner.len() - inner.trim_start().len();
        let raw = inner.trim();
        if !raw.starts_with('{') {
            return None;
        }
        let raw_start = inner_start + lead;
        let span_at = |i: usize| self.index.span(html.page_offset(raw_start + i));
        let value = match json::parse(raw, &span_at) {
            Ok(value) => value,
            Err(e) => {
                self.diagnostics.push(Diagnostic::warning(
                    ANNOTATION_NOT_JSON,
                    span_at(e.at),
                    format!("annotation comment is not JSON: {}", e.message),
                ));
                None
            }
        };
        // Without an object every field is absent.
        let null = JsonValue::Null;
        let object = value.as_ref().map_or(&null, |v| &v.value);
        Some(Annotation {
            span: self.span(html.page_offset(open)),
            raw: raw.to_owned(),
            block_type: self.string_field(object, "blockType"),
            names: self.names(object),
            odata_type: self
                .string_field(object, "@odata.type")
                .or_else(|| self.string_field(object, "@type")),
            truncated: self.bool_field(object, "truncated"),
            is_collection: self.bool_field(object, "isCollection"),
            value,
        })
    }

    fn string_field(&mut self, object: &JsonValue, key: &str) -> Option<Spanned<String>> {
        let field = object.get(key)?;
        match &field.value {
            JsonValue::String(s) => Some(Spanned::new(s.clone(), field.span.clone())),
            other => {
                self.field_type(key, "a string", other, &field.span);
                None
            }
        }
    }

    /// `name` is a string, or an array of them when one response serves several requests.
    fn names(&mut self, object: &JsonValue) -> Vec<Spanned<String>> {
        let Some(field) = object.get("name") else {
            return Vec::new();
        };
        match &field.value {
            JsonValue::String(s) => vec![Spanned::new(s.clone(), field.span.clone())],
            JsonValue::Array(items) if items.iter().all(|i| i.value.as_str().is_some()) => items
                .iter()
                .filter_map(|i| Some(Spanned::new(i.value.as_str()?.to_owned(), i.span.clone())))
                .collect(),
            other => {
                self.field_type(
                    "name",
                    "a string or an array of strings",
                    other,
                    &field.span,
                );
                Vec::new()
            }
        }
    }

    fn bool_field(&mut self, object: &JsonValue, key: &str) -> Option<Spanned<bool>> {
        let field = object.get(key)?;
        let value = match &field.value {
            JsonValue::Bool(b) => Some(*b),
            JsonValue::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
            JsonValue::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        };
        if value.is_none() {
            self.field_type(key, "true or false", &field.value, &field.span);
        }
        value.map(|v| Spanned::new(v, field.span.clone()))
    }

    fn field_type(&mut self, key: &str, expected: &str, found: &JsonValue, span: &Span) {
        let found = match found {
            JsonValue::Null => "null".to_owned(),
            JsonValue::Bool(b) => b.to_string(),
            JsonValue::Number(n) => n.clone(),
            JsonValue::String(s) => format!("\"{s}\""),
            JsonValue::Array(_) => "an array".to_owned(),
            JsonValue::Object(_) => "an object".to_owned(),
        };
        self.warn(
            ANNOTATION_FIELD_TYPE,
            span.clone(),
            format!("annotation field `{key}` should be {expected}, found {found}"),
        );
    }

    fn response_paragraph(
        &self,
        response: &mut ResponseSection,
        text: &Mapped,
        para: Spanned<String>,
    ) {
        if response.status.is_none() {
            if let Some((code, at)) = http::success_status(&para.value) {
                let offset = text.page_offset(text.trimmed().0 + at);
                response.status = Some(Spanned::new(code, self.span(offset)));
            }
        }
        response.paragraphs.push(para);
    }

    /// Rows are permission types and columns values, except in a few pages where the
    /// types are the columns and rows name resources.
    fn permissions(&self, rows: &[Vec<MdCell>]) -> Vec<PermissionRow> {
        let header: Vec<Cell> = rows
            .first()
            .map(|r| r.iter().map(|c| self.cell(c)).collect())
            .unwrap_or_default();
        let types_as_columns = header.len() > 2
            && header
                .first()
                .is_some_and(|c| !c.text.to_ascii_lowercase().contains("permission"));
        let mut out = Vec::new();
        for row in rows.iter().skip(1) {
            let Some(first) = row.first().map(|c| self.cell(c)) else {
                continue;
            };
            for column in 1..row.len().max(2) {
                let value = row
                    .get(column)
                    .map_or_else(|| empty_cell(&first), |c| self.cell(c));
                let column_header = header.get(column).cloned();
                let (permission_type, scope) = if types_as_columns {
                    let Some(column_header) = column_header else {
                        continue;
                    };
                    (column_header, Some(first.clone()))
                } else {
                    (first.clone(), column_header.filter(|_| header.len() > 2))
                };
                out.push(PermissionRow {
                    kind: permission_value(&value.text),
                    permission_type,
                    value,
                    scope,
                });
            }
        }
        out
    }

    fn header_rows(&self, rows: &[Vec<MdCell>]) -> Vec<HeaderRow> {
        rows.iter()
            .skip(1)
            .filter_map(|row| {
                let name = self.cell(row.first()?);
                let description = row
                    .get(1)
                    .map_or_else(|| empty_cell(&name), |c| self.cell(c));
                Some(HeaderRow { name, description })
            })
            .collect()
    }

    fn property_table(
        &self,
        heading: Option<Spanned<String>>,
        intro: Option<Spanned<String>>,
        rows: &[Vec<MdCell>],
    ) -> PropertyTable {
        let header: Vec<Cell> = rows
            .first()
            .map(|r| r.iter().map(|c| self.cell(c)).collect())
            .unwrap_or_default();
        let titles: Vec<String> = header.iter().map(|c| c.text.to_ascii_lowercase()).collect();
        // An exact title wins over one that merely contains the word ("Permission type").
        let column = |words: &[&str], fallback: usize| {
            let find = |matches: &dyn Fn(&str, &str) -> bool| {
                words
                    .iter()
                    .find_map(|w| titles.iter().position(|t| matches(t, w)))
            };
            find(&|t, w| t == w)
                .or_else(|| find(&|t, w| t.contains(w)))
                .unwrap_or(fallback)
        };
        let name = column(&["property", "parameter", "name"], 0);
        let type_name = column(&["type"], 1);
        let description = column(&["description"], 2);
        let required = titles
            .iter()
            .position(|t| t.trim_end_matches('?') == "required");
        let rows = rows
            .iter()
            .skip(1)
            .filter_map(|row| {
                let first = self.cell(row.first()?);
                let get = |i: usize| {
                    row.get(i)
                        .map_or_else(|| empty_cell(&first), |c| self.cell(c))
                };
                Some(PropertyRow {
                    name: get(name),
                    type_name: get(type_name),
                    description: get(description),
                    required: required.map(get),
                })
            })
            .collect();
        PropertyTable {
            heading,
            intro,
            header,
            rows,
        }
    }

    fn cell(&self, cell: &MdCell) -> Cell {
        let raw_all = self.text().get(cell.range.clone()).unwrap_or_default();
        let lead = raw_all.len() - raw_all.trim_start().len();
        Cell {
            text: cell.text.text.trim().to_owned(),
            raw: raw_all.trim().to_owned(),
            span: self.span(cell.range.start + lead),
        }
    }

    /// The trimmed text with the span of its first character (or of `fallback` when
    /// the text is empty).
    fn trimmed(&self, text: &Mapped, fallback: usize) -> Spanned<String> {
        let (at, trimmed) = text.trimmed();
        let offset = if trimmed.is_empty() {
            fallback
        } else {
            text.page_offset(at)
        };
        Spanned::new(trimmed.to_owned(), self.span(offset))
    }

    /// Reads the `---` block; returns its entries and where the markdown starts.
    fn front_matter(&self) -> (Vec<FrontMatterEntry>, usize) {
        let text = self.text();
        let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let mut entries = Vec::new();
        let mut lines = crate::read::lines(text.get(start..).unwrap_or_default());
        if lines.next().map(|(_, line, _)| line.trim_end()) != Some("---") {
            return (entries, start);
        }
        for (at, raw, ending) in lines {
            let line_start = start + at;
            let line = raw.trim_end();
            if line == "---" {
                return (entries, line_start + raw.len() + ending.len());
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            // Nested YAML and comments are not simple entries.
            if key.is_empty() || key.starts_with([' ', '\t', '#', '-']) {
                continue;
            }
            let value_lead = value.len() - value.trim_start().len();
            let (unquoted, quote) = unquote(value.trim());
            let value_at = line_start + key.len() + 1 + value_lead + quote;
            entries.push(FrontMatterEntry {
                key: Spanned::new(key.trim_end().to_owned(), self.span(line_start)),
                value: Spanned::new(unquoted.to_owned(), self.span(value_at)),
            });
        }
        // No closing `---`: not front matter after all.
        (Vec::new(), start)
    }

    fn check_request_lines(&mut self, page: &DocPage, heading: Option<Span>) {
        if self.text().trim().is_empty() {
            self.diagnostics
                .push(Diagnostic::error(EMPTY_PAGE, self.span(0), "page is empty"));
            return;
        }
        let has_request = page
            .http_requests
            .iter()
            .flat_map(|b| &b.lines)
            .any(|l| matches!(l, RequestBlockLine::Request(_)));
        if has_request {
            if let (None, Some(block)) = (&heading, page.http_requests.first()) {
                let message = format!(
                    "page has no \"HTTP request\" section; the request-only code block at line {} stands in for it",
                    block.span.line()
                );
                self.warn(NO_HTTP_REQUEST_BLOCK, self.span(0), message);
            }
            return;
        }
        let (span, message) = match (heading, page.http_requests.first()) {
            (None, _) => (
                self.span(0),
                "page has no \"HTTP request\" section".to_owned(),
            ),
            (Some(h), None) => (
                h,
                "the \"HTTP request\" section has no code block".to_owned(),
            ),
            (Some(_), Some(block)) => (
                block.span.clone(),
                "no line of the \"HTTP request\" code blocks starts with an HTTP method".to_owned(),
            ),
        };
        self.warn(NO_HTTP_REQUEST_BLOCK, span, message);
    }
}

/// A stand-in for a cell the row lacks, placed at a cell it has.
fn empty_cell(near: &Cell) -> Cell {
    Cell {
        text: String::new(),
        raw: String::new(),
        span: near.span.clone(),
    }
}

/// The value of a `Namespace: x.y` paragraph, and its offset in the paragraph.
fn namespace(paragraph: &str) -> Option<(&str, usize)> {
    let (label, rest) = paragraph.split_once(':')?;
    let value = rest.trim();
    let at = label.len() + 1 + (rest.len() - rest.trim_start().len());
    (label.trim().eq_ignore_ascii_case("namespace")
        && !value.is_empty()
        && !value.contains(char::is_whitespace))
    .then_some((value, at))
}

fn permission_value(text: &str) -> PermissionValue {
    let text = text
        .trim_matches(|c: char| c == '*' || c == '_' || c.is_whitespace())
        .to_ascii_lowercase();
    if text.is_empty() || text.starts_with("todo") || text.starts_with("tbd") {
        PermissionValue::Placeholder
    } else if text.starts_with("not supported") {
        PermissionValue::NotSupported
    } else {
        PermissionValue::Listed
    }
}

fn non_empty_entry(entries: &[FrontMatterEntry], key: &str) -> Option<Spanned<String>> {
    entries
        .iter()
        .find(|e| e.key.value == key && !e.value.value.is_empty())
        .map(|e| e.value.clone())
}

/// Removes matching quotes; returns the text and how many bytes were removed in front.
fn unquote(value: &str) -> (&str, usize) {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return (inner, 1);
        }
    }
    (value, 0)
}
