//! A started sandbox's toolbox, shared by the file, git, session and code
//! tools: where its routes start (the sandbox's `toolboxProxyUrl`, the legacy
//! API route when it has none), and the helpers every toolbox call uses.

use super::sandboxes;
use crate::error::{Error, ErrorKind, scrub};
use crate::http::{Client, Method, Request, Transport, encode_component};
use serde::Serialize;

/// Longest path accepted, in bytes (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;

/// Check a path argument: not empty, no NUL, at most [`MAX_PATH_BYTES`].
pub fn check_path(field: &str, path: &str) -> Result<(), Error> {
    if path.trim().is_empty() {
        return Err(Error::invalid_input(format!("`{field}` must not be empty")));
    }
    if path.contains('\0') {
        return Err(Error::invalid_input(format!(
            "`{field}` contains a NUL character, which no file path can hold"
        ))
        .with_hint("remove the NUL from the path"));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(Error::invalid_input(format!(
            "`{field}` is {} bytes long; paths are at most {MAX_PATH_BYTES} bytes",
            path.len()
        )));
    }
    Ok(())
}

/// Where a started sandbox's toolbox routes start, and its name for messages.
pub struct Toolbox {
    base: String,
    legacy: String,
    proxied: bool,
    /// The sandbox's name, scrubbed for messages.
    pub name: String,
}

impl Toolbox {
    /// The toolbox of started sandbox `sandbox` (ID or name); any other state
    /// is a `conflict` error with a `start_sandbox` hint.
    pub fn open<T: Transport>(client: &Client<T>, sandbox: &str) -> Result<Toolbox, Error> {
        let sandbox = sandboxes::get(client, sandbox)?;
        if sandbox.state != "started" {
            return Err(Error::new(
                ErrorKind::Conflict,
                format!(
                    "sandbox '{}' is {}; commands, files, git, sessions and code runs reach it only while it is started",
                    scrub(&sandbox.name, &[]),
                    sandbox.state
                ),
            )
            .with_hint("call start_sandbox first, then try again"));
        }
        let id = encode_component(&sandbox.id);
        let legacy = client.url(&format!("/toolbox/{id}/toolbox"));
        let proxy = match sandbox
            .toolbox_proxy_url
            .as_deref()
            .filter(|u| !u.is_empty())
        {
            Some(proxy) => {
                // The URL comes from Daytona's answer and the request carries the
                // credential: send it only to a host the configuration trusts.
                client
                    .config
                    .hosts
                    .check_url(proxy, "the sandbox's toolboxProxyUrl")?;
                Some(format!("{}/{id}", proxy.trim_end_matches('/')))
            }
            None => None,
        };
        Ok(Toolbox {
            proxied: proxy.is_some(),
            base: proxy.unwrap_or_else(|| legacy.clone()),
            legacy,
            name: scrub(&sandbox.name, &[]),
        })
    }

    /// Whether the routes go through the sandbox's `toolboxProxyUrl` (not the
    /// legacy API route).
    pub fn proxied(&self) -> bool {
        self.proxied
    }

    /// A request to `route` of the legacy API route, for a proxy that answers 404.
    pub fn legacy_request(&self, method: Method, route: &str, what: String) -> Request {
        Request::new(method, format!("{}{route}", self.legacy), what)
    }

    /// A request to `route` (e.g. `/files/info`) of this toolbox.
    pub fn request(&self, method: Method, route: &str, what: String) -> Request {
        Request::new(method, format!("{}{route}", self.base), what)
    }

    /// `"{action} '{subject}' in sandbox '{name}'"`, for messages.
    pub fn what(&self, action: &str, subject: &str) -> String {
        format!("{action} '{}' in sandbox '{}'", shown(subject), self.name)
    }
}

/// Text from an argument for a message: scrubbed of control characters and
/// bounded to 200 bytes.
pub fn shown(text: &str) -> String {
    let text = scrub(text, &[]);
    if text.len() <= 200 {
        return text;
    }
    let mut end = 200;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

/// [`keep_within`], and how many items there were before: the `total` of a
/// bounded listing.
pub fn bounded<S: Serialize>(items: Vec<S>, limit: usize) -> (Vec<S>, bool, u64) {
    let total = items.len() as u64;
    let (items, truncated) = keep_within(items, limit);
    (items, truncated, total)
}

/// The first items whose JSON fits in `limit` bytes, and whether any were left out.
/// Each item is measured as the `serde_json::Value` it becomes in the result,
/// so that no item type is compiled with a second serializer (to bytes) just for this.
pub fn keep_within<S: Serialize>(mut items: Vec<S>, limit: usize) -> (Vec<S>, bool) {
    let count = items.len();
    let mut used = 0;
    let kept = items
        .iter()
        .take_while(|item| {
            used += serde_json::to_value(item).map_or(0, |v| json_len(&v)) + 1;
            used <= limit
        })
        .count();
    items.truncate(kept);
    (items, kept < count)
}

/// The length of `value` as compact JSON text.
fn json_len(value: &serde_json::Value) -> usize {
    value.to_string().len()
}
