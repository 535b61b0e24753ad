//! `host-test mcp`: serve daytona_mcp.wasm on 127.0.0.1 and say how to connect;
//! `host-test mcp-bench`: the latency and size numbers in docs/mcp.md.

use anyhow::{Context, Result, bail};
use host_test::demo::random_token;
use host_test::emulator::Emulator;
use host_test::harness::COMPONENT_PATH;
use host_test::log_sink::LogSink;
use host_test::mcp_server::{MCP_COMPONENT_PATH, McpClient, McpServer};
use host_test::{CallConfig, Harness};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Serve until interrupted. `--port N` picks the port (default: a free one).
pub async fn serve(mut config: CallConfig, emu: Option<&Emulator>, args: &[&str]) -> Result<()> {
    let port = match args {
        [] => 0,
        ["--port", port] => port.parse().context("--port takes a number")?,
        _ => bail!("usage: host-test mcp [--port N]"),
    };
    let has = |config: &CallConfig, k: &str| {
        config
            .env
            .iter()
            .any(|(name, v)| name == k && !v.is_empty())
    };
    let token_set = has(&config, "DAYTONA_MCP_TOKEN");
    let generated = if token_set || has(&config, "DAYTONA_MCP_AUTH") {
        None
    } else {
        let token = random_token()?;
        config = config.env("DAYTONA_MCP_TOKEN", token.clone());
        Some(token)
    };
    // The log streams to stderr line by line; only a bounded tail stays in memory.
    let log = LogSink::stderr(1 << 20);
    let server = McpServer::start_with_log(MCP_COMPONENT_PATH, config, port, log).await?;
    let url = server.url();
    match emu {
        Some(emu) => println!(
            "daytona_mcp.wasm serving {url} against a local Daytona emulator ({})",
            emu.api_url()
        ),
        None => println!("daytona_mcp.wasm serving {url} against DAYTONA_API_URL"),
    }
    let header = match &generated {
        Some(token) => format!("Authorization: Bearer {token}"),
        None if token_set => "Authorization: Bearer $DAYTONA_MCP_TOKEN".to_string(),
        None => "(none: DAYTONA_MCP_AUTH=none)".to_string(),
    };
    println!(
        "\nConnect an MCP client (Streamable HTTP):\n  URL:    {url}\n  header: {header}\n{}\n\
         Try it:\n  npx @modelcontextprotocol/inspector --cli {url} --transport http --header '{header}' --method tools/list\n\
         Ctrl-C stops the server.",
        if generated.is_some() {
            "  (a token generated for this run; set DAYTONA_MCP_TOKEN to choose one)\n"
        } else {
            ""
        },
    );
    server.wait().await
}

