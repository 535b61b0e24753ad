//! A transport answering from the fuzzer's input: Daytona-shaped bodies
//! (sandboxes, pages, keys, command results, error messages) or raw bytes,
//! with any status. Sleeping advances a fake clock; when the script runs out
//! every further request fails at once, so every call ends.

use daytona_tools::deadline::Limits;
use daytona_tools::error::{Error, ErrorKind};
use daytona_tools::hosts::Target;
use daytona_tools::http::{Body as Collector, Request, Response, Transport};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use serde_json::{Value, json};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::time::Duration;

/// 2030-01-01T00:00:00Z.
pub const NOW_MILLIS: u64 = 1_893_456_000_000;

const STATUSES: &[u16] = &[
    200, 201, 204, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504,
];
const STATES: &[&str] = &[
    "started",
    "stopped",
    "creating",
    "starting",
    "stopping",
    "destroying",
    "destroyed",
    "error",
    "build_failed",
    "archived",
    "hibernating",
];
const PROXIES: &[&str] = &[
    "https://proxy.example/toolbox",
    "http://proxy.example/toolbox",
    "",
    "ftp://proxy.example",
    "https://proxy.example/",
];

/// One scripted answer.
#[derive(Arbitrary, Debug)]
pub struct Answer {
    status: Status,
    retry_after: Option<u8>,
    body: Body,
}

#[derive(Arbitrary, Debug)]
enum Status {
    Ok,
    Common(u8),
    Any(u16),
}

/// A sandbox in an answer.
#[derive(Arbitrary, Debug)]
pub struct ArbSandbox {
    id: u8,
    name: Option<String>,
    state: u8,
    proxy: Option<u8>,
}

/// An API key in a list answer.
#[derive(Arbitrary, Debug)]
pub struct ArbKey {
    /// `eph-<holder>-<now + expiry_delta>-…` when set, else `name`.
    ephemeral: Option<(u8, i32)>,
    name: String,
    /// Seconds from the name's expiry (or now) to `expiresAt`; `None` is null.
    expires_delta: Option<i32>,
    permissions: Vec<u8>,
}

#[derive(Arbitrary, Debug)]
enum Body {
    Raw(Vec<u8>),
    Empty,
    Message(String),
    Sandbox(ArbSandbox),
    Sandboxes {
        items: Vec<ArbSandbox>,
        cursor: Option<u8>,
    },
    LegacySandboxes(Vec<ArbSandbox>),
    Snapshots {
        count: u8,
        total_pages: u8,
    },
    Keys(Vec<ArbKey>),
    /// The answer to `POST /api-keys`, built from what was sent.
    KeyEcho {
        extra_permission: Option<u8>,
        drop_permissions: bool,
        expires_delta: Option<i16>,
        empty_value: bool,
    },
    Exec {
        code: Option<i64>,
        output: String,
        repeat: u16,
    },
}

impl ArbSandbox {
    fn json(&self) -> Value {
        json!({
            "id": format!("sb-{}", self.id % 4),
            "name": self.name,
            "state": STATES[self.state as usize % STATES.len()],
            "toolboxProxyUrl": self.proxy.map(|p| PROXIES[p as usize % PROXIES.len()]),
            "cpu": 1, "memory": 2, "disk": 3, "labels": {"k": "v"},
        })
    }
}

impl ArbKey {
    fn json(&self, now_secs: i64) -> Value {
        let (name, expiry) = match self.ephemeral {
            Some((holder, delta)) => {
                let expiry = now_secs + i64::from(delta);
                (
                    format!("eph-h{}-{}-00000000abcd", holder % 3, expiry.max(0)),
                    expiry,
                )
            }
            None => (self.name.clone(), now_secs),
        };
        let permissions: Vec<&str> = self
            .permissions
            .iter()
            .map(|p| daytona_tools::api::api_keys::PERMISSIONS[*p as usize % 15])
            .collect();
        json!({
            "name": name,
            "value": "dtn_****abcd",
            "permissions": permissions,
            "createdAt": "2029-01-01T00:00:00.000Z",
            "expiresAt": self.expires_delta.map(|d| daytona_tools::time::format_secs(expiry + i64::from(d))),
        })
    }
}

