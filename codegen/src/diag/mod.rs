//! Diagnostics in the style of a compiler: `file:line:col: level[code]: message`,
//! followed by the source line and a caret.
//!
//! Every reader keeps positions as [`Span`]s into a named [`Source`]; later stages
//! only carry spans, so any stage can report a problem at the place it came from.

pub mod codes;

use std::borrow::Cow;
use std::fmt;

pub use codes::GROUPS;
use std::sync::{Arc, OnceLock};

/// One input file: its display name and full text.
#[derive(Debug)]
pub struct Source {
    pub name: String,
    pub text: String,
    /// Line starts and character counts, built on first use.
    index: OnceLock<Index>,
}

/// What turns a byte offset into a line and column in time independent of the text's
/// size: the start of every line, and for text that is not ASCII the number of
/// characters before every [`CHUNK`]-th byte.
#[derive(Debug)]
struct Index {
    /// Byte offsets of line starts. Lines end at `\r\n`, `\r` or `\n` (the line ends of
    /// XML and of CommonMark); the first line starts after a UTF-8 byte order mark.
    line_starts: Vec<usize>,
    /// `chars[i]`: the characters in the text's first `i * CHUNK` bytes; `None` for
    /// ASCII text, where a byte is a character.
    chars: Option<Vec<usize>>,
}

/// Bytes between two character-count checkpoints: the most a lookup counts.
const CHUNK: usize = 1024;

const BOM: &str = "\u{feff}";