/// Time `$body` (an expression that may use `?`) `$n` times after `$n / 10`
/// warm-ups; the median and 90th percentile.
macro_rules! timed {
    ($n:expr, $body:expr) => {{
        for _ in 0..$n / 10 {
            $body;
        }
        let mut times = Vec::with_capacity($n);
        for _ in 0..$n {
            let t = Instant::now();
            $body;
            times.push(t.elapsed());
        }
        times.sort();
        (times[$n / 2], times[$n * 9 / 10])
    }};
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `host-test mcp-bench [N] [--wasmtime PATH]`: per-request latency of `tools/list` and
/// `tools/call get_sandbox` through the embedding and (with `--wasmtime`) `wasmtime
/// serve`, against the same calls through the library component; instantiation cost;
/// component sizes. Prints a Markdown table.
pub async fn bench(emu: &Emulator, base: CallConfig, args: &[&str]) -> Result<()> {
    let (n, wasmtime) = match args {
        [] => (200, None),
        [n] => (n.parse()?, None),
        [n, "--wasmtime", path] => (n.parse()?, Some(path.to_string())),
        _ => bail!("usage: host-test mcp-bench [N] [--wasmtime PATH]"),
    };
    emu.add_sandbox(host_test::emulator::SandboxSeed::new().named("bench"));
    let token = random_token()?;
    let get = json!({ "name": "get_sandbox", "arguments": { "sandbox": "bench" } });
    let mut rows = Vec::new();

    // The library component: a fresh instance per call, as hosts use it.
    let harness = Harness::shared();
    let (med, p90) = timed!(n, harness.instance(&base).await?);
    rows.push(("library component", "instantiate", med, p90));
    let (med, p90) = timed!(n, harness.instance(&base).await?.list_tools().await?);
    rows.push(("library component", "list-tools", med, p90));
    let (med, p90) = timed!(
        n,
        harness
            .instance(&base)
            .await?
            .call_tool("get_sandbox", r#"{"sandbox": "bench"}"#)
            .await?
            .map_err(|e| anyhow::anyhow!(e.message))?
    );
    rows.push(("library component", "call-tool get_sandbox", med, p90));

    // The MCP component served from this embedding.
    let server = McpServer::start(
        MCP_COMPONENT_PATH,
        base.clone().env("DAYTONA_MCP_TOKEN", token.clone()),
        0,
    )
    .await?;
    let (med, p90) = timed!(n, server.instantiate_once().await?);
    rows.push(("MCP component, embedding", "instantiate", med, p90));
    let mut conn = McpClient::open(&server.url(), &token).await?;
    bench_mcp(n, &mut conn, &get, "MCP component, embedding", &mut rows).await?;

    // The MCP component under `wasmtime serve`.
    if let Some(wasmtime) = wasmtime {
        let mut child = tokio::process::Command::new(&wasmtime)
            .args(["serve", "-S", "cli,http", "--addr", "127.0.0.1:0"])
            .args([
                "--env",
                "DAYTONA_API_URL",
                "--env",
                "DAYTONA_API_KEY",
                "--env",
                "DAYTONA_MCP_TOKEN",
            ])
            .arg(MCP_COMPONENT_PATH)
            .env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_API_KEY", emu.api_key())
            .env("DAYTONA_MCP_TOKEN", &token)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let url = loop {
            let line = lines.next_line().await?.context("wasmtime serve ended")?;
            if let Some(rest) = line.strip_prefix("Serving HTTP on ") {
                break format!("{}mcp", rest.trim());
            }
        };
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let mut conn = McpClient::open(&url, &token).await?;
        bench_mcp(
            n,
            &mut conn,
            &get,
            "MCP component, wasmtime serve",
            &mut rows,
        )
        .await?;
        child.kill().await.ok();
    }

    println!("| path | operation | median | p90 |\n|---|---|---|---|");
    for (path, op, med, p90) in rows {
        println!("| {path} | {op} | {} | {} |", ms(med), ms(p90));
    }
    let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let (lib, mcp) = (size(COMPONENT_PATH), size(MCP_COMPONENT_PATH));
    println!(
        "\ndaytona_tools.wasm: {lib} bytes ({:.1} KiB); daytona_mcp.wasm: {mcp} bytes ({:.1} KiB); difference {:+.1} KiB",
        lib as f64 / 1024.0,
        mcp as f64 / 1024.0,
        (mcp as f64 - lib as f64) / 1024.0
    );
    Ok(())
}

async fn bench_mcp(
    n: usize,
    conn: &mut McpClient,
    get: &Value,
    path: &'static str,
    rows: &mut Vec<(&'static str, &'static str, Duration, Duration)>,
) -> Result<()> {
    let (med, p90) = timed!(n, conn.rpc("tools/list", json!({})).await?);
    rows.push((path, "tools/list", med, p90));
    let first = conn.rpc("tools/call", get.clone()).await?;
    if first["result"]["isError"] != false {
        bail!("get_sandbox failed: {first}");
    }
    let (med, p90) = timed!(n, conn.rpc("tools/call", get.clone()).await?);
    rows.push((path, "tools/call get_sandbox", med, p90));
    Ok(())
}
