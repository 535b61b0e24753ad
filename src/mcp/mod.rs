//! An MCP server over Streamable HTTP, as plain functions: an abstract request
//! (method, path, headers, body) in, an abstract reply (status, headers, body)
//! out, so the `wasi:http` glue only copies bytes.
//!
//! - [`settings`]: `DAYTONA_MCP_*` variables: token, opt-out, origins, hosts,
//!   path, body deadline.
//! - [`guard`]: bearer token (constant time), `Origin` and `Host` checks.
//! - [`jsonrpc`]: one JSON-RPC message, with a nesting cap; error codes.
//! - [`version`]: the three revisions spoken and how one is chosen.
//! - [`tools`]: descriptors and results from the shared catalog.
//! - [`dispatch`]: the methods of each revision.
//!
//! Stateless: every request is answered from the request and the environment
//! alone; nothing is kept between requests.

pub mod dispatch;
pub mod guard;
pub mod jsonrpc;
pub mod settings;
pub mod tools;
pub mod version;

use crate::catalog::selection::Selection;
use crate::env::Env;
use crate::error::Error;
use crate::keys::ceiling::MintCeiling;
use serde_json::Value;
use settings::{AUTH_VAR, Auth, HOSTS_VAR, Settings, TOKEN_VAR};
use std::time::Duration;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What the server sees of a request before its body.
#[derive(Debug, Clone, Default)]
pub struct Head {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path, with any query.
    pub path: String,
    /// Header names and values, as received.
    pub headers: Vec<(String, String)>,
    /// The authority the host says the request was sent to (`wasi:http`'s
    /// `authority`: the URI's, or the `Host` header's), if it says one.
    pub authority: Option<String>,
}

impl Head {
    /// The first value of a header, by case-insensitive name, trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// The answer to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body (JSON, or empty).
    pub body: Vec<u8>,
    /// What the server's log line should add, for the operator only (the
    /// reason a request was refused); never a secret, never sent.
    pub log: Option<String>,
}

impl Reply {
    /// A JSON body.
    pub fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("cache-control".into(), "no-store".into()),
            ],
            body: body.to_string().into_bytes(),
            log: None,
        }
    }

    /// No body (`202 Accepted` for notifications).
    pub fn empty(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            log: None,
        }
    }

    /// An HTTP-level refusal: a JSON-RPC error with a null id.
    pub fn refusal(status: u16, code: i64, message: &str, hint: Option<&str>) -> Reply {
        let data = hint.map(|h| serde_json::json!({ "hint": h }));
        Reply::json(status, &jsonrpc::error(&Value::Null, code, message, data))
    }

    /// The refusal when a request's body did not arrive within
    /// [`Server::body_timeout`]: 408.
    pub fn body_timed_out() -> Reply {
        Reply::refusal(
            408,
            jsonrpc::INVALID_REQUEST,
            "the request body did not arrive in time",
            Some("send the whole body at once"),
        )
    }

    /// Add a line for the server's log.
    pub fn with_log(mut self, line: String) -> Reply {
        self.log = Some(line);
        self
    }

    /// Add a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Runs a tool: `(name, JSON arguments)` → the tool's JSON result. The
/// component passes [`crate::catalog::call`] over the `wasi:http` client.
pub type Runner<'a> = &'a dyn Fn(&str, &str) -> Result<Value, Error>;

/// The server under one environment.
#[derive(Debug, Clone)]
pub struct Server {
    settings: Result<Settings, Error>,
    selection: Result<Selection, Error>,
    ceiling: Result<MintCeiling, Error>,
}

impl Server {
    /// Read the server's and the catalog's settings from the environment.
    pub fn from_env(env: &Env) -> Server {
        Server {
            settings: Settings::from_env(env),
            selection: Selection::from_env(env),
            ceiling: MintCeiling::from_env(env),
        }
    }

    /// How long the glue waits for a request's whole body before answering
    /// [`Reply::body_timed_out`] (`DAYTONA_MCP_BODY_TIMEOUT_MS`).
    pub fn body_timeout(&self) -> Duration {
        self.settings
            .as_ref()
            .map_or(settings::DEFAULT_BODY_TIMEOUT, |s| s.body_timeout)
    }

