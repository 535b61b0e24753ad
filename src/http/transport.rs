//! The transport seam: what sends a request and reads its answer, and how an
//! answer's body is collected within the cap.

use super::Request;
use super::json_ends::{JsonEnds, StringCut};
use crate::deadline::Limits;
use crate::error::Error;
use crate::hosts::Target;
use std::collections::VecDeque;
use std::time::Duration;

/// An answer: status, headers (names lower-case) and body.
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// Headers, names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body; when [`Response::cut`] is set, only its first part.
    pub body: Vec<u8>,
    /// Set when the body was over the cap and its middle was dropped.
    pub cut: Option<Cut>,
    /// The strings of a JSON answer whose middle was dropped
    /// ([`Request::keep_string_ends`](super::Request::keep_string_ends)), in order.
    pub strings_cut: Vec<StringCut>,
}

/// The rest of an answer whose middle was dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cut {
    /// The last bytes of the body.
    pub tail: Vec<u8>,
    /// The length of the whole body.
    pub total: u64,
}

/// Collects an answer's body as the request asks: whole up to the cap, its
/// ends ([`BodyBuffer`]), or the ends of each of its strings ([`JsonEnds`]).
#[derive(Debug)]
pub enum Body {
    /// The bytes, or their ends.
    Bytes(BodyBuffer),
    /// A JSON document with its long strings cut.
    Json(JsonEnds),
}

impl Body {
    /// The collector for `request`'s answer with `status` and `content_type`.
    /// An error answer is read as it is, so that its message is scrubbed of
    /// secrets before anything of it is cut.
    pub fn new(cap: usize, request: &Request, status: u16, content_type: Option<&str>) -> Self {
        let json = content_type.is_none_or(|t| t.to_ascii_lowercase().contains("json"));
        match request.string_ends {
            Some(keep) if json && (200..300).contains(&status) => {
                Body::Json(JsonEnds::new(keep, cap))
            }
            _ => Body::Bytes(BodyBuffer::new(cap, request.keep_ends)),
        }
    }

    /// Add bytes; `Err(cap)` when they do not fit.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), usize> {
        match self {
            Body::Bytes(b) => b.push(chunk),
            Body::Json(j) => j.push(chunk),
        }
    }

    /// The body, what was cut from its middle, and which strings were cut.
    pub fn finish(self) -> (Vec<u8>, Option<Cut>, Vec<StringCut>) {
        match self {
            Body::Bytes(b) => {
                let (body, cut) = b.finish();
                (body, cut, Vec::new())
            }
            Body::Json(j) => {
                let (body, strings) = j.finish();
                (body, None, strings)
            }
        }
    }
}

/// Collects a body up to a cap: past it, either fails or keeps the first half
/// of the cap and a ring of the last half.
#[derive(Debug)]
pub struct BodyBuffer {
    cap: usize,
    keep_ends: bool,
    head: Vec<u8>,
    tail: VecDeque<u8>,
    total: u64,
}

impl BodyBuffer {
    /// A buffer of at most `cap` bytes.
    pub fn new(cap: usize, keep_ends: bool) -> Self {
        BodyBuffer {
            cap,
            keep_ends,
            head: Vec::new(),
            tail: VecDeque::new(),
            total: 0,
        }
    }

    /// Add bytes; `Err(cap)` when they do not fit and the ends are not kept.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), usize> {
        self.total += chunk.len() as u64;
        if !self.keep_ends {
            if self.head.len() + chunk.len() > self.cap {
                return Err(self.cap);
            }
            self.head.extend_from_slice(chunk);
            return Ok(());
        }
        let head_cap = self.cap / 2;
        let to_head = head_cap.saturating_sub(self.head.len()).min(chunk.len());
        self.head.extend_from_slice(&chunk[..to_head]);
        let rest = &chunk[to_head..];
        let tail_cap = self.cap - head_cap;
        let rest = &rest[rest.len().saturating_sub(tail_cap)..];
        self.tail.extend(rest);
        let excess = self.tail.len().saturating_sub(tail_cap);
        self.tail.drain(..excess);
        Ok(())
    }

    /// The body, and what was cut from it if anything.
    pub fn finish(self) -> (Vec<u8>, Option<Cut>) {
        let mut head = self.head;
        if self.total == (head.len() + self.tail.len()) as u64 {
            head.extend(self.tail);
            return (head, None);
        }
        let tail = Vec::from(self.tail);
        (
            head,
            Some(Cut {
                tail,
                total: self.total,
            }),
        )
    }
}

impl Response {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What sends requests and waits. The component uses [`crate::wasi_http::WasiTransport`].
pub trait Transport {
    /// Send one request to `target` (the request's URL as the host policy
    /// parsed and checked it: send its parts, never re-read `request.url`)
    /// and read the whole answer within `limits`; failures to send or read,
    /// and running out of time, are `Error`s.
    fn send(
        &self,
        target: &Target,
        request: &Request,
        headers: &[(String, String)],
        limits: &Limits,
    ) -> Result<Response, Error>;
    /// Wait.
    fn sleep(&self, duration: Duration);
    /// A random number, for backoff jitter and names.
    fn random_u64(&self) -> u64;
    /// Wall-clock time, milliseconds since the Unix epoch: for timestamps
    /// only, never for deadlines.
    fn now_unix_millis(&self) -> u64;
    /// Monotonic time in nanoseconds from an arbitrary origin: every deadline uses it.
    fn monotonic_nanos(&self) -> u64;
}
