//! Splitting a written URL: its service root (`https://host/version`, `~/`), its path
//! and the path's segments, each with its byte offset in the text.

/// A path segment with its byte offset in the written text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Segment<'t> {
    pub(super) text: &'t str,
    pub(super) offset: usize,
    /// The `/a/b` of `:/a/b:` drive-style addressing.
    pub(super) item_path: bool,
}

/// Splits a written request target into its service root (for absolute URLs) and the
/// path, and says where the path starts in `written`. The query and fragment are cut
/// off. Relative forms (`/a`, `a`, `~/a`) have no service root; a version segment
/// written on a relative path (`/beta/me`) is skipped.
pub fn split_url(written: &str) -> (Option<String>, &str, usize) {
    let lead = written.len() - written.trim_start().len();
    let text = written.trim();
    let (root, mut path, mut offset) = match absolute_root(text) {
        Some(root_len) => (
            Some(text[..root_len].trim_end_matches('/').to_owned()),
            &text[root_len..],
            lead + root_len,
        ),
        None => (None, text, lead),
    };
    if root.is_none() {
        if let Some(rest) = path.strip_prefix("~/") {
            path = rest;
            offset += 2;
        }
        let trimmed = path.trim_start_matches('/');
        let (first, _) = trimmed.split_once('/').unwrap_or((trimmed, ""));
        if is_version(first) && trimmed.len() > first.len() {
            offset += path.len() - trimmed.len() + first.len();
            path = &trimmed[first.len()..];
        }
    }
    let end = scan(path).query_start.unwrap_or(path.len());
    (root, &path[..end], offset)
}

/// The service root of a written target, if it is an absolute URL.
pub fn service_root_of(written: &str) -> Option<String> {
    split_url(written).0
}

/// The byte length of `scheme://host/version/` (or `scheme://host/` when no version
/// follows), if `text` is an absolute URL.
pub(super) fn absolute_root(text: &str) -> Option<usize> {
    let scheme = ["https://", "http://"].into_iter().find(|s| {
        text.get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    })?;
    let rest = &text[scheme.len()..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let after_host = &rest[host_end..];
    let mut len = scheme.len() + host_end;
    if let Some(path) = after_host.strip_prefix('/') {
        len += 1;
        let first_end = path.find(['/', '?', '#']).unwrap_or(path.len());
        if is_version(&path[..first_end]) {
            len += first_end;
            if path[first_end..].starts_with('/') {
                len += 1;
            }
        }
    }
    Some(len)
}

/// `beta`, `v1.0`, `{version}`: the service version segment of a Graph URL.
pub(super) fn is_version(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase();
    s == "beta"
        || s == "{version}"
        || s.strip_prefix('v').is_some_and(|v| {
            v.starts_with(|c: char| c.is_ascii_digit())
                && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
}

/// What a quote-, brace- and parenthesis-aware scan of a path finds.
pub(super) struct Scan {
    /// Where the query or fragment starts.
    pub(super) query_start: Option<usize>,
    /// Whitespace outside braces, quotes and parentheses.
    pub(super) blank: Option<usize>,
}

pub(super) fn scan(path: &str) -> Scan {
    let mut depth = 0usize;
    let mut quoted = false;
    let mut blank = None;
    for (i, c) in path.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            _ if quoted => {}
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            '?' | '#' if depth == 0 => {
                return Scan {
                    query_start: Some(i),
                    blank,
                };
            }
            c if c.is_whitespace() && depth == 0 && blank.is_none() => blank = Some(i),
            _ => {}
        }
    }
    Scan {
        query_start: None,
        blank,
    }
}

/// Splits a path at `/` outside braces, quotes and parentheses; `:/a/b:` (a colon
/// followed by `/`) becomes one item-path segment.
pub(super) fn split_segments(path: &str, base: usize) -> Vec<Segment<'_>> {
    let bytes = path.as_bytes();
    let mut segments = Vec::new();
    let mut push = |start: usize, end: usize, item_path: bool| {
        let text = &path[start..end];
        let text = if item_path {
            text
        } else {
            text.trim_end_matches(':')
        };
        if !text.is_empty() {
            segments.push(Segment {
                text,
                offset: base + start,
                item_path,
            });
        }
    };
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'\'' => quoted = !quoted,
            _ if quoted => {}
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => depth = depth.saturating_sub(1),
            b'/' if depth == 0 => {
                push(start, i, false);
                start = i + 1;
            }
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b'/') => {
                push(start, i, false);
                // The item path runs to a colon that ends it (followed by `/` or the end).
                let from = i + 1;
                let mut end = bytes.len();
                let mut j = from;
                let mut inner_depth = 0usize;
                while j < bytes.len() {
                    match bytes[j] {
                        b'{' => inner_depth += 1,
                        b'}' => inner_depth = inner_depth.saturating_sub(1),
                        b':' if inner_depth == 0
                            && matches!(bytes.get(j + 1), None | Some(b'/')) =>
                        {
                            end = j;
                            break;
                        }
                        _ => {}
                    }
                    j += 1;
                }
                push(from, end, true);
                i = end + 1;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        push(start, bytes.len(), false);
    }
    segments
}

pub(super) fn is_placeholder(text: &str) -> bool {
    (text.starts_with('{') && text.ends_with('}')) || (text.starts_with('<') && text.ends_with('>'))
}

/// `things('a')`, `f(x=1)` or `f()` -> (`things`, Some(`'a'`)), (`f`, Some(`x=1`)),
/// (`f`, Some(``)).
pub(super) fn split_call(text: &str) -> (&str, Option<&str>) {
    match text.find('(') {
        Some(open) if text.ends_with(')') && open > 0 => {
            (&text[..open], Some(&text[open + 1..text.len() - 1]))
        }
        _ => (text, None),
    }
}

/// The argument names of `a=1,b='x,y'`, split at top-level commas.
pub(super) fn argument_names(args: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in args
        .char_indices()
        .chain(std::iter::once((args.len(), ',')))
    {
        match c {
            '\'' => quoted = !quoted,
            _ if quoted => {}
            '{' | '(' | '[' => depth += 1,
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                if let Some((name, _)) = args.get(start..i).and_then(|a| a.split_once('=')) {
                    let name = name.trim();
                    if !name.is_empty() && !name.contains(['\'', '{']) {
                        names.push(name);
                    }
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    names
}
