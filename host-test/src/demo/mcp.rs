//! The MCP step: the MCP component served over HTTP, a real client's
//! `initialize`, `tools/list` and `tools/call`, and a wrong token refused.

use anyhow::{Result, bail};
use serde_json::json;
use std::time::Instant;

use super::story::{Story, field, ms};
use crate::CallConfig;
use crate::mcp_server::{McpClient, McpServer};

/// Serve the MCP component and ask it as a client would; its token (a secret).
pub(super) async fn serve_and_ask(s: &mut Story<'_>, cfg: &CallConfig) -> Result<String> {
    let token = random_token()?;
    let server =
        McpServer::start_default(cfg.clone().env("DAYTONA_MCP_TOKEN", token.clone())).await?;
    let t = Instant::now();
    let mut client = McpClient::open(&server.url(), &token).await?;
    let hello = json!({ "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": { "name": "demo", "version": "1" } });
    let info = client.rpc("initialize", hello).await?["result"]["serverInfo"].clone();
    let shown = format!(
        "{} {} at {}",
        field(&info, "name"),
        field(&info, "version"),
        server.url()
    );
    s.line("serve MCP, connect", "initialize", &shown, Some(ms(t)))?;
    let t = Instant::now();
    let listed = client.rpc("tools/list", json!({})).await?;
    let count = listed["result"]["tools"].as_array().map_or(0, Vec::len);
    s.line(
        "list the MCP tools",
        "tools/list",
        &format!("{count} tools"),
        Some(ms(t)),
    )?;
    let t = Instant::now();
    let call =
        json!({ "name": "list_sandboxes", "arguments": { "labels": { "purpose": "demo" } } });
    let called = client.rpc("tools/call", call).await?["result"].clone();
    let found = called["structuredContent"]["sandboxes"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let names: Vec<_> = found.iter().map(|b| field(b, "name")).collect();
    let shown = format!("isError {}: {}", called["isError"], names.join(", "));
    s.line(
        "call one over MCP",
        "tools/call list_sandboxes",
        &shown,
        Some(ms(t)),
    )?;
    let t = Instant::now();
    let mut stranger = McpClient::open(&server.url(), "not-the-token").await?;
    let denied = match stranger.rpc("tools/list", json!({})).await {
        Err(e) => e.to_string(),
        Ok(v) => bail!("a wrong MCP token was let in: {v}"),
    };
    s.line(
        "MCP with a wrong token",
        "tools/list",
        &format!("refused: {denied}"),
        Some(ms(t)),
    )?;
    drop(server);
    Ok(token)
}

/// 32 random bytes from the OS, hex-encoded: an MCP token (this demo's, and
/// `host-test mcp`'s).
pub fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
