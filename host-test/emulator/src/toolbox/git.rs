//! The toolbox's git routes, run by the real `git` in the sandbox's directory.
//!
//! | route (under `/toolbox/{sandboxId}`) | answer |
//! |---|---|
//! | `POST /git/clone` `{url, path, branch?, commit_id?, depth?, username?, password?}` | 200 |
//! | `GET /git/status?path=` | 200 `GitStatus{currentBranch, fileStatus[{name, staging, worktree, extra}], ahead, behind, branchPublished, upstream, detached}` |
//! | `POST /git/add` `{path, files}` | 200 |
//! | `POST /git/commit` `{path, message, author, email, allow_empty?}` | 200 `{hash}` |
//! | `GET /git/history?path=` | 200 `[GitCommitInfo{hash, author, email, message, timestamp}]`, newest first |
//! | `GET /git/branches?path=` | 200 `{branches}` (local) |
//! | `POST /git/branches` `{path, name}` | 201; the new branch is checked out, as the daemon's go-git `Checkout{Create}` does |
//! | `DELETE /git/branches` `{path, name}` | 204 |
//! | `POST /git/checkout` `{path, branch}` | 200 |
//! | `POST /git/push`, `POST /git/pull` `{path, remote?, branch?, username?, password?, set_upstream?}` | 200 |
//!
//! `git` runs with a clean environment (`GIT_CONFIG_GLOBAL=/dev/null`, `GIT_CONFIG_NOSYSTEM=1`,
//! `GIT_TERMINAL_PROMPT=0`, `HOME` the sandbox directory; `GIT_OPTIONAL_LOCKS=0`, so that a
//! status, like the daemon's go-git one, never rewrites the index). Credentials reach git through a
//! credential helper reading the environment, never the command line, and are scrubbed from
//! every message. Errors follow the daemon's classification: 401 `GIT_AUTH_FAILED`, 404
//! `GIT_REPO_NOT_FOUND` / `GIT_BRANCH_NOT_FOUND`, 409 `GIT_BRANCH_EXISTS` /
//! `GIT_PUSH_REJECTED` / `GIT_DIRTY_WORKTREE` / `GIT_MERGE_CONFLICT`, 400 otherwise.
//!
//! Emulated credentials: a local repository (a path or `file://` URL) whose git config sets
//! `daytona-emulator.password` (and optionally `daytona-emulator.username`) only lets clone,
//! pull and push through with that username and password; otherwise 401 `GIT_AUTH_FAILED`,
//! as a private HTTPS remote would answer.

use std::path::{Path as FsPath, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::errors::ApiError;
use super::super::query::Query;
use super::common::{Call, Target, bad_request, internal, parse_body};

/// How long one git command may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(120);

type Res = Result<Response, ApiError>;

/// Credentials for one git command.
#[derive(Clone, Default)]
struct Creds {
    username: Option<String>,
    password: Option<String>,
}

impl Creds {
    /// `text` without the password or any URL's user information.
    fn scrub(&self, text: &str) -> String {
        let text = redact_urls(text);
        match self.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => text.replace(p, "*****"),
            None => text,
        }
    }
}

/// Replaces the user information of every `scheme://user:secret@host` with `*****`.
fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest
            .find(|c: char| c == '/' || c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push_str("*****");
            rest = &rest[at..];
        }
    }
    out.push_str(rest);
    out
}

struct GitOutput {
    success: bool,
    stdout: String,
    stderr: String,
}

