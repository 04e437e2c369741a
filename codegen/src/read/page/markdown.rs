//! The page's markdown as a flat list of the blocks the reader cares about. Containers
//! (lists, quotes) are looked through, so a fence indented inside a list item is a code
//! block like any other.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::mapped::Mapped;

pub(super) enum Block {
    /// An ATX (`#`) heading; setext headings are ignored, since in these pages they
    /// are accidents (a line of text followed by a `---` tab-group terminator).
    Heading {
        level: u8,
        text: Mapped,
        /// A tab marker like `# [HTTP](#tab/http)`: not a section.
        tab_marker: bool,
        /// The heading's first byte in the page.
        start: usize,
    },
    Paragraph(Mapped),
    /// Rows of cells; the first row is the header.
    Table(Vec<Vec<MdCell>>),
    Html(Mapped),
    Code(CodeBlock),
}

pub(super) struct MdCell {
    pub text: Mapped,
    /// The cell's markdown in the page, including surrounding blanks.
    pub range: Range<usize>,
}

pub(super) struct CodeBlock {
    /// The info string's first word ("http", "json", ...), empty when none.
    pub language: String,
    pub content: Mapped,
    /// The opening fence's first byte in the page.
    pub start: usize,
}

/// Text being collected for a heading, paragraph or cell.
enum Inline {
    Heading { level: u8, start: usize, atx: bool },
    Paragraph,
    Cell { range: Range<usize> },
}

/// `text` with each `\r` that ends a line by itself made a `\n`: CommonMark's line
/// ends include a lone `\r`, pulldown-cmark's do not. One byte for one, so every offset
/// stays the page's.
fn lone_cr_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes.get(i + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(lone) {
        return text.into();
    }
    let mut out = bytes.to_vec();
    for i in memchr::memchr_iter(b'\r', bytes) {
        if lone(i) {
            out[i] = b'\n';
        }
    }
    // ASCII for ASCII: still UTF-8.
    String::from_utf8(out).map_or(text.into(), Into::into)
}

/// Parses the markdown in `page[from..]` (offsets in the result are page offsets).
pub(super) fn blocks(page: &str, from: usize) -> Vec<Block> {
    let page = &*lone_cr_as_lf(page);
    let markdown = page.get(from..).unwrap_or_default();
    let mut out = Vec::new();
    let mut inline: Option<(Inline, Mapped)> = None;
    let mut table: Option<Vec<Vec<MdCell>>> = None;
    let mut row: Vec<MdCell> = Vec::new();
    let mut code: Option<(CodeBlock, bool)> = None;
    let mut html: Option<Mapped> = None;

    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        let range = range.start + from..range.end + from;
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let atx = page
                    .get(range.clone())
                    .is_some_and(|s| s.trim_start().starts_with('#'));
                let level = level as u8;
                inline = Some((
                    Inline::Heading {
                        level,
                        start: range.start,
                        atx,
                    },
                    Mapped::default(),
                ));
            }
            Event::Start(Tag::Paragraph) => {
                inline = Some((Inline::Paragraph, Mapped::default()));
            }
            Event::Start(Tag::TableCell) => {
                inline = Some((Inline::Cell { range }, Mapped::default()));
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::TableCell) => {
                match inline.take() {
                    Some((Inline::Heading { level, start, atx }, text)) if atx => {
                        let tab_marker = page.get(range).is_some_and(|s| s.contains("](#tab/"));
                        out.push(Block::Heading {
                            level,
                            text,
                            tab_marker,
                            start,
                        });
                    }
                    Some((Inline::Paragraph, text)) => out.push(Block::Paragraph(text)),
                    Some((Inline::Cell { range }, text)) => row.push(MdCell { text, range }),
                    _ => {}
                }
            }
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(rows) = table.as_mut() {
                    rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::Table) => {
                if let Some(rows) = table.take() {
                    out.push(Block::Table(rows));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let (language, indented) = match kind {
                    CodeBlockKind::Fenced(info) => (first_word(&info), false),
                    CodeBlockKind::Indented => (String::new(), true),
                };
                let block = CodeBlock {
                    language,
                    content: Mapped::default(),
                    start: range.start,
                };
                code = Some((block, indented));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((block, indented)) = code.take() {
                    out.push(Block::Code(if indented {
                        unwrap_fence(block)
                    } else {
                        block
                    }));
                }
            }
            Event::Start(Tag::HtmlBlock) => html = Some(Mapped::default()),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(text) = html.take() {
                    out.push(Block::Html(text));
                }
            }
            Event::Text(text) | Event::Code(text) | Event::Html(text) => {
                let target = if let Some((block, _)) = code.as_mut() {
                    Some(&mut block.content)
                } else if let Some(m) = html.as_mut() {
                    Some(m)
                } else {
                    inline.as_mut().map(|(_, m)| m)
                };
                if let Some(target) = target {
                    target.push(&text, page, range);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::InlineHtml(_) => {
                if let Some((_, m)) = inline.as_mut() {
                    m.push_at(" ", range.start);
                }
            }
            _ => {}
        }
    }
    out
}

fn first_word(info: &str) -> String {
    info.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A fence indented by four or more spaces outside any list is, to CommonMark, an
/// indented code block whose text includes the fences; authors mean a fenced block.
fn unwrap_fence(block: CodeBlock) -> CodeBlock {
    let text = block.content.text.as_str();
    let Some((_, first_line, ending)) = crate::read::lines(text).next() else {
        return block;
    };
    if ending.is_empty() {
        return block;
    }
    let first = first_line.trim();
    let Some(fence) = ["```", "~~~"].into_iter().find(|f| first.starts_with(f)) else {
        return block;
    };
    let body_start = first_line.len() + ending.len();
    let rest = text.get(body_start..).unwrap_or_default();
    let mut body_end = text.len();
    // Drop the closing fence if it is the last non-blank line.
    let trimmed = rest.trim_end();
    let last_start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    if trimmed
        .get(last_start..)
        .is_some_and(|l| l.trim().starts_with(fence))
    {
        body_end = body_start + last_start;
    }
    CodeBlock {
        language: first_word(first.trim_start_matches(fence)),
        content: block.content.slice(body_start..body_end),
        start: block.content.page_offset(0),
    }
}
