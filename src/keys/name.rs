//! Names of ephemeral keys: `eph-<holder>-<expiry unix seconds>-<12 hex>`.
//!
//! The name is the whole of our bookkeeping: it marks a key as ours, says who
//! holds it and when it expires, and the random suffix (from `wasi:random`)
//! keeps it unique. A sweep recognises our keys by parsing the name, so the
//! grammar is strict: a user's own key is never mistaken for one of ours
//! unless it copies the exact shape (and even then a sweep also requires
//! Daytona's `expiresAt` to agree with the name, see `keys::sweep`).

use crate::error::{Error, scrub};
use std::fmt;

/// Every ephemeral key name starts with this.
pub const PREFIX: &str = "eph-";
/// Longest holder kept in a name.
pub const MAX_HOLDER: usize = 24;
/// The holder when none (or nothing usable) is given.
pub const DEFAULT_HOLDER: &str = "agent";
/// Hex digits of the random suffix (48 bits).
const SUFFIX_LEN: usize = 12;
/// Most digits of the expiry (seconds since 1970; 12 digits reach year 33658).
const MAX_EXPIRY_DIGITS: usize = 12;

/// Make a holder safe for a name: lower-case ASCII letters and digits, every
/// other run of characters becomes one `-`, trimmed, at most [`MAX_HOLDER`]
/// characters; empty becomes [`DEFAULT_HOLDER`].
pub fn sanitize_holder(raw: Option<&str>) -> String {
    let mut out = String::new();
    for c in raw.unwrap_or_default().chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX_HOLDER {
            break;
        }
    }
    out.truncate(MAX_HOLDER);
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        DEFAULT_HOLDER.to_string()
    } else {
        trimmed.to_string()
    }
}

/// A parsed ephemeral key name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EphemeralName {
    /// The sanitised holder.
    pub holder: String,
    /// When the key expires, seconds since the epoch.
    pub expires_unix: u64,
    /// The random suffix, 12 lower-case hex digits.
    pub suffix: String,
}

impl EphemeralName {
    /// A new name for `holder` (sanitised here) expiring at `expires_unix`,
    /// with a suffix from `random`.
    pub fn new(holder: &str, expires_unix: u64, random: u64) -> Self {
        EphemeralName {
            holder: sanitize_holder(Some(holder)),
            expires_unix,
            suffix: format!("{:012x}", random & 0xffff_ffff_ffff),
        }
    }

    /// Parse a name that is exactly in our format; anything else is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        let rest = name.strip_prefix(PREFIX)?;
        let mut parts = rest.rsplitn(3, '-');
        let suffix = parts.next()?;
        let expiry = parts.next()?;
        let holder = parts.next()?;
        let suffix_ok = suffix.len() == SUFFIX_LEN
            && suffix
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let expiry_ok = (1..=MAX_EXPIRY_DIGITS).contains(&expiry.len())
            && expiry.bytes().all(|b| b.is_ascii_digit())
            && !(expiry.len() > 1 && expiry.starts_with('0'));
        // A holder is ours only if sanitising it changes nothing.
        let holder_ok = !holder.is_empty() && sanitize_holder(Some(holder)) == holder;
        if !(suffix_ok && expiry_ok && holder_ok) {
            return None;
        }
        Some(EphemeralName {
            holder: holder.to_string(),
            expires_unix: expiry.parse().ok()?,
            suffix: suffix.to_string(),
        })
    }

    /// Whether `name` is an ephemeral key name of ours.
    pub fn is_ours(name: &str) -> bool {
        Self::parse(name).is_some()
    }
}

/// Refuse a name in our format for a key created any other way: such a key
/// would be taken for one of ours (listed, swept, revoked as ephemeral).
pub fn check_not_reserved(name: &str) -> Result<(), Error> {
    if EphemeralName::is_ours(name) {
        return Err(Error::invalid_input(format!(
            "`name` '{}' has the form of an ephemeral key (eph-<holder>-<expiry>-<random>), which is reserved",
            scrub(name, &[])
        ))
        .with_hint("use mint_ephemeral_key for a short-lived key, or choose another name"));
    }
    Ok(())
}

impl fmt::Display for EphemeralName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{PREFIX}{}-{}-{}",
            self.holder, self.expires_unix, self.suffix
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ephemeral_key_names_are_reserved() {
        let err = check_not_reserved("eph-agent-1893456000-000000000abc").unwrap_err();
        assert!(err.hint.unwrap().contains("mint_ephemeral_key"));
        assert!(check_not_reserved("eph-not-quite-ours").is_ok());
    }

    #[test]
    fn names_encode_holder_expiry_and_random_suffix() {
        let name = EphemeralName::new("ci-agent", 1_893_456_000, 0xabc);
        assert_eq!(name.to_string(), "eph-ci-agent-1893456000-000000000abc");
        assert_eq!(EphemeralName::parse(&name.to_string()), Some(name));
    }

    #[test]
    fn suffix_keeps_48_bits_of_randomness() {
        let a = EphemeralName::new("x", 1, u64::MAX).suffix;
        assert_eq!(a, "ffffffffffff");
        assert_ne!(
            EphemeralName::new("x", 1, 1).suffix,
            EphemeralName::new("x", 1, 2).suffix
        );
    }

    #[test]
    fn holders_are_sanitised_and_length_limited() {
        assert_eq!(sanitize_holder(Some("CI Agent #7")), "ci-agent-7");
        assert_eq!(sanitize_holder(Some("../../etc/passwd")), "etc-passwd");
        assert_eq!(sanitize_holder(Some("ünïcødé")), "n-c-d");
        assert_eq!(sanitize_holder(Some("a\n\tb")), "a-b");
        assert_eq!(sanitize_holder(Some(&"x".repeat(100))).len(), MAX_HOLDER);
        assert_eq!(
            sanitize_holder(Some(&format!("{}-tail", "y".repeat(23)))),
            "y".repeat(23)
        );
        assert_eq!(sanitize_holder(Some("!!!")), DEFAULT_HOLDER);
        assert_eq!(sanitize_holder(None), DEFAULT_HOLDER);
    }

    #[test]
    fn sanitised_holders_always_parse_back() {
        for raw in ["a", "A-B", "--x--", "1", "a b c d e f g h i j k l m n o p"] {
            let name = EphemeralName::new(raw, 42, 7).to_string();
            assert!(EphemeralName::is_ours(&name), "{name}");
        }
    }

    #[test]
    fn names_not_in_our_exact_format_are_not_ours() {
        for other in [
            "my-key",
            "eph-",
            "eph-agent",
            "eph-agent-1893456000",
            "eph-agent-1893456000-abc",
            "eph-agent-1893456000-00000000ABCD",
            "eph-agent-1893456000-00000000abcg",
            "eph-Agent-1893456000-000000000abc",
            "eph--1893456000-000000000abc",
            "eph-a--b-1893456000-000000000abc",
            "eph-agent-01893456000-000000000abc",
            "eph-agent-1893456000000-000000000abc",
            "eph-agent-x1-000000000abc",
            "EPH-agent-1893456000-000000000abc",
            "prod-eph-agent-1893456000-000000000abc",
        ] {
            assert!(!EphemeralName::is_ours(other), "{other}");
        }
    }
}
