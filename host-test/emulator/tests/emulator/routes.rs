//! The Daytona emulator over plain HTTP: pagination, auth and error bodies, the lifecycle,
//! command execution, faults, snapshots and API keys, checked against what Daytona answers.

use std::time::{Duration, SystemTime};

use daytona_emulator::{Emulator, EmulatorOptions, FAIL_LABEL, Fault, SandboxSeed};
use serde_json::{Value, json};

use crate::http;

use http::Resp;

/// A caller with fixed credentials.
struct Client {
    base: String,
    auth: Vec<(String, String)>,
}

impl Client {
    fn key(emu: &Emulator, key: &str) -> Client {
        Client {
            base: emu.base_url(),
            auth: vec![("authorization".into(), format!("Bearer {key}"))],
        }
    }

    fn master(emu: &Emulator) -> Client {
        Self::key(emu, &emu.api_key())
    }

    fn jwt(emu: &Emulator) -> Client {
        let mut c = Self::key(emu, &emu.jwt());
        c.auth
            .push(("x-daytona-organization-id".into(), emu.organization_id()));
        c
    }

    fn anonymous(emu: &Emulator) -> Client {
        Client {
            base: emu.base_url(),
            auth: vec![],
        }
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let headers: Vec<(&str, &str)> = self
            .auth
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let body = body.map(|b| b.to_string().into_bytes());
        http::send(method, &format!("{}{path}", self.base), &headers, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    async fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> Resp {
        self.call("DELETE", path, None).await
    }
}

fn start(opts: EmulatorOptions) -> Emulator {
    Emulator::start(opts).expect("emulator starts")
}

/// Asserts Daytona's API error shape and returns the message.
fn api_error(resp: &Resp, status: u16, path: &str) -> String {
    assert_eq!(
        resp.status,
        status,
        "{}",
        String::from_utf8_lossy(&resp.body)
    );
    let body = resp.json();
    assert_eq!(body["statusCode"], status);
    assert_eq!(body["path"], path);
    assert!(
        body["error"].is_string() && body["timestamp"].is_string() && body["code"].is_string(),
        "{body}"
    );
    body["message"].as_str().expect("message").to_string()
}

async fn create(c: &Client, body: Value) -> Value {
    let r = c.post("/api/sandbox", body).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

// ---------------------------------------------------------------- listing and pagination

#[tokio::test]
async fn listing_follows_next_cursor_over_several_pages() {
    let emu = start(EmulatorOptions {
        page_size_cap: Some(2),
        ..Default::default()
    });
    let ids: Vec<String> = (0..5)
        .map(|i| emu.add_sandbox(SandboxSeed::new().named(&format!("s{i}"))))
        .collect();
    let c = Client::master(&emu);
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    loop {
        let path = match &cursor {
            Some(cur) => format!("/api/sandbox?limit=100&cursor={cur}"),
            None => "/api/sandbox?limit=100".to_string(),
        };
        let page = c.get(&path).await.json();
        pages += 1;
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|s| s["id"].as_str().unwrap().to_string()));
        match page["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => {
                assert!(
                    page["nextCursor"].is_null(),
                    "last page says nextCursor: null"
                );
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
}

#[tokio::test]
async fn listing_filters_by_name_id_labels_and_states() {
    let emu = start(EmulatorOptions::default());
    let web = emu.add_sandbox(
        SandboxSeed::new()
            .named("web-1")
            .with_labels([("team", "a")]),
    );
    emu.add_sandbox(
        SandboxSeed::new()
            .named("web-2")
            .in_state("stopped")
            .with_labels([("team", "b")]),
    );
    emu.add_sandbox(
        SandboxSeed::new()
            .named("db")
            .in_state("error")
            .error_reason("disk"),
    );
    let c = Client::master(&emu);
    let names = |v: Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(c.get("/api/sandbox?name=WEB").await.json()),
        ["web-2", "web-1"]
    );
    assert_eq!(
        names(
            c.get(&format!("/api/sandbox?id={}", &web[..8]))
                .await
                .json()
        ),
        ["web-1"]
    );
    let labels = form_encode(r#"{"team":"a"}"#);
    assert_eq!(
        names(c.get(&format!("/api/sandbox?labels={labels}")).await.json()),
        ["web-1"]
    );
    assert_eq!(
        names(
            c.get("/api/sandbox?states=stopped&states%5B%5D=error")
                .await
                .json()
        ),
        ["db", "web-2"]
    );
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn listing_rejects_bad_limits_labels_states_and_cursors() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    for (query, fragment) in [
        ("limit=0", "limit must not be less than 1"),
        ("limit=201", "limit must not be greater than 200"),
        ("limit=ten", "limit must be a number"),
        ("labels=%7Bnot-json", "labels must be a JSON-encoded object"),
        ("states=running", "each value in states must be one of"),
        ("cursor=garbage", "Invalid cursor"),
    ] {
        let path = format!("/api/sandbox?{query}");
        let message = api_error(&c.get(&path).await, 400, &path);
        assert!(message.contains(fragment), "{query}: {message}");
    }
}

#[tokio::test]
async fn snapshots_are_paged_by_page_number() {
    let emu = start(EmulatorOptions {
        page_size_cap: Some(2),
        ..Default::default()
    });
    emu.add_snapshot("mine:1");
    emu.add_snapshot_in_state("mine:2", "building");
    let c = Client::master(&emu);
    let first = c.get("/api/snapshots?sort=name&order=asc").await.json();
    assert_eq!(
        (
            first["total"].as_i64(),
            first["page"].as_i64(),
            first["totalPages"].as_i64()
        ),
        (Some(5), Some(1), Some(3))
    );
    let third = c
        .get("/api/snapshots?sort=name&order=asc&page=3")
        .await
        .json();
    assert_eq!(third["items"].as_array().unwrap().len(), 1);
    let snap = &first["items"][0];
    for field in [
        "id",
        "general",
        "name",
        "state",
        "size",
        "entrypoint",
        "cpu",
        "gpu",
        "mem",
        "disk",
        "errorReason",
        "createdAt",
        "updatedAt",
        "lastUsedAt",
        "sourceSandboxId",
    ] {
        assert!(snap.get(field).is_some(), "SnapshotDto.{field} is required");
    }
    let named = c.get("/api/snapshots?name=MINE").await.json();
    assert_eq!(named["total"], 2);
    let path = "/api/snapshots?page=0";
    assert!(api_error(&c.get(path).await, 400, path).contains("page must not be less than 1"));
    // Creating from a snapshot that is not active is refused.
    let r = c.post("/api/sandbox", json!({"snapshot": "mine:2"})).await;
    assert_eq!(
        api_error(&r, 400, "/api/sandbox"),
        "Snapshot mine:2 is building"
    );
}

// ---------------------------------------------------------------- auth and error bodies

#[tokio::test]
async fn missing_or_unknown_credentials_get_a_nestjs_401() {
    let emu = start(EmulatorOptions::default());
    let r = Client::anonymous(&emu).get("/api/sandbox?limit=5").await;
    let body = r.json();
    assert_eq!(
        api_error(&r, 401, "/api/sandbox?limit=5"),
        "Invalid credentials"
    );
    assert_eq!(body["error"], "Unauthorized");
    assert_eq!(body["code"], "UNAUTHORIZED");
    let r = Client::key(&emu, &format!("dtn_{}", "0".repeat(64)))
        .get("/api/sandbox")
        .await;
    assert_eq!(api_error(&r, 401, "/api/sandbox"), "Invalid credentials");
    // The toolbox proxy refuses in the toolbox shape.
    let id = emu.add_sandbox(SandboxSeed::new());
    let path = format!("/toolbox/{id}/process/execute");
    let r = Client::anonymous(&emu)
        .post(&path, json!({"command": "true"}))
        .await;
    assert_eq!(r.status, 401);
    let body = r.json();
    assert_eq!(
        (
            body["statusCode"].as_u64(),
            body["method"].as_str(),
            body["path"].as_str()
        ),
        (Some(401), Some("POST"), Some(path.as_str()))
    );
}

#[tokio::test]
async fn a_jwt_needs_the_organization_header() {
    let emu = start(EmulatorOptions::default());
    let bare = Client::key(&emu, &emu.jwt());
    assert_eq!(
        api_error(&bare.get("/api/sandbox").await, 403, "/api/sandbox"),
        "Invalid authentication context"
    );
    let mut wrong = Client::key(&emu, &emu.jwt());
    wrong
        .auth
        .push(("x-daytona-organization-id".into(), "another-org".into()));
    assert_eq!(wrong.get("/api/sandbox").await.status, 403);
    assert_eq!(Client::jwt(&emu).get("/api/sandbox").await.status, 200);
}

#[tokio::test]
async fn unknown_routes_answer_404_naming_the_request() {
    let emu = start(EmulatorOptions::default());
    // Daytona sets `public` with POST; a PUT is nobody's route.
    let r = Client::master(&emu)
        .call("PUT", "/api/sandbox/x/public/true", Some(json!({})))
        .await;
    assert_eq!(
        api_error(&r, 404, "/api/sandbox/x/public/true"),
        "Cannot PUT /api/sandbox/x/public/true"
    );
    let r = Client::master(&emu)
        .call("PATCH", "/api/sandbox", Some(json!({})))
        .await;
    assert_eq!(
        api_error(&r, 404, "/api/sandbox"),
        "Cannot PATCH /api/sandbox"
    );
    let r = Client::anonymous(&emu).get("/api/no-such-thing").await;
    assert_eq!(
        api_error(&r, 404, "/api/no-such-thing"),
        "Cannot GET /api/no-such-thing"
    );
}

#[tokio::test]
async fn config_is_public_and_names_the_toolbox_proxy() {
    let emu = start(EmulatorOptions::default());
    let r = Client::anonymous(&emu).get("/api/config").await;
    assert_eq!(r.status, 200);
    let config = r.json();
    assert_eq!(config["proxyToolboxUrl"], emu.toolbox_url());
    for field in [
        "version",
        "oidc",
        "linkedAccountsEnabled",
        "announcements",
        "proxyTemplateUrl",
        "defaultSnapshot",
        "dashboardUrl",
        "maxAutoArchiveInterval",
        "maintananceMode",
        "environment",
    ] {
        assert!(
            config.get(field).is_some(),
            "DaytonaConfiguration.{field} is required"
        );
    }
}

#[tokio::test]
async fn requests_are_recorded_with_their_headers() {
    let emu = start(EmulatorOptions::default());
    Client::jwt(&emu).get("/api/sandbox?limit=3").await;
    let reqs = emu.requests();
    let last = reqs.last().expect("recorded");
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("GET", "/api/sandbox?limit=3")
    );
    assert_eq!(
        last.header("X-Daytona-Organization-ID"),
        Some(emu.organization_id().as_str())
    );
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {}", emu.jwt()).as_str())
    );
}

// ---------------------------------------------------------------- sandboxes

const REQUIRED_SANDBOX_FIELDS: [&str; 17] = [
    "id",
    "organizationId",
    "name",
    "user",
    "env",
    "labels",
    "public",
    "networkBlockAll",
    "kvm",
    "target",
    "cpu",
    "gpu",
    "memory",
    "disk",
    "toolboxProxyUrl",
    "state",
    "createdAt",
];

#[tokio::test]
async fn a_created_sandbox_has_every_required_field() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let s = create(
        &c,
        json!({"name": "full", "env": {"A": "1"}, "labels": {"x": "y"}}),
    )
    .await;
    for field in REQUIRED_SANDBOX_FIELDS {
        assert!(
            s.get(field).is_some_and(|v| !v.is_null()),
            "Sandbox.{field} missing in {s}"
        );
    }
    assert_eq!(s["state"], "started");
    assert_eq!(s["snapshot"], "daytonaio/sandbox:0.5.0");
    assert_eq!(s["toolboxProxyUrl"], format!("{}/toolbox", emu.base_url()));
    assert!(s["cpu"].is_i64() && s["kvm"].is_boolean() && s["env"]["A"] == "1");
    assert!(s["createdAt"].as_str().unwrap().ends_with('Z'));
    let listed = c.get("/api/sandbox").await.json();
    let item = &listed["items"][0];
    for field in [
        "id",
        "organizationId",
        "name",
        "target",
        "user",
        "public",
        "networkBlockAll",
        "cpu",
        "gpu",
        "memory",
        "disk",
        "labels",
        "toolboxProxyUrl",
    ] {
        assert!(item.get(field).is_some(), "SandboxListItem.{field} missing");
    }
}

