//! What can be read from a command's answer whose middle was cut.
//!
//! An answer over the body cap is kept as its first and last parts
//! ([`crate::http::Cut`]). The command already ran, so instead of failing, the
//! exit code and the two ends of `result` are read from the cut JSON
//! `{"exitCode": n, "result": "..."}` (or `code`, any field order): the head
//! is read as the start of the object up to where it breaks off; the tail is
//! entered at a point no escape or UTF-8 sequence can straddle, read to the
//! end of the string, and the fields after it are scanned for the exit code.

/// The exit code and the ends of `result` from a cut answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Salvaged {
    /// `exitCode` (or `code`), when either part holds it whole.
    pub exit_code: Option<i64>,
    /// The start of `result`, decoded.
    pub head: String,
    /// The end of `result`, decoded.
    pub tail: String,
    /// The length of the whole `result` in bytes: exact for the ends; the cut
    /// middle is estimated from its size at the ratio of text to JSON seen at
    /// the ends (exact when the output is uniform, e.g. no escapes at all).
    pub result_length: u64,
}

/// Read what can be read from `head` (the answer's first bytes) and `tail`
/// (its last bytes) of an answer `total` bytes long.
pub fn salvage(head: &[u8], tail: &[u8], total: u64) -> Salvaged {
    let scan = scan_head(head);
    let mut out = Salvaged {
        exit_code: scan.exit_code,
        ..Salvaged::default()
    };
    let middle = total.saturating_sub((head.len() + tail.len()) as u64);
    match scan.result {
        Some(Text::Whole(text)) => {
            // `result` ended in the head: the tail is other fields.
            out.result_length = text.len() as u64;
            out.head = text;
            out.exit_code = out.exit_code.or_else(|| code_after_cut(tail));
        }
        Some(Text::Open(text)) => {
            let end = scan_tail(tail);
            out.exit_code = out.exit_code.or(end.exit_code).or_else(|| final_code(tail));
            // The unread bytes count at the ratio of text to raw JSON seen at the ends.
            let known = (text.len() + end.text.len()) as u64;
            let raw = (scan.open_len + end.raw) as u64;
            let unread = middle + end.skipped as u64 + (head.len() - scan.open_end) as u64;
            let estimate = if raw == 0 {
                unread
            } else {
                (u128::from(unread) * u128::from(known) / u128::from(raw)) as u64
            };
            out.result_length = known + estimate;
            out.head = text;
            out.tail = end.text;
        }
        None => out.exit_code = out.exit_code.or_else(|| code_after_cut(tail)),
    }
    out
}

/// A string value: whole, or broken off at the end of the input.
#[derive(Debug, PartialEq)]
enum Text {
    Whole(String),
    Open(String),
}

#[derive(Debug, Default)]
struct HeadScan {
    exit_code: Option<i64>,
    result: Option<Text>,
    /// How many raw bytes of `result`'s content the head holds, and where they end.
    open_len: usize,
    open_end: usize,
}

fn is_code_key(key: &str) -> bool {
    key == "exitCode" || key == "code"
}

/// Read the top-level fields of a JSON object prefix until it breaks off.
fn scan_head(bytes: &[u8]) -> HeadScan {
    let mut scan = HeadScan::default();
    let mut p = Parser { bytes, pos: 0 };
    p.ws();
    if !p.eat(b'{') {
        return scan;
    }
    loop {
        p.ws();
        match p.peek() {
            Some(b',') => {
                p.pos += 1;
                continue;
            }
            Some(b'"') => {}
            _ => return scan,
        }
        p.pos += 1;
        let Some(Text::Whole(key)) = p.string() else {
            return scan;
        };
        p.ws();
        if !p.eat(b':') {
            return scan;
        }
        p.ws();
        match p.peek() {
            Some(b'"') => {
                p.pos += 1;
                let start = p.pos;
                let value = p.string();
                if key == "result" {
                    let open = matches!(value, Some(Text::Open(_)));
                    scan.open_len = p.pos - start;
                    scan.open_end = p.pos;
                    scan.result = value;
                    if open {
                        return scan;
                    }
                } else if !matches!(value, Some(Text::Whole(_))) {
                    return scan;
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                let number = p.number();
                // A number that runs to the end of the input may be cut.
                if p.pos >= bytes.len() {
                    return scan;
                }
                if is_code_key(&key) {
                    scan.exit_code = scan.exit_code.or(number);
                }
            }
            Some(b'{' | b'[') => {
                if !p.skip_nested() {
                    return scan;
                }
            }
            Some(b't' | b'f' | b'n') => {
                while p.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    p.pos += 1;
                }
            }
            _ => return scan,
        }
    }
}

