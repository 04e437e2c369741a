//! The readers: bytes in, plain structs out, every item with the position it came from.
//! [`csdl`] reads the service's metadata, [`page`] a Graph API reference page. Neither
//! knows of the other, nor of any later stage.

pub mod csdl;
pub mod page;

use std::sync::Arc;

use crate::diag::{Diagnostic, Source};

/// One input file: the name diagnostics use for it, and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Everything a run reads: the metadata and the reference pages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inputs {
    pub metadata: Input,
    pub docs: Vec<Input>,
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
