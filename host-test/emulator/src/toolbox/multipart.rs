//! `multipart/form-data` (RFC 7578) for the file routes: parsing uploads, writing the
//! bulk-download answer.

use axum::http::HeaderMap;

/// One part of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Part {
    /// The `name` of its `Content-Disposition`.
    pub(crate) name: String,
    /// The `filename`, if any (`filename*` decoded when given).
    pub(crate) filename: Option<String>,
    pub(crate) data: Vec<u8>,
}

/// The boundary of a `multipart/form-data` request, or why there is none.
pub(crate) fn boundary(headers: &HeaderMap) -> Result<String, String> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or("missing Content-Type: want multipart/form-data")?;
    let mut params = ct.split(';');
    let mime = params.next().unwrap_or_default().trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!("Content-Type {mime:?} is not multipart/form-data"));
    }
    params
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or_else(|| "multipart/form-data without a boundary".to_string())
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    (from..=hay.len() - needle.len()).find(|&i| &hay[i..i + needle.len()] == needle)
}

/// Parses a whole `multipart/form-data` body.
pub(crate) fn parse(body: &[u8], boundary: &str) -> Result<Vec<Part>, String> {
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    let mut at = find(body, delim, 0).ok_or("no multipart boundary in the body")? + delim.len();
    let mut parts = Vec::new();
    loop {
        if body[at..].starts_with(b"--") {
            return Ok(parts);
        }
        // The rest of the boundary line (transport padding, then CRLF).
        let eol = find(body, b"\r\n", at).ok_or("truncated multipart body")?;
        let head_start = eol + 2;
        let head_end = find(body, b"\r\n\r\n", head_start)
            .map(|i| (i, i + 4))
            .or_else(|| {
                body[head_start..]
                    .starts_with(b"\r\n")
                    .then_some((head_start, head_start + 2))
            })
            .ok_or("truncated multipart part headers")?;
        let head = std::str::from_utf8(&body[head_start..head_end.0])
            .map_err(|_| "multipart part headers are not UTF-8")?;
        let mut next_delim = Vec::with_capacity(delim.len() + 2);
        next_delim.extend_from_slice(b"\r\n");
        next_delim.extend_from_slice(delim);
        let end = find(body, &next_delim, head_end.1).ok_or("truncated multipart body")?;
        let (name, filename) = disposition(head)?;
        parts.push(Part {
            name,
            filename,
            data: body[head_end.1..end].to_vec(),
        });
        at = end + next_delim.len();
    }
}

/// `name` and `filename` of a part's `Content-Disposition: form-data; ...`.
fn disposition(head: &str) -> Result<(String, Option<String>), String> {
    let line = head
        .split("\r\n")
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(v)
        })
        .ok_or("multipart part without Content-Disposition")?;
    let mut name = None;
    let mut filename = None;
    let mut filename_ext = None;
    for param in split_params(line).into_iter().skip(1) {
        let Some((k, v)) = param.split_once('=') else {
            continue;
        };
        let key = k.trim().to_ascii_lowercase();
        let v = v.trim();
        let value = if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
            v[1..v.len() - 1]
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        } else {
            v.to_string()
        };
        match key.as_str() {
            "name" => name = Some(value),
            "filename" => filename = Some(value),
            "filename*" => {
                filename_ext = value.split_once("''").map(|(_, enc)| percent_decode(enc));
            }
            _ => {}
        }
    }
    let name = name.ok_or("multipart part without a name")?;
    Ok((name, filename_ext.or(filename)))
}

/// Splits on `;` outside quotes.
fn split_params(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut escaped = false;
    for ch in s.chars() {
        match ch {
            '\\' if quoted && !escaped => escaped = true,
            '"' if !escaped => quoted = !quoted,
            ';' if !quoted => {
                out.push(String::new());
                continue;
            }
            _ => escaped = false,
        }
        if let Some(last) = out.last_mut() {
            last.push(ch);
        }
        if ch != '\\' {
            escaped = false;
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds a `multipart/form-data` body; returns it with its boundary.
pub(crate) struct Builder {
    pub(crate) boundary: String,
    pub(crate) body: Vec<u8>,
}

impl Builder {
    pub(crate) fn new() -> Builder {
        Builder {
            boundary: format!("emulator{}", super::super::ids::random_hex(12)),
            body: Vec::new(),
        }
    }

    /// A part named `name` with a `filename` (ASCII as is, else as `filename*`).
    pub(crate) fn part(&mut self, name: &str, filename: &str, content_type: &str, data: &[u8]) {
        let simple = filename
            .chars()
            .all(|c| c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\');
        let fname = if simple {
            format!("filename=\"{filename}\"")
        } else {
            format!("filename*=utf-8''{}", percent_encode(filename))
        };
        self.body.extend_from_slice(
            format!(
                "--{}\r\nContent-Disposition: form-data; name=\"{name}\"; {fname}\r\nContent-Type: {content_type}\r\n\r\n",
                self.boundary
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(data);
        self.body.extend_from_slice(b"\r\n");
    }

    pub(crate) fn finish(mut self) -> (String, Vec<u8>) {
        self.body
            .extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (self.boundary, self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_builds_and_what_httpx_sends() {
        let mut b = Builder::new();
        b.part("file", "a.txt", "application/octet-stream", b"one\r\n--two");
        b.part("file", "d\u{e9}j\u{e0}.txt", "text/plain", b"");
        let (boundary, body) = b.finish();
        let parts = parse(&body, &boundary).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts[0].data, b"one\r\n--two");
        assert_eq!(parts[1].filename.as_deref(), Some("d\u{e9}j\u{e0}.txt"));
        assert!(parts[1].data.is_empty());

        let httpx = b"--xyz\r\nContent-Disposition: form-data; name=\"files[0].path\"\r\n\r\n/home/x;y.txt\r\n--xyz\r\nContent-Disposition: form-data; name=\"files[0].file\"; filename=\"x;y.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\n--xyz--\r\n";
        let parts = parse(httpx, "xyz").unwrap();
        assert_eq!(parts[0].name, "files[0].path");
        assert_eq!(parts[0].data, b"/home/x;y.txt");
        assert_eq!(parts[1].filename.as_deref(), Some("x;y.txt"));
        assert_eq!(parts[1].data, b"DATA");
        assert!(
            parse(
                b"--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
                "xyz"
            )
            .is_err()
        );
    }

    #[test]
    fn finds_the_boundary() {
        let mut h = HeaderMap::new();
        h.insert(
            "content-type",
            "multipart/form-data; boundary=\"abc\"".parse().unwrap(),
        );
        assert_eq!(boundary(&h).unwrap(), "abc");
        h.insert("content-type", "application/json".parse().unwrap());
        assert!(boundary(&h).is_err());
    }
}
