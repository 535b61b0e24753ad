//! Files in a sandbox through the toolbox: the sandbox's `toolboxProxyUrl`
//! (the legacy API route when it has none). Paths are checked before anything
//! is sent; relative paths go as given (the toolbox resolves them against the
//! user's home). Every answer handed back is bounded by `DAYTONA_OUTPUT_LIMIT_BYTES`.

pub use super::toolbox::{MAX_PATH_BYTES, check_path};
use super::toolbox::{Toolbox, keep_within, shown};
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Response, Transport, When};
use crate::models::files::{FileInfo, Match, ReplaceRequest, ReplaceResult, SearchResponse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
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
    let total = files.len() as u64;
    let (files, truncated) = keep_within(files, client.config.output_limit);
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

/// A file's bytes: the first part of it when it is longer than the answer cap.
struct Downloaded {
    bytes: Vec<u8>,
    size: u64,
    cut: bool,
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

fn text_lines(
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
fn file_name(path: &str) -> &str {
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

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
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
    check_path("path", path)?;
    check_pattern(pattern)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Get,
        "/files/find",
        tb.what("search contents under", path),
    )
    .query("path", path)
    .query("pattern", pattern);
    let matches: Vec<Match> = json(client, req)?;
    let total = matches.len() as u64;
    let (matches, truncated) = keep_within(matches, client.config.output_limit);
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
    check_path("path", path)?;
    check_pattern(pattern)?;
    let tb = Toolbox::open(client, sandbox)?;
    let req = request(
        &tb,
        Method::Get,
        "/files/search",
        tb.what("search names under", path),
    )
    .query("path", path)
    .query("pattern", pattern);
    let answer: SearchResponse = json(client, req)?;
    let total = answer.files.len() as u64;
    let (files, truncated) = keep_within(answer.files, client.config.output_limit);
    Ok(Searched {
        files,
        truncated,
        total,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked_before_sending() {
        for bad in ["", "  ", "a\0b"] {
            let err = check_path("path", bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad:?}");
            assert!(err.message.contains("`path`"));
        }
        let long = "a/".repeat(MAX_PATH_BYTES);
        assert!(check_path("path", &long).is_err());
        for good in ["notes.txt", "/home/daytona/x", "dir/sub/", "../x", "é"] {
            assert!(check_path("path", good).is_ok(), "{good:?}");
        }
        assert!(check_path("path", &"a".repeat(MAX_PATH_BYTES)).is_ok());
    }

    #[test]
    fn multipart_frames_one_file_part() {
        let (b, body) = multipart("a.txt", b"hello", || 7);
        assert_eq!(b, "daytona-tools-00000000000000070000000000000007");
        let want = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
Content-Type: application/octet-stream\r\n\r\nhello\r\n--{b}--\r\n"
        );
        assert_eq!(String::from_utf8(body).unwrap(), want);
    }

    #[test]
    fn multipart_boundary_never_occurs_in_the_content() {
        // The content holds the first boundary drawn: the next one is used.
        let first = format!("daytona-tools-{:016x}{:016x}", 1, 1);
        let content = format!("x\r\n--{first}\r\ny");
        let mut draws = [1u64, 1, 2, 2].into_iter();
        let (b, body) = multipart("f", content.as_bytes(), || draws.next().unwrap());
        assert_ne!(b, first);
        assert!(!contains(content.as_bytes(), b.as_bytes()));
        let text = String::from_utf8(body).unwrap();
        assert_eq!(text.matches(&format!("--{b}")).count(), 2);
    }

    #[test]
    fn multipart_escapes_quotes_and_line_breaks_in_the_filename() {
        let (_, body) = multipart("a\"b\r\nc", b"", || 1);
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("filename=\"a%22b%0D%0Ac\""), "{text}");
        assert_eq!(
            text.matches("\r\n").count(),
            6,
            "no header line added: {text}"
        );
    }

    #[test]
    fn file_names_are_the_last_segment() {
        assert_eq!(file_name("dir/sub/a.txt"), "a.txt");
        assert_eq!(file_name("a.txt"), "a.txt");
        assert_eq!(file_name("dir/"), "dir");
        assert_eq!(file_name("/"), "file");
    }

    #[test]
    fn content_decodes_and_is_bounded() {
        assert_eq!(decode_content("hé", None).unwrap(), "hé".as_bytes());
        assert_eq!(
            decode_content("AAEC\n/w==", Some("base64")).unwrap(),
            [0, 1, 2, 255]
        );
        assert_eq!(
            decode_content("!!", Some("base64")).unwrap_err().kind,
            ErrorKind::InvalidInput
        );
        let big = "a".repeat(MAX_WRITE_BYTES + 1);
        assert!(decode_content(&big, None).is_err());
        assert!(decode_content("x", Some("latin1")).is_err());
    }

    fn file(bytes: &[u8]) -> Downloaded {
        Downloaded {
            bytes: bytes.to_vec(),
            size: bytes.len() as u64,
            cut: false,
        }
    }

    #[test]
    fn text_lines_take_a_range_and_stay_within_the_limit() {
        let f = file(b"one\ntwo\nthree\nfour");
        let t = text_lines(&f, "f", 2, Some(3), 1000).unwrap();
        assert_eq!(
            (t.content.as_str(), t.start_line, t.end_line),
            ("two\nthree\n", 2, 3)
        );
        assert!(!t.truncated);
        let t = text_lines(&f, "f", 3, None, 1000).unwrap();
        assert_eq!(t.content, "three\nfour");
        let t = text_lines(&f, "f", 1, None, 9).unwrap();
        assert_eq!(
            (t.content.as_str(), t.end_line, t.truncated),
            ("one\ntwo\n", 2, true)
        );
        let long = file("é".repeat(100).as_bytes());
        let t = text_lines(&long, "f", 1, None, 11).unwrap();
        assert!(t.truncated && t.content.len() <= 11 && t.content.starts_with('é'));
        assert!(text_lines(&f, "f", 9, None, 1000).is_err());
        let empty = text_lines(&file(b""), "f", 1, None, 1000).unwrap();
        assert_eq!((empty.content.as_str(), empty.end_line), ("", 0));
    }

    #[test]
    fn binary_files_are_refused_with_the_download_hint() {
        for bytes in [&b"a\0b"[..], &[0xff, 0xfe, b'a'][..]] {
            let err = text_lines(&file(bytes), "f", 1, None, 1000).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput);
            assert!(err.hint.unwrap().contains("download_file"));
        }
        // A cut in the middle of a character is not binary.
        let cut = Downloaded {
            bytes: "aé".as_bytes()[..2].to_vec(),
            size: 100,
            cut: true,
        };
        let t = text_lines(&cut, "f", 1, None, 1000).unwrap();
        assert_eq!(t.content, "a");
        assert!(t.truncated);
    }

    #[test]
    fn listings_keep_what_fits() {
        let (kept, truncated) = keep_within(vec!["aaaa"; 10], 20);
        assert_eq!(kept.len(), 2);
        assert!(truncated);
        let (kept, truncated) = keep_within(vec!["a"; 3], 100);
        assert_eq!((kept.len(), truncated), (3, false));
    }
}
