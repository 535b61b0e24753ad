//! The session and preview steps: a server started in a session, its port read
//! from its logs, and a file fetched through a signed preview URL; and the
//! HTTP helpers they use (other callers import them from `host_test::demo`).

use anyhow::{Context, Result};
use serde_json::json;
use std::time::{Duration, Instant};

use super::sb;
use super::story::{Shows, Story, field, ms};
use crate::CallConfig;

/// How often, and how far apart, the demo checks that a server started: a
/// guard against a hang (a loaded machine may take seconds to start python).
const TRIES: usize = 1200;
const PAUSE: Duration = Duration::from_millis(50);

/// A server in a session, fetched through a preview URL, then stopped; the
/// preview token (a secret).
pub(super) async fn server_behind_a_preview(s: &mut Story<'_>, cfg: &CallConfig) -> Result<String> {
    let server = json!({ "session": "web", "async": true,
        "command": "python3 -u -m http.server 0 --bind 127.0.0.1 --directory repo" });
    let started = s
        .steps(
            cfg,
            vec![
                (
                    "open a session",
                    "create_session",
                    sb(json!({ "session": "web" })),
                    Shows(|_| "session web".into()),
                ),
                (
                    "start a server in it",
                    "run_session_command",
                    sb(server),
                    Shows(|_| "python3 -m http.server, async".into()),
                ),
            ],
        )
        .await?;
    let command = started[1]["commandId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut port = None;
    let t = Instant::now();
    for _ in 0..TRIES {
        let logs = json!({ "session": "web", "commandId": command });
        let logs = s.call(cfg, "get_session_command_logs", sb(logs)).await?;
        port = logs
            .outcome
            .ok()
            .and_then(|l| served_port(l["stdout"].as_str().unwrap_or_default()));
        if port.is_some() {
            break;
        }
        tokio::time::sleep(PAUSE).await;
    }
    let port = port.context("the server never said which port it listens on")?;
    s.line(
        "read its logs",
        "get_session_command_logs",
        &format!("listening on port {port}"),
        Some(ms(t)),
    )?;
    let preview = s
        .steps(
            cfg,
            vec![(
                "get a preview URL",
                "get_preview_url",
                sb(json!({ "port": port })),
                Shows(|_| "signed URL (its token is a secret: not shown)".into()),
            )],
        )
        .await?
        .remove(0);
    let token = field(&preview, "token").to_string();
    let notes = format!("{}/notes.txt", field(&preview, "url").trim_end_matches('/'));
    let t = Instant::now();
    let mut answer = (0, String::new());
    for _ in 0..TRIES {
        // The proxy answers 502 until the server listens.
        answer = fetch(&notes, &[]).await?;
        if answer.0 != 502 {
            break;
        }
        tokio::time::sleep(PAUSE).await;
    }
    s.line(
        "fetch it",
        "(HTTP GET)",
        &format!("{} {:?}", answer.0, answer.1),
        Some(ms(t)),
    )?;
    s.steps(
        cfg,
        vec![(
            "stop the server",
            "delete_session",
            sb(json!({ "session": "web" })),
            Shows(|_| "session deleted".into()),
        )],
    )
    .await?;
    Ok(token)
}

/// The port a `python3 -m http.server 0` in a sandbox listens on (shared with the tests).
pub use crate::emulator::testing::served_port;

/// GET an http URL with `headers` over HTTP/1.0: the status and the body.
pub async fn fetch(url: &str, headers: &[(&str, &str)]) -> Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").context("not an http URL")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(authority).await?;
    let mut request = format!("GET {path} HTTP/1.0\r\nHost: {authority}\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok((status, body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn served_port_reads_the_line_http_server_prints() {
        let line = "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ...\n";
        assert_eq!(served_port(line), Some(41234));
        assert_eq!(served_port(""), None);
        assert_eq!(served_port("Serving HTTP on 127.0.0.1 port x"), None);
    }
}
