//! `host-test bench`: the component against the alternatives, in one run, on
//! the emulator over loopback (issue 12). Writes `docs/benchmarks.md` and
//! `docs/benchmarks.svg`. A measurement, not a test: nothing here asserts a
//! time, and `cargo test` never runs it (the pure parts, [`stats`] and
//! [`report`], have unit tests; [`native`]'s requests are compared with the
//! component's by a test).
//!
//! ```text
//! cargo run -p host-test --profile host -- bench [--calls N] [--out docs/benchmarks.md] [--quick]
//! ```
//!
//! The `host` profile builds the host side (wasmtime, cranelift, tokio, hyper,
//! the emulator) for speed, as a host ships it; `--release` also works but
//! builds it for size, like the components, and says so in the report.
//!
//! For each operation, every round calls each contender once, in an order
//! rotated every round, after warm-up rounds; the emulator's request log is
//! cleared before each call and counted after it.

pub mod native;
pub mod report;
pub mod sdk;
pub mod stats;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::CallConfig;
use crate::emulator::{Emulator, EmulatorOptions, SandboxSeed};
use crate::harness::{COMPONENT_PATH, Harness, Instance};
use crate::mcp_server::{MCP_COMPONENT_PATH, McpClient, McpServer};
use report::{Cell, Contender, Footprint, Report, Role, Row};
use stats::{Summary, summarize};

const USAGE: &str = "usage: host-test bench [--calls N] [--out docs/benchmarks.md] [--quick]";

/// The sandbox every operation uses.
const SANDBOX: &str = "bench";
/// The file `read_file` reads, and its content.
const FILE: (&str, &str) = ("bench.txt", "hello from the bench\n");
/// Sandboxes listed by `list_sandboxes`, and the emulator's page size: several pages.
const LISTED: usize = 30;
const PAGE_SIZE: usize = 10;
/// Only a guard against a call that hangs; times are measured, never bounded.
const CALL_GUARD: Duration = Duration::from_secs(120);
/// Where Daytona's Python SDK opens its event stream, in the background.
const SDK_EVENT_STREAM: &str = "/api/socket.io/";
/// The bearer token of the MCP server under test.
const MCP_TOKEN: &str = "bench-token-0123456789abcdef";

/// The profile (target directory) and opt-level host-test was built with.
const HOST_PROFILE: &str = env!("HOST_TEST_PROFILE");
const HOST_OPT_LEVEL: &str = env!("HOST_TEST_OPT_LEVEL");

/// How `cargo run` selects `profile`.
fn profile_flag(profile: &str) -> String {
    match profile {
        "release" => "--release".into(),
        "debug" => String::new(),
        other => format!("--profile {other}"),
    }
}

/// What the report says about the host side's build.
fn build_note(opt_level: &str) -> String {
    let host = "The host side (wasmtime, cranelift, tokio, hyper, the emulator, the native client)";
    let components = "the components are built by host-test's build.rs with the release profile \
                      (`opt-level = \"z\"`, LTO)";
    match opt_level {
        "3" | "2" => format!(
            "{host} is built with `opt-level = {opt_level}`, optimised for speed as a host ships it; \
             {components}."
        ),
        other => format!(
            "{host} is built with `opt-level = {other}`, not optimised for speed: wasmtime and \
             cranelift run slower than a host would ship them (`--profile host` builds them for \
             speed); {components}."
        ),
    }
}

/// Command-line settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Timed calls per contender and operation.
    pub calls: usize,
    /// Where the Markdown goes; the SVG goes beside it.
    pub out: PathBuf,
    /// A smoke run: few calls, few samples.
    pub quick: bool,
}

/// Parse `bench`'s arguments.
pub fn parse_args(args: &[&str]) -> Result<Settings> {
    let mut settings = Settings {
        calls: 200,
        out: PathBuf::from("docs/benchmarks.md"),
        quick: false,
    };
    let mut calls = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--calls" => {
                let n: usize = rest
                    .next()
                    .context(USAGE)?
                    .parse()
                    .context("--calls takes a number")?;
                if n == 0 {
                    bail!("--calls must be at least 1");
                }
                calls = Some(n);
            }
            "--out" => settings.out = PathBuf::from(rest.next().context(USAGE)?),
            "--quick" => settings.quick = true,
            _ => bail!("{USAGE}"),
        }
    }
    settings.calls = calls.unwrap_or(if settings.quick { 20 } else { 200 });
    Ok(settings)
}

