//! Byte offset to line and column conversion for many lookups in one page.

use std::cell::Cell;
use std::sync::Arc;

use crate::diag::{Source, Span};

/// The line starts of one [`Source`], so that turning an offset into a [`Span`] costs a
/// binary search instead of a scan from the start of the file.
///
/// Columns count characters, as [`Source::position`] does. Lookups usually move forward
/// through a line (a JSON body on one long line), so the last position is remembered and
/// counting resumes from it; that keeps even huge non-ASCII lines linear.
pub struct LineIndex {
    source: Arc<Source>,
    starts: Vec<usize>,
    /// `(line, offset, column)` of the previous lookup.
    last: Cell<(usize, usize, u32)>,
}

impl LineIndex {
    pub fn new(source: &Arc<Source>) -> Self {
        let starts = std::iter::once(0)
            .chain(source.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            source: Arc::clone(source),
            starts,
            last: Cell::new((0, 0, 1)),
        }
    }

    pub fn source(&self) -> &Arc<Source> {
        &self.source
    }

    /// The 1-based line and column of a byte offset (clamped to the text, and moved back
    /// to a character boundary).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let text = self.source.text.as_str();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        // `starts[0] == 0 <= offset`, so at least one start precedes the offset.
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let line_start = self.starts.get(line).copied().unwrap_or(0);
        let (from, from_col) = match self.last.get() {
            (l, o, c) if l == line && o <= offset => (o, c),
            _ => (line_start, 1),
        };
        let counted = text.get(from..offset).map_or(0, |s| s.chars().count());
        let col = from_col.saturating_add(to_u32(counted));
        self.last.set((line, offset, col));
        (to_u32(line + 1), col)
    }

    /// A span at a byte offset.
    pub fn span(&self, offset: usize) -> Span {
        let (line, col) = self.position(offset);
        self.source.span(line, col)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_source_position_in_any_order() {
        let src = Source::new("a.md", "ab\nçd\r\nef\n\nü€x");
        let index = LineIndex::new(&src);
        let offsets: Vec<usize> = (0..=src.text.len() + 2).collect();
        for &o in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(index.position(o), src.position(o), "offset {o}");
        }
    }
}
