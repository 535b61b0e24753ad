//! Requests to Daytona: building them, the transport seam, authentication,
//! retries with backoff, and decoding answers.
//!
//! Everything here is plain Rust over a [`Transport`]; the wasi implementation
//! lives in [`crate::wasi_http`]. Tests drive the same code with a scripted transport.

use crate::config::{AuthPreference, Config, Credential};
use crate::deadline::{CallBudget, Limits};
use crate::error::{Error, ErrorKind};
use crate::hosts::Target;
use crate::json_ends::{JsonEnds, StringCut};
use crate::secret::Secret;
use crate::wire::{Cx, Misfit, Wire};
use std::cell::Cell;
use std::collections::VecDeque;
use std::time::Duration;

/// The HTTP methods the component uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

/// One request, fully built except for authentication. Its `Debug` shows
/// neither the body nor the secrets it carries.
#[derive(Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL, query included.
    pub url: String,
    /// Extra headers (authentication is added by [`Client`]).
    pub headers: Vec<(String, String)>,
    /// A body, if any: JSON unless `headers` give another content-type.
    pub body: Option<Vec<u8>>,
    /// Which credential to send.
    pub auth: AuthPreference,
    /// When the request may be sent again after a failure.
    pub retry: Retry,
    /// What the request does, for error messages (e.g. "get sandbox 'dev'").
    pub what: String,
    /// How long to wait for the answer once connected; this much is also
    /// added to the request's total bound.
    pub timeout: Option<Duration>,
    /// Whether an answer over the body cap keeps its first and last parts
    /// ([`Response::cut`]) instead of failing.
    pub keep_ends: bool,
    /// For a JSON answer: keep at most this many bytes of each string, its
    /// first and last parts ([`Response::strings_cut`]), reading the answer
    /// as it arrives; any other answer keeps its ends as with `keep_ends`.
    pub string_ends: Option<usize>,
    /// What to tell the caller about a failure of this request: the first
    /// that matches replaces the generic hint, where the error is made.
    pub explanations: Vec<Explanation>,
    /// Values the request carries (e.g. git credentials in its body) that
    /// must never appear in an error: scrubbed from upstream messages like
    /// the configured credentials.
    pub secrets: Vec<Secret>,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a secret too (a preview token is a path segment).
        let url = self.secrets.iter().fold(self.url.clone(), |url, s| {
            url.replace(s.expose(), "[redacted]")
        });
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &url)
            .field("what", &self.what)
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("secrets", &self.secrets.len())
            .finish_non_exhaustive()
    }
}

/// Which failures an [`Explanation`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Any failure of this kind.
    Kind(ErrorKind),
    /// An answer with this status.
    Status(u16),
    /// An answer whose body carries this typed `code` (e.g. the toolbox's
    /// `GIT_PUSH_REJECTED`).
    Code(&'static str),
}

/// What a request's failure means for this operation: a hint, and a
/// sentence added to the message when the generic one would mislead.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The failures it is about.
    pub when: When,
    /// Added to the message.
    pub note: Option<String>,
    /// What to do next.
    pub hint: String,
}

impl Request {
    /// A request with the given method to an absolute URL.
    pub fn new(method: Method, url: String, what: impl Into<String>) -> Self {
        Request {
            method,
            url,
            headers: Vec::new(),
            body: None,
            auth: AuthPreference::ApiKeyFirst,
            retry: if method == Method::Get {
                Retry::Always
            } else {
                Retry::Throttled
            },
            what: what.into(),
            timeout: None,
            keep_ends: false,
            string_ends: None,
            explanations: Vec::new(),
            secrets: Vec::new(),
        }
    }

    /// Carry a secret (a git password, a username): it is scrubbed from
    /// every error this request ends in. Empty values are ignored.
    pub fn secret(mut self, value: Option<&Secret>) -> Self {
        if let Some(value) = value.filter(|v| !v.expose().is_empty()) {
            self.secrets.push(value.clone());
        }
        self
    }