/// One bench operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `get_sandbox` by name.
    Get,
    /// `list_sandboxes`, every page.
    List,
    /// `execute_command` `echo hi`.
    Execute,
    /// `read_file` of a small file.
    Read,
}

impl Op {
    /// Every operation, in table order.
    pub const ALL: [Op; 4] = [Op::Get, Op::List, Op::Execute, Op::Read];

    /// The tool.
    pub fn tool(self) -> &'static str {
        match self {
            Op::Get => "get_sandbox",
            Op::List => "list_sandboxes",
            Op::Execute => "execute_command",
            Op::Read => "read_file",
        }
    }

    /// The tool's arguments.
    pub fn arguments(self) -> Value {
        match self {
            Op::Get => json!({ "sandbox": SANDBOX }),
            Op::List => json!({}),
            Op::Execute => json!({ "sandbox": SANDBOX, "command": "echo hi" }),
            Op::Read => json!({ "sandbox": SANDBOX, "path": FILE.0 }),
        }
    }

    fn detail(self) -> String {
        match self {
            Op::Get => String::new(),
            Op::List => format!("({} sandboxes, pages of {PAGE_SIZE})", LISTED),
            Op::Execute => "`echo hi`".into(),
            Op::Read => format!("({} bytes)", FILE.1.len()),
        }
    }
}

/// One way of making the calls, set up.
enum Runner {
    Fresh(CallConfig),
    Reused(Box<Instance>),
    Native(native::Native),
    Python(sdk::Worker),
    Mcp {
        client: McpClient,
        _server: McpServer,
    },
    FreshDefault(CallConfig),
}

impl Runner {
    /// One call; the time the contender measured itself, if it did (Python).
    async fn call(&mut self, op: Op) -> Result<Option<f64>> {
        let args = op.arguments().to_string();
        match self {
            Runner::Fresh(config) | Runner::FreshDefault(config) => {
                let mut instance = Harness::shared().instance(config).await?;
                component_call(&mut instance, op, &args).await?;
            }
            Runner::Reused(instance) => component_call(instance, op, &args).await?,
            Runner::Native(client) => client.run(op).await?,
            Runner::Python(worker) => return Ok(Some(worker.call(op.tool()).await?)),
            Runner::Mcp { client, .. } => {
                let answer = client
                    .rpc(
                        "tools/call",
                        json!({ "name": op.tool(), "arguments": op.arguments() }),
                    )
                    .await?;
                if answer["result"]["isError"] != false {
                    bail!("MCP {}: {answer}", op.tool());
                }
            }
        }
        Ok(None)
    }
}

async fn component_call(instance: &mut Instance, op: Op, args: &str) -> Result<()> {
    match instance.call_tool(op.tool(), args).await? {
        Ok(_) => Ok(()),
        Err(e) => bail!("{}: {}", op.tool(), e.message),
    }
}

fn elapsed_ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// The guest configuration for `emu`.
fn emulator_config(emu: &Emulator) -> CallConfig {
    CallConfig::default()
        .env("DAYTONA_API_URL", emu.api_url())
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(emu.addr().to_string())
}

/// An emulator with the bench's sandboxes (one started, with the file) and pages.
pub async fn seeded_emulator() -> Result<Emulator> {
    let emu = Emulator::start(EmulatorOptions {
        page_size_cap: Some(PAGE_SIZE),
        ..Default::default()
    })?;
    emu.add_sandbox(SandboxSeed::new().named(SANDBOX));
    for i in 1..LISTED {
        emu.add_sandbox(SandboxSeed::new().named(&format!("listed-{i:02}")));
    }
    let args = json!({ "sandbox": SANDBOX, "path": FILE.0, "content": FILE.1 }).to_string();
    let mut instance = Harness::shared().instance(&emulator_config(&emu)).await?;
    if let Err(e) = instance.call_tool("write_file", &args).await? {
        bail!("writing {}: {}", FILE.0, e.message);
    }
    Ok(emu)
}

