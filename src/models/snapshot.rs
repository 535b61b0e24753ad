//! The Snapshot resource.

use super::null_as_empty;
use serde::{Deserialize, Serialize};

/// A snapshot (sandbox base image), with Daytona's camelCase names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Snapshot {
    /// The ID.
    pub id: String,
    /// The name.
    #[serde(deserialize_with = "null_as_empty")]
    pub name: String,
    /// The state; unknown values pass through.
    #[serde(deserialize_with = "null_as_empty")]
    pub state: String,
    /// Offered to every organization.
    pub general: bool,
    /// The source image.
    pub image_name: Option<String>,
    /// CPU cores.
    #[serde(deserialize_with = "lenient_f64")]
    pub cpu: f64,
    /// GPU units.
    #[serde(deserialize_with = "lenient_f64")]
    pub gpu: f64,
    /// Memory, GiB.
    #[serde(deserialize_with = "lenient_f64")]
    pub mem: f64,
    /// Disk, GiB.
    #[serde(deserialize_with = "lenient_f64")]
    pub disk: f64,
    /// Size, GB.
    pub size: Option<f64>,
    /// Why it is in error.
    pub error_reason: Option<String>,
    /// Created, RFC 3339.
    pub created_at: Option<String>,
}

fn lenient_f64<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(0.0))
}
