//! The one URL parser: what the host policy checks is exactly what the sender
//! sends. Every request (API and toolbox) is parsed here once; the policy
//! decides on the [`Target`] and [`crate::wasi_http`] sends its parts.
//!
//! Stricter than a browser on purpose: the authority runs to the first `/` and
//! holds only a host and an optional port, so `https://a.daytona.io?@evil/`
//! and `https://evil\.daytona.io/`, which parsers disagree on, are refused
//! rather than read one way here and another way by a host or proxy.

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain http, default port 80.
    Http,
    /// https, default port 443.
    Https,
}

impl Scheme {
    /// The port a URL without one uses.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }

    /// `http` or `https`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Why a URL is not a [`Target`]; [`UrlError::reason`] says it in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// Not `http://` or `https://`.
    NotHttp,
    /// Nothing between `://` and the path.
    NoHost,
    /// `user[:password]@` before the host.
    Userinfo,
    /// A host that is neither a DNS name / IPv4 address nor a bracketed IPv6 literal.
    BadHost,
    /// A port that is not a number in 1..=65535.
    BadPort,
    /// A path or query with a fragment, a space, a control or non-ASCII character.
    BadPath,
}

impl UrlError {
    /// What is wrong, without repeating the URL (it may carry a secret).
    pub fn reason(self) -> &'static str {
        match self {
            UrlError::NotHttp => "is not an http(s) URL",
            UrlError::NoHost => "has no host",
            UrlError::Userinfo => "carries a user name or password (an '@' before the path)",
            UrlError::BadHost => {
                "has a host with characters other than letters, digits, '-' and '.' (or a bracketed IPv6 address)"
            }
            UrlError::BadPort => "has a port that is not a number from 1 to 65535",
            UrlError::BadPath => {
                "has a path with a '#', a space, a control or a non-ASCII character"
            }
        }
    }
}

/// An absolute http(s) URL, checked: a valid host (lower case; IPv6 bracketed
/// and in its canonical form), no userinfo, an optional port, and a path and
/// query of visible ASCII (no fragment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
    path: String,
}

impl Target {
    /// Parse `url`; an error says which part is wrong.
    pub fn parse(url: &str) -> Result<Target, UrlError> {
        let (scheme, rest) = url.split_once("://").ok_or(UrlError::NotHttp)?;
        let scheme = if scheme.eq_ignore_ascii_case("https") {
            Scheme::Https
        } else if scheme.eq_ignore_ascii_case("http") {
            Scheme::Http
        } else {
            return Err(UrlError::NotHttp);
        };
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if authority.contains('@') {
            return Err(UrlError::Userinfo);
        }
        if authority.is_empty() {
            return Err(UrlError::NoHost);
        }
        let (host, port) = split_port(authority)?;
        let host = parse_host(host).ok_or(UrlError::BadHost)?;
        if !path.bytes().all(|b| b.is_ascii_graphic() && b != b'#') {
            return Err(UrlError::BadPath);
        }
        Ok(Target {
            scheme,
            host,
            port,
            path: if path.is_empty() { "/" } else { path }.to_string(),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host: lower case, IPv6 in brackets.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port: the URL's, or its scheme's default.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(self.scheme.default_port())
    }

    /// The port as the URL wrote it, if it did.
    pub fn explicit_port(&self) -> Option<u16> {
        self.port
    }

    /// `host` or `host:port` (as written), for the request's authority.
    pub fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// The path and query, starting with `/`.
    pub fn path_and_query(&self) -> &str {
        &self.path
    }
}

impl std::fmt::Display for Target {
    /// The URL as sent: `scheme://authority/path?query`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}{}",
            self.scheme.as_str(),
            self.authority(),
            self.path
        )
    }
}

/// Split `host[:port]` (`[v6][:port]`); the host is not yet checked.
fn split_port(authority: &str) -> Result<(&str, Option<u16>), UrlError> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']').ok_or(UrlError::BadHost)? + 1;
        let (host, rest) = authority.split_at(end);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':').ok_or(UrlError::BadHost)?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => Some(parse_port(p).ok_or(UrlError::BadPort)?),
    };
    Ok((host, port))
}