/// The end of a string entered mid-way, and what follows it.
#[derive(Debug, Default)]
struct TailScan {
    text: String,
    exit_code: Option<i64>,
    /// Bytes skipped to reach a point no escape or character straddles.
    skipped: usize,
    /// Raw bytes of string content read after them.
    raw: usize,
}

/// Longest JSON escape (`\uXXXX`): a point with this many backslash-free bytes
/// before it cannot be inside an escape.
const MAX_ESCAPE: usize = 6;

fn scan_tail(bytes: &[u8]) -> TailScan {
    let sync = sync_point(bytes);
    // Before the sync point, a quote is certainly the string's end when the
    // tail shows what precedes its run of backslashes and the run is even.
    for (i, &b) in bytes[..sync.unwrap_or(bytes.len())].iter().enumerate() {
        if b != b'"' {
            continue;
        }
        let run = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
        if run < i && run % 2 == 0 {
            return TailScan {
                text: String::new(),
                exit_code: trailing_code(&bytes[i + 1..]),
                skipped: i,
                raw: 0,
            };
        }
    }
    let Some(start) = sync else {
        return TailScan {
            skipped: bytes.len(),
            ..TailScan::default()
        };
    };
    let mut p = Parser { bytes, pos: start };
    match p.string() {
        Some(Text::Whole(text)) => TailScan {
            text,
            exit_code: trailing_code(&bytes[p.pos..]),
            skipped: start,
            raw: p.pos - start - 1,
        },
        Some(Text::Open(text)) => TailScan {
            text,
            exit_code: None,
            skipped: start,
            raw: p.pos - start,
        },
        None => TailScan {
            skipped: start,
            ..TailScan::default()
        },
    }
}

/// The first index no escape or UTF-8 sequence straddles: a backslash with
/// a non-backslash byte before it (it can only start an escape), or a
/// character start with `MAX_ESCAPE` backslash-free bytes before it.
fn sync_point(bytes: &[u8]) -> Option<usize> {
    let mut clean = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\\' && i > 0 && bytes[i - 1] != b'\\' {
            return Some(i);
        }
        if clean >= MAX_ESCAPE && (b & 0xC0) != 0x80 {
            return Some(i);
        }
        clean = if b == b'\\' { 0 } else { clean + 1 };
    }
    None
}

/// The exit code in a tail that is not `result`'s: most likely it starts in
/// another long string, else among plain fields.
fn code_after_cut(tail: &[u8]) -> Option<i64> {
    scan_tail(tail)
        .exit_code
        .or_else(|| trailing_code(tail))
        .or_else(|| final_code(tail))
}

