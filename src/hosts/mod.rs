//! Where a credential may be sent: the API host on its port, hosts under
//! `daytona.io` when the API is Daytona's cloud, and what the operator lists
//! in `DAYTONA_TOOLBOX_HOSTS`.
//!
//! A sandbox's `toolboxProxyUrl` comes from Daytona's answer, so it is
//! untrusted: a tampered or misconfigured answer must not be able to send the
//! API key or JWT elsewhere. Only Daytona's own cloud gets a parent domain:
//! for any other API host, a neighbour under the same domain (another tenant
//! of `*.fly.dev`, another customer's `*.elb.amazonaws.com` balancer) is a
//! stranger. Ports count too, or a URL on the API host's other port would
//! reach a local service (`http://localhost:6379`) with the key.
//!
//! [`HostPolicy::check_url`] decides on the one parse of the URL ([`Target`])
//! that the sender then sends; [`HostPolicy::allowlist`] gives the same
//! decision as patterns, for a host runtime's outbound allowlist (host-test's
//! CLI uses it).

mod target;

use crate::error::{Error, ErrorKind, scrub};
pub use target::{Scheme, Target, UrlError};

/// The variable that lists extra toolbox hosts.
pub const TOOLBOX_HOSTS_VAR: &str = "DAYTONA_TOOLBOX_HOSTS";

/// Daytona's cloud: an API host at or under it trusts every host under it
/// (its toolbox proxy is `proxy.app.daytona.io`).
pub const DAYTONA_CLOUD_DOMAIN: &str = "daytona.io";

/// Which hosts a [`HostPattern`] names. Lower case; IPv6 bracketed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostName {
    /// Exactly this host.
    Exact(String),
    /// Any host whose name ends in `.` + this domain.
    Under(String),
}

/// A host pattern: `host`, `*.domain` (any host strictly under it), each with
/// an optional `:port`. Without a port it means the URL scheme's default port
/// only (443 for https, 80 for http): another port must be named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    /// The hosts.
    pub name: HostName,
    /// The port; `None`: the scheme's default.
    pub port: Option<u16>,
}

impl HostPattern {
    /// Parse `host[:port]` or `*.domain[:port]`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<HostPattern, String> {
        let text = text.trim();
        let (wild, rest) = match text.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        // The URL parser reads it, so a pattern means what a URL's authority does.
        let parsed = match rest.contains('/') {
            true => Err(UrlError::BadHost),
            false => Target::parse(&format!("http://{rest}/")),
        };
        let target = parsed.map_err(|_| {
            format!(
                "'{}' is not a host or host:port (letters, digits, '-', '.', or a bracketed IPv6 \
                 address; optionally starting with '*.' and ending with ':port')",
                scrub(text, &[])
            )
        })?;
        let host = target.host().to_string();
        if wild && (!host.contains('.') || host.starts_with('[')) {
            return Err(format!(
                "'*.{host}' would allow a whole top-level domain; name a domain with at least two labels"
            ));
        }
        Ok(HostPattern {
            name: if wild {
                HostName::Under(host)
            } else {
                HostName::Exact(host)
            },
            port: target.explicit_port(),
        })
    }

    /// Whether a parsed URL's host and port match.
    pub fn matches(&self, target: &Target) -> bool {
        let host = target.host();
        let host_ok = match &self.name {
            HostName::Exact(h) => host == h,
            HostName::Under(d) => host
                .strip_suffix(d.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.')),
        };
        let port = self.port.unwrap_or(target.scheme().default_port());
        host_ok && target.port() == port
    }
}

impl std::fmt::Display for HostPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.name {
            HostName::Exact(h) => f.write_str(h)?,
            HostName::Under(d) => write!(f, "*.{d}")?,
        }
        match self.port {
            Some(port) => write!(f, ":{port}"),
            None => Ok(()),
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
                        "set {TOOLBOX_HOSTS_VAR} to a comma list like proxy.example.com,proxy.localhost:4000,*.sandboxes.example.com"
                    ),
                )
            })
        })
        .collect()
}

/// Whether `host` is Daytona's cloud domain or under it.
fn is_daytona_cloud(host: &str) -> bool {
    host == DAYTONA_CLOUD_DOMAIN
        || host
            .strip_suffix(DAYTONA_CLOUD_DOMAIN)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// The hosts a credential may go to, from the API URL and `DAYTONA_TOOLBOX_HOSTS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPolicy {
    https_api: bool,
    patterns: Vec<HostPattern>,
}

