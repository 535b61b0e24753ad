//! JSON Schemas of tool results, for hosts that declare an `outputSchema`
//! (MCP requires `structuredContent` to conform to it). They describe every
//! field the serde models in [`crate::models`], [`crate::api`] and
//! [`crate::keys`] serialize, closed (`additionalProperties: false`) and with
//! every always-present field required, so a renamed field fails: here
//! against the models, end to end against real results.

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

/// A closed object: these properties and no others; all required but `optional`.
fn object(properties: Value, optional: &[&str]) -> Value {
    let required: Vec<&String> = properties
        .as_object()
        .into_iter()
        .flat_map(|p| p.keys())
        .filter(|k| !optional.contains(&k.as_str()))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn list_of(field: &str, item: Value) -> Value {
    object(json!({ field: { "type": "array", "items": item } }), &[])
}

/// A sandbox, as `get_sandbox` and the lifecycle tools return it.
pub fn sandbox() -> Value {
    let count = json!({ "type": "integer", "minimum": 0 });
    let minutes = json!({ "type": ["integer", "null"] });
    object(
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
        &[],
    )
}

/// `list_sandboxes`.
pub fn sandbox_list() -> Value {
    list_of("sandboxes", sandbox())
}

/// `execute_command`.
pub fn execution() -> Value {
    object(
        json!({
            "exitCode": { "type": "integer", "description": "-1 when the command could not start" },
            "result": { "type": "string", "description": "stdout and stderr, merged, possibly cut" },
            "truncated": { "type": "boolean" },
            "resultLength": { "type": "integer", "minimum": 0, "description": "bytes of the whole output" },
        }),
        &[],
    )
}

/// `list_snapshots`.
pub fn snapshot_list() -> Value {
    let number = json!({ "type": "number" });
    let snapshot = object(
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
        &[],
    );
    list_of("snapshots", snapshot)
}

/// An API key; `value` is masked except in `create_api_key`'s answer.
pub fn api_key() -> Value {
    object(
        json!({
            "name": string(),
            "value": string(),
            "permissions": strings(),
            "createdAt": string(),
            "expiresAt": nullable_string(),
            "lastUsedAt": nullable_string(),
            "userId": nullable_string(),
            "organizationId": string(),
        }),
        // Only when Daytona reports it.
        &["organizationId"],
    )
}

/// `list_api_keys`.
pub fn api_key_list() -> Value {
    list_of("apiKeys", api_key())
}

/// `delete_api_key`.
pub fn deleted() -> Value {
    object(json!({ "deleted": string() }), &[])
}

/// `delete_api_key_for_user`.
pub fn deleted_for_user() -> Value {
    object(json!({ "deleted": string(), "userId": string() }), &[])
}

/// `mint_ephemeral_key`.
pub fn minted_key() -> Value {
    object(
        json!({
            "name": string(),
            "value": { "type": "string", "description": "the key: shown only here" },
            "scope": string(),
            "permissions": strings(),
            "expiresAt": string(),
            "holder": string(),
        }),
        &[],
    )
}

/// `revoke_ephemeral_key`.
pub fn revoked() -> Value {
    object(
        json!({ "revoked": string(), "alreadyRevoked": { "type": "boolean" } }),
        &[],
    )
}

/// `list_ephemeral_keys`.
pub fn ephemeral_key_list() -> Value {
    let key = object(
        json!({
            "name": string(),
            "holder": string(),
            "permissions": strings(),
            "expiresAt": string(),
            "expired": { "type": "boolean" },
        }),
        &[],
    );
    list_of("ephemeralKeys", key)
}

/// A failure as `call-tool` and the sweep report describe it.
pub fn error() -> Value {
    object(
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
        &["hint", "status"],
    )
}

/// `revoke_expired_keys`.
pub fn sweep_report() -> Value {
    let failure = object(json!({ "name": string(), "error": error() }), &[]);
    object(
        json!({
            "revoked": strings(),
            "failed": { "type": "array", "items": failure },
        }),
        &[],
    )
}

fn count() -> Value {
    json!({ "type": "integer", "minimum": 0 })
}

fn truncated(what: &str) -> Value {
    json!({ "type": "boolean", "description": format!("whether {what} were left out to stay within the output limit") })
}

/// A file or directory, as `get_file_info` and `list_files` return it.
pub fn file_info() -> Value {
    object(
        json!({
            "name": string(),
            "isDir": { "type": "boolean" },
            "size": count(),
            "mode": { "type": "string", "description": "e.g. -rw-r--r--" },
            "permissions": { "type": "string", "description": "octal, e.g. 0644" },
            "owner": string(),
            "group": string(),
            "modifiedAt": { "type": "string", "description": "RFC 3339" },
        }),
        &[],
    )
}

/// `list_files`.
pub fn file_listing() -> Value {
    object(
        json!({
            "files": { "type": "array", "items": file_info() },
            "truncated": truncated("entries"),
            "total": count(),
        }),
        &[],
    )
}

/// `read_file`.
pub fn file_text() -> Value {
    object(
        json!({
            "content": { "type": "string", "description": "the lines shown, with their line endings" },
            "startLine": { "type": "integer", "minimum": 1 },
            "endLine": { "type": "integer", "minimum": 0, "description": "the last line shown; startLine - 1 when none is" },
            "truncated": truncated("lines after endLine"),
            "size": { "type": "integer", "minimum": 0, "description": "the file's size in bytes" },
        }),
        &[],
    )
}

/// `download_file`.
pub fn file_download() -> Value {
    object(
        json!({
            "contentBase64": { "type": "string", "description": "the bytes, standard base64 with padding" },
            "truncated": { "type": "boolean", "description": "whether only the first bytes are given" },
            "size": { "type": "integer", "minimum": 0, "description": "the file's size in bytes" },
        }),
        &[],
    )
}

/// `write_file`.
pub fn file_written() -> Value {
    object(json!({ "path": string(), "bytes": count() }), &[])
}

/// `delete_file`, `create_folder`, `git_push` and `git_pull`.
pub fn file_path() -> Value {
    object(json!({ "path": string() }), &[])
}

/// `move_file`.
pub fn file_moved() -> Value {
    object(json!({ "source": string(), "destination": string() }), &[])
}

/// `find_in_files`.
pub fn file_matches() -> Value {
    let line = object(
        json!({
            "file": string(),
            "line": { "type": "integer", "minimum": 1 },
            "content": string(),
        }),
        &[],
    );
    object(
        json!({
            "matches": { "type": "array", "items": line },
            "truncated": truncated("matches"),
            "total": count(),
        }),
        &[],
    )
}

/// `search_files`.
pub fn file_names() -> Value {
    object(
        json!({
            "files": strings(),
            "truncated": truncated("paths"),
            "total": count(),
        }),
        &[],
    )
}

/// `replace_in_files`.
pub fn file_replacements() -> Value {
    let result = object(
        json!({
            "file": string(),
            "success": { "type": "boolean" },
            "error": string(),
        }),
        &["error"],
    );
    list_of("results", result)
}

/// `create_session` and `delete_session`.
pub fn session_id() -> Value {
    object(json!({ "sessionId": string() }), &[])
}

fn exit_code_or_null(running: &str) -> Value {
    json!({ "type": ["integer", "null"], "description": format!("null {running}") })
}

/// `run_session_command` and `get_session_command_logs`.
pub fn command_output() -> Value {
    object(
        json!({
            "commandId": { "type": "string", "description": "for get_session_command_logs" },
            "exitCode": exit_code_or_null("while the command runs (always with async)"),
            "stdout": string(),
            "stderr": string(),
            "truncated": { "type": "boolean", "description": "whether output was left out: cut to the output limit, or lines before `tail`" },
            "outputLength": { "type": "integer", "minimum": 0, "description": "bytes of stdout and stderr in all" },
        }),
        &[],
    )
}

/// `list_sessions`.
pub fn session_list() -> Value {
    let command = object(
        json!({
            "id": string(),
            "command": string(),
            "exitCode": exit_code_or_null("while it runs"),
        }),
        &[],
    );
    let session = object(
        json!({
            "sessionId": string(),
            "commands": { "type": "array", "items": command, "description": "the most recent ones, oldest first" },
            "commandCount": count(),
        }),
        &[],
    );
    object(
        json!({
            "sessions": { "type": "array", "items": session },
            "truncated": truncated("sessions"),
            "total": count(),
        }),
        &[],
    )
}

/// `run_code`.
pub fn code_run() -> Value {
    let chart = object(
        json!({
            "type": { "type": "string", "description": "line, scatter, bar, pie, box_and_whisker, composite_chart, ..." },
            "title": string(),
            "xLabel": string(),
            "yLabel": string(),
            "elements": count(),
            "hasPng": { "type": "boolean", "description": "whether Daytona rendered an image (not returned)" },
        }),
        &[],
    );
    object(
        json!({
            "exitCode": { "type": "integer", "description": "-1 when the program could not start" },
            "result": { "type": "string", "description": "stdout and stderr, merged, possibly cut" },
            "truncated": { "type": "boolean" },
            "resultLength": { "type": "integer", "minimum": 0, "description": "bytes of the whole output" },
            "charts": { "type": "array", "items": chart, "description": "the first 100 charts drawn" },
            "chartCount": count(),
        }),
        &[],
    )
}

/// `git_clone`.
pub fn git_cloned() -> Value {
    object(json!({ "path": string(), "url": string() }), &[])
}

/// `git_status`.
pub fn git_status() -> Value {
    let state = json!({ "type": "string", "description": "Unmodified, Untracked, Modified, Added, Deleted, Renamed, Copied or Updated but unmerged" });
    let file = object(
        json!({
            "name": { "type": "string", "description": "relative to the repository" },
            "staging": state,
            "worktree": state,
            "extra": { "type": "string", "description": "the original path of a rename or copy" },
        }),
        &[],
    );
    object(
        json!({
            "currentBranch": { "type": "string", "description": "HEAD when detached" },
            "ahead": { "type": "integer", "minimum": 0, "description": "commits the upstream lacks" },
            "behind": { "type": "integer", "minimum": 0, "description": "commits the branch lacks" },
            "branchPublished": { "type": "boolean", "description": "whether the branch has an upstream" },
            "fileStatus": { "type": "array", "items": file },
            "truncated": truncated("files"),
            "total": count(),
        }),
        &[],
    )
}

/// `git_add`.
pub fn git_staged() -> Value {
    object(json!({ "path": string(), "files": strings() }), &[])
}

/// `git_commit`.
pub fn git_committed() -> Value {
    object(
        json!({ "hash": { "type": "string", "description": "the new commit's full hash" } }),
        &[],
    )
}

/// `git_branches`.
pub fn git_branches() -> Value {
    object(
        json!({
            "branches": strings(),
            "truncated": truncated("branches"),
            "total": count(),
        }),
        &[],
    )
}

/// `git_create_branch` and `git_checkout`.
pub fn git_branch() -> Value {
    object(json!({ "path": string(), "branch": string() }), &[])
}

/// `git_log`.
pub fn git_log() -> Value {
    let commit = object(
        json!({
            "hash": string(),
            "author": string(),
            "email": string(),
            "message": { "type": "string", "description": "cut after 2000 bytes (or a quarter of the output limit), ending in …" },
            "timestamp": { "type": "string", "description": "RFC 3339" },
        }),
        &[],
    );
    object(
        json!({
            "commits": { "type": "array", "items": commit },
            "truncated": { "type": "boolean", "description": "whether older commits were left out (the limit, or the output limit)" },
        }),
        &[],
    )
}

/// `set_sandbox_labels`.
pub fn labels() -> Value {
    object(
        json!({ "labels": { "type": "object", "additionalProperties": { "type": "string" } } }),
        &[],
    )
}

/// `get_preview_url`.
pub fn preview_url() -> Value {
    object(
        json!({
            "sandboxId": string(),
            "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
            "url": { "type": "string", "description": "a signed URL embeds its token: treat it as a credential" },
            "token": { "type": "string", "description": "the signed URL's token (for expire_preview_url), or the sandbox's preview token" },
            "signed": { "type": "boolean" },
            "expiresAt": { "type": ["string", "null"], "description": "RFC 3339, when a signed URL stops working; null for the unsigned URL" },
            "header": { "type": ["string", "null"], "description": "the header to send `token` in (X-Daytona-Preview-Token); null for a signed URL" },
            "note": string(),
        }),
        &[],
    )
}

/// `expire_preview_url`.
pub fn preview_expired() -> Value {
    object(
        json!({ "sandbox": string(), "port": { "type": "integer", "minimum": 1, "maximum": 65535 } }),
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::execute::Outcome;
    use crate::api::files::{Download, Found, Listing, Searched, Text, Written};
    use crate::api::git::{Branches, Cloned, Log, Status};
    use crate::api::preview::{Expired, Preview};
    use crate::api::sessions::{ChartInfo, CodeRun, CommandOutput, SessionInfo, SessionList};
    use crate::catalog::Contract;
    use crate::catalog::file_tools::{DeleteFile, MoveFile, ReplaceInFiles};
    use crate::catalog::git_tools::{GitAdd, GitCheckout, GitCommit};
    use crate::catalog::key_tools::{Deleted, RevokedKey};
    use crate::catalog::sandbox_tools::SetSandboxLabels;
    use crate::catalog::session_tools::CreateSession;
    use crate::config::Secret;
    use crate::error::{Error, ErrorKind};
    use crate::keys::sweep::{SweepFailure, SweepReport};
    use crate::keys::{EphemeralKey, MintedKey};
    use crate::models::files::{FileInfo, Match, ReplaceResult};
    use crate::models::git::{FileStatus, GitCommitInfo};
    use crate::models::sessions::Command;
    use crate::models::{ApiKey, Sandbox, Snapshot};
    use std::collections::BTreeSet;

    /// The schema names exactly the fields `value` carries and requires the
    /// ones it always carries, recursively through objects and lists.
    fn fits(schema: &Value, value: &Value, path: &str) {
        match value {
            Value::Object(map) => {
                let props = schema["properties"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{path}: not an object schema"));
                assert_eq!(
                    schema["additionalProperties"], false,
                    "{path} is not closed"
                );
                let described: BTreeSet<&String> = props.keys().collect();
                let carried: BTreeSet<&String> = map.keys().collect();
                assert!(
                    carried.is_subset(&described),
                    "{path}: {carried:?} vs schema {described:?}"
                );
                for required in schema["required"].as_array().unwrap() {
                    assert!(
                        map.contains_key(required.as_str().unwrap()),
                        "{path}.{required} missing"
                    );
                }
                for (k, v) in map {
                    if props[k].get("properties").is_some() || props[k].get("items").is_some() {
                        fits(&props[k], v, &format!("{path}.{k}"));
                    }
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    fits(&schema["items"], item, &format!("{path}[{i}]"));
                }
            }
            _ => {}
        }
    }

    fn full<S: serde::Serialize>(s: S) -> Value {
        serde_json::to_value(s).unwrap()
    }

    #[test]
    fn every_result_schema_describes_exactly_what_its_model_serializes() {
        let key = ApiKey {
            name: "k".into(),
            value: Secret::new("v"),
            permissions: vec!["read:volumes".into()],
            created_at: "t".into(),
            expires_at: None,
            last_used_at: None,
            user_id: None,
            organization_id: Some("o".into()),
        };
        let failure = SweepFailure {
            name: "n".into(),
            error: Error::new(ErrorKind::Upstream, "x").with_hint("h"),
        };
        let cases = [
            (sandbox(), full(Sandbox::default())),
            (
                sandbox_list(),
                json!({ "sandboxes": [full(Sandbox::default())] }),
            ),
            (
                snapshot_list(),
                json!({ "snapshots": [full(Snapshot::default())] }),
            ),
            (
                execution(),
                full(Outcome {
                    exit_code: 0,
                    result: String::new(),
                    truncated: false,
                    result_length: 0,
                }),
            ),
            (api_key(), full(&key)),
            (api_key_list(), json!({ "apiKeys": [full(&key)] })),
            (
                deleted(),
                full(Deleted {
                    deleted: "k".into(),
                    user_id: None,
                }),
            ),
            (
                deleted_for_user(),
                full(Deleted {
                    deleted: "k".into(),
                    user_id: Some("u".into()),
                }),
            ),
            (
                minted_key(),
                full(MintedKey {
                    name: "n".into(),
                    value: Secret::new("v"),
                    scope: "s".into(),
                    permissions: vec![],
                    expires_at: "t".into(),
                    holder: "h".into(),
                }),
            ),
            (
                revoked(),
                full(RevokedKey {
                    revoked: "n".into(),
                    already_revoked: true,
                }),
            ),
            (
                ephemeral_key_list(),
                json!({ "ephemeralKeys": [full(EphemeralKey {
                name: "n".into(), holder: "h".into(), permissions: vec![], expires_at: "t".into(), expired: false,
            })] }),
            ),
            (
                sweep_report(),
                full(SweepReport {
                    revoked: vec!["a".into()],
                    failed: vec![failure],
                }),
            ),
            (file_info(), full(FileInfo::default())),
            (
                file_listing(),
                full(Listing {
                    files: vec![FileInfo::default()],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                file_text(),
                full(Text {
                    content: String::new(),
                    start_line: 1,
                    end_line: 0,
                    truncated: false,
                    size: 0,
                }),
            ),
            (
                file_download(),
                full(Download {
                    content_base64: String::new(),
                    truncated: false,
                    size: 0,
                }),
            ),
            (
                file_written(),
                full(Written {
                    path: "p".into(),
                    bytes: 0,
                }),
            ),
            (file_path(), DeleteFile::output_json("p".into()).unwrap()),
            (
                file_moved(),
                MoveFile::output_json(("a".into(), "b".into())).unwrap(),
            ),
            (
                file_matches(),
                full(Found {
                    matches: vec![Match::default()],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                file_names(),
                full(Searched {
                    files: vec!["p".into()],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                file_replacements(),
                ReplaceInFiles::output_json(vec![
                    ReplaceResult {
                        file: "a".into(),
                        success: true,
                        error: None,
                    },
                    ReplaceResult {
                        file: "b".into(),
                        success: false,
                        error: Some("e".into()),
                    },
                ])
                .unwrap(),
            ),
            (
                session_id(),
                CreateSession::output_json("s".into()).unwrap(),
            ),
            (
                command_output(),
                full(CommandOutput {
                    command_id: "c".into(),
                    exit_code: None,
                    stdout: String::new(),
                    stderr: String::new(),
                    truncated: false,
                    output_length: 0,
                }),
            ),
            (
                session_list(),
                full(SessionList {
                    sessions: vec![SessionInfo {
                        session_id: "s".into(),
                        commands: vec![Command::default()],
                        command_count: 1,
                    }],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                code_run(),
                full(CodeRun {
                    exit_code: 0,
                    result: String::new(),
                    truncated: false,
                    result_length: 0,
                    charts: vec![ChartInfo {
                        kind: "line".into(),
                        title: String::new(),
                        x_label: String::new(),
                        y_label: String::new(),
                        elements: 1,
                        has_png: true,
                    }],
                    chart_count: 1,
                }),
            ),
        ];
        let git_cases = [
            (
                labels(),
                SetSandboxLabels::output_json([("k".to_string(), "v".to_string())].into()).unwrap(),
            ),
            (
                preview_url(),
                full(Preview {
                    sandbox_id: "s".into(),
                    port: 3000,
                    url: Secret::new("https://3000-t.example"),
                    token: Secret::new("t"),
                    signed: true,
                    expires_at: Some("2030-01-01T00:00:00.000Z".into()),
                    header: None,
                    note: "n".into(),
                }),
            ),
            (
                preview_expired(),
                full(Expired {
                    sandbox: "s".into(),
                    port: 3000,
                }),
            ),
            (
                git_cloned(),
                full(Cloned {
                    path: "p".into(),
                    url: "u".into(),
                }),
            ),
            (
                git_status(),
                full(Status {
                    current_branch: "main".into(),
                    ahead: 0,
                    behind: 0,
                    branch_published: true,
                    file_status: vec![FileStatus::default()],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                git_staged(),
                GitAdd::output_json(("p".into(), vec![".".into()])).unwrap(),
            ),
            (git_committed(), GitCommit::output_json("h".into()).unwrap()),
            (
                git_branches(),
                full(Branches {
                    branches: vec!["main".into()],
                    truncated: false,
                    total: 1,
                }),
            ),
            (
                git_branch(),
                GitCheckout::output_json(("p".into(), "b".into())).unwrap(),
            ),
            (
                git_log(),
                full(Log {
                    commits: vec![GitCommitInfo::default()],
                    truncated: false,
                }),
            ),
        ];
        for (schema, value) in cases.into_iter().chain(git_cases) {
            fits(&schema, &value, "result");
            // And nothing described is never carried: a renamed field fails one way or the other.
            if let (Some(props), Some(map)) = (schema["properties"].as_object(), value.as_object())
            {
                for k in props.keys() {
                    assert!(
                        map.contains_key(k) || k == "hint" || k == "status",
                        "{k} is described but not carried"
                    );
                }
            }
        }
    }
}
