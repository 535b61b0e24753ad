//! The toolbox's process sessions and code run.
//!
//! | route (under `/toolbox/{sandboxId}`) | answer |
//! |---|---|
//! | `POST /process/session` `{sessionId}` | 201; 409 when it exists |
//! | `GET /process/session` | 200 `[Session{sessionId, commands}]` |
//! | `GET /process/session/{sessionId}` | 200 `Session`; 404 |
//! | `DELETE /process/session/{sessionId}` | 204: its processes are killed (whole process groups; also when the sandbox stops or is deleted, and when the emulator is dropped) |
//! | `POST /process/session/{sessionId}/exec` `{command, runAsync?, async?}` | 200 `{cmdId, exitCode, output, stdout, stderr}` when it finishes; with `runAsync` 202 `{cmdId}` at once |
//! | `GET /process/session/{sessionId}/command/{commandId}` | 200 `Command{id, command, exitCode?}` (`exitCode` once finished) |
//! | `GET /process/session/{sessionId}/command/{commandId}/logs` | 200 `{output, stdout, stderr}` so far (plain `output` for SDKs older than 0.167.0) |
//! | `POST /process/code-run` `{code, language, argv?, envs?, timeout?}` | 200 `{exitCode, result}`; 408 at the timeout |
//!
//! Each command runs as `sh -c` in its own process group, in the sandbox's directory with
//! `HOME` set to it. As in a session shell, the working directory and exported variables
//! carry over from one command to the next (the wrapper saves them after each command);
//! unlike Daytona's single shell, commands of one session may run concurrently. stdout
//! and stderr are captured separately and interleaved into `output`. `follow=true` on logs
//! (a WebSocket upgrade in Daytona) answers the logs so far; interactive input is not
//! emulated.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

use super::super::auth::Principal;
use super::super::errors::ApiError;
use super::super::ids::{random_hex, uuid_v4};
use super::super::process::{group_alive, kill_group};
use super::super::state::Shared;
use super::common::{Call, Target, bad_request, not_found, parse_body, target};
use super::records::{CommandLogs, Session, SessionCommand};

type Res = Result<Response, ApiError>;

/// Runs the command (`$2`) with the state left by the session's previous command
/// (working directory and exports, in directory `$1`) and saves the new state.
const WRAPPER: &str = r#"__daytona_state="$1"; shift
if [ -f "$__daytona_state/cwd" ]; then cd "$(cat "$__daytona_state/cwd")" 2>/dev/null; fi
if [ -f "$__daytona_state/env" ]; then . "$__daytona_state/env"; fi
eval "$1"
__daytona_rc=$?
pwd > "$__daytona_state/cwd"
export -p > "$__daytona_state/env"
exit $__daytona_rc"#;

/// Code run's timeout when the request gives none (seconds).
pub const CODE_RUN_DEFAULT_TIMEOUT_SECS: f64 = 60.0;

fn session_not_found(session_id: &str) -> ApiError {
    not_found(format!("session {session_id} not found"), "NOT_FOUND")
}

fn command_json(c: &SessionCommand) -> Value {
    let logs = c.logs.lock().unwrap_or_else(|p| p.into_inner());
    let mut v = json!({ "id": c.id, "command": c.command });
    if let Some(code) = logs.exit_code {
        v["exitCode"] = json!(code);
    }
    v
}

