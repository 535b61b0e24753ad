//! The git operations but the log: clone, status, add, commit, push and
//! pull, branches.

use super::super::toolbox::{Toolbox, bounded, check_path, shown};
use super::checks::{Credentials, check_commit_id, check_ref, check_text, check_url};
use super::explain::{Op, request};
use super::{MAX_ADD_FILES, MAX_MESSAGE_BYTES};
use crate::error::Error;
use crate::http::{Client, Method, Request, Transport};
use crate::models::git::{
    FileStatus, GitAddRequest, GitBranchRequest, GitCheckoutRequest, GitCloneRequest,
    GitCommitRequest, GitCommitResponse, GitRepoRequest, GitStatus, ListBranchResponse,
};
use crate::secret::Secret;
use serde::Serialize;

/// A clone's arguments.
#[derive(Debug, Clone, Copy)]
pub struct CloneSpec<'a> {
    /// The repository.
    pub url: &'a str,
    /// Where to clone it.
    pub path: &'a str,
    /// The branch to check out.
    pub branch: Option<&'a str>,
    /// The commit to check out.
    pub commit_id: Option<&'a str>,
    /// Credentials for the remote.
    pub credentials: Credentials<'a>,
}

/// What `git_clone` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cloned {
    /// Where the repository now is (as given).
    pub path: String,
    /// What was cloned.
    pub url: String,
}

/// Send a JSON body, the answer waited for as long as the call allows
/// (clones, pushes and pulls take what the network takes).
fn send_remote<T: Transport>(client: &Client<T>, req: Request) -> Result<(), Error> {
    client.send(&req.timeout(client.call_left())).map(|_| ())
}

/// Clone a repository into `spec.path`.
pub fn clone<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    spec: &CloneSpec,
) -> Result<Cloned, Error> {
    check_url(spec.url)?;
    check_path("path", spec.path)?;
    if let Some(branch) = spec.branch {
        check_ref("branch", branch)?;
    }
    if let Some(id) = spec.commit_id {
        check_commit_id(id)?;
    }
    spec.credentials.check()?;
    let tb = Toolbox::open(client, sandbox)?;
    let what = format!(
        "clone '{}' into '{}' in sandbox '{}'",
        shown(spec.url),
        shown(spec.path),
        tb.name
    );
    let body = GitCloneRequest {
        url: spec.url,
        path: spec.path,
        branch: spec.branch,
        commit_id: spec.commit_id,
        username: spec.credentials.username.map(Secret::expose),
        password: spec.credentials.password.map(Secret::expose),
    };
    let req = request(&tb, Method::Post, "/git/clone", what, Op::Clone);
    let req = spec.credentials.carried_by(req).json(&body)?;
    send_remote(client, req)?;
    Ok(Cloned {
        path: spec.path.to_string(),
        url: spec.url.to_string(),
    })
}

/// A repository's state, its changed files bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The branch checked out (`HEAD` when detached).
    pub current_branch: String,
    /// Commits on the branch that its upstream lacks.
    pub ahead: u32,
    /// Commits on the upstream that the branch lacks.
    pub behind: u32,
    /// Whether the branch has an upstream.
    pub branch_published: bool,
    /// The changed files kept.
    pub file_status: Vec<FileStatus>,
    /// Whether files were left out to stay within the output limit.
    pub truncated: bool,
    /// How many files changed.
    pub total: u64,
}

/// A GET of `route` about the repository at `path` (already checked): the
/// request `status`, `branches` and `log` read with.
pub(super) fn get<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    route: &str,
    action: &str,
    path: &str,
    op: Op,
) -> Result<Request, Error> {
    let tb = Toolbox::open(client, sandbox)?;
    Ok(request(&tb, Method::Get, route, tb.what(action, path), op).query("path", path))
}

/// The state of the repository at `path`.
pub fn status<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
) -> Result<Status, Error> {
    check_path("path", path)?;
    let req = get(
        client,
        sandbox,
        "/git/status",
        "get git status of",
        path,
        Op::Status,
    )?;
    let status: GitStatus = client.json(&req)?;
    let (file_status, truncated, total) = bounded(status.file_status, client.config.output_limit);
    Ok(Status {
        current_branch: status.current_branch,
        ahead: status.ahead,
        behind: status.behind,
        branch_published: status.branch_published,
        file_status,
        truncated,
        total,
    })
}

/// Stage `files` (relative to the repository; `.` for everything).
pub fn add<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    files: &[String],
) -> Result<(), Error> {
    check_path("path", path)?;
    if files.is_empty() || files.len() > MAX_ADD_FILES {
        return Err(
            Error::invalid_input(format!("`files` must name 1 to {MAX_ADD_FILES} files"))
                .with_hint("pass [\".\"] to stage every change"),
        );
    }
    for file in files {
        check_path("files", file)?;
    }
    let tb = Toolbox::open(client, sandbox)?;
    let what = format!(
        "stage {} file(s) in '{}' in sandbox '{}'",
        files.len(),
        shown(path),
        tb.name
    );
    let req = request(&tb, Method::Post, "/git/add", what, Op::Add)
        .idempotent(true)
        .json(&GitAddRequest { path, files })?;
    client.send(&req).map(|_| ())
}

