//! `cargo host-test <command>` (an alias in .cargo/config.toml): host-test's
//! CLI for a fresh clone. It checks the wasm32-wasip2 target first, so a
//! missing one is added, or reported with the command to run, within seconds
//! rather than after wasmtime has compiled (cargo starts a dependency-free
//! crate late in a build from scratch). Then it starts the components' build
//! beside host-test's, instead of after it, and runs host-test in the dev
//! profile: wasmtime unoptimised builds in half the time, and `cargo test`
//! reuses it. Its price is paid once: the components compile in seconds,
//! then load from wasmtime's cache (an optimised cranelift-codegen alone took
//! longer to build than the whole demo then saves).

use std::process::{Command, ExitCode, Stdio};

use launch::{TargetCheck, build_components_command, components_to_build, ensure_target};

fn main() -> ExitCode {
    match ensure_target() {
        Ok(TargetCheck::Installed) => {}
        Ok(TargetCheck::Added { command }) => {
            eprintln!("launch: added the {} target (`{command}`)", launch::TARGET);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    let root = launch::repo_root();
    // host-test's build script builds the same components with the same
    // command, and finds them built (or waits on the lock and then does).
    // Quiet: if this build fails, that one fails the same way and cargo shows
    // its errors.
    let components = components_to_build();
    let mut early = if components.is_empty() {
        None
    } else {
        build_components_command(&root, &components)
            .arg("--quiet")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(&root)
        .args(["run", "--package", "host-test", "--"])
        .args(std::env::args_os().skip(1))
        .status();
    // Done by now if host-test's build script ran (it waited on the lock);
    // otherwise a quick check that the components are fresh.
    if let Some(child) = early.as_mut() {
        let _ = child.wait();
    }
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().map_or(1, |c| c.clamp(1, 255) as u8)),
        Err(e) => {
            eprintln!("error: could not run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
