//! Issue 11's story, told twice through the real components: once through the
//! library component's `call-tool`, once through the MCP server's `tools/call`.
//! An agent creates a sandbox, clones a repository, writes a file, finds and
//! replaces in it, commits, reads the log, serves the repository over HTTP in a
//! session, fetches it through a signed preview URL, reads the server's logs,
//! and cleans up; then the mistakes: a missing file, a binary read, a NUL in a
//! path, and a clone with bad credentials whose password appears nowhere.

use crate::common;
use crate::mcp::client::send;

use common::{bare_repo, config, emulator, eventually, fetch, git, served_port};
use host_test::CallConfig;
use host_test::emulator::Emulator;
use host_test::mcp_server::McpServer;
use serde_json::{Value, json};

/// The password of the protected repository: it must appear in no answer.
const PASSWORD: &str = "correct-horse-battery-staple-7f3a";
const MCP_TOKEN: &str = "story-mcp-token-0c4e9b2a7d1f";

/// How the agent reaches the tools.
enum Agent {
    /// `call-tool` on a fresh instance per call; what the guests printed.
    Library(CallConfig, std::cell::RefCell<String>),
    Mcp(McpServer),
}

impl Agent {
    /// Call `tool`: its JSON result, or its error record as JSON
    /// (`kind`, `message`, `hint`).
    async fn call(&self, emu: &Emulator, tool: &str, args: Value) -> Result<Value, Value> {
        match self {
            Agent::Library(cfg, printed) => {
                let mut instance = common::instance(cfg).await;
                let outcome = instance
                    .call_tool(tool, &args.to_string())
                    .await
                    .expect("call-tool trapped");
                printed.borrow_mut().push_str(&instance.output());
                common::assert_no_secrets(emu, &format!("{outcome:?}{}", instance.output()));
                outcome
                    .map(|json| serde_json::from_str(&json).expect("call-tool returned JSON"))
                    .map_err(|e| {
                        json!({
                            "kind": format!("{:?}", e.kind),
                            "message": e.message,
                            "hint": e.hint,
                        })
                    })
            }
            Agent::Mcp(server) => {
                let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                    "params": { "name": tool, "arguments": args } });
                let auth = format!("Bearer {MCP_TOKEN}");
                let resp = send(
                    "POST",
                    &server.url(),
                    &[
                        ("authorization", auth.as_str()),
                        ("content-type", "application/json"),
                        ("accept", "application/json, text/event-stream"),
                        ("mcp-protocol-version", "2025-11-25"),
                    ],
                    body.to_string().into_bytes(),
                )
                .await;
                assert_eq!(resp.status, 200, "{tool}: {}", resp.text());
                common::assert_no_secrets(emu, &resp.text());
                let result = resp.json()["result"].clone();
                let text = result["content"][0]["text"].as_str().unwrap_or_default();
                let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                if result["isError"] == true {
                    Err(value)
                } else {
                    assert_eq!(value, result["structuredContent"], "{tool}");
                    Ok(value)
                }
            }
        }
    }

    async fn ok(&self, emu: &Emulator, tool: &str, args: Value) -> Value {
        self.call(emu, tool, args.clone())
            .await
            .unwrap_or_else(|e| panic!("{tool} {args}: {e}"))
    }

    async fn err(&self, emu: &Emulator, tool: &str, args: Value) -> Value {
        match self.call(emu, tool, args.clone()).await {
            Ok(v) => panic!("{tool} {args} succeeded: {v}"),
            Err(e) => e,
        }
    }

    /// Everything the host printed: the guest's output or the MCP server's log.
    fn log(&self) -> String {
        match self {
            Agent::Library(_, printed) => printed.borrow().clone(),
            Agent::Mcp(server) => server.log(),
        }
    }
}

