//! The client: authentication, retries and the call's time budget around
//! the transport, and decoding answers.

use super::{Request, Response, RetryPolicy, Transport, retry_after};
use crate::config::{Config, Credential};
use crate::deadline::{CallBudget, Limits};
use crate::error::{Error, ErrorKind};
use crate::secret::Secret;
use crate::wire::{Cx, Misfit, Wire};
use std::cell::Cell;
use std::time::Duration;

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
