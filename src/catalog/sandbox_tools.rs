//! The sandbox tools: each one's arguments, description and how a call runs.

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, Ty, schemas};
use crate::api::execute::{self, Outcome};
use crate::api::sandboxes::{self, ListFilter};
use crate::api::{lifecycle, snapshots};
use crate::error::Error;
use crate::http::Transport;
use crate::models::{self, Sandbox, Snapshot};
use serde_json::Value;
use std::collections::BTreeMap;

const STRING: Ty = Ty::String { min_len: 1 };

const SANDBOX: &str = "The sandbox's ID or name (see list_sandboxes).";

/// A sandbox's labels, checked alike wherever they are set (create_sandbox,
/// set_sandbox_labels): string keys to string values.
const LABELS: Ty = Ty::StringMap;

const INTERVAL: Ty = Ty::Integer {
    min: 0,
    max: lifecycle::MAX_INTERVAL_MINUTES as i64,
};

const WAIT: Ty = Ty::Integer {
    min: 0,
    max: lifecycle::MAX_WAIT_SECS as i64,
};

const WAIT_DESCRIPTION: &str =
    "Seconds to wait for the sandbox to get there (default 60; 0 = return at once).";

arguments! {
    /// `list_sandboxes`.
    pub struct ListSandboxes {
        name: Option<String> = "name", STRING => "Only sandboxes whose name starts with this.";
        labels: BTreeMap<String, String> = "labels", Ty::StringMap =>
            "Only sandboxes carrying all of these labels, e.g. {\"team\": \"ai\"}.";
        states: Vec<String> = "states", Ty::StringList { values: Some(sandboxes::STATES) } =>
            "Only sandboxes in one of these states, e.g. [\"started\"].";
        limit: Option<u32> = "limit", Ty::Integer { min: 1, max: sandboxes::MAX_LIMIT as i64 } =>
            "Return at most this many sandboxes.";
    }
}

impl Contract for ListSandboxes {
    const ABOUT: About = About {
        name: "list_sandboxes",
        title: "List sandboxes",
        description: "List the Daytona sandboxes in the organization with their state, snapshot, resources and labels. \
Read-only. Filter by name prefix, labels or states; `limit` caps how many are returned (all pages are followed otherwise). \
Use get_sandbox for one sandbox you already know by ID or name.",
        hints: Hints::READ,
        output: Some(schemas::sandbox_list),
    };
    type Output = Vec<Sandbox>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Vec<Sandbox>, Error> {
        let filter = ListFilter {
            name: self.name,
            labels: self.labels,
            states: self.states,
            limit: self.limit,
        };
        sandboxes::list(client, &filter)
    }
    fn output_json(list: Vec<Sandbox>) -> Result<Value, Error> {
        Ok(super::object([("sandboxes", super::to_value(list)?)]))
    }
}

arguments! {
    /// `get_sandbox`.
    pub struct GetSandbox {
        sandbox: String = "sandbox", STRING => SANDBOX;
    }
}

impl Contract for GetSandbox {
    const ABOUT: About = About {
        name: "get_sandbox",
        title: "Get a sandbox",
        description: "Get one Daytona sandbox by ID or name: its state (started, stopped, error, ...), snapshot, resources, labels and timestamps. \
Read-only. Use it to check whether a sandbox is started before execute_command; use list_sandboxes to find names.",
        hints: Hints::READ,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        sandboxes::get(client, &self.sandbox)
    }
}

arguments! {
    /// `create_sandbox`.
    pub struct CreateSandbox {
        name: Option<String> = "name", STRING =>
            "The sandbox name (unique in the organization); defaults to its ID.";
        snapshot: Option<String> = "snapshot", STRING =>
            "The snapshot ID or name to create from (see list_snapshots); Daytona's default otherwise.";
        user: Option<String> = "user", STRING => "The OS user commands run as.";
        env: BTreeMap<String, String> = "env", Ty::EnvMap =>
            "Environment variables set in the sandbox; names match ^[A-Za-z_][A-Za-z0-9_]*$.";
        labels: BTreeMap<String, String> = "labels", LABELS =>
            "Labels to attach, e.g. {\"task\": \"tests\"}.";
        public: Option<bool> = "public", Ty::Boolean => "Whether the sandbox's HTTP preview is public.";
        target: Option<String> = "target", STRING => "The target region, e.g. \"us\" or \"eu\".";
        auto_stop_interval: Option<i32> = "autoStopInterval", INTERVAL =>
            "Minutes of inactivity before the sandbox stops (0 = never; Daytona's default is 15).";
        auto_archive_interval: Option<i32> = "autoArchiveInterval", INTERVAL =>
            "Minutes stopped before the sandbox is archived (0 = Daytona's maximum).";
        auto_delete_interval: Option<i32> = "autoDeleteInterval", INTERVAL =>
            "Minutes stopped before the sandbox is deleted (0 = delete as soon as it stops; leave out to never auto-delete).";
        network_block_all: Option<bool> = "networkBlockAll", Ty::Boolean =>
            "Block all network access from the sandbox.";
        network_allow_list: Option<String> = "networkAllowList", STRING =>
            "Comma-separated CIDRs the sandbox may reach, e.g. \"10.0.0.0/8,1.1.1.1/32\".";
        timeout: Option<u32> = "timeout", WAIT => WAIT_DESCRIPTION;
    }
}

