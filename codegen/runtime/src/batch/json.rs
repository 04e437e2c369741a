//! The OData 4.01 JSON batch format: `{"requests": [...]}` and `{"responses": [...]}`.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use base64::engine::general_purpose::{
    STANDARD_PAD_INDIFFERENT, URL_SAFE, URL_SAFE_PAD_INDIFFERENT,
};
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{Answer, SubRequest, is_json};
use crate::Error;

#[derive(Serialize)]
struct Requests<'a> {
    requests: Vec<Request<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    id: String,
    method: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<&'a str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Body<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    atomicity_group: Option<String>,
}

/// A request body as OData 4.01 JSON batch carries it.
#[derive(Serialize)]
#[serde(untagged)]
enum Body<'a> {
    /// A JSON body, inline and exactly as serialized (numbers keep every digit).
    Json(&'a RawValue),
    /// A text body, as a JSON string.
    Text(&'a str),
    /// Any other body, as a base64url string.
    Binary(String),
}

/// Writes `requests` as a JSON batch body.
pub(super) fn write(requests: &[SubRequest]) -> Result<Vec<u8>, Error> {
    let mut wire = Vec::with_capacity(requests.len());
    for request in requests {
        let mut headers: BTreeMap<&str, String> = BTreeMap::new();
        for (name, value) in &request.headers {
            let value = value.to_str().map_err(|_| Error::InvalidRequest {
                reason: format!(
                    "request {}: the {name} header is not text, which JSON batch cannot carry",
                    request.id + 1
                ),
            })?;
            headers
                .entry(name.as_str())
                .and_modify(|joined| {
                    joined.push_str(", ");
                    joined.push_str(value);
                })
                .or_insert_with(|| value.to_owned());
        }
        let body = if request.body.is_empty() {
            None
        } else {
            Some(body(request)?)
        };
        wire.push(Request {
            id: (request.id + 1).to_string(),
            method: request.method.as_str(),
            url: &request.url,
            headers,
            body,
            depends_on: request
                .depends_on
                .iter()
                .map(|index| (index + 1).to_string())
                .collect(),
            atomicity_group: request.group.map(|group| format!("g{}", group + 1)),
        });
    }
    serde_json::to_vec(&Requests { requests: wire }).map_err(|e| Error::InvalidRequest {
        reason: format!("the batch request could not be serialized: {e}"),
    })
}

/// The body of `request` by its content type: JSON inline, text as a string,
/// anything else base64url-encoded.
fn body(request: &SubRequest) -> Result<Body<'_>, Error> {
    let media_type = media_type(&request.headers);
    if is_json(&media_type) {
        let text = std::str::from_utf8(&request.body).ok();
        return text
            .and_then(|text| serde_json::from_str::<&RawValue>(text).ok())
            .map(Body::Json)
            .ok_or_else(|| Error::InvalidRequest {
                reason: format!(
                    "request {}: the body is declared JSON but is not",
                    request.id + 1
                ),
            });
    }
    if media_type.starts_with("text/") {
        if let Ok(text) = std::str::from_utf8(&request.body) {
            return Ok(Body::Text(text));
        }
    }
    Ok(Body::Binary(URL_SAFE.encode(&request.body)))
}

/// The media type of `headers`' `Content-Type` in lower case, without parameters;
/// empty when there is none.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[derive(Deserialize)]
struct Responses<'a> {
    #[serde(borrow)]
    responses: Vec<Response<'a>>,
}

#[derive(Deserialize)]
struct Response<'a> {
    id: serde_json::Value,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, serde_json::Value>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

/// Reads a JSON batch response body: the answers to `members`, matched by id
/// whatever their order.
pub(super) fn read(body: &[u8], members: &[usize]) -> Result<HashMap<usize, Answer>, String> {
    let Responses { responses } = serde_json::from_slice(body)
        .map_err(|e| format!("the batch response is not a JSON batch response: {e}"))?;
    let mut answers = HashMap::new();
    for response in responses {
        let id = match &response.id {
            serde_json::Value::String(id) => id.clone(),
            other => other.to_string(),
        };
        let Some(index) = id
            .parse::<usize>()
            .ok()
            .and_then(|id| id.checked_sub(1))
            .filter(|index| members.contains(index))
        else {
            // Not a request of this batch: nothing to give it to.
            continue;
        };
        let answer = if answers.contains_key(&index) {
            Err("the batch response answers it twice".to_owned())
        } else {
            to_http(response)
        };
        answers.insert(index, answer);
    }
    Ok(answers)
}

/// One response of a JSON batch as an HTTP response.
fn to_http(response: Response<'_>) -> Answer {
    let status = StatusCode::from_u16(response.status)
        .map_err(|_| format!("the status {} is not an HTTP status", response.status))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &response.headers {
        let text = match value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        // A header that is no valid HTTP header cannot matter to reading the body.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&text),
        ) {
            headers.append(name, value);
        }
    }
    let body = match response.body {
        None => Vec::new(),
        Some(raw) => body_bytes(raw, &media_type(&headers))?,
    };
    let mut http = http::Response::new(body);
    *http.status_mut() = status;
    *http.headers_mut() = headers;
    Ok(http)
}

/// The bytes of a response body: JSON as written, a string of a textual (or
/// undeclared) type as its text, a string of another type base64-decoded.
fn body_bytes(raw: &RawValue, media_type: &str) -> Result<Vec<u8>, String> {
    let text = raw.get();
    if text == "null" {
        return Ok(Vec::new());
    }
    if !text.starts_with('"') || is_json(media_type) {
        return Ok(text.as_bytes().to_vec());
    }
    let string: String =
        serde_json::from_str(text).map_err(|e| format!("the body string is not JSON: {e}"))?;
    if media_type.is_empty() || media_type.starts_with("text/") {
        return Ok(string.into_bytes());
    }
    // OData writes base64url; Graph writes standard base64: accept either.
    URL_SAFE_PAD_INDIFFERENT
        .decode(&string)
        .or_else(|_| STANDARD_PAD_INDIFFERENT.decode(&string))
        .map_err(|e| format!("the {media_type} body is not base64: {e}"))
}
