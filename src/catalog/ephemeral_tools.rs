//! The ephemeral key tools: keys minted from a scope that always expire,
//! revoked early or swept once expired, each one's arguments, description
//! and how a call runs.

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, ToolSpec, Ty, schemas};
use crate::error::Error;
use crate::http::Transport;
use crate::keys::ceiling::MintCeiling;
use crate::keys::sweep::{self, SweepReport};
use crate::keys::{self, EphemeralKey, MintedKey, Revoked, ttl};
use serde::Serialize;
use serde_json::{Value, json};

const STRING: Ty = Ty::String { min_len: 1 };

arguments! {
    /// `mint_ephemeral_key`.
    pub struct MintEphemeralKey {
        scope: Option<String> = "scope", STRING =>
            "daytona:workspaces:read, daytona:workspaces (default), daytona, or daytona:org:<organization id>.";
        ttl: Option<u64> = "ttl", Ty::Duration { min_secs: ttl::MIN_SECS, max_secs: ttl::MAX_SECS } =>
            "How long the key lives: whole seconds (e.g. 3600) or a duration like 90s, 10m, 1h, 1h30m; from 1 minute to 24 hours; default 10 minutes.";
        holder: Option<String> = "holder", STRING =>
            "Who the key is for, e.g. ci-agent; written into the key's name as lower-case letters, digits and '-', at most 24 characters (default agent).";
    }
}

impl Contract for MintEphemeralKey {
    const ABOUT: About = About {
        name: "mint_ephemeral_key",
        title: "Mint a short-lived API key",
        description: "Create a short-lived Daytona API key for an agent or job, with exactly the permissions of a scope: \
daytona:workspaces:read (list and read sandboxes only: read:volumes, since Daytona requires one permission and reading sandboxes needs none), \
daytona:workspaces (the default: create, start, stop and delete sandboxes; write:sandboxes, delete:sandboxes), \
daytona (sandboxes, snapshots and volumes: write:sandboxes, delete:sandboxes, write:snapshots, delete:snapshots, read:volumes, write:volumes, delete:volumes), \
daytona:org:<id> (the daytona:workspaces permissions in organization <id>). \
Daytona refuses the key once `ttl` has passed (1 minute to 24 hours, default 10 minutes). \
The answer is the only time the value is shown: give it to the holder as DAYTONA_API_KEY and do not repeat it. \
Creates a new key on every call. Revoke it early with revoke_ephemeral_key; revoke_expired_keys cleans up expired ones.",
        hints: Hints::CREATE,
        output: Some(schemas::minted_key),
    };
    type Output = MintedKey;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<MintedKey, Error> {
        keys::mint(
            client,
            &client.policy.ceiling,
            self.scope.as_deref(),
            self.ttl,
            self.holder.as_deref(),
        )
    }
}

/// `mint_ephemeral_key` narrowed to the host's ceiling: the scopes and the
/// longest `ttl` that will be accepted. A malformed ceiling leaves the tool
/// out (its calls say why).
pub(super) fn within_ceiling(
    spec: &ToolSpec,
    ceiling: &Result<MintCeiling, Error>,
) -> Option<(String, Value)> {
    let ceiling = ceiling.as_ref().ok()?;
    let mut schema = spec.input_schema();
    let scopes = ceiling.scope_names();
    let exact: Vec<&String> = scopes.iter().filter(|s| !s.ends_with(":*")).collect();
    let props = &mut schema["properties"];
    let mut scope = json!({ "type": "string", "enum": exact });
    if scopes.iter().any(|s| s == "daytona:org:*") {
        scope = json!({ "type": "string", "anyOf": [
            { "enum": exact },
            { "pattern": "^daytona:org:[A-Za-z0-9._-]{1,128}$" },
        ] });
    }
    scope["description"] = props["scope"]["description"].clone();
    props["scope"] = scope;
    let max = ceiling.max_ttl_secs;
    props["ttl"]["anyOf"][0]["maximum"] = json!(max);
    let description = format!(
        "{} On this host (set by its operator, not negotiable): scopes {}; ttl at most {} (default {}). \
A request beyond these is refused with forbidden and creates nothing.",
        spec.description,
        scopes.join(", "),
        ttl::describe(max),
        ttl::describe(ceiling.default_ttl_secs()),
    );
    Some((description, schema))
}

/// What `revoke_ephemeral_key` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RevokedKey {
    /// The key's name.
    pub revoked: String,
    /// Whether it was gone already (revoked before, or expired and swept).
    pub already_revoked: bool,
}

arguments! {
    /// `revoke_ephemeral_key`.
    pub struct RevokeEphemeralKey {
        name: String = "name", STRING => "The ephemeral key's name, eph-<holder>-<expiry>-<random>.";
    }
}

impl Contract for RevokeEphemeralKey {
    const ABOUT: About = About {
        name: "revoke_ephemeral_key",
        title: "Revoke an ephemeral key",
        description: "Revoke one ephemeral key at once, by the name mint_ephemeral_key or list_ephemeral_keys gave. \
Destructive for that key; idempotent: a key already revoked (or expired and swept) counts as success. \
Refuses names that are not ephemeral keys minted here; use delete_api_key for any other key.",
        hints: Hints::DELETE,
        output: Some(schemas::revoked),
    };
    type Output = RevokedKey;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<RevokedKey, Error> {
        let outcome = keys::revoke(client, &self.name)?;
        Ok(RevokedKey {
            revoked: self.name,
            already_revoked: outcome == Revoked::AlreadyGone,
        })
    }
}

arguments! {
    /// `list_ephemeral_keys`.
    pub struct ListEphemeralKeys {}
}

impl Contract for ListEphemeralKeys {
    const ABOUT: About = About {
        name: "list_ephemeral_keys",
        title: "List ephemeral keys",
        description: "List the ephemeral keys minted here (names eph-<holder>-<expiry>-<random>): holder, permissions, expiry and whether it has passed. \
Read-only; never shows key values, and leaves out every other API key (list_api_keys shows those). Returns {\"ephemeralKeys\": [...]}.",
        hints: Hints::READ,
        output: Some(schemas::ephemeral_key_list),
    };
    type Output = Vec<EphemeralKey>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Vec<EphemeralKey>, Error> {
        keys::list(client)
    }
    fn output_json(keys: Vec<EphemeralKey>) -> Result<Value, Error> {
        Ok(super::object([("ephemeralKeys", super::to_value(keys)?)]))
    }
}

arguments! {
    /// `revoke_expired_keys`.
    pub struct RevokeExpiredKeys {}
}

impl Contract for RevokeExpiredKeys {
    const ABOUT: About = About {
        name: "revoke_expired_keys",
        title: "Revoke expired ephemeral keys",
        description: "Delete every ephemeral key minted here whose expiry passed more than 30 seconds ago, and report {\"revoked\": [names], \"failed\": [{name, error}]}. \
Never touches other API keys or unexpired ephemeral keys. Safe to run at any time, from any number of places at once; \
a key that could not be revoked is simply found again on the next run. Expired keys already stop working; this removes them from the account.",
        hints: Hints::DELETE,
        output: Some(schemas::sweep_report),
    };
    type Output = SweepReport;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<SweepReport, Error> {
        sweep::sweep(client)
    }
}
