//! Create, start, stop, delete, execute and snapshots through the real
//! component against the emulator: success and every error path, in both the
//! typed `sandboxes` interface and `call-tool`.

use crate::common;

use common::*;
use host_test::emulator::{Emulator, EmulatorOptions, Fault, SandboxSeed};
use host_test::harness::sandboxes::{CreateSandboxRequest, ExecuteRequest};
use host_test::harness::types::ErrorKind;
use std::time::Duration;

fn emulator_with_delay(ms: u64) -> Emulator {
    Emulator::start(EmulatorOptions {
        transition_delay: Duration::from_millis(ms),
        ..Default::default()
    })
    .unwrap()
}

fn create_request(name: &str) -> CreateSandboxRequest {
    CreateSandboxRequest {
        name: Some(name.into()),
        snapshot: None,
        user: None,
        env: vec![],
        labels: vec![],
        public: None,
        target: None,
        auto_stop_interval: None,
        auto_archive_interval: None,
        auto_delete_interval: None,
        network_block_all: None,
        network_allow_list: None,
        timeout: None,
    }
}

fn exec_request(sandbox: &str, command: &str) -> ExecuteRequest {
    ExecuteRequest {
        sandbox: sandbox.into(),
        command: command.into(),
        cwd: None,
        env: vec![],
        timeout: None,
    }
}

fn posts(emu: &Emulator, path: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path_only() == path)
        .count()
}

#[tokio::test]
async fn create_waits_until_started_in_both_interfaces() {
    let emu = emulator_with_delay(300);
    let cfg = config(&emu);
    let json = call(
        &emu,
        &cfg,
        "create_sandbox",
        r#"{"name": "dev", "labels": {"task": "t1"}, "env": {"FOO": "bar"}, "autoStopInterval": 0}"#,
    )
    .await
    .unwrap();
    assert_eq!(json["state"], "started");
    assert_eq!(json["name"], "dev");
    assert_eq!(json["labels"]["task"], "t1");
    let sent = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path_only() == "/api/sandbox")
        .unwrap();
    let body = sent.body_json().unwrap();
    assert_eq!(body["autoStopInterval"], 0);
    assert_eq!(body["env"]["FOO"], "bar");
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path_only().starts_with("/api/sandbox/"))
        .count();
    assert!(polls >= 1, "the create was followed by polling");

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest
        .call_create_sandbox(store, &create_request("dev2"))
        .await
        .succeeded();
    assert_eq!(typed.state, "started");
}

#[tokio::test]
async fn create_with_zero_timeout_returns_before_started() {
    let emu = emulator_with_delay(3_600_000);
    let cfg = config(&emu);
    let json = call(
        &emu,
        &cfg,
        "create_sandbox",
        r#"{"name": "quick", "timeout": 0}"#,
    )
    .await
    .unwrap();
    assert_eq!(json["state"], "creating");
}

#[tokio::test]
async fn create_running_out_of_time_names_the_sandbox_and_state() {
    let emu = emulator_with_delay(3_600_000);
    let cfg = config(&emu);
    let err = call(
        &emu,
        &cfg,
        "create_sandbox",
        r#"{"name": "slow", "timeout": 1}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Timeout);
    let id = emu.sandbox("slow").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        err.message.contains(&id) && err.message.contains("creating"),
        "{err:?}"
    );
    assert!(err.retryable);
}

