//! The toolbox's file-system and info routes, on the sandbox's own directory.
//!
//! | route (under `/toolbox/{sandboxId}`) | answer |
//! |---|---|
//! | `GET /files?path=&depth=` | 200 `[FileInfo]` (with `path`; `depth` > 1 descends) |
//! | `GET /files/info?path=` | 200 `FileInfo` |
//! | `GET /files/download?path=` | 200 the bytes (`application/octet-stream`) |
//! | `POST /files/bulk-download` `{paths}` | 200 `multipart/form-data`: a `file` part per file, an `error` part (JSON `{source, message, statusCode, code}`) per failure, each with `filename` = the path asked for |
//! | `POST /files/upload?path=` multipart `file` | 200 `{message}` |
//! | `POST /files/bulk-upload` multipart `files[i].path` + `files[i].file` | 200 `{files: [{path, bytes}]}` |
//! | `DELETE /files?path=&recursive=` | 204 (a directory needs `recursive=true`) |
//! | `POST /files/folder?path=&mode=` | 201 (parents too; mode default 0755) |
//! | `POST /files/move?source=&destination=` | 200 |
//! | `POST /files/permissions?path=&mode=&owner=&group=` | 200 (owner/group numeric ids only) |
//! | `GET /files/find?path=&pattern=` | 200 `[Match{file, line, content}]`: literal text, 1-based lines, binary files skipped |
//! | `GET /files/search?path=&pattern=` | 200 `{files}`: names (files and directories) matching the glob |
//! | `POST /files/replace` `{files, pattern, newValue}` | 200 `[ReplaceResult{file, success, error?}]`: literal text |
//! | `GET /user-home-dir`, `GET /work-dir` | 200 `{dir}`: both the sandbox directory |
//! | `GET /version` | 200 `{version}` |
//!
//! Errors (toolbox shape): 404 `FILE_NOT_FOUND`, 403 `FILE_ACCESS_DENIED` (also for paths
//! outside the sandbox), 400 `INVALID_FILE_PATH` (NUL), 400 for the rest; see [`super::common`].

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path as FsPath, PathBuf};
use std::time::SystemTime;

use axum::Json;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::super::clock::format_rfc3339;
use super::super::errors::ApiError;
use super::super::query::Query;
use super::common::{Call, Target, access_denied, bad_request, io_error, parse_body, parse_mode};
use super::multipart;

/// Largest upload body accepted.
pub(crate) const MAX_UPLOAD_BYTES: usize = 256 * 1024 * 1024;

type Res = Result<Response, ApiError>;

fn query(raw: &Option<String>) -> Query {
    Query::parse(raw.as_deref())
}

fn required<'a>(q: &'a Query, name: &str) -> Result<&'a str, ApiError> {
    q.get(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| bad_request(format!("{name} is required")))
}

fn flag(q: &Query, name: &str) -> bool {
    q.get(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// What most file routes start with: the sandbox checked ([`Call::target`]), then the query and
/// its `path` (required, confined to the sandbox directory).
fn target_path(call: &Call, raw: &Option<String>) -> Result<(Query, PathBuf), ApiError> {
    let t = call.target()?;
    let q = query(raw);
    let path = t.path(required(&q, "path")?)?;
    Ok((q, path))
}

/// `GET /user-home-dir`.
pub(crate) async fn user_home_dir(call: Call) -> Res {
    let t = call.target()?;
    Ok(Json(json!({ "dir": t.home.display().to_string() })).into_response())
}

/// `GET /work-dir`.
pub(crate) async fn work_dir(call: Call) -> Res {
    user_home_dir(call).await
}

/// `GET /version`.
pub(crate) async fn version(call: Call) -> Res {
    call.target()?;
    Ok(Json(json!({ "version": "v0.0.0-emulator" })).into_response())
}

/// User and group names by id, from `/etc/passwd` and `/etc/group`.
fn names(file: &str) -> BTreeMap<u32, String> {
    fs::read_to_string(file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            let id = f.nth(1)?.parse().ok()?;
            Some((id, name.to_string()))
        })
        .collect()
}

struct Names {
    users: BTreeMap<u32, String>,
    groups: BTreeMap<u32, String>,
}

impl Names {
    fn load() -> Names {
        Names {
            users: names("/etc/passwd"),
            groups: names("/etc/group"),
        }
    }
}

/// Go's `FileMode.String()`: `drwxr-xr-x`, `-rw-r--r--`, `Lrwxrwxrwx`.
fn go_mode(meta: &fs::Metadata) -> String {
    let ft = meta.file_type();
    let kind = if ft.is_dir() {
        'd'
    } else if ft.is_symlink() {
        'L'
    } else {
        '-'
    };
    let mode = meta.mode();
    let mut s = String::from(kind);
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        s.push(if mode & (1 << (8 - i)) != 0 { c } else { '-' });
    }
    s
}

