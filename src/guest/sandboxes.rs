//! The `sandboxes` interface.

use super::{Component, with_client};
use crate::api::sandboxes::{self, ListFilter};
use crate::api::{lifecycle, snapshots, toolbox};
use crate::bindings::exports::daytona::tools::sandboxes as wit_sandboxes;
use crate::bindings::exports::daytona::tools::types as wit;
use crate::models::CreateSandbox;
use crate::models::{Sandbox, Snapshot};

fn to_wit_sandbox(s: Sandbox) -> wit::Sandbox {
    wit::Sandbox {
        id: s.id,
        name: s.name,
        organization_id: s.organization_id,
        state: s.state,
        desired_state: s.desired_state,
        error_reason: s.error_reason,
        snapshot: s.snapshot,
        user: s.user,
        target: s.target,
        cpu: s.cpu,
        gpu: s.gpu,
        memory: s.memory,
        disk: s.disk,
        public: s.public,
        labels: s.labels.into_iter().collect(),
        auto_stop_interval: s.auto_stop_interval,
        auto_archive_interval: s.auto_archive_interval,
        auto_delete_interval: s.auto_delete_interval,
        network_block_all: s.network_block_all,
        network_allow_list: s.network_allow_list,
        toolbox_proxy_url: s.toolbox_proxy_url,
        created_at: s.created_at,
        updated_at: s.updated_at,
    }
}

fn to_wit_snapshot(s: Snapshot) -> wit::Snapshot {
    wit::Snapshot {
        id: s.id,
        name: s.name,
        state: s.state,
        general: s.general,
        image_name: s.image_name,
        cpu: s.cpu,
        gpu: s.gpu,
        mem: s.mem,
        disk: s.disk,
        size: s.size,
        error_reason: s.error_reason,
        created_at: s.created_at,
    }
}

impl wit_sandboxes::Guest for Component {
    fn list_sandboxes(
        request: wit_sandboxes::ListSandboxesRequest,
    ) -> Result<Vec<wit::Sandbox>, wit::Error> {
        let filter = ListFilter {
            name: request.name,
            labels: request.labels.into_iter().collect(),
            states: request.states,
            limit: request.limit,
        };
        with_client("list_sandboxes", |c| sandboxes::list(c, &filter))
            .map(|list| list.into_iter().map(to_wit_sandbox).collect())
    }

    fn get_sandbox(sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        with_client("get_sandbox", |c| sandboxes::get(c, &sandbox)).map(to_wit_sandbox)
    }

    fn create_sandbox(
        request: wit_sandboxes::CreateSandboxRequest,
    ) -> Result<wit::Sandbox, wit::Error> {
        let req = CreateSandbox {
            name: request.name,
            snapshot: request.snapshot,
            user: request.user,
            env: request.env.into_iter().collect(),
            labels: request.labels.into_iter().collect(),
            public: request.public,
            target: request.target,
            cpu: request.cpu,
            memory: request.memory,
            disk: request.disk,
            auto_stop_interval: request.auto_stop_interval,
            auto_archive_interval: request.auto_archive_interval,
            auto_delete_interval: request.auto_delete_interval,
            network_block_all: request.network_block_all,
            network_allow_list: request.network_allow_list,
        };
        with_client("create_sandbox", |c| {
            lifecycle::create(c, &req, request.timeout)
        })
        .map(to_wit_sandbox)
    }

    fn delete_sandbox(sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        with_client("delete_sandbox", |c| lifecycle::delete(c, &sandbox)).map(to_wit_sandbox)
    }

    fn start_sandbox(sandbox: String, timeout: Option<u32>) -> Result<wit::Sandbox, wit::Error> {
        with_client("start_sandbox", |c| lifecycle::start(c, &sandbox, timeout)).map(to_wit_sandbox)
    }

    fn stop_sandbox(
        sandbox: String,
        force: bool,
        timeout: Option<u32>,
    ) -> Result<wit::Sandbox, wit::Error> {
        with_client("stop_sandbox", |c| {
            lifecycle::stop(c, &sandbox, force, timeout)
        })
        .map(to_wit_sandbox)
    }

    fn execute_command(
        request: wit_sandboxes::ExecuteRequest,
    ) -> Result<wit_sandboxes::ExecuteResponse, wit::Error> {
        let cmd = toolbox::Command {
            sandbox: request.sandbox,
            command: request.command,
            cwd: request.cwd,
            env: request.env.into_iter().collect(),
            timeout: request.timeout,
        };
        with_client("execute_command", |c| {
            toolbox::execute(c, &cmd, c.config.output_limit)
        })
        .map(|o| wit_sandboxes::ExecuteResponse {
            exit_code: o.exit_code,
            result: o.result,
            truncated: o.truncated,
            result_length: o.result_length,
        })
    }

    fn list_snapshots(
        name: Option<String>,
        limit: Option<u32>,
    ) -> Result<Vec<wit::Snapshot>, wit::Error> {
        with_client("list_snapshots", |c| {
            snapshots::list(c, name.as_deref(), limit)
        })
        .map(|list| list.into_iter().map(to_wit_snapshot).collect())
    }
}
