//! The host's ceiling on the keys an agent can get: which scopes
//! (`DAYTONA_MINT_SCOPES`) and how long a key may live (`DAYTONA_MINT_MAX_TTL`).
//!
//! The host sets these, not the agent: an agent handed only
//! `mint_ephemeral_key` must not be able to mint the full `daytona` scope for a
//! day because the tool allows it. The same ceiling bounds `create_api_key`
//! (the permissions of the allowed scopes, an expiry within the lifetime), or
//! every tool could hand out what the mint tool may not; only
//! `DAYTONA_KEY_ADMIN=unbounded` lifts that. A request beyond the ceiling is
//! refused before anything is sent.
//!
//! - `DAYTONA_MINT_SCOPES`: comma list of scopes; default
//!   `daytona:workspaces:read,daytona:workspaces`. `daytona` and
//!   `daytona:org:<id>` are allowed only when listed; `daytona:org:*` allows
//!   any organization scope (still only the configured organization, when one is).
//! - `DAYTONA_MINT_MAX_TTL`: seconds or a duration (`30m`, `2h`); from 1 minute
//!   to 24 hours, default 24 hours. It also caps the default lifetime.
//! - `DAYTONA_KEY_ADMIN`: `bounded` (default) or `unbounded`, which lets
//!   `create_api_key` grant any permission and any expiry, or none.

use super::scope::Scope;
use super::ttl;
use crate::api::api_keys::PERMISSIONS;
use crate::env::Env;
use crate::error::{Error, ErrorKind};
use crate::models::CreateApiKey;
use crate::time;

/// The variable listing the scopes that may be minted.
pub const SCOPES_VAR: &str = "DAYTONA_MINT_SCOPES";
/// The variable bounding a minted key's lifetime.
pub const MAX_TTL_VAR: &str = "DAYTONA_MINT_MAX_TTL";
/// The variable that lets `create_api_key` past the ceiling.
pub const KEY_ADMIN_VAR: &str = "DAYTONA_KEY_ADMIN";
/// The scopes that may be minted when the host says nothing.
pub const DEFAULT_SCOPES: &[&str] = &["daytona:workspaces:read", "daytona:workspaces"];