/// Go's `time.Time.String()` in UTC: `2006-01-02 15:04:05.123 +0000 UTC`.
fn go_time(t: SystemTime) -> String {
    let dt = time::OffsetDateTime::from(t);
    let nanos = dt.nanosecond();
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}{frac} +0000 UTC",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    )
}

fn file_info(path: &FsPath, meta: &fs::Metadata, names: &Names) -> Value {
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let ms = modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    json!({
        "name": path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "/".into()),
        "path": path.display().to_string(),
        "isDir": meta.is_dir(),
        "size": meta.len(),
        "mode": go_mode(meta),
        "permissions": format!("{:04o}", meta.mode() & 0o7777),
        "owner": names.users.get(&meta.uid()).cloned().unwrap_or_else(|| meta.uid().to_string()),
        "group": names.groups.get(&meta.gid()).cloned().unwrap_or_else(|| meta.gid().to_string()),
        "modTime": go_time(modified),
        "modifiedAt": format_rfc3339(ms),
    })
}

/// Entries under `dir` down to `depth` levels (1: its children), sorted by path; symlinks
/// are listed, never followed.
fn walk(dir: &FsPath, depth: usize, out: &mut Vec<(PathBuf, fs::Metadata)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let Ok(meta) = fs::symlink_metadata(&path) else {
            continue;
        };
        let is_dir = meta.is_dir();
        out.push((path.clone(), meta));
        if is_dir && depth > 1 {
            walk(&path, depth - 1, out)?;
        }
    }
    Ok(())
}

/// `GET /files?path=&depth=`.
pub(crate) async fn list(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let q = query(&raw);
    let dir = t.path(q.get("path").unwrap_or_default())?;
    let depth = match q.get("depth").filter(|d| !d.is_empty()) {
        None => 1,
        Some(d) => d
            .parse::<usize>()
            .ok()
            .filter(|d| *d >= 1)
            .ok_or_else(|| bad_request("depth must be a positive integer"))?,
    };
    let meta = fs::metadata(&dir).map_err(|e| io_error("cannot list", &dir, &e))?;
    if !meta.is_dir() {
        return Err(bad_request(format!("{} is not a directory", dir.display())));
    }
    let mut entries = Vec::new();
    walk(&dir, depth, &mut entries).map_err(|e| io_error("cannot list", &dir, &e))?;
    let names = Names::load();
    let list: Vec<Value> = entries
        .iter()
        .map(|(p, m)| file_info(p, m, &names))
        .collect();
    Ok(Json(list).into_response())
}

/// `GET /files/info?path=`.
pub(crate) async fn info(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (_, path) = target_path(&call, &raw)?;
    let meta = fs::metadata(&path).map_err(|e| io_error("cannot stat", &path, &e))?;
    Ok(Json(file_info(&path, &meta, &Names::load())).into_response())
}

/// Reads a regular file for download.
fn read_file(t: &Target, raw: &str) -> Result<Vec<u8>, ApiError> {
    let path = t.path(raw)?;
    let meta = fs::metadata(&path).map_err(|e| io_error("cannot open", &path, &e))?;
    if meta.is_dir() {
        return Err(bad_request(format!("{} is a directory", path.display())));
    }
    fs::read(&path).map_err(|e| io_error("cannot read", &path, &e))
}

