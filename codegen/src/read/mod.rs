//! The readers: bytes in, plain structs out, every item with the position it came from.
//! [`csdl`] reads the service's metadata, [`page`] a Graph API reference page. Neither
//! knows of the other, nor of any later stage.

pub mod csdl;
pub mod page;

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use crate::diag::{Diagnostic, Source};

/// One input file: the name diagnostics use for it, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Set when the file was not read because it is larger than inputs of its kind may
    /// be: its size in bytes (`bytes` is empty then). For a file whose size was not
    /// known up front (a FIFO, a file that grew) it is what was read when the reader
    /// stopped: one byte past the limit.
    pub unread: Option<u64>,
}

/// The largest metadata read: the whole Graph beta schema is 4 MiB, and the model of a
/// document holds several times its size.
pub const MAX_METADATA_BYTES: u64 = 256 << 20;

impl Input {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
            unread: None,
        }
    }

    /// Reads the file at `path` if it has at most `limit` bytes. Its size is checked
    /// before reading, and the read stops one byte past the limit, so neither a large
    /// file nor one that grows while read, nor a FIFO or device, costs more than
    /// `limit` bytes of memory: past the limit the input is [`Input::unread`].
    pub fn read_file(path: &Path, limit: u64) -> std::io::Result<Self> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if meta.is_file() && meta.len() > limit {
            return Ok(Self::unread(name, meta.len()));
        }
        let mut bytes = Vec::new();
        let capacity = if meta.is_file() {
            meta.len().min(limit)
        } else {
            0
        };
        bytes.reserve(usize::try_from(capacity).unwrap_or(0));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Ok(Self::unread(name, bytes.len() as u64));
        }
        Ok(Self::new(name, bytes))
    }

    fn unread(name: String, size: u64) -> Self {
        Self {
            name,
            bytes: Vec::new(),
            unread: Some(size),
        }
    }

    /// The size the file has, read or not.
    pub fn size(&self) -> u64 {
        self.unread.unwrap_or(self.bytes.len() as u64)
    }
}

/// Everything a run reads: the metadata, the documents its `edmx:Reference`s name
/// (read by the caller, see `load_references`), and the reference pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    pub metadata: Input,
    /// Each document the metadata references, directly or not, once, named as
    /// [`csdl::reference::locate`] names it.
    pub references: Vec<Input>,
    pub docs: Vec<Input>,
}

impl Inputs {
    /// Metadata that references no other document, and pages.
    pub fn new(metadata: Input, docs: Vec<Input>) -> Self {
        Self {
            metadata,
            references: Vec::new(),
            docs,
        }
    }
}

/// The lines of `text`: each line's start offset, its text and its line end (`\r\n`,
/// `\r`, `\n`, or empty for a last line without one). These are the line ends of XML
/// and CommonMark, and the ones [`Source::position`] counts.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str, &str)> {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = text.get(start..)?;
        let at = start;
        let (line, ending) = match rest.find(['\r', '\n']) {
            Some(i) => {
                let ending = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i..i + ending])
            }
            None => {
                done = true;
                (rest, "")
            }
        };
        start += line.len() + ending.len();
        Some((at, line, ending))
    })
}

/// Decodes the metadata: [`decode`], unless it is larger than [`MAX_METADATA_BYTES`].
pub fn decode_metadata(input: &Input) -> Result<Arc<Source>, Diagnostic> {
    too_large(
        input,
        MAX_METADATA_BYTES,
        "metadata-too-large",
        "the metadata",
    )?;
    decode(input)
}

/// Decodes a page: [`decode`], unless it is larger than [`page::MAX_PAGE_BYTES`].
pub fn decode_page(input: &Input) -> Result<Arc<Source>, Diagnostic> {
    too_large(
        input,
        page::MAX_PAGE_BYTES as u64,
        page::PAGE_TOO_LARGE,
        "a page",
    )?;
    decode(input)
}

/// The error for an input over its limit, read or not, at the start of the file.
fn too_large(input: &Input, limit: u64, code: &'static str, what: &str) -> Result<(), Diagnostic> {
    let size = input.size();
    if size <= limit {
        return Ok(());
    }
    let source = Source::new(input.name.clone(), "");
    let more = if input.unread.is_some() && size == limit + 1 {
        "more than "
    } else {
        ""
    };
    Err(Diagnostic::error(
        code,
        source.span(1, 1),
        format!(
            "`{}` is {more}{}, more than the {} MiB {what} may have; it is not read",
            input.name,
            mebibytes(size),
            limit >> 20
        ),
    ))
}

/// A size in MiB with one decimal.
pub(crate) fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
}

/// Decodes an input as UTF-8, or names the position of the first invalid byte.
pub fn decode(input: &Input) -> Result<Arc<Source>, Diagnostic> {
    match std::str::from_utf8(&input.bytes) {
        Ok(text) => Ok(Source::new(input.name.clone(), text)),
        Err(e) => {
            let valid = String::from_utf8_lossy(&input.bytes[..e.valid_up_to()]).into_owned();
            let source = Source::new(input.name.clone(), valid);
            let span = source.span_at(e.valid_up_to());
            Err(Diagnostic::error(
                "invalid-utf8",
                span,
                format!(
                    "`{}` is not UTF-8 (invalid byte at this position)",
                    input.name
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_end_at_crlf_cr_or_lf() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd").collect();
        assert_eq!(
            got,
            [
                (0, "a", "\r\n"),
                (3, "b", "\r"),
                (5, "c", "\n"),
                (7, "", "\n"),
                (8, "d", "")
            ]
        );
        assert_eq!(lines("").collect::<Vec<_>>(), [(0, "", "")]);
        assert_eq!(
            lines("x\r").collect::<Vec<_>>(),
            [(0, "x", "\r"), (2, "", "")]
        );
    }

    #[test]
    fn invalid_utf8_is_rejected_at_its_position() {
        let error =
            decode(&Input::new("bad.md", b"# T\nab\xFFc\n".to_vec())).expect_err("not UTF-8");
        assert_eq!(error.code, "invalid-utf8");
        assert!(error.is_error());
        assert_eq!(error.span.as_ref().map(|s| s.line_col()), Some((2, 3)));
        assert_eq!(
            error.message,
            "`bad.md` is not UTF-8 (invalid byte at this position)"
        );
        let text = decode(&Input::new("ok.md", "é\n")).expect("UTF-8");
        assert_eq!(text.text, "é\n");
    }
}
