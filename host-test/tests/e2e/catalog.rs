//! The tool catalog as a host sees it through the real component: every schema
//! is valid JSON Schema, the advertised schemas and the argument parser agree,
//! every result conforms to its output schema, and every behaviour hint matches
//! what the tool does to Daytona.

use crate::common;

mod reach;
mod tables;
mod typed;

use common::*;
use daytona_tools::catalog::Tool as Catalog;
use host_test::CallConfig;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::tools::Tool;
use host_test::harness::types::{Error, ErrorKind};
use serde_json::Value;
use std::time::{Duration, SystemTime};
use tables::*;

/// `tool` called with every property its schema advertises, each from [`SAMPLES`].
fn full_arguments(tool: &Tool) -> String {
    let schema = schema_of(tool);
    let mut args = serde_json::Map::new();
    for prop in schema["properties"].as_object().unwrap().keys() {
        let (_, _, sample) = SAMPLES
            .iter()
            .find(|(t, p, _)| *t == tool.name && p == prop)
            .unwrap_or_else(|| panic!("no sample for {}.{prop} in SAMPLES", tool.name));
        args.insert(prop.clone(), serde_json::from_str(sample).unwrap());
    }
    Value::Object(args).to_string()
}

/// An emulator with one sandbox `box` (stopped when `tool` is `start_sandbox` or
/// `archive_sandbox`, so that it does something; started otherwise, with a session
/// `work` holding one finished command) labelled `team: ai`, with a signed preview URL
/// ([`PREVIEW_TOKEN`]), the user's key `existing`, an ephemeral
/// key of ours ([`EPHEMERAL`]) and an expired one, and a guest configured with both the API
/// key and the JWT, so every tool can run. For a git tool, also [`git_fixture`].
fn setup(tool: &str) -> (Emulator, CallConfig) {
    let emu = emulator();
    if tool == "create_api_key" {
        // An hour before the expiry its arguments give, within the host's
        // default ceiling of a day for a new key.
        emu.clock()
            .set(SystemTime::UNIX_EPOCH + Duration::from_secs(EPHEMERAL_EXPIRY_SECS - 3600));
    }
    let state = if matches!(tool, "start_sandbox" | "archive_sandbox") {
        "stopped"
    } else {
        "started"
    };
    emu.add_sandbox(
        SandboxSeed::new()
            .named("box")
            .in_state(state)
            .with_labels([("team", "ai")]),
    );
    assert!(emu.add_signed_preview("box", 3000, PREVIEW_TOKEN, Duration::from_secs(3600)));
    let dir = emu.sandbox_dir("box").unwrap();
    std::fs::write(dir.join("notes.txt"), "one\ntwo\nthree\n").unwrap();
    std::fs::write(dir.join("blob.bin"), [0u8, 1, 2, 255]).unwrap();
    std::fs::create_dir_all(dir.join("dir")).unwrap();
    std::fs::write(dir.join("dir/inner.txt"), "one x\n").unwrap();
    if state == "started" {
        emu.add_session_command("box", "work", "echo ready", "ready\n", 0);
    }
    if tool.starts_with("git_") {
        git_fixture(&dir, tool);
    }
    emu.add_api_key("existing", &["write:sandboxes"], None);
    let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
    emu.add_api_key(
        EPHEMERAL,
        &["write:sandboxes"],
        Some(at(EPHEMERAL_EXPIRY_SECS)),
    );
    let expired = emu.clock().now() - Duration::from_secs(3600);
    let expired_secs = expired
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    emu.add_api_key(
        &format!("eph-old-{expired_secs}-0123456789ab"),
        &["write:sandboxes"],
        Some(at(expired_secs)),
    );
    let cfg = config(&emu)
        .clock(emu.clock())
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    (emu, cfg)
}

