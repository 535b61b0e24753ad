//! Preview URLs: Daytona's `PortPreviewUrl` and `SignedPortPreviewUrl`. Tokens
//! (and a signed URL, which embeds one) stay [`Secret`]s in memory.

use crate::secret::Secret;
use crate::wire::{or_null, wire};

/// `GET /sandbox/{idOrName}/ports/{port}/preview-url`: the URL and the
/// sandbox's preview token (a credential for every port of a private sandbox).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PortPreviewUrl {
    /// The sandbox's ID.
    pub sandbox_id: String,
    /// The preview URL.
    pub url: String,
    /// The sandbox's preview token, sent as `X-Daytona-Preview-Token`.
    pub token: Secret,
}

// Every field may be absent or null (then empty).
wire!(PortPreviewUrl {
    sandbox_id: "sandboxId" => or_null,
    url: "url" => or_null,
    token: "token" => or_null,
});

/// `GET /sandbox/{idOrName}/ports/{port}/signed-preview-url`: a URL with its
/// own short-lived token embedded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignedPortPreviewUrl {
    /// The sandbox's ID.
    pub sandbox_id: String,
    /// The token embedded in the URL.
    pub token: Secret,
    /// The signed URL (it carries the token).
    pub url: Secret,
}

wire!(SignedPortPreviewUrl {
    sandbox_id: "sandboxId" => or_null,
    token: "token" => or_null,
    url: "url" => or_null,
});
