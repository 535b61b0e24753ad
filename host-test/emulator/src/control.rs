//! The [`Emulator`]'s methods for tests: seeding sandboxes, snapshots and keys, inspecting
//! state and the request log, scripting faults and changing options at run time.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use serde_json::Value;

use super::Emulator;
use super::clock::to_ms;
use super::ids::{random_hex, uuid_v4};
use super::options::EmulatorOptions;
use super::process::group_alive;
use super::records::{
    ApiKeyInfo, ApiKeyRecord, Fault, RecordedRequest, ScriptedFault, SnapshotRecord,
};
use super::seed::SandboxSeed;
use super::toolbox::records::{CommandLogs, Session, SessionCommand, SignedPreview};

impl Emulator {
    /// The options in force.
    pub fn options(&self) -> EmulatorOptions {
        self.shared.lock().opts.clone()
    }

    /// Changes options while running (e.g. turn `toolbox_proxy_404` on mid-test).
    pub fn update_options(&self, change: impl FnOnce(&mut EmulatorOptions)) {
        change(&mut self.shared.lock().opts);
    }

    /// Puts a sandbox into the emulator; returns its id.
    pub fn add_sandbox(&self, seed: SandboxSeed) -> String {
        self.shared.seed_sandbox(seed)
    }

    /// The sandbox's current state, `None` if it does not exist (or was destroyed).
    pub fn sandbox_state(&self, id_or_name: &str) -> Option<String> {
        self.sandbox(id_or_name)
            .and_then(|v| v["state"].as_str().map(str::to_string))
    }

    /// The sandbox as `GET /api/sandbox/{idOrName}` renders it.
    pub fn sandbox(&self, id_or_name: &str) -> Option<Value> {
        self.shared.sandbox_json(id_or_name)
    }

    /// The host directory a sandbox's commands run in.
    pub fn sandbox_dir(&self, id_or_name: &str) -> Option<PathBuf> {
        let now = self.shared.clock.now_ms();
        let mut inner = self.shared.lock();
        inner.sweep(now);
        inner.sandbox_mut(id_or_name).map(|s| s.dir.clone())
    }

    /// Ids of the sandboxes that exist (not destroyed), oldest first.
    pub fn sandbox_ids(&self) -> Vec<String> {
        let now = self.shared.clock.now_ms();
        let mut inner = self.shared.lock();
        inner.sweep(now);
        inner.sandboxes.iter().map(|s| s.id.clone()).collect()
    }

    /// Adds an active snapshot of the organisation.
    pub fn add_snapshot(&self, name: &str) {
        self.add_snapshot_in_state(name, "active");
    }