/// The workspace root (host-test's parent).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// `host-test bench ...`.
pub async fn run(args: &[&str]) -> Result<()> {
    let settings = parse_args(args)?;
    let started = Instant::now();
    let load_before = load_average();
    let emu = seeded_emulator().await?;
    let config = emulator_config(&emu);
    let mut notes = Vec::new();

    let mut contenders = vec![
        (
            Contender {
                label: "component, fresh instance".into(),
                description: "the library component in host-test's wasmtime embedding, a new \
                    store and instance per call from the pre-linked component (`InstancePre`, as \
                    `wasmtime serve` does), `tools.call-tool`, outbound requests on the engine's \
                    kept-alive pool"
                    .into(),
                role: Role::Fresh,
            },
            Runner::Fresh(config.clone()),
        ),
        (
            Contender {
                label: "component, reused instance".into(),
                description: "the same, one instance for every call".into(),
                role: Role::Reused,
            },
            Runner::Reused(Box::new(Harness::shared().instance(&config).await?)),
        ),
        (
            Contender {
                label: "native Rust".into(),
                description: "the same HTTP requests from plain Rust (hyper-util's client, one \
                    kept-alive connection), answers parsed into `serde_json::Value`"
                    .into(),
                role: Role::Native,
            },
            Runner::Native(native::Native::new(&emu.api_url(), &emu.api_key())),
        ),
    ];
    match sdk::Worker::start(&emu, SANDBOX, FILE.0).await {
        Ok(worker) => contenders.push((
            Contender {
                label: "Python SDK".into(),
                description: format!(
                    "Daytona's official Python SDK (`daytona` {}) in one Python process, timed \
                     inside Python (`time.perf_counter`); per call `get`, `list`, \
                     `get(...).process.exec`, `get(...).fs.download_file`; polling mode, \
                     without the socket.io event stream the emulator does not serve",
                    worker.version()
                ),
                role: Role::Python,
            },
            Runner::Python(worker),
        )),
        Err(e) => notes.push(format!("Python SDK not measured: {e:#}")),
    }
    let server = McpServer::start(
        MCP_COMPONENT_PATH,
        config.clone().env("DAYTONA_MCP_TOKEN", MCP_TOKEN),
        0,
    )
    .await?;
    let client = McpClient::open(&server.url(), MCP_TOKEN).await?;
    contenders.push((
        Contender {
            label: "MCP server".into(),
            description: "the MCP server component served by host-test's embedding (a fresh \
                instance per HTTP request, as `wasmtime serve` does), `tools/call` over one \
                kept-alive connection"
                .into(),
            role: Role::Other,
        },
        Runner::Mcp {
            client,
            _server: server,
        },
    ));
    contenders.push((
        Contender {
            label: "component, fresh, no pool".into(),
            description: "the fresh-instance component with wasmtime-wasi-http's \
                `default_send_request`: a new TCP connection per request"
                .into(),
            role: Role::Other,
        },
        Runner::FreshDefault(config.clone().new_connection_per_request()),
    ));

    let warmup = (settings.calls / 10).clamp(2, 20);
    let mut rows = Vec::new();
    let mut event_stream = 0;
    for op in Op::ALL {
        eprintln!("bench: {} ({} calls each)", op.tool(), settings.calls);
        let mut samples = vec![Vec::new(); contenders.len()];
        let mut requests = vec![0usize; contenders.len()];
        for round in 0..warmup + settings.calls {
            let k = contenders.len();
            for j in 0..k {
                let i = (round + j) % k;
                emu.clear_requests();
                let t = Instant::now();
                let (contender, runner) = &mut contenders[i];
                let label = &contender.label;
                let own = tokio::time::timeout(CALL_GUARD, runner.call(op))
                    .await
                    .map_err(|_| anyhow::anyhow!("{label}: {} hung", op.tool()))?
                    .with_context(|| format!("{label}: {}", op.tool()))?;
                let ms = own.unwrap_or_else(|| elapsed_ms(t));
                if round >= warmup {
                    samples[i].push(ms);
                    let (stream, calls): (Vec<_>, Vec<_>) = emu
                        .requests()
                        .into_iter()
                        .partition(|r| r.path.starts_with(SDK_EVENT_STREAM));
                    requests[i] += calls.len();
                    event_stream += stream.len();
                }
            }
        }
        rows.push(Row {
            op: op.tool().into(),
            detail: op.detail(),
            cells: samples
                .iter()
                .zip(&requests)
                .map(|(s, r)| {
                    Some(Cell {
                        latency: summarize(s)?,
                        requests: *r as f64 / s.len() as f64,
                    })
                })
                .collect(),
        });
    }
    if event_stream > 0 {
        notes.push(format!(
            "Daytona's Python SDK keeps trying to open its socket.io event stream \
             (`{SDK_EVENT_STREAM}`, which the emulator does not serve) from a background \
             thread: {event_stream} attempts arrived during the timed calls, whichever contender \
             was being timed. They are left out of every request count."
        ));
    }
    let columns: Vec<Contender> = contenders.iter().map(|(c, _)| c.clone()).collect();
    drop(contenders);

    eprintln!("bench: footprint");
    let footprint = footprint(&settings, &config).await?;
    let (cpu, cores) =
        report::parse_cpuinfo(&std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default());
    let lock = std::fs::read_to_string(repo_root().join("Cargo.lock")).unwrap_or_default();
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    notes.push(format!(
        "{} The whole run took {:.0} s.",
        build_note(HOST_OPT_LEVEL),
        started.elapsed().as_secs_f64()
    ));
    let load = format!(
        "{} at the start, {} at the end",
        load_before,
        load_average()
    );
    let report = Report {
        load,
        command: format!(
            "cargo run -p host-test {} -- bench {}",
            profile_flag(HOST_PROFILE),
            args.join(" ")
        )
        .trim_end()
        .to_string(),
        cpu,
        cores,
        wasmtime: report::locked_version(&lock, "wasmtime").unwrap_or_else(|| "unknown".into()),
        date: report::civil_date(days as i64),
        calls: settings.calls,
        contenders: columns,
        rows,
        footprint,
        notes,
    };
    write(&settings, &report)
}

