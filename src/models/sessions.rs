//! The toolbox's session and code-run routes (`/process/session…`,
//! `/process/code-run`).

use crate::wire::{opt, or_null, wire};
use serde::Serialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// `POST /process/session` body.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSessionRequest {
    /// The session's name.
    pub session_id: String,
}

/// A command run in a session, as `GET /process/session…` lists it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Command {
    /// Its ID (`commandId` for the logs).
    pub id: String,
    /// The command line.
    pub command: String,
    /// Its exit code once it has finished; `None` while it runs.
    pub exit_code: Option<i64>,
}

wire!(Command {
    id: "id" => or_null,
    command: "command" => or_null,
    exit_code: "exitCode" => opt,
});

/// A session and the commands run in it.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The session's name.
    pub session_id: String,
    /// Its commands, oldest first.
    pub commands: Option<Vec<Command>>,
}

wire!(Session {
    session_id: "sessionId" => or_null,
    commands: "commands" => opt,
});

/// `POST /process/session/{sessionId}/exec` body. `async` is the older name
/// of `runAsync`; both are sent so that older daemons run it in the background too.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionExecuteRequest {
    /// The shell command.
    pub command: String,
    /// Return at once with the command's ID.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub run_async: bool,
    /// The same, for older daemons.
    #[serde(rename = "async", skip_serializing_if = "std::ops::Not::not")]
    pub is_async: bool,
}

/// `POST /process/session/{sessionId}/exec` answer (`cmdId` alone when run in the background).
#[derive(Debug, Clone, Default)]
pub struct SessionExecuteResponse {
    /// The command's ID.
    pub cmd_id: String,
    /// Its exit code, once finished.
    pub exit_code: Option<i64>,
    /// stdout and stderr as one stream (with stream markers when split ones are given too).
    pub output: Option<String>,
    /// stdout, when the daemon splits the streams.
    pub stdout: Option<String>,
    /// stderr, when the daemon splits the streams.
    pub stderr: Option<String>,
}

wire!(SessionExecuteResponse {
    cmd_id: "cmdId" => or_null,
    exit_code: "exitCode" => opt,
    output: "output" => opt,
    stdout: "stdout" => opt,
    stderr: "stderr" => opt,
});

/// `GET /process/session/{sessionId}/command/{commandId}/logs` answer (JSON;
/// daemons that do not split the streams answer the output as plain text).
#[derive(Debug, Clone, Default)]
pub struct SessionCommandLogsResponse {
    /// stdout and stderr as one stream.
    pub output: Option<String>,
    /// stdout.
    pub stdout: Option<String>,
    /// stderr.
    pub stderr: Option<String>,
}

wire!(SessionCommandLogsResponse {
    output: "output" => opt,
    stdout: "stdout" => opt,
    stderr: "stderr" => opt,
});

/// `POST /process/code-run` body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CodeRunRequest {
    /// The program.
    pub code: String,
    /// `python`, `javascript` or `typescript`.
    pub language: String,
    /// Arguments handed to the program.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub argv: Vec<String>,
    /// Environment variables.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub envs: BTreeMap<String, String>,
    /// Seconds before the program is killed (the daemon waits for ever without one).
    pub timeout: u32,
}

/// `POST /process/code-run` answer.
#[derive(Debug, Clone, Default)]
pub struct CodeRunResponse {
    /// The exit code (-1 when the program could not start).
    pub exit_code: Option<i64>,
    /// stdout and stderr, merged, artifact lines removed.
    pub result: Option<String>,
    /// Charts the program drew (matplotlib).
    pub artifacts: Option<CodeRunArtifacts>,
}

wire!(CodeRunResponse {
    exit_code: "exitCode" => opt,
    result: "result" => opt,
    artifacts: "artifacts" => opt,
});

/// What a code run produced besides its output.
#[derive(Debug, Clone, Default)]
pub struct CodeRunArtifacts {
    /// Charts, in the order drawn.
    pub charts: Option<Vec<Chart>>,
}

wire!(CodeRunArtifacts {
    charts: "charts" => opt,
});

/// A chart. Its elements are only counted and its PNG only measured: neither
/// is kept.
#[derive(Debug, Clone, Default)]
pub struct Chart {
    /// `line`, `scatter`, `bar`, `pie`, `box_and_whisker`, `composite_chart`, ...
    pub kind: Option<String>,
    /// Its title.
    pub title: Option<String>,
    /// The x axis label.
    pub x_label: Option<String>,
    /// The y axis label.
    pub y_label: Option<String>,
    /// The rendered image, base64.
    pub png: Option<String>,
    /// Its elements (lines, bars, points, sub-charts).
    pub elements: Option<Vec<IgnoredAny>>,
}

wire!(Chart {
    kind: "type" => opt,
    title: "title" => opt,
    x_label: "x_label" => opt,
    y_label: "y_label" => opt,
    png: "png" => opt,
    elements: "elements" => opt,
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::from_str;

    #[test]
    fn the_spec_examples_decode() {
        let s: Session = from_str(
            r#"{"sessionId":"s","commands":[{"exitCode":0,"id":"c","command":"ls"},{"id":"d","command":"sleep 9"}]}"#,
        )
        .unwrap();
        let commands = s.commands.unwrap();
        assert_eq!(commands[0].exit_code, Some(0));
        assert_eq!(commands[1].exit_code, None);
        let r: SessionExecuteResponse = from_str(r#"{"cmdId":"c"}"#).unwrap();
        assert_eq!((r.cmd_id.as_str(), r.exit_code), ("c", None));
        let chart = r#"{"type":"line","title":"t","png":"iVBOR","x_label":"x","elements":[{"label":"a","points":[[1,2]]},{"type":"bar"}],"x_ticks":[1.5]}"#;
        let run: CodeRunResponse = from_str(&format!(
            r#"{{"exitCode":0,"result":"ok","artifacts":{{"charts":[{chart}]}}}}"#
        ))
        .unwrap();
        let charts = run.artifacts.unwrap().charts.unwrap();
        assert_eq!(charts[0].elements.as_ref().unwrap().len(), 2);
        assert_eq!(charts[0].kind.as_deref(), Some("line"));
    }

    #[test]
    fn bodies_follow_the_spec() {
        let body = SessionExecuteRequest {
            command: "ls".into(),
            run_async: true,
            is_async: true,
        };
        assert_eq!(
            serde_json::to_value(body).unwrap(),
            serde_json::json!({"command": "ls", "runAsync": true, "async": true})
        );
        let sync = SessionExecuteRequest {
            command: "ls".into(),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(sync).unwrap(),
            serde_json::json!({"command": "ls"})
        );
        let run = CodeRunRequest {
            code: "print(1)".into(),
            language: "python".into(),
            timeout: 5,
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(run).unwrap(),
            serde_json::json!({"code": "print(1)", "language": "python", "timeout": 5})
        );
        assert_eq!(
            serde_json::to_value(CreateSessionRequest {
                session_id: "s".into()
            })
            .unwrap(),
            serde_json::json!({"sessionId": "s"})
        );
    }
}