    /// Decide from the head alone, before any of the body is read: `Some` is
    /// the refusal to send (bad settings, foreign host with authentication
    /// off, wrong path, foreign origin, no or wrong token, wrong method or
    /// content type, too large a body).
    pub fn check_head(&self, head: &Head) -> Option<Reply> {
        let settings = match &self.settings {
            Ok(s) => s,
            // The caller may be anyone: it learns only that the server is
            // misconfigured; the reason goes to the operator's log.
            Err(e) => {
                return Some(
                    Reply::refusal(
                        503,
                        jsonrpc::REFUSED,
                        "this MCP server is misconfigured",
                        Some("the operator can find the reason in the server's log"),
                    )
                    .with_log(match &e.hint {
                        Some(hint) => format!("configuration error: {} ({hint})", e.message),
                        None => format!("configuration error: {}", e.message),
                    }),
                );
            }
        };
        if settings.auth == Auth::None {
            // Without a token, the Host is what tells a rebound browser page
            // (Host: evil.example) from a local client.
            let names = [head.authority.as_deref(), head.header("host")];
            let refused = names
                .iter()
                .flatten()
                .find(|h| !guard::host_ok(&settings.hosts, h));
            if refused.is_some() || names.iter().all(Option::is_none) {
                let shown: String = refused.copied().unwrap_or("").chars().take(100).collect();
                return Some(
                    Reply::refusal(
                        403,
                        jsonrpc::REFUSED,
                        "this Host is not served",
                        Some(&format!("the operator can allow it in {HOSTS_VAR}")),
                    )
                    .with_log(format!(
                        "Host {shown:?} refused: not a loopback name nor in {HOSTS_VAR}"
                    )),
                );
            }
        }
        let path = head.path.split('?').next().unwrap_or_default();
        if path != settings.path {
            return Some(Reply::refusal(
                404,
                jsonrpc::REFUSED,
                "no MCP endpoint at this path",
                None,
            ));
        }
        if !guard::origin_ok(&settings.origins, head.header("origin")) {
            return Some(Reply::refusal(
                403,
                jsonrpc::REFUSED,
                "this Origin may not call this server",
                Some("the operator can allow it in DAYTONA_MCP_ALLOWED_ORIGINS"),
            ));
        }
        if settings.auth == Auth::Missing {
            return Some(Reply::refusal(
                503,
                jsonrpc::REFUSED,
                &format!(
                    "this MCP server has no token configured, so it serves no tools: set {TOKEN_VAR}"
                ),
                Some(&format!(
                    "set {TOKEN_VAR} to a long random string and send it as `Authorization: Bearer <token>`; \
                     {AUTH_VAR}=none turns authentication off, only for a server reachable from this machine alone"
                )),
            ));
        }
        if !guard::bearer_ok(&settings.auth, head.header("authorization")) {
            return Some(
                Reply::refusal(
                    401,
                    jsonrpc::REFUSED,
                    "missing or wrong bearer token",
                    Some(
                        "send `Authorization: Bearer <token>` with the server's DAYTONA_MCP_TOKEN",
                    ),
                )
                .with_header("www-authenticate", "Bearer realm=\"daytona-mcp\""),
            );
        }
        if !head.method.eq_ignore_ascii_case("POST") {
            return Some(
                Reply::refusal(
                    405,
                    jsonrpc::REFUSED,
                    "only POST is served: this server opens no stream and keeps no session",
                    None,
                )
                .with_header("allow", "POST"),
            );
        }
        let media = |v: &str| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        };
        if head.header("content-type").map(media).as_deref() != Some("application/json") {
            return Some(Reply::refusal(
                415,
                jsonrpc::INVALID_REQUEST,
                "the body must be Content-Type: application/json",
                None,
            ));
        }
        if let Some(accept) = head.header("accept") {
            let ok = accept.split(',').map(media).any(|m| {
                matches!(
                    m.as_str(),
                    "application/json" | "application/*" | "*/*" | "text/event-stream"
                )
            });
            if !ok {
                return Some(Reply::refusal(
                    406,
                    jsonrpc::INVALID_REQUEST,
                    "the client must accept application/json",
                    None,
                ));
            }
        }
        let declared = head
            .header("content-length")
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
            return Some(too_large());
        }
        None
    }

    /// Answer a request. `body` may be cut short at `MAX_BODY_BYTES + 1`
    /// bytes by the caller; anything longer than the cap is refused.
    pub fn handle(&self, head: &Head, body: &[u8], run: Runner<'_>) -> Reply {
        if let Some(refusal) = self.check_head(head) {
            return refusal;
        }
        if body.len() > MAX_BODY_BYTES {
            return too_large();
        }
        match jsonrpc::parse(body) {
            Err(invalid) => Reply::json(
                400,
                &jsonrpc::error(&invalid.id, invalid.code, &invalid.message, None),
            ),
            Ok(message) => dispatch::dispatch(self, head, message, run),
        }
    }

    pub(crate) fn selection(&self) -> &Result<Selection, Error> {
        &self.selection
    }

    pub(crate) fn ceiling(&self) -> &Result<MintCeiling, Error> {
        &self.ceiling
    }
}

fn too_large() -> Reply {
    Reply::refusal(
        413,
        jsonrpc::INVALID_REQUEST,
        &format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        None,
    )
}

#[cfg(test)]
mod tests;