/// Write the Markdown and the SVG beside it; print where.
fn write(settings: &Settings, report: &Report) -> Result<()> {
    let svg_path = settings.out.with_extension("svg");
    let svg_name = svg_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("benchmarks.svg")
        .to_string();
    if let Some(dir) = settings.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let md = report::markdown(report, &svg_name);
    std::fs::write(&settings.out, &md)
        .with_context(|| format!("writing {}", settings.out.display()))?;
    std::fs::write(&svg_path, report::svg(report))
        .with_context(|| format!("writing {}", svg_path.display()))?;
    println!("{md}");
    eprintln!(
        "bench: wrote {} and {}",
        settings.out.display(),
        svg_path.display()
    );
    Ok(())
}

/// The 1-minute load average (`/proc/loadavg`), or "unknown".
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

/// `gzip -9` of a file: its compressed size, if gzip ran.
fn gzipped_size(path: &str) -> Option<u64> {
    let out = std::process::Command::new("gzip")
        .args(["-9", "-c", path])
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout.len() as u64)
}

/// Time `f` `n` times; the summary in milliseconds.
async fn sample<F, Fut>(n: usize, mut f: F) -> Result<Option<Summary>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<()>>,
{
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f().await?;
        samples.push(elapsed_ms(t));
    }
    Ok(summarize(&samples))
}

