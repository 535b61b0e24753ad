//! The API key tools: Daytona's API-key operations, each one's arguments,
//! description and how a call runs (ephemeral keys: `ephemeral_tools`).

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, ToolSpec, Ty, schemas};
use crate::api::api_keys::{self, PERMISSIONS};
use crate::error::Error;
use crate::http::Transport;
use crate::keys::ceiling::{KeyAdmin, MintCeiling};
use crate::keys::{self, ttl};
use crate::models::ApiKey;
use serde::Serialize;
use serde_json::{Value, json};

const STRING: Ty = Ty::String { min_len: 1 };

const KEY_NAME: &str = "The API key's name (see list_api_keys).";

arguments! {
    /// `create_api_key`.
    pub struct CreateApiKey {
        name: String = "name", STRING =>
            "A name for the key, unique among your keys (no '/'; names like eph-... are reserved for ephemeral keys).";
        permissions: Vec<String> = "permissions" required, Ty::StringList { values: Some(PERMISSIONS) } =>
            "What the key may do, at least one and only those this host allows, e.g. [\"write:sandboxes\", \"delete:sandboxes\"]; reading sandboxes needs none, so [\"read:volumes\"] gives a key that changes nothing.";
        expires_at: Option<String> = "expiresAt", STRING =>
            "When the key stops working, RFC 3339 (e.g. 2030-01-01T00:00:00Z), in the future and within the host's longest lifetime. Left out, the key gets that longest lifetime (a key that never expires only where the host set DAYTONA_KEY_ADMIN=unbounded).";
    }
}

impl Contract for CreateApiKey {
    const ABOUT: About = About {
        name: "create_api_key",
        title: "Create an API key",
        description: "Create a Daytona API key with the given permissions and an expiry. \
Adds a credential to the organization. The answer is the only time the key's full value is shown: pass it on to whoever needs it and do not repeat it; its expiresAt is the expiry Daytona set. \
The host's operator bounds new keys as it bounds mint_ephemeral_key: only the permissions of the scopes DAYTONA_MINT_SCOPES allows, at most DAYTONA_MINT_MAX_TTL of life, and that lifetime when expiresAt is left out \
(DAYTONA_KEY_ADMIN=unbounded lifts this). A request beyond the bounds is refused with forbidden and creates nothing. \
Give at least one permission from Daytona's list; listing and reading sandboxes needs none, so a key only for that can carry just read:volumes. \
Needs DAYTONA_JWT_TOKEN and DAYTONA_ORGANIZATION_ID. \
For a short-lived key for an agent or job, use mint_ephemeral_key instead: it derives the permissions from a scope and always expires.",
        hints: Hints::CREATE,
        output: Some(schemas::api_key),
    };
    type Output = ApiKey;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<ApiKey, Error> {
        keys::admin::create(
            client,
            &client.policy.ceiling,
            &self.name,
            &self.permissions,
            self.expires_at.as_deref(),
        )
    }
}

/// `create_api_key` narrowed to the host's ceiling: the permissions and the
/// longest lifetime that will be accepted. A malformed ceiling leaves the
/// tool out (its calls say why); `DAYTONA_KEY_ADMIN=unbounded` says so.
pub(super) fn create_within_ceiling(
    spec: &ToolSpec,
    ceiling: &Result<MintCeiling, Error>,
) -> Option<(String, Value)> {
    let ceiling = ceiling.as_ref().ok()?;
    let mut schema = spec.input_schema();
    if ceiling.key_admin == KeyAdmin::Unbounded {
        let description = format!(
            "{} On this host DAYTONA_KEY_ADMIN=unbounded: any permission the user may grant, any expiry, or none (a key that never expires).",
            spec.description
        );
        return Some((description, schema));
    }
    let allowed = ceiling.key_permissions();
    schema["properties"]["permissions"]["items"]["enum"] = json!(allowed);
    let max = ttl::describe(ceiling.max_ttl_secs);
    let description = format!(
        "{} On this host (set by its operator, not negotiable): permissions among {}; expiresAt at most {max} from now, and {max} from now when left out. \
A request beyond these is refused with forbidden and creates nothing.",
        spec.description,
        allowed.join(", "),
    );
    Some((description, schema))
}

arguments! {
    /// `list_api_keys`.
    pub struct ListApiKeys {}
}

