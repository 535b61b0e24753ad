//! Ephemeral keys: short-lived Daytona API keys with exactly the permissions of
//! a scope, minted for a holder and revoked when they expire.
//!
//! There is no lease store. Daytona keeps each key's name and `expiresAt`, the
//! name says the key is ours (see [`name`]), and `expiresAt` is always sent, so
//! Daytona refuses an expired key even if nothing else ever runs. A sweep
//! ([`sweep::sweep`]) from any instance, at any time, finds and deletes the
//! expired ones; that is the whole of crash recovery.
//!
//! - [`scope`]: scope → permissions and organization.
//! - [`ttl`]: lifetimes and their bounds.
//! - [`ceiling`]: the host's bounds on what may be minted.
//! - [`name`]: `eph-<holder>-<expiry>-<random>` names.
//! - [`mod@mint`]: minting, and refusing an answer wider than asked.
//! - [`admin`]: `create_api_key` within the ceiling; deletes that spare the configured key.
//! - [`audit`]: one JSON line on stderr per mint, revoke, sweep, create and delete.
//! - [`sweep`]: revoking expired keys.

pub mod admin;
pub mod audit;
pub mod ceiling;
pub mod mint;
pub mod name;
pub mod scope;
pub mod sweep;
pub mod ttl;

#[cfg(test)]
mod props;

pub use mint::{MintedKey, mint};

use crate::api::api_keys;
use crate::error::{Error, ErrorKind};
use crate::http::{Client, Transport, encode_component};
use crate::models::ApiKey;
use crate::time;
use audit::{Event, Kind};
use name::EphemeralName;
use serde::Serialize;

/// Most a name's expiry and Daytona's `expiresAt` may differ for the key to count as ours, seconds.
pub(crate) const EXPIRY_AGREEMENT_SECS: i64 = 1;

/// Why Daytona's answer to a key create grants a permission beyond `asked`
/// (`beyond` says what it is beyond, e.g. "which the scope does not include")
/// or, when an expiry was asked for (`expires_secs`, Unix seconds), lives
/// longer or has none.
/// Minting and `create_api_key` both delete a key that fails this.
pub(crate) fn answer_beyond(
    key: &ApiKey,
    asked: &[String],
    beyond: &str,
    expires_secs: Option<i64>,
) -> Option<String> {
    if let Some(extra) = key.permissions.iter().find(|p| !asked.contains(p)) {
        return Some(format!(
            "Daytona granted '{}', {beyond}",
            crate::error::scrub(extra, &[])
        ));
    }
    let asked_secs = expires_secs?;
    match key.expires_at.as_deref().and_then(|t| time::parse(t).ok()) {
        Some(ms) if ms.div_euclid(1000) <= asked_secs + EXPIRY_AGREEMENT_SECS => None,
        Some(_) => Some("Daytona set a later expiry than asked".into()),
        None => Some("Daytona's answer has no expiry".into()),
    }
}

/// An ephemeral key of ours as listed: never its value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EphemeralKey {
    /// The name.
    pub name: String,
    /// Who holds it.
    pub holder: String,
    /// Its permissions.
    pub permissions: Vec<String>,
    /// When it expires, RFC 3339.
    pub expires_at: String,
    /// Whether that time has passed.
    pub expired: bool,
}

/// What a revoke found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revoked {
    /// The key was deleted now.
    Now,
    /// The key was already gone (404): revoked before, by us or anyone.
    AlreadyGone,
}

/// Revoke one of our keys by name. A key already gone counts as revoked.
///
/// The name alone does not make a key ours (anyone can name a key
/// `eph-...`): the key is fetched first and deleted only if it passes the
/// sweep's rule ([`ours`]: the name parses and Daytona's `expiresAt` agrees
/// with it). Anything else is refused and nothing is deleted.
pub fn revoke<T: Transport>(client: &Client<T>, name: &str) -> Result<Revoked, Error> {
    let shown = crate::error::scrub(name, &[]);
    if !EphemeralName::is_ours(name) {
        return Err(Error::invalid_input(format!(
            "'{shown}' is not an ephemeral key minted by daytona-tools (eph-<holder>-<expiry>-<random>)"
        ))
        .with_hint("use list_ephemeral_keys to see ours; delete_api_key deletes any other key"));
    }
    let key = match api_keys::get(client, name) {
        Ok(key) => key,
        Err(e) if e.kind == ErrorKind::NotFound => {
            audit_revoke(client, name, None, "request", &Ok(Revoked::AlreadyGone));
            return Ok(Revoked::AlreadyGone);
        }
        Err(e) => return Err(e),
    };
    if ours(&key).is_none() {
        let expiry = key.expires_at.as_deref().map_or_else(
            || "no expiry".to_string(),
            |t| format!("expiry {}", crate::error::scrub(t, &[])),
        );
        return Err(Error::new(
            ErrorKind::Forbidden,
            format!(
                "key '{shown}' is named like an ephemeral key but has {expiry}, which does not match its name: \
                 it was not minted by daytona-tools, so it was not deleted"
            ),
        )
        .with_hint("if you mean to delete this key anyway, use delete_api_key"));
    }
    revoke_named(client, name, Some(key.permissions), "request")
}

