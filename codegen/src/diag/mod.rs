//! Diagnostics in the style of a compiler: `file:line:col: level[code]: message`,
//! followed by the source line and a caret.
//!
//! Every reader keeps positions as [`Span`]s into a named [`Source`]; later stages
//! only carry spans, so any stage can report a problem at the place it came from.

pub mod codes;

use std::fmt;

pub use codes::GROUPS;
use std::sync::{Arc, OnceLock};

/// One input file: its display name and full text.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Byte offsets of line starts, built on first use.
    line_starts: OnceLock<Vec<usize>>,
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.text == other.text
    }
}

impl Eq for Source {}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            text: text.into(),
            line_starts: OnceLock::new(),
        })
    }

    /// The last component of its name, so generated text does not depend on where the
    /// inputs were.
    pub fn file_name(&self) -> &str {
        file_name(&self.name)
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let starts = self.line_starts();
        let line = starts.partition_point(|&start| start <= offset);
        let line_start = starts.get(line.wrapping_sub(1)).copied().unwrap_or(0);
        let col = self.text[line_start..offset].chars().count() + 1;
        (to_u32(line), to_u32(col))
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let starts = self.line_starts();
        let index = (line as usize).checked_sub(1)?;
        let start = *starts.get(index)?;
        let end = starts
            .get(index + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let l = self.text.get(start..end)?;
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// A span pointing at a byte offset of this source; its line and column are
    /// worked out only when asked for, as most spans are never printed.
    pub fn span_at(self: &Arc<Self>, offset: usize) -> Span {
        Span {
            source: Arc::clone(self),
            at: At::Offset(offset),
        }
    }

    /// A span pointing at a known line and column of this source.
    pub fn span(self: &Arc<Self>, line: u32, col: u32) -> Span {
        Span {
            source: Arc::clone(self),
            at: At::LineCol(line, col),
        }
    }
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    // A fetched document is named by its whole URL: its last segment (`$metadata`) alone
    // would not say where it came from.
    if path.starts_with("http://") || path.starts_with("https://") {
        return path;
    }
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A position in one of several documents, for structures built from more than one
/// (the model): the document's index in the table of sources that holds them, and a
/// byte offset there. Eight bytes and `Copy`, so that every element can keep one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pos {
    pub document: u32,
    pub offset: u32,
}

/// A table of documents that [`Pos`]es point into.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources(Vec<Arc<Source>>);

impl Sources {
    /// Adds a document; positions in it are made with [`Sources::pos`] and its index.
    pub fn add(&mut self, source: &Arc<Source>) -> u32 {
        self.0.push(Arc::clone(source));
        to_u32(self.0.len() - 1)
    }

    /// The position of byte `offset` of document `document`.
    pub fn pos(document: u32, offset: usize) -> Pos {
        Pos {
            document,
            offset: to_u32(offset),
        }
    }

    /// The span of a position; `None` for a position of no document of the table.
    pub fn span(&self, pos: Pos) -> Option<Span> {
        let source = self.0.get(pos.document as usize)?;
        Some(source.span_at(pos.offset as usize))
    }
}

/// A position in an input file, shown as 1-based line and column.
#[derive(Clone, PartialEq, Eq)]
pub struct Span {
    pub source: Arc<Source>,
    at: At,
}

/// Where a span points: readers that walk bytes keep the offset, readers that walk
/// lines keep the line and column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Offset(usize),
    LineCol(u32, u32),
}

impl Span {
    /// The 1-based line and column (in characters).
    pub fn line_col(&self) -> (u32, u32) {
        match self.at {
            At::Offset(offset) => self.source.position(offset),
            At::LineCol(line, col) => (line, col),
        }
    }

    pub fn line(&self) -> u32 {
        self.line_col().0
    }

    pub fn col(&self) -> u32 {
        self.line_col().1
    }

    /// The same line, `chars` characters further right.
    pub fn shifted(&self, chars: usize) -> Span {
        let (line, col) = self.line_col();
        self.source.span(line, col.saturating_add(to_u32(chars)))
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(f, "{}:{}:{}", self.source.name, line, col)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding. `code` is stable and listed in docs/diagnostics.md; `message` names both sides
/// of a disagreement (the input's text and the schema element).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    /// Where it happened; `None` only for problems with no file (e.g. a missing input).
    pub span: Option<Span>,
    /// Further lines printed under the source excerpt (`= note: ...`).
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(
        code: &'static str,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            span: span.into(),
            notes: Vec::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        span: impl Into<Option<Span>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, span, message)
        }
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The sort key used to print diagnostics in source order.
    fn order_key(&self) -> (Option<(&str, u32, u32)>, &'static str, &str) {
        (
            self.span.as_ref().map(|s| {
                let (line, col) = s.line_col();
                (s.source.name.as_str(), line, col)
            }),
            self.code,
            self.message.as_str(),
        )
    }
}

