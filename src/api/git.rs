//! Git in a started sandbox through its toolbox (`/git/...`). Every argument
//! is checked before anything is sent: the repository `path` like a file
//! path, branch names and commit hashes against git's rules (never an
//! option), and a clone URL against the transports offered; a URL that
//! carries credentials is refused. Git credentials travel only in the body,
//! ride on the request as its secrets ([`Request::secret`]) and so are
//! scrubbed from every error. The toolbox's git errors (its typed `code`s,
//! or the status alone from older daemons) get hints a model can act on.

use super::toolbox::{Toolbox, check_path, keep_within, shown};
use crate::error::Error;
use crate::http::{Client, Method, Request, Transport, When, decode};
use crate::models::git::{
    FileStatus, GitAddRequest, GitBranchRequest, GitCheckoutRequest, GitCloneRequest,
    GitCommitInfo, GitCommitRequest, GitCommitResponse, GitRepoRequest, GitStatus,
    ListBranchResponse,
};
use crate::secret::Secret;
use serde::Serialize;

/// Longest clone URL accepted, in bytes.
pub const MAX_URL_BYTES: usize = 2048;
/// Most files one `git_add` stages by name.
pub const MAX_ADD_FILES: usize = 1000;
/// Commits `git_log` returns unless told otherwise.
pub const DEFAULT_LOG_LIMIT: u32 = 20;
/// Most commits `git_log` returns.
pub const MAX_LOG_LIMIT: u32 = 100;
/// Longest commit message accepted, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;
/// Longest commit message `git_log` shows, in bytes (a quarter of the output
/// limit when that is less); longer ones end in `…`.
pub const MAX_SHOWN_MESSAGE_BYTES: usize = 2000;
/// Longest username, password, author or email accepted, in bytes.
pub const MAX_FIELD_BYTES: usize = 1024;
/// Longest branch name accepted, in bytes.
const MAX_REF_BYTES: usize = 255;

/// The transports a clone URL may name (`scheme://`).
const SCHEMES: &[&str] = &["https", "http", "ssh", "git", "file"];

const REPO_HINT: &str = "`path` must be a git repository's directory (absolute, or relative to the sandbox user's home): list_files shows what is there, git_clone makes one";
const AUTH_NOTE: &str = "The git server refused the git credentials; this is not about the Daytona API key, which was accepted";
const AUTH_HINT: &str = "pass `username` and `password` for a private repository (a token works as the password, e.g. with username 'x-access-token' on GitHub or 'oauth2' on GitLab); if you did, check them and that the token's scope covers this repository (read for clone and pull, write for push)";
const PUSH_REJECTED_HINT: &str =
    "the remote has commits this branch lacks: call git_pull, then git_push again";
const DIRTY_HINT: &str = "uncommitted changes are in the way: git_status lists them; commit them with git_add and git_commit first";

/// What a git request does: chooses the explanations of its failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Clone,
    Status,
    Add,
    Commit,
    Push,
    Pull,
    Branches,
    CreateBranch,
    Checkout,
    Log,
}

impl Op {
    /// Whether it reaches the remote with the caller's credentials.
    fn remote(self) -> bool {
        matches!(self, Op::Clone | Op::Push | Op::Pull)
    }
}