/// How far `create_api_key` may go (`DAYTONA_KEY_ADMIN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyAdmin {
    /// `bounded` (default): only the ceiling's permissions, an expiry within
    /// its lifetime (filled in when none is given).
    #[default]
    Bounded,
    /// `unbounded`: any permission Daytona lets the user grant, any expiry or none.
    Unbounded,
}

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

    /// The permissions a key of an allowed scope carries.
    fn permissions(&self) -> &'static [&'static str] {
        match self {
            ScopeRule::Exact(s) => s.permissions(),
            // Every organization scope carries the same permissions.
            ScopeRule::AnyOrg => Scope::Org(String::new()).permissions(),
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
    /// Whether `create_api_key` is held to the ceiling.
    pub key_admin: KeyAdmin,
}

impl Default for MintCeiling {
    fn default() -> Self {
        MintCeiling {
            scopes: DEFAULT_SCOPES
                .iter()
                .map(|s| ScopeRule::Exact(Scope::parse(Some(s)).expect("default scopes parse")))
                .collect(),
            max_ttl_secs: ttl::MAX_SECS,
            key_admin: KeyAdmin::Bounded,
        }
    }
}

impl MintCeiling {
    /// Read the three variables from the environment; a blank one is unset.
    pub fn from_env(env: &Env) -> Result<MintCeiling, Error> {
        let mut ceiling = MintCeiling::default();
        if let Some(value) = env.get(SCOPES_VAR) {
            ceiling.scopes = parse_scopes(value)?;
        }
        if let Some(value) = env.get(MAX_TTL_VAR) {
            ceiling.max_ttl_secs = parse_max_ttl(value)?;
        }
        if let Some(value) = env.get(KEY_ADMIN_VAR) {
            ceiling.key_admin = parse_key_admin(value)?;
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

    /// The permissions a created key may carry: those of the allowed scopes
    /// (`daytona:org:*` gives the organization scopes' ones), in Daytona's order.
    pub fn key_permissions(&self) -> Vec<&'static str> {
        PERMISSIONS
            .iter()
            .copied()
            .filter(|p| {
                self.scopes
                    .iter()
                    .any(|rule| rule.permissions().contains(p))
            })
            .collect()
    }

    /// Hold a key to create to the ceiling, unless `DAYTONA_KEY_ADMIN=unbounded`:
    /// refuse a permission outside [`Self::key_permissions`] or an expiry
    /// beyond `now + max_ttl`, and give a key without expiry that bound.
    /// `body` holds validated arguments (expiry normalised, in the future).
    pub fn bound_new_key(&self, body: &mut CreateApiKey, now_millis: u64) -> Result<(), Error> {
        if self.key_admin == KeyAdmin::Unbounded {
            return Ok(());
        }
        let allowed = self.key_permissions();
        let beyond: Vec<&str> = body
            .permissions
            .iter()
            .map(String::as_str)
            .filter(|p| !allowed.contains(p))
            .collect();
        if !beyond.is_empty() {
            // Validated permissions: Daytona's enum, safe to show.
            return Err(Error::new(
                ErrorKind::Forbidden,
                format!(
                    "`permissions` asks for {}, beyond this host's ceiling for new keys: {SCOPES_VAR} ({}) allows {}",
                    beyond.join(", "),
                    self.scope_names().join(", "),
                    allowed.join(", ")
                ),
            )
            .with_hint(format!(
                "ask only for those permissions; only the host's operator can widen {SCOPES_VAR} or set {KEY_ADMIN_VAR}=unbounded"
            )));
        }
        let now = now_millis.min(i64::MAX as u64) as i64;
        let limit = now.saturating_add(self.max_ttl_secs as i64 * 1000);
        match body.expires_at.as_deref().map(time::parse) {
            None => body.expires_at = Some(time::format_millis(limit)),
            Some(Ok(at)) if at <= limit => {}
            _ => {
                return Err(Error::new(
                    ErrorKind::Forbidden,
                    format!(
                        "`expiresAt` {} is beyond this host's ceiling: a new key lives at most {} ({MAX_TTL_VAR}), until {}",
                        body.expires_at.as_deref().unwrap_or_default(),
                        ttl::describe(self.max_ttl_secs),
                        time::format_millis(limit)
                    ),
                )
                .with_hint(format!(
                    "give an expiry within {} from now, or leave it out for that; only the host's operator can raise {MAX_TTL_VAR} or set {KEY_ADMIN_VAR}=unbounded",
                    ttl::describe(self.max_ttl_secs)
                )));
            }
        }
        Ok(())
    }
}

fn parse_key_admin(value: &str) -> Result<KeyAdmin, Error> {
    match value {
        "bounded" => Ok(KeyAdmin::Bounded),
        "unbounded" => Ok(KeyAdmin::Unbounded),
        _ => Err(Error::config(
            format!(
                "{KEY_ADMIN_VAR} is '{}'; it must be bounded or unbounded",
                crate::error::scrub(value, &[])
            ),
            format!(
                "leave {KEY_ADMIN_VAR} unset (bounded: create_api_key stays within {SCOPES_VAR} and {MAX_TTL_VAR}), or set it to unbounded"
            ),
        )),
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
        MintCeiling::from_env(&Env::from_pairs(pairs.iter().copied()))
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

    fn body(permissions: &[&str], expires_at: Option<&str>) -> CreateApiKey {
        CreateApiKey {
            name: "k".into(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            expires_at: expires_at.map(str::to_string),
        }
    }

    const NOW: u64 = 1_893_456_000_000; // 2030-01-01T00:00:00Z

    #[test]
    fn new_keys_get_the_permissions_of_the_allowed_scopes() {
        assert_eq!(
            ceiling(&[]).unwrap().key_permissions(),
            ["write:sandboxes", "delete:sandboxes", "read:volumes"]
        );
        let read = ceiling(&[(SCOPES_VAR, "daytona:workspaces:read")]).unwrap();
        assert_eq!(read.key_permissions(), ["read:volumes"]);
        // An organization scope gives the workspaces permissions, no more.
        let org = ceiling(&[(SCOPES_VAR, "daytona:org:*")]).unwrap();
        assert_eq!(
            org.key_permissions(),
            ["write:sandboxes", "delete:sandboxes"]
        );
        let full = ceiling(&[(SCOPES_VAR, "daytona")]).unwrap();
        let perms = full.key_permissions();
        assert_eq!(perms.len(), 7);
        for admin in [
            "write:runners",
            "write:regions",
            "write:registries",
            "read:audit_logs",
        ] {
            assert!(!perms.contains(&admin), "{admin}");
        }

        let mut wide = body(&["write:sandboxes", "write:runners"], None);
        let err = read.bound_new_key(&mut wide, NOW).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(
            err.message
                .contains("asks for write:sandboxes, write:runners, beyond")
                && err.message.contains(SCOPES_VAR)
                && err.message.contains("daytona:workspaces:read"),
            "{}",
            err.message
        );
        assert!(err.hint.unwrap().contains(KEY_ADMIN_VAR));
    }

    #[test]
    fn new_keys_expire_within_the_ttl_ceiling_and_get_it_when_given_none() {
        let c = ceiling(&[(MAX_TTL_VAR, "2h")]).unwrap();
        let mut none = body(&["read:volumes"], None);
        c.bound_new_key(&mut none, NOW).unwrap();
        assert_eq!(none.expires_at.as_deref(), Some("2030-01-01T02:00:00.000Z"));
        let mut at_limit = body(&["read:volumes"], Some("2030-01-01T02:00:00.000Z"));
        c.bound_new_key(&mut at_limit, NOW).unwrap();
        assert_eq!(
            at_limit.expires_at.as_deref(),
            Some("2030-01-01T02:00:00.000Z")
        );
        let mut beyond = body(&["read:volumes"], Some("2030-01-01T02:00:00.001Z"));
        let err = c.bound_new_key(&mut beyond, NOW).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Forbidden);
        assert!(
            err.message.contains(MAX_TTL_VAR) && err.message.contains("2h"),
            "{}",
            err.message
        );
    }

    #[test]
    fn key_admin_unbounded_lifts_the_bounds_and_other_values_are_config_errors() {
        let c = ceiling(&[(KEY_ADMIN_VAR, "unbounded")]).unwrap();
        let mut wide = body(&["write:runners"], None);
        c.bound_new_key(&mut wide, NOW).unwrap();
        assert_eq!(wide.expires_at, None, "left as asked: never expires");
        assert_eq!(
            ceiling(&[(KEY_ADMIN_VAR, "bounded")]).unwrap().key_admin,
            KeyAdmin::Bounded
        );
        assert_eq!(ceiling(&[]).unwrap().key_admin, KeyAdmin::Bounded);
        for bad in ["Unbounded", "yes", "true", "none"] {
            let err = ceiling(&[(KEY_ADMIN_VAR, bad)]).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Config, "{bad}");
            assert!(err.message.contains(KEY_ADMIN_VAR), "{}", err.message);
        }
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
