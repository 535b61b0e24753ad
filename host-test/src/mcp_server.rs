//! Serve the MCP component (`daytona_mcp.wasm`, a `wasi:http/proxy`
//! component) from this wasmtime embedding on 127.0.0.1, the way `wasmtime
//! serve` does: one engine, the component pre-linked once, a fresh instance
//! per request with its own environment, and outbound requests through the
//! same [`AllowlistHooks`] as the library harness.

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::server::conn::http1;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use wasmtime_wasi::WasiCtx;
use wasmtime_wasi_http::WasiHttpView;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::p2::bindings::ProxyPre;
use wasmtime_wasi_http::p2::bindings::http::types::Scheme;
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use crate::harness::{CallConfig, HostState};
use crate::host::AllowlistHooks;
use crate::log_sink::LogSink;
use crate::pool::Pool;

/// The MCP component this checkout builds (see build.rs).
pub const MCP_COMPONENT_PATH: &str = env!("DAYTONA_MCP_WASM");

/// Guest output kept in memory, all requests together: the newest lines
/// (older ones are dropped, never the server's ability to write).
pub const LOG_TAIL: usize = 16 << 20;

/// The compiled MCP component and the per-request settings.
struct Shared {
    pre: ProxyPre<HostState>,
    call: CallConfig,
    /// What the instances write to stdout and stderr, line by line.
    log: LogSink,
    /// Authorities the allowlist refused.
    denied: Arc<Mutex<Vec<String>>>,
    /// The kept-alive outbound connections every request's instance shares.
    pool: Pool,
    /// Instances still running (the answer may be out before the instance
    /// writes its log line), and a wake-up when one ends.
    running: AtomicUsize,
    ended: Notify,
}

/// Counts one running instance until dropped.
struct Running(Arc<Shared>);

impl Running {
    fn new(shared: &Arc<Shared>) -> Running {
        shared.running.fetch_add(1, Ordering::SeqCst);
        Running(shared.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.running.fetch_sub(1, Ordering::SeqCst);
        self.0.ended.notify_waiters();
    }
}

/// A running server; stops when dropped.
pub struct McpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl McpServer {
    /// Compile the component at `path` and serve it on 127.0.0.1 at a free
    /// port (or `port`), each request in a fresh instance configured by `call`;
    /// the log kept in memory ([`LOG_TAIL`]).
    pub async fn start(path: impl AsRef<Path>, call: CallConfig, port: u16) -> Result<McpServer> {
        Self::start_with_log(path, call, port, LogSink::memory(LOG_TAIL)).await
    }

    /// [`McpServer::start`], the instances writing to `log`.
    pub async fn start_with_log(
        path: impl AsRef<Path>,
        call: CallConfig,
        port: u16,
        log: LogSink,
    ) -> Result<McpServer> {
        Self::serve(prelink(path.as_ref())?, call, port, log).await
    }

    /// Serve the component built from this checkout, compiled once per process
    /// (every server of a test run shares it, as the library harness does).
    pub async fn start_default(call: CallConfig) -> Result<McpServer> {
        Self::start_default_with_log(call, LogSink::memory(LOG_TAIL)).await
    }

    /// [`McpServer::start_default`], the instances writing to `log`.
    pub async fn start_default_with_log(call: CallConfig, log: LogSink) -> Result<McpServer> {
        static PRE: OnceLock<ProxyPre<HostState>> = OnceLock::new();
        let pre = match PRE.get() {
            Some(pre) => pre.clone(),
            None => {
                let pre = prelink(Path::new(MCP_COMPONENT_PATH))?;
                PRE.get_or_init(|| pre).clone()
            }
        };
        Self::serve(pre, call, 0, log).await
    }

