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
mod reader;
mod sections;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use crate::diag::{Diagnostic, Source};

pub use sections::*;

const EMPTY_PAGE: &str = "empty-page";
pub(crate) const PAGE_TOO_LARGE: &str = "page-too-large";
const NO_HTTP_REQUEST_BLOCK: &str = "no-http-request-block";
const UNKNOWN_HTTP_METHOD: &str = "unknown-http-method";
const ANNOTATION_NOT_JSON: &str = "annotation-not-json";
const ANNOTATION_FIELD_TYPE: &str = "annotation-field-type";
const EXAMPLE_NOT_HTTP: &str = "example-not-http";
const EXAMPLE_HEADERS_AFTER_BLANK: &str = "example-headers-after-blank";
const EXAMPLE_BODY_NOT_JSON: &str = "example-body-not-json";

/// The largest page read. Markdown parsing holds the whole page's tree, about sixteen
/// times the page's size, so a page far larger than any real one is refused up front.
pub const MAX_PAGE_BYTES: usize = 16 << 20;

/// Reads a page. Never fails; problems are returned as diagnostics.
pub fn read_page(source: &Arc<Source>) -> (DocPage, Vec<Diagnostic>) {
    if source.text.len() > MAX_PAGE_BYTES {
        let message = format!(
            "`{}` is {}, more than the {} MiB a page may have; it is not read",
            source.name,
            crate::read::mebibytes(source.text.len() as u64),
            MAX_PAGE_BYTES >> 20
        );
        let d = Diagnostic::error(PAGE_TOO_LARGE, source.span(1, 1), message);
        return (DocPage::default(), vec![d]);
    }
    reader::read(source)
}
