//! JSON Schemas of tool results, for hosts that declare an `outputSchema`
//! (MCP requires `structuredContent` to conform to it). They describe every
//! field the serde models in [`crate::models`], [`crate::api`] and
//! [`crate::keys`] serialize, closed (`additionalProperties: false`) and with
//! every always-present field required, so a renamed field fails: here
//! against the models, end to end against real results.
//!
//! Each schema is JSON text (data in the component, not code that builds it),
//! written without what every object shares: [`schema`] closes each object
//! that has `properties` (`"type": "object"`, `"additionalProperties": false`)
//! and requires every property but those it lists under `"optional"`.
//! [`json_text!`] drops the layout whitespace at compile time.

use serde_json::Value;

/// A string literal of JSON without the whitespace between tokens, computed
/// at compile time (the literal itself is not kept in the binary).
macro_rules! json_text {
    ($text:literal) => {{
        const BYTES: [u8; minified_len($text)] = minify($text);
        const TEXT: &str = match core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("not UTF-8"),
        };
        TEXT
    }};
}

/// How many bytes [`minify`] keeps of `text`.
const fn minified_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut len, mut quoted, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if quoted || !b.is_ascii_whitespace() {
            len += 1;
        }
        (quoted, escaped) = string_state(b, quoted, escaped);
        i += 1;
    }
    len
}

/// `text` without the whitespace outside its JSON strings.
const fn minify<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut len, mut quoted, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if quoted || !b.is_ascii_whitespace() {
            out[len] = b;
            len += 1;
        }
        (quoted, escaped) = string_state(b, quoted, escaped);
        i += 1;
    }
    out
}

/// Whether the text after byte `b` is inside a JSON string, and escaped.
const fn string_state(b: u8, quoted: bool, escaped: bool) -> (bool, bool) {
    match (quoted, escaped, b) {
        (true, true, _) => (true, false),
        (true, false, b'\\') => (true, true),
        (true, false, b'"') | (false, _, b'"') => (!quoted, false),
        _ => (quoted, false),
    }
}

/// The schema `text` describes, every object in it closed (see the module doc).
fn schema(text: &str) -> Value {
    // `from_slice`: the one parser instance (see `Args::parse`).
    let mut schema = serde_json::from_slice(text.as_bytes()).unwrap_or_default();
    close(&mut schema);
    schema
}

fn close(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let optional = map.remove("optional").unwrap_or_default();
            if let Some(Value::Object(properties)) = map.get("properties") {
                let optional = optional.as_array().map_or(&[][..], Vec::as_slice);
                let required: Vec<Value> = properties
                    .keys()
                    .filter(|k| !optional.iter().any(|o| o == k.as_str()))
                    .map(|k| Value::String(k.clone()))
                    .collect();
                map.insert("type".into(), "object".into());
                map.insert("required".into(), required.into());
                map.insert("additionalProperties".into(), false.into());
            }
            map.values_mut().for_each(close);
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// `outer` with `inner` (a schema another result has too) at the JSON pointer `at`.
fn nest(mut outer: Value, at: &str, inner: Value) -> Value {
    if let Some(slot) = outer.pointer_mut(at) {
        *slot = inner;
    }
    outer
}

/// A sandbox, as `get_sandbox` and the lifecycle tools return it.
pub fn sandbox() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "id": { "type": "string" },
                "name": { "type": "string" },
                "organizationId": { "type": "string" },
                "state": {
                    "type": "string",
                    "description": "creating, started, stopping, stopped, error, ...; newer values pass through"
                },
                "desiredState": { "type": ["string", "null"] },
                "errorReason": { "type": ["string", "null"] },
                "snapshot": { "type": ["string", "null"] },
                "user": { "type": "string" },
                "target": { "type": "string" },
                "cpu": { "type": "integer", "minimum": 0 },
                "gpu": { "type": "integer", "minimum": 0 },
                "memory": { "type": "integer", "minimum": 0 },
                "disk": { "type": "integer", "minimum": 0 },
                "public": { "type": "boolean" },
                "labels": { "type": "object", "additionalProperties": { "type": "string" } },
                "autoStopInterval": { "type": ["integer", "null"] },
                "autoArchiveInterval": { "type": ["integer", "null"] },
                "autoDeleteInterval": { "type": ["integer", "null"] },
                "networkBlockAll": { "type": "boolean" },
                "networkAllowList": { "type": ["string", "null"] },
                "toolboxProxyUrl": { "type": ["string", "null"] },
                "createdAt": { "type": ["string", "null"] },
                "updatedAt": { "type": ["string", "null"] }
            }
        }"#
    ))
}

/// `list_sandboxes`.
pub fn sandbox_list() -> Value {
    let schema = schema(json_text!(
        r#"{ "properties": { "sandboxes": { "type": "array", "items": null } } }"#
    ));
    nest(schema, "/properties/sandboxes/items", sandbox())
}

