//! Configuration from environment variables, with Daytona's own names.
//!
//! Secrets sit in [`Secret`], whose `Debug` and `Display` never show the value.

use crate::catalog::selection::Selection;
use crate::error::Error;
use crate::hosts::{self, HostPolicy};
use crate::keys::ceiling::MintCeiling;
use std::fmt;
use std::time::Duration;

/// The default Daytona API base URL.
pub const DEFAULT_API_URL: &str = "https://app.daytona.io/api";

/// A secret string (API key, JWT, vended key). Formatting it prints `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Serialize a secret in full: only for the one answer that hands a new key
/// to the caller who created it (`create_api_key`, `mint_ephemeral_key`).
pub fn reveal<S: serde::Serializer>(value: &Secret, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.expose())
}

/// Which credential a request is sent with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthPreference {
    /// Sandbox operations: the API key if set, else the JWT.
    ApiKeyFirst,
    /// Key management: the JWT if set, else the API key.
    JwtFirst,
    /// Only the API key (`GET /api-keys/current`).
    ApiKeyOnly,
}

/// Everything the component reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// The API base URL, without a trailing slash.
    pub api_url: String,
    /// `DAYTONA_API_KEY`.
    pub api_key: Option<Secret>,
    /// `DAYTONA_JWT_TOKEN`.
    pub jwt: Option<Secret>,
    /// `DAYTONA_ORGANIZATION_ID`.
    pub organization_id: Option<String>,
    /// `DAYTONA_CONNECT_TIMEOUT_MS`: bound on establishing a connection.
    pub connect_timeout: Duration,
    /// `DAYTONA_RESPONSE_TIMEOUT_MS`: bound on the wait for an answer's first
    /// byte and between its bytes.
    pub response_timeout: Duration,
    /// `DAYTONA_OUTPUT_LIMIT_BYTES`: most command output handed back.
    pub output_limit: usize,
    /// Where a credential may go: the API host on its port (and `*.daytona.io`
    /// for Daytona's cloud) and `DAYTONA_TOOLBOX_HOSTS`.
    pub hosts: HostPolicy,
    /// `DAYTONA_MINT_SCOPES`, `DAYTONA_MINT_MAX_TTL` and `DAYTONA_KEY_ADMIN`:
    /// what may be minted, and what `create_api_key` may create.
    pub mint_ceiling: MintCeiling,
    /// `DAYTONA_TOOLS`: which tools are offered; a call to any other is refused.
    pub tools: Selection,
    /// `DAYTONA_REQUEST_TIMEOUT_MS`: bound on one request from start to last byte.
    pub request_timeout: Duration,
    /// `DAYTONA_CALL_TIMEOUT_MS`: bound on a whole tool call (retries and
    /// waits included), plus the call's own `timeout` (see docs/bounds.md).
    pub call_timeout: Duration,
}

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default response timeout: above the ~30 s Daytona may hold a create before answering.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default bound on command output handed back.
pub const DEFAULT_OUTPUT_LIMIT: usize = 64 * 1024;
/// Default bound on one request, start to last byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// Default bound on a tool call beyond its own `timeout`.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(300);

/// The process environment as `(name, value)` pairs, for the `from_env`
/// readers. A variable that is not UTF-8 is left out (on wasip2 every one is a
/// string): `std::env::vars` would panic on it, and its panic message would
/// compile an `OsString`'s `Debug` into the component.
pub fn vars() -> impl Iterator<Item = (String, String)> {
    std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
}

