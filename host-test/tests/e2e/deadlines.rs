//! Every call ends in bounded time, whatever the server does, and whether or
//! not the host honours the guest's request options; big command output is
//! a truncated result, not an error; a host's refusal names the host.
//!
//! Each fault runs through the real `.wasm`. Outcomes are asserted by kind and
//! by the bound the error names, never by elapsed time. Each row makes short
//! only the bound it tests and sets every other bound to 600 s, far beyond the
//! 60 s hang guard, and the fault's own pace is far from the short bound: a
//! loaded machine that stalls the test for seconds makes a row slower, not a
//! different bound fire. Attempts are what the server (or the host) counted.
//! The runs also produce the table in docs/faults.md: the test fails when the
//! committed table drifts; `UPDATE_DOCS=1 cargo test -p host-test --test e2e
//! deadlines` rewrites it.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, EmulatorOptions, Fault, SandboxSeed};
use host_test::harness::kind_name;
use host_test::harness::types::{Error, ErrorKind};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

/// Only a guard against a hang; outcomes are asserted, not times.
const HANG_GUARD: Duration = Duration::from_secs(60);
/// The API key raw servers are called with; it must never show up anywhere.
const KEY: &str = "dtn_deadline_test_key_0123456789";
/// Every bound a row does not test: ten times the hang guard, so it cannot fire first.
const LONG_MS: u64 = 600_000;
/// What a connection sends to ask a [`RawServer`] for its count.
const SETTLE: &[u8] = b"SETTLE\r\n\r\n";

/// The time bounds of one row, in ms (C, R, Q and K of docs/bounds.md).
#[derive(Debug, Clone, Copy)]
struct Bounds {
    connect: u64,
    response: u64,
    request: u64,
    call: u64,
}

impl Bounds {
    /// No bound short: for rows where no time bound may fire.
    const LONG: Bounds = Bounds {
        connect: LONG_MS,
        response: LONG_MS,
        request: LONG_MS,
        call: LONG_MS,
    };

    fn apply(self, cfg: CallConfig) -> CallConfig {
        cfg.env("DAYTONA_CONNECT_TIMEOUT_MS", self.connect.to_string())
            .env("DAYTONA_RESPONSE_TIMEOUT_MS", self.response.to_string())
            .env("DAYTONA_REQUEST_TIMEOUT_MS", self.request.to_string())
            .env("DAYTONA_CALL_TIMEOUT_MS", self.call.to_string())
    }

    /// The short ones, for the table ("C 100 ms, R 200 ms"); "—" when none.
    fn short(self) -> String {
        let short: Vec<String> = [
            ("C", self.connect),
            ("R", self.response),
            ("Q", self.request),
            ("K", self.call),
        ]
        .into_iter()
        .filter(|&(_, ms)| ms != LONG_MS)
        .map(|(name, ms)| format!("{name} {ms} ms"))
        .collect();
        if short.is_empty() {
            "—".into()
        } else {
            short.join(", ")
        }
    }
}

/// What a raw server does after reading a request's head.
#[derive(Debug, Clone, Copy)]
enum Behaviour {
    /// Accept, read, never answer.
    Stall,
    /// Answer headers, then one byte every 50 ms, forever.
    Trickle,
    /// Answer headers and a few bytes of body, then nothing.
    StallMidBody,
}

/// What a raw server has seen: connections accepted, those whose request
/// head was read or that closed without one, and the requests read.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    accepted: usize,
    settled: usize,
    requests: usize,
}

/// A server on 127.0.0.1 that misbehaves; counts the requests it read.
struct RawServer {
    addr: SocketAddr,
}

impl RawServer {
    async fn start(behaviour: Behaviour) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let counts = Arc::new(watch::Sender::new(Counts::default()));
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                counts.send_modify(|c| c.accepted += 1);
                let counts = counts.clone();
                tokio::spawn(async move { misbehave(socket, behaviour, &counts).await });
            }
        });
        RawServer { addr }
    }

    /// The requests read, once every connection made so far has sent its
    /// request or closed: the count does not depend on when the server's
    /// tasks ran. Call it after the instance is gone (its connections closed).
    async fn requests(&self) -> usize {
        let ask = async {
            let mut socket = TcpStream::connect(self.addr).await.unwrap();
            socket.write_all(SETTLE).await.unwrap();
            let mut answer = String::new();
            socket.read_to_string(&mut answer).await.unwrap();
            answer.parse().unwrap()
        };
        tokio::time::timeout(HANG_GUARD, ask)
            .await
            .expect("a connection neither sent a request nor closed")
    }

    /// Guest configuration with `bounds`, allowed to reach this server.
    fn config(&self, bounds: Bounds) -> CallConfig {
        bounds.apply(
            CallConfig::default()
                .env("DAYTONA_API_URL", format!("http://{}/api", self.addr))
                .env("DAYTONA_API_KEY", KEY)
                .allow(self.addr.to_string()),
        )
    }
}

