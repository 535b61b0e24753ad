//! Waiting for a state: the transition request (a 409 retried at the
//! polling pace) and the poll that follows it, both on the monotonic clock.

use super::super::sandboxes::{self, NOT_FOUND_HINT};
use super::{DEFAULT_WAIT_SECS, FAILED, TRANSITIONAL, wait_time};
use crate::deadline::{Pace, nanos};
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Retry, Transport, When, encode_component};
use crate::models::Sandbox;
use std::time::Duration;

/// POST `/sandbox/{id}/{action}`, waiting out a transition already in
/// progress (409), then wait for one of `targets`.
pub(super) fn transition<T: Transport>(
    client: &Client<T>,
    current: Sandbox,
    action: &str,
    query: &[(&str, &str)],
    targets: &[&str],
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    let deadline = Deadline::new(client, timeout);
    let mut req = Request::new(
        Method::Post,
        client.url(&format!(
            "/sandbox/{}/{action}",
            encode_component(&current.id)
        )),
        format!("{action} sandbox '{}'", scrub(&current.name, &[])),
    )
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    req.retry = Retry::Always;
    for (k, v) in query {
        req = req.query(k, v);
    }
    let mut current = current;
    // A sandbox busy with another transition: wait for it to settle first.
    if TRANSITIONAL.contains(&current.state.as_str()) && timeout != Some(0) {
        current = settle(client, current, Some(deadline.remaining_secs(client)))?;
        if targets.contains(&current.state.as_str()) {
            return Ok(current);
        }
    }
    // Daytona may answer 409 while the state it reports is already settled:
    // each retry waits at the polling pace, within the wait and the call's budget.
    let mut pace = Pace::default();
    let answered = loop {
        match client.json::<Sandbox>(&req) {
            Err(e)
                if e.kind == ErrorKind::Conflict
                    && timeout != Some(0)
                    && !deadline.passed_after(client, pace.peek()) =>
            {
                let pause = pace.next_interval();
                if client.call_left() <= pause {
                    return Err(e);
                }
                client.transport.sleep(pause);
                let now = sandboxes::get(client, &current.id)?;
                current = settle(client, now, Some(deadline.remaining_secs(client)))?;
                if targets.contains(&current.state.as_str()) {
                    return Ok(current);
                }
            }
            other => break other?,
        }
    };
    // 0 returns the answer as it is; otherwise whatever is left of the wait.
    let left = match timeout {
        Some(0) => Some(0),
        Some(_) => Some(deadline.remaining_secs(client)),
        None => None,
    };
    wait_for(client, answered, targets, left)
}

/// Wait until the sandbox is in no transitional state.
pub(super) fn settle<T: Transport>(
    client: &Client<T>,
    sandbox: Sandbox,
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    poll(
        client,
        sandbox,
        timeout,
        |s| !TRANSITIONAL.contains(&s.state.as_str()),
        "settle",
    )
}

/// Poll until the sandbox reaches one of `targets`, fails, or time runs out.
pub fn wait_for<T: Transport>(
    client: &Client<T>,
    sandbox: Sandbox,
    targets: &[&str],
    timeout: Option<u32>,
) -> Result<Sandbox, Error> {
    let wanted = targets.join(" or ");
    let sandbox = poll(
        client,
        sandbox,
        timeout,
        |s| targets.contains(&s.state.as_str()) || FAILED.contains(&s.state.as_str()),
        &wanted,
    )?;
    if FAILED.contains(&sandbox.state.as_str()) && !targets.contains(&sandbox.state.as_str()) {
        return Err(failed(&sandbox));
    }
    Ok(sandbox)
}

fn failed(s: &Sandbox) -> Error {
    let reason = s
        .error_reason
        .as_deref()
        .map(|r| scrub(r, &[]))
        .unwrap_or_else(|| "Daytona gave no reason".to_string());
    let mut err = Error::new(
        ErrorKind::Upstream,
        format!(
            "sandbox '{}' ({}) is in state {}: {reason}",
            s.name, s.id, s.state
        ),
    )
    .with_hint(
        "delete it with delete_sandbox and create a new one (check the snapshot and resources)",
    );
    err.retryable = false;
    err
}

/// Poll `GET /sandbox/{id}` until `done`, from 100 ms growing ×1.1 to 1 s.
/// `timeout` none means the default wait; 0 returns the sandbox as it is.
fn poll<T: Transport>(
    client: &Client<T>,
    mut sandbox: Sandbox,
    timeout: Option<u32>,
    done: impl Fn(&Sandbox) -> bool,
    wanted: &str,
) -> Result<Sandbox, Error> {
    if timeout == Some(0) {
        return Ok(sandbox);
    }
    let deadline = Deadline::new(client, timeout);
    let mut pace = Pace::default();
    loop {
        if done(&sandbox) {
            return Ok(sandbox);
        }
        let interval = pace.next_interval();
        if client.call_left() <= interval {
            return Err(client.call_exhausted(&format!(
                "wait for sandbox '{}' ({}) to reach {wanted}; it is {}",
                sandbox.name, sandbox.id, sandbox.state
            )));
        }
        if deadline.passed_after(client, interval) {
            let secs = timeout.unwrap_or(DEFAULT_WAIT_SECS);
            let mut err = Error::new(
                ErrorKind::Timeout,
                format!(
                    "sandbox '{}' ({}) did not reach {wanted} within {secs} s; it is {}",
                    sandbox.name, sandbox.id, sandbox.state
                ),
            )
            .with_hint("it may still get there: check with get_sandbox, or call again with a longer `timeout`");
            err.retryable = true;
            return Err(err);
        }
        client.transport.sleep(interval);
        sandbox = sandboxes::get(client, &sandbox.id)?;
    }
}

/// A point on the monotonic clock after which a wait gives up.
struct Deadline {
    at: u64,
}

impl Deadline {
    fn new<T: Transport>(client: &Client<T>, timeout: Option<u32>) -> Self {
        Deadline {
            at: client
                .transport
                .monotonic_nanos()
                .saturating_add(nanos(wait_time(timeout))),
        }
    }
    fn passed_after<T: Transport>(&self, client: &Client<T>, wait: Duration) -> bool {
        client
            .transport
            .monotonic_nanos()
            .saturating_add(nanos(wait))
            > self.at
    }
    /// Whole seconds left, at least 1 so a nested wait still polls once.
    fn remaining_secs<T: Transport>(&self, client: &Client<T>) -> u32 {
        let left = self.at.saturating_sub(client.transport.monotonic_nanos());
        (left.div_ceil(1_000_000_000)).clamp(1, u64::from(u32::MAX)) as u32
    }
}
