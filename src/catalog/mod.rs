//! The agent-facing tool catalog. Each tool is one [`Contract`]: its
//! arguments type (from which the input schema, the parser and the typed WIT
//! conversions follow), its result schema and how it runs. [`Tool`] names
//! them; the selection, `call-tool`, the MCP server and the typed exports all
//! go through it.

pub mod args;
pub mod contract;
pub mod ephemeral_tools;
pub mod file_tools;
pub mod git_tools;
pub mod key_tools;
pub mod policy;
pub mod preview_tools;
#[cfg(test)]
mod props;
#[cfg(test)]
mod reference;
pub mod sandbox_tools;
pub mod schemas;
pub mod selection;
pub mod session_tools;
pub mod types;
#[cfg(test)]
mod wit_contract;
pub mod wit_names;

pub use args::Args;
pub use contract::{Contract, invoke};
pub use policy::{Context, Policy};
pub use types::{About, Field, Hints, ToolSpec, Ty};

use crate::error::{Error, ErrorKind};
use crate::http::Transport;
use crate::keys::ceiling::MintCeiling;
#[cfg(test)]
use contract::Arguments;
use contract::{Identity, call_json};
use serde_json::{Map, Value, json};

/// What an environment variable name must match (checked in
/// [`crate::api::lifecycle::check_env_names`]).
pub const ENV_NAME_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

/// The table of tools: each names its contract type (in the area's module),
/// which is also its [`Tool`] variant; the area is its `DAYTONA_TOOLS` preset.
macro_rules! catalog {
    ($($area:literal in $module:ident: [$($tool:ident),* $(,)?];)*) => {
        /// A tool of the catalog, in catalog order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Tool {
            $($(
                #[doc = concat!("[`", stringify!($module), "::", stringify!($tool), "`].")]
                $tool,
            )*)*
        }

        $($(
            impl Identity for $module::$tool {
                const TOOL: Tool = Tool::$tool;
            }
        )*)*

        impl Tool {
            /// Every tool, in catalog order.
            pub const ALL: &'static [Tool] = &[$($(Tool::$tool,)*)*];

            /// What a model is shown of it.
            pub fn spec(self) -> &'static ToolSpec {
                match self {
                    $($(Tool::$tool => &<$module::$tool as Contract>::SPEC,)*)*
                }
            }

            /// Its `DAYTONA_TOOLS` preset: `sandboxes`, `files`, `git`, `sessions` or `keys`.
            pub fn area(self) -> &'static str {
                match self {
                    $($(Tool::$tool => $area,)*)*
                }
            }

            /// Run it with JSON arguments; the result is a JSON object.
            pub fn call<T: Transport>(self, client: &Context<T>, arguments: &str) -> Result<Value, Error> {
                let args = contract::admit(&client.policy.tools, self, arguments)?;
                // A table of functions rather than a call per tool.
                let call: fn(&Context<T>, &Args) -> Result<Value, Error> = match self {
                    $($(Tool::$tool => call_json::<$module::$tool, T>,)*)*
                };
                call(client, &args)
            }
        }
    };
}

catalog! {
    "sandboxes" in sandbox_tools: [
        ListSandboxes, GetSandbox, CreateSandbox, DeleteSandbox, StartSandbox, StopSandbox,
        ArchiveSandbox, SetSandboxLabels, ExecuteCommand, ListSnapshots,
    ];
    "files" in file_tools: [
        ListFiles, ReadFile, WriteFile, DownloadFile, DeleteFile, MoveFile, CreateFolder,
        GetFileInfo, FindInFiles, SearchFiles, ReplaceInFiles,
    ];
    "git" in git_tools: [
        GitClone, GitStatus, GitAdd, GitCommit, GitPush, GitPull, GitBranches, GitCreateBranch,
        GitCheckout, GitLog,
    ];
    "sessions" in session_tools: [
        CreateSession, RunSessionCommand, GetSessionCommandLogs, DeleteSession, ListSessions,
        RunCode,
    ];
    "sessions" in preview_tools: [GetPreviewUrl, ExpirePreviewUrl];
    "keys" in key_tools: [
        CreateApiKey, ListApiKeys, GetCurrentApiKey, GetApiKey, DeleteApiKey, DeleteApiKeyForUser,
    ];
    "keys" in ephemeral_tools: [
        MintEphemeralKey, RevokeEphemeralKey, ListEphemeralKeys, RevokeExpiredKeys,
    ];
}

impl Tool {
    /// Its snake_case name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// Its description and input schema under the host's minting ceiling:
    /// as they are, but for the two tools the ceiling bounds, which say and
    /// accept only what it allows, or are not offered (`None`) when it is
    /// malformed (their calls say why).
    pub fn advertised(self, ceiling: &Result<MintCeiling, Error>) -> Option<(String, Value)> {
        let spec = self.spec();
        match self {
            Tool::CreateApiKey => key_tools::create_within_ceiling(spec, ceiling),
            Tool::MintEphemeralKey => ephemeral_tools::within_ceiling(spec, ceiling),
            _ => Some((spec.description.to_string(), spec.input_schema())),
        }
    }

