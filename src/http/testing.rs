//! A scripted transport for unit tests of request logic.
use super::{Request, Response, Transport};
use crate::config::Config;
use crate::deadline::Limits;
use crate::env::Env;
use crate::error::Error;
use crate::hosts::Target;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::Duration;

/// A request as sent, with the headers the client added.
pub type Sent = (Request, Vec<(String, String)>);

/// Answers requests from a script and records what was sent.
#[derive(Default)]
pub struct Scripted {
    pub answers: RefCell<VecDeque<Result<Response, Error>>>,
    pub sent: RefCell<Vec<Sent>>,
    pub slept: RefCell<Vec<Duration>>,
    /// Wall-clock time the transport reports; sleeping advances it.
    pub now_millis: std::cell::Cell<u64>,
    /// Monotonic time the transport reports; sleeping and sending advance it.
    pub monotonic: std::cell::Cell<u64>,
    /// How long each send takes on the monotonic clock.
    pub send_cost: std::cell::Cell<Duration>,
    /// The bounds each send was given.
    pub limits: RefCell<Vec<Limits>>,
}

impl Scripted {
    pub fn answer(&self, status: u16, headers: &[(&str, &str)], body: &str) -> &Self {
        self.answers.borrow_mut().push_back(Ok(Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            cut: None,
            strings_cut: Vec::new(),
        }));
        self
    }
    pub fn urls(&self) -> Vec<String> {
        self.sent
            .borrow()
            .iter()
            .map(|(r, _)| r.url.clone())
            .collect()
    }
}

impl Transport for Scripted {
    fn send(
        &self,
        _target: &Target,
        request: &Request,
        headers: &[(String, String)],
        limits: &Limits,
    ) -> Result<Response, Error> {
        self.sent
            .borrow_mut()
            .push((request.clone(), headers.to_vec()));
        self.limits.borrow_mut().push(*limits);
        self.monotonic.set(
            self.monotonic
                .get()
                .saturating_add(crate::deadline::nanos(self.send_cost.get())),
        );
        self.answers
            .borrow_mut()
            .pop_front()
            .unwrap_or_else(|| panic!("no scripted answer for {}", request.url))
    }
    fn sleep(&self, duration: Duration) {
        self.slept.borrow_mut().push(duration);
        self.now_millis
            .set(self.now_millis.get() + duration.as_millis() as u64);
        self.monotonic.set(
            self.monotonic
                .get()
                .saturating_add(crate::deadline::nanos(duration)),
        );
    }
    fn random_u64(&self) -> u64 {
        u64::MAX / 2
    }
    fn now_unix_millis(&self) -> u64 {
        self.now_millis.get()
    }
    fn monotonic_nanos(&self) -> u64 {
        self.monotonic.get()
    }
}

pub fn config() -> Config {
    config_with(&[])
}

/// [`config`] with more variables; a variable given again overrides it.
pub fn config_with(vars: &[(&str, &str)]) -> Config {
    let base = [
        ("DAYTONA_API_KEY", "dtn_testkey"),
        ("DAYTONA_API_URL", "http://emu/api"),
    ];
    Config::from_env(&Env::from_pairs(base.iter().chain(vars).copied())).unwrap()
}

/// [`config`] with a user JWT and its organization too (the key tools' credentials).
pub fn config_with_jwt() -> Config {
    config_with(&[
        ("DAYTONA_JWT_TOKEN", "jwt.token.value"),
        ("DAYTONA_ORGANIZATION_ID", "org-1"),
    ])
}
