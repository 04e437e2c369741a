//! Claims challenges of continuous access evaluation: a `401` whose
//! `WWW-Authenticate` asks for a token carrying more claims.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use http::header::WWW_AUTHENTICATE;
use http::{HeaderMap, StatusCode};

/// The decoded claims (JSON text) a `401` asks for, when it is a claims challenge:
/// a `Bearer` challenge with `error="insufficient_claims"` and a base64 `claims`
/// parameter, as Microsoft Entra's continuous access evaluation sends them.
pub(crate) fn requested_claims(status: StatusCode, headers: &HeaderMap) -> Option<String> {
    if status != StatusCode::UNAUTHORIZED {
        return None;
    }
    headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(challenges)
        .filter(|challenge| challenge.scheme.eq_ignore_ascii_case("bearer"))
        .filter(|challenge| challenge.param("error") == Some("insufficient_claims"))
        .find_map(|challenge| decode_claims(challenge.param("claims")?))
}

/// Services write the claims padded or not, in either base64 alphabet.
fn decode_claims(encoded: &str) -> Option<String> {
    let bytes = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(encoded).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    // Claims are a JSON object; anything else is not a request a token can meet.
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text).ok()?;
    Some(text)
}

/// One challenge of a `WWW-Authenticate` value (RFC 9110 §11.6.1).
#[derive(Debug, PartialEq)]
struct Challenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl Challenge {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The challenges of one header value: `scheme param=value, param="quoted", …`,
/// more than one challenge separated by commas too. A token68 or a malformed
/// part is skipped rather than trusted.
fn challenges(value: &str) -> Vec<Challenge> {
    let mut found: Vec<Challenge> = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_ascii_whitespace());
        if rest.is_empty() {
            return found;
        }
        let (word, after) = split_token(rest);
        if word.is_empty() {
            // Not a token: skip to the next comma outside quotes.
            rest = skip_item(rest);
            continue;
        }
        let after_spaces = after.trim_start();
        if let Some(after_equals) = after_spaces.strip_prefix('=') {
            // `name=value`: a parameter of the current challenge.
            let (value, next) = read_value(after_equals.trim_start());
            if let (Some(value), Some(challenge)) = (value, found.last_mut()) {
                challenge.params.push((word.to_ascii_lowercase(), value));
            }
            rest = next;
        } else {
            found.push(Challenge {
                scheme: word.to_owned(),
                params: Vec::new(),
            });
            rest = after_spaces;
        }
    }
}

/// Splits a leading RFC 9110 token off `text`.
fn split_token(text: &str) -> (&str, &str) {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)))
        .unwrap_or(text.len());
    text.split_at(end)
}

/// Reads a parameter value (a token or a quoted string) and what follows it.
fn read_value(text: &str) -> (Option<String>, &str) {
    let Some(quoted) = text.strip_prefix('"') else {
        let (token, rest) = split_token(text);
        return (Some(token.to_owned()), rest);
    };
    let mut value = String::new();
    let mut chars = quoted.char_indices();
    while let Some((index, c)) = chars.next() {
        match c {
            '"' => return (Some(value), quoted.get(index + 1..).unwrap_or_default()),
            '\\' => match chars.next() {
                Some((_, escaped)) => value.push(escaped),
                None => break,
            },
            other => value.push(other),
        }
    }
    // An unterminated quoted string: nothing after it can be read.
    (None, "")
}

/// Skips to just after the next comma that is not inside a quoted string.
fn skip_item(text: &str) -> &str {
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => return text.get(index + 1..).unwrap_or_default(),
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims in Microsoft's continuous access evaluation example, encoded.
    const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(WWW_AUTHENTICATE, value.parse().unwrap());
        }
        headers
    }

    fn challenge(claims: &str) -> String {
        format!(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{claims}""#
        )
    }

    #[test]
    fn reads_the_claims_of_an_insufficient_claims_challenge() {
        let encoded = STANDARD.encode(CLAIMS);
        let found = requested_claims(StatusCode::UNAUTHORIZED, &headers(&[&challenge(&encoded)]));
        assert_eq!(found.as_deref(), Some(CLAIMS));
        let unpadded = URL_SAFE_NO_PAD.encode(CLAIMS);
        let found = requested_claims(StatusCode::UNAUTHORIZED, &headers(&[&challenge(&unpadded)]));
        assert_eq!(found.as_deref(), Some(CLAIMS));
        // After another scheme's challenge, in the same value or another.
        let both = format!("PoP nonce=\"a,b\", {}", challenge(&encoded));
        for values in [
            vec![both.as_str()],
            vec!["Basic realm=\"x\"", &challenge(&encoded)],
        ] {
            let found = requested_claims(StatusCode::UNAUTHORIZED, &headers(&values));
            assert_eq!(found.as_deref(), Some(CLAIMS), "{values:?}");
        }
    }

    #[test]
    fn anything_else_is_no_claims_challenge() {
        let encoded = STANDARD.encode(CLAIMS);
        let cases = [
            r#"Bearer realm="", error="invalid_token""#.to_owned(),
            format!(r#"Bearer error="invalid_token", claims="{encoded}""#),
            format!(r#"Basic error="insufficient_claims", claims="{encoded}""#),
            r#"Bearer error="insufficient_claims", claims="not base64!""#.to_owned(),
            format!(
                r#"Bearer error="insufficient_claims", claims="{}""#,
                STANDARD.encode("[1]")
            ),
            format!(r#"Bearer error="insufficient_claims", claims="{encoded}"#),
            r#"Bearer error="insufficient_claims""#.to_owned(),
            "abc==, \"\", =, ,,".to_owned(),
            String::new(),
        ];
        for value in &cases {
            assert_eq!(
                requested_claims(StatusCode::UNAUTHORIZED, &headers(&[value])),
                None,
                "{value}"
            );
        }
        let real = challenge(&encoded);
        assert_eq!(
            requested_claims(StatusCode::FORBIDDEN, &headers(&[&real])),
            None
        );
        assert_eq!(
            requested_claims(StatusCode::UNAUTHORIZED, &HeaderMap::new()),
            None
        );
    }

    #[test]
    fn quoted_strings_unescape() {
        assert_eq!(
            challenges(r#"Bearer realm="a\"b,c", error=x"#),
            [Challenge {
                scheme: "Bearer".into(),
                params: vec![
                    ("realm".into(), "a\"b,c".into()),
                    ("error".into(), "x".into())
                ],
            }]
        );
    }
}