impl Config {
    /// Read the configuration from `(name, value)` pairs, as `wasi:cli/environment` gives them.
    pub fn from_env<I, K, V>(vars: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let vars: Vec<(K, V)> = vars.into_iter().collect();
        let tools = Selection::from_env(vars.iter().map(|(k, v)| (k, v)))?;
        let mint_ceiling = MintCeiling::from_env(vars.iter().map(|(k, v)| (k, v)))?;
        let mut toolbox_hosts = Vec::new();
        let mut api_url = None;
        let mut api_key = None;
        let mut jwt = None;
        let mut organization_id = None;
        let mut connect_timeout = DEFAULT_CONNECT_TIMEOUT;
        let mut response_timeout = DEFAULT_RESPONSE_TIMEOUT;
        let mut output_limit = DEFAULT_OUTPUT_LIMIT;
        let mut request_timeout = DEFAULT_REQUEST_TIMEOUT;
        let mut call_timeout = DEFAULT_CALL_TIMEOUT;
        for (k, v) in &vars {
            let value = v.as_ref().trim();
            if value.is_empty() {
                continue;
            }
            match k.as_ref() {
                "DAYTONA_API_URL" => api_url = Some(parse_api_url(value)?),
                "DAYTONA_API_KEY" => api_key = Some(parse_token("DAYTONA_API_KEY", value)?),
                "DAYTONA_JWT_TOKEN" => jwt = Some(parse_token("DAYTONA_JWT_TOKEN", value)?),
                "DAYTONA_ORGANIZATION_ID" => organization_id = Some(value.to_string()),
                "DAYTONA_CONNECT_TIMEOUT_MS" => {
                    connect_timeout =
                        Duration::from_millis(parse_number(k.as_ref(), value, 1, 600_000)?)
                }
                "DAYTONA_RESPONSE_TIMEOUT_MS" => {
                    response_timeout =
                        Duration::from_millis(parse_number(k.as_ref(), value, 1, 3_600_000)?)
                }
                "DAYTONA_OUTPUT_LIMIT_BYTES" => {
                    output_limit = parse_number(k.as_ref(), value, 1024, 4 * 1024 * 1024)? as usize
                }
                hosts::TOOLBOX_HOSTS_VAR => toolbox_hosts = hosts::parse_host_list(value)?,
                "DAYTONA_REQUEST_TIMEOUT_MS" => {
                    request_timeout =
                        Duration::from_millis(parse_number(k.as_ref(), value, 1, 3_600_000)?)
                }
                "DAYTONA_CALL_TIMEOUT_MS" => {
                    call_timeout =
                        Duration::from_millis(parse_number(k.as_ref(), value, 1, 86_400_000)?)
                }
                _ => {}
            }
        }
        if api_key.is_none() && jwt.is_none() {
            return Err(Error::config(
                "no Daytona credentials: neither DAYTONA_API_KEY nor DAYTONA_JWT_TOKEN is set",
                "set DAYTONA_API_KEY to an API key from the Daytona dashboard (or DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID)",
            ));
        }
        if jwt.is_some() && organization_id.is_none() {
            return Err(Error::config(
                "DAYTONA_JWT_TOKEN is set but DAYTONA_ORGANIZATION_ID is not; a JWT needs an organization",
                "set DAYTONA_ORGANIZATION_ID to the organization's ID",
            ));
        }
        let api_url = api_url.unwrap_or_else(|| DEFAULT_API_URL.to_string());
        Ok(Config {
            hosts: HostPolicy::new(&api_url, &toolbox_hosts),
            mint_ceiling,
            tools,
            api_url,
            api_key,
            jwt,
            organization_id,
            connect_timeout,
            response_timeout,
            output_limit,
            request_timeout,
            call_timeout,
        })
    }

    /// Pick the credential for a request. The organization header goes with a JWT only.
    pub fn credential(&self, pref: AuthPreference) -> Result<Credential<'_>, Error> {
        let key = self.api_key.as_ref().map(Credential::ApiKey);
        let jwt = self.jwt.as_ref().map(|jwt| Credential::Jwt {
            token: jwt,
            organization_id: self.organization_id.as_deref().unwrap_or_default(),
        });
        let chosen = match pref {
            AuthPreference::ApiKeyFirst => key.or(jwt),
            AuthPreference::JwtFirst => jwt.or(key),
            AuthPreference::ApiKeyOnly => key,
        };
        chosen.ok_or_else(|| {
            Error::config(
                "this operation authenticates with an API key, and DAYTONA_API_KEY is not set",
                "set DAYTONA_API_KEY",
            )
        })
    }
}

/// A credential chosen for one request.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// `Authorization: Bearer <api key>`.
    ApiKey(&'a Secret),
    /// `Authorization: Bearer <jwt>` plus `X-Daytona-Organization-ID`.
    Jwt {
        /// The JWT.
        token: &'a Secret,
        /// Its organization.
        organization_id: &'a str,
    },
}

fn parse_api_url(value: &str) -> Result<String, Error> {
    let trimmed = value.trim_end_matches('/');
    // The parser every request goes through; the base URL must not carry a
    // query (paths are appended to it).
    let why = match hosts::Target::parse(trimmed) {
        Ok(t) if t.path_and_query().contains('?') => Some("has a query"),
        Ok(_) => None,
        Err(why) => Some(why.reason()),
    };
    if let Some(why) = why {
        return Err(Error::config(
            format!(
                "DAYTONA_API_URL {why}; it must be an http(s) URL with a host (e.g. https://app.daytona.io/api)"
            ),
            "set DAYTONA_API_URL to the API base URL, or unset it for the default",
        ));
    }
    Ok(trimmed.to_string())
}

fn parse_token(name: &str, value: &str) -> Result<Secret, Error> {
    // A token travels in a header: anything outside visible ASCII would be refused
    // later with a less helpful error. The value itself is never echoed.
    if !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::config(
            format!("{name} contains spaces or characters that cannot be sent in a header"),
            format!("set {name} to the token exactly as Daytona issued it"),
        ));
    }
    Ok(Secret::new(value))
}

