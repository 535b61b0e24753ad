//! Files in a sandbox through the toolbox: the sandbox's `toolboxProxyUrl`
//! (the legacy API route when it has none). Paths are checked before anything
//! is sent; relative paths go as given (the toolbox resolves them against the
//! user's home). Every answer handed back is bounded by `DAYTONA_OUTPUT_LIMIT_BYTES`.
//!
//! - `read`: `read_file` and `download_file`.
//! - `write`: `write_file`'s upload.
//! - `search`: `find_in_files`, `search_files`, `replace_in_files`.
//! - here: listing, details, delete, move, create folder, and the request
//!   every file operation starts from.

mod read;
mod search;
mod write;

pub use read::{Download, Text, download, read};
pub use search::{Found, Searched, find, replace, search};
pub use write::{Written, decode_content, multipart, write};

pub use super::toolbox::{MAX_PATH_BYTES, check_path};
use super::toolbox::{Toolbox, bounded};
use crate::error::{Error, scrub};
use crate::http::{Client, Method, Request, Response, Transport, When};
use crate::models::files::FileInfo;
use serde::Serialize;

/// Largest content `write_file` sends, in bytes once decoded.
pub const MAX_WRITE_BYTES: usize = 8 * 1024 * 1024;
/// Most files one `replace_in_files` call changes.
pub const MAX_REPLACE_FILES: usize = 1000;
/// Longest upstream error kept per file of a replacement.
const MAX_FILE_ERROR: usize = 300;

const NOT_FOUND_HINT: &str = "check the path with list_files or search_files; relative paths are resolved against the sandbox user's home";
const FORBIDDEN_HINT: &str =
    "the sandbox user may not access this path; choose a path under the user's home";

/// A file request, with the path hints for 404 and 403.
fn request(tb: &Toolbox, method: Method, route: &str, what: String) -> Request {
    tb.request(method, route, what)
        .hint(When::Status(404), NOT_FOUND_HINT)
        .hint(When::Status(403), FORBIDDEN_HINT)
}

/// Send a file request; a 400 the request does not explain gets the generic hint.
fn send<T: Transport>(client: &Client<T>, req: Request) -> Result<Response, Error> {
    let req = req.hint(
        When::Status(400),
        "the toolbox refused the request; check the path (a directory where a file is expected, or the reverse)",
    );
    client.send(&req)
}

/// [`send`], then decode the JSON answer.
fn json<T: Transport, R: crate::models::Wire>(
    client: &Client<T>,
    req: Request,
) -> Result<R, Error> {
    let what = req.what.clone();
    let answer = send(client, req)?;
    crate::http::decode(&answer.body, &what)
}

/// A directory's entries, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing {
    /// The entries kept.
    pub files: Vec<FileInfo>,
    /// Whether entries were left out to stay within the output limit.
    pub truncated: bool,
    /// How many entries the directory has.
    pub total: u64,
}

/// The entries of directory `path`.
pub fn list<T: Transport>(client: &Client<T>, sandbox: &str, path: &str) -> Result<Listing, Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(&tb, Method::Get, "/files", tb.what("list", path)).query("path", path);
    let files: Vec<FileInfo> = json(client, req)?;
    let (files, truncated, total) = bounded(files, client.config.output_limit);
    Ok(Listing {
        files,
        truncated,
        total,
    })
}

/// One file or directory's details.
pub fn info<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
) -> Result<FileInfo, Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Get,
        "/files/info",
        tb.what("get info of", path),
    )
    .query("path", path);
    json(client, req)
}

/// Delete a file, or a directory with `recursive`.
pub fn delete<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    recursive: bool,
) -> Result<(), Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    let mut req = request(&tb, Method::Delete, "/files", tb.what("delete", path))
        .query("path", path)
        .idempotent(true);
    if recursive {
        req = req.query("recursive", "true");
    }
    let req = req.hint(
        When::Status(400),
        "a directory is deleted only with recursive: true; check the path",
    );
    send(client, req).map(|_| ())
}

/// Move or rename `source` to `destination`.
pub fn rename<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    source: &str,
    destination: &str,
) -> Result<(), Error> {
    check_path("source", source)?;
    check_path("destination", destination)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(&tb, Method::Post, "/files/move", tb.what("move", source))
        .query("source", source)
        .query("destination", destination);
    send(client, req).map(|_| ())
}

/// Create a directory (and its parents) with `mode` (octal, e.g. `755`).
pub fn create_folder<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    mode: Option<&str>,
) -> Result<(), Error> {
    check_path("path", path)?;
    if let Some(mode) = mode
        && !(1..=4).contains(&mode.len()) | !mode.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return Err(Error::invalid_input(format!(
            "`mode` is '{}'; it must be 1 to 4 octal digits, e.g. \"755\"",
            scrub(mode, &[])
        )));
    }
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Post,
        "/files/folder",
        tb.what("create folder", path),
    )
    .query("path", path)
    .query_opt("mode", mode)
    .idempotent(true);
    send(client, req).map(|_| ())
}

#[cfg(test)]
mod tests;