async fn misbehave(mut socket: TcpStream, behaviour: Behaviour, counts: &watch::Sender<Counts>) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut head = Vec::new();
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => {
                counts.send_modify(|c| c.settled += 1);
                return;
            }
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    if head == SETTLE {
        // Connections are accepted in order: every one before this is
        // accepted; answer once each has been read or closed.
        let mut seen = counts.subscribe();
        let counts = *seen
            .wait_for(|c| c.settled + 1 == c.accepted)
            .await
            .unwrap();
        let _ = socket
            .write_all(counts.requests.to_string().as_bytes())
            .await;
        return;
    }
    counts.send_modify(|c| {
        c.settled += 1;
        c.requests += 1;
    });
    let answer_head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000000\r\n\r\n";
    match behaviour {
        Behaviour::Stall => {}
        Behaviour::Trickle => {
            if socket.write_all(answer_head.as_bytes()).await.is_err() {
                return;
            }
            loop {
                if socket.write_all(b" ").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        Behaviour::StallMidBody => {
            let _ = socket
                .write_all(format!("{answer_head}{{\"id\": \"").as_bytes())
                .await;
        }
    }
    // Hold the connection (reading whatever else comes) until the client leaves.
    while let Ok(n) = socket.read(&mut buf).await {
        if n == 0 {
            return;
        }
    }
}

/// Call a tool on a fresh instance within the hang guard; checks no secret leaked.
async fn run(cfg: &CallConfig, secrets: &[String], tool: &str, args: &str) -> Outcome {
    let mut inst = instance(cfg).await;
    let result = tokio::time::timeout(HANG_GUARD, inst.call_tool(tool, args))
        .await
        .unwrap_or_else(|_| panic!("{tool} did not end within {HANG_GUARD:?}"))
        .expect("call-tool trapped");
    let shown = format!("{result:?}{}", inst.output());
    for secret in secrets.iter().map(String::as_str).chain([KEY]) {
        assert!(!shown.contains(secret), "a secret leaked into: {shown}");
    }
    Outcome {
        result: result.map(|json| serde_json::from_str(&json).expect("invalid JSON")),
        denied: inst.denied(),
        sent: inst.sent(),
    }
}

struct Outcome {
    result: Result<Value, Error>,
    denied: Vec<String>,
    /// Requests the host let through to the network.
    sent: usize,
}

impl Outcome {
    fn err(&self) -> &Error {
        match &self.result {
            Err(e) => e,
            Ok(v) => panic!("expected an error, got {v}"),
        }
    }
}

/// The time bound a timeout error names.
fn named_bound(err: &Error) -> Option<&'static str> {
    [
        "connect",
        "first-byte",
        "between-bytes",
        "per-request",
        "per-call",
    ]
    .into_iter()
    .find(|label| err.message.contains(&format!("the {label} bound (")))
}

/// One line of docs/faults.md.
struct Row {
    fault: String,
    tool: &'static str,
    /// The bounds the row makes short (the others are 600 s).
    short: String,
    outcome: String,
    bound: String,
    attempts: String,
}

/// The row of a raw-server run that must end in a timeout naming `bound`.
async fn timeout_row(
    fault: String,
    tool: &'static str,
    server: &RawServer,
    bounds: Bounds,
    out: &Outcome,
    bound: &str,
    attempts: usize,
) -> Row {
    let err = out.err();
    assert_kind(err, ErrorKind::Timeout);
    assert_eq!(named_bound(err), Some(bound), "{fault}: {err:?}");
    assert!(err.retryable, "{err:?}");
    assert!(err.message.contains(&server.addr.to_string()), "{err:?}");
    let received = server.requests().await;
    assert_eq!(received, attempts, "{fault}: requests received");
    Row {
        fault,
        tool,
        short: bounds.short(),
        outcome: kind_name(&err.kind).into(),
        bound: bound.into(),
        attempts: received.to_string(),
    }
}

/// Run `tool` against a fresh raw server behaving as `behaviour`.
async fn raw(
    behaviour: Behaviour,
    bounds: Bounds,
    drop_options: bool,
    tool: &str,
    args: &str,
) -> (RawServer, Outcome) {
    let server = RawServer::start(behaviour).await;
    let mut cfg = server.config(bounds);
    if drop_options {
        cfg = cfg.drop_request_options();
    }
    let out = run(&cfg, &[], tool, args).await;
    (server, out)
}

