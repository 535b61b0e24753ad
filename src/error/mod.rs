//! The one error type: a kind to branch on, a message, a hint at what to do next.
//!
//! Built in one place from an HTTP answer ([`Error::from_response`]), and turned
//! into the WIT `error` record in one place (`guest`). Upstream bodies are never
//! copied whole: only Daytona's `message` field, bounded and scrubbed of secrets.

use serde::Serialize;
use std::fmt;

/// The class of a failure; mirrors the WIT `error-kind` enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Bad arguments.
    InvalidInput,
    /// HTTP 401.
    Unauthorized,
    /// HTTP 403.
    Forbidden,
    /// HTTP 404.
    NotFound,
    /// HTTP 409.
    Conflict,
    /// HTTP 429 after retries.
    RateLimited,
    /// A wait, an HTTP timeout, or HTTP 408.
    Timeout,
    /// An unexpected status or an unreadable body.
    Upstream,
    /// The request could not be sent or answered.
    Transport,
    /// Missing or malformed configuration.
    Config,
}

/// A failure with what happened and what to do next.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Error {
    /// The class.
    pub kind: ErrorKind,
    /// What went wrong; never contains a secret.
    pub message: String,
    /// Whether trying the same call again later may succeed.
    pub retryable: bool,
    /// What the caller can do next.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The HTTP status, when the failure came from an answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The answer's typed `code` (e.g. `GIT_PUSH_REJECTED`), for the request
    /// that failed to pick its explanation; not shown to callers.
    #[serde(skip)]
    pub code: Option<String>,
}

/// Longest typed `code` kept from an answer.
const MAX_CODE: usize = 64;

/// Longest upstream message kept in an error.
const MAX_UPSTREAM_MESSAGE: usize = 300;

impl Error {
    /// An error of `kind` with a message and no hint.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::RateLimited | ErrorKind::Timeout | ErrorKind::Transport
        );
        Error {
            kind,
            message: message.into(),
            retryable,
            hint: None,
            status: None,
            code: None,
        }
    }

    /// Bad input: say which field and why.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Bad configuration: say which variable and how to fix it.
    pub fn config(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message).with_hint(hint)
    }

    /// Replace the hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Map a non-success HTTP answer. `what` names the request for the message
    /// (e.g. "get sandbox 'dev'"); `secrets` are scrubbed from any upstream text.
    pub fn from_response(status: u16, body: &[u8], what: &str, secrets: &[&str]) -> Self {
        let upstream = upstream_message(body, secrets);
        let (kind, retryable, hint) = match status {
            400 | 422 => (
                ErrorKind::InvalidInput,
                false,
                "check the arguments; Daytona's message says which one it refused",
            ),
            401 => (
                ErrorKind::Unauthorized,
                false,
                "check DAYTONA_API_KEY (or DAYTONA_JWT_TOKEN with DAYTONA_ORGANIZATION_ID): it may be wrong, revoked or expired",
            ),
            403 => (
                ErrorKind::Forbidden,
                false,
                "the credential lacks a permission for this operation; use a key that has it",
            ),
            404 => (ErrorKind::NotFound, false, "check the name or ID"),
            408 => (
                ErrorKind::Timeout,
                true,
                "the operation took too long; try again with a longer timeout",
            ),
            409 => (
                ErrorKind::Conflict,
                false,
                "the resource is in a conflicting state or the name is taken; check its current state",
            ),
            429 => (
                ErrorKind::RateLimited,
                true,
                "Daytona is throttling requests; wait a few seconds and try again",
            ),
            500..=599 => (
                ErrorKind::Upstream,
                true,
                "Daytona had a server error; try again shortly",
            ),
            _ => (
                ErrorKind::Upstream,
                false,
                "Daytona answered unexpectedly; check DAYTONA_API_URL",
            ),
        };
        let message = match upstream {
            Some(m) => format!("{what}: Daytona answered {status}: {m}"),
            None => format!("{what}: Daytona answered HTTP {status}"),
        };
        Error {
            kind,
            message,
            retryable,
            hint: Some(hint.to_string()),
            status: Some(status),
            code: upstream_code(body),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// The typed `code` of an error body (`SANDBOX_NOT_FOUND`, `GIT_AUTH_FAILED`):
/// kept only when it is a short run of capitals, digits and `_`.
fn upstream_code(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let code = value.get("code")?.as_str()?;
    let plain = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
    (!code.is_empty() && code.len() <= MAX_CODE && code.chars().all(plain))
        .then(|| code.to_string())
}

/// Daytona's `message` from an error body (NestJS `{message}` as a string or a
/// list of strings), bounded, with control characters and secrets removed,
/// and the user information of any URL in it (`https://user:token@host`)
/// replaced by `[redacted]`. Anything else in the body is dropped; so is the
/// message itself when a secret is too short (under 4 bytes) to be scrubbed
/// without mangling the text.
pub fn upstream_message(body: &[u8], secrets: &[&str]) -> Option<String> {
    if secrets.iter().any(|s| !s.is_empty() && s.len() < 4) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let raw = match value.get("message")? {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        _ => return None,
    };
    let cleaned = scrub(&redact_userinfo(&raw), secrets);
    (!cleaned.is_empty()).then_some(cleaned)
}

/// `text` with the user information of every `scheme://user[:secret]@host`
/// replaced by `[redacted]`.
pub fn redact_userinfo(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest
            .find(|c: char| {
                matches!(c, '/' | '?' | '#' | '\'' | '"' | '`' | '<' | '>') || c.is_whitespace()
            })
            .unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push_str("[redacted]");
            rest = &rest[at..];
        }
    }
    out.push_str(rest);
    out
}