/// A commit's arguments.
#[derive(Debug, Clone, Copy)]
pub struct CommitSpec<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The message.
    pub message: &'a str,
    /// The author's name.
    pub author: &'a str,
    /// The author's email.
    pub email: &'a str,
    /// Whether a commit with no changes is allowed.
    pub allow_empty: Option<bool>,
}

/// Commit what is staged; the new commit's hash.
pub fn commit<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    spec: &CommitSpec,
) -> Result<String, Error> {
    check_path("path", spec.path)?;
    if spec.message.trim().is_empty()
        || spec.message.len() > MAX_MESSAGE_BYTES
        || spec.message.contains('\0')
    {
        return Err(Error::invalid_input(format!(
            "`message` must be 1 to {MAX_MESSAGE_BYTES} bytes, not only spaces, without NUL"
        )));
    }
    for (field, value) in [("author", spec.author), ("email", spec.email)] {
        if value.trim().is_empty() {
            return Err(Error::invalid_input(format!("`{field}` must not be empty")));
        }
        check_text(field, value, false)?;
    }
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Post,
        "/git/commit",
        tb.what("commit in", spec.path),
        Op::Commit,
    )
    .json(&GitCommitRequest {
        path: spec.path,
        message: spec.message,
        author: spec.author,
        email: spec.email,
        allow_empty: spec.allow_empty,
    })?;
    let answer: GitCommitResponse = client.json(&req)?;
    Ok(answer.hash)
}

/// Push the current branch to its remote.
pub fn push<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    credentials: Credentials,
) -> Result<(), Error> {
    sync(client, sandbox, path, credentials, Op::Push)
}

/// Pull the current branch from its remote.
pub fn pull<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    credentials: Credentials,
) -> Result<(), Error> {
    sync(client, sandbox, path, credentials, Op::Pull)
}

fn sync<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    credentials: Credentials,
    op: Op,
) -> Result<(), Error> {
    check_path("path", path)?;
    credentials.check()?;
    let tb = Toolbox::open(client, sandbox)?;
    let (route, action) = match op {
        Op::Push => ("/git/push", "push"),
        _ => ("/git/pull", "pull"),
    };
    let body = GitRepoRequest {
        path,
        username: credentials.username.map(Secret::expose),
        password: credentials.password.map(Secret::expose),
    };
    let req = request(&tb, Method::Post, route, tb.what(action, path), op);
    let req = credentials.carried_by(req).json(&body)?;
    send_remote(client, req)
}

/// Local branches, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Branches {
    /// The branch names kept.
    pub branches: Vec<String>,
    /// Whether names were left out to stay within the output limit.
    pub truncated: bool,
    /// How many local branches there are.
    pub total: u64,
}

/// The local branches of the repository at `path`.
pub fn branches<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
) -> Result<Branches, Error> {
    check_path("path", path)?;
    let req = get(
        client,
        sandbox,
        "/git/branches",
        "list branches of",
        path,
        Op::Branches,
    )?;
    let answer: ListBranchResponse = client.json(&req)?;
    let (branches, truncated, total) = bounded(answer.branches, client.config.output_limit);
    Ok(Branches {
        branches,
        truncated,
        total,
    })
}

/// Create branch `name` at the current commit (the toolbox also checks it out).
pub fn create_branch<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    name: &str,
) -> Result<(), Error> {
    check_path("path", path)?;
    check_ref("name", name)?;
    let tb = Toolbox::open(client, sandbox)?;
    let what = format!(
        "create branch '{}' in '{}' in sandbox '{}'",
        shown(name),
        shown(path),
        tb.name
    );
    let req = request(&tb, Method::Post, "/git/branches", what, Op::CreateBranch)
        .json(&GitBranchRequest { path, name })?;
    client.send(&req).map(|_| ())
}

/// Check out `branch` (or a commit).
pub fn checkout<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    branch: &str,
) -> Result<(), Error> {
    check_path("path", path)?;
    check_ref("branch", branch)?;
    let tb = Toolbox::open(client, sandbox)?;
    let what = format!(
        "check out '{}' in '{}' in sandbox '{}'",
        shown(branch),
        shown(path),
        tb.name
    );
    let req = request(&tb, Method::Post, "/git/checkout", what, Op::Checkout)
        .idempotent(true)
        .json(&GitCheckoutRequest { path, branch })?;
    client.send(&req).map(|_| ())
}
