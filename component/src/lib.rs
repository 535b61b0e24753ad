//! The library component (`daytona_tools.wasm`): the interfaces of
//! `wit/world.wit`, exported over the plain-Rust core (the `daytona-tools`
//! package at the workspace root, `daytona_core` here). A crate of its own so
//! that building it never rebuilds, or overwrites, the MCP component (`mcp/`),
//! which links the same core without these exports.
#![deny(missing_docs)]

// The exports only link as a component; natively this crate is empty.
#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod guest;
