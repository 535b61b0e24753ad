//! The wasmtime host: one engine, the component compiled once, a fresh instance
//! per call with its own environment, WASI, and `wasi:http` behind an
//! outbound-host allowlist, sent on the engine's [`Pool`] of kept-alive
//! connections.

use anyhow::Result;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::p2::bindings::clocks::monotonic_clock;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::emulator::Clock;
use crate::host::AllowlistHooks;
use crate::pool::Pool;

/// A guest wall clock that reads a shared [`Clock`].
struct GuestClock(Clock);

impl wasmtime_wasi::HostWallClock for GuestClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_millis(1)
    }
    fn now(&self) -> std::time::Duration {
        self.0
            .now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// What the guest asked to sleep for (`wasi:clocks/monotonic-clock.subscribe-duration`,
/// which its retries and polling use), in order, across every instance made from a
/// [`CallConfig`] and its clones. Tests assert the waits a guest requested with it,
/// never how long anything took.
#[derive(Clone, Debug, Default)]
pub struct SleepLog(Arc<Mutex<Vec<std::time::Duration>>>);

impl SleepLog {
    /// The sleeps requested so far.
    pub fn sleeps(&self) -> Vec<std::time::Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn push(&self, d: std::time::Duration) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }
}

/// `wasi:clocks/monotonic-clock` as wasmtime-wasi serves it, recording each
/// `subscribe-duration` in the instance's [`SleepLog`].
struct RecordingClock;

impl wasmtime::component::HasData for RecordingClock {
    type Data<'a> = RecordingClockView<'a>;
}

struct RecordingClockView<'a> {
    clocks: wasmtime_wasi::clocks::WasiClocksCtxView<'a>,
    sleeps: &'a SleepLog,
}

fn recording_clock(state: &mut HostState) -> RecordingClockView<'_> {
    RecordingClockView {
        clocks: wasmtime_wasi::clocks::WasiClocksCtxView {
            ctx: state.wasi.clocks(),
            table: &mut state.table,
        },
        sleeps: &state.sleeps,
    }
}

impl monotonic_clock::Host for RecordingClockView<'_> {
    fn now(&mut self) -> wasmtime::Result<monotonic_clock::Instant> {
        monotonic_clock::Host::now(&mut self.clocks)
    }
    fn resolution(&mut self) -> wasmtime::Result<monotonic_clock::Duration> {
        monotonic_clock::Host::resolution(&mut self.clocks)
    }
    fn subscribe_instant(
        &mut self,
        when: monotonic_clock::Instant,
    ) -> wasmtime::Result<wasmtime::component::Resource<wasmtime_wasi::p2::DynPollable>> {
        monotonic_clock::Host::subscribe_instant(&mut self.clocks, when)
    }
    fn subscribe_duration(
        &mut self,
        nanos: monotonic_clock::Duration,
    ) -> wasmtime::Result<wasmtime::component::Resource<wasmtime_wasi::p2::DynPollable>> {
        self.sleeps.push(std::time::Duration::from_nanos(nanos));
        monotonic_clock::Host::subscribe_duration(&mut self.clocks, nanos)
    }
}

mod generated {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "daytona-tools",
        exports: { default: async },
    });
}

pub use generated::DaytonaTools;
pub use generated::exports::daytona::tools::{
    api_keys, ephemeral_keys, files, git, previews, sandboxes, sessions, tools, types,
};

/// An error kind as users see it everywhere else (WIT, JSON, MCP): kebab-case.
pub fn kind_name(kind: &types::ErrorKind) -> &'static str {
    use types::ErrorKind;
    match kind {
        ErrorKind::InvalidInput => "invalid-input",
        ErrorKind::Unauthorized => "unauthorized",
        ErrorKind::Forbidden => "forbidden",
        ErrorKind::NotFound => "not-found",
        ErrorKind::Conflict => "conflict",
        ErrorKind::RateLimited => "rate-limited",
        ErrorKind::Timeout => "timeout",
        ErrorKind::Upstream => "upstream",
        ErrorKind::Transport => "transport",
        ErrorKind::Config => "config",
    }
}

