//! Builds the library component (component/) and the MCP component (mcp/)
//! from the current source, so every test and the CLI run the code in this
//! checkout, with the command and target directory the `cargo host-test`
//! launcher uses (host-test/launch), so neither rebuilds the other's work.
//! A missing wasm32-wasip2 target is added here too, for `cargo test` and
//! `cargo run -p host-test`; only the launcher reports it within seconds.

use std::path::PathBuf;

use launch::{COMPONENTS, TargetCheck};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest_dir.parent().unwrap().to_path_buf();
    for path in [
        "src",
        "wit",
        "Cargo.toml",
        "Cargo.lock",
        "rust-toolchain.toml",
        "component/src",
        "component/Cargo.toml",
        "mcp/src",
        "mcp/Cargo.toml",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    for component in &COMPONENTS {
        println!("cargo:rerun-if-env-changed={}", component.var);
    }
    // The bench names the profile and opt-level its host side was built with.
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let profile = out_dir
        .ancestors()
        .nth(3)
        .and_then(|p| p.file_name())
        .map_or_else(String::new, |p| p.to_string_lossy().into_owned());
    println!("cargo:rustc-env=HOST_TEST_PROFILE={profile}");
    let opt_level = std::env::var("OPT_LEVEL").unwrap_or_default();
    println!("cargo:rustc-env=HOST_TEST_OPT_LEVEL={opt_level}");

    // The components supplied prebuilt (e.g. to test a release artifact).
    for component in &COMPONENTS {
        if let Ok(path) = std::env::var(component.var) {
            println!("cargo:rustc-env={}={path}", component.var);
        }
    }
    let to_build = launch::components_to_build();
    if to_build.is_empty() {
        return;
    }
    match launch::ensure_target() {
        Ok(TargetCheck::Installed) => {}
        Ok(TargetCheck::Added { command }) => {
            println!(
                "cargo:warning=added the {} target (`{command}`)",
                launch::TARGET
            );
        }
        Err(e) => panic!("{e}"),
    }
    let status = launch::build_components_command(&root, &to_build)
        .status()
        .expect("could not run cargo to build the components");
    if !status.success() {
        let packages: Vec<_> = to_build.iter().map(|c| c.package).collect();
        panic!(
            "building the {} component(s) for wasm32-wasip2 failed (see the errors above)",
            packages.join(", ")
        );
    }
    for component in to_build {
        let wasm = launch::component_path(&root, component);
        assert!(wasm.exists(), "component not found at {}", wasm.display());
        println!("cargo:rustc-env={}={}", component.var, wasm.display());
    }
}
