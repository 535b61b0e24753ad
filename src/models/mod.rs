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
pub mod wire;

pub use api_key::{ApiKey, CreateApiKey};
pub use page::{CursorPage, NumberedPage};
pub use preview::{PortPreviewUrl, SignedPortPreviewUrl};
pub use sandbox::{CreateSandbox, Sandbox, SandboxLabels};
pub use snapshot::Snapshot;
pub use wire::{Cx, Misfit, Wire};
