//! What a git request's failure means: hints by the toolbox's typed code,
//! then by status, for each operation.

use super::super::toolbox::Toolbox;
use crate::http::{Method, Request, When};

const REPO_HINT: &str = "`path` must be a git repository's directory (absolute, or relative to the sandbox user's home): list_files shows what is there, git_clone makes one";
const AUTH_NOTE: &str = "The git server refused the git credentials; this is not about the Daytona API key, which was accepted";
const AUTH_HINT: &str = "pass `username` and `password` for a private repository (a token works as the password, e.g. with username 'x-access-token' on GitHub or 'oauth2' on GitLab); if you did, check them and that the token's scope covers this repository (read for clone and pull, write for push)";
const PUSH_REJECTED_HINT: &str =
    "the remote has commits this branch lacks: call git_pull, then git_push again";
const DIRTY_HINT: &str = "uncommitted changes are in the way: git_status lists them; commit them with git_add and git_commit first";

/// What a git request does: chooses the explanations of its failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
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
pub(super) fn request(tb: &Toolbox, method: Method, route: &str, what: String, op: Op) -> Request {
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
