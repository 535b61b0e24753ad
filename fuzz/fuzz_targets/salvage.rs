//! The reader of cut command answers (`api::salvage`): never panics on any
//! head and tail; what it reads of a whole answer split anywhere agrees with
//! the answer itself (exit code, and `result`'s ends are its prefix and suffix).
#![no_main]

use daytona_tools::api::salvage::salvage;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Input {
    /// Arbitrary bytes as head and tail.
    Raw(Vec<u8>, Vec<u8>, u64),
    /// A well-formed answer, cut at two points.
    Answer {
        result: String,
        exit_code: i32,
        code_first: bool,
        legacy: bool,
        head_len: u16,
        tail_len: u16,
    },
}

fuzz_target!(|input: Input| match input {
    Input::Raw(head, tail, total) => {
        let _ = salvage(&head, &tail, total);
    }
    Input::Answer {
        result,
        exit_code,
        code_first,
        legacy,
        head_len,
        tail_len,
    } => {
        let field = if legacy { "code" } else { "exitCode" };
        let result_json = serde_json::to_string(&result).unwrap();
        let json = if code_first {
            format!(r#"{{"{field}":{exit_code},"result":{result_json}}}"#)
        } else {
            format!(r#"{{"result":{result_json},"{field}":{exit_code}}}"#)
        };
        let bytes = json.as_bytes();
        // As the transport cuts: each end (4 MiB there) holds at least every
        // byte that is not `result`'s text, so the exit code is whole in one.
        let fixed = bytes.len() - result_json.len() + 2;
        let head_len = (fixed + usize::from(head_len)).min(bytes.len());
        let tail_len = (fixed + usize::from(tail_len)).min(bytes.len() - head_len);
        if tail_len < fixed {
            return;
        }
        let head = &bytes[..head_len];
        let tail = &bytes[bytes.len() - tail_len..];
        let out = salvage(head, tail, bytes.len() as u64);
        assert_eq!(
            out.exit_code,
            Some(i64::from(exit_code)),
            "{json:?} cut {head_len}/{tail_len}"
        );
        assert!(
            result.starts_with(&out.head),
            "{:?} is not a prefix",
            out.head
        );
        assert!(
            result.ends_with(&out.tail),
            "{:?} is not a suffix",
            out.tail
        );
    }
});
