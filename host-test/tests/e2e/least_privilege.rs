//! Least privilege through the real component: a credential goes only to hosts
//! the configuration trusts, revoking touches only keys we minted, the host
//! (not the agent) caps what may be minted, and names that would turn into
//! another route are refused. Each test would fail without its fix: the
//! emulator's request log shows what was (not) sent.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::types::ErrorKind;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// An emulator whose sandboxes carry `toolboxProxyUrl` = `url(port)`.
fn emulator_with_proxy(url: impl Fn(u16) -> String) -> Emulator {
    let emu = emulator();
    let proxy = url(emu.addr().port());
    emu.update_options(|o| o.toolbox_url_override = Some(proxy));
    emu
}

const ECHO: &str = r#"{"sandbox": "dev", "command": "echo hi"}"#;

#[tokio::test]
async fn a_foreign_toolbox_proxy_gets_no_request_and_no_credential() {
    // `localhost` is the emulator itself, so a request that went would show in its log.
    let emu = emulator_with_proxy(|port| format!("http://localhost:{port}/toolbox"));
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    let localhost = format!("localhost:{}", emu.addr().port());
    // The host would let it through: only the component stands in the way.
    for cfg in [
        config(&emu).allow(&localhost),
        CallConfig::default()
            .env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_JWT_TOKEN", emu.jwt())
            .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
            .allow(emu.addr().to_string())
            .allow(&localhost),
    ] {
        let err = call(&emu, &cfg, "execute_command", ECHO).await.unwrap_err();
        assert_kind(&err, ErrorKind::Config);
        assert!(
            err.message.contains("'localhost'") && err.message.contains("DAYTONA_TOOLBOX_HOSTS"),
            "{err:?}"
        );
        assert!(
            err.hint
                .as_deref()
                .is_some_and(|h| h.contains("DAYTONA_TOOLBOX_HOSTS"))
        );
        assert_eq!(executes(&emu), Vec::<String>::new());
    }

    // Listed by the operator (with its port: without one, a listed host means
    // port 80 for http), the same host is used.
    let cfg = config(&emu).allow(&localhost).env(
        "DAYTONA_TOOLBOX_HOSTS",
        localhost.replace("localhost", "LocalHost"),
    );
    let out = call(&emu, &cfg, "execute_command", ECHO).await.unwrap();
    assert_eq!(out["result"], "hi\n");
    let sent = executes(&emu);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].starts_with("/toolbox/"), "{sent:?}");
}

#[tokio::test]
async fn a_proxy_url_with_userinfo_is_refused_without_echoing_it() {
    let emu = emulator_with_proxy(|port| format!("http://agent:hunter2@127.0.0.1:{port}/toolbox"));
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    let mut inst = instance(&config(&emu)).await;
    let err = inst.call_tool("execute_command", ECHO).await.failed();
    assert_kind(&err, ErrorKind::Upstream);
    assert!(err.message.contains("user name or password"), "{err:?}");
    let shown = format!("{err:?}{}", inst.output());
    assert!(!shown.contains("hunter2"), "{shown}");
    assert_eq!(executes(&emu), Vec::<String>::new());
}

#[tokio::test]
async fn the_cli_allows_exactly_the_hosts_the_component_accepts() {
    let emu = emulator_with_proxy(|port| format!("http://localhost:{port}/toolbox"));
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    let cli = |toolbox_hosts: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_host-test"));
        cmd.args(["call", "execute_command", ECHO])
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_API_KEY", emu.api_key());
        if let Some(hosts) = toolbox_hosts {
            cmd.env("DAYTONA_TOOLBOX_HOSTS", hosts);
        }
        let out = cmd.output().expect("running host-test call");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_no_secrets(&emu, &text);
        (out.status.success(), text)
    };
    // Not listed: the component refuses (a config error), the host is never asked.
    let (ok, text) = cli(None);
    assert!(!ok, "{text}");
    assert!(
        text.contains("config") && text.contains("DAYTONA_TOOLBOX_HOSTS"),
        "{text}"
    );
    assert_eq!(executes(&emu), Vec::<String>::new());
    // Listed without its port (port 80 for http): still refused, by both.
    let (ok, text) = cli(Some("localhost"));
    assert!(!ok, "{text}");
    assert!(text.contains("config") && text.contains("port"), "{text}");
    assert_eq!(executes(&emu), Vec::<String>::new());
    // Listed with its port: the CLI's allowlist follows, so the host lets it through.
    let (ok, text) = cli(Some(&format!("localhost:{}", emu.addr().port())));
    assert!(ok, "{text}");
    assert!(text.contains("hi"), "{text}");
    assert_eq!(executes(&emu).len(), 1);
}

