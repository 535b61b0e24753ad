//! An in-process emulator of Daytona's API, for tests and demos.
//!
//! It serves the control-plane API under `http://127.0.0.1:PORT/api` and the toolbox proxy
//! under `http://127.0.0.1:PORT/toolbox`, with one organisation, one user (its owner), a
//! master API key and a user JWT. Field names, status codes and error bodies follow
//! Daytona's current API (see each resource's file for its routes):
//!
//! - [`sandboxes`]: create, get, delete, start, stop, archive, labels, toolbox URL; [`listing`]:
//!   the cursor-paginated list. States move through `creating`/`starting`/`stopping`/
//!   `archiving`/`restoring`/`destroying` ([`lifecycle`]); tests seed sandboxes in any state
//!   with [`SandboxSeed`].
//! - [`snapshots`]: list (page pagination) and get.
//! - [`toolbox`]: command execution, really run with `sh -c` in a per-sandbox directory;
//!   files, git, sessions and code run on that directory; [`preview`]: preview URLs and
//!   their proxy to `127.0.0.1:{port}`.
//! - [`api_keys`]: create, list, current, get, delete; keys carry permissions and expiry.
//! - [`auth`]: API key or JWT + `X-Daytona-Organization-ID`; permissions; expiry.
//! - [`faults`]: the request log and scripted faults ([`Emulator::fail_next`]).
//! - [`clock`]: the controllable clock all of the above read.
//! - [`testing`]: helpers for the tests that drive it (the real `git`, a seeded repository).
//!
//! Unknown routes answer 404 with NestJS's `Cannot <METHOD> <path>`, naming the request
//! nobody expected (the SDKs' socket.io event stream at `/api/socket.io/` among them: the
//! SDKs then poll, which is all the emulator supports). `GET /api/config` is public.
//!
//! Where the emulator knowingly differs from Daytona:
//! - `POST /sandbox` answers at once; Daytona waits up to ~30 s for `started`. With a
//!   `transition_delay` the answer is therefore `creating`, and clients must poll.
//! - An API key on a JWT-only route (key management since April 2026) or a JWT on
//!   `/api-keys/current` gets Daytona's 401 "Invalid credentials" with the reason appended.
//! - Commands run on the host with `sh -c`, in a temporary directory per sandbox, as the
//!   user running the tests: no isolation. Execute's default timeout is 10 s.
//! - Key checks are never cached (Daytona caches them ~10 s), so expiry bites immediately.
//!
//! The server runs on its own thread and Tokio runtime, so it works from sync code, async
//! tests and the CLI alike; it stops, kills the commands it started and removes its
//! directories when the [`Emulator`] is dropped.
//!
//! ```no_run
//! use daytona_emulator::{Emulator, EmulatorOptions};
//! let emu = Emulator::start(EmulatorOptions::default()).unwrap();
//! println!("DAYTONA_API_URL={} DAYTONA_API_KEY={}", emu.api_url(), emu.api_key());
//! ```

#![warn(missing_docs)]

pub mod api_keys;
pub mod auth;
pub mod clock;
mod control;
mod errors;
pub mod faults;
mod ids;
pub mod lifecycle;
pub mod listing;
mod options;
pub mod preview;
mod process;
mod query;
mod records;
pub mod sandboxes;
mod seed;
pub mod snapshots;
mod state;
pub mod testing;
pub mod toolbox;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post, put};
use serde_json::{Value, json};

pub use clock::Clock;
pub use faults::Fault;
pub use lifecycle::{BUILD_FAIL_LABEL, FAIL_LABEL};
pub use options::EmulatorOptions;
pub use records::{ALL_PERMISSIONS, ApiKeyInfo, RecordedRequest};
pub use seed::SandboxSeed;

use errors::ApiError;
use ids::random_hex;
use state::Shared;

