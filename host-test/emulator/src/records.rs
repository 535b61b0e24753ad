//! The records the emulator stores (API keys, snapshots, the request log, queued faults)
//! and the public views tests read. A leaf beside [`super::clock`] and [`super::ids`]:
//! [`super::state`] holds these and the handlers act on them, and nothing here depends
//! on either.

use std::time::{Duration, SystemTime};

use super::clock::from_ms;
use super::ids::uuid_v4;

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

/// General snapshots every emulator has; the first is the default for new sandboxes.
pub const DEFAULT_SNAPSHOTS: [&str; 3] = [
    "daytonaio/sandbox:0.5.0",
    "daytonaio/sandbox:0.4.3",
    "daytonaio/sandbox:0.3.0",
];

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

/// A scripted misbehaviour for one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with exactly this status, headers and body.
    Status {
        /// HTTP status code.
        status: u16,
        /// Extra response headers.
        headers: Vec<(String, String)>,
        /// Raw body (sent with `Content-Type: application/json`).
        body: String,
    },
    /// Answer with a Daytona API error body (`{statusCode, message, error, path, ...}`)
    /// whose path and timestamp are the request's own.
    Api {
        /// HTTP status code.
        status: u16,
        /// The `message` field.
        message: String,
        /// Extra response headers.
        headers: Vec<(String, String)>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Answer 200 with a truncated JSON body.
    BrokenJson,
    /// Answer 200 with a valid JSON document of this many bytes (at least 11).
    Oversized(usize),
    /// Send the status line and headers, then drop the connection mid-body.
    Disconnect,
}

impl Fault {
    /// A Daytona-shaped API error with this status and message.
    pub fn api(status: u16, message: &str) -> Fault {
        Fault::Api {
            status,
            message: message.to_string(),
            headers: Vec::new(),
        }
    }

    /// Daytona's throttler answer: 429 "ThrottlerException: Too Many Requests" with
    /// `X-RateLimit-Limit-<name>`, `X-RateLimit-Remaining-<name>`, `X-RateLimit-Reset-<name>`
    /// and `Retry-After-<name>` (seconds). Names: `authenticated`, `sandbox-create`,
    /// `sandbox-lifecycle`.
    pub fn rate_limited(throttler: &str, retry_after_secs: u64) -> Fault {
        let secs = retry_after_secs.to_string();
        Fault::Api {
            status: 429,
            message: "ThrottlerException: Too Many Requests".to_string(),
            headers: vec![
                (format!("X-RateLimit-Limit-{throttler}"), "10".to_string()),
                (
                    format!("X-RateLimit-Remaining-{throttler}"),
                    "0".to_string(),
                ),
                (format!("X-RateLimit-Reset-{throttler}"), secs.clone()),
                (format!("Retry-After-{throttler}"), secs),
            ],
        }
    }

    /// A 429 carrying only a plain `Retry-After` header.
    pub fn rate_limited_plain(retry_after_secs: u64) -> Fault {
        Fault::Api {
            status: 429,
            message: "ThrottlerException: Too Many Requests".to_string(),
            headers: vec![("Retry-After".to_string(), retry_after_secs.to_string())],
        }
    }
}

/// A queued fault and the requests it applies to.
#[derive(Clone, Debug)]
pub(crate) struct ScriptedFault {
    /// Upper-case method, or `*` for any.
    pub(crate) method: String,
    /// Matched against the request path (without query), e.g. `/api/sandbox`.
    pub(crate) path_prefix: String,
    pub(crate) fault: Fault,
}

#[cfg(test)]
mod tests {
    use super::*;

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
