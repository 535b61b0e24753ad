//! Properties of tool arguments as the catalog parses them.

use super::{Args, Tool};
use crate::keys::ttl;
use proptest::prelude::*;
use serde_json::json;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Duration strings and numbers given to the mint tool: whatever the
    /// argument parser accepts is 60..=86400 s and means what it says.
    #[test]
    fn ttl_arguments_are_within_bounds_or_refused(
        h in prop::option::of(0u64..30),
        m in prop::option::of(0u64..1500),
        s in prop::option::of(0u64..90_000),
        pad in prop::sample::select(vec!["", " ", "\t"]),
        as_number in any::<bool>(),
    ) {
        let secs = h.unwrap_or(0) * 3600 + m.unwrap_or(0) * 60 + s.unwrap_or(0);
        let text = [(h, "h"), (m, "m"), (s, "s")]
            .iter()
            .filter_map(|(n, unit)| n.map(|n| format!("{n}{unit}")))
            .collect::<String>();
        prop_assume!(!text.is_empty());
        let value = if as_number { json!(secs) } else { json!(format!("{pad}{text}{pad}")) };
        let spec = Tool::MintEphemeralKey.spec();
        let parsed = Args::parse(spec, &json!({ "ttl": value }).to_string());
        prop_assert_eq!(parsed.is_ok(), (60..=86_400).contains(&secs), "{} = {} s", value, secs);
        if !as_number {
            prop_assert_eq!(ttl::parse(&text), Ok(secs));
        }
    }
}