/// A running emulator; dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    /// TCP connections accepted so far.
    connections: Arc<std::sync::atomic::AtomicUsize>,
    master_key: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Binds `127.0.0.1:0` and serves on a thread of its own. Synchronous: usable anywhere.
    pub fn start(opts: EmulatorOptions) -> anyhow::Result<Emulator> {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let root = std::env::temp_dir().join(format!(
            "daytona-emulator-{}-{}",
            std::process::id(),
            random_hex(6)
        ));
        std::fs::create_dir_all(&root)?;
        let shared = Arc::new(Shared::new(opts, format!("http://{addr}"), root));
        let master_key = shared.lock().api_keys[0].value.clone();
        let app = router(shared.clone());
        let connections = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let accepted = connections.clone();
        let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
        let thread = std::thread::Builder::new()
            .name("daytona-emulator".into())
            .spawn(move || {
                // One thread per emulator: every handler awaits (commands run via
                // tokio::process, blocking waits via spawn_blocking), and a test
                // process starts dozens of emulators at once.
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .thread_name("daytona-emulator-rt")
                    .enable_all()
                    .build();
                let runtime = match runtime {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(format!("cannot build runtime: {e}")));
                        return;
                    }
                };
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            let _ = ready_tx.send(Err(format!("cannot register listener: {e}")));
                            return;
                        }
                    };
                    // Count connections (clients that keep them alive open few), and
                    // send replies at once, as servers behind real proxies do.
                    use axum::serve::ListenerExt;
                    let listener = listener.tap_io(move |tcp| {
                        accepted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let _ = tcp.set_nodelay(true);
                    });
                    let _ = ready_tx.send(Ok(()));
                    tokio::select! {
                        result = axum::serve(listener, app) => {
                            if let Err(e) = result {
                                eprintln!("daytona emulator: server error: {e}");
                            }
                        }
                        _ = shutdown_rx => {}
                    }
                });
                runtime.shutdown_timeout(Duration::from_secs(1));
            })?;
        match ready_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => anyhow::bail!("daytona emulator failed to start: {e}"),
            Err(_) => anyhow::bail!("daytona emulator thread exited before starting"),
        }
        Ok(Emulator {
            shared,
            addr,
            connections,
            master_key,
            shutdown: Some(shutdown_tx),
            thread: Some(thread),
        })
    }

    /// The listening address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many TCP connections the server has accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// `http://127.0.0.1:PORT/api`, the value for `DAYTONA_API_URL`.
    pub fn api_url(&self) -> String {
        format!("{}/api", self.shared.base_url)
    }

    /// `http://127.0.0.1:PORT/toolbox`, the `toolboxProxyUrl` sandboxes carry.
    pub fn toolbox_url(&self) -> String {
        self.shared.toolbox_url()
    }

    /// The organisation's master API key (`dtn_` + 64 hex, every permission, no expiry).
    pub fn api_key(&self) -> String {
        self.master_key.clone()
    }

    /// The user's JWT; send it with `X-Daytona-Organization-ID: <organization_id()>`.
    pub fn jwt(&self) -> String {
        self.shared.jwt.clone()
    }

    /// The organisation's id.
    pub fn organization_id(&self) -> String {
        self.shared.org_id.clone()
    }

    /// The user's id.
    pub fn user_id(&self) -> String {
        self.shared.user_id.clone()
    }

    /// The clock every timestamp, expiry and transition reads; move it to skip time.
    pub fn clock(&self) -> Clock {
        self.shared.clock.clone()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let groups: Vec<i32> = self.shared.lock().running.drain().collect();
        for pgid in groups {
            process::kill_group(pgid);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let _ = std::fs::remove_dir_all(&self.shared.root);
    }
}

/// Starts an emulator, prints one JSON line `{apiUrl, apiKey, jwt, organizationId, userId,
/// toolboxUrl}` to stdout, then serves until SIGINT or SIGTERM; it then stops, kills the
/// commands it started, removes its directories and returns `Ok(())`.
pub fn serve_forever(opts: EmulatorOptions) -> anyhow::Result<()> {
    use std::io::Write as _;
    let emu = Emulator::start(opts)?;
    let line = json!({
        "apiUrl": emu.api_url(),
        "apiKey": emu.api_key(),
        "jwt": emu.jwt(),
        "organizationId": emu.organization_id(),
        "userId": emu.user_id(),
        "toolboxUrl": emu.toolbox_url(),
    });
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);
    wait_for_termination()?;
    drop(emu);
    Ok(())
}