/// Runs `git args...` in `cwd` with the clean environment.
async fn git(
    t: &Target,
    cwd: &FsPath,
    args: &[&str],
    creds: &Creds,
) -> Result<GitOutput, ApiError> {
    let mut cmd = tokio::process::Command::new("git");
    cmd.env_clear()
        .env(
            "PATH",
            std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into()),
        )
        .env("HOME", &t.home)
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_ASKPASS", "")
        .env("SSH_ASKPASS", "")
        .env("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
        .env("GIT_COMMITTER_NAME", "Daytona")
        .env("GIT_COMMITTER_EMAIL", "daytona@emulator.invalid")
        .env("GIT_AUTHOR_NAME", "Daytona")
        .env("GIT_AUTHOR_EMAIL", "daytona@emulator.invalid")
        .args([
            "-c",
            "credential.helper=",
            "-c",
            "pull.rebase=false",
            "-c",
            "advice.detachedHead=false",
        ]);
    if creds.username.is_some() || creds.password.is_some() {
        cmd.env("DAYTONA_EMU_GIT_USERNAME", creds.username.clone().unwrap_or_default())
            .env("DAYTONA_EMU_GIT_PASSWORD", creds.password.clone().unwrap_or_default())
            .args([
                "-c",
                "credential.helper=!f() { test \"$1\" = get || exit 0; echo \"username=$DAYTONA_EMU_GIT_USERNAME\"; echo \"password=$DAYTONA_EMU_GIT_PASSWORD\"; }; f",
            ]);
    }
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let child = cmd
        .spawn()
        .map_err(|e| internal(format!("cannot run git (is it installed?): {e}")))?;
    match tokio::time::timeout(GIT_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(out)) => Ok(GitOutput {
            success: out.status.success(),
            stdout: creds.scrub(&String::from_utf8_lossy(&out.stdout)),
            stderr: creds.scrub(&String::from_utf8_lossy(&out.stderr)),
        }),
        Ok(Err(e)) => Err(internal(format!("git: {e}"))),
        Err(_) => Err(ApiError::new(StatusCode::REQUEST_TIMEOUT, "git timed out").toolbox()),
    }
}

/// The daemon's classification of a failed git command.
fn classify(op: &str, stderr: &str) -> ApiError {
    let text = stderr.trim();
    let lower = text.to_ascii_lowercase();
    let message = format!("git {op} failed: {text}");
    let has = |needles: &[&str]| needles.iter().any(|n| lower.contains(n));
    let (status, code) = if has(&[
        "authentication failed",
        "could not read username",
        "could not read password",
        "terminal prompts disabled",
        "invalid username or password",
        "permission denied (publickey",
    ]) {
        (StatusCode::UNAUTHORIZED, "GIT_AUTH_FAILED")
    } else if has(&["already exists and is not an empty directory"]) {
        (StatusCode::CONFLICT, "CONFLICT")
    } else if has(&["[rejected]", "non-fast-forward", "failed to push some refs"]) {
        (StatusCode::CONFLICT, "GIT_PUSH_REJECTED")
    } else if has(&[
        "would be overwritten by",
        "please commit your changes or stash them",
    ]) {
        (StatusCode::CONFLICT, "GIT_DIRTY_WORKTREE")
    } else if has(&["automatic merge failed", "conflict ("]) {
        (StatusCode::CONFLICT, "GIT_MERGE_CONFLICT")
    } else if has(&["a branch named", "already exists"]) {
        (StatusCode::CONFLICT, "GIT_BRANCH_EXISTS")
    } else if has(&[
        "remote branch",
        "did not match any file(s) known to git",
        "invalid reference",
        "couldn't find remote ref",
        "not a valid object name",
        "not found in upstream",
    ]) || (lower.contains("branch '") && lower.contains("not found"))
    {
        (StatusCode::NOT_FOUND, "GIT_BRANCH_NOT_FOUND")
    } else if has(&[
        "not a git repository",
        "does not appear to be a git repository",
        "repository not found",
        "does not exist",
        "not found",
    ]) {
        (StatusCode::NOT_FOUND, "GIT_REPO_NOT_FOUND")
    } else {
        (StatusCode::BAD_REQUEST, "BAD_REQUEST")
    };
    ApiError::new(status, message).with_code(code).toolbox()
}

/// Runs git; a failure becomes the classified error.
async fn git_ok(
    t: &Target,
    cwd: &FsPath,
    op: &str,
    args: &[&str],
    creds: &Creds,
) -> Result<String, ApiError> {
    let out = git(t, cwd, args, creds).await?;
    if out.success {
        Ok(out.stdout)
    } else {
        Err(classify(op, &out.stderr))
    }
}

/// The repository directory of a request: inside the sandbox, and a git work tree.
async fn repo(t: &Target, raw: &str) -> Result<PathBuf, ApiError> {
    let path = t.path(raw)?;
    if !path.is_dir() {
        return Err(
            ApiError::not_found(format!("repository does not exist: {}", path.display()))
                .with_code("GIT_REPO_NOT_FOUND")
                .toolbox(),
        );
    }
    git_ok(
        t,
        &path,
        "open",
        &["rev-parse", "--git-dir"],
        &Creds::default(),
    )
    .await?;
    Ok(path)
}

