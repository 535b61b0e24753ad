//! Deadlines on the monotonic clock: which bound limits each wait of a
//! request, which one fired, the per-call budget, and the pace of polls.
//!
//! Plain Rust over instants in nanoseconds of a monotonic clock
//! ([`crate::http::Transport::monotonic_nanos`]); the wall clock never drives
//! a deadline, so a clock step cannot stretch or cut a wait. The wasi glue
//! (`src/wasi_http.rs`) only asks "until when, and which bound is that?".
//! docs/bounds.md documents the resulting upper bound on each tool's time.

use crate::error::{Error, ErrorKind};
use std::time::Duration;

/// Whole nanoseconds of a duration, saturating.
pub fn nanos(d: Duration) -> u64 {
    d.as_nanos().min(u128::from(u64::MAX)) as u64
}

/// One of the time bounds the component enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Opening a connection (`DAYTONA_CONNECT_TIMEOUT_MS`); only a host reports it.
    Connect,
    /// The answer's headers: connect plus first byte (`DAYTONA_CONNECT_TIMEOUT_MS`
    /// + `DAYTONA_RESPONSE_TIMEOUT_MS`, or the request's own wait).
    FirstByte,
    /// A silence between two parts of the body (`DAYTONA_RESPONSE_TIMEOUT_MS`).
    BetweenBytes,
    /// One request from start to last byte (`DAYTONA_REQUEST_TIMEOUT_MS`).
    Request,
    /// The whole tool call, retries and waits included (`DAYTONA_CALL_TIMEOUT_MS`
    /// plus the call's own wait).
    Call,
}

impl Bound {
    /// The name used in messages, tests and docs/faults.md.
    pub fn label(self) -> &'static str {
        match self {
            Bound::Connect => "connect",
            Bound::FirstByte => "first-byte",
            Bound::BetweenBytes => "between-bytes",
            Bound::Request => "per-request",
            Bound::Call => "per-call",
        }
    }

    /// What the caller can do about it.
    fn hint(self) -> &'static str {
        match self {
            Bound::Connect => {
                "no connection could be opened in time: check DAYTONA_API_URL and the network, or raise DAYTONA_CONNECT_TIMEOUT_MS"
            }
            Bound::FirstByte => {
                "Daytona did not start answering in time; try again, or raise DAYTONA_RESPONSE_TIMEOUT_MS"
            }
            Bound::BetweenBytes => {
                "Daytona's answer stalled midway; try again, or raise DAYTONA_RESPONSE_TIMEOUT_MS"
            }
            Bound::Request => {
                "Daytona's answer took too long in all; try again, or raise DAYTONA_REQUEST_TIMEOUT_MS"
            }
            Bound::Call => {
                "the call used up its time (DAYTONA_CALL_TIMEOUT_MS plus its own `timeout`): check the resource's state before repeating it"
            }
        }
    }
}

/// Where a request is when a wait ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Connecting and writing the request: nothing answered yet.
    Sending,
    /// Waiting for the answer's headers.
    Headers,
    /// Reading the body; the instant of the last bytes received.
    Body {
        /// When bytes last arrived (monotonic ns).
        last_bytes: u64,
    },
}

/// The bounds of one request attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bound on opening a connection (given to the host as a request option).
    pub connect: Duration,
    /// Bound on the first byte and between bytes.
    pub response: Duration,
    /// When the attempt started (monotonic ns).
    pub started: u64,
    /// When the attempt must have ended (monotonic ns)...
    pub end: u64,
    /// ...and which bound set that instant ([`Bound::Request`] or [`Bound::Call`]).
    pub end_bound: Bound,
}

