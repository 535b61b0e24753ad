//! Shared emulator state: the one organisation and user, their sandboxes, snapshots and
//! API keys, the request log, the fault queue and the process groups still running. The
//! record types it holds live in the leaves [`super::records`], [`super::lifecycle`] and
//! [`super::toolbox::records`], so the handlers depend on this module and it on none of them.
//!
//! Everything mutable sits behind one mutex ([`Shared::lock`]); handlers hold it only for
//! bookkeeping, never across an `.await`.

use std::collections::{HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use super::clock::Clock;
use super::ids::{random_hex, uuid_v4};
use super::lifecycle::SandboxRecord;
use super::options::EmulatorOptions;
use super::records::{
    ALL_PERMISSIONS, ApiKeyRecord, DEFAULT_SNAPSHOTS, MASTER_KEY_NAME, RecordedRequest,
    ScriptedFault, SnapshotRecord,
};
use super::toolbox::records::ToolboxState;

/// State shared by the server's tasks and the [`super::Emulator`] handle.
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub(crate) base_url: String,
    pub(crate) org_id: String,
    pub(crate) user_id: String,
    pub(crate) jwt: String,
    /// Temporary directory holding one working directory per sandbox.
    pub(crate) root: PathBuf,
    inner: Mutex<Inner>,
}

impl Shared {
    pub(crate) fn new(opts: EmulatorOptions, base_url: String, root: PathBuf) -> Shared {
        let clock = Clock::default();
        let now = clock.now_ms();
        let user_id = uuid_v4();
        let master = ApiKeyRecord {
            name: MASTER_KEY_NAME.to_string(),
            value: format!("dtn_{}", random_hex(32)),
            user_id: user_id.clone(),
            permissions: ALL_PERMISSIONS.iter().map(|p| p.to_string()).collect(),
            created_ms: now,
            last_used_ms: None,
            expires_ms: None,
        };
        let jwt = make_jwt(&user_id);
        let mut inner = Inner {
            opts,
            sandboxes: Vec::new(),
            snapshots: Vec::new(),
            api_keys: vec![master],
            user_permissions: None,
            requests: Vec::new(),
            faults: VecDeque::new(),
            running: HashSet::new(),
            toolbox: Default::default(),
        };
        for name in DEFAULT_SNAPSHOTS {
            inner
                .snapshots
                .push(SnapshotRecord::new(name, true, "active", now));
        }
        Shared {
            clock,
            base_url,
            org_id: uuid_v4(),
            user_id,
            jwt,
            root,
            inner: Mutex::new(inner),
        }
    }

    /// Locks the mutable state; a panic elsewhere never poisons the emulator for good.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `http://127.0.0.1:PORT/toolbox`, the toolbox proxy URL sandboxes carry.
    pub(crate) fn toolbox_url(&self) -> String {
        format!("{}/toolbox", self.base_url)
    }
}

/// The mutable part of the emulator.
pub(crate) struct Inner {
    pub(crate) opts: EmulatorOptions,
    /// Sandboxes in creation order.
    pub(crate) sandboxes: Vec<SandboxRecord>,
    pub(crate) snapshots: Vec<SnapshotRecord>,
    pub(crate) api_keys: Vec<ApiKeyRecord>,
    /// `None`: the user owns the organisation (every permission); `Some`: a member with these.
    pub(crate) user_permissions: Option<Vec<String>>,
    pub(crate) requests: Vec<RecordedRequest>,
    pub(crate) faults: VecDeque<ScriptedFault>,
    /// Process groups of commands still running, killed when the emulator stops.
    pub(crate) running: HashSet<i32>,
    /// Sessions and preview tokens of the sandboxes.
    pub(crate) toolbox: ToolboxState,
}

/// An opaque three-part JWT-looking token naming the user.
fn make_jwt(user_id: &str) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = b64.encode(format!(r#"{{"sub":"{user_id}","iss":"daytona-emulator"}}"#));
    format!("{header}.{payload}.{}", b64.encode(random_hex(32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jwt_has_three_parts() {
        assert_eq!(make_jwt("u").split('.').count(), 3);
    }
}
