//! Builders shared by the end-to-end tests.
#![allow(dead_code)]

use host_test::emulator::{Emulator, EmulatorOptions};
use host_test::harness::types::{Error, ErrorKind};
use host_test::{CallConfig, Harness, Instance};

/// A fresh emulator with default options.
pub fn emulator() -> Emulator {
    Emulator::start(EmulatorOptions::default()).expect("starting the emulator")
}

/// Guest configuration pointing at `emu` with its master API key.
pub fn config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// A fresh instance of the component.
pub async fn instance(config: &CallConfig) -> Instance {
    Harness::shared()
        .instance(config)
        .await
        .expect("instantiating the component")
}

/// Call a tool on a fresh instance; returns the parsed JSON result or the error,
/// and checks that no secret of `emu` leaked into the result, the error or the guest's output.
pub async fn call(
    emu: &Emulator,
    config: &CallConfig,
    tool: &str,
    args: &str,
) -> Result<serde_json::Value, Error> {
    let mut inst = instance(config).await;
    let outcome = inst.call_tool(tool, args).await.expect("call-tool trapped");
    let shown = format!("{outcome:?}{}", inst.output());
    assert_no_secrets(emu, &shown);
    outcome.map(|json| serde_json::from_str(&json).expect("call-tool returned invalid JSON"))
}

/// Fail if any secret of the emulator's default credentials appears in `text`.
pub fn assert_no_secrets(emu: &Emulator, text: &str) {
    for secret in [emu.api_key(), emu.jwt()] {
        assert!(!text.contains(&secret), "a secret leaked into: {text}");
    }
}

/// Assert the error kind, with the whole error shown on failure.
pub fn assert_kind(err: &Error, kind: ErrorKind) {
    assert!(
        std::mem::discriminant(&err.kind) == std::mem::discriminant(&kind),
        "expected {kind:?}, got {err:?}"
    );
}
