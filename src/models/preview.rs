//! Preview URLs: Daytona's `PortPreviewUrl` and `SignedPortPreviewUrl`. Tokens
//! (and a signed URL, which embeds one) stay [`Secret`]s in memory.

use super::{empty_secret, null_as_empty, secret};
use crate::config::Secret;
use serde::Deserialize;

/// `GET /sandbox/{idOrName}/ports/{port}/preview-url`: the URL and the
/// sandbox's preview token (a credential for every port of a private sandbox).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortPreviewUrl {
    /// The sandbox's ID.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub sandbox_id: String,
    /// The preview URL.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub url: String,
    /// The sandbox's preview token, sent as `X-Daytona-Preview-Token`.
    #[serde(default = "empty_secret", deserialize_with = "secret")]
    pub token: Secret,
}

/// `GET /sandbox/{idOrName}/ports/{port}/signed-preview-url`: a URL with its
/// own short-lived token embedded.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedPortPreviewUrl {
    /// The sandbox's ID.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub sandbox_id: String,
    /// The token embedded in the URL.
    #[serde(default = "empty_secret", deserialize_with = "secret")]
    pub token: Secret,
    /// The signed URL (it carries the token).
    #[serde(default = "empty_secret", deserialize_with = "secret")]
    pub url: Secret,
}