/// A server that never answers: each attempt ends at the first-byte bound,
/// and the reads are retried (4 attempts in all). A host that honours the
/// options ends the wait R after connecting (so C is long: no connect bound
/// can fire); the guest's own timer ends it C + R after the attempt started.
async fn stall_before_headers(drop_options: bool) -> Row {
    let bounds = Bounds {
        connect: if drop_options { 100 } else { LONG_MS },
        response: 200,
        ..Bounds::LONG
    };
    let args = r#"{"sandbox": "s"}"#;
    let (server, out) = raw(Behaviour::Stall, bounds, drop_options, "get_sandbox", args).await;
    timeout_row(
        variant("server accepts, never answers", drop_options),
        "get_sandbox",
        &server,
        bounds,
        &out,
        "first-byte",
        4,
    )
    .await
}

/// A body that keeps coming one byte every 50 ms never trips the
/// between-bytes bound (600 s); the per-request bound ends it. A named create
/// whose answer is lost is sent once more (a 409 would then mean it was made).
async fn trickle(drop_options: bool) -> Row {
    let bounds = Bounds {
        request: 300,
        ..Bounds::LONG
    };
    let args = r#"{"name": "t"}"#;
    let (server, out) = raw(
        Behaviour::Trickle,
        bounds,
        drop_options,
        "create_sandbox",
        args,
    )
    .await;
    timeout_row(
        variant("server trickles the body, 1 byte / 50 ms", drop_options),
        "create_sandbox",
        &server,
        bounds,
        &out,
        "per-request",
        2,
    )
    .await
}

/// Headers and a few bytes, then silence: the between-bytes bound. A host
/// that honours the options also gets R as its first-byte timeout; the
/// headers come at once, so R is 1 s there to keep that wait far from it.
async fn stall_mid_body(drop_options: bool) -> Row {
    let bounds = Bounds {
        response: if drop_options { 200 } else { 1000 },
        ..Bounds::LONG
    };
    let args = r#"{"sandbox": "s"}"#;
    let (server, out) = raw(
        Behaviour::StallMidBody,
        bounds,
        drop_options,
        "get_sandbox",
        args,
    )
    .await;
    timeout_row(
        variant("server stalls mid-body", drop_options),
        "get_sandbox",
        &server,
        bounds,
        &out,
        "between-bytes",
        4,
    )
    .await
}

/// A call budget shorter than one attempt's bounds: the per-call bound ends
/// the call, and no retry is started without time for it.
async fn call_budget_runs_out() -> Row {
    let bounds = Bounds {
        call: 1000,
        ..Bounds::LONG
    };
    let (server, out) = raw(Behaviour::Stall, bounds, true, "list_sandboxes", "{}").await;
    timeout_row(
        "server never answers (host drops request options)".into(),
        "list_sandboxes",
        &server,
        bounds,
        &out,
        "per-call",
        1,
    )
    .await
}

fn variant(fault: &str, drop_options: bool) -> String {
    if drop_options {
        format!("{fault} (host drops request options)")
    } else {
        fault.to_string()
    }
}

/// A port held by a socket that is bound but not listening: connecting to it
/// is refused, and no other process can take the port while it is held.
fn refusing_port() -> (TcpSocket, SocketAddr) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket, addr)
}

