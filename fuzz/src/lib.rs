//! Helpers shared by the fuzz targets: an independent check of tool arguments
//! against the advertised JSON Schema, and a transport answering from the
//! fuzzer's input.

pub mod args;
pub mod schema;
pub mod transport;

use regex::Regex;
use std::sync::LazyLock;

/// The pattern of the string form of a duration in the tool schema, compiled
/// by a real regex engine (not the parser under test).
pub fn duration_pattern() -> &'static Regex {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        let tool = daytona_tools::catalog::Tool::MintEphemeralKey.spec();
        let schema = tool.input_schema();
        let pattern = schema["properties"]["ttl"]["anyOf"][1]["pattern"]
            .as_str()
            .expect("ttl pattern");
        Regex::new(pattern).expect("valid pattern")
    });
    &RE
}
