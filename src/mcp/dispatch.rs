//! The methods: `initialize`, `ping`, `tools/list`, `tools/call` for the
//! handshake revisions; `server/discover`, `tools/list`, `tools/call` for the
//! stateless one, whose requests are checked against their `MCP-Protocol-Version`,
//! `Mcp-Method` and `Mcp-Name` headers and `_meta`.

use super::jsonrpc::{self, Message};
use super::version::{self, META_CAPABILITIES, META_SERVER_INFO, META_VERSION, STATELESS};
use super::{Head, Reply, Runner, Server, tools};
use serde_json::{Map, Value, json};

/// The server's name in `serverInfo`.
pub const SERVER_NAME: &str = "daytona-tools";
/// What `initialize` tells the client about this server.
const INSTRUCTIONS: &str = "Tools for Daytona sandboxes: list, create, inspect, start, stop and delete \
sandboxes, run commands in them, list snapshots, and manage API keys. Failed calls return isError with \
a JSON record: kind, message, hint, retryable.";

fn server_info() -> Value {
    json!({ "name": SERVER_NAME, "title": "Daytona sandboxes", "version": env!("CARGO_PKG_VERSION") })
}

fn capabilities() -> Value {
    json!({ "tools": { "listChanged": false } })
}

/// Answer one parsed message.
pub fn dispatch(server: &Server, head: &Head, message: Message, run: Runner<'_>) -> Reply {
    let header_version = head.header("mcp-protocol-version");
    let (id, method, params) = match message {
        // Answers to server requests (none are sent) and notifications need no reply.
        Message::Response | Message::Notification { .. } => return Reply::empty(202),
        Message::Request { id, method, params } => (id, method, params),
    };
    let meta_version = params
        .get("_meta")
        .and_then(|m| m.get(META_VERSION))
        .and_then(Value::as_str);
    let handshake_header = header_version.is_some_and(|v| version::HANDSHAKE.contains(&v));
    if header_version == Some(STATELESS)
        || meta_version == Some(STATELESS)
        || (meta_version.is_some() && !handshake_header)
    {
        return stateless(server, head, header_version, id, &method, &params, run);
    }
    if let Some(v) = header_version.filter(|_| !handshake_header) {
        return unsupported(&id, v);
    }
    let result = match method.as_str() {
        "initialize" => {
            let asked = params.get("protocolVersion").and_then(Value::as_str);
            json!({
                "protocolVersion": version::negotiate(asked),
                "capabilities": capabilities(),
                "serverInfo": server_info(),
                "instructions": INSTRUCTIONS,
            })
        }
        "ping" => json!({}),
        "tools/list" => {
            json!({ "tools": tools::descriptors(server.selection(), server.ceiling()) })
        }
        "tools/call" => match call(server, &params, run) {
            Ok(result) => result,
            Err(invalid) => return invalid.reply(&id),
        },
        other => {
            return Reply::json(
                200,
                &jsonrpc::error(
                    &id,
                    jsonrpc::METHOD_NOT_FOUND,
                    &method_not_found(other),
                    None,
                ),
            );
        }
    };
    Reply::json(200, &jsonrpc::result(&id, result))
}

