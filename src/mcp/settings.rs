//! The MCP server's own settings, from `DAYTONA_MCP_*` environment variables:
//! the bearer token, the explicit opt-out from it, the allowed browser origins
//! and `Host` names, the endpoint path and the deadline for a request's body.

use crate::env::Env;
use crate::error::Error;
use crate::secret::Secret;
use std::time::Duration;

/// The bearer token clients must send.
pub const TOKEN_VAR: &str = "DAYTONA_MCP_TOKEN";
/// `none` turns authentication off (loopback-only setups).
pub const AUTH_VAR: &str = "DAYTONA_MCP_AUTH";
/// Comma list of origins a browser may call from (`scheme://host[:port]`).
pub const ORIGINS_VAR: &str = "DAYTONA_MCP_ALLOWED_ORIGINS";
/// Comma list of `Host` names (`host[:port]`) served besides the loopback names.
pub const HOSTS_VAR: &str = "DAYTONA_MCP_ALLOWED_HOSTS";
/// How long a request's whole body may take to arrive, in milliseconds.
pub const BODY_TIMEOUT_VAR: &str = "DAYTONA_MCP_BODY_TIMEOUT_MS";
/// The body deadline when none is set.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// The range `DAYTONA_MCP_BODY_TIMEOUT_MS` accepts, in milliseconds.
pub const BODY_TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u64> = 100..=300_000;
/// The endpoint path.
pub const PATH_VAR: &str = "DAYTONA_MCP_PATH";
/// The endpoint path when none is set.
pub const DEFAULT_PATH: &str = "/mcp";
/// Shortest token accepted: a guessable token is no protection.
pub const MIN_TOKEN_LEN: usize = 16;

/// How requests are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// `Authorization: Bearer <token>` is required.
    Bearer(Secret),
    /// Nothing is required (`DAYTONA_MCP_AUTH=none`).
    None,
    /// No token is configured: tools are not served; the error says what to set.
    Missing,
}

/// Which browser origins may call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origins {
    /// Only loopback origins (`http(s)://localhost`, `127.0.0.1`, `[::1]`, any port).
    Loopback,
    /// Exactly these origins (lower-case, no trailing slash).
    List(Vec<String>),
}

/// Which `Host` names are served: the loopback names (`localhost`, `127.x.y.z`,
/// `[::1]`, any port) and these entries (lower-case `host` or `host:port`; a
/// bare host matches any port).
///
/// Checked only with authentication off, where it is what stops DNS rebinding:
/// a page on `evil.example` rebound to 127.0.0.1 sends `Host: evil.example`,
/// and a browser may omit `Origin` on some requests.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hosts(pub Vec<String>);

/// The server's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Authentication.
    pub auth: Auth,
    /// Allowed `Origin` values.
    pub origins: Origins,
    /// `Host` names served with authentication off.
    pub hosts: Hosts,
    /// The endpoint path, e.g. `/mcp`.
    pub path: String,
    /// How long a request's whole body may take to arrive.
    pub body_timeout: Duration,
}

impl Settings {
    /// Read the settings from the environment; blank values count as unset.
    /// A malformed value is a `config` error naming its variable.
    pub fn from_env(env: &Env) -> Result<Self, Error> {
        let token = env.get(TOKEN_VAR);
        let auth = env.get(AUTH_VAR).map(str::to_ascii_lowercase);
        let (origins, path) = (env.get(ORIGINS_VAR), env.get(PATH_VAR));
        let (hosts, body_timeout) = (env.get(HOSTS_VAR), env.get(BODY_TIMEOUT_VAR));
        let auth = match (auth.as_deref(), token) {
            (Some("none"), None) => Auth::None,
            // Both set is a contradiction: serving without the token the
            // operator configured would fail open.
            (Some("none"), Some(_)) => {
                return Err(Error::config(
                    format!("{AUTH_VAR}=none and {TOKEN_VAR} are both set"),
                    format!(
                        "unset {AUTH_VAR} to require the token, or unset {TOKEN_VAR} to turn authentication off"
                    ),
                ));
            }
            (Some("bearer") | None, Some(token)) if token.len() >= MIN_TOKEN_LEN => {
                Auth::Bearer(Secret::new(token))
            }
            (Some("bearer") | None, Some(_)) => {
                return Err(Error::config(
                    format!("{TOKEN_VAR} is shorter than {MIN_TOKEN_LEN} characters"),
                    format!("set {TOKEN_VAR} to a long random string, e.g. `openssl rand -hex 32`"),
                ));
            }
            (Some("bearer") | None, None) => Auth::Missing,
            (Some(_), _) => {
                return Err(Error::config(
                    format!("{AUTH_VAR} must be `bearer` or `none`"),
                    format!(
                        "unset {AUTH_VAR} and set {TOKEN_VAR}, or set {AUTH_VAR}=none for a loopback-only server"
                    ),
                ));
            }
        };
        let origins = match origins {
            None => Origins::Loopback,
            Some(list) => Origins::List(
                list.split(',')
                    .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                    .filter(|o| !o.is_empty())
                    .map(|o| check_origin(&o).map(|()| o))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let hosts = Hosts(
            hosts
                .unwrap_or_default()
                .split(',')
                .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .map(|h| check_host(&h).map(|()| h))
                .collect::<Result<_, _>>()?,
        );
        let body_timeout = match body_timeout {
            None => DEFAULT_BODY_TIMEOUT,
            Some(ms) => match ms.parse::<u64>() {
                Ok(ms) if BODY_TIMEOUT_RANGE_MS.contains(&ms) => Duration::from_millis(ms),
                _ => {
                    return Err(Error::config(
                        format!(
                            "{BODY_TIMEOUT_VAR} must be a whole number of milliseconds from {} to {}",
                            BODY_TIMEOUT_RANGE_MS.start(),
                            BODY_TIMEOUT_RANGE_MS.end()
                        ),
                        format!("unset {BODY_TIMEOUT_VAR} for the default of 10000"),
                    ));
                }
            },
        };
        let path = path.map_or_else(|| DEFAULT_PATH.to_string(), str::to_string);
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(Error::config(
                format!("{PATH_VAR} must be a path starting with `/`"),
                format!("set {PATH_VAR} to e.g. {DEFAULT_PATH}"),
            ));
        }
        Ok(Settings {
            auth,
            origins,
            hosts,
            path,
            body_timeout,
        })
    }
}

/// An allowed origin is `http(s)://host[:port]` with nothing after it.
fn check_origin(origin: &str) -> Result<(), Error> {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(['/', '@', '*', '?', '#']) => Ok(()),
        _ => Err(Error::config(
            format!("{ORIGINS_VAR} has an entry that is not an origin: '{origin}'"),
            "list origins as scheme://host[:port], comma-separated, e.g. https://app.example.com",
        )),
    }
}