/// A git request to `route`, explained: the operation's own explanations
/// first (by the toolbox's typed code, then by status), then the shared ones.
fn request(tb: &Toolbox, method: Method, route: &str, what: String, op: Op) -> Request {
    let mut req = tb.request(method, route, what);
    if op.remote() {
        req = req
            .explain(
                When::Code("GIT_AUTH_FAILED"),
                Some(AUTH_NOTE.into()),
                AUTH_HINT,
            )
            .explain(When::Status(401), Some(AUTH_NOTE.into()), AUTH_HINT)
            .hint(
                When::Code("GIT_TRANSPORT_FAILED"),
                "the sandbox could not reach the git remote: check the URL, and the sandbox's network access (networkBlockAll, networkAllowList)",
            )
            .hint(
                When::Code("GIT_REMOTE_REJECTED"),
                "the remote refused the update (a protected branch or a server hook): see the remote's rules, or push another branch",
            )
            .hint(
                When::Status(403),
                "the git server refused access with these credentials (check that the token's scope covers this repository), or the Daytona key lacks write:sandboxes, which the toolbox needs",
            );
    }
    req = match op {
        Op::Clone => req
            .hint(
                When::Code("GIT_REPO_NOT_FOUND"),
                "the repository was not found: check `url` (a private repository often answers not-found without credentials: pass `username` and `password`)",
            )
            .hint(
                When::Code("GIT_BRANCH_NOT_FOUND"),
                "the repository has no such branch or commit: check `branch` and `commitId`, or leave them out for the default branch",
            )
            .hint(
                When::Status(404),
                "the repository, branch or commit was not found: check `url`, `branch` and `commitId` (a private repository often answers not-found without credentials)",
            )
            .hint(
                When::Status(409),
                "the destination `path` exists and is not empty: choose another path, or use git_pull in the existing clone",
            ),
        Op::Commit => req.hint(
            When::Status(400),
            "there may be nothing to commit: git_status lists the changes, git_add stages them (or pass allowEmpty: true)",
        ),
        Op::Push => req.hint(When::Status(409), PUSH_REJECTED_HINT),
        Op::Pull => req.hint(
            When::Status(409),
            "local changes or diverged history stop the pull: git_status shows them; commit local changes first",
        ),
        Op::CreateBranch => req.hint(
            When::Status(409),
            "a branch of that name exists: git_checkout it, or choose another name",
        ),
        Op::Checkout => req
            .hint(
                When::Code("GIT_BRANCH_NOT_FOUND"),
                "no such branch or commit here: git_branches lists the local branches (git_pull first for new remote ones)",
            )
            .hint(When::Status(409), DIRTY_HINT),
        Op::Status | Op::Add | Op::Branches | Op::Log => req,
    };
    req.hint(When::Code("GIT_REPO_NOT_FOUND"), REPO_HINT)
        .hint(
            When::Code("GIT_BRANCH_NOT_FOUND"),
            "no such branch: git_branches lists the local branches",
        )
        .hint(
            When::Code("GIT_BRANCH_EXISTS"),
            "a branch of that name exists: git_checkout it, or choose another name",
        )
        .hint(When::Code("GIT_PUSH_REJECTED"), PUSH_REJECTED_HINT)
        .hint(When::Code("GIT_DIRTY_WORKTREE"), DIRTY_HINT)
        .hint(
            When::Code("GIT_MERGE_CONFLICT"),
            "the pull stopped on conflicting changes: git_status lists the files (\"Updated but unmerged\"); fix the conflict markers with read_file and write_file, then git_add and git_commit",
        )
        .hint(When::Status(404), REPO_HINT)
        .hint(
            When::Status(403),
            "the sandbox user may not use this path, or the Daytona key lacks write:sandboxes: choose a path under the user's home",
        )
        .hint(
            When::Status(400),
            "the toolbox refused the request; Daytona's message says why (check `path` and the names given)",
        )
}

