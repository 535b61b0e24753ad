//! The MCP server's HTTP and JSON-RPC decisions (`mcp::Server::check_head` and
//! `handle`) under eight configurations (a token; authentication off, with and
//! without allowed hosts; and five misconfigurations), with a request that
//! starts well-formed and is then mutated header by header (Origin, Host,
//! Authorization, Content-Type, Accept, Content-Length, the MCP headers, any
//! name), any method, path and authority, and a body that is either a JSON-RPC
//! message of any method or raw bytes; the tool runner is a stub that marks
//! its output.
//!
//! Invariants: never panics; the status is one the server documents; `handle`
//! gives exactly `check_head`'s refusal when there is one; a request without
//! the configured token (or, with authentication off, from a host that is not
//! loopback or listed) never gets a 2xx answer, never runs a tool and never
//! sees tool output; a misconfigured server answers 503 with its fixed message
//! only, the reason in the log line; the token and the misconfigured values
//! appear in no reply (body or header) and the token in no log line; bodies
//! are JSON or empty.
#![no_main]

use daytona_tools::env::Env;
use daytona_tools::error::Error;
use daytona_tools::mcp::{Head, Reply, Server};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use std::cell::Cell;

const TOKEN: &str = "fuzz-mcp-token-0123456789abcdef";
/// A configured value that must reach the log only.
const BAD_VALUE: &str = "bad-configured-value-5e1d";
const MARKER: &str = "TOOL-OUTPUT-MARKER-9c2b";

/// Statuses `check_head` and `handle` may answer with.
const STATUSES: [u16; 11] = [200, 202, 400, 401, 403, 404, 405, 406, 413, 415, 503];

#[derive(Arbitrary, Debug)]
struct Input {
    config: u8,
    method: u8,
    raw_method: String,
    path: u8,
    raw_path: String,
    authority: Option<Authority>,
    edits: Vec<Edit>,
    body: Body,
}

#[derive(Arbitrary, Debug)]
enum Authority {
    Loopback,
    Listed,
    Evil,
    Raw(String),
}

/// One change to the well-formed head.
#[derive(Arbitrary, Debug)]
enum Edit {
    Remove(u8),
    /// Replace the first header of this name with a chosen or raw value.
    Set(u8, Value_),
    /// Add another header of this name in front (the server reads the first).
    Prepend(u8, Value_),
    Raw(String, String),
}

#[derive(Arbitrary, Debug)]
enum Value_ {
    Good(u8),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Body {
    Rpc {
        method: u8,
        id: Option<i64>,
        tool: u8,
        arguments: String,
        version: u8,
    },
    Raw(Vec<u8>),
}

const NAMES: [&str; 9] = [
    "authorization",
    "origin",
    "host",
    "content-type",
    "accept",
    "content-length",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
];

/// Plausible values of header `name`, good and bad.
fn good(name: &str, which: u8) -> String {
    let pick = |options: &[&str]| options[which as usize % options.len()].to_string();
    match name {
        "authorization" => match which % 5 {
            0 => format!("Bearer {TOKEN}"),
            1 => format!("bearer   {TOKEN} "),
            2 => format!("Bearer {TOKEN}x"),
            3 => format!("Basic {TOKEN}"),
            _ => TOKEN.to_string(),
        },
        "origin" => pick(&[
            "http://localhost:6274",
            "https://app.example.com",
            "http://evil.example",
            "null",
            "http://127.0.0.1",
        ]),
        "host" => pick(&[
            "127.0.0.1:8080",
            "localhost",
            "[::1]:80",
            "mcp.internal:9",
            "evil.example",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
        ]),
        "content-type" => pick(&[
            "application/json",
            "application/json; charset=utf-8",
            "text/plain",
        ]),
        "accept" => pick(&["application/json, text/event-stream", "*/*", "text/html"]),
        "content-length" => pick(&["10", "1048577", "x", "0"]),
        "mcp-protocol-version" => pick(&["2025-06-18", "2025-11-25", "2026-07-28", "1999-01-01"]),
        "mcp-method" => pick(&["tools/list", "tools/call", "server/discover", "ping"]),
        _ => pick(&["list_sandboxes", "get_sandbox", ""]),
    }
}

/// The server's environment; `Some(var)` names the misconfigured variable.
fn config(which: u8) -> (Vec<(&'static str, &'static str)>, Option<&'static str>) {
    let token = ("DAYTONA_MCP_TOKEN", TOKEN);
    match which % 8 {
        0 => (vec![token], None),
        1 => (vec![("DAYTONA_MCP_AUTH", "none")], None),
        2 => (
            vec![
                ("DAYTONA_MCP_AUTH", "none"),
                ("DAYTONA_MCP_ALLOWED_HOSTS", "mcp.internal"),
            ],
            None,
        ),
        3 => (
            vec![token, ("DAYTONA_MCP_AUTH", "none")],
            Some("DAYTONA_MCP_AUTH"),
        ),
        4 => (vec![], None),
        5 => (
            vec![token, ("DAYTONA_MCP_ALLOWED_ORIGINS", BAD_VALUE)],
            Some("DAYTONA_MCP_ALLOWED_ORIGINS"),
        ),
        6 => (
            vec![
                ("DAYTONA_MCP_AUTH", "none"),
                (
                    "DAYTONA_MCP_ALLOWED_HOSTS",
                    "https://bad-configured-value-5e1d",
                ),
            ],
            Some("DAYTONA_MCP_ALLOWED_HOSTS"),
        ),
        _ => (
            vec![token, ("DAYTONA_MCP_BODY_TIMEOUT_MS", BAD_VALUE)],
            Some("DAYTONA_MCP_BODY_TIMEOUT_MS"),
        ),
    }
}

fn header<'a>(head: &'a Head, name: &str) -> Option<&'a str> {
    head.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Whether `authorization` carries the token: an independent reading of
