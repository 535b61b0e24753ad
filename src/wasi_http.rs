//! The one module that sends requests: [`Transport`] over `wasi:http/outgoing-handler`.
//!
//! Written on the `wasip2` crate's types rather than waki's client because waki
//! 0.5 can set only a connect timeout, and every request here also needs a
//! first-byte and a between-bytes timeout (`wasi:http` request options).

use crate::error::{Error, ErrorKind};
use crate::http::{Method, Request, Response, Transport};
use std::time::Duration;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, Method as WasiMethod, OutgoingBody, OutgoingRequest, RequestOptions, Scheme,
};
use wasip2::io::streams::StreamError;

/// Largest answer body read; anything longer is refused rather than buffered.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Sends requests with `wasi:http/outgoing-handler`.
pub struct WasiTransport {
    /// Bound on establishing a connection.
    pub connect_timeout: Duration,
    /// Bound on the wait for the first byte and between bytes, unless the request sets its own.
    pub response_timeout: Duration,
    /// Largest body read.
    pub max_body: usize,
}

impl Transport for WasiTransport {
    fn send(&self, request: &Request, headers: &[(String, String)]) -> Result<Response, Error> {
        self.send_inner(request, headers)
            .map_err(|failure| failure.into_error(request))
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

/// Why a send failed, before it becomes an [`Error`].
enum Failure {
    /// The URL or a header could not be expressed as a request.
    Invalid(&'static str),
    /// `wasi:http` reported an error.
    Http(ErrorCode),
    /// A stream or resource misbehaved.
    Io(&'static str),
    /// The body exceeded the limit.
    TooLarge(usize),
}

impl WasiTransport {
    fn send_inner(
        &self,
        request: &Request,
        headers: &[(String, String)],
    ) -> Result<Response, Failure> {
        let (scheme, authority, path) = split_url(&request.url).ok_or(Failure::Invalid("URL"))?;
        let entries: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
            .collect();
        let fields = Fields::from_list(&entries).map_err(|_| Failure::Invalid("header"))?;
        let outgoing = OutgoingRequest::new(fields);
        let method = match request.method {
            Method::Get => WasiMethod::Get,
            Method::Post => WasiMethod::Post,
            Method::Delete => WasiMethod::Delete,
        };
        let scheme = if scheme == "https" {
            Scheme::Https
        } else {
            Scheme::Http
        };
        outgoing
            .set_method(&method)
            .and_then(|()| outgoing.set_scheme(Some(&scheme)))
            .and_then(|()| outgoing.set_authority(Some(authority)))
            .and_then(|()| outgoing.set_path_with_query(Some(path)))
            .map_err(|()| Failure::Invalid("URL"))?;

        // Hosts that do not support a timeout (jco's shim, for one) refuse to set it;
        // the request still goes, bounded by what the host enforces.
        let options = RequestOptions::new();
        let response_timeout = request.timeout.unwrap_or(self.response_timeout);
        let _ = options.set_connect_timeout(Some(nanos(self.connect_timeout)));
        let _ = options.set_first_byte_timeout(Some(nanos(response_timeout)));
        let _ = options.set_between_bytes_timeout(Some(nanos(response_timeout)));

        let body = outgoing.body().map_err(|()| Failure::Io("request body"))?;
        let future = outgoing_handler::handle(outgoing, Some(options)).map_err(Failure::Http)?;
        write_body(&body, request.body.as_deref().unwrap_or_default())?;
        OutgoingBody::finish(body, None).map_err(Failure::Http)?;

        future.subscribe().block();
        let incoming = match future.get() {
            Some(Ok(Ok(response))) => response,
            Some(Ok(Err(code))) => return Err(Failure::Http(code)),
            Some(Err(())) | None => return Err(Failure::Io("response")),
        };
        let status = incoming.status();
        let headers = incoming
            .headers()
            .entries()
            .into_iter()
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    String::from_utf8_lossy(&v).into_owned(),
                )
            })
            .collect();
        let body = incoming
            .consume()
            .map_err(|()| Failure::Io("response body"))?;
        let stream = body.stream().map_err(|()| Failure::Io("response body"))?;
        let mut bytes = Vec::new();
        loop {
            match stream.blocking_read(64 * 1024) {
                Ok(chunk) => bytes.extend_from_slice(&chunk),
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    return Err(wasip2::http::types::http_error_code(&e)
                        .map_or(Failure::Io("response body"), Failure::Http));
                }
            }
            if bytes.len() > self.max_body {
                return Err(Failure::TooLarge(self.max_body));
            }
        }
        drop(stream);
        drop(body);
        Ok(Response {
            status,
            headers,
            body: bytes,
        })
    }
}