async fn story(agent: &Agent, emu: &Emulator) {
    // Create the sandbox and clone the repository into it.
    let sandbox = agent
        .ok(emu, "create_sandbox", json!({ "name": "story" }))
        .await;
    assert_eq!(sandbox["state"], "started");
    // The repositories live beside the sandboxes, in the emulator's directory.
    let root = emu
        .sandbox_dir("story")
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let origin = bare_repo(&root);
    agent
        .ok(
            emu,
            "git_clone",
            json!({ "sandbox": "story", "url": origin.to_str().unwrap(), "path": "repo" }),
        )
        .await;

    // Write a file, find and replace in it.
    agent
        .ok(
            emu,
            "write_file",
            json!({ "sandbox": "story", "path": "repo/notes.txt", "content": "status: TODO\nowner: agent\n" }),
        )
        .await;
    let found = agent
        .ok(
            emu,
            "find_in_files",
            json!({ "sandbox": "story", "path": "repo", "pattern": "status: TODO" }),
        )
        .await;
    // (A bare "TODO" also matches git's sample hooks under .git/.)
    let matches = found["matches"].as_array().unwrap();
    assert_eq!(matches.len(), 1, "{found}");
    assert!(matches[0]["file"].as_str().unwrap().ends_with("notes.txt"));
    assert_eq!(matches[0]["line"], 1);
    let replaced = agent
        .ok(
            emu,
            "replace_in_files",
            json!({ "sandbox": "story", "files": ["repo/notes.txt"], "pattern": "TODO", "newValue": "DONE" }),
        )
        .await;
    assert_eq!(replaced["results"][0]["success"], true, "{replaced}");
    let text = agent
        .ok(
            emu,
            "read_file",
            json!({ "sandbox": "story", "path": "repo/notes.txt" }),
        )
        .await;
    assert_eq!(text["content"], "status: DONE\nowner: agent\n");

    // Commit and read the log.
    let status = agent
        .ok(
            emu,
            "git_status",
            json!({ "sandbox": "story", "path": "repo" }),
        )
        .await;
    assert!(status.to_string().contains("notes.txt"), "{status}");
    agent
        .ok(
            emu,
            "git_add",
            json!({ "sandbox": "story", "path": "repo", "files": ["notes.txt"] }),
        )
        .await;
    let commit = agent
        .ok(
            emu,
            "git_commit",
            json!({ "sandbox": "story", "path": "repo", "message": "Mark the notes done",
                    "author": "Agent", "email": "agent@example.com" }),
        )
        .await;
    let hash = commit["hash"].as_str().unwrap().to_string();
    let log = agent
        .ok(
            emu,
            "git_log",
            json!({ "sandbox": "story", "path": "repo" }),
        )
        .await;
    let commits = log["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 2, "{log}");
    assert_eq!(commits[0]["hash"], hash.as_str());
    assert_eq!(
        commits[0]["message"].as_str().unwrap().trim(),
        "Mark the notes done"
    );
    assert_eq!(commits[0]["author"], "Agent");
    assert_eq!(commits[1]["message"].as_str().unwrap().trim(), "seed");

    // Serve the repository from a session and fetch it through a signed preview URL.
    agent
        .ok(
            emu,
            "create_session",
            json!({ "sandbox": "story", "session": "web" }),
        )
        .await;
    let started = agent
        .ok(
            emu,
            "run_session_command",
            json!({ "sandbox": "story", "session": "web", "async": true,
                    "command": "python3 -u -m http.server 0 --bind 127.0.0.1 --directory repo" }),
        )
        .await;
    let command_id = started["commandId"].as_str().unwrap().to_string();
    // The server picks its port and says which once it listens.
    let mut port = None;
    assert!(
        eventually(async || {
            let logs = agent
                .ok(
                    emu,
                    "get_session_command_logs",
                    json!({ "sandbox": "story", "session": "web", "commandId": command_id }),
                )
                .await;
            port = served_port(logs["stdout"].as_str().unwrap());
            port.is_some()
        })
        .await,
        "the server never said which port it listens on"
    );
    let port = port.unwrap();
    let preview = agent
        .ok(
            emu,
            "get_preview_url",
            json!({ "sandbox": "story", "port": port }),
        )
        .await;
    let url = preview["url"].as_str().unwrap();
    let notes = format!("{}/notes.txt", url.trim_end_matches('/'));
    // The server may still be starting: the proxy answers 502 until it listens.
    let mut answer = (0, String::new());
    assert!(
        eventually(async || {
            answer = fetch(&notes, &[]).await;
            answer.0 != 502
        })
        .await,
        "nothing answered behind {notes}"
    );
    assert_eq!(
        (answer.0, answer.1.as_str()),
        (200, "status: DONE\nowner: agent\n")
    );

    // The server logged the request.
    let mut logs = Value::Null;
    let logged = eventually(async || {
        logs = agent
            .ok(
                emu,
                "get_session_command_logs",
                json!({ "sandbox": "story", "session": "web", "commandId": command_id }),
            )
            .await;
        logs.to_string().contains("GET /notes.txt")
    })
    .await;
    assert!(logged, "{logs}");

    // Clean up: the session's server stops with it, then the sandbox goes.
    agent
        .ok(
            emu,
            "delete_session",
            json!({ "sandbox": "story", "session": "web" }),
        )
        .await;
    let sessions = agent
        .ok(emu, "list_sessions", json!({ "sandbox": "story" }))
        .await;
    assert!(!sessions.to_string().contains("\"web\""), "{sessions}");
    let gone =
        eventually(async || std::net::TcpStream::connect(("127.0.0.1", port)).is_err()).await;
    assert!(gone, "the session's server still listens on {port}");

    // The mistakes, each a typed error that says what to do.
    let missing = agent
        .err(
            emu,
            "read_file",
            json!({ "sandbox": "story", "path": "repo/nope.txt" }),
        )
        .await;
    assert_kind(&missing, "not-found");
    agent
        .ok(
            emu,
            "write_file",
            json!({ "sandbox": "story", "path": "repo/blob.bin", "content": "AAEC/w==", "encoding": "base64" }),
        )
        .await;
    let binary = agent
        .err(
            emu,
            "read_file",
            json!({ "sandbox": "story", "path": "repo/blob.bin" }),
        )
        .await;
    assert_kind(&binary, "invalid-input");
    assert!(
        binary["hint"].as_str().unwrap().contains("download_file"),
        "{binary}"
    );
    let requests = emu.requests().len();
    let nul = agent
        .err(
            emu,
            "read_file",
            json!({ "sandbox": "story", "path": "repo/a\u{0}b" }),
        )
        .await;
    assert_kind(&nul, "invalid-input");
    assert!(nul["message"].as_str().unwrap().contains("NUL"), "{nul}");
    assert_eq!(
        emu.requests().len(),
        requests,
        "a NUL path is refused before sending"
    );

    let private_root = root.join("private");
    std::fs::create_dir_all(&private_root).unwrap();
    let private = bare_repo(&private_root);
    git(&private, &["config", "daytona-emulator.username", "agent"]);
    git(
        &private,
        &["config", "daytona-emulator.password", "the-real-one"],
    );
    let refused = agent
        .err(
            emu,
            "git_clone",
            json!({ "sandbox": "story", "url": private.to_str().unwrap(), "path": "private",
                    "username": "agent", "password": PASSWORD }),
        )
        .await;
    assert_kind(&refused, "unauthorized");
    assert!(!refused.to_string().contains(PASSWORD), "{refused}");
    assert!(
        !agent.log().contains(PASSWORD),
        "the password reached the log"
    );

    agent
        .ok(emu, "delete_sandbox", json!({ "sandbox": "story" }))
        .await;
}

/// The error record's kind, as the library (`ErrorKind::NotFound`) or MCP
/// (`not-found`) spells it.
fn assert_kind(error: &Value, kind: &str) {
    let got = error["kind"].as_str().unwrap_or_default();
    let got = got.rsplit("::").next().unwrap_or_default();
    let normalised: String = got
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    assert_eq!(normalised, kind.replace('-', ""), "{error}");
}

#[tokio::test]
async fn the_story_through_the_library_component() {
    let emu = emulator();
    let agent = Agent::Library(config(&emu), Default::default());
    story(&agent, &emu).await;
}

#[tokio::test]
async fn the_story_through_the_mcp_server() {
    let emu = emulator();
    let server = McpServer::start_default(config(&emu).env("DAYTONA_MCP_TOKEN", MCP_TOKEN))
        .await
        .expect("serving the MCP component");
    let agent = Agent::Mcp(server);
    story(&agent, &emu).await;
}
