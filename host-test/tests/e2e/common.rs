//! Builders shared by the end-to-end tests.
#![allow(dead_code)]

use host_test::emulator::{Emulator, EmulatorOptions};
use host_test::harness::types::{Error, ErrorKind};
use host_test::{CallConfig, Harness, Instance};

/// A fresh emulator with default options.
pub fn emulator() -> Emulator {
    Emulator::start(EmulatorOptions::default()).expect("starting the emulator")
}

/// Execute requests that reached the emulator (either route).
pub fn executes(emu: &Emulator) -> Vec<String> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path_only().ends_with("/process/execute"))
        .map(|r| r.path)
        .collect()
}

/// Guest configuration pointing at `emu` with its master API key.
pub fn config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// A fresh instance of the component.
pub async fn instance(config: &CallConfig) -> Instance {
    Harness::shared()
        .instance(config)
        .await
        .expect("instantiating the component")
}

/// Call a tool on a fresh instance; returns the parsed JSON result or the error,
/// and checks that no secret of `emu` leaked into the result, the error or the guest's output.
pub async fn call(
    emu: &Emulator,
    config: &CallConfig,
    tool: &str,
    args: &str,
) -> Result<serde_json::Value, Error> {
    let mut inst = instance(config).await;
    let outcome = inst.call_tool(tool, args).await.expect("call-tool trapped");
    let shown = format!("{outcome:?}{}", inst.output());
    assert_no_secrets(emu, &shown);
    outcome.map(|json| serde_json::from_str(&json).expect("call-tool returned invalid JSON"))
}

/// What `DAYTONA_TOOLS=read-only` offers, in catalog order.
pub const READ_ONLY_TOOLS: [&str; 18] = [
    "list_sandboxes",
    "get_sandbox",
    "list_snapshots",
    "list_files",
    "read_file",
    "download_file",
    "get_file_info",
    "find_in_files",
    "search_files",
    "git_status",
    "git_branches",
    "git_log",
    "get_session_command_logs",
    "list_sessions",
    "list_api_keys",
    "get_current_api_key",
    "get_api_key",
    "list_ephemeral_keys",
];

/// What a typed call through the component answers: a trap (the outer `Result`) around
/// the guest's own result. `.await.succeeded()` / `.await.failed()` unwrap both layers.
pub trait Outcome {
    /// The guest's value on success.
    type Value;
    /// The guest's value of a call that must succeed; a trap or an error fails the test.
    fn succeeded(self) -> Self::Value;
    /// The guest's error of a call that must fail; a trap or a success fails the test.
    fn failed(self) -> Error;
}

impl<T: std::fmt::Debug, E: std::fmt::Debug> Outcome for Result<Result<T, Error>, E> {
    type Value = T;

    #[track_caller]
    fn succeeded(self) -> T {
        match self.expect("the call trapped") {
            Ok(value) => value,
            Err(e) => panic!("the call failed: {e:?}"),
        }
    }

    #[track_caller]
    fn failed(self) -> Error {
        match self.expect("the call trapped") {
            Ok(value) => panic!("the call succeeded: {value:?}"),
            Err(e) => e,
        }
    }
}

/// `DAYTONA_TOOLS` applies to the typed functions too: on a fresh instance of `cfg` with
/// `DAYTONA_TOOLS=read-only`, `write` (a typed call of a write tool) must be refused as
/// invalid input naming the variable. Returns that instance for further calls.
pub async fn read_only_refuses<R: Outcome>(
    cfg: CallConfig,
    write: impl AsyncFnOnce(&mut Instance) -> R,
) -> Instance {
    let mut inst = instance(&cfg.env("DAYTONA_TOOLS", "read-only")).await;
    let refused = write(&mut inst).await.failed();
    assert_kind(&refused, ErrorKind::InvalidInput);
    assert!(refused.message.contains("DAYTONA_TOOLS"), "{refused:?}");
    inst
}

/// Fail if any secret of the emulator's default credentials appears in `text`.
pub fn assert_no_secrets(emu: &Emulator, text: &str) {
    for secret in [emu.api_key(), emu.jwt()] {
        assert!(!text.contains(&secret), "a secret leaked into: {text}");
    }
}

/// Assert the error kind, with the whole error shown on failure.
pub fn assert_kind(err: &Error, kind: ErrorKind) {
    assert!(
        std::mem::discriminant(&err.kind) == std::mem::discriminant(&kind),
        "expected {kind:?}, got {err:?}"
    );
}

/// The real `git` with a clean configuration, and a seeded bare repository: the
/// emulator's test helpers, shared with its own tests and the demo.
pub use host_test::emulator::testing::{bare_repo, git};

/// In the work clone `seed`: bring `main` up to date with its origin, commit `file`
/// with `content`, and push it; the new commit's hash.
pub fn push_theirs(seed: &std::path::Path, file: &str, content: &str) -> String {
    git(seed, &["pull", "--quiet", "--ff-only", "origin", "main"]);
    std::fs::write(seed.join(file), content).unwrap();
    git(seed, &["add", file]);
    git(
        seed,
        &["commit", "--quiet", "-m", &format!("theirs: {file}")],
    );
    git(seed, &["push", "--quiet", "origin", "main"]);
    git(seed, &["rev-parse", "HEAD"])
}

/// Call a tool that must succeed; its JSON result.
pub async fn ok(
    emu: &Emulator,
    config: &CallConfig,
    tool: &str,
    args: serde_json::Value,
) -> serde_json::Value {
    call(emu, config, tool, &args.to_string())
        .await
        .unwrap_or_else(|e| panic!("{tool} {args}: {e:?}"))
}

/// How many times [`eventually`] checks a condition, [`PAUSE`] apart: a minute,
/// a guard against a hang only (a loaded machine may take seconds to start a process).
pub const TRIES: usize = 1200;
/// The pause between two checks of [`eventually`].
pub const PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// Check `done` up to [`TRIES`] times, [`PAUSE`] apart (waiting for a process
/// to start or stop, not timing it); whether it held.
pub async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..TRIES {
        if done().await {
            return true;
        }
        tokio::time::sleep(PAUSE).await;
    }
    false
}

pub use host_test::demo::served_port;

/// GET `url` (http only) with `headers` over HTTP/1.0; the status and the body.
pub async fn fetch(url: &str, headers: &[(&str, &str)]) -> (u16, String) {
    host_test::demo::fetch(url, headers).await.expect("GET")
}
