//! A small CLI around the harness.
//!
//! ```text
//! host-test demo                       run a short story against a local emulator
//! host-test call <tool> '<json>'       call any tool against DAYTONA_API_URL
//! host-test call --emulator <tool> '<json>'   ... against a fresh local emulator
//! host-test tools                      list the tools and their input schemas
//! host-test emulator                   serve the emulator until interrupted
//! host-test mcp [--port N]             serve daytona_mcp.wasm (emulator, or Daytona with DAYTONA_API_KEY/JWT set)
//! host-test mcp-bench [N] [--wasmtime PATH]   MCP latency and size numbers (docs/mcp.md)
//! host-test bench [--calls N] [--out FILE] [--quick]   the benchmarks in docs/benchmarks.md
//! ```

mod mcp_cli;

use anyhow::{Result, bail};
use daytona_tools::hosts::HostPolicy;
use host_test::emulator::{Emulator, EmulatorOptions};
use host_test::harness::kind_name;
use host_test::{CallConfig, Harness};

const USAGE: &str = "usage: host-test demo | call [--emulator] <tool> ['<json>'] | tools | emulator | mcp [--port N] | mcp-bench [N] [--wasmtime PATH] | bench [--calls N] [--out FILE] [--quick]";

#[tokio::main]
async fn main() {
    if let Err(e) = run(std::env::args().skip(1).collect()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(args: Vec<String>) -> Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["demo"] => demo().await,
        ["tools"] => tools().await,
        ["emulator"] => {
            tokio::task::spawn_blocking(|| {
                host_test::emulator::serve_forever(EmulatorOptions::default())
            })
            .await?
        }
        ["call", "--emulator", tool, rest @ ..] => {
            let emu = Emulator::start(EmulatorOptions::default())?;
            call(&emulator_config(&emu), tool, rest.first().copied()).await
        }
        ["call", tool, rest @ ..] => call(&env_config()?, tool, rest.first().copied()).await,
        ["mcp", rest @ ..] => {
            let real = ["DAYTONA_API_KEY", "DAYTONA_JWT_TOKEN"]
                .iter()
                .any(|k| std::env::var(k).is_ok_and(|v| !v.trim().is_empty()));
            if real {
                return mcp_cli::serve(env_config()?, None, rest).await;
            }
            let emu = Emulator::start(EmulatorOptions::default())?;
            let mut config = emulator_config(&emu);
            for (k, v) in std::env::vars()
                .filter(|(k, _)| k.starts_with("DAYTONA_MCP_") || k == "DAYTONA_TOOLS")
            {
                config = config.env(&k, v);
            }
            mcp_cli::serve(config, Some(&emu), rest).await
        }
        ["bench", rest @ ..] => host_test::bench::run(rest).await,
        ["mcp-bench", rest @ ..] => {
            let emu = Emulator::start(EmulatorOptions::default())?;
            mcp_cli::bench(&emu, emulator_config(&emu), rest).await
        }
        _ => bail!("{USAGE}"),
    }
}

