//! Builds the library component (component/) and the MCP component (mcp/)
//! from the current source, so every test and the CLI run the code in this
//! checkout. The nested cargo uses its own target directory so it never waits
//! on the outer build's lock. The
//! wasm32-wasip2 target is there by now: wasm-target/build.rs (a `links`
//! dependency, so its script runs before this one) installs it or fails.

use std::path::{Path, PathBuf};
use std::process::Command;

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
    println!("cargo:rerun-if-env-changed=DAYTONA_TOOLS_WASM");
    println!("cargo:rerun-if-env-changed=DAYTONA_MCP_WASM");
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
    let target_dir = root.join("target").join("component");

    // The components not supplied prebuilt (e.g. to test a release artifact),
    // built by one cargo invocation as `cargo build --release --target
    // wasm32-wasip2` builds them: each is a crate of its own, so neither
    // overwrites the other.
    let components = [
        (
            "DAYTONA_TOOLS_WASM",
            "daytona-tools-component",
            "daytona_tools.wasm",
        ),
        ("DAYTONA_MCP_WASM", "daytona-mcp", "daytona_mcp.wasm"),
    ];
    let mut packages = Vec::new();
    for (var, package, _) in components {
        match std::env::var(var) {
            Ok(path) => println!("cargo:rustc-env={var}={path}"),
            Err(_) => packages.push(package),
        }
    }
    if packages.is_empty() {
        return;
    }
    build_components(&root, &target_dir, &packages);
    for (var, package, file) in components {
        if packages.contains(&package) {
            let wasm = target_dir.join("wasm32-wasip2/release").join(file);
            assert!(wasm.exists(), "component not found at {}", wasm.display());
            println!("cargo:rustc-env={var}={}", wasm.display());
        }
    }
}

/// `cargo build --release --target wasm32-wasip2 -p <package>...` into `target_dir`.
fn build_components(root: &Path, target_dir: &Path, packages: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--release", "--target", "wasm32-wasip2"])
        .args(packages.iter().flat_map(|p| ["-p", p]))
        .arg("--target-dir")
        .arg(target_dir);
    // The outer build's settings are for the host target; don't leak them in.
    for (key, _) in std::env::vars() {
        if (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_MAKEFLAGS")
            || key == "RUSTFLAGS"
            || key == "RUSTC_WRAPPER"
            || key == "RUSTC_WORKSPACE_WRAPPER"
        {
            cmd.env_remove(key);
        }
    }
    let status = cmd
        .status()
        .expect("could not run cargo to build the component");
    if !status.success() {
        panic!(
            "building the {} component(s) for wasm32-wasip2 failed (see the errors above)",
            packages.join(", ")
        );
    }
}