    async fn serve(
        pre: ProxyPre<HostState>,
        call: CallConfig,
        port: u16,
        log: LogSink,
    ) -> Result<McpServer> {
        let shared = Arc::new(Shared {
            pre,
            call,
            log,
            denied: Arc::default(),
            pool: Pool::new(),
            running: AtomicUsize::new(0),
            ended: Notify::new(),
        });
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        Ok(McpServer {
            addr,
            shared,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT/mcp`.
    pub fn url(&self) -> String {
        format!("http://{}/mcp", self.addr)
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the instances wrote to stdout and stderr so far (the newest lines).
    pub fn log(&self) -> String {
        self.shared.log.contents()
    }

    /// The log once every instance has ended: an instance writes its line
    /// after its answer is sent, so a client can have the answer first.
    pub async fn settled_log(&self) -> String {
        loop {
            let ended = self.shared.ended.notified();
            if self.shared.running.load(Ordering::SeqCst) == 0 {
                return self.log();
            }
            ended.await;
        }
    }

    /// How many bytes the instances wrote to stdout and stderr in all.
    pub fn log_written(&self) -> u64 {
        self.shared.log.written()
    }

    /// Authorities the outbound allowlist refused so far.
    pub fn denied(&self) -> Vec<String> {
        self.shared.denied.lock().unwrap().clone()
    }

    /// The outbound connection pool the instances share.
    pub fn pool(&self) -> &Pool {
        &self.shared.pool
    }

    /// Create a store and instantiate the component once, as each request does,
    /// without handling anything (to measure instantiation).
    pub async fn instantiate_once(&self) -> Result<()> {
        let mut builder = WasiCtx::builder();
        builder.envs(&self.shared.call.env);
        let hooks = self.shared.hooks();
        let mut store = HostState::new(builder.build(), hooks).into_store(self.shared.pre.engine());
        self.shared.pre.instantiate_async(&mut store).await?;
        Ok(())
    }

    /// Serve until the task ends (the CLI).
    pub async fn wait(mut self) -> Result<()> {
        if let Some(task) = self.task.take() {
            task.await?;
        }
        Ok(())
    }
}

impl Shared {
    /// One instance's outbound hooks: the allowlist, the shared refusal log,
    /// the shared pool (or a new connection per request, if `call` asks).
    fn hooks(&self) -> AllowlistHooks {
        let hooks = AllowlistHooks::new(self.call.allowed_hosts.clone())
            .resolving(self.call.resolve.clone())
            .with_denied_log(self.denied.clone());
        if self.call.new_connection_per_request {
            hooks
        } else {
            hooks.with_pool(self.pool.clone())
        }
    }
}

/// Compile (or load from the cache) and pre-link the component at `path`; the
/// pre-linked component keeps its engine.
fn prelink(path: &Path) -> Result<ProxyPre<HostState>> {
    let (_, component, linker) = crate::harness::compile_and_link(path)?;
    Ok(ProxyPre::new(linker.instantiate_pre(&component)?)?)
}

impl Drop for McpServer {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        // Replies are written in several pieces; without this, Nagle's algorithm
        // and the client's delayed ACK add ~40 ms to every multi-piece reply.
        _ = client.set_nodelay(true);
        let shared = shared.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                async move { handle(shared, req).await }
            });
            _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(client), service)
                .await;
        });
    }
}

/// One request, one fresh instance.
async fn handle(
    shared: Arc<Shared>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<HyperOutgoingBody>> {
    let mut builder = WasiCtx::builder();
    builder
        .envs(&shared.call.env)
        .stdout(shared.log.clone())
        .stderr(shared.log.clone());
    let hooks = shared.hooks();
    let mut store = HostState::new(builder.build(), hooks).into_store(shared.pre.engine());
    let (sender, receiver) = tokio::sync::oneshot::channel();
    let req = store
        .data_mut()
        .http()
        .new_incoming_request(Scheme::Http, req)?;
    let out = store.data_mut().http().new_response_outparam(sender)?;
    let pre = shared.pre.clone();
    let running = Running::new(&shared);
    let task = tokio::spawn(async move {
        let result = async {
            let proxy = pre.instantiate_async(&mut store).await?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, req, out)
                .await
        }
        .await;
        // The store holds the instance's stdout and stderr: its last line is
        // in the log once it is dropped, and only then has the instance ended.
        drop(store);
        drop(running);
        result
    });
    match receiver.await {
        Ok(Ok(resp)) => Ok(resp),
        Ok(Err(e)) => Err(e.into()),
        Err(_) => match task.await {
            Ok(Ok(())) => bail!("the guest never set a response"),
            Ok(Err(e)) => Err(anyhow::anyhow!("the guest never set a response: {e:?}")),
            Err(e) => Err(e.into()),
        },
    }
}

/// A kept-alive HTTP/1.1 connection to an MCP endpoint, with a bearer token
/// (the `mcp-bench` and `bench` commands' client).
pub struct McpClient {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    authority: String,
    path: String,
    token: String,
}

impl McpClient {
    /// Connect to `url` (`http://host:port/path`).
    pub async fn open(url: &str, token: &str) -> Result<McpClient> {
        let uri: hyper::Uri = url.parse()?;
        let authority = uri.authority().context("no authority")?.to_string();
        let stream = tokio::net::TcpStream::connect(&authority).await?;
        _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(conn);
        Ok(McpClient {
            sender,
            authority,
            path: uri.path().to_string(),
            token: token.to_string(),
        })
    }

    /// POST one 2025-11-25 JSON-RPC request; the JSON answer.
    pub async fn rpc(&mut self, method: &str, params: Value) -> Result<Value> {
        let body =
            json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
        let req = hyper::Request::post(&self.path)
            .header("host", &self.authority)
            .header("authorization", format!("Bearer {}", self.token))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-11-25")
            .body(Full::new(Bytes::from(body)))?;
        self.sender.ready().await?;
        let resp = self.sender.send_request(req).await?;
        let status = resp.status();
        let bytes = resp.into_body().collect().await?.to_bytes();
        if !status.is_success() {
            bail!("{method}: HTTP {status}");
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}
