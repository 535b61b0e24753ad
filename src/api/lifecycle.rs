//! Sandbox lifecycle: create, start, stop, delete, and the wait for a state
//! that follows each, with the semantics of Daytona's SDKs (poll from 100 ms
//! growing ×1.1 to 1 s; default 60 s; 0 = return at once).
//!
//! Waits run on the monotonic clock ([`crate::http::Transport::monotonic_nanos`]),
//! and every sleep also stays within the call's budget ([`Client::call_left`]).
//! A 409 on start or stop is retried at the same pace as polling, never in a tight loop.

use super::require_name;
use super::sandboxes::{self, NOT_FOUND_HINT};
use crate::deadline::{Pace, nanos};
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Retry, Transport, When, encode_component};
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

/// POST `/sandbox/{id}/{action}`, waiting out a transition already in
/// progress (409), then wait for one of `targets`.
fn transition<T: Transport>(
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
fn settle<T: Transport>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::env::Env;
    use crate::http::testing::{Scripted, config};

    fn sandbox(state: &str) -> String {
        format!(
            r#"{{"id":"sb-1","name":"dev","state":"{state}","errorReason":"image pull failed"}}"#
        )
    }

    fn named(name: &str) -> CreateSandbox {
        CreateSandbox {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    #[test]
    fn create_polls_until_started_with_growing_intervals() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("creating"))
            .answer(200, &[], &sandbox("creating"))
            .answer(200, &[], &sandbox("started"));
        let s = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap();
        assert_eq!(s.state, "started");
        let slept = t.slept.borrow();
        assert_eq!(slept[0], Duration::from_millis(100));
        assert!(slept[1] > slept[0]);
    }

    #[test]
    fn create_with_zero_timeout_returns_at_once() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("creating"));
        let s = create(&Client::new(&cfg, &t), &named("dev"), Some(0)).unwrap();
        assert_eq!(s.state, "creating");
        assert_eq!(t.sent.borrow().len(), 1);
    }

    #[test]
    fn a_failed_sandbox_ends_the_wait_with_its_reason() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("creating"))
            .answer(200, &[], &sandbox("build_failed"));
        let err = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap_err();
        assert!(
            err.message.contains("image pull failed") && err.message.contains("build_failed"),
            "{err}"
        );
    }

    #[test]
    fn running_out_of_time_names_the_sandbox_and_its_last_state() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("creating"));
        for _ in 0..40 {
            t.answer(200, &[], &sandbox("creating"));
        }
        let err = create(&Client::new(&cfg, &t), &named("dev"), Some(2)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Timeout);
        assert!(
            err.message.contains("sb-1") && err.message.contains("creating"),
            "{err}"
        );
        let waited: Duration = t.slept.borrow().iter().sum();
        assert!(waited <= Duration::from_secs(2), "{waited:?}");
    }

    #[test]
    fn a_lost_create_with_a_name_is_retried_and_a_409_fetches_the_sandbox() {
        let cfg = config();
        let t = Scripted::default();
        t.answers
            .borrow_mut()
            .push_back(Err(Error::new(ErrorKind::Transport, "lost")));
        t.answer(
            409,
            &[],
            r#"{"message":"Sandbox with name dev already exists"}"#,
        )
        .answer(200, &[], &sandbox("started"));
        let s = create(&Client::new(&cfg, &t), &named("dev"), None).unwrap();
        assert_eq!(s.id, "sb-1");
        let urls = t.urls();
        assert!(urls[2].ends_with("/sandbox/dev"), "{urls:?}");
    }

    #[test]
    fn a_lost_create_without_a_name_is_not_retried() {
        let cfg = config();
        let t = Scripted::default();
        t.answers
            .borrow_mut()
            .push_back(Err(Error::new(ErrorKind::Transport, "lost")));
        let err = create(&Client::new(&cfg, &t), &CreateSandbox::default(), None).unwrap_err();
        assert!(
            err.hint
                .unwrap()
                .contains("may or may not have been created")
        );
        assert_eq!(t.sent.borrow().len(), 1);
    }

    #[test]
    fn create_validation_names_the_field() {
        let bad = CreateSandbox {
            auto_stop_interval: Some(-1),
            ..Default::default()
        };
        assert!(
            validate_create(&bad, None)
                .unwrap_err()
                .message
                .contains("autoStopInterval")
        );
        assert!(
            validate_create(&CreateSandbox::default(), Some(MAX_WAIT_SECS + 1))
                .unwrap_err()
                .message
                .contains("timeout")
        );
        let env = CreateSandbox {
            env: [("1BAD".to_string(), "x".to_string())].into(),
            ..Default::default()
        };
        assert!(validate_create(&env, None).is_err());
    }

    #[test]
    fn stopping_a_stopped_sandbox_is_a_no_op() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("stopped"));
        let s = stop(&Client::new(&cfg, &t), "dev", false, None).unwrap();
        assert_eq!(s.state, "stopped");
        assert_eq!(t.sent.borrow().len(), 1);
    }

    #[test]
    fn archive_waits_for_archived_and_repeating_it_is_a_no_op() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("stopped"))
            .answer(200, &[], &sandbox("archiving"))
            .answer(200, &[], &sandbox("archived"));
        let s = archive(&Client::new(&cfg, &t), "dev", None).unwrap();
        assert_eq!(s.state, "archived");
        assert!(
            t.urls()[1].ends_with("/sandbox/sb-1/archive"),
            "{:?}",
            t.urls()
        );
        assert_eq!(t.sent.borrow()[1].0.method, Method::Post);

        let t = Scripted::default();
        t.answer(200, &[], &sandbox("archived"));
        let s = archive(&Client::new(&cfg, &t), "dev", None).unwrap();
        assert_eq!(s.state, "archived");
        assert_eq!(t.sent.borrow().len(), 1);
    }

    #[test]
    fn a_zero_timeout_returns_the_answer_to_the_action_as_it_is() {
        let cfg = config();
        for (before, action) in [("stopped", "archiving"), ("started", "stopping")] {
            let t = Scripted::default();
            t.answer(200, &[], &sandbox(before))
                .answer(200, &[], &sandbox(action));
            let c = Client::new(&cfg, &t);
            let s = match before {
                "stopped" => archive(&c, "dev", Some(0)),
                _ => stop(&c, "dev", false, Some(0)),
            }
            .unwrap();
            assert_eq!(s.state, action);
            assert_eq!(t.sent.borrow().len(), 2, "no polling after the {action}");
            assert!(t.slept.borrow().is_empty());
        }
    }

    #[test]
    fn archiving_a_started_sandbox_is_a_conflict_pointing_at_stop_sandbox() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("started"));
        let err = archive(&Client::new(&cfg, &t), "dev", None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert!(err.message.contains("is started"), "{err}");
        assert!(err.hint.unwrap().contains("stop_sandbox"));
        assert_eq!(t.sent.borrow().len(), 1, "nothing is posted");

        // Daytona's own refusal (400 "Sandbox is not stopped") is a conflict too.
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("stopped")).answer(
            400,
            &[],
            r#"{"statusCode":400,"message":"Sandbox is not stopped"}"#,
        );
        let err = archive(&Client::new(&cfg, &t), "dev", None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert!(err.message.contains("Sandbox is not stopped"), "{err}");
        assert!(err.hint.unwrap().contains("stop_sandbox"));
    }

    #[test]
    fn a_409_during_a_transition_is_waited_out() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("stopped")) // get
            .answer(
                409,
                &[],
                r#"{"message":"Sandbox state change in progress"}"#,
            ) // start
            .answer(200, &[], &sandbox("stopping")) // get after 409
            .answer(200, &[], &sandbox("stopped")) // settled
            .answer(200, &[], &sandbox("starting")) // start again
            .answer(200, &[], &sandbox("started")); // wait
        let s = start(&Client::new(&cfg, &t), "dev", None).unwrap();
        assert_eq!(s.state, "started");
        let posts = t
            .sent
            .borrow()
            .iter()
            .filter(|(r, _)| r.method == Method::Post)
            .count();
        assert_eq!(posts, 2);
    }

    #[test]
    fn repeated_409s_are_retried_at_the_polling_pace_within_the_wait() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(200, &[], &sandbox("stopped")); // get
        for _ in 0..200 {
            t.answer(
                409,
                &[],
                r#"{"message":"Sandbox state change in progress"}"#,
            ) // start
            .answer(200, &[], &sandbox("stopped")); // get: already settled
        }
        let err = start(&Client::new(&cfg, &t), "dev", Some(3)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        let slept = t.slept.borrow();
        // Never a tight loop: a growing pause before every retry...
        assert!(slept.len() >= 5, "{slept:?}");
        assert_eq!(slept[0], Duration::from_millis(100));
        assert!(slept.windows(2).all(|w| w[0] <= w[1]), "{slept:?}");
        // ...and no more waiting than asked for.
        assert!(slept.iter().sum::<Duration>() <= Duration::from_secs(3));
        let posts = t
            .sent
            .borrow()
            .iter()
            .filter(|(r, _)| r.method == Method::Post)
            .count();
        assert_eq!(posts, slept.len() + 1);
    }

    #[test]
    fn waits_run_on_the_monotonic_clock_not_the_wall_clock() {
        let cfg = config();
        let t = Scripted::default();
        t.now_millis.set(1_893_456_000_000);
        t.answer(200, &[], &sandbox("creating"));
        for _ in 0..40 {
            t.answer(200, &[], &sandbox("creating"));
        }
        // A wall clock that jumps far ahead on every request changes nothing.
        t.send_cost.set(Duration::ZERO);
        let client = Client::new(&cfg, &t);
        t.now_millis.set(u64::MAX / 2);
        let err = create(&client, &named("dev"), Some(2)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Timeout);
        let waited: Duration = t.slept.borrow().iter().sum();
        assert!(
            waited > Duration::from_secs(1) && waited <= Duration::from_secs(2),
            "{waited:?}"
        );
    }

    #[test]
    fn a_slow_daytona_ends_the_wait_at_the_call_budget() {
        let cfg = Config::from_env(&Env::from_pairs([
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://emu/api"),
            ("DAYTONA_CALL_TIMEOUT_MS", "1000"),
        ]))
        .unwrap();
        let t = Scripted::default();
        // Every request takes 2 s: the 1 s budget plus the 2 s wait is gone after two.
        t.send_cost.set(Duration::from_secs(2));
        for _ in 0..10 {
            t.answer(200, &[], &sandbox("creating"));
        }
        let err = create(&Client::new(&cfg, &t), &named("dev"), Some(2)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Timeout);
        assert!(err.message.contains("per-call bound (3000 ms)"), "{err}");
        assert!(err.message.contains("creating"), "{err}");
        assert!(t.monotonic.get() <= 3_000_000_000 + 2_000_000_000);
    }
}