/// A local repository a URL names (`file://...` or a path), if it exists.
fn local_repo(url: &str) -> Option<PathBuf> {
    let path = if let Some(rest) = url.strip_prefix("file://") {
        PathBuf::from(rest)
    } else if url.contains("://") || (url.contains(':') && !url.starts_with('/')) {
        return None;
    } else {
        PathBuf::from(url)
    };
    path.exists().then_some(path)
}

/// The emulated credential check for a local repository (see the module docs).
async fn check_local_auth(t: &Target, url: &str, creds: &Creds) -> Result<(), ApiError> {
    let Some(repo) = local_repo(url) else {
        return Ok(());
    };
    let get = |key: &'static str| {
        let repo = repo.clone();
        async move {
            let out = git(t, &repo, &["config", "--get", key], &Creds::default())
                .await
                .ok()?;
            out.success
                .then(|| out.stdout.trim_end_matches('\n').to_string())
        }
    };
    let Some(password) = get("daytona-emulator.password").await else {
        return Ok(());
    };
    let username = get("daytona-emulator.username").await;
    let user_ok = username.is_none() || creds.username == username;
    if user_ok && creds.password.as_deref() == Some(password.as_str()) {
        return Ok(());
    }
    let what = if creds.password.is_none() {
        "authentication required"
    } else {
        "invalid username or password"
    };
    let url = redact_urls(url);
    Err(ApiError::unauthorized(format!("{what} for '{url}'"))
        .with_code("GIT_AUTH_FAILED")
        .toolbox())
}

fn required(v: Option<String>, name: &str) -> Result<String, ApiError> {
    v.filter(|s| !s.is_empty())
        .ok_or_else(|| bad_request(format!("{name} is required")))
}

#[derive(Deserialize)]
struct CloneRequest {
    url: Option<String>,
    path: Option<String>,
    branch: Option<String>,
    commit_id: Option<String>,
    depth: Option<u32>,
    username: Option<String>,
    password: Option<String>,
    #[allow(dead_code)]
    insecure_skip_tls: Option<bool>,
}

/// `POST /git/clone`.
pub(crate) async fn clone(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: CloneRequest = parse_body(&body)?;
    let url = required(req.url, "url")?;
    let dest = t.path(&required(req.path, "path")?)?;
    let creds = Creds {
        username: req.username,
        password: req.password,
    };
    check_local_auth(&t, &url, &creds).await?;
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| super::common::io_error("cannot create", parent, &e))?;
    }
    let dest_s = dest.display().to_string();
    let depth = req.depth.map(|d| d.to_string());
    let mut args = vec!["clone", "--quiet"];
    if let Some(b) = req.branch.as_deref().filter(|b| !b.is_empty()) {
        args.extend(["--branch", b]);
    }
    if let Some(d) = depth.as_deref() {
        args.extend(["--depth", d]);
    }
    args.extend(["--", url.as_str(), dest_s.as_str()]);
    git_ok(&t, &t.home, "clone", &args, &creds).await?;
    if let Some(commit) = req.commit_id.as_deref().filter(|c| !c.is_empty()) {
        git_ok(
            &t,
            &dest,
            "checkout",
            &["checkout", "--quiet", commit],
            &creds,
        )
        .await?;
    }
    Ok(StatusCode::OK.into_response())
}

/// The daemon's `Status` names for a porcelain status letter.
fn status_name(c: char) -> &'static str {
    match c {
        '?' => "Untracked",
        'M' | 'T' => "Modified",
        'A' => "Added",
        'D' => "Deleted",
        'R' => "Renamed",
        'C' => "Copied",
        'U' => "Updated but unmerged",
        _ => "Unmodified",
    }
}

