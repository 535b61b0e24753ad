//! Writing files (`write_file`): the content decoded, sent as one
//! `multipart/form-data` upload.

use super::super::toolbox::{Toolbox, check_path, shown};
use super::{MAX_WRITE_BYTES, request, send};
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Transport};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

/// What `write_file` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Written {
    /// The path as given.
    pub path: String,
    /// How many bytes were written.
    pub bytes: u64,
}

/// Decode `content` (`utf8`, the default, or `base64`) into the bytes to write.
pub fn decode_content(content: &str, encoding: Option<&str>) -> Result<Vec<u8>, Error> {
    let bytes = match encoding.unwrap_or("utf8") {
        "utf8" => content.as_bytes().to_vec(),
        "base64" => {
            let compact: String = content.split_ascii_whitespace().collect();
            STANDARD.decode(compact).map_err(|e| {
                Error::invalid_input(format!("`content` is not valid base64: {e}")).with_hint(
                    "use the standard alphabet with padding, or encoding \"utf8\" for text",
                )
            })?
        }
        other => {
            return Err(Error::invalid_input(format!(
                "`encoding` is '{}', not one of: utf8, base64",
                scrub(other, &[])
            )));
        }
    };
    if bytes.len() > MAX_WRITE_BYTES {
        return Err(Error::invalid_input(format!(
            "`content` is {} bytes once decoded; at most {MAX_WRITE_BYTES} bytes are written in one call",
            bytes.len()
        ))
        .with_hint("split the file, or produce it inside the sandbox with execute_command"));
    }
    Ok(bytes)
}

/// Write `bytes` to `path`, replacing it unless `overwrite` is false.
pub fn write<T: Transport>(
    client: &Client<T>,
    sandbox: &str,
    path: &str,
    bytes: &[u8],
    overwrite: bool,
) -> Result<Written, Error> {
    check_path("path", path)?;
    let tb = Toolbox::open(client, sandbox)?;
    if !overwrite {
        let req =
            request(&tb, Method::Get, "/files/info", tb.what("check", path)).query("path", path);
        match send(client, req) {
            Ok(_) => {
                return Err(Error::new(
                    ErrorKind::Conflict,
                    format!(
                        "'{}' already exists in sandbox '{}' and `overwrite` is false",
                        shown(path),
                        tb.name
                    ),
                )
                .with_hint("choose another path, or pass overwrite: true to replace it"));
            }
            Err(e) if e.status == Some(404) => {}
            Err(e) => return Err(e),
        }
    }
    // splitmix64 from one random seed: a fresh draw each time, whatever the transport gives.
    let mut state = client.transport.random_u64();
    let (boundary, body) = multipart(file_name(path), bytes, || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    });
    let mut req =
        request(&tb, Method::Post, "/files/upload", tb.what("write", path)).query("path", path);
    req.headers.push((
        "content-type".into(),
        format!("multipart/form-data; boundary={boundary}"),
    ));
    req.body = Some(body);
    send(client, req)?;
    Ok(Written {
        path: path.to_string(),
        bytes: bytes.len() as u64,
    })
}

/// The last segment of a path, for the upload's `filename`.
pub(super) fn file_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    let name = trimmed.rsplit('/').next().unwrap_or_default();
    if name.is_empty() { "file" } else { name }
}

/// A `multipart/form-data` body with one part `file` holding `content`: the
/// boundary (drawn from `random` until it does not occur in the content) and
/// the body. In the filename, `"`, CR and LF are percent-encoded, as browsers do.
pub fn multipart(
    filename: &str,
    content: &[u8],
    mut random: impl FnMut() -> u64,
) -> (String, Vec<u8>) {
    let boundary = loop {
        let b = format!("daytona-tools-{:016x}{:016x}", random(), random());
        if !contains(content, b.as_bytes()) {
            break b;
        }
    };
    let filename = filename
        .replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let mut body = Vec::with_capacity(content.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(b"Content-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
