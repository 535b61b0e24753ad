//! Real MCP clients against daytona_mcp.wasm and the emulator:
//!
//! - the official MCP Python SDK (`mcp`, Streamable HTTP), handshake and stateless
//!   modes, through the wasmtime embedding and through `wasmtime serve`;
//! - the MCP conformance suite (`@modelcontextprotocol/conformance`): every server
//!   scenario is run; those that apply to a tools-only server must pass;
//! - the MCP Inspector CLI (`@modelcontextprotocol/inspector-cli`): `tools/list` and
//!   one `tools/call`, as a user would check a server.
//!
//! Clients are installed by `tests/mcp_clients/setup.sh` (pinned, into the gitignored
//! `examples/mcp-clients/.venv` and `node_modules`); the wasmtime CLI by
//! `tests/hosts/setup.sh cli`. No secret may appear in any output.

use crate::common;

use common::{config, emulator};
use host_test::CallConfig;
use host_test::emulator::Emulator;
use host_test::mcp_server::{MCP_COMPONENT_PATH, McpServer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const TOKEN: &str = "mcp-clients-token-7c1d9e4a2f6b3085";
/// Bound on one client run (installs excluded); a hang fails instead of blocking CI.
const DEADLINE: Duration = Duration::from_secs(600);

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// What a finished process left.
struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Outcome {
    fn transcript(&self) -> String {
        format!(
            "exit: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `cmd` to completion with no DAYTONA_* variable of ours inherited.
async fn run(mut cmd: Command, what: &str) -> Outcome {
    for (key, _) in std::env::vars() {
        if key.starts_with("DAYTONA_") {
            cmd.env_remove(key);
        }
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
    let output = tokio::time::timeout(DEADLINE, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {DEADLINE:?}"))
        .expect("waiting for a child");
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Install (or reuse) with `script what`; the `key=value` lines it prints.
async fn install(script: &str, what: &str) -> HashMap<String, String> {
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join(script)).arg(what);
    let outcome = run(cmd, &format!("{script} {what}")).await;
    match outcome.code {
        Some(0) => {}
        Some(2) => panic!(
            "a prerequisite of {what} is missing here\n{}",
            outcome.transcript()
        ),
        Some(3) => panic!(
            "installing {what} failed (is the registry reachable?)\n{}",
            outcome.transcript()
        ),
        _ => panic!("{script} {what} failed\n{}", outcome.transcript()),
    }
    outcome
        .stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn assert_no_secrets(emu: &Emulator, text: &str) {
    for secret in [emu.api_key(), emu.jwt(), TOKEN.to_string()] {
        assert!(!text.contains(&secret), "a secret leaked into:\n{text}");
    }
}

/// The emulator's configuration for the component, with the token (or auth off).
fn mcp_config(emu: &Emulator, token: bool) -> CallConfig {
    let c = config(emu);
    if token {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
    } else {
        c.env("DAYTONA_MCP_AUTH", "none")
    }
}

/// The MCP server on `emu` (with the bearer token when `token`).
async fn serve(emu: &Emulator, token: bool) -> McpServer {
    McpServer::start_default(mcp_config(emu, token))
        .await
        .unwrap()
}

/// Run tests/mcp_clients/sdk.py against `url`; its transcript.
async fn python_sdk(url: &str) -> Outcome {
    let vars = install("host-test/tests/mcp_clients/setup.sh", "python").await;
    let mut cmd = Command::new(&vars["PYTHON"]);
    cmd.arg(repo_root().join("host-test/tests/mcp_clients/sdk.py"))
        .env("MCP_URL", url)
        .env("MCP_TOKEN", TOKEN);
    run(cmd, "sdk.py").await
}

fn assert_sdk_passed(outcome: &Outcome) {
    assert_eq!(
        outcome.code,
        Some(0),
        "the MCP Python SDK disagreed with the server\n{}",
        outcome.transcript()
    );
    for line in [
        "ok: legacy: connected, protocol 2025-11-25",
        "ok: auto: connected, protocol 2026-07-28",
        "ok: auto: execute_command matches its outputSchema",
        "ok: legacy: a tool error is isError with kind not-found",
        "ok: auto: a client without the token is refused: the server asked for the bearer token",
        "ok: all",
    ] {
        assert!(
            outcome.stdout.contains(line),
            "missing `{line}`\n{}",
            outcome.transcript()
        );
    }
    println!("{}", outcome.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_python_sdk_connects_lists_and_calls_tools_through_the_embedding() {
    let emu = emulator();
    let server = serve(&emu, true).await;
    let outcome = python_sdk(&server.url()).await;
    assert_no_secrets(
        &emu,
        &format!("{}{}", outcome.transcript(), server.settled_log().await),
    );
    assert_sdk_passed(&outcome);
}

/// `wasmtime serve` running the component, its address, and its stderr so far.
struct WasmtimeServe {
    child: tokio::process::Child,
    url: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl WasmtimeServe {
    async fn start(emu: &Emulator) -> WasmtimeServe {
        Self::start_with(emu, &[("DAYTONA_MCP_TOKEN", TOKEN)]).await
    }

    /// Serve with the emulator's URL and key and the MCP settings in `mcp`.
    async fn start_with(emu: &Emulator, mcp: &[(&str, &str)]) -> WasmtimeServe {
        let vars = install("host-test/tests/hosts/setup.sh", "cli").await;
        let mut cmd = Command::new(&vars["WASMTIME"]);
        // Values come from the environment (`--env NAME`), so no secret is on the command line.
        cmd.args(["serve", "-S", "cli,http", "--addr", "127.0.0.1:0"]);
        for name in ["DAYTONA_API_URL", "DAYTONA_API_KEY"]
            .iter()
            .chain(mcp.iter().map(|(k, _)| k))
        {
            cmd.args(["--env", name]);
        }
        cmd.envs(mcp.iter().copied());
        cmd.arg(MCP_COMPONENT_PATH)
            .env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_API_KEY", emu.api_key())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = cmd.spawn().expect("starting wasmtime serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let url = tokio::time::timeout(DEADLINE, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(rest) = line.strip_prefix("Serving HTTP on ") {
                    return format!("{}mcp", rest.trim());
                }
            }
            panic!("wasmtime serve ended without serving");
        })
        .await
        .expect("wasmtime serve did not start");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        WasmtimeServe { child, url, stderr }
    }

    /// Its stderr once it holds every one of `lines` (an instance writes its
    /// line after its answer), or after a generous bound that only stops a hang.
    async fn log_with(&self, lines: &[&str]) -> String {
        let all = || {
            let log = self.stderr.lock().unwrap().clone();
            lines.iter().all(|l| log.contains(l)).then_some(log)
        };
        let waited = tokio::time::timeout(DEADLINE, async {
            loop {
                if let Some(log) = all() {
                    return log;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        waited.unwrap_or_else(|_| self.stderr.lock().unwrap().clone())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn wasmtime_serve_runs_the_component_for_the_python_sdk() {
    let emu = emulator();
    let mut serve = WasmtimeServe::start(&emu).await;
    let outcome = python_sdk(&serve.url).await;
    let (ok, refused) = (
        "daytona-mcp: POST /mcp -> 200",
        "daytona-mcp: POST /mcp -> 401",
    );
    let log = serve.log_with(&[ok, refused]).await;
    assert_no_secrets(&emu, &format!("{}{log}", outcome.transcript()));
    assert_sdk_passed(&outcome);
    assert!(log.contains(ok), "{log}");
    assert!(log.contains(refused), "{log}");
    serve.child.kill().await.ok();
}

/// Under `wasmtime serve` (where a half-sent body once held an instance for
/// minutes): half a body and silence on a raw socket get 408 within
/// `DAYTONA_MCP_BODY_TIMEOUT_MS`; with authentication off, a rebinding `Host`
/// is refused and a loopback one served.
#[tokio::test(flavor = "multi_thread")]
async fn wasmtime_serve_bounds_a_stalled_body_and_refuses_a_rebinding_host() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    /// `host:port` of an `http://` URL.
    fn host_port(url: &str) -> &str {
        url.trim_start_matches("http://").split('/').next().unwrap()
    }
    /// Write `request`, never more; the status line of the answer.
    async fn status_line(url: &str, request: &str) -> String {
        let mut conn = tokio::net::TcpStream::connect(host_port(url))
            .await
            .unwrap();
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        while !answer.windows(2).any(|w| w == b"\r\n") {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
        let text = String::from_utf8_lossy(&answer).into_owned();
        text.lines().next().unwrap_or_default().to_string()
    }
    let emu = emulator();
    let mut serve = WasmtimeServe::start_with(
        &emu,
        &[
            ("DAYTONA_MCP_TOKEN", TOKEN),
            ("DAYTONA_MCP_BODY_TIMEOUT_MS", "500"),
        ],
    )
    .await;
    let authority = host_port(&serve.url).to_string();
    let stalled = format!(
        "POST /mcp HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"jsonrpc\""
    );
    // Generous: the bound under test is 500 ms; this only stops a hang.
    let status = tokio::time::timeout(Duration::from_secs(120), status_line(&serve.url, &stalled))
        .await
        .expect("no answer to a stalled body under wasmtime serve");
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    let timed_out = "daytona-mcp: POST /mcp -> 408";
    let serve_log = serve.log_with(&[timed_out]).await;
    serve.child.kill().await.ok();

    let mut open = WasmtimeServe::start_with(&emu, &[("DAYTONA_MCP_AUTH", "none")]).await;
    let authority = host_port(&open.url).to_string();
    let ping = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    let request = |host: &str| {
        format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{ping}",
            ping.len()
        )
    };
    let evil = format!("evil.example:{}", authority.rsplit(':').next().unwrap());
    let answers = tokio::time::timeout(Duration::from_secs(120), async {
        (
            status_line(&open.url, &request(&evil)).await,
            status_line(&open.url, &request(&authority)).await,
        )
    })
    .await
    .expect("wasmtime serve did not answer");
    assert_eq!(answers.0, "HTTP/1.1 403 Forbidden");
    assert_eq!(answers.1, "HTTP/1.1 200 OK");
    let rebound = "-> 403: Host \"evil.example";
    let log = format!("{serve_log}{}", open.log_with(&[rebound]).await);
    open.child.kill().await.ok();
    assert!(log.contains(timed_out), "{log}");
    assert!(log.contains(rebound), "{log}");
    assert_no_secrets(&emu, &log);
}

/// Conformance scenarios that apply to a tools-only, stateless server: all must pass.
const APPLICABLE: [&str; 6] = [
    "server-initialize",
    "ping",
    "tools-list",
    "server-sse-polling",
    "server-sse-multiple-streams",
    "dns-rebinding-protection",
];

#[tokio::test(flavor = "multi_thread")]
async fn the_conformance_suite_passes_every_scenario_that_applies() {
    let vars = install("host-test/tests/mcp_clients/setup.sh", "node").await;
    let emu = emulator();
    // The suite sends no Authorization header: it runs against a loopback-only server
    // with authentication explicitly off, which is what its DNS-rebinding scenario is for.
    let server = serve(&emu, false).await;
    let list = run(
        conformance(&vars, &["list", "--server"]),
        "conformance list",
    )
    .await;
    let scenarios: Vec<String> = list
        .stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert!(
        APPLICABLE.iter().all(|s| scenarios.iter().any(|x| x == s)),
        "{}",
        list.transcript()
    );
    let mut table = Vec::new();
    let mut failed = Vec::new();
    for scenario in &scenarios {
        let outcome = run(
            conformance(
                &vars,
                &["server", "--url", &server.url(), "--scenario", scenario],
            ),
            scenario,
        )
        .await;
        assert_no_secrets(&emu, &outcome.transcript());
        let passed = outcome.code == Some(0);
        table.push(format!(
            "{scenario}: {}",
            if passed { "passed" } else { "failed" }
        ));
        if APPLICABLE.contains(&scenario.as_str()) && !passed {
            failed.push(outcome.transcript());
        }
    }
    println!("conformance {}:\n{}", vars["version"], table.join("\n"));
    assert!(
        failed.is_empty(),
        "applicable conformance scenarios failed:\n{}",
        failed.join("\n\n")
    );
}

fn conformance(vars: &HashMap<String, String>, args: &[&str]) -> Command {
    let mut cmd = Command::new(&vars["NODE22"]);
    cmd.arg(&vars["CONFORMANCE"]).args(args);
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn the_inspector_cli_lists_tools_and_calls_one() {
    let vars = install("host-test/tests/mcp_clients/setup.sh", "node").await;
    let emu = emulator();
    let server = serve(&emu, true).await;
    let auth = format!("Authorization: Bearer {TOKEN}");
    let inspector = |args: &[&str]| {
        let mut cmd = Command::new(&vars["NODE22"]);
        cmd.arg(&vars["INSPECTOR"])
            .args([
                "--cli",
                &server.url(),
                "--transport",
                "http",
                "--header",
                &auth,
            ])
            .args(args)
            // inspector-cli 1.0.3 picks its package.json by a path relative to the
            // working directory: run it from its own build/ folder so it finds it.
            .current_dir(std::path::Path::new(&vars["INSPECTOR"]).parent().unwrap())
            // The CLI starts its inner `node`: the Node.js the suite installed.
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    vars["NODE_BIN"],
                    std::env::var("PATH").unwrap_or_default()
                ),
            );
        cmd
    };
    let listed = run(
        inspector(&["--method", "tools/list"]),
        "inspector tools/list",
    )
    .await;
    let called = run(
        inspector(&[
            "--method",
            "tools/call",
            "--tool-name",
            "list_snapshots",
            "--tool-arg",
            "limit=5",
        ]),
        "inspector tools/call",
    )
    .await;
    for outcome in [&listed, &called] {
        // The command line carries the token (that is how a user runs it); the output must not.
        assert_no_secrets(
            &emu,
            &format!(
                "{}{}{}",
                outcome.stdout,
                outcome.stderr,
                server.settled_log().await
            ),
        );
        assert_eq!(outcome.code, Some(0), "{}", outcome.transcript());
    }
    let tools: serde_json::Value =
        serde_json::from_str(&listed.stdout).unwrap_or_else(|_| panic!("{}", listed.transcript()));
    assert!(
        tools["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "list_snapshots"),
        "{}",
        listed.stdout
    );
    let result: serde_json::Value =
        serde_json::from_str(&called.stdout).unwrap_or_else(|_| panic!("{}", called.transcript()));
    assert_eq!(result["isError"], false, "{}", called.stdout);
    assert!(
        result["structuredContent"]["snapshots"].is_array(),
        "{}",
        called.stdout
    );
}