impl Limits {
    /// The bounds of an attempt starting at `now` that may take `total` in all
    /// and must end by `call_end` whatever happens.
    pub fn new(
        now: u64,
        connect: Duration,
        response: Duration,
        total: Duration,
        call_end: u64,
    ) -> Limits {
        let request_end = now.saturating_add(nanos(total));
        let (end, end_bound) = if call_end < request_end {
            (call_end, Bound::Call)
        } else {
            (request_end, Bound::Request)
        };
        Limits {
            connect,
            response,
            started: now,
            end,
            end_bound,
        }
    }

    /// The instant the current wait must end, and the bound that sets it.
    /// The earliest bound wins; on a tie the overall one is named.
    pub fn deadline(&self, phase: Phase) -> (u64, Bound) {
        let (at, bound) = match phase {
            Phase::Sending | Phase::Headers => (
                self.started
                    .saturating_add(nanos(self.connect))
                    .saturating_add(nanos(self.response)),
                Bound::FirstByte,
            ),
            Phase::Body { last_bytes } => (
                last_bytes.saturating_add(nanos(self.response)),
                Bound::BetweenBytes,
            ),
        };
        if self.end <= at {
            (self.end, self.end_bound)
        } else {
            (at, bound)
        }
    }

    /// Whether the attempt's overall end has come at `now`.
    pub fn expired(&self, now: u64) -> bool {
        now >= self.end
    }

    /// The bound a host's timeout stands for, given where the request was.
    pub fn host_bound(connect: bool, phase: Phase) -> Bound {
        match (connect, phase) {
            (true, _) => Bound::Connect,
            (false, Phase::Body { .. }) => Bound::BetweenBytes,
            (false, _) => Bound::FirstByte,
        }
    }

    /// The length of a bound in milliseconds, for messages.
    pub fn millis(&self, bound: Bound) -> u128 {
        match bound {
            Bound::Connect => self.connect.as_millis(),
            Bound::FirstByte => (self.connect + self.response).as_millis(),
            Bound::BetweenBytes => self.response.as_millis(),
            Bound::Request | Bound::Call => {
                u128::from(self.end.saturating_sub(self.started)) / 1_000_000
            }
        }
    }

    /// The `timeout` error for `bound` on a request to `host`.
    pub fn timeout_error(&self, bound: Bound, what: &str, host: &str) -> Error {
        let mut err = Error::new(
            ErrorKind::Timeout,
            format!(
                "{what}: no complete answer from {host} in time: the {} bound ({} ms) fired",
                bound.label(),
                self.millis(bound)
            ),
        )
        .with_hint(bound.hint());
        // Another attempt fits only if the call has time left.
        err.retryable = true;
        err
    }
}

/// The time budget of one tool call: `DAYTONA_CALL_TIMEOUT_MS` from the start,
/// extended by the call's own wait (a lifecycle `timeout`, a command's run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallBudget {
    /// When the call started (monotonic ns).
    pub started: u64,
    /// When it must end (monotonic ns).
    pub end: u64,
}

impl CallBudget {
    /// A budget of `limit` from `now`.
    pub fn new(now: u64, limit: Duration) -> Self {
        CallBudget {
            started: now,
            end: now.saturating_add(nanos(limit)),
        }
    }

    /// Allow `extra` more time.
    pub fn extend(&mut self, extra: Duration) {
        self.end = self.end.saturating_add(nanos(extra));
    }

    /// Time left at `now`.
    pub fn left(&self, now: u64) -> Duration {
        Duration::from_nanos(self.end.saturating_sub(now))
    }

    /// The error when the budget ran out during `what`.
    pub fn exhausted(&self, what: &str) -> Error {
        let ms = u128::from(self.end.saturating_sub(self.started)) / 1_000_000;
        let mut err = Error::new(
            ErrorKind::Timeout,
            format!(
                "{what}: stopped: the {} bound ({ms} ms) fired",
                Bound::Call.label()
            ),
        )
        .with_hint(Bound::Call.hint());
        err.retryable = true;
        err
    }
}

/// The pace of repeated checks, as Daytona's SDKs poll: 100 ms, growing ×1.1, at most 1 s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    next: Duration,
}

