//! The sandbox tools: their descriptions and fields, and how a call runs.

use super::{Args, Field, Hints, ToolSpec, Ty};
use crate::api::sandboxes::{self, ListFilter};
use crate::api::{lifecycle, snapshots, toolbox};
use crate::error::Error;
use crate::http::{Client, Transport};
use crate::models::CreateSandbox;
use serde_json::{Value, json};

const SANDBOX_ARG: Field = Field {
    name: "sandbox",
    ty: Ty::String { min_len: 1 },
    required: true,
    description: "The sandbox's ID or name (see list_sandboxes).",
};

const INTERVAL: Ty = Ty::Integer {
    min: 0,
    max: lifecycle::MAX_INTERVAL_MINUTES as i64,
};

const WAIT_TIMEOUT: Field = Field {
    name: "timeout",
    ty: Ty::Integer {
        min: 0,
        max: lifecycle::MAX_WAIT_SECS as i64,
    },
    required: false,
    description: "Seconds to wait for the sandbox to get there (default 60; 0 = return at once).",
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
                ty: Ty::Integer {
                    min: 1,
                    max: sandboxes::MAX_LIMIT as i64,
                },
                required: false,
                description: "Return at most this many sandboxes.",
            },
        ],
        hints: Hints::READ,
        output: Some(super::schemas::sandbox_list),
    },
    ToolSpec {
        name: "get_sandbox",
        title: "Get a sandbox",
        description: "Get one Daytona sandbox by ID or name: its state (started, stopped, error, ...), snapshot, resources, labels and timestamps. \
Read-only. Use it to check whether a sandbox is started before execute_command; use list_sandboxes to find names.",
        fields: &[SANDBOX_ARG],
        hints: Hints::READ,
        output: Some(super::schemas::sandbox),
    },
    ToolSpec {
        name: "create_sandbox",
        title: "Create a sandbox",
        description: "Create a new Daytona sandbox (starts billable compute) and wait until it is started, then return it. \
Optionally from a snapshot (see list_snapshots) or with your own cpu/memory/disk (not both), with env vars, labels and auto-stop/archive/delete intervals. \
Give a `name` so a retry after a lost answer cannot create a second sandbox. If the wait runs out, the error names the sandbox: check it with get_sandbox instead of creating another.",
        fields: &[
            Field {
                name: "name",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "The sandbox name (unique in the organization); defaults to its ID.",
            },
            Field {
                name: "snapshot",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "The snapshot ID or name to create from (see list_snapshots); Daytona's default otherwise.",
            },
            Field {
                name: "user",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "The OS user commands run as.",
            },
            Field {
                name: "env",
                ty: Ty::EnvMap,
                required: false,
                description: "Environment variables set in the sandbox; names match ^[A-Za-z_][A-Za-z0-9_]*$.",
            },
            Field {
                name: "labels",
                ty: Ty::StringMap,
                required: false,
                description: "Labels to attach, e.g. {\"task\": \"tests\"}.",
            },
            Field {
                name: "public",
                ty: Ty::Boolean,
                required: false,
                description: "Whether the sandbox's HTTP preview is public.",
            },
            Field {
                name: "target",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "The target region, e.g. \"us\" or \"eu\".",
            },
            Field {
                name: "cpu",
                ty: Ty::Integer { min: 1, max: 1024 },
                required: false,
                description: "CPU cores; not together with `snapshot`.",
            },
            Field {
                name: "memory",
                ty: Ty::Integer { min: 1, max: 4096 },
                required: false,
                description: "Memory in GiB; not together with `snapshot`.",
            },
            Field {
                name: "disk",
                ty: Ty::Integer { min: 1, max: 65536 },
                required: false,
                description: "Disk in GiB; not together with `snapshot`.",
            },
            Field {
                name: "autoStopInterval",
                ty: INTERVAL,
                required: false,
                description: "Minutes of inactivity before the sandbox stops (0 = never; Daytona's default is 15).",
            },
            Field {
                name: "autoArchiveInterval",
                ty: INTERVAL,
                required: false,
                description: "Minutes stopped before the sandbox is archived (0 = Daytona's maximum).",
            },
            Field {
                name: "autoDeleteInterval",
                ty: INTERVAL,
                required: false,
                description: "Minutes stopped before the sandbox is deleted (0 = delete as soon as it stops; leave out to never auto-delete).",
            },
            Field {
                name: "networkBlockAll",
                ty: Ty::Boolean,
                required: false,
                description: "Block all network access from the sandbox.",
            },
            Field {
                name: "networkAllowList",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "Comma-separated CIDRs the sandbox may reach, e.g. \"10.0.0.0/8,1.1.1.1/32\".",
            },
            WAIT_TIMEOUT,
        ],
        hints: Hints::CREATE,
        output: Some(super::schemas::sandbox),
    },
    ToolSpec {
        name: "delete_sandbox",
        title: "Delete a sandbox",
        description: "Delete a Daytona sandbox by ID or name, discarding its filesystem and state for good. \
Deletion is asynchronous: the result is the sandbox as Daytona last saw it (usually `destroying`). \
To pause billing but keep the files, use stop_sandbox instead.",
        fields: &[SANDBOX_ARG],
        hints: Hints::DELETE,
        output: Some(super::schemas::sandbox),
    },
    ToolSpec {
        name: "start_sandbox",
        title: "Start a sandbox",
        description: "Start a stopped Daytona sandbox (resumes billable compute) and wait until it is started. \
Needed before execute_command when a sandbox has auto-stopped. Starting a started sandbox returns it unchanged.",
        fields: &[SANDBOX_ARG, WAIT_TIMEOUT],
        hints: Hints::SET_STATE,
        output: Some(super::schemas::sandbox),
    },
    ToolSpec {
        name: "stop_sandbox",
        title: "Stop a sandbox",
        description: "Stop a running Daytona sandbox to pause billable compute, keeping its filesystem; running processes end. \
Waits until it is stopped. Stopping a stopped sandbox returns it unchanged. Use start_sandbox to resume, delete_sandbox to remove it.",
        fields: &[
            SANDBOX_ARG,
            Field {
                name: "force",
                ty: Ty::Boolean,
                required: false,
                description: "Stop at once without a graceful shutdown.",
            },
            WAIT_TIMEOUT,
        ],
        hints: Hints::SET_STATE,
        output: Some(super::schemas::sandbox),
    },
    ToolSpec {
        name: "execute_command",
        title: "Execute a command",
        description: "Run a shell command inside a started Daytona sandbox and return its exit code and merged stdout+stderr. \
The command can change anything in the sandbox. Long output is cut (see `truncated` and `resultLength`); the command is killed after `timeout` seconds (default 10). \
If the sandbox is stopped, call start_sandbox first.",
        fields: &[
            SANDBOX_ARG,
            Field {
                name: "command",
                ty: Ty::String { min_len: 1 },
                required: true,
                description: "The shell command, e.g. \"ls -la\" or \"python3 main.py\".",
            },
            Field {
                name: "cwd",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "The working directory; the user's home by default.",
            },
            Field {
                name: "env",
                ty: Ty::EnvMap,
                required: false,
                description: "Extra environment variables for this command; names match ^[A-Za-z_][A-Za-z0-9_]*$.",
            },
            Field {
                name: "timeout",
                ty: Ty::Integer {
                    min: 1,
                    max: toolbox::MAX_TIMEOUT_SECS as i64,
                },
                required: false,
                description: "Seconds before the command is killed (default 10).",
            },
        ],
        hints: Hints::RUN,
        output: Some(super::schemas::execution),
    },
    ToolSpec {
        name: "list_snapshots",
        title: "List snapshots",
        description: "List the Daytona snapshots (sandbox base images) available to the organization, with state and resources. \
Read-only. Use a snapshot's name or ID as `snapshot` in create_sandbox.",
        fields: &[
            Field {
                name: "name",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "Only snapshots whose name matches this.",
            },
            Field {
                name: "limit",
                ty: Ty::Integer {
                    min: 1,
                    max: snapshots::MAX_LIMIT as i64,
                },
                required: false,
                description: "Return at most this many snapshots.",
            },
        ],
        hints: Hints::READ,
        output: Some(super::schemas::snapshot_list),
    },
];