    /// The tool called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Tool> {
        Tool::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The tool called `name`, or an error saying there is none.
    pub fn named(name: &str) -> Result<Tool, Error> {
        Tool::from_name(name).ok_or_else(|| {
            Error::invalid_input(format!(
                "there is no tool named '{}'",
                crate::error::scrub(name, &[])
            ))
            .with_hint("call list-tools to see the available tools")
        })
    }
}

/// Every tool's spec, in catalog order.
pub fn tools() -> impl Iterator<Item = &'static ToolSpec> {
    Tool::ALL.iter().map(|t| t.spec())
}

/// Call tool `name` with JSON `arguments`; the result is a JSON object.
pub fn call<T: Transport>(
    client: &Context<T>,
    name: &str,
    arguments: &str,
) -> Result<Value, Error> {
    Tool::named(name)?.call(client, arguments)
}

/// Encode a result as JSON.
pub(crate) fn to_value<S: serde::Serialize>(value: S) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(encode_error)
}

/// A result that is a few named values, as a JSON object: one function for
/// all such results rather than a `json!` expansion in each.
#[inline(never)]
pub(crate) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    let mut map = Map::new();
    for (key, value) in entries {
        map.insert(key.to_string(), value);
    }
    Value::Object(map)
}

/// [`to_value`]'s error, compiled once rather than once per result type.
fn encode_error(e: serde_json::Error) -> Error {
    Error::new(
        ErrorKind::Upstream,
        format!("could not encode the result: {e}"),
    )
}

impl ToolSpec {
    /// The JSON Schema (draft 2020-12) of this tool's result, where it has a fixed shape.
    pub fn output_schema(&self) -> Option<Value> {
        self.output.map(|schema| {
            let mut schema = schema();
            schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
            schema
        })
    }

    /// The JSON Schema (draft 2020-12) of this tool's arguments.
    pub fn input_schema(&self) -> Value {
        let mut properties = Map::new();
        for field in self.fields {
            let mut schema = field.ty.schema();
            schema["description"] = Value::String(field.description.to_string());
            properties.insert(field.name.to_string(), schema);
        }
        let required: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name)
            .collect();
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }
}

impl Ty {
    /// This type's JSON Schema, without a description: fixed text (data in
    /// the component, not code), then the bounds and values of this field.
    pub fn schema(&self) -> Value {
        // `from_slice`: the one parser instance (see `Args::parse`).
        let mut schema: Value = serde_json::from_slice(match self {
            Ty::String { .. } | Ty::Choice { .. } => r#"{"type":"string"}"#,
            Ty::Integer { .. } => r#"{"type":"integer"}"#,
            Ty::Boolean => r#"{"type":"boolean"}"#,
            Ty::StringList { .. } => r#"{"type":"array","items":{"type":"string"}}"#,
            Ty::StringMap => r#"{"type":"object","additionalProperties":{"type":"string"}}"#,
            Ty::EnvMap => {
                r#"{"type":"object","additionalProperties":{"type":"string"},"propertyNames":{}}"#
            }
            Ty::Duration { .. } => {
                r#"{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^([0-9]+|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$","minLength":1}]}"#
            }
        }
        .as_bytes())
        .unwrap_or_default();
        match *self {
            Ty::String { min_len } => schema["minLength"] = min_len.into(),
            Ty::Integer { min, max } => {
                schema["minimum"] = min.into();
                schema["maximum"] = max.into();
            }
            Ty::Choice { values } => schema["enum"] = values.into(),
            Ty::StringList {
                values: Some(values),
            } => schema["items"]["enum"] = values.into(),
            Ty::EnvMap => schema["propertyNames"]["pattern"] = ENV_NAME_PATTERN.into(),
            Ty::Duration { min_secs, max_secs } => {
                let seconds = &mut schema["anyOf"][0];
                seconds["minimum"] = min_secs.into();
                seconds["maximum"] = max_secs.into();
            }
            Ty::Boolean | Ty::StringList { values: None } | Ty::StringMap => {}
        }
        schema
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;

    #[test]
    fn every_schema_is_a_closed_object_with_described_properties() {
        for tool in tools() {
            let schema = tool.input_schema();
            assert_eq!(schema["type"], "object", "{}", tool.name);
            assert_eq!(schema["additionalProperties"], false, "{}", tool.name);
            for (name, prop) in schema["properties"].as_object().unwrap() {
                assert!(
                    prop["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{}.{name}",
                    tool.name
                );
            }
        }
    }

    #[test]
    fn the_mint_tool_advertises_the_hosts_ceiling() {
        let mint = Tool::MintEphemeralKey;
        let (text, schema) = mint.advertised(&Ok(MintCeiling::default())).unwrap();
        assert_eq!(
            schema["properties"]["scope"]["enum"],
            json!(["daytona:workspaces:read", "daytona:workspaces"])
        );
        assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["maximum"], 86_400);
        assert!(
            text.contains("scopes daytona:workspaces:read, daytona:workspaces; ttl at most 24h")
        );

        let ceiling = MintCeiling::from_env(&Env::from_pairs([
            ("DAYTONA_MINT_SCOPES", "daytona,daytona:org:*"),
            ("DAYTONA_MINT_MAX_TTL", "5m"),
        ]));
        let (text, schema) = mint.advertised(&ceiling).unwrap();
        let scope = &schema["properties"]["scope"];
        assert_eq!(scope["anyOf"][0]["enum"], json!(["daytona"]));
        assert!(scope["anyOf"][1]["pattern"].is_string());
        assert!(scope["description"].is_string());
        assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["maximum"], 300);
        assert!(text.contains("ttl at most 5m (default 5m)"), "{text}");
        // A malformed ceiling leaves the tool out; other tools are shown as they are.
        let broken = MintCeiling::from_env(&Env::from_pairs([("DAYTONA_MINT_MAX_TTL", "forever")]));
        assert!(mint.advertised(&broken).is_none());
        let get = Tool::GetSandbox;
        assert_eq!(
            get.advertised(&broken).unwrap().1,
            get.spec().input_schema()
        );
    }

