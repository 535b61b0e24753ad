//! The sandbox record, its state machine and its two JSON renderings (`Sandbox` and
//! `SandboxListItem` of Daytona's current API).
//!
//! Transitions are computed lazily from timestamps: an action puts the sandbox in a
//! transitional state (`creating`, `starting`, `stopping`, `archiving`, `restoring`,
//! `destroying`) until `now + transition_delay` on the emulator clock; whoever looks next
//! sees the outcome.
//! With a zero delay the transitional state is never observed: the action's own response
//! already shows `started`/`stopped`. A `destroyed` sandbox is dropped at once (Daytona
//! hides destroyed sandboxes: GET answers 404 and lists omit them) and its directory
//! removed.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::clock::format_rfc3339;
use super::ids::uuid_v4;
use super::records::DEFAULT_SNAPSHOTS;

/// Label that makes a created sandbox end in `error` with the label's value as `errorReason`.
pub const FAIL_LABEL: &str = "emulator/fail";
/// Label that makes a created sandbox end in `build_failed` with the value as `errorReason`.
pub const BUILD_FAIL_LABEL: &str = "emulator/build-failed";

/// Where a transition ends.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub(crate) until_ms: i64,
    pub(crate) state: String,
    pub(crate) error_reason: Option<String>,
}

/// A sandbox as the emulator stores it.
#[derive(Clone, Debug)]
pub(crate) struct SandboxRecord {
    /// Creation sequence number: list order and cursor.
    pub(crate) seq: u64,
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) snapshot: Option<String>,
    pub(crate) user: String,
    pub(crate) env: BTreeMap<String, String>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) public: bool,
    pub(crate) network_block_all: bool,
    pub(crate) kvm: bool,
    pub(crate) network_allow_list: Option<String>,
    pub(crate) domain_allow_list: Option<String>,
    pub(crate) target: String,
    pub(crate) cpu: i64,
    pub(crate) gpu: i64,
    pub(crate) memory: i64,
    pub(crate) disk: i64,
    pub(crate) state: String,
    pub(crate) desired_state: String,
    pub(crate) pending: Option<Pending>,
    pub(crate) error_reason: Option<String>,
    pub(crate) auto_stop_interval: i64,
    pub(crate) auto_archive_interval: i64,
    pub(crate) auto_delete_interval: i64,
    pub(crate) build_info: Option<Value>,
    pub(crate) runner_id: String,
    pub(crate) created_ms: i64,
    pub(crate) updated_ms: i64,
    pub(crate) last_activity_ms: i64,
    /// The sandbox's working directory on the host (commands run here).
    pub(crate) dir: PathBuf,
}

/// What a rendering needs besides the record.
pub(crate) struct RenderCtx<'a> {
    pub(crate) org_id: &'a str,
    /// `None` renders no `toolboxProxyUrl` (servers from before the toolbox proxy).
    pub(crate) toolbox_url: Option<&'a str>,
}

impl SandboxRecord {
    /// A record with Daytona's defaults (1 CPU, 1 GiB, 3 GiB disk, user `daytona`), started.
    pub(crate) fn new(seq: u64, id: String, dir: PathBuf, now_ms: i64) -> SandboxRecord {
        SandboxRecord {
            seq,
            name: id.clone(),
            id,
            snapshot: Some(DEFAULT_SNAPSHOTS[0].to_string()),
            user: "daytona".to_string(),
            env: BTreeMap::new(),
            labels: BTreeMap::new(),
            public: false,
            network_block_all: false,
            kvm: false,
            network_allow_list: None,
            domain_allow_list: None,
            target: "us".to_string(),
            cpu: 1,
            gpu: 0,
            memory: 1,
            disk: 3,
            state: "started".to_string(),
            desired_state: "started".to_string(),
            pending: None,
            error_reason: None,
            auto_stop_interval: 15,
            auto_archive_interval: 10080,
            auto_delete_interval: -1,
            build_info: None,
            runner_id: uuid_v4(),
            created_ms: now_ms,
            updated_ms: now_ms,
            last_activity_ms: now_ms,
            dir,
        }
    }

    /// Enters `transitional` now; after `delay_ms` the sandbox is in `outcome`.
    pub(crate) fn begin(
        &mut self,
        transitional: &str,
        desired: &str,
        outcome: &str,
        now_ms: i64,
        delay_ms: i64,
    ) {
        self.state = transitional.to_string();
        self.desired_state = desired.to_string();
        self.updated_ms = now_ms;
        self.pending = Some(Pending {
            until_ms: now_ms + delay_ms,
            state: outcome.to_string(),
            error_reason: None,
        });
        self.settle(now_ms);
    }

    /// Like [`Self::begin`] for creation: ends in `started`, or in `error`/`build_failed` when
    /// the create labels ask for it.
    pub(crate) fn begin_create(&mut self, now_ms: i64, delay_ms: i64) {
        self.begin("creating", "started", "started", now_ms, delay_ms);
        let failure = [(FAIL_LABEL, "error"), (BUILD_FAIL_LABEL, "build_failed")]
            .into_iter()
            .find_map(|(label, state)| {
                self.labels.get(label).map(|reason| (state, reason.clone()))
            });
        if let Some((state, reason)) = failure {
            // Undo the settle `begin` may have done with a zero delay, then fail instead.
            self.state = "creating".to_string();
            self.pending = Some(Pending {
                until_ms: now_ms + delay_ms,
                state: state.to_string(),
                error_reason: Some(reason),
            });
            self.settle(now_ms);
        }
    }

