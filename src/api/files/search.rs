//! Searching and replacing: lines by content (`find_in_files`), paths by
//! name (`search_files`), text in named files (`replace_in_files`).

use super::super::toolbox::{MAX_PATH_BYTES, Toolbox, bounded, check_path};
use super::{MAX_FILE_ERROR, MAX_REPLACE_FILES, MAX_WRITE_BYTES, json, request};
use crate::error::{Error, scrub};
use crate::http::{Client, Method, Transport};
use crate::models::Wire;
use crate::models::files::{Match, ReplaceRequest, ReplaceResult, SearchResponse};
use serde::Serialize;

/// Lines containing `pattern` in the files under `path`, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Found {
    /// The matching lines kept.
    pub matches: Vec<Match>,
    /// Whether matches were left out to stay within the output limit.
    pub truncated: bool,
    /// How many lines matched.
    pub total: u64,
}

/// Search the contents of the files under `path` for `pattern`.
pub fn find<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    pattern: &str,
) -> Result<Found, Error> {
    let matches: Vec<Match> = matching(
        client,
        sandbox,
        "/files/find",
        "search contents under",
        path,
        pattern,
    )?;
    let (matches, truncated, total) = bounded(matches, client.config.output_limit);
    Ok(Found {
        matches,
        truncated,
        total,
    })
}

/// Paths whose names match a glob, bounded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Searched {
    /// The matching paths kept.
    pub files: Vec<String>,
    /// Whether paths were left out to stay within the output limit.
    pub truncated: bool,
    /// How many paths matched.
    pub total: u64,
}

/// Files and directories under `path` whose names match the glob `pattern`.
pub fn search<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    pattern: &str,
) -> Result<Searched, Error> {
    let answer: SearchResponse = matching(
        client,
        sandbox,
        "/files/search",
        "search names under",
        path,
        pattern,
    )?;
    let (files, truncated, total) = bounded(answer.files, client.config.output_limit);
    Ok(Searched {
        files,
        truncated,
        total,
    })
}

/// The part `find` and `search` share: `path` and `pattern` checked before
/// the sandbox is looked up, then what a GET of `route` with both as its
/// query answers.
fn matching<T: Transport, R: Wire>(
    client: &Client<T>,
    sandbox: &str,
    route: &str,
    action: &str,
    path: &str,
    pattern: &str,
) -> Result<R, Error> {
    check_path("path", path)?;
    check_pattern(pattern)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(&tb, Method::Get, route, tb.what(action, path))
        .query("path", path)
        .query("pattern", pattern);
    json(client, req)
}

fn check_pattern(pattern: &str) -> Result<(), Error> {
    if pattern.is_empty() || pattern.contains('\0') || pattern.len() > MAX_PATH_BYTES {
        return Err(Error::invalid_input(format!(
            "`pattern` must be 1 to {MAX_PATH_BYTES} bytes without NUL"
        )));
    }
    Ok(())
}

/// Replace `pattern` by `new_value` in `files`; one result per file.
pub fn replace<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    files: &[String],
    pattern: &str,
    new_value: &str,
) -> Result<Vec<ReplaceResult>, Error> {
    if files.is_empty() || files.len() > MAX_REPLACE_FILES {
        return Err(Error::invalid_input(format!(
            "`files` must name 1 to {MAX_REPLACE_FILES} files"
        )));
    }
    for file in files {
        check_path("files", file)?;
    }
    check_pattern(pattern)?;
    if new_value.contains('\0') || new_value.len() > MAX_WRITE_BYTES {
        return Err(Error::invalid_input(format!(
            "`newValue` must be at most {MAX_WRITE_BYTES} bytes without NUL"
        )));
    }
    let tb = Toolbox::open(client, sandbox)?;
    let body = ReplaceRequest {
        files: files.to_vec(),
        pattern: pattern.to_string(),
        new_value: new_value.to_string(),
    };
    let what = format!(
        "replace text in {} file(s) in sandbox '{}'",
        files.len(),
        tb.name
    );
    let req = request(&tb, Method::Post, "/files/replace", what).json(&body)?;
    let results: Vec<ReplaceResult> = json(client, req)?;
    let secrets = client.secrets();
    Ok(results
        .into_iter()
        .map(|r| ReplaceResult {
            error: r.error.map(|e| {
                let e = scrub(&e, &secrets);
                let mut end = e.len().min(MAX_FILE_ERROR);
                while !e.is_char_boundary(end) {
                    end -= 1;
                }
                e[..end].to_string()
            }),
            ..r
        })
        .collect())
}
