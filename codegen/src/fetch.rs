//! `--metadata URL`: the metadata document fetched from a live service. The command line
//! only; `build.rs` reads files, so a build never depends on the network.
//!
//! A fetch is bounded: a timeout for the whole exchange, at most five redirects, and a size
//! limit checked against `Content-Length` before the body is read and again while it is.
//! Header values may name environment variables, so a token stays out of the shell's
//! history and the process list.

use std::io::Read;
use std::time::Duration;

use crate::read::MAX_METADATA_BYTES;
use crate::{Diagnostic, Input};

/// Redirects followed before a fetch fails.
const MAX_REDIRECTS: usize = 5;

/// A `--header 'Name: value'` with `$NAME` and `${NAME}` in the value taken from the
/// environment (`$$` is a `$`).
fn parse_header(header: &str) -> Result<(String, String), String> {
    let (name, value) = header
        .split_once(':')
        .ok_or_else(|| format!("`--header {header}` is not `Name: value`"))?;
    let name = name.trim();
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(format!("`{name}` is not an HTTP header name"));
    }
    let value = expand_environment(value.trim())
        .map_err(|variable| format!("`--header {name}` names `${variable}`, which is not set"))?;
    if value.bytes().any(|b| b.is_ascii_control() && b != b'\t') {
        return Err(format!(
            "the value of `--header {name}` holds a control character"
        ));
    }
    Ok((name.to_owned(), value))
}

/// `value` with each `$NAME` or `${NAME}` replaced by the variable's value; the name of
/// the first variable that is not set as the error.
fn expand_environment(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.push('$');
            rest = after;
            continue;
        }
        let (name, after) = match rest.strip_prefix('{') {
            Some(braced) => match braced.split_once('}') {
                Some((name, after)) => (name, after),
                None => (braced, ""),
            },
            None => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        if name.is_empty() {
            out.push('$');
            continue;
        }
        out.push_str(&std::env::var(name).map_err(|_| name.to_owned())?);
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// The URL as diagnostics and the generated header show it: without a user name or
/// password.
fn shown(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Fetches the metadata document at `url`, sending `headers` (`Name: value`), within
/// `timeout`. The input is named by the URL, so diagnostics point into it.
pub fn fetch_metadata(
    url: &str,
    headers: &[String],
    timeout: Duration,
) -> Result<Input, Diagnostic> {
    let fail = |message: String| Diagnostic::error("fetch", None, message);
    let parsed =
        reqwest::Url::parse(url).map_err(|e| fail(format!("`{url}` is not a URL: {e}")))?;
    let name = shown(&parsed);
    let mut request = reqwest::header::HeaderMap::new();
    // XML first, as most services serve it; a service that has only CSDL JSON answers
    // with that, which reads as well.
    request.insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static("application/xml, application/json;q=0.9"),
    );
    for header in headers {
        let (key, value) = parse_header(header).map_err(fail)?;
        let key = reqwest::header::HeaderName::try_from(key.as_str())
            .map_err(|e| fail(format!("`{key}` is not an HTTP header name: {e}")))?;
        let mut value = reqwest::header::HeaderValue::try_from(value)
            .map_err(|e| fail(format!("the value of `--header {key}` is not one: {e}")))?;
        value.set_sensitive(true);
        request.append(key, value);
    }
    // Fails only when a provider is already installed, which is then used.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder()
        .user_agent(concat!("odata-codegen/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::limited(MAX_REDIRECTS))
        .build()
        .map_err(|e| fail(format!("cannot fetch `{name}`: {e}")))?;
    let cannot = |e: reqwest::Error| {
        let why = if e.is_timeout() {
            format!(
                "no answer within {} s (--fetch-timeout)",
                timeout.as_secs_f64()
            )
        } else if e.is_redirect() {
            format!("more than {MAX_REDIRECTS} redirects")
        } else {
            error_chain(&e)
        };
        fail(format!("cannot fetch `{name}`: {why}"))
    };
    let response = client
        .get(parsed.clone())
        .headers(request)
        .send()
        .map_err(cannot)?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!(
            "cannot fetch `{name}`: the service answered {status}"
        )));
    }
    let too_large = || {
        fail(format!(
            "`{name}` is larger than {} MiB, the limit for metadata; it was not read",
            MAX_METADATA_BYTES >> 20
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_METADATA_BYTES)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    response
        .take(MAX_METADATA_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(format!("cannot fetch `{name}`: {e}")))?;
    if bytes.len() as u64 > MAX_METADATA_BYTES {
        return Err(too_large());
    }
    Ok(Input::new(name, bytes))
}

/// An error with its causes, as one line: reqwest's own message names only the step.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_take_values_from_the_environment() {
        // SAFETY: no other test reads or writes this variable.
        unsafe { std::env::set_var("ODATA_CODEGEN_FETCH_TEST_TOKEN", "s3cr3t") };
        assert_eq!(
            parse_header("Authorization: Bearer ${ODATA_CODEGEN_FETCH_TEST_TOKEN}").unwrap(),
            ("Authorization".to_owned(), "Bearer s3cr3t".to_owned())
        );
        assert_eq!(
            parse_header("X-Key:$ODATA_CODEGEN_FETCH_TEST_TOKEN/$$1")
                .unwrap()
                .1,
            "s3cr3t/$1"
        );
        assert_eq!(parse_header("X-Price: 5 $").unwrap().1, "5 $");
        let unset = parse_header("X: $ODATA_CODEGEN_FETCH_TEST_UNSET").unwrap_err();
        assert!(
            unset.contains("`$ODATA_CODEGEN_FETCH_TEST_UNSET`, which is not set"),
            "{unset}"
        );
        for bad in ["no colon", ": empty name", "a b: c", "X: a\u{7}b"] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_shown_without_credentials() {
        let url = reqwest::Url::parse("https://user:pw@host/svc/$metadata?x=1").unwrap();
        assert_eq!(shown(&url), "https://host/svc/$metadata?x=1");
    }
}
