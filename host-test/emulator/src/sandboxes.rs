//! The sandbox routes under `/api/sandbox`.
//!
//! | route | status |
//! |---|---|
//! | `GET /sandbox` | see [`super::listing`] |
//! | `POST /sandbox` | 200 Sandbox; 400 resources with a snapshot, unknown/inactive snapshot, bad body; 403 without `write:sandboxes`; 409 name taken |
//! | `GET /sandbox/{idOrName}` | 200 Sandbox; 404 |
//! | `DELETE /sandbox/{idOrName}` | 200 Sandbox (`destroying`, then gone); 403 without `delete:sandboxes`; 404; 409 during a transition |
//! | `POST /sandbox/{idOrName}/start` | 200 Sandbox (also when already started); 400 from `error` etc.; 409 during a transition |
//! | `POST /sandbox/{idOrName}/stop?force=` | 200 Sandbox; 400 "Sandbox is not started"; 409 during a transition |
//! | `POST /sandbox/{idOrName}/archive` | 200 Sandbox (`archiving`, then `archived`); 400 "Sandbox is not stopped" (also when archived), "Sandbox is in an errored state", "Ephemeral sandboxes cannot be archived"; 403 without `write:sandboxes`; 404; 409 during a transition |
//! | `PUT /sandbox/{idOrName}/labels` | 200 `SandboxLabels{labels}` (all labels replaced); 400 bad body; 403 without `write:sandboxes`; 404 |
//! | `GET /sandbox/{id}/toolbox-proxy-url` | 200 `{url}`; 404 (also when `toolbox_proxy` is off) |

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::Principal;
use super::errors::{ApiError, parse_json};
use super::ids::uuid_v4;
use super::lifecycle::{RenderCtx, SandboxRecord};
use super::query::Query;
use super::records::DEFAULT_SNAPSHOTS;
use super::seed::SandboxSeed;
use super::state::{Inner, Shared};

static NEXT_SEQ: AtomicU64 = AtomicU64::new(1);

/// The `CreateSandbox` body (fields the emulator uses; others are ignored).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct CreateSandbox {
    name: Option<String>,
    snapshot: Option<String>,
    user: Option<String>,
    env: Option<BTreeMap<String, String>>,
    labels: Option<BTreeMap<String, String>>,
    public: Option<bool>,
    network_block_all: Option<bool>,
    kvm: Option<bool>,
    network_allow_list: Option<String>,
    domain_allow_list: Option<String>,
    target: Option<String>,
    cpu: Option<i64>,
    gpu: Option<i64>,
    memory: Option<i64>,
    disk: Option<i64>,
    auto_stop_interval: Option<i64>,
    auto_archive_interval: Option<i64>,
    auto_delete_interval: Option<i64>,
    build_info: Option<Value>,
}

fn not_found(id_or_name: &str) -> ApiError {
    ApiError::not_found(format!("Sandbox with ID or name {id_or_name} not found"))
        .with_code("SANDBOX_NOT_FOUND")
}

fn in_progress() -> ApiError {
    ApiError::conflict("Sandbox state change in progress")
        .with_code("SANDBOX_STATE_CHANGE_IN_PROGRESS")
}

impl Inner {
    /// Finishes due transitions and forgets destroyed sandboxes (removing their directories).
    pub(crate) fn sweep(&mut self, now_ms: i64) {
        for s in &mut self.sandboxes {
            s.settle(now_ms);
        }
        let toolbox = &mut self.toolbox;
        for s in self.sandboxes.iter().filter(|s| s.state != "started") {
            toolbox.not_running(&s.id, &s.state);
        }
        self.sandboxes.retain(|s| {
            let gone = s.state == "destroyed";
            if gone {
                toolbox.forget_sandbox(&s.id);
                let _ = std::fs::remove_dir_all(&s.dir);
            }
            !gone
        });
    }

