//! One request: its method, URL, body, credential choice, retry mode, and
//! what to say when it fails.

use crate::config::AuthPreference;
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
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
    /// Extra headers (authentication is added by [`Client`](super::Client)).
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
    /// ([`Response::cut`](super::Response::cut)) instead of failing.
    pub keep_ends: bool,
    /// For a JSON answer: keep at most this many bytes of each string, its
    /// first and last parts ([`Response::strings_cut`](super::Response::strings_cut)), reading the answer
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
    pub(super) fn explained(&self, mut err: Error) -> Error {
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