    /// Applies a finished transition, if any.
    pub(crate) fn settle(&mut self, now_ms: i64) {
        if let Some(p) = self.pending.as_ref().filter(|p| p.until_ms <= now_ms) {
            self.state = p.state.clone();
            self.updated_ms = p.until_ms;
            if p.error_reason.is_some() {
                self.error_reason = p.error_reason.clone();
            }
            self.pending = None;
        }
    }

    /// Whether a start/stop/delete must be refused with 409.
    pub(crate) fn in_transition(&self) -> bool {
        self.pending.is_some()
    }

    fn recoverable(&self) -> Option<bool> {
        matches!(self.state.as_str(), "error" | "build_failed").then_some(false)
    }

    /// The full `Sandbox` object, with every field Daytona's current API marks required.
    pub(crate) fn to_json(&self, ctx: &RenderCtx<'_>) -> Value {
        let mut v = json!({
            "id": self.id,
            "organizationId": ctx.org_id,
            "name": self.name,
            "user": self.user,
            "env": self.env,
            "labels": self.labels,
            "public": self.public,
            "networkBlockAll": self.network_block_all,
            "kvm": self.kvm,
            "target": self.target,
            "cpu": self.cpu,
            "gpu": self.gpu,
            "memory": self.memory,
            "disk": self.disk,
            "state": self.state,
            "desiredState": self.desired_state,
            "backupState": "None",
            "autoStopInterval": self.auto_stop_interval,
            "autoArchiveInterval": self.auto_archive_interval,
            "autoDeleteInterval": self.auto_delete_interval,
            "volumes": [],
            "createdAt": format_rfc3339(self.created_ms),
            "updatedAt": format_rfc3339(self.updated_ms),
            "lastActivityAt": format_rfc3339(self.last_activity_ms),
            "sandboxClass": "container",
            "daemonVersion": "0.226.1",
            "runnerId": self.runner_id,
        });
        self.add_optional(&mut v, ctx);
        if let Some(b) = &self.build_info {
            v["buildInfo"] = b.clone();
        }
        v
    }

    /// The lighter `SandboxListItem` that `GET /sandbox` returns.
    pub(crate) fn to_list_item(&self, ctx: &RenderCtx<'_>) -> Value {
        let mut v = json!({
            "id": self.id,
            "organizationId": ctx.org_id,
            "name": self.name,
            "target": self.target,
            "runnerId": self.runner_id,
            "sandboxClass": "container",
            "state": self.state,
            "desiredState": self.desired_state,
            "user": self.user,
            "public": self.public,
            "networkBlockAll": self.network_block_all,
            "cpu": self.cpu,
            "gpu": self.gpu,
            "memory": self.memory,
            "disk": self.disk,
            "labels": self.labels,
            "backupState": "None",
            "autoStopInterval": self.auto_stop_interval,
            "autoArchiveInterval": self.auto_archive_interval,
            "autoDeleteInterval": self.auto_delete_interval,
            "createdAt": format_rfc3339(self.created_ms),
            "updatedAt": format_rfc3339(self.updated_ms),
            "lastActivityAt": format_rfc3339(self.last_activity_ms),
            "daemonVersion": "0.226.1",
        });
        self.add_optional(&mut v, ctx);
        v
    }

    fn add_optional(&self, v: &mut Value, ctx: &RenderCtx<'_>) {
        let optional = [
            ("snapshot", self.snapshot.clone().map(Value::from)),
            ("errorReason", self.error_reason.clone().map(Value::from)),
            ("recoverable", self.recoverable().map(Value::from)),
            (
                "networkAllowList",
                self.network_allow_list.clone().map(Value::from),
            ),
            (
                "domainAllowList",
                self.domain_allow_list.clone().map(Value::from),
            ),
            ("toolboxProxyUrl", ctx.toolbox_url.map(Value::from)),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                v[key] = value;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SandboxRecord {
        SandboxRecord::new(1, "id-1".into(), PathBuf::from("/nonexistent"), 1_000)
    }

    #[test]
    fn transitions_finish_after_the_delay() {
        let mut s = record();
        s.begin("stopping", "stopped", "stopped", 1_000, 500);
        assert_eq!(s.state, "stopping");
        assert!(s.in_transition());
        s.settle(1_499);
        assert_eq!(s.state, "stopping");
        s.settle(1_500);
        assert_eq!(s.state, "stopped");
        assert!(!s.in_transition());
    }

    #[test]
    fn zero_delay_never_shows_the_transitional_state() {
        let mut s = record();
        s.begin("stopping", "stopped", "stopped", 1_000, 0);
        assert_eq!(s.state, "stopped");
    }

    #[test]
    fn fail_label_ends_creation_in_error() {
        let mut s = record();
        s.labels.insert(FAIL_LABEL.into(), "no capacity".into());
        s.begin_create(1_000, 0);
        assert_eq!(s.state, "error");
        assert_eq!(s.error_reason.as_deref(), Some("no capacity"));
        let v = s.to_json(&RenderCtx {
            org_id: "o",
            toolbox_url: None,
        });
        assert_eq!(v["recoverable"], json!(false));
        assert!(v.get("toolboxProxyUrl").is_none());
    }
}
