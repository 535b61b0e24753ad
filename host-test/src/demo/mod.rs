//! `host-test demo`: the product's story in one line a step, through the real
//! components against a local emulator: a sandbox, its files, git, a server
//! behind a preview URL, the MCP server answering a real client, a read-only
//! key refused a create, and errors as a user sees them. No secret is printed;
//! [`run`] checks its own output for every one it handled.
//!
//! [`run`] tells it, a module a part: `story` the printer, `workspace` the
//! sandbox, files and git (and the closing errors), `preview` the session and
//! preview URL, `mcp` the MCP server, `keys` the minted key.

mod keys;
mod mcp;
mod preview;
mod story;
mod workspace;

pub use mcp::random_token;
pub use preview::{fetch, served_port};
pub use story::shows_part_of;

use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::io::Write;
use std::time::Instant;

use crate::emulator::Emulator;
use crate::{CallConfig, Harness};
use story::Story;

/// Guest configuration for `emu`: its URL and master key, its host allowed.
pub fn emulator_config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// `rest` as arguments for the demo's sandbox.
fn sb(rest: Value) -> Value {
    let mut args = json!({ "sandbox": "demo" });
    if let (Some(a), Some(rest)) = (args.as_object_mut(), rest.as_object()) {
        a.extend(rest.clone());
    }
    args
}

/// Tell the story against `emu`, writing one line a step to `out`. Returns the
/// secrets it handled (beyond the emulator's key and JWT): the preview token,
/// the MCP token, the minted key; it fails if any of them, or the emulator's,
/// appears in what it printed.
pub async fn run(emu: &Emulator, out: &mut dyn Write) -> Result<Vec<String>> {
    let start = Instant::now();
    let t = start;
    let harness = Harness::shared();
    let mut s = Story::new(out, harness);
    s.say(&format!(
        "daytona-tools demo: the real .wasm against a local Daytona emulator at {} (component ready in {} ms)",
        emu.api_url(),
        t.elapsed().as_millis()
    ))?;
    let cfg = emulator_config(emu);
    workspace::files_and_git(&mut s, emu, &cfg).await?;
    let secrets = vec![
        preview::server_behind_a_preview(&mut s, &cfg).await?,
        mcp::serve_and_ask(&mut s, &cfg).await?,
        keys::mint_refuse_revoke(&mut s, emu, &cfg).await?,
    ];
    workspace::errors_and_cleanup(&mut s, &cfg).await?;

    let all: Vec<String> = [emu.api_key(), emu.jwt()]
        .into_iter()
        .chain(secrets.iter().cloned())
        .collect();
    if all.iter().any(|secret| shows_part_of(&s.printed, secret)) {
        bail!("a secret reached the demo's output");
    }
    s.say(&format!(
        "no secret above: API key, JWT, minted key, MCP token and preview token checked; {} steps in {} ms",
        s.step,
        start.elapsed().as_millis()
    ))?;
    Ok(secrets)
}
