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
    // An hour before the expiry below: within the host's default ceiling of a day.
    emu.clock()
        .set(SystemTime::UNIX_EPOCH + Duration::from_secs(4_070_898_000));
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
    let perms = vec!["delete:sandboxes".to_string()];
    let created = keys
        .call_create_api_key(&mut inst.store, "typed", &perms, None)
        .await
        .succeeded();
    assert!(created.value.starts_with("dtn_"));
    assert!(created.expires_at.is_some(), "the ceiling's lifetime");
    let listed = keys.call_list_api_keys(&mut inst.store).await.succeeded();
    let typed = listed.iter().find(|k| k.name == "typed").unwrap();
    assert_ne!(typed.value, created.value);
    assert_eq!(typed.user_id.as_deref(), Some(emu.user_id().as_str()));
    let got = keys
        .call_get_api_key(&mut inst.store, "typed")
        .await
        .succeeded();
    assert_eq!(got.permissions, perms);
    keys.call_delete_api_key(&mut inst.store, "typed")
        .await
        .succeeded();
    let err = keys
        .call_delete_api_key(&mut inst.store, "typed")
        .await
        .failed();
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
    let err = inst.call_tool("list_sandboxes", "{}").await.failed();
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

/// The audit lines in an instance's output.
fn audit_lines(output: &str) -> Vec<Value> {
    output
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v.get("event").is_some() && v.get("ts").is_some())
        .collect()
}

/// POSTs that reached the key routes.
fn posts(emu: &Emulator) -> usize {
    key_requests(emu)
        .iter()
        .filter(|(m, p)| m == "POST" && p == "/api/api-keys")
        .count()
}

/// `t` in RFC 3339, as the component writes it.
fn rfc3339(t: SystemTime) -> String {
    format_rfc3339(
        t.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    )
}

