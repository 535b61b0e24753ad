//! Shell sessions and code runs in a started sandbox, through its toolbox
//! ([`Toolbox`]): named sessions whose shell keeps its working directory and
//! exported variables from one command to the next, commands run in them in
//! the foreground or the background, their logs, and `POST /process/code-run`.
//!
//! Session and command IDs become path segments and are checked with
//! [`require_name`]; commands and code holding a NUL are refused before
//! anything is sent. Every output handed back is bounded by
//! `DAYTONA_OUTPUT_LIMIT_BYTES` with the head/tail rule of `execute_command`
//! ([`super::execute::bound_output`]). Answers with output are read as they arrive, keeping
//! only the ends of each long string ([`Request::keep_string_ends`]): output
//! far beyond the body cap (a chatty server's logs) keeps its first and last
//! lines and is marked `truncated`, like `execute_command`'s.

use super::execute::{Ends, cut_of, keeping_ends};
use super::lifecycle::check_env_names;
use super::require_name;
use super::toolbox::{Toolbox, keep_within, shown};
use crate::error::{Error, ErrorKind};
use crate::http::{Client, Method, Response, Transport, When, decode};
use crate::models::sessions::{
    Chart, CodeRunRequest, CodeRunResponse, Command, CreateSessionRequest, Session,
    SessionCommandLogsResponse, SessionExecuteRequest, SessionExecuteResponse,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// The languages `run_code` runs.
pub const LANGUAGES: &[&str] = &["python", "javascript", "typescript"];
/// `run_code`'s timeout when none is given, seconds (the daemon itself has none).
pub const DEFAULT_CODE_TIMEOUT_SECS: u32 = 60;
/// Longest `run_code` timeout accepted, seconds.
pub const MAX_CODE_TIMEOUT_SECS: u32 = 3600;
/// Time allowed beyond the program's own timeout for the answer to arrive.
const ANSWER_MARGIN: Duration = Duration::from_secs(15);
/// Most charts described in a code run's result.
pub const MAX_CHARTS: usize = 100;
/// Longest chart title or label kept, in bytes.
const MAX_LABEL: usize = 200;
/// Longest command line shown in `list_sessions`, in bytes.
const MAX_COMMAND_SHOWN: usize = 500;

/// The daemon answers split stdout and stderr (JSON) to SDKs from 0.167.0 on,
/// one merged stream (plain text for logs) to other callers: this asks for the split.
const SPLIT_OUTPUT: (&str, &str) = ("x-daytona-sdk-version", "0.167.0");
/// The markers a daemon puts before each stdout and stderr chunk of a raw log.
const STDOUT_MARK: &[u8] = &[1, 1, 1];
const STDERR_MARK: &[u8] = &[2, 2, 2];

const SESSION_NOT_FOUND: &str =
    "no such session in this sandbox: list_sessions shows its sessions, create_session makes one";
const COMMAND_NOT_FOUND: &str =
    "no such session or command: list_sessions shows each session's commands with their IDs";

/// Check a command or program: not blank, no NUL.
fn check_text(field: &str, text: &str) -> Result<(), Error> {
    if text.trim().is_empty() {
        return Err(Error::invalid_input(format!("`{field}` must not be empty")));
    }
    if text.contains('\0') {
        return Err(Error::invalid_input(format!(
            "`{field}` contains a NUL character, which no shell or interpreter can take"
        ))
        .with_hint("remove the NUL; to pass binary data, encode it (e.g. base64)"));
    }
    Ok(())
}

/// `/process/session/{id}` with the ID percent-encoded.
fn session_route(session: &str) -> String {
    format!(
        "/process/session/{}",
        crate::http::encode_component(session)
    )
}

/// Create session `session`: a shell that keeps its state between commands.
pub fn create<T: Transport>(client: &Client<T>, sandbox: &str, session: &str) -> Result<(), Error> {
    require_name("session", session)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = tb
        .request(
            Method::Post,
            "/process/session",
            tb.what("create session", session),
        )
        .json(&CreateSessionRequest {
            session_id: session.to_string(),
        })?
        .hint(
            When::Status(409),
            "a session of that name already exists: run commands in it with run_session_command, or delete_session it first",
        );
    client.send(&req)?;
    Ok(())
}

/// Delete session `session`, killing the processes it runs.
pub fn delete<T: Transport>(client: &Client<T>, sandbox: &str, session: &str) -> Result<(), Error> {
    require_name("session", session)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = tb
        .request(
            Method::Delete,
            &session_route(session),
            tb.what("delete session", session),
        )
        .idempotent(true)
        .hint(When::Status(404), SESSION_NOT_FOUND);
    client.send(&req)?;
    Ok(())
}

/// A session as `list_sessions` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    /// The session's name.
    pub session_id: String,
    /// Its most recent commands, oldest first (command lines cut at 500 bytes).
    pub commands: Vec<Command>,
    /// How many commands it has run in all.
    pub command_count: u64,
}

