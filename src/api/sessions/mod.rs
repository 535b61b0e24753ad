//! Shell sessions and code runs in a started sandbox, through its toolbox
//! ([`Toolbox`]): named sessions whose shell keeps its working directory and
//! exported variables from one command to the next, commands run in them in
//! the foreground or the background, their logs, and `POST /process/code-run`.
//!
//! Session and command IDs become path segments and are checked with
//! [`require_name`]; commands and code holding a NUL are refused before
//! anything is sent. Every output handed back is bounded by
//! `DAYTONA_OUTPUT_LIMIT_BYTES` with the head/tail rule of `execute_command`
//! ([`super::execute::bound_output`]). Answers with output are read as they
//! arrive, keeping only the ends of each long string
//! ([`Request::keep_string_ends`](crate::http::Request::keep_string_ends)):
//! output far beyond the body cap (a chatty server's logs) keeps its first and
//! last lines and is marked `truncated`, like `execute_command`'s.
//!
//! - `output`: running a command in a session, and its logs.
//! - `code`: `run_code`.
//! - here: creating, deleting and listing sessions.

mod code;
mod output;

pub use code::{ChartInfo, Code, CodeRun, run_code};
pub use output::{CommandOutput, last_lines, logs, run, split_budget};

use super::require_name;
use super::toolbox::{Toolbox, keep_within};
use crate::error::Error;
use crate::http::{Client, Method, Transport, When, decode};
use crate::models::sessions::{Command, CreateSessionRequest, Session};
use serde::Serialize;
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

#[cfg(test)]
mod tests;
