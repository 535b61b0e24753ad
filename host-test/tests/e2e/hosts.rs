//! The same release component, unmodified, in three hosts besides host-test's own wasmtime
//! embedding: the wasmtime CLI, Python (wasmtime-py) and Node.js (jco + preview2-shim).
//!
//! Each test installs its host with `tests/hosts/setup.sh` (pinned versions, into the
//! example's gitignored `.venv/` or `node_modules/`, reused when already there), starts an
//! in-process emulator, and runs the example script from `examples/` (the very scripts the
//! examples' READMEs show) with that emulator's URL and key:
//!
//! - `tools`, and `tools` under `DAYTONA_TOOLS=read-only` (the environment reaches the guest);
//! - `story NAME`: list-tools, create_sandbox, execute_command `echo hello`, delete_sandbox;
//! - a `not-found` error on stderr with exit status 1, nothing on stdout;
//! - `mint_ephemeral_key` with a JWT: the result on stdout, the component's audit line on
//!   stderr, no secret in either;
//! - timeouts: a 300 ms `DAYTONA_RESPONSE_TIMEOUT_MS` against a 2 s answer, and a 1 s
//!   `DAYTONA_CONNECT_TIMEOUT_MS` against a command that takes 2 s (600 s where the host's
//!   bound is expected to fire, so it is the only end the call can meet). The wasmtime
//!   hosts and jco's shim differ here (see examples/node/README.md); each host's test pins
//!   its own behaviour.
//!
//! A missing prerequisite (python3 with venv, node/npm) or a failed install fails the test
//! with setup.sh's message; nothing is skipped. Latency is measured by
//! `bench_every_host_on_one_emulator` (ignored; run it with `--ignored --nocapture`), never
//! asserted.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::READ_ONLY_TOOLS;
use host_test::emulator::{Emulator, EmulatorOptions, Fault, SandboxSeed};
use host_test::harness::COMPONENT_PATH;
use host_test::{CallConfig, Harness};
use serde_json::Value;

/// A cold install (npm: ~150 packages) takes tens of seconds; a reused one well under one.
const SETUP_DEADLINE: Duration = Duration::from_secs(600);
/// One example invocation (a story is four or five calls).
const RUN_DEADLINE: Duration = Duration::from_secs(120);
/// The tools every test expects `list-tools` to offer.
const STORY_TOOLS: [&str; 5] = [
    "list_sandboxes",
    "get_sandbox",
    "create_sandbox",
    "execute_command",
    "delete_sandbox",
];

/// A host, the example that drives it, and how it treats `wasi:http` request timeouts.
struct Host {
    /// `setup.sh` argument, and part of sandbox names.
    key: &'static str,
    /// For messages.
    label: &'static str,
    /// The first-byte timeout bounds the wait for an answer's headers.
    enforces_first_byte_timeout: bool,
    /// The connect timeout also bounds the wait for the headers (jco's shim: an idle timeout).
    connect_timeout_bounds_answer: bool,
}

const CLI: Host = Host {
    key: "cli",
    label: "wasmtime CLI",
    enforces_first_byte_timeout: true,
    connect_timeout_bounds_answer: false,
};

const PYTHON: Host = Host {
    key: "python",
    label: "Python (wasmtime-py)",
    enforces_first_byte_timeout: true,
    connect_timeout_bounds_answer: false,
};

const NODE: Host = Host {
    key: "node",
    label: "Node.js (jco + preview2-shim)",
    enforces_first_byte_timeout: false,
    connect_timeout_bounds_answer: true,
};

#[test]
fn wasmtime_cli_runs_the_component() {
    exercise(&CLI);
}

#[test]
fn python_wasmtime_py_runs_the_component() {
    exercise(&PYTHON);
}

#[test]
fn node_jco_runs_the_component() {
    exercise(&NODE);
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host-test has a parent")
        .to_path_buf()
}

