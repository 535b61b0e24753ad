//! Makes sure the active toolchain has the wasm32-wasip2 target before
//! host-test's build script builds the components with it: where it is
//! missing, runs `rustup target add wasm32-wasip2` (rustup on CI, with
//! RUSTUP_AUTO_INSTALL=0, adds nothing by itself), or fails naming the command.
//!
//! `links` makes host-test's build script wait for this one. A crate of its
//! own depends on nothing, but cargo starts ready units by how many units
//! depend on them, so in a build from scratch it still runs after most of
//! wasmtime's dependencies (README, Development, has the measurement).

use std::path::Path;
use std::process::Command;

const TARGET: &str = "wasm32-wasip2";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTUP_TOOLCHAIN");
    println!("cargo:rerun-if-env-changed=DAYTONA_TOOLS_WASM");
    println!("cargo:rerun-if-env-changed=DAYTONA_MCP_WASM");
    // Both components supplied prebuilt: nothing is built for the target.
    if std::env::var_os("DAYTONA_TOOLS_WASM").is_some()
        && std::env::var_os("DAYTONA_MCP_WASM").is_some()
    {
        return;
    }
    let sysroot = sysroot();
    if target_installed(&sysroot) {
        return;
    }
    // rustup runs this build with the toolchain rust-toolchain.toml pins and
    // passes it on in RUSTUP_TOOLCHAIN, so the `rustup` below adds the target
    // to that one, not to the default toolchain.
    let add = match std::env::var("RUSTUP_TOOLCHAIN") {
        Ok(toolchain) => format!("rustup target add {TARGET} --toolchain {toolchain}"),
        Err(_) => format!("rustup target add {TARGET}"),
    };
    let mut cmd = Command::new("rustup");
    cmd.args(["target", "add", TARGET]);
    println!(
        "cargo:warning=the {TARGET} target the components are built for is not installed \
         for this toolchain ({sysroot}); running `rustup target add {TARGET}`"
    );
    let added = match cmd.output() {
        Ok(out) if out.status.success() => target_installed(&sysroot),
        Ok(out) => {
            eprintln!(
                "`rustup target add {TARGET}` failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            false
        }
        Err(e) => {
            eprintln!("could not run rustup: {e}");
            false
        }
    };
    if !added {
        panic!(
            "the {TARGET} target is not installed for this toolchain ({sysroot}) and could \
             not be added; run `{add}` (or install the Rust standard library for {TARGET} \
             another way) and build again"
        );
    }
    println!("cargo:warning=added the {TARGET} target (`{add}`)");
}

fn sysroot() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn target_installed(sysroot: &str) -> bool {
    Path::new(sysroot).join("lib/rustlib").join(TARGET).exists()
}
