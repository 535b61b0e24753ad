//! A session command's output: run to its end (`run_session_command`) or
//! read from its logs (`get_session_command_logs`), the two streams split
//! and bounded together.

use super::super::execute::{Ends, cut_of, keeping_ends};
use super::super::require_name;
use super::super::toolbox::Toolbox;
use super::{COMMAND_NOT_FOUND, SESSION_NOT_FOUND, SPLIT_OUTPUT, STDERR_MARK, STDOUT_MARK};
use super::{check_text, session_route};
use crate::error::{Error, ErrorKind};
use crate::http::{Client, Method, Response, Transport, When, decode};
use crate::models::sessions::{
    Command, SessionCommandLogsResponse, SessionExecuteRequest, SessionExecuteResponse,
};
use serde::Serialize;

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
pub(super) fn streams(
    stdout: Option<Ends>,
    stderr: Option<Ends>,
    output: Option<Ends>,
) -> (Ends, Ends) {
    match (stdout, stderr) {
        (None, None) => demux_ends(output.unwrap_or_default()),
        (stdout, stderr) => (stdout.unwrap_or_default(), stderr.unwrap_or_default()),
    }
}

/// [`demux`] of merged output, whole or as its two ends. Of a cut middle it
/// is not known which stream it held: its bytes are counted as stdout's.
pub(super) fn demux_ends(merged: Ends) -> (Ends, Ends) {
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
pub(super) fn last_lines_of(text: &Ends, n: u32) -> (String, bool) {
    if text.is_cut() {
        return (last_lines(&text.tail, n).0.to_string(), true);
    }
    let (lines, cut) = last_lines(&text.head, n);
    (lines.to_string(), cut)
}

/// Split a raw log by its stream markers (text before any marker is stdout;
/// output without markers is all stdout).
pub(super) fn demux(raw: &[u8]) -> (String, String) {
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
pub(super) fn exit_code(code: Option<i64>) -> Option<i32> {
    code.map(|c| c.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
}

/// Bound stdout and stderr together to `limit` bytes: when both do not fit,
/// a stream within half the limit is kept whole and the other gets the rest;
/// each cut stream keeps its head and tail ([`Ends::bound`]).
pub(super) fn bounded(
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
