//! The toolbox's file routes.

use crate::wire::{opt, or_default, or_null, wire};
use serde::Serialize;

/// A file or directory as `GET /files` and `GET /files/info` describe it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// The last path segment.
    pub name: String,
    /// Whether it is a directory.
    pub is_dir: bool,
    /// Size in bytes.
    pub size: u64,
    /// The mode as Go prints it, e.g. `-rw-r--r--`.
    pub mode: String,
    /// The permission bits in octal, e.g. `0644`.
    pub permissions: String,
    /// The owning user.
    pub owner: String,
    /// The owning group.
    pub group: String,
    /// Last modification, RFC 3339.
    pub modified_at: String,
}

// Every field may be absent, and the texts null.
wire!(FileInfo {
    name: "name" => or_null,
    is_dir: "isDir" => or_default,
    size: "size" => or_default,
    mode: "mode" => or_null,
    permissions: "permissions" => or_null,
    owner: "owner" => or_null,
    group: "group" => or_null,
    modified_at: "modifiedAt" => or_null,
});

/// One line matching `GET /files/find`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Match {
    /// The file's path.
    pub file: String,
    /// The 1-based line number.
    pub line: u64,
    /// The line's text.
    pub content: String,
}

wire!(Match {
    file: "file" => or_null,
    line: "line" => or_default,
    content: "content" => or_null,
});

/// `GET /files/search` answer.
#[derive(Debug, Clone, Default)]
pub struct SearchResponse {
    /// Matching paths.
    pub files: Vec<String>,
}

wire!(SearchResponse {
    files: "files" => or_default,
});

/// `POST /files/replace` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplaceRequest {
    /// Files to change.
    pub files: Vec<String>,
    /// Literal text to find.
    pub pattern: String,
    /// What replaces it.
    pub new_value: String,
}

/// One file of a `POST /files/replace` answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplaceResult {
    /// The file as given.
    pub file: String,
    /// Whether it was processed.
    pub success: bool,
    /// Why not, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

wire!(ReplaceResult {
    file: "file" => or_null,
    success: "success" => or_default,
    error: "error" => opt,
});
