//! Daytona's official Python SDK against the emulator: if the SDK accepts the emulator's
//! answers for create, list, get, exec, stop, start and delete, the emulator speaks
//! Daytona's API closely enough to test daytona-tools against.
//!
//! Runs `tests/sdk/run.sh` (virtualenv in `host-test/.venv`, SDK version pinned there) with
//! the emulator's URL and credentials. Needs `bash`, `python3` with `venv`, and PyPI the
//! first time; without them the test fails and says what is missing.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use daytona_emulator::{Emulator, EmulatorOptions, SandboxSeed};

/// First runs install the SDK (tens of seconds); later ones take a few seconds.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(300);

/// Request paths the SDK may use for the steps the script takes.
const EXPECTED_PATHS: [&str; 4] = [
    "/api/sandbox",
    "/api/config",
    "/api/socket.io/",
    "/toolbox/",
];

#[test]
fn python_sdk_drives_the_emulator_through_the_sandbox_lifecycle() {
    // A small page size makes the SDK's list() follow nextCursor over several pages; a
    // transition delay makes create/stop/start/delete poll through transitional states.
    let emu = Emulator::start(EmulatorOptions {
        page_size_cap: Some(2),
        transition_delay: Duration::from_millis(200),
        ..Default::default()
    })
    .expect("the emulator should start");
    let seeded: Vec<String> = (0..3)
        .map(|i| {
            emu.add_sandbox(
                SandboxSeed::new()
                    .named(&format!("seeded-{i}"))
                    .in_state("stopped"),
            )
        })
        .collect();

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/run.sh");
    let mut cmd = Command::new("bash");
    cmd.arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars() {
        if key.starts_with("DAYTONA_") && key != "DAYTONA_SDK_VENV" && key != "DAYTONA_SDK_VERSION"
        {
            cmd.env_remove(key);
        }
    }
    cmd.env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .env("DAYTONA_JWT_TOKEN", emu.jwt())
        .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
        .env("CONFORMANCE_LISTED_IDS", seeded.join(","));

    let started = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| {
        panic!("cannot run `bash {script}`: {e}; the SDK conformance test needs bash and python3")
    });
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for run.sh") {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let elapsed = started.elapsed();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let transcript = format!("--- stdout ---\n{out}\n--- stderr ---\n{err}");

    let Some(status) = status else {
        panic!("run.sh did not finish within {SCRIPT_DEADLINE:?}\n{transcript}");
    };
    match status.code() {
        Some(0) => {}
        Some(2) => {
            panic!("no usable python3 (with venv) for the SDK conformance test\n{transcript}")
        }
        Some(3) => {
            panic!("could not install Daytona's Python SDK (is PyPI reachable?)\n{transcript}")
        }
        _ => panic!("the Python SDK disagreed with the emulator ({status})\n{transcript}"),
    }
    println!("{transcript}\nrun.sh took {elapsed:?}");

    let requests = emu.requests();
    let unexpected: Vec<String> = requests
        .iter()
        .filter(|r| !EXPECTED_PATHS.iter().any(|p| r.path_only().starts_with(p)))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the SDK made requests the emulator does not expect: {unexpected:?}"
    );
    let api_calls = requests
        .iter()
        .filter(|r| r.path_only().starts_with("/api/sandbox"));
    assert!(
        api_calls
            .clone()
            .all(|r| r.header("x-daytona-source") == Some("sdk-python")),
        "every SDK request should carry X-Daytona-Source: sdk-python"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path_only().starts_with("/toolbox/")
                && r.path_only().ends_with("/process/execute")),
        "exec should have gone through the toolbox proxy"
    );
    // The SDK's own steps, once it is installed, must stay fast.
    if let Some(line) = out
        .lines()
        .find(|l| l.starts_with("conformance:") && l.contains("steps passed"))
    {
        println!("{line}");
    }
}