/// For the git tools: a bare repository `origin.git` beside the sandboxes (one commit on
/// `main`), cloned into `box` as `repo`, which also has a local branch `feature` (one more
/// commit, adding feature.txt) and an untracked `new.txt`. For `git_push` its `main` is one
/// commit ahead of the origin; for `git_pull` the origin is one commit (adding theirs.txt)
/// ahead: each then has something to do.
fn git_fixture(dir: &std::path::Path, tool: &str) {
    let root = dir.parent().unwrap();
    let bare = bare_repo(root);
    git(dir, &["clone", "--quiet", bare.to_str().unwrap(), "repo"]);
    let repo = dir.join("repo");
    git(&repo, &["checkout", "--quiet", "-b", "feature"]);
    std::fs::write(repo.join("feature.txt"), "feature\n").unwrap();
    git(&repo, &["add", "feature.txt"]);
    git(&repo, &["commit", "--quiet", "-m", "feature"]);
    git(&repo, &["checkout", "--quiet", "main"]);
    std::fs::write(repo.join("new.txt"), "new\n").unwrap();
    match tool {
        "git_push" => {
            std::fs::write(repo.join("local.txt"), "local\n").unwrap();
            git(&repo, &["add", "local.txt"]);
            git(&repo, &["commit", "--quiet", "-m", "local"]);
        }
        "git_pull" => {
            push_theirs(&root.join("seed"), "theirs.txt", "theirs\n");
        }
        _ => {}
    }
}

/// Fill in the fixture's `{user_id}` and `{command_id}`, and for the git tools
/// `{origin}` (the bare repository's path) and `{commit}` (its `main`).
fn resolve(emu: &Emulator, args: &str) -> String {
    let command_id = emu
        .sessions("box")
        .into_iter()
        .find(|(name, _)| name == "work")
        .and_then(|(_, commands)| commands.into_iter().next())
        .unwrap_or_default();
    let mut args = args
        .replace("{user_id}", &emu.user_id())
        .replace("{command_id}", &command_id);
    if args.contains("{origin}") || args.contains("{commit}") {
        let root = emu.sandbox_dir("box").unwrap();
        let bare = root.parent().unwrap().join("origin.git");
        let commit = git(&bare, &["rev-parse", "main"]);
        args = args
            .replace("{origin}", bare.to_str().unwrap())
            .replace("{commit}", &commit);
    }
    args
}

/// What `list-tools` returns under `cfg`.
async fn listed_tools(cfg: &CallConfig) -> Vec<Tool> {
    instance(cfg).await.list_tools().await.unwrap()
}

/// The names `list-tools` returns under `cfg`, in its order.
async fn listed_names(cfg: &CallConfig) -> Vec<String> {
    listed_tools(cfg)
        .await
        .into_iter()
        .map(|t| t.name)
        .collect()
}

fn schema_of(tool: &Tool) -> Value {
    serde_json::from_str(&tool.input_schema).unwrap()
}

/// Fail unless `outcome` is what `expect` says; a result must match the tool's output schema.
fn check_outcome(tool: &Tool, args: &str, outcome: &Result<Value, Error>, expect: Expect) {
    let name = &tool.name;
    match (outcome, expect) {
        (Ok(result), Expect::Ok) => {
            let output: Value =
                serde_json::from_str(tool.output_schema.as_deref().unwrap()).unwrap();
            let validator = jsonschema::draft202012::new(&output).unwrap();
            if let Err(e) = validator.validate(result) {
                panic!("{name} {args}: result does not match its output schema: {e}\n{result}");
            }
        }
        (Err(err), Expect::Err(kind)) => assert_kind(err, kind),
        (outcome, expect) => panic!("{name} {args}: expected {expect:?}, got {outcome:?}"),
    }
}

