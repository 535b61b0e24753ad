//! The exported WIT interfaces: read the configuration, call the plain-Rust
//! API, convert to and from the generated types. The one place an [`Error`]
//! becomes the WIT `error`.

mod files;
mod git;
mod keys;
mod previews;
mod sandboxes;
mod sessions;

use crate::bindings::exports::daytona::tools::tools;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::catalog::selection::Selection;
use daytona_core::catalog::{Context, Policy, Tool};
use daytona_core::config::Config;
use daytona_core::env::Env;
use daytona_core::error::{Error, ErrorKind};
use daytona_core::keys::ceiling::MintCeiling;
use daytona_core::wasi_http::WasiTransport;
use std::collections::BTreeMap;

/// The component.
pub struct Component;

crate::bindings::export!(Component with_types_in crate::bindings);

/// Read the configuration and run `f` with a client. Typed functions call
/// [`daytona_core::catalog::invoke`], which refuses a tool `DAYTONA_TOOLS` leaves out
/// exactly as `call-tool` does, so hosts that turn typed exports into tools
/// (Wassette) honour the selection too.
pub(crate) fn with_client<R>(
    f: impl FnOnce(&Context<WasiTransport>) -> Result<R, Error>,
) -> Result<R, wit::Error> {
    let host = Host::from_env()?;
    f(&Context::new(&host.config, &host.transport, &host.policy)).map_err(to_wit_error)
}

/// What a typed call needs besides its arguments: the configuration, the
/// host's policy and the transport.
struct Host {
    config: Config,
    policy: Policy,
    transport: WasiTransport,
}

impl Host {
    /// Read the environment once: the policy, then the configuration (the
    /// order their errors are reported in). Out of line, and boxed so that
    /// each exported function moves a pointer rather than the whole configuration.
    #[inline(never)]
    fn from_env() -> Result<Box<Host>, wit::Error> {
        let env = Env::read();
        let policy = Policy::from_env(&env).map_err(to_wit_error)?;
        Ok(Box::new(Host {
            config: Config::from_env(&env).map_err(to_wit_error)?,
            policy,
            transport: WasiTransport::default(),
        }))
    }
}

/// A WIT list of pairs as a map, later pairs winning as with `collect`. Filled
/// by `extend`: collecting into a `BTreeMap` compiles a sort into the component.
pub(crate) fn to_map(pairs: Vec<(String, String)>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// An [`Error`] as the WIT `error`; out of line, as every export maps its errors.
#[inline(never)]
pub(crate) fn to_wit_error(e: Error) -> wit::Error {
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

impl tools::Guest for Component {
    fn list_tools() -> Vec<tools::Tool> {
        let env = Env::read();
        // A malformed DAYTONA_TOOLS offers nothing (call-tool says why): fail closed.
        let Ok(selection) = Selection::from_env(&env) else {
            return Vec::new();
        };
        let ceiling = MintCeiling::from_env(&env);
        selection
            .tools()
            .filter_map(|tool| {
                let (description, input_schema) = tool.advertised(&ceiling)?;
                let t = tool.spec();
                Some(tools::Tool {
                    name: t.name.to_string(),
                    title: t.title.to_string(),
                    description,
                    input_schema: input_schema.to_string(),
                    output_schema: t.output_schema().map(|schema| schema.to_string()),
                    read_only: t.hints.read_only,
                    destructive: t.hints.destructive,
                    idempotent: t.hints.idempotent,
                    open_world: t.hints.open_world,
                })
            })
            .collect()
    }

    fn call_tool(name: String, arguments: String) -> Result<String, tools::ToolError> {
        let tool = Tool::named(&name).map_err(to_wit_error)?;
        with_client(|c| tool.call(c, &arguments)).map(|v| v.to_string())
    }
}