/// Guest configuration for a local emulator: its URL and master key, its host allowed.
fn emulator_config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// Guest configuration from this process's DAYTONA_* variables. The hosts
/// allowed are exactly those the component would send a credential to: the API
/// host on its port, `*.daytona.io` for Daytona's cloud (its toolbox proxy) and
/// `DAYTONA_TOOLBOX_HOSTS`, ports included, by the component's own [`HostPolicy`].
fn env_config() -> Result<CallConfig> {
    let mut config = CallConfig::default();
    for (k, v) in std::env::vars().filter(|(k, _)| k.starts_with("DAYTONA_")) {
        config = config.env(&k, v);
    }
    let url = std::env::var("DAYTONA_API_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| daytona_tools::config::DEFAULT_API_URL.to_string());
    let extra = std::env::var(daytona_tools::hosts::TOOLBOX_HOSTS_VAR).unwrap_or_default();
    let extra = daytona_tools::hosts::parse_host_list(&extra)
        .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    let policy = HostPolicy::new(url.trim(), &extra);
    let allowlist = policy.allowlist();
    if allowlist.is_empty() {
        bail!("DAYTONA_API_URL is not a URL with a host");
    }
    Ok(allowlist.into_iter().fold(config, CallConfig::allow))
}

async fn call(config: &CallConfig, tool: &str, json: Option<&str>) -> Result<()> {
    let mut instance = Harness::shared().instance(config).await?;
    let outcome = instance.call_tool(tool, json.unwrap_or("{}")).await?;
    eprint!("{}", instance.output());
    match outcome {
        Ok(result) => {
            println!("{}", pretty(&result));
            Ok(())
        }
        Err(e) => bail!(
            "{}: {}{}",
            kind_name(&e.kind),
            e.message,
            e.hint.map(|h| format!("\nhint: {h}")).unwrap_or_default()
        ),
    }
}

async fn tools() -> Result<()> {
    let mut instance = Harness::shared().instance(&CallConfig::default()).await?;
    for tool in instance.list_tools().await? {
        println!(
            "{}: {}\n  input: {}\n",
            tool.name, tool.title, tool.input_schema
        );
    }
    Ok(())
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}

/// A short story against a local emulator, printing each step.
async fn demo() -> Result<()> {
    let emu = Emulator::start(EmulatorOptions {
        transition_delay: std::time::Duration::from_millis(300),
        ..Default::default()
    })?;
    let config = emulator_config(&emu);
    println!("emulator listening at {}", emu.api_url());
    let t = std::time::Instant::now();
    let harness = Harness::shared();
    println!("component compiled in {:?}", t.elapsed());

    let steps: &[(&str, &str)] = &[
        ("list_snapshots", r#"{"limit": 3}"#),
        (
            "create_sandbox",
            r#"{"name": "demo", "labels": {"purpose": "demo"}}"#,
        ),
        ("list_sandboxes", r#"{"labels": {"purpose": "demo"}}"#),
        (
            "execute_command",
            r#"{"sandbox": "demo", "command": "echo hello"}"#,
        ),
        (
            "execute_command",
            r#"{"sandbox": "demo", "command": "echo about to fail >&2; exit 3"}"#,
        ),
        ("stop_sandbox", r#"{"sandbox": "demo"}"#),
        (
            "execute_command",
            r#"{"sandbox": "demo", "command": "echo hello"}"#,
        ),
        ("start_sandbox", r#"{"sandbox": "demo"}"#),
        ("delete_sandbox", r#"{"sandbox": "demo"}"#),
        ("get_sandbox", r#"{"sandbox": "no-such-sandbox"}"#),
    ];
    for (tool, args) in steps {
        // A fresh instance per call, as agent hosts do.
        step(harness, &config, tool, args).await?;
    }
    key_story(&emu, harness).await
}

/// The ephemeral-key part of the demo: an agent gets a short-lived key whose
/// scope decides what it may do; the key is revoked when done.
async fn key_story(emu: &Emulator, harness: &Harness) -> Result<()> {
    let admin = emulator_config(emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    for scope in ["daytona:workspaces:read", "daytona:workspaces"] {
        let args = format!(r#"{{"scope": "{scope}", "ttl": "10m", "holder": "demo-agent"}}"#);
        let minted = step(harness, &admin, "mint_ephemeral_key", &args).await?;
        let Some(minted) = minted else { continue };
        // The agent's own configuration: only the minted key.
        let agent = CallConfig::default()
            .env("DAYTONA_API_URL", emu.api_url())
            .env(
                "DAYTONA_API_KEY",
                minted["value"].as_str().unwrap_or_default(),
            )
            .allow(emu.addr().to_string());
        println!("  (the agent now uses the minted key, scope {scope})");
        step(
            harness,
            &agent,
            "create_sandbox",
            r#"{"name": "agent-box"}"#,
        )
        .await?;
        let name = minted["name"].as_str().unwrap_or_default();
        step(
            harness,
            &admin,
            "revoke_ephemeral_key",
            &format!(r#"{{"name": "{name}"}}"#),
        )
        .await?;
    }
    step(harness, &admin, "list_ephemeral_keys", "{}").await?;
    Ok(())
}

/// Call one tool on a fresh instance and print the outcome; the result on success.
async fn step(
    harness: &Harness,
    config: &CallConfig,
    tool: &str,
    args: &str,
) -> Result<Option<serde_json::Value>> {
    let mut instance = harness.instance(config).await?;
    let t = std::time::Instant::now();
    let outcome = instance.call_tool(tool, args).await?;
    println!(
        "\n> {tool} {args}   ({:.1} ms)",
        t.elapsed().as_secs_f64() * 1000.0
    );
    // The guest writes only audit lines (key mint, revoke, sweep) to stderr.
    for line in instance.output().lines() {
        println!("  audit: {line}");
    }
    match outcome {
        Ok(json) => {
            println!("{}", summarize(&json));
            Ok(serde_json::from_str(&json).ok())
        }
        Err(e) => {
            println!(
                "error {}: {}\n  hint: {}",
                kind_name(&e.kind),
                e.message,
                e.hint.unwrap_or_default()
            );
            Ok(None)
        }
    }
}

/// One line per sandbox, or the JSON itself.
fn summarize(json: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    let line = |s: &serde_json::Value| {
        format!(
            "  {} {} [{}]",
            s["id"],
            s["name"],
            s["state"].as_str().unwrap_or("?")
        )
    };
    if let Some(list) = value.get("sandboxes").and_then(|v| v.as_array()) {
        return list.iter().map(line).collect::<Vec<_>>().join("\n");
    }
    if let Some(list) = value.get("snapshots").and_then(|v| v.as_array()) {
        let names: Vec<_> = list.iter().map(|s| s["name"].to_string()).collect();
        return format!("  {}", names.join(", "));
    }
    if value.get("exitCode").is_some() {
        return format!(
            "  exitCode {}: {:?}",
            value["exitCode"],
            value["result"].as_str().unwrap_or_default()
        );
    }
    if value.get("id").is_some() {
        return line(&value);
    }
    if let Some(name) = value.get("name").filter(|_| value.get("value").is_some()) {
        // A minted key: show what it may do, never its value.
        return format!(
            "  {name} permissions {} expires {}",
            value["permissions"], value["expiresAt"]
        );
    }
    pretty(json)
}
