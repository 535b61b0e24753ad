//! Preview URLs: the API routes that hand them out, and the proxy they point at.
//!
//! | route | answer |
//! |---|---|
//! | `GET /api/sandbox/{idOrName}/ports/{port}/preview-url` | 200 `PortPreviewUrl{sandboxId, url, token}`; 400 bad port; 404 |
//! | `GET /api/sandbox/{idOrName}/ports/{port}/signed-preview-url?expiresInSeconds=` | 200 `SignedPortPreviewUrl{sandboxId, port, token, url}` (default 60 s, at most 24 h); 400; 404 |
//! | `POST /api/sandbox/{idOrName}/ports/{port}/signed-preview-url/{token}/expire` | 200 (the token stops working at once) |
//! | any method `/preview/{port}-{sandboxId}/...` | proxied to `127.0.0.1:{port}` with `X-Daytona-Preview-Token: <token>` (or a public sandbox); else 401 |
//! | any method `/preview/{port}-{signedToken}/...` | proxied while the token is unexpired on the emulator clock; else 401 |
//!
//! Daytona serves previews on `https://{port}-{sandboxId}.{proxyDomain}`; the emulator has
//! one host, so the same label is the first path segment instead (as `proxyTemplateUrl` in
//! `/api/config` says). The proxy forwards the rest of the path and the query as an
//! HTTP/1.0 request (so the answer is never chunked), drops hop-by-hop headers and the
//! preview token, and answers 502 when nothing listens on the port. The preview token is
//! one per sandbox; signed tokens are tied to their port.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::{Body, to_bytes};
use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::auth::Principal;
use super::errors::ApiError;
use super::ids::random_hex;
use super::query::Query;
use super::state::Shared;
use super::toolbox::records::SignedPreview;

/// The header carrying a sandbox's preview token.
pub const PREVIEW_TOKEN_HEADER: &str = "x-daytona-preview-token";
/// Signed URLs' lifetime when the request gives none.
pub const DEFAULT_SIGNED_SECS: i64 = 60;
/// Longest lifetime of a signed URL.
pub const MAX_SIGNED_SECS: i64 = 24 * 60 * 60;
/// Largest request body the proxy forwards.
const MAX_PROXY_BODY: usize = 64 * 1024 * 1024;

const HOP_BY_HOP: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

fn sandbox_not_found(id_or_name: &str) -> ApiError {
    ApiError::not_found(format!("Sandbox with ID or name {id_or_name} not found"))
        .with_code("SANDBOX_NOT_FOUND")
}

fn parse_port(raw: &str) -> Result<u16, ApiError> {
    raw.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| ApiError::bad_request(format!("Invalid port {raw}: must be 1-65535")))
}

/// The sandbox's id, after checking it exists.
fn sandbox_id(shared: &Shared, id_or_name: &str) -> Result<String, ApiError> {
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    inner.sweep(now);
    inner
        .sandbox_mut(id_or_name)
        .map(|s| s.id.clone())
        .ok_or_else(|| sandbox_not_found(id_or_name))
}

fn preview_url(shared: &Shared, port: u16, key: &str) -> String {
    format!("{}/preview/{port}-{key}", shared.base_url)
}

/// `GET /api/sandbox/{idOrName}/ports/{port}/preview-url`.
pub(crate) async fn get_preview_url(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path((id_or_name, port)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let port = parse_port(&port)?;
    let id = sandbox_id(&shared, &id_or_name)?;
    let token = shared
        .lock()
        .toolbox
        .preview_tokens
        .entry(id.clone())
        .or_insert_with(|| random_hex(16))
        .clone();
    Ok(Json(json!({
        "sandboxId": id,
        "url": preview_url(&shared, port, &id),
        "token": token,
    })))
}

/// `GET /api/sandbox/{idOrName}/ports/{port}/signed-preview-url?expiresInSeconds=`.
pub(crate) async fn get_signed_preview_url(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path((id_or_name, port)): Path<(String, String)>,
    q: Query,
) -> Result<Json<Value>, ApiError> {
    let port = parse_port(&port)?;
    let secs = match q.get("expiresInSeconds").filter(|v| !v.is_empty()) {
        None => DEFAULT_SIGNED_SECS,
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|s| (1..=MAX_SIGNED_SECS).contains(s))
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "expiresInSeconds must be between 1 and {MAX_SIGNED_SECS}"
                ))
            })?,
    };
    let id = sandbox_id(&shared, &id_or_name)?;
    let token = random_hex(12);
    let expires_ms = shared.clock.now_ms() + secs * 1000;
    shared.lock().toolbox.signed_previews.insert(
        token.clone(),
        SignedPreview {
            sandbox_id: id.clone(),
            port,
            expires_ms,
        },
    );
    Ok(Json(json!({
        "sandboxId": id,
        "port": port,
        "token": token,
        "url": preview_url(&shared, port, &token),
    })))
}

