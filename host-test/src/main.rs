//! A small CLI around the harness.
//!
//! ```text
//! host-test demo                       the product's story against a local emulator, a line a step
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

use host_test::demo::emulator_config;

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

/// The product's story against a local emulator, one line a step (see `host_test::demo`).
async fn demo() -> Result<()> {
    let emu = Emulator::start(EmulatorOptions {
        transition_delay: std::time::Duration::from_millis(300),
        ..Default::default()
    })?;
    host_test::demo::run(&emu, &mut std::io::stdout()).await?;
    Ok(())
}

fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| json.to_string())
}
