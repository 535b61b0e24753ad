//! What every toolbox route shares: finding the sandbox a request targets, confining paths
//! to its directory, and error helpers (the per-sandbox state is in [`super::records`]).
//!
//! Paths: the sandbox's directory on the test machine *is* its user's home (and working)
//! directory, so `GET /user-home-dir` answers that host path and a relative path resolves
//! against it. An absolute path must lie inside it. A path is refused when it contains NUL
//! (400 `INVALID_FILE_PATH`), or leaves the directory lexically (`..`) or through a symlink
//! (403 `FILE_ACCESS_DENIED`); errors are in the toolbox shape.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path as UrlPath};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::super::auth::Principal;
use super::super::errors::ApiError;
use super::super::state::Shared;

/// The sandbox a toolbox request acts on.
pub(crate) struct Target {
    pub(crate) id: String,
    /// Canonical path of the sandbox's directory: its home and working directory.
    pub(crate) home: PathBuf,
    pub(crate) env: BTreeMap<String, String>,
}

/// What a toolbox route on `/{sandboxId}/...` reads first: the state, the caller and the
/// sandbox id, extracted in that order (as the separate extractors were), so a refused caller
/// still answers before a bad path.
pub(crate) struct Call {
    shared: Arc<Shared>,
    caller: Principal,
    id: String,
}

impl FromRequestParts<Arc<Shared>> for Call {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        shared: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let caller = Principal::from_request_parts(parts, shared)
            .await
            .map_err(IntoResponse::into_response)?;
        let UrlPath(id) = UrlPath::<String>::from_request_parts(parts, shared)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Call {
            shared: shared.clone(),
            caller,
            id,
        })
    }
}

impl Call {
    /// The sandbox this request acts on (see [`target`]).
    pub(crate) fn target(&self) -> Result<Target, ApiError> {
        target(&self.shared, &self.caller, &self.id)
    }

    /// The emulator's state, for routes that keep more than the sandbox's files.
    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

/// Resolves the sandbox of a toolbox request: 404 when the proxy is off (as for execute),
/// 403 without `write:sandboxes`, 404 unknown sandbox, 400 not started.
pub(crate) fn target(shared: &Shared, caller: &Principal, id: &str) -> Result<Target, ApiError> {
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    if !inner.opts.toolbox_proxy || inner.opts.toolbox_proxy_404 {
        return Err(ApiError::not_found("Not Found").toolbox());
    }
    caller
        .require("write:sandboxes")
        .map_err(ApiError::toolbox)?;
    inner.sweep(now);
    let sandbox = inner
        .sandboxes
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or_else(|| {
            ApiError::not_found("Sandbox not found")
                .with_code("SANDBOX_NOT_FOUND")
                .toolbox()
        })?;
    if sandbox.state != "started" {
        return Err(ApiError::bad_request("Sandbox is not running").toolbox());
    }
    sandbox.last_activity_ms = now;
    let dir = sandbox.dir.clone();
    let env = sandbox.env.clone();
    drop(inner);
    std::fs::create_dir_all(&dir).map_err(|e| internal(format!("sandbox directory: {e}")))?;
    let home = dir
        .canonicalize()
        .map_err(|e| internal(format!("sandbox directory: {e}")))?;
    Ok(Target {
        id: id.to_string(),
        home,
        env,
    })
}

impl Target {
    /// The host path for `raw`, confined to the sandbox directory (see the module docs).
    /// An empty path is the home directory.
    pub(crate) fn path(&self, raw: &str) -> Result<PathBuf, ApiError> {
        resolve(&self.home, raw)
    }

    /// The environment commands run with: the sandbox's `env`, `HOME` its directory.
    pub(crate) fn command_env(&self) -> BTreeMap<String, String> {
        let mut env = self.env.clone();
        env.insert("HOME".into(), self.home.display().to_string());
        env
    }
}

/// Confines `raw` to `home` (canonical). See the module docs.
pub(crate) fn resolve(home: &Path, raw: &str) -> Result<PathBuf, ApiError> {
    if raw.contains('\0') {
        return Err(invalid_path("path contains a NUL byte"));
    }
    let joined = if raw.is_empty() {
        home.to_path_buf()
    } else if Path::new(raw).is_absolute() {
        PathBuf::from(raw)
    } else {
        home.join(raw)
    };
    // Lexical normalisation: `..` never climbs above `/`.
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => clean.push(c.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            Component::Normal(n) => clean.push(n),
        }
    }
    let outside = || access_denied(format!("path {raw:?} is outside the sandbox"));
    let rel = clean
        .strip_prefix(home)
        .map_err(|_| outside())?
        .to_path_buf();
    // Every existing component must stay inside once symlinks are followed; a dangling
    // symlink is refused (writing through it could create a file anywhere).
    let mut at = home.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Err(_) => break,
            Ok(m) if m.file_type().is_symlink() => {
                let real = at.canonicalize().map_err(|_| outside())?;
                if !real.starts_with(home) {
                    return Err(outside());
                }
            }
            Ok(_) => {}
        }
    }
    Ok(clean)
}

