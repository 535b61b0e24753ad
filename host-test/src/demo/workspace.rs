//! The sandbox steps: create one, write and read a file, run a command, clone a
//! repository and commit (the emulator backs git with the real one); at the
//! end, errors as a user sees them and the clean-up.

use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;

use super::sb;
use super::story::{Refused, Shows, Story, field};
use crate::CallConfig;
use crate::emulator::Emulator;
use crate::emulator::testing::try_bare_repo;

/// A sandbox, its files, a command, and a commit in a cloned repository.
pub(super) async fn files_and_git(
    s: &mut Story<'_>,
    emu: &Emulator,
    cfg: &CallConfig,
) -> Result<()> {
    // A sandbox, its files, and git backed by the real git: a repository
    // beside the sandboxes, in the emulator's directory, to clone.
    let create = json!({ "name": "demo", "labels": { "purpose": "demo" } });
    let hello = json!({ "path": "hello.txt", "content": "hello from the agent\n" });
    s.steps(
        cfg,
        vec![
            (
                "create a sandbox",
                "create_sandbox",
                create,
                Shows(|v| format!("{} [{}]", field(v, "name"), field(v, "state"))),
            ),
            (
                "write a file",
                "write_file",
                sb(hello),
                Shows(|_| "hello.txt written".into()),
            ),
            (
                "read it back",
                "read_file",
                sb(json!({ "path": "hello.txt" })),
                Shows(|v| format!("{:?}", field(v, "content"))),
            ),
            (
                "run a command",
                "execute_command",
                sb(json!({ "command": "echo hello; uname -s" })),
                Shows(|v| format!("exit {}: {:?}", v["exitCode"], field(v, "result"))),
            ),
        ],
    )
    .await?;
    let root = emu
        .sandbox_dir("demo")
        .and_then(|d| d.parent().map(Path::to_path_buf))
        .context("the emulator keeps no sandbox directory")?;
    let url = try_bare_repo(&root)?.to_string_lossy().into_owned();
    let notes = json!({ "path": "repo/notes.txt", "content": "status: DONE\n" });
    let commit = json!({ "path": "repo", "message": "Add notes", "author": "Agent", "email": "agent@example.com" });
    s.steps(
        cfg,
        vec![
            (
                "clone a repository",
                "git_clone",
                sb(json!({ "url": url, "path": "repo" })),
                Shows(|_| "origin.git -> repo".into()),
            ),
            (
                "change a file",
                "write_file",
                sb(notes),
                Shows(|_| "repo/notes.txt written".into()),
            ),
            (
                "stage it",
                "git_add",
                sb(json!({ "path": "repo", "files": ["notes.txt"] })),
                Shows(|_| "notes.txt staged".into()),
            ),
            (
                "commit",
                "git_commit",
                sb(commit),
                Shows(|v| {
                    format!(
                        "commit {}",
                        field(v, "hash").chars().take(10).collect::<String>()
                    )
                }),
            ),
            (
                "read the log",
                "git_log",
                sb(json!({ "path": "repo" })),
                Shows(|v| {
                    let commits = v["commits"].as_array().cloned().unwrap_or_default();
                    let subjects: Vec<_> = commits
                        .iter()
                        .map(|c| field(c, "message").trim().to_string())
                        .collect();
                    format!("{} commits: {}", commits.len(), subjects.join(", "))
                }),
            ),
        ],
    )
    .await?;
    Ok(())
}

/// A command refused in a stopped sandbox, a typo not found, and the clean-up.
pub(super) async fn errors_and_cleanup(s: &mut Story<'_>, cfg: &CallConfig) -> Result<()> {
    s.steps(
        cfg,
        vec![
            (
                "stop the sandbox",
                "stop_sandbox",
                sb(json!({})),
                Shows(|v| format!("[{}]", field(v, "state"))),
            ),
            (
                "run a command in it",
                "execute_command",
                sb(json!({ "command": "echo hello" })),
                Refused("conflict"),
            ),
            (
                "delete the sandbox",
                "delete_sandbox",
                sb(json!({})),
                Shows(|_| "deleted".into()),
            ),
            (
                "look up a typo",
                "get_sandbox",
                json!({ "sandbox": "dmeo" }),
                Refused("not-found"),
            ),
        ],
    )
    .await?;
    Ok(())
}
