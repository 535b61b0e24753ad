//! Sandbox lifecycle: create, start, stop, delete, and the wait for a state
//! that follows each, with the semantics of Daytona's SDKs (poll from 100 ms
//! growing ×1.1 to 1 s; default 60 s; 0 = return at once).
//!
//! Waits run on the monotonic clock ([`crate::http::Transport::monotonic_nanos`]),
//! and every sleep also stays within the call's budget ([`Client::call_left`]).
//! A 409 on start or stop is retried at the same pace as polling, never in a tight loop.
//!
//! - `wait`: the transition request and the poll for the state it leads to.

mod wait;

pub use wait::wait_for;
use wait::{settle, transition};

use super::require_name;
use super::sandboxes;
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Transport, When, encode_component};
use crate::models::{CreateSandbox, Sandbox};
use std::time::Duration;

/// The wait applied when a caller gives no timeout, in seconds.
pub const DEFAULT_WAIT_SECS: u32 = 60;
/// The longest wait a caller may ask for, in seconds.
pub const MAX_WAIT_SECS: u32 = 3600;
/// The longest auto-stop/archive/delete interval, in minutes (a year).
pub const MAX_INTERVAL_MINUTES: i32 = 525_600;

/// States a sandbox passes through on its own; a request during one gets 409.
const TRANSITIONAL: &[&str] = &[
    "creating",
    "restoring",
    "destroying",
    "starting",
    "stopping",
    "pending_build",
    "building_snapshot",
    "pulling_snapshot",
    "archiving",
    "resizing",
    "snapshotting",
    "forking",
    "pausing",
    "resuming",
];

/// States from which a sandbox will not reach `started` without help.
const FAILED: &[&str] = &["error", "build_failed"];

/// Check a create request before sending it, naming the field and the reason.
pub fn validate_create(req: &CreateSandbox, timeout: Option<u32>) -> Result<(), Error> {
    if let Some(name) = &req.name {
        require_name("name", name)?;
    }
    for (field, value) in [
        ("autoStopInterval", req.auto_stop_interval),
        ("autoArchiveInterval", req.auto_archive_interval),
        ("autoDeleteInterval", req.auto_delete_interval),
    ] {
        if let Some(v) = value
            && !(0..=MAX_INTERVAL_MINUTES).contains(&v)
        {
            return Err(Error::invalid_input(format!(
                "`{field}` is {v}; intervals are minutes from 0 (disabled) to {MAX_INTERVAL_MINUTES} (a year)"
            )));
        }
    }
    check_wait(timeout)?;
    check_env_names("env", req.env.keys())?;
    Ok(())
}

/// Environment variable names must be `^[A-Za-z_][A-Za-z0-9_]*$`.
pub fn check_env_names<'a>(
    field: &str,
    names: impl IntoIterator<Item = &'a String>,
) -> Result<(), Error> {
    for name in names {
        let mut chars = name.chars();
        let ok = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            return Err(Error::invalid_input(format!(
                "`{field}` has the variable name '{}'; names must match ^[A-Za-z_][A-Za-z0-9_]*$",
                scrub(name, &[])
            )));
        }
    }
    Ok(())
}

/// Create a sandbox and wait up to `timeout` seconds for `started`.
///
/// The POST is never retried blindly (a lost answer could mean two sandboxes):
/// only when a name was given, and a 409 on that retry means the first attempt
/// created it, so that sandbox is fetched and returned.
pub fn create<T: Transport>(
    client: &Client<T>,
    req: &CreateSandbox,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    validate_create(req, timeout)?;
    client.extend_call(wait_time(timeout));
    let what = match &req.name {
        Some(name) => format!("create sandbox '{}'", scrub(name, &[])),
        None => "create sandbox".to_string(),
    };
    let post = Request::new(Method::Post, client.url("/sandbox"), what).json(req)?;
    let created = match client.json::<Sandbox>(&post) {
        Err(e) if lost(&e) => match &req.name {
            Some(name) => match client.json::<Sandbox>(&post) {
                Err(again) if again.kind == ErrorKind::Conflict => sandboxes::get(client, name)?,
                other => other?,
            },
            None => {
                return Err(e.with_hint(
                    "the sandbox may or may not have been created: check list_sandboxes before creating again \
                     (giving a `name` makes a create safe to retry)",
                ));
            }
        },
        other => other?,
    };
    wait_for(client, created, &["started"], timeout)
}