/// Nothing listens: each attempt is refused at once, and reads are retried.
/// No server can count them; the host counts what it tried to send.
async fn connection_refused() -> Row {
    let (_held, addr) = refusing_port();
    let cfg = Bounds::LONG.apply(
        CallConfig::default()
            .env("DAYTONA_API_URL", format!("http://{addr}/api"))
            .env("DAYTONA_API_KEY", KEY)
            .allow(addr.to_string()),
    );
    let out = run(&cfg, &[], "get_sandbox", r#"{"sandbox": "s"}"#).await;
    let err = out.err();
    assert_kind(err, ErrorKind::Transport);
    assert!(err.message.contains(&addr.to_string()), "{err:?}");
    assert!(err.message.contains("ConnectionRefused"), "{err:?}");
    assert_eq!(out.sent, 4);
    Row {
        fault: "connection refused".into(),
        tool: "get_sandbox",
        short: Bounds::LONG.short(),
        outcome: kind_name(&err.kind).into(),
        bound: "retry limit".into(),
        attempts: format!("{} (refused)", out.sent),
    }
}

/// A POST with a body to a host the host runtime refuses: a transport error
/// naming the host and the allowlist, however the refusal surfaces.
async fn host_denied() -> Row {
    let cfg = Bounds::LONG.apply(
        CallConfig::default()
            .env("DAYTONA_API_URL", "http://denied.example:8080/api")
            .env("DAYTONA_API_KEY", KEY)
            .allow("127.0.0.1"),
    );
    let out = run(
        &cfg,
        &[],
        "create_sandbox",
        r#"{"name": "d", "env": {"A": "b"}, "labels": {"team": "x"}}"#,
    )
    .await;
    let err = out.err();
    assert_kind(err, ErrorKind::Transport);
    assert!(!err.retryable, "{err:?}");
    assert!(err.message.contains("denied.example:8080"), "{err:?}");
    assert!(err.message.contains("allowlist"), "{err:?}");
    assert!(
        err.hint
            .as_deref()
            .unwrap_or_default()
            .contains("allowlist"),
        "{err:?}"
    );
    assert!(
        !err.message.contains("could not be read or written"),
        "{err:?}"
    );
    assert_eq!(out.denied, vec!["denied.example:8080".to_string()]);
    assert_eq!(out.sent, 0);
    Row {
        fault: "host denies the request (POST with a body)".into(),
        tool: "create_sandbox",
        short: Bounds::LONG.short(),
        outcome: kind_name(&err.kind).into(),
        bound: "—".into(),
        attempts: format!("{} ({} denied)", out.sent, out.denied.len()),
    }
}

fn secrets(emu: &Emulator) -> Vec<String> {
    vec![emu.api_key(), emu.jwt()]
}

/// Requests the emulator received with `method` on a path starting with `path`.
fn received(emu: &Emulator, method: &str, path: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(path))
        .count()
}

fn gets(emu: &Emulator, path: &str) -> usize {
    received(emu, "GET", path)
}

/// An emulator row: no time bound short.
fn emulator_row(fault: &str, tool: &'static str, err: &Error, bound: &str, n: usize) -> Row {
    Row {
        fault: fault.into(),
        tool,
        short: Bounds::LONG.short(),
        outcome: kind_name(&err.kind).into(),
        bound: bound.into(),
        attempts: n.to_string(),
    }
}

async fn emulator_faults() -> Vec<Row> {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("s"));
    let cfg = Bounds::LONG.apply(config(&emu));
    let mut rows = Vec::new();

    emu.fail_next("GET", "/api/sandbox/s", Fault::Oversized(9 * 1024 * 1024));
    let out = run(&cfg, &secrets(&emu), "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    assert!(out.err().message.contains("larger than"), "{:?}", out.err());
    rows.push(emulator_row(
        "answer body over 8 MiB",
        "get_sandbox",
        out.err(),
        "body cap",
        gets(&emu, "/api/sandbox/s"),
    ));

    emu.clear_requests();
    emu.fail_next("GET", "/api/sandbox/s", Fault::BrokenJson);
    let out = run(&cfg, &secrets(&emu), "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    rows.push(emulator_row(
        "broken JSON",
        "get_sandbox",
        out.err(),
        "—",
        gets(&emu, "/api/sandbox/s"),
    ));

    emu.clear_requests();
    for _ in 0..4 {
        emu.fail_next(
            "GET",
            "/api/sandbox/s",
            Fault::api(503, "Service Unavailable"),
        );
    }
    let out = run(&cfg, &secrets(&emu), "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    assert_eq!(out.err().status, Some(503));
    rows.push(emulator_row(
        "503 on every attempt",
        "get_sandbox",
        out.err(),
        "retry limit",
        gets(&emu, "/api/sandbox/s"),
    ));

    emu.clear_requests();
    for _ in 0..4 {
        emu.fail_next(
            "GET",
            "/api/sandbox",
            Fault::rate_limited("authenticated", 0),
        );
    }
    let out = run(&cfg, &secrets(&emu), "list_sandboxes", "{}").await;
    assert_kind(out.err(), ErrorKind::RateLimited);
    rows.push(emulator_row(
        "429 on every attempt",
        "list_sandboxes",
        out.err(),
        "retry limit",
        gets(&emu, "/api/sandbox"),
    ));

    emu.clear_requests();
    emu.fail_next(
        "POST",
        "/api/sandbox",
        Fault::api(500, "Internal Server Error"),
    );
    let out = run(&cfg, &secrets(&emu), "create_sandbox", r#"{"name": "c"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    rows.push(emulator_row(
        "500 on a create",
        "create_sandbox",
        out.err(),
        "— (a create is not retried on 500)",
        received(&emu, "POST", "/api/sandbox"),
    ));
    rows
}

