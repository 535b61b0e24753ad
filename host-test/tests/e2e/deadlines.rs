//! Every call ends in bounded time, whatever the server does, and whether or
//! not the host honours the guest's request options; big command output is
//! a truncated result, not an error; a host's refusal names the host.
//!
//! Each fault runs through the real `.wasm`. Outcomes are asserted by kind and
//! by the bound the error names, never by elapsed time (small configured
//! timeouts keep the runs short; a 60 s guard only catches hangs). The runs
//! also produce the table in docs/faults.md: the test fails when the committed
//! table drifts; `UPDATE_DOCS=1 cargo test -p host-test --test e2e deadlines`
//! rewrites it.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, EmulatorOptions, Fault, SandboxSeed};
use host_test::harness::kind_name;
use host_test::harness::types::{Error, ErrorKind};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Only a guard against a hang; outcomes are asserted, not times.
const HANG_GUARD: Duration = Duration::from_secs(60);
/// The API key raw servers are called with; it must never show up anywhere.
const KEY: &str = "dtn_deadline_test_key_0123456789";

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

/// A server on 127.0.0.1 that misbehaves; counts the requests it read.
struct RawServer {
    addr: SocketAddr,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    async fn start(behaviour: Behaviour) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let count = requests.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move { misbehave(socket, behaviour, &count).await });
            }
        });
        RawServer { addr, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Guest configuration with small bounds, allowed to reach this server.
    fn config(&self) -> CallConfig {
        CallConfig::default()
            .env("DAYTONA_API_URL", format!("http://{}/api", self.addr))
            .env("DAYTONA_API_KEY", KEY)
            .env("DAYTONA_CONNECT_TIMEOUT_MS", "200")
            .env("DAYTONA_RESPONSE_TIMEOUT_MS", "300")
            .env("DAYTONA_REQUEST_TIMEOUT_MS", "1500")
            .allow(self.addr.to_string())
    }
}

async fn misbehave(mut socket: TcpStream, behaviour: Behaviour, count: &AtomicUsize) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut head = Vec::new();
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    count.fetch_add(1, Ordering::SeqCst);
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
    }
}

struct Outcome {
    result: Result<Value, Error>,
    denied: Vec<String>,
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
    outcome: String,
    bound: String,
    attempts: String,
}

fn timeout_row(fault: &str, tool: &'static str, out: &Outcome, bound: &str, tries: usize) -> Row {
    let err = out.err();
    assert_kind(err, ErrorKind::Timeout);
    assert_eq!(named_bound(err), Some(bound), "{fault}: {err:?}");
    assert!(err.retryable, "{err:?}");
    Row {
        fault: fault.to_string(),
        tool,
        outcome: kind_name(&err.kind).into(),
        bound: bound.into(),
        attempts: tries.to_string(),
    }
}

