//! [`SandboxSeed`]: a builder for sandboxes put into the emulator directly by tests,
//! in any state (including ones no API call produces, like `error` or an unknown value).

use std::collections::BTreeMap;

use super::lifecycle::SandboxRecord;

/// A sandbox to put into the emulator directly (see [`super::Emulator::add_sandbox`]).
///
/// ```no_run
/// # use daytona_emulator::{Emulator, EmulatorOptions, SandboxSeed};
/// let emu = Emulator::start(EmulatorOptions::default()).unwrap();
/// let id = emu.add_sandbox(SandboxSeed::default().named("db").in_state("stopped"));
/// let broken = emu.add_sandbox(SandboxSeed::default().in_state("error").error_reason("disk full"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct SandboxSeed {
    pub(crate) name: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) env: BTreeMap<String, String>,
    pub(crate) error_reason: Option<String>,
    pub(crate) snapshot: Option<String>,
    pub(crate) public: bool,
    pub(crate) auto_delete_interval: Option<i64>,
}

impl SandboxSeed {
    /// A started sandbox named after its id, from the default snapshot.
    pub fn new() -> SandboxSeed {
        SandboxSeed::default()
    }

    /// Sets the name (default: the id).
    pub fn named(mut self, name: &str) -> SandboxSeed {
        self.name = Some(name.to_string());
        self
    }

    /// Sets the state: any string. Transitional states (`creating`, `starting`, `stopping`,
    /// `archiving`, `destroying`) then finish after `transition_delay` like real transitions.
    pub fn in_state(mut self, state: &str) -> SandboxSeed {
        self.state = Some(state.to_string());
        self
    }

    /// Adds labels.
    pub fn with_labels<'a>(
        mut self,
        labels: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> SandboxSeed {
        self.labels.extend(
            labels
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        self
    }

    /// Adds sandbox-wide environment variables (commands see them).
    pub fn with_env<'a>(
        mut self,
        env: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> SandboxSeed {
        self.env
            .extend(env.into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }

    /// Sets `errorReason` (use with `in_state("error")` or `in_state("build_failed")`).
    pub fn error_reason(mut self, reason: &str) -> SandboxSeed {
        self.error_reason = Some(reason.to_string());
        self
    }

    /// Sets the snapshot name.
    pub fn snapshot(mut self, snapshot: &str) -> SandboxSeed {
        self.snapshot = Some(snapshot.to_string());
        self
    }

    /// Marks the sandbox's preview as public.
    pub fn public(mut self) -> SandboxSeed {
        self.public = true;
        self
    }

    /// Sets `autoDeleteInterval` in minutes (0: ephemeral, deleted when it stops; default -1, never).
    pub fn auto_delete_interval(mut self, minutes: i64) -> SandboxSeed {
        self.auto_delete_interval = Some(minutes);
        self
    }

    /// Applies the seed to a fresh record.
    pub(crate) fn apply(self, rec: &mut SandboxRecord, now_ms: i64, delay_ms: i64) {
        if let Some(name) = self.name {
            rec.name = name;
        }
        if self.snapshot.is_some() {
            rec.snapshot = self.snapshot;
        }
        rec.labels = self.labels;
        rec.env = self.env;
        rec.public = self.public;
        rec.error_reason = self.error_reason;
        if let Some(minutes) = self.auto_delete_interval {
            rec.auto_delete_interval = minutes;
        }
        let state = self.state.unwrap_or_else(|| "started".to_string());
        match state.as_str() {
            "creating" | "starting" => rec.begin(&state, "started", "started", now_ms, delay_ms),
            "stopping" => rec.begin("stopping", "stopped", "stopped", now_ms, delay_ms),
            "archiving" => rec.begin("archiving", "archived", "archived", now_ms, delay_ms),
            "destroying" => rec.begin("destroying", "destroyed", "destroyed", now_ms, delay_ms),
            "stopped" | "archived" => {
                rec.desired_state = state.clone();
                rec.state = state;
            }
            _ => rec.state = state,
        }
    }
}
