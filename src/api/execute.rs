//! Running a command in a sandbox (`execute_command`) through the toolbox: the sandbox's
//! `toolboxProxyUrl` route first, the legacy API route when there is no proxy
//! URL or it answers 404.

use super::toolbox::Toolbox;
use crate::api::lifecycle::check_env_names;
use crate::error::Error;
use crate::http::json_ends::StringCut;
use crate::http::{Client, Method, Request, Response, Transport, When, decode};
use crate::models::toolbox::{ExecuteRequest, ExecuteResponse};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Daytona's default command timeout, seconds.
pub const DEFAULT_TIMEOUT_SECS: u32 = 10;
/// Longest command timeout accepted, seconds.
pub const MAX_TIMEOUT_SECS: u32 = 3600;
/// Time allowed beyond the command's own timeout for the answer to arrive.
const ANSWER_MARGIN: Duration = Duration::from_secs(15);

/// A command to run.
#[derive(Debug, Clone, Default)]
pub struct Command {
    /// The sandbox (ID or name).
    pub sandbox: String,
    /// The shell command.
    pub command: String,
    /// Working directory.
    pub cwd: Option<String>,
    /// Extra environment variables.
    pub env: BTreeMap<String, String>,
    /// Seconds before the command is killed.
    pub timeout: Option<u32>,
}

/// What the command did, as the `execute_command` tool returns it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    /// The exit code (-1 when the command could not start).
    pub exit_code: i32,
    /// Merged stdout and stderr, bounded.
    pub result: String,
    /// Whether `result` was cut.
    pub truncated: bool,
    /// Length in bytes of the whole output.
    pub result_length: u64,
}

/// Run `cmd` in a started sandbox; output beyond `output_limit` bytes is cut with a marker.
pub fn execute<T: Transport>(
    client: &Client<T>,
    cmd: &Command,
    output_limit: usize,
) -> Result<Outcome, Error> {
    if cmd.command.trim().is_empty() {
        return Err(Error::invalid_input("`command` must not be empty"));
    }
    if cmd.command.contains('\0') {
        return Err(Error::invalid_input(
            "`command` contains a NUL character, which no shell can run",
        )
        .with_hint("remove the NUL; to pass binary data, encode it (e.g. base64) in the command"));
    }
    if let Some(t) = cmd.timeout
        && !(1..=MAX_TIMEOUT_SECS).contains(&t)
    {
        return Err(Error::invalid_input(format!(
            "`timeout` is {t}; it must be from 1 to {MAX_TIMEOUT_SECS} seconds"
        )));
    }
    check_env_names("env", cmd.env.keys())?;
    let toolbox = Toolbox::open(client, &cmd.sandbox)?;
    let timeout = cmd.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS);
    let body = ExecuteRequest {
        command: cmd.command.clone(),
        cwd: cmd.cwd.clone(),
        envs: (!cmd.env.is_empty()).then(|| cmd.env.clone()),
        timeout: Some(timeout),
    };
    let what = format!("execute a command in sandbox '{}'", toolbox.name);
    let wait = Duration::from_secs(u64::from(timeout)) + ANSWER_MARGIN;
    // The command's run time is the call's own wait: its budget grows by as much.
    client.extend_call(wait);
    let send = |req: Request| {
        client.send(
            &keeping_ends(req, output_limit)
                .timeout(wait)
                .hint(When::Status(408), too_long(timeout)),
        )
    };
    let via_proxy = if toolbox.proxied() {
        let req = toolbox
            .request(Method::Post, "/process/execute", what.clone())
            .json(&body)?;
        match send(req) {
            Err(e) if e.status == Some(404) => None,
            other => Some(other),
        }
    } else {
        None
    };
    let answer = match via_proxy {
        Some(answer) => answer,
        None => {
            // The legacy route takes no `envs`: the variables are exported in the command itself.
            let legacy = ExecuteRequest {
                command: with_exports(&cmd.command, &cmd.env),
                envs: None,
                ..body
            };
            let req = toolbox
                .legacy_request(Method::Post, "/process/execute", what.clone())
                .json(&legacy)?;
            send(req)
        }
    };
    let answer = answer?;
    outcome(&answer, &what, output_limit)
}

