//! The one module that sends requests: [`Transport`] over `wasi:http/outgoing-handler`.
//!
//! Written on the `wasip2` crate's types rather than waki's client because waki
//! 0.5 can set only a connect timeout. The timeouts are handed to the host as
//! request options, but the guest enforces them itself too: every wait (for the
//! request body to be taken, for the answer's headers, for more body) is a
//! `wasi:io/poll` over the awaited pollable and a `wasi:clocks/monotonic-clock`
//! timer at the deadline [`Limits::deadline`] names, so the bounds hold in a
//! host that ignores the options. Which bound fired, and when, is decided in
//! plain Rust ([`crate::deadline`]).

use crate::deadline::{Bound, Limits, Phase, nanos};
use crate::error::{Error, ErrorKind};
use crate::hosts::{Scheme as UrlScheme, Target};
use crate::http::{Body, Method, Request, Response, Transport};
use std::time::Duration;
use wasip2::clocks::monotonic_clock;
use wasip2::http::outgoing_handler;
use wasip2::http::types::{
    ErrorCode, Fields, FutureIncomingResponse, Method as WasiMethod, OutgoingBody, OutgoingRequest,
    RequestOptions, Scheme,
};
use wasip2::io::poll::{Pollable, poll};
use wasip2::io::streams::{OutputStream, StreamError};

/// Largest answer body read; anything longer is refused (or, for requests that
/// keep the ends, cut in the middle) rather than buffered.
pub const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// Sends requests with `wasi:http/outgoing-handler`.
pub struct WasiTransport {
    /// Largest body read.
    pub max_body: usize,
}

impl Default for WasiTransport {
    /// Reads bodies up to [`MAX_RESPONSE_BYTES`]; timeouts come with each request.
    fn default() -> Self {
        WasiTransport {
            max_body: MAX_RESPONSE_BYTES,
        }
    }
}

impl Transport for WasiTransport {
    fn send(
        &self,
        target: &Target,
        request: &Request,
        headers: &[(String, String)],
        limits: &Limits,
    ) -> Result<Response, Error> {
        self.send_inner(target, request, headers, limits)
            .map_err(|failure| failure.into_error(target, request, limits))
    }

    fn sleep(&self, duration: Duration) {
        monotonic_clock::subscribe_duration(nanos(duration)).block();
    }

    fn random_u64(&self) -> u64 {
        wasip2::random::random::get_random_u64()
    }

    fn now_unix_millis(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
    }

    fn monotonic_nanos(&self) -> u64 {
        monotonic_clock::now()
    }
}