    #[test]
    fn create_api_key_advertises_the_hosts_ceiling_or_that_it_is_lifted() {
        let create = Tool::CreateApiKey;
        let ceiling = MintCeiling::from_env(&Env::from_pairs([
            ("DAYTONA_MINT_SCOPES", "daytona:workspaces:read"),
            ("DAYTONA_MINT_MAX_TTL", "2h"),
        ]));
        let (text, schema) = create.advertised(&ceiling).unwrap();
        assert_eq!(
            schema["properties"]["permissions"]["items"]["enum"],
            json!(["read:volumes"])
        );
        assert!(
            text.contains("permissions among read:volumes; expiresAt at most 2h from now"),
            "{text}"
        );
        let unbounded =
            MintCeiling::from_env(&Env::from_pairs([("DAYTONA_KEY_ADMIN", "unbounded")]));
        let (text, schema) = create.advertised(&unbounded).unwrap();
        assert_eq!(schema, create.spec().input_schema());
        assert!(text.contains("DAYTONA_KEY_ADMIN=unbounded"), "{text}");
        let broken = MintCeiling::from_env(&Env::from_pairs([("DAYTONA_KEY_ADMIN", "yes")]));
        assert!(create.advertised(&broken).is_none());
    }

    #[test]
    fn tool_names_are_unique_snake_case_and_name_their_variant() {
        let mut names: Vec<_> = Tool::ALL.iter().map(|t| t.name()).collect();
        for (tool, name) in Tool::ALL.iter().zip(&names) {
            assert!(name.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            let camel: String = name
                .split('_')
                .map(|w| w[..1].to_uppercase() + &w[1..])
                .collect();
            assert_eq!(format!("{tool:?}"), camel);
            assert_eq!(Tool::from_name(name), Some(*tool));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Tool::ALL.len());
        assert!(Tool::from_name("no_such_tool").is_none());
    }

    #[test]
    fn typed_arguments_round_trip_through_their_json() {
        // What a typed call writes is what call-tool would have been given,
        // and reads back the same: the reads and writes use one set of names.
        let create = sandbox_tools::CreateSandbox {
            name: Some("n".into()),
            env: [("A".to_string(), "1".to_string())].into(),
            auto_stop_interval: Some(0),
            network_block_all: Some(true),
            timeout: Some(5),
            ..Default::default()
        };
        let json = create.to_json();
        assert_eq!(json["autoStopInterval"], 0);
        assert_eq!(json["networkBlockAll"], true);
        let spec = &<sandbox_tools::CreateSandbox as Contract>::SPEC;
        let back = sandbox_tools::CreateSandbox::from_args(&Args::check(spec, json).unwrap());
        assert_eq!(back, create);

        let mint = ephemeral_tools::MintEphemeralKey::from_args(
            &Args::parse(Tool::MintEphemeralKey.spec(), r#"{"ttl":"1h30m"}"#).unwrap(),
        );
        assert_eq!(mint.ttl, Some(5400));
    }

    #[test]
    fn typed_calls_are_checked_like_call_tool() {
        let too_many = sandbox_tools::ListSandboxes {
            limit: Some(crate::api::sandboxes::MAX_LIMIT + 1),
            ..Default::default()
        };
        assert!(
            contract::validate(&too_many)
                .unwrap_err()
                .message
                .contains("`limit`")
        );
        let wait = sandbox_tools::StartSandbox {
            sandbox: "s".into(),
            timeout: Some(crate::api::lifecycle::MAX_WAIT_SECS + 1),
        };
        assert!(contract::validate(&wait).is_err());
        let empty = sandbox_tools::GetSandbox::default();
        assert!(
            contract::validate(&empty)
                .unwrap_err()
                .message
                .contains("`sandbox`")
        );
        let short = ephemeral_tools::MintEphemeralKey {
            ttl: Some(59),
            ..Default::default()
        };
        assert!(contract::validate(&short).is_err());
    }
}
