//! Who may call: the bearer token (compared in constant time), the browser
//! `Origin` and, with authentication off, the `Host` (DNS-rebinding protection).

use super::settings::{Auth, Hosts, Origins};
use sha2::{Digest, Sha256};

/// Whether the `Authorization` header carries the configured token.
///
/// Both sides are hashed first, so the comparison takes the same time
/// whatever the length or content of the presented value.
pub fn bearer_ok(auth: &Auth, authorization: Option<&str>) -> bool {
    match auth {
        Auth::None => true,
        Auth::Missing => false,
        Auth::Bearer(token) => {
            let Some(presented) = authorization.and_then(bearer_value) else {
                return false;
            };
            constant_time_eq(presented.as_bytes(), token.expose().as_bytes())
        }
    }
}

/// The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive).
fn bearer_value(header: &str) -> Option<&str> {
    let (scheme, value) = header.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| value.trim())
        .filter(|v| !v.is_empty())
}

/// Compare the SHA-256 digests of `a` and `b` without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (da, db) = (Sha256::digest(a), Sha256::digest(b));
    let diff = da
        .iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

/// Whether a request with this `Origin` header may be served. No header (not a
/// browser) passes; `null` and anything not listed are refused.
pub fn origin_ok(origins: &Origins, origin: Option<&str>) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    match origins {
        Origins::List(list) => list.contains(&origin),
        Origins::Loopback => is_loopback_origin(&origin),
    }
}

/// `http(s)://localhost`, `127.0.0.1` or `[::1]`, with an optional port.
fn is_loopback_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        return false;
    };
    let host = match authority.rsplit_once(':') {
        Some((host, port))
            if !host.is_empty()
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && !authority.ends_with(']') =>
        {
            host
        }
        _ => authority,
    };
    matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

/// Whether a request naming this host (a `Host` header or request authority,
/// `host[:port]`) may be served: a loopback name or one listed in `hosts`.
pub fn host_ok(hosts: &Hosts, value: &str) -> bool {
    let value = value.trim().to_ascii_lowercase();
    let Some((host, port)) = split_host(&value) else {
        return false;
    };
    let host = host.strip_suffix('.').unwrap_or(host);
    let loopback = host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    loopback
        || hosts.0.iter().any(|entry| match split_host(entry) {
            Some((h, None)) => h == host,
            Some((h, Some(p))) => h == host && Some(p) == port,
            None => false,
        })
}

/// `host[:port]` into its host and port; `None` if the port is not digits
/// or a bracketed IPv6 literal is not closed.
fn split_host(value: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if value.starts_with('[') {
        let end = value.find(']')? + 1;
        match &value[end..] {
            "" => (&value[..end], None),
            rest => (&value[..end], Some(rest.strip_prefix(':')?)),
        }
    } else {
        match value.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (value, None),
        }
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && port_ok).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn bearer() -> Auth {
        Auth::Bearer(Secret::new("s3cret-token-0123456789"))
    }

    #[test]
    fn only_the_configured_bearer_token_passes() {
        assert!(bearer_ok(&bearer(), Some("Bearer s3cret-token-0123456789")));
        assert!(bearer_ok(
            &bearer(),
            Some("bearer  s3cret-token-0123456789 ")
        ));
        for bad in [
            None,
            Some(""),
            Some("Bearer"),
            Some("Bearer "),
            Some("Basic s3cret-token-0123456789"),
            Some("Bearer s3cret-token-012345678"),
            Some("Bearer s3cret-token-01234567890"),
            Some("s3cret-token-0123456789"),
        ] {
            assert!(!bearer_ok(&bearer(), bad), "{bad:?}");
        }
    }

    #[test]
    fn no_configured_token_refuses_everyone_and_none_admits_everyone() {
        assert!(!bearer_ok(
            &Auth::Missing,
            Some("Bearer anything-at-all-here")
        ));
        assert!(bearer_ok(&Auth::None, None));
    }

    #[test]
    fn loopback_origins_pass_by_default_and_others_do_not() {
        for ok in [
            None,
            Some("http://localhost"),
            Some("http://127.0.0.1:6274"),
            Some("https://[::1]:8443"),
            Some("http://LOCALHOST:3000/"),
        ] {
            assert!(origin_ok(&Origins::Loopback, ok), "{ok:?}");
        }
        for bad in [
            Some("null"),
            Some("http://evil.example"),
            Some("http://localhost.evil.example"),
            Some("http://127.0.0.1.nip.io:80"),
            Some("file://"),
            Some("http://[::1]evil"),
        ] {
            assert!(!origin_ok(&Origins::Loopback, bad), "{bad:?}");
        }
    }

    #[test]
    fn a_configured_list_replaces_the_loopback_default() {
        let list = Origins::List(vec!["https://app.example.com".into()]);
        assert!(origin_ok(&list, Some("https://App.example.com")));
        assert!(!origin_ok(&list, Some("http://localhost")));
        assert!(!origin_ok(&list, Some("https://app.example.com:444")));
    }

    #[test]
    fn loopback_hosts_pass_and_rebinding_names_do_not() {
        let none = Hosts::default();
        for ok in [
            "localhost",
            "LOCALHOST:8080",
            "localhost.:80",
            "127.0.0.1",
            "127.0.0.1:8080",
            "127.1.2.3:9",
            "[::1]",
            "[::1]:8080",
        ] {
            assert!(host_ok(&none, ok), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "127.0.0.1:",
            "127.0.0.1:80:80",
            "127.0.0.1:x",
            "0.0.0.0:8080",
            "10.0.0.1",
            "[::1",
            "[::1]x",
            "[::2]:80",
            "localhost@evil.example",
        ] {
            assert!(!host_ok(&none, bad), "{bad}");
        }
    }

    #[test]
    fn listed_hosts_pass_with_any_port_or_the_listed_one() {
        let hosts = Hosts(vec!["mcp.internal".into(), "box.lan:8080".into()]);
        for ok in [
            "mcp.internal",
            "MCP.internal:9000",
            "box.lan:8080",
            "localhost:1",
        ] {
            assert!(host_ok(&hosts, ok), "{ok}");
        }
        for bad in [
            "box.lan",
            "box.lan:8081",
            "evil.mcp.internal",
            "mcp.internal.evil",
        ] {
            assert!(!host_ok(&hosts, bad), "{bad}");
        }
    }
}
