//! Authentication and authorisation, as Daytona's guards do them.
//!
//! - `Authorization: Bearer <token>` where the token is an API key of the organisation, or
//!   the user's JWT. Missing or unknown → 401 "Invalid credentials"; an expired key → 401
//!   "This API key has expired" (code `API_KEY_EXPIRED`) on every route.
//! - A JWT needs `X-Daytona-Organization-ID` naming the organisation: missing or another
//!   organisation → 403 "Invalid authentication context".
//! - Routes that need a permission answer 403 "Access denied" when the key lacks it (an
//!   owner's JWT has every permission; a member's has those set by `set_user_permissions`).
//! - Which credential a route accepts (`Principal::require_jwt`, `Principal::require_api_key`):
//!   a disallowed strategy is a failed authentication in Daytona (401 "Invalid credentials");
//!   the emulator appends why, so a test failure explains itself.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::errors::ApiError;
use super::state::Shared;

/// The header a JWT must come with.
pub const ORG_HEADER: &str = "x-daytona-organization-id";

/// How the request authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Credential {
    Jwt,
    ApiKey { name: String },
}

/// The authenticated caller, put into request extensions by [`api_auth`] / [`toolbox_auth`].
#[derive(Clone, Debug)]
pub(crate) struct Principal {
    pub(crate) credential: Credential,
    pub(crate) user_id: String,
    /// `None`: unrestricted (the owner's JWT).
    pub(crate) permissions: Option<BTreeSet<String>>,
}

impl Principal {
    /// 403 "Access denied" unless the caller holds `permission`.
    pub(crate) fn require(&self, permission: &str) -> Result<(), ApiError> {
        match &self.permissions {
            Some(p) if !p.contains(permission) => Err(ApiError::forbidden("Access denied")),
            _ => Ok(()),
        }
    }

    /// Key-management routes: JWT only since April 2026 (`allow_api_key` emulates older servers).
    pub(crate) fn require_jwt(&self, allow_api_key: bool) -> Result<(), ApiError> {
        match self.credential {
            Credential::ApiKey { .. } if !allow_api_key => Err(ApiError::unauthorized(
                "Invalid credentials (this route accepts only a user JWT with X-Daytona-Organization-ID, not an API key)",
            )),
            _ => Ok(()),
        }
    }

    /// `GET /api-keys/current`: API keys only.
    pub(crate) fn require_api_key(&self) -> Result<&str, ApiError> {
        match &self.credential {
            Credential::ApiKey { name } => Ok(name),
            Credential::Jwt => Err(ApiError::unauthorized(
                "Invalid credentials (this route accepts only an API key, not a JWT)",
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("Invalid credentials"))
    }
}

/// Middleware for `/api` routes: authenticates or answers in the API's error shape.
pub(crate) async fn api_auth(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    authenticated(&shared, req, next, |e| e.into_response()).await
}

/// Middleware for the toolbox proxy: same rules, toolbox error shape.
pub(crate) async fn toolbox_auth(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    authenticated(&shared, req, next, |e| e.toolbox().into_response()).await
}

/// Run the route with the caller attached, or answer `refuse(error)`.
async fn authenticated(
    shared: &Shared,
    mut req: Request,
    next: Next,
    refuse: impl FnOnce(ApiError) -> Response,
) -> Response {
    match authenticate(shared, req.headers()) {
        Ok(principal) => {
            req.extensions_mut().insert(principal);
            next.run(req).await
        }
        Err(e) => refuse(e),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Resolves the caller, updating the key's `lastUsedAt`.
pub(crate) fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let token = bearer(headers).ok_or_else(|| ApiError::unauthorized("Invalid credentials"))?;
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    let user_permissions: Option<BTreeSet<String>> = inner
        .user_permissions
        .as_ref()
        .map(|p| p.iter().cloned().collect());
    if token == shared.jwt {
        let org = headers
            .get(ORG_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim);
        if org != Some(shared.org_id.as_str()) {
            return Err(ApiError::forbidden("Invalid authentication context"));
        }
        return Ok(Principal {
            credential: Credential::Jwt,
            user_id: shared.user_id.clone(),
            permissions: user_permissions,
        });
    }
    let Some(key) = inner.api_keys.iter_mut().find(|k| k.value == token) else {
        return Err(ApiError::unauthorized("Invalid credentials"));
    };
    if key.is_expired(now) {
        return Err(ApiError::unauthorized("This API key has expired").with_code("API_KEY_EXPIRED"));
    }
    key.last_used_ms = Some(now);
    // Effective permissions: the key's, limited to the user's own when not the owner.
    let mut permissions: BTreeSet<String> = key.permissions.iter().cloned().collect();
    if let Some(user) = &user_permissions {
        permissions.retain(|p| user.contains(p));
    }
    Ok(Principal {
        credential: Credential::ApiKey {
            name: key.name.clone(),
        },
        user_id: key.user_id.clone(),
        permissions: Some(permissions),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn bearer_parsing_is_lenient_about_case_and_spaces() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert("authorization", HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert("authorization", HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert("authorization", HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }
}