#[tokio::test]
async fn create_is_validated_like_daytona() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    create(&c, json!({"name": "taken"})).await;
    let r = c.post("/api/sandbox", json!({"name": "taken"})).await;
    assert_eq!(
        api_error(&r, 409, "/api/sandbox"),
        "Sandbox with name taken already exists"
    );
    let r = c
        .post(
            "/api/sandbox",
            json!({"snapshot": "daytonaio/sandbox:0.5.0", "cpu": 2}),
        )
        .await;
    assert_eq!(
        api_error(&r, 400, "/api/sandbox"),
        "Cannot specify Sandbox resources when using a snapshot"
    );
    let r = c.post("/api/sandbox", json!({"memory": 4})).await;
    assert_eq!(
        r.status, 400,
        "resources without buildInfo mean the default snapshot"
    );
    let r = c.post("/api/sandbox", json!({"snapshot": "nope:1"})).await;
    assert!(api_error(&r, 400, "/api/sandbox").starts_with("Snapshot nope:1 not found"));
    let r = c.post("/api/sandbox", json!({"cpu": "lots"})).await;
    assert!(api_error(&r, 400, "/api/sandbox").starts_with("cpu: "));
    let r = c.call("POST", "/api/sandbox", None).await;
    assert_eq!(r.status, 200, "an empty body is a default create");
    let r = http::send(
        "POST",
        &format!("{}/api/sandbox", emu.base_url()),
        &[("authorization", &format!("Bearer {}", emu.api_key()))],
        Some(b"{\"name\": ".to_vec()),
    )
    .await
    .unwrap();
    assert!(api_error(&r, 400, "/api/sandbox").starts_with("Invalid JSON"));
    let built = create(
        &c,
        json!({"buildInfo": {"dockerfileContent": "FROM alpine"}, "cpu": 2, "memory": 4}),
    )
    .await;
    assert_eq!(
        (built["cpu"].as_i64(), built["memory"].as_i64()),
        (Some(2), Some(4))
    );
}