/// Delete a key we know is ours and audit the outcome; `by` says who asked.
pub(crate) fn revoke_named<T: Transport>(
    client: &Client<T>,
    name: &str,
    permissions: Option<Vec<String>>,
    by: &str,
) -> Result<Revoked, Error> {
    let path = format!("/api-keys/{}", encode_component(name));
    let outcome = match api_keys::send_delete(
        client,
        &path,
        format!("revoke ephemeral key '{name}'"),
        None,
    ) {
        Ok(()) => Ok(Revoked::Now),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(Revoked::AlreadyGone),
        Err(e) => Err(e),
    };
    audit_revoke(client, name, permissions, by, &outcome);
    outcome
}

/// Write the audit line of a revoke's outcome.
fn audit_revoke<T: Transport>(
    client: &Client<T>,
    name: &str,
    permissions: Option<Vec<String>>,
    by: &str,
    outcome: &Result<Revoked, Error>,
) {
    let parsed = EphemeralName::parse(name);
    let mut event = Event::new(
        if outcome.is_ok() {
            Kind::Revoke
        } else {
            Kind::RevokeFailed
        },
        client.transport.now_unix_millis(),
    );
    event.name = Some(name.to_string());
    event.holder = parsed.as_ref().map(|n| n.holder.clone());
    event.expires_at = parsed.map(|n| time::format_secs(n.expires_unix as i64));
    event.permissions = permissions;
    event.detail = Some(match outcome {
        Ok(Revoked::Now) => format!("by {by}"),
        Ok(Revoked::AlreadyGone) => format!("by {by}; already revoked"),
        Err(e) => format!("by {by}; {}", e.message),
    });
    audit::emit(&event);
}

/// Our keys (never their values), with expiry and whether it has passed.
pub fn list<T: Transport>(client: &Client<T>) -> Result<Vec<EphemeralKey>, Error> {
    let now = client.transport.now_unix_millis().min(i64::MAX as u64) as i64;
    Ok(api_keys::list(client)?
        .into_iter()
        .filter_map(|key| {
            let (name, expires_ms) = ours(&key)?;
            Some(EphemeralKey {
                name: key.name,
                holder: name.holder,
                permissions: key.permissions,
                expires_at: time::format_millis(expires_ms),
                expired: expires_ms <= now,
            })
        })
        .collect())
}