/// `execute_command`.
pub fn execution() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "exitCode": { "type": "integer", "description": "-1 when the command could not start" },
                "result": { "type": "string", "description": "stdout and stderr, merged, possibly cut" },
                "truncated": { "type": "boolean" },
                "resultLength": { "type": "integer", "description": "bytes of the whole output", "minimum": 0 }
            }
        }"#
    ))
}

/// `list_snapshots`.
pub fn snapshot_list() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "snapshots": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "id": { "type": "string" },
                            "name": { "type": "string" },
                            "state": { "type": "string" },
                            "general": { "type": "boolean" },
                            "imageName": { "type": ["string", "null"] },
                            "cpu": { "type": "number" },
                            "gpu": { "type": "number" },
                            "mem": { "type": "number" },
                            "disk": { "type": "number" },
                            "size": { "type": ["number", "null"] },
                            "errorReason": { "type": ["string", "null"] },
                            "createdAt": { "type": ["string", "null"] }
                        }
                    }
                }
            }
        }"#
    ))
}

/// An API key; `value` is masked except in `create_api_key`'s answer;
/// `organizationId` only when Daytona reports it.
pub fn api_key() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "name": { "type": "string" },
                "value": { "type": "string" },
                "permissions": { "type": "array", "items": { "type": "string" } },
                "createdAt": { "type": "string" },
                "expiresAt": { "type": ["string", "null"] },
                "lastUsedAt": { "type": ["string", "null"] },
                "userId": { "type": ["string", "null"] },
                "organizationId": { "type": "string" }
            },
            "optional": ["organizationId"]
        }"#
    ))
}

/// `list_api_keys`.
pub fn api_key_list() -> Value {
    let schema = schema(json_text!(
        r#"{ "properties": { "apiKeys": { "type": "array", "items": null } } }"#
    ));
    nest(schema, "/properties/apiKeys/items", api_key())
}

/// `delete_api_key`.
pub fn deleted() -> Value {
    schema(json_text!(
        r#"{ "properties": { "deleted": { "type": "string" } } }"#
    ))
}

/// `delete_api_key_for_user`.
pub fn deleted_for_user() -> Value {
    schema(json_text!(
        r#"{ "properties": { "deleted": { "type": "string" }, "userId": { "type": "string" } } }"#
    ))
}

/// `mint_ephemeral_key`.
pub fn minted_key() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "name": { "type": "string" },
                "value": { "type": "string", "description": "the key: shown only here" },
                "scope": { "type": "string" },
                "permissions": { "type": "array", "items": { "type": "string" } },
                "expiresAt": { "type": "string" },
                "holder": { "type": "string" }
            }
        }"#
    ))
}

/// `revoke_ephemeral_key`.
pub fn revoked() -> Value {
    schema(json_text!(
        r#"{
            "properties": { "revoked": { "type": "string" }, "alreadyRevoked": { "type": "boolean" } }
        }"#
    ))
}

/// `list_ephemeral_keys`.
pub fn ephemeral_key_list() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "ephemeralKeys": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "name": { "type": "string" },
                            "holder": { "type": "string" },
                            "permissions": { "type": "array", "items": { "type": "string" } },
                            "expiresAt": { "type": "string" },
                            "expired": { "type": "boolean" }
                        }
                    }
                }
            }
        }"#
    ))
}

/// A failure as `call-tool` and the sweep report describe it.
pub fn error() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "kind": {
                    "type": "string",
                    "enum": [
                        "invalid-input", "unauthorized", "forbidden", "not-found", "conflict",
                        "rate-limited", "timeout", "upstream", "transport", "config"
                    ]
                },
                "message": { "type": "string" },
                "retryable": { "type": "boolean" },
                "hint": { "type": "string" },
                "status": { "type": "integer" }
            },
            "optional": ["hint", "status"]
        }"#
    ))
}

/// `revoke_expired_keys`.
pub fn sweep_report() -> Value {
    let schema = schema(json_text!(
        r#"{
            "properties": {
                "revoked": { "type": "array", "items": { "type": "string" } },
                "failed": {
                    "type": "array",
                    "items": { "properties": { "name": { "type": "string" }, "error": null } }
                }
            }
        }"#
    ));
    nest(schema, "/properties/failed/items/properties/error", error())
}

/// A file or directory, as `get_file_info` and `list_files` return it.
pub fn file_info() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "name": { "type": "string" },
                "isDir": { "type": "boolean" },
                "size": { "type": "integer", "minimum": 0 },
                "mode": { "type": "string", "description": "e.g. -rw-r--r--" },
                "permissions": { "type": "string", "description": "octal, e.g. 0644" },
                "owner": { "type": "string" },
                "group": { "type": "string" },
                "modifiedAt": { "type": "string", "description": "RFC 3339" }
            }
        }"#
    ))
}