    /// Append a query parameter, percent-encoded.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        self.url = format!(
            "{}{sep}{}={}",
            self.url,
            encode_component(name),
            encode_component(value)
        );
        self
    }

    /// Append a query parameter when it has a value.
    pub fn query_opt(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Set a JSON body.
    pub fn json<B: serde::Serialize>(self, body: &B) -> Result<Self, Error> {
        self.encoded(serde_json::to_vec(body))
    }

    /// [`Request::json`] once the body is encoded: compiled once, not once per body type.
    #[inline(never)]
    fn encoded(mut self, bytes: Result<Vec<u8>, serde_json::Error>) -> Result<Self, Error> {
        let bytes = bytes
            .map_err(|e| Error::invalid_input(format!("could not encode the request: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }

    /// Choose the credential.
    pub fn auth(mut self, auth: AuthPreference) -> Self {
        self.auth = auth;
        self
    }

    /// Mark whether the request may be repeated safely.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.retry = if idempotent {
            Retry::Always
        } else {
            Retry::Throttled
        };
        self
    }

    /// Bound the wait for the answer (first byte, and between bytes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Keep the first and last parts of an answer over the body cap instead of failing.
    pub fn keep_ends(mut self) -> Self {
        self.keep_ends = true;
        self
    }

    /// Keep the ends of each string of a JSON answer beyond `keep` bytes
    /// ([`Request::string_ends`]), and the ends of any other answer over the cap.
    pub fn keep_string_ends(mut self, keep: usize) -> Self {
        self.string_ends = Some(keep);
        self.keep_ends = true;
        self
    }

    /// Say what to do when this request fails `when`.
    pub fn hint(self, when: When, hint: impl Into<String>) -> Self {
        self.explain(when, None, hint)
    }

    /// Say what a failure `when` means (added to the message) and what to do.
    pub fn explain(mut self, when: When, note: Option<String>, hint: impl Into<String>) -> Self {
        self.explanations.push(Explanation {
            when,
            note,
            hint: hint.into(),
        });
        self
    }

    /// The error as this request explains it.
    fn explained(&self, mut err: Error) -> Error {
        let found = self.explanations.iter().find(|x| match x.when {
            When::Kind(kind) => err.kind == kind,
            When::Status(status) => err.status == Some(status),
            When::Code(code) => err.code.as_deref() == Some(code),
        });
        if let Some(x) = found {
            if let Some(note) = &x.note {
                err.message = format!("{}. {note}", err.message);
            }
            err.hint = Some(x.hint.clone());
        }
        err
    }
}

/// When a failed request may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// On 429, gateway errors (502/503/504) and failures to connect or read:
    /// for requests whose repetition has no further effect.
    Always,
    /// Only on 429, which Daytona answers before acting: for requests that
    /// must not run twice (creating a sandbox, minting a key).
    Throttled,
}

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
    /// ([`Request::keep_string_ends`]), in order.
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
fn seconds(text: &str) -> Option<Duration> {
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

/// Sends requests for one configuration and one tool call: adds
/// authentication, retries, maps errors, and keeps every request and wait
/// within the call's time budget.
pub struct Client<'a, T: Transport> {
    /// The configuration.
    pub config: &'a Config,
    /// The transport.
    pub transport: &'a T,
    /// Retry bounds.
    pub retry: RetryPolicy,
    budget: Cell<CallBudget>,
}

impl<'a, T: Transport> Client<'a, T> {
    /// A client with the default retry policy, for one call starting now
    /// (its budget is `DAYTONA_CALL_TIMEOUT_MS`).
    pub fn new(config: &'a Config, transport: &'a T) -> Self {
        let budget = CallBudget::new(transport.monotonic_nanos(), config.call_timeout);
        Client {
            config,
            transport,
            retry: RetryPolicy::default(),
            budget: Cell::new(budget),
        }
    }

    /// Give the call `extra` time beyond `DAYTONA_CALL_TIMEOUT_MS`: the wait
    /// or run time its caller asked for.
    pub fn extend_call(&self, extra: Duration) {
        let mut budget = self.budget.get();
        budget.extend(extra);
        self.budget.set(budget);
    }

    /// Time left in the call's budget.
    pub fn call_left(&self) -> Duration {
        self.budget.get().left(self.transport.monotonic_nanos())
    }

    /// The `timeout` error for a call whose budget ran out during `what`.
    pub fn call_exhausted(&self, what: &str) -> Error {
        self.budget.get().exhausted(what)
    }

    /// The bounds of a request attempt starting now.
    fn limits(&self, request: &Request) -> Limits {
        let own = request.timeout.unwrap_or_default();
        Limits::new(
            self.transport.monotonic_nanos(),
            self.config.connect_timeout,
            request.timeout.unwrap_or(self.config.response_timeout),
            self.config.request_timeout.saturating_add(own),
            self.budget.get().end,
        )
    }

    /// The API URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.config.api_url, path)
    }

    /// The secrets to scrub from anything that came from outside.
    pub fn secrets(&self) -> Vec<&str> {
        [&self.config.api_key, &self.config.jwt]
            .into_iter()
            .flatten()
            .map(|s| s.expose())
            .collect()
    }

    /// Send a request (retrying when allowed) and return a 2xx answer, or the
    /// mapped error as the request explains it.
    pub fn send(&self, request: &Request) -> Result<Response, Error> {
        self.attempt(request).map_err(|e| request.explained(e))
    }

    fn attempt(&self, request: &Request) -> Result<Response, Error> {
        // Every request, API or toolbox, is parsed once and checked against
        // the host policy before its credential is added; that parse is sent.
        let target = self
            .config
            .hosts
            .check_url(&request.url, &format!("the URL to {}", request.what))?;
        let headers = self.headers(request)?;
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            if self.call_left().is_zero() {
                return Err(self.call_exhausted(&request.what));
            }
            let outcome = self
                .transport
                .send(&target, request, &headers, &self.limits(request));
            let (status, server_wait) = match &outcome {
                Ok(r) if (200..300).contains(&r.status) => return outcome,
                Ok(r) => (Some(r.status), retry_after(r)),
                Err(e) if !e.retryable => return outcome,
                Err(_) => (None, None),
            };
            let jitter = (self.transport.random_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let delay =
                self.retry
                    .delay(request.retry, attempt, status, server_wait, waited, jitter);
            // A wait that would use up the call's time only delays the error.
            let delay = delay.filter(|d| *d < self.call_left());
            match delay {
                Some(delay) => {
                    self.transport.sleep(delay);
                    waited += delay;
                    attempt += 1;
                }
                None => {
                    return Err(match outcome {
                        Ok(r) => self.map_failure(request, &r),
                        Err(e) => e,
                    });
                }
            }
        }
    }

    /// Send a request and decode its JSON answer.
    #[inline]
    pub fn json<R: Wire>(&self, request: &Request) -> Result<R, Error> {
        read(self.value(request)?, &request.what)
    }

    /// Send a request and parse its JSON answer (for [`Client::json`], out of the generic part).
    fn value(&self, request: &Request) -> Result<serde_json::Value, Error> {
        parse(&self.send(request)?.body, &request.what)
    }

    fn map_failure(&self, request: &Request, response: &Response) -> Error {
        let mut secrets = self.secrets();
        secrets.extend(request.secrets.iter().map(Secret::expose));
        let mut err =
            Error::from_response(response.status, &response.body, &request.what, &secrets);
        if err.kind == ErrorKind::RateLimited
            && let Some(wait) = retry_after(response)
        {
            err = err.with_hint(format!(
                "Daytona is throttling requests; wait {} s and try again",
                wait.as_secs().max(1)
            ));
        }
        err
    }

    fn headers(&self, request: &Request) -> Result<Vec<(String, String)>, Error> {
        let mut headers = request.headers.clone();
        match self.config.credential(request.auth)? {
            Credential::ApiKey(key) => {
                headers.push(("authorization".into(), format!("Bearer {}", key.expose())));
            }
            Credential::Jwt {
                token,
                organization_id,
            } => {
                headers.push(("authorization".into(), format!("Bearer {}", token.expose())));
                headers.push((
                    "x-daytona-organization-id".into(),
                    organization_id.to_string(),
                ));
            }
        }
        headers.push(("x-daytona-source".into(), "daytona-tools".into()));
        // A body is JSON unless the request says otherwise (a multipart upload).
        let typed = headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        if request.body.is_some() && !typed {
            headers.push(("content-type".into(), "application/json".into()));
        }
        // The length is known: without it wasi:http hosts send the body
        // chunked, which some servers and proxies in front of Daytona refuse.
        if let Some(body) = &request.body {
            headers.push(("content-length".into(), body.len().to_string()));
        }
        headers.push(("accept".into(), "application/json".into()));
        Ok(headers)
    }
}

