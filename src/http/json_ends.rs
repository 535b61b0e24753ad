//! Reading a JSON answer as it arrives while keeping only the ends of its
//! long strings: a command's output in a session answer (`stdout`, `stderr`,
//! `output`) or a code run's `result` can be far larger than the body cap,
//! and JSON-escaped stream labels make it larger still.
//!
//! [`JsonEnds`] is fed the raw bytes chunk by chunk. Everything outside
//! strings is copied; every string value is decoded, and when it is longer
//! than `keep` bytes only its first and last `keep / 2` bytes are kept (a
//! ring for the last); member names are kept whole. The result is a smaller, valid JSON document, decoded as
//! usual, and the list of strings that were cut ([`StringCut`]): which
//! top-level member, where its two ends meet, and its whole length.

use super::BodyBuffer;

/// A string of the answer whose middle was dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringCut {
    /// The top-level member it is the value of (`None` deeper down).
    pub member: Option<String>,
    /// Bytes of the kept text that come from the string's start; the rest
    /// comes from its end.
    pub head_len: usize,
    /// The whole string's length in bytes, decoded.
    pub total: u64,
}

/// Where the reader is inside a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escape {
    /// Plain text.
    None,
    /// After a backslash.
    Backslash,
    /// Inside `\uXXXX`: digits read so far and their value.
    Unicode(u8, u32),
}

/// The streaming reader; see the module documentation.
#[derive(Debug)]
pub struct JsonEnds {
    keep: usize,
    cap: usize,
    out: Vec<u8>,
    cuts: Vec<StringCut>,
    /// Open containers, `true` for an object.
    stack: Vec<bool>,
    /// In an object, whether the next string is a member name.
    expect_key: bool,
    /// The top-level member being read.
    member: Option<String>,
    in_string: bool,
    escape: Escape,
    /// A high surrogate waiting for its low half.
    high: Option<u32>,
    text: BodyBuffer,
}

impl JsonEnds {
    /// A reader keeping at most `keep` bytes of each string and failing with
    /// `Err(cap)` once the kept document is over `cap` bytes.
    pub fn new(keep: usize, cap: usize) -> Self {
        JsonEnds {
            keep,
            cap,
            out: Vec::new(),
            cuts: Vec::new(),
            stack: Vec::new(),
            expect_key: false,
            member: None,
            in_string: false,
            escape: Escape::None,
            high: None,
            text: BodyBuffer::new(keep, true),
        }
    }

