//! Git in a started sandbox through its toolbox (`/git/...`). Every argument
//! is checked before anything is sent: the repository `path` like a file
//! path, branch names and commit hashes against git's rules (never an
//! option), and a clone URL against the transports offered; a URL that
//! carries credentials is refused. Git credentials travel only in the body,
//! ride on the request as its secrets
//! ([`Request::secret`](crate::http::Request::secret)) and so are scrubbed
//! from every error. The toolbox's git errors (its typed `code`s,
//! or the status alone from older daemons) get hints a model can act on.
//!
//! - `checks`: clone URLs, branch names, commit hashes, credentials.
//! - `explain`: the hints each operation's failures get.
//! - `ops`: clone, status, add, commit, push, pull, branches, checkout.
//! - `history`: the log, read from the front of the history.

mod checks;
mod explain;
mod history;
mod ops;

pub use checks::{Credentials, check_commit_id, check_ref, check_url, has_option_like_part};
pub use history::{Log, log};
pub use ops::{
    Branches, CloneSpec, Cloned, CommitSpec, Status, add, branches, checkout, clone, commit,
    create_branch, pull, push, status,
};

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

#[cfg(test)]
mod tests;