    /// By id first, then by name.
    pub(crate) fn sandbox_mut(&mut self, id_or_name: &str) -> Option<&mut SandboxRecord> {
        let i = self
            .sandboxes
            .iter()
            .position(|s| s.id == id_or_name)
            .or_else(|| self.sandboxes.iter().position(|s| s.name == id_or_name))?;
        self.sandboxes.get_mut(i)
    }
}

impl Shared {
    pub(crate) fn render_ctx<'a>(
        &'a self,
        inner: &'a Inner,
        toolbox_url: &'a str,
    ) -> RenderCtx<'a> {
        let url = inner.opts.toolbox_url_override.as_deref();
        RenderCtx {
            org_id: &self.org_id,
            toolbox_url: inner
                .opts
                .toolbox_proxy
                .then_some(url.unwrap_or(toolbox_url)),
        }
    }

    fn delay_ms(inner: &Inner) -> i64 {
        i64::try_from(inner.opts.transition_delay.as_millis()).unwrap_or(i64::MAX / 4)
    }

    /// Creates a sandbox record with its working directory.
    fn new_record(&self, now_ms: i64) -> Result<SandboxRecord, ApiError> {
        let id = uuid_v4();
        let dir = self.root.join(&id);
        std::fs::create_dir_all(&dir).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                format!("emulator: cannot create {dir:?}: {e}"),
            )
        })?;
        Ok(SandboxRecord::new(
            NEXT_SEQ.fetch_add(1, Ordering::Relaxed),
            id,
            dir,
            now_ms,
        ))
    }

    /// Adds a seeded sandbox; returns its id.
    pub(crate) fn seed_sandbox(&self, seed: SandboxSeed) -> String {
        let now = self.clock.now_ms();
        let mut rec = self.new_record(now).unwrap_or_else(|_| {
            let id = uuid_v4();
            let dir = self.root.join(&id);
            SandboxRecord::new(NEXT_SEQ.fetch_add(1, Ordering::Relaxed), id, dir, now)
        });
        let mut inner = self.lock();
        seed.apply(&mut rec, now, Self::delay_ms(&inner));
        let id = rec.id.clone();
        inner.sandboxes.push(rec);
        id
    }

    /// A sandbox rendered as `GET /sandbox/{idOrName}` would, if it exists.
    pub(crate) fn sandbox_json(&self, id_or_name: &str) -> Option<Value> {
        let toolbox_url = self.toolbox_url();
        let mut inner = self.lock();
        inner.sweep(self.clock.now_ms());
        let json = inner.sandbox_mut(id_or_name).map(|s| s.clone())?;
        Some(json.to_json(&self.render_ctx(&inner, &toolbox_url)))
    }
}