/// Output far over the 8 MiB body cap: the command ran, so the result is its
/// exit code and the ends of its output, marked truncated.
async fn oversized_command_output() -> Row {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("big"));
    let cfg = Bounds::LONG.apply(config(&emu));
    // 9 000 000 bytes of "x\n" (13.5 MB as JSON), then a last line and exit code 3.
    let args = r#"{"sandbox": "big", "command": "yes x | head -c 9000000; echo END; exit 3"}"#;
    let out = run(&cfg, &secrets(&emu), "execute_command", args).await;
    let json = out.result.as_ref().expect("a result, not an error");
    assert_eq!(json["exitCode"], 3, "{}", &json.to_string()[..200]);
    assert_eq!(json["truncated"], true);
    let result = json["result"].as_str().unwrap();
    assert!(result.starts_with("x\nx\n"), "{}", &result[..40]);
    assert!(
        result.ends_with("x\nEND\n"),
        "{}",
        &result[result.len() - 40..]
    );
    assert!(result.len() <= 64 * 1024);
    // Exact: the answer's strings are measured as they arrive.
    assert_eq!(json["resultLength"], 9_000_004);
    let executes = emu
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/process/execute"))
        .count();
    Row {
        fault: "command output over 8 MiB (13.5 MB answer)".into(),
        tool: "execute_command",
        short: Bounds::LONG.short(),
        outcome: "ok: truncated, exit code kept".into(),
        bound: "body cap".into(),
        attempts: executes.to_string(),
    }
}

/// A sandbox that does not reach `started` within the call's `timeout` (1 s;
/// the emulator's transition takes an hour).
async fn wait_runs_out() -> Row {
    let emu = Emulator::start(EmulatorOptions {
        transition_delay: Duration::from_secs(3600),
        ..Default::default()
    })
    .unwrap();
    let cfg = Bounds::LONG.apply(config(&emu));
    let out = run(
        &cfg,
        &secrets(&emu),
        "create_sandbox",
        r#"{"name": "slow", "timeout": 1}"#,
    )
    .await;
    let err = out.err();
    assert_kind(err, ErrorKind::Timeout);
    assert!(
        err.message.contains("did not reach started within 1 s"),
        "{err:?}"
    );
    // How many polls fit in the second depends on the machine; that they polled does not.
    assert!(gets(&emu, "/api/sandbox/") >= 1, "no poll");
    Row {
        fault: "sandbox never reaches `started`".into(),
        tool: "create_sandbox",
        short: Bounds::LONG.short(),
        outcome: kind_name(&err.kind).into(),
        bound: "the call's `timeout` (1 s)".into(),
        attempts: format!("{} + polls", received(&emu, "POST", "/api/sandbox")),
    }
}

fn render(rows: &[Row]) -> String {
    let mut out = String::from(
        "# Faults and outcomes\n\n\
         Generated by `host-test/tests/e2e/deadlines.rs` from runs of the real `.wasm`\n\
         (`UPDATE_DOCS=1 cargo test -p host-test --test e2e deadlines` rewrites it; the\n\
         test fails when this file and the runs disagree). Each row makes short only\n\
         the bounds in its \"short bounds\" column (C, R, Q, K as in\n\
         [bounds.md](bounds.md)) and sets every other one to 600 s, so which bound\n\
         fires does not depend on how fast the machine is. \"Host drops request\n\
         options\" is a host that passes no timeouts to its HTTP client (wasmtime\n\
         then waits 600 s): the guest's own monotonic timers end the call the same\n\
         way. \"Bound\" is the limit the error names. \"Attempts\" is what the server\n\
         received (requests read, or recorded by the emulator); for a refused\n\
         connection or a denied request, what the host tried to send.\n\n\
         | fault | tool | short bounds | outcome | bound | attempts |\n\
         |---|---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} |\n",
            r.fault, r.tool, r.short, r.outcome, r.bound, r.attempts
        ));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_ends_in_bounded_time_and_docs_faults_md_is_current() {
    let mut rows = Vec::new();
    for drop_options in [false, true] {
        rows.push(stall_before_headers(drop_options).await);
        rows.push(trickle(drop_options).await);
        rows.push(stall_mid_body(drop_options).await);
    }
    rows.push(call_budget_runs_out().await);
    rows.push(connection_refused().await);
    rows.push(host_denied().await);
    rows.push(oversized_command_output().await);
    rows.extend(emulator_faults().await);
    rows.push(wait_runs_out().await);

    let table = render(&rows);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/faults.md");
    if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &table).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == table,
        "docs/faults.md is out of date; run UPDATE_DOCS=1 cargo test -p host-test --test e2e deadlines\n\
         --- generated ---\n{table}"
    );
}