/// An engine with the default configuration whose compiled components are
/// cached in `wasmtime-cache/` beside the component at `path`: a component this
/// checkout built is compiled once, then loaded (debug builds of cranelift take
/// tens of seconds per component).
pub fn caching_engine(path: &Path) -> Result<Engine> {
    let mut config = Config::new();
    if let Some(dir) = path.parent() {
        let mut cache = wasmtime::CacheConfig::new();
        cache.with_directory(dir.join("wasmtime-cache"));
        config.cache(Some(wasmtime::Cache::new(cache)?));
    }
    Ok(Engine::new(&config)?)
}

/// Compile the component at `path` (cached beside it, keyed by its hash, so
/// each process after the first loads instead of compiling) and link WASI and
/// `wasi:http` for it: what both the library harness and the MCP server need.
pub(crate) fn compile_and_link(path: &Path) -> Result<(Engine, Component, Linker<HostState>)> {
    let engine = caching_engine(path)?;
    let component = Component::from_file(&engine, path)
        .map_err(|e| anyhow::anyhow!("loading the component {}: {e:?}", path.display()))?;
    let linker = link(&engine)?;
    Ok((engine, component, linker))
}

/// A linker with WASI (its monotonic clock recording sleeps) and `wasi:http`.
fn link(engine: &Engine) -> Result<Linker<HostState>> {
    let mut linker = Linker::<HostState>::new(engine);
    wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
    // The same monotonic clock, with the guest's sleeps recorded.
    linker.allow_shadowing(true);
    monotonic_clock::add_to_linker::<HostState, RecordingClock>(&mut linker, recording_clock)?;
    linker.allow_shadowing(false);
    wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
    Ok(linker)
}

/// The component this checkout builds (see build.rs).
pub const COMPONENT_PATH: &str = env!("DAYTONA_TOOLS_WASM");

/// Largest guest stderr/stdout kept per call.
const PIPE_CAPACITY: usize = 1 << 20;

/// Per-call settings: the guest's environment and the hosts it may reach.
#[derive(Debug, Clone, Default)]
pub struct CallConfig {
    /// Environment variables the guest sees.
    pub env: Vec<(String, String)>,
    /// Authorities outbound requests may go to: `host:port`, `*.domain:port`,
    /// or either without a port (the scheme's default port only).
    pub allowed_hosts: Vec<String>,
    /// The guest's wall clock; the real one when none. Sharing the emulator's
    /// clock lets a test move time for both sides at once.
    pub clock: Option<Clock>,
    /// Hand `None` request options to the host's sender, like a host that
    /// ignores the guest's timeouts.
    pub drop_request_options: bool,
    /// Where instances record the sleeps they ask for (shared by clones).
    pub sleeps: SleepLog,
    /// Send each request on a new connection (wasmtime-wasi-http's
    /// `default_send_request`) instead of the harness's pool.
    pub new_connection_per_request: bool,
    /// `(authority, address)`: an allowed request to `authority` connects to
    /// `address` instead (like curl's `--resolve`), so a test can use names
    /// that do not resolve.
    pub resolve: Vec<(String, String)>,
}

impl CallConfig {
    /// Add an environment variable.
    pub fn env(mut self, key: &str, value: impl Into<String>) -> Self {
        self.env.push((key.to_string(), value.into()));
        self
    }
    /// Give the guest this wall clock.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }
    /// Drop the guest's request options (its timeouts) before sending.
    pub fn drop_request_options(mut self) -> Self {
        self.drop_request_options = true;
        self
    }
    /// Allow an authority.
    pub fn allow(mut self, authority: impl Into<String>) -> Self {
        self.allowed_hosts.push(authority.into());
        self
    }
    /// Connect to `address` (`ip:port`) for requests to `authority`
    /// (`name:port`); the allowlist still decides on `authority`.
    pub fn resolve(mut self, authority: impl Into<String>, address: impl Into<String>) -> Self {
        self.resolve.push((authority.into(), address.into()));
        self
    }
    /// Open a new connection per request, as wasmtime's default sender does.
    pub fn new_connection_per_request(mut self) -> Self {
        self.new_connection_per_request = true;
        self
    }
}

