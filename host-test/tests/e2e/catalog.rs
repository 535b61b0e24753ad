//! The tool catalog as a host sees it through the real component: every schema
//! is valid JSON Schema, the advertised schemas and the argument parser agree,
//! every result conforms to its output schema, and every behaviour hint matches
//! what the tool does to Daytona.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::tools::Tool;
use host_test::harness::types::ErrorKind;
use serde_json::Value;

/// Each tool with arguments its schema accepts.
const VALID: &[(&str, &str)] = &[
    ("list_sandboxes", "{}"),
    (
        "list_sandboxes",
        r#"{"name": "bo", "labels": {"a": "b"}, "states": ["started"], "limit": 2}"#,
    ),
    ("get_sandbox", r#"{"sandbox": "box"}"#),
    (
        "create_sandbox",
        r#"{"name": "new1", "env": {"A_1": "x"}, "labels": {"k": "v"}, "autoStopInterval": 0, "timeout": 30}"#,
    ),
    (
        "create_sandbox",
        r#"{"cpu": 2, "memory": 4, "disk": 10, "public": false, "networkBlockAll": true}"#,
    ),
    ("delete_sandbox", r#"{"sandbox": "box"}"#),
    ("start_sandbox", r#"{"sandbox": "box", "timeout": 5}"#),
    (
        "stop_sandbox",
        r#"{"sandbox": "box", "force": true, "timeout": 5}"#,
    ),
    (
        "execute_command",
        r#"{"sandbox": "box", "command": "true", "cwd": "/tmp", "env": {"X": "1"}, "timeout": 5}"#,
    ),
    ("list_snapshots", r#"{"name": "daytona", "limit": 1}"#),
    (
        "create_api_key",
        r#"{"name": "k1", "permissions": ["write:sandboxes"], "expiresAt": "2030-01-01T00:00:00Z"}"#,
    ),
    ("list_api_keys", "{}"),
    ("get_current_api_key", "{}"),
    ("get_api_key", r#"{"name": "someone-elses"}"#),
    ("delete_api_key", r#"{"name": "gone"}"#),
    (
        "delete_api_key_for_user",
        r#"{"userId": "u1", "name": "gone"}"#,
    ),
    ("mint_ephemeral_key", "{}"),
    (
        "mint_ephemeral_key",
        r#"{"scope": "daytona:workspaces:read", "ttl": "1h30m", "holder": "ci"}"#,
    ),
    ("mint_ephemeral_key", r#"{"ttl": 60}"#),
    (
        "revoke_ephemeral_key",
        r#"{"name": "eph-ci-1893456000-0123456789ab"}"#,
    ),
    ("list_ephemeral_keys", "{}"),
    ("revoke_expired_keys", "{}"),
];

/// Each tool with arguments its schema refuses.
const INVALID: &[(&str, &str)] = &[
    ("list_sandboxes", r#"{"limit": 0}"#),
    ("list_sandboxes", r#"{"states": ["runing"]}"#),
    ("list_sandboxes", r#"{"labels": {"a": 1}}"#),
    ("list_sandboxes", r#"{"colour": "red"}"#),
    ("get_sandbox", "{}"),
    ("get_sandbox", r#"{"sandbox": ""}"#),
    ("get_sandbox", r#"{"sandbox": 5}"#),
    ("create_sandbox", r#"{"autoStopInterval": -1}"#),
    ("create_sandbox", r#"{"timeout": -1}"#),
    ("create_sandbox", r#"{"env": {"1X": "a"}}"#),
    ("create_sandbox", r#"{"cpu": 0}"#),
    ("create_sandbox", r#"{"public": "yes"}"#),
    ("delete_sandbox", r#"{"sandbox": null}"#),
    ("delete_sandbox", r#"{"sandbox": "box", "force": true}"#),
    ("start_sandbox", r#"{"sandbox": "box", "timeout": 3601}"#),
    ("stop_sandbox", r#"{"sandbox": "box", "force": "yes"}"#),
    ("execute_command", r#"{"sandbox": "box"}"#),
    (
        "execute_command",
        r#"{"sandbox": "box", "command": "true", "timeout": 0}"#,
    ),
    (
        "execute_command",
        r#"{"sandbox": "box", "command": "true", "env": {"A-B": "x"}}"#,
    ),
    ("list_snapshots", r#"{"limit": 0}"#),
    (
        "create_api_key",
        r#"{"name": "k", "permissions": ["write:everything"]}"#,
    ),
    ("create_api_key", r#"{"permissions": ["write:sandboxes"]}"#),
    ("list_api_keys", r#"{"name": "x"}"#),
    ("get_current_api_key", r#"{"verbose": true}"#),
    ("get_api_key", "{}"),
    ("delete_api_key", r#"{"name": 3}"#),
    ("delete_api_key_for_user", r#"{"name": "n"}"#),
    ("mint_ephemeral_key", r#"{"ttl": 59}"#),
    ("mint_ephemeral_key", r#"{"ttl": 90000}"#),
    ("mint_ephemeral_key", r#"{"ttl": "ten minutes"}"#),
    ("mint_ephemeral_key", r#"{"holder": ""}"#),
    ("revoke_ephemeral_key", "{}"),
    ("list_ephemeral_keys", r#"{"all": true}"#),
    ("revoke_expired_keys", r#"{"dryRun": true}"#),
];

/// An emulator with one started sandbox `box`, and a guest configured with
/// both the API key and the JWT, so every tool can run.
fn setup() -> (Emulator, CallConfig) {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("box"));
    let cfg = config(&emu)
        .clock(emu.clock())
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    (emu, cfg)
}

async fn listed_tools() -> Vec<Tool> {
    instance(&CallConfig::default())
        .await
        .list_tools()
        .await
        .unwrap()
}

fn schema_of(tool: &Tool) -> Value {
    serde_json::from_str(&tool.input_schema).unwrap()
}

#[tokio::test]
async fn every_schema_is_valid_json_schema_2020_12_with_described_closed_objects() {
    let tools = listed_tools().await;
    assert_eq!(tools.len(), 18, "the eight sandbox tools and ten key tools");
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
    for tool in listed_tools().await {
        assert!(
            VALID.iter().any(|(t, _)| *t == tool.name),
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
    let tools = listed_tools().await;
    let find = |name: &str| tools.iter().find(|t| t.name == name).unwrap();
    for (name, args) in VALID {
        let tool = find(name);
        let input: Value = serde_json::from_str(args).unwrap();
        assert!(
            jsonschema::is_valid(&schema_of(tool), &input),
            "schema refuses valid {name} {args}"
        );
        let (emu, cfg) = setup();
        match call(&emu, &cfg, name, args).await {
            Ok(result) => {
                let output: Value =
                    serde_json::from_str(tool.output_schema.as_deref().unwrap()).unwrap();
                let validator = jsonschema::draft202012::new(&output).unwrap();
                if let Err(e) = validator.validate(&result) {
                    panic!("{name} {args}: result does not match its output schema: {e}\n{result}");
                }
            }
            // Daytona may refuse it (e.g. a missing key), but only after it was sent.
            Err(err) => assert!(
                !emu.requests().is_empty(),
                "parser refuses schema-valid {name} {args}: {err:?}"
            ),
        }
    }
    for (name, args) in INVALID {
        let input: Value = serde_json::from_str(args).unwrap();
        assert!(
            !jsonschema::is_valid(&schema_of(find(name)), &input),
            "schema accepts invalid {name} {args}"
        );
        let (emu, cfg) = setup();
        let err = call(&emu, &cfg, name, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(
            emu.requests().is_empty(),
            "{name} {args} sent a request before refusing"
        );
    }
}

/// What a test can see of Daytona's state: sandboxes with their states, and key names.
fn state(emu: &Emulator) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let mut sandboxes: Vec<_> = emu
        .sandbox_ids()
        .into_iter()
        .map(|id| {
            let state = emu.sandbox_state(&id);
            (id, state)
        })
        .collect();
    sandboxes.sort();
    let mut keys: Vec<_> = emu.api_keys().into_iter().map(|k| k.name).collect();
    keys.sort();
    (sandboxes, keys)
}

#[tokio::test]
async fn every_hint_matches_what_the_tool_does() {
    let tools = listed_tools().await;
    for tool in &tools {
        let args = VALID.iter().find(|(t, _)| *t == tool.name).unwrap().1;
        let (emu, cfg) = setup();
        // Give the revoking tools a key of ours to act on.
        let minted = call(&emu, &cfg, "mint_ephemeral_key", "{}").await.unwrap();
        let minted = minted["name"].as_str().unwrap().to_string();
        let args = match tool.name.as_str() {
            "revoke_ephemeral_key" => format!(r#"{{"name": "{minted}"}}"#),
            "start_sandbox" => {
                call(&emu, &cfg, "stop_sandbox", r#"{"sandbox": "box"}"#)
                    .await
                    .unwrap();
                args.to_string()
            }
            "revoke_expired_keys" => {
                emu.clock().advance(std::time::Duration::from_secs(3600));
                args.to_string()
            }
            _ => args.to_string(),
        };
        emu.clear_requests();
        check_hints(tool, &emu, &cfg, &args).await;
    }
}

async fn check_hints(tool: &Tool, emu: &Emulator, cfg: &CallConfig, args: &str) {
    let name = &tool.name;
    let before = state(emu);
    let first = call(emu, cfg, name, args).await;
    let requests = emu.requests();
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert!(
        tool.open_world && !requests.is_empty(),
        "{name} reaches Daytona"
    );
    if tool.read_only {
        assert!(
            methods.iter().all(|m| *m == "GET"),
            "read-only {name} sent {methods:?}"
        );
        assert_eq!(state(emu), before, "read-only {name} changed state");
    } else {
        assert!(
            methods.iter().any(|m| *m != "GET"),
            "{name} is not read-only but only read: {first:?}"
        );
    }
    let deletes = methods.contains(&"DELETE");
    let runs = requests
        .iter()
        .any(|r| r.path_only().ends_with("/process/execute"));
    if tool.destructive {
        assert!(
            deletes || runs,
            "destructive {name} neither deleted nor ran anything"
        );
    } else {
        assert!(!deletes, "{name} is not marked destructive but deleted");
    }
    if tool.idempotent {
        let after_first = state(emu);
        let _ = call(emu, cfg, name, args).await;
        assert_eq!(
            state(emu),
            after_first,
            "idempotent {name} changed state when repeated"
        );
    }
}

#[tokio::test]
async fn daytona_tools_selects_what_list_tools_shows_and_call_tool_accepts() {
    let (emu, cfg) = setup();
    let read_only = cfg.clone().env("DAYTONA_TOOLS", "read-only");
    let mut inst = instance(&read_only).await;
    let offered = inst.list_tools().await.unwrap();
    assert!(
        !offered.is_empty() && offered.iter().all(|t| t.read_only),
        "{offered:?}"
    );
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
    let mut inst = instance(&read_only).await;
    let (guest, store) = inst.sandboxes();
    let refused = guest
        .call_delete_sandbox(&mut *store, "box")
        .await
        .unwrap()
        .unwrap_err();
    assert_kind(&refused, ErrorKind::InvalidInput);
    assert!(refused.message.contains("DAYTONA_TOOLS"));
    let (guest, store) = inst.sandboxes();
    assert_eq!(
        guest
            .call_get_sandbox(store, "box")
            .await
            .unwrap()
            .unwrap()
            .name,
        "box"
    );
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("started"));

    let trimmed = cfg
        .clone()
        .env("DAYTONA_TOOLS", "sandboxes,-delete_sandbox");
    let names: Vec<String> = instance(&trimmed)
        .await
        .list_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n == "delete_sandbox" || n.contains("key"))
    );

    let broken = cfg.env("DAYTONA_TOOLS", "everything");
    assert!(
        instance(&broken)
            .await
            .list_tools()
            .await
            .unwrap()
            .is_empty(),
        "fails closed"
    );
    let err = call(&emu, &broken, "list_sandboxes", "{}")
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_TOOLS"));
}
