//! The key tools: Daytona's API-key operations and ephemeral key vending,
//! their descriptions and fields, and how a call runs.

use super::{Args, Field, Hints, ToolSpec, Ty};
use crate::api::api_keys::{self, PERMISSIONS};
use crate::error::Error;
use crate::http::{Client, Transport};
use crate::keys::{self, Revoked, sweep, ttl};
use serde_json::{Value, json};

const KEY_NAME: Field = Field {
    name: "name",
    ty: Ty::String { min_len: 1 },
    required: true,
    description: "The API key's name (see list_api_keys).",
};

/// The key tools.
pub const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "create_api_key",
        title: "Create an API key",
        description: "Create a Daytona API key with the given permissions and an optional expiry. \
Adds a credential to the organization. The answer is the only time the key's full value is shown: pass it on to whoever needs it and do not repeat it. \
Give at least one permission from Daytona's list; listing and reading sandboxes needs none, so a key only for that can carry just read:volumes. \
Needs DAYTONA_JWT_TOKEN and DAYTONA_ORGANIZATION_ID. \
For a short-lived key for an agent or job, use mint_ephemeral_key instead: it derives the permissions from a scope and always expires.",
        fields: &[
            Field {
                name: "name",
                ty: Ty::String { min_len: 1 },
                required: true,
                description: "A name for the key, unique among your keys (no '/'; names like eph-... are reserved for ephemeral keys).",
            },
            Field {
                name: "permissions",
                ty: Ty::StringList {
                    values: Some(PERMISSIONS),
                },
                required: true,
                description: "What the key may do, at least one, e.g. [\"write:sandboxes\", \"delete:sandboxes\"]; reading sandboxes needs none, so [\"read:volumes\"] gives a key that changes nothing.",
            },
            Field {
                name: "expiresAt",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "When the key stops working, RFC 3339 (e.g. 2030-01-01T00:00:00Z), in the future. Leave it out for a key that never expires.",
            },
        ],
        hints: Hints::CREATE,
        output: Some(super::schemas::api_key),
    },
    ToolSpec {
        name: "list_api_keys",
        title: "List API keys",
        description: "List your API keys in the organization: name, permissions, masked value, creation, expiry, last use and owning user (userId). \
Read-only; never shows a full key value. Returns {\"apiKeys\": [...]}. \
Use get_api_key for one key by name, and list_ephemeral_keys for only the short-lived keys from mint_ephemeral_key.",
        fields: &[],
        hints: Hints::READ,
        output: Some(super::schemas::api_key_list),
    },
    ToolSpec {
        name: "get_current_api_key",
        title: "Describe the configured API key",
        description: "Describe the API key this component is configured with (DAYTONA_API_KEY): name, permissions, expiry and last use, value masked. \
Read-only. Use it to check what the configured key may do; it is the one key operation that authenticates with the API key instead of the JWT.",
        fields: &[],
        hints: Hints::READ,
        output: Some(super::schemas::api_key),
    },
    ToolSpec {
        name: "get_api_key",
        title: "Get an API key",
        description: "Get one API key by name: permissions, masked value, creation, expiry and last use. \
Read-only. Use list_api_keys to find names, and get_current_api_key for the key this component itself uses.",
        fields: &[KEY_NAME],
        hints: Hints::READ,
        output: Some(super::schemas::api_key),
    },
    ToolSpec {
        name: "delete_api_key",
        title: "Delete an API key",
        description: "Delete (revoke) one of your API keys by name: everything using it is refused from then on, and it cannot be recovered. \
Destructive. A key that does not exist is not-found. \
For an ephemeral key prefer revoke_ephemeral_key (an already revoked key counts as success there); for another user's key use delete_api_key_for_user.",
        fields: &[KEY_NAME],
        hints: Hints::DELETE,
        output: Some(super::schemas::deleted),
    },
    ToolSpec {
        name: "delete_api_key_for_user",
        title: "Delete another user's API key",
        description: "Delete (revoke) another user's API key by user ID and key name; for organization admins. \
Destructive and cannot be undone. Use list_api_keys to find userId and names; use delete_api_key for your own keys.",
        fields: &[
            Field {
                name: "userId",
                ty: Ty::String { min_len: 1 },
                required: true,
                description: "The ID of the user who owns the key (the userId in list_api_keys).",
            },
            KEY_NAME,
        ],
        hints: Hints::DELETE,
        output: Some(super::schemas::deleted_for_user),
    },
    ToolSpec {
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
        fields: &[
            Field {
                name: "scope",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "daytona:workspaces:read, daytona:workspaces (default), daytona, or daytona:org:<organization id>.",
            },
            Field {
                name: "ttl",
                ty: Ty::Duration {
                    min_secs: ttl::MIN_SECS,
                    max_secs: ttl::MAX_SECS,
                },
                required: false,
                description: "How long the key lives: whole seconds (e.g. 3600) or a duration like 90s, 10m, 1h, 1h30m; from 1 minute to 24 hours; default 10 minutes.",
            },
            Field {
                name: "holder",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "Who the key is for, e.g. ci-agent; written into the key's name as lower-case letters, digits and '-', at most 24 characters (default agent).",
            },
        ],
        hints: Hints::CREATE,
        output: Some(super::schemas::minted_key),
    },
    ToolSpec {
        name: "revoke_ephemeral_key",
        title: "Revoke an ephemeral key",
        description: "Revoke one ephemeral key at once, by the name mint_ephemeral_key or list_ephemeral_keys gave. \
Destructive for that key; idempotent: a key already revoked (or expired and swept) counts as success. \
Refuses names that are not ephemeral keys minted here; use delete_api_key for any other key.",
        fields: &[Field {
            name: "name",
            ty: Ty::String { min_len: 1 },
            required: true,
            description: "The ephemeral key's name, eph-<holder>-<expiry>-<random>.",
        }],
        hints: Hints::DELETE,
        output: Some(super::schemas::revoked),
    },
    ToolSpec {
        name: "list_ephemeral_keys",
        title: "List ephemeral keys",
        description: "List the ephemeral keys minted here (names eph-<holder>-<expiry>-<random>): holder, permissions, expiry and whether it has passed. \
Read-only; never shows key values, and leaves out every other API key (list_api_keys shows those). Returns {\"ephemeralKeys\": [...]}.",
        fields: &[],
        hints: Hints::READ,
        output: Some(super::schemas::ephemeral_key_list),
    },
    ToolSpec {
        name: "revoke_expired_keys",
        title: "Revoke expired ephemeral keys",
        description: "Delete every ephemeral key minted here whose expiry passed more than 30 seconds ago, and report {\"revoked\": [names], \"failed\": [{name, error}]}. \
Never touches other API keys or unexpired ephemeral keys. Safe to run at any time, from any number of places at once; \
a key that could not be revoked is simply found again on the next run. Expired keys already stop working; this removes them from the account.",
        fields: &[],
        hints: Hints::DELETE,
        output: Some(super::schemas::sweep_report),
    },
];