/// Parses `git status --porcelain=v1 --branch -z`.
fn parse_status(out: &str) -> Value {
    let mut fields = out.split('\0').filter(|f| !f.is_empty());
    let mut current_branch = String::new();
    let mut upstream: Option<String> = None;
    let (mut ahead, mut behind) = (0i64, 0i64);
    let mut detached = false;
    let mut files = Vec::new();
    while let Some(f) = fields.next() {
        if let Some(head) = f.strip_prefix("## ") {
            let (names, counts) = match head.split_once(" [") {
                Some((n, c)) => (n, c.trim_end_matches(']')),
                None => (head, ""),
            };
            for part in counts.split(", ") {
                if let Some(n) = part.strip_prefix("ahead ") {
                    ahead = n.parse().unwrap_or(0);
                } else if let Some(n) = part.strip_prefix("behind ") {
                    behind = n.parse().unwrap_or(0);
                }
            }
            if let Some(b) = names
                .strip_prefix("No commits yet on ")
                .or_else(|| names.strip_prefix("Initial commit on "))
            {
                current_branch = b.to_string();
            } else if names.starts_with("HEAD (no branch)") {
                detached = true;
                current_branch = "HEAD".into();
            } else if let Some((b, u)) = names.split_once("...") {
                current_branch = b.to_string();
                upstream = Some(u.to_string());
            } else {
                current_branch = names.to_string();
            }
            continue;
        }
        let mut chars = f.chars();
        let (x, y) = (chars.next().unwrap_or(' '), chars.next().unwrap_or(' '));
        let name = f.get(3..).unwrap_or_default().to_string();
        if x == '!' {
            continue;
        }
        let extra = if matches!(x, 'R' | 'C') {
            fields.next().unwrap_or_default().to_string()
        } else {
            String::new()
        };
        files.push(json!({
            "name": name,
            "staging": status_name(x),
            "worktree": status_name(y),
            "extra": extra,
        }));
    }
    json!({
        "currentBranch": current_branch,
        "fileStatus": files,
        "ahead": ahead,
        "behind": behind,
        "branchPublished": upstream.is_some(),
        "upstream": upstream.unwrap_or_default(),
        "detached": detached,
    })
}

fn path_query(raw: &Option<String>) -> Result<String, ApiError> {
    Query::parse(raw.as_deref())
        .get("path")
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .ok_or_else(|| bad_request("path is required"))
}

/// `GET /git/status?path=`.
pub(crate) async fn status(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let dir = repo(&t, &path_query(&raw)?).await?;
    let out = git_ok(
        &t,
        &dir,
        "status",
        &[
            "status",
            "--porcelain=v1",
            "--branch",
            "-z",
            "--untracked-files=all",
        ],
        &Creds::default(),
    )
    .await?;
    Ok(Json(parse_status(&out)).into_response())
}

#[derive(Deserialize)]
struct AddRequest {
    path: Option<String>,
    files: Option<Vec<String>>,
}

/// `POST /git/add`.
pub(crate) async fn add(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: AddRequest = parse_body(&body)?;
    let dir = repo(&t, &required(req.path, "path")?).await?;
    let files = req.files.unwrap_or_default();
    if files.is_empty() {
        return Err(bad_request("files is required"));
    }
    // Each file must lie inside the sandbox (relative ones against the repository).
    let mut resolved = Vec::new();
    for f in &files {
        let p = if FsPath::new(f).is_absolute() {
            t.path(f)?
        } else {
            let joined = dir.join(f);
            t.path(&joined.display().to_string())?
        };
        resolved.push(p.display().to_string());
    }
    let mut args = vec!["add", "-A", "--"];
    args.extend(resolved.iter().map(String::as_str));
    git_ok(&t, &dir, "add", &args, &Creds::default()).await?;
    Ok(StatusCode::OK.into_response())
}

#[derive(Deserialize)]
struct CommitRequest {
    path: Option<String>,
    message: Option<String>,
    author: Option<String>,
    email: Option<String>,
    allow_empty: Option<bool>,
}

