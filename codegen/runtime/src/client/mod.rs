//! An async HTTP client that sends [`Operation`]s (feature `client`).

#[cfg(feature = "azure-identity")]
mod azure;
#[cfg(feature = "batch")]
mod batch;
mod challenge;
#[cfg(feature = "delta")]
mod delta;
mod retry;
#[cfg(feature = "stream")]
mod streaming;
mod token;
#[cfg(feature = "upload")]
mod upload;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use http::HeaderValue;
use http::header::AUTHORIZATION;

#[cfg(feature = "delta")]
pub use delta::DeltaEvent;
pub use futures_core::future::BoxFuture;
#[cfg(feature = "stream")]
pub use streaming::Download;
pub use token::{StaticToken, Token, TokenProvider};
#[cfg(feature = "upload")]
pub use upload::{UploadContent, Uploader};

#[cfg(feature = "azure-identity")]
pub use azure::AzureTokenProvider;

use self::retry::RetryPolicy;
use crate::{Error, Operation, Page, ServiceRoot};

const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
const DEFAULT_MAX_RETRIES: u32 = 3;
const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(60);

/// Sends [`Operation`]s to a service: authenticates each request, retries
/// throttled ones and follows `@odata.nextLink` through collections.
///
/// Cheap to clone; clones share connections.
///
/// ```no_run
/// # async fn run() -> Result<(), odata_codegen_runtime::Error> {
/// use odata_codegen_runtime::{Client, ServiceRoot, StaticToken};
///
/// let client = Client::builder()
///     .service_root(ServiceRoot::new("https://graph.microsoft.com/v1.0")?)
///     .token_provider(StaticToken::new(std::env::var("TOKEN").unwrap_or_default()))
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    root: ServiceRoot,
    token_provider: Option<Box<dyn TokenProvider>>,
    retry: RetryPolicy,
    /// For streamed content: follows no redirects (so that the token goes to the
    /// service's origin only) and limits each read, not the whole transfer.
    #[cfg(feature = "stream")]
    streaming: reqwest::Client,
}

impl<T> Operation<T> {
    /// Sends this operation with `client` and reads its typed result: the same as
    /// [`Client::send`], written the way the request builders read.
    pub async fn send(&self, client: &Client) -> Result<T, Error> {
        client.send(self).await
    }
}

impl Client {
    /// Starts configuring a client; a service root is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Where requests go.
    pub fn service_root(&self) -> &ServiceRoot {
        &self.inner.root
    }

    /// Sends `operation` and reads its response, retrying as described on
    /// [`ClientBuilder::max_retries`]. An operation's own [`timeout`](Operation::timeout) and
    /// [`max_retries`](Operation::max_retries) replace the client's for it.
    ///
    /// A `401` carrying a claims challenge (continuous access evaluation revoked
    /// the token) gets one fresh token from
    /// [`TokenProvider::token_with_claims`] and one retry; a second `401` is
    /// returned as the error, and so is a `401` without a claims challenge.
    pub async fn send<T>(&self, operation: &Operation<T>) -> Result<T, Error> {
        let retry = match operation.retry_limit() {
            Some(max_retries) => RetryPolicy {
                max_retries,
                ..self.inner.retry.clone()
            },
            None => self.inner.retry.clone(),
        };
        let response = self
            .execute_with_retry(&retry, || {
                let mut request = operation.to_http(&self.inner.root)?;
                if let Some(timeout) = operation.request_timeout() {
                    request.extensions_mut().insert(AttemptTimeout(timeout));
                }
                Ok(request)
            })
            .await?;
        operation.parse_response(&response)
    }