/// Check a clone URL: https, http, ssh, git and file URLs, scp-like
/// `user@host:path` and local paths; never one that carries credentials,
/// names another transport (`ext::`), or starts like an option.
pub fn check_url(url: &str) -> Result<(), Error> {
    if url.trim().is_empty() {
        return Err(Error::invalid_input("`url` must not be empty"));
    }
    if url.len() > MAX_URL_BYTES {
        return Err(Error::invalid_input(format!(
            "`url` is {} bytes long; at most {MAX_URL_BYTES} bytes are accepted",
            url.len()
        )));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(
            "`url` contains a control character (NUL, newline, ...), which no repository URL holds",
        ));
    }
    if url.starts_with('-') {
        return Err(Error::invalid_input(
            "`url` starts with '-', which git would read as an option",
        ));
    }
    if has_option_like_part(url) {
        return Err(Error::invalid_input(
            "`url` has a user, host, port or path segment starting with '-', which git or ssh would read as an option",
        )
        .with_hint("check the URL; no host or repository name starts with '-'"));
    }
    let credentials = || {
        Error::invalid_input(
            "`url` carries credentials (user information before '@'); they would be stored in the clone's configuration and could show up in messages",
        )
        .with_hint("pass the URL without them, and the credentials as `username` and `password`")
    };
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(Error::invalid_input(format!(
                "`url` uses the transport '{}', which is not offered",
                shown(&scheme)
            ))
            .with_hint("use an https, http, ssh, git or file URL, or a path"));
        }
        if scheme == "file" {
            return Ok(());
        }
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@') {
            // ssh names its login user there; a password never belongs in a URL.
            let user = &authority[..at];
            if scheme != "ssh" || user.contains(':') {
                return Err(credentials());
            }
        }
        let host = authority
            .rfind('@')
            .map_or(authority, |at| &authority[at + 1..]);
        if host.is_empty() {
            return Err(Error::invalid_input("`url` names no host")
                .with_hint("e.g. https://github.com/owner/repo.git"));
        }
        return Ok(());
    }
    if url.contains("::") {
        return Err(Error::invalid_input(
            "`url` names a remote helper (`transport::address`), which is not offered",
        )
        .with_hint("use an https, http, ssh, git or file URL, or a path"));
    }
    // scp-like `[user@]host:path` (a ':' before any '/'), or a local path.
    let head = &url[..url.find('/').unwrap_or(url.len())];
    if head.contains(':')
        && let Some(at) = head.rfind('@')
        && head[..at].contains(':')
    {
        return Err(credentials());
    }
    Ok(())
}

/// Whether a part of a clone URL that git hands on as an argument (user,
/// host, port, path segment: the text after the scheme split at '/', '@',
/// ':', '[' and ']') starts with '-', or with `%2d`, which git decodes before
/// ssh sees the host (`ssh://-oProxyCommand=.../x` runs a command).
pub fn has_option_like_part(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    url.starts_with('-')
        || rest.split(['/', '@', ':', '[', ']']).any(|part| {
            part.starts_with('-') || part.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%2d"))
        })
}

/// Check a branch name (or, for checkout, a commit hash) against git's
/// reference rules; never empty, never an option.
pub fn check_ref(field: &str, name: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(
            Error::invalid_input(format!("`{field}` is not a valid branch name: {why}"))
                .with_hint("use letters, digits and -_./, e.g. \"feature/login\""),
        )
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > MAX_REF_BYTES {
        return bad("it is longer than 255 bytes");
    }
    if name.starts_with('-') {
        return bad("it starts with '-'");
    }
    if name
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c))
    {
        return bad("it holds a space, a control character or one of ~^:?*[\\");
    }
    if name.contains("..") || name.contains("@{") || name.contains("//") {
        return bad("it holds '..', '@{' or '//'");
    }
    if name.starts_with('/')
        || name.ends_with('/')
        || name.ends_with('.')
        || name.ends_with(".lock")
        || name == "@"
        || name.split('/').any(|part| part.starts_with('.'))
    {
        return bad(
            "it starts or ends with '/', ends with '.' or '.lock', or a part starts with '.'",
        );
    }
    Ok(())
}

/// Check a full commit hash: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub fn check_commit_id(id: &str) -> Result<(), Error> {
    if matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(Error::invalid_input(
        "`commitId` must be a full commit hash: 40 (or 64) hexadecimal digits",
    )
    .with_hint("git_log lists full hashes"))
}

/// Check a short text argument (author, email, username, password): at most
/// [`MAX_FIELD_BYTES`], no control characters. Never quotes the value.
fn check_text(field: &str, value: &str, angle_brackets: bool) -> Result<(), Error> {
    if value.len() > MAX_FIELD_BYTES || value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(format!(
            "`{field}` must be at most {MAX_FIELD_BYTES} bytes without control characters"
        )));
    }
    if !angle_brackets && (value.contains('<') || value.contains('>')) {
        return Err(Error::invalid_input(format!(
            "`{field}` must not contain '<' or '>'"
        )));
    }
    Ok(())
}

/// Git credentials for a remote: both or neither.
#[derive(Debug, Clone, Copy, Default)]
pub struct Credentials<'a> {
    /// The git username (for a token, often any non-empty name).
    pub username: Option<&'a Secret>,
    /// The git password or token.
    pub password: Option<&'a Secret>,
}