impl Contract for ListApiKeys {
    const ABOUT: About = About {
        name: "list_api_keys",
        title: "List API keys",
        description: "List your API keys in the organization: name, permissions, masked value, creation, expiry, last use and owning user (userId). \
Read-only; never shows a full key value. Returns {\"apiKeys\": [...]}. \
Use get_api_key for one key by name, and list_ephemeral_keys for only the short-lived keys from mint_ephemeral_key.",
        hints: Hints::READ,
        output: Some(schemas::api_key_list),
    };
    type Output = Vec<ApiKey>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Vec<ApiKey>, Error> {
        api_keys::list(client)
    }
    fn output_json(keys: Vec<ApiKey>) -> Result<Value, Error> {
        Ok(super::object([("apiKeys", super::to_value(keys)?)]))
    }
}

arguments! {
    /// `get_current_api_key`.
    pub struct GetCurrentApiKey {}
}

impl Contract for GetCurrentApiKey {
    const ABOUT: About = About {
        name: "get_current_api_key",
        title: "Describe the configured API key",
        description: "Describe the API key this component is configured with (DAYTONA_API_KEY): name, permissions, expiry and last use, value masked. \
Read-only. Use it to check what the configured key may do; it is the one key operation that authenticates with the API key instead of the JWT.",
        hints: Hints::READ,
        output: Some(schemas::api_key),
    };
    type Output = ApiKey;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<ApiKey, Error> {
        api_keys::current(client)
    }
}

arguments! {
    /// `get_api_key`.
    pub struct GetApiKey {
        name: String = "name", STRING => KEY_NAME;
    }
}

impl Contract for GetApiKey {
    const ABOUT: About = About {
        name: "get_api_key",
        title: "Get an API key",
        description: "Get one API key by name: permissions, masked value, creation, expiry and last use. \
Read-only. Use list_api_keys to find names, and get_current_api_key for the key this component itself uses.",
        hints: Hints::READ,
        output: Some(schemas::api_key),
    };
    type Output = ApiKey;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<ApiKey, Error> {
        api_keys::get(client, &self.name)
    }
}

/// What `delete_api_key` and `delete_api_key_for_user` report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// The key's name.
    pub deleted: String,
    /// The owner, for `delete_api_key_for_user`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

arguments! {
    /// `delete_api_key`.
    pub struct DeleteApiKey {
        name: String = "name", STRING => KEY_NAME;
    }
}

impl Contract for DeleteApiKey {
    const ABOUT: About = About {
        name: "delete_api_key",
        title: "Delete an API key",
        description: "Delete (revoke) one of your API keys by name: everything using it is refused from then on, and it cannot be recovered. \
Destructive. A key that does not exist is not-found. The key this component runs on (DAYTONA_API_KEY) is refused with forbidden and never deleted. \
For an ephemeral key prefer revoke_ephemeral_key (an already revoked key counts as success there); for another user's key use delete_api_key_for_user.",
        hints: Hints::DELETE,
        output: Some(schemas::deleted),
    };
    type Output = Deleted;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Deleted, Error> {
        keys::admin::delete(client, &self.name)?;
        Ok(Deleted {
            deleted: self.name,
            user_id: None,
        })
    }
}

arguments! {
    /// `delete_api_key_for_user`.
    pub struct DeleteApiKeyForUser {
        user_id: String = "userId", STRING =>
            "The ID of the user who owns the key (the userId in list_api_keys).";
        name: String = "name", STRING => KEY_NAME;
    }
}