#[tokio::test]
async fn create_api_key_above_the_mint_ceiling_is_forbidden_and_sends_nothing() {
    let emu = emulator();
    let cfg = jwt_config(&emu).env("DAYTONA_MINT_SCOPES", "daytona:workspaces:read");
    let err = call(
        &emu,
        &cfg,
        "create_api_key",
        r#"{"name":"x","permissions":["write:sandboxes","write:runners","write:regions"]}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Forbidden);
    assert!(
        err.message.contains("DAYTONA_MINT_SCOPES")
            && err.message.contains("daytona:workspaces:read")
            && err.message.contains("allows read:volumes"),
        "{err:?}"
    );
    assert_eq!(
        posts(&emu),
        0,
        "no POST /api-keys: {:?}",
        key_requests(&emu)
    );
    assert!(emu.api_keys().iter().all(|k| k.name != "x"));

    // The organization scopes give the workspaces permissions, not the org's administration.
    let org = jwt_config(&emu).env("DAYTONA_MINT_SCOPES", "daytona:org:*");
    for admin in [
        "write:runners",
        "write:regions",
        "write:registries",
        "read:audit_logs",
    ] {
        let args = format!(r#"{{"name":"x","permissions":["{admin}"]}}"#);
        let err = call(&emu, &org, "create_api_key", &args).await.unwrap_err();
        assert_kind(&err, ErrorKind::Forbidden);
    }
    assert_eq!(posts(&emu), 0);
}

#[tokio::test]
async fn create_api_key_lives_at_most_the_max_ttl_and_gets_it_when_no_expiry_is_given() {
    let emu = emulator();
    emu.clock().freeze();
    let cfg = jwt_config(&emu).env("DAYTONA_MINT_MAX_TTL", "1h");
    let limit = emu.clock().now() + Duration::from_secs(3600);
    let beyond = rfc3339(limit + Duration::from_secs(1));
    let err = call(
        &emu,
        &cfg,
        "create_api_key",
        &format!(r#"{{"name":"long","permissions":["read:volumes"],"expiresAt":"{beyond}"}}"#),
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Forbidden);
    assert!(
        err.message.contains("DAYTONA_MINT_MAX_TTL") && err.message.contains("1h"),
        "{err:?}"
    );
    assert_eq!(posts(&emu), 0);
    assert!(emu.api_keys().iter().all(|k| k.name != "long"));

    // Left out, the expiry is the ceiling's, and the answer says so.
    let created = call(
        &emu,
        &cfg,
        "create_api_key",
        r#"{"name":"default","permissions":["write:sandboxes"]}"#,
    )
    .await
    .unwrap();
    assert_eq!(created["expiresAt"], rfc3339(limit).as_str());
    let stored = emu
        .api_keys()
        .into_iter()
        .find(|k| k.name == "default")
        .unwrap();
    assert_eq!(stored.expires_at, Some(limit));
    // At the limit exactly is within it.
    let at = rfc3339(limit);
    call(
        &emu,
        &cfg,
        "create_api_key",
        &format!(r#"{{"name":"edge","permissions":["read:volumes"],"expiresAt":"{at}"}}"#),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn key_admin_unbounded_lifts_the_bounds_and_a_bad_value_is_a_config_error() {
    let emu = emulator();
    let cfg = jwt_config(&emu)
        .env("DAYTONA_MINT_SCOPES", "daytona:workspaces:read")
        .env("DAYTONA_KEY_ADMIN", "unbounded");
    let created = call(
        &emu,
        &cfg,
        "create_api_key",
        r#"{"name":"admin","permissions":["write:runners","write:regions"]}"#,
    )
    .await
    .unwrap();
    assert_eq!(created["expiresAt"], Value::Null, "never expires, as asked");
    let stored = emu
        .api_keys()
        .into_iter()
        .find(|k| k.name == "admin")
        .unwrap();
    assert_eq!(stored.permissions, ["write:runners", "write:regions"]);
    assert_eq!(stored.expires_at, None);

    emu.clear_requests();
    let bad = jwt_config(&emu).env("DAYTONA_KEY_ADMIN", "yes");
    let err = call(
        &emu,
        &bad,
        "create_api_key",
        r#"{"name":"y","permissions":["read:volumes"]}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_KEY_ADMIN"), "{err:?}");
    assert!(key_requests(&emu).is_empty());
}

#[tokio::test]
async fn list_tools_shows_create_api_keys_bounds() {
    let bounded = CallConfig::default()
        .env("DAYTONA_MINT_SCOPES", "daytona:workspaces:read")
        .env("DAYTONA_MINT_MAX_TTL", "2h");
    let unbounded = CallConfig::default().env("DAYTONA_KEY_ADMIN", "unbounded");
    let mut offered = Vec::new();
    for cfg in [bounded, unbounded] {
        let mut inst = instance(&cfg).await;
        let tools = inst.list_tools().await.unwrap();
        let create = tools
            .into_iter()
            .find(|t| t.name == "create_api_key")
            .unwrap();
        let schema: Value = serde_json::from_str(&create.input_schema).unwrap();
        offered.push((
            create.description,
            schema["properties"]["permissions"]["items"]["enum"].clone(),
        ));
    }
    let (text, permissions) = &offered[0];
    assert_eq!(permissions, &serde_json::json!(["read:volumes"]));
    assert!(
        text.contains("permissions among read:volumes; expiresAt at most 2h from now"),
        "{text}"
    );
    let (text, permissions) = &offered[1];
    assert_eq!(
        permissions.as_array().unwrap().len(),
        15,
        "Daytona's whole enum"
    );
    assert!(text.contains("DAYTONA_KEY_ADMIN=unbounded"), "{text}");
}

#[tokio::test]
async fn the_configured_api_key_survives_both_deletes() {
    let emu = emulator();
    let cfg = jwt_config(&emu);
    let master = emu.api_keys()[0].name.clone();
    let mut inst = instance(&cfg).await;
    for (tool, args) in [
        ("delete_api_key", serde_json::json!({ "name": master })),
        (
            "delete_api_key_for_user",
            serde_json::json!({ "userId": emu.user_id(), "name": master }),
        ),
    ] {
        let err = inst.call_tool(tool, &args.to_string()).await.failed();
        assert_kind(&err, ErrorKind::Forbidden);
        assert!(
            err.message.contains("DAYTONA_API_KEY") && err.message.contains("not deleted"),
            "{tool}: {err:?}"
        );
    }
    let sent = key_requests(&emu);
    assert!(sent.iter().all(|(m, _)| m == "GET"), "no DELETE: {sent:?}");
    assert!(sent.iter().all(|(_, p)| p == "/api/api-keys/current"));
    assert!(emu.api_keys().iter().any(|k| k.name == master));
    inst.call_tool("list_sandboxes", "{}")
        .await
        .unwrap()
        .expect("the host still works");
    assert_no_secrets(&emu, &inst.output());

    // Another user's key of the same name is not the configured one.
    emu.clear_requests();
    let args = format!(r#"{{"userId":"someone-else","name":"{master}"}}"#);
    let err = call(&emu, &cfg, "delete_api_key_for_user", &args)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
    assert!(key_requests(&emu).contains(&(
        "DELETE".into(),
        format!("/api/api-keys/someone-else/{master}")
    )));
}

#[tokio::test]
async fn creating_and_deleting_a_key_write_audit_lines_without_its_value() {
    let emu = emulator();
    emu.clock().freeze();
    let cfg = jwt_config(&emu);
    let mut inst = instance(&cfg).await;
    let created: Value = serde_json::from_str(
        &inst
            .call_tool(
                "create_api_key",
                r#"{"name":"audited","permissions":["write:sandboxes"]}"#,
            )
            .await
            .succeeded(),
    )
    .unwrap();
    let value = created["value"].as_str().unwrap().to_string();
    inst.call_tool("delete_api_key", r#"{"name":"audited"}"#)
        .await
        .succeeded();
    let args = format!(r#"{{"userId":"{}","name":"audited"}}"#, emu.user_id());
    let err = inst
        .call_tool("delete_api_key_for_user", &args)
        .await
        .failed();
    assert_kind(&err, ErrorKind::NotFound);

    let output = inst.output();
    let lines = audit_lines(&output);
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["create", "delete", "delete_failed"], "{output}");
    let create = &lines[0];
    assert_eq!(create["name"], "audited");
    assert_eq!(
        create["permissions"],
        serde_json::json!(["write:sandboxes"])
    );
    let day = emu.clock().now() + Duration::from_secs(86_400);
    assert_eq!(create["expiresAt"], rfc3339(day).as_str());
    let fingerprint = create["fingerprint"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 16);
    assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(lines[1]["name"], "audited");
    assert!(
        lines[2]["detail"]
            .as_str()
            .unwrap()
            .starts_with(&format!("user {}; ", emu.user_id())),
        "{}",
        lines[2]
    );
    assert!(!output.contains(&value), "the value is never written");
    assert_no_secrets(&emu, &output);
}
