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
//!
//! This crate exports nothing: the library component (`component/`, artifact
//! `daytona_tools.wasm`) and the MCP component (`mcp/`, `daytona_mcp.wasm`)
//! are thin crates over it, so building one never rebuilds the other.
#![deny(missing_docs)]

pub mod api;
pub mod catalog;
pub mod config;
pub mod deadline;
pub mod env;
pub mod error;
pub mod hosts;
pub mod http;
pub mod json_ends;
pub mod keys;
pub mod mcp;
pub mod models;
pub mod secret;
pub mod time;
pub mod wasi_http;