/// 400 `INVALID_FILE_PATH`.
pub(crate) fn invalid_path(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message)
        .with_code("INVALID_FILE_PATH")
        .toolbox()
}

/// 403 `FILE_ACCESS_DENIED`.
pub(crate) fn access_denied(message: impl Into<String>) -> ApiError {
    ApiError::forbidden(message)
        .with_code("FILE_ACCESS_DENIED")
        .toolbox()
}

/// 400 in the toolbox shape.
pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message).toolbox()
}

/// A JSON request body, or 400 `INVALID_REQUEST_BODY` in the toolbox shape.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    super::super::errors::parse_json(body).map_err(|e| {
        ApiError::bad_request(e.message)
            .with_code("INVALID_REQUEST_BODY")
            .toolbox()
    })
}

/// 404 in the toolbox shape with a typed code.
pub(crate) fn not_found(message: impl Into<String>, code: &str) -> ApiError {
    ApiError::not_found(message).with_code(code).toolbox()
}

/// 500 in the toolbox shape.
pub(crate) fn internal(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message).toolbox()
}

/// An I/O error on `path` as the daemon reports it: 404 `FILE_NOT_FOUND`, 403
/// `FILE_ACCESS_DENIED`, 409 when it exists, 400 otherwise.
pub(crate) fn io_error(what: &str, path: &Path, e: &std::io::Error) -> ApiError {
    let message = format!("{what} {}: {e}", path.display());
    match e.kind() {
        std::io::ErrorKind::NotFound => not_found(message, "FILE_NOT_FOUND"),
        std::io::ErrorKind::PermissionDenied => access_denied(message),
        std::io::ErrorKind::AlreadyExists => ApiError::conflict(message).toolbox(),
        _ => bad_request(message),
    }
}

/// Parses an octal mode such as `0755` or `755`.
pub(crate) fn parse_mode(raw: &str) -> Result<u32, ApiError> {
    let digits = raw.trim().trim_start_matches("0o");
    u32::from_str_radix(digits, 8)
        .ok()
        .filter(|m| *m <= 0o7777)
        .ok_or_else(|| bad_request(format!("invalid mode {raw:?}: want octal such as 0755")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_sandbox() {
        let home = std::env::temp_dir()
            .canonicalize()
            .unwrap()
            .join(format!("emu-paths-{}", std::process::id()));
        std::fs::create_dir_all(home.join("sub")).unwrap();
        assert_eq!(resolve(&home, "").unwrap(), home);
        assert_eq!(resolve(&home, "a/./b").unwrap(), home.join("a/b"));
        assert_eq!(resolve(&home, "sub/../x").unwrap(), home.join("x"));
        let inside = home.join("sub/f");
        assert_eq!(resolve(&home, inside.to_str().unwrap()).unwrap(), inside);
        for bad in ["..", "../x", "sub/../../x", "/etc/passwd", "/"] {
            let e = resolve(&home, bad).unwrap_err();
            assert_eq!(e.status, StatusCode::FORBIDDEN, "{bad}");
            assert_eq!(e.code, "FILE_ACCESS_DENIED");
        }
        assert_eq!(
            resolve(&home, "a\0b").unwrap_err().code,
            "INVALID_FILE_PATH"
        );
        std::os::unix::fs::symlink("/etc", home.join("out")).unwrap();
        std::os::unix::fs::symlink(home.join("sub"), home.join("in")).unwrap();
        std::os::unix::fs::symlink("/nonexistent/x", home.join("dangling")).unwrap();
        assert!(resolve(&home, "out/passwd").is_err());
        assert!(resolve(&home, "out").is_err());
        assert!(resolve(&home, "dangling").is_err());
        assert_eq!(resolve(&home, "in/f").unwrap(), home.join("in/f"));
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn modes_are_octal() {
        assert_eq!(parse_mode("0755").unwrap(), 0o755);
        assert_eq!(parse_mode("644").unwrap(), 0o644);
        assert!(parse_mode("9").is_err());
        assert!(parse_mode("rwx").is_err());
    }
}
