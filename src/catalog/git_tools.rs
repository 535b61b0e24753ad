//! The git tools: repositories in a started sandbox through its toolbox. The
//! repository `path` is absolute, or relative to the sandbox user's home. Git
//! credentials (`username`, `password`) are [`Secret`]s: sent in the
//! request's body to the toolbox only, scrubbed from every error.

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, Ty, schemas};
use crate::api::git::{
    self, Branches, CloneSpec, Cloned, CommitSpec, Credentials, Log, MAX_LOG_LIMIT, Status,
};
use crate::error::Error;
use crate::http::Transport;
use crate::secret::Secret;
use serde_json::Value;

const STRING: Ty = Ty::String { min_len: 1 };

const SANDBOX: &str = "The sandbox's ID or name (see list_sandboxes); it must be started.";

const REPO: &str = "The repository's directory: absolute, or relative to the sandbox user's home (e.g. \"project\"); at most 4096 bytes.";

const USERNAME: &str = "The git username, with `password`, for a private repository (with a token most hosts accept any name, e.g. \"x-access-token\" on GitHub, \"oauth2\" on GitLab). Never shown in results or errors.";

const PASSWORD: &str = "The git password or access token, with `username`. Sent only to the sandbox's toolbox; never shown in results or errors.";

arguments! {
    /// `git_clone`.
    pub struct GitClone {
        sandbox: String = "sandbox", STRING => SANDBOX;
        url: String = "url", STRING =>
            "The repository: an https, http, ssh or git URL (e.g. \"https://github.com/owner/repo.git\"), a file:// URL or a path. Never with credentials in it: pass `username` and `password`.";
        path: String = "path", STRING =>
            "The directory to clone into: absolute, or relative to the user's home; it must not exist or be empty.";
        branch: Option<String> = "branch", STRING => "The branch to check out (default: the remote's default branch).";
        commit_id: Option<String> = "commitId", STRING =>
            "A commit to check out after cloning, as a full 40-character hash (leaves HEAD detached).";
        username: Option<Secret> = "username", STRING => USERNAME;
        password: Option<Secret> = "password", STRING => PASSWORD;
    }
}

impl Contract for GitClone {
    const ABOUT: About = About {
        name: "git_clone",
        title: "Clone a git repository",
        description: "Clone a git repository into a directory of a started Daytona sandbox: an https, http, ssh or git URL, a file:// URL or a path. \
For a private repository pass `username` and `password` (a token as the password): they go only to the sandbox's toolbox and never appear in results or errors; a URL with credentials in it is refused. \
Creates `path`; a non-empty directory there is a conflict, so repeating the call fails. Then git_status, or the file tools on the clone.",
        hints: Hints::CREATE,
        output: Some(schemas::git_cloned),
    };
    type Output = Cloned;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Cloned, Error> {
        let spec = CloneSpec {
            url: &self.url,
            path: &self.path,
            branch: self.branch.as_deref(),
            commit_id: self.commit_id.as_deref(),
            credentials: Credentials::of(&self.username, &self.password),
        };
        git::clone(client, &self.sandbox, &spec)
    }
}

arguments! {
    /// `git_status`.
    pub struct GitStatus {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
    }
}

impl Contract for GitStatus {
    const ABOUT: About = About {
        name: "git_status",
        title: "Git status",
        description: "Show the state of a git repository in a started Daytona sandbox: the current branch, commits ahead of and behind its upstream (branchPublished says whether it has one), and each changed file with its staging and work-tree state (Untracked, Modified, Added, Deleted, Renamed, ...). \
Read-only. Files beyond the output limit are left out (`truncated`, `total`). Then git_add to stage changes and git_commit to record them.",
        hints: Hints::READ,
        output: Some(schemas::git_status),
    };
    type Output = Status;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Status, Error> {
        git::status(client, &self.sandbox, &self.path)
    }
}

arguments! {
    /// `git_add`.
    pub struct GitAdd {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        files: Vec<String> = "files" required, Ty::StringList { values: None } =>
            "The files to stage (1 to 1000), relative to the repository, e.g. [\"src/main.rs\"]; [\".\"] stages every change, deletions included.";
    }
}