/// The exit code when it is the answer's last member (`..., "exitCode": 3}`),
/// read backwards from the end: found even when the tail starts inside a run
/// of backslashes whose parity (escaped quote or not) cannot be known.
fn final_code(tail: &[u8]) -> Option<i64> {
    let window = String::from_utf8_lossy(&tail[tail.len().saturating_sub(64)..]);
    let rest = window.trim_end().strip_suffix('}')?.trim_end();
    let start = rest.len() - rest.bytes().rev().take_while(u8::is_ascii_digit).count();
    let digits = &rest[start..];
    let (before, negative) = match rest[..start].strip_suffix('-') {
        Some(before) => (before, true),
        None => (&rest[..start], false),
    };
    let key = before
        .trim_end()
        .strip_suffix(':')?
        .trim_end()
        .strip_suffix('"')?;
    let name = ["exitCode", "code"]
        .into_iter()
        .find(|k| key.ends_with(&format!("\"{k}")))?;
    let opening = key.len() - name.len() - 1;
    if digits.is_empty() || !key[..opening].trim_end().ends_with([',', '{']) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// The exit code among the fields after a string: `, "exitCode": 3 }` and the like.
fn trailing_code(bytes: &[u8]) -> Option<i64> {
    let mut p = Parser { bytes, pos: 0 };
    let mut key: Option<String> = None;
    loop {
        p.ws();
        match p.peek()? {
            b',' | b'{' | b'}' | b'[' | b']' => p.pos += 1,
            b':' => p.pos += 1,
            b'"' => {
                p.pos += 1;
                match p.string()? {
                    Text::Whole(s) => {
                        p.ws();
                        key = (p.peek() == Some(b':')).then_some(s);
                    }
                    Text::Open(_) => return None,
                }
            }
            b'-' | b'0'..=b'9' => {
                let n = p.number();
                if key.as_deref().is_some_and(is_code_key) && p.pos < bytes.len() {
                    return n;
                }
                key = None;
            }
            b if b.is_ascii_alphabetic() => {
                while p.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    p.pos += 1;
                }
                key = None;
            }
            _ => return None,
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// An integer (fraction and exponent skipped); `None` if it does not fit.
    fn number(&mut self) -> Option<i64> {
        let start = self.pos;
        self.eat(b'-');
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let int = std::str::from_utf8(&self.bytes[start..self.pos])
            .ok()
            .and_then(|s| s.parse().ok());
        while self
            .peek()
            .is_some_and(|b| matches!(b, b'.' | b'e' | b'E' | b'+' | b'-') || b.is_ascii_digit())
        {
            self.pos += 1;
        }
        int
    }

    /// Skip an object or array; false if it runs past the end.
    fn skip_nested(&mut self) -> bool {
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
                b'"' if !matches!(self.string(), Some(Text::Whole(_))) => return false,
                _ => {}
            }
        }
        false
    }

    /// String content after the opening quote, up to and past the closing one.
    /// At the end of the input, the text so far without a cut escape or
    /// character. `None` for an invalid escape.
    fn string(&mut self) -> Option<Text> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return Some(Text::Open(utf8_prefix(out)));
            };
            self.pos += 1;
            match b {
                b'"' => return Some(Text::Whole(String::from_utf8_lossy(&out).into_owned())),
                b'\\' => {
                    // A cut escape is left unread: `pos` stays at its backslash.
                    let escape = self.pos - 1;
                    let Some(e) = self.peek() else {
                        self.pos = escape;
                        return Some(Text::Open(utf8_prefix(out)));
                    };
                    self.pos += 1;
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => match self.unicode() {
                            Ok(c) => c,
                            Err(true) => {
                                self.pos = escape;
                                return Some(Text::Open(utf8_prefix(out)));
                            }
                            Err(false) => return None,
                        },
                        _ => return None,
                    };
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }

    /// The character of a `\u` escape (after the `u`), combining a surrogate
    /// pair. `Err(true)` when the input ends inside it, `Err(false)` when invalid.
    fn unicode(&mut self) -> Result<char, bool> {
        let high = self.hex4()?;
        if !(0xD800..0xDC00).contains(&high) {
            return Ok(char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER));
        }
        let rest = &self.bytes[self.pos..];
        if rest.len() < 2 {
            return Err(true);
        }
        if rest[..2] != *b"\\u" {
            return Ok(char::REPLACEMENT_CHARACTER);
        }
        let save = self.pos;
        self.pos += 2;
        let low = self.hex4()?;
        if (0xDC00..0xE000).contains(&low) {
            let c = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            Ok(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER))
        } else {
            self.pos = save;
            Ok(char::REPLACEMENT_CHARACTER)
        }
    }

    fn hex4(&mut self) -> Result<u32, bool> {
        let rest = &self.bytes[self.pos..];
        if rest.len() < 4 {
            return if rest.iter().all(u8::is_ascii_hexdigit) {
                Err(true)
            } else {
                Err(false)
            };
        }
        let s = std::str::from_utf8(&rest[..4]).map_err(|_| false)?;
        let v = u32::from_str_radix(s, 16).map_err(|_| false)?;
        self.pos += 4;
        Ok(v)
    }
}