/// An allowed host is `host` or `host:port`: no scheme, path, user or wildcard.
fn check_host(host: &str) -> Result<(), Error> {
    let ok = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        && !host.starts_with(':');
    if ok {
        Ok(())
    } else {
        Err(Error::config(
            format!("{HOSTS_VAR} has an entry that is not a host name: '{host}'"),
            "list host names as host or host:port, comma-separated, e.g. mcp.internal:8080",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, Error> {
        Settings::from_env(&Env::from_pairs(vars.iter().copied()))
    }

    #[test]
    fn no_token_means_tools_are_not_served() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.auth, Auth::Missing);
        assert_eq!(s.path, "/mcp");
        assert_eq!(s.origins, Origins::Loopback);
    }

    #[test]
    fn auth_none_is_an_explicit_opt_out() {
        assert_eq!(settings(&[(AUTH_VAR, "none")]).unwrap().auth, Auth::None);
        assert_eq!(settings(&[(AUTH_VAR, "NONE")]).unwrap().auth, Auth::None);
        let err = settings(&[(AUTH_VAR, "off")]).unwrap_err();
        assert!(err.message.contains(AUTH_VAR), "{err:?}");
    }

    #[test]
    fn a_token_and_auth_none_together_are_a_configuration_error() {
        let token = "x".repeat(20);
        for auth in ["none", "NONE"] {
            let err = settings(&[(AUTH_VAR, auth), (TOKEN_VAR, token.as_str())]).unwrap_err();
            assert_eq!(err.kind, crate::error::ErrorKind::Config);
            assert!(err.message.contains(AUTH_VAR) && err.message.contains(TOKEN_VAR));
            assert!(!format!("{err:?}").contains(&token));
        }
        // An empty token counts as unset.
        assert_eq!(
            settings(&[(AUTH_VAR, "none"), (TOKEN_VAR, " ")])
                .unwrap()
                .auth,
            Auth::None
        );
    }

    #[test]
    fn allowed_hosts_are_normalised_and_checked() {
        assert_eq!(settings(&[]).unwrap().hosts, Hosts(Vec::new()));
        let s = settings(&[(HOSTS_VAR, "MCP.internal, box.lan:8080,")]).unwrap();
        assert_eq!(
            s.hosts,
            Hosts(vec!["mcp.internal".into(), "box.lan:8080".into()])
        );
        for bad in ["http://mcp.internal", "*.internal", "a/b", "u@h", ":80"] {
            let err = settings(&[(HOSTS_VAR, bad)]).unwrap_err();
            assert!(err.message.contains(HOSTS_VAR), "{bad}");
        }
    }

    #[test]
    fn the_body_timeout_has_a_default_and_a_range() {
        assert_eq!(settings(&[]).unwrap().body_timeout, DEFAULT_BODY_TIMEOUT);
        assert_eq!(
            settings(&[(BODY_TIMEOUT_VAR, "500")]).unwrap().body_timeout,
            Duration::from_millis(500)
        );
        for bad in ["99", "300001", "-1", "1.5", "10s"] {
            let err = settings(&[(BODY_TIMEOUT_VAR, bad)]).unwrap_err();
            assert!(err.message.contains(BODY_TIMEOUT_VAR), "{bad}");
        }
    }

    #[test]
    fn a_short_token_is_refused_without_echoing_it() {
        let err = settings(&[(TOKEN_VAR, "hunter2")]).unwrap_err();
        assert!(err.message.contains(TOKEN_VAR));
        assert!(!format!("{err:?}").contains("hunter2"));
    }

    #[test]
    fn the_token_is_redacted_in_debug_output() {
        let s = settings(&[(TOKEN_VAR, "0123456789abcdef0123")]).unwrap();
        assert!(!format!("{s:?}").contains("0123456789abcdef"));
    }

    #[test]
    fn origins_are_normalised_and_checked() {
        let s = settings(&[(
            ORIGINS_VAR,
            "https://App.Example.com/, http://localhost:3000",
        )])
        .unwrap();
        assert_eq!(
            s.origins,
            Origins::List(vec![
                "https://app.example.com".into(),
                "http://localhost:3000".into()
            ])
        );
        for bad in [
            "app.example.com",
            "https://*.example.com",
            "https://a.com/path",
        ] {
            assert!(settings(&[(ORIGINS_VAR, bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_path_must_be_absolute() {
        assert_eq!(
            settings(&[(PATH_VAR, "/tools/mcp")]).unwrap().path,
            "/tools/mcp"
        );
        assert!(settings(&[(PATH_VAR, "mcp")]).is_err());
    }
}