fn write_body(body: &OutgoingBody, bytes: &[u8]) -> Result<(), Failure> {
    if bytes.is_empty() {
        return Ok(());
    }
    let stream = body.write().map_err(|()| Failure::Io("request body"))?;
    // blocking-write-and-flush takes at most 4096 bytes a call.
    for chunk in bytes.chunks(4096) {
        stream
            .blocking_write_and_flush(chunk)
            .map_err(|_| Failure::Io("request body"))?;
    }
    Ok(())
}

fn nanos(d: Duration) -> u64 {
    d.as_nanos().min(u64::MAX as u128) as u64
}

/// `(scheme, authority, path?query)` of an absolute http(s) URL.
fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let split = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.is_empty() {
        return None;
    }
    Some((scheme, authority, if path.is_empty() { "/" } else { path }))
}

impl Failure {
    /// Name the host and what failed; never headers or bodies.
    fn into_error(self, request: &Request) -> Error {
        let host = split_url(&request.url).map_or("the Daytona API", |(_, a, _)| a);
        let what = &request.what;
        let (kind, reason, hint, retryable) = match self {
            Failure::Invalid(part) => (
                ErrorKind::InvalidInput,
                format!("the request's {part} is not valid"),
                "check DAYTONA_API_URL and the arguments",
                false,
            ),
            Failure::TooLarge(limit) => (
                ErrorKind::Upstream,
                format!("Daytona's answer is larger than {limit} bytes and was not read"),
                "narrow the request (e.g. a smaller limit) and try again",
                false,
            ),
            Failure::Io(part) => (
                ErrorKind::Transport,
                format!("the {part} could not be read or written"),
                "try again",
                true,
            ),
            Failure::Http(ErrorCode::HttpRequestDenied) => (
                ErrorKind::Transport,
                "the host runtime denied the request".to_string(),
                "allow this host in the runtime's outbound allowlist, or fix DAYTONA_API_URL",
                false,
            ),
            Failure::Http(
                code @ (ErrorCode::ConnectionTimeout
                | ErrorCode::ConnectionReadTimeout
                | ErrorCode::HttpResponseTimeout
                | ErrorCode::DnsTimeout),
            ) => (
                ErrorKind::Timeout,
                format!("no answer in time ({})", code_name(&code)),
                "Daytona did not answer in time; try again, or raise DAYTONA_RESPONSE_TIMEOUT_MS",
                true,
            ),
            Failure::Http(code) => (
                ErrorKind::Transport,
                code_name(&code),
                "check DAYTONA_API_URL and the network, then try again",
                true,
            ),
        };
        let mut err =
            Error::new(kind, format!("{what}: could not reach {host}: {reason}")).with_hint(hint);
        err.retryable = retryable;
        err
    }
}

/// The variant name of an error code, without any payload text.
fn code_name(code: &ErrorCode) -> String {
    let debug = format!("{code:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or("error")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_scheme_authority_and_path() {
        assert_eq!(
            split_url("https://app.daytona.io/api/sandbox?limit=1"),
            Some(("https", "app.daytona.io", "/api/sandbox?limit=1"))
        );
        assert_eq!(
            split_url("http://127.0.0.1:80"),
            Some(("http", "127.0.0.1:80", "/"))
        );
        assert_eq!(split_url("ftp://x/y"), None);
        assert_eq!(split_url("http:///y"), None);
    }
}
