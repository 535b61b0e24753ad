//! Serde types of Daytona's wire format. Unknown fields are ignored and missing
//! optional ones default, so newer servers never break a call.

pub mod api_key;
pub mod files;
pub mod git;
pub mod page;
pub mod path;
pub mod preview;
pub mod sandbox;
pub mod sessions;
pub mod snapshot;
pub mod toolbox;

pub use api_key::{ApiKey, CreateApiKey};
pub use page::{CursorPage, NumberedPage};
pub use preview::{PortPreviewUrl, SignedPortPreviewUrl};
pub use sandbox::{CreateSandbox, Sandbox, SandboxLabels};
pub use snapshot::Snapshot;

use crate::config::Secret;
use serde::{Deserialize, Deserializer};

/// A non-negative count that may arrive as an integer, a float or null.
pub(crate) fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let v = Option::<f64>::deserialize(d)?.unwrap_or(0.0);
    Ok(if v.is_finite() && v > 0.0 {
        v.min(u32::MAX as f64) as u32
    } else {
        0
    })
}

/// A string that may be null.
pub(crate) fn null_as_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// An absent secret.
pub(crate) fn empty_secret() -> Secret {
    Secret::new("")
}

/// A secret that may be null (then empty).
pub(crate) fn secret<'de, D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
    Ok(Secret::new(
        Option::<String>::deserialize(d)?.unwrap_or_default(),
    ))
}
