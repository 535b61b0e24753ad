//! The agent-facing tool catalog: tables of tools (one per area) from which both
//! the advertised JSON Schemas and the argument parser are derived, so the two
//! cannot disagree; [`call`] parses a call's arguments and runs it.

pub mod args;
pub mod key_tools;
pub mod sandbox_tools;
pub mod schemas;
pub mod selection;
pub mod types;

pub use args::Args;
pub use types::{Field, Hints, ToolSpec, Ty};

use crate::error::{Error, ErrorKind};
use crate::http::{Client, Transport};
use crate::keys::ceiling::MintCeiling;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;

/// What an environment variable name must match (checked in
/// [`crate::api::lifecycle::check_env_names`]).
pub const ENV_NAME_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9_]*$";

/// Every tool, in catalog order.
static TOOLS: LazyLock<Vec<ToolSpec>> =
    LazyLock::new(|| [sandbox_tools::TOOLS, key_tools::TOOLS].concat());

/// The tools offered, in catalog order.
pub fn tools() -> &'static [ToolSpec] {
    &TOOLS
}

/// Call tool `name` with JSON `arguments`; the result is a JSON object.
pub fn call<T: Transport>(client: &Client<T>, name: &str, arguments: &str) -> Result<Value, Error> {
    let spec = find(name).ok_or_else(|| {
        Error::invalid_input(format!(
            "there is no tool named '{}'",
            crate::error::scrub(name, &[])
        ))
        .with_hint("call list-tools to see the available tools")
    })?;
    let args = Args::parse(spec, arguments)?;
    sandbox_tools::call(client, spec.name, &args)
        .or_else(|| key_tools::call(client, spec.name, &args))
        .unwrap_or_else(|| {
            // The catalog test calls every tool, so this cannot be reached unnoticed.
            Err(Error::new(
                ErrorKind::Upstream,
                format!("tool {} is listed but not wired up", spec.name),
            ))
        })
}

/// What a model is shown of a tool on this host: its description and input
/// schema, narrowed to the host's bounds where the tool has them (today the
/// minting ceiling: the scopes and the longest `ttl` that will be accepted).
pub fn advertised(spec: &ToolSpec, ceiling: &MintCeiling) -> (String, Value) {
    let mut schema = spec.input_schema();
    if spec.name != "mint_ephemeral_key" {
        return (spec.description.to_string(), schema);
    }
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
        crate::keys::ttl::describe(max),
        crate::keys::ttl::describe(ceiling.default_ttl_secs()),
    );
    (description, schema)
}

/// Encode a result as JSON.
pub(crate) fn to_value<S: serde::Serialize>(value: S) -> Result<Value, Error> {
    serde_json::to_value(value).map_err(|e| {
        Error::new(
            ErrorKind::Upstream,
            format!("could not encode the result: {e}"),
        )
    })
}

/// Find a tool by name.
pub fn find(name: &str) -> Option<&'static ToolSpec> {
    tools().iter().find(|t| t.name == name)
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
    /// This type's JSON Schema, without a description.
    pub fn schema(&self) -> Value {
        match self {
            Ty::String { min_len } => json!({ "type": "string", "minLength": min_len }),
            Ty::Integer { min, max } => {
                json!({ "type": "integer", "minimum": min, "maximum": max })
            }
            Ty::Boolean => json!({ "type": "boolean" }),
            Ty::StringList { values } => match values {
                Some(values) => {
                    json!({ "type": "array", "items": { "type": "string", "enum": values } })
                }
                None => json!({ "type": "array", "items": { "type": "string" } }),
            },
            Ty::StringMap => {
                json!({ "type": "object", "additionalProperties": { "type": "string" } })
            }
            Ty::EnvMap => json!({
                "type": "object",
                "additionalProperties": { "type": "string" },
                "propertyNames": { "pattern": ENV_NAME_PATTERN },
            }),
            Ty::Duration { min_secs, max_secs } => json!({ "anyOf": [
                { "type": "integer", "minimum": min_secs, "maximum": max_secs },
                { "type": "string", "pattern": "^([0-9]+|([0-9]+h)?([0-9]+m)?([0-9]+s)?)$", "minLength": 1 },
            ] }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let spec = find("mint_ephemeral_key").unwrap();
        let (text, schema) = advertised(spec, &MintCeiling::default());
        assert_eq!(
            schema["properties"]["scope"]["enum"],
            json!(["daytona:workspaces:read", "daytona:workspaces"])
        );
        assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["maximum"], 86_400);
        assert!(
            text.contains("scopes daytona:workspaces:read, daytona:workspaces; ttl at most 24h")
        );

        let ceiling = MintCeiling::from_env([
            ("DAYTONA_MINT_SCOPES", "daytona,daytona:org:*"),
            ("DAYTONA_MINT_MAX_TTL", "5m"),
        ])
        .unwrap();
        let (text, schema) = advertised(spec, &ceiling);
        let scope = &schema["properties"]["scope"];
        assert_eq!(scope["anyOf"][0]["enum"], json!(["daytona"]));
        assert!(scope["anyOf"][1]["pattern"].is_string());
        assert!(scope["description"].is_string());
        assert_eq!(schema["properties"]["ttl"]["anyOf"][0]["maximum"], 300);
        assert!(text.contains("ttl at most 5m (default 5m)"), "{text}");
        // Other tools are shown as they are.
        let get = find("get_sandbox").unwrap();
        assert_eq!(advertised(get, &ceiling).1, get.input_schema());
    }

    #[test]
    fn tool_names_are_unique_snake_case() {
        let mut names: Vec<_> = tools().iter().map(|t| t.name).collect();
        assert!(
            names
                .iter()
                .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        );
        names.sort();
        names.dedup();
        assert_eq!(names.len(), tools().len());
    }
}
