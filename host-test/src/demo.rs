//! `host-test demo`: the product's story in one line a step, through the real
//! components against a local emulator: a sandbox, its files, git, a server
//! behind a preview URL, the MCP server answering a real client, a read-only
//! key refused a create, and errors as a user sees them. No secret is printed;
//! [`run`] checks its own output for every one it handled.

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::emulator::Emulator;
use crate::harness::kind_name;
use crate::mcp_server::{McpClient, McpServer};
use crate::{CallConfig, Harness};

/// How often, and how far apart, the demo checks that a server started: a
/// guard against a hang (a loaded machine may take seconds to start python).
const TRIES: usize = 1200;
const PAUSE: Duration = Duration::from_millis(50);

/// Printed results are cut to this many characters.
const WIDTH: usize = 72;

/// Guest configuration for `emu`: its URL and master key, its host allowed.
pub fn emulator_config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// The printer: numbered steps, each with the tool and how long it took.
struct Story<'a> {
    out: &'a mut dyn Write,
    printed: String,
    step: usize,
    harness: &'static Harness,
}

impl Story<'_> {
    fn say(&mut self, line: &str) -> Result<()> {
        self.printed.push_str(line);
        self.printed.push('\n');
        writeln!(self.out, "{line}")?;
        Ok(())
    }

    /// One step's line: what the user did, with which tool, and what came back.
    fn line(&mut self, what: &str, tool: &str, result: &str, ms: Option<f64>) -> Result<()> {
        self.step += 1;
        let mut result: String = result.replace('\n', "\\n");
        // An error is shown whole, hint included, as the user sees it.
        if result.chars().count() > WIDTH && !result.contains("(hint: ") {
            result = result.chars().take(WIDTH - 1).collect::<String>() + "…";
        }
        let ms = ms.map(|ms| format!("  {ms:.0} ms")).unwrap_or_default();
        let line = format!("{:>2} {what:<25} {tool:<25} {result}{ms}", self.step);
        self.say(&line)
    }

    /// Call `tool` on a fresh instance (as agent hosts do); its result or the
    /// error as the user sees it (`kind: message (hint)`).
    async fn call(&self, config: &CallConfig, tool: &str, args: Value) -> Result<Timed> {
        let mut instance = self.harness.instance(config).await?;
        let t = Instant::now();
        let outcome = instance.call_tool(tool, &args.to_string()).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        Ok(Timed {
            ms,
            outcome: match outcome {
                Ok(json) => Ok(serde_json::from_str(&json)?),
                Err(e) => Err(format!(
                    "{}: {}{}",
                    kind_name(&e.kind),
                    e.message,
                    e.hint.map(|h| format!(" (hint: {h})")).unwrap_or_default()
                )),
            },
        })
    }

    /// A step that must succeed; prints `show(result)`, returns the result.
    async fn ok(
        &mut self,
        what: &str,
        config: &CallConfig,
        tool: &str,
        args: Value,
        show: impl FnOnce(&Value) -> String,
    ) -> Result<Value> {
        let timed = self.call(config, tool, args).await?;
        let value = match timed.outcome {
            Ok(v) => v,
            Err(e) => bail!("{tool} failed: {e}"),
        };
        self.line(what, tool, &show(&value), Some(timed.ms))?;
        Ok(value)
    }

    /// A step that must fail with `kind`; prints the error as the user sees it.
    async fn refused(
        &mut self,
        what: &str,
        config: &CallConfig,
        tool: &str,
        args: Value,
        kind: &str,
    ) -> Result<()> {
        let timed = self.call(config, tool, args).await?;
        match timed.outcome {
            Err(e) if e.starts_with(&format!("{kind}:")) => {
                self.line(what, tool, &e, Some(timed.ms))
            }
            other => bail!("{tool}: expected {kind}, got {other:?}"),
        }
    }
}

struct Timed {
    ms: f64,
    outcome: Result<Value, String>,
}

