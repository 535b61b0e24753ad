//! Empty: this crate is its build script (`build.rs`), which installs the
//! wasm32-wasip2 target host-test's build script needs, or fails early.