fn parse_number(name: &str, value: &str, min: u64, max: u64) -> Result<u64, Error> {
    match value.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Error::config(
            format!("{name} must be a whole number from {min} to {max}"),
            format!("set {name} within those bounds, or unset it for the default"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn env(pairs: &[(&str, &str)]) -> Result<Config, Error> {
        Config::from_env(pairs.iter().copied())
    }

    #[test]
    fn missing_credentials_is_a_config_error_naming_the_variable() {
        let err = env(&[]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Config);
        assert!(err.message.contains("DAYTONA_API_KEY"));
    }

    #[test]
    fn jwt_without_organization_is_refused() {
        let err = env(&[("DAYTONA_JWT_TOKEN", "a.b.c")]).unwrap_err();
        assert!(err.message.contains("DAYTONA_ORGANIZATION_ID"));
    }

    #[test]
    fn malformed_url_is_refused_and_trailing_slash_trimmed() {
        let err = env(&[("DAYTONA_API_KEY", "k"), ("DAYTONA_API_URL", "ftp://x")]).unwrap_err();
        assert!(err.message.contains("DAYTONA_API_URL"));
        let cfg = env(&[
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_API_URL", "http://h:1/api/"),
        ])
        .unwrap();
        assert_eq!(cfg.api_url, "http://h:1/api");
    }

    #[test]
    fn api_urls_go_through_the_request_parser() {
        for (bad, why) in [
            ("http://user:hunter2@h/api", "user name or password"),
            ("https://h?@evil.example/api", "user name or password"),
            ("https://evil.example\\.h/api", "host with characters"),
            ("http://h:0/api", "port"),
            ("http://h/api?x=1", "query"),
            ("http://h/a pi", "path"),
        ] {
            let err = env(&[("DAYTONA_API_KEY", "k"), ("DAYTONA_API_URL", bad)]).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains("DAYTONA_API_URL"), "{bad}");
            assert!(err.message.contains(why), "{bad}: {}", err.message);
            assert!(!err.message.contains("hunter2"));
        }
    }

    #[test]
    fn numeric_settings_are_bounded() {
        let cfg = env(&[
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_RESPONSE_TIMEOUT_MS", "1500"),
        ])
        .unwrap();
        assert_eq!(cfg.response_timeout, Duration::from_millis(1500));
        let err = env(&[
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_OUTPUT_LIMIT_BYTES", "12"),
        ])
        .unwrap_err();
        assert!(err.message.contains("DAYTONA_OUTPUT_LIMIT_BYTES"));
        let err = env(&[
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_CONNECT_TIMEOUT_MS", "soon"),
        ])
        .unwrap_err();
        assert!(err.message.contains("DAYTONA_CONNECT_TIMEOUT_MS"));
        for name in ["DAYTONA_REQUEST_TIMEOUT_MS", "DAYTONA_CALL_TIMEOUT_MS"] {
            let err = env(&[("DAYTONA_API_KEY", "k"), (name, "0")]).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config);
            assert!(err.message.contains(name), "{err}");
            let cfg = env(&[("DAYTONA_API_KEY", "k"), (name, "2500")]).unwrap();
            assert!([cfg.request_timeout, cfg.call_timeout].contains(&Duration::from_millis(2500)));
        }
    }

    #[test]
    fn default_url_applies() {
        assert_eq!(
            env(&[("DAYTONA_API_KEY", "k")]).unwrap().api_url,
            DEFAULT_API_URL
        );
    }

    #[test]
    fn secrets_never_format() {
        let cfg = env(&[("DAYTONA_API_KEY", "dtn_supersecret")]).unwrap();
        let shown = format!("{cfg:?} {}", cfg.api_key.as_ref().unwrap());
        assert!(!shown.contains("supersecret"), "{shown}");
    }

    #[test]
    fn token_with_newline_is_refused_without_echo() {
        let err = env(&[("DAYTONA_API_KEY", "dtn_abc\ninjected")]).unwrap_err();
        assert!(!err.message.contains("injected"));
    }

    #[test]
    fn credential_preference() {
        let cfg = env(&[
            ("DAYTONA_API_KEY", "k"),
            ("DAYTONA_JWT_TOKEN", "j"),
            ("DAYTONA_ORGANIZATION_ID", "o"),
        ])
        .unwrap();
        assert!(matches!(
            cfg.credential(AuthPreference::ApiKeyFirst).unwrap(),
            Credential::ApiKey(_)
        ));
        assert!(matches!(
            cfg.credential(AuthPreference::JwtFirst).unwrap(),
            Credential::Jwt {
                organization_id: "o",
                ..
            }
        ));
        let jwt_only =
            env(&[("DAYTONA_JWT_TOKEN", "j"), ("DAYTONA_ORGANIZATION_ID", "o")]).unwrap();
        assert!(jwt_only.credential(AuthPreference::ApiKeyOnly).is_err());
    }
}
