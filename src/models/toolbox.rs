//! The toolbox's execute route.

use crate::wire::{Cx, Fields, Wire, opt};
use serde::Serialize;
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
#[derive(Debug, Clone, Default)]
pub struct ExecuteResponse {
    /// The exit code.
    pub exit_code: Option<i64>,
    /// Merged stdout and stderr.
    pub result: Option<String>,
}

impl Wire for ExecuteResponse {
    fn read(value: serde_json::Value, cx: &mut Cx) -> Self {
        let mut fields = Fields::of(value, cx);
        let (key, code) = match fields.take("exitCode") {
            Some(code) => ("exitCode", Some(code)),
            None => ("code", fields.take("code")),
        };
        ExecuteResponse {
            exit_code: fields.read(key, code, opt),
            result: fields.get("result", opt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str;

    #[test]
    fn older_daemons_code_field_is_accepted() {
        let r: ExecuteResponse = from_str(r#"{"code":3,"result":"x"}"#).unwrap();
        assert_eq!(r.exit_code, Some(3));
        let r: ExecuteResponse = from_str(r#"{"exitCode":0,"result":""}"#).unwrap();
        assert_eq!(r.exit_code, Some(0));
        let bad = from_str::<ExecuteResponse>(r#"{"code":"3"}"#).unwrap_err();
        assert!(bad.message.contains("`code`: expected an integer"), "{bad}");
    }
}
