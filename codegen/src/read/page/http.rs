//! HTTP request lines and messages inside code blocks.

use super::sections::HttpMethod;

/// A `METHOD target` line; offsets are relative to the line.
pub(super) struct LineParts<'a> {
    pub method: HttpMethod,
    pub method_at: usize,
    pub target: &'a str,
    pub target_at: usize,
}

/// What the first word of a line says.
pub(super) enum Line<'a> {
    Request(LineParts<'a>),
    /// An all-capitals word followed by a path or URL, but not a method this reader
    /// knows (`HEAD /me`, `OPTIONS /me`).
    UnknownMethod {
        word: &'a str,
        at: usize,
    },
    Other,
}

/// Reads a request line. The method may be in any case and may be glued to a path
/// (`DELETE/me`); the target is the rest of the line, trailing blanks removed.
pub(super) fn request_line(line: &str) -> Line<'_> {
    let method_at = line.len() - line.trim_start().len();
    let rest = line.get(method_at..).unwrap_or_default();
    let word_len = rest
        .find(|c: char| c.is_whitespace() || c == '/')
        .unwrap_or(rest.len());
    let (word, after) = rest.split_at(word_len);
    let target = after.trim();
    let target_at = method_at + word_len + (after.len() - after.trim_start().len());
    if target.is_empty() {
        return Line::Other;
    }
    match HttpMethod::parse(word) {
        Some(method) => Line::Request(LineParts {
            method,
            method_at,
            target,
            target_at,
        }),
        // Only a blank separates an unknown word from its target: `HTTP/1.1` is no method.
        None if looks_like_method(word)
            && after.starts_with(char::is_whitespace)
            && looks_like_target(target) =>
        {
            Line::UnknownMethod {
                word,
                at: method_at,
            }
        }
        None => Line::Other,
    }
}

fn looks_like_method(word: &str) -> bool {
    word.len() >= 3 && word.bytes().all(|b| b.is_ascii_uppercase())
}

fn looks_like_target(target: &str) -> bool {
    target.starts_with('/') || target.starts_with("http://") || target.starts_with("https://")
}

/// `HTTP/1.1 201 Created`: the code and the reason, with offsets in the line.
pub(super) struct StatusParts<'a> {
    pub code: u16,
    pub code_at: usize,
    pub reason: Option<(&'a str, usize)>,
}

/// Reads a status line; the version may be left out (`HTTP 201 Created`).
pub(super) fn status_line(line: &str) -> Option<StatusParts<'_>> {
    let rest = line.trim_start();
    rest.get(..4).filter(|p| p.eq_ignore_ascii_case("HTTP"))?;
    let after = rest.get(4..)?;
    let after = match after.strip_prefix('/') {
        Some(version) => version.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.'),
        None => after,
    };
    if !after.starts_with(char::is_whitespace) {
        return None;
    }
    let code_text = after.trim_start();
    let code_at = line.len() - code_text.len();
    let digits = code_text
        .get(..3)
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    let reason_text = code_text.get(3..)?;
    if !(reason_text.is_empty() || reason_text.starts_with(char::is_whitespace)) {
        return None;
    }
    let reason = reason_text.trim();
    let reason_at = code_at + 3 + (reason_text.len() - reason_text.trim_start().len());
    Some(StatusParts {
        code: digits.parse().ok()?,
        code_at,
        reason: (!reason.is_empty()).then_some((reason, reason_at)),
    })
}

/// `Name: value`, with the value's offset in the line.
pub(super) fn header_line(line: &str) -> Option<(&str, &str, usize)> {
    let (name, value) = line.split_once(':')?;
    let is_token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !is_token {
        return None;
    }
    let value_at = name.len() + 1 + (value.len() - value.trim_start().len());
    Some((name, value.trim(), value_at))
}

/// The first success status (2xx) a sentence names, like "`201 Created`" or
/// "204 No Content" or "204, No Content": three digits on their own, followed by a
/// capitalised word.
pub(super) fn success_status(text: &str) -> Option<(u16, usize)> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let digits = bytes.get(i..i + 3)?;
        let standalone = i == 0 || bytes.get(i - 1).is_some_and(|b| !b.is_ascii_alphanumeric());
        let reason_at = i + if bytes.get(i + 3) == Some(&b',') {
            4
        } else {
            3
        };
        let followed = bytes.get(reason_at) == Some(&b' ')
            && bytes.get(reason_at + 1).is_some_and(u8::is_ascii_uppercase);
        if !(standalone && followed && digits.first() == Some(&b'2')) {
            return None;
        }
        let code: u16 = std::str::from_utf8(digits).ok()?.parse().ok()?;
        Some((code, i))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        let Line::Request(p) = request_line("  post  /me/x $ref  ") else {
            panic!("not a request");
        };
        assert_eq!(
            (p.method, p.method_at, p.target, p.target_at),
            (HttpMethod::Post, 2, "/me/x $ref", 8)
        );
        let Line::Request(p) = request_line("DELETE/me") else {
            panic!("not a request");
        };
        assert_eq!(
            (p.method, p.target, p.target_at),
            (HttpMethod::Delete, "/me", 6)
        );
        assert!(matches!(request_line("GET"), Line::Other));
        assert!(matches!(
            request_line("HEAD /me"),
            Line::UnknownMethod {
                word: "HEAD",
                at: 0
            }
        ));
        assert!(matches!(request_line("NOTE that"), Line::Other));
    }

    #[test]
    fn status_lines() {
        let s = status_line("HTTP/1.1 201 Created").expect("status");
        assert_eq!(
            (s.code, s.code_at, s.reason),
            (201, 9, Some(("Created", 13)))
        );
        let s = status_line("http/2 204").expect("status");
        assert_eq!((s.code, s.reason), (204, None));
        let s = status_line("HTTP 201 Created").expect("status");
        assert_eq!((s.code, s.code_at), (201, 5));
        assert!(status_line("HTTP/1.1 2015").is_none());
        assert!(status_line("HTTP/1.1200 OK").is_none());
        assert!(status_line("HTTPS/1.1 200 OK").is_none());
        assert!(status_line("HTT").is_none());
    }

    #[test]
    fn headers_and_statuses() {
        assert_eq!(
            header_line("Content-type:  application/json"),
            Some(("Content-type", "application/json", 15))
        );
        assert_eq!(header_line("not a header: x"), None);
        assert_eq!(
            success_status("returns a `201 Created` response"),
            Some((201, 11))
        );
        assert_eq!(success_status("returns 204 No Content."), Some((204, 8)));
        assert_eq!(success_status("returns 201, Created"), Some((201, 8)));
        assert_eq!(success_status("returns a 200-series code"), None);
        assert_eq!(success_status("up to 200 items, 4xx or 1200 OK"), None);
    }
}
