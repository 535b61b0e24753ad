//! Error responses in Daytona's two shapes, and JSON body parsing that fails with them.
//!
//! Handlers return [`ApiError`]; it travels as a response extension and the [`render`]
//! middleware, which knows the request's method and URL, writes the body:
//! - API (NestJS `AllExceptionsFilter`): `{statusCode, source: "DAYTONA_API", code, message,
//!   error, path, timestamp, method}`: the classic NestJS `{path, timestamp, statusCode,
//!   error, message}` plus the typed `code`/`source` newer servers add.
//! - Toolbox (daemon behind the proxy): `{statusCode, source: "DAYTONA_DAEMON", message, code,
//!   timestamp, path, method}` (the SDK picks typed errors by `source` and `code`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::state::Shared;

/// Which body shape an error is rendered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The control-plane API (NestJS).
    Api,
    /// The toolbox daemon (reached through the toolbox proxy).
    Toolbox,
}

/// An error answer: status, message, typed code, extra headers and body shape.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) code: String,
    pub(crate) shape: Shape,
    pub(crate) headers: Vec<(String, String)>,
}

impl ApiError {
    /// An API-shaped error whose `code` is derived from the status, as Daytona does.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
            code: default_code(status),
            shape: Shape::Api,
            headers: Vec::new(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, message)
    }

    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// Replaces the status-derived `code` with a typed one (e.g. `API_KEY_EXPIRED`).
    pub(crate) fn with_code(mut self, code: &str) -> Self {
        self.code = code.to_string();
        self
    }

    /// Adds a response header (e.g. `Retry-After-sandbox-lifecycle`).
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Renders this error in the toolbox daemon's shape instead of the API's.
    pub(crate) fn toolbox(mut self) -> Self {
        self.shape = Shape::Toolbox;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// `BAD_REQUEST` for 400 and so on: the code Daytona derives from a bare HTTP status.
fn default_code(status: StatusCode) -> String {
    match status.as_u16() {
        429 => "RATE_LIMIT_EXCEEDED".to_string(),
        _ => status
            .canonical_reason()
            .unwrap_or("Internal Server Error")
            .to_ascii_uppercase()
            .replace([' ', '-'], "_"),
    }
}

/// Middleware: turns an [`ApiError`] response extension into its JSON body.
pub(crate) async fn render(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let method = req.method().to_string();
    let url = req.uri().path_and_query().map_or_else(
        || req.uri().path().to_string(),
        |pq| pq.as_str().to_string(),
    );
    let mut response = next.run(req).await;
    let Some(err) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let timestamp = shared.clock.now_rfc3339();
    let body = match err.shape {
        Shape::Api => json!({
            "statusCode": err.status.as_u16(),
            "source": "DAYTONA_API",
            "code": err.code,
            "message": err.message,
            "error": err.status.canonical_reason().unwrap_or("Error"),
            "path": url,
            "timestamp": timestamp,
            "method": method,
        }),
        Shape::Toolbox => json!({
            "statusCode": err.status.as_u16(),
            "source": "DAYTONA_DAEMON",
            "message": err.message,
            "code": err.code,
            "timestamp": timestamp,
            "path": url,
            "method": method,
        }),
    };
    let mut out = (err.status, body.to_string()).into_response();
    let headers = out.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    for (name, value) in &err.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.append(n, v);
        }
    }
    out
}

/// Parses a JSON request body; an empty body counts as `{}` (as Express does).
/// Malformed JSON or a wrongly typed field gives a 400 naming the field.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    let syntax =
        |e: &serde_json::Error| ApiError::bad_request(format!("Invalid JSON in request body: {e}"));
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => v,
        Err(e) if e.inner().is_syntax() || e.inner().is_eof() => return Err(syntax(e.inner())),
        Err(e) => {
            let path = e.path().to_string();
            return Err(if path.is_empty() || path == "." {
                ApiError::bad_request(format!("Invalid request body: {}", e.inner()))
            } else {
                ApiError::bad_request(format!("{path}: {}", e.inner()))
            });
        }
    };
    de.end().map_err(|e| syntax(&e))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Body {
        cpu: Option<i64>,
    }

    #[test]
    fn codes_follow_the_status() {
        assert_eq!(default_code(StatusCode::BAD_REQUEST), "BAD_REQUEST");
        assert_eq!(default_code(StatusCode::NOT_FOUND), "NOT_FOUND");
        assert_eq!(
            default_code(StatusCode::TOO_MANY_REQUESTS),
            "RATE_LIMIT_EXCEEDED"
        );
        assert_eq!(default_code(StatusCode::REQUEST_TIMEOUT), "REQUEST_TIMEOUT");
    }

    #[test]
    fn bad_bodies_are_400_naming_the_field() {
        assert!(parse_json::<Body>(b"").is_ok());
        let e = parse_json::<Body>(b"{\"cpu\": \"two\"}").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.message.starts_with("cpu: "), "{}", e.message);
        let e = parse_json::<Body>(b"{\"cpu\": ").unwrap_err();
        assert!(e.message.starts_with("Invalid JSON"), "{}", e.message);
        assert!(parse_json::<Body>(b"{} trailing").is_err());
    }
}
