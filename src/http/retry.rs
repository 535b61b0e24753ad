//! Retries: when a failed request is sent again, and after how long.

use super::{Response, Retry};
use std::time::Duration;

/// Retry bounds for idempotent requests.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Most attempts in all, the first included.
    pub max_attempts: u32,
    /// The first backoff; doubled each attempt.
    pub base_delay: Duration,
    /// The longest single backoff.
    pub max_delay: Duration,
    /// The most time spent waiting across all retries of one request.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            budget: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// How long to wait before attempt `attempt + 1`, or `None` to stop.
    /// `status` is `None` for a transport failure. `jitter` is in `[0, 1)`.
    /// A server's `Retry-After` (or `Retry-After-<throttler>`) wins over the
    /// backoff when longer; if it exceeds what is left of the budget, stop.
    pub fn delay(
        &self,
        mode: Retry,
        attempt: u32,
        status: Option<u16>,
        retry_after: Option<Duration>,
        waited: Duration,
        jitter: f64,
    ) -> Option<Duration> {
        let may_retry = match mode {
            Retry::Always => matches!(status, None | Some(429 | 502 | 503 | 504)),
            Retry::Throttled => status == Some(429),
        };
        if attempt + 1 >= self.max_attempts || !may_retry {
            return None;
        }
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_delay);
        // Full jitter on the upper half keeps instances from retrying in lockstep.
        let backoff = exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
        let delay = match retry_after {
            Some(server) => server.max(backoff),
            None => backoff,
        };
        (waited + delay <= self.budget).then_some(delay)
    }
}

/// The longest `Retry-After-<throttler>` or `Retry-After` header, in seconds.
/// HTTP-date forms are ignored (the backoff applies instead).
pub fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers
        .iter()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            k == "retry-after" || k.starts_with("retry-after-")
        })
        .filter_map(|(_, v)| seconds(v.trim()))
        .max()
}

/// A delay in decimal seconds (`2`, `1.5`, `.25`), at most an hour; `None`
/// for anything else. Parsed by hand: a float parser costs the component
/// kilobytes for a header that is a whole number by its definition.
pub(super) fn seconds(text: &str) -> Option<Duration> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let hour = Duration::from_secs(3600);
    let secs = whole.bytes().try_fold(0u64, |n, d| {
        let n = n * 10 + u64::from(d - b'0');
        (n <= hour.as_secs()).then_some(n)
    });
    let Some(secs) = secs else { return Some(hour) };
    let nanos = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    Some(Duration::new(secs, nanos).min(hour))
}
