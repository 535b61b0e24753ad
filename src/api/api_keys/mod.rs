//! API keys: create, list, get, current, delete, delete for a user.
//!
//! Key management authenticates with the JWT (`DAYTONA_JWT_TOKEN` plus
//! `X-Daytona-Organization-ID`), since Daytona has accepted only a JWT on these
//! routes since April 2026; it falls back to the API key only when no JWT is
//! configured, and then turns a 401/403 into a plain "set the JWT" error.
//! `GET /api-keys/current` is the one route that authenticates with the API key.

use super::require_name;
use crate::config::{AuthPreference, Credential};
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Transport, When, encode_component};
use crate::models::api_key::{ApiKeyListAnswer, mask};
use crate::models::{ApiKey, CreateApiKey};

pub mod validate;

pub use validate::{PERMISSIONS, normalize_expiry, validate_new_name, validate_permissions};

/// Where to look when a key is not found.
pub const NOT_FOUND_HINT: &str = "use list_api_keys to see the names of the keys";

/// The body of a key to create, from checked arguments: a valid name,
/// Daytona's permissions (duplicates dropped), an expiry in the future in UTC.
pub fn new_key(
    name: &str,
    permissions: &[String],
    expires_at: Option<&str>,
    now_millis: u64,
) -> Result<CreateApiKey, Error> {
    validate_new_name(name)?;
    Ok(CreateApiKey {
        name: name.to_string(),
        permissions: validate_permissions(permissions)?,
        expires_at: normalize_expiry(expires_at, now_millis)?,
    })
}

/// `POST /api-keys` as is, sent once (a create must not run twice), in
/// `organization` when given (see the ephemeral keys' `daytona:org:<id>` scope).
pub fn post<T: Transport>(
    client: &Client<T>,
    body: &CreateApiKey,
    organization: Option<&str>,
) -> Result<ApiKey, Error> {
    let mut req = key_request(
        client,
        Method::Post,
        "/api-keys",
        format!("create API key '{}'", scrub(&body.name, &[])),
    )
    .idempotent(false)
    .json(body)?
    .hint(
        When::Kind(ErrorKind::Conflict),
        "a key with this name exists; choose another name or delete that key first",
    );
    if client.config.jwt.is_some() {
        req = req.hint(
            When::Kind(ErrorKind::Forbidden),
            "the JWT's user may lack one of the requested permissions: a key gets only permissions its creator has",
        );
    }
    if let Some(org) = organization {
        match client.config.credential(AuthPreference::JwtFirst)? {
            // The client sends the configured organization with the JWT.
            Credential::Jwt {
                organization_id, ..
            } if organization_id == org => {}
            Credential::Jwt { .. } => {
                return Err(Error::invalid_input(format!(
                    "organization '{}' is not the configured DAYTONA_ORGANIZATION_ID",
                    scrub(org, &[])
                )));
            }
            Credential::ApiKey(_) => req
                .headers
                .push(("x-daytona-organization-id".into(), org.to_string())),
        }
    }
    client.json(&req)
}

/// Every key of the user in the organization, values masked.
pub fn list<T: Transport>(client: &Client<T>) -> Result<Vec<ApiKey>, Error> {
    let req = key_request(client, Method::Get, "/api-keys", "list API keys".into());
    let answer: ApiKeyListAnswer = client.json(&req)?;
    Ok(answer.into_keys().into_iter().map(masked).collect())
}

/// The key this component is configured with (`DAYTONA_API_KEY`), value masked.
pub fn current<T: Transport>(client: &Client<T>) -> Result<ApiKey, Error> {
    let req = Request::new(
        Method::Get,
        client.url("/api-keys/current"),
        "get the current API key",
    )
    .auth(AuthPreference::ApiKeyOnly);
    client.json(&req).map(masked)
}

/// One key by name, value masked.
pub fn get<T: Transport>(client: &Client<T>, name: &str) -> Result<ApiKey, Error> {
    require_name("name", name)?;
    if name == "current" {
        return Err(Error::invalid_input(
            "`name` 'current' is Daytona's route for the key in use, not a key name",
        )
        .with_hint("use get_current_api_key to describe the configured API key"));
    }
    let req = key_request(
        client,
        Method::Get,
        &format!("/api-keys/{}", encode_component(name)),
        format!("get API key '{}'", scrub(name, &[])),
    )
    .hint(When::Kind(ErrorKind::NotFound), NOT_FOUND_HINT);
    client.json(&req).map(masked)
}

