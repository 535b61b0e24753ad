//! The sweep: list keys, delete every one of ours whose `expiresAt` has passed
//! by more than a clock-skew margin, report what was revoked and what failed.
//!
//! Safe at any time from any number of instances at once: it reads state only
//! from Daytona, deletes only expired keys of ours, and a 404 (another sweep
//! got there first) counts as revoked. A failed delete is not retried here:
//! the key is still listed, so the next sweep finds it again. That, with the
//! `expiresAt` Daytona enforces on its own, is the whole of crash recovery.

use super::audit::{self, Event, Kind};
use super::{ours, revoke_named};
use crate::api::api_keys;
use crate::error::Error;
use crate::http::{Client, Transport};
use serde::Serialize;

/// How long past its expiry a key is left alone, in case our clock runs ahead
/// of Daytona's: revoking early would cut a holder's key short.
pub const SKEW_MARGIN_SECS: u64 = 30;

/// A key the sweep could not revoke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SweepFailure {
    /// The key's name.
    pub name: String,
    /// Why.
    pub error: Error,
}

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SweepReport {
    /// Keys revoked (or found already gone).
    pub revoked: Vec<String>,
    /// Keys that could not be revoked; the next sweep tries again.
    pub failed: Vec<SweepFailure>,
}

/// Whether a key expiring at `expires_ms` is due at `now_ms`.
pub fn is_due(expires_ms: i64, now_ms: u64) -> bool {
    let now = now_ms.min(i64::MAX as u64) as i64;
    now >= expires_ms.saturating_add(SKEW_MARGIN_SECS as i64 * 1000)
}

/// Revoke every expired key of ours. Fails only if the keys cannot be listed.
pub fn sweep<T: Transport>(client: &Client<T>) -> Result<SweepReport, Error> {
    let keys = match api_keys::list(client) {
        Ok(keys) => keys,
        Err(e) => {
            let event = Event::new(Kind::Sweep, client.transport.now_unix_millis())
                .detail(format!("could not list keys: {}", e.message));
            audit::emit(&event);
            return Err(e);
        }
    };
    let now = client.transport.now_unix_millis();
    let mut report = SweepReport::default();
    for key in keys {
        let Some((_, expires_ms)) = ours(&key) else {
            continue;
        };
        if !is_due(expires_ms, now) {
            continue;
        }
        match revoke_named(client, &key.name, Some(key.permissions), "sweep") {
            Ok(_) => report.revoked.push(key.name),
            Err(error) => report.failed.push(SweepFailure {
                name: key.name,
                error,
            }),
        }
    }
    let summary = Event::new(Kind::Sweep, client.transport.now_unix_millis()).detail(format!(
        "revoked {}, failed {}",
        report.revoked.len(),
        report.failed.len()
    ));
    audit::emit(&summary);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::http::Method;
    use crate::keys::tests::{NOW, jwt_config, transport};

    fn key(name: &str, expires_at: &str) -> String {
        format!(
            r#"{{"name":"{name}","value":"dtn_****","permissions":["write:sandboxes"],"expiresAt":"{expires_at}","createdAt":"2029-12-31T00:00:00.000Z"}}"#
        )
    }

    #[test]
    fn expiry_counts_only_after_the_skew_margin() {
        let expires = NOW as i64;
        assert!(!is_due(expires, NOW));
        assert!(!is_due(expires, NOW + SKEW_MARGIN_SECS * 1000 - 1));
        assert!(is_due(expires, NOW + SKEW_MARGIN_SECS * 1000));
    }

    #[test]
    fn sweep_revokes_only_our_expired_keys() {
        let cfg = jwt_config();
        let t = transport();
        // NOW = 1893456000; expired well past the margin, expired within it, live, not ours, no expiry.
        let list = format!(
            "[{},{},{},{},{}]",
            key(
                "eph-old-1893455000-000000000001",
                "2029-12-31T23:43:20.000Z"
            ),
            key(
                "eph-edge-1893455990-000000000002",
                "2029-12-31T23:59:50.000Z"
            ),
            key(
                "eph-live-1893459600-000000000003",
                "2030-01-01T01:00:00.000Z"
            ),
            key("prod-deploy", "2020-01-01T00:00:00.000Z"),
            key(
                "eph-mismatch-1893455000-000000000004",
                "2031-01-01T00:00:00.000Z"
            ),
        );
        t.inner.answer(200, &[], &list).answer(204, &[], "");
        let report = sweep(&Client::new(&cfg, &t)).unwrap();
        assert_eq!(report.revoked, ["eph-old-1893455000-000000000001"]);
        assert!(report.failed.is_empty());
        let sent = t.inner.sent.borrow();
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[1].0.method, Method::Delete);
    }

    #[test]
    fn a_key_another_sweep_revoked_counts_as_revoked() {
        let cfg = jwt_config();
        let t = transport();
        t.inner
            .answer(
                200,
                &[],
                &format!(
                    "[{}]",
                    key("eph-a-1893455000-000000000001", "2029-12-31T23:43:20Z")
                ),
            )
            .answer(404, &[], r#"{"message":"not found"}"#);
        let report = sweep(&Client::new(&cfg, &t)).unwrap();
        assert_eq!(report.revoked, ["eph-a-1893455000-000000000001"]);
    }

    #[test]
    fn failures_are_reported_and_the_rest_still_swept() {
        let cfg = jwt_config();
        let t = transport();
        let list = format!(
            "[{},{}]",
            key("eph-a-1893455000-000000000001", "2029-12-31T23:43:20Z"),
            key("eph-b-1893455000-000000000002", "2029-12-31T23:43:20Z"),
        );
        t.inner
            .answer(200, &[], &list)
            .answer(403, &[], r#"{"message":"Forbidden"}"#)
            .answer(204, &[], "");
        let report = sweep(&Client::new(&cfg, &t)).unwrap();
        assert_eq!(report.revoked, ["eph-b-1893455000-000000000002"]);
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].error.kind, ErrorKind::Forbidden);
    }

    #[test]
    fn a_list_failure_fails_the_sweep() {
        let cfg = jwt_config();
        let t = transport();
        t.inner.answer(401, &[], "{}");
        assert_eq!(
            sweep(&Client::new(&cfg, &t)).unwrap_err().kind,
            ErrorKind::Unauthorized
        );
    }
}
