//! Sending a file through an upload session (features `client` and `upload`).
//!
//! Graph's protocol: `PUT` the file's bytes to the session's pre-authenticated URL in
//! chunks, each with `Content-Range: bytes first-last/total`; `202 Accepted` answers
//! every chunk but the last with the `nextExpectedRanges`, and `200`/`201` the last
//! one with the created item. After a failure, `GET` the URL for the ranges the
//! service still expects and go on from there; `DELETE` it to cancel.

use std::pin::Pin;
use std::time::{Duration, SystemTime};

use http::header::{ACCEPT, CONTENT_LENGTH, CONTENT_RANGE, LOCATION};
use http::{HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncReadExt as _};

use super::Client;
use crate::operation::{error_response, invalid_body};
use crate::upload::next_chunk;
use crate::{
    ByteRange, ChunkSize, DateTimeOffset, Error, UploadOutcome, UploadProgress, UploadSession,
};

/// The content of a file to upload, and its size.
pub struct UploadContent<'a> {
    source: Source<'a>,
    total: u64,
}

enum Source<'a> {
    Bytes(Vec<u8>),
    /// An async reader, read forward only. `buffer` holds the bytes from
    /// `buffer_start` on that were read last (one chunk at most), so that a chunk
    /// can be sent again, or from its middle, after a failure.
    Reader {
        reader: Pin<Box<dyn AsyncRead + Send + 'a>>,
        buffer: Vec<u8>,
        buffer_start: u64,
    },
}

impl<'a> UploadContent<'a> {
    /// The whole file, in memory.
    pub fn bytes(content: Vec<u8>) -> Self {
        let total = content.len() as u64;
        Self {
            source: Source::Bytes(content),
            total,
        }
    }

    /// A file of `total` bytes read from `reader` (a file, a borrowed slice, a
    /// network stream …), one chunk at a time; `total` goes
    /// in every `Content-Range`, and the reader must supply exactly that many bytes.
    ///
    /// A reader only goes forward: resuming a session that has more bytes than the
    /// reader has passed is fine (the bytes in between are skipped), but one that
    /// asks again for bytes before the last chunk read fails with
    /// [`Error::UploadSession`]. Upload from a new reader then.
    pub fn reader(reader: impl AsyncRead + Send + 'a, total: u64) -> Self {
        Self {
            source: Source::Reader {
                reader: Box::pin(reader),
                buffer: Vec::new(),
                buffer_start: 0,
            },
            total,
        }
    }

    /// The file's size in bytes.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether the file is empty (an upload session cannot send it).
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Bytes `first..=last` of the file.
    async fn read(&mut self, first: u64, last: u64) -> Result<Vec<u8>, Error> {
        let len = last - first + 1;
        match &mut self.source {
            Source::Bytes(content) => {
                let range = usize::try_from(first).ok().zip(usize::try_from(last).ok());
                range
                    .and_then(|(first, last)| content.get(first..=last))
                    .map(<[u8]>::to_vec)
                    .ok_or_else(|| beyond_the_end(first, last, self.total))
            }
            Source::Reader {
                reader,
                buffer,
                buffer_start,
            } => {
                if first < *buffer_start {
                    return Err(Error::UploadSession {
                        reason: format!(
                            "the session expects bytes {first}-{last} again, but the reader \
                             has passed them; upload from a new reader"
                        ),
                    });
                }
                let position = *buffer_start + buffer.len() as u64;
                if first >= position {
                    // Bytes the service already has: read past them.
                    let skip = first - position;
                    let skipped =
                        tokio::io::copy(&mut reader.as_mut().take(skip), &mut tokio::io::sink())
                            .await
                            .map_err(Error::ReadContent)?;
                    if skipped < skip {
                        return Err(reader_ended(position + skipped, self.total));
                    }
                    buffer.clear();
                } else {
                    buffer.drain(..to_usize(first - *buffer_start)?);
                }
                *buffer_start = first;
                let have = buffer.len() as u64;
                if have < len {
                    let read = reader
                        .as_mut()
                        .take(len - have)
                        .read_to_end(buffer)
                        .await
                        .map_err(Error::ReadContent)?;
                    if (read as u64) < len - have {
                        return Err(reader_ended(first + buffer.len() as u64, self.total));
                    }
                }
                Ok(buffer.get(..to_usize(len)?).unwrap_or_default().to_vec())
            }
        }
    }
}

