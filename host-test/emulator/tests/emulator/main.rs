//! The emulator's own tests, one binary without wasmtime: its routes over plain HTTP,
//! its toolbox routes against real files, git and processes, and Daytona's official
//! Python SDK driving it.

mod http;
mod routes;
mod sdk_conformance;
mod toolbox;
