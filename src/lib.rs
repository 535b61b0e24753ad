//! daytona-tools: a WebAssembly component giving agent hosts least-privilege
//! access to Daytona sandboxes.
//!
//! Layers, each using only those above it:
//!
//! - [`error`]: the one error type and its mapping from HTTP answers.
//! - [`secret`]: credentials that never format; [`env`](mod@env): the environment, read once.
//! - [`time`]: RFC 3339 instants without a date crate, for `api` and `keys` alike.
//! - [`hosts`]: which hosts a credential may be sent to, and the one URL parser.
//! - [`deadline`]: monotonic deadlines: which bound limits each wait, the call budget.
//! - [`wire`]: how an answer is read: a field table per model, misfits noted
//!   by path, never a half-read value.
//! - [`config`]: the connection's settings from the environment: API URL,
//!   credentials, timeouts, output limit, hosts.
//! - [`http`]: requests, the transport seam, retries, answers read as they
//!   stream (keeping both ends of long strings); [`wasi_http`] sends them.
//! - [`models`]: Daytona's wire format: answers (each a [`wire`] table,
//!   lenient where Daytona is) and request bodies.
//! - [`api`]: one module per Daytona resource: build requests, parse answers.
//! - [`keys`]: ephemeral keys: scopes, TTLs, the minting ceiling, names,
//!   minting, sweeping, audit; key administration within the ceiling.
//! - [`catalog`]: one contract per tool (arguments, schemas, run), the `Tool`
//!   enum, and the host's policy (`DAYTONA_TOOLS`, the ceiling) a tool runs under.
//! - [`mcp`]: an MCP server (Streamable HTTP) over the catalog, as plain functions.
//!
//! This crate exports nothing: the library component (`component/`, artifact
//! `daytona_tools.wasm`) and the MCP component (`mcp/`, `daytona_mcp.wasm`)
//! are thin crates over it, so building one never rebuilds the other.
#![deny(missing_docs)]
// The code-size rules of the root clippy.toml are for what reaches a
// component; unit tests run natively only.
#![cfg_attr(
    test,
    allow(
        clippy::disallowed_methods,
        clippy::disallowed_macros,
        clippy::disallowed_types,
        reason = "unit tests never reach a component"
    )
)]

pub mod api;
pub mod catalog;
pub mod config;
pub mod deadline;
pub mod env;
pub mod error;
pub mod hosts;
pub mod http;
pub mod keys;
#[cfg(test)]
mod layout;
pub mod mcp;
pub mod models;
pub mod secret;
pub mod time;
pub mod wasi_http;
pub mod wire;
