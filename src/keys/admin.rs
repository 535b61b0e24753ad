//! Key administration as the agent gets it: `create_api_key` within the host's
//! ceiling, and `delete_api_key` / `delete_api_key_for_user` that never delete
//! the key this component runs on. Each create and delete is audited.
//!
//! - A new key gets only the permissions of the scopes `DAYTONA_MINT_SCOPES`
//!   allows and lives at most `DAYTONA_MINT_MAX_TTL`; without an expiry it gets
//!   that lifetime ([`MintCeiling::bound_new_key`]). An answer granting more or
//!   living longer is deleted at once, as a mint's is. `DAYTONA_KEY_ADMIN=unbounded`
//!   lifts all of this.
//! - Before a delete, `GET /api-keys/current` (with the API key) names the
//!   configured key; a delete of that name is refused before anything is
//!   deleted. With no API key configured there is nothing to protect.
//!
//! [`MintCeiling::bound_new_key`]: super::ceiling::MintCeiling::bound_new_key

use super::audit::{self, Event, Kind};
use super::ceiling::{KeyAdmin, MintCeiling};
use crate::api::api_keys;
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Transport};
use crate::models::{ApiKey, CreateApiKey};
use crate::time;

/// Create a key held to the host's `ceiling`; the answer holds the full value
/// and the expiry Daytona set.
pub fn create<T: Transport>(
    client: &Client<T>,
    ceiling: &MintCeiling,
    name: &str,
    permissions: &[String],
    expires_at: Option<&str>,
) -> Result<ApiKey, Error> {
    super::name::check_not_reserved(name)?;
    let now = client.transport.now_unix_millis();
    let mut body = api_keys::new_key(name, permissions, expires_at, now)?;
    ceiling.bound_new_key(&mut body, now)?;
    let event = |kind| {
        let mut e = Event::new(kind, client.transport.now_unix_millis());
        e.name = Some(body.name.clone());
        e.permissions = Some(body.permissions.clone());
        e.expires_at = body.expires_at.clone();
        e
    };
    let key = match api_keys::post(client, &body, None) {
        Ok(key) => key,
        Err(e) => {
            audit::emit(&event(Kind::CreateFailed).detail(e.message.clone()));
            return Err(e);
        }
    };
    let bounded = ceiling.key_admin == KeyAdmin::Bounded;
    if let Some(why) = bounded.then(|| beyond_request(&key, &body)).flatten() {
        // Never hand out a key wider or longer-lived than the ceiling let through.
        let outcome = match api_keys::delete(client, &body.name) {
            Ok(()) => "the key was deleted again".to_string(),
            Err(e) => format!(
                "deleting it failed ({}); delete it with delete_api_key",
                e.message
            ),
        };
        let mut failed = event(Kind::CreateFailed).detail(format!("{why}; {outcome}"));
        failed.fingerprint = Some(audit::fingerprint(&key.value));
        audit::emit(&failed);
        return Err(Error::new(
            ErrorKind::Upstream,
            format!(
                "create API key '{}': {why}; {outcome}",
                scrub(&body.name, &[])
            ),
        ));
    }
    let mut created = event(Kind::Create);
    created.permissions = Some(key.permissions.clone());
    created.expires_at = key.expires_at.clone().or(created.expires_at);
    created.fingerprint = Some(audit::fingerprint(&key.value));
    audit::emit(&created);
    Ok(key)
}

/// Why Daytona's answer grants more than was sent, or lives longer, if it does.
fn beyond_request(key: &ApiKey, body: &CreateApiKey) -> Option<String> {
    let asked = body
        .expires_at
        .as_deref()
        .and_then(|t| time::parse(t).ok())
        .map(|ms| ms.div_euclid(1000));
    super::answer_beyond(key, &body.permissions, "which was not asked for", asked)
}

/// Delete one of the user's keys by name, unless it is the configured one.
pub fn delete<T: Transport>(client: &Client<T>, name: &str) -> Result<(), Error> {
    crate::api::require_name("name", name)?;
    refuse_configured_key(client, name, None)?;
    let outcome = api_keys::delete(client, name);
    audit_delete(client, name, None, &outcome);
    outcome
}

