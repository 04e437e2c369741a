//! Sending a [`Batch`] (features `client` and `batch`).

use std::time::{Duration, SystemTime};

use http::StatusCode;

use super::Client;
use crate::batch::{Answer, split};
use crate::{Batch, BatchResults, Error};

impl Batch {
    /// Sends this batch with `client` and returns every request's response: the same
    /// as [`Client::send_batch`], written the way the request builders read.
    pub async fn send(&self, client: &Client) -> Result<BatchResults, Error> {
        client.send_batch(self).await
    }
}

impl Client {
    /// Sends `batch` as `POST {root}/$batch` requests and returns every request's
    /// response; read each typed result with [`BatchResults::get`].
    ///
    /// - A batch larger than [`Batch::max_requests`] (default 20, Graph's limit) is
    ///   split into several batch requests. Requests linked by `dependsOn` or by an
    ///   atomicity group always travel together; a set of them larger than the limit
    ///   is an [`Error::InvalidRequest`] before anything is sent, and so is a request
    ///   that cannot be built.
    /// - Each batch request is authenticated and retried like [`send`](Self::send).
    ///   If it fails as a whole with a response, each of its requests gets that
    ///   response (read as that request's typed error); without a response (a broken
    ///   connection), each gets an [`Error::Batch`] saying so, and the batch requests
    ///   not sent yet are not sent.
    /// - Requests answered `429 Too Many Requests` or `503 Service Unavailable` are
    ///   sent again in a new batch, after the longest `Retry-After` among them, as
    ///   often as [`ClientBuilder::max_retries`](super::ClientBuilder::max_retries)
    ///   allows and unless a wait would exceed
    ///   [`ClientBuilder::max_retry_delay`](super::ClientBuilder::max_retry_delay).
    ///   With them go the rest of their atomicity groups and the requests that
    ///   depend on them and did not succeed (a service answers those `424` when a
    ///   dependency was throttled). Each request's result is its last answer.
    ///
    /// An empty batch sends nothing and has no results.
    pub async fn send_batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        let root = &self.inner.root;
        let mut results = BatchResults::new(batch.id());
        let mut pending: Vec<usize> = (0..batch.len()).collect();
        let mut attempt = 0;
        while !pending.is_empty() {
            let parts = split(batch.chains(&pending), batch.max_requests())?;
            for part in &parts {
                // Every request is checked before the first is sent.
                batch.to_http_of(root, part)?;
            }
            let mut retryable = Vec::new();
            let mut broken: Option<String> = None;
            for part in &parts {
                if let Some(reason) = &broken {
                    results.record_failure(part, reason);
                    continue;
                }
                match self
                    .execute_with_retry(&self.inner.retry, || batch.to_http_of(root, part))
                    .await
                {
                    Ok(response) if response.status() != StatusCode::OK => {
                        let copies = part.iter().map(|&i| (i, Ok(copy(&response)))).collect();
                        results.record(part, copies);
                    }
                    Ok(response) => match batch.parse_response_of(part, &response) {
                        Ok(answers) => {
                            retryable.extend(
                                part.iter()
                                    .copied()
                                    .filter(|&i| answers.get(&i).is_some_and(is_throttled)),
                            );
                            results.record(part, answers);
                        }
                        Err(error) => results.record_failure(part, &error.to_string()),
                    },
                    Err(error) => {
                        let failed = format!("the batch request carrying it failed: {error}");
                        results.record_failure(part, &failed);
                        broken = Some(format!(
                            "not sent: an earlier batch request failed: {error}"
                        ));
                    }
                }
            }
            let Some(delay) = self.rebatch_delay(&results, &retryable, attempt) else {
                break;
            };
            tokio::time::sleep(delay).await;
            attempt += 1;
            pending = resend(batch, &results, &retryable);
        }
        Ok(results)
    }

    /// How long to wait before sending the throttled requests again: the longest
    /// wait any of them asks for, or `None` to stop (none throttled, retries used
    /// up, or a wait longer than the client allows).
    fn rebatch_delay(
        &self,
        results: &BatchResults,
        throttled: &[usize],
        attempt: u32,
    ) -> Option<Duration> {
        if throttled.is_empty() {
            return None;
        }
        let now = SystemTime::now();
        throttled
            .iter()
            .try_fold(Duration::ZERO, |longest, &index| {
                let Some(Ok(response)) = results.answer(index) else {
                    return Some(longest);
                };
                let wait = self.inner.retry.delay_after(attempt, response, now)?;
                Some(longest.max(wait))
            })
    }
}

/// Whether a sub-response asks to be sent again later.
fn is_throttled(answer: &Answer) -> bool {
    answer.as_ref().is_ok_and(|response| {
        matches!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        )
    })
}

/// The requests to send again after `throttled`: those, the rest of their atomicity
/// groups, and what depends on them without having succeeded; in ascending order.
fn resend(batch: &Batch, results: &BatchResults, throttled: &[usize]) -> Vec<usize> {
    let mut again: Vec<usize> = throttled
        .iter()
        .flat_map(|&index| batch.group_of(index))
        .collect();
    let mut at = 0;
    while let Some(&index) = again.get(at) {
        for dependent in batch.dependents(index) {
            let succeeded =
                matches!(results.answer(dependent), Some(Ok(r)) if r.status().is_success());
            if !succeeded && !again.contains(&dependent) {
                again.push(dependent);
            }
        }
        at += 1;
    }
    again.sort_unstable();
    again.dedup();
    again
}

/// A copy of `response` (an [`http::Response`] is not `Clone`: its extensions
/// may not be).
fn copy(response: &http::Response<Vec<u8>>) -> http::Response<Vec<u8>> {
    let mut copy = http::Response::new(response.body().clone());
    *copy.status_mut() = response.status();
    *copy.headers_mut() = response.headers().clone();
    copy
}