/// The sandbox's sessions, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionList {
    /// The sessions kept.
    pub sessions: Vec<SessionInfo>,
    /// Whether sessions were left out to stay within the output limit.
    pub truncated: bool,
    /// How many sessions the sandbox has.
    pub total: u64,
}

/// The sandbox's sessions with their commands.
pub fn list<T: Transport>(client: &Client<T>, sandbox: &str) -> Result<SessionList, Error> {
    let tb = Toolbox::open(client, sandbox)?;
    let what = format!("list the sessions of sandbox '{}'", tb.name);
    let req = tb.request(Method::Get, "/process/session", what.clone());
    let sessions: Vec<Session> = decode(&client.send(&req)?.body, &what)?;
    Ok(shape_list(sessions, client.config.output_limit))
}

/// Bound a listing: each session keeps its most recent commands within an
/// equal share of `limit`, then sessions are kept while they fit in `limit`.
fn shape_list(sessions: Vec<Session>, limit: usize) -> SessionList {
    let total = sessions.len() as u64;
    let share = limit / sessions.len().max(1);
    let infos: Vec<SessionInfo> = sessions
        .into_iter()
        .map(|s| {
            let mut commands = s.commands.unwrap_or_default();
            let command_count = commands.len() as u64;
            for c in &mut commands {
                c.command = cut(&c.command, MAX_COMMAND_SHOWN);
            }
            // The most recent ones: keep from the end, then restore the order.
            commands.reverse();
            let (mut commands, _) = keep_within(commands, share.saturating_sub(100));
            commands.reverse();
            SessionInfo {
                session_id: s.session_id,
                commands,
                command_count,
            }
        })
        .collect();
    let (sessions, truncated) = keep_within(infos, limit);
    SessionList {
        sessions,
        truncated,
        total,
    }
}

/// At most `max` bytes of `text`, cut on a character, with `...` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// What a session command printed, as `run_session_command` and
/// `get_session_command_logs` return it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommandOutput {
    /// The command's ID, for `get_session_command_logs`.
    pub command_id: String,
    /// Its exit code; `None` while it runs (always for a command started in the background).
    pub exit_code: Option<i32>,
    /// Its stdout, bounded (a daemon that does not split the streams gives all output here).
    pub stdout: String,
    /// Its stderr, bounded.
    pub stderr: String,
    /// Whether output was left out: cut to the output limit, or lines before `tail`.
    pub truncated: bool,
    /// Bytes of stdout and stderr in all, before any cut.
    pub output_length: u64,
}

/// Run `command` in session `session`: in the background (`run_async`: the
/// command's ID at once), or to its end (its exit code and output).
pub fn run<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    session: &str,
    command: &str,
    run_async: bool,
) -> Result<CommandOutput, Error> {
    require_name("session", session)?;
    check_text("command", command)?;
    let tb = Toolbox::open(client, sandbox)?;
    let mut req = tb
        .request(
            Method::Post,
            &format!("{}/exec", session_route(session)),
            tb.what("run a command in session", session),
        )
        .json(&SessionExecuteRequest {
            command: command.to_string(),
            run_async,
            is_async: run_async,
        })?
        .hint(When::Status(404), SESSION_NOT_FOUND)
        .hint(
            When::Kind(ErrorKind::Timeout),
            "the command may still be running in the session: list_sessions shows its ID, get_session_command_logs its output; run long jobs with async: true",
        );
    req.headers
        .push((SPLIT_OUTPUT.0.into(), SPLIT_OUTPUT.1.into()));
    let what = req.what.clone();
    let answer = client.send(&keeping_ends(req, client.config.output_limit))?;
    let cut = |name: &str| cut_of(&answer, name);
    let body: SessionExecuteResponse = decode(&answer.body, &what)?;
    let (stdout, stderr) = streams(
        body.stdout.map(|t| Ends::of(t, cut("stdout"))),
        body.stderr.map(|t| Ends::of(t, cut("stderr"))),
        body.output.map(|t| Ends::of(t, cut("output"))),
    );
    Ok(bounded(
        body.cmd_id,
        exit_code(body.exit_code),
        stdout,
        stderr,
        false,
        client.config.output_limit,
    ))
}