#[tokio::test]
async fn stop_start_and_delete_walk_the_states() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let id = create(&c, json!({})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        c.post(&format!("/api/sandbox/{id}/stop?force=true"), json!(null))
            .await
            .json()["state"],
        "stopped"
    );
    let path = format!("/api/sandbox/{id}/stop");
    assert_eq!(
        api_error(&c.post(&path, json!(null)).await, 400, &path),
        "Sandbox is not started"
    );
    assert_eq!(
        c.post(&format!("/api/sandbox/{id}/start"), json!(null))
            .await
            .json()["state"],
        "started"
    );
    assert_eq!(
        c.post(&format!("/api/sandbox/{id}/start"), json!(null))
            .await
            .status,
        200,
        "start of a started sandbox"
    );
    let deleted = c.delete(&format!("/api/sandbox/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(deleted.json()["desiredState"], "destroyed");
    let path = format!("/api/sandbox/{id}");
    assert!(api_error(&c.get(&path).await, 404, &path).contains("not found"));
    assert_eq!(emu.sandbox_state(&id), None);
    assert_eq!(c.delete(&path).await.status, 404);
}

#[tokio::test]
async fn archive_takes_a_stopped_sandbox_to_archived_and_start_restores_it() {
    let emu = start(EmulatorOptions {
        transition_delay: Duration::from_secs(10),
        ..Default::default()
    });
    let c = Client::master(&emu);
    let clock = emu.clock();
    let id = emu.add_sandbox(SandboxSeed::new().named("box"));
    let path = format!("/api/sandbox/{id}/archive");
    // Daytona archives only stopped sandboxes: a started one is its SandboxError, a 400.
    assert_eq!(
        api_error(&c.post(&path, json!(null)).await, 400, &path),
        "Sandbox is not stopped"
    );
    c.post(&format!("/api/sandbox/{id}/stop"), json!(null))
        .await;
    clock.advance(Duration::from_secs(10));
    let archiving = c.post(&path, json!(null)).await.json();
    assert_eq!(
        (
            archiving["state"].as_str(),
            archiving["desiredState"].as_str()
        ),
        (Some("archiving"), Some("archived"))
    );
    assert_eq!(
        api_error(&c.post(&path, json!(null)).await, 409, &path),
        "Sandbox state change in progress"
    );
    clock.advance(Duration::from_secs(10));
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("archived"));
    assert_eq!(
        api_error(&c.post(&path, json!(null)).await, 400, &path),
        "Sandbox is not stopped",
        "archiving an archived sandbox"
    );
    let restoring = c
        .post(&format!("/api/sandbox/{id}/start"), json!(null))
        .await
        .json();
    assert_eq!(restoring["state"], "restoring");
    clock.advance(Duration::from_secs(10));
    assert_eq!(emu.sandbox_state("box").as_deref(), Some("started"));

    // A start interrupts archiving, as Daytona allows.
    c.post(&format!("/api/sandbox/{id}/stop"), json!(null))
        .await;
    clock.advance(Duration::from_secs(10));
    c.post(&path, json!(null)).await;
    let starting = c
        .post(&format!("/api/sandbox/{id}/start"), json!(null))
        .await;
    assert_eq!(starting.status, 200, "{}", starting.text());
    assert_eq!(starting.json()["state"], "starting");

    for (seed, message) in [
        (
            SandboxSeed::new().in_state("error").error_reason("oom"),
            "Sandbox is in an errored state",
        ),
        (
            SandboxSeed::new()
                .in_state("stopped")
                .auto_delete_interval(0),
            "Ephemeral sandboxes cannot be archived",
        ),
    ] {
        let other = emu.add_sandbox(seed);
        let path = format!("/api/sandbox/{other}/archive");
        assert_eq!(
            api_error(&c.post(&path, json!(null)).await, 400, &path),
            message
        );
    }
    let path = "/api/sandbox/ghost/archive";
    assert!(api_error(&c.post(path, json!(null)).await, 404, path).contains("ghost"));
}