impl std::fmt::Debug for UploadContent<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.source {
            Source::Bytes(_) => "bytes",
            Source::Reader { .. } => "reader",
        };
        f.debug_struct("UploadContent")
            .field("source", &kind)
            .field("total", &self.total)
            .finish()
    }
}

fn to_usize(n: u64) -> Result<usize, Error> {
    usize::try_from(n).map_err(|_| Error::UploadSession {
        reason: format!("a range of {n} bytes does not fit in memory here"),
    })
}

fn beyond_the_end(first: u64, last: u64, total: u64) -> Error {
    Error::UploadSession {
        reason: format!("the session expects bytes {first}-{last} of a file of {total} bytes"),
    }
}

fn reader_ended(at: u64, total: u64) -> Error {
    Error::ReadContent(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        format!("the reader ended after {at} of the {total} bytes announced"),
    ))
}

/// The session's state as a `202` to a chunk, or a `GET` of the session URL, reports it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionStatus {
    #[serde(default)]
    expiration_date_time: Option<DateTimeOffset>,
    #[serde(default)]
    next_expected_ranges: Vec<ByteRange>,
}

/// Sends a file through an [`UploadSession`], chunk by chunk.
///
/// ```no_run
/// # async fn run(
/// #     client: odata_codegen_runtime::Client,
/// #     create_session: odata_codegen_runtime::Operation<
/// #         odata_codegen_runtime::UploadSession<serde_json::Value>,
/// #     >,
/// # ) -> Result<(), odata_codegen_runtime::Error> {
/// use odata_codegen_runtime::{Error, UploadContent, Uploader};
///
/// let session = client.send(&create_session).await?;
/// // Store `serde_json::to_string(&session)` to resume after a crash.
/// let content = std::fs::read("video.mp4").map_err(Error::ReadContent)?;
/// let item = Uploader::new(&client, session)
///     .on_progress(|p| eprintln!("{} of {} bytes", p.received, p.total))
///     .upload(UploadContent::bytes(content))
///     .await?
///     .item();
/// # let _ = item;
/// # Ok(())
/// # }
/// ```
///
/// The chunks go to the session's pre-authenticated URL without the client's bearer
/// token. A chunk that fails with `429`, a 5xx or a broken connection is retried
/// within the client's retry settings (after `Retry-After`, or a backoff): the
/// service is asked which ranges it still expects, and the upload goes on from
/// there. A `416 Requested Range Not Satisfiable` (a range the service already has)
/// likewise makes it ask and go on.
pub struct Uploader<T> {
    client: Client,
    session: UploadSession<T>,
    chunk_size: ChunkSize,
    progress: Option<Box<dyn FnMut(UploadProgress) + Send>>,
}