impl Contract for CreateSandbox {
    const ABOUT: About = About {
        name: "create_sandbox",
        title: "Create a sandbox",
        description: "Create a new Daytona sandbox (starts billable compute) and wait until it is started, then return it. \
Optionally from a snapshot (see list_snapshots), with env vars, labels and auto-stop/archive/delete intervals. \
Give a `name` so a retry after a lost answer cannot create a second sandbox. If the wait runs out, the error names the sandbox: check it with get_sandbox instead of creating another.",
        hints: Hints::CREATE,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        let body = models::CreateSandbox {
            name: self.name,
            snapshot: self.snapshot,
            user: self.user,
            env: self.env,
            labels: self.labels,
            public: self.public,
            target: self.target,
            auto_stop_interval: self.auto_stop_interval,
            auto_archive_interval: self.auto_archive_interval,
            auto_delete_interval: self.auto_delete_interval,
            network_block_all: self.network_block_all,
            network_allow_list: self.network_allow_list,
        };
        lifecycle::create(client, &body, self.timeout)
    }
}

arguments! {
    /// `delete_sandbox`.
    pub struct DeleteSandbox {
        sandbox: String = "sandbox", STRING => SANDBOX;
    }
}

impl Contract for DeleteSandbox {
    const ABOUT: About = About {
        name: "delete_sandbox",
        title: "Delete a sandbox",
        description: "Delete a Daytona sandbox by ID or name, discarding its filesystem and state for good. \
Deletion is asynchronous: the result is the sandbox as Daytona last saw it (usually `destroying`). \
To pause billing but keep the files, use stop_sandbox instead.",
        hints: Hints::DELETE,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        lifecycle::delete(client, &self.sandbox)
    }
}

arguments! {
    /// `start_sandbox`.
    pub struct StartSandbox {
        sandbox: String = "sandbox", STRING => SANDBOX;
        timeout: Option<u32> = "timeout", WAIT => WAIT_DESCRIPTION;
    }
}

impl Contract for StartSandbox {
    const ABOUT: About = About {
        name: "start_sandbox",
        title: "Start a sandbox",
        description: "Start a stopped or archived Daytona sandbox (resumes billable compute) and wait until it is started; \
an archived one takes longer, its files being restored first. Needed before execute_command when a sandbox has auto-stopped. Starting a started sandbox returns it unchanged.",
        hints: Hints::SET_STATE,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        lifecycle::start(client, &self.sandbox, self.timeout)
    }
}

arguments! {
    /// `stop_sandbox`.
    pub struct StopSandbox {
        sandbox: String = "sandbox", STRING => SANDBOX;
        force: bool = "force", Ty::Boolean => "Stop at once without a graceful shutdown.";
        timeout: Option<u32> = "timeout", WAIT => WAIT_DESCRIPTION;
    }
}

impl Contract for StopSandbox {
    const ABOUT: About = About {
        name: "stop_sandbox",
        title: "Stop a sandbox",
        description: "Stop a running Daytona sandbox to pause billable compute, keeping its filesystem; running processes end and its sessions are deleted, with their output. \
Waits until it is stopped. Stopping a stopped sandbox returns it unchanged. Use start_sandbox to resume, archive_sandbox to keep it cheaply for longer, delete_sandbox to remove it.",
        hints: Hints::STOP,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        lifecycle::stop(client, &self.sandbox, self.force, self.timeout)
    }
}

arguments! {
    /// `archive_sandbox`.
    pub struct ArchiveSandbox {
        sandbox: String = "sandbox", STRING => SANDBOX;
        timeout: Option<u32> = "timeout", WAIT => WAIT_DESCRIPTION;
    }
}

