//! Requests to Daytona: building them, the transport seam, authentication,
//! retries with backoff, and decoding answers.
//!
//! Everything here is plain Rust over a [`Transport`]; the wasi implementation
//! lives in [`crate::wasi_http`]. Tests drive the same code with a scripted transport.

use crate::config::{AuthPreference, Config, Credential};
use crate::error::{Error, ErrorKind};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// The HTTP methods the component uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// DELETE.
    Delete,
}

/// One request, fully built except for authentication.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// The absolute URL, query included.
    pub url: String,
    /// Extra headers (authentication is added by [`Client`]).
    pub headers: Vec<(String, String)>,
    /// A JSON body, if any.
    pub body: Option<Vec<u8>>,
    /// Which credential to send.
    pub auth: AuthPreference,
    /// When the request may be sent again after a failure.
    pub retry: Retry,
    /// What the request does, for error messages (e.g. "get sandbox 'dev'").
    pub what: String,
    /// How long to wait for the answer once connected.
    pub timeout: Option<Duration>,
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
        }
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
    pub fn json<B: serde::Serialize>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
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
    /// The body.
    pub body: Vec<u8>,
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
    /// Send one request and read the whole answer; failures to send or read are `Error`s.
    fn send(&self, request: &Request, headers: &[(String, String)]) -> Result<Response, Error>;
    /// Wait.
    fn sleep(&self, duration: Duration);
    /// A random number, for backoff jitter and names.
    fn random_u64(&self) -> u64;
    /// Wall-clock time, milliseconds since the Unix epoch.
    fn now_unix_millis(&self) -> u64;
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
        .filter_map(|(_, v)| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(3600.0)))
        .max()
}

/// Sends requests for one configuration: adds authentication, retries, maps errors.
pub struct Client<'a, T: Transport> {
    /// The configuration.
    pub config: &'a Config,
    /// The transport.
    pub transport: &'a T,
    /// Retry bounds.
    pub retry: RetryPolicy,
}

impl<'a, T: Transport> Client<'a, T> {
    /// A client with the default retry policy.
    pub fn new(config: &'a Config, transport: &'a T) -> Self {
        Client {
            config,
            transport,
            retry: RetryPolicy::default(),
        }
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

    /// Send a request (retrying when allowed) and return a 2xx answer, or the mapped error.
    pub fn send(&self, request: &Request) -> Result<Response, Error> {
        let headers = self.headers(request)?;
        let mut waited = Duration::ZERO;
        let mut attempt = 0;
        loop {
            let outcome = self.transport.send(request, &headers);
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
    pub fn json<R: DeserializeOwned>(&self, request: &Request) -> Result<R, Error> {
        let response = self.send(request)?;
        decode(&response.body, &request.what)
    }

    fn map_failure(&self, request: &Request, response: &Response) -> Error {
        let mut err = Error::from_response(
            response.status,
            &response.body,
            &request.what,
            &self.secrets(),
        );
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
        if request.body.is_some() {
            headers.push(("content-type".into(), "application/json".into()));
        }
        headers.push(("accept".into(), "application/json".into()));
        Ok(headers)
    }
}

/// Decode a JSON answer. The error names where the JSON broke, never its content.
pub fn decode<R: DeserializeOwned>(body: &[u8], what: &str) -> Result<R, Error> {
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorKind::Upstream,
            format!(
                "{what}: Daytona's answer could not be read ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ),
        )
        .with_hint("check that DAYTONA_API_URL points at Daytona's API (it usually ends in /api)")
    })
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
    use std::cell::RefCell;
    use std::collections::VecDeque;

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
        fn send(&self, request: &Request, headers: &[(String, String)]) -> Result<Response, Error> {
            self.sent
                .borrow_mut()
                .push((request.clone(), headers.to_vec()));
            self.answers
                .borrow_mut()
                .pop_front()
                .unwrap_or_else(|| panic!("no scripted answer for {}", request.url))
        }
        fn sleep(&self, duration: Duration) {
            self.slept.borrow_mut().push(duration);
            self.now_millis
                .set(self.now_millis.get() + duration.as_millis() as u64);
        }
        fn random_u64(&self) -> u64 {
            u64::MAX / 2
        }
        fn now_unix_millis(&self) -> u64 {
            self.now_millis.get()
        }
    }

    pub fn config() -> Config {
        Config::from_env([
            ("DAYTONA_API_KEY", "dtn_testkey"),
            ("DAYTONA_API_URL", "http://emu/api"),
        ])
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

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
    fn broken_json_names_position_not_content() {
        let err = decode::<serde_json::Value>(b"{\"secretish\": ", "list").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(!err.message.contains("secretish"));
    }
}