/// Run a key tool, or `None` if `name` is not one.
pub fn call<T: Transport>(
    client: &Client<T>,
    name: &str,
    args: &Args,
) -> Option<Result<Value, Error>> {
    let text = |field: &str| args.str(field).unwrap_or_default();
    Some(match name {
        "create_api_key" => api_keys::create(client, text("name"), &args.strings("permissions"), args.str("expiresAt"))
            .and_then(super::to_value),
        "list_api_keys" => api_keys::list(client).map(|keys| json!({ "apiKeys": keys })),
        "get_current_api_key" => api_keys::current(client).and_then(super::to_value),
        "get_api_key" => api_keys::get(client, text("name")).and_then(super::to_value),
        "delete_api_key" => api_keys::delete(client, text("name")).map(|()| json!({ "deleted": text("name") })),
        "delete_api_key_for_user" => api_keys::delete_for_user(client, text("userId"), text("name"))
            .map(|()| json!({ "deleted": text("name"), "userId": text("userId") })),
        "mint_ephemeral_key" => ttl_arg(args)
            .and_then(|ttl| keys::mint(client, args.str("scope"), ttl, args.str("holder")))
            .and_then(super::to_value),
        "revoke_ephemeral_key" => keys::revoke(client, text("name")).map(|outcome| {
            json!({ "revoked": text("name"), "alreadyRevoked": outcome == Revoked::AlreadyGone })
        }),
        "list_ephemeral_keys" => keys::list(client).map(|keys| json!({ "ephemeralKeys": keys })),
        "revoke_expired_keys" => sweep::sweep(client).and_then(super::to_value),
        _ => return None,
    })
}

