//! The session and code tools through the real component, in the wasmtime
//! harness, against the emulator's toolbox (whose commands run on this machine,
//! in the sandbox's directory): state carried between a session's commands, a
//! real HTTP server run in the background and stopped by deleting its session,
//! and programs run with `run_code`.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::sessions::RunCodeRequest;
use host_test::harness::types::{Error, ErrorKind};
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn setup() -> (Emulator, CallConfig) {
    let emu = emulator();
    emu.add_sandbox(SandboxSeed::new().named("box"));
    let cfg = config(&emu);
    (emu, cfg)
}

async fn fails(emu: &Emulator, cfg: &CallConfig, tool: &str, args: Value) -> Error {
    match call(emu, cfg, tool, &args.to_string()).await {
        Ok(v) => panic!("{tool} {args} succeeded: {v}"),
        Err(e) => e,
    }
}

/// The status line of `GET /` on `port`, or `None` when nothing answers.
fn http_get(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    stream
        .write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().map(str::to_string)
}

#[tokio::test]
async fn a_session_keeps_its_state_and_runs_a_server_until_it_is_deleted() {
    let (emu, cfg) = setup();
    let dir = emu.sandbox_dir("box").unwrap();
    let session = json!({"sandbox": "box", "session": "web"});
    assert_eq!(
        ok(&emu, &cfg, "create_session", session.clone()).await,
        json!({"sessionId": "web"})
    );
    let taken = fails(&emu, &cfg, "create_session", session.clone()).await;
    assert_kind(&taken, ErrorKind::Conflict);
    assert!(
        taken
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("run_session_command")),
        "{taken:?}"
    );

    let run = |command: &str| json!({"sandbox": "box", "session": "web", "command": command});
    let cd = ok(
        &emu,
        &cfg,
        "run_session_command",
        run("mkdir -p work && cd work && export X=1"),
    )
    .await;
    assert_eq!(cd["exitCode"], 0, "{cd}");
    assert!(dir.join("work").is_dir());
    // The directory and the variable carry over to the session's next command.
    let state = ok(
        &emu,
        &cfg,
        "run_session_command",
        run("echo \"$X $(basename \"$PWD\")\""),
    )
    .await;
    assert_eq!(
        (&state["exitCode"], &state["stdout"], &state["stderr"]),
        (&json!(0), &json!("1 work\n"), &json!("")),
        "{state}"
    );
    let failed = ok(
        &emu,
        &cfg,
        "run_session_command",
        run("echo out; echo err >&2; exit 3"),
    )
    .await;
    assert_eq!(failed["exitCode"], 3);
    assert_eq!(failed["stdout"], "out\n");
    assert_eq!(failed["stderr"], "err\n");
    assert_eq!(failed["truncated"], false);
    assert_eq!(failed["outputLength"], 8);

    // A server in the background: the call returns at once with the command's ID.
    let mut start = run("python3 -u -m http.server 0 --bind 127.0.0.1");
    start["async"] = json!(true);
    let server = ok(&emu, &cfg, "run_session_command", start).await;
    assert_eq!(server["exitCode"], Value::Null, "{server}");
    assert_eq!(server["stdout"], "");
    let command_id = server["commandId"].as_str().unwrap().to_string();
    assert!(!command_id.is_empty());
    let logs_args = json!({"sandbox": "box", "session": "web", "commandId": command_id});
    // The server picks its port and says which once it listens.
    let mut port = None;
    assert!(
        eventually(async || {
            let logs = ok(&emu, &cfg, "get_session_command_logs", logs_args.clone()).await;
            port = served_port(logs["stdout"].as_str().unwrap());
            port.is_some()
        })
        .await,
        "the server never said which port it listens on"
    );
    let port = port.unwrap();
    assert!(
        eventually(async || http_get(port).is_some_and(|s| s.contains(" 200 "))).await,
        "the server never answered on port {port}"
    );
    assert!(http_get(port).is_some(), "a second request");
    let mut logs = Value::Null;
    assert!(
        eventually(async || {
            logs = ok(&emu, &cfg, "get_session_command_logs", logs_args.clone()).await;
            logs["stderr"].as_str().unwrap().matches("\"GET / ").count() >= 2
        })
        .await,
        "the server's request log never showed both requests: {logs}"
    );
    assert_eq!(logs["exitCode"], Value::Null, "still running: {logs}");
    assert!(logs["stdout"].as_str().unwrap().contains("Serving HTTP"));
    let mut tail_args = logs_args.clone();
    tail_args["tail"] = json!(1);
    let tail = ok(&emu, &cfg, "get_session_command_logs", tail_args).await;
    let last = tail["stderr"].as_str().unwrap();
    assert_eq!(last.lines().count(), 1, "{tail}");
    assert!(last.contains("\"GET / "), "{tail}");
    assert_eq!(tail["truncated"], true);
    assert!(tail["outputLength"].as_u64().unwrap() > last.len() as u64);

    let finished = ok(
        &emu,
        &cfg,
        "get_session_command_logs",
        json!({"sandbox": "box", "session": "web", "commandId": failed["commandId"]}),
    )
    .await;
    assert_eq!(finished["exitCode"], 3);
    assert_eq!(
        (&finished["stdout"], &finished["stderr"]),
        (&json!("out\n"), &json!("err\n"))
    );

    let listed = ok(&emu, &cfg, "list_sessions", json!({"sandbox": "box"})).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["truncated"], false);
    let web = &listed["sessions"][0];
    assert_eq!(web["sessionId"], "web");
    assert_eq!(web["commandCount"], 4);
    let codes: Vec<&Value> = web["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["exitCode"])
        .collect();
    assert_eq!(codes, [&json!(0), &json!(0), &json!(3), &Value::Null]);
    assert_eq!(web["commands"][3]["id"], json!(command_id));

    // Deleting the session kills the server.
    assert_eq!(
        ok(&emu, &cfg, "delete_session", session.clone()).await,
        json!({"sessionId": "web"})
    );
    assert!(
        eventually(async || http_get(port).is_none()).await,
        "the server on port {port} outlived its session"
    );
    assert!(eventually(async || emu.running_process_groups() == 0).await);
    let gone = fails(&emu, &cfg, "delete_session", session.clone()).await;
    assert_kind(&gone, ErrorKind::NotFound);
    assert!(
        gone.hint
            .as_deref()
            .is_some_and(|h| h.contains("list_sessions") && h.contains("create_session")),
        "{gone:?}"
    );
    let missing = fails(&emu, &cfg, "run_session_command", run("true")).await;
    assert_kind(&missing, ErrorKind::NotFound);
    assert!(
        missing
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("create_session"))
    );
    let no_logs = fails(&emu, &cfg, "get_session_command_logs", logs_args).await;
    assert_kind(&no_logs, ErrorKind::NotFound);
    let listed = ok(&emu, &cfg, "list_sessions", json!({"sandbox": "box"})).await;
    assert_eq!(
        listed,
        json!({"sessions": [], "truncated": false, "total": 0})
    );
}

