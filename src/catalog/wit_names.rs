//! How the WIT names tools and arguments: kebab-case, except for the renames
//! below. `wit_contract` checks the WIT against these names, and host-test's
//! `catalog::typed` calls the typed functions by them.

/// Where a WIT parameter differs from its JSON argument beyond kebab-casing:
/// (tool, argument, WIT name).
const RENAMED: &[(&str, &str, &str)] = &[("mint_ephemeral_key", "ttl", "ttl-seconds")];

/// `get_api_key` → `get-api-key`, `autoStopInterval` → `auto-stop-interval`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(if c == '_' { '-' } else { c });
        }
    }
    out
}

/// The WIT name of argument `arg` of the tool called `tool`.
pub fn wit_argument(tool: &str, arg: &str) -> String {
    RENAMED
        .iter()
        .find(|(t, a, _)| *t == tool && *a == arg)
        .map_or_else(|| kebab(arg), |(_, _, wit)| wit.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kebab_case_but_for_the_renames() {
        assert_eq!(kebab("get_api_key"), "get-api-key");
        assert_eq!(kebab("autoStopInterval"), "auto-stop-interval");
        assert_eq!(wit_argument("mint_ephemeral_key", "ttl"), "ttl-seconds");
        assert_eq!(wit_argument("create_sandbox", "ttl"), "ttl");
    }
}
