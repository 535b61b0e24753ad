//! The `sandboxes` interface: each function's arguments converted into the
//! tool's own arguments type and run through [`invoke`], as `call-tool` runs them.

use super::{Component, to_map, with_client};
use crate::bindings::exports::daytona::tools::sandboxes as wit_sandboxes;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::catalog::invoke;
use daytona_core::catalog::sandbox_tools::{
    ArchiveSandbox, CreateSandbox, DeleteSandbox, ExecuteCommand, GetSandbox, ListSandboxes,
    ListSnapshots, SetSandboxLabels, StartSandbox, StopSandbox,
};
use daytona_core::models::{Sandbox, Snapshot};

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

impl From<wit_sandboxes::ListSandboxesRequest> for ListSandboxes {
    fn from(r: wit_sandboxes::ListSandboxesRequest) -> Self {
        ListSandboxes {
            name: r.name,
            labels: to_map(r.labels),
            states: r.states,
            limit: r.limit,
        }
    }
}

impl From<wit_sandboxes::CreateSandboxRequest> for CreateSandbox {
    fn from(r: wit_sandboxes::CreateSandboxRequest) -> Self {
        CreateSandbox {
            name: r.name,
            snapshot: r.snapshot,
            user: r.user,
            env: to_map(r.env),
            labels: to_map(r.labels),
            public: r.public,
            target: r.target,
            auto_stop_interval: r.auto_stop_interval,
            auto_archive_interval: r.auto_archive_interval,
            auto_delete_interval: r.auto_delete_interval,
            network_block_all: r.network_block_all,
            network_allow_list: r.network_allow_list,
            timeout: r.timeout,
        }
    }
}

impl From<wit_sandboxes::ExecuteRequest> for ExecuteCommand {
    fn from(r: wit_sandboxes::ExecuteRequest) -> Self {
        ExecuteCommand {
            sandbox: r.sandbox,
            command: r.command,
            cwd: r.cwd,
            env: to_map(r.env),
            timeout: r.timeout,
        }
    }
}

impl wit_sandboxes::Guest for Component {
    fn list_sandboxes(
        request: wit_sandboxes::ListSandboxesRequest,
    ) -> Result<Vec<wit::Sandbox>, wit::Error> {
        with_client(|c| invoke(c, ListSandboxes::from(request)))
            .map(|list| list.into_iter().map(to_wit_sandbox).collect())
    }

    fn get_sandbox(sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| invoke(c, GetSandbox { sandbox })).map(to_wit_sandbox)
    }

    fn create_sandbox(
        request: wit_sandboxes::CreateSandboxRequest,
    ) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| invoke(c, CreateSandbox::from(request))).map(to_wit_sandbox)
    }

    fn delete_sandbox(sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| invoke(c, DeleteSandbox { sandbox })).map(to_wit_sandbox)
    }

    fn start_sandbox(sandbox: String, timeout: Option<u32>) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| invoke(c, StartSandbox { sandbox, timeout })).map(to_wit_sandbox)
    }

    fn stop_sandbox(
        sandbox: String,
        force: bool,
        timeout: Option<u32>,
    ) -> Result<wit::Sandbox, wit::Error> {
        let args = StopSandbox {
            sandbox,
            force,
            timeout,
        };
        with_client(|c| invoke(c, args)).map(to_wit_sandbox)
    }

    fn archive_sandbox(sandbox: String, timeout: Option<u32>) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| invoke(c, ArchiveSandbox { sandbox, timeout })).map(to_wit_sandbox)
    }

    fn set_sandbox_labels(
        sandbox: String,
        labels: Vec<(String, String)>,
    ) -> Result<Vec<(String, String)>, wit::Error> {
        let args = SetSandboxLabels {
            sandbox,
            labels: to_map(labels),
        };
        with_client(|c| invoke(c, args)).map(|labels| labels.into_iter().collect())
    }

    fn execute_command(
        request: wit_sandboxes::ExecuteRequest,
    ) -> Result<wit_sandboxes::ExecuteResponse, wit::Error> {
        with_client(|c| invoke(c, ExecuteCommand::from(request))).map(|o| {
            wit_sandboxes::ExecuteResponse {
                exit_code: o.exit_code,
                result: o.result,
                truncated: o.truncated,
                result_length: o.result_length,
            }
        })
    }

    fn list_snapshots(
        name: Option<String>,
        limit: Option<u32>,
    ) -> Result<Vec<wit::Snapshot>, wit::Error> {
        with_client(|c| invoke(c, ListSnapshots { name, limit }))
            .map(|list| list.into_iter().map(to_wit_snapshot).collect())
    }
}
