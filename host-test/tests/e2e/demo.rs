//! `host-test demo` (`host_test::demo::run`): the whole story, one line a
//! step, under 60 lines, every step present, and no secret printed.

use crate::common::emulator;

/// What each step's line must show: the tool and a piece of its result.
const STEPS: &[(&str, &str)] = &[
    ("create_sandbox", "demo [started]"),
    ("write_file", "hello.txt written"),
    ("read_file", "hello from the agent"),
    ("git_clone", "origin.git -> repo"),
    ("git_commit", "commit "),
    ("git_log", "2 commits: Add notes, seed"),
    ("run_session_command", "http.server"),
    ("get_session_command_logs", "listening on port"),
    ("get_preview_url", "not shown"),
    ("(HTTP GET)", "200 \"status: DONE\\n\""),
    ("initialize", "daytona-tools"),
    ("tools/list", " tools"),
    ("tools/call list_sandboxes", "isError false: demo"),
    ("tools/list", "HTTP 401"),
    ("mint_ephemeral_key", "daytona:workspaces:read = "),
    ("create_sandbox", "forbidden: "),
    ("revoke_ephemeral_key", "revoked"),
    ("list_sandboxes", "unauthorized: "),
    ("execute_command", "conflict: sandbox 'demo' is stopped"),
    ("get_sandbox", "not-found: "),
];

#[tokio::test]
async fn the_demo_tells_the_whole_story_in_under_60_lines_without_a_secret() {
    let emu = emulator();
    let mut out = Vec::new();
    let secrets = host_test::demo::run(&emu, &mut out)
        .await
        .expect("the demo succeeds");
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() < 60, "{} lines:\n{out}", lines.len());
    for (tool, result) in STEPS {
        assert!(
            lines
                .iter()
                .any(|l| l.contains(&format!(" {tool} ")) && l.contains(result)),
            "no step {tool} showing {result:?}:\n{out}"
        );
    }
    // The preview token, the MCP token and the minted key, then the emulator's own.
    assert_eq!(secrets.len(), 3, "{secrets:?}");
    for secret in secrets.iter().chain([&emu.api_key(), &emu.jwt()]) {
        assert!(secret.len() >= 16, "not a secret: {secret:?}");
        // Any 8 characters of it: a line cut short still shows a secret's start.
        let chars: Vec<char> = secret.chars().collect();
        for part in chars.windows(8) {
            let part: String = part.iter().collect();
            assert!(!out.contains(&part), "part of a secret was printed:\n{out}");
        }
    }
    assert!(
        lines.last().unwrap().starts_with("no secret above"),
        "{out}"
    );
}