/// The largest linear memory an instance's store has asked for, in bytes: a
/// [`wasmtime::ResourceLimiter`] that allows every growth and records it.
#[derive(Debug, Default)]
pub struct PeakMemory {
    bytes: usize,
}

impl PeakMemory {
    /// The largest size any linear memory of the store reached so far.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

impl wasmtime::ResourceLimiter for PeakMemory {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.bytes = self.bytes.max(desired);
        Ok(true)
    }
    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(true)
    }
}

/// Store state of one instance.
pub struct HostState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    hooks: AllowlistHooks,
    sleeps: SleepLog,
    memory: PeakMemory,
}

impl HostState {
    /// State with this WASI context and outbound hooks (used by `mcp_server`).
    pub(crate) fn new(wasi: WasiCtx, hooks: AllowlistHooks) -> Self {
        HostState {
            wasi,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks,
            sleeps: SleepLog::default(),
            memory: PeakMemory::default(),
        }
    }

    /// A store of this state that records its peak linear memory.
    pub(crate) fn into_store(self, engine: &Engine) -> Store<HostState> {
        let mut store = Store::new(engine, self);
        store.limiter(|state| &mut state.memory);
        store
    }

    /// The largest linear memory of this store so far, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.memory.bytes()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for HostState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

/// The engine, the pre-linked component and the engine's connection pool;
/// cheap to instantiate from.
pub struct Harness {
    engine: Engine,
    pre: wasmtime::component::InstancePre<HostState>,
    /// Where the typed exports are, looked up once rather than per instance.
    indices: generated::DaytonaToolsIndices,
    pool: Pool,
}

impl Harness {
    /// Compile and link the component at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let (engine, component, linker) = compile_and_link(path.as_ref())?;
        Harness::linked(engine, linker.instantiate_pre(&component)?)
    }

    /// Link a component already compiled (or deserialized) for `engine`,
    /// with a pool of its own.
    pub fn from_component(engine: &Engine, component: &Component) -> Result<Self> {
        Harness::linked(engine.clone(), link(engine)?.instantiate_pre(component)?)
    }

    fn linked(engine: Engine, pre: wasmtime::component::InstancePre<HostState>) -> Result<Self> {
        Ok(Harness {
            engine,
            indices: generated::DaytonaToolsIndices::new(&pre)?,
            pre,
            pool: Pool::new(),
        })
    }

    /// The kept-alive connections every instance of this harness sends on.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The engine the component was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The component built from this checkout, compiled once per process.
    pub fn shared() -> &'static Harness {
        static HARNESS: OnceLock<Harness> = OnceLock::new();
        HARNESS.get_or_init(|| Harness::load(COMPONENT_PATH).expect("loading the component"))
    }

    /// A fresh instance with its own environment and allowlist.
    pub async fn instance(&self, call: &CallConfig) -> Result<Instance> {
        let stdout = MemoryOutputPipe::new(PIPE_CAPACITY);
        let stderr = MemoryOutputPipe::new(PIPE_CAPACITY);
        let mut builder = WasiCtx::builder();
        builder
            .envs(&call.env)
            .stdout(stdout.clone())
            .stderr(stderr.clone());
        if let Some(clock) = &call.clock {
            builder.wall_clock(GuestClock(clock.clone()));
        }
        let wasi = builder.build();
        let mut hooks =
            AllowlistHooks::new(call.allowed_hosts.clone()).resolving(call.resolve.clone());
        if call.drop_request_options {
            hooks = hooks.dropping_request_options();
        }
        if !call.new_connection_per_request {
            hooks = hooks.with_pool(self.pool.clone());
        }
        let state = HostState {
            sleeps: call.sleeps.clone(),
            ..HostState::new(wasi, hooks)
        };
        let mut store = state.into_store(&self.engine);
        // The untyped instance is kept for calls by name (`Instance::func`);
        // the typed exports come from indices found once, in `linked`.
        let instance = self.pre.instantiate_async(&mut store).await?;
        let bindings = self.indices.load(&mut store, &instance)?;
        Ok(Instance {
            store,
            bindings,
            instance,
            stdout,
            stderr,
        })
    }
}