#[tokio::test]
async fn labels_are_replaced_whole() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let id = create(
        &c,
        json!({"name": "lab", "labels": {"team": "ai", "tier": "dev"}}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/sandbox/{id}/labels");
    let put = c
        .call("PUT", &path, Some(json!({"labels": {"task": "tests"}})))
        .await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.json(), json!({"labels": {"task": "tests"}}));
    assert_eq!(
        emu.sandbox("lab").unwrap()["labels"],
        json!({"task": "tests"})
    );
    let listed = c
        .get("/api/sandbox?labels=%7B%22task%22%3A%22tests%22%7D")
        .await
        .json();
    assert_eq!(listed["items"][0]["id"], id.as_str());
    let by_name = c
        .call(
            "PUT",
            "/api/sandbox/lab/labels",
            Some(json!({"labels": {}})),
        )
        .await;
    assert_eq!(by_name.json(), json!({"labels": {}}));
    for bad in [
        json!({}),
        json!({"labels": {"a": 1}}),
        json!({"labels": "a=b"}),
    ] {
        let r = c.call("PUT", &path, Some(bad.clone())).await;
        api_error(&r, 400, &path);
    }
    let path = "/api/sandbox/ghost/labels";
    let r = c.call("PUT", path, Some(json!({"labels": {}}))).await;
    api_error(&r, 404, path);
}

// ---------------------------------------------------------------- execution