/// A stateless (2026-07-28) request: headers and `_meta` checked, then served.
fn stateless(
    server: &Server,
    head: &Head,
    header_version: Option<&str>,
    id: Value,
    method: &str,
    params: &Map<String, Value>,
    run: Runner<'_>,
) -> Reply {
    let bad = |code, message: &str| Reply::json(400, &jsonrpc::error(&id, code, message, None));
    let Some(header_version) = header_version else {
        return bad(
            jsonrpc::HEADER_MISMATCH,
            "missing MCP-Protocol-Version header",
        );
    };
    let meta = params.get("_meta").and_then(Value::as_object);
    let missing: Vec<&str> = [META_VERSION, META_CAPABILITIES]
        .into_iter()
        .filter(|k| meta.is_none_or(|m| !m.contains_key(*k)))
        .collect();
    if !missing.is_empty() {
        return bad(
            jsonrpc::INVALID_PARAMS,
            &format!("Invalid params: missing _meta keys: {}", missing.join(", ")),
        );
    }
    let meta_version = meta
        .and_then(|m| m.get(META_VERSION))
        .and_then(Value::as_str);
    if meta_version != Some(header_version) {
        return bad(
            jsonrpc::HEADER_MISMATCH,
            "MCP-Protocol-Version header does not match _meta protocolVersion",
        );
    }
    if header_version != STATELESS {
        return unsupported(&id, header_version);
    }
    if head.header("mcp-method") != Some(method) {
        return bad(
            jsonrpc::HEADER_MISMATCH,
            "Mcp-Method header is missing or does not match the body's method",
        );
    }
    if method == "tools/call" {
        let name = params.get("name").and_then(Value::as_str);
        if name.is_some() && head.header("mcp-name") != name {
            return bad(
                jsonrpc::HEADER_MISMATCH,
                "Mcp-Name header is missing or does not match params.name",
            );
        }
    }
    let cacheable = |mut result: Value| {
        result["ttlMs"] = json!(0);
        result["cacheScope"] = json!("private");
        result
    };
    let mut result = match method {
        "server/discover" => cacheable(json!({
            "supportedVersions": version::SUPPORTED,
            "capabilities": capabilities(),
            "instructions": INSTRUCTIONS,
            "_meta": { META_SERVER_INFO: server_info() },
        })),
        "tools/list" => cacheable(json!({
            "tools": tools::descriptors(server.selection(), server.ceiling()),
        })),
        "tools/call" => match call(server, params, run) {
            Ok(result) => result,
            Err(invalid) => return invalid.reply(&id),
        },
        other => {
            return Reply::json(
                404,
                &jsonrpc::error(
                    &id,
                    jsonrpc::METHOD_NOT_FOUND,
                    &method_not_found(other),
                    None,
                ),
            );
        }
    };
    result["resultType"] = json!("complete");
    Reply::json(200, &jsonrpc::result(&id, result))
}

/// Why a `tools/call` cannot run: a JSON-RPC `-32602` with a message and,
/// for a refused tool, the error record as `data`.
struct InvalidParams {
    message: String,
    data: Option<Value>,
}

impl InvalidParams {
    /// Answered with 200: a JSON-RPC error every client reads as one.
    fn reply(self, id: &Value) -> Reply {
        let body = jsonrpc::error(id, jsonrpc::INVALID_PARAMS, &self.message, self.data);
        Reply::json(200, &body)
    }
}

/// `tools/call`: a protocol error when the call cannot run (no name, not an
/// object of arguments, unknown or unselected tool); otherwise the tool's
/// result or its error as an `isError` result.
fn call(
    server: &Server,
    params: &Map<String, Value>,
    run: Runner<'_>,
) -> Result<Value, InvalidParams> {
    let invalid = |message: &str| InvalidParams {
        message: message.to_string(),
        data: None,
    };
    let Some(name) = params.get("name").and_then(Value::as_str) else {
        return Err(invalid("tools/call needs params.name, a string"));
    };
    let arguments = match params.get("arguments") {
        None | Some(Value::Null) => "{}".to_string(),
        Some(args @ Value::Object(_)) => args.to_string(),
        Some(_) => return Err(invalid("params.arguments must be an object")),
    };
    if let Some(e) = tools::refusal(server.selection(), name) {
        return Err(InvalidParams {
            data: serde_json::to_value(&e).ok(),
            message: e.message,
        });
    }
    Ok(tools::call_result(run(name, &arguments)))
}

fn unsupported(id: &Value, requested: &str) -> Reply {
    let requested: String = requested.chars().take(64).collect();
    Reply::json(
        400,
        &jsonrpc::error(
            id,
            jsonrpc::UNSUPPORTED_VERSION,
            &format!(
                "Unsupported protocol version; this server speaks {}",
                version::SUPPORTED.join(", ")
            ),
            Some(json!({ "supported": version::SUPPORTED, "requested": requested })),
        ),
    )
}

fn method_not_found(method: &str) -> String {
    let method: String = method.chars().take(64).collect();
    format!("Method not found: {}", crate::error::scrub(&method, &[]))
}
