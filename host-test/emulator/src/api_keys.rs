//! The API-key routes under `/api/api-keys`.
//!
//! | route | status |
//! |---|---|
//! | `POST /api-keys` | 201 `{name, value, createdAt, permissions, expiresAt}` (the only time `value` is whole); 400 bad body or permission outside Daytona's enum; 403 "Insufficient permissions for assigning: …" when the user lacks one; 409 duplicate name |
//! | `GET /api-keys` | 200 `[ApiKeyList]` (masked `value`, `lastUsedAt`, `expiresAt`, `userId`, `organizationId`) |
//! | `GET /api-keys/current` | 200 ApiKeyList of the calling key (API key only) |
//! | `GET /api-keys/{name}` | 200 ApiKeyList; 404 "API key not found" |
//! | `DELETE /api-keys/{name}` | 204; 404 |
//! | `DELETE /api-keys/{userId}/{name}` | 204; 404 |
//!
//! Since April 2026 the management routes (all but `current`) accept only a user JWT: an API
//! key fails authentication (401, as Daytona's guard answers for a disallowed strategy).
//! `allow_api_key_management` emulates the older servers that accepted API keys too.
//! Unknown permissions are a validation error (400), as Daytona's DTO validation answers,
//! before any permission check. Expired keys are kept (Daytona never deletes them).

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Principal;
use super::clock::{format_rfc3339, parse_rfc3339};
use super::errors::{ApiError, parse_json};
use super::ids::random_hex;
use super::records::{ALL_PERMISSIONS, ApiKeyRecord};
use super::state::{Inner, Shared};

fn not_found() -> ApiError {
    ApiError::not_found("API key not found")
}

/// The caller's own key `name`, or 404.
fn own_key<'a>(
    inner: &'a Inner,
    caller: &Principal,
    name: &str,
) -> Result<&'a ApiKeyRecord, ApiError> {
    inner
        .api_keys
        .iter()
        .find(|k| k.user_id == caller.user_id && k.name == name)
        .ok_or_else(not_found)
}

/// The `ApiKeyList` shape, with permissions limited to the user's own when not the owner.
fn list_item(key: &ApiKeyRecord, inner: &Inner, org_id: &str) -> Value {
    let permissions: Vec<&String> = key
        .permissions
        .iter()
        .filter(|p| {
            inner
                .user_permissions
                .as_ref()
                .is_none_or(|user| user.contains(p))
        })
        .collect();
    json!({
        "name": key.name,
        "value": key.masked(),
        "createdAt": format_rfc3339(key.created_ms),
        "permissions": permissions,
        "lastUsedAt": key.last_used_ms.map(format_rfc3339),
        "expiresAt": key.expires_ms.map(format_rfc3339),
        "userId": key.user_id,
        "organizationId": org_id,
    })
}

/// Validates a `CreateApiKey` body as class-validator would; messages joined by ", ".
fn validate(body: &Value) -> Result<(String, Vec<String>, Option<i64>), ApiError> {
    let Some(obj) = body.as_object() else {
        return Err(ApiError::bad_request(
            "Invalid request body: expected a JSON object",
        ));
    };
    let mut errors = Vec::new();
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::String(_)) => {
            errors.push("name should not be empty".to_string());
            String::new()
        }
        None | Some(Value::Null) => {
            errors.push("name should not be empty, name must be a string".to_string());
            String::new()
        }
        Some(_) => {
            errors.push("name must be a string".to_string());
            String::new()
        }
    };
    let mut permissions = Vec::new();
    match obj.get("permissions") {
        Some(Value::Array(items)) => {
            if items.is_empty() {
                errors.push("permissions should not be empty".to_string());
            }
            for item in items {
                match item.as_str().filter(|p| ALL_PERMISSIONS.contains(p)) {
                    Some(p) => permissions.push(p.to_string()),
                    None => {
                        errors.push(format!(
                            "each value in permissions must be one of the following values: {}",
                            ALL_PERMISSIONS.join(", ")
                        ));
                        break;
                    }
                }
            }
        }
        _ => {
            errors.push("permissions must be an array, permissions should not be empty".to_string())
        }
    }
    let expires = match obj.get("expiresAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => match parse_rfc3339(s) {
            Some(ms) => Some(ms),
            None => {
                errors.push("expiresAt must be a Date instance".to_string());
                None
            }
        },
        Some(_) => {
            errors.push("expiresAt must be a Date instance".to_string());
            None
        }
    };
    if errors.is_empty() {
        Ok((name, permissions, expires))
    } else {
        Err(ApiError::bad_request(errors.join(", ")))
    }
}

