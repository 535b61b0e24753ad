//! The Snapshot resource.

use crate::wire::{opt, or_default, or_null, wire};
use serde::Serialize;

/// A snapshot (sandbox base image), with Daytona's camelCase names.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The ID.
    pub id: String,
    /// The name.
    pub name: String,
    /// The state; unknown values pass through.
    pub state: String,
    /// Offered to every organization.
    pub general: bool,
    /// The source image.
    pub image_name: Option<String>,
    /// CPU cores.
    pub cpu: f64,
    /// GPU units.
    pub gpu: f64,
    /// Memory, GiB.
    pub mem: f64,
    /// Disk, GiB.
    pub disk: f64,
    /// Size, GB.
    pub size: Option<f64>,
    /// Why it is in error.
    pub error_reason: Option<String>,
    /// Created, RFC 3339.
    pub created_at: Option<String>,
}

// Every field may be absent; null reads as empty (or 0) where Daytona sends it.
wire!(Snapshot {
    id: "id" => or_default,
    name: "name" => or_null,
    state: "state" => or_null,
    general: "general" => or_default,
    image_name: "imageName" => opt,
    cpu: "cpu" => or_null,
    gpu: "gpu" => or_null,
    mem: "mem" => or_null,
    disk: "disk" => or_null,
    size: "size" => opt,
    error_reason: "errorReason" => opt,
    created_at: "createdAt" => opt,
});