impl Contract for GitAdd {
    const ABOUT: About = About {
        name: "git_add",
        title: "Stage files",
        description: "Stage files of a git repository in a started Daytona sandbox for the next commit: new, modified and deleted files, by path relative to the repository, or [\".\"] for every change. \
Only the staging area changes; staging the same files again changes nothing more. Then git_commit; git_status shows what is staged.",
        hints: Hints::SET_STATE,
        output: Some(schemas::git_staged),
    };
    type Output = (String, Vec<String>);
    fn run<T: Transport>(self, client: &Context<T>) -> Result<(String, Vec<String>), Error> {
        git::add(client, &self.sandbox, &self.path, &self.files)?;
        Ok((self.path, self.files))
    }
    fn output_json((path, files): (String, Vec<String>)) -> Result<Value, Error> {
        Ok(super::object([
            ("path", path.into()),
            ("files", files.into()),
        ]))
    }
}

arguments! {
    /// `git_commit`.
    pub struct GitCommit {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        message: String = "message", STRING => "The commit message (at most 64 KiB).";
        author: String = "author", STRING => "The author's name, e.g. \"Ada Lovelace\".";
        email: String = "email", STRING => "The author's email, e.g. \"ada@example.com\".";
        allow_empty: Option<bool> = "allowEmpty", Ty::Boolean =>
            "Commit even when nothing is staged (default false: that is refused).";
    }
}

impl Contract for GitCommit {
    const ABOUT: About = About {
        name: "git_commit",
        title: "Commit",
        description: "Record the staged changes of a git repository in a started Daytona sandbox as a new commit with the given message and author; returns the commit's hash. \
Every call makes a new commit; with nothing staged it is refused unless allowEmpty is true. Stage with git_add first; git_push sends commits to the remote.",
        hints: Hints::CREATE,
        output: Some(schemas::git_committed),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        let spec = CommitSpec {
            path: &self.path,
            message: &self.message,
            author: &self.author,
            email: &self.email,
            allow_empty: self.allow_empty,
        };
        git::commit(client, &self.sandbox, &spec)
    }
    fn output_json(hash: String) -> Result<Value, Error> {
        Ok(super::object([("hash", hash.into())]))
    }
}

arguments! {
    /// `git_push`.
    pub struct GitPush {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        username: Option<Secret> = "username", STRING => USERNAME;
        password: Option<Secret> = "password", STRING => PASSWORD;
    }
}

impl Contract for GitPush {
    const ABOUT: About = About {
        name: "git_push",
        title: "Push",
        description: "Push the current branch of a git repository in a started Daytona sandbox to its remote (origin), under the same name: others then see its commits. \
Never forced: a remote with commits this branch lacks refuses (conflict), then git_pull and push again. Pushing again when nothing is new changes nothing. \
Credentials as for git_clone (`username`, `password`), never shown in results or errors.",
        hints: Hints::SET_STATE,
        output: Some(schemas::file_path),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        let credentials = Credentials::of(&self.username, &self.password);
        git::push(client, &self.sandbox, &self.path, credentials)?;
        Ok(self.path)
    }
    fn output_json(path: String) -> Result<Value, Error> {
        Ok(super::object([("path", path.into())]))
    }
}

arguments! {
    /// `git_pull`.
    pub struct GitPull {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        username: Option<Secret> = "username", STRING => USERNAME;
        password: Option<Secret> = "password", STRING => PASSWORD;
    }
}

impl Contract for GitPull {
    const ABOUT: About = About {
        name: "git_pull",
        title: "Pull",
        description: "Fetch the remote's new commits and merge them into the current branch of a git repository in a started Daytona sandbox, updating its files. \
Refused (conflict) when uncommitted local changes are in the way: commit them first. Pulling again when nothing is new changes nothing. \
Credentials as for git_clone (`username`, `password`), never shown in results or errors. git_log shows what arrived.",
        hints: Hints::SET_STATE,
        output: Some(schemas::file_path),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        let credentials = Credentials::of(&self.username, &self.password);
        git::pull(client, &self.sandbox, &self.path, credentials)?;
        Ok(self.path)
    }
    fn output_json(path: String) -> Result<Value, Error> {
        Ok(super::object([("path", path.into())]))
    }
}

arguments! {
    /// `git_branches`.
    pub struct GitBranches {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
    }
}

