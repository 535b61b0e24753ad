//! daytona-mcp: the daytona-tools catalog served as an MCP server over
//! Streamable HTTP, as a `wasi:http/proxy` component (`wasmtime serve`, Spin,
//! wasmCloud).
//!
//! This crate is only glue: it copies the request into
//! [`daytona_tools::mcp::Head`] and a body bounded in size and time, runs
//! [`daytona_tools::mcp::Server::handle`] with [`daytona_tools::catalog::call`]
//! over the shared `wasi:http` transport, and copies the reply back. Every
//! request gets a fresh instance in these hosts; nothing is kept.
#![deny(missing_docs)]

use daytona_tools::catalog::{Context, Policy};
use daytona_tools::config::Config;
use daytona_tools::deadline::nanos;
use daytona_tools::env::Env;
use daytona_tools::error::Error;
use daytona_tools::mcp::{Head, MAX_BODY_BYTES, Reply, Server};
use daytona_tools::wasi_http::WasiTransport;
use serde_json::Value;
use std::io::Write;
use std::time::Duration;
use wasip2::clocks::monotonic_clock;
use wasip2::http::types::{
    Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam,
};
use wasip2::io::poll::poll;
use wasip2::io::streams::StreamError;

/// The exported `wasi:http/incoming-handler`.
struct Handler;

wasip2::http::proxy::export!(Handler);

impl wasip2::exports::http::incoming_handler::Guest for Handler {
    fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
        let env = Env::read();
        let server = Server::from_env(&env);
        let head = head(&request);
        let reply = match server.check_head(&head) {
            Some(refusal) => refusal,
            None => match read_body(request, server.body_timeout()) {
                Ok(body) => server.handle(&head, &body, &|name, args| run(&env, name, args)),
                Err(BodyError::TimedOut) => Reply::body_timed_out(),
                Err(BodyError::Unreadable) => Reply::refusal(
                    400,
                    daytona_tools::mcp::jsonrpc::INVALID_REQUEST,
                    "the request body could not be read",
                    None,
                ),
            },
        };
        // One line per request: method, path without query, status, and the
        // reason for a refusal the server gives the operator only. Never a
        // header value, a body or a credential.
        let path = head.path.split('?').next().unwrap_or_default();
        let line = match &reply.log {
            Some(detail) => format!(
                "daytona-mcp: {} {path} -> {}: {detail}\n",
                head.method, reply.status
            ),
            None => format!("daytona-mcp: {} {path} -> {}\n", head.method, reply.status),
        };
        // The answer first; then the line, whose failure (a closed or full
        // stderr) is ignored: `eprintln!` would panic and abort the instance.
        send(reply, response_out);
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }
}

/// Run a tool with the configuration in `env`, as the library's `call-tool` does.
fn run(env: &Env, name: &str, arguments: &str) -> Result<Value, Error> {
    let policy = Policy::from_env(env)?;
    let config = Config::from_env(env)?;
    let transport = WasiTransport::default();
    daytona_tools::catalog::call(&Context::new(&config, &transport, &policy), name, arguments)
}

fn head(request: &IncomingRequest) -> Head {
    let method = match request.method() {
        Method::Get => "GET".to_string(),
        Method::Head => "HEAD".to_string(),
        Method::Post => "POST".to_string(),
        Method::Put => "PUT".to_string(),
        Method::Delete => "DELETE".to_string(),
        Method::Connect => "CONNECT".to_string(),
        Method::Options => "OPTIONS".to_string(),
        Method::Trace => "TRACE".to_string(),
        Method::Patch => "PATCH".to_string(),
        Method::Other(other) => other,
    };
    let headers = request
        .headers()
        .entries()
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8_lossy(&v).into_owned()))
        .collect();
    Head {
        method,
        path: request.path_with_query().unwrap_or_else(|| "/".into()),
        headers,
        authority: request.authority(),
    }
}

/// Why a body was not read.
enum BodyError {
    /// The whole body did not arrive within the deadline.
    TimedOut,
    /// The stream failed.
    Unreadable,
}

/// The body, read until its end or one byte past the cap (the server refuses
/// it then), all of it within `timeout` of the first read: every wait is a
/// poll over the stream and a monotonic-clock timer at that deadline, so a
/// client that sends part of a body and stalls cannot hold the instance.
fn read_body(request: IncomingRequest, timeout: Duration) -> Result<Vec<u8>, BodyError> {
    let deadline = monotonic_clock::now().saturating_add(nanos(timeout));
    let body = request.consume().map_err(|()| BodyError::Unreadable)?;
    let stream = body.stream().map_err(|()| BodyError::Unreadable)?;
    let readable = stream.subscribe();
    let mut bytes = Vec::new();
    loop {
        match stream.read(64 * 1024) {
            Ok(chunk) if chunk.is_empty() => {
                if !readable.ready() {
                    let timer = monotonic_clock::subscribe_instant(deadline);
                    if !poll(&[&readable, &timer]).contains(&0) {
                        return Err(BodyError::TimedOut);
                    }
                }
            }
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(_)) => return Err(BodyError::Unreadable),
        }
        if bytes.len() > MAX_BODY_BYTES {
            break;
        }
        // A steady trickle never waits: the deadline holds for it too.
        if monotonic_clock::now() >= deadline {
            return Err(BodyError::TimedOut);
        }
    }
    Ok(bytes)
}

fn send(reply: Reply, response_out: ResponseOutparam) {
    let entries: Vec<(String, Vec<u8>)> = reply
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), v.as_bytes().to_vec()))
        .collect();
    let fields = Fields::from_list(&entries).unwrap_or_else(|_| Fields::new());
    let response = OutgoingResponse::new(fields);
    _ = response.set_status_code(reply.status);
    let Ok(body) = response.body() else {
        return;
    };
    ResponseOutparam::set(response_out, Ok(response));
    if let Ok(stream) = body.write() {
        for chunk in reply.body.chunks(4096) {
            if stream.blocking_write_and_flush(chunk).is_err() {
                break;
            }
        }
        drop(stream);
    }
    _ = OutgoingBody::finish(body, None);
}