impl HostPolicy {
    /// The policy for an API URL (already validated) and the extra toolbox
    /// hosts. An API URL that does not parse allows nothing of its own.
    pub fn new(api_url: &str, extra: &[HostPattern]) -> HostPolicy {
        let mut patterns = Vec::new();
        let mut https_api = true;
        if let Ok(api) = Target::parse(api_url) {
            https_api = api.scheme() == Scheme::Https;
            let port = Some(api.port());
            patterns.push(HostPattern {
                name: HostName::Exact(api.host().to_string()),
                port,
            });
            if is_daytona_cloud(api.host()) {
                patterns.push(HostPattern {
                    name: HostName::Under(DAYTONA_CLOUD_DOMAIN.to_string()),
                    port,
                });
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

    /// The accepted hosts as patterns (`host:port`, `*.domain:port`, and the
    /// listed ones as written: without a port, the scheme's default), API host first.
    pub fn allowlist(&self) -> Vec<String> {
        self.patterns.iter().map(ToString::to_string).collect()
    }

    /// Whether a parsed URL's host and port are accepted (the scheme rule aside).
    pub fn allows(&self, target: &Target) -> bool {
        self.patterns.iter().any(|p| p.matches(target))
    }

    /// Parse `url` and refuse it unless it is http(s) without userinfo, with
    /// a valid host, not http while the API is https, and to a host and port
    /// the policy accepts. The [`Target`] returned is what is sent. `what`
    /// names the URL's origin for the message (e.g. "the sandbox's
    /// toolboxProxyUrl"); the URL itself is never echoed (it may carry a secret).
    pub fn check_url(&self, url: &str, what: &str) -> Result<Target, Error> {
        let target = Target::parse(url).map_err(|why| {
            Error::new(
                ErrorKind::Upstream,
                format!("{what} {}; nothing was sent", why.reason()),
            )
            .with_hint(
                "check DAYTONA_API_URL and the Daytona deployment's proxy settings; \
                 a toolbox URL is a plain https://host[:port]/path",
            )
        })?;
        let host = target.host();
        if self.https_api && target.scheme() != Scheme::Https {
            return Err(Error::new(
                ErrorKind::Upstream,
                format!("{what} for host '{host}' is not https while the API is; nothing was sent"),
            )
            .with_hint("check DAYTONA_API_URL; Daytona's toolbox proxy URLs are https"));
        }
        if !self.allows(&target) {
            let port = target.port();
            return Err(Error::config(
                format!(
                    "{what} names host '{host}' on port {port}, which is not the API host on its port \
                     or listed in {TOOLBOX_HOSTS_VAR} (accepted: {}); nothing was sent, so no credential left",
                    self.allowlist().join(", ")
                ),
                format!(
                    "if '{host}:{port}' is your Daytona deployment's toolbox proxy, add it to {TOOLBOX_HOSTS_VAR} \
                     (a comma list of host, host:port, *.domain or *.domain:port; without a port, only \
                     443 for https and 80 for http)"
                ),
            ));
        }
        Ok(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(api: &str, extra: &str) -> HostPolicy {
        HostPolicy::new(api, &parse_host_list(extra).unwrap())
    }

    fn refused(p: &HostPolicy, url: &str) -> Error {
        p.check_url(url, "url")
            .expect_err(&format!("{url} should be refused"))
    }

    #[test]
    fn daytona_cloud_trusts_its_own_domain_on_its_port() {
        let p = policy("https://app.daytona.io/api", "");
        assert_eq!(p.allowlist(), ["app.daytona.io:443", "*.daytona.io:443"]);
        for ok in [
            "https://app.daytona.io/toolbox",
            "https://proxy.app.daytona.io/toolbox",
            "https://PROXY.Daytona.IO:443/toolbox",
        ] {
            let target = p.check_url(ok, "url").unwrap();
            assert_eq!(target.port(), 443, "{ok}");
        }
        for bad in [
            "https://daytona.io.evil.example/toolbox",
            "https://evildaytona.io/toolbox",
            "https://evil.example/daytona.io",
            "https://daytona.io/toolbox",
            "https://proxy.daytona.io:8443/toolbox",
            "https://app.daytona.io:444/toolbox",
        ] {
            let err = refused(&p, bad);
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains(TOOLBOX_HOSTS_VAR), "{}", err.message);
        }
        // An API host at the cloud domain itself trusts what is under it.
        let p = policy("https://daytona.io/api", "");
        assert_eq!(p.allowlist(), ["daytona.io:443", "*.daytona.io:443"]);
    }

    #[test]
    fn other_api_hosts_trust_no_neighbour() {
        for (api, neighbour) in [
            ("https://x.fly.dev/api", "https://evil.fly.dev/toolbox"),
            (
                "https://daytona.mycompany.com/api",
                "https://intranet.mycompany.com/toolbox",
            ),
            (
                "https://my-lb-1.us-east-1.elb.amazonaws.com/api",
                "https://their-lb-2.us-east-1.elb.amazonaws.com/toolbox",
            ),
            ("https://api.example.co.uk/api", "https://x.example.co.uk/"),
            (
                "https://daytona.io.evil.example/api",
                "https://proxy.daytona.io/",
            ),
        ] {
            let p = policy(api, "");
            assert_eq!(p.allowlist().len(), 1, "{api}: {:?}", p.allowlist());
            let err = refused(&p, neighbour);
            assert_eq!(err.kind, ErrorKind::Config, "{neighbour}");
            // The API host itself still is.
            let own = format!("{api}/toolbox");
            assert!(p.check_url(&own, "url").is_ok(), "{own}");
        }
    }

    #[test]
    fn ports_count() {
        let p = policy("http://localhost:3000/api", "");
        assert_eq!(p.allowlist(), ["localhost:3000"]);
        assert!(p.check_url("http://localhost:3000/toolbox", "u").is_ok());
        let err = refused(&p, "http://localhost:6379/toolbox");
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("port 6379"), "{}", err.message);
        assert!(
            err.hint.as_deref().unwrap().contains("'localhost:6379'"),
            "{err:?}"
        );
        refused(&p, "http://localhost/toolbox");
        // An API without a port is on its scheme's default.
        let p = policy("http://127.0.0.1/api", "");
        assert_eq!(p.allowlist(), ["127.0.0.1:80"]);
        assert!(p.check_url("http://127.0.0.1:80/x", "u").is_ok());
        refused(&p, "http://127.0.0.1:8080/x");
        refused(&p, "https://127.0.0.1/x");
    }

    #[test]
    fn listed_hosts_extend_the_policy_on_their_port() {
        let p = policy(
            "http://localhost:3000/api",
            "proxy.localhost:4000, toolbox.internal, *.sandboxes.example.com, *.any.example:8080, [::1]:9000",
        );
        assert_eq!(
            p.allowlist(),
            [
                "localhost:3000",
                "proxy.localhost:4000",
                "toolbox.internal",
                "*.sandboxes.example.com",
                "*.any.example:8080",
                "[::1]:9000"
            ]
        );
        for ok in [
            "http://proxy.localhost:4000/toolbox",
            "http://toolbox.internal/x",
            "https://toolbox.internal/x",
            "http://toolbox.internal:80/x",
            "http://a.sandboxes.example.com/x",
            "http://a.any.example:8080/x",
            "http://[0::1]:9000/x",
        ] {
            assert!(p.check_url(ok, "u").is_ok(), "{ok}");
        }
        for bad in [
            "http://proxy.localhost/toolbox",
            "http://proxy.localhost:4001/toolbox",
            "http://toolbox.internal:8080/x",
            "https://toolbox.internal:80/x",
            "http://sandboxes.example.com/x",
            "http://a.any.example/x",
            "http://[::1]:9001/x",
            "http://[::2]:9000/x",
            "http://127.0.0.2:3000/x",
        ] {
            assert_eq!(refused(&p, bad).kind, ErrorKind::Config, "{bad}");
        }
    }

    #[test]
    fn userinfo_bad_hosts_non_http_and_downgrades_are_refused() {
        let p = policy("https://app.daytona.io/api", "");
        for bad in [
            "https://user:pw@proxy.daytona.io/toolbox",
            "https://proxy.daytona.io@evil.example/toolbox",
            "https://proxy.daytona.io?@evil.com/",
            "https://evil.com\\.daytona.io/",
            "https://evil.example?x=.daytona.io",
            "http://proxy.daytona.io/toolbox",
            "file:///etc/passwd",
            "https:///nohost",
        ] {
            assert_eq!(refused(&p, bad).kind, ErrorKind::Upstream, "{bad}");
        }
        let err = refused(&p, "https://proxy.daytona.io?@evil.com/");
        assert!(err.message.contains("user name or password"), "{err:?}");
        let err = refused(&p, "https://evil.com\\.daytona.io/");
        assert!(err.message.contains("host with characters"), "{err:?}");
        let err = refused(&p, "https://u:secretpw@proxy.daytona.io/");
        assert!(!err.message.contains("secretpw"), "{}", err.message);
        assert!(!format!("{err:?}").contains("secretpw"));
    }

    #[test]
    fn the_target_checked_is_the_target_sent() {
        let p = policy("https://app.daytona.io/api", "");
        let t = p
            .check_url(
                "https://Proxy.App.Daytona.io/toolbox/id/files?path=%2Fa",
                "u",
            )
            .unwrap();
        assert_eq!(t.scheme(), Scheme::Https);
        assert_eq!(t.authority(), "proxy.app.daytona.io");
        assert_eq!(t.path_and_query(), "/toolbox/id/files?path=%2Fa");
        assert!(p.allows(&t));
    }

    #[test]
    fn bad_lists_are_config_errors_naming_the_variable() {
        for bad in [
            "*.io",
            "host with space",
            "a..b",
            "https://x",
            "x/y",
            "u@x",
            "x:0",
            "x:70000",
            "x:",
            "*.[::1]",
            "ex\\ample.com",
        ] {
            let err = parse_host_list(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains(TOOLBOX_HOSTS_VAR));
        }
        assert_eq!(
            parse_host_list(" A.Example:8443 ,, *.B.example ").unwrap(),
            [
                HostPattern {
                    name: HostName::Exact("a.example".into()),
                    port: Some(8443)
                },
                HostPattern {
                    name: HostName::Under("b.example".into()),
                    port: None
                }
            ]
        );
    }
}
