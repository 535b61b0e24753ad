//! Configuration from environment variables, with Daytona's own names.
//!
//! Credentials sit in [`Secret`], whose `Debug` and `Display` never show the value.

use crate::env::Env;
use crate::error::Error;
use crate::hosts::{self, HostPolicy};
use crate::secret::Secret;
use std::time::Duration;

/// The default Daytona API base URL.
pub const DEFAULT_API_URL: &str = "https://app.daytona.io/api";

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

/// Where requests go, with which credential, within which bounds. (Which
/// tools are offered and what may be minted are the catalog's `Policy`.)
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

impl Config {
    /// Read the configuration from the environment.
    pub fn from_env(env: &Env) -> Result<Self, Error> {
        let api_url = env.get("DAYTONA_API_URL").map(parse_api_url).transpose()?;
        let token = |name: &'static str| env.get(name).map(|v| parse_token(name, v)).transpose();
        let api_key = token("DAYTONA_API_KEY")?;
        let jwt = token("DAYTONA_JWT_TOKEN")?;
        let organization_id = env.get("DAYTONA_ORGANIZATION_ID").map(str::to_string);
        let millis = |name: &'static str, max: u64, default: Duration| match env.get(name) {
            Some(value) => parse_number(name, value, 1, max).map(Duration::from_millis),
            None => Ok(default),
        };
        let connect_timeout = millis(
            "DAYTONA_CONNECT_TIMEOUT_MS",
            600_000,
            DEFAULT_CONNECT_TIMEOUT,
        )?;
        let response_timeout = millis(
            "DAYTONA_RESPONSE_TIMEOUT_MS",
            3_600_000,
            DEFAULT_RESPONSE_TIMEOUT,
        )?;
        let output_limit = match env.get("DAYTONA_OUTPUT_LIMIT_BYTES") {
            Some(value) => {
                parse_number("DAYTONA_OUTPUT_LIMIT_BYTES", value, 1024, 4 * 1024 * 1024)? as usize
            }
            None => DEFAULT_OUTPUT_LIMIT,
        };
        let toolbox_hosts = match env.get(hosts::TOOLBOX_HOSTS_VAR) {
            Some(value) => hosts::parse_host_list(value)?,
            None => Vec::new(),
        };
        let request_timeout = millis(
            "DAYTONA_REQUEST_TIMEOUT_MS",
            3_600_000,
            DEFAULT_REQUEST_TIMEOUT,
        )?;
        let call_timeout = millis("DAYTONA_CALL_TIMEOUT_MS", 86_400_000, DEFAULT_CALL_TIMEOUT)?;
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
        Config::from_env(&Env::from_pairs(pairs.iter().copied()))
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
