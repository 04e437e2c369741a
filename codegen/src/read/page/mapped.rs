//! Text gathered from pieces of a page, remembering where each piece came from.

use std::ops::Range;

/// Rendered text (a code block's content, a table cell without its markup) together with
/// the page offset of each piece, so any position in the text maps back to the page.
#[derive(Clone, Debug, Default)]
pub(super) struct Mapped {
    pub text: String,
    /// `(offset in text, offset in page)` for the start of each piece, in order.
    pieces: Vec<(usize, usize)>,
}

impl Mapped {
    /// Appends `piece`, which the parser produced for `range` of `page`. The piece is
    /// usually that very slice; when it is not (escapes, stripped markers), it is looked
    /// for inside the range, and failing that placed at the range's start.
    pub fn push(&mut self, piece: &str, page: &str, range: Range<usize>) {
        let at = match page.get(range.clone()) {
            Some(slice) if slice == piece => range.start,
            Some(slice) => slice.find(piece).map_or(range.start, |i| range.start + i),
            None => range.start,
        };
        self.push_at(piece, at);
    }

    /// Appends `piece`, which starts at page offset `at`.
    pub fn push_at(&mut self, piece: &str, at: usize) {
        if piece.is_empty() {
            return;
        }
        self.pieces.push((self.text.len(), at));
        self.text.push_str(piece);
    }

    /// The page offset of byte `at` of the text (the end of the text maps just past its
    /// last piece).
    pub fn page_offset(&self, at: usize) -> usize {
        let i = self.pieces.partition_point(|&(t, _)| t <= at);
        match i.checked_sub(1).and_then(|i| self.pieces.get(i)) {
            Some(&(t, p)) => p + (at - t),
            None => self.pieces.first().map_or(0, |&(_, p)| p),
        }
    }

    /// The part of the text in `range`, with its positions.
    pub fn slice(&self, range: Range<usize>) -> Mapped {
        let Some(text) = self.text.get(range.clone()) else {
            return Mapped::default();
        };
        let mut pieces = vec![(0, self.page_offset(range.start))];
        pieces.extend(
            self.pieces
                .iter()
                .filter(|&&(t, _)| t > range.start && t < range.end)
                .map(|&(t, p)| (t - range.start, p)),
        );
        Mapped {
            text: text.to_owned(),
            pieces,
        }
    }

    /// The lines of the text with their start offsets, without line endings.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        crate::read::lines(&self.text).map(|(at, line, _)| (at, line))
    }

    /// The offset of the first non-whitespace character, and the trimmed text.
    pub fn trimmed(&self) -> (usize, &str) {
        let text = self.text.trim_end();
        let trimmed = text.trim_start();
        (text.len() - trimmed.len(), trimmed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_across_pieces_and_slices() {
        let page = "| `code` and **bold** |";
        let mut m = Mapped::default();
        m.push("code", page, 2..8);
        m.push(" and ", page, 8..13);
        m.push("bold", page, 15..19);
        assert_eq!(m.text, "code and bold");
        assert_eq!(m.page_offset(0), 3);
        assert_eq!(m.page_offset(5), 9);
        assert_eq!(m.page_offset(10), 16);
        let s = m.slice(5..13);
        assert_eq!(s.text, "and bold");
        assert_eq!(s.page_offset(0), 9);
        assert_eq!(s.page_offset(4), 15);
        assert_eq!(Mapped::default().page_offset(3), 0);
    }
}