/// The output so far of command `command_id` of session `session` (only
/// its last `tail` lines of each stream when given), with its exit code once
/// it has finished.
pub fn logs<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    session: &str,
    command_id: &str,
    tail: Option<u32>,
) -> Result<CommandOutput, Error> {
    require_name("session", session)?;
    require_name("commandId", command_id)?;
    let tb = Toolbox::open(client, sandbox)?;
    let route = format!(
        "{}/command/{}",
        session_route(session),
        crate::http::encode_component(command_id)
    );
    // The exit code first: when the command had finished, the logs read next are whole.
    let what = tb.what("get command", command_id);
    let req = tb
        .request(Method::Get, &route, what.clone())
        .hint(When::Status(404), COMMAND_NOT_FOUND);
    let command: Command = decode(&client.send(&req)?.body, &what)?;
    let mut req = tb
        .request(
            Method::Get,
            &format!("{route}/logs"),
            tb.what("get the logs of command", command_id),
        )
        .hint(When::Status(404), COMMAND_NOT_FOUND);
    req.headers
        .push((SPLIT_OUTPUT.0.into(), SPLIT_OUTPUT.1.into()));
    let answer = client.send(&keeping_ends(req.clone(), client.config.output_limit))?;
    let (stdout, stderr) = log_streams(&answer, &req.what)?;
    let whole = stdout.total + stderr.total;
    let (stdout, stderr, tailed) = match tail {
        Some(n) => {
            let (out, cut_out) = last_lines_of(&stdout, n);
            let (err, cut_err) = last_lines_of(&stderr, n);
            (Ends::whole(out), Ends::whole(err), cut_out || cut_err)
        }
        None => (stdout, stderr, false),
    };
    let mut output = bounded(
        command_id.to_string(),
        exit_code(command.exit_code),
        stdout,
        stderr,
        tailed,
        client.config.output_limit,
    );
    output.output_length = whole;
    Ok(output)
}

/// stdout and stderr from a logs answer: JSON, or plain text from a daemon
/// that does not split (its two ends when it was over the cap).
fn log_streams(answer: &Response, what: &str) -> Result<(Ends, Ends), Error> {
    let plain = answer
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/"));
    if plain {
        let raw = match &answer.cut {
            None => Ends::whole(String::from_utf8_lossy(&answer.body).into_owned()),
            Some(cut) => Ends {
                head: String::from_utf8_lossy(&answer.body).into_owned(),
                tail: String::from_utf8_lossy(&cut.tail).into_owned(),
                total: cut.total,
            },
        };
        return Ok(demux_ends(raw));
    }
    let logs: SessionCommandLogsResponse = decode(&answer.body, what)?;
    let cut = |name: &str| cut_of(answer, name);
    Ok(streams(
        logs.stdout.map(|t| Ends::of(t, cut("stdout"))),
        logs.stderr.map(|t| Ends::of(t, cut("stderr"))),
        logs.output.map(|t| Ends::of(t, cut("output"))),
    ))
}

/// The split streams when the daemon gave them, else the merged output split here.
fn streams(stdout: Option<Ends>, stderr: Option<Ends>, output: Option<Ends>) -> (Ends, Ends) {
    match (stdout, stderr) {
        (None, None) => demux_ends(output.unwrap_or_default()),
        (stdout, stderr) => (stdout.unwrap_or_default(), stderr.unwrap_or_default()),
    }
}

