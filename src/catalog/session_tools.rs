//! The session and code tools: long-running processes in named shell
//! sessions of a started sandbox, and one-off programs (`run_code`).

use super::Context;
use super::contract::{Contract, arguments};
use super::{About, Hints, Ty, schemas};
use crate::api::sessions::{self, Code, CodeRun, CommandOutput, SessionList};
use crate::error::Error;
use crate::http::Transport;
use serde_json::Value;
use std::collections::BTreeMap;

const STRING: Ty = Ty::String { min_len: 1 };

const SANDBOX: &str = "The sandbox's ID or name (see list_sandboxes); it must be started.";

const SESSION: &str =
    "The session's name, e.g. \"web\" (at most 255 characters, no control characters).";

arguments! {
    /// `create_session`.
    pub struct CreateSession {
        sandbox: String = "sandbox", STRING => SANDBOX;
        session: String = "session", STRING =>
            "A name for the new session, e.g. \"web\" or \"build\" (at most 255 characters, no control characters).";
    }
}

impl Contract for CreateSession {
    const ABOUT: About = About {
        name: "create_session",
        title: "Create a shell session",
        description: "Create a named shell session in a started Daytona sandbox: one shell that keeps its working directory and exported variables from one command to the next, for servers and long jobs. \
Cheap, and nothing runs yet. A name already in use is a conflict error: reuse that session, or delete_session it first. \
Next: run_session_command (async: true for a server), then get_session_command_logs.",
        hints: Hints::CREATE,
        output: Some(schemas::session_id),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        sessions::create(client, &self.sandbox, &self.session)?;
        Ok(self.session)
    }
    fn output_json(session: String) -> Result<Value, Error> {
        Ok(super::object([("sessionId", session.into())]))
    }
}

arguments! {
    /// `run_session_command`.
    pub struct RunSessionCommand {
        sandbox: String = "sandbox", STRING => SANDBOX;
        session: String = "session", STRING => "The session to run in (see create_session, list_sessions).";
        command: String = "command", STRING =>
            "The shell command, e.g. \"cd app && npm install\" or \"python3 -m http.server 8000\".";
        run_async: Option<bool> = "async", Ty::Boolean =>
            "Start the command in the background and return its commandId at once (default false: wait for it to finish). Use it for servers and anything longer than a minute.";
    }
}

impl Contract for RunSessionCommand {
    const ABOUT: About = About {
        name: "run_session_command",
        title: "Run a command in a session",
        description: "Run a shell command in a session of a started Daytona sandbox (create_session first); `cd` and `export` carry over to the session's next commands. The command can change anything in the sandbox. \
Without async the call waits for the command to end and returns its exitCode, stdout and stderr (cut to the output limit: `truncated`); the toolbox takes no timeout, and the wait ends with a timeout error after the response timeout (60 s by default) while the command keeps running. \
So run servers and long jobs with async: true: the call returns the commandId at once; follow the output with get_session_command_logs, reach a server's port with get_preview_url, stop it with delete_session.",
        hints: Hints::RUN,
        output: Some(schemas::command_output),
    };
    type Output = CommandOutput;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<CommandOutput, Error> {
        sessions::run(
            client,
            &self.sandbox,
            &self.session,
            &self.command,
            self.run_async.unwrap_or(false),
        )
    }
}

arguments! {
    /// `get_session_command_logs`.
    pub struct GetSessionCommandLogs {
        sandbox: String = "sandbox", STRING => SANDBOX;
        session: String = "session", STRING => SESSION;
        command_id: String = "commandId", STRING =>
            "The command's ID, from run_session_command or list_sessions.";
        tail: Option<u32> = "tail", Ty::Integer { min: 1, max: 1_000_000 } =>
            "Only the last N lines of stdout and of stderr (default: all the output, within the output limit).";
    }
}