/// Sorts diagnostics by file, line and column, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
}

impl fmt::Display for Diagnostic {
    /// ```text
    /// metadata/page.md:31:103: warning[ref-on-containment]: ...
    ///    |
    /// 31 | POST /deviceAppManagement/.../userStatuses/$ref
    ///    |                                            ^
    ///    = note: ...
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = &self.span {
            write!(f, "{span}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity,
            self.code,
            elide(&self.message, MAX_MESSAGE_CHARS)
        )?;
        let position = self.span.as_ref().map(Span::line_col);
        let gutter = position.map_or(0, |(line, _)| line.to_string().len());
        if let (Some(span), Some((line_number, col))) = (&self.span, position) {
            if let Some(line) = span.source.line_text(line_number) {
                let pad = " ".repeat(gutter);
                let (text, caret_at) = excerpt(line, (col as usize).saturating_sub(1));
                write!(
                    f,
                    "\n{pad} |\n{} | {text}\n{pad} | {}^",
                    line_number,
                    " ".repeat(caret_at)
                )?;
            }
        }
        for note in &self.notes {
            let note = elide(note, MAX_MESSAGE_CHARS);
            write!(f, "\n{} = note: {note}", " ".repeat(gutter))?;
        }
        Ok(())
    }
}

/// A level the user gives a diagnostic code on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported at all.
    Allow,
    /// Reported; does not fail the run.
    Warn,
    /// Reported as an error; fails the run (exit 1, nothing written).
    Deny,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Allow => "--allow",
            Level::Warn => "--warn",
            Level::Deny => "--deny",
        })
    }
}

/// The levels the user changed, by code or group. A code's own level beats its
/// group's. Applying the levels twice gives what applying them once gives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    codes: std::collections::BTreeMap<String, Level>,
    groups: std::collections::BTreeMap<String, Level>,
}

impl Levels {
    /// Sets the level of a code or group; an unknown name, or one given two different
    /// levels, is an error that says so.
    pub fn set(&mut self, name: &str, level: Level) -> Result<(), String> {
        let is_group = GROUPS.iter().any(|(g, _)| *g == name);
        let is_code = codes::is_code(name);
        if !is_group && !is_code {
            return Err(format!(
                "`{name}` is no diagnostic code or group (`odata-codegen codes` lists them)"
            ));
        }
        let map = if is_group {
            &mut self.groups
        } else {
            &mut self.codes
        };
        match map.get(name) {
            Some(previous) if *previous != level => {
                Err(format!("`{name}` is given both {previous} and {level}"))
            }
            _ => {
                map.insert(name.to_owned(), level);
                Ok(())
            }
        }
    }

    /// The level the user gave `code`, directly or through its group.
    pub fn level(&self, code: &str) -> Option<Level> {
        if let Some(level) = self.codes.get(code) {
            return Some(*level);
        }
        GROUPS
            .iter()
            .filter(|(group, _)| group_has(group, code))
            .find_map(|(group, _)| self.groups.get(*group).copied())
    }

    /// Drops allowed diagnostics and sets the severity of the others the user changed.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        if self.codes.is_empty() && self.groups.is_empty() {
            return;
        }
        diagnostics.retain_mut(|d| match self.level(d.code) {
            Some(Level::Allow) => false,
            Some(Level::Warn) => {
                d.severity = Severity::Warning;
                true
            }
            Some(Level::Deny) => {
                d.severity = Severity::Error;
                true
            }
            None => true,
        });
    }
}

fn group_has(group: &str, code: &str) -> bool {
    codes::group(group).contains(&code)
}

/// Messages quote names from the inputs, which may be megabytes long; past this many
/// characters the middle of a message is left out.
const MAX_MESSAGE_CHARS: usize = 400;
/// A source line longer than this is shown as a window around the caret, this many
/// characters on either side.
const MAX_EXCERPT_CHARS: usize = 400;
const EXCERPT_SIDE: usize = 150;

fn elide(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if text.contains(|c: char| c.is_control() && c != '\n') {
        let shown: String = text
            .chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        return elide(&shown, max).into_owned().into();
    }
    if count <= max {
        return text.into();
    }
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(count - max / 2).collect();
    format!(
        "{head}…({} characters left out)…{tail}",
        count - 2 * (max / 2)
    )
    .into()
}