impl Contract for DeleteApiKeyForUser {
    const ABOUT: About = About {
        name: "delete_api_key_for_user",
        title: "Delete another user's API key",
        description: "Delete (revoke) another user's API key by user ID and key name; for organization admins. \
Destructive and cannot be undone. The key this component runs on (DAYTONA_API_KEY) is refused with forbidden and never deleted. \
Use list_api_keys to find userId and names; use delete_api_key for your own keys.",
        hints: Hints::DELETE,
        output: Some(schemas::deleted_for_user),
    };
    type Output = Deleted;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Deleted, Error> {
        keys::admin::delete_for_user(client, &self.user_id, &self.name)?;
        Ok(Deleted {
            deleted: self.name,
            user_id: Some(self.user_id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::contract::Arguments;
    use crate::catalog::ephemeral_tools::MintEphemeralKey;
    use crate::catalog::{Args, Policy, Tool, call};
    use crate::error::ErrorKind;
    use crate::http::testing::{Scripted, config};

    fn parse(tool: &str, json: &str) -> Result<Args, Error> {
        Args::parse(Tool::from_name(tool).unwrap().spec(), json)
    }

    fn key_tools() -> impl Iterator<Item = Tool> {
        Tool::ALL.iter().copied().filter(|t| t.area() == "keys")
    }

    #[test]
    fn every_key_tool_runs() {
        let cfg = config();
        for tool in key_tools() {
            // An empty object either fails argument checks or reaches the API.
            let t = Scripted::default();
            t.answer(200, &[], "[]");
            match tool.call(&Context::new(&cfg, &t, &Policy::default()), "{}") {
                Ok(_) => {}
                Err(e) if e.kind == ErrorKind::InvalidInput => {
                    assert!(parse(tool.name(), "{}").is_err() || t.sent.borrow().is_empty())
                }
                Err(_) => assert!(!t.sent.borrow().is_empty(), "{}", tool.name()),
            }
        }
    }

    #[test]
    fn only_reading_tools_are_read_only_and_deleting_tools_destructive() {
        for tool in key_tools() {
            let spec = tool.spec();
            let reads = spec.name.starts_with("list_") || spec.name.starts_with("get_");
            assert_eq!(spec.hints.read_only, reads, "{}", spec.name);
            let deletes = spec.name.starts_with("delete_") || spec.name.starts_with("revoke_");
            assert_eq!(spec.hints.destructive, deletes, "{}", spec.name);
            assert!(spec.hints.open_world);
        }
        assert!(!Tool::MintEphemeralKey.spec().hints.idempotent);
        assert!(Tool::RevokeEphemeralKey.spec().hints.idempotent);
    }

    #[test]
    fn ttl_takes_seconds_or_a_duration_and_says_the_bounds() {
        let ttl =
            |json| MintEphemeralKey::from_args(&parse("mint_ephemeral_key", json).unwrap()).ttl;
        assert_eq!(ttl(r#"{"ttl": 120}"#), Some(120));
        assert_eq!(ttl(r#"{"ttl": "1h30m"}"#), Some(5400));
        assert_eq!(ttl("{}"), None);
        for bad in [
            r#"{"ttl": 59}"#,
            r#"{"ttl": "25h"}"#,
            r#"{"ttl": "soon"}"#,
            r#"{"ttl": -5}"#,
            r#"{"ttl": true}"#,
        ] {
            let err = parse("mint_ephemeral_key", bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::InvalidInput, "{bad}");
        }
        let err = parse("mint_ephemeral_key", r#"{"ttl": "30s"}"#).unwrap_err();
        assert!(
            err.message.contains("60 s") && err.message.contains("86400 s"),
            "{}",
            err.message
        );
    }

    #[test]
    fn ttl_schema_offers_integer_or_duration_string() {
        let schema = Tool::MintEphemeralKey.spec().input_schema();
        let ttl = &schema["properties"]["ttl"];
        assert_eq!(ttl["anyOf"][0]["minimum"], 60);
        assert_eq!(ttl["anyOf"][0]["maximum"], 86_400);
        assert_eq!(ttl["anyOf"][1]["type"], "string");
        assert!(ttl["description"].as_str().unwrap().contains("1h30m"));
    }

    #[test]
    fn unknown_permissions_are_refused_by_the_schema() {
        let err = parse("create_api_key", r#"{"name":"k","permissions":["admin"]}"#).unwrap_err();
        assert!(err.message.contains("write:sandboxes"), "{}", err.message);
        assert!(parse("create_api_key", r#"{"name":"k"}"#).is_err());
        assert!(
            parse(
                "create_api_key",
                r#"{"name":"k","permissions":["read:volumes"]}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn ephemeral_names_are_refused_for_create_api_key_before_sending() {
        let cfg = config();
        let t = Scripted::default();
        let err = call(
            &Context::new(&cfg, &t, &Policy::default()),
            "create_api_key",
            r#"{"name":"eph-agent-1893456000-000000000abc","permissions":["read:volumes"]}"#,
        )
        .unwrap_err();
        assert!(err.message.contains("reserved"), "{}", err.message);
        assert!(t.sent.borrow().is_empty());
    }

    #[test]
    fn list_results_are_wrapped_and_mask_values() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"[{"name":"k","value":"dtn_0123456789abcdef0123","permissions":[],"createdAt":"x"}]"#,
        );
        let out = call(
            &Context::new(&cfg, &t, &Policy::default()),
            "list_api_keys",
            "{}",
        )
        .unwrap();
        assert_eq!(out["apiKeys"][0]["name"], "k");
        assert!(!out.to_string().contains("0123456789"));
    }
}