impl<T> std::fmt::Debug for Uploader<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploader")
            .field("session", &self.session)
            .field("chunk_size", &self.chunk_size)
            .field("progress", &self.progress.is_some())
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Uploader<T> {
    /// An uploader for `session`: a new one from `createUploadSession`, a stored one,
    /// or one known only by its URL ([`UploadSession::from_url`]). When the session
    /// lists no expected ranges, the service is asked for them first.
    pub fn new(client: &Client, session: UploadSession<T>) -> Self {
        Self {
            client: client.clone(),
            session,
            chunk_size: ChunkSize::default(),
            progress: None,
        }
    }

    /// How many bytes each chunk carries (default 10 × 320 KiB).
    #[must_use]
    pub fn chunk_size(mut self, size: ChunkSize) -> Self {
        self.chunk_size = size;
        self
    }

    /// Calls `report` after each chunk the service accepts, and once the upload
    /// completes, with the bytes it has received so far.
    #[must_use]
    pub fn on_progress(mut self, report: impl FnMut(UploadProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(report));
        self
    }

    /// Uploads `content`, from the ranges the session expects to the end, and reads
    /// what the last chunk's response returns.
    ///
    /// On an error the session stays valid until it expires: upload again with a new
    /// uploader for the same session to go on where the service stopped.
    pub async fn upload(
        mut self,
        mut content: UploadContent<'_>,
    ) -> Result<UploadOutcome<T>, Error> {
        let total = content.len();
        if total == 0 {
            return Err(Error::InvalidRequest {
                reason: "an upload session cannot send an empty file; PUT its content instead"
                    .to_owned(),
            });
        }
        let url = upload_uri(&self.session.upload_url)?;
        let mut attempt = 0;
        let mut expected = if self.session.next_expected_ranges.is_empty() {
            self.status(&url, &mut attempt).await?.next_expected_ranges
        } else {
            self.session.next_expected_ranges.clone()
        };
        // The chunk the service last refused with 416: refused twice in a row, the
        // session is not moving.
        let mut refused = None;
        loop {
            let Some((first, last)) = next_chunk(&expected, total, self.chunk_size)? else {
                return Err(Error::UploadSession {
                    reason: "the session expects no more bytes but has not completed the upload"
                        .to_owned(),
                });
            };
            let body = content.read(first, last).await?;
            let outcome = self
                .client
                .execute_request(chunk_request(&url, first, last, total, body)?, false)
                .await;
            match outcome {
                Ok(response) if response.status() == StatusCode::ACCEPTED => {
                    let status: SessionStatus = crate::json(response.body())
                        .map_err(|e| invalid_body(response.status(), e, response.body()))?;
                    if status.next_expected_ranges.is_empty() {
                        return Err(Error::UploadSession {
                            reason: format!(
                                "bytes {first}-{last} were accepted, but the session lists no \
                                 next expected ranges"
                            ),
                        });
                    }
                    expected = status.next_expected_ranges;
                    attempt = 0;
                    refused = None;
                    self.report(UploadProgress::of(&expected, total));
                }
                Ok(response)
                    if matches!(response.status(), StatusCode::OK | StatusCode::CREATED) =>
                {
                    self.report(UploadProgress {
                        received: total,
                        total,
                    });
                    return completed(&response);
                }
                Ok(response) if response.status() == StatusCode::RANGE_NOT_SATISFIABLE => {
                    if refused == Some(first) {
                        return Err(error_response(&response));
                    }
                    refused = Some(first);
                    expected = self.status(&url, &mut attempt).await?.next_expected_ranges;
                }
                outcome => match self.retry_delay(attempt, &outcome) {
                    Some(delay) => {
                        tokio::time::sleep(delay).await;
                        attempt += 1;
                        expected = self.status(&url, &mut attempt).await?.next_expected_ranges;
                    }
                    None => return Err(outcome.map_or_else(|e| e, |r| error_response(&r))),
                },
            }
        }
    }

    /// `GET`s the session's state, retrying like a chunk (counting in `attempt`).
    async fn status(&self, url: &http::Uri, attempt: &mut u32) -> Result<SessionStatus, Error> {
        loop {
            let outcome = self
                .client
                .execute_request(session_request(url, Method::GET)?, false)
                .await;
            match outcome {
                Ok(response) if response.status() == StatusCode::OK => {
                    return crate::json(response.body())
                        .map_err(|e| invalid_body(response.status(), e, response.body()));
                }
                outcome => match self.retry_delay(*attempt, &outcome) {
                    Some(delay) => {
                        tokio::time::sleep(delay).await;
                        *attempt += 1;
                    }
                    None => return Err(outcome.map_or_else(|e| e, |r| error_response(&r))),
                },
            }
        }
    }

    /// How long to wait before trying again after `outcome`, or `None` to give up.
    ///
    /// The client's policy covers `429` and `503` (with `Retry-After`). A chunk is
    /// also retried after another 5xx or a broken connection, which Graph's
    /// protocol asks to resume from: writing a byte range again is harmless, and the
    /// session's state says what arrived.
    fn retry_delay(
        &self,
        attempt: u32,
        outcome: &Result<http::Response<Vec<u8>>, Error>,
    ) -> Option<Duration> {
        let policy = &self.client.inner.retry;
        if let Some(delay) = policy.delay(attempt, outcome, SystemTime::now()) {
            return Some(delay);
        }
        let resumable = match outcome {
            // 429 and 503 the policy has decided on (e.g. a Retry-After too long).
            Ok(response) => {
                response.status().is_server_error()
                    && response.status() != StatusCode::SERVICE_UNAVAILABLE
            }
            Err(error) => matches!(error, Error::Transport(_) | Error::Timeout(_)),
        };
        (resumable && attempt < policy.max_retries).then(|| policy.backoff(attempt))
    }

    fn report(&mut self, progress: UploadProgress) {
        if let Some(report) = &mut self.progress {
            report(progress);
        }
    }
}