/// A key is ours when its name is in our format and Daytona's `expiresAt`
/// agrees with the expiry in the name; gives the name and the expiry (ms).
pub(crate) fn ours(key: &ApiKey) -> Option<(EphemeralName, i64)> {
    let name = EphemeralName::parse(&key.name)?;
    let expires_ms = time::parse(key.expires_at.as_deref()?).ok()?;
    let agrees =
        (expires_ms.div_euclid(1000) - name.expires_unix as i64).abs() <= EXPIRY_AGREEMENT_SECS;
    agrees.then_some((name, expires_ms))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::config::Config;
    use crate::env::Env;
    use crate::http::testing::Scripted;
    use crate::http::{Request, Response};
    use std::cell::Cell;
    use std::time::Duration;

    /// [`Scripted`] with a random source that changes on every draw.
    #[derive(Default)]
    pub(crate) struct Counting {
        pub inner: Scripted,
        pub draws: Cell<u64>,
    }

    impl Transport for Counting {
        fn send(
            &self,
            target: &crate::hosts::Target,
            request: &Request,
            headers: &[(String, String)],
            limits: &crate::deadline::Limits,
        ) -> Result<Response, Error> {
            self.inner.send(target, request, headers, limits)
        }
        fn sleep(&self, duration: Duration) {
            self.inner.sleep(duration)
        }
        fn random_u64(&self) -> u64 {
            self.draws.set(self.draws.get() + 1);
            self.draws.get().wrapping_mul(0x9e37_79b9_7f4a_7c15)
        }
        fn now_unix_millis(&self) -> u64 {
            self.inner.now_unix_millis()
        }
        fn monotonic_nanos(&self) -> u64 {
            self.inner.monotonic_nanos()
        }
    }

    pub(crate) const NOW: u64 = 1_893_456_000_000; // 2030-01-01T00:00:00Z

    pub(crate) fn jwt_config() -> Config {
        Config::from_env(&Env::from_pairs([
            ("DAYTONA_JWT_TOKEN", "jwt.token.value"),
            ("DAYTONA_ORGANIZATION_ID", "org-1"),
            ("DAYTONA_API_URL", "http://emu/api"),
        ]))
        .unwrap()
    }

    pub(crate) fn transport() -> Counting {
        let t = Counting::default();
        t.inner.now_millis.set(NOW);
        t
    }

    #[test]
    fn revoke_is_idempotent_and_refuses_names_not_ours() {
        let cfg = jwt_config();
        let t = transport();
        let name = "eph-agent-1893456600-000000000abc";
        let key = format!(
            r#"{{"name":"{name}","value":"dtn_****","permissions":["write:sandboxes"],"expiresAt":"2030-01-01T00:10:00.000Z"}}"#
        );
        t.inner.answer(200, &[], &key).answer(204, &[], "").answer(
            404,
            &[],
            r#"{"message":"not found"}"#,
        );
        let c = Client::new(&cfg, &t);
        assert_eq!(revoke(&c, name).unwrap(), Revoked::Now);
        assert_eq!(revoke(&c, name).unwrap(), Revoked::AlreadyGone);
        let err = revoke(&c, "production-key").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        let sent = t.inner.sent.borrow();
        let methods: Vec<_> = sent.iter().map(|(r, _)| r.method).collect();
        use crate::http::Method::{Delete, Get};
        assert_eq!(methods, [Get, Delete, Get]);
        assert!(
            sent.iter()
                .all(|(r, _)| r.url.ends_with(&format!("/api-keys/{name}")))
        );
    }

    #[test]
    fn a_look_alike_key_is_fetched_and_never_deleted() {
        let cfg = jwt_config();
        let name = "eph-agent-1893456600-000000000abc";
        for expires in ["null", r#""2031-01-01T00:00:00.000Z""#] {
            let t = transport();
            t.inner.answer(
                200,
                &[],
                &format!(r#"{{"name":"{name}","value":"dtn_****","permissions":[],"expiresAt":{expires}}}"#),
            );
            let err = revoke(&Client::new(&cfg, &t), name).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Forbidden, "{expires}");
            assert!(err.message.contains("not deleted"), "{}", err.message);
            let sent = t.inner.sent.borrow();
            assert_eq!(sent.len(), 1);
            assert_eq!(sent[0].0.method, crate::http::Method::Get);
        }
    }

    #[test]
    fn list_shows_only_our_keys_with_expiry_and_no_values() {
        let cfg = jwt_config();
        let t = transport();
        t.inner.answer(
            200,
            &[],
            r#"[{"name":"eph-a-1893455000-000000000001","value":"dtn_****1","permissions":[],"expiresAt":"2029-12-31T23:43:20.000Z"},
               {"name":"eph-b-1893460000-000000000002","value":"dtn_****2","permissions":["write:sandboxes"],"expiresAt":"2030-01-01T01:06:40.000Z"},
               {"name":"eph-c-1893460000-000000000003","value":"dtn_****3","permissions":[],"expiresAt":"2031-01-01T00:00:00.000Z"},
               {"name":"eph-d-1893460000-000000000004","value":"dtn_****4","permissions":[],"expiresAt":null},
               {"name":"my-own-key","value":"dtn_****5","permissions":[],"expiresAt":"2029-01-01T00:00:00.000Z"}]"#,
        );
        let keys = list(&Client::new(&cfg, &t)).unwrap();
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!((keys[0].holder.as_str(), keys[0].expired), ("a", true));
        assert_eq!((keys[1].holder.as_str(), keys[1].expired), ("b", false));
        let json = serde_json::to_string(&keys).unwrap();
        assert!(!json.contains("dtn_"));
    }
}
