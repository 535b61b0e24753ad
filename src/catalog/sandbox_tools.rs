//! The sandbox tools: their descriptions and fields, and how a call runs.

use super::{Args, Field, Hints, ToolSpec, Ty};
use crate::api::sandboxes::{self, ListFilter};
use crate::error::Error;
use crate::http::{Client, Transport};
use serde_json::{Value, json};

/// Hints of a tool that only reads.
pub(crate) const READ: Hints = Hints {
    read_only: true,
    destructive: false,
    idempotent: true,
    open_world: true,
};

const SANDBOX_ARG: Field = Field {
    name: "sandbox",
    ty: Ty::String { min_len: 1 },
    required: true,
    description: "The sandbox's ID or name (see list_sandboxes).",
};

/// The sandbox tools.
pub const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "list_sandboxes",
        title: "List sandboxes",
        description: "List the Daytona sandboxes in the organization with their state, snapshot, resources and labels. \
Read-only. Filter by name prefix, labels or states; `limit` caps how many are returned (all pages are followed otherwise). \
Use get_sandbox for one sandbox you already know by ID or name.",
        fields: &[
            Field {
                name: "name",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "Only sandboxes whose name starts with this.",
            },
            Field {
                name: "labels",
                ty: Ty::StringMap,
                required: false,
                description: "Only sandboxes carrying all of these labels, e.g. {\"team\": \"ai\"}.",
            },
            Field {
                name: "states",
                ty: Ty::StringList {
                    values: Some(crate::api::sandboxes::STATES),
                },
                required: false,
                description: "Only sandboxes in one of these states, e.g. [\"started\"].",
            },
            Field {
                name: "limit",
                ty: Ty::Integer { min: 1, max: 10_000 },
                required: false,
                description: "Return at most this many sandboxes.",
            },
        ],
        hints: READ,
    },
    ToolSpec {
        name: "get_sandbox",
        title: "Get a sandbox",
        description: "Get one Daytona sandbox by ID or name: its state (started, stopped, error, ...), snapshot, resources, labels and timestamps. \
Read-only. Use it to check whether a sandbox is started before execute_command; use list_sandboxes to find names.",
        fields: &[SANDBOX_ARG],
        hints: READ,
    },
];

/// Run a sandbox tool, or `None` if `name` is not one.
pub fn call<T: Transport>(client: &Client<T>, name: &str, args: &Args) -> Option<Result<Value, Error>> {
    Some(match name {
        "list_sandboxes" => {
            let filter = ListFilter {
                name: args.str("name").map(String::from),
                labels: args.map("labels"),
                states: args.strings("states"),
                limit: args.u32("limit"),
            };
            sandboxes::list(client, &filter).map(|list| json!({ "sandboxes": list }))
        }
        "get_sandbox" => sandboxes::get(client, args.str("sandbox").unwrap_or_default()).and_then(super::to_value),
        _ => return None,
    })
}
