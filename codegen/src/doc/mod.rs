//! Reader for Graph API reference pages (markdown).
//!
//! [`read_page`] turns one page into a [`DocPage`]: plain owned data mirroring the page's
//! sections (front matter, permissions, HTTP request lines, header and body tables,
//! response prose and HTTP examples), each item with the [`Span`](crate::diag::Span) of
//! its first character. The reader never fails: what it cannot make sense of becomes a
//! diagnostic, and it knows nothing of the metadata schema.

mod http;
mod json;
mod lines;
mod mapped;
mod markdown;
mod model;
mod page;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::diag::{Diagnostic, Source};

pub use lines::LineIndex;
pub use model::*;

const INVALID_UTF8: &str = "invalid-utf8";
const EMPTY_PAGE: &str = "empty-page";
const PAGE_TOO_LARGE: &str = "page-too-large";
const NO_HTTP_REQUEST_BLOCK: &str = "no-http-request-block";
const UNKNOWN_HTTP_METHOD: &str = "unknown-http-method";
const ANNOTATION_NOT_JSON: &str = "annotation-not-json";
const ANNOTATION_FIELD_TYPE: &str = "annotation-field-type";
const EXAMPLE_NOT_HTTP: &str = "example-not-http";
const EXAMPLE_HEADERS_AFTER_BLANK: &str = "example-headers-after-blank";
const EXAMPLE_BODY_NOT_JSON: &str = "example-body-not-json";

/// The diagnostic codes this reader emits, with their meaning. All are warnings except
/// `invalid-utf8`, `empty-page` and `page-too-large`, after which the page has nothing
/// to offer.
pub const CODES: &[(&str, &str)] = &[
    (
        INVALID_UTF8,
        "an input (page or metadata) is not UTF-8; the span is the first invalid byte",
    ),
    (EMPTY_PAGE, "the page has no text"),
    (
        PAGE_TOO_LARGE,
        "the page is larger than 16 MiB (reference pages are under 200 KiB); it is not read",
    ),
    (
        NO_HTTP_REQUEST_BLOCK,
        "no \"HTTP request\" section, or none of its code block lines is a request",
    ),
    (
        UNKNOWN_HTTP_METHOD,
        "a request line starts with a method other than GET, POST, PATCH, PUT, DELETE",
    ),
    (
        ANNOTATION_NOT_JSON,
        "the `<!-- { ... } -->` comment before a code block is not JSON",
    ),
    (
        ANNOTATION_FIELD_TYPE,
        "an annotation field has the wrong type (e.g. `truncated` not a boolean)",
    ),
    (
        EXAMPLE_NOT_HTTP,
        "a code block annotated as a request or response is not an HTTP message",
    ),
    (
        EXAMPLE_HEADERS_AFTER_BLANK,
        "a blank line separates an example's start line from its headers",
    ),
    (
        EXAMPLE_BODY_NOT_JSON,
        "an example body that should be JSON is not, or holds `...` placeholders",
    ),
];

/// The largest page read. Markdown parsing holds the whole page's tree, about sixteen
/// times the page's size, so a page far larger than any real one is refused up front.
pub const MAX_PAGE_BYTES: usize = 16 << 20;

/// Reads a page. Never fails; problems are returned as diagnostics.
pub fn read_page(source: &Arc<Source>) -> (DocPage, Vec<Diagnostic>) {
    if source.text.len() > MAX_PAGE_BYTES {
        let message = format!(
            "page is {:.1} MiB, more than the {} MiB a page may have; it is not read",
            source.text.len() as f64 / f64::from(1 << 20),
            MAX_PAGE_BYTES >> 20
        );
        let d = Diagnostic::error(PAGE_TOO_LARGE, source.span(1, 1), message);
        return (DocPage::default(), vec![d]);
    }
    page::read(source)
}

/// Reads a page from raw bytes, rejecting text that is not UTF-8.
pub fn read_page_bytes(name: &str, bytes: &[u8]) -> Result<(DocPage, Vec<Diagnostic>), Diagnostic> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(read_page(&Source::new(name, text))),
        Err(e) => {
            let at = e.valid_up_to();
            let bad = bytes.get(at).copied().unwrap_or_default();
            // The lossy text keeps the valid prefix as is, so the offset still holds.
            let source = Source::new(name, String::from_utf8_lossy(bytes));
            let span = source.span_at(at);
            let message = format!(
                "{name} is not UTF-8: invalid byte 0x{bad:02X} at {}:{}",
                span.line(),
                span.col()
            );
            Err(Diagnostic::error(INVALID_UTF8, span, message))
        }
    }
}