/// Run a sandbox tool, or `None` if `name` is not one.
pub fn call<T: Transport>(
    client: &Client<T>,
    name: &str,
    args: &Args,
) -> Option<Result<Value, Error>> {
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
        "get_sandbox" => sandboxes::get(client, sandbox(args)).and_then(super::to_value),
        "create_sandbox" => {
            let req = CreateSandbox {
                name: args.string("name"),
                snapshot: args.string("snapshot"),
                user: args.string("user"),
                env: args.map("env"),
                labels: args.map("labels"),
                public: args.bool("public"),
                target: args.string("target"),
                cpu: args.u32("cpu"),
                memory: args.u32("memory"),
                disk: args.u32("disk"),
                auto_stop_interval: args.i32("autoStopInterval"),
                auto_archive_interval: args.i32("autoArchiveInterval"),
                auto_delete_interval: args.i32("autoDeleteInterval"),
                network_block_all: args.bool("networkBlockAll"),
                network_allow_list: args.string("networkAllowList"),
            };
            lifecycle::create(client, &req, args.u32("timeout")).and_then(super::to_value)
        }
        "delete_sandbox" => lifecycle::delete(client, sandbox(args)).and_then(super::to_value),
        "start_sandbox" => {
            lifecycle::start(client, sandbox(args), args.u32("timeout")).and_then(super::to_value)
        }
        "stop_sandbox" => lifecycle::stop(
            client,
            sandbox(args),
            args.bool("force").unwrap_or(false),
            args.u32("timeout"),
        )
        .and_then(super::to_value),
        "execute_command" => {
            let cmd = toolbox::Command {
                sandbox: sandbox(args).to_string(),
                command: args.str("command").unwrap_or_default().to_string(),
                cwd: args.string("cwd"),
                env: args.map("env"),
                timeout: args.u32("timeout"),
            };
            toolbox::execute(client, &cmd, client.config.output_limit).and_then(super::to_value)
        }
        "list_snapshots" => snapshots::list(client, args.str("name"), args.u32("limit"))
            .map(|list| json!({ "snapshots": list })),
        _ => return None,
    })
}

/// The required `sandbox` argument (checked present by the parser).
fn sandbox(args: &Args) -> &str {
    args.str("sandbox").unwrap_or_default()
}