/// Tell the story against `emu`, writing one line a step to `out`. Returns the
/// secrets it handled (beyond the emulator's key and JWT): the minted key, the
/// MCP token, the preview token; it fails if any of them, or the emulator's,
/// appears in what it printed.
pub async fn run(emu: &Emulator, out: &mut dyn Write) -> Result<Vec<String>> {
    let start = Instant::now();
    let t = start;
    let harness = Harness::shared();
    let mut s = Story {
        out,
        printed: String::new(),
        step: 0,
        harness,
    };
    s.say(&format!(
        "daytona-tools demo: the real .wasm against a local Daytona emulator at {} (component ready in {} ms)",
        emu.api_url(),
        t.elapsed().as_millis()
    ))?;
    let mut secrets = Vec::new();
    let cfg = emulator_config(emu);
    let sb = |rest: Value| {
        let mut args = json!({ "sandbox": "demo" });
        if let (Some(a), Some(rest)) = (args.as_object_mut(), rest.as_object()) {
            a.extend(rest.clone());
        }
        args
    };

    // A sandbox and its files.
    s.ok(
        "create a sandbox",
        &cfg,
        "create_sandbox",
        json!({ "name": "demo", "labels": { "purpose": "demo" } }),
        |v| {
            format!(
                "{} [{}]",
                v["name"].as_str().unwrap_or("?"),
                v["state"].as_str().unwrap_or("?")
            )
        },
    )
    .await?;
    s.ok(
        "write a file",
        &cfg,
        "write_file",
        sb(json!({ "path": "hello.txt", "content": "hello from the agent\n" })),
        |_| "hello.txt written".into(),
    )
    .await?;
    s.ok(
        "read it back",
        &cfg,
        "read_file",
        sb(json!({ "path": "hello.txt" })),
        |v| format!("{:?}", v["content"].as_str().unwrap_or_default()),
    )
    .await?;
    s.ok(
        "run a command",
        &cfg,
        "execute_command",
        sb(json!({ "command": "echo hello; uname -s" })),
        |v| {
            format!(
                "exit {}: {:?}",
                v["exitCode"],
                v["result"].as_str().unwrap_or_default()
            )
        },
    )
    .await?;

    // Git, backed by the real git: a repository beside the sandboxes to clone.
    let root = emu
        .sandbox_dir("demo")
        .and_then(|d| d.parent().map(Path::to_path_buf))
        .context("the emulator keeps no sandbox directory")?;
    let origin = seed_repo(&root)?;
    let url = origin.to_string_lossy().into_owned();
    s.ok(
        "clone a repository",
        &cfg,
        "git_clone",
        sb(json!({ "url": url, "path": "repo" })),
        |_| "origin.git -> repo".into(),
    )
    .await?;
    s.ok(
        "change a file",
        &cfg,
        "write_file",
        sb(json!({ "path": "repo/notes.txt", "content": "status: DONE\n" })),
        |_| "repo/notes.txt written".into(),
    )
    .await?;
    s.ok(
        "stage it",
        &cfg,
        "git_add",
        sb(json!({ "path": "repo", "files": ["notes.txt"] })),
        |_| "notes.txt staged".into(),
    )
    .await?;
    s.ok("commit", &cfg, "git_commit",
        sb(json!({ "path": "repo", "message": "Add notes", "author": "Agent", "email": "agent@example.com" })),
        |v| format!("commit {}", v["hash"].as_str().unwrap_or("?").chars().take(10).collect::<String>())).await?;
    s.ok(
        "read the log",
        &cfg,
        "git_log",
        sb(json!({ "path": "repo" })),
        |v| {
            let commits = v["commits"].as_array().cloned().unwrap_or_default();
            let subjects: Vec<_> = commits
                .iter()
                .map(|c| c["message"].as_str().unwrap_or("").trim().to_string())
                .collect();
            format!("{} commits: {}", commits.len(), subjects.join(", "))
        },
    )
    .await?;

    // A server in a session, fetched through a signed preview URL.
    s.ok(
        "open a session",
        &cfg,
        "create_session",
        sb(json!({ "session": "web" })),
        |_| "session web".into(),
    )
    .await?;
    let started = s
        .ok(
            "start a server in it",
            &cfg,
            "run_session_command",
            sb(json!({ "session": "web", "async": true,
                   "command": "python3 -u -m http.server 0 --bind 127.0.0.1 --directory repo" })),
            |_| "python3 -m http.server, async".into(),
        )
        .await?;
    let command = started["commandId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut port = None;
    let t = Instant::now();
    for _ in 0..TRIES {
        let logs = s
            .call(
                &cfg,
                "get_session_command_logs",
                sb(json!({ "session": "web", "commandId": command })),
            )
            .await?;
        port = logs
            .outcome
            .ok()
            .and_then(|l| served_port(l["stdout"].as_str().unwrap_or_default()));
        if port.is_some() {
            break;
        }
        tokio::time::sleep(PAUSE).await;
    }
    let port = port.context("the server never said which port it listens on")?;
    s.line(
        "read its logs",
        "get_session_command_logs",
        &format!("listening on port {port}"),
        Some(t.elapsed().as_secs_f64() * 1000.0),
    )?;
    let preview = s
        .ok(
            "get a preview URL",
            &cfg,
            "get_preview_url",
            sb(json!({ "port": port })),
            |_| "signed URL (its token is a secret: not shown)".into(),
        )
        .await?;
    secrets.push(preview["token"].as_str().unwrap_or_default().to_string());
    let notes = format!(
        "{}/notes.txt",
        preview["url"]
            .as_str()
            .unwrap_or_default()
            .trim_end_matches('/')
    );
    let t = Instant::now();
    let mut answer = (0, String::new());
    for _ in 0..TRIES {
        // The proxy answers 502 until the server listens.
        answer = get(&notes).await?;
        if answer.0 != 502 {
            break;
        }
        tokio::time::sleep(PAUSE).await;
    }
    s.line(
        "fetch it",
        "(HTTP GET)",
        &format!("{} {:?}", answer.0, answer.1),
        Some(t.elapsed().as_secs_f64() * 1000.0),
    )?;
    s.ok(
        "stop the server",
        &cfg,
        "delete_session",
        sb(json!({ "session": "web" })),
        |_| "session deleted".into(),
    )
    .await?;

    // The MCP component, served over HTTP, asked by a real MCP client.
    let token = random_token()?;
    secrets.push(token.clone());
    let server =
        McpServer::start_default(cfg.clone().env("DAYTONA_MCP_TOKEN", token.clone())).await?;
    let t = Instant::now();
    let mut client = McpClient::open(&server.url(), &token).await?;
    let init = client
        .rpc(
            "initialize",
            json!({ "protocolVersion": "2025-11-25", "capabilities": {},
        "clientInfo": { "name": "demo", "version": "1" } }),
        )
        .await?;
    let info = &init["result"]["serverInfo"];
    s.line(
        "serve MCP, connect",
        "initialize",
        &format!(
            "{} {} at {}",
            info["name"].as_str().unwrap_or("?"),
            info["version"].as_str().unwrap_or("?"),
            server.url()
        ),
        Some(ms(t)),
    )?;
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
    let called = client
        .rpc(
            "tools/call",
            json!({ "name": "list_sandboxes", "arguments": { "labels": { "purpose": "demo" } } }),
        )
        .await?;
    let found = &called["result"]["structuredContent"]["sandboxes"];
    let names: Vec<_> = found
        .as_array()
        .into_iter()
        .flatten()
        .map(|b| b["name"].as_str().unwrap_or("?"))
        .collect();
    s.line(
        "call one over MCP",
        "tools/call list_sandboxes",
        &format!(
            "isError {}: {}",
            called["result"]["isError"],
            names.join(", ")
        ),
        Some(ms(t)),
    )?;
    let t = Instant::now();
    let mut stranger = McpClient::open(&server.url(), "not-the-token").await?;
    let denied = stranger.rpc("tools/list", json!({})).await;
    let denied = match denied {
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

    // Least privilege: a short-lived read-only key for an agent.
    let admin = cfg
        .clone()
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    let minted = s
        .ok(
            "mint a read-only key",
            &admin,
            "mint_ephemeral_key",
            json!({ "scope": "daytona:workspaces:read", "ttl": "10m", "holder": "demo-agent" }),
            |v| {
                format!(
                    "permissions {}, expires in 10 min (value not shown)",
                    v["permissions"]
                )
            },
        )
        .await?;
    let value = minted["value"].as_str().unwrap_or_default().to_string();
    secrets.push(value.clone());
    let agent = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", value)
        .allow(emu.addr().to_string());
    s.ok(
        "the agent reads with it",
        &agent,
        "list_sandboxes",
        json!({}),
        |v| {
            format!(
                "{} sandbox(es)",
                v["sandboxes"].as_array().map_or(0, Vec::len)
            )
        },
    )
    .await?;
    s.refused(
        "the agent tries a create",
        &agent,
        "create_sandbox",
        json!({ "name": "agent-box" }),
        "forbidden",
    )
    .await?;
    let name = minted["name"].as_str().unwrap_or_default();
    s.ok(
        "revoke the key",
        &admin,
        "revoke_ephemeral_key",
        json!({ "name": name }),
        |_| format!("{name} revoked"),
    )
    .await?;
    s.refused(
        "the revoked key reads",
        &agent,
        "list_sandboxes",
        json!({}),
        "unauthorized",
    )
    .await?;

    // Errors as a user sees them, then clean up.
    s.ok(
        "stop the sandbox",
        &cfg,
        "stop_sandbox",
        sb(json!({})),
        |v| format!("[{}]", v["state"].as_str().unwrap_or("?")),
    )
    .await?;
    s.refused(
        "run a command in it",
        &cfg,
        "execute_command",
        sb(json!({ "command": "echo hello" })),
        "conflict",
    )
    .await?;
    s.ok(
        "delete the sandbox",
        &cfg,
        "delete_sandbox",
        sb(json!({})),
        |_| "deleted".into(),
    )
    .await?;
    s.refused(
        "look up a typo",
        &cfg,
        "get_sandbox",
        json!({ "sandbox": "dmeo" }),
        "not-found",
    )
    .await?;

    let all: Vec<String> = [emu.api_key(), emu.jwt()]
        .into_iter()
        .chain(secrets.iter().cloned())
        .collect();
    if all
        .iter()
        .any(|secret| secret.is_empty() || s.printed.contains(secret.as_str()))
    {
        bail!("a secret reached the demo's output");
    }
    s.say(&format!(
        "no secret above: API key, JWT, minted key, MCP token and preview token checked; {} steps in {} ms",
        s.step,
        start.elapsed().as_millis()
    ))?;
    Ok(secrets)
}

/// Milliseconds since `t`.
fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// A bare repository `root/origin.git` with one commit on `main`, made with the
/// real git outside every sandbox (the emulator's directory holding them).
fn seed_repo(root: &Path) -> Result<std::path::PathBuf> {
    let bare = root.join("origin.git");
    let seed = root.join("seed");
    let (b, w) = (bare.to_string_lossy(), seed.to_string_lossy());
    git(
        root,
        &["init", "--quiet", "--bare", "--initial-branch=main", &b],
    )?;
    git(root, &["init", "--quiet", "--initial-branch=main", &w])?;
    std::fs::write(seed.join("README.md"), "hello\n")?;
    git(&seed, &["add", "README.md"])?;
    git(&seed, &["commit", "--quiet", "-m", "seed"])?;
    git(&seed, &["push", "--quiet", &b, "main"])?;
    Ok(bare)
}

/// Run the real git in `dir` with no user configuration and a fixed identity.
fn git(dir: &Path, args: &[&str]) -> Result<()> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Seed")
        .env("GIT_AUTHOR_EMAIL", "seed@example.com")
        .env("GIT_COMMITTER_NAME", "Seed")
        .env("GIT_COMMITTER_EMAIL", "seed@example.com")
        .output()
        .context("running git (the emulator backs git with the real one)")?;
    if !out.status.success() {
        bail!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The port `python3 -u -m http.server 0` chose, from the line it prints once
/// it listens ("Serving HTTP on 127.0.0.1 port 41234 ...").
fn served_port(stdout: &str) -> Option<u16> {
    let rest = stdout.split("Serving HTTP on ").nth(1)?;
    rest.split(" port ")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// GET an http URL over HTTP/1.0: the status and the body.
async fn get(url: &str) -> Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("not an http URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(authority).await?;
    let request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, body.to_string()))
}

/// 32 random bytes from the OS, hex-encoded: this run's MCP token.
fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_port_reads_the_line_http_server_prints() {
        let line = "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...\n";
        assert_eq!(served_port(line), Some(41234));
        assert_eq!(served_port("Serving HTTP on 127.0.0.1 port x"), None);
    }
}