#[tokio::test]
async fn long_output_is_cut_keeping_both_ends() {
    let (emu, cfg) = setup();
    let cfg = cfg.env("DAYTONA_OUTPUT_LIMIT_BYTES", "4096");
    ok(
        &emu,
        &cfg,
        "create_session",
        json!({"sandbox": "box", "session": "s"}),
    )
    .await;
    let out = ok(
        &emu,
        &cfg,
        "run_session_command",
        json!({"sandbox": "box", "session": "s", "command": "echo START; seq 1 20000; echo END; echo oops >&2"}),
    )
    .await;
    let stdout = out["stdout"].as_str().unwrap();
    assert_eq!(out["truncated"], true);
    assert!(stdout.starts_with("START\n1\n") && stdout.ends_with("20000\nEND\n"));
    assert!(stdout.contains("bytes of output cut"));
    assert_eq!(out["stderr"], "oops\n", "the short stream is kept whole");
    assert!(stdout.len() + 5 <= 4096);
    let whole = 6
        + (1..=20000)
            .map(|n: u32| n.to_string().len() + 1)
            .sum::<usize>()
        + 4
        + 5;
    assert_eq!(out["outputLength"], whole);
}

/// Bytes `seq 1 n` prints.
fn seq_len(n: u32) -> u64 {
    (1..=n).map(|i| i.to_string().len() as u64 + 1).sum()
}

