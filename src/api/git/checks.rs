//! The checks every git argument passes before anything is sent: clone URLs,
//! branch names and commit hashes, short texts, credentials.

use super::super::toolbox::shown;
use super::{MAX_FIELD_BYTES, MAX_URL_BYTES};
use crate::error::Error;
use crate::http::Request;
use crate::secret::Secret;

/// Longest branch name accepted, in bytes.
const MAX_REF_BYTES: usize = 255;

/// The transports a clone URL may name (`scheme://`).
const SCHEMES: &[&str] = &["https", "http", "ssh", "git", "file"];

/// Check a clone URL: https, http, ssh, git and file URLs, scp-like
/// `user@host:path` and local paths; never one that carries credentials,
/// names another transport (`ext::`), or starts like an option.
pub fn check_url(url: &str) -> Result<(), Error> {
    if url.trim().is_empty() {
        return Err(Error::invalid_input("`url` must not be empty"));
    }
    if url.len() > MAX_URL_BYTES {
        return Err(Error::invalid_input(format!(
            "`url` is {} bytes long; at most {MAX_URL_BYTES} bytes are accepted",
            url.len()
        )));
    }
    if url.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(
            "`url` contains a control character (NUL, newline, ...), which no repository URL holds",
        ));
    }
    if url.starts_with('-') {
        return Err(Error::invalid_input(
            "`url` starts with '-', which git would read as an option",
        ));
    }
    if has_option_like_part(url) {
        return Err(Error::invalid_input(
            "`url` has a user, host, port or path segment starting with '-', which git or ssh would read as an option",
        )
        .with_hint("check the URL; no host or repository name starts with '-'"));
    }
    let credentials = || {
        Error::invalid_input(
            "`url` carries credentials (user information before '@'); they would be stored in the clone's configuration and could show up in messages",
        )
        .with_hint("pass the URL without them, and the credentials as `username` and `password`")
    };
    if let Some((scheme, rest)) = url.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        if !SCHEMES.contains(&scheme.as_str()) {
            return Err(Error::invalid_input(format!(
                "`url` uses the transport '{}', which is not offered",
                shown(&scheme)
            ))
            .with_hint("use an https, http, ssh, git or file URL, or a path"));
        }
        if scheme == "file" {
            return Ok(());
        }
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if let Some(at) = authority.rfind('@') {
            // ssh names its login user there; a password never belongs in a URL.
            let user = &authority[..at];
            if scheme != "ssh" || user.contains(':') {
                return Err(credentials());
            }
        }
        let host = authority
            .rfind('@')
            .map_or(authority, |at| &authority[at + 1..]);
        if host.is_empty() {
            return Err(Error::invalid_input("`url` names no host")
                .with_hint("e.g. https://github.com/owner/repo.git"));
        }
        return Ok(());
    }
    if url.contains("::") {
        return Err(Error::invalid_input(
            "`url` names a remote helper (`transport::address`), which is not offered",
        )
        .with_hint("use an https, http, ssh, git or file URL, or a path"));
    }
    // scp-like `[user@]host:path` (a ':' before any '/'), or a local path.
    let head = &url[..url.find('/').unwrap_or(url.len())];
    if head.contains(':')
        && let Some(at) = head.rfind('@')
        && head[..at].contains(':')
    {
        return Err(credentials());
    }
    Ok(())
}

/// Whether a part of a clone URL that git hands on as an argument (user,
/// host, port, path segment: the text after the scheme split at '/', '@',
/// ':', '[' and ']') starts with '-', or with `%2d`, which git decodes before
/// ssh sees the host (`ssh://-oProxyCommand=.../x` runs a command).
pub fn has_option_like_part(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    url.starts_with('-')
        || rest.split(['/', '@', ':', '[', ']']).any(|part| {
            part.starts_with('-') || part.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("%2d"))
        })
}

/// Check a branch name (or, for checkout, a commit hash) against git's
/// reference rules; never empty, never an option.
pub fn check_ref(field: &str, name: &str) -> Result<(), Error> {
    let bad = |why: &str| {
        Err(
            Error::invalid_input(format!("`{field}` is not a valid branch name: {why}"))
                .with_hint("use letters, digits and -_./, e.g. \"feature/login\""),
        )
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > MAX_REF_BYTES {
        return bad("it is longer than 255 bytes");
    }
    if name.starts_with('-') {
        return bad("it starts with '-'");
    }
    if name
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(c))
    {
        return bad("it holds a space, a control character or one of ~^:?*[\\");
    }
    if name.contains("..") || name.contains("@{") || name.contains("//") {
        return bad("it holds '..', '@{' or '//'");
    }
    if name.starts_with('/')
        || name.ends_with('/')
        || name.ends_with('.')
        || name.ends_with(".lock")
        || name == "@"
        || name.split('/').any(|part| part.starts_with('.'))
    {
        return bad(
            "it starts or ends with '/', ends with '.' or '.lock', or a part starts with '.'",
        );
    }
    Ok(())
}

/// Check a full commit hash: 40 (SHA-1) or 64 (SHA-256) hex digits.
pub fn check_commit_id(id: &str) -> Result<(), Error> {
    if matches!(id.len(), 40 | 64) && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(());
    }
    Err(Error::invalid_input(
        "`commitId` must be a full commit hash: 40 (or 64) hexadecimal digits",
    )
    .with_hint("git_log lists full hashes"))
}

/// Check a short text argument (author, email, username, password): at most
/// [`MAX_FIELD_BYTES`], no control characters. Never quotes the value.
pub(super) fn check_text(field: &str, value: &str, angle_brackets: bool) -> Result<(), Error> {
    if value.len() > MAX_FIELD_BYTES || value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid_input(format!(
            "`{field}` must be at most {MAX_FIELD_BYTES} bytes without control characters"
        )));
    }
    if !angle_brackets && (value.contains('<') || value.contains('>')) {
        return Err(Error::invalid_input(format!(
            "`{field}` must not contain '<' or '>'"
        )));
    }
    Ok(())
}

/// Git credentials for a remote: both or neither.
#[derive(Debug, Clone, Copy, Default)]
pub struct Credentials<'a> {
    /// The git username (for a token, often any non-empty name).
    pub username: Option<&'a Secret>,
    /// The git password or token.
    pub password: Option<&'a Secret>,
}

impl<'a> Credentials<'a> {
    /// The pair as a tool's arguments carry it.
    pub fn of(username: &'a Option<Secret>, password: &'a Option<Secret>) -> Self {
        Credentials {
            username: username.as_ref(),
            password: password.as_ref(),
        }
    }

    pub(super) fn check(&self) -> Result<(), Error> {
        match (self.username, self.password) {
            (Some(_), None) | (None, Some(_)) => Err(Error::invalid_input(
                "pass both `username` and `password`, or neither",
            )
            .with_hint("with a token, the token is the password; most hosts accept any username (e.g. 'x-access-token' on GitHub, 'oauth2' on GitLab)")),
            _ => {
                for (field, value) in [("username", self.username), ("password", self.password)] {
                    if let Some(value) = value {
                        if value.expose().is_empty() {
                            return Err(Error::invalid_input(format!(
                                "`{field}` must not be empty"
                            )));
                        }
                        check_text(field, value.expose(), true)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Mark the request as carrying them.
    pub(super) fn carried_by(&self, req: Request) -> Request {
        req.secret(self.password).secret(self.username)
    }
}