/// Delete a user's key by user ID and name, unless it is the configured one.
pub fn delete_for_user<T: Transport>(
    client: &Client<T>,
    user_id: &str,
    name: &str,
) -> Result<(), Error> {
    crate::api::require_name("userId", user_id)?;
    crate::api::require_name("name", name)?;
    refuse_configured_key(client, name, Some(user_id))?;
    let outcome = api_keys::delete_for_user(client, user_id, name);
    audit_delete(client, name, Some(user_id), &outcome);
    outcome
}

/// Refuse to delete the key in `DAYTONA_API_KEY`: that would cut this host
/// off. Its name comes from `GET /api-keys/current`. `delete_api_key` acts on
/// the JWT user's keys, whose ID is not known here, so a name match is enough
/// to refuse; for `user_id`, a differing owner (when Daytona reports one)
/// clears it. An API key Daytona no longer accepts (401) cuts nothing off;
/// any other failure to tell refuses, since the delete might be that key's.
fn refuse_configured_key<T: Transport>(
    client: &Client<T>,
    name: &str,
    user_id: Option<&str>,
) -> Result<(), Error> {
    if client.config.api_key.is_none() {
        return Ok(());
    }
    let current = match api_keys::current(client) {
        Ok(key) => key,
        Err(e) if e.kind == ErrorKind::Unauthorized => return Ok(()),
        Err(mut e) => {
            e.message = format!(
                "could not tell whether '{}' is the configured API key (DAYTONA_API_KEY), so it was not deleted: {}",
                scrub(name, &[]),
                e.message
            );
            return Err(e);
        }
    };
    let other_owner = matches!((user_id, current.user_id.as_deref()), (Some(a), Some(b)) if a != b);
    if current.name != name || other_owner {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Forbidden,
        format!(
            "'{}' is the API key this component runs on (DAYTONA_API_KEY): deleting it would cut this host off, so it was not deleted",
            scrub(name, &[])
        ),
    )
    .with_hint(
        "to replace it, create a new key, have the host's operator set DAYTONA_API_KEY to it, then delete this one",
    ))
}