#[tokio::test]
async fn exec_runs_the_command_in_the_sandbox_directory() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let id = create(&c, json!({"env": {"FROM_SANDBOX": "sb"}})).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let exec = |body: Value| {
        let (c, id) = (&c, &id);
        async move {
            c.post(&format!("/toolbox/{id}/process/execute"), body)
                .await
                .json()
        }
    };
    assert_eq!(
        exec(json!({"command": "echo hi"})).await,
        json!({"exitCode": 0, "result": "hi\n"})
    );
    let r = exec(json!({"command": "echo out; echo err 1>&2; exit 7"})).await;
    assert_eq!(
        (r["exitCode"].as_i64(), r["result"].as_str()),
        (Some(7), Some("out\nerr\n"))
    );
    let r = exec(
        json!({"command": "echo $FROM_SANDBOX $FROM_REQUEST", "envs": {"FROM_REQUEST": "req"}}),
    )
    .await;
    assert_eq!(r["result"], "sb req\n");
    exec(json!({"command": "mkdir -p a/b"})).await;
    let r = exec(json!({"command": "pwd", "cwd": "a/b"})).await;
    let dir = emu.sandbox_dir(&id).unwrap();
    assert_eq!(
        r["result"].as_str().unwrap().trim(),
        dir.join("a/b").to_str().unwrap()
    );
    let r = exec(json!({"command": "true", "cwd": "/no/such/dir"})).await;
    assert_eq!(r["exitCode"], -1, "a command that cannot start gives -1");
    // The deprecated route through the API runs commands too.
    let legacy = c
        .post(
            &format!("/api/toolbox/{id}/toolbox/process/execute"),
            json!({"command": "echo legacy"}),
        )
        .await;
    assert_eq!(legacy.json(), json!({"exitCode": 0, "result": "legacy\n"}));
    let path = format!("/toolbox/{id}/process/execute");
    let r = c.post(&path, json!({"cmd": "x"})).await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (400, Some("command is required"))
    );
}

#[tokio::test]
async fn exec_timeout_kills_the_whole_process_group() {
    let emu = start(EmulatorOptions::default());
    let id = emu.add_sandbox(SandboxSeed::new());
    let c = Client::master(&emu);
    let path = format!("/toolbox/{id}/process/execute");
    // A 408 (not the command's own 200 after 600 s) shows the timeout fired.
    let r = c
        .post(
            &path,
            json!({"command": "sleep 600 & echo $! > bg.pid; sleep 600", "timeout": 1}),
        )
        .await;
    assert_eq!(r.status, 408);
    let body = r.json();
    for field in [
        "statusCode",
        "message",
        "code",
        "timestamp",
        "path",
        "method",
    ] {
        assert!(
            body.get(field).is_some(),
            "toolbox error has {field}: {body}"
        );
    }
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Command execution timed out after 1 seconds")
    );
    let pid: u32 = std::fs::read_to_string(emu.sandbox_dir(&id).unwrap().join("bg.pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The outcome is asserted; the minute is only a guard against a hang.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::path::Path::new(&format!("/proc/{pid}")).exists()
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "background process {pid} survived the timeout"
    );
    // The emulator forgets the group once its leader is reaped (again a hang guard only).
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while emu.running_process_groups() > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(emu.running_process_groups(), 0);
    // The legacy route answers the timeout in the API shape.
    let legacy = format!("/api/toolbox/{id}/toolbox/process/execute");
    let r = c
        .post(&legacy, json!({"command": "sleep 600", "timeout": 1}))
        .await;
    assert!(api_error(&r, 408, &legacy).contains("timed out"));
}

