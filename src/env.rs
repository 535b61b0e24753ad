//! The environment, read once: the variables the component was started with
//! (`wasi:cli/environment` on wasm32-wasip2, the process's in host tests).
//! Each setting parses its own variables from it: [`crate::config::Config`],
//! the tool selection, the minting ceiling, the MCP server's settings.

use std::fmt;

/// `(name, value)` pairs, as the host gave them.
#[derive(Clone, Default)]
pub struct Env {
    vars: Vec<(String, String)>,
}

impl Env {
    /// The process environment. A variable that is not UTF-8 is left out (on
    /// wasip2 every one is a string): `std::env::vars` would panic on it, and
    /// its panic message would compile an `OsString`'s `Debug` into the component.
    pub fn read() -> Env {
        let vars = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)));
        Env::from_pairs(vars)
    }

    /// An environment of these `(name, value)` pairs.
    pub fn from_pairs<I, K, V>(pairs: I) -> Env
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut vars = Vec::new();
        vars.extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        Env { vars }
    }

    /// The value of `name`, trimmed; `None` when it is unset or blank (an
    /// empty value counts as unset). Set more than once, the last non-blank
    /// value counts.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .rev()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }
}

/// Names only: any value may be a secret.
impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.vars.iter().map(|(k, _)| k))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_unset_and_the_last_value_counts() {
        let env = Env::from_pairs([("A", " 1 "), ("B", "  "), ("A", "2"), ("A", "")]);
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("B"), None);
        assert_eq!(env.get("C"), None);
    }

    #[test]
    fn values_never_format() {
        let env = Env::from_pairs([("DAYTONA_API_KEY", "dtn_supersecret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("DAYTONA_API_KEY"), "{shown}");
        assert!(!shown.contains("supersecret"), "{shown}");
    }
}