#[tokio::test]
async fn a_sandbox_that_fails_ends_the_wait_with_its_reason() {
    let emu = emulator_with_delay(100);
    let cfg = config(&emu);
    let err = call(
        &emu,
        &cfg,
        "create_sandbox",
        r#"{"name": "broken", "labels": {"emulator/fail": "no capacity in region"}}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Upstream);
    assert!(!err.retryable, "{err:?}");
    assert!(
        err.message.contains("no capacity in region") && err.message.contains("error"),
        "{err:?}"
    );

    let mut req = create_request("broken2");
    req.labels = vec![(
        "emulator/build-failed".into(),
        "Dockerfile step 3 failed".into(),
    )];
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest.call_create_sandbox(store, &req).await.failed();
    assert_kind(&typed, ErrorKind::Upstream);
    assert!(
        typed.message.contains("Dockerfile step 3 failed")
            && typed.message.contains("build_failed")
    );
}

#[tokio::test]
async fn invalid_create_arguments_are_refused_before_sending() {
    let emu = emulator();
    let cfg = config(&emu);
    for (args, field) in [
        (r#"{"autoStopInterval": -1}"#, "autoStopInterval"),
        (r#"{"timeout": -5}"#, "timeout"),
        (
            r#"{"snapshot": "daytonaio/sandbox:0.5.0", "cpu": 2}"#,
            "cpu",
        ),
        (r#"{"env": {"1BAD": "x"}}"#, "env"),
        (r#"{"colour": "blue"}"#, "colour"),
    ] {
        let err = call(&emu, &cfg, "create_sandbox", args).await.unwrap_err();
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(err.message.contains(field), "{args}: {err:?}");
    }
    let mut req = create_request("x");
    req.auto_delete_interval = Some(-1);
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest.call_create_sandbox(store, &req).await.failed();
    assert_kind(&typed, ErrorKind::InvalidInput);
    assert!(typed.message.contains("autoDeleteInterval"));
    assert_eq!(posts(&emu, "/api/sandbox"), 0);
}

#[tokio::test]
async fn a_taken_name_is_a_conflict() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("taken"));
    let cfg = config(&emu);
    let err = call(&emu, &cfg, "create_sandbox", r#"{"name": "taken"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Conflict);
    assert_eq!(err.status, Some(409));
}

#[tokio::test]
async fn a_lost_create_answer_is_retried_once_and_a_409_returns_the_sandbox() {
    let emu = emulator();
    // The first attempt "created" it, then its answer was lost.
    let id = emu.add_sandbox(SandboxSeed::new().named("mine"));
    emu.fail_next("POST", "/api/sandbox", Fault::Disconnect);
    let cfg = config(&emu);
    let json = call(&emu, &cfg, "create_sandbox", r#"{"name": "mine"}"#)
        .await
        .unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(posts(&emu, "/api/sandbox"), 2);
}

#[tokio::test]
async fn a_lost_create_answer_without_a_name_is_not_retried() {
    let emu = emulator();
    emu.fail_next("POST", "/api/sandbox", Fault::Disconnect);
    let cfg = config(&emu);
    let err = call(&emu, &cfg, "create_sandbox", "{}").await.unwrap_err();
    assert_kind(&err, ErrorKind::Transport);
    assert!(err.hint.unwrap().contains("list_sandboxes"));
    assert_eq!(posts(&emu, "/api/sandbox"), 1);
}

#[tokio::test]
async fn stop_and_start_wait_for_their_states_and_repeat_as_no_ops() {
    let emu = emulator_with_delay(200);
    emu.add_sandbox(SandboxSeed::new().named("box"));
    let cfg = config(&emu);
    let stopped = call(&emu, &cfg, "stop_sandbox", r#"{"sandbox": "box"}"#)
        .await
        .unwrap();
    assert_eq!(stopped["state"], "stopped");
    let again = call(
        &emu,
        &cfg,
        "stop_sandbox",
        r#"{"sandbox": "box", "force": true}"#,
    )
    .await
    .unwrap();
    assert_eq!(again["state"], "stopped");
    assert_eq!(
        posts(
            &emu,
            &format!("/api/sandbox/{}/stop", stopped["id"].as_str().unwrap())
        ),
        1
    );
    let started = call(&emu, &cfg, "start_sandbox", r#"{"sandbox": "box"}"#)
        .await
        .unwrap();
    assert_eq!(started["state"], "started");

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let s = guest
        .call_stop_sandbox(&mut *store, "box", true, None)
        .await
        .succeeded();
    assert_eq!(s.state, "stopped");
    let forced = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/stop?force=true"))
        .count();
    assert_eq!(forced, 1);
    let (guest, store) = inst.sandboxes();
    let s = guest
        .call_start_sandbox(store, "box", Some(30))
        .await
        .succeeded();
    assert_eq!(s.state, "started");
}

#[tokio::test]
async fn a_transition_in_progress_is_waited_out() {
    let emu = emulator_with_delay(400);
    emu.add_sandbox(SandboxSeed::new().named("busy").in_state("stopping"));
    let cfg = config(&emu);
    let started = call(&emu, &cfg, "start_sandbox", r#"{"sandbox": "busy"}"#)
        .await
        .unwrap();
    assert_eq!(started["state"], "started");
}

#[tokio::test]
async fn a_409_from_start_is_waited_out_not_surfaced() {
    let emu = emulator_with_delay(100);
    emu.add_sandbox(SandboxSeed::new().named("b").in_state("stopped"));
    emu.fail_next(
        "POST",
        "/api/sandbox/",
        Fault::api(409, "Sandbox state change in progress"),
    );
    let cfg = config(&emu);
    let started = call(&emu, &cfg, "start_sandbox", r#"{"sandbox": "b"}"#)
        .await
        .unwrap();
    assert_eq!(started["state"], "started");
}

#[tokio::test]
async fn lifecycle_calls_on_a_missing_sandbox_are_not_found_with_hints() {
    let emu = emulator();
    let cfg = config(&emu);
    for tool in ["start_sandbox", "stop_sandbox", "delete_sandbox"] {
        let err = call(&emu, &cfg, tool, r#"{"sandbox": "ghost"}"#)
            .await
            .unwrap_err();
        assert_kind(&err, ErrorKind::NotFound);
        assert!(
            err.hint
                .as_deref()
                .unwrap_or_default()
                .contains("list_sandboxes"),
            "{tool}: {err:?}"
        );
    }
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let err = guest.call_delete_sandbox(store, "ghost").await.failed();
    assert_kind(&err, ErrorKind::NotFound);
}

#[tokio::test]
async fn delete_returns_the_sandbox_and_it_goes_away() {
    let emu = emulator_with_delay(100);
    emu.add_sandbox(SandboxSeed::new().named("doomed"));
    emu.add_sandbox(SandboxSeed::new().named("doomed2"));
    let cfg = config(&emu);
    let json = call(&emu, &cfg, "delete_sandbox", r#"{"sandbox": "doomed"}"#)
        .await
        .unwrap();
    assert_eq!(json["name"], "doomed");
    assert!(
        ["destroying", "destroyed"].contains(&json["state"].as_str().unwrap()),
        "{json}"
    );

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let s = guest
        .call_delete_sandbox(store, "doomed2")
        .await
        .succeeded();
    assert_eq!(s.name, "doomed2");
    emu.clock().advance(Duration::from_secs(1));
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "doomed"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);
}

#[tokio::test]
async fn execute_returns_exit_codes_and_output() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("run"));
    let cfg = config(&emu);
    let ok = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "run", "command": "echo hello"}"#,
    )
    .await
    .unwrap();
    assert_eq!(ok["exitCode"], 0);
    assert_eq!(ok["result"], "hello\n");
    assert_eq!(ok["truncated"], false);
    let failed = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "run", "command": "echo oops >&2; exit 3"}"#,
    )
    .await
    .unwrap();
    assert_eq!(failed["exitCode"], 3);
    assert_eq!(failed["result"], "oops\n");
    let env = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "run", "command": "mkdir -p sub && cd sub && echo $GREETING-$(basename $PWD)", "env": {"GREETING": "hi"}}"#,
    )
    .await
    .unwrap();
    assert_eq!(env["result"], "hi-sub\n");
    let proxied = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/process/execute") && !r.path.starts_with("/api/"))
        .count();
    assert_eq!(
        proxied, 3,
        "the toolbox proxy route is used when the sandbox has one"
    );

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let mut req = exec_request("run", "pwd");
    req.cwd = Some("/tmp".into());
    let typed = guest.call_execute_command(store, &req).await.succeeded();
    assert_eq!(typed.exit_code, 0);
    assert_eq!(typed.result, "/tmp\n");
}

#[tokio::test]
async fn execute_falls_back_to_the_legacy_route_without_a_proxy_url() {
    let emu = Emulator::start(EmulatorOptions {
        toolbox_proxy: false,
        ..Default::default()
    })
    .unwrap();
    emu.add_sandbox(SandboxSeed::new().named("old"));
    let cfg = config(&emu);
    let json = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "old", "command": "echo $NAME", "env": {"NAME": "it's legacy"}}"#,
    )
    .await
    .unwrap();
    assert_eq!(json["result"], "it's legacy\n");
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.path_only().ends_with("/toolbox/process/execute"))
    );
}