/// `POST /api/sandbox/{idOrName}/ports/{port}/signed-preview-url/{token}/expire`.
pub(crate) async fn expire_signed_preview_url(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path((id_or_name, port, token)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let port = parse_port(&port)?;
    let id = sandbox_id(&shared, &id_or_name)?;
    let mut inner = shared.lock();
    if let Some(s) = inner.toolbox.signed_previews.get(&token)
        && s.sandbox_id == id
        && s.port == port
    {
        inner.toolbox.signed_previews.remove(&token);
    }
    Ok(StatusCode::OK)
}

fn unauthorized(message: &str) -> ApiError {
    ApiError::unauthorized(message.to_string())
}

/// Checks a preview request; returns the port to forward to.
fn authorize(
    shared: &Shared,
    label: &str,
    headers: &axum::http::HeaderMap,
) -> Result<u16, ApiError> {
    let (port, key) = label
        .split_once('-')
        .ok_or_else(|| ApiError::not_found(format!("Invalid preview URL {label}")))?;
    let port = parse_port(port)?;
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    inner.sweep(now);
    let sandbox_id = if let Some(s) = inner.sandbox_mut(key).filter(|s| s.id == key) {
        let (id, public) = (s.id.clone(), s.public);
        if !public {
            let given = headers
                .get(PREVIEW_TOKEN_HEADER)
                .and_then(|v| v.to_str().ok());
            let expected = inner.toolbox.preview_tokens.get(&id);
            if given.is_none() || given != expected.map(String::as_str) {
                return Err(unauthorized(
                    "Unauthorized: a valid X-Daytona-Preview-Token is required",
                ));
            }
        }
        id
    } else if let Some(signed) = inner.toolbox.signed_previews.get(key) {
        if signed.port != port {
            return Err(unauthorized(
                "Unauthorized: the signed preview URL is for another port",
            ));
        }
        if signed.expires_ms <= now {
            return Err(unauthorized(
                "Unauthorized: the signed preview URL has expired",
            ));
        }
        signed.sandbox_id.clone()
    } else {
        return Err(unauthorized(
            "Unauthorized: unknown sandbox or preview token",
        ));
    };
    let sandbox = inner
        .sandbox_mut(&sandbox_id)
        .ok_or_else(|| sandbox_not_found(&sandbox_id))?;
    if sandbox.state != "started" {
        return Err(ApiError::bad_request("Sandbox is not running"));
    }
    sandbox.last_activity_ms = now;
    Ok(port)
}

fn bad_gateway(message: String) -> ApiError {
    ApiError::new(StatusCode::BAD_GATEWAY, message)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Any method on `/preview/{port}-{key}` and below.
pub(crate) async fn proxy(
    State(shared): State<Arc<Shared>>,
    OriginalUri(uri): OriginalUri,
    req: Request,
) -> Result<Response, ApiError> {
    let path = uri.path().strip_prefix("/preview/").unwrap_or_default();
    let (label, rest) = path.split_once('/').unwrap_or((path, ""));
    let port = authorize(&shared, label, req.headers())?;
    let (parts, body) = req.into_parts();
    let body = to_bytes(body, MAX_PROXY_BODY)
        .await
        .map_err(|e| ApiError::bad_request(format!("cannot read the request body: {e}")))?;
    let target = match uri.query() {
        Some(q) => format!("/{rest}?{q}"),
        None => format!("/{rest}"),
    };
    let mut head = format!(
        "{} {target} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n",
        parts.method
    );
    for (name, value) in &parts.headers {
        let n = name.as_str();
        if HOP_BY_HOP.contains(&n) || n == PREVIEW_TOKEN_HEADER {
            continue;
        }
        if let Ok(v) = value.to_str() {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    if !body.is_empty() || !matches!(parts.method.as_str(), "GET" | "HEAD" | "DELETE" | "OPTIONS") {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");

    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|e| {
                bad_gateway(format!(
                    "nothing answers on port {port} in the sandbox: {e}"
                ))
            })?;
        stream
            .write_all(head.as_bytes())
            .await
            .and(stream.write_all(&body).await)
            .map_err(|e| bad_gateway(format!("port {port}: {e}")))?;
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .map_err(|e| bad_gateway(format!("port {port}: {e}")))?;
        Ok::<Vec<u8>, ApiError>(answer)
    };
    let answer = tokio::time::timeout(Duration::from_secs(60), exchange)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::GATEWAY_TIMEOUT,
                format!("port {port} did not answer in time"),
            )
        })??;
    let end = find(&answer, b"\r\n\r\n")
        .ok_or_else(|| bad_gateway(format!("port {port} sent no HTTP answer")))?;
    let head = String::from_utf8_lossy(&answer[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| bad_gateway(format!("port {port} sent a malformed status line")))?;
    let mut response = Response::new(Body::from(answer[end + 4..].to_vec()));
    *response.status_mut() = status;
    for line in lines {
        let Some((n, v)) = line.split_once(':') else {
            continue;
        };
        let n = n.trim().to_ascii_lowercase();
        if HOP_BY_HOP.contains(&n.as_str()) {
            continue;
        }
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(n), HeaderValue::from_str(v.trim())) {
            response.headers_mut().append(n, v);
        }
    }
    Ok(response.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_checked() {
        assert_eq!(parse_port("3000").unwrap(), 3000);
        assert!(parse_port("0").is_err());
        assert!(parse_port("70000").is_err());
        assert!(parse_port("x").is_err());
    }
}