    /// Read the next bytes of the answer.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), usize> {
        let mut plain = 0;
        for (i, &b) in chunk.iter().enumerate() {
            if self.in_string {
                // Runs of plain text go to the string in one piece.
                if self.escape == Escape::None && b != b'"' && b != b'\\' {
                    continue;
                }
                self.text_bytes(&chunk[plain..i]);
                plain = i + 1;
                self.string_byte(b);
            } else {
                self.structure_byte(b);
                plain = i + 1;
            }
            if self.out.len() > self.cap {
                return Err(self.cap);
            }
        }
        if self.in_string {
            self.text_bytes(&chunk[plain..]);
        }
        Ok(())
    }

    fn text_bytes(&mut self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.flush_high();
            let _ = self.text.push(bytes);
        }
    }

    fn text_char(&mut self, c: char) {
        let mut buf = [0u8; 4];
        let _ = self.text.push(c.encode_utf8(&mut buf).as_bytes());
    }

    /// A high surrogate not followed by its low half stands for U+FFFD.
    fn flush_high(&mut self) {
        if self.high.take().is_some() {
            self.text_char(char::REPLACEMENT_CHARACTER);
        }
    }

    fn structure_byte(&mut self, b: u8) {
        match b {
            b'"' => {
                self.in_string = true;
                self.escape = Escape::None;
                // Member names are kept whole (within the cap): the caller looks fields up by them.
                let keep = if self.expect_key { self.cap } else { self.keep };
                self.text = BodyBuffer::new(keep, true);
                return;
            }
            b'{' | b'[' => {
                self.stack.push(b == b'{');
                self.expect_key = b == b'{';
            }
            b'}' | b']' => {
                self.stack.pop();
                self.expect_key = false;
            }
            b',' => self.expect_key = self.stack.last() == Some(&true),
            b':' => self.expect_key = false,
            b if b.is_ascii_whitespace() => return,
            _ => {}
        }
        self.out.push(b);
    }

    fn string_byte(&mut self, b: u8) {
        match self.escape {
            Escape::None if b == b'"' => self.end_string(),
            Escape::None => {
                // A backslash (plain bytes were taken in runs).
                self.escape = Escape::Backslash;
            }
            Escape::Backslash => {
                self.escape = Escape::None;
                let c = match b {
                    b'n' => '\n',
                    b't' => '\t',
                    b'r' => '\r',
                    b'b' => '\u{8}',
                    b'f' => '\u{c}',
                    b'u' => {
                        self.escape = Escape::Unicode(0, 0);
                        return;
                    }
                    other => other as char,
                };
                self.flush_high();
                self.text_char(c);
            }
            Escape::Unicode(n, value) => {
                let digit = (b as char).to_digit(16).unwrap_or(0);
                let value = value * 16 + digit;
                if n < 3 {
                    self.escape = Escape::Unicode(n + 1, value);
                    return;
                }
                self.escape = Escape::None;
                self.unicode(value);
            }
        }
    }

    fn unicode(&mut self, value: u32) {
        match (self.high.take(), value) {
            (Some(high), 0xDC00..=0xDFFF) => {
                let c = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00);
                self.text_char(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            (high, 0xD800..=0xDBFF) => {
                if high.is_some() {
                    self.text_char(char::REPLACEMENT_CHARACTER);
                }
                self.high = Some(value);
            }
            (high, _) => {
                if high.is_some() {
                    self.text_char(char::REPLACEMENT_CHARACTER);
                }
                self.text_char(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
    }

    fn end_string(&mut self) {
        self.flush_high();
        self.in_string = false;
        let text = std::mem::replace(&mut self.text, BodyBuffer::new(0, true));
        let (head, cut) = text.finish();
        let (text, cut) = match cut {
            None => (String::from_utf8_lossy(&head).into_owned(), None),
            Some(cut) => {
                let head = utf8_head(&head);
                let tail = utf8_tail(&cut.tail);
                let head_len = head.len();
                (format!("{head}{tail}"), Some((head_len, cut.total)))
            }
        };
        let top = self.stack.len() == 1 && self.stack[0];
        if self.expect_key {
            if top {
                self.member = Some(text.clone());
            }
        } else if let Some((head_len, total)) = cut {
            self.cuts.push(StringCut {
                member: if top { self.member.clone() } else { None },
                head_len,
                total,
            });
        }
        // Writing a string to a vector cannot fail.
        let _ = serde_json::to_writer(&mut self.out, &text);
    }

    /// The kept document and the strings cut in it, in order.
    pub fn finish(mut self) -> (Vec<u8>, Vec<StringCut>) {
        if self.in_string {
            // An answer broken off inside a string: kept as read (it will not parse).
            let text = std::mem::replace(&mut self.text, BodyBuffer::new(0, true));
            let (head, _) = text.finish();
            self.out.push(b'"');
            self.out.extend_from_slice(&head);
        }
        (self.out, self.cuts)
    }
}

/// The longest prefix of `bytes` that is whole UTF-8 characters, lossily decoded.
fn utf8_head(bytes: &[u8]) -> String {
    let end = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => bytes.len(),
    };
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// `bytes` without the continuation bytes of a character cut at its start, lossily decoded.
fn utf8_tail(bytes: &[u8]) -> String {
    let start = bytes
        .iter()
        .take(3)
        .take_while(|b| (**b & 0xC0) == 0x80)
        .count();
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(json: &str, keep: usize, chunk: usize) -> (serde_json::Value, Vec<StringCut>) {
        let mut ends = JsonEnds::new(keep, 1 << 20);
        for part in json.as_bytes().chunks(chunk.max(1)) {
            ends.push(part).unwrap();
        }
        let (body, cuts) = ends.finish();
        (serde_json::from_slice(&body).unwrap(), cuts)
    }

    #[test]
    fn short_answers_read_back_unchanged_in_any_chunking() {
        let value = serde_json::json!({
            "cmdId": "c-1", "exitCode": -3, "ok": true, "none": null,
            "output": "a \"quoted\" \\ line\n\u{1}\u{2}é😀", "list": [1, "x", {"k": "v"}],
        });
        let json = serde_json::to_string(&value).unwrap();
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(
                read(&json, 64, chunk),
                (value.clone(), Vec::new()),
                "{chunk}"
            );
        }
    }

    #[test]
    fn long_strings_keep_their_ends_and_say_where_they_meet() {
        let stdout = format!("START{}END", "é".repeat(5000));
        let value = serde_json::json!({
            "stdout": stdout, "stderr": "e\n", "nested": {"stdout": "x".repeat(300)},
            "exitCode": 0,
        });
        let json = serde_json::to_string(&value).unwrap();
        for chunk in [1, 5, 4096] {
            let (read, cuts) = read(&json, 100, chunk);
            let kept = read["stdout"].as_str().unwrap();
            assert!(
                kept.starts_with("START") && kept.ends_with("éEND"),
                "{kept}"
            );
            assert!(kept.len() <= 100);
            assert_eq!(read["stderr"], "e\n");
            assert_eq!(read["exitCode"], 0);
            assert_eq!(cuts.len(), 2);
            // A string deeper down is cut too, but named by no member.
            assert_eq!(cuts.iter().filter(|c| c.member.is_none()).count(), 1);
            let cut = cuts.iter().find(|c| c.member.is_some()).unwrap();
            assert_eq!(cut.member.as_deref(), Some("stdout"));
            assert_eq!(cut.total, stdout.len() as u64);
            assert!(kept.is_char_boundary(cut.head_len));
            assert!(kept[..cut.head_len].starts_with("START"));
        }
    }

    #[test]
    fn escapes_count_as_the_text_they_stand_for() {
        // 10,000 stream labels escaped as \u0001: 60,000 bytes of JSON for 10,000 of text.
        let output = "\u{1}".repeat(10_000);
        let json = serde_json::to_string(&serde_json::json!({ "output": output })).unwrap();
        assert_eq!(json.len(), 60_000 + 13);
        let (read, cuts) = read(&json, 1000, 777);
        assert_eq!(read["output"].as_str().unwrap().len(), 1000);
        assert_eq!(cuts[0].total, 10_000);
        // Member names longer than the bound are kept whole.
        let (named, cuts) = super::tests::read(r#"{"exitCode":0,"output":"abcdefgh"}"#, 4, 1);
        assert_eq!(named["exitCode"], 0);
        assert_eq!(named["output"], "abgh");
        assert_eq!(cuts[0].member.as_deref(), Some("output"));
    }

    #[test]
    fn a_kept_document_over_the_cap_fails_and_broken_input_never_panics() {
        let mut ends = JsonEnds::new(10, 50);
        let many = format!("[{}]", vec!["\"0123456789\""; 20].join(","));
        assert_eq!(ends.push(many.as_bytes()), Err(50));
        for junk in [
            &b"\"abc"[..],
            b"\\u12",
            b"\"\\ud800\\u",
            b"}}]]",
            b"\"\\uzzzz\"",
            b"\xff\xfe",
        ] {
            let mut ends = JsonEnds::new(4, 1 << 10);
            let _ = ends.push(junk);
            let _ = ends.finish();
        }
        let (v, _) = read(r#"{"s":"\ud83d\ude00 \ud800x"}"#, 64, 3);
        assert_eq!(v["s"], "😀 \u{fffd}x");
    }
}