impl<'a> Credentials<'a> {
    /// The pair as a tool's arguments carry it.
    pub fn of(username: &'a Option<Secret>, password: &'a Option<Secret>) -> Self {
        Credentials {
            username: username.as_ref(),
            password: password.as_ref(),
        }
    }

    fn check(&self) -> Result<(), Error> {
        match (self.username, self.password) {
            (Some(_), None) | (None, Some(_)) => Err(Error::invalid_input(
                "pass both `username` and `password`, or neither",
            )
            .with_hint("with a token, the token is the password; most hosts accept any username (e.g. 'x-access-token' on GitHub, 'oauth2' on GitLab)")),
            _ => {
                for (field, value) in [("username", self.username), ("password", self.password)] {
                    if let Some(value) = value {
                        if value.expose().is_empty() {
                            return Err(Error::invalid_input(format!(
                                "`{field}` must not be empty"
                            )));
                        }
                        check_text(field, value.expose(), true)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Mark the request as carrying them.
    fn carried_by(&self, req: Request) -> Request {
        req.secret(self.password).secret(self.username)
    }
}

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

/// The state of the repository at `path`.
pub fn status<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
) -> Result<Status, Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Get,
        "/git/status",
        tb.what("get git status of", path),
        Op::Status,
    )
    .query("path", path);
    let status: GitStatus = client.json(&req)?;
    let total = status.file_status.len() as u64;
    let (file_status, truncated) = keep_within(status.file_status, client.config.output_limit);
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
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Get,
        "/git/branches",
        tb.what("list branches of", path),
        Op::Branches,
    )
    .query("path", path);
    let answer: ListBranchResponse = client.json(&req)?;
    let total = answer.branches.len() as u64;
    let (branches, truncated) = keep_within(answer.branches, client.config.output_limit);
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

/// Recent commits, newest first, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Log {
    /// The commits kept.
    pub commits: Vec<GitCommitInfo>,
    /// Whether older commits exist beyond those shown (the limit, or the output limit).
    pub truncated: bool,
}

/// The newest `limit` commits of the current branch.
pub fn log<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    limit: Option<u32>,
) -> Result<Log, Error> {
    check_path("path", path)?;
    let limit = limit.unwrap_or(DEFAULT_LOG_LIMIT);
    if !(1..=MAX_LOG_LIMIT).contains(&limit) {
        return Err(Error::invalid_input(format!(
            "`limit` must be 1 to {MAX_LOG_LIMIT}"
        )));
    }
    let tb = Toolbox::open(client, sandbox)?;
    // The toolbox sends the whole history; a long one is cut by the answer
    // cap, and only its first commits are read.
    let req = request(
        &tb,
        Method::Get,
        "/git/history",
        tb.what("get the history of", path),
        Op::Log,
    )
    .query("path", path)
    .keep_ends();
    let answer = client.send(&req)?;
    let (commits, more) = leading(
        &answer.body,
        answer.cut.is_some(),
        limit as usize,
        &req.what,
    )?;
    // A quarter of the output limit at most, so that one long message never hides the rest.
    let shown = MAX_SHOWN_MESSAGE_BYTES.min(client.config.output_limit / 4);
    let commits: Vec<GitCommitInfo> = commits
        .into_iter()
        .map(|c| GitCommitInfo {
            message: bounded(c.message, shown),
            ..c
        })
        .collect();
    let (commits, cut) = keep_within(commits, client.config.output_limit);
    Ok(Log {
        commits,
        truncated: more || cut,
    })
}