/// `POST /api/sandbox`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require("write:sandboxes")?;
    let req: CreateSandbox = parse_json(&body)?;
    let snapshot_given = req
        .snapshot
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    let resources = [req.cpu, req.gpu, req.memory, req.disk]
        .iter()
        .any(|r| r.is_some_and(|v| v != 0));
    if req.build_info.is_some() {
        if snapshot_given {
            return Err(ApiError::bad_request(
                "Cannot specify a snapshot when using a build info entry",
            ));
        }
    } else if resources {
        return Err(ApiError::bad_request(
            "Cannot specify Sandbox resources when using a snapshot",
        ));
    }
    let now = shared.clock.now_ms();
    let toolbox_url = shared.toolbox_url();
    let mut inner = shared.lock();
    inner.sweep(now);
    let snapshot = if req.build_info.is_some() {
        None
    } else {
        let wanted = req
            .snapshot
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let wanted = wanted.unwrap_or(DEFAULT_SNAPSHOTS[0]).to_string();
        let snap = inner
            .snapshots
            .iter_mut()
            .find(|s| s.name == wanted || s.id == wanted)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "Snapshot {wanted} not found. Did you add it through the Daytona Dashboard?"
                ))
            })?;
        if snap.state != "active" {
            return Err(ApiError::bad_request(format!(
                "Snapshot {wanted} is {}",
                snap.state
            )));
        }
        snap.last_used_ms = Some(now);
        Some(snap.name.clone())
    };
    let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if let Some(name) = name
        && inner.sandboxes.iter().any(|s| s.name == name)
    {
        return Err(ApiError::conflict(format!(
            "Sandbox with name {name} already exists"
        )));
    }
    let mut rec = shared.new_record(now)?;
    if let Some(name) = name {
        rec.name = name.to_string();
    }
    rec.snapshot = snapshot;
    if let Some(b) = req.build_info {
        rec.cpu = req.cpu.filter(|v| *v > 0).unwrap_or(1);
        rec.gpu = req.gpu.filter(|v| *v > 0).unwrap_or(0);
        rec.memory = req.memory.filter(|v| *v > 0).unwrap_or(1);
        rec.disk = req.disk.filter(|v| *v > 0).unwrap_or(3);
        rec.build_info = Some(b);
    }
    rec.user = req.user.unwrap_or(rec.user);
    rec.env = req.env.unwrap_or_default();
    rec.labels = req.labels.unwrap_or_default();
    rec.public = req.public.unwrap_or(false);
    rec.network_block_all = req.network_block_all.unwrap_or(false);
    rec.kvm = req.kvm.unwrap_or(false);
    rec.network_allow_list = req.network_allow_list;
    rec.domain_allow_list = req.domain_allow_list;
    rec.target = req
        .target
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(rec.target);
    rec.auto_stop_interval = req.auto_stop_interval.unwrap_or(rec.auto_stop_interval);
    rec.auto_archive_interval = req
        .auto_archive_interval
        .unwrap_or(rec.auto_archive_interval);
    rec.auto_delete_interval = req.auto_delete_interval.unwrap_or(rec.auto_delete_interval);
    rec.begin_create(now, Shared::delay_ms(&inner));
    let out = rec.to_json(&shared.render_ctx(&inner, &toolbox_url));
    inner.sandboxes.push(rec);
    Ok(Json(out))
}

/// `GET /api/sandbox/{idOrName}`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path(id_or_name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared
        .sandbox_json(&id_or_name)
        .map(Json)
        .ok_or_else(|| not_found(&id_or_name))
}

/// The lifecycle actions.
#[derive(Clone, Copy)]
enum Action {
    Start,
    Stop,
    Archive,
    Delete,
}

/// Daytona's `SandboxError` (400) on a state the action does not apply to.
fn state_error(message: &str) -> ApiError {
    ApiError::bad_request(message).with_code("SANDBOX_STATE_ERROR")
}

fn act(
    shared: &Shared,
    caller: &Principal,
    id_or_name: &str,
    action: Action,
) -> Result<Json<Value>, ApiError> {
    caller.require(match action {
        Action::Delete => "delete:sandboxes",
        Action::Start | Action::Stop | Action::Archive => "write:sandboxes",
    })?;
    let now = shared.clock.now_ms();
    let toolbox_url = shared.toolbox_url();
    let mut inner = shared.lock();
    inner.sweep(now);
    let delay = Shared::delay_ms(&inner);
    let sandbox = inner
        .sandbox_mut(id_or_name)
        .ok_or_else(|| not_found(id_or_name))?;
    // Daytona lets a start interrupt archiving (the files are still there).
    let start_while_archiving = matches!(action, Action::Start) && sandbox.state == "archiving";
    if sandbox.in_transition() && !start_while_archiving {
        return Err(in_progress());
    }
    match (action, sandbox.state.as_str()) {
        (Action::Delete, _) => sandbox.begin("destroying", "destroyed", "destroyed", now, delay),
        (Action::Start, "archiving") => sandbox.begin("starting", "started", "started", now, delay),
        (Action::Start, "started") => {}
        (Action::Start, "stopped") => sandbox.begin("starting", "started", "started", now, delay),
        (Action::Start, "archived") => sandbox.begin("restoring", "started", "started", now, delay),
        (Action::Start, "paused") => sandbox.begin("resuming", "started", "started", now, delay),
        (Action::Start, _) => return Err(state_error("Sandbox is not in valid state")),
        // An ephemeral sandbox (autoDeleteInterval 0) is destroyed when it stops.
        (Action::Stop, "started") if sandbox.auto_delete_interval == 0 => {
            sandbox.begin("stopping", "destroyed", "destroyed", now, delay)
        }
        (Action::Stop, "started") => sandbox.begin("stopping", "stopped", "stopped", now, delay),
        (Action::Stop, _) => return Err(state_error("Sandbox is not started")),
        (Action::Archive, "error" | "build_failed") => {
            return Err(state_error("Sandbox is in an errored state"));
        }
        (Action::Archive, "stopped") if sandbox.auto_delete_interval == 0 => {
            return Err(state_error("Ephemeral sandboxes cannot be archived"));
        }
        (Action::Archive, "stopped") => {
            sandbox.begin("archiving", "archived", "archived", now, delay)
        }
        (Action::Archive, _) => return Err(state_error("Sandbox is not stopped")),
    }
    let sandbox = sandbox.clone();
    Ok(Json(
        sandbox.to_json(&shared.render_ctx(&inner, &toolbox_url)),
    ))
}