impl Contract for GitBranches {
    const ABOUT: About = About {
        name: "git_branches",
        title: "List branches",
        description: "List the local branches of a git repository in a started Daytona sandbox. \
Read-only. Names beyond the output limit are left out (`truncated`, `total`). git_status shows which branch is checked out; git_checkout switches, git_create_branch makes one.",
        hints: Hints::READ,
        output: Some(schemas::git_branches),
    };
    type Output = Branches;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Branches, Error> {
        git::branches(client, &self.sandbox, &self.path)
    }
}

arguments! {
    /// `git_create_branch`.
    pub struct GitCreateBranch {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        name: String = "name", STRING => "The new branch's name, e.g. \"feature/login\".";
    }
}

impl Contract for GitCreateBranch {
    const ABOUT: About = About {
        name: "git_create_branch",
        title: "Create a branch",
        description: "Create a branch at the current commit of a git repository in a started Daytona sandbox and switch to it; the files stay as they are. \
A branch of that name already there is a conflict, so repeating the call fails. Commit on it with git_add and git_commit; git_push publishes it; git_checkout switches back.",
        hints: Hints::CREATE,
        output: Some(schemas::git_branch),
    };
    type Output = (String, String);
    fn run<T: Transport>(self, client: &Context<T>) -> Result<(String, String), Error> {
        git::create_branch(client, &self.sandbox, &self.path, &self.name)?;
        Ok((self.path, self.name))
    }
    fn output_json((path, branch): (String, String)) -> Result<Value, Error> {
        Ok(super::object([
            ("path", path.into()),
            ("branch", branch.into()),
        ]))
    }
}

arguments! {
    /// `git_checkout`.
    pub struct GitCheckout {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        branch: String = "branch", STRING =>
            "The local branch to switch to (see git_branches), or a commit's full hash.";
    }
}

impl Contract for GitCheckout {
    const ABOUT: About = About {
        name: "git_checkout",
        title: "Switch branch",
        description: "Switch a git repository in a started Daytona sandbox to another branch (or a commit, by full hash), updating its files to that branch's. \
Refused (conflict) when uncommitted changes would be overwritten: commit them first. Switching to the branch already checked out changes nothing. git_branches lists the branches.",
        hints: Hints::SET_STATE,
        output: Some(schemas::git_branch),
    };
    type Output = (String, String);
    fn run<T: Transport>(self, client: &Context<T>) -> Result<(String, String), Error> {
        git::checkout(client, &self.sandbox, &self.path, &self.branch)?;
        Ok((self.path, self.branch))
    }
    fn output_json((path, branch): (String, String)) -> Result<Value, Error> {
        Ok(super::object([
            ("path", path.into()),
            ("branch", branch.into()),
        ]))
    }
}

arguments! {
    /// `git_log`.
    pub struct GitLog {
        sandbox: String = "sandbox", STRING => SANDBOX;
        path: String = "path", STRING => REPO;
        limit: Option<u32> = "limit", Ty::Integer { min: 1, max: MAX_LOG_LIMIT as i64 } =>
            "How many commits to return, newest first: 1 to 100 (default 20).";
    }
}

impl Contract for GitLog {
    const ABOUT: About = About {
        name: "git_log",
        title: "Commit history",
        description: "List the commits of the current branch of a git repository in a started Daytona sandbox, newest first: hash, author, email, message and timestamp. \
Read-only. At most `limit` commits (default 20, at most 100), within the output limit; messages over 2000 bytes (a quarter of the output limit, if less) are cut, ending in …; `truncated` says older commits were left out.",
        hints: Hints::READ,
        output: Some(schemas::git_log),
    };
    type Output = Log;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Log, Error> {
        git::log(client, &self.sandbox, &self.path, self.limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Args;
    use crate::catalog::contract::Arguments;

    #[test]
    fn credentials_are_read_into_secrets_and_written_back_for_validation() {
        let spec = &<GitPush as Contract>::SPEC;
        let args = Args::parse(
            spec,
            r#"{"sandbox":"box","path":"r","username":"alice","password":"s3cret-token"}"#,
        )
        .unwrap();
        let push = GitPush::from_args(&args);
        assert!(!format!("{push:?}").contains("s3cret-token"));
        assert_eq!(push.password.as_ref().unwrap().expose(), "s3cret-token");
        assert_eq!(push.to_json()["password"], "s3cret-token");
        assert!(super::super::contract::validate(&push).is_ok());
    }
}
