//! The harness's pooled, kept-alive `send_request` (`host_test::pool`): fresh
//! instances reuse the connections earlier instances opened, answers never
//! cross between concurrent calls, a connection whose answer was not read to
//! the end is not reused, and failures look the same to the guest as with
//! wasmtime's default sender (a new connection per request). Connections are
//! counted by the emulator's accept loop.

use crate::common::*;
use host_test::emulator::{Fault, SandboxSeed};
use host_test::harness::types::Error;
use host_test::mcp_server::{McpClient, McpServer};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_instances_share_one_kept_alive_connection() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("pooled"));
    let cfg = config(&emu);
    for _ in 0..20 {
        let got = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "pooled"}"#)
            .await
            .unwrap();
        assert_eq!(got["name"], "pooled");
    }
    // Two requests per call (the sandbox, then its toolbox).
    for _ in 0..5 {
        let out = call(
            &emu,
            &cfg,
            "execute_command",
            r#"{"sandbox": "pooled", "command": "echo hi"}"#,
        )
        .await
        .unwrap();
        assert_eq!(out["result"], "hi\n");
    }
    assert_eq!(emu.requests().len(), 30);
    assert_eq!(emu.connections(), 1, "30 requests, one connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_pool_each_request_opens_a_connection() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("unpooled"));
    let cfg = config(&emu).new_connection_per_request();
    for _ in 0..5 {
        call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "unpooled"}"#)
            .await
            .unwrap();
    }
    assert_eq!(emu.connections(), 5);
}

/// A request body goes out with its length, not chunked, on the pool and on
/// wasmtime's default sender alike; the default lets go of the body stream as
/// soon as it has every byte, which the guest must not take for a failure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_are_sent_with_their_length_on_either_sender() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("sized"));
    for pooled in [true, false] {
        let mut cfg = config(&emu);
        if !pooled {
            cfg = cfg.new_connection_per_request();
        }
        emu.clear_requests();
        let out = call(
            &emu,
            &cfg,
            "execute_command",
            r#"{"sandbox": "sized", "command": "echo héllo"}"#,
        )
        .await
        .unwrap();
        assert_eq!(out["result"], "héllo\n", "pooled: {pooled}");
        let requests = emu.requests();
        let post = requests
            .iter()
            .find(|r| r.method == "POST")
            .expect("execute sends a POST");
        assert_eq!(
            post.header("content-length"),
            Some(post.body.len().to_string().as_str()),
            "pooled: {pooled}"
        );
        assert_eq!(post.header("transfer-encoding"), None, "pooled: {pooled}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_instances_each_get_their_own_answer() {
    let emu = std::sync::Arc::new(emulator());
    for i in 0..8 {
        emu.add_sandbox(SandboxSeed::new().named(&format!("box-{i}")));
    }
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let emu = emu.clone();
            tokio::spawn(async move {
                let cfg = config(&emu);
                for _ in 0..5 {
                    let args = json!({ "sandbox": format!("box-{i}") }).to_string();
                    let got = call(&emu, &cfg, "get_sandbox", &args).await.unwrap();
                    assert_eq!(got["name"], format!("box-{i}"));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    // At most one connection per call in flight at once.
    assert!(emu.connections() <= 8, "{} connections", emu.connections());
    assert_eq!(emu.requests().len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_left_unread_closes_its_connection() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("big"));
    let cfg = config(&emu);
    call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "big"}"#)
        .await
        .unwrap();
    // The guest stops reading at its body cap (8 MiB) and drops the rest.
    emu.fail_next("GET", "/api/sandbox/big", Fault::Oversized(9 * 1024 * 1024));
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "big"}"#)
        .await
        .unwrap_err();
    assert!(err.message.contains("larger than"), "{err:?}");
    // The next call cannot use that connection (9 MiB are still on their way).
    let got = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "big"}"#)
        .await
        .unwrap();
    assert_eq!(got["name"], "big");
    assert_eq!(emu.connections(), 2);
}

/// The outcome of one `get_sandbox` against `api_url`, pooled or not.
async fn failure(api_url: &str, allow: &str, pooled: bool) -> Error {
    let emu = emulator();
    let mut cfg = host_test::CallConfig::default()
        .env("DAYTONA_API_URL", api_url)
        .env("DAYTONA_API_KEY", emu.api_key())
        .env("DAYTONA_CONNECT_TIMEOUT_MS", "300")
        .allow(allow);
    if !pooled {
        cfg = cfg.new_connection_per_request();
    }
    call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "s"}"#)
        .await
        .unwrap_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_reach_the_guest_as_with_the_default_sender() {
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let plain = emulator();
    let cases = [
        // Nobody listening.
        (format!("http://{refused}/api"), refused.to_string()),
        // https to a plain-http server: the TLS handshake fails.
        (
            format!("https://{}/api", plain.addr()),
            plain.addr().to_string(),
        ),
        // Refused by the allowlist before any transport.
        (
            "http://denied.example/api".to_string(),
            "127.0.0.1".to_string(),
        ),
    ];
    for (url, allow) in cases {
        let pooled = failure(&url, &allow, true).await;
        let default = failure(&url, &allow, false).await;
        assert_eq!(
            (
                format!("{:?}", pooled.kind),
                &pooled.message,
                pooled.retryable
            ),
            (
                format!("{:?}", default.kind),
                &default.message,
                default.retryable
            ),
            "{url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mcp_server_pools_its_instances_requests() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("mcp-pooled"));
    let server = McpServer::start_default(
        config(&emu).env("DAYTONA_MCP_TOKEN", "pool-test-token-0123456789abcdef"),
    )
    .await
    .unwrap();
    let mut client = McpClient::open(&server.url(), "pool-test-token-0123456789abcdef")
        .await
        .unwrap();
    for _ in 0..10 {
        let answer = client
            .rpc(
                "tools/call",
                json!({ "name": "get_sandbox", "arguments": { "sandbox": "mcp-pooled" } }),
            )
            .await
            .unwrap();
        assert_eq!(answer["result"]["isError"], false, "{answer}");
    }
    assert_eq!(emu.requests().len(), 10);
    assert_eq!(emu.connections(), 1);
    assert!(server.pool().connections_opened() >= 1);
}
