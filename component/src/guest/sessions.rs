//! The `sessions` interface: each function's arguments converted into the
//! tool's own arguments type and run through [`invoke`], as `call-tool` runs them.

use super::{Component, to_map, with_client};
use crate::bindings::exports::daytona::tools::sessions as wit_sessions;
use crate::bindings::exports::daytona::tools::types as wit;
use daytona_core::api::sessions::CommandOutput;
use daytona_core::catalog::invoke;
use daytona_core::catalog::session_tools::{
    CreateSession, DeleteSession, GetSessionCommandLogs, ListSessions, RunCode, RunSessionCommand,
};

fn to_wit_output(o: CommandOutput) -> wit_sessions::CommandOutput {
    wit_sessions::CommandOutput {
        command_id: o.command_id,
        exit_code: o.exit_code,
        stdout: o.stdout,
        stderr: o.stderr,
        truncated: o.truncated,
        output_length: o.output_length,
    }
}

impl From<wit_sessions::RunCodeRequest> for RunCode {
    fn from(r: wit_sessions::RunCodeRequest) -> Self {
        RunCode {
            sandbox: r.sandbox,
            code: r.code,
            language: r.language,
            argv: r.argv,
            env: to_map(r.env),
            timeout: r.timeout,
        }
    }
}

impl wit_sessions::Guest for Component {
    fn create_session(sandbox: String, session: String) -> Result<(), wit::Error> {
        with_client(|c| invoke(c, CreateSession { sandbox, session })).map(|_| ())
    }

    fn run_session_command(
        sandbox: String,
        session: String,
        command: String,
        run_async: Option<bool>,
    ) -> Result<wit_sessions::CommandOutput, wit::Error> {
        let args = RunSessionCommand {
            sandbox,
            session,
            command,
            run_async,
        };
        with_client(|c| invoke(c, args)).map(to_wit_output)
    }

    fn get_session_command_logs(
        sandbox: String,
        session: String,
        command_id: String,
        tail: Option<u32>,
    ) -> Result<wit_sessions::CommandOutput, wit::Error> {
        let args = GetSessionCommandLogs {
            sandbox,
            session,
            command_id,
            tail,
        };
        with_client(|c| invoke(c, args)).map(to_wit_output)
    }

    fn delete_session(sandbox: String, session: String) -> Result<(), wit::Error> {
        with_client(|c| invoke(c, DeleteSession { sandbox, session })).map(|_| ())
    }

    fn list_sessions(sandbox: String) -> Result<wit_sessions::SessionList, wit::Error> {
        with_client(|c| invoke(c, ListSessions { sandbox })).map(|l| wit_sessions::SessionList {
            sessions: l
                .sessions
                .into_iter()
                .map(|s| wit_sessions::SessionInfo {
                    session_id: s.session_id,
                    commands: s
                        .commands
                        .into_iter()
                        .map(|c| wit_sessions::SessionCommand {
                            id: c.id,
                            command: c.command,
                            exit_code: c.exit_code,
                        })
                        .collect(),
                    command_count: s.command_count,
                })
                .collect(),
            truncated: l.truncated,
            total: l.total,
        })
    }

    fn run_code(
        request: wit_sessions::RunCodeRequest,
    ) -> Result<wit_sessions::CodeRun, wit::Error> {
        with_client(|c| invoke(c, RunCode::from(request))).map(|r| wit_sessions::CodeRun {
            exit_code: r.exit_code,
            result: r.result,
            truncated: r.truncated,
            result_length: r.result_length,
            charts: r
                .charts
                .into_iter()
                .map(|c| wit_sessions::ChartInfo {
                    type_: c.kind,
                    title: c.title,
                    x_label: c.x_label,
                    y_label: c.y_label,
                    elements: c.elements,
                    has_png: c.has_png,
                })
                .collect(),
            chart_count: r.chart_count,
        })
    }
}
