//! The reader that keeps the ends of an answer's long strings
//! (`json_ends::JsonEnds`): never panics on any bytes in any chunks; of a
//! JSON document, in any chunking, the kept document parses, short strings
//! are kept whole, a long string keeps a prefix and a suffix of itself
//! within the bound and its exact length, and every other value is kept.
#![no_main]

use daytona_tools::http::json_ends::JsonEnds;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[derive(Arbitrary, Debug)]
enum Input {
    /// Arbitrary bytes.
    Raw(Vec<u8>, u8, u8),
    /// A session-like answer with these strings.
    Answer {
        stdout: String,
        stderr: String,
        nested: String,
        repeat: u16,
        code: i32,
        keep: u8,
        chunk: u8,
    },
}

fn feed(
    bytes: &[u8],
    keep: usize,
    chunk: usize,
) -> Result<(Vec<u8>, Vec<daytona_tools::http::json_ends::StringCut>), usize> {
    let mut ends = JsonEnds::new(keep, 1 << 20);
    for part in bytes.chunks(chunk.max(1)) {
        ends.push(part)?;
    }
    Ok(ends.finish())
}

fuzz_target!(|input: Input| match input {
    Input::Raw(bytes, keep, chunk) => {
        let _ = feed(&bytes, usize::from(keep), usize::from(chunk));
    }
    Input::Answer {
        stdout,
        stderr,
        nested,
        repeat,
        code,
        keep,
        chunk,
    } => {
        let stdout = stdout.repeat(usize::from(repeat % 64) + 1);
        let keep = usize::from(keep) + 4;
        let doc = json!({
            "cmdId": "c", "exitCode": code, "stdout": stdout, "stderr": stderr,
            "deep": [{"x": nested}, null, true, 1.5],
        });
        let text = doc.to_string();
        let (body, cuts) = feed(text.as_bytes(), keep, usize::from(chunk)).expect("within the cap");
        let kept: Value = serde_json::from_slice(&body).expect("the kept document parses");
        assert_eq!(kept["exitCode"], code);
        assert_eq!(kept["cmdId"], "c");
        assert_eq!(kept["deep"][1], Value::Null);
        for (name, whole) in [("stdout", &stdout), ("stderr", &stderr)] {
            let got = kept[name].as_str().unwrap();
            match cuts.iter().find(|c| c.member.as_deref() == Some(name)) {
                None => assert_eq!(got, whole.as_str(), "{name}"),
                Some(cut) => {
                    assert!(whole.len() > keep, "{name} cut though short");
                    assert_eq!(cut.total, whole.len() as u64);
                    assert!(got.len() <= keep);
                    let (head, tail) = got.split_at(cut.head_len);
                    assert!(whole.starts_with(head), "{name} head");
                    assert!(whole.ends_with(tail), "{name} tail");
                }
            }
        }
        let deep = kept["deep"][0]["x"].as_str().unwrap();
        if nested.len() <= keep {
            assert_eq!(deep, nested);
        }
    }
});
