//! Command execution, through the toolbox proxy and through the deprecated API route.
//!
//! - `POST /toolbox/{sandboxId}/process/execute` (the sandbox's `toolboxProxyUrl` +
//!   `/{id}/process/execute`): body `{command, cwd?, envs?, timeout?}`; errors in the
//!   toolbox shape. 404 when `toolbox_proxy` is off or `toolbox_proxy_404` is on.
//! - `POST /api/toolbox/{sandboxId}/toolbox/process/execute` (deprecated, still served):
//!   same body; errors in the API shape.
//!
//! Both answer 200 `{exitCode, result}` (`{code, result}` with `legacy_exec_code_field`).
//! The command really runs: `sh -c <command>` in the sandbox's own temporary directory
//! (`cwd` is relative to it unless absolute), stdout and stderr merged in order into
//! `result`, with the sandbox's `env` and the request's `envs`. It runs in its own process
//! group; at the timeout (default 10 s) the whole group is killed and the answer is 408.
//! A command that cannot start answers `exitCode: -1` with the reason. Both need
//! `write:sandboxes` and a `started` sandbox (400 "Sandbox is not running" otherwise).
//!
//! The other toolbox routes (files, git, sessions, code run) are in [`files`], [`git`] and
//! [`sessions`], registered by [`routes`].

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path as FsPath, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Principal;
use super::errors::{ApiError, parse_json};
use super::process::{group_alive, kill_group};
use super::state::Shared;

pub(crate) mod common;
pub(crate) mod files;
pub(crate) mod git;
mod multipart;
pub(crate) mod records;
pub(crate) mod routes;
pub(crate) mod sessions;

/// Timeout when the request gives none (seconds), per the toolbox spec.
pub const DEFAULT_TIMEOUT_SECS: f64 = 10.0;

/// The `ExecuteRequest` body.
#[derive(Deserialize)]
struct ExecuteRequest {
    command: Option<String>,
    cwd: Option<String>,
    envs: Option<BTreeMap<String, String>>,
    timeout: Option<f64>,
}

/// `POST /toolbox/{sandboxId}/process/execute`.
pub(crate) async fn proxy_execute(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    {
        let inner = shared.lock();
        if !inner.opts.toolbox_proxy || inner.opts.toolbox_proxy_404 {
            return Err(ApiError::not_found("Not Found").toolbox());
        }
    }
    execute(&shared, &caller, &id, &body)
        .await
        .map_err(ApiError::toolbox)
}

/// `POST /api/toolbox/{sandboxId}/toolbox/process/execute`.
pub(crate) async fn legacy_execute(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    execute(&shared, &caller, &id, &body).await
}

async fn execute(
    shared: &Arc<Shared>,
    caller: &Principal,
    id: &str,
    body: &[u8],
) -> Result<Json<Value>, ApiError> {
    caller.require("write:sandboxes")?;
    let req: ExecuteRequest =
        parse_json(body).map_err(|_| ApiError::bad_request("command is required"))?;
    let command = req
        .command
        .ok_or_else(|| ApiError::bad_request("command is required"))?;
    if command.trim().is_empty() {
        return Err(ApiError::bad_request("empty command"));
    }
    let (dir, env, legacy_field) = {
        let now = shared.clock.now_ms();
        let mut inner = shared.lock();
        inner.sweep(now);
        let legacy_field = inner.opts.legacy_exec_code_field;
        let sandbox = inner
            .sandboxes
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                ApiError::not_found("Sandbox not found").with_code("SANDBOX_NOT_FOUND")
            })?;
        if sandbox.state != "started" {
            return Err(ApiError::bad_request("Sandbox is not running"));
        }
        sandbox.last_activity_ms = now;
        (sandbox.dir.clone(), sandbox.env.clone(), legacy_field)
    };
    let mut env = env;
    env.extend(req.envs.unwrap_or_default());
    let timeout = req
        .timeout
        .filter(|t| t.is_finite() && *t > 0.0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    let (code, result) = run(shared, &command, &dir, req.cwd.as_deref(), &env, timeout).await?;
    let field = if legacy_field { "code" } else { "exitCode" };
    Ok(Json(json!({ field: code, "result": result })))
}

/// Runs `sh -c command`; `Ok((exit code, merged output))`, or 408 at the timeout.
pub(crate) async fn run(
    shared: &Arc<Shared>,
    command: &str,
    dir: &FsPath,
    cwd: Option<&str>,
    env: &BTreeMap<String, String>,
    timeout_secs: f64,
) -> Result<(i32, String), ApiError> {
    let cwd: PathBuf = match cwd.filter(|c| !c.is_empty()) {
        None => dir.to_path_buf(),
        Some(c) if FsPath::new(c).is_absolute() => PathBuf::from(c),
        Some(c) => dir.join(c),
    };
    let (mut reader, writer) = match std::io::pipe() {
        Ok(pair) => pair,
        Err(e) => return Ok((-1, format!("cannot create output pipe: {e}"))),
    };
    let stdout = match writer.try_clone() {
        Ok(w) => w,
        Err(e) => return Ok((-1, format!("cannot create output pipe: {e}"))),
    };
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .current_dir(&cwd)
        .envs(env)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(writer)
        .process_group(0)
        .kill_on_drop(true);
    let spawned = cmd.spawn();
    // The Command holds the pipe's write ends; drop them so EOF comes when the group exits.
    drop(cmd);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return Ok((-1, format!("{e} (cwd {})", cwd.display()))),
    };
    let pgid = child.id().and_then(|p| i32::try_from(p).ok());
    if let Some(p) = pgid {
        shared.lock().running.insert(p);
    }
    let mut output = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        let _ = reader.read_to_end(&mut buf);
        buf
    });
    let finished = tokio::time::timeout(Duration::from_secs_f64(timeout_secs), async {
        let status = child.wait().await;
        let out = (&mut output).await;
        (status, out)
    })
    .await;
    let outcome = match finished {
        Ok((status, out)) => {
            let code = status.ok().and_then(|s| s.code()).unwrap_or(-1);
            Ok((
                code,
                String::from_utf8_lossy(&out.unwrap_or_default()).into_owned(),
            ))
        }
        Err(_) => {
            if let Some(p) = pgid {
                kill_group(p);
            }
            let _ = child.wait().await;
            Err(ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "Command execution timed out after {timeout_secs} seconds. The timeout can be increased by adjusting the timeout parameter in the request."
                ),
            ))
        }
    };
    // Forget the group once nothing of it is left; background jobs keep it listed so the
    // emulator kills them when it stops.
    if let Some(p) = pgid.filter(|p| !group_alive(*p)) {
        shared.lock().running.remove(&p);
    }
    outcome
}
