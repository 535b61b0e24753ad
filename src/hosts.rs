//! Where a credential may be sent: the API host, hosts under its parent
//! domain, and hosts the operator lists in `DAYTONA_TOOLBOX_HOSTS`.
//!
//! A sandbox's `toolboxProxyUrl` comes from Daytona's answer, so it is
//! untrusted: a tampered or misconfigured answer must not be able to send the
//! API key or JWT elsewhere. [`HostPolicy::check_url`] decides before anything
//! is sent; [`HostPolicy::allowlist`] gives the same decision as host patterns,
//! for a host runtime's outbound allowlist (host-test's CLI uses it).

use crate::error::{Error, ErrorKind, scrub};

/// The variable that lists extra toolbox hosts.
pub const TOOLBOX_HOSTS_VAR: &str = "DAYTONA_TOOLBOX_HOSTS";

/// A host pattern: `example.com` (that host) or `*.example.com` (any host
/// strictly under it). Lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// Exactly this host.
    Exact(String),
    /// Any host whose name ends in `.` + this domain.
    Under(String),
}

impl HostPattern {
    /// Parse `host` or `*.domain`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let text = text.trim().to_ascii_lowercase();
        let (wild, name) = match text.strip_prefix("*.") {
            Some(rest) => (true, rest.to_string()),
            None => (false, text),
        };
        if !is_host_name(&name) {
            return Err(format!(
                "'{}' is not a host name (letters, digits, '-', '.'; optionally starting with '*.')",
                scrub(&name, &[])
            ));
        }
        if wild && !name.contains('.') {
            return Err(format!(
                "'*.{name}' would allow a whole top-level domain; name a domain with at least two labels"
            ));
        }
        Ok(if wild {
            HostPattern::Under(name)
        } else {
            HostPattern::Exact(name)
        })
    }

    /// Whether `host` (any case, no port) matches.
    pub fn matches(&self, host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        match self {
            HostPattern::Exact(h) => host == *h,
            HostPattern::Under(d) => host
                .strip_suffix(d.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.')),
        }
    }
}

impl std::fmt::Display for HostPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HostPattern::Exact(h) => f.write_str(h),
            HostPattern::Under(d) => write!(f, "*.{d}"),
        }
    }
}

/// Parse `DAYTONA_TOOLBOX_HOSTS`: a comma list of host patterns.
pub fn parse_host_list(value: &str) -> Result<Vec<HostPattern>, Error> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            HostPattern::parse(item).map_err(|why| {
                Error::config(
                    format!("{TOOLBOX_HOSTS_VAR}: {why}"),
                    format!(
                        "set {TOOLBOX_HOSTS_VAR} to a comma list like proxy.example.com,*.sandboxes.example.com"
                    ),
                )
            })
        })
        .collect()
}

/// The parts of an absolute http(s) URL this policy looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// `http` or `https`.
    pub scheme: &'a str,
    /// The host, without port or brackets' content changed (IPv6 keeps its brackets).
    pub host: &'a str,
    /// Whether the authority carries `user[:password]@`.
    pub userinfo: bool,
}

/// Split an absolute http(s) URL; `None` when it is not one.
pub fn url_parts(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((_, hp)) => (true, hp),
        None => (false, authority),
    };
    let host = if hostport.starts_with('[') {
        &hostport[..=hostport.find(']')?]
    } else {
        hostport.split(':').next().unwrap_or_default()
    };
    (!host.is_empty()).then_some(UrlParts {
        scheme,
        host,
        userinfo,
    })
}

/// Letters, digits, `-` and `.`, non-empty labels: a DNS name or IPv4 address.
fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Second-level labels under which registrable names sit in many country
/// domains (`example.co.uk`): never treated as a shared parent domain.
const GENERIC_SECOND_LEVEL: &[&str] = &["co", "com", "net", "org", "gov", "edu", "ac", "or", "ne"];

/// The domain an API host shares with its toolbox proxy: the host without its
/// first label (`app.daytona.io` → `daytona.io`), when that is still a
/// registrable-looking domain. `None` for IP addresses, single-label hosts,
/// two-label hosts (their parent would be a top-level domain) and parents like
/// `co.uk`.
pub fn parent_domain(host: &str) -> Option<String> {
    let host = host.to_ascii_lowercase();
    if host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let (_, parent) = host.split_once('.')?;
    let labels: Vec<&str> = parent.split('.').collect();
    if labels.len() < 2 || !is_host_name(parent) {
        return None;
    }
    let generic =
        labels.len() == 2 && labels[1].len() == 2 && GENERIC_SECOND_LEVEL.contains(&labels[0]);
    (!generic).then(|| parent.to_string())
}

/// The hosts a credential may go to, from the API URL and `DAYTONA_TOOLBOX_HOSTS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPolicy {
    https_api: bool,
    patterns: Vec<HostPattern>,
}

impl HostPolicy {
    /// The policy for an API URL (already validated) and the extra toolbox hosts.
    pub fn new(api_url: &str, extra: &[HostPattern]) -> HostPolicy {
        let mut patterns = Vec::new();
        let mut https_api = true;
        if let Some(parts) = url_parts(api_url) {
            https_api = parts.scheme.eq_ignore_ascii_case("https");
            patterns.push(HostPattern::Exact(parts.host.to_ascii_lowercase()));
            if let Some(parent) = parent_domain(parts.host) {
                patterns.push(HostPattern::Under(parent));
            }
        }
        for p in extra {
            if !patterns.contains(p) {
                patterns.push(p.clone());
            }
        }
        HostPolicy {
            https_api,
            patterns,
        }
    }

    /// The accepted hosts as patterns (`host`, `*.domain`), API host first.
    pub fn allowlist(&self) -> Vec<String> {
        self.patterns.iter().map(ToString::to_string).collect()
    }

