//! Spanned JSON from example bodies and annotation comments, parsed tolerantly
//! (comments, trailing commas, unquoted keys).

use std::borrow::Cow;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::sections::{JsonValue, Spanned};
use crate::diag::Span;

/// A parse failure: the byte offset it was found at, and what was wrong.
pub(super) struct JsonError {
    pub at: usize,
    pub message: String,
}

/// Parses `text`; `span_at` turns a byte offset of `text` into a page span.
pub(super) fn parse(
    text: &str,
    span_at: &impl Fn(usize) -> Span,
) -> Result<Option<Spanned<JsonValue>>, JsonError> {
    let parsed =
        parse_to_ast(text, &CollectOptions::default(), &ParseOptions::default()).map_err(|e| {
            JsonError {
                at: e.range().start,
                message: e.kind().to_string(),
            }
        })?;
    Ok(parsed.value.map(|v| convert(v, span_at)))
}

fn convert(value: Value<'_>, span_at: &impl Fn(usize) -> Span) -> Spanned<JsonValue> {
    let (json, start) = match value {
        Value::NullKeyword(n) => (JsonValue::Null, n.range.start),
        Value::BooleanLit(b) => (JsonValue::Bool(b.value), b.range.start),
        Value::NumberLit(n) => (JsonValue::Number(n.value.to_owned()), n.range.start),
        Value::StringLit(s) => (JsonValue::String(s.value.into_owned()), s.range.start),
        Value::Array(a) => (
            JsonValue::Array(
                a.elements
                    .into_iter()
                    .map(|e| convert(e, span_at))
                    .collect(),
            ),
            a.range.start,
        ),
        Value::Object(o) => (
            JsonValue::Object(
                o.properties
                    .into_iter()
                    .map(|p| {
                        let (key, at) = match p.name {
                            ObjectPropName::String(s) => (s.value.into_owned(), s.range.start),
                            ObjectPropName::Word(w) => (w.value.to_owned(), w.range.start),
                        };
                        (Spanned::new(key, span_at(at)), convert(p.value, span_at))
                    })
                    .collect(),
            ),
            o.range.start,
        ),
    };
    Spanned::new(json, span_at(start))
}

/// Replaces `...` and `…` placeholders outside strings and comments with blanks of the
/// same length (so offsets are unchanged), together with a comma that would then
/// follow another comma or an opening bracket. Returns the offsets of the placeholders.
pub(super) fn blank_placeholders(text: &str) -> (Cow<'_, str>, Vec<usize>) {
    let bytes = text.as_bytes();
    let mut out: Option<Vec<u8>> = None;
    let mut found = Vec::new();
    // The last significant byte written, to know whether a comma after a placeholder
    // would be doubled.
    let mut last = b'[';
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                last = b;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = bytes
                    .get(i..)
                    .and_then(|rest| memchr::memchr2(b'\n', b'\r', rest))
                    .map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = find_from(bytes, i + 2, b"*/").map_or(bytes.len(), |e| e + 2);
                continue;
            }
            _ => {}
        }
        let len = placeholder_len(bytes, i);
        if len == 0 {
            if !b.is_ascii_whitespace() {
                last = b;
            }
            i += 1;
            continue;
        }
        found.push(i);
        let mut end = i + len;
        if matches!(last, b',' | b'[' | b'{') {
            let after = bytes
                .get(end..)
                .and_then(|rest| rest.iter().position(|c| !matches!(c, b' ' | b'\t')))
                .map(|n| end + n);
            if let Some(comma) = after.filter(|&c| bytes.get(c) == Some(&b',')) {
                end = comma + 1;
            }
        }
        let buf = out.get_or_insert_with(|| bytes.to_vec());
        if let Some(span) = buf.get_mut(i..end) {
            span.iter_mut()
                .filter(|c| !matches!(c, b'\n' | b'\r'))
                .for_each(|c| *c = b' ');
        }
        i = end;
    }
    match out {
        // Only ASCII bytes were replaced, and only whole placeholders.
        Some(buf) => (
            String::from_utf8(buf).map_or(Cow::Borrowed(text), Cow::Owned),
            found,
        ),
        None => (Cow::Borrowed(text), found),
    }
}

/// The length of a placeholder at `i`: three or more dots, or `…`.
fn placeholder_len(bytes: &[u8], i: usize) -> usize {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let rest = bytes.get(i..).unwrap_or_default();
    if rest.starts_with(ELLIPSIS) {
        return ELLIPSIS.len();
    }
    let dots = rest.iter().take_while(|&&c| c == b'.').count();
    if dots >= 3 { dots } else { 0 }
}

/// The index just past the string starting at `i` (or the end of its line, if open).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes.get(i).copied();
    let mut j = i + 1;
    while let Some(&c) = bytes.get(j) {
        match c {
            b'\\' => j += 2,
            b'\n' | b'\r' => return j,
            _ if Some(c) == quote => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_blanks_outside_strings() {
        let (text, at) = blank_placeholders("{\"a\": \"x...\", ..., \"b\": [1, …]}");
        assert_eq!(text, "{\"a\": \"x...\",      \"b\": [1,    ]}");
        assert_eq!(at, vec![14, 28]);
        let (text, at) = blank_placeholders("[ ... // ...\n]");
        assert_eq!(text, "[     // ...\n]");
        assert_eq!(at, vec![2]);
        let (text, at) = blank_placeholders("{\"a\": 1}");
        assert!(matches!(text, Cow::Borrowed(_)));
        assert!(at.is_empty());
    }
}
