//! Shared emulator state: the one organisation and user, their sandboxes, snapshots and
//! API keys, the request log, the fault queue and the process groups still running.
//!
//! Everything mutable sits behind one mutex ([`Shared::lock`]); handlers hold it only for
//! bookkeeping, never across an `.await`.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use super::EmulatorOptions;
use super::clock::{Clock, from_ms};
use super::faults::ScriptedFault;
use super::lifecycle::SandboxRecord;

/// Every permission Daytona's `OrganizationResourcePermission` enum knows, in its order.
pub const ALL_PERMISSIONS: [&str; 15] = [
    "write:registries",
    "delete:registries",
    "write:snapshots",
    "delete:snapshots",
    "write:sandboxes",
    "delete:sandboxes",
    "read:volumes",
    "write:volumes",
    "delete:volumes",
    "write:regions",
    "delete:regions",
    "read:runners",
    "write:runners",
    "delete:runners",
    "read:audit_logs",
];

/// Name of the master key every emulator starts with.
pub(crate) const MASTER_KEY_NAME: &str = "emulator-master";

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
        for name in super::snapshots::DEFAULT_SNAPSHOTS {
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
    pub(crate) toolbox: super::toolbox::common::ToolboxState,
}

/// An API key as the emulator stores it.
#[derive(Clone, Debug)]
pub(crate) struct ApiKeyRecord {
    pub(crate) name: String,
    pub(crate) value: String,
    pub(crate) user_id: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) created_ms: i64,
    pub(crate) last_used_ms: Option<i64>,
    pub(crate) expires_ms: Option<i64>,
}

impl ApiKeyRecord {
    pub(crate) fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|at| at <= now_ms)
    }

    /// Daytona's masked form: first 3 characters, 20 stars, last 3 characters.
    pub(crate) fn masked(&self) -> String {
        let chars: Vec<char> = self.value.chars().collect();
        let head: String = chars.iter().take(3).collect();
        let tail: String = chars[chars.len().saturating_sub(3)..].iter().collect();
        format!("{head}********************{tail}")
    }

    pub(crate) fn info(&self) -> ApiKeyInfo {
        ApiKeyInfo {
            name: self.name.clone(),
            value: self.value.clone(),
            user_id: self.user_id.clone(),
            permissions: self.permissions.clone(),
            created_at: from_ms(self.created_ms),
            last_used_at: self.last_used_ms.map(from_ms),
            expires_at: self.expires_ms.map(from_ms),
        }
    }
}

/// A snapshot as the emulator stores it.
#[derive(Clone, Debug)]
pub(crate) struct SnapshotRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    /// General snapshots belong to no organisation and are visible to all.
    pub(crate) general: bool,
    pub(crate) state: String,
    pub(crate) cpu: i64,
    pub(crate) mem: i64,
    pub(crate) disk: i64,
    pub(crate) created_ms: i64,
    pub(crate) last_used_ms: Option<i64>,
}

impl SnapshotRecord {
    pub(crate) fn new(name: &str, general: bool, state: &str, now_ms: i64) -> SnapshotRecord {
        SnapshotRecord {
            id: uuid_v4(),
            name: name.to_string(),
            general,
            state: state.to_string(),
            cpu: 1,
            mem: 1,
            disk: 3,
            created_ms: now_ms,
            last_used_ms: None,
        }
    }
}

/// What the emulator knows about an API key, for test assertions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKeyInfo {
    /// The key's name (unique per user).
    pub name: String,
    /// The full value, `dtn_` + 64 hex.
    pub value: String,
    /// The user who created it.
    pub user_id: String,
    /// Permissions as stored (before intersecting with the user's own).
    pub permissions: Vec<String>,
    /// Creation time on the emulator's clock.
    pub created_at: SystemTime,
    /// Last time a request authenticated with it.
    pub last_used_at: Option<SystemTime>,
    /// When it stops working, if ever.
    pub expires_at: Option<SystemTime>,
}

/// One request as it reached the emulator, before faults or auth.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// Path and query string, e.g. `/api/sandbox?limit=5`.
    pub path: String,
    /// Header names (lower case) and values, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The raw request body.
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query string.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// 64 random bits (SipHash with a random key over a counter and the time; not for secrets
/// that matter, which an emulator has none of).
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    h.write_u128(nanos);
    h.finish()
}

/// `bytes` random bytes as lower-case hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        out.push_str(&format!("{:016x}", random_u64()));
    }
    out.truncate(bytes * 2);
    out
}

/// A random version-4 UUID, as Daytona uses for ids.
pub(crate) fn uuid_v4() -> String {
    uuid::Uuid::new_v4().to_string()
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
    fn ids_have_the_expected_shape() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_ne!(uuid_v4(), id);
        assert_eq!(random_hex(32).len(), 64);
        assert_eq!(make_jwt("u").split('.').count(), 3);
    }

    #[test]
    fn masks_like_daytona() {
        let key = ApiKeyRecord {
            name: "k".into(),
            value: "dtn_0123456789abcdef".into(),
            user_id: "u".into(),
            permissions: vec![],
            created_ms: 0,
            last_used_ms: None,
            expires_ms: None,
        };
        assert_eq!(key.masked(), "dtn********************def");
    }
}