/// `GET /files/download?path=`.
pub(crate) async fn download(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let q = query(&raw);
    let raw_path = required(&q, "path")?;
    let data = read_file(&t, raw_path)?;
    let name = FsPath::new(raw_path)
        .file_name()
        .map(|n| n.to_string_lossy().replace('"', ""))
        .unwrap_or_default();
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

#[derive(Deserialize)]
struct DownloadRequest {
    paths: Option<Vec<String>>,
}

/// `POST /files/bulk-download`.
pub(crate) async fn bulk_download(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: DownloadRequest = parse_body(&body)?;
    let paths = req.paths.ok_or_else(|| bad_request("paths is required"))?;
    let mut b = multipart::Builder::new();
    for raw in &paths {
        match read_file(&t, raw) {
            Ok(data) => b.part("file", raw, "application/octet-stream", &data),
            Err(e) => {
                let payload = json!({
                    "source": "DAYTONA_DAEMON",
                    "message": e.message,
                    "statusCode": e.status.as_u16(),
                    "code": e.code,
                });
                b.part(
                    "error",
                    raw,
                    "application/json",
                    payload.to_string().as_bytes(),
                );
            }
        }
    }
    let (boundary, body) = b.finish();
    let mut resp = body.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}")) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(resp)
}

/// Writes `data` to `path`, creating parent directories.
fn write_file(path: &FsPath, data: &[u8]) -> Result<(), ApiError> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_error("cannot create", parent, &e))?;
    }
    if path.is_dir() {
        return Err(bad_request(format!("{} is a directory", path.display())));
    }
    fs::write(path, data).map_err(|e| io_error("cannot write", path, &e))
}

fn form(headers: &HeaderMap, body: &[u8]) -> Result<Vec<multipart::Part>, ApiError> {
    let boundary = multipart::boundary(headers).map_err(bad_request)?;
    multipart::parse(body, &boundary).map_err(bad_request)
}

/// `POST /files/upload?path=` (multipart field `file`).
pub(crate) async fn upload(
    call: Call,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Res {
    let (_, path) = target_path(&call, &raw)?;
    let parts = form(&headers, &body)?;
    let file = parts
        .iter()
        .find(|p| p.name == "file")
        .ok_or_else(|| bad_request("file is required"))?;
    write_file(&path, &file.data)?;
    Ok(Json(json!({ "message": "File uploaded successfully" })).into_response())
}

/// `POST /files/bulk-upload` (multipart `files[i].path` and `files[i].file`).
pub(crate) async fn bulk_upload(call: Call, headers: HeaderMap, body: Bytes) -> Res {
    let t = call.target()?;
    let parts = form(&headers, &body)?;
    let mut by_index: BTreeMap<usize, (Option<String>, Option<Vec<u8>>)> = BTreeMap::new();
    for part in parts {
        let Some(rest) = part.name.strip_prefix("files[") else {
            continue;
        };
        let Some((index, field)) = rest.split_once("].") else {
            return Err(bad_request(format!("bad field name {:?}", part.name)));
        };
        let index: usize = index
            .parse()
            .map_err(|_| bad_request(format!("bad field name {:?}", part.name)))?;
        let entry = by_index.entry(index).or_default();
        match field {
            "path" => entry.0 = Some(String::from_utf8_lossy(&part.data).into_owned()),
            "file" => entry.1 = Some(part.data),
            _ => return Err(bad_request(format!("bad field name {:?}", part.name))),
        }
    }
    if by_index.is_empty() {
        return Err(bad_request("no files in the upload"));
    }
    // Every destination is checked before anything is written.
    let mut uploads = Vec::new();
    for (index, (path, data)) in by_index {
        let path = path.ok_or_else(|| bad_request(format!("files[{index}].path is required")))?;
        let data = data.ok_or_else(|| bad_request(format!("files[{index}].file is required")))?;
        uploads.push((t.path(&path)?, data));
    }
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for (path, data) in uploads {
        match write_file(&path, &data) {
            Ok(()) => {
                files.push(json!({ "path": path.display().to_string(), "bytes": data.len() }))
            }
            Err(e) => errors.push(e.message),
        }
    }
    if errors.is_empty() {
        Ok(Json(json!({ "files": files })).into_response())
    } else {
        Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({ "files": files, "errors": errors })),
        )
            .into_response())
    }
}

