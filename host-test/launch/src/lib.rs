//! What host-test needs before wasmtime: the wasm32-wasip2 target, and both
//! components built from this checkout. host-test's build script and the
//! `cargo host-test` launcher (src/main.rs) share it, so both build the
//! components with the same command and neither rebuilds the other's work.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target the components are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// A component: the variable that supplies it prebuilt, its package, its file.
pub struct Component {
    pub var: &'static str,
    pub package: &'static str,
    pub file: &'static str,
}

/// Both components, each a crate of its own (so neither overwrites the other).
pub const COMPONENTS: [Component; 2] = [
    Component {
        var: "DAYTONA_TOOLS_WASM",
        package: "daytona-tools-component",
        file: "daytona_tools.wasm",
    },
    Component {
        var: "DAYTONA_MCP_WASM",
        package: "daytona-mcp",
        file: "daytona_mcp.wasm",
    },
];

/// The repository's root (this crate is host-test/launch).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the components are built: a target directory of their own, so the
/// nested cargo never waits on the outer build's lock.
pub fn component_target_dir(root: &Path) -> PathBuf {
    root.join("target").join("component")
}

/// The built component file.
pub fn component_path(root: &Path, component: &Component) -> PathBuf {
    component_target_dir(root)
        .join(TARGET)
        .join("release")
        .join(component.file)
}

/// The components not supplied prebuilt through their variable.
pub fn components_to_build() -> Vec<&'static Component> {
    COMPONENTS
        .iter()
        .filter(|c| std::env::var_os(c.var).is_none())
        .collect()
}

/// `cargo build --release --target wasm32-wasip2 -p <package>...`, as the
/// README builds the components, into [`component_target_dir`].
pub fn build_components_command(root: &Path, components: &[&Component]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--release", "--target", TARGET])
        .args(components.iter().flat_map(|c| ["-p", c.package]))
        .arg("--target-dir")
        .arg(component_target_dir(root));
    // The outer build's settings are for the host target (and cargo run's
    // CARGO_* describe the launcher): don't leak them in, so the launcher's
    // build and the build script's are the same build.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if (key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_MAKEFLAGS")
            || key == "RUSTFLAGS"
            || key == "RUSTC"
            || key == "RUSTC_WRAPPER"
            || key == "RUSTC_WORKSPACE_WRAPPER"
        {
            cmd.env_remove(key.as_ref());
        }
    }
    cmd
}

/// What [`ensure_target`] did when it succeeded.
#[derive(Debug, PartialEq)]
pub enum TargetCheck {
    Installed,
    Added { command: String },
}

/// Makes sure the active toolchain has [`TARGET`]: where it is missing, runs
/// `rustup target add` (rustup on CI, with RUSTUP_AUTO_INSTALL=0, adds nothing
/// by itself); where that fails, an error naming the command to run.
pub fn ensure_target() -> Result<TargetCheck, String> {
    let sysroot = sysroot()?;
    if target_installed(&sysroot) {
        return Ok(TargetCheck::Installed);
    }
    // rustup passes the toolchain rust-toolchain.toml pins on in
    // RUSTUP_TOOLCHAIN, so the target goes to that one, not the default.
    let command = match std::env::var("RUSTUP_TOOLCHAIN") {
        Ok(toolchain) => format!("rustup target add {TARGET} --toolchain {toolchain}"),
        Err(_) => format!("rustup target add {TARGET}"),
    };
    let mut rustup = Command::new("rustup");
    rustup.args(["target", "add", TARGET]);
    let why = match rustup.output() {
        Ok(out) if out.status.success() && target_installed(&sysroot) => {
            return Ok(TargetCheck::Added { command });
        }
        // Its first line says why; the rest may be a backtrace.
        Ok(out) => format!(
            "`{command}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("no message")
                .trim()
        ),
        Err(e) => format!("rustup could not be run: {e}"),
    };
    Err(format!(
        "the {TARGET} target the components are built for is not installed for this \
         toolchain ({sysroot}) and could not be added ({why}); run `{command}` (or install \
         the Rust standard library for {TARGET} another way) and try again"
    ))
}

fn sysroot() -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("could not run {}: {e}", rustc.to_string_lossy()))?;
    if !out.status.success() {
        return Err(format!(
            "`rustc --print sysroot` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn target_installed(sysroot: &str) -> bool {
    Path::new(sysroot).join("lib/rustlib").join(TARGET).exists()
}
