//! JSON Schemas of tool results, for hosts that declare an `outputSchema`
//! (MCP requires `structuredContent` to conform to it). They describe every
//! field the serde models in [`crate::models`], [`crate::api`] and
//! [`crate::keys`] serialize, closed (`additionalProperties: false`) and with
//! every always-present field required, so a renamed field fails: here
//! against the models, end to end against real results.
//!
//! Each schema is a `.json` file beside this module, read with `include_str!`
//! (data in the component, not code that builds it), written without what
//! every object shares: `schema` closes each object that has `properties`
//! (`"type": "object"`, `"additionalProperties": false`) and requires every
//! property but those it lists under `"optional"`. `json_text!` drops the
//! layout whitespace at compile time.

use serde_json::Value;

/// A string constant of JSON without the whitespace between tokens, computed
/// at compile time (the literal itself is not kept in the binary).
macro_rules! json_text {
    ($text:expr) => {{
        const BYTES: [u8; minified_len($text)] = minify($text);
        const TEXT: &str = match core::str::from_utf8(&BYTES) {
            Ok(text) => text,
            Err(_) => panic!("not UTF-8"),
        };
        TEXT
    }};
}

/// How many bytes [`minify`] keeps of `text`.
const fn minified_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut i, mut len, mut quoted, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if quoted || !b.is_ascii_whitespace() {
            len += 1;
        }
        (quoted, escaped) = string_state(b, quoted, escaped);
        i += 1;
    }
    len
}

/// `text` without the whitespace outside its JSON strings.
const fn minify<const N: usize>(text: &str) -> [u8; N] {
    let bytes = text.as_bytes();
    let mut out = [0u8; N];
    let (mut i, mut len, mut quoted, mut escaped) = (0, 0, false, false);
    while i < bytes.len() {
        let b = bytes[i];
        if quoted || !b.is_ascii_whitespace() {
            out[len] = b;
            len += 1;
        }
        (quoted, escaped) = string_state(b, quoted, escaped);
        i += 1;
    }
    out
}

/// Whether the text after byte `b` is inside a JSON string, and escaped.
const fn string_state(b: u8, quoted: bool, escaped: bool) -> (bool, bool) {
    match (quoted, escaped, b) {
        (true, true, _) => (true, false),
        (true, false, b'\\') => (true, true),
        (true, false, b'"') | (false, _, b'"') => (!quoted, false),
        _ => (quoted, false),
    }
}

/// The schema `text` describes, every object in it closed (see the module doc).
fn schema(text: &str) -> Value {
    // `from_slice`: the one parser instance (see `Args::parse`).
    let mut schema = serde_json::from_slice(text.as_bytes()).unwrap_or_default();
    close(&mut schema);
    schema
}

fn close(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let optional = map.remove("optional").unwrap_or_default();
            if let Some(Value::Object(properties)) = map.get("properties") {
                let optional = optional.as_array().map_or(&[][..], Vec::as_slice);
                let required: Vec<Value> = properties
                    .keys()
                    .filter(|k| !optional.iter().any(|o| o == k.as_str()))
                    .map(|k| Value::String(k.clone()))
                    .collect();
                map.insert("type".into(), "object".into());
                map.insert("required".into(), required.into());
                map.insert("additionalProperties".into(), false.into());
            }
            map.values_mut().for_each(close);
        }
        Value::Array(items) => items.iter_mut().for_each(close),
        _ => {}
    }
}

/// `outer` with `inner` (a schema another result has too) at the JSON pointer `at`.
fn nest(mut outer: Value, at: &str, inner: Value) -> Value {
    if let Some(slot) = outer.pointer_mut(at) {
        *slot = inner;
    }
    outer
}

/// A sandbox, as `get_sandbox` and the lifecycle tools return it.
pub fn sandbox() -> Value {
    schema(json_text!(include_str!("sandbox.json")))
}

/// `list_sandboxes`.
pub fn sandbox_list() -> Value {
    let schema = schema(json_text!(include_str!("sandbox_list.json")));
    nest(schema, "/properties/sandboxes/items", sandbox())
}

/// `execute_command`.
pub fn execution() -> Value {
    schema(json_text!(include_str!("execution.json")))
}

/// `list_snapshots`.
pub fn snapshot_list() -> Value {
    schema(json_text!(include_str!("snapshot_list.json")))
}

/// An API key; `value` is masked except in `create_api_key`'s answer;
/// `organizationId` only when Daytona reports it.
pub fn api_key() -> Value {
    schema(json_text!(include_str!("api_key.json")))
}