/// `Bearer <token>` (scheme in any case, surrounding whitespace).
fn has_token(authorization: Option<&str>) -> bool {
    let Some(value) = authorization else {
        return false;
    };
    let mut words = value.split_whitespace();
    matches!(
        (words.next(), words.next(), words.next()),
        (Some(scheme), Some(token), None) if scheme.eq_ignore_ascii_case("bearer") && token == TOKEN
    ) && value.trim().split_once(' ').is_some()
}

/// Whether a `Host` value names a loopback host or `listed`, read
/// independently of the guard: the name before the port, lower-cased.
fn loopback_or_listed(value: &str, listed: Option<&str>) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let name = if value.starts_with('[') {
        value
            .split_inclusive(']')
            .next()
            .unwrap_or_default()
            .to_string()
    } else {
        value.split(':').next().unwrap_or_default().to_string()
    };
    let name = name.strip_suffix('.').unwrap_or(&name);
    name == "localhost"
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.octets()[0] == 127)
        || listed == Some(name)
}

fn body_bytes(body: &Body) -> Vec<u8> {
    match body {
        Body::Raw(bytes) => bytes.clone(),
        Body::Rpc {
            method,
            id,
            tool,
            arguments,
            version,
        } => {
            let methods = [
                "initialize",
                "ping",
                "tools/list",
                "tools/call",
                "notifications/initialized",
                "server/discover",
                "resources/list",
            ];
            let method = methods[*method as usize % methods.len()];
            let tools = daytona_tools::catalog::Tool::ALL;
            let name = tools[*tool as usize % tools.len()].spec().name;
            let arguments: Value =
                serde_json::from_str(arguments).unwrap_or_else(|_| json!({ "sandbox": arguments }));
            let versions = ["2025-06-18", "2025-11-25", "2026-07-28"];
            let version = versions[*version as usize % versions.len()];
            let mut message = json!({
                "jsonrpc": "2.0",
                "method": method,
                "params": {
                    "name": name,
                    "arguments": arguments,
                    "protocolVersion": version,
                    "capabilities": {},
                    "clientInfo": { "name": "fuzz", "version": "1" },
                    "_meta": {
                        "io.modelcontextprotocol/protocolVersion": version,
                        "io.modelcontextprotocol/clientCapabilities": {}
                    }
                }
            });
            if let Some(id) = id {
                message["id"] = json!(id);
            }
            message.to_string().into_bytes()
        }
    }
}

