//! Clone URLs (`api::git::check_url`): never panics; a URL it accepts has no
//! user, host, port or path segment starting with '-' (or `%2d`, which git
//! decodes), judged by a decomposition of its own (scheme URL, scp-like
//! `user@host:path`, local path); a refusal is `invalid-input` and quotes
//! nothing of the URL's credentials.
#![no_main]

use daytona_tools::api::git::{check_url, has_option_like_part};
use daytona_tools::error::ErrorKind;
use libfuzzer_sys::fuzz_target;

/// Whether `part` would reach git or ssh as an option.
fn dashed(part: &str) -> bool {
    let part = part.trim_start_matches('[');
    part.starts_with('-') || part.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%2d"))
}

/// The user, host, port and path segments of a clone URL, as git reads them.
fn parts(url: &str) -> Vec<&str> {
    let (authority, path) = if let Some((_, rest)) = url.split_once("://") {
        rest.split_once('/').unwrap_or((rest, ""))
    } else {
        let head = url.split('/').next().unwrap_or("");
        match head.find(':') {
            // scp-like `[user@]host:path`.
            Some(colon) => (&url[..colon], &url[colon + 1..]),
            None => ("", url),
        }
    };
    let (user, host) = match authority.rfind('@') {
        Some(at) => (&authority[..at], &authority[at + 1..]),
        None => ("", authority),
    };
    let host = host.trim_start_matches('[');
    let (host, port) = match host.rsplit_once(']') {
        Some((host, port)) => (host, port.trim_start_matches(':')),
        None => host.split_once(':').unwrap_or((host, "")),
    };
    let mut parts = vec![user, host, port];
    parts.extend(path.split('/'));
    parts
}

fuzz_target!(|url: &str| {
    match check_url(url) {
        Ok(()) => {
            assert!(!url.starts_with('-'), "{url:?}");
            assert!(!has_option_like_part(url), "{url:?}");
            for part in parts(url) {
                assert!(!dashed(part), "{url:?} accepted with {part:?}");
            }
        }
        Err(err) => {
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{url:?}");
            assert!(!err.message.chars().any(char::is_control), "{err:?}");
        }
    }
});