#[tokio::test]
async fn every_schema_is_valid_json_schema_2020_12_with_described_closed_objects() {
    let tools = listed_tools(&CallConfig::default()).await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    let catalog: Vec<&str> = Catalog::ALL.iter().map(|t| t.spec().name).collect();
    assert_eq!(
        names,
        catalog,
        "the component lists every tool of the catalog ({} of them), in its order",
        Catalog::ALL.len()
    );
    for tool in &tools {
        assert!(
            tool.name.len() <= 128
                && tool
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_'),
            "{}",
            tool.name
        );
        assert!(
            tool.description.len() > 80,
            "{}: a description for a model",
            tool.name
        );
        let schema = schema_of(tool);
        jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{}: {e}", tool.name));
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(schema["type"], "object");
        assert_eq!(schema["additionalProperties"], false, "{}", tool.name);
        let properties = schema["properties"].as_object().unwrap();
        for (name, prop) in properties {
            assert!(
                prop["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{}.{name}",
                tool.name
            );
        }
        for required in schema["required"].as_array().unwrap() {
            assert!(
                properties.contains_key(required.as_str().unwrap()),
                "{}",
                tool.name
            );
        }
        let output = tool
            .output_schema
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no output schema", tool.name));
        let output: Value = serde_json::from_str(output).unwrap();
        jsonschema::meta::validate(&output).unwrap_or_else(|e| panic!("{} output: {e}", tool.name));
        assert_eq!(output["type"], "object");
    }
}

#[tokio::test]
async fn the_tables_cover_every_tool_both_ways() {
    for tool in listed_tools(&CallConfig::default()).await {
        assert!(
            VALID.iter().any(|(t, _, _)| *t == tool.name),
            "no valid case for {}",
            tool.name
        );
        assert!(
            INVALID.iter().any(|(t, _)| *t == tool.name),
            "no invalid case for {}",
            tool.name
        );
    }
}

#[tokio::test]
async fn schema_and_parser_agree_on_arguments_and_results_match_output_schemas() {
    let tools = listed_tools(&CallConfig::default()).await;
    let find = |name: &str| tools.iter().find(|t| t.name == name).unwrap();
    let full: Vec<(&str, String, Expect)> = tools
        .iter()
        .map(|t| (t.name.as_str(), full_arguments(t), Expect::Ok))
        .collect();
    let rows = VALID
        .iter()
        .map(|(name, args, expect)| (*name, args.to_string(), *expect))
        .chain(full);
    for (name, args, expect) in rows {
        let tool = find(name);
        let (emu, cfg) = setup(name);
        let args = resolve(&emu, &args);
        let input: Value = serde_json::from_str(&args).unwrap();
        assert!(
            jsonschema::is_valid(&schema_of(tool), &input),
            "schema refuses valid {name} {args}"
        );
        let outcome = call(&emu, &cfg, name, &args).await;
        check_outcome(tool, &args, &outcome, expect);
        assert!(
            !emu.requests().is_empty(),
            "{name} {args} ended without asking Daytona: {outcome:?}"
        );
    }
    for (name, args) in INVALID {
        let input: Value = serde_json::from_str(args).unwrap();
        assert!(
            !jsonschema::is_valid(&schema_of(find(name)), &input),
            "schema accepts invalid {name} {args}"
        );
        let (emu, cfg) = setup(name);
        let err = call(&emu, &cfg, name, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(
            emu.requests().is_empty(),
            "{name} {args} sent a request before refusing"
        );
    }
}

/// What a test can see of Daytona's state.
#[derive(Debug, PartialEq)]
struct State {
    /// Sandboxes with their states.
    sandboxes: Vec<(String, Option<String>)>,
    /// Every sandbox's labels, as `id: key=value`.
    labels: Vec<String>,
    /// Key names.
    keys: Vec<String>,
    /// The files in sandbox `box`: each path with its content (`None` for a directory; a
    /// git repository's `.git` as its objects plus the bookkeeping records of [`tree`]).
    files: Vec<(String, Option<Vec<u8>>)>,
    /// The tokens of the signed preview URLs that work.
    previews: Vec<String>,
    /// The sessions of sandbox `box`, with their commands' IDs.
    sessions: Vec<(String, Vec<String>)>,
}

/// Every file and directory under `dir`, by path relative to it, sorted. A git
/// repository's `.git` is read by meaning rather than byte by byte (git rewrites its
/// index, reflogs and the like on its own): its objects as files, and three bookkeeping
/// records, `<repo>/.git#HEAD` (what is checked out), `#index` (`git ls-files --stage`:
/// what is staged) and `#refs` (every branch and remote-tracking ref with its commit).
fn tree(dir: &std::path::Path) -> Vec<(String, Option<Vec<u8>>)> {
    fn walk(
        root: &std::path::Path,
        at: &std::path::Path,
        out: &mut Vec<(String, Option<Vec<u8>>)>,
    ) {
        let Ok(entries) = std::fs::read_dir(at) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            if path.is_dir() && entry.file_name() == ".git" {
                let work = path.parent().unwrap();
                let head = std::fs::read(path.join("HEAD")).ok();
                let index = git(work, &["ls-files", "--stage"]);
                let refs = git(work, &["for-each-ref", "--format=%(refname) %(objectname)"]);
                out.push((format!("{name}#HEAD"), head));
                out.push((format!("{name}#index"), Some(index.into_bytes())));
                out.push((format!("{name}#refs"), Some(refs.into_bytes())));
                walk(root, &path.join("objects"), out);
            } else if path.is_dir() {
                out.push((name, None));
                walk(root, &path, out);
            } else {
                out.push((name, std::fs::read(&path).ok()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn state(emu: &Emulator) -> State {
    let mut sandboxes: Vec<_> = emu
        .sandbox_ids()
        .into_iter()
        .map(|id| {
            let state = emu.sandbox_state(&id);
            (id, state)
        })
        .collect();
    sandboxes.sort();
    let mut labels = Vec::new();
    for (id, _) in &sandboxes {
        let sandbox = emu.sandbox(id).unwrap_or_default();
        for (k, v) in sandbox["labels"].as_object().into_iter().flatten() {
            labels.push(format!("{id}: {k}={}", v.as_str().unwrap_or_default()));
        }
    }
    let mut keys: Vec<_> = emu.api_keys().into_iter().map(|k| k.name).collect();
    keys.sort();
    let files = emu.sandbox_dir("box").map(|d| tree(&d)).unwrap_or_default();
    let previews = emu
        .signed_previews()
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    State {
        sandboxes,
        labels,
        keys,
        files,
        previews,
        sessions: emu.sessions("box"),
    }
}

/// Sandboxes in `before` that `after` no longer has (or has destroying), labels, keys,
/// working preview tokens and sessions it no longer has, and files it no longer has or has
/// with other content. A repository's bookkeeping records (what is checked out, staged,
/// and where its branches point) change as git works without destroying anything; its
/// objects and work-tree files count like any file.
fn removed(before: &State, after: &State) -> Vec<String> {
    let gone_sandboxes = before.sandboxes.iter().filter(|(id, _)| {
        after
            .sandboxes
            .iter()
            .find(|(i, _)| i == id)
            .is_none_or(|(_, s)| matches!(s.as_deref(), Some("destroying" | "destroyed")))
    });
    let gone = |before: &[String], after: &[String]| -> Vec<String> {
        before
            .iter()
            .filter(|x| !after.contains(x))
            .cloned()
            .collect()
    };
    let gone_files = before
        .files
        .iter()
        .filter(|f| !after.files.contains(f) && !f.0.contains(".git#"));
    let gone_sessions = before
        .sessions
        .iter()
        .filter(|(name, _)| !after.sessions.iter().any(|(n, _)| n == name));
    gone_sandboxes
        .map(|(id, _)| id.clone())
        .chain(gone(&before.labels, &after.labels))
        .chain(gone(&before.keys, &after.keys))
        .chain(gone(&before.previews, &after.previews))
        .chain(gone_files.map(|(path, _)| path.clone()))
        .chain(gone_sessions.map(|(name, _)| format!("session {name}")))
        .collect()
}

/// Tools whose GET creates something at Daytona: `GET .../signed-preview-url` mints a new
/// token (a credential to a port) on every call.
const CREATES_ON_GET: &[&str] = &["get_preview_url"];

/// How repeating an idempotent tool's first successful call ends: as a no-op success,
/// or, for what the first call deleted, Daytona's 404.
fn repeated_outcome(tool: &str) -> Expect {
    match tool {
        "delete_sandbox"
        | "delete_api_key"
        | "delete_api_key_for_user"
        | "delete_file"
        | "delete_session" => Expect::Err(ErrorKind::NotFound),
        _ => Expect::Ok,
    }
}

#[tokio::test]
async fn every_hint_matches_what_the_tool_does() {
    let tools = listed_tools(&CallConfig::default()).await;
    for tool in &tools {
        let (_, args, _) = VALID
            .iter()
            .find(|(t, _, expect)| *t == tool.name && matches!(expect, Expect::Ok))
            .unwrap_or_else(|| panic!("no succeeding row for {}", tool.name));
        let (emu, cfg) = setup(&tool.name);
        let args = resolve(&emu, args);
        check_hints(tool, &emu, &cfg, &args).await;
    }
}

async fn check_hints(tool: &Tool, emu: &Emulator, cfg: &CallConfig, args: &str) {
    let name = &tool.name;
    let before = state(emu);
    let first = call(emu, cfg, name, args).await;
    check_outcome(tool, args, &first, Expect::Ok);
    let after_first = state(emu);
    let requests = emu.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert!(tool.open_world, "{name} reaches Daytona");
    assert!(!requests.is_empty(), "{name} sent nothing");
    // Commands and programs run: what they change is beyond what the test sees.
    let ran = requests.iter().any(|r| {
        let path = r.path_only();
        path.ends_with("/process/execute")
            || path.ends_with("/process/code-run")
            || (path.contains("/process/session/") && path.ends_with("/exec"))
    });
    let gone = removed(&before, &after_first);
    if tool.read_only {
        assert!(
            methods.iter().all(|m| *m == "GET"),
            "read-only {name} sent {methods:?}"
        );
        assert_eq!(after_first, before, "read-only {name} changed state");
    } else {
        assert!(
            methods.iter().any(|m| *m != "GET") || CREATES_ON_GET.contains(&name.as_str()),
            "{name} is not read-only but only read: {first:?}"
        );
        assert!(
            after_first != before || ran,
            "{name} is not read-only but changed nothing: {first:?}"
        );
    }
    if tool.destructive {
        assert!(
            !gone.is_empty() || ran,
            "destructive {name} neither removed nor ran anything: {methods:?}"
        );
    } else {
        assert!(
            gone.is_empty() && !methods.contains(&"DELETE"),
            "{name} is not marked destructive but removed {gone:?} ({methods:?})"
        );
    }
    if tool.idempotent {
        let again = call(emu, cfg, name, args).await;
        check_outcome(tool, args, &again, repeated_outcome(name));
        assert_eq!(
            state(emu),
            after_first,
            "idempotent {name} changed state when repeated"
        );
    }
}

#[tokio::test]
async fn daytona_tools_selects_what_list_tools_shows_and_call_tool_accepts() {
    let (emu, cfg) = setup("");
    let read_only = cfg.clone().env("DAYTONA_TOOLS", "read-only");
    let offered = listed_tools(&read_only).await;
    assert!(offered.iter().all(|t| t.read_only), "{offered:?}");
    let offered: Vec<&str> = offered.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(offered, READ_ONLY_TOOLS);
    let err = call(&emu, &read_only, "create_sandbox", "{}")
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(err.message.contains("DAYTONA_TOOLS"), "{err:?}");
    assert!(emu.requests().is_empty());
    call(&emu, &read_only, "list_sandboxes", "{}")
        .await
        .unwrap();
    // The typed exports follow the same selection (hosts such as Wassette offer them as tools).
    let mut inst = read_only_refuses(cfg.clone(), async |inst| {
        let (guest, store) = inst.sandboxes();
        guest.call_delete_sandbox(store, "box").await
    })
    .await;
    let (guest, store) = inst.sandboxes();
    assert_eq!(
        guest.call_get_sandbox(store, "box").await.succeeded().name,
        "box"
    );
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("started"));

    let trimmed = cfg
        .clone()
        .env("DAYTONA_TOOLS", "sandboxes,-delete_sandbox");
    let names: Vec<String> = listed_names(&trimmed).await;
    assert_eq!(
        names,
        [
            "list_sandboxes",
            "get_sandbox",
            "create_sandbox",
            "start_sandbox",
            "stop_sandbox",
            "archive_sandbox",
            "set_sandbox_labels",
            "execute_command",
            "list_snapshots"
        ]
    );
    let sessions = cfg.clone().env("DAYTONA_TOOLS", "sessions,-run_code");
    let names: Vec<String> = listed_names(&sessions).await;
    assert_eq!(
        names,
        [
            "create_session",
            "run_session_command",
            "get_session_command_logs",
            "delete_session",
            "list_sessions",
            "get_preview_url",
            "expire_preview_url"
        ]
    );
    emu.clear_requests();
    let err = call(
        &emu,
        &sessions,
        "run_code",
        r#"{"sandbox": "box", "code": "print(1)", "language": "python"}"#,
    )
    .await
    .unwrap_err();
    assert!(err.message.contains("DAYTONA_TOOLS"), "{err:?}");
    assert!(emu.requests().is_empty());
    let listed = call(&emu, &sessions, "list_sessions", r#"{"sandbox": "box"}"#)
        .await
        .unwrap();
    assert_eq!(listed["sessions"][0]["sessionId"], "work");

    let broken = cfg.env("DAYTONA_TOOLS", "everything");
    assert!(listed_tools(&broken).await.is_empty(), "fails closed");
    let err = call(&emu, &broken, "list_sandboxes", "{}")
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_TOOLS"));
}

/// One tool as docs/tools.md shows it.
#[derive(Debug, PartialEq)]
struct Documented {
    name: String,
    title: String,
    presets: Vec<String>,
    hints: String,
    description: String,
    arguments: Vec<String>,
    /// The "Result:" line (not compared whole: see the test).
    result: String,
}

/// docs/tools.md's summary table and sections, read back.
fn documented_tools() -> Vec<Documented> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/tools.md");
    let doc = std::fs::read_to_string(path).expect("docs/tools.md");
    let mut tools = Vec::new();
    for row in doc.lines().filter(|l| l.starts_with("| [`")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        let name = cells[0]
            .trim_start_matches("[`")
            .split('`')
            .next()
            .unwrap()
            .to_string();
        let section = doc
            .split(&format!("\n## {name}\n\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("docs/tools.md has no section for {name}"));
        let section = section.split("\n## ").next().unwrap();
        let mut paragraphs = section.split("\n\n");
        paragraphs.next(); // title, presets, hints
        let description = paragraphs.next().unwrap_or_default().replace("&lt;", "<");
        let arguments = section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .map(|l| l.split('`').next().unwrap().to_string())
            .collect();
        let result = section
            .lines()
            .find_map(|l| l.strip_prefix("Result: "))
            .unwrap_or_default()
            .to_string();
        tools.push(Documented {
            name,
            title: cells[1].to_string(),
            presets: cells[2].split(", ").map(String::from).collect(),
            hints: cells[3].to_string(),
            description,
            arguments,
            result,
        });
    }
    tools
}

/// The names in backticks outside parentheses in a "Result:" line, without `?`, sorted.
fn top_level_fields(line: &str) -> Vec<String> {
    let (mut depth, mut names) = (0, Vec::new());
    let mut parts = line.split('`');
    while let Some(outside) = parts.next() {
        depth += outside.matches('(').count();
        depth -= outside.matches(')').count();
        if let Some(name) = parts.next()
            && depth == 0
        {
            names.push(name.trim_end_matches('?').to_string());
        }
    }
    names.sort();
    names
}

/// docs/tools.md is generated from the plain-Rust catalog (a unit test in
/// daytona-tools keeps it current); this checks it against what the real
/// component lists: every tool in order, its title, description, arguments and
/// hints with no configuration, and, asked once per preset, the presets it is in.
#[tokio::test]
async fn docs_tools_md_shows_what_list_tools_returns() {
    let documented = documented_tools();
    let listed = listed_tools(&CallConfig::default()).await;
    let mut presets: Vec<String> = documented.iter().flat_map(|d| d.presets.clone()).collect();
    presets.sort();
    presets.dedup();
    let mut in_preset = std::collections::BTreeMap::new();
    for preset in &presets {
        let cfg = CallConfig::default().env("DAYTONA_TOOLS", preset);
        let names: Vec<String> = listed_names(&cfg).await;
        assert!(!names.is_empty(), "the wasm knows no preset {preset:?}");
        in_preset.insert(preset.clone(), names);
    }
    let from_wasm: Vec<Documented> = listed
        .iter()
        .map(|tool| {
            let hints: Vec<&str> = [
                ("read-only", tool.read_only),
                ("destructive", tool.destructive),
                ("idempotent", tool.idempotent),
                ("open-world", tool.open_world),
            ]
            .into_iter()
            .filter(|&(_, on)| on)
            .map(|(name, _)| name)
            .collect();
            let schema = schema_of(tool);
            let mut arguments: Vec<String> = schema["properties"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            // The doc keeps the catalog's order; the schema's object does not.
            let doc_order = documented
                .iter()
                .find(|d| d.name == tool.name)
                .map(|d| d.arguments.clone())
                .unwrap_or_default();
            arguments.sort_by_key(|a| doc_order.iter().position(|d| d == a));
            Documented {
                name: tool.name.clone(),
                title: tool.title.clone(),
                presets: presets
                    .iter()
                    .filter(|p| in_preset[*p].contains(&tool.name))
                    .cloned()
                    .collect(),
                hints: hints.join(", "),
                description: tool.description.trim().to_string(),
                arguments,
                result: documented
                    .iter()
                    .find(|d| d.name == tool.name)
                    .map(|d| d.result.clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut documented = documented;
    for d in &mut documented {
        d.presets.sort();
    }
    assert_eq!(
        from_wasm.len(),
        documented.len(),
        "docs/tools.md lists {} tools, list-tools {}",
        documented.len(),
        from_wasm.len()
    );
    for (tool, doc) in listed.iter().zip(&documented) {
        // The result line's top-level fields are the output schema's.
        let Some(output) = &tool.output_schema else {
            continue;
        };
        let output: Value = serde_json::from_str(output).unwrap();
        let mut fields: Vec<String> = output["properties"]
            .as_object()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        fields.sort();
        assert_eq!(
            top_level_fields(&doc.result),
            fields,
            "docs/tools.md's result of {}",
            tool.name
        );
    }
    for (wasm, doc) in from_wasm.iter().zip(&documented) {
        assert_eq!(
            wasm, doc,
            "docs/tools.md disagrees with list-tools; run UPDATE_DOCS=1 cargo test -p daytona-tools --lib tools_md"
        );
    }
}
