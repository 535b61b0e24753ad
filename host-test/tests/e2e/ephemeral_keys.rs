//! Ephemeral keys through the real component against the emulator: scope →
//! permissions exactly, TTL bounds, expiry enforced by Daytona, crash recovery
//! by sweeping from a new instance, idempotent revokes, concurrent sweeps, the
//! audit trail, and no secret (JWT, API key, minted value) anywhere it should
//! not be.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, Fault};
use host_test::harness::types::{Error, ErrorKind};
use serde_json::{Value, json};
use std::time::{Duration, SystemTime};

const WORKSPACES: &[&str] = &["write:sandboxes", "delete:sandboxes"];
const FULL: &[&str] = &[
    "write:sandboxes",
    "delete:sandboxes",
    "write:snapshots",
    "delete:snapshots",
    "read:volumes",
    "write:volumes",
    "delete:volumes",
];
const READ: &[&str] = &["read:volumes"];

/// The component configured for key management (JWT, organization, master
/// key), on the emulator's clock, with every scope mintable (the ceiling is
/// tested in least_privilege.rs).
fn keys_config(emu: &Emulator) -> CallConfig {
    config(emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
        .env(
            "DAYTONA_MINT_SCOPES",
            "daytona:workspaces:read,daytona:workspaces,daytona,daytona:org:*",
        )
        .clock(emu.clock())
}

/// The component configured with a minted key as its only credential.
fn as_key(emu: &Emulator, value: &str) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", value)
        .allow(emu.addr().to_string())
        .clock(emu.clock())
}

fn now_secs(emu: &Emulator) -> u64 {
    emu.clock()
        .now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs()
}

fn key_names(emu: &Emulator) -> Vec<String> {
    emu.api_keys().into_iter().map(|k| k.name).collect()
}

fn posts_to_api_keys(emu: &Emulator) -> Vec<Value> {
    emu.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path_only() == "/api/api-keys")
        .map(|r| r.body_json().unwrap_or(Value::Null))
        .collect()
}

/// Everything the tests saw the component say (results, errors, stdout and
/// stderr), minted values excepted from their own mint answer, so that no
/// secret can be shown where it should not be.
#[derive(Default)]
struct Trail {
    shown: String,
    minted: Vec<String>,
}

impl Trail {
    /// Call a tool on a fresh instance and keep everything it showed.
    async fn tool(&mut self, cfg: &CallConfig, name: &str, args: Value) -> Result<Value, Error> {
        let mut inst = instance(cfg).await;
        let outcome = inst
            .call_tool(name, &args.to_string())
            .await
            .expect("call-tool trapped");
        self.keep_output(&inst.output());
        match outcome {
            Ok(json) => {
                let value: Value =
                    serde_json::from_str(&json).expect("call-tool returned invalid JSON");
                let mut shown = value.clone();
                if name == "mint_ephemeral_key" {
                    self.minted
                        .push(value["value"].as_str().expect("a minted value").to_string());
                    shown["value"] = json!("<the minted value>");
                }
                self.shown.push_str(&format!("{shown}\n"));
                Ok(value)
            }
            Err(err) => {
                self.shown.push_str(&format!("{err:?}\n"));
                Err(err)
            }
        }
    }

    /// Mint through the tool; the answer.
    async fn mint(&mut self, cfg: &CallConfig, args: Value) -> Value {
        self.tool(cfg, "mint_ephemeral_key", args)
            .await
            .expect("minting")
    }

    fn keep_output(&mut self, output: &str) {
        self.shown.push_str(output);
        self.shown.push('\n');
    }

    /// The audit lines seen so far.
    fn audit(&self) -> Vec<Value> {
        self.shown
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v.get("event").is_some() && v.get("ts").is_some())
            .collect()
    }

    /// No JWT, API key or minted value in anything shown.
    fn assert_clean(&self, emu: &Emulator) {
        assert_no_secrets(emu, &self.shown);
        for value in &self.minted {
            assert!(
                !self.shown.contains(value.as_str()),
                "a minted value leaked into: {}",
                self.shown
            );
        }
    }
}