/// `list_files`.
pub fn file_listing() -> Value {
    let schema = schema(json_text!(
        r#"{
            "properties": {
                "files": { "type": "array", "items": null },
                "truncated": {
                    "type": "boolean",
                    "description": "whether entries were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ));
    nest(schema, "/properties/files/items", file_info())
}

/// `read_file`.
pub fn file_text() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "content": { "type": "string", "description": "the lines shown, with their line endings" },
                "startLine": { "type": "integer", "minimum": 1 },
                "endLine": {
                    "type": "integer",
                    "description": "the last line shown; startLine - 1 when none is",
                    "minimum": 0
                },
                "truncated": {
                    "type": "boolean",
                    "description": "whether lines after endLine were left out to stay within the output limit"
                },
                "size": { "type": "integer", "description": "the file's size in bytes", "minimum": 0 }
            }
        }"#
    ))
}

/// `download_file`.
pub fn file_download() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "contentBase64": { "type": "string", "description": "the bytes, standard base64 with padding" },
                "truncated": { "type": "boolean", "description": "whether only the first bytes are given" },
                "size": { "type": "integer", "description": "the file's size in bytes", "minimum": 0 }
            }
        }"#
    ))
}

/// `write_file`.
pub fn file_written() -> Value {
    schema(json_text!(
        r#"{
            "properties": { "path": { "type": "string" }, "bytes": { "type": "integer", "minimum": 0 } }
        }"#
    ))
}

/// `delete_file`, `create_folder`, `git_push` and `git_pull`.
pub fn file_path() -> Value {
    schema(json_text!(
        r#"{ "properties": { "path": { "type": "string" } } }"#
    ))
}

/// `move_file`.
pub fn file_moved() -> Value {
    schema(json_text!(
        r#"{ "properties": { "source": { "type": "string" }, "destination": { "type": "string" } } }"#
    ))
}

/// `find_in_files`.
pub fn file_matches() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "matches": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "file": { "type": "string" },
                            "line": { "type": "integer", "minimum": 1 },
                            "content": { "type": "string" }
                        }
                    }
                },
                "truncated": {
                    "type": "boolean",
                    "description": "whether matches were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `search_files`.
pub fn file_names() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "files": { "type": "array", "items": { "type": "string" } },
                "truncated": {
                    "type": "boolean",
                    "description": "whether paths were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `replace_in_files`.
pub fn file_replacements() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "results": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "file": { "type": "string" },
                            "success": { "type": "boolean" },
                            "error": { "type": "string" }
                        },
                        "optional": ["error"]
                    }
                }
            }
        }"#
    ))
}

/// `create_session` and `delete_session`.
pub fn session_id() -> Value {
    schema(json_text!(
        r#"{ "properties": { "sessionId": { "type": "string" } } }"#
    ))
}

/// `run_session_command` and `get_session_command_logs`.
pub fn command_output() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "commandId": { "type": "string", "description": "for get_session_command_logs" },
                "exitCode": {
                    "type": ["integer", "null"],
                    "description": "null while the command runs (always with async)"
                },
                "stdout": { "type": "string" },
                "stderr": { "type": "string" },
                "truncated": {
                    "type": "boolean",
                    "description": "whether output was left out: cut to the output limit, or lines before `tail`"
                },
                "outputLength": {
                    "type": "integer",
                    "description": "bytes of stdout and stderr in all",
                    "minimum": 0
                }
            }
        }"#
    ))
}

