//! Reading files: a text file's lines (`read_file`) and a file's bytes
//! (`download_file`), each from one download cut at the answer cap.

use super::super::toolbox::{Toolbox, check_path, shown};
use super::{request, send};
use crate::error::Error;
use crate::http::{Client, Method, Response, Transport};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

/// A file's bytes: the first part of it when it is longer than the answer cap.
pub(super) struct Downloaded {
    pub(super) bytes: Vec<u8>,
    pub(super) size: u64,
    pub(super) cut: bool,
}

fn download_bytes<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    action: &str,
) -> Result<Downloaded, Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(&tb, Method::Get, "/files/download", tb.what(action, path))
        .query("path", path)
        .keep_ends();
    let Response { body, cut, .. } = send(client, req)?;
    Ok(match cut {
        None => Downloaded {
            size: body.len() as u64,
            bytes: body,
            cut: false,
        },
        Some(cut) => Downloaded {
            bytes: body,
            size: cut.total,
            cut: true,
        },
    })
}

/// A text file's lines, as `read_file` returns them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Text {
    /// The lines shown, each with its line ending.
    pub content: String,
    /// The first line shown (1-based).
    pub start_line: u64,
    /// The last line shown (`startLine - 1` when none is).
    pub end_line: u64,
    /// Whether lines were left out after `endLine` to stay within the output limit.
    pub truncated: bool,
    /// The file's size in bytes.
    pub size: u64,
}

/// Lines `start..=end` (1-based) of a text file, bounded by the output limit.
pub fn read<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    start: Option<u32>,
    end: Option<u32>,
) -> Result<Text, Error> {
    let start = u64::from(start.unwrap_or(1).max(1));
    if let Some(end) = end
        && u64::from(end) < start
    {
        return Err(Error::invalid_input(format!(
            "`endLine` ({end}) is before `startLine` ({start})"
        )));
    }
    let file = download_bytes(client, sandbox, path, "read")?;
    text_lines(
        &file,
        path,
        start,
        end.map(u64::from),
        client.config.output_limit,
    )
}

pub(super) fn text_lines(
    file: &Downloaded,
    path: &str,
    start: u64,
    end: Option<u64>,
    limit: usize,
) -> Result<Text, Error> {
    let binary = || {
        Error::invalid_input(format!(
            "'{}' is not UTF-8 text (it holds NUL bytes or invalid UTF-8)",
            shown(path)
        ))
        .with_hint("use download_file to get its bytes as base64")
    };
    if file.bytes.contains(&0) {
        return Err(binary());
    }
    let text = match std::str::from_utf8(&file.bytes) {
        Ok(text) => text,
        // A file cut in the middle may end inside a character.
        Err(e) if file.cut && e.error_len().is_none() => {
            std::str::from_utf8(&file.bytes[..e.valid_up_to()]).map_err(|_| binary())?
        }
        Err(_) => return Err(binary()),
    };
    let mut content = String::new();
    let mut last = start - 1;
    let mut truncated = false;
    let mut lines = 0u64;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i as u64 + 1;
        lines = number;
        if number < start {
            continue;
        }
        if end.is_some_and(|end| number > end) {
            break;
        }
        if content.len() + line.len() > limit {
            truncated = true;
            if content.is_empty() {
                // One line longer than the limit: its start, cut on a character.
                let mut keep = limit.min(line.len());
                while !line.is_char_boundary(keep) {
                    keep -= 1;
                }
                content.push_str(&line[..keep]);
                last = number;
            }
            break;
        }
        content.push_str(line);
        last = number;
    }
    // The rest of a file cut by the answer cap was never seen.
    if file.cut && end.is_none_or(|end| last < end) {
        truncated = true;
    }
    if start > 1 && lines < start && !file.cut {
        return Err(Error::invalid_input(format!(
            "`startLine` is {start} but '{}' has {lines} line(s)",
            shown(path)
        ))
        .with_hint("read from an earlier line"));
    }
    Ok(Text {
        content,
        start_line: start,
        end_line: last,
        truncated,
        size: file.size,
    })
}

/// A file's bytes in base64, as `download_file` returns them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Download {
    /// The bytes, base64 (standard alphabet, padded).
    pub content_base64: String,
    /// Whether only the first bytes are given (the file is larger than the output limit).
    pub truncated: bool,
    /// The file's size in bytes.
    pub size: u64,
}

/// A file's bytes, the first `limit * 3 / 4` of them at most (so the base64 fits the limit).
pub fn download<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
) -> Result<Download, Error> {
    let file = download_bytes(client, sandbox, path, "download")?;
    let keep = client.config.output_limit / 4 * 3;
    let shown = &file.bytes[..file.bytes.len().min(keep)];
    Ok(Download {
        content_base64: STANDARD.encode(shown),
        truncated: (shown.len() as u64) < file.size,
        size: file.size,
    })
}