impl Contract for ArchiveSandbox {
    const ABOUT: About = About {
        name: "archive_sandbox",
        title: "Archive a sandbox",
        description: "Archive a stopped Daytona sandbox: its filesystem moves to object storage, which is cheap to keep, and waits until it is archived. \
Nothing is lost, but start_sandbox then takes longer (the files are restored first, depending on their size). \
Only a stopped sandbox can be archived: a started one is a conflict, so call stop_sandbox first. Archiving an archived sandbox returns it unchanged.",
        hints: Hints::SET_STATE,
        output: Some(schemas::sandbox),
    };
    type Output = Sandbox;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Sandbox, Error> {
        lifecycle::archive(client, &self.sandbox, self.timeout)
    }
}

arguments! {
    /// `set_sandbox_labels`.
    pub struct SetSandboxLabels {
        sandbox: String = "sandbox", STRING => SANDBOX;
        labels: BTreeMap<String, String> = "labels" required, LABELS =>
            "Every label the sandbox is to carry, e.g. {\"task\": \"tests\"}; labels not listed are removed ({} removes all).";
    }
}

impl Contract for SetSandboxLabels {
    const ABOUT: About = About {
        name: "set_sandbox_labels",
        title: "Set a sandbox's labels",
        description: "Replace all labels of a Daytona sandbox with the given ones and return the labels it now carries. \
Labels left out are removed, so to add one, pass the current labels (see get_sandbox) plus the new one. \
Labels organise sandboxes: list_sandboxes filters by them. The sandbox may be in any state.",
        hints: Hints::OVERWRITE,
        output: Some(schemas::labels),
    };
    type Output = BTreeMap<String, String>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<BTreeMap<String, String>, Error> {
        sandboxes::set_labels(client, &self.sandbox, &self.labels)
    }
    fn output_json(labels: BTreeMap<String, String>) -> Result<Value, Error> {
        Ok(super::object([("labels", super::to_value(labels)?)]))
    }
}

arguments! {
    /// `execute_command`.
    pub struct ExecuteCommand {
        sandbox: String = "sandbox", STRING => SANDBOX;
        command: String = "command", STRING =>
            "The shell command, e.g. \"ls -la\" or \"python3 main.py\".";
        cwd: Option<String> = "cwd", STRING => "The working directory; the user's home by default.";
        env: BTreeMap<String, String> = "env", Ty::EnvMap =>
            "Extra environment variables for this command; names match ^[A-Za-z_][A-Za-z0-9_]*$.";
        timeout: Option<u32> = "timeout", Ty::Integer { min: 1, max: execute::MAX_TIMEOUT_SECS as i64 } =>
            "Seconds before the command is killed (default 10).";
    }
}

impl Contract for ExecuteCommand {
    const ABOUT: About = About {
        name: "execute_command",
        title: "Execute a command",
        description: "Run a shell command inside a started Daytona sandbox and return its exit code and merged stdout+stderr. \
The command can change anything in the sandbox. Long output is cut (see `truncated` and `resultLength`); the command is killed after `timeout` seconds (default 10). \
If the sandbox is stopped, call start_sandbox first.",
        hints: Hints::RUN,
        output: Some(schemas::execution),
    };
    type Output = Outcome;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Outcome, Error> {
        let cmd = execute::Command {
            sandbox: self.sandbox,
            command: self.command,
            cwd: self.cwd,
            env: self.env,
            timeout: self.timeout,
        };
        execute::execute(client, &cmd, client.config.output_limit)
    }
}

arguments! {
    /// `list_snapshots`.
    pub struct ListSnapshots {
        name: Option<String> = "name", STRING => "Only snapshots whose name matches this.";
        limit: Option<u32> = "limit", Ty::Integer { min: 1, max: snapshots::MAX_LIMIT as i64 } =>
            "Return at most this many snapshots.";
    }
}

impl Contract for ListSnapshots {
    const ABOUT: About = About {
        name: "list_snapshots",
        title: "List snapshots",
        description: "List the Daytona snapshots (sandbox base images) available to the organization, with state and resources. \
Read-only. Use a snapshot's name or ID as `snapshot` in create_sandbox.",
        hints: Hints::READ,
        output: Some(schemas::snapshot_list),
    };
    type Output = Vec<Snapshot>;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Vec<Snapshot>, Error> {
        snapshots::list(client, self.name.as_deref(), self.limit)
    }
    fn output_json(list: Vec<Snapshot>) -> Result<Value, Error> {
        Ok(super::object([("snapshots", super::to_value(list)?)]))
    }
}
