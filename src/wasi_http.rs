//! The one module that sends requests: [`Transport`] over `wasi:http` (through waki).

use crate::error::{Error, ErrorKind};
use crate::http::{Method, Request, Response, Transport};
use std::time::Duration;
use waki::header::HeaderName;

/// Largest answer body read; anything longer is refused rather than buffered.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Sends requests with `wasi:http/outgoing-handler`.
pub struct WasiTransport {
    /// Bound on establishing a connection.
    pub connect_timeout: Duration,
    /// Largest body read.
    pub max_body: usize,
}

impl Transport for WasiTransport {
    fn send(&self, request: &Request, headers: &[(String, String)]) -> Result<Response, Error> {
        let client = waki::Client::new();
        let builder = match request.method {
            Method::Get => client.get(&request.url),
            Method::Post => client.post(&request.url),
            Method::Delete => client.delete(&request.url),
        };
        let mut names = Vec::with_capacity(headers.len());
        for (name, value) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_input(format!("{}: a header name is not valid", request.what))
            })?;
            names.push((name, value.as_str()));
        }
        let mut builder = builder
            .connect_timeout(self.connect_timeout)
            .headers(names);
        if let Some(body) = &request.body {
            builder = builder.body(body.clone());
        }
        let response = builder
            .send()
            .map_err(|e| transport_error(request, &e.to_string()))?;
        let status = response.status_code();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        loop {
            match response.chunk(64 * 1024) {
                Ok(Some(chunk)) => body.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) => return Err(transport_error(request, &e.to_string())),
            }
            if body.len() > self.max_body {
                return Err(Error::new(
                    ErrorKind::Upstream,
                    format!(
                        "{}: Daytona's answer is larger than {} bytes and was not read",
                        request.what, self.max_body
                    ),
                )
                .with_hint("narrow the request (e.g. a smaller limit) and try again"));
            }
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn random_u64(&self) -> u64 {
        wasip2::random::random::get_random_u64()
    }

    fn now_unix_millis(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }
}

/// A request that could not be sent or answered. Names the host, never headers.
fn transport_error(request: &Request, detail: &str) -> Error {
    let host = request
        .url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or("the Daytona API");
    let denied = detail.contains("HttpRequestDenied");
    let (kind, hint) = if denied {
        (
            ErrorKind::Transport,
            "the host runtime refused the connection: allow this host in its outbound allowlist, or fix DAYTONA_API_URL",
        )
    } else if detail.contains("Timeout") {
        (
            ErrorKind::Timeout,
            "Daytona did not answer in time; try again later",
        )
    } else {
        (
            ErrorKind::Transport,
            "check DAYTONA_API_URL and the network, then try again",
        )
    };
    let reason = if denied {
        "the host runtime denied the request".to_string()
    } else {
        crate::error::scrub(detail, &[])
    };
    let mut err = Error::new(
        kind,
        format!("{}: could not reach {host}: {reason}", request.what),
    )
    .with_hint(hint);
    err.retryable = !denied;
    err
}