/// Delete (revoke) a key by name; a key already gone is `not-found`.
pub fn delete<T: Transport>(client: &Client<T>, name: &str) -> Result<(), Error> {
    require_name("name", name)?;
    let path = format!("/api-keys/{}", encode_component(name));
    let what = format!("delete API key '{}'", scrub(name, &[]));
    send_delete(client, &path, what, Some(NOT_FOUND_HINT))
}

/// Delete another user's key (organization admins); a key already gone is `not-found`.
pub fn delete_for_user<T: Transport>(
    client: &Client<T>,
    user_id: &str,
    name: &str,
) -> Result<(), Error> {
    require_name("userId", user_id)?;
    require_name("name", name)?;
    let path = format!(
        "/api-keys/{}/{}",
        encode_component(user_id),
        encode_component(name)
    );
    let what = format!(
        "delete API key '{}' of user '{}'",
        scrub(name, &[]),
        scrub(user_id, &[])
    );
    send_delete(client, &path, what, Some(NOT_FOUND_HINT))
}

/// `DELETE` a key path; safe to repeat, so retried on gateway failures.
/// `not_found` is the hint for a key that does not exist.
pub(crate) fn send_delete<T: Transport>(
    client: &Client<T>,
    path: &str,
    what: String,
    not_found: Option<&str>,
) -> Result<(), Error> {
    let mut req = key_request(client, Method::Delete, path, what).idempotent(true);
    if let Some(hint) = not_found {
        req = req.hint(When::Kind(ErrorKind::NotFound), hint);
    }
    client.send(&req).map(|_| ())
}

/// A request on the key-management routes, which authenticate with the JWT.
/// With no JWT configured, a 401/403 means "this needs a JWT": it says so.
fn key_request<T: Transport>(
    client: &Client<T>,
    method: Method,
    path: &str,
    what: String,
) -> Request {
    let mut req = Request::new(method, client.url(path), what).auth(AuthPreference::JwtFirst);
    if client.config.jwt.is_none() {
        for kind in [ErrorKind::Unauthorized, ErrorKind::Forbidden] {
            req = req.explain(
                When::Kind(kind),
                Some(
                    "Key management needs a JWT: Daytona's API-key routes have accepted only a JWT since \
                     April 2026, and DAYTONA_JWT_TOKEN is not set, so the request went with DAYTONA_API_KEY"
                        .into(),
                ),
                "set DAYTONA_JWT_TOKEN to a Daytona user JWT (after `daytona login`, the api.token.accessToken \
                 field of the CLI's config.json) and DAYTONA_ORGANIZATION_ID to the organization's ID",
            );
        }
    }
    req
}

