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

    /// Take each step on `config`, printing its line; the results (`Null`
    /// for a refusal). A step that ends otherwise than expected ends the demo.
    async fn steps(&mut self, config: &CallConfig, steps: Vec<Step<'_>>) -> Result<Vec<Value>> {
        let mut results = Vec::new();
        for (what, tool, args, expect) in steps {
            let timed = self.call(config, tool, args).await?;
            let (shown, value) = match (timed.outcome, expect) {
                (Ok(v), Expect::Ok(show)) => (show(&v), v),
                (Err(e), Expect::Refused(kind)) if e.starts_with(&format!("{kind}:")) => {
                    (e, Value::Null)
                }
                (outcome, _) => bail!("{tool}: unexpected {outcome:?}"),
            };
            self.line(what, tool, &shown, Some(timed.ms))?;
            results.push(value);
        }
        Ok(results)
    }
}

/// What a step should end with: a result, shown by the function, or an error of a kind.
enum Expect {
    Ok(fn(&Value) -> String),
    Refused(&'static str),
}
use Expect::{Ok as Shows, Refused};

/// What the user does, the tool, its arguments, and what should come back.
type Step<'a> = (&'a str, &'a str, Value, Expect);

/// A string field of a result, or `?`.
fn field<'v>(v: &'v Value, key: &str) -> &'v str {
    v[key].as_str().unwrap_or("?")
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

    // A sandbox, its files, and git backed by the real git: a repository
    // beside the sandboxes, in the emulator's directory, to clone.
    let create = json!({ "name": "demo", "labels": { "purpose": "demo" } });
    let hello = json!({ "path": "hello.txt", "content": "hello from the agent\n" });
    s.steps(
        &cfg,
        vec![
            (
                "create a sandbox",
                "create_sandbox",
                create,
                Shows(|v| format!("{} [{}]", field(v, "name"), field(v, "state"))),
            ),
            (
                "write a file",
                "write_file",
                sb(hello),
                Shows(|_| "hello.txt written".into()),
            ),
            (
                "read it back",
                "read_file",
                sb(json!({ "path": "hello.txt" })),
                Shows(|v| format!("{:?}", field(v, "content"))),
            ),
            (
                "run a command",
                "execute_command",
                sb(json!({ "command": "echo hello; uname -s" })),
                Shows(|v| format!("exit {}: {:?}", v["exitCode"], field(v, "result"))),
            ),
        ],
    )
    .await?;
    let root = emu
        .sandbox_dir("demo")
        .and_then(|d| d.parent().map(Path::to_path_buf))
        .context("the emulator keeps no sandbox directory")?;
    let url = seed_repo(&root)?.to_string_lossy().into_owned();
    let notes = json!({ "path": "repo/notes.txt", "content": "status: DONE\n" });
    let commit = json!({ "path": "repo", "message": "Add notes", "author": "Agent", "email": "agent@example.com" });
    s.steps(
        &cfg,
        vec![
            (
                "clone a repository",
                "git_clone",
                sb(json!({ "url": url, "path": "repo" })),
                Shows(|_| "origin.git -> repo".into()),
            ),
            (
                "change a file",
                "write_file",
                sb(notes),
                Shows(|_| "repo/notes.txt written".into()),
            ),
            (
                "stage it",
                "git_add",
                sb(json!({ "path": "repo", "files": ["notes.txt"] })),
                Shows(|_| "notes.txt staged".into()),
            ),
            (
                "commit",
                "git_commit",
                sb(commit),
                Shows(|v| {
                    format!(
                        "commit {}",
                        field(v, "hash").chars().take(10).collect::<String>()
                    )
                }),
            ),
            (
                "read the log",
                "git_log",
                sb(json!({ "path": "repo" })),
                Shows(|v| {
                    let commits = v["commits"].as_array().cloned().unwrap_or_default();
                    let subjects: Vec<_> = commits
                        .iter()
                        .map(|c| field(c, "message").trim().to_string())
                        .collect();
                    format!("{} commits: {}", commits.len(), subjects.join(", "))
                }),
            ),
        ],
    )
    .await?;

    // A server in a session, fetched through a signed preview URL.
    let server = json!({ "session": "web", "async": true,
        "command": "python3 -u -m http.server 0 --bind 127.0.0.1 --directory repo" });
    let started = s
        .steps(
            &cfg,
            vec![
                (
                    "open a session",
                    "create_session",
                    sb(json!({ "session": "web" })),
                    Shows(|_| "session web".into()),
                ),
                (
                    "start a server in it",
                    "run_session_command",
                    sb(server),
                    Shows(|_| "python3 -m http.server, async".into()),
                ),
            ],
        )
        .await?;
    let command = started[1]["commandId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut port = None;
    let t = Instant::now();
    for _ in 0..TRIES {
        let logs = json!({ "session": "web", "commandId": command });
        let logs = s.call(&cfg, "get_session_command_logs", sb(logs)).await?;
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
        Some(ms(t)),
    )?;
    let preview = s
        .steps(
            &cfg,
            vec![(
                "get a preview URL",
                "get_preview_url",
                sb(json!({ "port": port })),
                Shows(|_| "signed URL (its token is a secret: not shown)".into()),
            )],
        )
        .await?
        .remove(0);
    secrets.push(field(&preview, "token").to_string());
    let notes = format!("{}/notes.txt", field(&preview, "url").trim_end_matches('/'));
    let t = Instant::now();
    let mut answer = (0, String::new());
    for _ in 0..TRIES {
        // The proxy answers 502 until the server listens.
        answer = fetch(&notes, &[]).await?;
        if answer.0 != 502 {
            break;
        }
        tokio::time::sleep(PAUSE).await;
    }
    s.line(
        "fetch it",
        "(HTTP GET)",
        &format!("{} {:?}", answer.0, answer.1),
        Some(ms(t)),
    )?;
    s.steps(
        &cfg,
        vec![(
            "stop the server",
            "delete_session",
            sb(json!({ "session": "web" })),
            Shows(|_| "session deleted".into()),
        )],
    )
    .await?;

    // The MCP component, served over HTTP, asked by a real MCP client.
    let token = random_token()?;
    secrets.push(token.clone());
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

    // Least privilege: a short-lived read-only key for an agent, then revoked.
    let admin = cfg
        .clone()
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    let mint = json!({ "scope": "daytona:workspaces:read", "ttl": "10m", "holder": "demo-agent" });
    let minted = s
        .steps(
            &admin,
            vec![(
                "mint a read-only key",
                "mint_ephemeral_key",
                mint,
                Shows(|v| {
                    format!(
                        "daytona:workspaces:read = {}, 10 min, value not shown",
                        v["permissions"]
                    )
                }),
            )],
        )
        .await?
        .remove(0);
    let value = field(&minted, "value").to_string();
    secrets.push(value.clone());
    let agent = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", value)
        .allow(emu.addr().to_string());
    s.steps(
        &agent,
        vec![
            (
                "the agent reads with it",
                "list_sandboxes",
                json!({}),
                Shows(|v| {
                    format!(
                        "{} sandbox(es)",
                        v["sandboxes"].as_array().map_or(0, Vec::len)
                    )
                }),
            ),
            (
                "the agent tries a create",
                "create_sandbox",
                json!({ "name": "agent-box" }),
                Refused("forbidden"),
            ),
        ],
    )
    .await?;
    let revoke = json!({ "name": field(&minted, "name") });
    s.steps(
        &admin,
        vec![(
            "revoke the key",
            "revoke_ephemeral_key",
            revoke,
            Shows(|_| "key revoked".into()),
        )],
    )
    .await?;
    s.steps(
        &agent,
        vec![(
            "the revoked key reads",
            "list_sandboxes",
            json!({}),
            Refused("unauthorized"),
        )],
    )
    .await?;

    // Errors as a user sees them, and clean up.
    s.steps(
        &cfg,
        vec![
            (
                "stop the sandbox",
                "stop_sandbox",
                sb(json!({})),
                Shows(|v| format!("[{}]", field(v, "state"))),
            ),
            (
                "run a command in it",
                "execute_command",
                sb(json!({ "command": "echo hello" })),
                Refused("conflict"),
            ),
            (
                "delete the sandbox",
                "delete_sandbox",
                sb(json!({})),
                Shows(|_| "deleted".into()),
            ),
            (
                "look up a typo",
                "get_sandbox",
                json!({ "sandbox": "dmeo" }),
                Refused("not-found"),
            ),
        ],
    )
    .await?;

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

/// Whether `text` shows `secret` or any [`SECRET_PART`] characters of it (a
/// cut line keeps a secret's start); an empty secret counts as shown.
pub fn shows_part_of(text: &str, secret: &str) -> bool {
    let chars: Vec<char> = secret.chars().collect();
    chars.is_empty()
        || chars
            .windows(SECRET_PART.min(chars.len()))
            .any(|w| text.contains(&w.iter().collect::<String>()))
}

/// How many characters of a secret count as showing it.
const SECRET_PART: usize = 8;

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
/// it listens ("Serving HTTP on 127.0.0.1 port 41234 ..."). The server binds
/// the port itself: no port is found free, released, then raced for.
pub fn served_port(stdout: &str) -> Option<u16> {
    let rest = stdout.split("Serving HTTP on ").nth(1)?;
    rest.split(" port ")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// GET an http URL with `headers` over HTTP/1.0: the status and the body.
pub async fn fetch(url: &str, headers: &[(&str, &str)]) -> Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("not an http URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(authority).await?;
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
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

/// 32 random bytes from the OS, hex-encoded: an MCP token (this demo's, and
/// `host-test mcp`'s).
pub fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_shows_whole_or_in_part() {
        let secret = "0123456789abcdef";
        assert!(shows_part_of("key 0123456789abcdef.", secret));
        assert!(shows_part_of("key 01234567…", secret));
        assert!(shows_part_of("…89abcdef", secret));
        assert!(!shows_part_of("key 0123456…", secret));
        assert!(shows_part_of("anything", ""));
    }

    #[test]
    fn served_port_reads_the_line_http_server_prints() {
        let line = "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...\n";
        assert_eq!(served_port(line), Some(41234));
        assert_eq!(served_port(""), None);
        assert_eq!(served_port("Serving HTTP on 127.0.0.1 port x"), None);
    }
}
