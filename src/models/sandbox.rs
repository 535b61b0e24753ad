//! The Sandbox resource.

use crate::wire::{count, opt, or_default, or_null, required, wire};
use serde::Serialize;
use std::collections::BTreeMap;

/// A sandbox as Daytona answers it (the fields an agent needs), and as the
/// `get_sandbox` tool returns it: Daytona's own camelCase names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sandbox {
    /// The ID.
    pub id: String,
    /// The name.
    pub name: String,
    /// The owning organization.
    pub organization_id: String,
    /// The state; unknown values pass through.
    pub state: String,
    /// The desired state.
    pub desired_state: Option<String>,
    /// Why it is in error.
    pub error_reason: Option<String>,
    /// The snapshot it came from.
    pub snapshot: Option<String>,
    /// The OS user.
    pub user: String,
    /// The target (region).
    pub target: String,
    /// CPU cores.
    pub cpu: u32,
    /// GPU units.
    pub gpu: u32,
    /// Memory, GiB.
    pub memory: u32,
    /// Disk, GiB.
    pub disk: u32,
    /// Public preview.
    pub public: bool,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// Auto-stop, minutes.
    pub auto_stop_interval: Option<i32>,
    /// Auto-archive, minutes.
    pub auto_archive_interval: Option<i32>,
    /// Auto-delete, minutes.
    pub auto_delete_interval: Option<i32>,
    /// All network blocked.
    pub network_block_all: bool,
    /// Allowed CIDRs.
    pub network_allow_list: Option<String>,
    /// The toolbox proxy URL.
    pub toolbox_proxy_url: Option<String>,
    /// Created, RFC 3339.
    pub created_at: Option<String>,
    /// Updated, RFC 3339.
    pub updated_at: Option<String>,
}

// Every field may be absent; null reads as empty where Daytona sends it.
wire!(Sandbox {
    id: "id" => or_default,
    name: "name" => or_null,
    organization_id: "organizationId" => or_null,
    state: "state" => or_null,
    desired_state: "desiredState" => opt,
    error_reason: "errorReason" => opt,
    snapshot: "snapshot" => opt,
    user: "user" => or_null,
    target: "target" => or_null,
    cpu: "cpu" => count,
    gpu: "gpu" => count,
    memory: "memory" => count,
    disk: "disk" => count,
    public: "public" => or_default,
    labels: "labels" => or_default,
    auto_stop_interval: "autoStopInterval" => opt,
    auto_archive_interval: "autoArchiveInterval" => opt,
    auto_delete_interval: "autoDeleteInterval" => opt,
    network_block_all: "networkBlockAll" => or_default,
    network_allow_list: "networkAllowList" => opt,
    toolbox_proxy_url: "toolboxProxyUrl" => opt,
    created_at: "createdAt" => opt,
    updated_at: "updatedAt" => opt,
});

/// The body of `POST /sandbox`: Daytona's `CreateSandbox`, unset fields left out.
///
/// Without `cpu`, `memory` and `disk`: Daytona accepts those only with a
/// `buildInfo` (an image to build), which this component does not offer.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSandbox {
    /// Name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Snapshot ID or name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// OS user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// Environment variables.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Public preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Target (region).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Auto-stop, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_stop_interval: Option<i32>,
    /// Auto-archive, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_archive_interval: Option<i32>,
    /// Auto-delete, minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_delete_interval: Option<i32>,
    /// Block all network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_block_all: Option<bool>,
    /// Allowed CIDRs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_allow_list: Option<String>,
}

/// `PUT /sandbox/{idOrName}/labels`'s body and answer: Daytona's
/// `SandboxLabels`. (Its server answers with the whole Sandbox, which carries
/// `labels` too; either reads.) An answer without `labels` is not read as "no labels".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SandboxLabels {
    /// Every label of the sandbox (null reads as none; values that are not
    /// strings are skipped).
    pub labels: BTreeMap<String, String>,
}

wire!(SandboxLabels {
    labels: "labels" => required,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str as read;

    #[test]
    fn unknown_state_and_fields_parse() {
        let s: Sandbox = read(
            r#"{"id":"a","name":"n","state":"hibernating","cpu":1.5,"memory":null,"labels":{"k":"v","n":1},"brandNew":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(s.state, "hibernating");
        assert_eq!(s.cpu, 1);
        assert_eq!(s.memory, 0);
        assert_eq!(s.labels.len(), 1);
    }

    #[test]
    fn labels_read_from_sandbox_labels_or_a_whole_sandbox_but_not_from_nothing() {
        let only: SandboxLabels = read(r#"{"labels":{"a":"1"}}"#).unwrap();
        let whole: SandboxLabels =
            read(r#"{"id":"x","state":"started","labels":{"a":"1"}}"#).unwrap();
        assert_eq!(only, whole);
        let missing = read::<SandboxLabels>(r#"{"id":"x"}"#).unwrap_err();
        assert!(missing.message.contains("`labels`: missing"), "{missing}");
        let null: SandboxLabels = read(r#"{"labels":null}"#).unwrap();
        assert!(null.labels.is_empty());
        assert_eq!(
            serde_json::to_string(&only).unwrap(),
            r#"{"labels":{"a":"1"}}"#
        );
    }

    #[test]
    fn serializes_with_daytona_names() {
        let s = Sandbox {
            id: "a".into(),
            organization_id: "o".into(),
            ..Default::default()
        };
        let v = serde_json::to_value(&s).unwrap();
        assert_eq!(v["organizationId"], "o");
        assert!(v.get("organization_id").is_none());
    }
}
