//! `GET /api/sandbox`: cursor pagination `{items, nextCursor}`, newest first.
//!
//! Query: `limit` 1..=200 (default 100; further capped by `page_size_cap`), `cursor` (from
//! the previous page; `nextCursor` is `null` on the last page), `name` and `id`
//! (case-insensitive prefixes), `labels` (a JSON object every match must carry) and `states`
//! (repeated `states=`, `states[]=` or comma-separated). Bad values answer 400 with
//! class-validator-like messages. Items use the lighter `SandboxListItem` shape.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use base64::Engine as _;
use serde_json::{Value, json};

use super::auth::Principal;
use super::errors::ApiError;
use super::lifecycle::SandboxRecord;
use super::query::Query;
use super::state::Shared;

/// Every state Daytona's `SandboxState` enum knows (the `states` filter accepts only these).
pub const SANDBOX_STATES: [&str; 22] = [
    "creating",
    "restoring",
    "destroyed",
    "destroying",
    "started",
    "stopped",
    "starting",
    "stopping",
    "error",
    "build_failed",
    "pending_build",
    "building_snapshot",
    "unknown",
    "pulling_snapshot",
    "archived",
    "archiving",
    "resizing",
    "snapshotting",
    "forking",
    "pausing",
    "paused",
    "resuming",
];

fn encode_cursor(seq: u64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("seq:{seq}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim_end_matches('='))
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix("seq:")?
        .parse()
        .ok()
}

/// `GET /api/sandbox`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    q: Query,
) -> Result<Json<Value>, ApiError> {
    let mut limit = q.int_in("limit", 1, 200, 100)?;
    let labels: BTreeMap<String, String> = match q.get("labels") {
        None => BTreeMap::new(),
        Some(raw) => serde_json::from_str::<BTreeMap<String, Value>>(raw)
            .map_err(|_| {
                ApiError::bad_request(
                    "labels must be a JSON-encoded object of label names to values",
                )
            })?
            .into_iter()
            .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
            .collect(),
    };
    let states = q.all("states");
    if let Some(bad) = states
        .iter()
        .find(|s| !SANDBOX_STATES.contains(&s.as_str()))
    {
        return Err(ApiError::bad_request(format!(
            "each value in states must be one of the following values: {} (got {bad})",
            SANDBOX_STATES.join(", ")
        )));
    }
    let before = match q.get("cursor").filter(|c| !c.is_empty()) {
        None => u64::MAX,
        Some(c) => decode_cursor(c).ok_or_else(|| ApiError::bad_request("Invalid cursor"))?,
    };
    let name = q.get("name").unwrap_or_default().to_lowercase();
    let id = q.get("id").unwrap_or_default().to_lowercase();

    let toolbox_url = shared.toolbox_url();
    let mut inner = shared.lock();
    inner.sweep(shared.clock.now_ms());
    if let Some(cap) = inner.opts.page_size_cap {
        limit = limit.min(cap.max(1) as i64);
    }
    let mut matching: Vec<&SandboxRecord> = inner
        .sandboxes
        .iter()
        .filter(|s| s.seq < before)
        .filter(|s| {
            s.name.to_lowercase().starts_with(&name) && s.id.to_lowercase().starts_with(&id)
        })
        .filter(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(v)))
        .filter(|s| states.is_empty() || states.contains(&s.state))
        .collect();
    matching.sort_by_key(|s| std::cmp::Reverse(s.seq));
    let limit = limit as usize;
    let next_cursor = (matching.len() > limit).then(|| encode_cursor(matching[limit - 1].seq));
    let ctx = shared.render_ctx(&inner, &toolbox_url);
    let items: Vec<Value> = matching
        .iter()
        .take(limit)
        .map(|s| s.to_list_item(&ctx))
        .collect();
    Ok(Json(json!({ "items": items, "nextCursor": next_cursor })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        assert_eq!(decode_cursor(""), None);
    }
}