impl<T> UploadSession<T> {
    /// `GET`s the session's URL: the session as the service now sees it, with the
    /// ranges it still expects.
    pub async fn status(&self, client: &Client) -> Result<Self, Error> {
        let url = upload_uri(&self.upload_url)?;
        let response = client
            .execute_request(session_request(&url, Method::GET)?, false)
            .await?;
        if response.status() != StatusCode::OK {
            return Err(error_response(&response));
        }
        let status: SessionStatus = crate::json(response.body())
            .map_err(|e| invalid_body(response.status(), e, response.body()))?;
        let mut session = self.clone();
        session.expiration_date_time = status.expiration_date_time;
        session.next_expected_ranges = status.next_expected_ranges;
        Ok(session)
    }

    /// `DELETE`s the session's URL: cancels the upload, and the service discards the
    /// bytes it received.
    pub async fn cancel(&self, client: &Client) -> Result<(), Error> {
        let url = upload_uri(&self.upload_url)?;
        let response = client
            .execute_request(session_request(&url, Method::DELETE)?, false)
            .await?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(error_response(&response))
        }
    }
}

/// What a `200` or `201` to the last chunk returned: the item, when there is a body.
fn completed<T: DeserializeOwned>(
    response: &http::Response<Vec<u8>>,
) -> Result<UploadOutcome<T>, Error> {
    let body = response.body();
    if body.iter().all(u8::is_ascii_whitespace) {
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        return Ok(UploadOutcome::WithoutBody { location });
    }
    crate::json(body)
        .map(UploadOutcome::Item)
        .map_err(|e| invalid_body(response.status(), e, body))
}

/// The session URL, checked: an absolute `http(s)` URL. It may be on any host; the
/// requests to it carry no token.
fn upload_uri(url: &str) -> Result<http::Uri, Error> {
    let invalid = |reason: &dyn std::fmt::Display| Error::InvalidRequest {
        reason: format!("invalid upload URL: {reason}"),
    };
    let uri: http::Uri = url.parse().map_err(|e| invalid(&e))?;
    crate::path::check_http_url(&uri).map_err(|e| invalid(&e))?;
    Ok(uri)
}

fn session_request(url: &http::Uri, method: Method) -> Result<http::Request<Vec<u8>>, Error> {
    http::Request::builder()
        .method(method)
        .uri(url.clone())
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .body(Vec::new())
        .map_err(|e| Error::InvalidRequest {
            reason: format!("upload session request: {e}"),
        })
}

/// `PUT` of bytes `first..=last` of a `total`-byte file.
fn chunk_request(
    url: &http::Uri,
    first: u64,
    last: u64,
    total: u64,
    body: Vec<u8>,
) -> Result<http::Request<Vec<u8>>, Error> {
    http::Request::builder()
        .method(Method::PUT)
        .uri(url.clone())
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .header(CONTENT_RANGE, format!("bytes {first}-{last}/{total}"))
        .header(CONTENT_LENGTH, body.len())
        .body(body)
        .map_err(|e| Error::InvalidRequest {
            reason: format!("upload chunk request: {e}"),
        })
}
