//! The launcher run as a process against a stand-in toolchain: a `rustc`
//! whose sysroot lacks wasm32-wasip2, a `rustup` that can or cannot add it,
//! and a `cargo` that records what it is asked to do. No network and no real
//! build: what is checked is the launcher's decisions.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Toolchain {
    dir: PathBuf,
}

impl Toolchain {
    /// `rustup_adds`: whether the stand-in `rustup target add` succeeds.
    fn new(name: &str, rustup_adds: bool) -> Toolchain {
        let dir = std::env::temp_dir().join(format!("launch-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::create_dir_all(dir.join("sysroot/lib/rustlib/x86_64-unknown-linux-gnu")).unwrap();
        let d = dir.display();
        script(&dir, "rustc", &format!("echo {d}/sysroot"));
        let rustup = if rustup_adds {
            format!("echo \"$@\" >> {d}/rustup.log\nmkdir -p {d}/sysroot/lib/rustlib/wasm32-wasip2")
        } else {
            format!("echo \"$@\" >> {d}/rustup.log\necho 'error: could not download' >&2\nexit 1")
        };
        script(&dir, "rustup", &rustup);
        script(&dir, "cargo", &format!("echo \"$@\" >> {d}/cargo.log"));
        Toolchain { dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        let path = format!(
            "{}:{}",
            self.dir.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_launch"));
        cmd.args(args)
            .env("PATH", path)
            .env("CARGO", self.dir.join("bin/cargo"))
            .env("RUSTUP_TOOLCHAIN", "1.95.0")
            .env_remove("RUSTC")
            .env_remove("DAYTONA_TOOLS_WASM")
            .env_remove("DAYTONA_MCP_WASM");
        cmd.output().unwrap()
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }
}

impl Drop for Toolchain {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn script(dir: &Path, name: &str, body: &str) {
    let path = dir.join("bin").join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_target_that_cannot_be_added_stops_it_before_any_build_naming_the_command() {
    let tc = Toolchain::new("missing", false);
    let out = tc.run(&["demo"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("run `rustup target add wasm32-wasip2 --toolchain 1.95.0`"),
        "{stderr}"
    );
    assert!(stderr.contains("could not download"), "{stderr}");
    assert_eq!(tc.log("rustup.log"), "target add wasm32-wasip2\n");
    assert_eq!(tc.log("cargo.log"), "", "nothing is built");
}

#[test]
fn a_missing_target_is_added_then_the_components_and_host_test_are_built() {
    let tc = Toolchain::new("added", true);
    let out = tc.run(&["call", "--emulator", "list_snapshots", "{}"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "added the wasm32-wasip2 target (`rustup target add wasm32-wasip2 --toolchain 1.95.0`)"
        ),
        "{stderr}"
    );
    let cargo = tc.log("cargo.log");
    let lines: Vec<&str> = cargo.lines().collect();
    assert_eq!(lines.len(), 2, "{cargo}");
    // The components' build (order between the two is not fixed: the first
    // runs in the background).
    let build = lines
        .iter()
        .find(|l| l.starts_with("build "))
        .expect(&cargo);
    assert!(
        build.starts_with(
            "build --release --target wasm32-wasip2 -p daytona-tools-component -p daytona-mcp --target-dir "
        ) && build.ends_with("target/component --quiet"),
        "{build}"
    );
    let run = lines.iter().find(|l| l.starts_with("run ")).expect(&cargo);
    assert_eq!(
        *run,
        "run --package host-test -- call --emulator list_snapshots {}"
    );
}

#[test]
fn host_tests_exit_code_is_passed_on_and_prebuilt_components_are_not_rebuilt() {
    let tc = Toolchain::new("prebuilt", true);
    script(
        &tc.dir,
        "cargo",
        &format!("echo \"$@\" >> {}/cargo.log\nexit 3", tc.dir.display()),
    );
    std::fs::create_dir_all(tc.dir.join("sysroot/lib/rustlib/wasm32-wasip2")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_launch"))
        .arg("tools")
        .env("CARGO", tc.dir.join("bin/cargo"))
        .env("RUSTC", tc.dir.join("bin/rustc"))
        .env("DAYTONA_TOOLS_WASM", "/prebuilt/daytona_tools.wasm")
        .env("DAYTONA_MCP_WASM", "/prebuilt/daytona_mcp.wasm")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(tc.log("rustup.log"), "", "the target is there");
    assert_eq!(tc.log("cargo.log"), "run --package host-test -- tools\n");
}
