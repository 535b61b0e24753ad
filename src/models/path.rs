//! Where in an answer a decode failed, as a JSON path (`items[3].state`).
//!
//! serde_json reports a value that does not fit by line and column; the path
//! is recovered from the text up to that point, only when decoding failed, so
//! nothing is added to a successful decode. Only keys made of letters,
//! digits and `_` are shown: the path never carries text from the answer
//! that is not a field name.

/// Longest key shown; a longer one is `?`.
const MAX_KEY: usize = 64;

enum Frame {
    Object {
        key: Option<String>,
        expect_key: bool,
    },
    Array(usize),
}

/// The byte offset of serde_json's `line` and `column` (both from 1) in `text`.
pub fn offset(text: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].iter().position(|&b| b == b'\n') {
            Some(n) => start += n + 1,
            None => return text.len(),
        }
    }
    (start + column).min(text.len())
}

/// The path of the value being read at byte `at` of `text`; empty at the top.
pub fn at(text: &[u8], at: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < at.min(text.len()) {
        match text[i] {
            b'{' => stack.push(Frame::Object {
                key: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object { key, expect_key }) => {
                    *key = None;
                    *expect_key = true;
                }
                None => {}
            },
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < text.len() && text[j] != b'"' {
                    j += if text[j] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object { key, expect_key }) = stack.last_mut()
                    && *expect_key
                {
                    let raw = &text[start..j.min(text.len())];
                    let shown = raw.len() <= MAX_KEY
                        && !raw.is_empty()
                        && raw.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
                    *key = Some(if shown {
                        String::from_utf8_lossy(raw).into_owned()
                    } else {
                        "?".to_string()
                    });
                    *expect_key = false;
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object { key: Some(k), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
            }
            Frame::Object { key: None, .. } => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path_of_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let e = serde_json::from_str::<T>(text).unwrap_err();
        at(
            text.as_bytes(),
            offset(text.as_bytes(), e.line(), e.column()),
        )
    }

    #[test]
    fn a_field_that_does_not_fit_is_named_by_its_path() {
        let page = r#"{"items":[{"id":"a","state":"started"},{"id":"b"},{"id":"c","labels":{"a":"b"},"state":5}],"nextCursor":null}"#;
        assert_eq!(
            path_of_error::<crate::models::CursorPage<crate::models::Sandbox>>(page),
            "items[2].state"
        );
        let list = "[\n {\"name\": \"k\"},\n {\"name\": 7}\n]";
        assert_eq!(
            path_of_error::<Vec<crate::models::ApiKey>>(list),
            "[1].name"
        );
    }

    #[test]
    fn keys_that_are_not_field_names_are_not_shown() {
        let text = br#"{"dtn secret!":{"x":["#;
        assert_eq!(at(text, text.len()), "?.x[0]");
        let escaped = br#"{"a\"b":1,"ok":["#;
        assert_eq!(at(escaped, escaped.len()), "ok[0]");
    }
}