/// The bytes as text, without a UTF-8 sequence cut at the end.
fn utf8_prefix(mut bytes: Vec<u8>) -> String {
    if let Err(e) = std::str::from_utf8(&bytes)
        && e.error_len().is_none()
    {
        bytes.truncate(e.valid_up_to());
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_final_exit_code_is_read_even_after_a_run_of_backslashes() {
        // Found by fuzzing: a tail entered inside `\\\\…` cannot tell an escaped quote.
        let json = format!(r#"{{"result":"x{}","exitCode":-153}}"#, r"\\".repeat(20));
        let (head, tail) = (&json.as_bytes()[..12], &json.as_bytes()[json.len() - 34..]);
        assert_eq!(salvage(head, tail, json.len() as u64).exit_code, Some(-153));
        assert_eq!(final_code(br#""a","code" : 7 }"#), Some(7));
        assert_eq!(final_code(br#"\"exitCode":7}"#), None);
        assert_eq!(final_code(br#""exitCode":"7"}"#), None);
    }

    /// Cut `json` to its first `h` and last `t` bytes, and salvage it.
    fn cut(json: &str, h: usize, t: usize) -> Salvaged {
        let b = json.as_bytes();
        salvage(&b[..h], &b[b.len() - t..], b.len() as u64)
    }

    fn answer(code_first: bool, result: &str, code: i64) -> String {
        let r = serde_json::to_string(result).unwrap();
        if code_first {
            format!(r#"{{"exitCode": {code}, "result": {r}}}"#)
        } else {
            format!(r#"{{"result":{r},"exitCode":{code}}}"#)
        }
    }

    #[test]
    fn exit_code_and_ends_are_read_in_either_field_order() {
        let result = format!("BEGIN{}END", "x".repeat(10_000));
        for code_first in [true, false] {
            let s = cut(&answer(code_first, &result, 3), 100, 100);
            assert_eq!(s.exit_code, Some(3), "code first: {code_first}");
            assert!(s.head.starts_with("BEGINxxx"), "{s:?}");
            assert!(s.tail.ends_with("xxxEND"), "{s:?}");
            assert!(!s.tail.contains('"'));
            assert_eq!(s.result_length, result.len() as u64, "{code_first}");
        }
    }

    #[test]
    fn the_length_of_escaped_output_is_estimated_from_the_ends() {
        let result = "x\n".repeat(100_000);
        let s = cut(&answer(true, &result, 0), 1000, 1000);
        let error = s.result_length.abs_diff(result.len() as u64);
        assert!(error * 1000 < result.len() as u64, "{}", s.result_length);
        // Output with an escape every few bytes still has its tail read.
        assert!(
            s.tail.ends_with("x\nx\n") && s.tail.len() > 600,
            "{:?}",
            s.tail
        );
    }

    #[test]
    fn the_legacy_code_field_counts() {
        let json = format!(r#"{{"code":-2,"result":"{}"}}"#, "y".repeat(1000));
        assert_eq!(cut(&json, 40, 40).exit_code, Some(-2));
        let json = format!(r#"{{"result":"{}","code":127}}"#, "y".repeat(1000));
        assert_eq!(cut(&json, 40, 40).exit_code, Some(127));
    }

    #[test]
    fn escapes_cut_in_the_middle_are_dropped_not_misread() {
        // Every cut position through escapes, surrogate pairs and multi-byte characters.
        let unit = "a\"b\\c\nd\u{1}é😀\\u0041/";
        let result = unit.repeat(200);
        let json = answer(false, &result, 0);
        for h in 12..80 {
            for t in 20..80 {
                let s = cut(&json, h, t);
                assert_eq!(s.exit_code, Some(0), "h={h} t={t}");
                assert!(result.starts_with(&s.head), "h={h}: {:?}", s.head);
                assert!(result.ends_with(&s.tail), "t={t}: {:?}", s.tail);
                assert!(!s.head.contains('\u{FFFD}') && !s.tail.contains('\u{FFFD}'));
            }
        }
    }

    #[test]
    fn a_code_cut_off_in_the_head_is_not_guessed() {
        // `{"exitCode": 12` cut after the 1: it could be 12 or 123.
        let json = format!(r#"{{"exitCode": 123, "result": "{}"}}"#, "z".repeat(500));
        assert_eq!(cut(&json, 15, 50).exit_code, None);
        assert_eq!(cut(&json, 17, 50).exit_code, Some(123));
    }

    #[test]
    fn other_fields_and_nesting_are_tolerated() {
        let json = format!(
            r#"{{"artifacts": {{"charts": [1, {{"a": "}}"}}]}}, "ok": true, "result": "{}", "extra": null, "exitCode": 9}}"#,
            "q".repeat(2000)
        );
        let s = cut(&json, 120, 120);
        assert_eq!(s.exit_code, Some(9));
        assert!(
            s.head.starts_with("qqq") && s.tail.ends_with("qqq"),
            "{s:?}"
        );
    }

    #[test]
    fn garbage_yields_nothing_and_never_panics() {
        for (h, t) in [
            (&b""[..], &b""[..]),
            (b"not json", b"at all"),
            (br#"{"result": "\"#, br#"\\\\\\\\\\\"}"#),
            (b"{\"exitCode\": 99999999999999999999999,", b"\"}"),
            (b"{\"result\": \"\\uZZ", b"\xff\xfe\"}"),
            (b"[1,2", b"3]"),
        ] {
            let s = salvage(h, t, 1 << 30);
            assert!(s.exit_code.is_none(), "{s:?}");
        }
    }

    #[test]
    fn a_result_that_ends_in_the_head_keeps_the_tails_code() {
        let json = format!(
            r#"{{"result": "short", "pad": "{}", "exitCode": 4}}"#,
            "p".repeat(5000)
        );
        let s = cut(&json, 60, 60);
        assert_eq!(s.exit_code, Some(4));
        assert_eq!(s.head, "short");
        assert_eq!(s.tail, "");
    }
}