impl Body {
    fn bytes(&self, request: &Request, now_secs: i64) -> Vec<u8> {
        let value = match self {
            Body::Raw(bytes) => return bytes.clone(),
            Body::Empty => return Vec::new(),
            Body::Message(m) => json!({ "statusCode": 400, "message": m }),
            Body::Sandbox(s) => s.json(),
            Body::Sandboxes { items, cursor } => json!({
                "items": items.iter().map(ArbSandbox::json).collect::<Vec<_>>(),
                "nextCursor": cursor.map(|c| format!("c{}", c % 4)),
            }),
            Body::LegacySandboxes(items) => {
                Value::Array(items.iter().map(ArbSandbox::json).collect())
            }
            Body::Snapshots { count, total_pages } => json!({
                "items": (0..*count % 8).map(|i| json!({"id": format!("sn{i}"), "name": format!("snap{i}"), "state": "active", "cpu": 1.5})).collect::<Vec<_>>(),
                "total": count, "page": 1, "totalPages": total_pages,
            }),
            Body::Keys(keys) => Value::Array(keys.iter().map(|k| k.json(now_secs)).collect()),
            Body::KeyEcho {
                extra_permission,
                drop_permissions,
                expires_delta,
                empty_value,
            } => {
                let sent: Value = request
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_slice(b).ok())
                    .unwrap_or_default();
                let mut permissions = if *drop_permissions {
                    Vec::new()
                } else {
                    sent["permissions"].as_array().cloned().unwrap_or_default()
                };
                if let Some(p) = extra_permission {
                    permissions.push(json!(
                        daytona_tools::api::api_keys::PERMISSIONS[*p as usize % 15]
                    ));
                }
                let expires = sent["expiresAt"]
                    .as_str()
                    .and_then(|t| daytona_tools::time::parse(t).ok())
                    .map(|ms| ms.div_euclid(1000));
                let expires_at = match (expires, expires_delta) {
                    (Some(at), Some(d)) => {
                        json!(daytona_tools::time::format_secs(at + i64::from(*d)))
                    }
                    (Some(at), None) => json!(daytona_tools::time::format_secs(at)),
                    (None, _) => Value::Null,
                };
                json!({
                    "name": sent["name"],
                    "value": if *empty_value { "" } else { "dtn_minted_value_0123456789" },
                    "permissions": permissions,
                    "createdAt": "2030-01-01T00:00:00.000Z",
                    "expiresAt": expires_at,
                })
            }
            Body::Exec {
                code,
                output,
                repeat,
            } => {
                json!({ "exitCode": code, "result": output.repeat(usize::from(*repeat % 64) + 1) })
            }
        };
        serde_json::to_vec(&value).unwrap()
    }
}

/// A request as sent, with the headers the client added.
pub type Sent = (Request, Vec<(String, String)>);
/// The status and body of an answer given.
pub type Given = (u16, Vec<u8>);

/// Answers from a script; records what was sent.
pub struct Scripted {
    answers: RefCell<VecDeque<Answer>>,
    /// What was sent, in order.
    pub sent: RefCell<Vec<Sent>>,
    /// For each request, the answer given (status and body), or none when the script ran out.
    pub answered: RefCell<Vec<Option<Given>>>,
    now: Cell<u64>,
    draws: Cell<u64>,
}

impl Scripted {
    /// A transport giving these answers in order.
    pub fn new(answers: Vec<Answer>) -> Self {
        Scripted {
            answers: RefCell::new(answers.into()),
            sent: RefCell::default(),
            answered: RefCell::default(),
            now: Cell::new(NOW_MILLIS),
            draws: Cell::new(0),
        }
    }
}

impl Transport for Scripted {
    fn send(
        &self,
        target: &Target,
        request: &Request,
        headers: &[(String, String)],
        _limits: &Limits,
    ) -> Result<Response, Error> {
        // The sender gets exactly the parse the host policy checked.
        assert_eq!(Target::parse(&request.url).as_ref(), Ok(target));
        self.sent
            .borrow_mut()
            .push((request.clone(), headers.to_vec()));
        assert!(self.sent.borrow().len() < 5000, "runaway: {}", request.url);
        let Some(answer) = self.answers.borrow_mut().pop_front() else {
            self.answered.borrow_mut().push(None);
            let mut e = Error::new(ErrorKind::Transport, "script ended");
            e.retryable = false;
            return Err(e);
        };
        let status = match answer.status {
            Status::Ok => 200,
            Status::Common(i) => STATUSES[i as usize % STATUSES.len()],
            Status::Any(s) => 100 + s % 900,
        };
        let body = answer.body.bytes(request, (self.now.get() / 1000) as i64);
        self.answered
            .borrow_mut()
            .push(Some((status, body.clone())));
        let headers = answer
            .retry_after
            .map(|s| vec![("retry-after".to_string(), s.to_string())])
            .unwrap_or_default();
        // Collected as the component's transport collects it (the ends of
        // each long string of a session answer, and so on).
        let mut kept = Collector::new(8 * 1024 * 1024, request, status, None);
        let (body, cut, strings_cut) = match kept.push(&body) {
            Ok(()) => kept.finish(),
            Err(_) => (body, None, Vec::new()),
        };
        Ok(Response {
            status,
            headers,
            body,
            cut,
            strings_cut,
        })
    }

    fn sleep(&self, duration: Duration) {
        self.now
            .set(self.now.get().saturating_add(duration.as_millis() as u64));
    }

    fn random_u64(&self) -> u64 {
        self.draws.set(self.draws.get() + 1);
        self.draws.get().wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    fn now_unix_millis(&self) -> u64 {
        self.now.get()
    }

    fn monotonic_nanos(&self) -> u64 {
        self.now.get().saturating_mul(1_000_000)
    }
}
