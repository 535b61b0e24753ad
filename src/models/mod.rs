//! Daytona's wire format: the answers read through [`Wire`] (unknown fields
//! are ignored and missing optional ones default, so newer servers never
//! break a call), and the request bodies, written with serde.

pub mod api_key;
pub mod files;
pub mod git;
pub mod page;
pub mod preview;
pub mod sandbox;
pub mod sessions;
pub mod snapshot;
pub mod toolbox;

pub use crate::wire::{Cx, Misfit, Wire};
pub use api_key::{ApiKey, CreateApiKey};
pub use page::{CursorPage, NumberedPage};
pub use preview::{PortPreviewUrl, SignedPortPreviewUrl};
pub use sandbox::{CreateSandbox, Sandbox, SandboxLabels};
pub use snapshot::Snapshot;

/// Read a model from JSON text as an answer is read, for tests.
#[cfg(test)]
pub(crate) fn from_str<T: Wire>(text: &str) -> Result<T, crate::error::Error> {
    crate::http::decode(text.as_bytes(), "test")
}
