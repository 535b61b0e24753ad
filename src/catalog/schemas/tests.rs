use super::*;
use crate::api::execute::Outcome;
use crate::api::files::{Download, Found, Listing, Searched, Text, Written};
use crate::api::git::{Branches, Cloned, Log, Status};
use crate::api::preview::{Expired, Preview};
use crate::api::sessions::{ChartInfo, CodeRun, CommandOutput, SessionInfo, SessionList};
use crate::catalog::Contract;
use crate::catalog::ephemeral_tools::RevokedKey;
use crate::catalog::file_tools::{DeleteFile, MoveFile, ReplaceInFiles};
use crate::catalog::git_tools::{GitAdd, GitCheckout, GitCommit};
use crate::catalog::key_tools::Deleted;
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
        if let (Some(props), Some(map)) = (schema["properties"].as_object(), value.as_object()) {
            for k in props.keys() {
                assert!(
                    map.contains_key(k) || k == "hint" || k == "status",
                    "{k} is described but not carried"
                );
            }
        }
    }
}