/// The hint for a command the toolbox stopped at its timeout (HTTP 408).
fn too_long(timeout: u32) -> String {
    format!(
        "the command ran longer than its timeout ({timeout} s) and was stopped; raise `timeout` or run it in the background"
    )
}

/// The most of each string of an output answer kept as it arrives: a
/// quarter of the body cap, so that the three streams of a session answer
/// (`output`, `stdout`, `stderr`) fit in it together.
const KEEP_PER_STRING: usize = crate::wasi_http::MAX_RESPONSE_BYTES / 4;

/// `req` reading its answer as it arrives and keeping the ends of each long
/// string ([`Request::keep_string_ends`]): twice the output limit, enough for
/// the head and tail shown. The command already ran: output of any size comes
/// back cut, never as an error.
pub fn keeping_ends(req: Request, output_limit: usize) -> Request {
    req.keep_string_ends(output_limit.saturating_mul(2).min(KEEP_PER_STRING))
}

/// How the answer's top-level string `member` was cut, if it was.
pub fn cut_of<'a>(answer: &'a Response, member: &str) -> Option<&'a StringCut> {
    answer
        .strings_cut
        .iter()
        .find(|c| c.member.as_deref() == Some(member))
}

/// The outcome from the answer, whose `result` may have been cut on the way.
fn outcome(answer: &Response, what: &str, output_limit: usize) -> Result<Outcome, Error> {
    let run: ExecuteResponse = decode(&answer.body, what)?;
    let result = Ends::of(run.result.unwrap_or_default(), cut_of(answer, "result"));
    let (result, truncated, result_length) = result.bound(output_limit);
    let exit_code = run.exit_code.map_or(-1, |c| {
        c.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
    });
    Ok(Outcome {
        exit_code,
        result,
        truncated,
        result_length,
    })
}

/// `export K='v'; command`, single quotes escaped, for the legacy route.
fn with_exports(command: &str, env: &BTreeMap<String, String>) -> String {
    if env.is_empty() {
        return command.to_string();
    }
    let exports: Vec<String> = env
        .iter()
        .map(|(k, v)| format!("{k}='{}'", v.replace('\'', r"'\''")))
        .collect();
    format!("export {}; {command}", exports.join(" "))
}

/// Keep the output within `limit` bytes: a quarter from the start, the rest
/// from the end (where errors usually are), with a marker saying what was cut.
pub fn bound_output(output: String, limit: usize) -> (String, bool, u64) {
    let total = output.len() as u64;
    if output.len() <= limit {
        return (output, false, total);
    }
    (join_ends(&output, &output, total, limit), true, total)
}

/// Output whose middle may have been dropped on the way (an answer's string
/// cut by [`crate::http::json_ends`], or the two ends of a raw answer): its first
/// part, its last part, and the whole length in bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ends {
    /// The start (the whole text when nothing was dropped).
    pub head: String,
    /// The end, after the dropped middle.
    pub tail: String,
    /// Bytes of the whole text.
    pub total: u64,
}

impl Ends {
    /// Text that arrived whole.
    pub fn whole(text: String) -> Self {
        Ends {
            total: text.len() as u64,
            head: text,
            tail: String::new(),
        }
    }

    /// An answer's string as kept, split where its ends meet when it was cut.
    pub fn of(text: String, cut: Option<&StringCut>) -> Self {
        match cut {
            Some(cut) if text.is_char_boundary(cut.head_len) => {
                let mut head = text;
                let tail = head.split_off(cut.head_len);
                Ends {
                    head,
                    tail,
                    total: cut.total,
                }
            }
            _ => Ends::whole(text),
        }
    }

    /// Whether a middle was dropped.
    pub fn is_cut(&self) -> bool {
        self.total > (self.head.len() + self.tail.len()) as u64
    }