/// `list_sessions`.
pub fn session_list() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "sessions": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "sessionId": { "type": "string" },
                            "commands": {
                                "type": "array",
                                "description": "the most recent ones, oldest first",
                                "items": {
                                    "properties": {
                                        "id": { "type": "string" },
                                        "command": { "type": "string" },
                                        "exitCode": {
                                            "type": ["integer", "null"],
                                            "description": "null while it runs"
                                        }
                                    }
                                }
                            },
                            "commandCount": { "type": "integer", "minimum": 0 }
                        }
                    }
                },
                "truncated": {
                    "type": "boolean",
                    "description": "whether sessions were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `run_code`.
pub fn code_run() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "exitCode": { "type": "integer", "description": "-1 when the program could not start" },
                "result": { "type": "string", "description": "stdout and stderr, merged, possibly cut" },
                "truncated": { "type": "boolean" },
                "resultLength": { "type": "integer", "description": "bytes of the whole output", "minimum": 0 },
                "charts": {
                    "type": "array",
                    "description": "the first 100 charts drawn",
                    "items": {
                        "properties": {
                            "type": {
                                "type": "string",
                                "description": "line, scatter, bar, pie, box_and_whisker, composite_chart, ..."
                            },
                            "title": { "type": "string" },
                            "xLabel": { "type": "string" },
                            "yLabel": { "type": "string" },
                            "elements": { "type": "integer", "minimum": 0 },
                            "hasPng": {
                                "type": "boolean",
                                "description": "whether Daytona rendered an image (not returned)"
                            }
                        }
                    }
                },
                "chartCount": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `git_clone`.
pub fn git_cloned() -> Value {
    schema(json_text!(
        r#"{ "properties": { "path": { "type": "string" }, "url": { "type": "string" } } }"#
    ))
}

/// `git_status`.
pub fn git_status() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "currentBranch": { "type": "string", "description": "HEAD when detached" },
                "ahead": { "type": "integer", "description": "commits the upstream lacks", "minimum": 0 },
                "behind": { "type": "integer", "description": "commits the branch lacks", "minimum": 0 },
                "branchPublished": { "type": "boolean", "description": "whether the branch has an upstream" },
                "fileStatus": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "name": { "type": "string", "description": "relative to the repository" },
                            "staging": {
                                "type": "string",
                                "description": "Unmodified, Untracked, Modified, Added, Deleted, Renamed, Copied or Updated but unmerged"
                            },
                            "worktree": {
                                "type": "string",
                                "description": "Unmodified, Untracked, Modified, Added, Deleted, Renamed, Copied or Updated but unmerged"
                            },
                            "extra": {
                                "type": "string",
                                "description": "the original path of a rename or copy"
                            }
                        }
                    }
                },
                "truncated": {
                    "type": "boolean",
                    "description": "whether files were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `git_add`.
pub fn git_staged() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "path": { "type": "string" },
                "files": { "type": "array", "items": { "type": "string" } }
            }
        }"#
    ))
}

/// `git_commit`.
pub fn git_committed() -> Value {
    schema(json_text!(
        r#"{
            "properties": { "hash": { "type": "string", "description": "the new commit's full hash" } }
        }"#
    ))
}

/// `git_branches`.
pub fn git_branches() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "branches": { "type": "array", "items": { "type": "string" } },
                "truncated": {
                    "type": "boolean",
                    "description": "whether branches were left out to stay within the output limit"
                },
                "total": { "type": "integer", "minimum": 0 }
            }
        }"#
    ))
}

/// `git_create_branch` and `git_checkout`.
pub fn git_branch() -> Value {
    schema(json_text!(
        r#"{ "properties": { "path": { "type": "string" }, "branch": { "type": "string" } } }"#
    ))
}

/// `git_log`.
pub fn git_log() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "commits": {
                    "type": "array",
                    "items": {
                        "properties": {
                            "hash": { "type": "string" },
                            "author": { "type": "string" },
                            "email": { "type": "string" },
                            "message": {
                                "type": "string",
                                "description": "cut after 2000 bytes (or a quarter of the output limit), ending in …"
                            },
                            "timestamp": { "type": "string", "description": "RFC 3339" }
                        }
                    }
                },
                "truncated": {
                    "type": "boolean",
                    "description": "whether older commits were left out (the limit, or the output limit)"
                }
            }
        }"#
    ))
}

/// `set_sandbox_labels`.
pub fn labels() -> Value {
    schema(json_text!(
        r#"{
            "properties": { "labels": { "type": "object", "additionalProperties": { "type": "string" } } }
        }"#
    ))
}

/// `get_preview_url`.
pub fn preview_url() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "sandboxId": { "type": "string" },
                "port": { "type": "integer", "minimum": 1, "maximum": 65535 },
                "url": {
                    "type": "string",
                    "description": "a signed URL embeds its token: treat it as a credential"
                },
                "token": {
                    "type": "string",
                    "description": "the signed URL's token (for expire_preview_url), or the sandbox's preview token"
                },
                "signed": { "type": "boolean" },
                "expiresAt": {
                    "type": ["string", "null"],
                    "description": "RFC 3339, when a signed URL stops working; null for the unsigned URL"
                },
                "header": {
                    "type": ["string", "null"],
                    "description": "the header to send `token` in (X-Daytona-Preview-Token); null for a signed URL"
                },
                "note": { "type": "string" }
            }
        }"#
    ))
}

/// `expire_preview_url`.
pub fn preview_expired() -> Value {
    schema(json_text!(
        r#"{
            "properties": {
                "sandbox": { "type": "string" },
                "port": { "type": "integer", "minimum": 1, "maximum": 65535 }
            }
        }"#
    ))
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
    use crate::error::{Error, ErrorKind};
    use crate::keys::sweep::{SweepFailure, SweepReport};
    use crate::keys::{EphemeralKey, MintedKey};
    use crate::models::files::{FileInfo, Match, ReplaceResult};
    use crate::models::git::{FileStatus, GitCommitInfo};
    use crate::models::sessions::Command;
    use crate::models::{ApiKey, Sandbox, Snapshot};
    use crate::secret::Secret;
    use serde_json::json;
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
