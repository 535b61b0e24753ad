//! Every advertised argument reaches Daytona: each tool is called with every property its
//! schema offers ([`super::full_arguments`]), and each value must show up in the requests
//! that call made, as a JSON body key or query parameter of the same name unless [`WIRE`]
//! says where else it goes, or why it never leaves the component. A new argument that is
//! sent under its own name needs no row; one that is dropped fails here.

use super::*;
use host_test::emulator::RecordedRequest;

/// Where an argument shows up in Daytona's requests, when not under its own name.
enum Wire {
    /// A JSON body key or query parameter under Daytona's name for it.
    Named(&'static str),
    /// A segment of a request's path (a sandbox, session, key or port).
    Segment,
    /// Sent in another form: why, and the check that finds it.
    Derived(&'static str, fn(&Sent, &Value) -> bool),
    /// Never sent: the component uses it itself, for this reason.
    Local(&'static str),
}
use Wire::*;

/// The exceptions, by tool (`*`: every tool) and argument.
const WIRE: &[(&str, &str, Wire)] = &[
    ("*", "sandbox", Segment),
    (
        "create_sandbox",
        "timeout",
        Local("how long to wait for `started`"),
    ),
    (
        "start_sandbox",
        "timeout",
        Local("how long to wait for `started`"),
    ),
    (
        "stop_sandbox",
        "timeout",
        Local("how long to wait for `stopped`"),
    ),
    (
        "archive_sandbox",
        "timeout",
        Local("how long to wait for `archived`"),
    ),
    ("execute_command", "env", Named("envs")),
    (
        "read_file",
        "startLine",
        Local("lines are cut from the download here"),
    ),
    (
        "read_file",
        "endLine",
        Local("lines are cut from the download here"),
    ),
    (
        "write_file",
        "content",
        Derived(
            "uploaded as the multipart file, decoded",
            upload_holds_content,
        ),
    ),
    (
        "write_file",
        "encoding",
        Derived("how the uploaded content is decoded", upload_holds_content),
    ),
    (
        "write_file",
        "overwrite",
        Derived(
            "false asks files/info before the upload (which has no such flag)",
            info_first,
        ),
    ),
    ("git_clone", "commitId", Named("commit_id")),
    ("git_commit", "allowEmpty", Named("allow_empty")),
    (
        "git_log",
        "limit",
        Local("git/history has no limit: the list is cut here"),
    ),
    ("get_preview_url", "port", Segment),
    (
        "get_preview_url",
        "signed",
        Derived("chooses the signed-preview-url endpoint", signed_endpoint),
    ),
    ("expire_preview_url", "port", Segment),
    ("expire_preview_url", "token", Segment),
    (
        "create_api_key",
        "expiresAt",
        Derived("the same instant, with milliseconds", same_expiry),
    ),
    ("get_api_key", "name", Segment),
    ("delete_api_key", "name", Segment),
    ("delete_api_key_for_user", "userId", Segment),
    ("delete_api_key_for_user", "name", Segment),
    (
        "mint_ephemeral_key",
        "scope",
        Derived("sent as the scope's Daytona permissions", scope_permissions),
    ),
    (
        "mint_ephemeral_key",
        "ttl",
        Derived("the expiry in the key's name is now + ttl", ttl_expiry),
    ),
    (
        "mint_ephemeral_key",
        "holder",
        Derived(
            "written into the key's name, eph-<holder>-…",
            holder_in_name,
        ),
    ),
    ("revoke_ephemeral_key", "name", Segment),
    ("create_session", "session", Named("sessionId")),
    ("run_session_command", "session", Segment),
    ("run_session_command", "async", Named("runAsync")),
    ("get_session_command_logs", "session", Segment),
    ("get_session_command_logs", "commandId", Segment),
    (
        "get_session_command_logs",
        "tail",
        Local("the logs endpoint has no tail: lines are kept here"),
    ),
    ("delete_session", "session", Segment),
    ("run_code", "env", Named("envs")),
];

/// What one call sent, and the emulator's clock (whole seconds) around it.
struct Sent {
    requests: Vec<RecordedRequest>,
    before: u64,
    after: u64,
}

impl Sent {
    /// Every JSON body, as an object.
    fn bodies(&self) -> impl Iterator<Item = serde_json::Map<String, Value>> + '_ {
        self.requests
            .iter()
            .filter_map(|r| r.body_json()?.as_object().cloned())
    }

    /// The string values of body key `key`, in request order.
    fn body_strings(&self, key: &str) -> Vec<String> {
        self.bodies()
            .filter_map(|b| Some(b.get(key)?.as_str()?.to_string()))
            .collect()
    }

    /// Every query parameter of every request, decoded.
    fn query(&self) -> Vec<(String, String)> {
        let params = self.requests.iter().filter_map(|r| r.path.split_once('?'));
        params
            .flat_map(|(_, q)| q.split('&'))
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect()
    }

    /// Every path segment of every request, decoded.
    fn segments(&self) -> Vec<String> {
        let paths = self.requests.iter().map(|r| r.path_only());
        paths.flat_map(|p| p.split('/')).map(decode).collect()
    }
}

/// `%XX` decoded (the component encodes queries and paths that way, never with `+`).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = text
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A scalar as it reads in a query string or path.
fn text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

/// `value` is body key `key`, or query parameter `key` (an object as JSON, an array as
/// the parameter repeated).
fn named(sent: &Sent, key: &str, value: &Value) -> bool {
    if sent.bodies().any(|b| b.get(key) == Some(value)) {
        return true;
    }
    let params: Vec<String> = sent
        .query()
        .into_iter()
        .filter(|(name, _)| name == key)
        .map(|(_, v)| v)
        .collect();
    match value {
        Value::Array(items) => !items.is_empty() && items.iter().all(|i| params.contains(&text(i))),
        Value::Object(_) => params
            .iter()
            .any(|p| serde_json::from_str::<Value>(p).ok().as_ref() == Some(value)),
        _ => params.contains(&text(value)),
    }
}

/// The sample of `tool`'s `arg`.
fn sample(tool: &str, arg: &str) -> Value {
    let (_, _, sample) = SAMPLES
        .iter()
        .find(|(t, a, _)| *t == tool && *a == arg)
        .unwrap();
    serde_json::from_str(sample).unwrap()
}

/// The sample `write_file` content, decoded from base64 (the sample `encoding`), is the
/// upload's file, whole.
fn upload_holds_content(sent: &Sent, _: &Value) -> bool {
    use base64::Engine;
    assert_eq!(sample("write_file", "encoding"), "base64");
    let content = sample("write_file", "content");
    let content = base64::engine::general_purpose::STANDARD
        .decode(content.as_str().unwrap())
        .unwrap();
    let uploads = sent
        .requests
        .iter()
        .filter(|r| r.path.contains("/files/upload"));
    uploads
        .filter_map(|r| {
            let start = r.body.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
            r.body[start..].strip_prefix(content.as_slice())
        })
        .any(|rest| rest.starts_with(b"\r\n--"))
}

/// `overwrite: false` made the component ask `files/info` whether the file exists.
fn info_first(sent: &Sent, value: &Value) -> bool {
    let info = sent
        .requests
        .iter()
        .any(|r| r.path.contains("/files/info?"));
    value == &Value::Bool(false) && info
}

/// The signed-preview-url endpoint was asked exactly when `signed` is true.
fn signed_endpoint(sent: &Sent, value: &Value) -> bool {
    let signed = sent
        .requests
        .iter()
        .any(|r| r.path.contains("/signed-preview-url"));
    value == &Value::Bool(signed)
}

/// `expiresAt` went as the same instant, written with milliseconds.
fn same_expiry(sent: &Sent, value: &Value) -> bool {
    let expected = value.as_str().unwrap().replace('Z', ".000Z");
    sent.body_strings("expiresAt").contains(&expected)
}

/// The key was created with the scope's permissions (the tool's description lists them).
fn scope_permissions(sent: &Sent, value: &Value) -> bool {
    let permissions: &[&str] = match value.as_str().unwrap() {
        "daytona:workspaces:read" => &["read:volumes"],
        "daytona:workspaces" => &["write:sandboxes", "delete:sandboxes"],
        other => panic!("add {other}'s permissions to scope_permissions"),
    };
    sent.bodies()
        .any(|b| b.get("permissions") == Some(&serde_json::json!(permissions)))
}

/// The key name's expiry (`eph-<holder>-<expiry>-<random>`) is the clock during the call plus
/// the ttl (a sample in hours).
fn ttl_expiry(sent: &Sent, value: &Value) -> bool {
    let hours = value.as_str().and_then(|v| v.strip_suffix('h'));
    let hours = hours.expect("the mint_ephemeral_key ttl sample is in whole hours");
    let ttl: u64 = hours.parse::<u64>().unwrap() * 3600;
    sent.body_strings("name").iter().any(|name| {
        let expiry = name.rsplit('-').nth(1).and_then(|e| e.parse::<u64>().ok());
        expiry.is_some_and(|e| (sent.before + ttl..=sent.after + ttl).contains(&e))
    })
}

/// The key's name starts `eph-<holder>-`.
fn holder_in_name(sent: &Sent, value: &Value) -> bool {
    let prefix = format!("eph-{}-", value.as_str().unwrap());
    sent.body_strings("name")
        .iter()
        .any(|n| n.starts_with(&prefix))
}

/// Whole seconds on `emu`'s clock.
fn clock_secs(emu: &Emulator) -> u64 {
    let now = emu.clock().now().duration_since(SystemTime::UNIX_EPOCH);
    now.unwrap().as_secs()
}

/// Calls beside the full ones, for a sample that is its argument's default: `signed` is
/// `true` there (`expiresInSeconds` needs it), so `false` is sent here.
const ALSO: &[(&str, &str)] = &[(
    "get_preview_url",
    r#"{"sandbox": "box", "port": 3000, "signed": false}"#,
)];

/// The arguments of a successful call of `tool` with `args` (before [`resolve`]) that did
/// not reach Daytona, as `tool.argument = value`.
async fn unreached(tool: &str, args: &str) -> Vec<String> {
    let (emu, cfg) = setup(tool);
    let args = resolve(&emu, args);
    emu.clear_requests();
    let before = clock_secs(&emu);
    let outcome = call(&emu, &cfg, tool, &args).await;
    let after = clock_secs(&emu);
    assert!(outcome.is_ok(), "{tool} {args}: {outcome:?}");
    let sent = Sent {
        requests: emu.requests(),
        before,
        after,
    };
    let args: serde_json::Map<String, Value> = serde_json::from_str(&args).unwrap();
    let mut dropped = Vec::new();
    for (arg, value) in &args {
        let wire = WIRE
            .iter()
            .find(|(t, a, _)| (*t == tool || *t == "*") && a == arg)
            .map(|(_, _, wire)| wire);
        let reached = match wire {
            None => named(&sent, arg, value),
            Some(Named(key)) => named(&sent, key, value),
            Some(Segment) => sent.segments().contains(&text(value)),
            Some(Derived(_, check)) => check(&sent, value),
            Some(Local(_)) => true,
        };
        if !reached {
            dropped.push(format!("{tool}.{arg} = {value}"));
        }
    }
    dropped
}

#[tokio::test]
async fn every_advertised_argument_reaches_daytona() {
    let tools = listed_tools(&CallConfig::default()).await;
    let full = tools.iter().map(|t| (t.name.as_str(), full_arguments(t)));
    let also = ALSO.iter().map(|(tool, args)| (*tool, args.to_string()));
    let mut dropped = Vec::new();
    for (tool, args) in full.chain(also) {
        dropped.extend(unreached(tool, &args).await);
    }
    assert!(
        dropped.is_empty(),
        "arguments that did not reach Daytona (send them, or say why in WIRE): {dropped:#?}"
    );
}

#[test]
fn every_wire_row_names_an_advertised_argument_and_a_reason() {
    for (tool, arg, wire) in WIRE {
        let reason = match wire {
            Named(key) => key,
            Segment => "a path segment",
            Derived(reason, _) | Local(reason) => reason,
        };
        assert!(!reason.is_empty(), "WIRE row {tool}.{arg} says nothing");
        assert!(
            SAMPLES
                .iter()
                .any(|(t, a, _)| (*t == *tool || *tool == "*") && a == arg),
            "WIRE row {tool}.{arg} names no argument"
        );
    }
}