    /// Within `limit` bytes by the rule of [`bound_output`]: the text, whether
    /// it was cut, and the whole length.
    pub fn bound(self, limit: usize) -> (String, bool, u64) {
        if !self.is_cut() {
            return bound_output(self.head + &self.tail, limit);
        }
        (
            join_ends(&self.head, &self.tail, self.total, limit),
            true,
            self.total,
        )
    }
}

/// At most `limit` bytes: a quarter from the start of `head`, the rest from
/// the end of `tail`, and a marker saying how much of `total` was cut.
fn join_ends(head: &str, tail: &str, total: u64, limit: usize) -> String {
    let marker = |cut: u64| {
        format!("\n[... {cut} bytes of output cut: the first and last parts are shown ...]\n")
    };
    // Room for the marker with the longest count; it then says what was really left out.
    let budget = limit.saturating_sub(marker(u64::MAX).len());
    let head_end = floor_char_boundary(head, (budget / 4).min(head.len()));
    let tail_len = (budget - budget / 4).min(tail.len());
    let tail_start = ceil_char_boundary(tail, tail.len() - tail_len);
    let shown = (head_end + tail.len() - tail_start) as u64;
    format!(
        "{}{}{}",
        &head[..head_end],
        marker(total.saturating_sub(shown)),
        &tail[tail_start..]
    )
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn short_output_is_untouched() {
        assert_eq!(
            bound_output("hi\n".into(), 100),
            ("hi\n".to_string(), false, 3)
        );
    }

    #[test]
    fn long_output_keeps_head_and_tail_within_the_limit() {
        let out = format!("START{}END", "é".repeat(50_000));
        let (b, truncated, len) = bound_output(out.clone(), 1024);
        assert!(truncated);
        assert_eq!(len, out.len() as u64);
        assert!(b.len() <= 1024, "{}", b.len());
        assert!(b.starts_with("START") && b.ends_with("END"));
        assert!(b.contains("bytes of output cut"));
    }

    #[test]
    fn legacy_exports_quote_values() {
        let env = BTreeMap::from([("A".to_string(), "it's".to_string())]);
        assert_eq!(
            with_exports("echo $A", &env),
            r"export A='it'\''s'; echo $A"
        );
    }

    #[test]
    fn an_answer_over_the_cap_is_a_truncated_outcome_with_its_exit_code() {
        use crate::http::testing::{Scripted, config};
        let cfg = config();
        let t = Scripted::default();
        t.answer(
            200,
            &[],
            r#"{"id":"sb-1","name":"dev","state":"started","toolboxProxyUrl":"http://emu/toolbox"}"#,
        );
        let output = format!(
            "START{}{}END\n",
            "a".repeat(10_000_000),
            "z".repeat(10_000_000)
        );
        let json = serde_json::json!({"result": output, "exitCode": 42}).to_string();
        let mut kept = crate::http::json_ends::JsonEnds::new(10_000, 1 << 20);
        kept.push(json.as_bytes()).unwrap();
        let (body, strings_cut) = kept.finish();
        t.answers.borrow_mut().push_back(Ok(Response {
            status: 200,
            body,
            strings_cut,
            ..Response::default()
        }));
        let cmd = Command {
            sandbox: "dev".into(),
            command: "yes".into(),
            ..Default::default()
        };
        let out = execute(&Client::new(&cfg, &t), &cmd, 4096).unwrap();
        assert_eq!(out.exit_code, 42);
        assert!(out.truncated);
        assert!(out.result.starts_with("STARTaaa"), "{}", out.result);
        assert!(out.result.ends_with("zzzEND\n"), "{}", out.result);
        assert!(out.result.len() <= 4096);
        assert_eq!(out.result_length, output.len() as u64);
        let sent = t.sent.borrow();
        assert_eq!(
            sent[1].0.string_ends,
            Some(8192),
            "the request keeps the ends"
        );
    }

    #[test]
    fn a_broken_whole_answer_is_still_an_error() {
        let answer = Response {
            status: 200,
            body: br#"{"exitCode": 0, "res"#.to_vec(),
            ..Response::default()
        };
        let err = outcome(&answer, "run", 1024).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Upstream);
    }
}
