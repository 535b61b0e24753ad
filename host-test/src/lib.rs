//! Host side of daytona-tools: a wasmtime harness that loads the component with
//! WASI and `wasi:http`, and an emulator of Daytona's API to run it against.

pub mod emulator;
pub mod harness;
pub mod host;

pub use harness::{CallConfig, Harness, Instance};
