//! The toolbox's execute route.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST .../process/execute` body. The legacy route ignores `envs`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ExecuteRequest {
    /// The shell command.
    pub command: String,
    /// Working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cwd: Option<String>,
    /// Environment variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envs: Option<BTreeMap<String, String>>,
    /// Seconds before the command is killed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u32>,
}

/// `POST .../process/execute` answer; older daemons send `code` for `exitCode`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecuteResponse {
    /// The exit code.
    #[serde(default, alias = "code")]
    pub exit_code: Option<i64>,
    /// Merged stdout and stderr.
    #[serde(default)]
    pub result: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_daemons_code_field_is_accepted() {
        let r: ExecuteResponse = serde_json::from_str(r#"{"code":3,"result":"x"}"#).unwrap();
        assert_eq!(r.exit_code, Some(3));
        let r: ExecuteResponse = serde_json::from_str(r#"{"exitCode":0,"result":""}"#).unwrap();
        assert_eq!(r.exit_code, Some(0));
    }
}