impl Index {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![if text.starts_with(BOM) { BOM.len() } else { 0 }];
        let mut next = 0;
        for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
            if at < next {
                // The `\n` of a `\r\n`.
                continue;
            }
            next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next);
        }
        let chars = (!text.is_ascii()).then(|| {
            let mut counted = 0;
            std::iter::once(0)
                .chain(bytes.chunks(CHUNK).map(|chunk| {
                    counted += count_chars(chunk);
                    counted
                }))
                .collect()
        });
        Index { line_starts, chars }
    }

    /// The characters before byte `offset` (a character boundary or not).
    fn chars_before(&self, bytes: &[u8], offset: usize) -> usize {
        match &self.chars {
            None => offset,
            Some(chars) => {
                let chunk = offset / CHUNK;
                chars.get(chunk).copied().unwrap_or(0)
                    + bytes.get(chunk * CHUNK..offset).map_or(0, count_chars)
            }
        }
    }

    /// The 0-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// The byte range of a 0-based line, with its line end.
    fn line_range(&self, line: usize, len: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.line_starts.get(line)?;
        let end = self.line_starts.get(line + 1).copied().unwrap_or(len);
        Some(start..end)
    }
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
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
            index: OnceLock::new(),
        })
    }

    /// The last component of its name, so generated text does not depend on where the
    /// inputs were.
    pub fn file_name(&self) -> &str {
        file_name(&self.name)
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::new(&self.text))
    }

    /// The 1-based line and column (in characters) of a byte offset. Lines end at
    /// `\r\n`, `\r` or `\n`; a byte order mark takes no column. Costs a binary search
    /// and a count of at most a few thousand bytes, whatever the line's length.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index();
        let line = index.line_of(offset);
        let line_start = index
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(0)
            .min(offset);
        let bytes = self.text.as_bytes();
        let col = index.chars_before(bytes, offset) - index.chars_before(bytes, line_start) + 1;
        (to_u32(line + 1), to_u32(col))
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line_text(&self, line: u32) -> Option<&str> {
        let range = self
            .index()
            .line_range((line as usize).checked_sub(1)?, self.text.len())?;
        let l = self.text.get(range)?;
        let l = l.strip_suffix('\n').unwrap_or(l);
        Some(l.strip_suffix('\r').unwrap_or(l))
    }

    /// The byte offset, in the text of a 1-based line, of its 1-based character column
    /// (the line's end for a column past it).
    fn byte_in_line(&self, line: u32, col: u32) -> Option<usize> {
        let index = self.index();
        let line_index = (line as usize).checked_sub(1)?;
        let range = index.line_range(line_index, self.text.len())?;
        let text = self.line_text(line)?;
        let wanted = (col as usize).saturating_sub(1);
        let bytes = self.text.as_bytes();
        // The last checkpoint at or before the wanted character, then a short count.
        let target = index.chars_before(bytes, range.start) + wanted;
        let from = match &index.chars {
            None => return Some(wanted.min(text.len())),
            Some(chars) => {
                let chunk = chars.partition_point(|&c| c <= target).saturating_sub(1);
                (chunk * CHUNK).max(range.start)
            }
        };
        let from = floor_char_boundary(&self.text, from.min(self.text.len()));
        let skip = target.saturating_sub(index.chars_before(bytes, from));
        let rest = self
            .text
            .get(from..range.start + text.len())
            .unwrap_or_default();
        Some(
            rest.char_indices()
                .nth(skip)
                .map_or(text.len(), |(at, _)| from + at - range.start),
        )
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
/// Whether an input's name is a URL (`--metadata URL`) rather than a file's path.
pub fn is_url(name: &str) -> bool {
    name.starts_with("http://") || name.starts_with("https://")
}

pub fn file_name(path: &str) -> &str {
    // A fetched document is named by its whole URL: its last segment (`$metadata`) alone
    // would not say where it came from.
    if is_url(path) {
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
    /// `file:line:col`, the file name with what a terminal would obey shown as escapes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (line, col) = self.line_col();
        write!(f, "{}:{}:{}", visible(&self.source.name), line, col)
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

/// Sorts diagnostics by file, line and column, so output is stable. Each position is
/// worked out once, not once per comparison.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    {
        let keys: Vec<_> = diagnostics.iter().map(Diagnostic::order_key).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
    // Put element `order[i]` at `i`, following each cycle of the permutation.
    for start in 0..order.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            diagnostics.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

impl fmt::Display for Diagnostic {
    /// ```text
    /// metadata/page.md:31:103: warning[ref-on-containment]: ...
    ///    |
    /// 31 | POST /deviceAppManagement/.../userStatuses/$ref
    ///    |                                            ^
    ///    = note: ...
    /// ```
    ///
    /// File names, messages, notes and the excerpt come from the inputs: what a terminal
    /// would obey or hide (control characters, bidirectional overrides, zero-width
    /// characters, line breaks) is shown as an escape such as `\x1b` or `\u{202e}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(span) = &self.span {
            write!(f, "{span}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity,
            self.code,
            visible(&elide(&self.message, MAX_MESSAGE_CHARS))
        )?;
        let position = self.span.as_ref().map(Span::line_col);
        let gutter = position.map_or(0, |(line, _)| line.to_string().len());
        if let (Some(span), Some((line_number, col))) = (&self.span, position) {
            if let (Some(line), Some(at)) = (
                span.source.line_text(line_number),
                span.source.byte_in_line(line_number, col),
            ) {
                let pad = " ".repeat(gutter);
                let (text, caret_at) = excerpt(line, at);
                write!(
                    f,
                    "\n{pad} |\n{} | {text}\n{pad} | {}^",
                    line_number,
                    " ".repeat(caret_at)
                )?;
            }
        }
        for note in &self.notes {
            let note = visible(&elide(note, MAX_MESSAGE_CHARS)).into_owned();
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

    /// [`Self::apply`] for the diagnostics of metadata that gives no model: its errors
    /// stop the run whatever their level, since nothing could be checked or generated
    /// without the model, so a level that would lower one leaves it an error and says
    /// so in a note; its warnings take their levels.
    pub fn apply_to_model_errors(&self, diagnostics: &mut Vec<Diagnostic>) {
        let (mut errors, mut others): (Vec<Diagnostic>, Vec<Diagnostic>) =
            diagnostics.drain(..).partition(Diagnostic::is_error);
        for d in &mut errors {
            if let Some(level @ (Level::Warn | Level::Allow)) = self.level(d.code) {
                d.notes.push(format!(
                    "it stays an error despite `{level} {}`: the metadata gives no model without what it names, so no page could be checked and no crate generated",
                    d.code
                ));
            }
        }
        self.apply(&mut others);
        diagnostics.extend(errors);
        diagnostics.extend(others);
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
/// A source line longer than this many bytes is shown as a window around the caret,
/// this many characters on either side.
const MAX_EXCERPT_BYTES: usize = 400;
const EXCERPT_SIDE: usize = 150;

fn elide(text: &str, max: usize) -> Cow<'_, str> {
    // Counting stops just past `max`: a message of megabytes is not walked twice.
    if text.len() <= max || text.chars().nth(max).is_none() {
        return text.into();
    }
    let count = text.chars().count();
    let head: String = text.chars().take(max / 2).collect();
    let tail: String = text.chars().skip(count - max / 2).collect();
    format!(
        "{head}…({} characters left out)…{tail}",
        count - 2 * (max / 2)
    )
    .into()
}

/// Whether a terminal would obey `c` or show nothing for it: control characters
/// (escapes, line breaks, backspace, C1 controls), bidirectional embeddings, overrides,
/// isolates and marks, zero-width characters and joiners, line and paragraph
/// separators, the byte order mark, interlinear annotation and tag characters, and
/// invisible fillers.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff9}'..='\u{fffb}'
                | '\u{1bca0}'..='\u{1bca3}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e007f}'
        )
}

/// How `c` is shown when [`is_hidden`]: `\x1b` below U+0080, `\u{202e}` above.
fn escape_hidden(c: char, out: &mut String) {
    use std::fmt::Write;
    let code = u32::from(c);
    let _ = if code < 0x80 {
        write!(out, "\\x{code:02x}")
    } else {
        write!(out, "\\u{{{code:x}}}")
    };
}

/// `text` with every [`is_hidden`] character shown as an escape, so that text from the
/// inputs (file names, names, excerpts) cannot move the cursor, recolour the terminal,
/// forge a line or reorder what is shown.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.contains(is_hidden) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) {
            escape_hidden(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A JSON document as text, with every [`is_hidden`] character escaped as `\uXXXX`
/// (serde_json escapes only the C0 controls, `"` and `\`). Such characters occur only
/// inside strings, so the document means the same.
pub fn json_text(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if !text.contains(is_hidden) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The part of `line` around byte `at` (a character boundary or not), with tabs as
/// spaces and hidden characters as escapes, and the caret's column in it; long lines
/// are cut to a window marked with `…`. Costs the window, not the line.
fn excerpt(line: &str, at: usize) -> (String, usize) {
    let at = floor_char_boundary(line, at.min(line.len()));
    let (from, to) = if line.len() <= MAX_EXCERPT_BYTES {
        (0, line.len())
    } else {
        let from = line[..at]
            .char_indices()
            .rev()
            .nth(EXCERPT_SIDE - 1)
            .map_or(0, |(i, _)| i);
        let to = line[at..]
            .char_indices()
            .nth(EXCERPT_SIDE)
            .map_or(line.len(), |(i, _)| at + i);
        (from, to)
    };
    let mut text = String::new();
    let mut caret = 0;
    if from > 0 {
        text.push('…');
        caret += 1;
    }
    for (i, c) in line[from..to].char_indices() {
        let before = text.len();
        match c {
            '\t' => text.push(' '),
            c if is_hidden(c) => escape_hidden(c, &mut text),
            c => text.push(c),
        }
        if from + i < at {
            caret += text[before..].chars().count();
        }
    }
    if to < line.len() {
        text.push('…');
    }
    (text, caret)
}

/// At most this many diagnostics of one code in one file are printed; the others are
/// counted in one line.
pub const MAX_SHOWN_PER_CODE_AND_FILE: usize = 10;

/// The diagnostics [`render`] and the JSON report show, and what they leave out: per
/// file (its name, `None` for problems of no file) and code, how many more there were.
pub struct Shown<'a> {
    pub shown: Vec<&'a Diagnostic>,
    pub left_out: Vec<(Option<&'a str>, &'static str, usize)>,
}

/// The first [`MAX_SHOWN_PER_CODE_AND_FILE`] diagnostics of each code in each file, in
/// their order, and the count of the others by file and code.
pub fn shown<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Shown<'a> {
    let mut counts: std::collections::BTreeMap<(Option<&'a str>, &'static str), usize> =
        std::collections::BTreeMap::new();
    let mut shown = Vec::new();
    for d in diagnostics {
        let file = d.span.as_ref().map(|s| s.source.name.as_str());
        let count = counts.entry((file, d.code)).or_default();
        *count += 1;
        if *count <= MAX_SHOWN_PER_CODE_AND_FILE {
            shown.push(d);
        }
    }
    let left_out = counts
        .into_iter()
        .filter(|&(_, n)| n > MAX_SHOWN_PER_CODE_AND_FILE)
        .map(|((file, code), n)| (file, code, n - MAX_SHOWN_PER_CODE_AND_FILE))
        .collect();
    Shown { shown, left_out }
}

/// The line that stands for `count` diagnostics of `code` in `file` not printed.
pub fn left_out_line(file: Option<&str>, code: &str, count: usize) -> String {
    let place = file.map_or_else(
        || "without a file".to_owned(),
        |f| format!("in {}", visible(f)),
    );
    format!("... and {} more `{code}` {place}", thousands(count))
}

/// Renders diagnostics for people, each followed by a blank line: at most
/// [`MAX_SHOWN_PER_CODE_AND_FILE`] of one code in one file, then one line per file and
/// code saying how many more there were. The cost is that of what is printed.
pub fn render<'a>(
    diagnostics: impl IntoIterator<Item = &'a Diagnostic>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let Shown { shown, left_out } = shown(diagnostics);
    for d in shown {
        writeln!(out, "{d}\n")?;
    }
    for (file, code, count) in left_out {
        writeln!(out, "{}\n", left_out_line(file, code, count))?;
    }
    Ok(())
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
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
    fn terminal_escapes_from_inputs_are_shown_as_escapes() {
        let src = Source::new(
            "pa\u{1b}]0;x\u{7}ge\nx.md",
            "GET \u{1b}[2J/x\u{7}\u{202e}abc\n",
        );
        let d = Diagnostic::warning(
            "unknown-segment",
            src.span(1, 10),
            "`\u{1b}[2J\u{200b}` is odd\nforged: line",
        )
        .with_note("\u{2066}note");
        let text = d.to_string();
        assert!(
            !text.contains(|c: char| is_hidden(c) && c != '\n'),
            "{text:?}"
        );
        assert_eq!(
            text,
            "pa\\x1b]0;x\\x07ge\\x0ax.md:1:10: warning[unknown-segment]: `\\x1b[2J\\u{200b}` is odd\\x0aforged: line\n  |\n1 | GET \\x1b[2J/x\\x07\\u{202e}abc\n  |             ^\n  = note: \\u{2066}note"
        );
    }

    #[test]
    fn json_escapes_what_a_terminal_would_obey_or_hide() {
        let value = serde_json::json!({"m": "a\u{202e}b\u{1b}c\u{7f}\u{85}\u{e0041}"});
        let text = json_text(&value);
        assert_eq!(text, r#"{"m":"a\u202eb\u001bc\u007f\u0085\udb40\udc41"}"#);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
    }

    #[test]
    fn line_ends_are_crlf_cr_or_lf_and_a_bom_takes_no_column() {
        let src = Source::new("a.xml", "\u{feff}<a>\r<b/>\r\n<c/>\n\r\n<d/>");
        assert_eq!(src.position(0), (1, 1));
        assert_eq!(src.position(3), (1, 1));
        assert_eq!(src.position(4), (1, 2));
        assert_eq!(src.position(7), (2, 1));
        assert_eq!(src.position(13), (3, 1));
        assert_eq!(src.position(18), (4, 1));
        assert_eq!(src.position(20), (5, 1));
        assert_eq!(src.line_text(1), Some("<a>"));
        assert_eq!(src.line_text(2), Some("<b/>"));
        assert_eq!(src.line_text(4), Some(""));
        assert_eq!(src.line_text(5), Some("<d/>"));
        assert_eq!(src.line_text(6), None);
        let cr = Source::new("b.md", "a\rb\rc");
        assert_eq!(cr.position(4), (3, 1));
    }

    #[test]
    fn positions_on_a_long_non_ascii_line_agree_with_counting() {
        let text = "é€a\u{1f600}".repeat(5_000);
        let src = Source::new("long.md", format!("x\n{text}"));
        for (i, (offset, _)) in text.char_indices().enumerate().step_by(97) {
            let (line, col) = src.position(2 + offset);
            assert_eq!((line, col), (2, i as u32 + 1), "offset {offset}");
            assert_eq!(src.byte_in_line(line, col), Some(offset));
        }
    }

    #[test]
    fn at_most_ten_of_a_code_in_a_file_are_rendered() {
        let a = Source::new("a.md", "x\n");
        let b = Source::new("b.md", "x\n");
        let mut diags: Vec<_> = (0..12_345)
            .map(|_| Diagnostic::warning("unknown-property", a.span(1, 1), "p"))
            .collect();
        diags.push(Diagnostic::warning("unknown-property", b.span(1, 1), "q"));
        diags.push(Diagnostic::warning("wrong-json-type", a.span(1, 1), "r"));
        let mut out = Vec::new();
        render(&diags, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("warning[unknown-property]").count(), 11);
        assert_eq!(text.matches("warning[wrong-json-type]").count(), 1);
        assert!(
            text.ends_with("... and 12,335 more `unknown-property` in a.md\n\n"),
            "{text}"
        );
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
    }

    #[test]
    fn sorting_orders_by_file_line_and_column() {
        let a = Source::new("a.md", "x\ny\nz\n");
        let mut diags = vec![
            Diagnostic::warning("c", a.span(3, 1), "3"),
            Diagnostic::warning("c", a.span_at(2), "2"),
            Diagnostic::warning("c", None, "0"),
            Diagnostic::warning("c", a.span(1, 1), "1"),
            Diagnostic::warning("b", a.span(3, 1), "3b"),
        ];
        sort(&mut diags);
        let got: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(got, ["0", "1", "2", "3b", "3"]);
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
