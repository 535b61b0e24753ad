//! Host side of daytona-tools: a wasmtime harness that loads the component with
//! WASI and `wasi:http`, and an emulator of Daytona's API to run it against;
//! `mcp_server` serves the MCP component (`daytona_mcp.wasm`) over HTTP and
//! `log_sink` streams its instances' output;
//! `pool` is the kept-alive outbound transport; `bench` the `bench` command;
//! `demo` the `demo` command.

pub mod bench;
pub mod demo;
pub mod harness;
pub mod host;
pub mod log_sink;
pub mod mcp_server;
pub mod pool;

pub use harness::{CallConfig, Harness, Instance};

/// The Daytona API emulator, its own crate (`host-test/emulator`, no wasmtime).
pub use daytona_emulator as emulator;