fn build_head(input: &Input) -> Head {
    let methods = ["POST", "GET", "DELETE", "OPTIONS", "post"];
    let method = match methods.get(input.method as usize % (methods.len() + 1)) {
        Some(m) => m.to_string(),
        None => input.raw_method.clone(),
    };
    let paths = ["/mcp", "/mcp?x=1", "/other", "/MCP"];
    let path = match paths.get(input.path as usize % (paths.len() + 1)) {
        Some(p) => p.to_string(),
        None => input.raw_path.clone(),
    };
    let mut headers: Vec<(String, String)> = [
        ("Authorization", format!("Bearer {TOKEN}")),
        ("Host", "127.0.0.1:8080".to_string()),
        ("Content-Type", "application/json".to_string()),
        ("Accept", "application/json, text/event-stream".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let value = |name: &str, v: &Value_| match v {
        Value_::Good(which) => good(name, *which),
        Value_::Raw(raw) => raw.clone(),
    };
    for edit in &input.edits {
        match edit {
            Edit::Remove(n) => {
                let name = NAMES[*n as usize % NAMES.len()];
                headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
            }
            Edit::Set(n, v) => {
                let name = NAMES[*n as usize % NAMES.len()];
                let v = value(name, v);
                match headers
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                {
                    Some(slot) => slot.1 = v,
                    None => headers.push((name.to_string(), v)),
                }
            }
            Edit::Prepend(n, v) => {
                let name = NAMES[*n as usize % NAMES.len()];
                headers.insert(0, (name.to_string(), value(name, v)));
            }
            Edit::Raw(k, v) => headers.push((k.clone(), v.clone())),
        }
    }
    let authority = input.authority.as_ref().map(|a| match a {
        Authority::Loopback => "localhost:8080".to_string(),
        Authority::Listed => "mcp.internal".to_string(),
        Authority::Evil => "evil.example:8080".to_string(),
        Authority::Raw(raw) => raw.clone(),
    });
    Head {
        method,
        path,
        headers,
        authority,
    }
}

fn shown(reply: &Reply) -> String {
    let mut text = String::from_utf8_lossy(&reply.body).into_owned();
    for (k, v) in &reply.headers {
        text.push_str(&format!("\n{k}: {v}"));
    }
    text
}

fuzz_target!(|input: Input| {
    let (env, misconfigured) = config(input.config);
    let vars: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let auth_off = vars.iter().any(|(k, _)| k == "DAYTONA_MCP_AUTH");
    let token_configured = vars.iter().any(|(k, _)| k == "DAYTONA_MCP_TOKEN");
    let listed = vars
        .iter()
        .any(|(k, _)| k == "DAYTONA_MCP_ALLOWED_HOSTS")
        .then_some("mcp.internal");
    let server = Server::from_env(&Env::from_pairs(vars.iter().cloned()));
    let head = build_head(&input);
    let body = body_bytes(&input.body);

    let ran = Cell::new(false);
    let run = |name: &str, _args: &str| -> Result<Value, Error> {
        ran.set(true);
        Ok(json!({ "tool": name, "marker": MARKER }))
    };
    let refusal = server.check_head(&head);
    let reply = server.handle(&head, &body, &run);

    assert!(STATUSES.contains(&reply.status), "status {}", reply.status);
    if let Some(refusal) = &refusal {
        assert_eq!(refusal, &reply, "handle differs from check_head's refusal");
        assert!(!ran.get());
    }
    let text = shown(&reply);
    assert!(
        reply.body.is_empty() || serde_json::from_slice::<Value>(&reply.body).is_ok(),
        "not JSON: {text}"
    );
    assert!(!text.contains(TOKEN), "the token in a reply: {text}");
    assert!(
        !text.contains(BAD_VALUE),
        "a configured value in a reply: {text}"
    );
    if let Some(log) = &reply.log {
        assert!(!log.contains(TOKEN), "the token in the log: {log}");
    }

    if let Some(var) = misconfigured {
        assert_eq!(reply.status, 503);
        assert_eq!(
            serde_json::from_slice::<Value>(&reply.body).unwrap()["error"]["message"],
            "this MCP server is misconfigured"
        );
        assert!(!text.contains(var), "{text}");
        assert!(reply.log.as_deref().is_some_and(|l| l.contains(var)));
        assert!(!ran.get());
        return;
    }

    // Who is let in.
    let authenticated = if auth_off {
        let names = [head.authority.as_deref(), header(&head, "host")];
        names.iter().any(Option::is_some)
            && names
                .iter()
                .flatten()
                .all(|h| loopback_or_listed(h, listed))
    } else {
        token_configured && has_token(header(&head, "authorization"))
    };
    if !authenticated {
        assert!(
            !(200..300).contains(&reply.status),
            "served without authentication: {} {text}",
            reply.status
        );
        assert!(!ran.get(), "a tool ran without authentication");
        assert!(!text.contains(MARKER));
    }
    if reply.status == 503 {
        assert!(!token_configured, "503 with a token configured: {text}");
    }
});