/// `POST /api/api-keys`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    body: Bytes,
) -> Result<Response, ApiError> {
    caller.require_jwt(shared.lock().opts.allow_api_key_management)?;
    let body: Value = parse_json(&body)?;
    let (name, permissions, expires_ms) = validate(&body)?;
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    if let Some(user) = &inner.user_permissions {
        let user: BTreeSet<&String> = user.iter().collect();
        let missing: Vec<&str> = permissions
            .iter()
            .filter(|p| !user.contains(p))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(ApiError::forbidden(format!(
                "Insufficient permissions for assigning: {}",
                missing.join(", ")
            )));
        }
    }
    if inner
        .api_keys
        .iter()
        .any(|k| k.user_id == caller.user_id && k.name == name)
    {
        return Err(ApiError::conflict("API key with this name already exists"));
    }
    let key = ApiKeyRecord {
        name,
        value: format!("dtn_{}", random_hex(32)),
        user_id: caller.user_id.clone(),
        permissions,
        created_ms: now,
        last_used_ms: None,
        expires_ms,
    };
    let out = json!({
        "name": key.name,
        "value": key.value,
        "createdAt": format_rfc3339(key.created_ms),
        "permissions": key.permissions,
        "expiresAt": key.expires_ms.map(format_rfc3339),
    });
    inner.api_keys.push(key);
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// `GET /api/api-keys`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
) -> Result<Json<Value>, ApiError> {
    let inner = shared.lock();
    caller.require_jwt(inner.opts.allow_api_key_management)?;
    let keys: Vec<Value> = inner
        .api_keys
        .iter()
        .filter(|k| k.user_id == caller.user_id)
        .map(|k| list_item(k, &inner, &shared.org_id))
        .collect();
    Ok(Json(Value::Array(keys)))
}

/// `GET /api/api-keys/current`.
pub(crate) async fn current(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
) -> Result<Json<Value>, ApiError> {
    let name = caller.require_api_key()?;
    let inner = shared.lock();
    let key = own_key(&inner, &caller, name)?;
    Ok(Json(list_item(key, &inner, &shared.org_id)))
}

/// `GET /api/api-keys/{name}`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let inner = shared.lock();
    caller.require_jwt(inner.opts.allow_api_key_management)?;
    let key = own_key(&inner, &caller, &name)?;
    Ok(Json(list_item(key, &inner, &shared.org_id)))
}

fn remove(
    shared: &Shared,
    caller: &Principal,
    user_id: &str,
    name: &str,
) -> Result<StatusCode, ApiError> {
    let mut inner = shared.lock();
    caller.require_jwt(inner.opts.allow_api_key_management)?;
    let pos = inner
        .api_keys
        .iter()
        .position(|k| k.user_id == user_id && k.name == name)
        .ok_or_else(not_found)?;
    inner.api_keys.remove(pos);
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /api/api-keys/{name}`.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    remove(&shared, &caller, &caller.user_id, &name)
}

/// `DELETE /api/api-keys/{userId}/{name}`.
pub(crate) async fn delete_for_user(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path((user_id, name)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    remove(&shared, &caller, &user_id, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_reports_like_class_validator() {
        let ok = validate(
            &json!({"name": "k", "permissions": ["write:sandboxes"], "expiresAt": "2030-01-01T00:00:00Z"}),
        );
        let (name, perms, exp) = ok.unwrap();
        assert_eq!((name.as_str(), perms.len(), exp.is_some()), ("k", 1, true));
        let e = validate(&json!({"name": "k", "permissions": ["write:everything"]})).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(
            e.message
                .starts_with("each value in permissions must be one of"),
            "{}",
            e.message
        );
        assert!(validate(&json!({"permissions": []})).is_err());
        assert!(
            validate(
                &json!({"name": "k", "permissions": ["write:sandboxes"], "expiresAt": "soon"})
            )
            .is_err()
        );
        assert!(validate(&json!([1])).is_err());
    }
}