#[tokio::test]
async fn execute_falls_back_when_the_proxy_route_answers_404() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("p"));
    emu.fail_next("POST", "/toolbox/", Fault::api(404, "Cannot POST"));
    let cfg = config(&emu);
    let json = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "p", "command": "echo fallback"}"#,
    )
    .await
    .unwrap();
    assert_eq!(json["result"], "fallback\n");
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.path_only().starts_with("/api/toolbox/"))
    );
}

#[tokio::test]
async fn execute_errors_say_what_to_do() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("off").in_state("stopped"));
    emu.add_sandbox(SandboxSeed::new().named("on"));
    let cfg = config(&emu);

    let err = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "off", "command": "true"}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Conflict);
    assert!(err.hint.unwrap().contains("start_sandbox"));
    let err = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "on", "command": "sleep 600", "timeout": 1}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::Timeout);
    assert_eq!(err.status, Some(408));
    let err = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "on", "command": "true", "env": {"BAD-NAME": "x"}}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    let err = call(&emu, &cfg, "execute_command", r#"{"sandbox": "on"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(err.message.contains("command"));
    let err = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "ghost", "command": "true"}"#,
    )
    .await
    .unwrap_err();
    assert_kind(&err, ErrorKind::NotFound);

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest
        .call_execute_command(store, &exec_request("off", "true"))
        .await
        .failed();
    assert_kind(&typed, ErrorKind::Conflict);
}