    /// Sends the request `build` makes, authenticated, and again (built anew) after
    /// each throttling answer `retry` allows; returns the last outcome.
    async fn execute_with_retry(
        &self,
        retry: &RetryPolicy,
        build: impl Fn() -> Result<http::Request<Vec<u8>>, Error>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let mut attempt = 0;
        loop {
            let outcome = match build() {
                Ok(request) => self.execute_request(request, true).await,
                Err(error) => Err(error),
            };
            match retry.delay(attempt, &outcome, SystemTime::now()) {
                Some(delay) => {
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                None => return outcome,
            }
        }
    }

    /// The pages of a collection: the first from `operation`, the rest from each
    /// page's `@odata.nextLink`. Ends after the last page or the first error; use
    /// `take` and friends to stop early.
    pub fn pages<T: Send + 'static>(
        &self,
        operation: &Operation<Page<T>>,
    ) -> impl Stream<Item = Result<Page<T>, Error>> + Send + 'static {
        let client = self.clone();
        stream::try_unfold(Some(operation.clone()), move |next| {
            let client = client.clone();
            async move {
                let Some(operation) = next else {
                    return Ok(None);
                };
                let page = client.send(&operation).await?;
                let next = page
                    .next_link
                    .as_deref()
                    .map(|link| operation.next_page(&client.inner.root, link))
                    .transpose()?;
                Ok(Some((page, next)))
            }
        })
    }

    /// The items of a collection, across all its pages (see [`pages`](Self::pages)).
    pub fn items<T: Send + 'static>(
        &self,
        operation: &Operation<Page<T>>,
    ) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        self.pages(operation)
            .map_ok(|page| stream::iter(page.value).map(Ok))
            .try_flatten()
    }

    /// Sends `request` once as it is, with the bearer token only if `authenticate`
    /// (a pre-authenticated URL on another host must not receive it), and reads the
    /// whole response. An [`AttemptTimeout`] among the request's extensions
    /// replaces the client's time limit. An authenticated request answered with a
    /// claims challenge is sent once more, with a token for those claims (see
    /// [`TokenProvider::token_with_claims`]).
    pub(crate) async fn execute_request(
        &self,
        request: http::Request<Vec<u8>>,
        authenticate: bool,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, body) = request.into_parts();
        let url =
            reqwest::Url::parse(&parts.uri.to_string()).map_err(|e| Error::InvalidRequest {
                reason: format!("invalid request URI {}: {e}", parts.uri),
            })?;
        let mut request = reqwest::Request::new(parts.method, url);
        *request.headers_mut() = parts.headers;
        if !body.is_empty() {
            *request.body_mut() = Some(body.into());
        }
        if let Some(AttemptTimeout(timeout)) = parts.extensions.get() {
            *request.timeout_mut() = Some(*timeout);
        }
        let Some(provider) = self.inner.token_provider.as_ref().filter(|_| authenticate) else {
            return self.receive(request).await;
        };
        // Cheap: the body is in memory, shared by both.
        let retry = request.try_clone();
        let token = provider.token().await?;
        request
            .headers_mut()
            .insert(AUTHORIZATION, token.authorization()?);
        let response = self.receive(request).await?;
        // Continuous access evaluation: a revoked token is answered with a claims
        // challenge, met by one fresh token with those claims and one retry.
        match (
            challenge::requested_claims(response.status(), response.headers()),
            retry,
        ) {
            (Some(claims), Some(mut retry)) => {
                let token = provider.token_with_claims(&claims).await?;
                retry
                    .headers_mut()
                    .insert(AUTHORIZATION, token.authorization()?);
                self.receive(retry).await
            }
            _ => Ok(response),
        }
    }

    /// Sends `request` and reads the whole response.
    async fn receive(&self, request: reqwest::Request) -> Result<http::Response<Vec<u8>>, Error> {
        let response = self.inner.http.execute(request).await.map_err(transport)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(transport)?;
        let mut response = http::Response::new(Vec::from(body));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

/// A time limit for one request, replacing the client's: carried in the
/// request's extensions so that every way of sending honours it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AttemptTimeout(pub(crate) Duration);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.inner.root)
            .field("authenticated", &self.inner.token_provider.is_some())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

fn transport(error: reqwest::Error) -> Error {
    if error.is_timeout() {
        Error::Timeout(error)
    } else {
        Error::Transport(error)
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    service_root: Option<ServiceRoot>,
    token_provider: Option<Box<dyn TokenProvider>>,
    timeout: Duration,
    user_agent: String,
    retry: RetryPolicy,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            service_root: None,
            token_provider: None,
            timeout: DEFAULT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            retry: RetryPolicy {
                max_retries: DEFAULT_MAX_RETRIES,
                initial_backoff: DEFAULT_INITIAL_BACKOFF,
                max_delay: DEFAULT_MAX_RETRY_DELAY,
            },
        }
    }
}