/// Values outside a create answer must be masked; make sure they are.
fn masked(mut key: ApiKey) -> ApiKey {
    key.value = crate::secret::Secret::new(mask(key.value.expose()));
    key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::testing::{Scripted, config, config_with_jwt};

    fn header<'a>(headers: &'a [(String, String)], name: &str) -> Vec<&'a str> {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    const KEY: &str = r#"{"name":"ci","value":"dtn_abcdef0123456789abcdef","createdAt":"2026-01-01T00:00:00.000Z","permissions":["write:sandboxes"],"expiresAt":null}"#;

    #[test]
    fn create_sends_the_jwt_with_the_organization_and_returns_the_full_value() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(201, &[], KEY);
        let perms = vec!["write:sandboxes".to_string(), "write:sandboxes".to_string()];
        let body = new_key("ci", &perms, Some("2030-01-01T01:00:00+01:00"), 0).unwrap();
        let key = post(&Client::new(&cfg, &t), &body, None).unwrap();
        assert_eq!(key.value.expose(), "dtn_abcdef0123456789abcdef");
        let sent = t.sent.borrow();
        let (req, headers) = &sent[0];
        assert_eq!(header(headers, "authorization"), ["Bearer jwt.token.value"]);
        assert_eq!(header(headers, "x-daytona-organization-id"), ["org-1"]);
        let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"name":"ci","permissions":["write:sandboxes"],"expiresAt":"2030-01-01T00:00:00.000Z"})
        );
    }

    #[test]
    fn invalid_arguments_make_no_body() {
        let perms = ["write:sandboxes".to_string()];
        assert!(new_key("ci", &["write:everything".into()], None, 0).is_err());
        assert!(new_key("ci", &[], None, 0).is_err());
        assert!(new_key("a/b", &perms, None, 0).is_err());
        assert!(new_key("ci", &perms, Some("tomorrow"), 0).is_err());
        assert_eq!(new_key("ci", &perms, None, 0).unwrap().expires_at, None);
    }

    #[test]
    fn without_a_jwt_a_refusal_says_to_set_the_jwt() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            403,
            &[],
            r#"{"statusCode":403,"message":"Forbidden resource"}"#,
        );
        let err = list(&Client::new(&cfg, &t)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(err.message.contains("needs a JWT"), "{}", err.message);
        let hint = err.hint.unwrap();
        assert!(hint.contains("DAYTONA_JWT_TOKEN") && hint.contains("DAYTONA_ORGANIZATION_ID"));
        assert_eq!(
            header(&t.sent.borrow()[0].1, "authorization"),
            ["Bearer dtn_testkey"]
        );
    }

    #[test]
    fn current_uses_the_api_key_even_with_a_jwt() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(200, &[], KEY);
        let key = current(&Client::new(&cfg, &t)).unwrap();
        assert!(
            key.value.expose().contains('*'),
            "masked: {}",
            key.value.expose()
        );
        let sent = t.sent.borrow();
        assert!(sent[0].0.url.ends_with("/api-keys/current"));
        assert_eq!(header(&sent[0].1, "authorization"), ["Bearer dtn_testkey"]);
        assert!(header(&sent[0].1, "x-daytona-organization-id").is_empty());
    }

    #[test]
    fn list_masks_values_and_get_refuses_the_current_route() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(200, &[], &format!("[{KEY}]"));
        let keys = list(&Client::new(&cfg, &t)).unwrap();
        assert!(!keys[0].value.expose().contains("0123456789"));
        assert!(get(&Client::new(&cfg, &t), "current").is_err());
    }

    #[test]
    fn missing_keys_are_not_found_with_a_hint_and_paths_are_encoded() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(404, &[], r#"{"message":"API key not found"}"#);
        let err = delete_for_user(&Client::new(&cfg, &t), "user 1", "my key").unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert_eq!(err.hint.as_deref(), Some(NOT_FOUND_HINT));
        assert!(t.urls()[0].ends_with("/api-keys/user%201/my%20key"));
    }

    #[test]
    fn a_taken_name_is_a_conflict_with_a_hint() {
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(
            409,
            &[],
            r#"{"message":"API key with this name already exists"}"#,
        );
        let perms = ["write:sandboxes".to_string()];
        let body = new_key("ci", &perms, None, 0).unwrap();
        let err = post(&Client::new(&cfg, &t), &body, None).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert!(err.hint.unwrap().contains("another name"));
    }

    #[test]
    fn an_organization_goes_as_a_header_only_once() {
        let body = CreateApiKey {
            name: "n".into(),
            permissions: vec![],
            expires_at: None,
        };
        let cfg = config_with_jwt();
        let t = Scripted::default();
        t.answer(201, &[], KEY);
        post(&Client::new(&cfg, &t), &body, Some("org-1")).unwrap();
        assert_eq!(
            header(&t.sent.borrow()[0].1, "x-daytona-organization-id"),
            ["org-1"]
        );
        assert!(post(&Client::new(&cfg, &t), &body, Some("org-2")).is_err());

        let key_only = config();
        let t = Scripted::default();
        t.answer(201, &[], KEY);
        post(&Client::new(&key_only, &t), &body, Some("org-9")).unwrap();
        assert_eq!(
            header(&t.sent.borrow()[0].1, "x-daytona-organization-id"),
            ["org-9"]
        );
    }
}
