//! The `git` interface: each function's arguments converted into the tool's
//! own arguments type and run through [`invoke`], as `call-tool` runs them.

use super::{Component, with_client};
use crate::bindings::exports::daytona::tools::git as wit_git;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::catalog::git_tools::{
    GitAdd, GitBranches, GitCheckout, GitClone, GitCommit, GitCreateBranch, GitLog, GitPull,
    GitPush, GitStatus,
};
use daytona_core::catalog::invoke;
use daytona_core::secret::Secret;

impl From<wit_git::GitCloneRequest> for GitClone {
    fn from(r: wit_git::GitCloneRequest) -> Self {
        GitClone {
            sandbox: r.sandbox,
            url: r.url,
            path: r.path,
            branch: r.branch,
            commit_id: r.commit_id,
            username: r.username.map(Secret::new),
            password: r.password.map(Secret::new),
        }
    }
}

impl From<wit_git::GitCommitRequest> for GitCommit {
    fn from(r: wit_git::GitCommitRequest) -> Self {
        GitCommit {
            sandbox: r.sandbox,
            path: r.path,
            message: r.message,
            author: r.author,
            email: r.email,
            allow_empty: r.allow_empty,
        }
    }
}

impl wit_git::Guest for Component {
    fn git_clone(request: wit_git::GitCloneRequest) -> Result<wit_git::GitCloned, wit::Error> {
        with_client(|c| invoke(c, GitClone::from(request))).map(|c| wit_git::GitCloned {
            path: c.path,
            url: c.url,
        })
    }

    fn git_status(sandbox: String, path: String) -> Result<wit_git::RepoStatus, wit::Error> {
        with_client(|c| invoke(c, GitStatus { sandbox, path })).map(|s| wit_git::RepoStatus {
            current_branch: s.current_branch,
            ahead: s.ahead,
            behind: s.behind,
            branch_published: s.branch_published,
            file_status: s
                .file_status
                .into_iter()
                .map(|f| wit_git::FileStatus {
                    name: f.name,
                    staging: f.staging,
                    worktree: f.worktree,
                    extra: f.extra,
                })
                .collect(),
            truncated: s.truncated,
            total: s.total,
        })
    }

    fn git_add(sandbox: String, path: String, files: Vec<String>) -> Result<(), wit::Error> {
        let args = GitAdd {
            sandbox,
            path,
            files,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn git_commit(request: wit_git::GitCommitRequest) -> Result<wit_git::GitCommitted, wit::Error> {
        with_client(|c| invoke(c, GitCommit::from(request)))
            .map(|hash| wit_git::GitCommitted { hash })
    }

    fn git_push(
        sandbox: String,
        path: String,
        username: Option<String>,
        password: Option<String>,
    ) -> Result<(), wit::Error> {
        let args = GitPush {
            sandbox,
            path,
            username: username.map(Secret::new),
            password: password.map(Secret::new),
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn git_pull(
        sandbox: String,
        path: String,
        username: Option<String>,
        password: Option<String>,
    ) -> Result<(), wit::Error> {
        let args = GitPull {
            sandbox,
            path,
            username: username.map(Secret::new),
            password: password.map(Secret::new),
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn git_branches(sandbox: String, path: String) -> Result<wit_git::BranchList, wit::Error> {
        with_client(|c| invoke(c, GitBranches { sandbox, path })).map(|b| wit_git::BranchList {
            branches: b.branches,
            truncated: b.truncated,
            total: b.total,
        })
    }

    fn git_create_branch(sandbox: String, path: String, name: String) -> Result<(), wit::Error> {
        let args = GitCreateBranch {
            sandbox,
            path,
            name,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn git_checkout(sandbox: String, path: String, branch: String) -> Result<(), wit::Error> {
        let args = GitCheckout {
            sandbox,
            path,
            branch,
        };
        with_client(|c| invoke(c, args)).map(|_| ())
    }

    fn git_log(
        sandbox: String,
        path: String,
        limit: Option<u32>,
    ) -> Result<wit_git::CommitLog, wit::Error> {
        let args = GitLog {
            sandbox,
            path,
            limit,
        };
        with_client(|c| invoke(c, args)).map(|l| wit_git::CommitLog {
            commits: l
                .commits
                .into_iter()
                .map(|c| wit_git::CommitInfo {
                    hash: c.hash,
                    author: c.author,
                    email: c.email,
                    message: c.message,
                    timestamp: c.timestamp,
                })
                .collect(),
            truncated: l.truncated,
        })
    }
}
