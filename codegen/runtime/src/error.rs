//! The error type shared by request building, response parsing and the client.

use std::fmt;

use http::StatusCode;

/// Everything that can go wrong while building a request or reading its response.
///
/// The variants keep enough context (status, service error code, a bounded
/// excerpt of an unexpected body) to diagnose a failure from its `Display`
/// alone, and never include a bearer token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with its JSON error body (boxed: it is large, and
    /// `Result`s carrying this error should stay small).
    #[error(transparent)]
    Service(Box<ServiceError>),

    /// The response was neither the expected success nor a service error body.
    #[error(
        "unexpected response: HTTP {status}, content type {}: {excerpt}",
        content_type.as_deref().unwrap_or("(none)")
    )]
    UnexpectedResponse {
        /// Status the service answered with.
        status: StatusCode,
        /// The `Content-Type` header, when present and readable.
        content_type: Option<String>,
        /// The start of the body (at most about 1 KiB), for diagnosis.
        excerpt: String,
    },

    /// The expected success status arrived but its body could not be read as the expected type.
    #[error("response body (HTTP {status}) is not the expected JSON: {source}; body: {excerpt}")]
    InvalidBody {
        /// Status the service answered with.
        status: StatusCode,
        /// Why the body did not parse.
        source: serde_json::Error,
        /// The start of the body (at most about 1 KiB), for diagnosis.
        excerpt: String,
    },

    /// [`ServiceRoot::new`](crate::ServiceRoot::new) was given something that is not a usable base URL.
    #[error("invalid service root {url:?}: {reason}")]
    InvalidServiceRoot {
        /// The rejected text.
        url: String,
        /// Why it was rejected.
        reason: String,
    },

    /// A request could not be built: its body did not serialize, its URI is invalid,
    /// or a next link is not a URL of the service.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// Why the request could not be built.
        reason: String,
    },

    /// The client was configured with values it cannot use.
    #[cfg(feature = "client")]
    #[error("invalid client configuration: {reason}")]
    InvalidConfiguration {
        /// What is wrong with the configuration.
        reason: String,
    },

    /// The token provider could not supply a token.
    #[cfg(feature = "client")]
    #[error("could not obtain an access token: {0}")]
    Authentication(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// The request did not complete within the configured timeout.
    #[cfg(feature = "client")]
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),

    /// The connection failed or broke (DNS, TCP, TLS, HTTP framing).
    #[cfg(feature = "client")]
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
}

impl Error {
    /// The HTTP status of the response this error came from, if it came from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Service(error) => Some(error.status),
            Self::UnexpectedResponse { status, .. } | Self::InvalidBody { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The service's error body, when the service sent one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(error) => Some(error.as_ref()),
            _ => None,
        }
    }
}

/// The service's own account of a failed request (Microsoft Graph's `{"error": {...}}` body).
///
/// `request_id`, `client_request_id` and `date` are what support needs to find the
/// request in the service's logs; they come from the body's `innerError`, or from
/// the response headers of the same names when the body lacks them.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Machine-readable error code, e.g. `Request_ResourceNotFound`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The service's id for the request.
    pub request_id: Option<String>,
    /// The id the client sent in `client-request-id`, echoed back.
    pub client_request_id: Option<String>,
    /// When the service handled the request, as the service wrote it.
    pub date: Option<String>,
    /// The whole `innerError` object, for fields not modelled here.
    pub inner_error: Option<serde_json::Value>,
    /// The `details` array, when present.
    pub details: Vec<serde_json::Value>,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}: {}: {}", self.status, self.code, self.message)?;
        let ids = [("request-id", &self.request_id), ("date", &self.date)];
        let mut present = ids
            .iter()
            .filter_map(|(name, value)| value.as_deref().map(|value| (name, value)));
        if let Some((name, value)) = present.next() {
            write!(f, " ({name}: {value}")?;
            for (name, value) in present {
                write!(f, ", {name}: {value}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}
