//! Run a tool call: parse its arguments, call the API, shape the JSON result.

use super::{Args, find};
use crate::api::sandboxes::{self, ListFilter};
use crate::error::Error;
use crate::http::{Client, Transport};
use serde_json::{Value, json};

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
    match spec.name {
        "list_sandboxes" => {
            let filter = ListFilter {
                name: args.str("name").map(String::from),
                labels: args.map("labels"),
                states: args.strings("states"),
                limit: args.u32("limit"),
            };
            let list = sandboxes::list(client, &filter)?;
            Ok(json!({ "sandboxes": list }))
        }
        "get_sandbox" => to_value(sandboxes::get(client, args.str("sandbox").unwrap_or_default())?),
        // The catalog test calls every tool, so this cannot be reached unnoticed.
        other => Err(Error::new(
            crate::error::ErrorKind::Upstream,
            format!("tool {other} is listed but not wired up"),
        )),
    }
}

fn to_value<S: serde::Serialize>(value: S) -> Result<Value, Error> {
    serde_json::to_value(value)
        .map_err(|e| Error::new(crate::error::ErrorKind::Upstream, format!("could not encode the result: {e}")))
}