/// Refuse a wait longer than [`MAX_WAIT_SECS`]: the same bound for the typed
/// exports and `call-tool`.
pub fn check_wait(timeout: Option<u32>) -> Result<(), Error> {
    match timeout {
        Some(t) if t > MAX_WAIT_SECS => Err(Error::invalid_input(format!(
            "`timeout` is {t} s; waits are at most {MAX_WAIT_SECS} s"
        ))
        .with_hint(
            "wait in several calls (get_sandbox shows the state), or pass 0 to return at once",
        )),
        _ => Ok(()),
    }
}

/// The wait a caller asked for, which the call's budget is extended by.
fn wait_time(timeout: Option<u32>) -> Duration {
    Duration::from_secs(u64::from(timeout.unwrap_or(DEFAULT_WAIT_SECS)))
}

/// The start of a state change: the wait checked, the call's budget extended
/// by it, and the sandbox as it is now.
fn begin_wait<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    check_wait(timeout)?;
    client.extend_call(wait_time(timeout));
    sandboxes::get(client, sandbox)
}

/// An answer that may have been lost after Daytona acted: no answer, or a gateway error.
/// A refusal before sending (a host's allowlist) is not a lost answer.
fn lost(e: &Error) -> bool {
    (e.retryable && matches!(e.kind, ErrorKind::Transport | ErrorKind::Timeout))
        || matches!(e.status, Some(502..=504))
}

/// Start a sandbox and wait for `started`. Starting a started sandbox returns it unchanged.
pub fn start<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    let current = begin_wait(client, sandbox, timeout)?;
    if current.state == "started" {
        return Ok(current);
    }
    transition(client, current, "start", &[], &["started"], timeout)
}

/// Stop a sandbox (`force` skips a graceful shutdown) and wait for `stopped`.
/// Stopping a stopped sandbox returns it unchanged.
pub fn stop<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    force: bool,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    let current = begin_wait(client, sandbox, timeout)?;
    if current.state == "stopped" {
        return Ok(current);
    }
    let query: &[(&str, &str)] = if force { &[("force", "true")] } else { &[] };
    transition(
        client,
        current,
        "stop",
        query,
        &["stopped", "destroyed"],
        timeout,
    )
}

/// Archive a stopped sandbox (its filesystem moves to object storage) and
/// wait for `archived`. Archiving an archived sandbox returns it unchanged; a
/// started (or errored, or ephemeral) one is a `conflict`: Daytona archives
/// only stopped sandboxes, and its refusal (400) is reported as one too.
pub fn archive<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    let current = begin_wait(client, sandbox, timeout)?;
    match current.state.as_str() {
        "archived" => return Ok(current),
        "stopped" | "archiving" => {}
        // Settles first, then Daytona decides.
        state if TRANSITIONAL.contains(&state) => {}
        state => return Err(not_archivable(&current.name, state)),
    }
    transition(client, current, "archive", &[], &["archived"], timeout).map_err(|e| {
        if e.status == Some(400) {
            let mut e = e.with_hint(ARCHIVE_HINT);
            e.kind = ErrorKind::Conflict;
            e
        } else {
            e
        }
    })
}

const ARCHIVE_HINT: &str = "only a stopped sandbox can be archived: call stop_sandbox first, then archive_sandbox \
     (a sandbox in error cannot be archived; an ephemeral one, autoDeleteInterval 0, is deleted when it stops)";

fn not_archivable(name: &str, state: &str) -> Error {
    Error::new(
        ErrorKind::Conflict,
        format!(
            "sandbox '{}' is {state}; only a stopped sandbox can be archived",
            scrub(name, &[])
        ),
    )
    .with_hint(ARCHIVE_HINT)
}

/// Delete a sandbox. Deletion is asynchronous: the answer is the sandbox as
/// Daytona last saw it (usually `destroying`).
pub fn delete<T: Transport>(client: &Client<T>, sandbox: &str) -> Result<Sandbox, Error> {
    require_name("sandbox", sandbox)?;
    let req = Request::new(
        Method::Delete,
        client.url(&format!("/sandbox/{}", encode_component(sandbox))),
        format!("delete sandbox '{}'", scrub(sandbox, &[])),
    )
    .idempotent(true)
    .hint(
        When::Kind(ErrorKind::NotFound),
        "no such sandbox: it may already be deleted; use list_sandboxes to see the sandboxes that exist",
    );
    match client.json::<Sandbox>(&req) {
        // A transition in progress: let it end, then delete.
        Err(e) if e.kind == ErrorKind::Conflict => {
            let current = sandboxes::get(client, sandbox)?;
            settle(client, current, Some(DEFAULT_WAIT_SECS))?;
            client.json::<Sandbox>(&req)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