/// 1..=65535, digits only, no leading zero: one spelling per port, so the
/// authority sent is the one written.
fn parse_port(text: &str) -> Option<u16> {
    if text.starts_with('0') || text.len() > 5 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse::<u16>().ok()
}

/// The host in its canonical form: a DNS name or IPv4 address in lower case,
/// or a bracketed IPv6 address as `std` prints it.
fn parse_host(host: &str) -> Option<String> {
    if let Some(inner) = host.strip_prefix('[') {
        let addr: std::net::Ipv6Addr = inner.strip_suffix(']')?.parse().ok()?;
        return Some(format!("[{addr}]"));
    }
    is_host_name(host).then(|| host.to_ascii_lowercase())
}

/// Letters, digits, `-` and `.`, non-empty labels of at most 63 bytes, at most
/// 253 bytes in all: a DNS name or IPv4 address.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (Scheme, String, u16, String) {
        let t = Target::parse(url).unwrap();
        (
            t.scheme(),
            t.host().to_string(),
            t.port(),
            t.path_and_query().to_string(),
        )
    }

    #[test]
    fn urls_parse_into_scheme_host_port_and_path() {
        assert_eq!(
            parts("https://App.Daytona.IO/api/sandbox?limit=1"),
            (
                Scheme::Https,
                "app.daytona.io".into(),
                443,
                "/api/sandbox?limit=1".into()
            )
        );
        assert_eq!(
            parts("HTTP://127.0.0.1:3000"),
            (Scheme::Http, "127.0.0.1".into(), 3000, "/".into())
        );
        assert_eq!(
            parts("http://[0:0::1]:8080/x"),
            (Scheme::Http, "[::1]".into(), 8080, "/x".into())
        );
        let t = Target::parse("http://localhost:3000/api/x?y=%20").unwrap();
        assert_eq!(t.authority(), "localhost:3000");
        assert_eq!(t.to_string(), "http://localhost:3000/api/x?y=%20");
        assert_eq!(
            Target::parse("https://h").unwrap().to_string(),
            "https://h/"
        );
    }

    #[test]
    fn ambiguous_and_malformed_urls_are_refused() {
        for (url, why) in [
            ("ftp://h/", UrlError::NotHttp),
            ("https:/h/", UrlError::NotHttp),
            ("javascript://h/", UrlError::NotHttp),
            ("https:///x", UrlError::NoHost),
            ("https://u:pw@h/", UrlError::Userinfo),
            ("https://proxy.daytona.io?@evil.com/", UrlError::Userinfo),
            ("https://proxy.daytona.io@evil.com/", UrlError::Userinfo),
            ("https://evil.com\\.daytona.io/", UrlError::BadHost),
            ("https://proxy.daytona.io?x=1", UrlError::BadHost),
            ("https://proxy.daytona.io#frag", UrlError::BadHost),
            ("https://a..b/", UrlError::BadHost),
            ("https://a b/", UrlError::BadHost),
            ("https://ex%61mple.com/", UrlError::BadHost),
            ("https://exämple.com/", UrlError::BadHost),
            ("https://[::1/", UrlError::BadHost),
            ("https://[::1]x/", UrlError::BadHost),
            ("https://[evil.com]/", UrlError::BadHost),
            ("https://h:/", UrlError::BadPort),
            ("https://h:0/", UrlError::BadPort),
            ("https://h:0443/", UrlError::BadPort),
            ("https://h:65536/", UrlError::BadPort),
            ("https://h:+80/", UrlError::BadPort),
            ("https://h:80:80/", UrlError::BadPort),
            ("https://h/x#frag", UrlError::BadPath),
            ("https://h/a b", UrlError::BadPath),
            ("https://h/a\nb", UrlError::BadPath),
        ] {
            assert_eq!(Target::parse(url), Err(why), "{url:?}");
        }
    }
}