/// Decode a JSON answer: parsed once into a `Value`, then read through
/// [`Wire`]. The error names where the JSON broke (line and column) or, for a
/// value that does not fit, its path (e.g. `items[3].state`); never its content.
///
/// (`decode`, [`read`] and [`Client::json`] are inlined: a copy of each per
/// answer type costs more than the calls at their few call sites.)
#[inline]
pub fn decode<R: Wire>(body: &[u8], what: &str) -> Result<R, Error> {
    read(parse(body, what)?, what)
}

/// Parse a JSON answer, for [`read`].
pub fn parse(body: &[u8], what: &str) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(body).map_err(|e| {
        unreadable(
            what,
            format!(
                "{:?} error at line {} column {}",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
    })
}

/// Read a parsed answer as `R`.
#[inline]
pub fn read<R: Wire>(value: serde_json::Value, what: &str) -> Result<R, Error> {
    let mut cx = Cx::default();
    let read = R::read(value, &mut cx);
    checked(cx, what)?;
    Ok(read)
}

/// [`read`]'s outcome, out of the generic function so that it is compiled once.
fn checked(cx: Cx, what: &str) -> Result<(), Error> {
    cx.finish().map_err(|m| misfit(&m, what))
}

fn misfit(m: &Misfit, what: &str) -> Error {
    let path = m.path();
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    };
    unreadable(what, format!("Data error{at}: {}", m.problem()))
}

