use super::code::shape_run;
use super::output::{bounded, demux, demux_ends, last_lines_of, streams};
use super::*;
use crate::api::execute::Ends;
use crate::http::Response;
use crate::http::testing::{Scripted, config};
use crate::models::sessions::CodeRunResponse;

const STARTED: &str =
    r#"{"id":"sb-1","name":"dev","state":"started","toolboxProxyUrl":"http://emu/toolbox"}"#;

#[test]
fn last_lines_counts_from_the_end() {
    assert_eq!(last_lines("a\nb\nc\n", 2), ("b\nc\n", true));
    assert_eq!(last_lines("a\nb\nc", 2), ("b\nc", true));
    assert_eq!(last_lines("a\nb\n", 2), ("a\nb\n", false));
    assert_eq!(last_lines("a\nb\n", 5), ("a\nb\n", false));
    assert_eq!(last_lines("", 1), ("", false));
    assert_eq!(last_lines("x\n\n\n", 1), ("\n", true));
}

#[test]
fn the_budget_favours_the_short_stream() {
    assert_eq!(split_budget(10, 20, 100), (10, 20));
    assert_eq!(split_budget(10, 500, 100), (10, 90));
    assert_eq!(split_budget(500, 10, 100), (90, 10));
    assert_eq!(split_budget(500, 500, 100), (50, 50));
}

#[test]
fn long_streams_are_cut_within_the_limit_keeping_both_ends() {
    let stdout = format!("OUT{}END", "o".repeat(10_000));
    let out = bounded(
        "c".into(),
        Some(0),
        Ends::whole(stdout),
        Ends::whole("err\n".into()),
        false,
        2048,
    );
    assert!(out.truncated);
    assert_eq!(out.stderr, "err\n");
    assert!(out.stdout.len() + out.stderr.len() <= 2048);
    assert!(out.stdout.starts_with("OUT") && out.stdout.ends_with("END"));
    assert_eq!(out.output_length, 10_006 + 4);
    let (a, b) = (Ends::whole("a".into()), Ends::whole("b".into()));
    let short = bounded("c".into(), None, a, b, false, 2048);
    assert!(!short.truncated && short.stdout == "a" && short.output_length == 2);
}

#[test]
fn merged_output_is_split_by_its_markers() {
    assert_eq!(demux(b"plain\n"), ("plain\n".into(), String::new()));
    assert_eq!(
        demux(b"\x01\x01\x01out1\n\x02\x02\x02err\n\x01\x01\x01out2\n"),
        ("out1\nout2\n".into(), "err\n".into())
    );
    let whole = |t: &str| Some(Ends::whole(t.into()));
    assert_eq!(
        streams(None, None, whole("\x02\x02\x02e")),
        (Ends::default(), Ends::whole("e".into()))
    );
    // Split streams win over the merged one.
    assert_eq!(
        streams(whole("o"), None, whole("merged")),
        (Ends::whole("o".into()), Ends::default())
    );
}

#[test]
fn listings_keep_the_latest_commands_and_cut_long_lines() {
    let commands: Vec<Command> = (0..1000)
        .map(|i| Command {
            id: format!("c{i}"),
            command: format!("echo {i} {}", "x".repeat(if i == 999 { 5000 } else { 0 })),
            exit_code: Some(0),
        })
        .collect();
    let sessions = vec![
        Session {
            session_id: "a".into(),
            commands: Some(commands),
        },
        Session {
            session_id: "b".into(),
            commands: None,
        },
    ];
    let list = shape_list(sessions, 4096);
    assert_eq!(list.total, 2);
    assert!(!list.truncated);
    let a = &list.sessions[0];
    assert_eq!(a.command_count, 1000);
    assert!(a.commands.len() < 1000 && !a.commands.is_empty());
    assert_eq!(a.commands.last().unwrap().id, "c999");
    assert!(a.commands.last().unwrap().command.len() <= MAX_COMMAND_SHOWN + 3);
    assert!(serde_json::to_vec(&list).unwrap().len() <= 4096 + 200);
}

#[test]
fn charts_are_described_without_their_images() {
    let png = "A".repeat(100_000);
    let body = format!(
        r#"{{"exitCode":0,"result":"done\n","artifacts":{{"charts":[{{"type":"line","title":"{}","png":"{png}","elements":[{{"png":"{png}"}},{{}}]}},{{"type":"bar"}}]}}}}"#,
        "T".repeat(300)
    );
    let answer: CodeRunResponse = crate::models::from_str(&body).unwrap();
    let result = Ends::whole(answer.result.clone().unwrap_or_default());
    let run = shape_run(answer, result, 4096);
    assert_eq!(run.chart_count, 2);
    assert_eq!(run.charts[0].elements, 2);
    assert!(run.charts[0].has_png && !run.charts[1].has_png);
    assert_eq!(run.charts[0].title.len(), MAX_LABEL + 3);
    assert_eq!(run.charts[1].kind, "bar");
    let json = serde_json::to_string(&run).unwrap();
    assert!(json.len() < 2000, "{json}");
    let none: CodeRunResponse = crate::models::from_str(r#"{"exitCode":1,"result":"x"}"#).unwrap();
    let result = Ends::whole("x".into());
    let run = shape_run(none, result, 4096);
    assert_eq!((run.exit_code, run.chart_count), (1, 0));
}

#[test]
fn requests_carry_the_spec_bodies_and_ask_for_split_output() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], STARTED);
    t.answer(202, &[], r#"{"cmdId":"c-1"}"#);
    let client = Client::new(&cfg, &t);
    let out = run(&client, "dev", "web", "python3 -m http.server", true).unwrap();
    assert_eq!(out.command_id, "c-1");
    assert_eq!(out.exit_code, None);
    let sent = t.sent.borrow();
    let (req, _) = &sent[1];
    assert!(
        req.url.ends_with("/sb-1/process/session/web/exec"),
        "{}",
        req.url
    );
    let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
    assert_eq!(body["runAsync"], true);
    assert!(
        req.headers
            .iter()
            .any(|(k, v)| k == SPLIT_OUTPUT.0 && v == SPLIT_OUTPUT.1)
    );
}

