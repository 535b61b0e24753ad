//! Sandbox tools through the real component, in the wasmtime harness, against the emulator.

use crate::common;

use common::*;
use host_test::emulator::{Emulator, EmulatorOptions, SandboxSeed};
use host_test::harness::sandboxes::ListSandboxesRequest;
use host_test::harness::types::ErrorKind;

fn no_filter() -> ListSandboxesRequest {
    ListSandboxesRequest {
        name: None,
        labels: vec![],
        states: vec![],
        limit: None,
    }
}

#[tokio::test]
async fn list_sandboxes_returns_every_sandbox_in_both_interfaces() {
    let emu = emulator();
    let a = emu.add_sandbox(SandboxSeed::new().named("alpha"));
    let b = emu.add_sandbox(SandboxSeed::new().named("beta"));
    let cfg = config(&emu);

    let json = call(&emu, &cfg, "list_sandboxes", "{}").await.unwrap();
    let mut ids: Vec<_> = json["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    let mut want = vec![a.clone(), b.clone()];
    want.sort();
    assert_eq!(ids, want);
    assert_eq!(json["sandboxes"][0]["state"], "started");
    assert!(
        json["sandboxes"][0]["organizationId"].is_string(),
        "camelCase names: {json}"
    );

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest
        .call_list_sandboxes(store, &no_filter())
        .await
        .succeeded();
    assert_eq!(typed.len(), 2);
    assert!(typed.iter().any(|s| s.name == "alpha" && s.id == a));
}

#[tokio::test]
async fn list_follows_cursor_pages_to_the_end_and_stops_at_limit() {
    let emu = Emulator::start(EmulatorOptions {
        page_size_cap: Some(2),
        ..Default::default()
    })
    .unwrap();
    for i in 0..5 {
        emu.add_sandbox(SandboxSeed::new().named(&format!("box-{i}")));
    }
    let cfg = config(&emu);
    let all = call(&emu, &cfg, "list_sandboxes", "{}").await.unwrap();
    assert_eq!(all["sandboxes"].as_array().unwrap().len(), 5);
    let pages: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/api/sandbox?"))
        .collect();
    assert_eq!(pages.len(), 3, "5 sandboxes in pages of 2: {pages:?}");
    assert!(pages[1].path.contains("cursor="));

    let limited = call(&emu, &cfg, "list_sandboxes", r#"{"limit": 3}"#)
        .await
        .unwrap();
    assert_eq!(limited["sandboxes"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn list_filters_by_labels_name_and_state() {
    let emu = emulator();
    emu.add_sandbox(
        SandboxSeed::new()
            .named("web-1")
            .with_labels([("team", "web")]),
    );
    emu.add_sandbox(
        SandboxSeed::new()
            .named("ml-1")
            .with_labels([("team", "ml")]),
    );
    emu.add_sandbox(
        SandboxSeed::new()
            .named("ml-2")
            .with_labels([("team", "ml")])
            .in_state("stopped"),
    );
    let cfg = config(&emu);

    let by_label = call(
        &emu,
        &cfg,
        "list_sandboxes",
        r#"{"labels": {"team": "ml"}}"#,
    )
    .await
    .unwrap();
    assert_eq!(by_label["sandboxes"].as_array().unwrap().len(), 2);
    let by_name = call(&emu, &cfg, "list_sandboxes", r#"{"name": "web"}"#)
        .await
        .unwrap();
    assert_eq!(by_name["sandboxes"][0]["name"], "web-1");
    let stopped = call(&emu, &cfg, "list_sandboxes", r#"{"states": ["stopped"]}"#)
        .await
        .unwrap();
    let names: Vec<_> = stopped["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, ["ml-2"]);
}

#[tokio::test]
async fn get_sandbox_by_id_or_name() {
    let emu = emulator();
    let id = emu.add_sandbox(SandboxSeed::new().named("dev"));
    let cfg = config(&emu);
    let by_name = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "dev"}"#)
        .await
        .unwrap();
    assert_eq!(by_name["id"], id.as_str());
    let by_id = call(
        &emu,
        &cfg,
        "get_sandbox",
        &format!(r#"{{"sandbox": "{id}"}}"#),
    )
    .await
    .unwrap();
    assert_eq!(by_id["name"], "dev");

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest.call_get_sandbox(store, "dev").await.succeeded();
    assert_eq!(typed.id, id);
    assert_eq!(typed.state, "started");
}

#[tokio::test]
async fn missing_sandbox_is_not_found_with_a_hint() {
    let emu = emulator();
    let cfg = config(&emu);
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "ghost"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
    assert_eq!(err.status, Some(404));
    assert!(
        err.hint.as_deref().unwrap().contains("list_sandboxes"),
        "{err:?}"
    );

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest.call_get_sandbox(store, "ghost").await.failed();
    assert_kind(&typed, ErrorKind::NotFound);
}

#[tokio::test]
async fn wrong_api_key_is_unauthorized_and_never_echoed() {
    let emu = emulator();
    let wrong = "dtn_0000000000000000000000000000000000000000000000000000000000000bad";
    let cfg = config(&emu).env("DAYTONA_API_KEY", wrong);
    let mut inst = instance(&cfg).await;
    let err = inst.call_tool("list_sandboxes", "{}").await.failed();
    assert_kind(&err, ErrorKind::Unauthorized);
    assert_eq!(err.status, Some(401));
    let shown = format!("{err:?}{}", inst.output());
    assert!(!shown.contains(wrong), "{shown}");
}

#[tokio::test]
async fn a_host_outside_the_allowlist_is_refused() {
    let emu = emulator();
    let mut cfg = config(&emu);
    cfg.allowed_hosts = vec!["app.daytona.io".into()];
    let mut inst = instance(&cfg).await;
    let err = inst.call_tool("list_sandboxes", "{}").await.failed();
    assert_kind(&err, ErrorKind::Transport);
    assert!(err.message.contains("denied"), "{err:?}");
    assert!(!err.retryable);
    assert_eq!(inst.denied(), vec![emu.addr().to_string()]);
    assert!(emu.requests().is_empty(), "nothing reached the emulator");
}

#[tokio::test]
async fn missing_configuration_names_the_variable_and_sends_nothing() {
    let emu = emulator();
    let cfg = host_test::CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .allow(emu.addr().to_string());
    let err = call(&emu, &cfg, "list_sandboxes", "{}").await.unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_API_KEY"), "{err:?}");
    assert!(emu.requests().is_empty());

    let bad_url = config(&emu).env("DAYTONA_API_URL", "not a url");
    let err = call(&emu, &bad_url, "get_sandbox", r#"{"sandbox":"x"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_API_URL"));
}

#[tokio::test]
async fn bad_arguments_are_invalid_input_before_any_request() {
    let emu = emulator();
    let cfg = config(&emu);
    for (tool, args) in [
        ("list_sandboxes", r#"{"limit": 0}"#),
        ("list_sandboxes", r#"{"states": ["runing"]}"#),
        ("list_sandboxes", r#"{"unknown": 1}"#),
        ("get_sandbox", "{}"),
        ("get_sandbox", "not json"),
    ] {
        let err = call(&emu, &cfg, tool, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    let err = call(&emu, &cfg, "no_such_tool", "{}").await.unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(emu.requests().is_empty());
}

#[tokio::test]
async fn list_tools_offers_only_implemented_tools_with_object_schemas() {
    let mut inst = instance(&host_test::CallConfig::default()).await;
    let tools = inst.list_tools().await.unwrap();
    let names: Vec<_> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "list_sandboxes",
            "get_sandbox",
            "create_sandbox",
            "delete_sandbox",
            "start_sandbox",
            "stop_sandbox",
            "archive_sandbox",
            "set_sandbox_labels",
            "execute_command",
            "list_snapshots",
            "list_files",
            "read_file",
            "write_file",
            "download_file",
            "delete_file",
            "move_file",
            "create_folder",
            "get_file_info",
            "find_in_files",
            "search_files",
            "replace_in_files",
            "git_clone",
            "git_status",
            "git_add",
            "git_commit",
            "git_push",
            "git_pull",
            "git_branches",
            "git_create_branch",
            "git_checkout",
            "git_log",
            "create_session",
            "run_session_command",
            "get_session_command_logs",
            "delete_session",
            "list_sessions",
            "run_code",
            "get_preview_url",
            "expire_preview_url",
            "create_api_key",
            "list_api_keys",
            "get_current_api_key",
            "get_api_key",
            "delete_api_key",
            "delete_api_key_for_user",
            "mint_ephemeral_key",
            "revoke_ephemeral_key",
            "list_ephemeral_keys",
            "revoke_expired_keys"
        ]
    );
    for tool in &tools {
        let schema: serde_json::Value = serde_json::from_str(&tool.input_schema).unwrap();
        assert_eq!(schema["type"], "object", "{}", tool.name);
        assert_eq!(schema["additionalProperties"], false);
    }
}
