//! MCP tool descriptors and call results, from the same catalog the library's
//! `list-tools` / `call-tool` use: same names, schemas, hints, `DAYTONA_TOOLS`
//! selection and minting ceiling; calls go through [`crate::catalog::call`].

use crate::catalog::Tool;
use crate::catalog::selection::Selection;
use crate::error::Error;
use crate::keys::ceiling::MintCeiling;
use serde_json::{Value, json};

/// `tools/list`: the offered tools as MCP descriptors.
///
/// A malformed `DAYTONA_TOOLS` offers nothing, and a tool its configuration
/// leaves out (the mint tool under a malformed ceiling) is not listed (their
/// calls say why), exactly as `list-tools` does.
pub fn descriptors(
    selection: &Result<Selection, Error>,
    ceiling: &Result<MintCeiling, Error>,
) -> Vec<Value> {
    let Ok(selection) = selection else {
        return Vec::new();
    };
    selection
        .tools()
        .filter_map(|tool| {
            let (description, input_schema) = tool.advertised(ceiling)?;
            let t = tool.spec();
            let mut descriptor = json!({
                "name": t.name,
                "title": t.title,
                "description": description,
                "inputSchema": input_schema,
                "annotations": {
                    "title": t.title,
                    "readOnlyHint": t.hints.read_only,
                    "destructiveHint": t.hints.destructive,
                    "idempotentHint": t.hints.idempotent,
                    "openWorldHint": t.hints.open_world,
                },
            });
            if let Some(schema) = t.output_schema() {
                descriptor["outputSchema"] = schema;
            }
            Some(descriptor)
        })
        .collect()
}

/// Why a `tools/call` cannot run at all: a protocol error (`-32602`), not a
/// tool result. `None` when the call may go ahead.
pub fn refusal(selection: &Result<Selection, Error>, name: &str) -> Option<Error> {
    let selection = match selection {
        Err(e) => return Some(e.clone()),
        Ok(selection) => selection,
    };
    let refused = Tool::named(name).and_then(|tool| selection.check(tool));
    // The same errors as `call-tool`'s, pointing at MCP's name for list-tools.
    refused.err().map(|mut e| {
        e.hint = e.hint.map(|h| h.replace("list-tools", "tools/list"));
        e
    })
}

/// A `tools/call` result: the tool's JSON as `structuredContent` and as text;
/// a failure is `isError: true` with the error record (kind, message, hint,
/// retryable, status) as its text, so the model can read it and correct itself.
pub fn call_result(outcome: Result<Value, Error>) -> Value {
    match outcome {
        Ok(value) => {
            let text = value.to_string();
            let mut result = json!({
                "content": [{ "type": "text", "text": text }],
                "isError": false,
            });
            if value.is_object() {
                result["structuredContent"] = value;
            }
            result
        }
        Err(e) => {
            let record =
                serde_json::to_value(&e).unwrap_or_else(|_| json!({ "message": e.message }));
            json!({
                "content": [{ "type": "text", "text": record.to_string() }],
                "isError": true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::error::ErrorKind;

    #[test]
    fn descriptors_carry_schemas_and_annotations_from_the_catalog() {
        let tools = descriptors(&Ok(Selection::all()), &Ok(MintCeiling::default()));
        assert_eq!(tools.len(), Tool::ALL.len());
        let get = tools.iter().find(|t| t["name"] == "get_sandbox").unwrap();
        let spec = Tool::GetSandbox.spec();
        assert_eq!(get["inputSchema"], spec.input_schema());
        assert_eq!(get["outputSchema"], spec.output_schema().unwrap());
        assert_eq!(get["annotations"]["readOnlyHint"], true);
        assert_eq!(get["annotations"]["destructiveHint"], false);
        let delete = tools
            .iter()
            .find(|t| t["name"] == "delete_sandbox")
            .unwrap();
        assert_eq!(delete["annotations"]["destructiveHint"], true);
    }

    #[test]
    fn descriptors_follow_the_selection_and_the_ceiling() {
        let read_only = descriptors(&Selection::parse("read-only"), &Ok(MintCeiling::default()));
        assert!(
            read_only
                .iter()
                .all(|t| t["annotations"]["readOnlyHint"] == true)
        );
        assert!(!read_only.is_empty());
        let bad = Selection::parse("no_such_tool");
        assert!(descriptors(&bad, &Ok(MintCeiling::default())).is_empty());
        let ceiling =
            MintCeiling::from_env(&Env::from_pairs([("DAYTONA_MINT_MAX_TTL", "30m")])).unwrap();
        let tools = descriptors(&Ok(Selection::all()), &Ok(ceiling));
        let mint = tools
            .iter()
            .find(|t| t["name"] == "mint_ephemeral_key")
            .unwrap();
        assert_eq!(
            mint["inputSchema"]["properties"]["ttl"]["anyOf"][0]["maximum"],
            1800
        );
        let broken = MintCeiling::from_env(&Env::from_pairs([("DAYTONA_MINT_MAX_TTL", "forever")]));
        let tools = descriptors(&Ok(Selection::all()), &broken);
        assert!(tools.iter().all(|t| t["name"] != "mint_ephemeral_key"));
    }

    #[test]
    fn unknown_and_unselected_tools_are_refused_before_running() {
        let all = Ok(Selection::all());
        assert!(refusal(&all, "get_sandbox").is_none());
        assert!(
            refusal(&all, "nope")
                .unwrap()
                .message
                .contains("no tool named 'nope'")
        );
        let ro = Selection::parse("read-only");
        assert!(
            refusal(&ro, "delete_sandbox")
                .unwrap()
                .message
                .contains("DAYTONA_TOOLS")
        );
    }

    #[test]
    fn a_success_is_structured_content_and_the_same_json_as_text() {
        let r = call_result(Ok(json!({ "id": "s1" })));
        assert_eq!(r["structuredContent"], json!({ "id": "s1" }));
        assert_eq!(r["content"][0]["text"], r#"{"id":"s1"}"#);
        assert_eq!(r["isError"], false);
    }

    #[test]
    fn a_tool_error_is_a_result_carrying_the_error_record() {
        let e =
            Error::new(ErrorKind::NotFound, "sandbox 'x' not found").with_hint("check the name");
        let r = call_result(Err(e));
        assert_eq!(r["isError"], true);
        assert!(r.get("structuredContent").is_none());
        let record: Value =
            serde_json::from_str(r["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(record["kind"], "not-found");
        assert_eq!(record["hint"], "check the name");
        assert_eq!(record["retryable"], false);
    }
}