/// `text` cut to at most `max` bytes on a character boundary, ending in `…` when cut.
fn bounded(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The first `limit` items of a JSON array (or `null`), and whether it has
/// more. A `cut` body (its end dropped) yields the items read before the cut.
fn leading(
    body: &[u8],
    cut: bool,
    limit: usize,
    what: &str,
) -> Result<(Vec<GitCommitInfo>, bool), Error> {
    use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};

    struct Leading<'a> {
        kept: &'a mut Vec<serde_json::Value>,
        more: &'a mut bool,
        limit: usize,
    }
    impl<'de> DeserializeSeed<'de> for Leading<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }
    // Any shape but a list or null is refused by one plain error (the caller
    // then reports the whole answer's misfit): serde's default refusals would
    // link its "invalid type" messages, float formatting included.
    fn refuse<E: serde::de::Error>() -> Result<(), E> {
        Err(E::custom("not a list of commits"))
    }
    impl<'de> Visitor<'de> for Leading<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of commits")
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
            refuse()
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
            refuse()
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
            refuse()
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
            refuse()
        }
        fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
            refuse()
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
            refuse()
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while self.kept.len() < self.limit {
                match seq.next_element()? {
                    Some(commit) => self.kept.push(commit),
                    None => return Ok(()),
                }
            }
            // The rest is parsed and dropped: skipping it (`IgnoredAny`)
            // would link serde_json's separate skipping code.
            while seq.next_element::<serde_json::Value>()?.is_some() {
                *self.more = true;
            }
            Ok(())
        }
    }

    let mut kept = Vec::new();
    let mut more = false;
    let mut de = serde_json::Deserializer::from_slice(body);
    let read = Leading {
        kept: &mut kept,
        more: &mut more,
        limit,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end());
    // Commits are read from their parsed values (whose parser is shared with
    // every other answer), so a commit that does not fit is named by its path.
    let commits = |kept| crate::http::read(serde_json::Value::Array(kept), what);
    match read {
        Ok(()) => Ok((commits(kept)?, more)),
        // What was cut held more commits (or the rest of one): keep those read.
        Err(e) if cut && e.is_eof() => Ok((commits(kept)?, true)),
        Err(_) => Err(decode::<Vec<GitCommitInfo>>(body, what)
            .err()
            .unwrap_or_else(|| {
                Error::new(
                    crate::error::ErrorKind::Upstream,
                    format!("{what}: Daytona's answer is not a list of commits"),
                )
            })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::http::testing::{Scripted, config};

    #[test]
    fn clone_urls_of_every_offered_transport_are_accepted() {
        for good in [
            "https://github.com/daytonaio/daytona.git",
            "HTTPS://host:8443/a/b",
            "http://git.local/r",
            "ssh://git@github.com/o/r.git",
            "git://host/r",
            "file:///srv/r.git",
            "git@github.com:o/r.git",
            "/tmp/origin.git",
            "../origin.git",
            "repos/x",
            "https://host/o/r@v1",
        ] {
            assert!(check_url(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn clone_urls_with_credentials_are_refused_without_echoing_them() {
        for bad in [
            "https://alice:hunter22@github.com/o/r.git",
            "https://ghp_tokenvalue@github.com/o/r.git",
            "http://u:p@h/r",
            "git://u@h/r",
            "ssh://git:pw0rd@h/r",
            "alice:hunter22@host:o/r.git",
        ] {
            let err = check_url(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
            assert!(err.message.contains("credentials"), "{bad}: {err}");
            assert!(err.hint.as_deref().unwrap().contains("`password`"));
            for part in ["alice", "hunter22", "ghp_tokenvalue", "pw0rd"] {
                assert!(!err.to_string().contains(part), "{bad}: {err}");
            }
        }
    }

    #[test]
    fn other_transports_controls_options_and_absurd_lengths_are_refused() {
        let long = format!("https://h/{}", "a".repeat(MAX_URL_BYTES));
        for bad in [
            "",
            "  ",
            "ext::sh -c touch% /tmp/pwned",
            "fd::17",
            "ftp://h/r",
            "-uhttps://h/r",
            "--upload-pack=touch /tmp/x",
            "https://h/r\n",
            "https://h/r\0",
            "https://",
            "https://@/x",
            long.as_str(),
        ] {
            let err = check_url(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn no_user_host_port_or_path_segment_may_start_like_an_option() {
        for bad in [
            "ssh://-oProxyCommand=touch%20/tmp/pwned/x",
            "ssh://%2DoProxyCommand=x/r",
            "ssh://-user@host/r",
            "ssh://git@-host/r",
            "ssh://git@host:-22/r",
            "ssh://[-host]:22/r",
            "https://host/-r.git",
            "https://host/o/-r",
            "git://host/%2dr",
            "file:///srv/-r.git",
            "git@-host:o/r.git",
            "-host:o/r.git",
            "git@host:-o/r.git",
            "host:/-r",
            "repos/-x",
            "./-x",
        ] {
            assert!(has_option_like_part(bad), "{bad}");
            let err = check_url(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
        }
        for good in [
            "https://github.com/o/r-x.git",
            "ssh://git@git-host.example:2222/o/r",
            "git@github.com:o/my-repo.git",
            "https://host/o/r?ref=-x",
            "/tmp/a-b/c",
            "ssh://[::1]:22/r",
        ] {
            assert!(!has_option_like_part(good), "{good}");
            assert!(check_url(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn branch_names_follow_gits_rules() {
        for good in [
            "main",
            "feature/login",
            "v1.2",
            "fix-1_2",
            "a/b/c",
            "abc123",
        ] {
            assert!(check_ref("branch", good).is_ok(), "{good}");
        }
        for bad in [
            "", "-f", "--force", "a b", "a..b", "a~1", "a^", "a:b", "a?", "a*", "a[", "a\\b", "/a",
            "a/", "a.", "a.lock", "a//b", ".hidden", "a/.b", "@", "a@{1}", "a\tb",
        ] {
            let err = check_ref("branch", bad).unwrap_err();
            assert!(err.message.starts_with("`branch`"), "{bad:?}: {err}");
        }
        assert!(check_ref("name", &"a".repeat(256)).is_err());
        assert!(check_commit_id(&"a".repeat(40)).is_ok());
        assert!(check_commit_id(&"0F".repeat(32)).is_ok());
        for bad in ["abc1234", "g".repeat(40).as_str(), "-".repeat(40).as_str()] {
            assert!(check_commit_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn credentials_come_in_pairs_and_are_never_quoted() {
        let user = Secret::new("alice");
        let pass = Secret::new("pa\nss-secret");
        let half = Credentials {
            username: Some(&user),
            password: None,
        };
        assert!(half.check().unwrap_err().message.contains("both"));
        let bad = Credentials {
            username: Some(&user),
            password: Some(&pass),
        };
        let err = bad.check().unwrap_err();
        assert!(err.message.contains("`password`"));
        assert!(!format!("{err:?}").contains("ss-secret"));
        assert!(Credentials::default().check().is_ok());
    }

    #[test]
    fn messages_are_bounded_on_a_character() {
        assert_eq!(bounded("short".into(), 10), "short");
        let cut = bounded("é".repeat(10), 5);
        assert_eq!(cut, "éé…");
    }

    #[test]
    fn the_first_commits_are_read_from_a_whole_or_cut_history() {
        let commit = |i: u32| {
            format!(
                r#"{{"hash":"{i:040}","author":"A","email":"a@b","message":"m{i}","timestamp":"t"}}"#
            )
        };
        let all: Vec<String> = (0..5).map(commit).collect();
        let body = format!("[{}]", all.join(","));
        let (kept, more) = leading(body.as_bytes(), false, 3, "log").unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept[2].message, "m2");
        assert!(more);
        let (kept, more) = leading(body.as_bytes(), false, 5, "log").unwrap();
        assert_eq!((kept.len(), more), (5, false));
        // Cut in the middle of the fourth commit.
        let at = body.find("m3").unwrap();
        let (kept, more) = leading(&body.as_bytes()[..at], true, 10, "log").unwrap();
        assert_eq!((kept.len(), more), (3, true));
        // Null and empty are no commits; broken JSON that was not cut is an error.
        assert_eq!(leading(b"null", false, 3, "log").unwrap(), (vec![], false));
        assert_eq!(leading(b"[]", false, 3, "log").unwrap(), (vec![], false));
        let err = leading(&body.as_bytes()[..at], false, 10, "log").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(leading(b"{\"a\":1}", false, 3, "log").is_err());
        for other in [&b"1.5"[..], b"-2", b"true", b"\"x\""] {
            assert!(leading(other, false, 3, "log").is_err());
        }
        // A commit that does not fit is named by its place, also in a cut history.
        let bad = br#"[{"hash":"a"},{"hash":7},{"hash":"#;
        for cut in [false, true] {
            let err = leading(bad, cut, 10, "log").unwrap_err();
            let shape = if cut {
                "`[1].hash`: expected a string"
            } else {
                "Eof error"
            };
            assert!(err.message.contains(shape), "{}", err.message);
        }
    }

    /// A sandbox `box`, started, with a toolbox proxy on the API host.
    fn started(t: &Scripted) {
        t.answer(
            200,
            &[],
            r#"{"id":"sb1","name":"box","state":"started","toolboxProxyUrl":"http://emu/toolbox"}"#,
        );
    }

    #[test]
    fn git_errors_carry_no_credentials_and_say_what_to_do() {
        let cfg = config();
        let t = Scripted::default();
        started(&t);
        t.answer(
            401,
            &[],
            r#"{"statusCode":401,"code":"GIT_AUTH_FAILED","message":"git clone failed: invalid username or password for alice (s3cret-token) at 'https://alice:s3cret-token@h/r.git'"}"#,
        );
        let client = Client::new(&cfg, &t);
        let user = Secret::new("alice");
        let pass = Secret::new("s3cret-token");
        let spec = CloneSpec {
            url: "https://h/r.git",
            path: "r",
            branch: None,
            commit_id: None,
            credentials: Credentials {
                username: Some(&user),
                password: Some(&pass),
            },
        };
        let err = clone(&client, "box", &spec).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("alice"),
            "{shown}"
        );
        assert_eq!(err.kind, ErrorKind::Unauthorized);
        assert!(err.message.contains("git credentials"), "{err}");
        assert!(!err.hint.as_deref().unwrap().contains("DAYTONA_API_KEY"));
        // The body carried them, to the toolbox only.
        let sent = t.sent.borrow();
        let (req, _) = &sent[1];
        assert_eq!(req.url, "http://emu/toolbox/sb1/git/clone");
        let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["password"], "s3cret-token");
        assert_eq!(body["username"], "alice");
        assert!(!format!("{req:?}").contains("s3cret"));
    }

    #[test]
    fn a_409_is_explained_by_its_code_or_by_the_operation() {
        let cfg = config();
        let t = Scripted::default();
        let client = Client::new(&cfg, &t);
        started(&t);
        t.answer(
            409,
            &[],
            r#"{"code":"GIT_PUSH_REJECTED","message":"git push failed: ! [rejected] main -> main (fetch first)"}"#,
        );
        let err = push(&client, "box", "repo", Credentials::default()).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict);
        assert!(err.hint.as_deref().unwrap().contains("git_pull"), "{err}");
        // An older daemon: a plain CONFLICT on checkout means local changes are in the way.
        started(&t);
        t.answer(
            409,
            &[],
            r#"{"code":"CONFLICT","message":"worktree contains unstaged changes"}"#,
        );
        let err = checkout(&client, "box", "repo", "main").unwrap_err();
        assert!(err.hint.as_deref().unwrap().contains("git_commit"), "{err}");
        started(&t);
        t.answer(
            409,
            &[],
            r#"{"code":"GIT_BRANCH_EXISTS","message":"exists"}"#,
        );
        let err = create_branch(&client, "box", "repo", "feature").unwrap_err();
        assert!(
            err.hint.as_deref().unwrap().contains("git_checkout"),
            "{err}"
        );
    }

    #[test]
    fn nothing_is_sent_for_bad_arguments() {
        let cfg = config();
        let t = Scripted::default();
        let client = Client::new(&cfg, &t);
        let many = vec!["a".to_string(); MAX_ADD_FILES + 1];
        assert!(add(&client, "box", "repo", &many).is_err());
        assert!(add(&client, "box", "repo", &[]).is_err());
        assert!(add(&client, "box", "repo", &["a\0b".into()]).is_err());
        assert!(log(&client, "box", "repo", Some(0)).is_err());
        assert!(log(&client, "box", "repo", Some(MAX_LOG_LIMIT + 1)).is_err());
        assert!(checkout(&client, "box", "repo", "--orphan").is_err());
        let spec = CommitSpec {
            path: "repo",
            message: " ",
            author: "A",
            email: "a@b",
            allow_empty: None,
        };
        assert!(commit(&client, "box", &spec).is_err());
        let spec = CommitSpec {
            message: "m",
            email: "<a@b>",
            ..spec
        };
        assert!(commit(&client, "box", &spec).is_err());
        assert!(t.sent.borrow().is_empty());
    }
}
