//! Preview URLs, archiving and labels through the real component, against the
//! emulator. The previews reach a tiny HTTP server this test process runs on a
//! free loopback port: the emulator's preview proxy forwards
//! `/preview/{port}-{token}/...` to `127.0.0.1:{port}`, and the test fetches the
//! URL the tool returned with a plain HTTP client, as a browser would.

use crate::common;

use common::*;
use host_test::emulator::clock::format_rfc3339;
use host_test::emulator::{Emulator, EmulatorOptions, Fault, SandboxSeed};
use host_test::harness::types::ErrorKind;
use serde_json::{Value, json};
use std::time::{Duration, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const BODY: &str = "hello from the sandbox's port\n";

/// Answers every request on a free loopback port with [`BODY`]; returns the port.
async fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut chunk = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&chunk[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{BODY}",
                    BODY.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    port
}

/// An emulator whose clock stands still, with a started sandbox `web`, and a guest
/// reading the same clock (so `expiresAt` can be compared exactly).
fn setup() -> (Emulator, host_test::CallConfig) {
    let emu = emulator();
    emu.clock().freeze();
    emu.add_sandbox(SandboxSeed::new().named("web"));
    let cfg = config(&emu).clock(emu.clock());
    (emu, cfg)
}

fn now_ms(emu: &Emulator) -> i64 {
    emu.clock()
        .now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn a_signed_url_reaches_the_port_until_it_expires_or_is_expired() {
    let (emu, cfg) = setup();
    let port = serve().await;
    let id = emu.sandbox("web").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let issued_at = now_ms(&emu);

    let preview = ok(
        &emu,
        &cfg,
        "get_preview_url",
        json!({"sandbox": "web", "port": port}),
    )
    .await;
    let token = preview["token"].as_str().unwrap().to_string();
    let url = preview["url"].as_str().unwrap().to_string();
    assert_eq!(url, format!("{}/preview/{port}-{token}", emu.base_url()));
    assert_eq!(preview["signed"], true);
    assert_eq!(preview["sandboxId"], id.as_str());
    assert_eq!(preview["port"], port);
    assert_eq!(preview["header"], Value::Null);
    // The default lifetime, five minutes, from the component's clock.
    assert_eq!(
        preview["expiresAt"],
        format_rfc3339(issued_at + 300_000).as_str()
    );
    assert_eq!(emu.signed_previews(), [(token.clone(), id.clone(), port)]);
    let asked = emu.requests();
    assert_eq!(
        asked[0].path,
        format!("/api/sandbox/web/ports/{port}/signed-preview-url?expiresInSeconds=300")
    );

    assert_eq!(
        fetch(&format!("{url}/index.html"), &[]).await,
        (200, BODY.to_string())
    );
    // The URL works until expiresAt, not after.
    emu.clock().advance(Duration::from_millis(299_999));
    assert_eq!(fetch(&url, &[]).await.0, 200);
    emu.clock().advance(Duration::from_millis(1));
    assert_eq!(fetch(&url, &[]).await.0, 401, "expired at expiresAt");

    // A longer one, then expired before its time.
    let preview = ok(
        &emu,
        &cfg,
        "get_preview_url",
        json!({"sandbox": "web", "port": port, "signed": true, "expiresInSeconds": 86400}),
    )
    .await;
    let token = preview["token"].as_str().unwrap().to_string();
    let url = preview["url"].as_str().unwrap().to_string();
    assert_eq!(
        preview["expiresAt"],
        format_rfc3339(now_ms(&emu) + 86_400_000).as_str()
    );
    assert_eq!(fetch(&url, &[]).await.0, 200);
    let expired = ok(
        &emu,
        &cfg,
        "expire_preview_url",
        json!({"sandbox": "web", "port": port, "token": token}),
    )
    .await;
    assert_eq!(expired, json!({"sandbox": "web", "port": port}));
    assert_eq!(
        fetch(&url, &[]).await.0,
        401,
        "refused at once after expire"
    );
    assert!(emu.signed_previews().is_empty());
    // Expiring again changes nothing and succeeds, as Daytona answers.
    ok(
        &emu,
        &cfg,
        "expire_preview_url",
        json!({"sandbox": "web", "port": port, "token": token}),
    )
    .await;
}

#[tokio::test]
async fn the_unsigned_url_needs_the_preview_token_header() {
    let (emu, cfg) = setup();
    let port = serve().await;
    let preview = ok(
        &emu,
        &cfg,
        "get_preview_url",
        json!({"sandbox": "web", "port": port, "signed": false}),
    )
    .await;
    assert_eq!(preview["signed"], false);
    assert_eq!(preview["header"], "X-Daytona-Preview-Token");
    assert_eq!(preview["expiresAt"], Value::Null);
    let note = preview["note"].as_str().unwrap();
    assert!(
        note.contains("X-Daytona-Preview-Token") && note.contains("long-lived"),
        "{note}"
    );
    let url = preview["url"].as_str().unwrap();
    let token = preview["token"].as_str().unwrap();
    assert!(
        !url.contains(token),
        "the unsigned URL does not carry the token"
    );
    assert!(
        emu.signed_previews().is_empty(),
        "no signed token was created"
    );
    assert_eq!(fetch(url, &[]).await.0, 401);
    assert_eq!(
        fetch(url, &[("X-Daytona-Preview-Token", "wrong")]).await.0,
        401
    );
    assert_eq!(
        fetch(url, &[("X-Daytona-Preview-Token", token)]).await,
        (200, BODY.to_string())
    );

    // Only signed URLs expire: an expiry for the unsigned one is refused before sending.
    emu.clear_requests();
    let err = call(
        &emu,
        &cfg,
        "get_preview_url",
        r#"{"sandbox": "web", "port": 3000, "signed": false, "expiresInSeconds": 60}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(err.message.contains("expiresInSeconds"), "{err:?}");
    assert!(emu.requests().is_empty());
}

/// `expire_preview_url` of `web`:3000 with `token` while Daytona refuses it (400 `message`):
/// the error must be `InvalidInput`; answers it and the guest's output, as a user sees them.
async fn refused_expiry(
    emu: &Emulator,
    cfg: &host_test::CallConfig,
    token: &str,
    message: &str,
) -> String {
    emu.fail_next(
        "POST",
        "/api/sandbox/web/ports/3000/signed-preview-url/",
        Fault::api(400, message),
    );
    let mut inst = instance(cfg).await;
    let (previews, store) = inst.previews();
    let err = previews
        .call_expire_preview_url(&mut *store, "web", 3000, token)
        .await
        .failed();
    assert_kind(&err, ErrorKind::InvalidInput);
    format!("{err:?}{}", inst.output())
}

#[tokio::test]
async fn bad_ports_and_tokens_are_refused_before_sending_and_tokens_never_appear_in_errors() {
    let (emu, cfg) = setup();
    for args in [
        r#"{"sandbox": "web", "port": 0}"#,
        r#"{"sandbox": "web", "port": 65536}"#,
        r#"{"sandbox": "web", "port": "3000"}"#,
        r#"{"sandbox": "web"}"#,
        r#"{"sandbox": "web", "port": 3000, "expiresInSeconds": 0}"#,
        r#"{"sandbox": "web", "port": 3000, "expiresInSeconds": 86401}"#,
    ] {
        let err = call(&emu, &cfg, "get_preview_url", args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
    }
    let mut inst = instance(&cfg).await;
    let (previews, store) = inst.previews();
    let err = previews
        .call_get_preview_url(&mut *store, "web", 0, None, None)
        .await
        .failed();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(err.message.contains("`port`"), "{err:?}");

    let token = "f00dfeedcafe0123456789ab";
    for (args, shown) in [
        (
            json!({"sandbox": "web", "port": 3000, "token": "a/b"}),
            "a/b",
        ),
        (
            json!({"sandbox": "web", "port": 3000, "token": "https://3000-f00dfeedcafe.example/x"}),
            "f00dfeedcafe",
        ),
        (json!({"sandbox": "web", "port": 0, "token": token}), token),
    ] {
        let err = call(&emu, &cfg, "expire_preview_url", &args.to_string())
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(!format!("{err:?}").contains(shown), "{err:?}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());

    // Daytona's own messages are passed on without the token, should one quote it.
    let err = call(
        &emu,
        &cfg,
        "expire_preview_url",
        &json!({"sandbox": "ghost", "port": 3000, "token": token}).to_string(),
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
    assert!(err.message.contains("ghost"), "{err:?}");
    let shown = refused_expiry(&emu, &cfg, token, &format!("token {token} is malformed")).await;
    assert!(shown.contains("is malformed"), "{shown}");
    assert!(!shown.contains(token), "{shown}");

    // A token where Daytona's message is cut (300 characters) leaves no prefix:
    // it is scrubbed before the cut.
    let message = format!("{} {token} is malformed", "x".repeat(290));
    let shown = refused_expiry(&emu, &cfg, token, &message).await;
    assert!(shown.contains("xxxx"), "{shown}");
    assert!(!shown.contains(&token[..8]), "{shown}");
}

#[tokio::test]
async fn the_typed_previews_interface_reaches_the_same_tools() {
    let (emu, cfg) = setup();
    let port = serve().await;
    let mut inst = instance(&cfg).await;
    let (previews, store) = inst.previews();
    let signed = previews
        .call_get_preview_url(&mut *store, "web", port, None, Some(60))
        .await
        .succeeded();
    assert!(signed.signed && signed.header.is_none());
    assert_eq!(
        signed.expires_at.as_deref(),
        Some(format_rfc3339(now_ms(&emu) + 60_000).as_str())
    );
    assert_eq!(fetch(&signed.url, &[]).await, (200, BODY.to_string()));
    let (previews, store) = inst.previews();
    previews
        .call_expire_preview_url(&mut *store, "web", port, &signed.token)
        .await
        .succeeded();
    assert_eq!(fetch(&signed.url, &[]).await.0, 401);

    let (previews, store) = inst.previews();
    let plain = previews
        .call_get_preview_url(&mut *store, "web", port, Some(false), None)
        .await
        .succeeded();
    assert_eq!(plain.header.as_deref(), Some("X-Daytona-Preview-Token"));
    assert_eq!(
        fetch(&plain.url, &[("X-Daytona-Preview-Token", &plain.token)])
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn archive_needs_a_stopped_sandbox_waits_for_archived_and_start_restores_it() {
    let emu = Emulator::start(EmulatorOptions {
        transition_delay: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    emu.add_sandbox(SandboxSeed::new().named("box"));
    let cfg = config(&emu);

    let err = call(&emu, &cfg, "archive_sandbox", r#"{"sandbox": "box"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Conflict);
    assert!(err.message.contains("started"), "{err:?}");
    assert!(
        err.hint.as_deref().unwrap_or("").contains("stop_sandbox"),
        "{err:?}"
    );
    assert!(
        emu.requests().iter().all(|r| r.method == "GET"),
        "nothing is posted for a started sandbox"
    );
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("started"));

    ok(&emu, &cfg, "stop_sandbox", json!({"sandbox": "box"})).await;
    emu.clear_requests();
    let archived = ok(&emu, &cfg, "archive_sandbox", json!({"sandbox": "box"})).await;
    assert_eq!(archived["state"], "archived");
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("archived"));
    let paths: Vec<String> = emu
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path_only()))
        .collect();
    let post = paths
        .iter()
        .position(|p| p.starts_with("POST") && p.ends_with("/archive"))
        .unwrap_or_else(|| panic!("{paths:?}"));
    assert!(
        paths.len() > post + 1,
        "it waited through archiving: {paths:?}"
    );

    // Again: unchanged, nothing posted.
    emu.clear_requests();
    let again = ok(&emu, &cfg, "archive_sandbox", json!({"sandbox": "box"})).await;
    assert_eq!(again["state"], "archived");
    assert!(emu.requests().iter().all(|r| r.method == "GET"));

    let got = ok(&emu, &cfg, "get_sandbox", json!({"sandbox": "box"})).await;
    assert_eq!(got["state"], "archived");
    let started = ok(&emu, &cfg, "start_sandbox", json!({"sandbox": "box"})).await;
    assert_eq!(started["state"], "started");

    // The typed interface: stop, archive with no wait, then it gets there.
    let mut inst = instance(&cfg).await;
    let (sandboxes, store) = inst.sandboxes();
    sandboxes
        .call_stop_sandbox(&mut *store, "box", false, None)
        .await
        .succeeded();
    let (sandboxes, store) = inst.sandboxes();
    let at_once = sandboxes
        .call_archive_sandbox(&mut *store, "box", Some(0))
        .await
        .succeeded();
    assert_eq!(at_once.state, "archiving");
    let (sandboxes, store) = inst.sandboxes();
    let waited = sandboxes
        .call_archive_sandbox(&mut *store, "box", None)
        .await
        .succeeded();
    assert_eq!(waited.state, "archived");
    let (sandboxes, store) = inst.sandboxes();
    let err = sandboxes
        .call_archive_sandbox(&mut *store, "ghost", None)
        .await
        .failed();
    assert_kind(&err, ErrorKind::NotFound);
}

#[tokio::test]
async fn labels_are_replaced_and_list_sandboxes_finds_them() {
    let emu = emulator();
    emu.add_sandbox(
        SandboxSeed::new()
            .named("box")
            .with_labels([("team", "ai")]),
    );
    emu.add_sandbox(
        SandboxSeed::new()
            .named("other")
            .with_labels([("team", "ai")]),
    );
    let cfg = config(&emu);

    let set = ok(
        &emu,
        &cfg,
        "set_sandbox_labels",
        json!({"sandbox": "box", "labels": {"task": "tests", "owner": "ci"}}),
    )
    .await;
    assert_eq!(set, json!({"labels": {"owner": "ci", "task": "tests"}}));
    assert_eq!(
        emu.sandbox("box").unwrap()["labels"],
        json!({"owner": "ci", "task": "tests"}),
        "the old label is gone"
    );
    let put = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.path, "/api/sandbox/box/labels");

    let found = ok(
        &emu,
        &cfg,
        "list_sandboxes",
        json!({"labels": {"task": "tests"}}),
    )
    .await;
    let names: Vec<&str> = found["sandboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["box"]);
    let still = ok(
        &emu,
        &cfg,
        "list_sandboxes",
        json!({"labels": {"team": "ai"}}),
    )
    .await;
    assert_eq!(still["sandboxes"][0]["name"], "other");
    assert_eq!(still["sandboxes"].as_array().unwrap().len(), 1);

    // `labels` is required; {} removes every label.
    let err = call(&emu, &cfg, "set_sandbox_labels", r#"{"sandbox": "box"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    let mut inst = instance(&cfg).await;
    let (sandboxes, store) = inst.sandboxes();
    let typed = sandboxes
        .call_set_sandbox_labels(&mut *store, "box", &[("k".to_string(), "v".to_string())])
        .await
        .succeeded();
    assert_eq!(typed, [("k".to_string(), "v".to_string())]);
    let cleared = ok(
        &emu,
        &cfg,
        "set_sandbox_labels",
        json!({"sandbox": "box", "labels": {}}),
    )
    .await;
    assert_eq!(cleared, json!({"labels": {}}));
    assert_eq!(emu.sandbox("box").unwrap()["labels"], json!({}));
    let err = call(
        &emu,
        &cfg,
        "set_sandbox_labels",
        r#"{"sandbox": "ghost", "labels": {}}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
}