/// What a finished process left.
struct Outcome {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Outcome {
    fn transcript(&self) -> String {
        format!(
            "exit: {}, after {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status, self.elapsed, self.stdout, self.stderr
        )
    }
}

/// Run `cmd` to completion (killed after `deadline`), collecting both streams.
fn run(mut cmd: Command, deadline: Duration, what: &str) -> Outcome {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {what} ({cmd:?}): {e}"));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a child") {
            break Some(status);
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let elapsed = started.elapsed();
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    match status {
        Some(status) => Outcome {
            status,
            stdout,
            stderr,
            elapsed,
        },
        None => panic!(
            "{what} did not finish within {deadline:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
        ),
    }
}

/// An installed host: what setup.sh reported (`version`, and the program to run).
struct Installed {
    vars: HashMap<String, String>,
}

/// Install (or reuse) `host`; fails the test, with setup.sh's words, when that is impossible.
fn install(host: &Host) -> Installed {
    let script = repo_root().join("host-test/tests/hosts/setup.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(&script).arg(host.key);
    let outcome = run(cmd, SETUP_DEADLINE, &format!("setup.sh {}", host.key));
    let missing = match host.key {
        "node" => "Node.js 20+ with npm",
        _ => "python3 (3.9+) with venv and pip",
    };
    match outcome.status.code() {
        Some(0) => {}
        Some(2) => panic!(
            "cannot test the {}: {missing} is not installed here\n{}",
            host.label,
            outcome.transcript()
        ),
        Some(3) => panic!(
            "cannot test the {}: installing it failed (is the package registry reachable?)\n{}",
            host.label,
            outcome.transcript()
        ),
        _ => panic!("setup.sh {} failed\n{}", host.key, outcome.transcript()),
    }
    let vars: HashMap<String, String> = outcome
        .stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    println!(
        "{}: {} (setup took {:?})",
        host.label,
        vars.get("version").map_or("?", String::as_str),
        outcome.elapsed
    );
    Installed { vars }
}

impl Installed {
    fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .unwrap_or_else(|| panic!("setup.sh did not report {key}: {:?}", self.vars))
    }

    /// The example's command line for `host`, with no DAYTONA_* variable of ours inherited.
    fn example(&self, host: &Host, args: &[&str]) -> Command {
        let examples = repo_root().join("examples");
        let mut cmd = match host.key {
            "cli" => {
                let mut c = Command::new("bash");
                c.arg(examples.join("wasmtime-cli/run.sh"))
                    .env("WASMTIME", self.var("WASMTIME"));
                c
            }
            "python" => {
                let mut c = Command::new(self.var("PYTHON"));
                c.arg(examples.join("python/agent_tools.py"));
                c
            }
            "node" => {
                let mut c = Command::new(self.var("NODE"));
                c.arg(examples.join("node/agent-tools.mjs"));
                c
            }
            other => unreachable!("no host {other}"),
        };
        cmd.args(args);
        for (key, _) in std::env::vars() {
            if key.starts_with("DAYTONA_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("DAYTONA_TOOLS_WASM", COMPONENT_PATH);
        cmd
    }
}

/// Runs examples of one host against one emulator.
struct Session<'a> {
    host: &'a Host,
    installed: Installed,
    emu: Emulator,
    /// Every output, checked for secrets at the end.
    seen: String,
}

impl Session<'_> {
    fn run(&mut self, args: &[&str], env: &[(&str, &str)]) -> Outcome {
        let mut cmd = self.installed.example(self.host, args);
        cmd.env("DAYTONA_API_URL", self.emu.api_url())
            .env("DAYTONA_API_KEY", self.emu.api_key());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let what = format!("the {} example ({})", self.host.label, args.join(" "));
        let outcome = run(cmd, RUN_DEADLINE, &what);
        self.seen.push_str(&outcome.stdout);
        self.seen.push_str(&outcome.stderr);
        outcome
    }

    /// Run and require exit status 0.
    fn ok(&mut self, args: &[&str], env: &[(&str, &str)]) -> Outcome {
        let outcome = self.run(args, env);
        assert!(
            outcome.status.success(),
            "{}: `{}` failed\n{}",
            self.host.label,
            args.join(" "),
            outcome.transcript()
        );
        outcome
    }

    /// `call TOOL JSON` that must succeed; its result.
    fn call(&mut self, tool: &str, json: &str, env: &[(&str, &str)]) -> (Value, Outcome) {
        let outcome = self.ok(&["call", tool, json], env);
        let value = serde_json::from_str(outcome.stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "{}: {tool} printed no JSON on stdout ({e})\n{}",
                self.host.label,
                outcome.transcript()
            )
        });
        (value, outcome)
    }

    /// `call TOOL JSON` that must fail with a tool error naming `kind`.
    fn call_err(&mut self, tool: &str, json: &str, env: &[(&str, &str)], kind: &str) -> Outcome {
        let outcome = self.run(&["call", tool, json], env);
        assert_eq!(
            outcome.status.code(),
            Some(1),
            "{}: {tool} should fail with a `{kind}` tool error (exit 1)\n{}",
            self.host.label,
            outcome.transcript()
        );
        assert!(
            outcome.stderr.contains("error:") && outcome.stderr.contains(kind),
            "{}: the error on stderr should name `{kind}`\n{}",
            self.host.label,
            outcome.transcript()
        );
        assert!(
            outcome.stdout.trim().is_empty(),
            "{}: a failed call printed on stdout\n{}",
            self.host.label,
            outcome.transcript()
        );
        outcome
    }
}

