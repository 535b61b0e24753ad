//! API-key operations through the real component against the emulator: each
//! operation's success and error paths, JWT-first authentication with the
//! organization header, the API-key-only `current` route, and the plain
//! "key management needs a JWT" error when only an API key is configured.

use crate::common;

use host_test::emulator::clock::format_rfc3339;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, EmulatorOptions};
use host_test::harness::types::ErrorKind;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// Guest configuration with the JWT, its organization and the master API key,
/// on the emulator's clock.
fn jwt_config(emu: &Emulator) -> CallConfig {
    config(emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
        .clock(emu.clock())
}

/// The requests to the key routes, as (method, path).
fn key_requests(emu: &Emulator) -> Vec<(String, String)> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path_only().starts_with("/api/api-keys"))
        .map(|r| (r.method.clone(), r.path_only().to_string()))
        .collect()
}

#[tokio::test]
async fn create_list_get_and_delete_a_key_with_the_jwt() {
    let emu = emulator();
    let cfg = jwt_config(&emu);
    let expires = "2099-01-01T00:00:00+02:00";
    let created = call(
        &emu,
        &cfg,
        "create_api_key",
        &format!(r#"{{"name":"ci key","permissions":["write:sandboxes","delete:sandboxes"],"expiresAt":"{expires}"}}"#),
    )
    .await
    .unwrap();
    let stored = emu
        .api_keys()
        .into_iter()
        .find(|k| k.name == "ci key")
        .expect("created in the emulator");
    assert_eq!(
        created["value"],
        stored.value.as_str(),
        "the create answer shows the full value"
    );
    assert_eq!(stored.permissions, ["write:sandboxes", "delete:sandboxes"]);
    assert_eq!(created["expiresAt"], "2098-12-31T22:00:00.000Z");

    let post = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(
        post.header("authorization"),
        Some(format!("Bearer {}", emu.jwt()).as_str())
    );
    assert_eq!(
        post.header("x-daytona-organization-id"),
        Some(emu.organization_id().as_str())
    );
    assert_eq!(
        post.body_json().unwrap()["expiresAt"],
        "2098-12-31T22:00:00.000Z"
    );

    let listed = call(&emu, &cfg, "list_api_keys", "{}").await.unwrap();
    let keys = listed["apiKeys"].as_array().unwrap();
    let mine = keys.iter().find(|k| k["name"] == "ci key").unwrap();
    assert!(
        mine["value"].as_str().unwrap().contains("***"),
        "masked: {mine}"
    );
    assert_eq!(mine["userId"], emu.user_id().as_str());
    assert_eq!(
        mine.get("lastUsedAt"),
        Some(&serde_json::Value::Null),
        "present, and null: the key was never used"
    );
    assert!(!listed.to_string().contains(&stored.value));

    let got = call(&emu, &cfg, "get_api_key", r#"{"name":"ci key"}"#)
        .await
        .unwrap();
    assert_eq!(
        got["permissions"],
        serde_json::json!(["write:sandboxes", "delete:sandboxes"])
    );
    assert!(!got.to_string().contains(&stored.value));

    let deleted = call(&emu, &cfg, "delete_api_key", r#"{"name":"ci key"}"#)
        .await
        .unwrap();
    assert_eq!(deleted["deleted"], "ci key");
    assert!(emu.api_keys().iter().all(|k| k.name != "ci key"));
    assert!(key_requests(&emu).contains(&("DELETE".into(), "/api/api-keys/ci%20key".into())));

    let err = call(&emu, &cfg, "get_api_key", r#"{"name":"ci key"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
    assert!(
        err.hint.as_deref().unwrap().contains("list_api_keys"),
        "{err:?}"
    );
    let err = call(&emu, &cfg, "delete_api_key", r#"{"name":"ci key"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
}

#[tokio::test]
async fn the_typed_interface_creates_lists_and_deletes() {
    let emu = emulator();
    let cfg = jwt_config(&emu);
    let mut inst = instance(&cfg).await;
    let keys = inst.bindings.daytona_tools_api_keys();
    let perms = vec!["write:snapshots".to_string()];
    let created = keys
        .call_create_api_key(&mut inst.store, "typed", &perms, None)
        .await
        .unwrap()
        .unwrap();
    assert!(created.value.starts_with("dtn_"));
    assert_eq!(created.expires_at, None);
    let listed = keys
        .call_list_api_keys(&mut inst.store)
        .await
        .unwrap()
        .unwrap();
    let typed = listed.iter().find(|k| k.name == "typed").unwrap();
    assert_ne!(typed.value, created.value);
    assert_eq!(typed.user_id.as_deref(), Some(emu.user_id().as_str()));
    let got = keys
        .call_get_api_key(&mut inst.store, "typed")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.permissions, perms);
    keys.call_delete_api_key(&mut inst.store, "typed")
        .await
        .unwrap()
        .unwrap();
    let err = keys
        .call_delete_api_key(&mut inst.store, "typed")
        .await
        .unwrap()
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
    let shown = format!("{listed:?}{}", inst.output());
    assert_no_secrets(&emu, &shown);
    assert!(!shown.contains(&created.value));
}

#[tokio::test]
async fn bad_permissions_names_and_expiries_are_refused_before_sending() {
    let emu = emulator();
    let cfg = jwt_config(&emu);
    for args in [
        r#"{"name":"k","permissions":["write:everything"]}"#,
        r#"{"name":"k","permissions":[]}"#,
        r#"{"name":"k"}"#,
        r#"{"name":"","permissions":["read:volumes"]}"#,
        r#"{"name":"a/b","permissions":["read:volumes"]}"#,
        r#"{"name":"current","permissions":["read:volumes"]}"#,
        r#"{"name":"eph-agent-4102444800-000000000abc","permissions":["read:volumes"]}"#,
        r#"{"name":"k","permissions":["read:volumes"],"expiresAt":"next week"}"#,
        r#"{"name":"k","permissions":["read:volumes"],"expiresAt":"2020-01-01T00:00:00Z"}"#,
    ] {
        let err = call(&emu, &cfg, "create_api_key", args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    let err = call(&emu, &cfg, "delete_api_key_for_user", r#"{"name":"k"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(
        key_requests(&emu).is_empty(),
        "nothing was sent: {:?}",
        key_requests(&emu)
    );
}

#[tokio::test]
async fn a_taken_name_is_a_conflict() {
    let emu = emulator();
    emu.add_api_key("taken", &["write:sandboxes"], None);
    let cfg = jwt_config(&emu);
    let err = call(
        &emu,
        &cfg,
        "create_api_key",
        r#"{"name":"taken","permissions":["write:sandboxes"]}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Conflict);
    assert_eq!(err.status, Some(409));
    assert!(
        err.hint.as_deref().unwrap().contains("another name"),
        "{err:?}"
    );
}

#[tokio::test]
async fn permissions_the_user_lacks_are_forbidden_with_a_hint() {
    let emu = emulator();
    emu.set_user_permissions(Some(&["write:sandboxes"]));
    let cfg = jwt_config(&emu);
    let err = call(
        &emu,
        &cfg,
        "create_api_key",
        r#"{"name":"k","permissions":["delete:sandboxes"]}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Forbidden);
    assert!(err.message.contains("delete:sandboxes"), "{err:?}");
    assert!(
        err.hint
            .as_deref()
            .unwrap()
            .contains("permissions its creator has"),
        "{err:?}"
    );
}

#[tokio::test]
async fn get_current_api_key_authenticates_with_the_api_key_only() {
    let emu = emulator();
    let cfg = jwt_config(&emu);
    let current = call(&emu, &cfg, "get_current_api_key", "{}").await.unwrap();
    let master = &emu.api_keys()[0];
    assert_eq!(current["name"], master.name.as_str());
    let req = emu
        .requests()
        .into_iter()
        .find(|r| r.path_only() == "/api/api-keys/current")
        .unwrap();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {}", emu.api_key()).as_str())
    );

    let jwt_only = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
        .allow(emu.addr().to_string());
    let err = call(&emu, &jwt_only, "get_current_api_key", "{}")
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_API_KEY"), "{err:?}");
}

#[tokio::test]
async fn without_a_jwt_key_management_says_which_variables_to_set() {
    let emu = emulator();
    let cfg = config(&emu);
    for (tool, args) in [
        ("list_api_keys", "{}"),
        ("get_api_key", r#"{"name":"x"}"#),
        (
            "create_api_key",
            r#"{"name":"x","permissions":["read:volumes"]}"#,
        ),
        ("delete_api_key", r#"{"name":"x"}"#),
        ("mint_ephemeral_key", "{}"),
        ("revoke_expired_keys", "{}"),
    ] {
        let err = call(&emu, &cfg, tool, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::Unauthorized);
        assert!(err.message.contains("needs a JWT"), "{tool}: {err:?}");
        let hint = err.hint.as_deref().unwrap();
        assert!(
            hint.contains("DAYTONA_JWT_TOKEN") && hint.contains("DAYTONA_ORGANIZATION_ID"),
            "{tool}: {hint}"
        );
    }
    // The API key went, since it was all there was; no JWT was invented.
    let req = emu
        .requests()
        .into_iter()
        .find(|r| r.path_only() == "/api/api-keys")
        .unwrap();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {}", emu.api_key()).as_str())
    );
    assert_eq!(req.header("x-daytona-organization-id"), None);
}

#[tokio::test]
async fn a_server_from_before_april_2026_accepts_the_api_key_fallback() {
    let emu = Emulator::start(EmulatorOptions {
        allow_api_key_management: true,
        ..Default::default()
    })
    .unwrap();
    let listed = call(&emu, &config(&emu), "list_api_keys", "{}")
        .await
        .unwrap();
    let names: Vec<&str> = listed["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["emulator-master"]);
}

#[tokio::test]
async fn delete_api_key_for_user_removes_that_users_key() {
    let emu = emulator();
    emu.add_api_key("theirs", &["write:sandboxes"], None);
    let cfg = jwt_config(&emu);
    let args = format!(r#"{{"userId":"{}","name":"theirs"}}"#, emu.user_id());
    let out = call(&emu, &cfg, "delete_api_key_for_user", &args)
        .await
        .unwrap();
    assert_eq!(out["deleted"], "theirs");
    assert!(emu.api_keys().iter().all(|k| k.name != "theirs"));
    assert!(key_requests(&emu).contains(&(
        "DELETE".into(),
        format!("/api/api-keys/{}/theirs", emu.user_id())
    )));
    let err = call(&emu, &cfg, "delete_api_key_for_user", &args)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
}

#[tokio::test]
async fn a_created_key_with_an_expiry_stops_working_when_daytona_says() {
    let emu = emulator();
    // Only the test moves time: the key cannot expire before it is first used.
    emu.clock().freeze();
    let cfg = jwt_config(&emu);
    let expires = emu.clock().now() + Duration::from_secs(120);
    let secs = expires
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires_at = format_rfc3339(secs as i64 * 1000);
    let created = call(
        &emu,
        &cfg,
        "create_api_key",
        &format!(
            r#"{{"name":"short","permissions":["write:sandboxes"],"expiresAt":"{expires_at}"}}"#
        ),
    )
    .await
    .unwrap();
    let value = created["value"].as_str().unwrap().to_string();
    let as_key = CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", &value)
        .allow(emu.addr().to_string());
    let mut inst = instance(&as_key).await;
    inst.call_tool("list_sandboxes", "{}")
        .await
        .unwrap()
        .expect("the new key works");
    emu.clock().advance(Duration::from_secs(119));
    let mut inst = instance(&as_key).await;
    inst.call_tool("list_sandboxes", "{}")
        .await
        .unwrap()
        .expect("a second before its expiry the key still works");
    emu.clock().advance(Duration::from_secs(1));
    let mut inst = instance(&as_key).await;
    let err = inst
        .call_tool("list_sandboxes", "{}")
        .await
        .unwrap()
        .unwrap_err();
    assert_kind(&err, ErrorKind::Unauthorized);
    assert!(!format!("{err:?}{}", inst.output()).contains(&value));
}

#[tokio::test]
async fn list_tools_offers_the_key_tools_with_their_hints() {
    let mut inst = instance(&CallConfig::default()).await;
    let tools = inst.list_tools().await.unwrap();
    let hints = |name: &str| {
        let t = tools
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} is offered"));
        (t.read_only, t.destructive, t.idempotent, t.open_world)
    };
    assert_eq!(hints("create_api_key"), (false, false, false, true));
    for read in [
        "list_api_keys",
        "get_current_api_key",
        "get_api_key",
        "list_ephemeral_keys",
    ] {
        assert_eq!(hints(read), (true, false, true, true), "{read}");
    }
    for delete in [
        "delete_api_key",
        "delete_api_key_for_user",
        "revoke_ephemeral_key",
        "revoke_expired_keys",
    ] {
        assert_eq!(hints(delete), (false, true, true, true), "{delete}");
    }
    assert_eq!(hints("mint_ephemeral_key"), (false, false, false, true));
    let mint = tools
        .iter()
        .find(|t| t.name == "mint_ephemeral_key")
        .unwrap();
    let schema: Value = serde_json::from_str(&mint.input_schema).unwrap();
    assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["minimum"], 60);
    assert!(mint.description.contains("daytona:workspaces:read"));
}
