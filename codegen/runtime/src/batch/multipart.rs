//! The `multipart/mixed` batch format of OData 4.0: one `application/http` part per
//! request, a nested `multipart/mixed` change set per atomicity group.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use http::header::CONTENT_LENGTH;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};

use super::{Answer, SubRequest, Unit};
use crate::Error;

const CRLF: &str = "\r\n";

/// Writes `requests` as a multipart batch body; returns its `Content-Type` (with
/// the boundary) and the body.
pub(super) fn write(requests: &[SubRequest]) -> Result<(HeaderValue, Vec<u8>), Error> {
    let boundary = boundary("batch", requests);
    let mut body = Vec::new();
    let mut at = 0;
    while let Some(request) = requests.get(at) {
        push_line(&mut body, &format!("--{boundary}"));
        match request.group {
            None => {
                write_request(&mut body, request)?;
                at += 1;
            }
            Some(group) => {
                let members: Vec<&SubRequest> = requests
                    .iter()
                    .skip(at)
                    .take_while(|r| r.group == Some(group))
                    .collect();
                at += members.len();
                let changeset = boundary_of("changeset", &members);
                push_line(
                    &mut body,
                    &format!("Content-Type: multipart/mixed; boundary={changeset}"),
                );
                push_line(&mut body, "");
                for member in members {
                    push_line(&mut body, &format!("--{changeset}"));
                    write_request(&mut body, member)?;
                }
                push_line(&mut body, &format!("--{changeset}--"));
            }
        }
    }
    push_line(&mut body, &format!("--{boundary}--"));
    let content_type = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}"))
        .map_err(|e| Error::InvalidRequest {
            reason: format!("invalid batch content type: {e}"),
        })?;
    Ok((content_type, body))
}

/// One `application/http` part, ending with the line break that precedes the next
/// delimiter.
fn write_request(out: &mut Vec<u8>, request: &SubRequest) -> Result<(), Error> {
    push_line(out, "Content-Type: application/http");
    push_line(out, "Content-Transfer-Encoding: binary");
    push_line(out, &format!("Content-ID: {}", request.id + 1));
    push_line(out, "");
    push_line(out, &format!("{} {} HTTP/1.1", request.method, request.url));
    for (name, value) in &request.headers {
        let value = value.to_str().map_err(|_| Error::InvalidRequest {
            reason: format!(
                "request {}: the {name} header is not text, which a batch part cannot carry",
                request.id + 1
            ),
        })?;
        push_line(out, &format!("{name}: {value}"));
    }
    if !request.body.is_empty() {
        push_line(out, &format!("Content-Length: {}", request.body.len()));
    }
    push_line(out, "");
    out.extend_from_slice(&request.body);
    out.extend_from_slice(CRLF.as_bytes());
    Ok(())
}

fn push_line(out: &mut Vec<u8>, line: &str) {
    out.extend_from_slice(line.as_bytes());
    out.extend_from_slice(CRLF.as_bytes());
}

fn boundary(prefix: &str, requests: &[SubRequest]) -> String {
    boundary_of(prefix, &requests.iter().collect::<Vec<_>>())
}

/// A random boundary that occurs in none of the bodies (RFC 2046 requires it).
fn boundary_of(prefix: &str, requests: &[&SubRequest]) -> String {
    let mut boundary = prefix.to_owned();
    loop {
        boundary.push_str(&format!("_{:016x}", RandomState::new().hash_one(0_u8)));
        let needle = boundary.as_bytes();
        if !requests
            .iter()
            .any(|r| r.body.windows(needle.len()).any(|w| w == needle))
        {
            return boundary;
        }
    }
}

/// Reads a multipart batch response: the answers to the requests of `units`, the
/// parts in the order of the requests, the responses within a change set matched
/// by `Content-ID` (or else by position). A change set answered by one response
/// (it failed as a whole) gives that response to each of its requests.
pub(super) fn read(
    content_type: &str,
    body: &[u8],
    units: &[Unit],
) -> Result<HashMap<usize, Answer>, String> {
    let boundary = boundary_parameter(content_type)
        .ok_or_else(|| format!("the batch content type {content_type:?} has no boundary"))?;
    let mut answers = HashMap::new();
    for (unit, part) in units.iter().zip(parts(body, &boundary)?) {
        let (headers, content) = head(part);
        let members = match unit {
            Unit::Single(index) => std::slice::from_ref(index),
            Unit::Group(_, members) => members.as_slice(),
        };
        let part_type = header(&headers, "content-type").unwrap_or_default();
        if let Some(inner) = boundary_parameter(part_type).filter(|_| is_multipart(part_type)) {
            read_changeset(content, &inner, members, &mut answers)?;
        } else {
            let answer = response(content);
            for &index in members {
                answers.insert(index, answer.clone());
            }
        }
    }
    Ok(answers)
}

