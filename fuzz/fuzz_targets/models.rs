//! Every Daytona response model, decoded with `http::decode` from arbitrary
//! bytes: never panics; a decode error names where the JSON broke (line and
//! column) or, for a value that does not fit, its path of field names and
//! what was expected there, never its content; what decodes re-encodes and
//! decodes to the same value; an error body becomes a bounded message
//! without control characters or secrets.
#![no_main]

use daytona_tools::error::{Error, ErrorKind};
use daytona_tools::http::decode;
use daytona_tools::models::api_key::ApiKeyListAnswer;
use daytona_tools::models::toolbox::ExecuteResponse;
use daytona_tools::models::{ApiKey, CursorPage, NumberedPage, Sandbox, Snapshot, Wire};
use libfuzzer_sys::fuzz_target;
use regex::Regex;
use serde::Serialize;
use std::fmt::Debug;
use std::sync::LazyLock;

const WHAT: &str = "fuzz op";
const SECRETS: &[&str] = &["dtn_fuzz_secret_0123456789", "jwt.fuzz.secret"];

static DECODE_ERROR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^fuzz op: Daytona's answer could not be read \(",
        r"((Io|Syntax|Eof|Data) error at line [0-9]+ column [0-9]+",
        r"|Data error( at `([A-Za-z0-9_]+|\[[0-9]+\])(\.[A-Za-z0-9_]+|\[[0-9]+\])*`)?",
        r": (expected [A-Za-z0-9 ,{}-]+|missing))\)$"
    ))
        .unwrap()
});

/// Decode; on failure check the message shape.
fn try_decode<T: Wire>(body: &[u8]) -> Option<T> {
    match decode::<T>(body, WHAT) {
        Ok(v) => Some(v),
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Upstream);
            assert!(DECODE_ERROR.is_match(&e.message), "{}", e.message);
            None
        }
    }
}

/// Decode, and if that works, encode → decode must give the same value.
fn round_trip<T: Wire + Serialize + PartialEq + Debug>(body: &[u8]) {
    if let Some(v) = try_decode::<T>(body) {
        let again = serde_json::to_vec(&v).expect("encode");
        let back: T = decode(&again, WHAT).expect("re-decode what we encoded");
        assert_eq!(back, v);
    }
}

fuzz_target!(|input: (u16, &[u8])| {
    let (status, body) = input;

    round_trip::<Sandbox>(body);
    round_trip::<Snapshot>(body);
    round_trip::<ApiKey>(body);
    round_trip::<Vec<Sandbox>>(body);
    if let Some(page) = try_decode::<CursorPage<Sandbox>>(body) {
        let (_, next) = page.into_parts();
        assert_ne!(
            next.as_deref(),
            Some(""),
            "an empty cursor ends the listing"
        );
    }
    try_decode::<NumberedPage<Snapshot>>(body);
    if let Some(list) = try_decode::<ApiKeyListAnswer>(body) {
        let _ = list.into_keys();
    }
    try_decode::<ExecuteResponse>(body);

    // Non-2xx answers: the error keeps only Daytona's `message`, bounded and clean.
    let err = Error::from_response(status, body, WHAT, SECRETS);
    assert_eq!(err.status, Some(status));
    assert!(err.hint.is_some());
    assert!(err.message.starts_with(WHAT), "{}", err.message);
    assert!(
        !err.message.chars().any(char::is_control),
        "{:?}",
        err.message
    );
    for secret in SECRETS {
        assert!(!err.message.contains(secret), "{}", err.message);
    }
    let prefix = format!("{WHAT}: Daytona answered {status}: ");
    if let Some(upstream) = err.message.strip_prefix(&prefix) {
        assert!(
            upstream.chars().count() <= 301,
            "{}",
            upstream.chars().count()
        );
    } else {
        assert_eq!(
            err.message,
            format!("{WHAT}: Daytona answered HTTP {status}")
        );
    }
    let retryable = matches!(status, 408 | 429 | 500..=599);
    assert_eq!(err.retryable, retryable, "{status}");
});
