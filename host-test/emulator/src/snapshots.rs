//! `GET /snapshots` (page pagination `{items, total, page, totalPages}`) and
//! `GET /snapshots/{idOrName}`, with the `SnapshotDto` rendering.
//!
//! Query: `page` ≥ 1 (default 1), `limit` 1..=200 (default 100; further capped by
//! `page_size_cap`), `name` (case-insensitive substring), `sort` (`name`, `state`,
//! `lastUsedAt`, `createdAt`; default `lastUsedAt`, never-used last) and `order`
//! (`asc`/`desc`, default `desc`). No permission is needed.

use std::cmp::Ordering;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::auth::Principal;
use super::clock::format_rfc3339;
use super::errors::ApiError;
use super::query::Query;
use super::records::SnapshotRecord;
use super::state::Shared;

pub use super::records::DEFAULT_SNAPSHOTS;

/// `GET /api/snapshots`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    q: Query,
) -> Result<Json<Value>, ApiError> {
    let page = q.int_in("page", 1, i64::from(u32::MAX), 1)?;
    let mut limit = q.int_in("limit", 1, 200, 100)?;
    let sort = q.get("sort").unwrap_or("lastUsedAt");
    if !["name", "state", "lastUsedAt", "createdAt"].contains(&sort) {
        return Err(ApiError::bad_request(
            "sort must be one of the following values: name, state, lastUsedAt, createdAt",
        ));
    }
    let descending = match q.get("order").unwrap_or("desc") {
        "desc" => true,
        "asc" => false,
        _ => {
            return Err(ApiError::bad_request(
                "order must be one of the following values: asc, desc",
            ));
        }
    };
    let name = q.get("name").map(str::to_lowercase).unwrap_or_default();

    let inner = shared.lock();
    if let Some(cap) = inner.opts.page_size_cap {
        limit = limit.min(cap.max(1) as i64);
    }
    let mut matching: Vec<&SnapshotRecord> = inner
        .snapshots
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&name))
        .collect();
    matching.sort_by(|a, b| {
        let primary = match sort {
            "name" => a.name.cmp(&b.name),
            "state" => a.state.cmp(&b.state),
            "createdAt" => a.created_ms.cmp(&b.created_ms),
            // Never-used snapshots sort last in either direction.
            _ => match (a.last_used_ms, b.last_used_ms) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => return Ordering::Less,
                (None, Some(_)) => return Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        let primary = if descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| a.name.cmp(&b.name))
    });
    let total = matching.len() as i64;
    let skip = usize::try_from((page - 1).saturating_mul(limit)).unwrap_or(usize::MAX);
    let items: Vec<Value> = matching
        .iter()
        .skip(skip)
        .take(limit as usize)
        .map(|s| render(s, &shared.org_id))
        .collect();
    Ok(Json(json!({
        "items": items,
        "total": total,
        "page": page,
        "totalPages": (total + limit - 1) / limit,
    })))
}

/// `GET /api/snapshots/{idOrName}`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let inner = shared.lock();
    inner
        .snapshots
        .iter()
        .find(|s| s.id == id || s.name == id)
        .map(|s| Json(render(s, &shared.org_id)))
        .ok_or_else(|| {
            ApiError::not_found(format!("Snapshot {id} not found")).with_code("SNAPSHOT_NOT_FOUND")
        })
}

/// The `SnapshotDto` shape (required-but-nullable fields are present as `null`).
fn render(s: &SnapshotRecord, org_id: &str) -> Value {
    json!({
        "id": s.id,
        "organizationId": if s.general { Value::Null } else { Value::from(org_id) },
        "general": s.general,
        "name": s.name,
        "imageName": s.name,
        "ref": s.name,
        "state": s.state,
        "size": 1.2,
        "entrypoint": ["sleep", "infinity"],
        "cpu": s.cpu,
        "gpu": 0,
        "mem": s.mem,
        "disk": s.disk,
        "errorReason": if s.state == "error" || s.state == "build_failed" { Value::from("build failed") } else { Value::Null },
        "createdAt": format_rfc3339(s.created_ms),
        "updatedAt": format_rfc3339(s.created_ms),
        "lastUsedAt": s.last_used_ms.map(format_rfc3339),
        "regionIds": ["us"],
        "sourceSandboxId": Value::Null,
    })
}