#[tokio::test]
async fn long_output_is_bounded_with_a_marker() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("loud"));
    let cfg = config(&emu).env("DAYTONA_OUTPUT_LIMIT_BYTES", "2048");
    let json = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "loud", "command": "echo FIRST; head -c 100000 /dev/zero | tr '\\0' x; echo; echo LAST"}"#,
    )
    .await
    .unwrap();
    let result = json["result"].as_str().unwrap();
    assert_eq!(json["truncated"], true);
    assert!(result.len() <= 2048);
    assert!(result.starts_with("FIRST") && result.ends_with("LAST\n"));
    assert!(result.contains("bytes of output cut"));
    assert_eq!(json["resultLength"], 100_000 + "FIRST\n\nLAST\n".len());
}

#[tokio::test]
async fn snapshots_are_listed_across_pages_with_name_filter_and_limit() {
    let emu = Emulator::start(EmulatorOptions {
        page_size_cap: Some(2),
        ..Default::default()
    })
    .unwrap();
    for name in ["team/a", "team/b", "team/c", "other/x"] {
        emu.add_snapshot(name);
    }
    let cfg = config(&emu);
    let all = call(&emu, &cfg, "list_snapshots", "{}").await.unwrap();
    let mut names: Vec<_> = all["snapshots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "daytonaio/sandbox:0.3.0",
            "daytonaio/sandbox:0.4.3",
            "daytonaio/sandbox:0.5.0",
            "other/x",
            "team/a",
            "team/b",
            "team/c"
        ],
        "the three general snapshots and the four added"
    );
    let pages = emu
        .requests()
        .iter()
        .filter(|r| r.path_only() == "/api/snapshots")
        .count();
    assert_eq!(pages, 4, "seven snapshots, two a page");
    let team = call(&emu, &cfg, "list_snapshots", r#"{"name": "team"}"#)
        .await
        .unwrap();
    assert_eq!(team["snapshots"].as_array().unwrap().len(), 3);
    let one = call(&emu, &cfg, "list_snapshots", r#"{"limit": 1}"#)
        .await
        .unwrap();
    assert_eq!(one["snapshots"].as_array().unwrap().len(), 1);

    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    let typed = guest
        .call_list_snapshots(store, Some("team"), Some(2))
        .await
        .succeeded();
    assert_eq!(typed.len(), 2);
}

#[tokio::test]
async fn throttled_and_gateway_errors_are_retried_honouring_retry_after() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("t").in_state("stopped"));
    emu.fail_next(
        "GET",
        "/api/sandbox",
        Fault::rate_limited("authenticated", 1),
    );
    emu.fail_next(
        "GET",
        "/api/sandbox",
        Fault::api(503, "Service Unavailable"),
    );
    emu.fail_next(
        "POST",
        "/api/sandbox/",
        Fault::rate_limited("sandbox-lifecycle", 2),
    );
    let cfg = config(&emu);
    let json = call(&emu, &cfg, "start_sandbox", r#"{"sandbox": "t"}"#)
        .await
        .unwrap();
    assert_eq!(json["state"], "started");
    assert_eq!(
        posts(
            &emu,
            &format!("/api/sandbox/{}/start", json["id"].as_str().unwrap())
        ),
        2
    );
    let gets = emu
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path_only() == "/api/sandbox/t")
        .count();
    assert_eq!(gets, 3, "two refused GETs, then the answer");
    // The waits the guest asked for: each 429's Retry-After (longer than any backoff
    // here), and between them the 503's backoff: the second attempt's 500 ms, jittered
    // over its upper half.
    let sleeps = cfg.sleeps.sleeps();
    assert_eq!(sleeps.len(), 3, "{sleeps:?}");
    assert_eq!(sleeps[0], Duration::from_secs(1), "{sleeps:?}");
    assert!(
        (Duration::from_millis(250)..=Duration::from_millis(500)).contains(&sleeps[1]),
        "{sleeps:?}"
    );
    assert_eq!(sleeps[2], Duration::from_secs(2), "{sleeps:?}");
}