/// Sizes, compile, deserialize, instantiate, first call, cold start, memory
/// and throughput.
async fn footprint(settings: &Settings, config: &CallConfig) -> Result<Footprint> {
    use wasmtime::component::Component;
    let size = |p: &str| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut f = Footprint {
        library_bytes: size(COMPONENT_PATH),
        library_gzip: gzipped_size(COMPONENT_PATH),
        mcp_bytes: size(MCP_COMPONENT_PATH),
        mcp_gzip: gzipped_size(MCP_COMPONENT_PATH),
        ..Default::default()
    };
    let few = if settings.quick { 2 } else { 10 };
    let many = settings.calls;
    let bytes = std::fs::read(COMPONENT_PATH)?;

    // Compile from bytes on an engine without a cache, as a host does once per deployment.
    let engine = wasmtime::Engine::new(&wasmtime::Config::new())?;
    let mut compiled = None;
    f.compile_ms = sample(few, || {
        let result = Component::new(&engine, &bytes)
            .map(|c| compiled = Some(c))
            .map_err(anyhow::Error::from);
        async move { result }
    })
    .await?;
    let serialized = compiled.context("no component compiled")?.serialize()?;
    f.deserialize_ms = sample(many.min(50), || {
        // SAFETY: bytes this process's engine serialized a moment ago.
        let result = unsafe { Component::deserialize(&engine, &serialized) }
            .map(drop)
            .map_err(anyhow::Error::from);
        async move { result }
    })
    .await?;
    f.cold_start_ms = sample(few, || async {
        // SAFETY: as above.
        let component = unsafe { Component::deserialize(&engine, &serialized) }?;
        let harness = Harness::from_component(&engine, &component)?;
        let mut instance = harness.instance(config).await?;
        component_call(&mut instance, Op::Get, &Op::Get.arguments().to_string()).await
    })
    .await?;

    let harness = Harness::shared();
    f.instantiate_ms = sample(many, || async { harness.instance(config).await.map(drop) }).await?;
    f.first_call_ms = sample(many, || async {
        let mut instance = harness.instance(config).await?;
        component_call(&mut instance, Op::Get, &Op::Get.arguments().to_string()).await
    })
    .await?;
    for op in Op::ALL {
        let mut instance = harness.instance(config).await?;
        component_call(&mut instance, op, &op.arguments().to_string()).await?;
        f.peak_memory
            .push((op.tool().to_string(), instance.peak_memory()));
    }

    for concurrency in [2usize, 16, 64] {
        let per_task = if settings.quick {
            2
        } else {
            (many / 4).max(10)
        };
        eprintln!("bench: {concurrency} concurrent instances, {per_task} calls each");
        let t = Instant::now();
        let tasks: Vec<_> = (0..concurrency)
            .map(|_| {
                let config = config.clone();
                tokio::spawn(async move {
                    for _ in 0..per_task {
                        let mut instance = Harness::shared().instance(&config).await?;
                        component_call(&mut instance, Op::Get, &Op::Get.arguments().to_string())
                            .await?;
                    }
                    anyhow::Ok(())
                })
            })
            .collect();
        for task in tasks {
            task.await??;
        }
        let seconds = t.elapsed().as_secs_f64();
        f.throughput
            .push((concurrency, stats::rate(concurrency * per_task, seconds)));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse_with_defaults() {
        let s = parse_args(&[]).unwrap();
        assert_eq!(s.calls, 200);
        assert_eq!(s.out, PathBuf::from("docs/benchmarks.md"));
        assert!(!s.quick);
        let s = parse_args(&["--quick"]).unwrap();
        assert_eq!((s.calls, s.quick), (20, true));
        let s = parse_args(&["--calls", "50", "--out", "/tmp/b.md", "--quick"]).unwrap();
        assert_eq!((s.calls, s.out.clone()), (50, PathBuf::from("/tmp/b.md")));
        assert!(parse_args(&["--calls", "0"]).is_err());
        assert!(parse_args(&["--calls"]).is_err());
        assert!(parse_args(&["--bogus"]).is_err());
    }

    #[test]
    fn the_report_names_the_build_it_ran_on() {
        assert_eq!(profile_flag("host"), "--profile host");
        assert_eq!(profile_flag("release"), "--release");
        assert_eq!(profile_flag("debug"), "");
        assert!(build_note("3").contains("`opt-level = 3`, optimised for speed"));
        let size = build_note("z");
        assert!(
            size.contains("`opt-level = z`, not optimised for speed"),
            "{size}"
        );
        assert!(size.contains("`--profile host`"), "{size}");
    }
}