/// Why a send failed, before it becomes an [`Error`].
enum Failure {
    /// The URL or a header could not be expressed as a request.
    Invalid(&'static str),
    /// `wasi:http` reported an error while the request was in `Phase`.
    Http(ErrorCode, Phase),
    /// A stream or resource misbehaved.
    Io(&'static str),
    /// The body exceeded the limit.
    TooLarge(usize),
    /// A deadline passed before the host answered.
    Timeout(Bound),
}

/// Wait until `ready` is ready, or fail with `bound` when the monotonic clock reaches `at`.
fn wait(ready: &Pollable, (at, bound): (u64, Bound)) -> Result<(), Failure> {
    if ready.ready() {
        return Ok(());
    }
    let timer = monotonic_clock::subscribe_instant(at);
    if poll(&[ready, &timer]).contains(&0) {
        Ok(())
    } else {
        Err(Failure::Timeout(bound))
    }
}

impl WasiTransport {
    fn send_inner(
        &self,
        target: &Target,
        request: &Request,
        headers: &[(String, String)],
        limits: &Limits,
    ) -> Result<Response, Failure> {
        let entries: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
            .collect();
        let fields = Fields::from_list(&entries).map_err(|_| Failure::Invalid("header"))?;
        let outgoing = OutgoingRequest::new(fields);
        let method = match request.method {
            Method::Get => WasiMethod::Get,
            Method::Post => WasiMethod::Post,
            Method::Put => WasiMethod::Put,
            Method::Delete => WasiMethod::Delete,
        };
        // Exactly the parts the host policy checked: the URL is not read again.
        let scheme = match target.scheme() {
            UrlScheme::Https => Scheme::Https,
            UrlScheme::Http => Scheme::Http,
        };
        outgoing
            .set_method(&method)
            .and_then(|()| outgoing.set_scheme(Some(&scheme)))
            .and_then(|()| outgoing.set_authority(Some(&target.authority())))
            .and_then(|()| outgoing.set_path_with_query(Some(target.path_and_query())))
            .map_err(|()| Failure::Invalid("URL"))?;

        // Hosts that do not support a timeout (jco's shim, for one) refuse to
        // set it, and some drop the options: the guest's own timers below hold
        // either way. The host's between-bytes timer is only a backstop at twice
        // the bound, so the guest's fires first: wasmtime 48 reports a body
        // timeout as an error without its code, which could not be named.
        let options = RequestOptions::new();
        let _ = options.set_connect_timeout(Some(nanos(limits.connect)));
        let _ = options.set_first_byte_timeout(Some(nanos(limits.response)));
        let _ = options.set_between_bytes_timeout(Some(nanos(limits.response).saturating_mul(2)));

        let body = outgoing.body().map_err(|()| Failure::Io("request body"))?;
        let future = outgoing_handler::handle(outgoing, Some(options))
            .map_err(|code| Failure::Http(code, Phase::Sending))?;
        let answered = future.subscribe();
        if let Err(failure) = send_body(body, request.body.as_deref().unwrap_or_default(), limits) {
            // A host that refused the request (or lost the connection) says why
            // on the response future; the body stream only says it closed.
            return Err(match resolve(&future, &answered, limits) {
                Err(code @ Failure::Http(..)) => code,
                _ => failure,
            });
        }
        let incoming = resolve(&future, &answered, limits)?;
        let status = incoming.status();
        let headers: Vec<(String, String)> = incoming
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
        let readable = stream.subscribe();
        let content_type = headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.as_str());
        let mut buffer = Body::new(self.max_body, request, status, content_type);
        let mut last_bytes = monotonic_clock::now();
        loop {
            match stream.read(64 * 1024) {
                Ok(chunk) if chunk.is_empty() => {
                    wait(&readable, limits.deadline(Phase::Body { last_bytes }))?;
                }
                Ok(chunk) => {
                    last_bytes = monotonic_clock::now();
                    buffer.push(&chunk).map_err(Failure::TooLarge)?;
                    // A steady trickle never waits: check the overall end here too.
                    if limits.expired(last_bytes) {
                        return Err(Failure::Timeout(limits.end_bound));
                    }
                }
                Err(StreamError::Closed) => break,
                Err(StreamError::LastOperationFailed(e)) => {
                    let phase = Phase::Body { last_bytes };
                    return Err(match wasip2::http::types::http_error_code(&e) {
                        Some(code) => Failure::Http(code, phase),
                        // A failure without a code after the bound's silence is the host's timer.
                        None if monotonic_clock::now() >= limits.deadline(phase).0 => {
                            Failure::Timeout(limits.deadline(phase).1)
                        }
                        None => Failure::Io("response body"),
                    });
                }
            }
        }
        drop(readable);
        drop(stream);
        drop(body);
        let (body, cut, strings_cut) = buffer.finish();
        Ok(Response {
            status,
            headers,
            body,
            cut,
            strings_cut,
        })
    }
}

/// Wait (within the headers deadline) for the answer's headers.
fn resolve(
    future: &FutureIncomingResponse,
    answered: &Pollable,
    limits: &Limits,
) -> Result<wasip2::http::types::IncomingResponse, Failure> {
    wait(answered, limits.deadline(Phase::Headers))?;
    match future.get() {
        Some(Ok(Ok(response))) => Ok(response),
        Some(Ok(Err(code))) => Err(Failure::Http(code, Phase::Headers)),
        Some(Err(())) | None => Err(Failure::Io("response")),
    }
}

/// Write the request body and finish it, each wait within the deadline.
fn send_body(body: OutgoingBody, bytes: &[u8], limits: &Limits) -> Result<(), Failure> {
    if !bytes.is_empty() {
        let stream = body.write().map_err(|()| Failure::Io("request body"))?;
        write_all(&stream, bytes, limits)?;
    }
    OutgoingBody::finish(body, None).map_err(|code| Failure::Http(code, Phase::Sending))
}

fn write_all(stream: &OutputStream, bytes: &[u8], limits: &Limits) -> Result<(), Failure> {
    let writable = stream.subscribe();
    let failed = |e: StreamError| match e {
        StreamError::LastOperationFailed(e) => wasip2::http::types::http_error_code(&e)
            .map_or(Failure::Io("request body"), |code| {
                Failure::Http(code, Phase::Sending)
            }),
        StreamError::Closed => Failure::Io("request body"),
    };
    let mut rest = bytes;
    while !rest.is_empty() {
        let room = stream.check_write().map_err(failed)?;
        if room == 0 {
            wait(&writable, limits.deadline(Phase::Sending))?;
            continue;
        }
        let n = rest.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        stream.write(&rest[..n]).map_err(failed)?;
        rest = &rest[n..];
    }
    // Every byte is written. The flush is done when the stream takes writes
    // again, or when it is closed: with the length declared, the host's HTTP
    // client lets go of the body as soon as it has all of it (wasmtime's
    // default sender does). A connection lost meanwhile is reported by the
    // response future, which the caller reads next.
    match stream.flush() {
        Err(StreamError::Closed) => return Ok(()),
        flushed => flushed.map_err(failed)?,
    }
    loop {
        match stream.check_write() {
            Ok(0) => wait(&writable, limits.deadline(Phase::Sending))?,
            Ok(_) | Err(StreamError::Closed) => return Ok(()),
            Err(e) => return Err(failed(e)),
        }
    }
}

impl Failure {
    /// Name the host and what failed; never headers or bodies.
    fn into_error(self, target: &Target, request: &Request, limits: &Limits) -> Error {
        let host = &target.authority();
        let what = &request.what;
        let (kind, reason, hint, retryable) = match self {
            Failure::Timeout(bound) => return limits.timeout_error(bound, what, host),
            Failure::Http(
                code @ (ErrorCode::ConnectionTimeout
                | ErrorCode::ConnectionReadTimeout
                | ErrorCode::HttpResponseTimeout
                | ErrorCode::DnsTimeout),
                phase,
            ) => {
                let connect = matches!(code, ErrorCode::ConnectionTimeout | ErrorCode::DnsTimeout);
                return limits.timeout_error(Limits::host_bound(connect, phase), what, host);
            }
            Failure::Invalid(part) => (
                ErrorKind::InvalidInput,
                format!("the request's {part} is not valid"),
                "check DAYTONA_API_URL and the arguments".to_string(),
                false,
            ),
            Failure::TooLarge(limit) => (
                ErrorKind::Upstream,
                format!("Daytona's answer is larger than {limit} bytes and was not read"),
                "narrow the request (e.g. a smaller limit) and try again".to_string(),
                false,
            ),
            Failure::Io(part) => (
                ErrorKind::Transport,
                format!("the {part} could not be read or written"),
                "try again".to_string(),
                true,
            ),
            Failure::Http(ErrorCode::HttpRequestDenied, _) => (
                ErrorKind::Transport,
                format!(
                    "the host runtime denied the request; allow {host} in its outbound allowlist"
                ),
                format!(
                    "allow {host} in the host's outbound allowlist (its outbound HTTP policy), or fix DAYTONA_API_URL"
                ),
                false,
            ),
            Failure::Http(code, _) => (
                ErrorKind::Transport,
                code_name(&code),
                "check DAYTONA_API_URL and the network, then try again".to_string(),
                true,
            ),
        };
        let mut err =
            Error::new(kind, format!("{what}: could not reach {host}: {reason}")).with_hint(hint);
        err.retryable = retryable;
        err
    }
}

/// The variant name of an error code, without any payload text, as its
/// `Debug` begins. Spelled out: formatting the code with `Debug` would
/// compile every payload's `Debug` into the component.
fn code_name(code: &ErrorCode) -> String {
    match code {
        ErrorCode::DnsTimeout => "ErrorCode::DnsTimeout",
        ErrorCode::DnsError(_) => "ErrorCode::DnsError",
        ErrorCode::DestinationNotFound => "ErrorCode::DestinationNotFound",
        ErrorCode::DestinationUnavailable => "ErrorCode::DestinationUnavailable",
        ErrorCode::DestinationIpProhibited => "ErrorCode::DestinationIpProhibited",
        ErrorCode::DestinationIpUnroutable => "ErrorCode::DestinationIpUnroutable",
        ErrorCode::ConnectionRefused => "ErrorCode::ConnectionRefused",
        ErrorCode::ConnectionTerminated => "ErrorCode::ConnectionTerminated",
        ErrorCode::ConnectionTimeout => "ErrorCode::ConnectionTimeout",
        ErrorCode::ConnectionReadTimeout => "ErrorCode::ConnectionReadTimeout",
        ErrorCode::ConnectionWriteTimeout => "ErrorCode::ConnectionWriteTimeout",
        ErrorCode::ConnectionLimitReached => "ErrorCode::ConnectionLimitReached",
        ErrorCode::TlsProtocolError => "ErrorCode::TlsProtocolError",
        ErrorCode::TlsCertificateError => "ErrorCode::TlsCertificateError",
        ErrorCode::TlsAlertReceived(_) => "ErrorCode::TlsAlertReceived",
        ErrorCode::HttpRequestDenied => "ErrorCode::HttpRequestDenied",
        ErrorCode::HttpRequestLengthRequired => "ErrorCode::HttpRequestLengthRequired",
        ErrorCode::HttpRequestBodySize(_) => "ErrorCode::HttpRequestBodySize",
        ErrorCode::HttpRequestMethodInvalid => "ErrorCode::HttpRequestMethodInvalid",
        ErrorCode::HttpRequestUriInvalid => "ErrorCode::HttpRequestUriInvalid",
        ErrorCode::HttpRequestUriTooLong => "ErrorCode::HttpRequestUriTooLong",
        ErrorCode::HttpRequestHeaderSectionSize(_) => "ErrorCode::HttpRequestHeaderSectionSize",
        ErrorCode::HttpRequestHeaderSize(_) => "ErrorCode::HttpRequestHeaderSize",
        ErrorCode::HttpRequestTrailerSectionSize(_) => "ErrorCode::HttpRequestTrailerSectionSize",
        ErrorCode::HttpRequestTrailerSize(_) => "ErrorCode::HttpRequestTrailerSize",
        ErrorCode::HttpResponseIncomplete => "ErrorCode::HttpResponseIncomplete",
        ErrorCode::HttpResponseHeaderSectionSize(_) => "ErrorCode::HttpResponseHeaderSectionSize",
        ErrorCode::HttpResponseHeaderSize(_) => "ErrorCode::HttpResponseHeaderSize",
        ErrorCode::HttpResponseBodySize(_) => "ErrorCode::HttpResponseBodySize",
        ErrorCode::HttpResponseTrailerSectionSize(_) => "ErrorCode::HttpResponseTrailerSectionSize",
        ErrorCode::HttpResponseTrailerSize(_) => "ErrorCode::HttpResponseTrailerSize",
        ErrorCode::HttpResponseTransferCoding(_) => "ErrorCode::HttpResponseTransferCoding",
        ErrorCode::HttpResponseContentCoding(_) => "ErrorCode::HttpResponseContentCoding",
        ErrorCode::HttpResponseTimeout => "ErrorCode::HttpResponseTimeout",
        ErrorCode::HttpUpgradeFailed => "ErrorCode::HttpUpgradeFailed",
        ErrorCode::HttpProtocolError => "ErrorCode::HttpProtocolError",
        ErrorCode::LoopDetected => "ErrorCode::LoopDetected",
        ErrorCode::ConfigurationError => "ErrorCode::ConfigurationError",
        ErrorCode::InternalError(_) => "ErrorCode::InternalError",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_are_the_debug_variant_names() {
        for code in [
            ErrorCode::DnsTimeout,
            ErrorCode::HttpRequestBodySize(Some(5)),
            ErrorCode::InternalError(Some("secret detail".into())),
        ] {
            let debug = format!("{code:?}");
            assert!(debug.starts_with(&code_name(&code)), "{debug}");
            assert!(!code_name(&code).contains("secret"));
        }
        assert_eq!(
            code_name(&ErrorCode::ConnectionRefused),
            "ErrorCode::ConnectionRefused"
        );
    }
}