    /// Adds a snapshot of the organisation in any state (`building`, `error`, ...).
    pub fn add_snapshot_in_state(&self, name: &str, state: &str) {
        let now = self.shared.clock.now_ms();
        self.shared
            .lock()
            .snapshots
            .push(SnapshotRecord::new(name, false, state, now));
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Queues a fault for the next request whose method (`"*"` for any) and path (without
    /// the query, e.g. `/api/sandbox`) match. Queued faults are consumed in order, one per
    /// matching request; queue the same fault twice to fail two requests.
    pub fn fail_next(&self, method: &str, path_prefix: &str, fault: Fault) {
        self.shared.lock().faults.push_back(ScriptedFault {
            method: method.to_ascii_uppercase(),
            path_prefix: path_prefix.to_string(),
            fault,
        });
    }

    /// Faults still queued.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every API key of the organisation (full values), oldest first.
    pub fn api_keys(&self) -> Vec<ApiKeyInfo> {
        self.shared
            .lock()
            .api_keys
            .iter()
            .map(ApiKeyRecord::info)
            .collect()
    }

    /// Creates an API key for the user directly; returns its value.
    pub fn add_api_key(
        &self,
        name: &str,
        permissions: &[&str],
        expires_at: Option<SystemTime>,
    ) -> String {
        let value = format!("dtn_{}", random_hex(32));
        let now = self.shared.clock.now_ms();
        self.shared.lock().api_keys.push(ApiKeyRecord {
            name: name.to_string(),
            value: value.clone(),
            user_id: self.shared.user_id.clone(),
            permissions: permissions.iter().map(|p| p.to_string()).collect(),
            created_ms: now,
            last_used_ms: None,
            expires_ms: expires_at.map(to_ms),
        });
        value
    }

    /// `None` (default): the user owns the organisation. `Some(perms)`: the user is a member
    /// holding only `perms`: JWT requests and keys are limited to them, and creating a key
    /// with others is 403.
    pub fn set_user_permissions(&self, permissions: Option<&[&str]>) {
        self.shared.lock().user_permissions =
            permissions.map(|p| p.iter().map(|s| s.to_string()).collect());
    }

    /// The signed preview URLs that still work on the emulator clock, as
    /// `(token, sandbox id, port)`, sorted by token.
    pub fn signed_previews(&self) -> Vec<(String, String, u16)> {
        let now = self.shared.clock.now_ms();
        let mut inner = self.shared.lock();
        inner.sweep(now);
        let mut out: Vec<_> = inner
            .toolbox
            .signed_previews
            .iter()
            .filter(|(_, s)| s.expires_ms > now)
            .map(|(token, s)| (token.clone(), s.sandbox_id.clone(), s.port))
            .collect();
        out.sort();
        out
    }

    /// Gives sandbox `id_or_name` a signed preview URL for `port` with a chosen `token`,
    /// working for `lifetime` on the emulator clock (as `GET .../signed-preview-url` would
    /// with a token of its own). Returns false if there is no such sandbox.
    pub fn add_signed_preview(
        &self,
        id_or_name: &str,
        port: u16,
        token: &str,
        lifetime: std::time::Duration,
    ) -> bool {
        let now = self.shared.clock.now_ms();
        let mut inner = self.shared.lock();
        inner.sweep(now);
        let Some(id) = inner.sandbox_mut(id_or_name).map(|s| s.id.clone()) else {
            return false;
        };
        let expires_ms =
            now.saturating_add(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX));
        inner.toolbox.signed_previews.insert(
            token.to_string(),
            SignedPreview {
                sandbox_id: id,
                port,
                expires_ms,
            },
        );
        true
    }

    /// Process groups of started commands that still have live processes.
    pub fn running_process_groups(&self) -> usize {
        let mut inner = self.shared.lock();
        inner.running.retain(|pgid| group_alive(*pgid));
        inner.running.len()
    }

    /// The sessions of a sandbox (ID or name), by name, each with its commands' IDs, oldest first.
    pub fn sessions(&self, id_or_name: &str) -> Vec<(String, Vec<String>)> {
        let mut inner = self.shared.lock();
        let Some(id) = inner.sandbox_mut(id_or_name).map(|s| s.id.clone()) else {
            return Vec::new();
        };
        inner
            .toolbox
            .sessions
            .get(&id)
            .map(|sessions| {
                sessions
                    .iter()
                    .map(|(name, s)| {
                        (
                            name.clone(),
                            s.commands.iter().map(|c| c.id.clone()).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Puts a finished command (`stdout` printed, then exit `exit_code`) into session
    /// `session` of a sandbox (ID or name), creating the session if needed; returns the
    /// command's ID. Nothing runs.
    pub fn add_session_command(
        &self,
        id_or_name: &str,
        session: &str,
        command: &str,
        stdout: &str,
        exit_code: i32,
    ) -> String {
        let state_dir = self.shared.root.join(".sessions").join(random_hex(8));
        std::fs::create_dir_all(&state_dir).expect("session state directory");
        let mut inner = self.shared.lock();
        let id = inner
            .sandbox_mut(id_or_name)
            .map(|s| s.id.clone())
            .expect("add_session_command: no such sandbox");
        let (_, done) = tokio::sync::watch::channel(true);
        let record = Arc::new(SessionCommand {
            id: uuid_v4(),
            command: command.to_string(),
            pgid: None,
            logs: Mutex::new(CommandLogs {
                stdout: stdout.as_bytes().to_vec(),
                stderr: Vec::new(),
                output: stdout.as_bytes().to_vec(),
                exit_code: Some(exit_code),
            }),
            done,
        });
        inner
            .toolbox
            .sessions
            .entry(id)
            .or_default()
            .entry(session.to_string())
            .or_insert_with(|| Session {
                commands: Vec::new(),
                state_dir,
            })
            .commands
            .push(record.clone());
        record.id.clone()
    }
}