#[tokio::test]
async fn a_look_alike_key_survives_revoke_ephemeral_key() {
    let emu = emulator();
    let cfg = config(&emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
        .clock(emu.clock());
    let now = emu
        .clock()
        .now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expiry = now + 600;
    // A user's keys named like ours: no expiry, and an expiry other than the name's.
    let no_expiry = format!("eph-agent-{expiry}-00000000000a");
    let other_expiry = format!("eph-agent-{expiry}-00000000000b");
    emu.add_api_key(&no_expiry, &["write:sandboxes"], None);
    emu.add_api_key(
        &other_expiry,
        &["write:sandboxes"],
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(expiry + 3600)),
    );
    for name in [&no_expiry, &other_expiry] {
        emu.clear_requests();
        let err = call(
            &emu,
            &cfg,
            "revoke_ephemeral_key",
            &format!(r#"{{"name": "{name}"}}"#),
        )
        .await
        .unwrap_err();
        assert_kind(&err, ErrorKind::Forbidden);
        assert!(err.message.contains("not deleted"), "{err:?}");
        let methods: Vec<String> = emu.requests().into_iter().map(|r| r.method).collect();
        assert_eq!(methods, ["GET"], "only a look-up may be sent");
    }
    let names: Vec<String> = emu.api_keys().into_iter().map(|k| k.name).collect();
    assert!(names.contains(&no_expiry) && names.contains(&other_expiry));

    // A key we did mint is still revoked.
    let cfg = cfg.env("DAYTONA_MINT_MAX_TTL", "10m");
    let minted = call(&emu, &cfg, "mint_ephemeral_key", "{}").await.unwrap();
    let name = minted["name"].as_str().unwrap();
    let out = call(
        &emu,
        &cfg,
        "revoke_ephemeral_key",
        &format!(r#"{{"name": "{name}"}}"#),
    )
    .await
    .unwrap();
    assert_eq!(out["alreadyRevoked"], false);
    assert!(!emu.api_keys().iter().any(|k| k.name == name));
}

#[tokio::test]
async fn a_mint_above_the_hosts_ceiling_sends_nothing() {
    let emu = emulator();
    let cfg = config(&emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    let org = emu.organization_id();
    for (extra, args, names) in [
        // The defaults: the two workspaces scopes, up to 24 h.
        (
            None,
            r#"{"scope": "daytona"}"#.to_string(),
            "DAYTONA_MINT_SCOPES",
        ),
        (
            None,
            format!(r#"{{"scope": "daytona:org:{org}"}}"#),
            "DAYTONA_MINT_SCOPES",
        ),
        (
            Some(("DAYTONA_MINT_MAX_TTL", "15m")),
            r#"{"ttl": "16m"}"#.to_string(),
            "DAYTONA_MINT_MAX_TTL",
        ),
        (
            Some(("DAYTONA_MINT_SCOPES", "daytona:workspaces:read")),
            "{}".to_string(),
            "DAYTONA_MINT_SCOPES",
        ),
    ] {
        let cfg = match extra {
            Some((k, v)) => cfg.clone().env(k, v),
            None => cfg.clone(),
        };
        emu.clear_requests();
        let err = call(&emu, &cfg, "mint_ephemeral_key", &args)
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::Forbidden);
        assert!(err.message.contains(names), "{args}: {err:?}");
        assert_eq!(emu.requests().len(), 0, "{args}: nothing may be sent");
    }
    assert!(emu.api_keys().iter().all(|k| !k.name.starts_with("eph-")));

    // Widened by the operator, the same requests mint.
    let wide = cfg
        .env("DAYTONA_MINT_SCOPES", "daytona,daytona:org:*")
        .env("DAYTONA_MINT_MAX_TTL", "1h");
    for args in [
        r#"{"scope": "daytona", "ttl": "1h"}"#.to_string(),
        format!(r#"{{"scope": "daytona:org:{org}"}}"#),
    ] {
        call(&emu, &wide, "mint_ephemeral_key", &args)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn list_tools_shows_the_minting_ceiling() {
    let emu = emulator();
    let cfg = config(&emu)
        .env("DAYTONA_MINT_SCOPES", "daytona:workspaces:read")
        .env("DAYTONA_MINT_MAX_TTL", "30m");
    let mut inst = instance(&cfg).await;
    let tools = inst.list_tools().await.unwrap();
    let mint = tools
        .iter()
        .find(|t| t.name == "mint_ephemeral_key")
        .unwrap();
    let schema: Value = serde_json::from_str(&mint.input_schema).unwrap();
    assert_eq!(
        schema["properties"]["scope"]["enum"],
        serde_json::json!(["daytona:workspaces:read"])
    );
    assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["maximum"], 1800);
    assert!(
        mint.description
            .contains("scopes daytona:workspaces:read; ttl at most 30m (default 10m)"),
        "{}",
        mint.description
    );

    // A malformed ceiling offers no mint tool; its call says which variable is wrong.
    let bad = config(&emu).env("DAYTONA_MINT_SCOPES", "root");
    let mut inst = instance(&bad).await;
    let tools = inst.list_tools().await.unwrap();
    assert!(!tools.iter().any(|t| t.name == "mint_ephemeral_key"));
    assert!(tools.iter().any(|t| t.name == "get_sandbox"));
    let err = call(&emu, &bad, "mint_ephemeral_key", "{}")
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Config);
    assert!(err.message.contains("DAYTONA_MINT_SCOPES"), "{err:?}");
}

#[tokio::test]
async fn dot_segments_and_nul_commands_are_refused_before_sending() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    let cfg = config(&emu)
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id());
    for (tool, args) in [
        ("get_sandbox", r#"{"sandbox": ".."}"#),
        ("delete_sandbox", r#"{"sandbox": "."}"#),
        ("start_sandbox", r#"{"sandbox": ".."}"#),
        ("execute_command", r#"{"sandbox": "..", "command": "id"}"#),
        ("get_api_key", r#"{"name": ".."}"#),
        ("delete_api_key", r#"{"name": "."}"#),
        (
            "delete_api_key_for_user",
            r#"{"userId": "..", "name": "k"}"#,
        ),
        (
            "delete_api_key_for_user",
            r#"{"userId": "u", "name": ".."}"#,
        ),
        (
            "execute_command",
            r#"{"sandbox": "dev", "command": "echo a\u0000b"}"#,
        ),
    ] {
        emu.clear_requests();
        let err = call(&emu, &cfg, tool, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert_eq!(
            emu.requests().len(),
            0,
            "{tool} {args}: nothing may be sent"
        );
    }
}

#[tokio::test]
async fn typed_exports_apply_the_bounds_call_tool_applies() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("dev").in_state("stopped"));
    let cfg = config(&emu);
    let mut inst = instance(&cfg).await;
    let (sandboxes, store) = inst.sandboxes();
    let err = sandboxes
        .call_start_sandbox(&mut *store, "dev", Some(3601))
        .await
        .failed();
    assert_kind(&err, ErrorKind::InvalidInput);
    let err = sandboxes
        .call_list_snapshots(&mut *store, None, Some(10_001))
        .await
        .failed();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert_eq!(emu.requests().len(), 0);
    // call-tool refuses the same values, by its schema.
    for (tool, args) in [
        ("start_sandbox", r#"{"sandbox": "dev", "timeout": 3601}"#),
        ("list_snapshots", r#"{"limit": 10001}"#),
        ("list_sandboxes", r#"{"limit": 10001}"#),
    ] {
        let err = call(&emu, &cfg, tool, args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    assert_eq!(emu.requests().len(), 0);
    assert_eq!(emu.sandbox_state("dev").as_deref(), Some("stopped"));
}