/// Blocks until SIGINT or SIGTERM, on a thread of its own (so it works from any context).
fn wait_for_termination() -> anyhow::Result<()> {
    let waiter = std::thread::spawn(|| -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                result = tokio::signal::ctrl_c() => result,
                _ = term.recv() => Ok(()),
            }
        })
    });
    match waiter.join() {
        Ok(result) => Ok(result?),
        Err(_) => anyhow::bail!("the signal-waiting thread panicked"),
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let authenticated = Router::new()
        .route("/sandbox", get(listing::list).post(sandboxes::create))
        .route(
            "/sandbox/{id}",
            get(sandboxes::get).delete(sandboxes::delete),
        )
        .route("/sandbox/{id}/start", post(sandboxes::start))
        .route("/sandbox/{id}/stop", post(sandboxes::stop))
        .route("/sandbox/{id}/archive", post(sandboxes::archive))
        .route("/sandbox/{id}/labels", put(sandboxes::replace_labels))
        .route(
            "/sandbox/{id}/toolbox-proxy-url",
            get(sandboxes::toolbox_proxy_url),
        )
        .route("/snapshots", get(snapshots::list))
        .route("/snapshots/{id}", get(snapshots::get))
        .route("/api-keys", get(api_keys::list).post(api_keys::create))
        .route("/api-keys/current", get(api_keys::current))
        .route(
            "/api-keys/{name}",
            get(api_keys::get).delete(api_keys::delete),
        )
        .route(
            "/api-keys/{user_id}/{name}",
            delete(api_keys::delete_for_user),
        )
        .route(
            "/toolbox/{id}/toolbox/process/execute",
            post(toolbox::legacy_execute),
        )
        .merge(toolbox::routes::preview_api())
        .route_layer(from_fn_with_state(shared.clone(), auth::api_auth));
    // A known path with another method is a 404 in NestJS too, not a 405.
    let api = authenticated
        .route("/config", get(config))
        .method_not_allowed_fallback(fallback);
    let proxy = Router::new()
        .route(
            "/toolbox/{id}/process/execute",
            post(toolbox::proxy_execute),
        )
        .merge(toolbox::routes::toolbox())
        .route_layer(from_fn_with_state(shared.clone(), auth::toolbox_auth))
        .method_not_allowed_fallback(fallback);
    Router::new()
        .nest("/api", api)
        .merge(proxy)
        .merge(toolbox::routes::preview_proxy())
        .fallback(fallback)
        .layer(from_fn_with_state(shared.clone(), faults::apply))
        .layer(from_fn_with_state(shared.clone(), errors::render))
        .layer(from_fn_with_state(shared.clone(), faults::record))
        .with_state(shared)
}

/// Any route the emulator does not serve: NestJS's 404, naming the request.
async fn fallback(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    let path = uri.path();
    if !path.contains("/socket.io") {
        eprintln!("daytona emulator: unexpected request {method} {uri}");
    }
    let err = ApiError::not_found(format!("Cannot {method} {path}"));
    if path.starts_with("/toolbox/") {
        err.toolbox()
    } else {
        err
    }
}

/// `GET /api/config` (public): the deployment configuration clients read.
async fn config(State(shared): State<Arc<Shared>>) -> axum::Json<Value> {
    let base = &shared.base_url;
    axum::Json(json!({
        "version": "0.226.1",
        "oidc": { "issuer": format!("{base}/oidc"), "clientId": "daytona-emulator", "audience": "daytona", "provider": "auth0" },
        "linkedAccountsEnabled": false,
        "announcements": {},
        "proxyTemplateUrl": format!("{base}/preview/{{{{PORT}}}}-{{{{sandboxId}}}}"),
        "proxyToolboxUrl": shared.toolbox_url(),
        "defaultSnapshot": records::DEFAULT_SNAPSHOTS[0],
        "dashboardUrl": format!("{base}/dashboard"),
        "maxAutoArchiveInterval": 43200,
        "maintananceMode": false,
        "environment": "emulator",
    }))
}