impl Contract for GetSessionCommandLogs {
    const ABOUT: About = About {
        name: "get_session_command_logs",
        title: "Get a session command's output",
        description: "Read the output so far of a command run in a session of a started Daytona sandbox: stdout, stderr, and its exitCode once it has finished (null while it runs). \
Read-only; call it again to follow a server or a background job. `tail` keeps the last N lines of each stream; the output, of any size, is cut to the output limit, keeping its start and end (`truncated`; `outputLength` is the whole size).",
        hints: Hints::READ,
        output: Some(schemas::command_output),
    };
    type Output = CommandOutput;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<CommandOutput, Error> {
        sessions::logs(
            client,
            &self.sandbox,
            &self.session,
            &self.command_id,
            self.tail,
        )
    }
}

arguments! {
    /// `delete_session`.
    pub struct DeleteSession {
        sandbox: String = "sandbox", STRING => SANDBOX;
        session: String = "session", STRING => SESSION;
    }
}

impl Contract for DeleteSession {
    const ABOUT: About = About {
        name: "delete_session",
        title: "Delete a session",
        description: "Delete a shell session of a started Daytona sandbox and kill every process it runs, servers started with async included; their output is gone too. \
Permanent; deleting it again is a not-found error. list_sessions shows the sessions and what runs in them.",
        hints: Hints::DELETE,
        output: Some(schemas::session_id),
    };
    type Output = String;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<String, Error> {
        sessions::delete(client, &self.sandbox, &self.session)?;
        Ok(self.session)
    }
    fn output_json(session: String) -> Result<Value, Error> {
        Ok(super::object([("sessionId", session.into())]))
    }
}

arguments! {
    /// `list_sessions`.
    pub struct ListSessions {
        sandbox: String = "sandbox", STRING => SANDBOX;
    }
}

impl Contract for ListSessions {
    const ABOUT: About = About {
        name: "list_sessions",
        title: "List sessions",
        description: "List the shell sessions of a started Daytona sandbox, each with its most recent commands (id, command line, exitCode: null while it runs) and commandCount. \
Read-only and cheap. Sessions beyond the output limit are left out (`truncated`, `total`). \
Use it to find a commandId for get_session_command_logs, or a session to reuse with run_session_command.",
        hints: Hints::READ,
        output: Some(schemas::session_list),
    };
    type Output = SessionList;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<SessionList, Error> {
        sessions::list(client, &self.sandbox)
    }
}

arguments! {
    /// `run_code`.
    pub struct RunCode {
        sandbox: String = "sandbox", STRING => SANDBOX;
        code: String = "code", STRING => "The program's source, e.g. \"print(sum(range(10)))\".";
        language: String = "language", Ty::Choice { values: sessions::LANGUAGES } =>
            "The language: python, javascript or typescript.";
        argv: Vec<String> = "argv", Ty::StringList { values: None } =>
            "Command-line arguments handed to the program (sys.argv[1:] in Python).";
        env: BTreeMap<String, String> = "env", Ty::EnvMap =>
            "Extra environment variables for the program; names match ^[A-Za-z_][A-Za-z0-9_]*$.";
        timeout: Option<u32> = "timeout", Ty::Integer { min: 1, max: sessions::MAX_CODE_TIMEOUT_SECS as i64 } =>
            "Seconds before the program is killed (default 60).";
    }
}

impl Contract for RunCode {
    const ABOUT: About = About {
        name: "run_code",
        title: "Run code",
        description: "Run a Python, JavaScript or TypeScript program in a started Daytona sandbox, in a fresh interpreter (nothing is kept between calls), and return its exit code, merged stdout and stderr (cut to the output limit: `truncated`), and the charts it drew with matplotlib, described by type, title, axis labels and element count (images are not returned). \
The program can change anything in the sandbox. It is killed after `timeout` seconds (default 60), which is a timeout error. \
For state across runs or servers, use create_session and run_session_command; for shell commands, execute_command.",
        hints: Hints::RUN,
        output: Some(schemas::code_run),
    };
    type Output = CodeRun;
    fn run<T: Transport>(self, client: &Context<T>) -> Result<CodeRun, Error> {
        let code = Code {
            sandbox: self.sandbox,
            code: self.code,
            language: self.language,
            argv: self.argv,
            env: self.env,
            timeout: self.timeout,
        };
        sessions::run_code(client, &code)
    }
}
