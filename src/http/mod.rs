//! Requests to Daytona: building them, the transport seam, authentication,
//! retries with backoff, and decoding answers.
//!
//! Everything here is plain Rust over a [`Transport`]; the wasi implementation
//! lives in [`crate::wasi_http`]. Tests drive the same code with a scripted transport.
//!
//! - `request`: [`Request`], built by the API modules.
//! - `transport`: the [`Transport`] seam, [`Response`] and body collection.
//! - [`json_ends`]: a JSON answer read as it streams, long strings cut to their ends.
//! - `retry`: [`RetryPolicy`] and `Retry-After`.
//! - `client`: [`Client`], which sends through all of these, and decoding.

mod client;
pub mod json_ends;
mod request;
mod retry;
#[cfg(test)]
pub(crate) mod testing;
mod transport;

pub use client::{Client, decode, parse, read};
pub use request::{Explanation, Method, Request, Retry, When, encode_component};
pub use retry::{RetryPolicy, retry_after};
pub use transport::{Body, BodyBuffer, Cut, Response, Transport};

#[cfg(test)]
mod tests;