#[test]
fn bad_identifiers_and_text_are_refused_before_sending() {
    let cfg = config();
    let t = Scripted::default();
    let client = Client::new(&cfg, &t);
    let err = run(&client, "dev", "..", "ls", false).unwrap_err();
    assert!(err.message.contains("`session`"), "{}", err.message);
    let err = run(&client, "dev", "s", "echo a\0b", false).unwrap_err();
    assert!(err.message.contains("NUL"));
    let err = logs(&client, "dev", "s", "a/b\n", None).unwrap_err();
    assert!(err.message.contains("`commandId`"));
    let code = Code {
        sandbox: "dev".into(),
        code: "print(1)".into(),
        language: "ruby".into(),
        ..Default::default()
    };
    assert!(
        run_code(&client, &code)
            .unwrap_err()
            .message
            .contains("ruby")
    );
    let code = Code {
        language: "python".into(),
        env: [("1X".to_string(), "v".to_string())].into(),
        ..code
    };
    assert!(run_code(&client, &code).is_err());
    assert!(t.sent.borrow().is_empty());
}

/// An answer as the transport keeps it when its strings are cut to `keep` bytes.
fn kept(status: u16, json: &str, keep: usize) -> Response {
    let mut ends = crate::http::json_ends::JsonEnds::new(keep, 1 << 20);
    ends.push(json.as_bytes()).unwrap();
    let (body, strings_cut) = ends.finish();
    Response {
        status,
        body,
        strings_cut,
        ..Response::default()
    }
}

#[test]
fn answers_cut_on_the_way_keep_both_ends_and_their_whole_length() {
    let cfg = config();
    let t = Scripted::default();
    let stdout: String = (1..=100_000).map(|i| format!("{i}\n")).collect();
    let json = serde_json::json!({
        "cmdId": "c-1", "exitCode": 3, "output": stdout, "stdout": stdout, "stderr": "e\n",
    });
    t.answer(200, &[], STARTED);
    t.answers
        .borrow_mut()
        .push_back(Ok(kept(200, &json.to_string(), 8192)));
    let client = Client::new(&cfg, &t);
    let out = run(&client, "dev", "s", "seq 1 100000", false).unwrap();
    assert_eq!(out.exit_code, Some(3));
    assert!(out.truncated);
    assert!(out.stdout.starts_with("1\n2\n"), "{}", out.stdout);
    assert!(out.stdout.ends_with("99999\n100000\n"), "{}", out.stdout);
    assert_eq!(out.stderr, "e\n");
    assert_eq!(out.output_length, stdout.len() as u64 + 2);
    assert_eq!(t.sent.borrow()[1].0.string_ends, Some(2 * cfg.output_limit));

    // Plain merged logs over the cap: each end split by its markers.
    let merged = Ends {
        head: "\x01\x01\x01first\n\x02\x02\x02warn\n".into(),
        tail: "\x01\x01\x01last\n".into(),
        total: 1_000_000,
    };
    let (out, err) = demux_ends(merged);
    assert!(out.is_cut());
    assert_eq!(
        (out.head.as_str(), out.tail.as_str()),
        ("first\n", "last\n")
    );
    assert_eq!(err, Ends::whole("warn\n".into()));
    assert_eq!(last_lines_of(&out, 1), ("last\n".to_string(), true));
}

#[test]
fn logs_read_the_exit_code_then_the_tail_of_each_stream() {
    let cfg = config();
    let t = Scripted::default();
    t.answer(200, &[], STARTED);
    t.answer(200, &[], r#"{"id":"c-1","command":"make","exitCode":2}"#);
    t.answer(
        200,
        &[("content-type", "application/json")],
        r#"{"output":"x","stdout":"1\n2\n3\n","stderr":"e1\ne2\n"}"#,
    );
    let client = Client::new(&cfg, &t);
    let out = logs(&client, "dev", "s", "c-1", Some(1)).unwrap();
    assert_eq!(out.exit_code, Some(2));
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("3\n", "e2\n"));
    assert!(out.truncated);
    assert_eq!(out.output_length, 12);
    // Plain text from a daemon that does not split the streams.
    t.answer(200, &[], STARTED);
    t.answer(200, &[], r#"{"id":"c-1","command":"make"}"#);
    t.answer(
        200,
        &[("content-type", "text/plain; charset=utf-8")],
        "all\n",
    );
    let out = logs(&client, "dev", "s", "c-1", None).unwrap();
    assert_eq!(out.exit_code, None);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("all\n", ""));
    assert!(!out.truncated);
    assert_eq!(out.output_length, 4);
}
