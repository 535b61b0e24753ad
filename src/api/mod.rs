//! One module per Daytona resource: build the request, send it through
//! [`crate::http::Client`], shape the answer.

pub mod api_keys;
pub mod lifecycle;
pub mod salvage;
pub mod sandboxes;
pub mod snapshots;
pub mod toolbox;

use crate::error::Error;

/// Check a required identifier-like argument (a sandbox ID or name, a key name).
pub fn require_name(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(format!("`{field}` must not be empty")));
    }
    if value.len() > 255 || value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(format!(
            "`{field}` must be at most 255 characters without control characters"
        )));
    }
    Ok(())
}
