//! Byte offset to line and column conversion for the lookups of one page.

use std::sync::Arc;

use crate::diag::{Source, Span};

/// Spans of one [`Source`] at byte offsets, with line and column worked out at once
/// (the source's index makes each lookup cost the same on any line).
pub struct LineIndex {
    source: Arc<Source>,
}

impl LineIndex {
    pub fn new(source: &Arc<Source>) -> Self {
        Self {
            source: Arc::clone(source),
        }
    }

    pub fn source(&self) -> &Arc<Source> {
        &self.source
    }

    /// The 1-based line and column of a byte offset (clamped to the text, and moved back
    /// to a character boundary).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        self.source.position(offset)
    }

    /// A span at a byte offset.
    pub fn span(&self, offset: usize) -> Span {
        let (line, col) = self.position(offset);
        self.source.span(line, col)
    }
}