/// The part of `line` around the 0-based character `col`, tabs as spaces, and the
/// caret's column in it; long lines are cut to a window marked with `…`.
fn excerpt(line: &str, col: usize) -> (String, usize) {
    let count = line.chars().count();
    let col = col.min(count);
    let (from, to) = if count <= MAX_EXCERPT_CHARS {
        (0, count)
    } else {
        (
            col.saturating_sub(EXCERPT_SIDE),
            col.saturating_add(EXCERPT_SIDE).min(count),
        )
    };
    let mut text: String = line
        .chars()
        .skip(from)
        .take(to - from)
        .map(|c| match c {
            '\t' => ' ',
            // A page can hold terminal escapes; they are shown, not obeyed.
            c if c.is_control() => '\u{fffd}',
            c => c,
        })
        .collect();
    let mut caret = col - from;
    if from > 0 {
        text.insert(0, '…');
        caret += 1;
    }
    if to < count {
        text.push('…');
    }
    (text, caret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let src = Source::new("a.md", "ab\nçd\r\nef");
        assert_eq!(src.position(0), (1, 1));
        assert_eq!(src.position(3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(src.position(5), (2, 2));
        assert_eq!(src.line_text(2), Some("çd"));
        assert_eq!(src.line_text(9), None);
    }

    #[test]
    fn display_shows_location_code_source_line_and_caret() {
        let src = Source::new("page.md", "line one\nPOST /a/$ref\n");
        let d = Diagnostic::warning("ref-on-containment", src.span(2, 9), "bad $ref")
            .with_note("the example posts to /a");
        assert_eq!(
            d.to_string(),
            "page.md:2:9: warning[ref-on-containment]: bad $ref\n  |\n2 | POST /a/$ref\n  |         ^\n  = note: the example posts to /a"
        );
    }

    #[test]
    fn levels_change_severity_drop_allowed_codes_and_reject_unknown_names() {
        let src = Source::new("p.md", "x\n");
        let mut levels = Levels::default();
        levels.set("unresolved", Level::Warn).unwrap();
        levels.set("unknown-root", Level::Deny).unwrap();
        levels.set("todo-permission", Level::Allow).unwrap();
        assert!(levels.set("no-such-code", Level::Deny).is_err());
        assert_eq!(
            levels.set("todo-permission", Level::Deny),
            Err("`todo-permission` is given both --allow and --deny".to_owned())
        );
        let mut diags = vec![
            Diagnostic::error("unknown-segment", src.span(1, 1), "a"),
            Diagnostic::error("unknown-root", src.span(1, 1), "b"),
            Diagnostic::warning("todo-permission", src.span(1, 1), "c"),
            Diagnostic::warning("unknown-property", src.span(1, 1), "d"),
        ];
        levels.apply(&mut diags);
        let again = {
            let mut twice = diags.clone();
            levels.apply(&mut twice);
            twice
        };
        assert_eq!(diags, again);
        let got: Vec<_> = diags.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            got,
            [
                ("unknown-segment", Severity::Warning),
                ("unknown-root", Severity::Error),
                ("unknown-property", Severity::Warning),
            ]
        );
    }

    #[test]
    fn long_lines_and_messages_are_cut_around_the_caret() {
        let line = format!("{}<here>{}", "a".repeat(10_000), "b".repeat(10_000));
        let src = Source::new("big.xml", line);
        let message = format!("`{}` is wrong", "x".repeat(1_000_000));
        let d = Diagnostic::error("xml-syntax", src.span(1, 10_001), message);
        let text = d.to_string();
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(text.contains("(999611 characters left out)"), "{text}");
        let excerpt = text.lines().nth(2).unwrap();
        let caret = text.lines().nth(3).unwrap();
        let caret_col = caret.chars().count() - 1;
        assert_eq!(
            excerpt.chars().nth(caret_col),
            Some('<'),
            "{excerpt}\n{caret}"
        );
        assert!(excerpt.ends_with("b…"), "{excerpt}");
    }

    #[test]
    fn terminal_escapes_from_inputs_are_not_printed() {
        let src = Source::new("page.md", "GET \u{1b}[2J/x\u{7}\n");
        let d = Diagnostic::warning("unknown-segment", src.span(1, 5), "`\u{1b}[2J` is odd");
        let text = d.to_string();
        assert!(!text.contains(['\u{1b}', '\u{7}']), "{text:?}");
        assert!(text.contains("`\u{fffd}[2J` is odd"), "{text:?}");
    }

    #[test]
    fn positions_name_their_document() {
        let mut sources = Sources::default();
        let first = sources.add(&Source::new("a.xml", "<a/>\n<b/>"));
        let second = sources.add(&Source::new("b.xml", "\n\n<c/>"));
        let at = |document, offset| {
            let span = sources
                .span(Sources::pos(document, offset))
                .expect("a document");
            (span.source.name.clone(), span.line_col())
        };
        assert_eq!(at(first, 5), ("a.xml".to_owned(), (2, 1)));
        assert_eq!(at(second, 2), ("b.xml".to_owned(), (3, 1)));
        assert_eq!(sources.span(Sources::pos(7, 0)), None);
        assert_eq!(std::mem::size_of::<Pos>(), 8);
    }

    #[test]
    fn display_without_span_has_no_excerpt() {
        let d = Diagnostic::error("io", None, "cannot read x");
        assert_eq!(d.to_string(), "error[io]: cannot read x");
    }
}
