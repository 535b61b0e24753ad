//! One module per Daytona resource: build the request, send it through
//! [`crate::http::Client`], shape the answer.

pub mod api_keys;
pub mod execute;
pub mod files;
pub mod git;
pub mod lifecycle;
pub mod preview;
pub mod sandboxes;
pub mod sessions;
pub mod snapshots;
pub mod toolbox;

use crate::error::Error;

/// Check a required identifier-like argument (a sandbox ID or name, a key
/// name, a user ID) that becomes one path segment.
///
/// `.` and `..` are refused even though they are percent-encoding-proof: a
/// normalising proxy would turn `/api-keys/..` into another route.
pub fn require_name(field: &str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(format!("`{field}` must not be empty")));
    }
    if value.len() > 255 || value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(format!(
            "`{field}` must be at most 255 characters without control characters"
        )));
    }
    if value == "." || value == ".." {
        return Err(Error::invalid_input(format!(
            "`{field}` must not be '{value}': a path segment of dots names another route"
        ))
        .with_hint("pass the ID or name exactly as Daytona lists it"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn dot_segments_empty_and_control_characters_are_refused() {
        for bad in [".", "..", "", "  ", "a\0b", "a\nb"] {
            let err = require_name("sandbox", bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(err.message.contains("`sandbox`"), "{}", err.message);
        }
        for good in ["...", ".a", "a.b", "dev-1"] {
            assert!(require_name("sandbox", good).is_ok(), "{good:?}");
        }
    }
}