#[tokio::test]
async fn output_beyond_the_body_cap_keeps_its_first_and_last_lines() {
    // 10.9 MB of stdout: with the merged `output` the daemon's answer is over
    // 21 MB, far beyond the 8 MiB body cap, and was an `upstream` error.
    let (emu, cfg) = setup();
    ok(
        &emu,
        &cfg,
        "create_session",
        json!({"sandbox": "box", "session": "s"}),
    )
    .await;
    let whole = 6 + seq_len(1_500_000) + 4 + 5;
    let check = |out: &Value| {
        let stdout = out["stdout"].as_str().unwrap();
        assert_eq!(out["truncated"], true, "{out}");
        assert!(stdout.starts_with("START\n1\n2\n"), "{stdout:.100}");
        assert!(stdout.ends_with("1499999\n1500000\nEND\n"), "{stdout:.100}");
        assert!(stdout.contains("bytes of output cut"));
        assert_eq!(out["stderr"], "oops\n");
        assert!(stdout.len() <= 64 * 1024);
        assert_eq!(out["outputLength"], whole);
    };
    let out = ok(
        &emu,
        &cfg,
        "run_session_command",
        json!({"sandbox": "box", "session": "s", "command": "echo START; seq 1 1500000; echo END; echo oops >&2"}),
    )
    .await;
    assert_eq!(out["exitCode"], 0);
    check(&out);

    let logs_args = json!({"sandbox": "box", "session": "s", "commandId": out["commandId"]});
    let logs = ok(&emu, &cfg, "get_session_command_logs", logs_args.clone()).await;
    check(&logs);
    // A chatty command's logs stay readable with `tail`.
    let mut tail_args = logs_args;
    tail_args["tail"] = json!(2);
    let tail = ok(&emu, &cfg, "get_session_command_logs", tail_args).await;
    assert_eq!(tail["stdout"], "1500000\nEND\n");
    assert_eq!(tail["stderr"], "oops\n");
    assert_eq!(tail["truncated"], true);

    let program = "print('START')\nfor i in range(1500000): print(i)\nprint('END')";
    let run = ok(
        &emu,
        &cfg,
        "run_code",
        json!({"sandbox": "box", "language": "python", "code": program}),
    )
    .await;
    let result = run["result"].as_str().unwrap();
    assert_eq!(run["exitCode"], 0);
    assert_eq!(run["truncated"], true);
    assert!(result.starts_with("START\n0\n1\n"), "{result:.100}");
    assert!(result.ends_with("1499998\n1499999\nEND\n"), "{result:.100}");
    assert!(result.len() <= 64 * 1024);
    assert_eq!(run["resultLength"], 6 + 2 + seq_len(1_499_999) + 4);
}

#[tokio::test]
async fn run_code_runs_programs_and_reports_their_exit() {
    let (emu, cfg) = setup();
    let code = |code: &str| json!({"sandbox": "box", "code": code, "language": "python"});
    let mut args = code("import os, sys\nprint('hi', sys.argv[1:], os.environ['GREETING'])");
    args["argv"] = json!(["a", "b c"]);
    args["env"] = json!({"GREETING": "hello"});
    let run = ok(&emu, &cfg, "run_code", args).await;
    assert_eq!(
        run,
        json!({
            "exitCode": 0, "result": "hi ['a', 'b c'] hello\n", "truncated": false,
            "resultLength": 22, "charts": [], "chartCount": 0,
        })
    );
    let body = emu
        .requests()
        .into_iter()
        .find(|r| r.path_only().ends_with("/process/code-run"))
        .and_then(|r| r.body_json())
        .unwrap();
    assert_eq!(body["language"], "python");
    assert_eq!(body["envs"], json!({"GREETING": "hello"}));
    assert_eq!(body["timeout"], 60, "a default timeout is always sent");

    let crashed = ok(&emu, &cfg, "run_code", code("1 / 0")).await;
    assert_eq!(crashed["exitCode"], 1);
    assert!(
        crashed["result"]
            .as_str()
            .unwrap()
            .contains("ZeroDivisionError")
    );
    let exited = ok(&emu, &cfg, "run_code", code("raise SystemExit(4)")).await;
    assert_eq!(exited["exitCode"], 4);

    let mut slow = code("import time\ntime.sleep(30)");
    slow["timeout"] = json!(1);
    let err = fails(&emu, &cfg, "run_code", slow).await;
    assert_kind(&err, ErrorKind::Timeout);
    assert!(
        err.hint.as_deref().is_some_and(|h| h.contains("`timeout`")),
        "{err:?}"
    );

    let big = ok(&emu, &cfg, "run_code", code("print('x' * 200000)")).await;
    assert_eq!(big["truncated"], true);
    assert_eq!(big["resultLength"], 200_001);
    assert!(big["result"].as_str().unwrap().len() <= 64 * 1024);

    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        let js = ok(
            &emu,
            &cfg,
            "run_code",
            json!({"sandbox": "box", "code": "console.log(6 * 7); process.exit(2)", "language": "javascript"}),
        )
        .await;
        assert_eq!(
            (&js["exitCode"], &js["result"]),
            (&json!(2), &json!("42\n"))
        );
    } else {
        println!("node is not installed: run_code in javascript is not tested here");
    }

    emu.clear_requests();
    let err = fails(
        &emu,
        &cfg,
        "run_code",
        json!({"sandbox": "box", "code": "puts 1", "language": "ruby"}),
    )
    .await;
    assert_kind(&err, ErrorKind::InvalidInput);
    assert!(err.message.contains("language"), "{err:?}");
    assert!(emu.requests().is_empty(), "refused before sending");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let (emu, cfg) = setup();
    let cases = [
        (
            "run_session_command",
            json!({"sandbox": "box", "session": "s", "command": "echo a\u{0}b"}),
            "NUL",
        ),
        (
            "run_session_command",
            json!({"sandbox": "box", "session": "..", "command": "true"}),
            "`session`",
        ),
        (
            "create_session",
            json!({"sandbox": "box", "session": "a\nb"}),
            "`session`",
        ),
        (
            "get_session_command_logs",
            json!({"sandbox": "box", "session": "s", "commandId": "."}),
            "`commandId`",
        ),
        (
            "delete_session",
            json!({"sandbox": "box", "session": "   "}),
            "`session`",
        ),
        (
            "run_code",
            json!({"sandbox": "box", "code": "print(1)\u{0}", "language": "python"}),
            "NUL",
        ),
        (
            "run_code",
            json!({"sandbox": "box", "code": "print(1)", "language": "python", "argv": ["a\u{0}"]}),
            "NUL",
        ),
    ];
    for (tool, args, says) in cases {
        let err = fails(&emu, &cfg, tool, args.clone()).await;
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(err.message.contains(says), "{tool} {args}: {err:?}");
    }
    assert!(emu.requests().is_empty(), "{:?}", emu.requests());

    // A stopped sandbox: the hint says to start it.
    emu.add_sandbox(SandboxSeed::new().named("cold").in_state("stopped"));
    let err = fails(&emu, &cfg, "list_sessions", json!({"sandbox": "cold"})).await;
    assert_kind(&err, ErrorKind::Conflict);
    assert!(
        err.hint
            .as_deref()
            .is_some_and(|h| h.contains("start_sandbox"))
    );
}