#[tokio::test]
async fn each_scope_gets_exactly_its_permissions() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let org_scope = format!("daytona:org:{}", emu.organization_id());
    for (scope, want) in [
        (Some("daytona:workspaces:read"), READ),
        (Some("daytona:workspaces"), WORKSPACES),
        (Some("daytona"), FULL),
        (Some(org_scope.as_str()), WORKSPACES),
        (None, WORKSPACES),
    ] {
        let minted = trail
            .mint(&cfg, json!({ "scope": scope, "holder": "perm-check" }))
            .await;
        assert_eq!(minted["permissions"], json!(want), "{scope:?}");
        assert_eq!(minted["scope"], scope.unwrap_or("daytona:workspaces"));
        assert_eq!(minted["holder"], "perm-check");
        let name = minted["name"].as_str().unwrap();
        assert!(name.starts_with("eph-perm-check-"), "{name}");
        let stored = emu
            .api_keys()
            .into_iter()
            .find(|k| k.name == name)
            .expect("the key exists in Daytona");
        assert_eq!(
            stored.permissions, want,
            "{scope:?}: Daytona holds exactly the scope's permissions"
        );
        assert_eq!(stored.value, trail.minted.last().unwrap().as_str());
        let expiry_in_name: u64 = name.rsplit('-').nth(1).unwrap().parse().unwrap();
        assert_eq!(
            secs(stored.expires_at.expect("expiresAt is always sent")),
            expiry_in_name
        );
    }
    for body in posts_to_api_keys(&emu) {
        assert!(body["expiresAt"].is_string(), "{body}");
    }

    let mut inst = instance(&cfg).await;
    let typed = inst
        .bindings
        .daytona_tools_ephemeral_keys()
        .call_mint_ephemeral_key(&mut inst.store, None, None, Some("Typed Holder!"))
        .await
        .succeeded();
    trail.keep_output(&inst.output());
    trail.minted.push(typed.value.clone());
    assert_eq!(typed.permissions, WORKSPACES);
    assert_eq!(typed.holder, "typed-holder");
    assert_eq!(typed.scope, "daytona:workspaces");
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn a_read_key_cannot_create_a_sandbox_and_a_workspaces_key_can() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let read = trail
        .mint(&cfg, json!({ "scope": "daytona:workspaces:read" }))
        .await;
    let write = trail
        .mint(&cfg, json!({ "scope": "daytona:workspaces" }))
        .await;
    let (read_value, write_value) = (trail.minted[0].clone(), trail.minted[1].clone());

    let reader = as_key(&emu, &read_value);
    let listed = trail
        .tool(&reader, "list_sandboxes", json!({}))
        .await
        .unwrap();
    assert!(listed["sandboxes"].is_array());
    let err = trail
        .tool(&reader, "create_sandbox", json!({ "name": "nope" }))
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Forbidden);
    assert!(emu.sandbox("nope").is_none());

    let writer = as_key(&emu, &write_value);
    let created = trail
        .tool(&writer, "create_sandbox", json!({ "name": "yes" }))
        .await
        .unwrap();
    assert_eq!(created["name"], "yes");
    assert!(read["name"] != write["name"]);
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn ttl_takes_seconds_or_durations_from_one_minute_to_a_day() {
    let emu = emulator();
    // The guest reads this clock too: a key lives exactly its ttl, however slow the run.
    emu.clock().freeze();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    for (ttl, want) in [
        (json!(60), 60),
        (json!("90s"), 90),
        (json!("10m"), 600),
        (json!("1h"), 3600),
        (json!("1h30m"), 5400),
        (json!(86_400), 86_400),
        (Value::Null, 600),
    ] {
        let before = now_secs(&emu);
        let minted = trail.mint(&cfg, json!({ "ttl": ttl })).await;
        let stored = emu
            .api_keys()
            .into_iter()
            .find(|k| k.name == minted["name"])
            .unwrap();
        let lives = secs(stored.expires_at.unwrap()) - before;
        assert_eq!(lives, want, "ttl {ttl}");
    }
    let posts = posts_to_api_keys(&emu).len();
    for bad in [
        json!(59),
        json!("59s"),
        json!("24h1s"),
        json!(86_401),
        json!(0),
    ] {
        let err = trail
            .tool(&cfg, "mint_ephemeral_key", json!({ "ttl": bad }))
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(
            err.message.contains("60 s") && err.message.contains("86400 s"),
            "{err:?}"
        );
    }
    for bad in [json!("soon"), json!("1.5h"), json!(-5), json!("1m1h")] {
        let err = trail
            .tool(&cfg, "mint_ephemeral_key", json!({ "ttl": bad }))
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    let mut inst = instance(&cfg).await;
    let guest = inst.bindings.daytona_tools_ephemeral_keys();
    for bad in [59, 86_401] {
        let err = guest
            .call_mint_ephemeral_key(&mut inst.store, None, Some(bad), None)
            .await
            .failed();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(err.message.contains("24h"), "{err:?}");
    }
    assert_eq!(
        posts_to_api_keys(&emu).len(),
        posts,
        "nothing sent for a bad ttl"
    );
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn daytona_refuses_a_key_once_it_has_expired() {
    let emu = emulator();
    // Only the test moves time: the key cannot expire before it is first used.
    emu.clock().freeze();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    trail
        .mint(&cfg, json!({ "ttl": 60, "holder": "short-lived" }))
        .await;
    let holder = as_key(&emu, &trail.minted[0].clone());
    trail
        .tool(&holder, "list_sandboxes", json!({}))
        .await
        .expect("the minted key works");
    emu.clock().advance(Duration::from_secs(59));
    trail
        .tool(&holder, "list_sandboxes", json!({}))
        .await
        .expect("a second before its expiry the key still works");
    emu.clock().advance(Duration::from_secs(1));
    let err = trail
        .tool(&holder, "list_sandboxes", json!({}))
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Unauthorized);
    assert!(err.message.contains("expired"), "{err:?}");
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn a_sweep_from_a_new_instance_revokes_what_a_crashed_one_minted() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let past = emu.clock().now() - Duration::from_secs(3600);
    emu.add_api_key("user-key-expired", &["write:sandboxes"], Some(past));
    emu.add_api_key("eph-notes", &["write:sandboxes"], Some(past));

    // An instance mints, then "crashes": it is dropped without revoking anything.
    let crashed_name = {
        let mut inst = instance(&cfg).await;
        let minted = inst
            .bindings
            .daytona_tools_ephemeral_keys()
            .call_mint_ephemeral_key(&mut inst.store, None, Some(60), Some("crashy"))
            .await
            .succeeded();
        trail.keep_output(&inst.output());
        trail.minted.push(minted.value);
        minted.name
    };
    let alive = trail
        .mint(&cfg, json!({ "ttl": "1h", "holder": "alive" }))
        .await;
    emu.clock().advance(Duration::from_secs(120));

    let report = trail
        .tool(&cfg, "revoke_expired_keys", json!({}))
        .await
        .unwrap();
    assert_eq!(report["revoked"], json!([crashed_name]));
    assert_eq!(report["failed"], json!([]));
    let names = key_names(&emu);
    assert!(!names.contains(&crashed_name), "{names:?}");
    for kept in [
        "user-key-expired",
        "eph-notes",
        alive["name"].as_str().unwrap(),
    ] {
        assert!(
            names.iter().any(|n| n == kept),
            "{kept} untouched: {names:?}"
        );
    }
    assert_eq!(names.len(), 4, "the master key is untouched too: {names:?}");

    let again = trail
        .tool(&cfg, "revoke_expired_keys", json!({}))
        .await
        .unwrap();
    assert_eq!(again["revoked"], json!([]));

    let audit = trail.audit();
    let revoke = audit
        .iter()
        .find(|l| l["event"] == "revoke" && l["name"] == crashed_name.as_str())
        .unwrap();
    assert!(
        revoke["detail"].as_str().unwrap().contains("sweep"),
        "{revoke}"
    );
    assert_eq!(audit.iter().filter(|l| l["event"] == "sweep").count(), 2);
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn sweeps_running_at_once_all_succeed_and_revoke_each_key() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let mut minted = Vec::new();
    for holder in ["a", "b", "c"] {
        minted.push(
            trail
                .mint(&cfg, json!({ "ttl": 60, "holder": holder }))
                .await["name"]
                .clone(),
        );
    }
    emu.clock().advance(Duration::from_secs(120));
    let mut first = instance(&cfg).await;
    let mut second = instance(&cfg).await;
    let (one, two) = tokio::join!(
        first.call_tool("revoke_expired_keys", "{}"),
        second.call_tool("revoke_expired_keys", "{}")
    );
    trail.keep_output(&first.output());
    trail.keep_output(&second.output());
    let mut revoked: Vec<Value> = Vec::new();
    for outcome in [one.unwrap(), two.unwrap()] {
        let report: Value = serde_json::from_str(&outcome.expect("every sweep succeeds")).unwrap();
        assert_eq!(report["failed"], json!([]), "{report}");
        revoked.extend(report["revoked"].as_array().unwrap().iter().cloned());
    }
    for name in &minted {
        assert!(
            revoked.contains(name),
            "{name} revoked by one sweep or the other"
        );
        assert!(!key_names(&emu).iter().any(|n| name == n.as_str()));
    }
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn a_revoke_that_fails_is_found_again_by_the_next_sweep() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let name = trail.mint(&cfg, json!({ "ttl": 60 })).await["name"]
        .as_str()
        .unwrap()
        .to_string();
    emu.clock().advance(Duration::from_secs(120));
    emu.fail_next(
        "DELETE",
        "/api/api-keys/",
        Fault::api(500, "Internal server error"),
    );
    let report = trail
        .tool(&cfg, "revoke_expired_keys", json!({}))
        .await
        .unwrap();
    assert_eq!(report["revoked"], json!([]));
    assert_eq!(report["failed"][0]["name"], name.as_str());
    assert_eq!(report["failed"][0]["error"]["kind"], "upstream");
    assert!(key_names(&emu).contains(&name));
    assert!(
        trail
            .audit()
            .iter()
            .any(|l| l["event"] == "revoke_failed" && l["name"] == name.as_str())
    );

    let next = trail
        .tool(&cfg, "revoke_expired_keys", json!({}))
        .await
        .unwrap();
    assert_eq!(next["revoked"], json!([name]));
    assert!(!key_names(&emu).contains(&name));
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn revoking_twice_succeeds_and_names_not_ours_are_refused() {
    let emu = emulator();
    emu.add_api_key("production", &["write:sandboxes"], None);
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let name = trail.mint(&cfg, json!({})).await["name"].clone();
    let first = trail
        .tool(&cfg, "revoke_ephemeral_key", json!({ "name": name }))
        .await
        .unwrap();
    assert_eq!(first, json!({ "revoked": name, "alreadyRevoked": false }));
    assert!(!key_names(&emu).iter().any(|n| name == n.as_str()));
    let second = trail
        .tool(&cfg, "revoke_ephemeral_key", json!({ "name": name }))
        .await
        .unwrap();
    assert_eq!(second["alreadyRevoked"], true);

    let mut inst = instance(&cfg).await;
    let guest = inst.bindings.daytona_tools_ephemeral_keys();
    guest
        .call_revoke_ephemeral_key(&mut inst.store, name.as_str().unwrap())
        .await
        .succeeded();
    let err = guest
        .call_revoke_ephemeral_key(&mut inst.store, "production")
        .await
        .failed();
    assert_kind(&err, ErrorKind::InvalidInput);
    trail.keep_output(&inst.output());

    let err = trail
        .tool(
            &cfg,
            "revoke_ephemeral_key",
            json!({ "name": "production" }),
        )
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(
        err.hint.as_deref().unwrap().contains("delete_api_key"),
        "{err:?}"
    );
    assert!(key_names(&emu).contains(&"production".to_string()));
    assert!(
        !emu.requests()
            .iter()
            .any(|r| r.method == "DELETE" && r.path_only().ends_with("/production")),
        "a key not ours is never deleted"
    );
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn list_ephemeral_keys_shows_only_ours_with_expiry_and_never_values() {
    let emu = emulator();
    emu.add_api_key("someone-elses", &["write:sandboxes"], None);
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let short = trail
        .mint(&cfg, json!({ "ttl": 60, "holder": "short" }))
        .await;
    let long = trail
        .mint(&cfg, json!({ "ttl": "2h", "holder": "long" }))
        .await;
    emu.clock().advance(Duration::from_secs(90));
    let listed = trail
        .tool(&cfg, "list_ephemeral_keys", json!({}))
        .await
        .unwrap();
    let keys = listed["ephemeralKeys"].as_array().unwrap();
    assert_eq!(keys.len(), 2, "{listed}");
    let find = |name: &Value| keys.iter().find(|k| &k["name"] == name).unwrap().clone();
    let (s, l) = (find(&short["name"]), find(&long["name"]));
    assert_eq!(
        (s["holder"].as_str(), s["expired"].as_bool()),
        (Some("short"), Some(true))
    );
    assert_eq!(
        (l["holder"].as_str(), l["expired"].as_bool()),
        (Some("long"), Some(false))
    );
    assert_eq!(l["expiresAt"], long["expiresAt"]);
    assert_eq!(l["permissions"], json!(WORKSPACES));
    assert!(keys.iter().all(|k| k.get("value").is_none()));

    let mut inst = instance(&cfg).await;
    let typed = inst
        .bindings
        .daytona_tools_ephemeral_keys()
        .call_list_ephemeral_keys(&mut inst.store)
        .await
        .succeeded();
    trail.keep_output(&format!("{typed:?}\n{}", inst.output()));
    assert_eq!(typed.len(), 2);
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn a_name_conflict_is_retried_once_with_a_fresh_suffix() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    emu.fail_next(
        "POST",
        "/api/api-keys",
        Fault::api(409, "API key with this name already exists"),
    );
    let minted = trail.mint(&cfg, json!({ "holder": "retry" })).await;
    let posts = posts_to_api_keys(&emu);
    assert_eq!(posts.len(), 2);
    assert_ne!(posts[0]["name"], posts[1]["name"], "a fresh suffix");
    assert_eq!(posts[1]["name"], minted["name"]);
    assert_eq!(posts[0]["expiresAt"], posts[1]["expiresAt"]);

    emu.fail_next(
        "POST",
        "/api/api-keys",
        Fault::api(409, "API key with this name already exists"),
    );
    emu.fail_next(
        "POST",
        "/api/api-keys",
        Fault::api(409, "API key with this name already exists"),
    );
    let err = trail
        .tool(&cfg, "mint_ephemeral_key", json!({}))
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Conflict);
    assert_eq!(posts_to_api_keys(&emu).len(), 4, "one retry, no more");
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn an_org_scope_sends_that_organization_and_refuses_another() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let scope = format!("daytona:org:{}", emu.organization_id());
    trail.mint(&cfg, json!({ "scope": scope })).await;
    let post = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path_only() == "/api/api-keys")
        .unwrap();
    let orgs: Vec<_> = post
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("x-daytona-organization-id"))
        .collect();
    assert_eq!(orgs.len(), 1, "one organization header: {orgs:?}");
    assert_eq!(orgs[0].1, emu.organization_id());

    let sent = posts_to_api_keys(&emu).len();
    for bad in [
        "daytona:org:someone-else",
        "daytona:org:",
        "daytona:admin",
        "workspaces",
    ] {
        let err = trail
            .tool(&cfg, "mint_ephemeral_key", json!({ "scope": bad }))
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    assert_eq!(
        posts_to_api_keys(&emu).len(),
        sent,
        "nothing sent for a refused scope"
    );
    trail.assert_clean(&emu);
}

#[tokio::test]
async fn every_mint_revoke_and_sweep_writes_one_audit_line_without_secrets() {
    let emu = emulator();
    let cfg = keys_config(&emu);
    let mut trail = Trail::default();
    let minted = trail
        .mint(
            &cfg,
            json!({ "scope": "daytona", "ttl": "5m", "holder": "auditor" }),
        )
        .await;
    let mint_lines: Vec<Value> = trail
        .audit()
        .into_iter()
        .filter(|l| l["event"] == "mint")
        .collect();
    assert_eq!(mint_lines.len(), 1);
    let line = &mint_lines[0];
    assert_eq!(line["name"], minted["name"]);
    assert_eq!(line["holder"], "auditor");
    assert_eq!(line["scope"], "daytona");
    assert_eq!(line["permissions"], json!(FULL));
    assert_eq!(line["expiresAt"], minted["expiresAt"]);
    let fingerprint = line["fingerprint"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 16);
    assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(line["ts"].as_str().unwrap().ends_with('Z'));

    trail
        .tool(
            &cfg,
            "revoke_ephemeral_key",
            json!({ "name": minted["name"] }),
        )
        .await
        .unwrap();
    trail
        .tool(&cfg, "revoke_expired_keys", json!({}))
        .await
        .unwrap();
    let events: Vec<String> = trail
        .audit()
        .iter()
        .map(|l| l["event"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(events, ["mint", "revoke", "sweep"]);
    trail.assert_clean(&emu);
}
