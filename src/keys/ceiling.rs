//! The host's ceiling on what may be minted: which scopes
//! (`DAYTONA_MINT_SCOPES`) and how long a key may live (`DAYTONA_MINT_MAX_TTL`).
//!
//! The host sets these, not the agent: an agent handed only
//! `mint_ephemeral_key` must not be able to mint the full `daytona` scope for a
//! day because the tool allows it. A request beyond the ceiling is refused
//! before anything is sent.
//!
//! - `DAYTONA_MINT_SCOPES`: comma list of scopes; default
//!   `daytona:workspaces:read,daytona:workspaces`. `daytona` and
//!   `daytona:org:<id>` are allowed only when listed; `daytona:org:*` allows
//!   any organization scope (still only the configured organization, when one is).
//! - `DAYTONA_MINT_MAX_TTL`: seconds or a duration (`30m`, `2h`); from 1 minute
//!   to 24 hours, default 24 hours. It also caps the default lifetime.

use super::scope::Scope;
use super::ttl;
use crate::error::{Error, ErrorKind};

/// The variable listing the scopes that may be minted.
pub const SCOPES_VAR: &str = "DAYTONA_MINT_SCOPES";
/// The variable bounding a minted key's lifetime.
pub const MAX_TTL_VAR: &str = "DAYTONA_MINT_MAX_TTL";
/// The scopes that may be minted when the host says nothing.
pub const DEFAULT_SCOPES: &[&str] = &["daytona:workspaces:read", "daytona:workspaces"];

/// One allowed scope form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeRule {
    /// Exactly this scope (canonical text).
    Exact(Scope),
    /// `daytona:org:*`: any organization scope.
    AnyOrg,
}

impl ScopeRule {
    fn allows(&self, scope: &Scope) -> bool {
        match self {
            ScopeRule::Exact(s) => s == scope,
            ScopeRule::AnyOrg => matches!(scope, Scope::Org(_)),
        }
    }

    /// The rule as written in `DAYTONA_MINT_SCOPES`.
    pub fn as_string(&self) -> String {
        match self {
            ScopeRule::Exact(s) => s.as_string(),
            ScopeRule::AnyOrg => "daytona:org:*".into(),
        }
    }
}

/// What the host allows to be minted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintCeiling {
    /// The scopes that may be minted.
    pub scopes: Vec<ScopeRule>,
    /// The longest lifetime, seconds (≤ [`ttl::MAX_SECS`]).
    pub max_ttl_secs: u64,
}

impl Default for MintCeiling {
    fn default() -> Self {
        MintCeiling {
            scopes: DEFAULT_SCOPES
                .iter()
                .map(|s| ScopeRule::Exact(Scope::parse(Some(s)).expect("default scopes parse")))
                .collect(),
            max_ttl_secs: ttl::MAX_SECS,
        }
    }
}

impl MintCeiling {
    /// Read the two variables from `(name, value)` pairs; an empty value is unset.
    pub fn from_env<I, K, V>(vars: I) -> Result<MintCeiling, Error>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut ceiling = MintCeiling::default();
        for (k, v) in vars {
            let value = v.as_ref().trim();
            if value.is_empty() {
                continue;
            }
            match k.as_ref() {
                SCOPES_VAR => ceiling.scopes = parse_scopes(value)?,
                MAX_TTL_VAR => ceiling.max_ttl_secs = parse_max_ttl(value)?,
                _ => {}
            }
        }
        Ok(ceiling)
    }

    /// The lifetime when the caller gives none: 10 minutes, or the ceiling if lower.
    pub fn default_ttl_secs(&self) -> u64 {
        ttl::DEFAULT_SECS.min(self.max_ttl_secs)
    }

    /// The allowed scopes as written, for messages and schemas.
    pub fn scope_names(&self) -> Vec<String> {
        self.scopes.iter().map(ScopeRule::as_string).collect()
    }

    /// Refuse a scope or lifetime beyond the ceiling, naming it and its variable.
    pub fn check(&self, scope: &Scope, ttl_secs: u64) -> Result<(), Error> {
        if !self.scopes.iter().any(|r| r.allows(scope)) {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!(
                    "scope '{}' is above this host's minting ceiling: {SCOPES_VAR} allows {}",
                    scope.as_string(),
                    self.scope_names().join(", ")
                ),
            )
            .with_hint(format!(
                "ask for one of the allowed scopes; only the host's operator can widen {SCOPES_VAR}"
            )));
        }
        if ttl_secs > self.max_ttl_secs {
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!(
                    "`ttl` {} is above this host's ceiling of {} ({MAX_TTL_VAR})",
                    ttl::describe(ttl_secs),
                    ttl::describe(self.max_ttl_secs)
                ),
            )
            .with_hint(format!(
                "ask for at most {}; only the host's operator can raise {MAX_TTL_VAR}",
                ttl::describe(self.max_ttl_secs)
            )));
        }
        Ok(())
    }
}

