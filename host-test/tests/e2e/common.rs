//! Builders shared by the end-to-end tests.
#![allow(dead_code)]

use host_test::emulator::{Emulator, EmulatorOptions};
use host_test::harness::types::{Error, ErrorKind};
use host_test::{CallConfig, Harness, Instance};

/// A fresh emulator with default options.
pub fn emulator() -> Emulator {
    Emulator::start(EmulatorOptions::default()).expect("starting the emulator")
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

/// Run the real `git` in `dir` with a clean configuration (no global or system
/// config, a fixed identity); its trimmed stdout. Panics on failure.
pub fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_AUTHOR_NAME", "Seed")
        .env("GIT_AUTHOR_EMAIL", "seed@example.com")
        .env("GIT_COMMITTER_NAME", "Seed")
        .env("GIT_COMMITTER_EMAIL", "seed@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A bare repository `root/origin.git` with one commit on `main` (README.md),
/// and a work clone of it, `root/seed`, for commits "someone else" pushes.
/// `root` lies outside every sandbox (the emulator's directory holding them).
pub fn bare_repo(root: &std::path::Path) -> std::path::PathBuf {
    let bare = root.join("origin.git");
    let seed = root.join("seed");
    let (b, s) = (bare.to_str().unwrap(), seed.to_str().unwrap());
    git(
        root,
        &["init", "--quiet", "--bare", "--initial-branch=main", b],
    );
    git(root, &["clone", "--quiet", b, s]);
    std::fs::write(seed.join("README.md"), "hello\n").unwrap();
    git(&seed, &["checkout", "--quiet", "-b", "main"]);
    git(&seed, &["add", "README.md"]);
    git(&seed, &["commit", "--quiet", "-m", "seed"]);
    git(&seed, &["push", "--quiet", "origin", "main"]);
    bare
}

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