fn session_json(id: &str, s: &Session) -> Value {
    json!({
        "sessionId": id,
        "commands": s.commands.iter().map(|c| command_json(c)).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateSession {
    session_id: Option<String>,
}

/// `POST /process/session`.
pub(crate) async fn create(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: CreateSession = parse_body(&body)?;
    let session_id = req
        .session_id
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| bad_request("sessionId is required"))?;
    let shared = call.shared();
    let state_dir = shared.root.join(".sessions").join(random_hex(8));
    let mut inner = shared.lock();
    let sessions = inner.toolbox.sessions.entry(t.id.clone()).or_default();
    if sessions.contains_key(&session_id) {
        return Err(ApiError::conflict(format!("session {session_id} already exists")).toolbox());
    }
    std::fs::create_dir_all(&state_dir)
        .map_err(|e| super::common::internal(format!("session state: {e}")))?;
    sessions.insert(
        session_id,
        Session {
            commands: Vec::new(),
            state_dir,
        },
    );
    Ok(StatusCode::CREATED.into_response())
}

/// `GET /process/session`.
pub(crate) async fn list(call: Call) -> Res {
    let t = call.target()?;
    let inner = call.shared().lock();
    let list: Vec<Value> = inner
        .toolbox
        .sessions
        .get(&t.id)
        .map(|s| s.iter().map(|(id, s)| session_json(id, s)).collect())
        .unwrap_or_default();
    Ok(Json(list).into_response())
}

/// `GET /process/session/{sessionId}`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((id, session_id)): Path<(String, String)>,
) -> Res {
    let t = target(&shared, &caller, &id)?;
    let inner = shared.lock();
    let session = inner
        .toolbox
        .sessions
        .get(&t.id)
        .and_then(|s| s.get(&session_id))
        .ok_or_else(|| session_not_found(&session_id))?;
    Ok(Json(session_json(&session_id, session)).into_response())
}

/// `DELETE /process/session/{sessionId}`.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((id, session_id)): Path<(String, String)>,
) -> Res {
    let t = target(&shared, &caller, &id)?;
    let session = shared
        .lock()
        .toolbox
        .sessions
        .get_mut(&t.id)
        .and_then(|s| s.remove(&session_id))
        .ok_or_else(|| session_not_found(&session_id))?;
    session.kill();
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn find_command(
    shared: &Shared,
    t: &Target,
    session_id: &str,
    command_id: &str,
) -> Result<Arc<SessionCommand>, ApiError> {
    let inner = shared.lock();
    let session = inner
        .toolbox
        .sessions
        .get(&t.id)
        .and_then(|s| s.get(session_id))
        .ok_or_else(|| session_not_found(session_id))?;
    session
        .commands
        .iter()
        .find(|c| c.id == command_id)
        .cloned()
        .ok_or_else(|| not_found(format!("command {command_id} not found"), "NOT_FOUND"))
}

/// `GET /process/session/{sessionId}/command/{commandId}`.
pub(crate) async fn get_command(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((id, session_id, command_id)): Path<(String, String, String)>,
) -> Res {
    let t = target(&shared, &caller, &id)?;
    let c = find_command(&shared, &t, &session_id, &command_id)?;
    Ok(Json(command_json(&c)).into_response())
}

/// Whether the caller is an SDK older than 0.167.0 (which reads logs as plain text).
fn wants_plain_logs(headers: &HeaderMap) -> bool {
    let Some(v) = headers
        .get("x-daytona-sdk-version")
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let nums: Vec<u64> = v
        .trim_start_matches('v')
        .split(['.', '-', '+'])
        .take(3)
        .map(|n| n.parse().unwrap_or(0))
        .collect();
    let version = (
        nums.first().copied().unwrap_or(0),
        nums.get(1).copied().unwrap_or(0),
        nums.get(2).copied().unwrap_or(0),
    );
    version < (0, 167, 0)
}

/// `GET /process/session/{sessionId}/command/{commandId}/logs`.
pub(crate) async fn logs(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((id, session_id, command_id)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Res {
    let t = target(&shared, &caller, &id)?;
    let c = find_command(&shared, &t, &session_id, &command_id)?;
    let logs = c.logs.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    if wants_plain_logs(&headers) {
        let mut resp = text(&logs.output).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        return Ok(resp);
    }
    Ok(Json(json!({
        "output": text(&logs.output),
        "stdout": text(&logs.stdout),
        "stderr": text(&logs.stderr),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExecRequest {
    command: Option<String>,
    run_async: Option<bool>,
    #[serde(rename = "async")]
    is_async: Option<bool>,
    #[allow(dead_code)]
    suppress_input_echo: Option<bool>,
}

/// Copies one output stream into the command's logs as it arrives.
async fn pump(
    mut from: impl tokio::io::AsyncRead + Unpin,
    logs: Arc<SessionCommand>,
    stderr: bool,
) {
    let mut buf = vec![0u8; 8192];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let mut l = logs.logs.lock().unwrap_or_else(|p| p.into_inner());
                if stderr {
                    l.stderr.extend_from_slice(&buf[..n]);
                } else {
                    l.stdout.extend_from_slice(&buf[..n]);
                }
                l.output.extend_from_slice(&buf[..n]);
            }
        }
    }
}

/// `POST /process/session/{sessionId}/exec`.
pub(crate) async fn exec(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((id, session_id)): Path<(String, String)>,
    body: Bytes,
) -> Res {
    let t = target(&shared, &caller, &id)?;
    let req: ExecRequest = parse_body(&body)?;
    let command = req
        .command
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| bad_request("command is required"))?;
    let run_async = req.run_async.or(req.is_async).unwrap_or(false);
    let state_dir = {
        let inner = shared.lock();
        inner
            .toolbox
            .sessions
            .get(&t.id)
            .and_then(|s| s.get(&session_id))
            .map(|s| s.state_dir.clone())
            .ok_or_else(|| session_not_found(&session_id))?
    };
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(WRAPPER)
        .arg("sh")
        .arg(&state_dir)
        .arg(&command)
        .current_dir(&t.home)
        .envs(t.command_env())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd
        .spawn()
        .map_err(|e| super::common::internal(format!("cannot start sh: {e}")))?;
    let pgid = child.id().and_then(|p| i32::try_from(p).ok());
    let (done_tx, done_rx) = tokio::sync::watch::channel(false);
    let rec = Arc::new(SessionCommand {
        id: uuid_v4(),
        command,
        pgid,
        logs: Mutex::new(CommandLogs::default()),
        done: done_rx,
    });
    {
        let mut inner = shared.lock();
        if let Some(p) = pgid {
            inner.running.insert(p);
        }
        match inner
            .toolbox
            .sessions
            .get_mut(&t.id)
            .and_then(|s| s.get_mut(&session_id))
        {
            Some(s) => s.commands.push(rec.clone()),
            None => {
                // Deleted meanwhile.
                if let Some(p) = pgid {
                    kill_group(p);
                }
                return Err(session_not_found(&session_id));
            }
        }
    }
    let out = child
        .stdout
        .take()
        .map(|o| tokio::spawn(pump(o, rec.clone(), false)));
    let err = child
        .stderr
        .take()
        .map(|e| tokio::spawn(pump(e, rec.clone(), true)));
    let waiter_rec = rec.clone();
    let waiter_shared = shared.clone();
    tokio::spawn(async move {
        let status = child.wait().await;
        // Output still in the pipes arrives within moments; background jobs holding the
        // pipes keep their readers going after the command counts as finished.
        for h in [out, err].into_iter().flatten() {
            let _ = tokio::time::timeout(Duration::from_millis(200), h).await;
        }
        let code = match status {
            Ok(s) => s
                .code()
                .or_else(|| std::os::unix::process::ExitStatusExt::signal(&s).map(|n| 128 + n))
                .unwrap_or(-1),
            Err(_) => -1,
        };
        waiter_rec
            .logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .exit_code = Some(code);
        let _ = done_tx.send(true);
        if let Some(p) = pgid.filter(|p| !group_alive(*p)) {
            waiter_shared.lock().running.remove(&p);
        }
    });
    if run_async {
        return Ok((StatusCode::ACCEPTED, Json(json!({ "cmdId": rec.id }))).into_response());
    }
    let mut done = rec.done.clone();
    let _ = done.wait_for(|d| *d).await;
    let logs = rec.logs.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ok(Json(json!({
        "cmdId": rec.id,
        "exitCode": logs.exit_code,
        "output": text(&logs.output),
        "stdout": text(&logs.stdout),
        "stderr": text(&logs.stderr),
    }))
    .into_response())
}

#[derive(Deserialize)]
struct CodeRunRequest {
    code: Option<String>,
    language: Option<String>,
    argv: Option<Vec<String>>,
    envs: Option<BTreeMap<String, String>>,
    timeout: Option<f64>,
}

/// Single-quotes for `sh`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `POST /process/code-run`.
pub(crate) async fn code_run(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: CodeRunRequest = parse_body(&body)?;
    let code = req.code.ok_or_else(|| bad_request("code is required"))?;
    let language = req
        .language
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad_request("language is required"))?;
    let runner = match language.to_ascii_lowercase().as_str() {
        "python" => "python3 -c",
        "javascript" => "node -e",
        "typescript" => "node --experimental-strip-types --input-type=module-typescript -e",
        other => {
            return Err(bad_request(format!(
                "unsupported language {other:?}: want python, javascript or typescript"
            )));
        }
    };
    let mut command = format!("{runner} {}", sh_quote(&code));
    for a in req.argv.unwrap_or_default() {
        command.push(' ');
        command.push_str(&sh_quote(&a));
    }
    let mut env = t.command_env();
    env.extend(req.envs.unwrap_or_default());
    let timeout = req
        .timeout
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(CODE_RUN_DEFAULT_TIMEOUT_SECS);
    let (code, result) = super::run(call.shared(), &command, &t.home, None, &env, timeout)
        .await
        .map_err(|e| e.with_code("PROCESS_EXECUTION_TIMEOUT").toolbox())?;
    Ok(
        Json(json!({ "exitCode": code, "result": result, "artifacts": { "charts": [] } }))
            .into_response(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_versions_choose_the_log_format() {
        let mut h = HeaderMap::new();
        assert!(!wants_plain_logs(&h));
        h.insert("x-daytona-sdk-version", "0.226.1".parse().unwrap());
        assert!(!wants_plain_logs(&h));
        h.insert("x-daytona-sdk-version", "0.160.2".parse().unwrap());
        assert!(wants_plain_logs(&h));
    }

    #[test]
    fn quotes_for_sh() {
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
    }
}
