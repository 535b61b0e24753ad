//! host-test's end-to-end tests, one binary: the real components (built by
//! build.rs) in the wasmtime harness, the MCP server, the other hosts and real
//! MCP clients, all against the emulator (`host_test::emulator`).
//!
//! One binary instead of one per file: wasmtime is linked once after a change
//! to `src/`, not once per file, and the component is compiled once per process
//! (`Harness::shared`, `McpServer::start_default`). Each module is what was a
//! test file; no test relies on process-wide state: none sets an environment
//! variable, and every test starts its own emulator.

mod common;

mod api_keys;
mod catalog;
mod deadlines;
mod demo;
mod docs;
mod ephemeral_keys;
mod files;
mod git;
mod host_policy;
mod hosts;
mod least_privilege;
mod lifecycle;
mod mcp;
mod mcp_clients;
mod mcp_examples;
mod pool;
mod previews;
mod sandboxes;
mod sessions;
mod story;
mod upstream;