#[tokio::test]
async fn rate_limits_that_outlast_the_retries_are_reported_as_rate_limited() {
    let emu = emulator();
    for _ in 0..4 {
        emu.fail_next(
            "GET",
            "/api/sandbox",
            Fault::rate_limited("authenticated", 0),
        );
    }
    let cfg = config(&emu);
    let err = call(&emu, &cfg, "list_sandboxes", "{}").await.unwrap_err();
    assert_kind(&err, ErrorKind::RateLimited);
    assert!(err.retryable);
}

#[tokio::test]
async fn broken_oversized_and_slow_answers_are_mapped() {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("s"));
    // Long enough for any healthy answer from the local emulator, however loaded the
    // machine; a slow answer below never comes within it.
    let cfg = config(&emu).env("DAYTONA_RESPONSE_TIMEOUT_MS", "3000");

    emu.fail_next("GET", "/api/sandbox/s", Fault::BrokenJson);
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "s"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Upstream);

    emu.fail_next("GET", "/api/sandbox/s", Fault::Oversized(9 * 1024 * 1024));
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "s"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Upstream);
    assert!(err.message.contains("larger than"), "{err:?}");

    // One slow answer is retried; four in a row end in a timeout error. "Slow" is
    // an hour: the outcome does not depend on how fast anything else is.
    let slow = || Fault::Delay(Duration::from_secs(3600));
    emu.clear_requests();
    emu.fail_next("GET", "/api/sandbox/s", slow());
    let ok = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "s"}"#)
        .await
        .unwrap();
    assert_eq!(ok["name"], "s");
    assert_eq!(emu.requests().len(), 2, "the slow GET and its retry");
    // Nothing healthy has to answer in time here, so a short bound keeps it quick.
    let cfg = config(&emu).env("DAYTONA_RESPONSE_TIMEOUT_MS", "300");
    for _ in 0..4 {
        emu.fail_next("GET", "/api/sandbox/s", slow());
    }
    emu.clear_requests();
    let err = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "s"}"#)
        .await
        .unwrap_err();
    assert_kind(&err, ErrorKind::Timeout);
    assert_eq!(emu.requests().len(), 4, "four attempts, then the error");
}