    /// Whether a host (no port) is accepted.
    pub fn allows_host(&self, host: &str) -> bool {
        self.patterns.iter().any(|p| p.matches(host))
    }

    /// Refuse a toolbox URL that is not http(s), carries userinfo, downgrades
    /// an https API to http, or names a host outside the policy. `what` names
    /// the URL's origin for the message (e.g. "the sandbox's toolboxProxyUrl").
    pub fn check_url(&self, url: &str, what: &str) -> Result<(), Error> {
        let Some(parts) = url_parts(url) else {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!("{what} is not an http(s) URL with a host; nothing was sent"),
            )
            .with_hint("check DAYTONA_API_URL; Daytona's toolbox proxy URLs are https"));
        };
        let host = scrub(parts.host, &[]);
        if parts.userinfo {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!(
                    "{what} for host '{host}' carries a user name or password; nothing was sent"
                ),
            )
            .with_hint(
                "a toolbox URL never needs userinfo; check the Daytona deployment's proxy settings",
            ));
        }
        if self.https_api && !parts.scheme.eq_ignore_ascii_case("https") {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!("{what} for host '{host}' is not https while the API is; nothing was sent"),
            )
            .with_hint("check DAYTONA_API_URL; Daytona's toolbox proxy URLs are https"));
        }
        if !self.allows_host(parts.host) {
            return Err(Error::config(
                format!(
                    "{what} names host '{host}', which is not the API host, under its domain, or listed in \
                     {TOOLBOX_HOSTS_VAR} (accepted: {}); nothing was sent, so no credential left",
                    self.allowlist().join(", ")
                ),
                format!(
                    "if '{host}' is your Daytona deployment's toolbox proxy, add it to {TOOLBOX_HOSTS_VAR} \
                     (a comma list of hosts or *.domain patterns)"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(api: &str, extra: &str) -> HostPolicy {
        HostPolicy::new(api, &parse_host_list(extra).unwrap())
    }

    #[test]
    fn the_api_host_and_its_parent_domain_are_accepted() {
        let p = policy("https://app.daytona.io/api", "");
        assert_eq!(p.allowlist(), ["app.daytona.io", "*.daytona.io"]);
        for ok in [
            "https://app.daytona.io/toolbox",
            "https://proxy.app.daytona.io/toolbox",
            "https://PROXY.Daytona.IO:443/toolbox",
        ] {
            assert!(p.check_url(ok, "url").is_ok(), "{ok}");
        }
        for bad in [
            "https://daytona.io.evil.example/toolbox",
            "https://evildaytona.io/toolbox",
            "https://evil.example/daytona.io",
            "https://evil.example?x=.daytona.io",
            "https://daytona.io/toolbox",
        ] {
            let err = p.check_url(bad, "url").unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains(TOOLBOX_HOSTS_VAR), "{}", err.message);
        }
    }

    #[test]
    fn userinfo_non_http_and_downgrades_are_refused() {
        let p = policy("https://app.daytona.io/api", "");
        for bad in [
            "https://user:pw@proxy.daytona.io/toolbox",
            "https://proxy.daytona.io@evil.example/toolbox",
            "http://proxy.daytona.io/toolbox",
            "file:///etc/passwd",
            "https:///nohost",
        ] {
            assert!(p.check_url(bad, "url").is_err(), "{bad}");
        }
        let err = p
            .check_url("https://u:secretpw@proxy.daytona.io/", "url")
            .unwrap_err();
        assert!(!err.message.contains("secretpw"), "{}", err.message);
    }

    #[test]
    fn listed_hosts_extend_the_policy() {
        let p = policy(
            "http://127.0.0.1:3000/api",
            "toolbox.internal, *.sandboxes.example.com",
        );
        assert_eq!(
            p.allowlist(),
            ["127.0.0.1", "toolbox.internal", "*.sandboxes.example.com"]
        );
        assert!(p.check_url("http://127.0.0.1:3000/toolbox", "u").is_ok());
        assert!(p.check_url("http://127.0.0.1:9/toolbox", "u").is_ok());
        assert!(p.check_url("http://toolbox.internal/x", "u").is_ok());
        assert!(p.check_url("http://a.sandboxes.example.com/x", "u").is_ok());
        assert!(p.check_url("http://sandboxes.example.com/x", "u").is_err());
        assert!(p.check_url("http://127.0.0.2/x", "u").is_err());
    }

    #[test]
    fn parent_domains_stop_short_of_public_suffixes() {
        assert_eq!(
            parent_domain("app.daytona.io").as_deref(),
            Some("daytona.io")
        );
        assert_eq!(
            parent_domain("api.example.co.uk").as_deref(),
            Some("example.co.uk")
        );
        assert_eq!(parent_domain("example.co.uk"), None);
        assert_eq!(parent_domain("daytona.io"), None);
        assert_eq!(parent_domain("localhost"), None);
        assert_eq!(parent_domain("10.0.0.1"), None);
        assert_eq!(parent_domain("[::1]"), None);
    }

    #[test]
    fn bad_lists_are_config_errors_naming_the_variable() {
        for bad in ["*.io", "host with space", "a..b", "https://x"] {
            let err = parse_host_list(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains(TOOLBOX_HOSTS_VAR));
        }
    }

    #[test]
    fn urls_split_into_scheme_host_and_userinfo() {
        let p = url_parts("https://u@[::1]:8080/x").unwrap();
        assert_eq!((p.scheme, p.host, p.userinfo), ("https", "[::1]", true));
        let p = url_parts("http://h:1?q").unwrap();
        assert_eq!((p.host, p.userinfo), ("h", false));
        assert!(url_parts("ftp://h/").is_none());
    }
}