/// `POST /git/commit`.
pub(crate) async fn commit(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: CommitRequest = parse_body(&body)?;
    let dir = repo(&t, &required(req.path, "path")?).await?;
    let message = required(req.message, "message")?;
    let author = required(req.author, "author")?;
    let email = required(req.email, "email")?;
    let name_cfg = format!("user.name={author}");
    let email_cfg = format!("user.email={email}");
    let author_arg = format!("{author} <{email}>");
    let mut args = vec![
        "-c",
        name_cfg.as_str(),
        "-c",
        email_cfg.as_str(),
        "commit",
        "--quiet",
        "--no-verify",
        "--author",
        author_arg.as_str(),
        "-m",
        message.as_str(),
    ];
    if req.allow_empty == Some(true) {
        args.push("--allow-empty");
    }
    let out = git(&t, &dir, &args, &Creds::default()).await?;
    if !out.success {
        let text = format!("{}{}", out.stdout, out.stderr);
        if text.contains("nothing to commit") || text.contains("nothing added to commit") {
            return Err(bad_request(
                "git commit failed: cannot create empty commit: clean working tree",
            ));
        }
        return Err(classify("commit", &text));
    }
    let hash = git_ok(
        &t,
        &dir,
        "rev-parse",
        &["rev-parse", "HEAD"],
        &Creds::default(),
    )
    .await?;
    Ok(Json(json!({ "hash": hash.trim() })).into_response())
}

