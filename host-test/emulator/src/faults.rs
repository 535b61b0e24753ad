//! Test instrumentation: the request log and scripted faults.
//!
//! `record` logs every request (method, path+query, headers, body) before anything else
//! sees it. `apply` then consumes the first queued fault whose method and path prefix
//! match (see [`super::Emulator::fail_next`]) and answers with it instead of, or before,
//! the real handler.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::state::{RecordedRequest, Shared};

/// Largest request body the emulator accepts (and records).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A scripted misbehaviour for one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with exactly this status, headers and body.
    Status {
        /// HTTP status code.
        status: u16,
        /// Extra response headers.
        headers: Vec<(String, String)>,
        /// Raw body (sent with `Content-Type: application/json`).
        body: String,
    },
    /// Answer with a Daytona API error body (`{statusCode, message, error, path, ...}`)
    /// whose path and timestamp are the request's own.
    Api {
        /// HTTP status code.
        status: u16,
        /// The `message` field.
        message: String,
        /// Extra response headers.
        headers: Vec<(String, String)>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer 200 with a truncated JSON body.
    BrokenJson,
    /// Answer 200 with a valid JSON document of this many bytes (at least 11).
    Oversized(usize),
    /// Send the status line and headers, then drop the connection mid-body.
    Disconnect,
}

impl Fault {
    /// A Daytona-shaped API error with this status and message.
    pub fn api(status: u16, message: &str) -> Fault {
        Fault::Api {
            status,
            message: message.to_string(),
            headers: Vec::new(),
        }
    }

    /// Daytona's throttler answer: 429 "ThrottlerException: Too Many Requests" with
    /// `X-RateLimit-Limit-<name>`, `X-RateLimit-Remaining-<name>`, `X-RateLimit-Reset-<name>`
    /// and `Retry-After-<name>` (seconds). Names: `authenticated`, `sandbox-create`,
    /// `sandbox-lifecycle`.
    pub fn rate_limited(throttler: &str, retry_after_secs: u64) -> Fault {
        let secs = retry_after_secs.to_string();
        Fault::Api {
            status: 429,
            message: "ThrottlerException: Too Many Requests".to_string(),
            headers: vec![
                (format!("X-RateLimit-Limit-{throttler}"), "10".to_string()),
                (
                    format!("X-RateLimit-Remaining-{throttler}"),
                    "0".to_string(),
                ),
                (format!("X-RateLimit-Reset-{throttler}"), secs.clone()),
                (format!("Retry-After-{throttler}"), secs),
            ],
        }
    }

    /// A 429 carrying only a plain `Retry-After` header.
    pub fn rate_limited_plain(retry_after_secs: u64) -> Fault {
        Fault::Api {
            status: 429,
            message: "ThrottlerException: Too Many Requests".to_string(),
            headers: vec![("Retry-After".to_string(), retry_after_secs.to_string())],
        }
    }
}

/// A queued fault and the requests it applies to.
#[derive(Clone, Debug)]
pub(crate) struct ScriptedFault {
    /// Upper-case method, or `*` for any.
    pub(crate) method: String,
    /// Matched against the request path (without query), e.g. `/api/sandbox`.
    pub(crate) path_prefix: String,
    pub(crate) fault: Fault,
}

/// Middleware: appends the request to the log.
pub(crate) async fn record(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request entity too large")
                .into_response();
        }
    };
    let path = parts.uri.path_and_query().map_or_else(
        || parts.uri.path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    shared.lock().requests.push(RecordedRequest {
        method: parts.method.to_string(),
        path,
        headers,
        body: bytes.to_vec(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// Middleware: applies the first matching scripted fault, if any.
pub(crate) async fn apply(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let fault = {
        let mut inner = shared.lock();
        let method = req.method().as_str();
        let path = req.uri().path();
        let pos = inner.faults.iter().position(|f| {
            (f.method == "*" || f.method.eq_ignore_ascii_case(method))
                && path.starts_with(&f.path_prefix)
        });
        pos.and_then(|i| inner.faults.remove(i))
    };
    let Some(ScriptedFault { fault, .. }) = fault else {
        return next.run(req).await;
    };
    match fault {
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        Fault::Status {
            status,
            headers,
            body,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = (status, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            for (n, v) in headers {
                if let (Ok(n), Ok(v)) = (HeaderName::try_from(n), HeaderValue::try_from(v)) {
                    resp.headers_mut().append(n, v);
                }
            }
            resp
        }
        Fault::Api {
            status,
            message,
            headers,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut err = ApiError::new(status, message);
            if req.uri().path().starts_with("/toolbox/") {
                err = err.toolbox();
            }
            for (n, v) in headers {
                err = err.with_header(&n, &v);
            }
            err.into_response()
        }
        Fault::BrokenJson => json_response(Body::from(r#"{"id": "broken", "state": "star"#)),
        Fault::Oversized(size) => {
            let padding = size.saturating_sub(11);
            json_response(Body::from(format!(
                r#"{{"pad": "{}"}}"#,
                "x".repeat(padding)
            )))
        }
        Fault::Disconnect => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"id\": ")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "emulator: scripted disconnect",
                )),
            ];
            json_response(Body::from_stream(futures_util::stream::iter(chunks)))
        }
    }
}

fn json_response(body: Body) -> Response {
    let mut resp = Response::new(body);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
