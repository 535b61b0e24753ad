//! JSON Schemas of tool results, for hosts that declare an `outputSchema`
//! (MCP requires `structuredContent` to conform to it). They describe what
//! the serde models in [`crate::models`], [`crate::api`] and [`crate::keys`]
//! serialize; an end-to-end test validates real results against them.

use serde_json::{Value, json};

fn string() -> Value {
    json!({ "type": "string" })
}

fn nullable_string() -> Value {
    json!({ "type": ["string", "null"] })
}

fn strings() -> Value {
    json!({ "type": "array", "items": { "type": "string" } })
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({ "type": "object", "properties": properties, "required": required })
}

fn list_of(field: &str, item: Value) -> Value {
    object(
        &[field],
        json!({ field: { "type": "array", "items": item } }),
    )
}

/// A sandbox, as `get_sandbox` and the lifecycle tools return it.
pub fn sandbox() -> Value {
    let count = json!({ "type": "integer", "minimum": 0 });
    let minutes = json!({ "type": ["integer", "null"] });
    object(
        &["id", "name", "state"],
        json!({
            "id": string(),
            "name": string(),
            "organizationId": string(),
            "state": { "type": "string", "description": "creating, started, stopping, stopped, error, ...; newer values pass through" },
            "desiredState": nullable_string(),
            "errorReason": nullable_string(),
            "snapshot": nullable_string(),
            "user": string(),
            "target": string(),
            "cpu": count, "gpu": count, "memory": count, "disk": count,
            "public": { "type": "boolean" },
            "labels": { "type": "object", "additionalProperties": { "type": "string" } },
            "autoStopInterval": minutes, "autoArchiveInterval": minutes, "autoDeleteInterval": minutes,
            "networkBlockAll": { "type": "boolean" },
            "networkAllowList": nullable_string(),
            "toolboxProxyUrl": nullable_string(),
            "createdAt": nullable_string(),
            "updatedAt": nullable_string(),
        }),
    )
}

/// `list_sandboxes`.
pub fn sandbox_list() -> Value {
    list_of("sandboxes", sandbox())
}

/// `execute_command`.
pub fn execution() -> Value {
    object(
        &["exitCode", "result", "truncated", "resultLength"],
        json!({
            "exitCode": { "type": "integer", "description": "-1 when the command could not start" },
            "result": { "type": "string", "description": "stdout and stderr, merged, possibly cut" },
            "truncated": { "type": "boolean" },
            "resultLength": { "type": "integer", "minimum": 0, "description": "bytes of the whole output" },
        }),
    )
}

/// `list_snapshots`.
pub fn snapshot_list() -> Value {
    let number = json!({ "type": "number" });
    let snapshot = object(
        &["id", "name", "state"],
        json!({
            "id": string(),
            "name": string(),
            "state": string(),
            "general": { "type": "boolean" },
            "imageName": nullable_string(),
            "cpu": number, "gpu": number, "mem": number, "disk": number,
            "size": { "type": ["number", "null"] },
            "errorReason": nullable_string(),
            "createdAt": nullable_string(),
        }),
    );
    list_of("snapshots", snapshot)
}

/// An API key; `value` is masked except in `create_api_key`'s answer.
pub fn api_key() -> Value {
    object(
        &["name", "value", "permissions", "createdAt"],
        json!({
            "name": string(),
            "value": string(),
            "permissions": strings(),
            "createdAt": string(),
            "expiresAt": nullable_string(),
            "lastUsedAt": nullable_string(),
            "userId": nullable_string(),
            "organizationId": nullable_string(),
        }),
    )
}

/// `list_api_keys`.
pub fn api_key_list() -> Value {
    list_of("apiKeys", api_key())
}

/// `delete_api_key`.
pub fn deleted() -> Value {
    object(&["deleted"], json!({ "deleted": string() }))
}

/// `delete_api_key_for_user`.
pub fn deleted_for_user() -> Value {
    object(
        &["deleted", "userId"],
        json!({ "deleted": string(), "userId": string() }),
    )
}

/// `mint_ephemeral_key`.
pub fn minted_key() -> Value {
    object(
        &[
            "name",
            "value",
            "scope",
            "permissions",
            "expiresAt",
            "holder",
        ],
        json!({
            "name": string(),
            "value": { "type": "string", "description": "the key: shown only here" },
            "scope": string(),
            "permissions": strings(),
            "expiresAt": string(),
            "holder": string(),
        }),
    )
}

/// `revoke_ephemeral_key`.
pub fn revoked() -> Value {
    object(
        &["revoked", "alreadyRevoked"],
        json!({ "revoked": string(), "alreadyRevoked": { "type": "boolean" } }),
    )
}

/// `list_ephemeral_keys`.
pub fn ephemeral_key_list() -> Value {
    let key = object(
        &["name", "holder", "permissions", "expiresAt", "expired"],
        json!({
            "name": string(),
            "holder": string(),
            "permissions": strings(),
            "expiresAt": string(),
            "expired": { "type": "boolean" },
        }),
    );
    list_of("ephemeralKeys", key)
}

/// A failure as `call-tool` and the sweep report describe it.
pub fn error() -> Value {
    object(
        &["kind", "message", "retryable"],
        json!({
            "kind": { "type": "string", "enum": [
                "invalid-input", "unauthorized", "forbidden", "not-found", "conflict",
                "rate-limited", "timeout", "upstream", "transport", "config"
            ] },
            "message": string(),
            "retryable": { "type": "boolean" },
            "hint": string(),
            "status": { "type": "integer" },
        }),
    )
}

/// `revoke_expired_keys`.
pub fn sweep_report() -> Value {
    object(
        &["revoked", "failed"],
        json!({
            "revoked": strings(),
            "failed": { "type": "array", "items": object(&["name", "error"], json!({ "name": string(), "error": error() })) },
        }),
    )
}
