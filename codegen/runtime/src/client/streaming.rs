//! Streamed content (features `client` and `stream`): downloads of stream
//! properties and `$value` as a stream of bytes, and uploads from an async reader.
//!
//! Graph answers `GET .../content` with `302 Found` to a pre-authenticated URL on
//! another host. The redirect is followed here, not by reqwest, so that the bearer
//! token goes to the service root's origin only.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt as _, TryStreamExt as _};
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use tokio::io::{AsyncRead, AsyncReadExt as _};

use super::{Client, transport};
use crate::operation::error_response;
use crate::path::{check_http_url, origin, resolve_link};
use crate::{Error, Stream};

/// Redirects followed for one download; Graph uses one.
const MAX_REDIRECTS: u32 = 10;

/// How much of an async reader one piece of a streamed upload holds.
const READ_BUFFER: usize = 64 * 1024;

/// The HTTP client for streamed content: no automatic redirects, and `timeout`
/// bounds connecting and each read rather than the whole (possibly long) transfer.
pub(super) fn http_client(
    user_agent: HeaderValue,
    timeout: Duration,
) -> Result<reqwest::Client, Error> {
    reqwest::Client::builder()
        .user_agent(user_agent)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .build()
        .map_err(|e| super::invalid_configuration(format!("HTTP client for streams: {e}")))
}

/// A download in progress: the response's headers, and its body as a stream of
/// [`Bytes`] pieces as they arrive, never the whole content at once.
pub struct Download {
    headers: HeaderMap,
    body: BoxStream<'static, Result<Bytes, Error>>,
}

impl Download {
    /// The headers of the response that carries the content.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The content's `Content-Type`, if given and readable.
    pub fn content_type(&self) -> Option<&str> {
        self.headers.get(CONTENT_TYPE)?.to_str().ok()
    }

    /// The content's size from `Content-Length`, if given.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    }
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl futures_core::Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.body.poll_next_unpin(cx)
    }
}

impl Stream {
    /// `GET`s the content as a stream of bytes, for content too large to hold in
    /// memory ([`get`](Self::get) reads it whole).
    ///
    /// Redirects are followed (up to 10); `Authorization` goes only to the service
    /// root's origin, never to the pre-authenticated URL on another host that Graph
    /// redirects to. `429` and `503` are retried within the client's retry settings.
    pub async fn download(&self, client: &Client) -> Result<Download, Error> {
        let root = &client.inner.root;
        let request = self.get().to_http(root)?;
        let start = request.uri().to_string();
        let headers = request.headers().clone();
        let mut attempt = 0;
        let mut url = start.clone();
        let mut redirects = 0;
        loop {
            let response = client
                .send_streaming(Method::GET, &url, &headers, None)
                .await?;
            if response.status().is_success() {
                let headers = response.headers().clone();
                let body = response.bytes_stream().map_err(transport).boxed();
                return Ok(Download { headers, body });
            }
            if let Some(location) = redirect_location(&response) {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Err(Error::InvalidRequest {
                        reason: format!("more than {MAX_REDIRECTS} redirects from {start}"),
                    });
                }
                url = redirect_target(&url, &location)?;
                continue;
            }
            let outcome = Ok(buffered(response).await?);
            let Some(delay) = client
                .inner
                .retry
                .delay(attempt, &outcome, SystemTime::now())
            else {
                return Err(outcome.map_or_else(|e| e, |r| error_response(&r)));
            };
            tokio::time::sleep(delay).await;
            attempt += 1;
            url.clone_from(&start);
            redirects = 0;
        }
    }

    /// `PUT`s the content read from `reader` as it is read, with `content_type`;
    /// `content_length`, when known, is sent as `Content-Length` (the reader must
    /// then supply exactly that many bytes), and otherwise the body is chunked.
    ///
    /// Not retried: the reader cannot be read again.
    pub async fn put_reader(
        &self,
        client: &Client,
        reader: impl AsyncRead + Send + 'static,
        content_type: HeaderValue,
        content_length: Option<u64>,
    ) -> Result<(), Error> {
        let operation = self.put(Vec::new(), content_type);
        let request = operation.to_http(&client.inner.root)?;
        let mut headers = request.headers().clone();
        if let Some(length) = content_length {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
        }
        let body = reqwest::Body::wrap_stream(read_pieces(reader));
        let response = client
            .send_streaming(
                Method::PUT,
                &request.uri().to_string(),
                &headers,
                Some(body),
            )
            .await?;
        operation.parse_response(&buffered(response).await?)
    }
}

impl Client {
    /// Sends one request on the streaming client, with the bearer token only if
    /// `url` is on the service root's origin.
    async fn send_streaming(
        &self,
        method: Method,
        url: &str,
        headers: &HeaderMap,
        body: Option<reqwest::Body>,
    ) -> Result<reqwest::Response, Error> {
        let parsed = reqwest::Url::parse(url).map_err(|e| Error::InvalidRequest {
            reason: format!("invalid request URL {url}: {e}"),
        })?;
        let mut request = reqwest::Request::new(method, parsed);
        *request.headers_mut() = headers.clone();
        let uri: http::Uri = url.parse().map_err(|e| Error::InvalidRequest {
            reason: format!("invalid request URL {url}: {e}"),
        })?;
        let same_origin = origin(&uri) == self.inner.root.origin();
        if let Some(provider) = self.inner.token_provider.as_ref().filter(|_| same_origin) {
            let token = provider.token().await?;
            request
                .headers_mut()
                .insert(AUTHORIZATION, token.authorization()?);
        }
        *request.body_mut() = body;
        self.inner
            .streaming
            .execute(request)
            .await
            .map_err(transport)
    }
}

/// The `Location` of a redirect response (`301`, `302`, `303`, `307`, `308`).
fn redirect_location(response: &reqwest::Response) -> Option<String> {
    let redirect = matches!(
        response.status(),
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    );
    redirect
        .then(|| response.headers().get(LOCATION)?.to_str().ok())
        .flatten()
        .map(str::to_owned)
}

/// Where a redirect from `url` to `location` (absolute or relative) goes.
fn redirect_target(url: &str, location: &str) -> Result<String, Error> {
    let invalid = |reason: &dyn std::fmt::Display| Error::InvalidRequest {
        reason: format!("invalid redirect to {location:?}: {reason}"),
    };
    let target = resolve_link(url, location).map_err(|e| invalid(&e))?;
    let uri: http::Uri = target.parse().map_err(|e| invalid(&e))?;
    check_http_url(&uri).map_err(|e| invalid(&e))?;
    Ok(target)
}

/// Reads the whole of a (small: an error or an empty success) response.
async fn buffered(response: reqwest::Response) -> Result<http::Response<Vec<u8>>, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(transport)?;
    let mut buffered = http::Response::new(Vec::from(body));
    *buffered.status_mut() = status;
    *buffered.headers_mut() = headers;
    Ok(buffered)
}

/// `reader` as a stream of pieces of at most [`READ_BUFFER`] bytes.
fn read_pieces(
    reader: impl AsyncRead + Send + 'static,
) -> impl futures_core::Stream<Item = std::io::Result<Bytes>> + Send + 'static {
    stream::try_unfold(Box::pin(reader), |mut reader| async move {
        let mut piece = BytesMut::with_capacity(READ_BUFFER);
        let read = reader.read_buf(&mut piece).await?;
        Ok((read > 0).then(|| (piece.freeze(), reader)))
    })
}