/// Remove secrets and control characters from text that came from outside, and bound its length.
///
/// Every occurrence of every secret (of 4 bytes or more) is found in the text
/// as given, overlapping ones included, and each run of text they cover
/// becomes one `[redacted]`: no part of an occurrence survives, whatever the
/// secrets share with each other, with the marker, or with control characters.
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut covered = vec![false; text.len()];
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        let mut from = 0;
        while let Some(at) = text[from..].find(secret) {
            let start = from + at;
            covered[start..start + secret.len()].fill(true);
            // The next occurrence may overlap this one: look again one character on.
            from = start + text[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut in_secret = false;
    for (i, c) in text.char_indices() {
        if covered[i] {
            if !in_secret {
                out.push_str("[redacted]");
            }
            in_secret = true;
        } else {
            in_secret = false;
            out.push(if c.is_control() { ' ' } else { c });
        }
    }
    let out = out.trim();
    if out.chars().count() > MAX_UPSTREAM_MESSAGE {
        let cut: String = out.chars().take(MAX_UPSTREAM_MESSAGE).collect();
        format!("{cut}…")
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod props;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nest_error_body_keeps_message_and_maps_kind() {
        let body = br#"{"path":"/api/sandbox/x","timestamp":"t","statusCode":404,"error":"Not Found","message":"Sandbox with ID or name x not found"}"#;
        let err = Error::from_response(404, body, "get sandbox 'x'", &[]);
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert_eq!(err.status, Some(404));
        assert!(err.message.contains("Sandbox with ID or name x not found"));
        assert!(!err.message.contains("/api/sandbox"), "path is not echoed");
    }

    #[test]
    fn validation_message_list_is_joined() {
        let body = br#"{"statusCode":400,"message":["cpu must be positive","name is bad"]}"#;
        let err = Error::from_response(400, body, "create sandbox", &[]);
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.ends_with("cpu must be positive; name is bad"));
    }

    #[test]
    fn non_json_body_is_not_echoed() {
        let err = Error::from_response(502, b"<html>secret stack trace</html>", "list", &[]);
        assert_eq!(err.kind, ErrorKind::Upstream);
        assert!(err.retryable);
        assert!(!err.message.contains("stack"));
    }

    #[test]
    fn secrets_are_scrubbed_from_upstream_messages() {
        let body = br#"{"message":"invalid token dtn_0123456789abcdef"}"#;
        let err = Error::from_response(401, body, "list", &["dtn_0123456789abcdef"]);
        assert!(!err.message.contains("0123456789abcdef"));
        assert!(err.message.contains("[redacted]"));
    }

    #[test]
    fn url_user_information_is_redacted_from_upstream_messages() {
        let body = br#"{"message":"fatal: unable to access 'https://bob:tok3n@git.example.com/r.git/': 403 and see http://h/p@x"}"#;
        let err = Error::from_response(403, body, "push", &[]);
        assert!(!err.message.contains("bob") && !err.message.contains("tok3n"));
        assert!(
            err.message
                .contains("'https://[redacted]@git.example.com/r.git/'"),
            "{}",
            err.message
        );
        assert!(err.message.contains("http://h/p@x"), "a path's @ is kept");
        assert_eq!(
            redact_userinfo("ssh://git@host/x and file:///tmp/a"),
            "ssh://[redacted]@host/x and file:///tmp/a"
        );
    }

    #[test]
    fn a_secret_too_short_to_scrub_drops_the_message() {
        let body = br#"{"message":"user abc refused","code":"GIT_AUTH_FAILED"}"#;
        let err = Error::from_response(401, body, "clone", &["abc"]);
        assert_eq!(err.message, "clone: Daytona answered HTTP 401");
        assert_eq!(err.code.as_deref(), Some("GIT_AUTH_FAILED"));
        let kept = Error::from_response(401, body, "clone", &["", "abcd"]);
        assert!(kept.message.contains("user abc refused"));
    }

    #[test]
    fn only_plain_codes_are_kept() {
        let code = |body: &str| Error::from_response(409, body.as_bytes(), "x", &[]).code;
        assert_eq!(
            code(r#"{"code":"GIT_PUSH_REJECTED"}"#).as_deref(),
            Some("GIT_PUSH_REJECTED")
        );
        assert_eq!(code(r#"{"code":"git push"}"#), None);
        assert_eq!(code(r#"{"code":5}"#), None);
        assert_eq!(code("not json"), None);
    }

    #[test]
    fn long_messages_are_bounded() {
        let long = "x".repeat(5000);
        let body = serde_json::to_vec(&serde_json::json!({ "message": long })).unwrap();
        let err = Error::from_response(500, &body, "list", &[]);
        assert!(err.message.len() < 400);
    }

    #[test]
    fn every_status_class_has_a_hint() {
        for status in [400, 401, 403, 404, 408, 409, 429, 500, 503, 418] {
            let err = Error::from_response(status, b"{}", "op", &[]);
            assert!(err.hint.is_some(), "{status}");
        }
        assert_eq!(
            Error::from_response(429, b"", "op", &[]).kind,
            ErrorKind::RateLimited
        );
        assert_eq!(
            Error::from_response(403, b"", "op", &[]).kind,
            ErrorKind::Forbidden
        );
    }
}
