//! The toolbox's git routes (`toolbox-openapi.yaml`: `GitCloneRequest`,
//! `GitStatus`, `FileStatus`, `GitAddRequest`, `GitCommitRequest`,
//! `GitCommitResponse`, `GitCommitInfo`, `ListBranchResponse`,
//! `GitBranchRequest`, `GitCheckoutRequest`, `GitRepoRequest`). Request bodies
//! use the daemon's snake_case (`commit_id`, `allow_empty`); answers its
//! camelCase. The bodies that carry credentials have no `Debug`.

use crate::wire::{count, or_default, or_null, wire};
use serde::Serialize;

/// `POST /git/clone` body.
#[derive(Serialize)]
pub struct GitCloneRequest<'a> {
    /// The repository to clone.
    pub url: &'a str,
    /// Where to clone it.
    pub path: &'a str,
    /// The branch to check out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<&'a str>,
    /// The commit to check out after cloning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_id: Option<&'a str>,
    /// The git username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
    /// The git password or token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
}

/// `POST /git/push` and `POST /git/pull` body.
#[derive(Serialize)]
pub struct GitRepoRequest<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The git username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<&'a str>,
    /// The git password or token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
}

/// `POST /git/add` body.
#[derive(Debug, Serialize)]
pub struct GitAddRequest<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The files to stage, relative to the repository (`.` for all).
    pub files: &'a [String],
}

/// `POST /git/commit` body.
#[derive(Debug, Serialize)]
pub struct GitCommitRequest<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The commit message.
    pub message: &'a str,
    /// The author's name.
    pub author: &'a str,
    /// The author's email.
    pub email: &'a str,
    /// Whether a commit with no changes is allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_empty: Option<bool>,
}

/// `POST /git/commit` answer.
#[derive(Debug, Clone, Default)]
pub struct GitCommitResponse {
    /// The new commit's hash.
    pub hash: String,
}

wire!(GitCommitResponse {
    hash: "hash" => or_null,
});

/// `POST /git/branches` body.
#[derive(Debug, Serialize)]
pub struct GitBranchRequest<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The new branch's name.
    pub name: &'a str,
}

/// `POST /git/checkout` body.
#[derive(Debug, Serialize)]
pub struct GitCheckoutRequest<'a> {
    /// The repository directory.
    pub path: &'a str,
    /// The branch (or commit) to check out.
    pub branch: &'a str,
}

/// One changed file in `GET /git/status`. Its states are the daemon's
/// `Status` names: Unmodified, Untracked, Modified, Added, Deleted, Renamed,
/// Copied, "Updated but unmerged".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileStatus {
    /// The path, relative to the repository.
    pub name: String,
    /// Its state in the staging area (the index).
    pub staging: String,
    /// Its state in the work tree.
    pub worktree: String,
    /// The original path of a rename or copy.
    pub extra: String,
}

wire!(FileStatus {
    name: "name" => or_null,
    staging: "staging" => or_null,
    worktree: "worktree" => or_null,
    extra: "extra" => or_null,
});

/// `GET /git/status` answer.
#[derive(Debug, Clone, Default)]
pub struct GitStatus {
    /// The branch checked out (`HEAD` when detached).
    pub current_branch: String,
    /// Changed files.
    pub file_status: Vec<FileStatus>,
    /// Commits on the branch that its upstream lacks.
    pub ahead: u32,
    /// Commits on the upstream that the branch lacks.
    pub behind: u32,
    /// Whether the branch has an upstream.
    pub branch_published: bool,
}

wire!(GitStatus {
    current_branch: "currentBranch" => or_null,
    file_status: "fileStatus" => or_null,
    ahead: "ahead" => count,
    behind: "behind" => count,
    branch_published: "branchPublished" => or_default,
});

/// One commit of `GET /git/history`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct GitCommitInfo {
    /// The full hash.
    pub hash: String,
    /// The author's name.
    pub author: String,
    /// The author's email.
    pub email: String,
    /// The whole message.
    pub message: String,
    /// When it was authored, RFC 3339.
    pub timestamp: String,
}

wire!(GitCommitInfo {
    hash: "hash" => or_null,
    author: "author" => or_null,
    email: "email" => or_null,
    message: "message" => or_null,
    timestamp: "timestamp" => or_null,
});

/// `GET /git/branches` answer.
#[derive(Debug, Clone, Default)]
pub struct ListBranchResponse {
    /// The local branches.
    pub branches: Vec<String>,
}

wire!(ListBranchResponse {
    branches: "branches" => or_null,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str;
    use serde_json::json;

    #[test]
    fn request_bodies_use_the_daemons_names() {
        let clone = GitCloneRequest {
            url: "https://h/r.git",
            path: "r",
            branch: Some("main"),
            commit_id: Some("abc1"),
            username: None,
            password: None,
        };
        assert_eq!(
            serde_json::to_value(&clone).unwrap(),
            json!({"url": "https://h/r.git", "path": "r", "branch": "main", "commit_id": "abc1"})
        );
        let commit = GitCommitRequest {
            path: "r",
            message: "m",
            author: "A",
            email: "a@b",
            allow_empty: Some(true),
        };
        assert_eq!(
            serde_json::to_value(&commit).unwrap(),
            json!({"path": "r", "message": "m", "author": "A", "email": "a@b", "allow_empty": true})
        );
    }

    #[test]
    fn answers_tolerate_nulls_and_missing_fields() {
        let s: GitStatus = from_str(
            r#"{"currentBranch":"main","fileStatus":[{"name":"a","staging":"Unmodified","worktree":null,"extra":""}],"ahead":2}"#,
        )
        .unwrap();
        assert_eq!((s.ahead, s.behind, s.branch_published), (2, 0, false));
        assert_eq!(s.file_status[0].worktree, "");
        let s: GitStatus = from_str(r#"{"currentBranch":"x","fileStatus":null}"#).unwrap();
        assert!(s.file_status.is_empty());
        let b: ListBranchResponse = from_str(r#"{"branches":null}"#).unwrap();
        assert!(b.branches.is_empty());
        let bad = from_str::<GitStatus>(r#"{"fileStatus":[{"name":"a"},{"staging":1}]}"#);
        assert!(bad.unwrap_err().message.contains("`fileStatus[1].staging`"));
    }
}
