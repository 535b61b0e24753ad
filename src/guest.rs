//! The exported WIT interfaces: read the configuration, call the plain-Rust
//! API, convert to and from the generated types. The one place an [`Error`]
//! becomes the WIT `error`.

use crate::api::sandboxes::{self, ListFilter};
use crate::bindings::exports::daytona::tools::{
    api_keys, ephemeral_keys, sandboxes as wit_sandboxes, tools,
};
use crate::bindings::exports::daytona::tools::types as wit;
use crate::config::Config;
use crate::error::{Error, ErrorKind};
use crate::http::Client;
use crate::models::{Sandbox, Snapshot};
use crate::wasi_http::{MAX_RESPONSE_BYTES, WasiTransport};

/// The component.
pub struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

/// Read the configuration and run `f` with a client.
fn with_client<R>(f: impl FnOnce(&Client<WasiTransport>) -> Result<R, Error>) -> Result<R, wit::Error> {
    let config = Config::from_env(std::env::vars()).map_err(to_wit_error)?;
    let transport = WasiTransport {
        connect_timeout: config.connect_timeout,
        max_body: MAX_RESPONSE_BYTES,
    };
    f(&Client::new(&config, &transport)).map_err(to_wit_error)
}

fn not_yet<R>(what: &str) -> Result<R, wit::Error> {
    Err(to_wit_error(Error::new(
        ErrorKind::Upstream,
        format!("{what} is not implemented in this version of daytona-tools"),
    )))
}

fn to_wit_error(e: Error) -> wit::Error {
    wit::Error {
        kind: match e.kind {
            ErrorKind::InvalidInput => wit::ErrorKind::InvalidInput,
            ErrorKind::Unauthorized => wit::ErrorKind::Unauthorized,
            ErrorKind::Forbidden => wit::ErrorKind::Forbidden,
            ErrorKind::NotFound => wit::ErrorKind::NotFound,
            ErrorKind::Conflict => wit::ErrorKind::Conflict,
            ErrorKind::RateLimited => wit::ErrorKind::RateLimited,
            ErrorKind::Timeout => wit::ErrorKind::Timeout,
            ErrorKind::Upstream => wit::ErrorKind::Upstream,
            ErrorKind::Transport => wit::ErrorKind::Transport,
            ErrorKind::Config => wit::ErrorKind::Config,
        },
        message: e.message,
        hint: e.hint,
        retryable: e.retryable,
        status: e.status,
    }
}

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

#[allow(dead_code)]
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
        with_client(|c| sandboxes::list(c, &filter))
            .map(|list| list.into_iter().map(to_wit_sandbox).collect())
    }

    fn get_sandbox(sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        with_client(|c| sandboxes::get(c, &sandbox)).map(to_wit_sandbox)
    }

    fn create_sandbox(
        _request: wit_sandboxes::CreateSandboxRequest,
    ) -> Result<wit::Sandbox, wit::Error> {
        not_yet("create-sandbox")
    }

    fn delete_sandbox(_sandbox: String) -> Result<wit::Sandbox, wit::Error> {
        not_yet("delete-sandbox")
    }

    fn start_sandbox(_sandbox: String, _timeout: Option<u32>) -> Result<wit::Sandbox, wit::Error> {
        not_yet("start-sandbox")
    }

    fn stop_sandbox(
        _sandbox: String,
        _force: bool,
        _timeout: Option<u32>,
    ) -> Result<wit::Sandbox, wit::Error> {
        not_yet("stop-sandbox")
    }

    fn execute_command(
        _request: wit_sandboxes::ExecuteRequest,
    ) -> Result<wit_sandboxes::ExecuteResponse, wit::Error> {
        not_yet("execute-command")
    }

    fn list_snapshots(
        _name: Option<String>,
        _limit: Option<u32>,
    ) -> Result<Vec<wit::Snapshot>, wit::Error> {
        not_yet("list-snapshots")
    }
}

impl api_keys::Guest for Component {
    fn create_api_key(
        _name: String,
        _permissions: Vec<String>,
        _expires_at: Option<String>,
    ) -> Result<wit::ApiKey, wit::Error> {
        not_yet("create-api-key")
    }
    fn list_api_keys() -> Result<Vec<wit::ApiKey>, wit::Error> {
        not_yet("list-api-keys")
    }
    fn get_current_api_key() -> Result<wit::ApiKey, wit::Error> {
        not_yet("get-current-api-key")
    }
    fn get_api_key(_name: String) -> Result<wit::ApiKey, wit::Error> {
        not_yet("get-api-key")
    }
    fn delete_api_key(_name: String) -> Result<(), wit::Error> {
        not_yet("delete-api-key")
    }
    fn delete_api_key_for_user(_user_id: String, _name: String) -> Result<(), wit::Error> {
        not_yet("delete-api-key-for-user")
    }
}

impl ephemeral_keys::Guest for Component {
    fn mint_ephemeral_key(
        _scope: Option<String>,
        _ttl_seconds: Option<u32>,
        _holder: Option<String>,
    ) -> Result<ephemeral_keys::MintedKey, wit::Error> {
        not_yet("mint-ephemeral-key")
    }
    fn revoke_ephemeral_key(_name: String) -> Result<(), wit::Error> {
        not_yet("revoke-ephemeral-key")
    }
    fn list_ephemeral_keys() -> Result<Vec<ephemeral_keys::EphemeralKey>, wit::Error> {
        not_yet("list-ephemeral-keys")
    }
    fn revoke_expired_keys() -> Result<ephemeral_keys::SweepReport, wit::Error> {
        not_yet("revoke-expired-keys")
    }
}

impl tools::Guest for Component {
    fn list_tools() -> Vec<tools::Tool> {
        crate::catalog::tools()
            .iter()
            .map(|t| tools::Tool {
                name: t.name.to_string(),
                title: t.title.to_string(),
                description: t.description.to_string(),
                input_schema: t.input_schema().to_string(),
                output_schema: None,
                read_only: t.hints.read_only,
                destructive: t.hints.destructive,
                idempotent: t.hints.idempotent,
                open_world: t.hints.open_world,
            })
            .collect()
    }

    fn call_tool(name: String, arguments: String) -> Result<String, tools::ToolError> {
        with_client(|c| crate::catalog::dispatch::call(c, &name, &arguments))
            .map(|v| v.to_string())
    }
}