#[tokio::test]
async fn older_daemons_code_field_and_unknown_states_are_understood() {
    let emu = Emulator::start(EmulatorOptions {
        legacy_exec_code_field: true,
        ..Default::default()
    })
    .unwrap();
    emu.add_sandbox(SandboxSeed::new().named("old-daemon"));
    emu.add_sandbox(SandboxSeed::new().named("future").in_state("hibernating"));
    let cfg = config(&emu);
    let json = call(
        &emu,
        &cfg,
        "execute_command",
        r#"{"sandbox": "old-daemon", "command": "exit 7"}"#,
    )
    .await
    .unwrap();
    assert_eq!(json["exitCode"], 7);
    let future = call(&emu, &cfg, "get_sandbox", r#"{"sandbox": "future"}"#)
        .await
        .unwrap();
    assert_eq!(future["state"], "hibernating");
    let all = call(&emu, &cfg, "list_sandboxes", "{}").await.unwrap();
    assert_eq!(all["sandboxes"].as_array().unwrap().len(), 2);
}

/// Every `create_sandbox` field, each with a value no other field has, as Daytona's
/// `CreateSandbox` (api-openapi.yaml) names it: the body must carry each under that name
/// with the value sent, and nothing else, so a swapped or dropped field shows.
#[tokio::test]
async fn every_create_field_reaches_daytona_under_its_own_name() {
    let emu = emulator();
    emu.add_snapshot("team/base:1");
    let cfg = config(&emu);
    let sent = serde_json::json!({
        "name": "fields",
        "snapshot": "team/base:1",
        "user": "builder",
        "env": {"E_1": "env-value"},
        "labels": {"l": "label-value"},
        "public": true,
        "target": "eu",
        "autoStopInterval": 17,
        "autoArchiveInterval": 23,
        "autoDeleteInterval": 31,
        "networkBlockAll": false,
        "networkAllowList": "10.0.0.0/8,192.168.1.0/24",
    });
    let mut args = sent.clone();
    args["timeout"] = 30.into();
    let created = call(&emu, &cfg, "create_sandbox", &args.to_string())
        .await
        .unwrap();
    let bodies: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path_only() == "/api/sandbox")
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        bodies,
        std::slice::from_ref(&sent),
        "the CreateSandbox body"
    );
    // And the emulator took each where Daytona's Sandbox shows it.
    let stored = emu.sandbox("fields").unwrap();
    for (field, value) in sent.as_object().unwrap() {
        assert_eq!(&stored[field], value, "Sandbox.{field}");
        // The result leaves out `env`, whose values may be secrets.
        if field != "env" {
            assert_eq!(&created[field], value, "create_sandbox's result .{field}");
        }
    }
    assert_eq!(created.get("env"), None);

    // The typed interface sends the same body.
    emu.clear_requests();
    let mut req = create_request("fields2");
    req.snapshot = Some("team/base:1".into());
    req.user = Some("builder".into());
    req.env = vec![("E_1".into(), "env-value".into())];
    req.labels = vec![("l".into(), "label-value".into())];
    req.public = Some(true);
    req.target = Some("eu".into());
    req.auto_stop_interval = Some(17);
    req.auto_archive_interval = Some(23);
    req.auto_delete_interval = Some(31);
    req.network_block_all = Some(false);
    req.network_allow_list = Some("10.0.0.0/8,192.168.1.0/24".into());
    req.timeout = Some(30);
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sandboxes();
    guest.call_create_sandbox(store, &req).await.succeeded();
    let typed = emu
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path_only() == "/api/sandbox")
        .unwrap()
        .body_json()
        .unwrap();
    let mut want = sent;
    want["name"] = "fields2".into();
    assert_eq!(typed, want, "the typed CreateSandbox body");
}