/// `ttl` as seconds: an integer, or a duration string (already checked by [`Args`]).
fn ttl_arg(args: &Args) -> Result<Option<u64>, Error> {
    if let Some(secs) = args.int("ttl") {
        return Ok(Some(u64::try_from(secs).unwrap_or(0)));
    }
    match args.str("ttl") {
        Some(text) => ttl::from_json("ttl", &Value::String(text.to_string())).map(Some),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{find, tools};
    use crate::error::ErrorKind;
    use crate::http::testing::{Scripted, config};

    fn parse(tool: &str, json: &str) -> Result<Args, Error> {
        Args::parse(find(tool).unwrap(), json)
    }

    #[test]
    fn every_key_tool_is_in_the_catalog_and_wired_up() {
        let cfg = config();
        for spec in TOOLS {
            assert!(tools().iter().any(|t| t.name == spec.name), "{}", spec.name);
            // An empty object either fails argument checks or reaches call(); never "not wired up".
            if let Ok(args) = parse(spec.name, "{}") {
                let t = Scripted::default();
                t.answer(200, &[], "[]");
                let _ = call(&Client::new(&cfg, &t), spec.name, &args).expect(spec.name);
            }
        }
    }

    #[test]
    fn only_reading_tools_are_read_only_and_deleting_tools_destructive() {
        for spec in TOOLS {
            let reads = spec.name.starts_with("list_") || spec.name.starts_with("get_");
            assert_eq!(spec.hints.read_only, reads, "{}", spec.name);
            let deletes = spec.name.starts_with("delete_") || spec.name.starts_with("revoke_");
            assert_eq!(spec.hints.destructive, deletes, "{}", spec.name);
            assert!(spec.hints.open_world);
        }
        assert!(!find("mint_ephemeral_key").unwrap().hints.idempotent);
        assert!(find("revoke_ephemeral_key").unwrap().hints.idempotent);
    }

    #[test]
    fn ttl_takes_seconds_or_a_duration_and_says_the_bounds() {
        assert_eq!(
            ttl_arg(&parse("mint_ephemeral_key", r#"{"ttl": 120}"#).unwrap()).unwrap(),
            Some(120)
        );
        assert_eq!(
            ttl_arg(&parse("mint_ephemeral_key", r#"{"ttl": "1h30m"}"#).unwrap()).unwrap(),
            Some(5400)
        );
        assert_eq!(
            ttl_arg(&parse("mint_ephemeral_key", "{}").unwrap()).unwrap(),
            None
        );
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
        let schema = find("mint_ephemeral_key").unwrap().input_schema();
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
    fn list_results_are_wrapped_and_mask_values() {
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"[{"name":"k","value":"dtn_0123456789abcdef0123","permissions":[],"createdAt":"x"}]"#,
        );
        let out = call(
            &Client::new(&cfg, &t),
            "list_api_keys",
            &parse("list_api_keys", "{}").unwrap(),
        )
        .unwrap()
        .unwrap();
        assert_eq!(out["apiKeys"][0]["name"], "k");
        assert!(!out.to_string().contains("0123456789"));
    }
}