/// `DELETE /files?path=&recursive=`.
pub(crate) async fn delete(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (q, path) = target_path(&call, &raw)?;
    let meta = fs::symlink_metadata(&path).map_err(|e| io_error("cannot delete", &path, &e))?;
    if meta.is_dir() {
        if !flag(&q, "recursive") {
            return Err(bad_request(format!(
                "cannot delete directory {} without recursive=true",
                path.display()
            )));
        }
        fs::remove_dir_all(&path).map_err(|e| io_error("cannot delete", &path, &e))?;
    } else {
        fs::remove_file(&path).map_err(|e| io_error("cannot delete", &path, &e))?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /files/folder?path=&mode=`.
pub(crate) async fn create_folder(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (q, path) = target_path(&call, &raw)?;
    let mode = match q.get("mode").filter(|m| !m.is_empty()) {
        Some(m) => parse_mode(m)?,
        None => 0o755,
    };
    fs::create_dir_all(&path).map_err(|e| io_error("cannot create", &path, &e))?;
    fs::set_permissions(&path, fs::Permissions::from_mode(mode))
        .map_err(|e| io_error("cannot chmod", &path, &e))?;
    Ok(StatusCode::CREATED.into_response())
}

/// `POST /files/move?source=&destination=`.
pub(crate) async fn move_file(call: Call, RawQuery(raw): RawQuery) -> Res {
    let t = call.target()?;
    let q = query(&raw);
    let source = t.path(required(&q, "source")?)?;
    let destination = t.path(required(&q, "destination")?)?;
    if source == t.home {
        return Err(access_denied("cannot move the home directory"));
    }
    fs::symlink_metadata(&source).map_err(|e| io_error("cannot move", &source, &e))?;
    fs::rename(&source, &destination).map_err(|e| io_error("cannot move to", &destination, &e))?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /files/permissions?path=&mode=&owner=&group=`.
pub(crate) async fn set_permissions(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (q, path) = target_path(&call, &raw)?;
    fs::metadata(&path).map_err(|e| io_error("cannot stat", &path, &e))?;
    if let Some(mode) = q.get("mode").filter(|m| !m.is_empty()) {
        let mode = parse_mode(mode)?;
        fs::set_permissions(&path, fs::Permissions::from_mode(mode))
            .map_err(|e| io_error("cannot chmod", &path, &e))?;
    }
    let id_of = |name: &str| -> Result<Option<u32>, ApiError> {
        match q.get(name).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => v.parse().map(Some).map_err(|_| {
                bad_request(format!("{name} {v:?}: the emulator takes numeric ids only"))
            }),
        }
    };
    let (owner, group) = (id_of("owner")?, id_of("group")?);
    if owner.is_some() || group.is_some() {
        std::os::unix::fs::chown(&path, owner, group)
            .map_err(|e| io_error("cannot chown", &path, &e))?;
    }
    Ok(StatusCode::OK.into_response())
}

/// Regular files under `path` (or `path` itself), not following symlinks.
fn files_under(path: &FsPath) -> Result<Vec<PathBuf>, ApiError> {
    let meta = fs::symlink_metadata(path).map_err(|e| io_error("cannot search", path, &e))?;
    if !meta.is_dir() {
        return Ok(if meta.is_file() {
            vec![path.to_path_buf()]
        } else {
            vec![]
        });
    }
    let mut entries = Vec::new();
    walk(path, usize::MAX, &mut entries).map_err(|e| io_error("cannot search", path, &e))?;
    Ok(entries
        .into_iter()
        .filter(|(_, m)| m.is_file())
        .map(|(p, _)| p)
        .collect())
}

/// `GET /files/find?path=&pattern=`.
pub(crate) async fn find(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (q, path) = target_path(&call, &raw)?;
    let pattern = required(&q, "pattern")?;
    let mut matches = Vec::new();
    for file in files_under(&path)? {
        let Ok(data) = fs::read(&file) else { continue };
        if data[..data.len().min(8000)].contains(&0) {
            continue;
        }
        let text = String::from_utf8_lossy(&data);
        for (i, line) in text.lines().enumerate() {
            if line.contains(pattern) {
                matches.push(json!({
                    "file": file.display().to_string(),
                    "line": i + 1,
                    "content": line,
                }));
            }
        }
    }
    Ok(Json(matches).into_response())
}

/// Shell-style glob: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`, `\` escapes.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    fn class(p: &[char], c: char) -> Option<(bool, usize)> {
        let mut i = 1;
        let negate = matches!(p.get(1), Some('!') | Some('^'));
        if negate {
            i += 1;
        }
        let mut matched = false;
        let mut first = true;
        while i < p.len() && (first || p[i] != ']') {
            first = false;
            if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
                if p[i] <= c && c <= p[i + 2] {
                    matched = true;
                }
                i += 3;
            } else {
                if p[i] == c {
                    matched = true;
                }
                i += 1;
            }
        }
        (i < p.len()).then_some((matched != negate, i + 1))
    }
    fn go(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|k| go(&p[1..], &n[k..])),
            Some('?') => !n.is_empty() && go(&p[1..], &n[1..]),
            Some('[') => match (n.first(), class(p, n.first().copied().unwrap_or('\0'))) {
                (Some(_), Some((true, len))) => go(&p[len..], &n[1..]),
                (Some(_), Some((false, _))) | (None, _) => false,
                (Some(c), None) => *c == '[' && go(&p[1..], &n[1..]),
            },
            Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && go(&p[2..], &n[1..]),
            Some(c) => n.first() == Some(c) && go(&p[1..], &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

/// `GET /files/search?path=&pattern=`.
pub(crate) async fn search(call: Call, RawQuery(raw): RawQuery) -> Res {
    let (q, path) = target_path(&call, &raw)?;
    let pattern = required(&q, "pattern")?;
    fs::metadata(&path).map_err(|e| io_error("cannot search", &path, &e))?;
    let mut entries = Vec::new();
    walk(&path, usize::MAX, &mut entries).map_err(|e| io_error("cannot search", &path, &e))?;
    let files: Vec<String> = entries
        .iter()
        .filter(|(p, _)| {
            p.file_name()
                .is_some_and(|n| glob_match(pattern, &n.to_string_lossy()))
        })
        .map(|(p, _)| p.display().to_string())
        .collect();
    Ok(Json(json!({ "files": files })).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReplaceRequest {
    files: Option<Vec<String>>,
    pattern: Option<String>,
    new_value: Option<String>,
}

/// `POST /files/replace`.
pub(crate) async fn replace(call: Call, body: Bytes) -> Res {
    let t = call.target()?;
    let req: ReplaceRequest = parse_body(&body)?;
    let files = req.files.ok_or_else(|| bad_request("files is required"))?;
    let pattern = req
        .pattern
        .filter(|p| !p.is_empty())
        .ok_or_else(|| bad_request("pattern is required"))?;
    let new_value = req
        .new_value
        .ok_or_else(|| bad_request("newValue is required"))?;
    let mut results = Vec::new();
    for raw in files {
        let outcome = t.path(&raw).and_then(|path| {
            let text = fs::read_to_string(&path).map_err(|e| io_error("cannot read", &path, &e))?;
            let replaced = text.replace(&pattern, &new_value);
            if replaced != text {
                fs::write(&path, replaced).map_err(|e| io_error("cannot write", &path, &e))?;
            }
            Ok(())
        });
        results.push(match outcome {
            Ok(()) => json!({ "file": raw, "success": true }),
            Err(e) => json!({ "file": raw, "success": false, "error": e.message }),
        });
    }
    Ok(Json(results).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_like_a_shell() {
        assert!(glob_match("*.txt", "a.txt"));
        assert!(!glob_match("*.txt", "a.txt.bak"));
        assert!(glob_match("test_?", "test_1"));
        assert!(glob_match("[ab]*", "beta"));
        assert!(!glob_match("[!ab]*", "beta"));
        assert!(glob_match("[a-c].rs", "b.rs"));
        assert!(glob_match("\\*", "*"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn formats_times_and_modes_like_go() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(1_500);
        assert_eq!(go_time(t), "1970-01-01 00:00:01.5 +0000 UTC");
        let meta = fs::metadata(std::env::temp_dir()).unwrap();
        assert!(go_mode(&meta).starts_with('d'));
    }
}