fn parse_scopes(value: &str) -> Result<Vec<ScopeRule>, Error> {
    let mut rules = Vec::new();
    for item in value.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let rule = if item == "daytona:org:*" {
            ScopeRule::AnyOrg
        } else {
            ScopeRule::Exact(Scope::parse(Some(item)).map_err(|e| {
                Error::config(
                    format!("{SCOPES_VAR}: {}", e.message),
                    format!(
                        "set {SCOPES_VAR} to a comma list of daytona:workspaces:read, daytona:workspaces, daytona, daytona:org:<id> or daytona:org:*"
                    ),
                )
            })?)
        };
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    if rules.is_empty() {
        return Err(Error::config(
            format!("{SCOPES_VAR} lists no scope"),
            format!(
                "list at least one scope, or leave {SCOPES_VAR} unset for {}",
                DEFAULT_SCOPES.join(",")
            ),
        ));
    }
    Ok(rules)
}

fn parse_max_ttl(value: &str) -> Result<u64, Error> {
    let secs = ttl::parse(value).map_err(|why| {
        Error::config(
            format!("{MAX_TTL_VAR} {why}"),
            format!("set {MAX_TTL_VAR} to seconds or a duration like 30m or 2h"),
        )
    })?;
    if !(ttl::MIN_SECS..=ttl::MAX_SECS).contains(&secs) {
        return Err(Error::config(
            format!(
                "{MAX_TTL_VAR} is {}; it must be from {} to {}",
                ttl::describe(secs),
                ttl::describe(ttl::MIN_SECS),
                ttl::describe(ttl::MAX_SECS)
            ),
            format!("set {MAX_TTL_VAR} within those bounds, or unset it for 24h"),
        ));
    }
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ceiling(pairs: &[(&str, &str)]) -> Result<MintCeiling, Error> {
        MintCeiling::from_env(pairs.iter().copied())
    }

    fn scope(s: &str) -> Scope {
        Scope::parse(Some(s)).unwrap()
    }

    #[test]
    fn by_default_only_the_workspaces_scopes_may_be_minted_for_up_to_a_day() {
        let c = ceiling(&[]).unwrap();
        assert!(c.check(&scope("daytona:workspaces"), 86_400).is_ok());
        assert!(c.check(&scope("daytona:workspaces:read"), 60).is_ok());
        for above in ["daytona", "daytona:org:o1"] {
            let err = c.check(&scope(above), 600).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Forbidden);
            assert!(err.message.contains(SCOPES_VAR), "{}", err.message);
        }
        assert_eq!(c.default_ttl_secs(), 600);
    }

    #[test]
    fn listed_scopes_and_the_org_pattern_widen_the_ceiling() {
        let c = ceiling(&[(SCOPES_VAR, "daytona, daytona:org:*")]).unwrap();
        assert!(c.check(&scope("daytona"), 600).is_ok());
        assert!(c.check(&scope("daytona:org:any-1"), 600).is_ok());
        assert!(c.check(&scope("daytona:workspaces"), 600).is_err());
        let c = ceiling(&[(SCOPES_VAR, "daytona:org:o1")]).unwrap();
        assert!(c.check(&scope("daytona:org:o1"), 600).is_ok());
        assert!(c.check(&scope("daytona:org:o2"), 600).is_err());
    }

    #[test]
    fn the_ttl_ceiling_refuses_longer_keys_and_lowers_the_default() {
        let c = ceiling(&[(MAX_TTL_VAR, "5m")]).unwrap();
        assert_eq!(c.max_ttl_secs, 300);
        assert_eq!(c.default_ttl_secs(), 300);
        let err = c.check(&scope("daytona:workspaces"), 301).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(err.message.contains(MAX_TTL_VAR) && err.message.contains("5m"));
        assert!(c.check(&scope("daytona:workspaces"), 300).is_ok());
    }

    #[test]
    fn malformed_ceilings_are_config_errors_naming_the_variable() {
        for (var, bad) in [
            (SCOPES_VAR, "admin"),
            (SCOPES_VAR, " , "),
            (SCOPES_VAR, "daytona:*"),
            (MAX_TTL_VAR, "25h"),
            (MAX_TTL_VAR, "30s"),
            (MAX_TTL_VAR, "forever"),
        ] {
            let err = ceiling(&[(var, bad)]).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{var}={bad}");
            assert!(err.message.contains(var), "{}", err.message);
        }
    }
}