fn read_changeset(
    body: &[u8],
    boundary: &str,
    members: &[usize],
    answers: &mut HashMap<usize, Answer>,
) -> Result<(), String> {
    let mut unmatched: Vec<usize> = members.to_vec();
    for part in parts(body, boundary)? {
        let (headers, content) = head(part);
        let answer = response(content);
        // Content-ID goes on the part; some services put it on the inner response.
        let content_id = header(&headers, "content-id")
            .map(str::to_owned)
            .or_else(|| {
                answer
                    .as_ref()
                    .ok()
                    .and_then(|r| r.headers().get("content-id"))
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            });
        let by_id = content_id
            .and_then(|id| id.trim().parse::<usize>().ok())
            .and_then(|id| id.checked_sub(1))
            .filter(|index| unmatched.contains(index));
        let index = match by_id {
            Some(index) => Some(index),
            None if unmatched.is_empty() => None,
            None => Some(unmatched.remove(0)),
        };
        if let Some(index) = index {
            unmatched.retain(|&i| i != index);
            answers.insert(index, answer);
        }
    }
    Ok(())
}

/// Whether a content type is `multipart/mixed`.
fn is_multipart(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("multipart/mixed"))
}

/// The `boundary` parameter of a content type, unquoted.
fn boundary_parameter(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        (!value.is_empty()).then(|| value.to_owned())
    })
}

/// The body parts between `--boundary` delimiter lines (RFC 2046), with lines
/// ending in CRLF or LF; the line break before a delimiter belongs to it. A body
/// that ends without the closing delimiter keeps its last part.
fn parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, String> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    // The start of the current part, once the first delimiter has been seen.
    let mut open: Option<usize> = None;
    let mut line_start = 0;
    while line_start <= body.len() {
        let rest = body.get(line_start..).unwrap_or_default();
        let line_len = rest.iter().position(|&b| b == b'\n');
        let next = line_len.map_or(body.len() + 1, |len| line_start + len + 1);
        if let Some(after) = rest.strip_prefix(delimiter) {
            let after = after
                .get(..line_len.map_or(after.len(), |len| len.saturating_sub(delimiter.len())));
            let after = after.unwrap_or_default();
            let closing = after.starts_with(b"--");
            // Transport padding (spaces) may follow a delimiter.
            if closing || after.iter().all(u8::is_ascii_whitespace) {
                if let Some(start) = open {
                    parts.push(part_before(body, start, line_start));
                }
                if closing {
                    return Ok(parts);
                }
                open = Some(next.min(body.len()));
            }
        }
        line_start = next;
    }
    match open {
        Some(start) => {
            parts.push(body.get(start..).unwrap_or_default());
            Ok(parts)
        }
        None => Err(format!(
            "the multipart body has no delimiter for the boundary {boundary:?}"
        )),
    }
}

/// `body[start..delimiter]` without the line break that precedes the delimiter.
fn part_before(body: &[u8], start: usize, delimiter: usize) -> &[u8] {
    let mut end = delimiter;
    if end > start && body.get(end - 1) == Some(&b'\n') {
        end -= 1;
        if end > start && body.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
    }
    body.get(start..end).unwrap_or_default()
}

/// Splits a message into its header lines (unfolded, names in lower case) and its body.
fn head(message: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut at = 0;
    while at < message.len() {
        let rest = message.get(at..).unwrap_or_default();
        let len = rest.iter().position(|&b| b == b'\n');
        let line = rest.get(..len.unwrap_or(rest.len())).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        at = len.map_or(message.len(), |len| at + len + 1);
        if line.is_empty() {
            return (headers, message.get(at..).unwrap_or_default());
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with([' ', '\t']) {
            // A folded line continues the previous header.
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        } else {
            // A start line (`HTTP/1.1 200 OK`) is kept under an empty name.
            headers.push((String::new(), line.trim().to_owned()));
        }
    }
    (headers, &[])
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, value)| value.as_str())
}

/// Reads an `application/http` part: `HTTP/1.1 <status> <reason>`, headers, body.
fn response(message: &[u8]) -> Answer {
    // Blank lines before the status line are tolerated.
    let start = message
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(message.len());
    let (lines, body) = head(message.get(start..).unwrap_or_default());
    let mut lines = lines.into_iter();
    let status_line = match lines.next() {
        Some((name, line)) if name.is_empty() => line,
        _ => return Err("a batch part has no HTTP status line".to_owned()),
    };
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok())
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| format!("a batch part's status line {status_line:?} has no HTTP status"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in lines {
        // A line that is no valid HTTP header cannot matter to reading the body.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    let length = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    // Content-Length, when it fits, cuts padding some services add after the body.
    let body = match length {
        Some(length) => body.get(..length).unwrap_or(body),
        None => body,
    };
    let mut response = http::Response::new(body.to_vec());
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}
