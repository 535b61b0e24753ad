//! Minting: a key for a scope's exact permissions, an expiry always sent, a
//! name that marks it as ours; sent once, and once more on a name conflict.
//! An answer granting more than asked, or living longer, is revoked at once.

use super::audit::{self, Event, Kind};
use super::ceiling::MintCeiling;
use super::name::{self, EphemeralName};
use super::scope::Scope;
use super::{revoke_named, ttl};
use crate::api::api_keys;
use crate::error::{Error, ErrorKind};
use crate::http::{Client, Transport};
use crate::models::{ApiKey, CreateApiKey};
use crate::secret::Secret;
use crate::time;
use serde::Serialize;

/// A freshly minted key. The value stays a [`Secret`] until it is serialised
/// for the caller: the only time it is shown.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MintedKey {
    /// `eph-<holder>-<expiry>-<random>`.
    pub name: String,
    /// The key value.
    #[serde(serialize_with = "crate::secret::reveal")]
    pub value: Secret,
    /// The scope it was minted for.
    pub scope: String,
    /// Exactly the scope's permissions.
    pub permissions: Vec<String>,
    /// When Daytona stops accepting it, RFC 3339.
    pub expires_at: String,
    /// The sanitised holder.
    pub holder: String,
}

/// Mint a key for `scope` (default `daytona:workspaces`) living `ttl_secs`
/// (default 600, bounds in [`ttl`]) for `holder`. Sent once; on 409 (a name
/// taken) once more with a fresh random suffix. Refused before anything is
/// sent when above the host's `ceiling`.
pub fn mint<T: Transport>(
    client: &Client<T>,
    ceiling: &MintCeiling,
    scope: Option<&str>,
    ttl_secs: Option<u64>,
    holder: Option<&str>,
) -> Result<MintedKey, Error> {
    let scope = Scope::parse(scope)?;
    scope.check_organization(client.config.organization_id.as_deref())?;
    let ttl = ttl::check(
        "ttl",
        Some(ttl_secs.unwrap_or_else(|| ceiling.default_ttl_secs())),
    )?;
    ceiling.check(&scope, u64::from(ttl))?;
    let holder = name::sanitize_holder(holder);
    let now = client.transport.now_unix_millis();
    let expires_unix = now / 1000 + u64::from(ttl);
    let expires_at = time::format_secs(expires_unix as i64);
    let permissions: Vec<String> = scope.permissions().iter().map(|p| p.to_string()).collect();
    let event = |kind| {
        let mut e = Event::new(kind, client.transport.now_unix_millis());
        e.holder = Some(holder.clone());
        e.scope = Some(scope.as_string());
        e.permissions = Some(permissions.clone());
        e.expires_at = Some(expires_at.clone());
        e
    };
    let mut retried = false;
    let (name, key) = loop {
        let name =
            EphemeralName::new(&holder, expires_unix, client.transport.random_u64()).to_string();
        let body = CreateApiKey {
            name: name.clone(),
            permissions: permissions.clone(),
            expires_at: Some(expires_at.clone()),
        };
        match api_keys::post(client, &body, scope.organization()) {
            Ok(key) => break (name, key),
            Err(e) if e.kind == ErrorKind::Conflict && !retried => retried = true,
            Err(e) => {
                let mut failed = event(Kind::MintFailed).detail(e.message.clone());
                failed.name = Some(name);
                audit::emit(&failed);
                return Err(e);
            }
        }
    };
    if let Err(why) = check_answer(&key, &permissions, expires_unix) {
        // Never hand out a key wider or longer-lived than asked: take it back.
        let revoked = revoke_named(
            client,
            &name,
            Some(key.permissions.clone()),
            "mint answer refused",
        );
        let mut failed = event(Kind::MintFailed).detail(why.clone());
        failed.name = Some(name);
        audit::emit(&failed);
        let outcome = match revoked {
            Ok(_) => "the key was revoked again",
            Err(_) => "revoking it failed; it expires on its own and a sweep removes it",
        };
        return Err(Error::new(
            ErrorKind::Upstream,
            format!("mint ephemeral key: {why}; {outcome}"),
        ));
    }
    let mut minted = event(Kind::Mint);
    minted.name = Some(name.clone());
    minted.fingerprint = Some(audit::fingerprint(&key.value));
    audit::emit(&minted);
    Ok(MintedKey {
        name,
        value: key.value,
        scope: scope.as_string(),
        permissions,
        expires_at,
        holder,
    })
}