/// `list_api_keys`.
pub fn api_key_list() -> Value {
    let schema = schema(json_text!(include_str!("api_key_list.json")));
    nest(schema, "/properties/apiKeys/items", api_key())
}

/// `delete_api_key`.
pub fn deleted() -> Value {
    schema(json_text!(include_str!("deleted.json")))
}

/// `delete_api_key_for_user`.
pub fn deleted_for_user() -> Value {
    schema(json_text!(include_str!("deleted_for_user.json")))
}

/// `mint_ephemeral_key`.
pub fn minted_key() -> Value {
    schema(json_text!(include_str!("minted_key.json")))
}

/// `revoke_ephemeral_key`.
pub fn revoked() -> Value {
    schema(json_text!(include_str!("revoked.json")))
}

/// `list_ephemeral_keys`.
pub fn ephemeral_key_list() -> Value {
    schema(json_text!(include_str!("ephemeral_key_list.json")))
}

/// A failure as `call-tool` and the sweep report describe it.
pub fn error() -> Value {
    schema(json_text!(include_str!("error.json")))
}

/// `revoke_expired_keys`.
pub fn sweep_report() -> Value {
    let schema = schema(json_text!(include_str!("sweep_report.json")));
    nest(schema, "/properties/failed/items/properties/error", error())
}

/// A file or directory, as `get_file_info` and `list_files` return it.
pub fn file_info() -> Value {
    schema(json_text!(include_str!("file_info.json")))
}

/// `list_files`.
pub fn file_listing() -> Value {
    let schema = schema(json_text!(include_str!("file_listing.json")));
    nest(schema, "/properties/files/items", file_info())
}

/// `read_file`.
pub fn file_text() -> Value {
    schema(json_text!(include_str!("file_text.json")))
}

/// `download_file`.
pub fn file_download() -> Value {
    schema(json_text!(include_str!("file_download.json")))
}

/// `write_file`.
pub fn file_written() -> Value {
    schema(json_text!(include_str!("file_written.json")))
}

/// `delete_file`, `create_folder`, `git_push` and `git_pull`.
pub fn file_path() -> Value {
    schema(json_text!(include_str!("file_path.json")))
}

/// `move_file`.
pub fn file_moved() -> Value {
    schema(json_text!(include_str!("file_moved.json")))
}

/// `find_in_files`.
pub fn file_matches() -> Value {
    schema(json_text!(include_str!("file_matches.json")))
}

/// `search_files`.
pub fn file_names() -> Value {
    schema(json_text!(include_str!("file_names.json")))
}

/// `replace_in_files`.
pub fn file_replacements() -> Value {
    schema(json_text!(include_str!("file_replacements.json")))
}

/// `create_session` and `delete_session`.
pub fn session_id() -> Value {
    schema(json_text!(include_str!("session_id.json")))
}

/// `run_session_command` and `get_session_command_logs`.
pub fn command_output() -> Value {
    schema(json_text!(include_str!("command_output.json")))
}

/// `list_sessions`.
pub fn session_list() -> Value {
    schema(json_text!(include_str!("session_list.json")))
}

/// `run_code`.
pub fn code_run() -> Value {
    schema(json_text!(include_str!("code_run.json")))
}

/// `git_clone`.
pub fn git_cloned() -> Value {
    schema(json_text!(include_str!("git_cloned.json")))
}

/// `git_status`.
pub fn git_status() -> Value {
    schema(json_text!(include_str!("git_status.json")))
}

/// `git_add`.
pub fn git_staged() -> Value {
    schema(json_text!(include_str!("git_staged.json")))
}

/// `git_commit`.
pub fn git_committed() -> Value {
    schema(json_text!(include_str!("git_committed.json")))
}

/// `git_branches`.
pub fn git_branches() -> Value {
    schema(json_text!(include_str!("git_branches.json")))
}

/// `git_create_branch` and `git_checkout`.
pub fn git_branch() -> Value {
    schema(json_text!(include_str!("git_branch.json")))
}

/// `git_log`.
pub fn git_log() -> Value {
    schema(json_text!(include_str!("git_log.json")))
}

/// `set_sandbox_labels`.
pub fn labels() -> Value {
    schema(json_text!(include_str!("labels.json")))
}

/// `get_preview_url`.
pub fn preview_url() -> Value {
    schema(json_text!(include_str!("preview_url.json")))
}

/// `expire_preview_url`.
pub fn preview_expired() -> Value {
    schema(json_text!(include_str!("preview_expired.json")))
}

#[cfg(test)]
mod tests;
