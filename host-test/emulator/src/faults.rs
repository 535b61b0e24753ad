//! Test instrumentation: the request log and scripted faults.
//!
//! `record` logs every request (method, path+query, headers, body) before anything else
//! sees it. `apply` then consumes the first queued fault whose method and path prefix
//! match (see [`super::Emulator::fail_next`]) and answers with it instead of, or before,
//! the real handler.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::records::{RecordedRequest, ScriptedFault};
use super::state::Shared;

pub use super::records::Fault;

/// Largest request body the emulator accepts (and records).
const MAX_BODY: usize = 64 * 1024 * 1024;

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
