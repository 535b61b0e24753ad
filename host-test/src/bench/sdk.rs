//! The Python SDK contender: `sdk_worker.py` in host-test's virtualenv (the
//! one `host-test/emulator/tests/sdk/run.sh install` makes), one process for
//! the whole run. It reads an operation name per line and answers one JSON
//! line with the time the call took, measured inside Python.

use anyhow::{Context, Result, bail};
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use crate::emulator::Emulator;

/// The worker script.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bench/sdk_worker.py");

/// A running worker; killed when dropped.
pub struct Worker {
    _child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    version: String,
}

/// The virtualenv: `DAYTONA_SDK_VENV`, as run.sh reads it, or host-test/.venv.
fn venv() -> PathBuf {
    std::env::var_os("DAYTONA_SDK_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.venv")))
}

impl Worker {
    /// Start the worker against `emu`; it calls `sandbox` and reads `file`.
    pub async fn start(emu: &Emulator, sandbox: &str, file: &str) -> Result<Worker> {
        let python = venv().join("bin/python");
        if !python.exists() {
            bail!(
                "no virtualenv with Daytona's SDK at {} (make it with \
                 `bash host-test/emulator/tests/sdk/run.sh install`)",
                venv().display()
            );
        }
        let mut child = Command::new(&python)
            .arg("-u")
            .arg(SCRIPT)
            .env("DAYTONA_API_URL", emu.api_url())
            .env("DAYTONA_API_KEY", emu.api_key())
            .env("BENCH_SANDBOX", sandbox)
            .env("BENCH_FILE", file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", python.display()))?;
        let stdin = child.stdin.take().context("worker stdin")?;
        let mut lines = BufReader::new(child.stdout.take().context("worker stdout")?).lines();
        let hello = read_answer(&mut lines).await?;
        let version = hello["version"]
            .as_str()
            .context("the worker did not say its SDK version")?
            .to_string();
        Ok(Worker {
            _child: child,
            stdin,
            lines,
            version,
        })
    }

    /// The `daytona` package's version.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Run operation `op` (a tool name) once; the milliseconds Python measured.
    pub async fn call(&mut self, op: &str) -> Result<f64> {
        self.stdin.write_all(format!("{op}\n").as_bytes()).await?;
        self.stdin.flush().await?;
        let answer = read_answer(&mut self.lines).await?;
        answer["ms"]
            .as_f64()
            .with_context(|| format!("the worker answered {answer}"))
    }
}

/// The next JSON line; an `error` field is an error.
async fn read_answer(lines: &mut Lines<BufReader<ChildStdout>>) -> Result<serde_json::Value> {
    let line = lines
        .next_line()
        .await?
        .context("the Python worker exited (its stderr is above)")?;
    let value: serde_json::Value =
        serde_json::from_str(&line).with_context(|| format!("the worker printed {line:?}"))?;
    if let Some(e) = value.get("error") {
        bail!("the Python worker failed: {e}");
    }
    Ok(value)
}