#[tokio::test]
async fn exec_needs_a_started_sandbox() {
    let emu = start(EmulatorOptions::default());
    let id = emu.add_sandbox(SandboxSeed::new().in_state("stopped"));
    let r = Client::master(&emu)
        .post(
            &format!("/toolbox/{id}/process/execute"),
            json!({"command": "true"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (400, Some("Sandbox is not running"))
    );
    let r = Client::master(&emu)
        .post("/toolbox/nope/process/execute", json!({"command": "true"}))
        .await;
    assert_eq!(r.status, 404);
}

// ---------------------------------------------------------------- faults

#[tokio::test]
async fn scripted_faults_are_consumed_in_order() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    emu.fail_next(
        "GET",
        "/api/sandbox",
        Fault::Status {
            status: 503,
            headers: vec![("Retry-After".into(), "2".into())],
            body: "{}".into(),
        },
    );
    emu.fail_next("GET", "/api/sandbox", Fault::BrokenJson);
    emu.fail_next(
        "*",
        "/api/sandbox",
        Fault::Delay(Duration::from_millis(300)),
    );
    emu.fail_next("GET", "/api/snapshots", Fault::Oversized(10_000));
    let r = c.get("/api/sandbox").await;
    assert_eq!((r.status, r.header("retry-after")), (503, Some("2")));
    let r = c.get("/api/sandbox").await;
    assert!(serde_json::from_slice::<Value>(&r.body).is_err());
    // The delay fault is consumed and the request then served normally.
    assert_eq!(c.get("/api/sandbox").await.status, 200);
    assert_eq!(emu.pending_faults(), 1, "only the oversized fault is left");
    let r = c.get("/api/snapshots").await;
    assert_eq!(r.body.len(), 10_000);
    assert!(serde_json::from_slice::<Value>(&r.body).is_ok());
    assert_eq!(emu.pending_faults(), 0);
    emu.fail_next("GET", "/api/sandbox", Fault::Disconnect);
    let broken = http::send("GET", &format!("{}/api/sandbox", emu.base_url()), &[], None).await;
    assert!(broken.is_err(), "the connection should break mid-body");
    assert_eq!(c.get("/api/sandbox").await.status, 200);
}

#[tokio::test]
async fn rate_limit_faults_carry_the_throttler_headers() {
    let emu = start(EmulatorOptions::default());
    let id = emu.add_sandbox(SandboxSeed::new());
    emu.fail_next(
        "POST",
        "/api/sandbox/",
        Fault::rate_limited("sandbox-lifecycle", 3),
    );
    let path = format!("/api/sandbox/{id}/stop");
    let r = Client::master(&emu).post(&path, json!(null)).await;
    assert_eq!(
        api_error(&r, 429, &path),
        "ThrottlerException: Too Many Requests"
    );
    assert_eq!(r.json()["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(r.header("retry-after-sandbox-lifecycle"), Some("3"));
    assert_eq!(
        r.header("x-ratelimit-remaining-sandbox-lifecycle"),
        Some("0")
    );
    assert!(
        r.header("x-ratelimit-limit-sandbox-lifecycle").is_some()
            && r.header("x-ratelimit-reset-sandbox-lifecycle").is_some()
    );
    assert_eq!(
        emu.sandbox_state(&id).as_deref(),
        Some("started"),
        "a throttled request does nothing"
    );
    let stops = emu
        .requests()
        .iter()
        .filter(|r| r.path_only() == path)
        .count();
    assert_eq!(stops, 1);
}

// ---------------------------------------------------------------- phase 2: lifecycle details

#[tokio::test]
async fn transitional_states_last_the_delay_and_block_other_actions() {
    let emu = start(EmulatorOptions {
        transition_delay: Duration::from_secs(3600),
        ..Default::default()
    });
    let c = Client::master(&emu);
    let clock = emu.clock();
    let s = create(&c, json!({"name": "slow"})).await;
    assert_eq!(s["state"], "creating");
    let id = s["id"].as_str().unwrap().to_string();
    for action in ["start", "stop"] {
        let path = format!("/api/sandbox/{id}/{action}");
        assert_eq!(
            api_error(&c.post(&path, json!(null)).await, 409, &path),
            "Sandbox state change in progress"
        );
    }
    let path = format!("/api/sandbox/{id}");
    assert_eq!(
        api_error(&c.delete(&path).await, 409, &path),
        "Sandbox state change in progress"
    );
    clock.advance(Duration::from_secs(3600));
    assert_eq!(c.get(&path).await.json()["state"], "started");
    assert_eq!(
        c.post(&format!("{path}/stop"), json!(null)).await.json()["state"],
        "stopping"
    );
    clock.advance(Duration::from_secs(3600));
    assert_eq!(emu.sandbox_state("slow").as_deref(), Some("stopped"));
    assert_eq!(
        c.post(&format!("{path}/start"), json!(null)).await.json()["state"],
        "starting"
    );
    clock.advance(Duration::from_secs(3600));
    let deleted = c.delete(&path).await.json();
    assert_eq!(
        (deleted["state"].as_str(), deleted["desiredState"].as_str()),
        (Some("destroying"), Some("destroyed"))
    );
    assert_eq!(c.get(&path).await.json()["state"], "destroying");
    clock.advance(Duration::from_secs(3600));
    assert_eq!(c.get(&path).await.status, 404);
}

#[tokio::test]
async fn sandboxes_can_fail_to_start() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let s = create(&c, json!({"labels": {FAIL_LABEL: "no capacity in region"}})).await;
    assert_eq!(
        (s["state"].as_str(), s["errorReason"].as_str()),
        (Some("error"), Some("no capacity in region"))
    );
    let s = create(
        &c,
        json!({"labels": {daytona_emulator::BUILD_FAIL_LABEL: "bad Dockerfile"}}),
    )
    .await;
    assert_eq!(s["state"], "build_failed");
    let id = emu.add_sandbox(SandboxSeed::new().in_state("error").error_reason("oom"));
    let path = format!("/api/sandbox/{id}/start");
    assert_eq!(
        api_error(&c.post(&path, json!(null)).await, 400, &path),
        "Sandbox is not in valid state"
    );
    assert_eq!(
        c.delete(&format!("/api/sandbox/{id}")).await.status,
        200,
        "errored sandboxes can be deleted"
    );
    let odd = emu.add_sandbox(SandboxSeed::new().in_state("hibernating"));
    assert_eq!(
        c.get(&format!("/api/sandbox/{odd}")).await.json()["state"],
        "hibernating"
    );
}

/// The status of `true` run through the toolbox proxy's execute route.
async fn proxy_execute(c: &Client, id: &str) -> u16 {
    c.post(
        &format!("/toolbox/{id}/process/execute"),
        json!({"command": "true"}),
    )
    .await
    .status
}

/// The answer to `command` run through the deprecated execute route.
async fn legacy_execute(c: &Client, id: &str, command: &str) -> Value {
    c.post(
        &format!("/api/toolbox/{id}/toolbox/process/execute"),
        json!({ "command": command }),
    )
    .await
    .json()
}

#[tokio::test]
async fn without_the_toolbox_proxy_only_the_legacy_route_executes() {
    let emu = start(EmulatorOptions {
        toolbox_proxy: false,
        ..Default::default()
    });
    let c = Client::master(&emu);
    let s = create(&c, json!({})).await;
    assert!(s.get("toolboxProxyUrl").is_none());
    let id = s["id"].as_str().unwrap();
    assert_eq!(
        c.get(&format!("/api/sandbox/{id}/toolbox-proxy-url"))
            .await
            .status,
        404
    );
    assert_eq!(proxy_execute(&c, id).await, 404);
    assert_eq!(legacy_execute(&c, id, "echo ok").await["result"], "ok\n");
    emu.update_options(|o| {
        o.toolbox_proxy = true;
        o.toolbox_proxy_404 = true;
        o.legacy_exec_code_field = true;
    });
    assert_eq!(
        c.get(&format!("/api/sandbox/{id}")).await.json()["toolboxProxyUrl"],
        format!("{}/toolbox", emu.base_url())
    );
    assert_eq!(
        c.get(&format!("/api/sandbox/{id}/toolbox-proxy-url"))
            .await
            .json()["url"],
        format!("{}/toolbox", emu.base_url())
    );
    assert_eq!(proxy_execute(&c, id).await, 404);
    assert_eq!(
        legacy_execute(&c, id, "exit 4").await,
        json!({"code": 4, "result": ""}),
        "older daemons say code"
    );
}

// ---------------------------------------------------------------- phase 2: API keys

#[tokio::test]
async fn api_keys_are_managed_with_a_jwt() {
    let emu = start(EmulatorOptions::default());
    let c = Client::jwt(&emu);
    let r = c.post("/api/api-keys", json!({"name": "vend-1", "permissions": ["write:sandboxes"], "expiresAt": "2099-01-01T00:00:00.000Z"})).await;
    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
    let created = r.json();
    let value = created["value"].as_str().unwrap().to_string();
    assert!(
        value.starts_with("dtn_")
            && value.len() == 68
            && value[4..].chars().all(|c| c.is_ascii_hexdigit())
    );
    assert_eq!(created["expiresAt"], "2099-01-01T00:00:00.000Z");
    assert_eq!(created["permissions"], json!(["write:sandboxes"]));
    let r = c
        .post(
            "/api/api-keys",
            json!({"name": "vend-1", "permissions": ["write:sandboxes"]}),
        )
        .await;
    assert_eq!(
        api_error(&r, 409, "/api/api-keys"),
        "API key with this name already exists"
    );

    let listed = c.get("/api/api-keys").await.json();
    let mine = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "vend-1")
        .expect("listed")
        .clone();
    assert_eq!(
        mine["value"],
        format!("dtn********************{}", &value[value.len() - 3..])
    );
    assert_eq!(mine["userId"], emu.user_id());
    assert_eq!(mine["organizationId"], emu.organization_id());
    assert!(mine["lastUsedAt"].is_null());
    assert_eq!(c.get("/api/api-keys/vend-1").await.json()["name"], "vend-1");

    Client::key(&emu, &value).get("/api/sandbox").await;
    assert!(
        c.get("/api/api-keys/vend-1").await.json()["lastUsedAt"].is_string(),
        "lastUsedAt is set on use"
    );
    let current = Client::key(&emu, &value).get("/api/api-keys/current").await;
    assert_eq!(current.json()["name"], "vend-1");
    let r = c.get("/api/api-keys/current").await;
    assert_eq!(r.status, 401, "current accepts only an API key");

    assert_eq!(c.delete("/api/api-keys/vend-1").await.status, 204);
    assert_eq!(
        api_error(
            &c.delete("/api/api-keys/vend-1").await,
            404,
            "/api/api-keys/vend-1"
        ),
        "API key not found"
    );
    assert_eq!(
        Client::key(&emu, &value).get("/api/sandbox").await.status,
        401,
        "a deleted key stops working"
    );
    emu.add_api_key("other", &["write:sandboxes"], None);
    let path = format!("/api/api-keys/{}/other", emu.user_id());
    assert_eq!(c.delete(&path).await.status, 204);
    assert_eq!(c.delete(&path).await.status, 404);
}

#[tokio::test]
async fn key_management_refuses_api_keys_unless_emulating_older_servers() {
    let emu = start(EmulatorOptions::default());
    let c = Client::master(&emu);
    let body = json!({"name": "k", "permissions": ["write:sandboxes"]});
    let message = api_error(
        &c.post("/api/api-keys", body.clone()).await,
        401,
        "/api/api-keys",
    );
    assert!(message.starts_with("Invalid credentials"), "{message}");
    assert_eq!(c.get("/api/api-keys").await.status, 401);
    emu.update_options(|o| o.allow_api_key_management = true);
    assert_eq!(c.post("/api/api-keys", body).await.status, 201);
    assert_eq!(c.get("/api/api-keys").await.status, 200);
}

#[tokio::test]
async fn key_requests_are_validated_and_limited_to_the_users_permissions() {
    let emu = start(EmulatorOptions::default());
    let c = Client::jwt(&emu);
    for bad in [
        json!({"name": "k", "permissions": ["write:everything"]}),
        json!({"name": "", "permissions": ["write:sandboxes"]}),
        json!({"name": "k", "permissions": []}),
        json!({"name": "k", "permissions": ["write:sandboxes"], "expiresAt": "whenever"}),
        json!(["k"]),
    ] {
        assert_eq!(
            c.post("/api/api-keys", bad.clone()).await.status,
            400,
            "{bad}"
        );
    }
    emu.set_user_permissions(Some(&["write:sandboxes"]));
    let r = c
        .post(
            "/api/api-keys",
            json!({"name": "k", "permissions": ["write:sandboxes", "delete:sandboxes"]}),
        )
        .await;
    assert_eq!(
        api_error(&r, 403, "/api/api-keys"),
        "Insufficient permissions for assigning: delete:sandboxes"
    );
    assert_eq!(
        c.post(
            "/api/api-keys",
            json!({"name": "k", "permissions": ["write:sandboxes"]})
        )
        .await
        .status,
        201
    );
}

#[tokio::test]
async fn minted_key_permissions_are_enforced_on_sandbox_routes() {
    let emu = start(EmulatorOptions::default());
    let id = emu.add_sandbox(SandboxSeed::new());
    let writer = Client::key(&emu, &emu.add_api_key("writer", &["write:sandboxes"], None));
    let reader = Client::key(&emu, &emu.add_api_key("reader", &["read:volumes"], None));
    assert_eq!(
        reader.get("/api/sandbox").await.status,
        200,
        "reading needs no permission"
    );
    assert_eq!(reader.get(&format!("/api/sandbox/{id}")).await.status, 200);
    assert_eq!(
        api_error(
            &reader.post("/api/sandbox", json!({})).await,
            403,
            "/api/sandbox"
        ),
        "Access denied"
    );
    assert_eq!(
        reader
            .post(&format!("/api/sandbox/{id}/stop"), json!(null))
            .await
            .status,
        403
    );
    assert_eq!(
        reader
            .post(
                &format!("/toolbox/{id}/process/execute"),
                json!({"command": "true"})
            )
            .await
            .status,
        403
    );
    assert_eq!(
        writer
            .post(&format!("/api/sandbox/{id}/stop"), json!(null))
            .await
            .status,
        200
    );
    assert_eq!(
        writer
            .post(&format!("/api/sandbox/{id}/start"), json!(null))
            .await
            .status,
        200
    );
    assert_eq!(
        writer.delete(&format!("/api/sandbox/{id}")).await.status,
        403,
        "delete needs delete:sandboxes"
    );
    assert_eq!(writer.post("/api/sandbox", json!({})).await.status, 200);
}

#[tokio::test]
async fn expired_keys_are_refused_on_every_route() {
    let emu = start(EmulatorOptions::default());
    let id = emu.add_sandbox(SandboxSeed::new());
    let clock = emu.clock();
    let expires = clock.now() + Duration::from_secs(3600);
    let key = emu.add_api_key(
        "short",
        &["write:sandboxes", "delete:sandboxes"],
        Some(expires),
    );
    let c = Client::key(&emu, &key);
    assert_eq!(c.get("/api/sandbox").await.status, 200);
    clock.advance(Duration::from_secs(3601));
    for (method, path) in [
        ("GET", "/api/sandbox".to_string()),
        ("POST", format!("/api/sandbox/{id}/stop")),
        ("GET", "/api/api-keys/current".to_string()),
    ] {
        let r = c.call(method, &path, None).await;
        assert_eq!(
            api_error(&r, 401, &path),
            "This API key has expired",
            "{method} {path}"
        );
        assert_eq!(r.json()["code"], "API_KEY_EXPIRED");
    }
    let r = c
        .post(
            &format!("/toolbox/{id}/process/execute"),
            json!({"command": "true"}),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["message"].as_str()),
        (401, Some("This API key has expired"))
    );
    let info = emu
        .api_keys()
        .into_iter()
        .find(|k| k.name == "short")
        .expect("expired keys are kept");
    assert_eq!(
        info.expires_at.map(|t| t
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis()),
        Some(
            expires
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_millis()
        )
    );
    assert!(info.last_used_at.is_some());
}
