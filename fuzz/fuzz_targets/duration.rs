//! The TTL duration parser (`keys::ttl`): never panics; whatever it accepts
//! is what the tool schema's pattern describes (after trimming), re-describes
//! and re-parses to the same seconds, and passes the bounds check only inside
//! 60..=86400, unclamped.
#![no_main]

use daytona_tools::keys::ttl;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = ttl::parse(text);
    let trimmed = text.trim();
    // The string half of the `ttl` schema (`Ty::Duration`).
    let schema_ok = !trimmed.is_empty() && daytona_tools_fuzz::duration_pattern().is_match(trimmed);
    match &parsed {
        Ok(secs) => {
            assert!(
                schema_ok,
                "accepted {text:?} but the schema pattern refuses it"
            );
            let described = ttl::describe(*secs);
            assert_eq!(
                ttl::parse(&described),
                Ok(*secs),
                "describe({secs}) = {described:?}"
            );
            assert_eq!(ttl::parse(&secs.to_string()), Ok(*secs));
            // An accepted duration is re-parsed the same through the JSON path.
            let json = ttl::from_json("ttl", &Value::String(text.to_string()));
            assert_eq!(json.ok(), Some(*secs));
            match ttl::check("ttl", Some(*secs)) {
                Ok(v) => {
                    assert!((ttl::MIN_SECS..=ttl::MAX_SECS).contains(secs));
                    assert_eq!(u64::from(v), *secs, "check must not clamp");
                }
                Err(e) => {
                    assert!(!(ttl::MIN_SECS..=ttl::MAX_SECS).contains(secs));
                    assert!(e.message.contains("60 s") && e.message.contains("86400 s"));
                }
            }
        }
        Err(why) => {
            assert!(!why.is_empty());
            // The schema pattern admits only numbers too large for u64 that the parser refuses.
            if schema_ok {
                assert!(
                    why.contains("too large"),
                    "{text:?} matches the schema but: {why}"
                );
            }
            // The error text is built from the input: it must stay bounded and printable.
            assert!(!why.chars().any(char::is_control), "{why:?}");
        }
    }
});
