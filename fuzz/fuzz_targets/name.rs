//! Ephemeral key names (`keys::name`): a name that parses re-formats to
//! exactly the input and re-builds from its parts; any holder sanitises to a
//! valid, idempotent holder; a new name (expiry within 12 digits) parses back.
#![no_main]

use daytona_tools::keys::name::{self, EphemeralName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, u64, u64)| {
    let (text, expiry, random) = input;

    // 1. Parsing arbitrary text.
    if let Some(parsed) = EphemeralName::parse(text) {
        assert_eq!(
            parsed.to_string(),
            text,
            "a parsed name re-formats identically"
        );
        let random = u64::from_str_radix(&parsed.suffix, 16).expect("hex suffix");
        let rebuilt = EphemeralName::new(&parsed.holder, parsed.expires_unix, random);
        assert_eq!(rebuilt, parsed);
        assert!(EphemeralName::is_ours(text));
        // Names of our format are reserved: create_api_key refuses them.
        assert!(name::check_not_reserved(text).is_err());
    } else {
        assert!(!EphemeralName::is_ours(text));
    }

    // 2. Sanitising an arbitrary holder.
    let holder = name::sanitize_holder(Some(text));
    assert!(
        !holder.is_empty() && holder.len() <= name::MAX_HOLDER,
        "{holder:?}"
    );
    assert!(
        holder
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "{holder:?}"
    );
    assert!(!holder.starts_with('-') && !holder.ends_with('-') && !holder.contains("--"));
    assert_eq!(name::sanitize_holder(Some(&holder)), holder, "idempotent");

    // 3. Vending a name and reading it back.
    let expiry = expiry % 1_000_000_000_000; // 12 digits, as the grammar allows
    let vended = EphemeralName::new(text, expiry, random);
    assert_eq!(vended.holder, holder);
    let shown = vended.to_string();
    assert_eq!(EphemeralName::parse(&shown), Some(vended), "{shown}");
});