#[tokio::test]
async fn the_typed_interface_reaches_the_same_tools() {
    let (emu, cfg) = setup();
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.sessions();
    guest
        .call_create_session(&mut *store, "box", "t")
        .await
        .succeeded();
    let (guest, store) = inst.sessions();
    let cd = guest
        .call_run_session_command(&mut *store, "box", "t", "export Y=typed", None)
        .await
        .succeeded();
    assert_eq!(cd.exit_code, Some(0));
    let (guest, store) = inst.sessions();
    let echo = guest
        .call_run_session_command(&mut *store, "box", "t", "echo $Y; exit 5", None)
        .await
        .succeeded();
    assert_eq!(
        (echo.exit_code, echo.stdout.as_str(), echo.truncated),
        (Some(5), "typed\n", false)
    );
    let (guest, store) = inst.sessions();
    let background = guest
        .call_run_session_command(&mut *store, "box", "t", "sleep 60", Some(true))
        .await
        .succeeded();
    assert_eq!(background.exit_code, None);
    let (guest, store) = inst.sessions();
    let logs = guest
        .call_get_session_command_logs(&mut *store, "box", "t", &echo.command_id, Some(1))
        .await
        .succeeded();
    assert_eq!((logs.exit_code, logs.stdout.as_str()), (Some(5), "typed\n"));
    let (guest, store) = inst.sessions();
    let list = guest
        .call_list_sessions(&mut *store, "box")
        .await
        .succeeded();
    assert_eq!(list.total, 1);
    assert_eq!(list.sessions[0].command_count, 3);
    assert_eq!(list.sessions[0].commands[2].exit_code, None);
    let (guest, store) = inst.sessions();
    let run = guest
        .call_run_code(
            &mut *store,
            &RunCodeRequest {
                sandbox: "box".into(),
                code: "import sys; print(sys.argv[1])".into(),
                language: "python".into(),
                argv: vec!["typed".into()],
                env: vec![],
                timeout: Some(20),
            },
        )
        .await
        .succeeded();
    assert_eq!(
        (run.exit_code, run.result.as_str(), run.chart_count),
        (0, "typed\n", 0)
    );
    let (guest, store) = inst.sessions();
    guest
        .call_delete_session(&mut *store, "box", "t")
        .await
        .succeeded();
    assert!(emu.sessions("box").is_empty());
    assert!(eventually(async || emu.running_process_groups() == 0).await);
    let (guest, store) = inst.sessions();
    let err = guest
        .call_delete_session(&mut *store, "box", "t")
        .await
        .failed();
    assert_kind(&err, ErrorKind::NotFound);

    // DAYTONA_TOOLS applies to the typed functions too.
    read_only_refuses(cfg, async |inst| {
        let (guest, store) = inst.sessions();
        guest.call_create_session(store, "box", "x").await
    })
    .await;
    assert!(emu.sessions("box").is_empty());
}
