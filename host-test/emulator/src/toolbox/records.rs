//! The toolbox's per-sandbox records: sessions and their commands, preview tokens. A leaf
//! (beside [`super::super::records`]) that the shared state holds.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::super::process::kill_group;

/// One command run in a session, with its output as it arrives.
pub(crate) struct SessionCommand {
    pub(crate) id: String,
    pub(crate) command: String,
    pub(crate) pgid: Option<i32>,
    pub(crate) logs: Mutex<CommandLogs>,
    /// Becomes `true` when the command's shell has exited.
    pub(crate) done: tokio::sync::watch::Receiver<bool>,
}

/// Output of a session command: each stream, and both interleaved in arrival order.
#[derive(Default, Clone)]
pub(crate) struct CommandLogs {
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) output: Vec<u8>,
    pub(crate) exit_code: Option<i32>,
}

/// A session: its commands, and the directory holding the shell state (cwd, exports)
/// commands hand on to the next.
pub(crate) struct Session {
    pub(crate) commands: Vec<Arc<SessionCommand>>,
    pub(crate) state_dir: PathBuf,
}

/// A signed preview URL's token.
#[derive(Clone, Debug)]
pub(crate) struct SignedPreview {
    pub(crate) sandbox_id: String,
    pub(crate) port: u16,
    pub(crate) expires_ms: i64,
}

/// Toolbox state of all sandboxes, kept beside the sandbox records.
#[derive(Default)]
pub(crate) struct ToolboxState {
    /// Sandbox id → session id → session.
    pub(crate) sessions: HashMap<String, BTreeMap<String, Session>>,
    /// Sandbox id → its preview access token (`X-Daytona-Preview-Token`).
    pub(crate) preview_tokens: HashMap<String, String>,
    /// Signed preview token → what it opens.
    pub(crate) signed_previews: HashMap<String, SignedPreview>,
}

impl ToolboxState {
    /// A sandbox is not `started`: once it has stopped (or failed, or is going away), its
    /// processes are gone, as a stopped container's are, and so are its sessions.
    pub(crate) fn not_running(&mut self, sandbox_id: &str, state: &str) {
        if matches!(state, "stopping" | "starting" | "creating") {
            return;
        }
        if let Some(sessions) = self.sessions.remove(sandbox_id) {
            for session in sessions.into_values() {
                session.kill();
            }
        }
    }

    /// A sandbox is gone: kill its sessions' processes, forget its sessions and tokens.
    pub(crate) fn forget_sandbox(&mut self, sandbox_id: &str) {
        if let Some(sessions) = self.sessions.remove(sandbox_id) {
            for session in sessions.into_values() {
                session.kill();
            }
        }
        self.preview_tokens.remove(sandbox_id);
        self.signed_previews
            .retain(|_, s| s.sandbox_id != sandbox_id);
    }
}

impl Session {
    /// Kills every command's process group and removes the shell state.
    pub(crate) fn kill(&self) {
        for c in &self.commands {
            if let Some(pgid) = c.pgid {
                kill_group(pgid);
            }
        }
        let _ = std::fs::remove_dir_all(&self.state_dir);
    }
}
