//! The audit trail: one JSON line on stderr per mint, revoke and sweep, and
//! per key created (`create_api_key`) or deleted (`delete_api_key`,
//! `delete_api_key_for_user`).
//!
//! A line carries `ts`, `event`, `name`, `holder`, `scope`, `permissions`,
//! `expiresAt` and `fingerprint` (the first 16 hex digits of the SHA-256 of the
//! key value), `null` where unknown, plus `detail` when there is more to say.
//! Never a key value, a JWT or an API key: [`Event`] has no field that could
//! hold one, and [`emit`] is the only writer.

use crate::secret::Secret;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A key was minted.
    Mint,
    /// Minting failed (nothing was created, or the key was revoked again).
    MintFailed,
    /// A key was revoked (or was already gone).
    Revoke,
    /// A revoke failed; a later sweep finds the key again.
    RevokeFailed,
    /// A sweep finished (`detail` has the counts).
    Sweep,
    /// A key was created (`create_api_key`).
    Create,
    /// Creating a key failed.
    CreateFailed,
    /// A key was deleted (`delete_api_key`, `delete_api_key_for_user`).
    Delete,
    /// Deleting a key failed.
    DeleteFailed,
}

/// One audit event.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// When, RFC 3339 (the transport's clock).
    pub ts: String,
    /// What happened.
    pub event: Kind,
    /// The key's name.
    pub name: Option<String>,
    /// Who holds it.
    pub holder: Option<String>,
    /// The scope it was minted for.
    pub scope: Option<String>,
    /// Its permissions.
    pub permissions: Option<Vec<String>>,
    /// When it expires, RFC 3339.
    pub expires_at: Option<String>,
    /// [`fingerprint`] of its value, when the value was seen.
    pub fingerprint: Option<String>,
    /// More: why it failed, who triggered it, counts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Event {
    /// An event of `kind` at `now_millis`, every other field empty.
    pub fn new(kind: Kind, now_millis: u64) -> Self {
        Event {
            ts: crate::time::format_millis(now_millis.min(i64::MAX as u64) as i64),
            event: kind,
            name: None,
            holder: None,
            scope: None,
            permissions: None,
            expires_at: None,
            fingerprint: None,
            detail: None,
        }
    }

    /// Set `detail`.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// The first 16 hex digits of the SHA-256 of a key value: enough to match a
/// key seen elsewhere, useless for recovering it.
pub fn fingerprint(value: &Secret) -> String {
    let digest = Sha256::digest(value.expose().as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The JSON line for an event.
pub fn line(event: &Event) -> String {
    // Serialising strings, lists and an enum cannot fail.
    serde_json::to_string(event).unwrap_or_else(|_| r#"{"event":"unencodable"}"#.into())
}

/// Write an event to stderr: the only place audit lines are written.
///
/// A failed write is ignored: `eprintln!` would panic (and abort the
/// instance) on a closed stderr, and at that point a key may already exist
/// that the caller must be given.
pub fn emit(event: &Event) {
    use std::io::Write;
    let mut text = line(event);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_16_hex_of_sha256() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assert_eq!(fingerprint(&Secret::new("abc")), "ba7816bf8f01cfea");
    }

    #[test]
    fn lines_have_every_field_and_null_for_unknown() {
        let mut e = Event::new(Kind::Revoke, 1_893_456_000_000);
        e.name = Some("eph-a-1-000000000000".into());
        let v: serde_json::Value = serde_json::from_str(&line(&e)).unwrap();
        assert_eq!(v["ts"], "2030-01-01T00:00:00.000Z");
        assert_eq!(v["event"], "revoke");
        assert_eq!(v["name"], "eph-a-1-000000000000");
        for field in ["holder", "scope", "permissions", "expiresAt", "fingerprint"] {
            assert!(v[field].is_null() && v.get(field).is_some(), "{field}");
        }
        assert!(v.get("detail").is_none());
        assert!(!line(&e).contains('\n'));
    }

    #[test]
    fn a_line_holds_the_fingerprint_never_the_value() {
        let value = Secret::new("dtn_0123456789abcdef0123456789abcdef");
        let mut e = Event::new(Kind::Mint, 0);
        e.fingerprint = Some(fingerprint(&value));
        let text = line(&e);
        assert!(!text.contains(value.expose()));
        assert!(text.contains(&fingerprint(&value)));
    }
}