impl ClientBuilder {
    /// Where the service lives (required).
    #[must_use]
    pub fn service_root(mut self, root: ServiceRoot) -> Self {
        self.service_root = Some(root);
        self
    }

    /// Where access tokens come from; each request carries
    /// `Authorization: Bearer <token>`. Without one, requests are sent unauthenticated.
    #[must_use]
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token_provider = Some(Box::new(provider));
        self
    }

    /// Time limit for each attempt, from sending to the end of the body
    /// (default 100 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries after the first attempt (default 3).
    ///
    /// `429 Too Many Requests` and `503 Service Unavailable` are retried for every
    /// method (the service did not process the request), after the `Retry-After`
    /// the service asked for, or else after an exponential backoff with jitter.
    /// Every other failure (another status, a timeout, a broken connection) is
    /// returned at once: it may hide a processed request or a lasting fault.
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.retry.max_retries = max_retries;
        self
    }

    /// The first backoff delay when the service gives no `Retry-After`; doubled on
    /// each retry (default 1 s).
    #[must_use]
    pub fn initial_backoff(mut self, delay: Duration) -> Self {
        self.retry.initial_backoff = delay;
        self
    }

    /// The longest wait before a retry (default 60 s). Backoff is capped here;
    /// a `Retry-After` longer than this is not waited for, and the throttling
    /// error is returned instead.
    #[must_use]
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.retry.max_delay = delay;
        self
    }

    /// The `User-Agent` header (default: this crate's name and version).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    ///
    /// TLS uses rustls. If the application has not installed a process-wide rustls
    /// crypto provider, this installs ring's.
    pub fn build(self) -> Result<Client, Error> {
        let root = self
            .service_root
            .ok_or_else(|| invalid_configuration("a service root is required".to_owned()))?;
        let user_agent = HeaderValue::try_from(self.user_agent)
            .map_err(|e| invalid_configuration(format!("invalid user agent: {e}")))?;
        // Fails only when a provider is already installed, which is then used.
        let _ = rustls::crypto::ring::default_provider().install_default();
        #[cfg(feature = "stream")]
        let streaming = streaming::http_client(user_agent.clone(), self.timeout)?;
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(self.timeout)
            .build()
            .map_err(|e| invalid_configuration(format!("HTTP client: {e}")))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root,
                token_provider: self.token_provider,
                retry: self.retry,
                #[cfg(feature = "stream")]
                streaming,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service_root", &self.service_root)
            .field("authenticated", &self.token_provider.is_some())
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}

fn invalid_configuration(reason: String) -> Error {
    Error::InvalidConfiguration { reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_requires_a_service_root() {
        let error = Client::builder().build().unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfiguration { .. }),
            "{error}"
        );
    }

    #[test]
    fn build_rejects_a_bad_user_agent() {
        let error = Client::builder()
            .service_root(ServiceRoot::new("http://127.0.0.1:1").unwrap())
            .user_agent("bad\nagent")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("user agent"), "{error}");
    }

    #[test]
    fn debug_output_hides_the_token() {
        let builder = Client::builder()
            .service_root(ServiceRoot::new("http://127.0.0.1:1").unwrap())
            .token_provider(StaticToken::new("s3cr3t"));
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        let client = builder.build().unwrap();
        let debug = format!("{client:?}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("authenticated: true"), "{debug}");
        assert_eq!(client.service_root().as_str(), "http://127.0.0.1:1");
    }
}
