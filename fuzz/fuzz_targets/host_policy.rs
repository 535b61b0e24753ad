//! The one URL parser (`hosts::Target`) and the host policy
//! (`HostPolicy::check_url`) on arbitrary text: never panics; what parses has
//! a valid host (lower-case letters, digits, '-', '.', or a bracketed IPv6
//! address), no userinfo, a port in 1..=65535 and a path of visible ASCII
//! without '#', and re-serialises to the input (scheme and host case aside)
//! and re-parses to itself; an accepted URL is exactly its parse (what the
//! sender sends), allowed by the policy, never http under an https API, and
//! with no list on the API host's own port (or under daytona.io for
//! Daytona's cloud); userinfo is refused and never echoed.
#![no_main]

use daytona_tools::hosts::{HostPolicy, Scheme, Target, parse_host_list};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (u8, &str, &str)| {
    let (which, list, text) = input;
    let url = match which >> 4 {
        0 => format!("https://{text}"),
        1 => format!("http://localhost:3000{text}"),
        2 => format!("https://proxy.daytona.io{text}"),
        _ => text.to_string(),
    };

    // 1. The parser alone.
    if let Ok(target) = Target::parse(&url) {
        let host = target.host();
        if let Some(inner) = host.strip_prefix('[') {
            let addr: std::net::Ipv6Addr = inner
                .strip_suffix(']')
                .expect("bracketed")
                .parse()
                .expect("an IPv6 address");
            assert_eq!(host, format!("[{addr}]"), "canonical IPv6");
        } else {
            assert!(!host.is_empty() && host.len() <= 253, "{host:?}");
            assert!(
                host.split('.').all(|l| !l.is_empty()
                    && l.len() <= 63
                    && l.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')),
                "{host:?}"
            );
        }
        assert_ne!(target.port(), 0);
        let path = target.path_and_query();
        assert!(path.starts_with('/'), "{path:?}");
        assert!(
            path.bytes().all(|b| b.is_ascii_graphic() && b != b'#'),
            "{path:?}"
        );
        // No userinfo: nothing before the path holds an '@'.
        let rest = url.split_once("://").expect("scheme").1;
        let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
        assert!(!authority.contains('@'), "{url:?}");
        // What is sent is what was written.
        let sent = target.to_string();
        assert_eq!(Target::parse(&sent).as_ref(), Ok(&target), "{sent:?}");
        if !host.starts_with('[') {
            let written = if rest.contains('/') {
                url.clone()
            } else {
                format!("{url}/")
            };
            assert!(sent.eq_ignore_ascii_case(&written), "{sent:?} {written:?}");
            assert!(url.ends_with(path) || path == "/", "{url:?}");
        }
    }

    // 2. The policy: a few API hosts, with and without a fuzzed list.
    let api = match which & 3 {
        0 => "https://app.daytona.io/api",
        1 => "http://localhost:3000/api",
        2 => "https://x.fly.dev/api",
        _ => "http://[::1]:8080/api",
    };
    let listed = which & 4 != 0;
    let extra = match listed {
        true => match parse_host_list(list) {
            Ok(extra) => extra,
            Err(err) => {
                assert!(err.message.contains("DAYTONA_TOOLBOX_HOSTS"));
                return;
            }
        },
        false => Vec::new(),
    };
    let policy = HostPolicy::new(api, &extra);
    if let Ok(target) = policy.check_url(&url, "the URL") {
        assert_eq!(Target::parse(&url).as_ref(), Ok(&target));
        assert!(policy.allows(&target));
        if api.starts_with("https:") {
            assert_eq!(target.scheme(), Scheme::Https, "{url:?}");
        }
        if !listed {
            let (host, port) = (target.host(), target.port());
            let api_target = Target::parse(api).unwrap();
            let own = host == api_target.host() && port == api_target.port();
            let cloud = api_target.host().ends_with(".daytona.io")
                && host.ends_with(".daytona.io")
                && port == 443;
            assert!(own || cloud, "{url:?} accepted for {api}");
        }
    }
    // A URL with userinfo is refused, and the userinfo is never echoed.
    for secret_url in [
        format!("https://zq9secretzq9@{text}"),
        format!("https://app.daytona.io:zq9secretzq9@{text}"),
    ] {
        let err = policy
            .check_url(&secret_url, "the URL")
            .expect_err("userinfo is refused");
        let shown = format!("{} {}", err.message, err.hint.unwrap_or_default());
        assert!(!shown.contains("zq9secretzq9"), "{shown}");
    }
});