/// [`demux`] of merged output, whole or as its two ends. Of a cut middle it
/// is not known which stream it held: its bytes are counted as stdout's.
fn demux_ends(merged: Ends) -> (Ends, Ends) {
    if !merged.is_cut() {
        let (out, err) = demux(merged.head.as_bytes());
        return (Ends::whole(out), Ends::whole(err));
    }
    let (head_out, head_err) = demux(merged.head.as_bytes());
    let (tail_out, tail_err) = demux(merged.tail.as_bytes());
    let err_len = (head_err.len() + tail_err.len()) as u64;
    let kept_out = (head_out.len() + tail_out.len()) as u64;
    let stdout = Ends {
        head: head_out,
        tail: tail_out,
        total: merged.total.saturating_sub(err_len).max(kept_out + 1),
    };
    (stdout, Ends::whole(head_err + &tail_err))
}

/// The last `n` lines of a stream (of its end when its middle was dropped),
/// and whether any were left out.
fn last_lines_of(text: &Ends, n: u32) -> (String, bool) {
    if text.is_cut() {
        return (last_lines(&text.tail, n).0.to_string(), true);
    }
    let (lines, cut) = last_lines(&text.head, n);
    (lines.to_string(), cut)
}

/// Split a raw log by its stream markers (text before any marker is stdout;
/// output without markers is all stdout).
fn demux(raw: &[u8]) -> (String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut to_err = false;
    let mut i = 0;
    while i < raw.len() {
        if raw[i..].starts_with(STDOUT_MARK) {
            to_err = false;
            i += STDOUT_MARK.len();
        } else if raw[i..].starts_with(STDERR_MARK) {
            to_err = true;
            i += STDERR_MARK.len();
        } else {
            if to_err { &mut err } else { &mut out }.push(raw[i]);
            i += 1;
        }
    }
    (
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

/// The last `n` lines of `text` (a final newline ends the last line), and whether any were left out.
pub fn last_lines(text: &str, n: u32) -> (&str, bool) {
    let body = text.strip_suffix('\n').unwrap_or(text);
    let mut seen = 0;
    for (i, b) in body.bytes().enumerate().rev() {
        if b == b'\n' {
            seen += 1;
            if seen == n {
                return (&text[i + 1..], true);
            }
        }
    }
    (text, false)
}

/// The exit code as an `i32`.
fn exit_code(code: Option<i64>) -> Option<i32> {
    code.map(|c| c.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// Bound stdout and stderr together to `limit` bytes: when both do not fit,
/// a stream within half the limit is kept whole and the other gets the rest;
/// each cut stream keeps its head and tail ([`Ends::bound`]).
fn bounded(
    command_id: String,
    exit_code: Option<i32>,
    stdout: Ends,
    stderr: Ends,
    truncated: bool,
    limit: usize,
) -> CommandOutput {
    let size = |e: &Ends| usize::try_from(e.total).unwrap_or(usize::MAX);
    let (out_budget, err_budget) = split_budget(size(&stdout), size(&stderr), limit);
    let (stdout, cut_out, out_len) = stdout.bound(out_budget);
    let (stderr, cut_err, err_len) = stderr.bound(err_budget);
    CommandOutput {
        command_id,
        exit_code,
        stdout,
        stderr,
        truncated: truncated || cut_out || cut_err,
        output_length: out_len + err_len,
    }
}

/// How many of `limit` bytes each of two texts `a` and `b` bytes long may use.
pub fn split_budget(a: usize, b: usize, limit: usize) -> (usize, usize) {
    let half = limit / 2;
    if a.saturating_add(b) <= limit {
        (a, b)
    } else if a <= half {
        (a, limit - a)
    } else if b <= half {
        (limit - b, b)
    } else {
        (half, limit - half)
    }
}

/// A program to run with `run_code`.
#[derive(Debug, Clone, Default)]
pub struct Code {
    /// The sandbox (ID or name).
    pub sandbox: String,
    /// The program.
    pub code: String,
    /// `python`, `javascript` or `typescript`.
    pub language: String,
    /// Its arguments.
    pub argv: Vec<String>,
    /// Extra environment variables.
    pub env: BTreeMap<String, String>,
    /// Seconds before it is killed.
    pub timeout: Option<u32>,
}

/// A chart a program drew, described: its image and data are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartInfo {
    /// `line`, `scatter`, `bar`, `pie`, `box_and_whisker`, `composite_chart`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title (at most 200 bytes).
    pub title: String,
    /// The x axis label.
    pub x_label: String,
    /// The y axis label.
    pub y_label: String,
    /// How many elements (lines, bars, points, sub-charts) it has.
    pub elements: u64,
    /// Whether Daytona rendered it as a PNG (not returned).
    pub has_png: bool,
}

/// What `run_code` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRun {
    /// The exit code (-1 when the program could not start).
    pub exit_code: i32,
    /// stdout and stderr, merged, bounded.
    pub result: String,
    /// Whether `result` was cut.
    pub truncated: bool,
    /// Bytes of the whole output.
    pub result_length: u64,
    /// The charts drawn (the first 100).
    pub charts: Vec<ChartInfo>,
    /// How many charts were drawn.
    pub chart_count: u64,
}

/// Run a program with `POST /process/code-run`, killed after its timeout
/// (default [`DEFAULT_CODE_TIMEOUT_SECS`]).
pub fn run_code<T: Transport>(client: &Client<T>, code: &Code) -> Result<CodeRun, Error> {
    check_text("code", &code.code)?;
    if !LANGUAGES.contains(&code.language.as_str()) {
        return Err(Error::invalid_input(format!(
            "`language` is '{}', not one of: {}",
            shown(&code.language),
            LANGUAGES.join(", ")
        )));
    }
    let timeout = code.timeout.unwrap_or(DEFAULT_CODE_TIMEOUT_SECS);
    if !(1..=MAX_CODE_TIMEOUT_SECS).contains(&timeout) {
        return Err(Error::invalid_input(format!(
            "`timeout` is {timeout}; it must be from 1 to {MAX_CODE_TIMEOUT_SECS} seconds"
        )));
    }
    if let Some(arg) = code.argv.iter().find(|a| a.contains('\0')) {
        return Err(Error::invalid_input(format!(
            "`argv` holds '{}' with a NUL character, which no program argument can hold",
            shown(arg)
        )));
    }
    check_env_names("env", code.env.keys())?;
    let tb = Toolbox::open(client, &code.sandbox)?;
    let wait = Duration::from_secs(u64::from(timeout)) + ANSWER_MARGIN;
    // The program's run time is the call's own wait: its budget grows by as much.
    client.extend_call(wait);
    let what = format!("run {} code in sandbox '{}'", code.language, tb.name);
    let req = tb
        .request(Method::Post, "/process/code-run", what.clone())
        .json(&CodeRunRequest {
            code: code.code.clone(),
            language: code.language.clone(),
            argv: code.argv.clone(),
            envs: code.env.clone(),
            timeout,
        })?
        .timeout(wait)
        .hint(
            When::Status(408),
            format!(
                "the program ran longer than its timeout ({timeout} s) and was killed; raise `timeout` (at most {MAX_CODE_TIMEOUT_SECS}), or run it in the background with run_session_command and async: true"
            ),
        );
    let answer = client.send(&keeping_ends(req, client.config.output_limit))?;
    let run: CodeRunResponse = decode(&answer.body, &what)?;
    let result = Ends::of(
        run.result.clone().unwrap_or_default(),
        cut_of(&answer, "result"),
    );
    Ok(shape_run(run, result, client.config.output_limit))
}

/// The run's result bounded, its charts described.
fn shape_run(answer: CodeRunResponse, result: Ends, limit: usize) -> CodeRun {
    let (result, truncated, result_length) = result.bound(limit);
    let charts = answer.artifacts.and_then(|a| a.charts).unwrap_or_default();
    let chart_count = charts.len() as u64;
    CodeRun {
        exit_code: exit_code(answer.exit_code).unwrap_or(-1),
        result,
        truncated,
        result_length,
        charts: charts
            .into_iter()
            .take(MAX_CHARTS)
            .map(chart_info)
            .collect(),
        chart_count,
    }
}

fn chart_info(chart: Chart) -> ChartInfo {
    let label = |s: Option<String>| cut(&s.unwrap_or_default(), MAX_LABEL);
    ChartInfo {
        kind: label(chart.kind),
        title: label(chart.title),
        x_label: label(chart.x_label),
        y_label: label(chart.y_label),
        elements: chart.elements.map_or(0, |e| e.len() as u64),
        has_png: chart.png.is_some_and(|p| !p.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::testing::{Scripted, config};

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
        let none: CodeRunResponse =
            crate::models::from_str(r#"{"exitCode":1,"result":"x"}"#).unwrap();
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
        let mut ends = crate::json_ends::JsonEnds::new(keep, 1 << 20);
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
}