/// `GET /git/history?path=`.
pub(crate) async fn history(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let dir = repo(&t, &path_query(&raw)?).await?;
    let out = git(
        &t,
        &dir,
        &["log", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e"],
        &Creds::default(),
    )
    .await?;
    if !out.success {
        if out.stderr.contains("does not have any commits") {
            return Ok(Json(Vec::<Value>::new()).into_response());
        }
        return Err(classify("log", &out.stderr));
    }
    let commits: Vec<Value> = out
        .stdout
        .split('\x1e')
        .map(|r| r.trim_start_matches('\n'))
        .filter(|r| !r.is_empty())
        .filter_map(|r| {
            let f: Vec<&str> = r.splitn(5, '\x1f').collect();
            (f.len() == 5).then(|| {
                json!({
                    "hash": f[0],
                    "author": f[1],
                    "email": f[2],
                    "timestamp": f[3],
                    "message": f[4].trim_end_matches('\n'),
                })
            })
        })
        .collect();
    Ok(Json(commits).into_response())
}

/// `GET /git/branches?path=`.
pub(crate) async fn list_branches(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let dir = repo(&t, &path_query(&raw)?).await?;
    let out = git_ok(
        &t,
        &dir,
        "branch",
        &["branch", "--list", "--format=%(refname:short)"],
        &Creds::default(),
    )
    .await?;
    let branches: Vec<&str> = out.lines().filter(|l| !l.is_empty()).collect();
    Ok(Json(json!({ "branches": branches })).into_response())
}

#[derive(Deserialize)]
struct BranchRequest {
    path: Option<String>,
    name: Option<String>,
}

fn branch_name(name: Option<String>) -> Result<String, ApiError> {
    let name = required(name, "name")?;
    if name.starts_with('-') {
        return Err(bad_request(format!("invalid branch name {name:?}")));
    }
    Ok(name)
}

/// Runs `git args <branch>` (operation `op`) in the repository at `path`, the branch
/// checked by [`branch_name`]; answers `status`.
async fn on_branch(
    t: &Target,
    path: Option<String>,
    branch: Option<String>,
    op: &str,
    args: &[&str],
    status: StatusCode,
) -> Res {
    let dir = repo(t, &required(path, "path")?).await?;
    let branch = branch_name(branch)?;
    let mut argv = args.to_vec();
    argv.push(&branch);
    git_ok(t, &dir, op, &argv, &Creds::default()).await?;
    Ok(status.into_response())
}

/// `POST /git/branches`.
pub(crate) async fn create_branch(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: BranchRequest = parse_body(&body)?;
    let args = ["checkout", "--quiet", "-b"];
    on_branch(&t, req.path, req.name, "branch", &args, StatusCode::CREATED).await
}

/// `DELETE /git/branches`.
pub(crate) async fn delete_branch(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: BranchRequest = parse_body(&body)?;
    let args = ["branch", "-D"];
    on_branch(
        &t,
        req.path,
        req.name,
        "branch",
        &args,
        StatusCode::NO_CONTENT,
    )
    .await
}

#[derive(Deserialize)]
struct CheckoutRequest {
    path: Option<String>,
    branch: Option<String>,
}

/// `POST /git/checkout`.
pub(crate) async fn checkout(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: CheckoutRequest = parse_body(&body)?;
    let args = ["checkout", "--quiet"];
    on_branch(&t, req.path, req.branch, "checkout", &args, StatusCode::OK).await
}

#[derive(Deserialize)]
struct RemoteRequest {
    path: Option<String>,
    remote: Option<String>,
    branch: Option<String>,
    username: Option<String>,
    password: Option<String>,
    set_upstream: Option<bool>,
}

async fn sync(call: &Call, body: &[u8], push: bool) -> Res {
    let t = call.target()?;
    let req: RemoteRequest = parse_body(body)?;
    let dir = repo(&t, &required(req.path, "path")?).await?;
    let creds = Creds {
        username: req.username,
        password: req.password,
    };
    let remote = req
        .remote
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "origin".into());
    let op = if push { "push" } else { "pull" };
    let url = git_ok(
        &t,
        &dir,
        op,
        &["remote", "get-url", remote.as_str()],
        &Creds::default(),
    )
    .await?;
    check_local_auth(&t, url.trim(), &creds).await?;
    let mut args = vec![op, "--quiet"];
    if push && req.set_upstream == Some(true) {
        args.push("--set-upstream");
    }
    // A push without a branch pushes the current one (to the same name), upstream or not.
    let branch = req
        .branch
        .filter(|b| !b.is_empty())
        .or_else(|| push.then(|| "HEAD".to_string()));
    if let Some(b) = branch.as_deref() {
        args.extend([remote.as_str(), b]);
    }
    git_ok(&t, &dir, op, &args, &creds).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /git/push`.
pub(crate) async fn push(call: Call, body: Bytes) -> Res {
    sync(&call, &body, true).await
}

/// `POST /git/pull`.
pub(crate) async fn pull(call: Call, body: Bytes) -> Res {
    sync(&call, &body, false).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_porcelain_status() {
        let out = "## main...origin/main [ahead 2, behind 1]\0M  a.txt\0?? new.txt\0R  b.txt\0old.txt\0 D gone\0";
        let v = parse_status(out);
        assert_eq!(v["currentBranch"], "main");
        assert_eq!(v["upstream"], "origin/main");
        assert_eq!(v["ahead"], 2);
        assert_eq!(v["behind"], 1);
        assert_eq!(v["branchPublished"], true);
        let files = v["fileStatus"].as_array().unwrap();
        assert_eq!(files.len(), 4);
        assert_eq!(files[0]["staging"], "Modified");
        assert_eq!(files[0]["worktree"], "Unmodified");
        assert_eq!(files[1]["staging"], "Untracked");
        assert_eq!(files[2]["extra"], "old.txt");
        assert_eq!(files[3]["worktree"], "Deleted");
        let v = parse_status("## No commits yet on master\0");
        assert_eq!(v["currentBranch"], "master");
        assert_eq!(v["branchPublished"], false);
    }

    #[test]
    fn secrets_never_reach_messages() {
        let c = Creds {
            username: Some("u".into()),
            password: Some("pw123".into()),
        };
        assert_eq!(
            c.scrub("fatal: unable to access 'https://u:tok@host/r.git/': pw123"),
            "fatal: unable to access 'https://*****@host/r.git/': *****"
        );
        assert_eq!(
            redact_urls("see file:///tmp/x and http://h/p"),
            "see file:///tmp/x and http://h/p"
        );
    }

    #[test]
    fn classifies_like_the_daemon() {
        let e = classify("clone", "fatal: Authentication failed for 'https://x'");
        assert_eq!(
            (e.status.as_u16(), e.code.as_str()),
            (401, "GIT_AUTH_FAILED")
        );
        let e = classify(
            "clone",
            "fatal: '/nope' does not appear to be a git repository",
        );
        assert_eq!(e.code, "GIT_REPO_NOT_FOUND");
        let e = classify(
            "checkout",
            "error: pathspec 'x' did not match any file(s) known to git",
        );
        assert_eq!(e.code, "GIT_BRANCH_NOT_FOUND");
        let e = classify("branch", "fatal: a branch named 'x' already exists");
        assert_eq!(e.code, "GIT_BRANCH_EXISTS");
        let e = classify("push", " ! [rejected]        main -> main (fetch first)");
        assert_eq!(e.code, "GIT_PUSH_REJECTED");
    }
}