/// Write the audit line of a delete's outcome.
fn audit_delete<T: Transport>(
    client: &Client<T>,
    name: &str,
    user_id: Option<&str>,
    outcome: &Result<(), Error>,
) {
    let kind = if outcome.is_ok() {
        Kind::Delete
    } else {
        Kind::DeleteFailed
    };
    let mut event = Event::new(kind, client.transport.now_unix_millis());
    event.name = Some(name.to_string());
    let owner = user_id.map(|u| format!("user {}", scrub(u, &[])));
    event.detail = match (owner, outcome) {
        (owner, Ok(())) => owner,
        (Some(owner), Err(e)) => Some(format!("{owner}; {}", e.message)),
        (None, Err(e)) => Some(e.message.clone()),
    };
    audit::emit(&event);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;
    use crate::http::testing::{Scripted, config_with_jwt};

    const CURRENT: &str =
        r#"{"name":"host key","value":"dtn_****","permissions":[],"userId":"u1"}"#;

    fn methods(t: &Scripted) -> Vec<Method> {
        t.sent.borrow().iter().map(|(r, _)| r.method).collect()
    }

    #[test]
    fn the_configured_key_is_never_deleted() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(200, &[], CURRENT).answer(200, &[], CURRENT);
        let c = Client::new(&cfg, &t);
        let err = delete(&c, "host key").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(err.message.contains("DAYTONA_API_KEY"), "{}", err.message);
        let err = delete_for_user(&c, "u1", "host key").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert_eq!(methods(&t), [Method::Get, Method::Get]);
        assert!(t.urls().iter().all(|u| u.ends_with("/api-keys/current")));
    }

    #[test]
    fn other_keys_and_other_owners_are_deleted() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(200, &[], CURRENT).answer(204, &[], "");
        t.answer(200, &[], CURRENT).answer(204, &[], "");
        let c = Client::new(&cfg, &t);
        delete(&c, "other").unwrap();
        delete_for_user(&c, "u2", "host key").unwrap();
        let urls = t.urls();
        assert!(urls[1].ends_with("/api-keys/other"), "{urls:?}");
        assert!(urls[3].ends_with("/api-keys/u2/host%20key"), "{urls:?}");
    }

    #[test]
    fn without_an_api_key_nothing_is_looked_up_and_a_dead_one_protects_nothing() {
        let jwt_only = crate::keys::tests::jwt_config();
        let t = Scripted::default();
        t.answer(204, &[], "");
        delete(&Client::new(&jwt_only, &t), "host key").unwrap();
        assert_eq!(methods(&t), [Method::Delete]);

        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(401, &[], r#"{"message":"Invalid credentials"}"#)
            .answer(204, &[], "");
        delete(&Client::new(&cfg, &t), "host key").unwrap();
        assert_eq!(methods(&t), [Method::Get, Method::Delete]);
    }

    #[test]
    fn when_the_configured_key_cannot_be_named_nothing_is_deleted() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(403, &[], r#"{"message":"Forbidden"}"#);
        let err = delete(&Client::new(&cfg, &t), "k").unwrap_err();
        assert!(err.message.contains("not deleted"), "{}", err.message);
        assert_eq!(methods(&t), [Method::Get]);
    }

    #[test]
    fn an_answer_wider_or_longer_than_asked_is_deleted_again() {
        let cfg = crate::keys::tests::jwt_config();
        let perms = vec!["read:volumes".to_string()];
        for answer in [
            r#"{"name":"k","value":"dtn_new","permissions":["read:volumes","write:runners"],"expiresAt":"2030-01-01T01:00:00.000Z"}"#,
            r#"{"name":"k","value":"dtn_new","permissions":["read:volumes"],"expiresAt":"2030-01-01T01:00:02.000Z"}"#,
            r#"{"name":"k","value":"dtn_new","permissions":["read:volumes"],"expiresAt":null}"#,
        ] {
            let t = Scripted::default();
            t.now_millis.set(crate::keys::tests::NOW);
            t.answer(201, &[], answer).answer(204, &[], "");
            let c = Client::new(&cfg, &t);
            let err = create(
                &c,
                &MintCeiling::default(),
                "k",
                &perms,
                Some("2030-01-01T01:00:00Z"),
            )
            .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Upstream, "{answer}");
            assert!(err.message.contains("deleted again"), "{}", err.message);
            assert!(!err.message.contains("dtn_new"));
            assert_eq!(methods(&t), [Method::Post, Method::Delete]);
        }
        // A second of rounding is agreement.
        let t = Scripted::default();
        t.now_millis.set(crate::keys::tests::NOW);
        t.answer(
            201,
            &[],
            r#"{"name":"k","value":"dtn_new","permissions":["read:volumes"],"expiresAt":"2030-01-01T01:00:01.000Z"}"#,
        );
        create(
            &Client::new(&cfg, &t),
            &MintCeiling::default(),
            "k",
            &perms,
            Some("2030-01-01T01:00:00Z"),
        )
        .unwrap();
    }

    #[test]
    fn creating_beyond_the_ceiling_sends_nothing_and_within_it_fills_in_the_expiry() {
        let cfg = crate::keys::tests::jwt_config();
        let t = Scripted::default();
        t.now_millis.set(crate::keys::tests::NOW);
        let c = Client::new(&cfg, &t);
        let ceiling = MintCeiling::default();
        let create = |p: &[&str], expires_at| {
            let perms: Vec<String> = p.iter().map(|p| p.to_string()).collect();
            create(&c, &ceiling, "k", &perms, expires_at)
        };
        let err = create(&["write:runners"], None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        let err = create(&["read:volumes"], Some("2030-01-02T00:00:01Z")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(t.sent.borrow().is_empty());

        t.answer(
            201,
            &[],
            r#"{"name":"k","value":"dtn_new","permissions":["read:volumes"],"expiresAt":"2030-01-02T00:00:00.000Z"}"#,
        );
        let key = create(&["read:volumes"], None).unwrap();
        assert_eq!(key.expires_at.as_deref(), Some("2030-01-02T00:00:00.000Z"));
        let sent = t.sent.borrow();
        let body: serde_json::Value =
            serde_json::from_slice(sent[0].0.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["expiresAt"], "2030-01-02T00:00:00.000Z");
    }
}