/// One instance of the component, with its captured output.
pub struct Instance {
    /// The store.
    pub store: Store<HostState>,
    /// The typed exports.
    pub bindings: DaytonaTools,
    instance: wasmtime::component::Instance,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl Instance {
    /// `tools.list-tools`.
    pub async fn list_tools(&mut self) -> Result<Vec<tools::Tool>> {
        Ok(self
            .bindings
            .daytona_tools_tools()
            .call_list_tools(&mut self.store)
            .await?)
    }

    /// `tools.call-tool`.
    pub async fn call_tool(
        &mut self,
        name: &str,
        arguments: &str,
    ) -> Result<Result<String, types::Error>> {
        Ok(self
            .bindings
            .daytona_tools_tools()
            .call_call_tool(&mut self.store, name, arguments)
            .await?)
    }

    /// Function `func` of exported interface `interface` (e.g. `daytona:tools/files@0.1.0`),
    /// for calls with values built at run time; `None` if there is no such export.
    pub fn func(&mut self, interface: &str, func: &str) -> Option<wasmtime::component::Func> {
        let interface = self
            .instance
            .get_export_index(&mut self.store, None, interface)?;
        let func = self
            .instance
            .get_export_index(&mut self.store, Some(&interface), func)?;
        self.instance.get_func(&mut self.store, func)
    }

    /// The guest's `sandboxes` interface and the store, for typed calls.
    pub fn sandboxes(&mut self) -> (&sandboxes::Guest, &mut Store<HostState>) {
        (self.bindings.daytona_tools_sandboxes(), &mut self.store)
    }

    /// The guest's `files` interface and the store, for typed calls.
    pub fn files(&mut self) -> (&files::Guest, &mut Store<HostState>) {
        (self.bindings.daytona_tools_files(), &mut self.store)
    }

    /// The guest's `sessions` interface and the store, for typed calls.
    pub fn sessions(&mut self) -> (&sessions::Guest, &mut Store<HostState>) {
        (self.bindings.daytona_tools_sessions(), &mut self.store)
    }

    /// The guest's `git` interface and the store, for typed calls.
    pub fn git(&mut self) -> (&git::Guest, &mut Store<HostState>) {
        (self.bindings.daytona_tools_git(), &mut self.store)
    }

    /// The guest's `previews` interface and the store, for typed calls.
    pub fn previews(&mut self) -> (&previews::Guest, &mut Store<HostState>) {
        (self.bindings.daytona_tools_previews(), &mut self.store)
    }

    /// What the guest wrote to stdout and stderr so far.
    pub fn output(&self) -> String {
        format!(
            "{}{}",
            String::from_utf8_lossy(&self.stdout.contents()),
            String::from_utf8_lossy(&self.stderr.contents())
        )
    }

    /// Authorities the allowlist refused during this instance's life.
    pub fn denied(&self) -> Vec<String> {
        self.store.data().hooks.denied()
    }

    /// Requests the allowlist let through to the network during this instance's life.
    pub fn sent(&self) -> usize {
        self.store.data().hooks.sent()
    }

    /// The largest linear memory this instance has used so far, in bytes.
    pub fn peak_memory(&self) -> usize {
        self.store.data().peak_memory()
    }
}