/// Refuse an answer that grants more than asked, lives longer, or has no value.
fn check_answer(key: &ApiKey, asked: &[String], expires_unix: u64) -> Result<(), String> {
    if key.value.expose().is_empty() {
        return Err("Daytona's answer holds no key value".into());
    }
    match super::answer_beyond(
        key,
        asked,
        "which the scope does not include",
        Some(expires_unix as i64),
    ) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::keys::tests::{Counting, NOW, jwt_config, transport};

    fn sent_body(t: &Counting, i: usize) -> serde_json::Value {
        serde_json::from_slice(t.inner.sent.borrow()[i].0.body.as_ref().unwrap()).unwrap()
    }

    /// Mint with no arguments under the default ceiling.
    fn mint_plain(cfg: &Config, t: &Counting) -> Result<MintedKey, Error> {
        let ceiling = MintCeiling::default();
        mint(&Client::new(cfg, t), &ceiling, None, None, None)
    }

    /// Script the answer Daytona gives to what `mint` sends for these inputs, then mint.
    fn mint_echo(
        t: &Counting,
        cfg: &Config,
        scope: Option<&str>,
        ttl: Option<u64>,
        holder: Option<&str>,
    ) -> Result<MintedKey, Error> {
        let expires = NOW / 1000 + ttl.unwrap_or(600);
        let perms = Scope::parse(scope)
            .map(|s| s.permissions().to_vec())
            .unwrap_or_default();
        let answer = serde_json::json!({"name": "x", "value": "dtn_mintedvalue0123456789", "createdAt": "2030-01-01T00:00:00.000Z",
            "permissions": perms, "expiresAt": time::format_secs(expires as i64)});
        t.inner.answer(201, &[], &answer.to_string());
        let ceiling = MintCeiling::default();
        mint(&Client::new(cfg, t), &ceiling, scope, ttl, holder)
    }

    #[test]
    fn mint_sends_the_scopes_permissions_and_the_expiry_and_names_the_key() {
        let cfg = jwt_config();
        let t = transport();
        let key = mint_echo(&t, &cfg, None, Some(3600), Some("CI agent")).unwrap();
        assert_eq!(key.scope, "daytona:workspaces");
        assert_eq!(key.permissions, ["write:sandboxes", "delete:sandboxes"]);
        assert_eq!(key.expires_at, "2030-01-01T01:00:00.000Z");
        assert_eq!(key.holder, "ci-agent");
        assert!(
            key.name.starts_with("eph-ci-agent-1893459600-"),
            "{}",
            key.name
        );
        let body = sent_body(&t, 0);
        assert_eq!(
            body["permissions"],
            serde_json::json!(["write:sandboxes", "delete:sandboxes"])
        );
        assert_eq!(body["expiresAt"], "2030-01-01T01:00:00.000Z");
        assert_eq!(body["name"], key.name.as_str());
        assert!(!format!("{key:?}").contains("mintedvalue"));
        assert_eq!(
            serde_json::to_value(&key).unwrap()["value"],
            "dtn_mintedvalue0123456789"
        );
    }

    #[test]
    fn a_taken_name_is_retried_once_with_a_fresh_suffix() {
        let cfg = jwt_config();
        let t = transport();
        t.inner.answer(409, &[], r#"{"message":"exists"}"#);
        let key = mint_echo(&t, &cfg, None, None, None).unwrap();
        let (first, second) = (
            sent_body(&t, 0)["name"].clone(),
            sent_body(&t, 1)["name"].clone(),
        );
        assert_ne!(first, second);
        assert_eq!(second, key.name.as_str());

        let t = transport();
        t.inner.answer(409, &[], "{}").answer(409, &[], "{}");
        let err = mint_plain(&cfg, &t).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert_eq!(t.inner.sent.borrow().len(), 2);
    }

    #[test]
    fn a_failed_mint_is_not_sent_again() {
        let cfg = jwt_config();
        let t = transport();
        t.inner.answer(503, &[], "{}");
        assert_eq!(mint_plain(&cfg, &t).unwrap_err().kind, ErrorKind::Upstream);
        assert_eq!(t.inner.sent.borrow().len(), 1);
    }

    #[test]
    fn bad_scope_ttl_or_org_sends_nothing() {
        let cfg = jwt_config();
        let t = transport();
        let c = Client::new(&cfg, &t);
        for (scope, ttl) in [
            (Some("root"), None),
            (None, Some(59)),
            (None, Some(86_401)),
            (Some("daytona:org:other"), None),
        ] {
            assert_eq!(
                mint(&c, &MintCeiling::default(), scope, ttl, None)
                    .unwrap_err()
                    .kind,
                ErrorKind::InvalidInput
            );
        }
        assert!(t.inner.sent.borrow().is_empty());
    }

    #[test]
    fn an_answer_wider_or_longer_lived_than_asked_is_revoked_and_refused() {
        let cfg = jwt_config();
        for answer in [
            r#"{"name":"x","value":"dtn_v","permissions":["write:sandboxes","write:registries"],"expiresAt":"2030-01-01T00:10:00Z"}"#,
            r#"{"name":"x","value":"dtn_v","permissions":[],"expiresAt":null}"#,
            r#"{"name":"x","value":"dtn_v","permissions":[],"expiresAt":"2030-01-02T00:00:00Z"}"#,
            r#"{"name":"x","value":"","permissions":[],"expiresAt":"2030-01-01T00:10:00Z"}"#,
        ] {
            let t = transport();
            t.inner.answer(201, &[], answer).answer(204, &[], "");
            let err = mint_plain(&cfg, &t).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Upstream, "{answer}");
            assert!(err.message.contains("revoked again"), "{}", err.message);
            let sent = t.inner.sent.borrow();
            assert_eq!(sent[1].0.method, crate::http::Method::Delete);
            assert!(!err.message.contains("dtn_v"));
        }
    }
}
