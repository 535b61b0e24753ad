//! Protocol revisions: which ones are spoken, and how one is chosen.
//!
//! 2025-06-18 and 2025-11-25 open with `initialize`, then send the chosen
//! version in `MCP-Protocol-Version`. 2026-07-28 is stateless: no handshake,
//! every request carries the version in that header and in `params._meta`.

/// The stateless revision.
pub const STATELESS: &str = "2026-07-28";
/// The revisions that open with `initialize`, newest first.
pub const HANDSHAKE: [&str; 2] = ["2025-11-25", "2025-06-18"];
/// Every revision spoken, newest first.
pub const SUPPORTED: [&str; 3] = [STATELESS, "2025-11-25", "2025-06-18"];

/// `_meta` key of the protocol version (2026-07-28).
pub const META_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// `_meta` key of the client capabilities (2026-07-28).
pub const META_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
/// `_meta` key of the server identity in results (2026-07-28).
pub const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// The version `initialize` answers: the one asked for when it is a handshake
/// revision, else the newest handshake revision (the client decides whether
/// it can speak it). Asking for 2026-07-28 through `initialize` also gets the
/// newest handshake revision: that revision has no `initialize`.
pub fn negotiate(requested: Option<&str>) -> &'static str {
    HANDSHAKE
        .iter()
        .find(|v| Some(**v) == requested)
        .copied()
        .unwrap_or(HANDSHAKE[0])
}

/// Whether a revision is spoken.
pub fn supported(version: &str) -> bool {
    SUPPORTED.contains(&version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialize_gets_the_version_asked_for_when_it_is_spoken() {
        assert_eq!(negotiate(Some("2025-06-18")), "2025-06-18");
        assert_eq!(negotiate(Some("2025-11-25")), "2025-11-25");
    }

    #[test]
    fn initialize_falls_back_to_the_newest_handshake_revision() {
        for asked in [
            None,
            Some("2024-11-05"),
            Some("2025-03-26"),
            Some("2026-07-28"),
            Some("junk"),
        ] {
            assert_eq!(negotiate(asked), "2025-11-25", "{asked:?}");
        }
    }

    #[test]
    fn three_revisions_are_spoken() {
        assert!(SUPPORTED.iter().all(|v| supported(v)));
        assert!(!supported("2025-03-26"));
    }
}