impl Default for Pace {
    fn default() -> Self {
        Pace {
            next: Duration::from_millis(100),
        }
    }
}

impl Pace {
    /// The next interval (the one after it is longer, up to 1 s).
    pub fn next_interval(&mut self) -> Duration {
        let now = self.next;
        self.next = self.next.mul_f64(1.1).min(Duration::from_secs(1));
        now
    }

    /// The interval [`Pace::next_interval`] would return, without advancing.
    pub fn peek(&self) -> Duration {
        self.next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn limits(call_end: u64) -> Limits {
        Limits::new(
            1_000 * MS,
            Duration::from_millis(100),
            Duration::from_millis(300),
            Duration::from_millis(2_000),
            call_end,
        )
    }

    #[test]
    fn headers_wait_for_connect_plus_first_byte() {
        let l = limits(u64::MAX);
        assert_eq!(l.deadline(Phase::Headers), (1_400 * MS, Bound::FirstByte));
        assert_eq!(l.deadline(Phase::Sending), (1_400 * MS, Bound::FirstByte));
        assert_eq!(l.millis(Bound::FirstByte), 400);
    }

    #[test]
    fn the_body_waits_from_the_last_bytes() {
        let l = limits(u64::MAX);
        assert_eq!(
            l.deadline(Phase::Body {
                last_bytes: 1_500 * MS
            }),
            (1_800 * MS, Bound::BetweenBytes)
        );
    }

    #[test]
    fn a_trickle_meets_the_per_request_bound() {
        let l = limits(u64::MAX);
        // Bytes keep coming, so the between-bytes bound never ends the wait...
        let late = Phase::Body {
            last_bytes: 2_900 * MS,
        };
        // ...but the whole attempt ends 2 s after it started.
        assert_eq!(l.deadline(late), (3_000 * MS, Bound::Request));
        assert!(l.expired(3_000 * MS) && !l.expired(2_999 * MS));
        assert_eq!(l.millis(Bound::Request), 2_000);
    }

    #[test]
    fn the_call_budget_cuts_an_attempt_short_and_is_named() {
        let l = limits(1_200 * MS);
        assert_eq!(l.end_bound, Bound::Call);
        assert_eq!(l.deadline(Phase::Headers), (1_200 * MS, Bound::Call));
        let err = l.timeout_error(Bound::Call, "get sandbox 'x'", "h:1");
        assert_eq!(err.kind, ErrorKind::Timeout);
        assert!(err.message.contains("per-call bound (200 ms)"), "{err}");
    }

    #[test]
    fn host_timeouts_map_to_the_bound_of_the_phase() {
        assert_eq!(Limits::host_bound(true, Phase::Headers), Bound::Connect);
        assert_eq!(Limits::host_bound(false, Phase::Headers), Bound::FirstByte);
        assert_eq!(
            Limits::host_bound(false, Phase::Body { last_bytes: 0 }),
            Bound::BetweenBytes
        );
    }

    #[test]
    fn budgets_extend_and_saturate() {
        let mut b = CallBudget::new(u64::MAX - 10, Duration::from_secs(1));
        assert_eq!(b.end, u64::MAX);
        b.extend(Duration::from_secs(5));
        assert_eq!(b.end, u64::MAX);
        let mut b = CallBudget::new(0, Duration::from_millis(5));
        b.extend(Duration::from_millis(5));
        assert_eq!(b.left(4 * MS), Duration::from_millis(6));
        assert_eq!(b.left(20 * MS), Duration::ZERO);
        assert!(b.exhausted("x").message.contains("per-call bound (10 ms)"));
    }

    #[test]
    fn pace_grows_to_one_second() {
        let mut p = Pace::default();
        let first: Vec<_> = (0..40).map(|_| p.next_interval()).collect();
        assert_eq!(first[0], Duration::from_millis(100));
        assert!(first.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(*first.last().unwrap(), Duration::from_secs(1));
    }
}
