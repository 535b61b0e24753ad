//! Daytona's official Python SDK against the emulator: if the SDK accepts the emulator's
//! answers for create, list, get, exec, stop, start and delete, and its generated API
//! client (`daytona_api_client`) accepts them for every API-key route and for listing and
//! getting snapshots, the emulator speaks Daytona's API closely enough to test
//! daytona-tools against.
//!
//! Runs `tests/sdk/run.sh` (virtualenv in `host-test/.venv`, SDK version pinned there) with
//! the emulator's URL and credentials. Needs `bash`, `python3` with `venv`, and PyPI the
//! first time; without them the test fails and says what is missing.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use daytona_emulator::testing::{bare_repo, git};
use daytona_emulator::{Emulator, EmulatorOptions, SandboxSeed};

/// First runs install the SDK (tens of seconds); later ones take a few seconds.
const SCRIPT_DEADLINE: Duration = Duration::from_secs(300);

/// Request paths the SDK may use for the steps the script takes.
const EXPECTED_PATHS: [&str; 6] = [
    "/api/sandbox",
    "/api/config",
    "/api/socket.io/",
    "/toolbox/",
    "/api/api-keys",
    "/api/snapshots",
];

/// The key and snapshot routes the script must have driven through the generated client
/// (method, path with `{}` for one segment).
const CLIENT_ROUTES: [(&str, &str); 8] = [
    ("POST", "/api/api-keys"),
    ("GET", "/api/api-keys"),
    ("GET", "/api/api-keys/current"),
    ("GET", "/api/api-keys/{}"),
    ("DELETE", "/api/api-keys/{}"),
    ("DELETE", "/api/api-keys/{}/{}"),
    ("GET", "/api/snapshots"),
    ("GET", "/api/snapshots/{}"),
];

/// Whether `path` has the shape of `route` (`{}` matching one non-empty segment other
/// than `current`, which is a route of its own).
fn matches_route(path: &str, route: &str) -> bool {
    let (p, r): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), route.split('/').collect());
    p.len() == r.len()
        && p.iter().zip(&r).all(|(p, r)| {
            if *r == "{}" {
                !p.is_empty() && *p != "current"
            } else {
                p == r
            }
        })
}

/// Runs `tests/sdk/run.sh` against `emu` (its API URL and key, then `env`; no other
/// `DAYTONA_*` variable of the test's own environment) and fails the test, saying what was
/// missing, unless it exits 0 within [`SCRIPT_DEADLINE`]. Prints the transcript; returns
/// the script's stdout.
fn run_sdk(emu: &Emulator, env: &[(&str, String)]) -> String {
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
        .envs(env.iter().map(|(k, v)| (k, v)));

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
    out
}

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
    emu.add_snapshot("team/conformance:1");
    let snapshots = [
        "daytonaio/sandbox:0.5.0",
        "daytonaio/sandbox:0.4.3",
        "daytonaio/sandbox:0.3.0",
        "team/conformance:1",
    ];
    let seeded: Vec<String> = (0..3)
        .map(|i| {
            emu.add_sandbox(
                SandboxSeed::new()
                    .named(&format!("seeded-{i}"))
                    .in_state("stopped"),
            )
        })
        .collect();

    let out = run_sdk(
        &emu,
        &[
            ("DAYTONA_JWT_TOKEN", emu.jwt()),
            ("DAYTONA_ORGANIZATION_ID", emu.organization_id()),
            ("CONFORMANCE_LISTED_IDS", seeded.join(",")),
            ("CONFORMANCE_SNAPSHOTS", snapshots.join(",")),
        ],
    );

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
    for (method, route) in CLIENT_ROUTES {
        assert!(
            requests
                .iter()
                .any(|r| r.method == method && matches_route(r.path_only(), route)),
            "the script never called {method} {route}"
        );
    }
    let api_calls = requests.iter().filter(|r| {
        ["/api/sandbox", "/api/api-keys", "/api/snapshots"]
            .iter()
            .any(|p| r.path_only().starts_with(p))
    });
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

/// The toolbox through the SDK: `fs.upload_file` / `download_file` / `list_files` and
/// friends, `git.clone` (also with credentials) / `status` / `add` / `commit`, sessions,
/// `code_run`, and `get_preview_link` / signed preview URLs fetched from a server started
/// in a session (`tests/sdk/toolbox.py`).
#[test]
fn python_sdk_drives_the_emulator_toolbox() {
    let emu = Emulator::start(EmulatorOptions::default()).expect("the emulator should start");
    let repos = std::env::temp_dir().join(format!("sdk-toolbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&repos);
    std::fs::create_dir_all(&repos).expect("temp dir");
    // Two repositories with one commit each: `open/origin.git` and `private/origin.git`.
    let [open, private] = ["open", "private"].map(|name| {
        let root = repos.join(name);
        std::fs::create_dir_all(&root).expect("temp dir");
        bare_repo(&root)
    });
    let password = "emulator-git-secret";
    git(&private, &["config", "daytona-emulator.username", "alice"]);
    git(&private, &["config", "daytona-emulator.password", password]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();

    run_sdk(
        &emu,
        &[
            ("CONFORMANCE_SCRIPT", "toolbox.py".into()),
            ("TOOLBOX_BARE_REPO", open.display().to_string()),
            (
                "TOOLBOX_PRIVATE_REPO",
                format!("file://{}", private.display()),
            ),
            ("TOOLBOX_GIT_PASSWORD", password.into()),
            ("TOOLBOX_PREVIEW_PORT", port.to_string()),
        ],
    );
    let _ = std::fs::remove_dir_all(&repos);
    let requests = emu.requests();
    for route in [
        "/files/bulk-upload",
        "/files/bulk-download",
        "/process/session",
    ] {
        assert!(
            requests.iter().any(|r| r.path_only().contains(route)),
            "the SDK should have used {route}"
        );
    }
    assert_eq!(
        emu.running_process_groups(),
        0,
        "session processes are reaped"
    );
}