fn tool_names(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The JSON after `prefix` on the line of `stdout` that starts with it.
fn story_step(host: &Host, outcome: &Outcome, prefix: &str) -> Value {
    let line = outcome
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| {
            panic!(
                "{}: the story printed no `{prefix}` line\n{}",
                host.label,
                outcome.transcript()
            )
        });
    serde_json::from_str(line.trim()).unwrap_or_else(|e| {
        panic!(
            "{}: `{prefix}` is not followed by JSON ({e})\n{}",
            host.label,
            outcome.transcript()
        )
    })
}

fn exercise(host: &Host) {
    let installed = install(host);
    let emu = Emulator::start(EmulatorOptions::default()).expect("starting the emulator");
    let mut s = Session {
        host,
        installed,
        emu,
        seen: String::new(),
    };
    let started = Instant::now();

    // list-tools, whole and under a DAYTONA_TOOLS selection the host must pass through.
    let tools = s.ok(&["tools"], &[]);
    let names = tool_names(&tools.stdout);
    for tool in STORY_TOOLS {
        assert!(
            names.contains(&tool),
            "{}: list-tools lacks {tool}\n{}",
            host.label,
            tools.transcript()
        );
    }
    let read_only = s.ok(&["tools"], &[("DAYTONA_TOOLS", "read-only")]);
    let read_only = tool_names(&read_only.stdout);
    assert!(
        read_only.contains(&"list_sandboxes") && !read_only.contains(&"create_sandbox"),
        "{}: DAYTONA_TOOLS=read-only did not reach the component: {read_only:?}",
        host.label
    );
    assert_eq!(read_only, READ_ONLY_TOOLS, "{}", host.label);

    // The story: create, execute, delete.
    let name = format!("hosts-{}", host.key);
    let story = s.ok(&["story", &name], &[]);
    let listed = story
        .stdout
        .lines()
        .find(|l| l.starts_with("list-tools: "))
        .unwrap_or_default();
    assert!(
        STORY_TOOLS.iter().all(|t| listed.contains(t)),
        "{}: the story's list-tools line lacks a tool\n{}",
        host.label,
        story.transcript()
    );
    let created = story_step(host, &story, "create_sandbox: ");
    assert_eq!(created["name"], name.as_str(), "{}", story.transcript());
    assert_eq!(created["state"], "started", "{}", story.transcript());
    let executed = story_step(host, &story, "execute_command: ");
    assert_eq!(executed["exitCode"], 0, "{}", story.transcript());
    assert_eq!(executed["result"], "hello\n", "{}", story.transcript());
    let deleted = story_step(host, &story, "delete_sandbox: ");
    assert_eq!(deleted["name"], name.as_str(), "{}", story.transcript());
    assert!(
        story.stdout.lines().any(|l| l == "story: ok"),
        "{}",
        story.transcript()
    );
    assert!(
        s.emu
            .sandbox_state(&name)
            .is_none_or(|state| state == "destroyed" || state == "destroying"),
        "{}: the sandbox survived the story: {:?}",
        host.label,
        s.emu.sandbox_state(&name)
    );
    let requests = s.emu.requests();
    let seen = |method: &str, path: &dyn Fn(&str) -> bool| {
        requests
            .iter()
            .any(|r| r.method == method && path(r.path_only()))
    };
    for (method, what, path) in [
        (
            "POST",
            "create",
            &(|p: &str| p == "/api/sandbox") as &dyn Fn(&str) -> bool,
        ),
        ("POST", "execute via the toolbox proxy", &|p: &str| {
            p.starts_with("/toolbox/") && p.ends_with("/process/execute")
        }),
        ("DELETE", "delete", &|p: &str| {
            p.starts_with("/api/sandbox/")
        }),
    ] {
        assert!(
            seen(method, path),
            "{}: the emulator saw no {what} request ({method})",
            host.label
        );
    }

    // A tool error: exit 1, the record on stderr, nothing on stdout.
    s.call_err(
        "get_sandbox",
        r#"{"sandbox": "no-such-sandbox"}"#,
        &[],
        "not-found",
    );

    // Four variables in, the result on stdout and the audit line on stderr, kept apart.
    let jwt = s.emu.jwt();
    let org = s.emu.organization_id();
    let holder = format!("hosts-{}", host.key);
    let (minted, outcome) = s.call(
        "mint_ephemeral_key",
        &format!(r#"{{"holder": "{holder}", "ttl": "10m"}}"#),
        &[
            ("DAYTONA_JWT_TOKEN", jwt.as_str()),
            ("DAYTONA_ORGANIZATION_ID", org.as_str()),
        ],
    );
    let value = minted["value"].as_str().unwrap_or_default().to_string();
    assert!(value.starts_with("dtn_"), "{}", outcome.transcript());
    let audit = outcome
        .stderr
        .lines()
        .find(|l| l.contains(r#""event":"mint""#))
        .unwrap_or_else(|| {
            panic!(
                "{}: the component's audit line did not reach stderr\n{}",
                host.label,
                outcome.transcript()
            )
        });
    assert!(audit.contains(&holder), "{audit}");
    assert!(
        !outcome.stderr.contains(&value) && !outcome.stdout.contains(r#""event":"mint""#),
        "{}: the key value reached stderr, or the audit line stdout\n{}",
        host.label,
        outcome.transcript()
    );

    // wasi:http timeouts. A delayed answer against a 300 ms response (first-byte) timeout;
    // an unnamed create is sent once, so one delayed answer decides it. A host that
    // enforces the timeout gets an answer that would take 600 s, so no stall of the
    // machine lets it arrive first; the shim waits out a 2 s one.
    let slow_create = [("DAYTONA_RESPONSE_TIMEOUT_MS", "300")];
    if host.enforces_first_byte_timeout {
        s.emu.fail_next(
            "POST",
            "/api/sandbox",
            Fault::Delay(Duration::from_secs(600)),
        );
        s.call_err("create_sandbox", "{}", &slow_create, "timeout");
    } else {
        s.emu
            .fail_next("POST", "/api/sandbox", Fault::Delay(Duration::from_secs(2)));
        // Only the delayed answer could have given it an id: the shim waited it out.
        let (created, outcome) = s.call("create_sandbox", "{}", &slow_create);
        assert!(
            created["id"].is_string(),
            "{}: expected the shim to wait out the 2 s answer despite the 300 ms \
             first-byte timeout (if it now enforces it, update examples/node)\n{}",
            host.label,
            outcome.transcript()
        );
    }
    // A command taking 2 s against a 1 s connect timeout: only a connect bound in wasmtime,
    // an idle bound on the whole wait for the answer in jco's shim.
    let sleeper = format!("sleeper-{}", host.key);
    s.emu.add_sandbox(SandboxSeed::new().named(&sleeper));
    let slow_exec = format!(r#"{{"sandbox": "{sleeper}", "command": "sleep 2; echo late"}}"#);
    let short_connect = [("DAYTONA_CONNECT_TIMEOUT_MS", "1000")];
    if host.connect_timeout_bounds_answer {
        // A command that would take 600 s (the emulator ends it at its 10 s
        // default), so the 1 s bound is the only end it can meet.
        let slower_exec =
            format!(r#"{{"sandbox": "{sleeper}", "command": "sleep 600; echo late"}}"#);
        s.call_err("execute_command", &slower_exec, &short_connect, "timeout");
        // The example's default (a connect timeout with room for the answer) avoids it.
        let (done, outcome) = s.call("execute_command", &slow_exec, &[]);
        assert_eq!(done["result"], "late\n", "{}", outcome.transcript());
    } else {
        let (done, outcome) = s.call("execute_command", &slow_exec, &short_connect);
        assert_eq!(done["result"], "late\n", "{}", outcome.transcript());
    }

    for secret in [s.emu.api_key(), jwt] {
        assert!(
            !s.seen.contains(&secret),
            "{}: a secret reached the example's output",
            host.label
        );
    }
    match host.key {
        "cli" => readme_cli_commands(&mut s),
        "python" => readme_python_snippet(&mut s),
        _ => {}
    }
    println!("{}: all checks in {:?}", host.label, started.elapsed());
}

/// The first fenced block of `lang` after `marker` in `file` (relative to the repository).
fn readme_block(file: &str, marker: &str, lang: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join(file)).expect(file);
    let after = readme
        .split_once(marker)
        .unwrap_or_else(|| panic!("{file} has no {marker:?}"))
        .1;
    let fence = format!("```{lang}\n");
    let block = after
        .split_once(fence.as_str())
        .unwrap_or_else(|| panic!("no {lang} block after {marker:?} in {file}"))
        .1;
    block
        .split_once("```")
        .expect("an unclosed block")
        .0
        .to_string()
}

/// The wasmtime CLI commands README.md shows under "Hosts", run as written (only the
/// binary and the component's path are this checkout's) against the emulator.
fn readme_cli_commands(s: &mut Session) {
    let block = readme_block("README.md", "**wasmtime CLI**", "sh");
    let commands: Vec<String> = block
        .replace("\\\n", " ")
        .lines()
        .filter(|l| l.starts_with("wasmtime "))
        .map(|l| {
            l.replacen("wasmtime ", "\"$WASMTIME\" ", 1)
                .replace(" daytona_tools.wasm", " \"$DAYTONA_TOOLS_WASM\"")
        })
        .collect();
    assert_eq!(commands.len(), 2, "README's wasmtime CLI block:\n{block}");
    s.emu.add_sandbox(SandboxSeed::new().named("my-sandbox"));
    for command in commands {
        let mut cmd = Command::new("bash");
        cmd.arg("-c").arg(&command);
        for (key, _) in std::env::vars() {
            if key.starts_with("DAYTONA_") {
                cmd.env_remove(key);
            }
        }
        cmd.env("DAYTONA_TOOLS_WASM", COMPONENT_PATH);
        cmd.env("WASMTIME", s.installed.var("WASMTIME"))
            .env("DAYTONA_API_URL", s.emu.api_url())
            .env("DAYTONA_API_KEY", s.emu.api_key());
        let outcome = run(cmd, RUN_DEADLINE, &format!("README's `{command}`"));
        s.seen.push_str(&outcome.stdout);
        s.seen.push_str(&outcome.stderr);
        assert!(
            outcome.status.success()
                && outcome.stdout.starts_with("ok(")
                && outcome.stdout.contains("my-sandbox"),
            "README's `{command}` did not answer with the sandbox\n{}",
            outcome.transcript()
        );
    }
}

/// docs/hosts.md's Python snippet, run as written with the example's interpreter: the names it
/// takes for granted (imports, `key`, `url`) defined, its result printed.
fn readme_python_snippet(s: &mut Session) {
    let snippet = readme_block("docs/hosts.md", "**Python**", "python");
    let wasm = format!("{COMPONENT_PATH:?}");
    let script = format!(
        "from wasmtime import Config, Engine, Store, WasiConfig\n\
         from wasmtime.component import Component, Linker\n\
         import os\n\
         key, url = os.environ['DAYTONA_API_KEY'], os.environ['DAYTONA_API_URL']\n\
         {}\n\
         print(result)\n",
        snippet.replace("\"daytona_tools.wasm\"", &wasm)
    );
    assert!(
        script.contains(&wasm),
        "docs/hosts.md's Python snippet names no daytona_tools.wasm:\n{snippet}"
    );
    let path = std::env::temp_dir().join(format!("readme-snippet-{}.py", std::process::id()));
    std::fs::write(&path, script).unwrap();
    s.emu.add_sandbox(SandboxSeed::new().named("from-readme"));
    let mut cmd = Command::new(s.installed.var("PYTHON"));
    cmd.arg(&path)
        .env("DAYTONA_API_URL", s.emu.api_url())
        .env("DAYTONA_API_KEY", s.emu.api_key());
    let outcome = run(cmd, RUN_DEADLINE, "docs/hosts.md's Python snippet");
    let _ = std::fs::remove_file(&path);
    s.seen.push_str(&outcome.stdout);
    s.seen.push_str(&outcome.stderr);
    let listed: Value = serde_json::from_str(outcome.stdout.trim()).unwrap_or_else(|e| {
        panic!(
            "docs/hosts.md's Python snippet printed no JSON ({e})\n{}",
            outcome.transcript()
        )
    });
    assert!(
        listed["sandboxes"]
            .as_array()
            .is_some_and(|l| l.iter().any(|s| s["name"] == "from-readme")),
        "docs/hosts.md's Python snippet did not list the sandbox\n{}",
        outcome.transcript()
    );
}

/// README.md's "component size" row states the sizes of the components this checkout builds
/// (what build.rs builds, the command the row gives), within 5%.
#[test]
fn readme_states_the_component_sizes_built_here() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let row = readme
        .lines()
        .find(|l| l.starts_with("| component size |"))
        .expect("README.md has a component size row");
    let numbers: Vec<u64> = row
        .split(|c: char| !(c.is_ascii_digit() || c == ','))
        .filter(|n| n.len() >= 7 && n.contains(','))
        .map(|n| n.replace(',', "").parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), 2, "two sizes in bytes: {row}");
    for (stated, path) in numbers
        .into_iter()
        .zip([COMPONENT_PATH, host_test::mcp_server::MCP_COMPONENT_PATH])
    {
        let actual = std::fs::metadata(path).unwrap().len();
        assert!(
            stated.abs_diff(actual) * 20 <= actual,
            "README.md says {stated} bytes, {path} has {actual}: update the row"
        );
    }
}

/// Per-call latency in every host on one emulator: host-test's wasmtime embedding in
/// process, then each example's `bench N`. Prints; asserts nothing about time.
///
/// `HOSTS_BENCH_N=50 cargo test --release -p host-test --test e2e hosts:: -- --ignored --nocapture`
#[test]
#[ignore = "a benchmark; run with --ignored --nocapture"]
fn bench_every_host_on_one_emulator() {
    let n: usize = std::env::var("HOSTS_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let emu = Emulator::start(EmulatorOptions::default()).expect("starting the emulator");
    bench_harness(&emu, n);
    for host in [&CLI, &PYTHON, &NODE] {
        let installed = install(host);
        let mut cmd = installed.example(host, &["bench", &n.to_string()]);
        cmd.env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_API_KEY", emu.api_key());
        let outcome = run(cmd, SETUP_DEADLINE, &format!("{} bench", host.label));
        assert!(outcome.status.success(), "{}", outcome.transcript());
        print!("{}", outcome.stdout);
    }
}

fn bench_harness(emu: &Emulator, n: usize) {
    let config = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string());
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let t = Instant::now();
        let harness = Harness::shared();
        println!(
            "bench host-test load (compile, link, instantiate-pre): {:.1} ms",
            ms(t.elapsed())
        );
        let mut first = harness.instance(&config).await.expect("instance");
        first
            .call_tool("create_sandbox", r#"{"name": "bench-harness"}"#)
            .await
            .expect("no trap")
            .expect("create_sandbox");
        let calls = [
            ("get_sandbox", r#"{"sandbox": "bench-harness"}"#),
            ("list_sandboxes", "{}"),
        ];
        for (tool, args) in calls {
            let mut samples = Vec::with_capacity(n);
            for _ in 0..n {
                let t = Instant::now();
                let mut inst = harness.instance(&config).await.expect("instance");
                inst.call_tool(tool, args)
                    .await
                    .expect("no trap")
                    .expect(tool);
                samples.push(ms(t.elapsed()));
            }
            stats(
                &format!("{tool} (fresh instance + call, per call)"),
                samples,
            );
        }
        let mut inst = harness.instance(&config).await.expect("instance");
        for (tool, args) in calls {
            let mut samples = Vec::with_capacity(n);
            for _ in 0..n {
                let t = Instant::now();
                inst.call_tool(tool, args)
                    .await
                    .expect("no trap")
                    .expect(tool);
                samples.push(ms(t.elapsed()));
            }
            stats(&format!("{tool} (one reused instance, per call)"), samples);
        }
        first
            .call_tool("delete_sandbox", r#"{"sandbox": "bench-harness"}"#)
            .await
            .expect("no trap")
            .expect("delete_sandbox");
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn stats(label: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let avg = samples.iter().sum::<f64>() / samples.len() as f64;
    println!(
        "bench host-test {label}: n={} avg={avg:.1} ms min={:.1} p50={:.1} max={:.1}",
        samples.len(),
        samples[0],
        samples[(samples.len() - 1) / 2],
        samples[samples.len() - 1]
    );
}
