//! daytona-tools: a WebAssembly component giving agent hosts least-privilege
//! access to Daytona sandboxes.
//!
//! - [`config`]: environment → configuration; secrets redacted.
//! - [`error`]: the one error type and its mapping from HTTP answers.
//! - [`hosts`]: which hosts a credential may be sent to.
//! - [`http`]: requests, the transport seam, retries; [`wasi_http`] sends them.
//! - [`deadline`]: monotonic deadlines: which bound limits each wait, the call budget.
//! - [`models`]: serde types of Daytona's wire format.
//! - [`time`]: RFC 3339 instants without a date crate, for `api` and `keys` alike.
//! - [`api`]: one module per Daytona resource: build requests, parse answers.
//! - [`keys`]: ephemeral keys: scopes, TTLs, names, minting, sweeping, audit.
//! - [`catalog`]: one contract per tool (arguments, schemas, run) and the `Tool` enum.
//! - [`mcp`]: an MCP server (Streamable HTTP) over the catalog, as plain functions.
//! - `guest`: the exported WIT interfaces; the only user of `bindings` (wasm32 only,
//!   with the default `library-component` feature).
#![deny(missing_docs)]

pub mod api;
pub mod catalog;
pub mod config;
pub mod deadline;
pub mod error;
pub mod hosts;
pub mod http;
pub mod json_ends;
pub mod keys;
pub mod mcp;
pub mod models;
pub mod time;
pub mod wasi_http;

// The exports only link as a component; natively the rest is a plain library.
// The `library-component` feature (default) adds them; the MCP component
// (`mcp/`) builds without it so it carries only `wasi:http/incoming-handler`.
#[cfg(all(target_arch = "wasm32", feature = "library-component"))]
mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "library-component"))]
mod guest;
