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

    /// A batch response could not be read, or did not answer this request of the
    /// batch (see [`Batch`](crate::Batch)).
    #[cfg(feature = "batch")]
    #[error("batch: {reason}")]
    Batch {
        /// What was wrong with the batch response, or why the request got no answer.
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

    /// The service no longer holds the sync state a delta link or token names (it
    /// expired, or the service reset it): [`ErrorKind::ResyncRequired`].
    ///
    /// Graph answers so with `410 Gone` and a `Location` header (drive items,
    /// messages), or with a 4xx whose code is `syncStateNotFound`,
    /// `resyncRequired` or another `syncState…`/`resync…` code (directory
    /// resources). The stored delta link is useless from now on: discard it, and
    /// start over with a full sync ([`Operation::restart`](crate::Operation::restart)),
    /// from [`location`](Error::resync_location) when the service gave one, else
    /// from the delta function itself; a full sync returns every entity again, so
    /// reconcile local state with it.
    #[cfg(feature = "delta")]
    #[error(
        "resync required (HTTP {status}): the delta link is no longer valid; start a full sync again{}{}",
        location.as_ref().map(|l| format!(" from {l}")).unwrap_or_default(),
        service.as_ref().map(|s| format!(" ({s})")).unwrap_or_default()
    )]
    ResyncRequired {
        /// Status the service answered with: `410 Gone` or a 4xx such as `400`.
        status: StatusCode,
        /// The `Location` header: where a fresh full sync starts, as the service
        /// wrote it ([`Operation::restart`](crate::Operation::restart) follows it).
        location: Option<String>,
        /// The service's error body, when it sent one.
        service: Option<Box<ServiceError>>,
    },

    /// The request did not complete within the configured timeout.
    #[cfg(feature = "client")]
    #[error("request timed out: {0}")]
    Timeout(#[source] reqwest::Error),

    /// The connection failed or broke (DNS, TCP, TLS, HTTP framing).
    #[cfg(feature = "client")]
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// An upload session cannot go on: it asks for bytes the content does not have,
    /// or for bytes an async reader has already passed, or it stopped expecting
    /// bytes without completing the upload.
    #[cfg(feature = "upload")]
    #[error("upload session: {reason}")]
    UploadSession {
        /// What the session asked for, and why it cannot be sent.
        reason: String,
    },

    /// The content to upload could not be read.
    #[cfg(feature = "upload")]
    #[error("could not read the content to upload: {0}")]
    ReadContent(#[source] std::io::Error),
}

impl Error {
    /// The HTTP status of the response this error came from, if it came from one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Service(error) => Some(error.status),
            Self::UnexpectedResponse { status, .. } | Self::InvalidBody { status, .. } => {
                Some(*status)
            }
            #[cfg(feature = "delta")]
            Self::ResyncRequired { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What kind of failure the response reports, for the failures a caller
    /// commonly handles: [`ErrorKind::of`] its status, except that a delta query's
    /// lost sync state is [`ErrorKind::ResyncRequired`] whatever the status; `None`
    /// for errors that came from no response.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            #[cfg(feature = "delta")]
            Self::ResyncRequired { .. } => Some(ErrorKind::ResyncRequired),
            _ => self.status().map(ErrorKind::of),
        }
    }

    /// The service's error body, when the service sent one.
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Service(error) => Some(error.as_ref()),
            #[cfg(feature = "delta")]
            Self::ResyncRequired { service, .. } => service.as_deref(),
            _ => None,
        }
    }

    /// Where a new full sync starts after [`Error::ResyncRequired`]: the `Location`
    /// the service sent with it, as written. `None` for other errors, and when the
    /// service gave none (then start over from the delta function).
    #[cfg(feature = "delta")]
    pub fn resync_location(&self) -> Option<&str> {
        match self {
            Self::ResyncRequired { location, .. } => location.as_deref(),
            _ => None,
        }
    }
}

/// The failures a caller commonly tells apart, by the response's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `400 Bad Request`: the service rejected the request as malformed.
    BadRequest,
    /// `401 Unauthorized`: no valid credentials.
    Unauthorized,
    /// `403 Forbidden`: the credentials do not allow this.
    Forbidden,
    /// `404 Not Found`: no such resource.
    NotFound,
    /// `405 Method Not Allowed`: the resource does not support this request.
    MethodNotAllowed,
    /// `409 Conflict`: e.g. an entity with this key exists already.
    Conflict,
    /// `412 Precondition Failed`: the entity changed since its ETag was read
    /// ([`Operation::if_match`](crate::Operation::if_match)).
    PreconditionFailed,
    /// `428 Precondition Required`: the service needs `If-Match` for this change.
    PreconditionRequired,
    /// `424 Failed Dependency`: a request of a batch was not run because a request
    /// it depends on failed.
    FailedDependency,
    /// `429 Too Many Requests`: throttled (after the client's retries).
    TooManyRequests,
    /// Another 4xx status.
    OtherClientError,
    /// A 5xx status.
    ServerError,
    /// A status that is no error by itself but not the one expected (a 1xx, 2xx or 3xx).
    Unexpected,
    /// A delta query's sync state is gone ([`Error::ResyncRequired`]): discard the
    /// delta link and start over with a full sync, from
    /// [`Error::resync_location`] if the service gave one. Never returned by
    /// [`ErrorKind::of`], which sees only the status.
    #[cfg(feature = "delta")]
    ResyncRequired,
}

impl ErrorKind {
    /// The kind a status reports.
    pub fn of(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            412 => Self::PreconditionFailed,
            424 => Self::FailedDependency,
            428 => Self::PreconditionRequired,
            429 => Self::TooManyRequests,
            _ if status.is_client_error() => Self::OtherClientError,
            _ if status.is_server_error() => Self::ServerError,
            _ => Self::Unexpected,
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
