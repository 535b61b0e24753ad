//! The toolbox's file routes.

use serde::{Deserialize, Serialize};

/// A file or directory as `GET /files` and `GET /files/info` describe it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileInfo {
    /// The last path segment.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub name: String,
    /// Whether it is a directory.
    #[serde(default)]
    pub is_dir: bool,
    /// Size in bytes.
    #[serde(default)]
    pub size: u64,
    /// The mode as Go prints it, e.g. `-rw-r--r--`.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub mode: String,
    /// The permission bits in octal, e.g. `0644`.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub permissions: String,
    /// The owning user.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub owner: String,
    /// The owning group.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub group: String,
    /// Last modification, RFC 3339.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub modified_at: String,
}

/// One line matching `GET /files/find`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The file's path.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub file: String,
    /// The 1-based line number.
    #[serde(default)]
    pub line: u64,
    /// The line's text.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub content: String,
}

/// `GET /files/search` answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchResponse {
    /// Matching paths.
    #[serde(default)]
    pub files: Vec<String>,
}

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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReplaceResult {
    /// The file as given.
    #[serde(default, deserialize_with = "super::null_as_empty")]
    pub file: String,
    /// Whether it was processed.
    #[serde(default)]
    pub success: bool,
    /// Why not, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
