//! Secrets: API keys, JWTs, minted keys, tokens. [`Secret`]'s `Debug` and
//! `Display` never show the value; only [`reveal`] serializes it.

use std::fmt;

/// A secret string (API key, JWT, vended key). Formatting it prints `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Serialize a secret in full: only for the one answer that hands a new key
/// to the caller who created it (`create_api_key`, `mint_ephemeral_key`).
pub fn reveal<S: serde::Serializer>(value: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.expose())
}