/// `DELETE /api/sandbox/{idOrName}`.
pub(crate) async fn delete(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id_or_name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    act(&shared, &caller, &id_or_name, Action::Delete)
}

/// `POST /api/sandbox/{idOrName}/start`.
pub(crate) async fn start(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id_or_name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    act(&shared, &caller, &id_or_name, Action::Start)
}

/// `POST /api/sandbox/{idOrName}/stop`.
pub(crate) async fn stop(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id_or_name): Path<String>,
    q: Query,
) -> Result<Json<Value>, ApiError> {
    q.bool("force")?;
    act(&shared, &caller, &id_or_name, Action::Stop)
}

/// `POST /api/sandbox/{idOrName}/archive`.
pub(crate) async fn archive(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id_or_name): Path<String>,
) -> Result<Json<Value>, ApiError> {
    act(&shared, &caller, &id_or_name, Action::Archive)
}

/// The `SandboxLabels` body.
#[derive(Deserialize)]
struct SandboxLabels {
    labels: BTreeMap<String, String>,
}

/// `PUT /api/sandbox/{idOrName}/labels`: replaces every label. Answers `SandboxLabels`, as
/// the API spec says (Daytona's server answers the whole Sandbox, which carries `labels` too).
pub(crate) async fn replace_labels(
    State(shared): State<Arc<Shared>>,
    caller: Principal,
    Path(id_or_name): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    caller.require("write:sandboxes")?;
    let req: SandboxLabels = parse_json(&body)?;
    let now = shared.clock.now_ms();
    let mut inner = shared.lock();
    inner.sweep(now);
    let sandbox = inner
        .sandbox_mut(&id_or_name)
        .ok_or_else(|| not_found(&id_or_name))?;
    sandbox.labels = req.labels;
    sandbox.updated_ms = now;
    Ok(Json(json!({ "labels": sandbox.labels })))
}

/// `GET /api/sandbox/{sandboxId}/toolbox-proxy-url`.
pub(crate) async fn toolbox_proxy_url(
    State(shared): State<Arc<Shared>>,
    _caller: Principal,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let mut inner = shared.lock();
    if !inner.opts.toolbox_proxy {
        return Err(ApiError::not_found(format!(
            "Cannot GET /api/sandbox/{id}/toolbox-proxy-url"
        )));
    }
    inner.sweep(shared.clock.now_ms());
    if !inner.sandboxes.iter().any(|s| s.id == id) {
        return Err(
            ApiError::not_found(format!("Sandbox with ID {id} not found"))
                .with_code("SANDBOX_NOT_FOUND"),
        );
    }
    let url = (inner.opts.toolbox_url_override.clone()).unwrap_or_else(|| shared.toolbox_url());
    Ok(Json(json!({ "url": url })))
}