fn unreadable(what: &str, detail: String) -> Error {
    Error::new(
        ErrorKind::Upstream,
        format!("{what}: Daytona's answer could not be read ({detail})"),
    )
    .with_hint("check that DAYTONA_API_URL points at Daytona's API (it usually ends in /api)")
}

/// Percent-encode a path segment or query component (RFC 3986 unreserved kept).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! A scripted transport for unit tests of request logic.
    use super::*;
    use crate::env::Env;
    use std::cell::RefCell;

    /// A request as sent, with the headers the client added.
    pub type Sent = (Request, Vec<(String, String)>);

    /// Answers requests from a script and records what was sent.
    #[derive(Default)]
    pub struct Scripted {
        pub answers: RefCell<VecDeque<Result<Response, Error>>>,
        pub sent: RefCell<Vec<Sent>>,
        pub slept: RefCell<Vec<Duration>>,
        /// Wall-clock time the transport reports; sleeping advances it.
        pub now_millis: std::cell::Cell<u64>,
        /// Monotonic time the transport reports; sleeping and sending advance it.
        pub monotonic: std::cell::Cell<u64>,
        /// How long each send takes on the monotonic clock.
        pub send_cost: std::cell::Cell<Duration>,
        /// The bounds each send was given.
        pub limits: RefCell<Vec<Limits>>,
    }

    impl Scripted {
        pub fn answer(&self, status: u16, headers: &[(&str, &str)], body: &str) -> &Self {
            self.answers.borrow_mut().push_back(Ok(Response {
                status,
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body: body.as_bytes().to_vec(),
                cut: None,
                strings_cut: Vec::new(),
            }));
            self
        }
        pub fn urls(&self) -> Vec<String> {
            self.sent
                .borrow()
                .iter()
                .map(|(r, _)| r.url.clone())
                .collect()
        }
    }

    impl Transport for Scripted {
        fn send(
            &self,
            _target: &Target,
            request: &Request,
            headers: &[(String, String)],
            limits: &Limits,
        ) -> Result<Response, Error> {
            self.sent
                .borrow_mut()
                .push((request.clone(), headers.to_vec()));
            self.limits.borrow_mut().push(*limits);
            self.monotonic.set(
                self.monotonic
                    .get()
                    .saturating_add(crate::deadline::nanos(self.send_cost.get())),
            );
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| panic!("no scripted answer for {}", request.url))
        }
        fn sleep(&self, duration: Duration) {
            self.slept.borrow_mut().push(duration);
            self.now_millis
                .set(self.now_millis.get() + duration.as_millis() as u64);
            self.monotonic.set(
                self.monotonic
                    .get()
                    .saturating_add(crate::deadline::nanos(duration)),
            );
        }
        fn random_u64(&self) -> u64 {
            u64::MAX / 2
        }
        fn now_unix_millis(&self) -> u64 {
            self.now_millis.get()
        }
        fn monotonic_nanos(&self) -> u64 {
            self.monotonic.get()
        }
    }

    pub fn config() -> Config {
        Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "dtn_testkey"),
            ("DAYTONA_API_URL", "http://emu/api"),
        ]))
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::env::Env;

    #[test]
    fn retry_after_takes_decimal_seconds_up_to_an_hour() {
        let ms = Duration::from_millis;
        assert_eq!(seconds("2"), Some(ms(2000)));
        assert_eq!(seconds("+2"), Some(ms(2000)));
        assert_eq!(seconds("1.5"), Some(ms(1500)));
        assert_eq!(seconds(".25"), Some(ms(250)));
        assert_eq!(seconds("3."), Some(ms(3000)));
        assert_eq!(seconds("0.0000000019"), Some(Duration::from_nanos(1)));
        assert_eq!(seconds("3600.5"), Some(ms(3_600_000)));
        assert_eq!(seconds("99999999999999999999999"), Some(ms(3_600_000)));
        for bad in [
            "",
            ".",
            "-1",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            "Wed, 21 Oct 2015 07:28:00 GMT",
        ] {
            assert_eq!(seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn query_values_are_percent_encoded() {
        let r = Request::new(Method::Get, "http://h/api/sandbox".into(), "list")
            .query("labels", r#"{"a":"b c"}"#)
            .query("limit", "5");
        assert_eq!(
            r.url,
            "http://h/api/sandbox?labels=%7B%22a%22%3A%22b%20c%22%7D&limit=5"
        );
    }

    #[test]
    fn api_key_auth_sends_no_org_header() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], "{}");
        Client::new(&cfg, &t)
            .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap();
        let sent = t.sent.borrow();
        let headers = &sent[0].1;
        assert!(headers.contains(&("authorization".into(), "Bearer dtn_testkey".into())));
        assert!(
            !headers
                .iter()
                .any(|(k, _)| k == "x-daytona-organization-id")
        );
    }

    #[test]
    fn a_body_is_sent_with_its_length_and_no_body_without_one() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], "{}").answer(200, &[], "{}");
        let client = Client::new(&cfg, &t);
        let post = Request::new(Method::Post, "http://emu/api/x".into(), "x")
            .json(&serde_json::json!({"name": "é"}))
            .unwrap();
        client.send(&post).unwrap();
        client
            .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap();
        let sent = t.sent.borrow();
        let length = |i: usize| {
            sent[i]
                .1
                .iter()
                .filter(|(k, _)| k == "content-length")
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        // `{"name":"é"}`: 13 bytes, the é two of them.
        assert_eq!(length(0), ["13"]);
        assert!(length(1).is_empty());
    }

    #[test]
    fn throttled_get_is_retried_after_the_servers_wait() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(429, &[("retry-after-sandbox-lifecycle", "2")], "{}")
            .answer(503, &[], "{}")
            .answer(200, &[], r#"{"ok":true}"#);
        let v: serde_json::Value = Client::new(&cfg, &t)
            .json(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap();
        assert_eq!(v["ok"], true);
        let slept = t.slept.borrow();
        assert_eq!(slept.len(), 2);
        assert_eq!(slept[0], Duration::from_secs(2));
    }

    #[test]
    fn non_idempotent_requests_are_not_retried() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(503, &[], "{}");
        let req = Request::new(Method::Post, "http://emu/api/x".into(), "create");
        let err = Client::new(&cfg, &t).send(&req).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert_eq!(t.sent.borrow().len(), 1);
        // ...but a 429 means Daytona did nothing, so even a create is sent again.
        t.answer(429, &[("retry-after", "1")], "{}")
            .answer(200, &[], "{}");
        Client::new(&cfg, &t).send(&req).unwrap();
        assert_eq!(t.sent.borrow().len(), 3);
    }

    #[test]
    fn retries_stop_at_max_attempts_with_rate_limited_error() {
        let cfg = config();
        let t = Scripted::default();
        for _ in 0..4 {
            t.answer(
                429,
                &[],
                r#"{"message":"ThrottlerException: Too Many Requests"}"#,
            );
        }
        let err = Client::new(&cfg, &t)
            .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::RateLimited);
        assert!(err.retryable);
        assert_eq!(t.sent.borrow().len(), 4);
    }

    #[test]
    fn a_server_wait_beyond_the_budget_stops_retrying() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delay(
                Retry::Always,
                0,
                Some(429),
                Some(Duration::from_secs(60)),
                Duration::ZERO,
                0.5
            ),
            None
        );
        assert!(
            policy
                .delay(Retry::Always, 0, Some(404), None, Duration::ZERO, 0.5)
                .is_none()
        );
        assert!(
            policy
                .delay(Retry::Always, 0, None, None, Duration::ZERO, 0.5)
                .is_some()
        );
        assert!(
            policy
                .delay(Retry::Throttled, 0, None, None, Duration::ZERO, 0.5)
                .is_none()
        );
        assert!(
            policy
                .delay(Retry::Throttled, 0, Some(503), None, Duration::ZERO, 0.5)
                .is_none()
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            budget: Duration::from_secs(1000),
            ..RetryPolicy::default()
        };
        let d: Vec<_> = (0..8)
            .map(|a| {
                p.delay(Retry::Always, a, Some(503), None, Duration::ZERO, 0.999)
                    .unwrap()
            })
            .collect();
        assert!(d.windows(2).all(|w| w[0] <= w[1]));
        assert!(d[7] <= p.max_delay);
    }

    #[test]
    fn a_value_that_does_not_fit_names_its_path() {
        let err = decode::<crate::models::CursorPage<crate::models::Sandbox>>(
            br#"{"items":[{"id":"a"},{"id":"b","state":["x"]}]}"#,
            "list sandboxes",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "list sandboxes: Daytona's answer could not be read (Data error at `items[1].state`: expected a string)"
        );
        assert!(err.hint.is_some());
        let top = decode::<crate::models::Sandbox>(b"[]", "get sandbox").unwrap_err();
        assert!(
            top.message.ends_with("(Data error: expected an object)"),
            "{}",
            top.message
        );
    }

    #[test]
    fn broken_json_names_position_not_content() {
        let err = decode::<serde_json::Value>(b"{\"secretish\": ", "list").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(!err.message.contains("secretish"));
        assert!(
            err.message.ends_with("(Eof error at line 1 column 14)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn bodies_over_the_cap_fail_unless_the_ends_are_kept() {
        let mut refuse = BodyBuffer::new(10, false);
        refuse.push(b"0123456").unwrap();
        assert_eq!(refuse.push(b"7890"), Err(10));

        let mut fits = BodyBuffer::new(10, true);
        fits.push(b"01234").unwrap();
        fits.push(b"56789").unwrap();
        assert_eq!(fits.finish(), (b"0123456789".to_vec(), None));

        let mut ends = BodyBuffer::new(10, true);
        for chunk in [&b"abc"[..], b"defgh", b"ijklmnopqrstuvw", b"xyz"] {
            ends.push(chunk).unwrap();
        }
        let (head, cut) = ends.finish();
        assert_eq!(head, b"abcde");
        assert_eq!(
            cut,
            Some(Cut {
                tail: b"vwxyz".to_vec(),
                total: 26
            })
        );
    }

    #[test]
    fn every_request_passes_the_host_policy_before_the_transport_sees_it() {
        let cfg = Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://localhost:3000/api"),
        ]))
        .unwrap();
        let t = Scripted::default();
        let client = Client::new(&cfg, &t);
        for (url, kind) in [
            ("http://localhost:6379/x", ErrorKind::Config),
            ("http://evil.example:3000/x", ErrorKind::Config),
            ("http://localhost:3000?@evil.example/x", ErrorKind::Upstream),
            (
                "http://evil.example\\.localhost:3000/x",
                ErrorKind::Upstream,
            ),
        ] {
            let err = client
                .send(&Request::new(Method::Get, url.into(), "x"))
                .unwrap_err();
            assert_eq!(err.kind, kind, "{url}: {err:?}");
        }
        assert!(t.sent.borrow().is_empty());
        t.answer(200, &[], "{}");
        client
            .send(&Request::new(Method::Get, client.url("/x"), "x"))
            .unwrap();
        assert_eq!(t.urls(), ["http://localhost:3000/api/x"]);
    }

    #[test]
    fn only_a_successful_json_answer_has_its_strings_cut() {
        let asks = Request::new(Method::Post, "http://emu/x".into(), "x").keep_string_ends(8);
        let plain = Request::new(Method::Post, "http://emu/x".into(), "x");
        let json = br#"{"message":"0123456789abcdef"}"#;
        for (req, status, content_type, cut) in [
            (&asks, 200, None, true),
            (&asks, 201, Some("application/json; charset=utf-8"), true),
            (&asks, 400, Some("application/json"), false),
            (&asks, 200, Some("text/plain"), false),
            (&plain, 200, None, false),
        ] {
            let mut body = Body::new(1024, req, status, content_type);
            body.push(json).unwrap();
            let (bytes, _, strings) = body.finish();
            assert_eq!(!strings.is_empty(), cut, "{status} {content_type:?}");
            if !cut {
                assert_eq!(bytes, json);
            }
        }
    }

    #[test]
    fn attempts_get_the_configured_bounds_and_a_commands_own_wait() {
        let cfg = Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://emu/api"),
            ("DAYTONA_CONNECT_TIMEOUT_MS", "100"),
            ("DAYTONA_RESPONSE_TIMEOUT_MS", "300"),
            ("DAYTONA_REQUEST_TIMEOUT_MS", "2000"),
        ]))
        .unwrap();
        let t = Scripted::default();
        t.answer(200, &[], "{}").answer(200, &[], "{}");
        let client = Client::new(&cfg, &t);
        let get = Request::new(Method::Get, "http://emu/api/x".into(), "x");
        client.send(&get).unwrap();
        client
            .send(&get.clone().timeout(Duration::from_secs(25)))
            .unwrap();
        let limits = t.limits.borrow();
        assert_eq!(limits[0].connect, Duration::from_millis(100));
        assert_eq!(limits[0].response, Duration::from_millis(300));
        assert_eq!(limits[0].end - limits[0].started, 2_000_000_000);
        assert_eq!(limits[0].end_bound, crate::deadline::Bound::Request);
        assert_eq!(limits[1].response, Duration::from_secs(25));
        assert_eq!(limits[1].end - limits[1].started, 27_000_000_000);
    }

    #[test]
    fn retries_stop_when_the_call_budget_would_run_out() {
        let cfg = Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://emu/api"),
            ("DAYTONA_CALL_TIMEOUT_MS", "1000"),
        ]))
        .unwrap();
        let t = Scripted::default();
        t.send_cost.set(Duration::from_millis(400));
        for _ in 0..4 {
            t.answer(503, &[], "{}");
        }
        let client = Client::new(&cfg, &t);
        let err = client
            .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap_err();
        // The real cause is reported, not the budget.
        assert_eq!(err.status, Some(503));
        assert!(t.sent.borrow().len() < 4);
        // Every attempt was told when the call ends.
        assert!(t.limits.borrow().iter().all(|l| l.end <= 1_000_000_000));
        assert!(t.monotonic.get() <= 1_000_000_000 + 400_000_000);
    }

    #[test]
    fn nothing_is_sent_once_the_call_budget_is_spent() {
        let cfg = Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://emu/api"),
            ("DAYTONA_CALL_TIMEOUT_MS", "1000"),
        ]))
        .unwrap();
        let t = Scripted::default();
        let client = Client::new(&cfg, &t);
        t.sleep(Duration::from_secs(1));
        let err = client
            .send(&Request::new(
                Method::Get,
                "http://emu/api/x".into(),
                "list x",
            ))
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Timeout);
        assert!(err.message.contains("per-call bound"), "{err}");
        assert!(t.sent.borrow().is_empty());
    }

    #[test]
    fn a_wall_clock_step_does_not_move_deadlines() {
        let cfg = config();
        let t = Scripted::default();
        t.now_millis.set(1_893_456_000_000);
        t.answer(200, &[], "{}");
        let client = Client::new(&cfg, &t);
        t.now_millis.set(0); // the wall clock jumps back 60 years
        let before = client.call_left();
        client
            .send(&Request::new(Method::Get, "http://emu/api/x".into(), "x"))
            .unwrap();
        assert_eq!(client.call_left(), before);
        assert_eq!(before, cfg.call_timeout);
    }
}
