//! When to try a request again, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime};

use http::header::RETRY_AFTER;
use http::{HeaderMap, StatusCode};

use crate::Error;

/// Retry settings of a client.
#[derive(Clone, Debug)]
pub(crate) struct RetryPolicy {
    /// Retries after the first attempt.
    pub(crate) max_retries: u32,
    /// First backoff delay when the service gives no `Retry-After`; doubled per retry.
    pub(crate) initial_backoff: Duration,
    /// Longest wait: backoff is capped here, and a longer `Retry-After` is not
    /// waited for (the throttling error is returned instead).
    pub(crate) max_delay: Duration,
}

impl RetryPolicy {
    /// How long to wait before retrying after `outcome`, or `None` to stop.
    ///
    /// Only `429 Too Many Requests` and `503 Service Unavailable` are retried: they
    /// say the service did not process the request, so retrying is safe for any
    /// method. Every other failure (another status, a timeout, a broken connection)
    /// may hide a processed request or a lasting fault, so it is returned at once.
    pub(crate) fn delay(
        &self,
        attempt: u32,
        outcome: &Result<http::Response<Vec<u8>>, Error>,
        now: SystemTime,
    ) -> Option<Duration> {
        self.delay_after(attempt, outcome.as_ref().ok()?, now)
    }

    /// How long to wait before retrying after `response`, or `None` to stop: the
    /// rule of [`delay`](Self::delay) for a response, which may also be one
    /// sub-response of a batch.
    pub(crate) fn delay_after(
        &self,
        attempt: u32,
        response: &http::Response<Vec<u8>>,
        now: SystemTime,
    ) -> Option<Duration> {
        if attempt >= self.max_retries {
            return None;
        }
        if !matches!(
            response.status(),
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            return None;
        }
        match retry_after(response.headers(), now) {
            Some(wait) if wait > self.max_delay => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(attempt)),
        }
    }

    /// Exponential backoff with jitter: `initial_backoff * 2^attempt`, capped at
    /// `max_delay`, then scaled by a random factor in [0.5, 1) so that clients
    /// throttled together do not retry together.
    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let exponential = 2_u32
            .checked_pow(attempt)
            .and_then(|factor| self.initial_backoff.checked_mul(factor))
            .map_or(self.max_delay, |delay| delay.min(self.max_delay));
        let jitter = 0.5 + random_fraction() / 2.0;
        Duration::try_from_secs_f64(exponential.as_secs_f64() * jitter).unwrap_or(exponential)
    }
}

/// A number in [0, 1) that differs between calls; good enough for jitter.
fn random_fraction() -> f64 {
    // `RandomState` is seeded randomly per instance; 53 bits fill an f64 mantissa.
    let bits = RandomState::new().hash_one(0_u8) >> 11;
    bits as f64 / (1_u64 << 53) as f64
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP date
/// (a date in the past means no wait).
fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
        }
    }

    fn response(status: u16, retry_after: Option<&str>) -> Result<http::Response<Vec<u8>>, Error> {
        let mut builder = http::Response::builder().status(status);
        if let Some(value) = retry_after {
            builder = builder.header(RETRY_AFTER, value);
        }
        Ok(builder.body(Vec::new()).unwrap())
    }

    #[test]
    fn throttling_is_retried_for_any_method() {
        let now = SystemTime::now();
        for status in [429, 503] {
            assert_eq!(
                policy().delay(0, &response(status, Some("2")), now),
                Some(Duration::from_secs(2))
            );
        }
    }

    #[test]
    fn nothing_else_is_retried() {
        let now = SystemTime::now();
        for status in [200, 201, 400, 401, 404, 500, 502, 504] {
            assert!(
                policy().delay(0, &response(status, None), now).is_none(),
                "{status}"
            );
        }
        let not_a_response = Err(Error::InvalidRequest { reason: "x".into() });
        assert!(policy().delay(0, &not_a_response, now).is_none());
    }

    #[test]
    fn stops_after_max_retries_or_too_long_a_wait() {
        let now = SystemTime::now();
        assert!(policy().delay(2, &response(429, None), now).is_some());
        assert!(policy().delay(3, &response(429, None), now).is_none());
        assert!(
            policy()
                .delay(0, &response(429, Some("3600")), now)
                .is_none()
        );
    }

    #[test]
    fn retry_after_http_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let later = response(429, Some("Sun, 06 Nov 1994 08:49:40 GMT"));
        assert_eq!(policy().delay(0, &later, now), Some(Duration::from_secs(3)));
        let past = response(429, Some("Sun, 06 Nov 1994 08:49:00 GMT"));
        assert_eq!(policy().delay(0, &past, now), Some(Duration::ZERO));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = policy();
        let garbage = response(503, Some("soon"));
        for attempt in 0..3 {
            let delay = policy.delay(attempt, &garbage, SystemTime::now()).unwrap();
            let full = Duration::from_millis(100 * 2_u64.pow(attempt));
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
        assert!(policy.backoff(40) <= policy.max_delay);
        assert!(policy.backoff(u32::MAX) <= policy.max_delay);
        let huge = RetryPolicy {
            max_delay: Duration::MAX,
            ..policy
        };
        assert!(huge.backoff(u32::MAX) > Duration::ZERO);
    }
}