/// A server that never answers: each attempt ends at the first-byte bound,
/// and the reads are retried (4 attempts in all).
async fn stall_before_headers(drop_options: bool) -> Row {
    let server = RawServer::start(Behaviour::Stall).await;
    let mut cfg = server.config();
    if drop_options {
        cfg = cfg.drop_request_options();
    }
    let out = run(&cfg, &[], "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert!(out.err().message.contains(&server.addr.to_string()));
    assert_eq!(server.requests(), 4);
    timeout_row(
        &variant("server accepts, never answers", drop_options),
        "get_sandbox",
        &out,
        "first-byte",
        server.requests(),
    )
}

/// A body that keeps coming one byte at a time never trips the
/// between-bytes bound; the per-request bound ends it. A named create whose
/// answer is lost is sent once more (a 409 would then mean it was made).
async fn trickle(drop_options: bool) -> Row {
    let server = RawServer::start(Behaviour::Trickle).await;
    let mut cfg = server.config();
    if drop_options {
        cfg = cfg.drop_request_options();
    }
    let out = run(&cfg, &[], "create_sandbox", r#"{"name": "t"}"#).await;
    assert_eq!(server.requests(), 2);
    timeout_row(
        &variant("server trickles the body, 1 byte / 50 ms", drop_options),
        "create_sandbox",
        &out,
        "per-request",
        server.requests(),
    )
}

/// Headers and a few bytes, then silence: the between-bytes bound.
async fn stall_mid_body(drop_options: bool) -> Row {
    let server = RawServer::start(Behaviour::StallMidBody).await;
    let mut cfg = server.config();
    if drop_options {
        cfg = cfg.drop_request_options();
    }
    let out = run(&cfg, &[], "get_sandbox", r#"{"sandbox": "s"}"#).await;
    timeout_row(
        &variant("server stalls mid-body", drop_options),
        "get_sandbox",
        &out,
        "between-bytes",
        server.requests(),
    )
}

/// A call budget shorter than one attempt's bounds: the per-call bound ends
/// the call, and no retry is started without time for it.
async fn call_budget_runs_out() -> Row {
    let server = RawServer::start(Behaviour::Stall).await;
    let cfg = server
        .config()
        .env("DAYTONA_RESPONSE_TIMEOUT_MS", "30000")
        .env("DAYTONA_CALL_TIMEOUT_MS", "1000")
        .drop_request_options();
    let out = run(&cfg, &[], "list_sandboxes", "{}").await;
    assert_eq!(server.requests(), 1);
    timeout_row(
        "server never answers, DAYTONA_CALL_TIMEOUT_MS=1000 (host drops options)",
        "list_sandboxes",
        &out,
        "per-call",
        server.requests(),
    )
}

fn variant(fault: &str, drop_options: bool) -> String {
    if drop_options {
        format!("{fault} (host drops request options)")
    } else {
        fault.to_string()
    }
}

async fn connection_refused() -> Row {
    let addr = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let cfg = CallConfig::default()
        .env("DAYTONA_API_URL", format!("http://{addr}/api"))
        .env("DAYTONA_API_KEY", KEY)
        .allow(addr.to_string());
    let out = run(&cfg, &[], "get_sandbox", r#"{"sandbox": "s"}"#).await;
    let err = out.err();
    assert_kind(err, ErrorKind::Transport);
    assert!(err.message.contains(&addr.to_string()), "{err:?}");
    Row {
        fault: "connection refused".into(),
        tool: "get_sandbox",
        outcome: kind_name(&err.kind).into(),
        bound: "retry limit".into(),
        attempts: "4".into(),
    }
}

/// A POST with a body to a host the host runtime refuses: a transport error
/// naming the host and the allowlist, however the refusal surfaces.
async fn host_denied() -> Row {
    let cfg = CallConfig::default()
        .env("DAYTONA_API_URL", "http://denied.example:8080/api")
        .env("DAYTONA_API_KEY", KEY)
        .allow("127.0.0.1");
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
    Row {
        fault: "host denies the request (POST with a body)".into(),
        tool: "create_sandbox",
        outcome: kind_name(&err.kind).into(),
        bound: "—".into(),
        attempts: "0".into(),
    }
}

fn secrets(emu: &Emulator) -> Vec<String> {
    vec![emu.api_key(), emu.jwt()]
}

fn gets(emu: &Emulator, path: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.starts_with(path))
        .count()
}

async fn emulator_faults() -> Vec<Row> {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("s"));
    let cfg = config(&emu).env("DAYTONA_RESPONSE_TIMEOUT_MS", "2000");
    let mut rows = Vec::new();

    emu.fail_next("GET", "/api/sandbox/s", Fault::Oversized(9 * 1024 * 1024));
    let out = run(&cfg, &secrets(&emu), "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    assert!(out.err().message.contains("larger than"), "{:?}", out.err());
    rows.push(Row {
        fault: "answer body over 8 MiB".into(),
        tool: "get_sandbox",
        outcome: "upstream".into(),
        bound: "body cap".into(),
        attempts: "1".into(),
    });

    emu.clear_requests();
    emu.fail_next("GET", "/api/sandbox/s", Fault::BrokenJson);
    let out = run(&cfg, &secrets(&emu), "get_sandbox", r#"{"sandbox": "s"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    rows.push(Row {
        fault: "broken JSON".into(),
        tool: "get_sandbox",
        outcome: "upstream".into(),
        bound: "—".into(),
        attempts: gets(&emu, "/api/sandbox/s").to_string(),
    });

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
    rows.push(Row {
        fault: "503 on every attempt".into(),
        tool: "get_sandbox",
        outcome: "upstream".into(),
        bound: "retry limit".into(),
        attempts: gets(&emu, "/api/sandbox/s").to_string(),
    });

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
    rows.push(Row {
        fault: "429 on every attempt".into(),
        tool: "list_sandboxes",
        outcome: "rate-limited".into(),
        bound: "retry limit".into(),
        attempts: gets(&emu, "/api/sandbox").to_string(),
    });

    emu.clear_requests();
    emu.fail_next(
        "POST",
        "/api/sandbox",
        Fault::api(500, "Internal Server Error"),
    );
    let out = run(&cfg, &secrets(&emu), "create_sandbox", r#"{"name": "c"}"#).await;
    assert_kind(out.err(), ErrorKind::Upstream);
    let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
    rows.push(Row {
        fault: "500 on a create".into(),
        tool: "create_sandbox",
        outcome: "upstream".into(),
        bound: "— (a create is not retried on 500)".into(),
        attempts: posts.to_string(),
    });
    rows
}

/// Output far over the 8 MiB body cap: the command ran, so the result is its
/// exit code and the ends of its output, marked truncated.
async fn oversized_command_output() -> Row {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("big"));
    let cfg = config(&emu);
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
    Row {
        fault: "command output over 8 MiB (13.5 MB answer)".into(),
        tool: "execute_command",
        outcome: "ok: truncated, exit code kept".into(),
        bound: "body cap".into(),
        attempts: "1".into(),
    }
}

/// A sandbox that does not reach `started` within the call's `timeout`.
async fn wait_runs_out() -> Row {
    let emu = Emulator::start(EmulatorOptions {
        transition_delay: Duration::from_secs(60),
        ..Default::default()
    })
    .unwrap();
    let cfg = config(&emu);
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
    Row {
        fault: "sandbox never reaches `started`".into(),
        tool: "create_sandbox",
        outcome: "timeout".into(),
        bound: "the call's `timeout` (1 s)".into(),
        attempts: "1 + polls".into(),
    }
}

fn render(rows: &[Row]) -> String {
    let mut out = String::from(
        "# Faults and outcomes\n\n\
         Generated by `host-test/tests/e2e/deadlines.rs` from runs of the real `.wasm`\n\
         (`UPDATE_DOCS=1 cargo test -p host-test --test e2e deadlines` rewrites it; the\n\
         test fails when this file and the runs disagree). Raw-server rows use\n\
         `DAYTONA_CONNECT_TIMEOUT_MS=200`, `DAYTONA_RESPONSE_TIMEOUT_MS=300`,\n\
         `DAYTONA_REQUEST_TIMEOUT_MS=1500`. \"Host drops request options\" is a\n\
         host that passes no timeouts to its HTTP client (wasmtime then waits\n\
         600 s): the guest's own monotonic timers end the call the same way.\n\
         \"Bound\" is the limit the error names (see [bounds.md](bounds.md)).\n\n\
         | fault | tool | outcome | bound | attempts |\n\
         |---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.fault, r.tool, r.outcome, r.bound, r.attempts
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
