//! The network seam: `wasi:http` hooks that let requests through only to
//! allowlisted authorities, refusing the rest with `HttpRequestDenied`, and
//! send the rest on a shared [`Pool`] of kept-alive connections (or, without
//! one, on a new connection each, as wasmtime-wasi-http's default does).

use crate::pool::Pool;
use std::sync::{Arc, Mutex};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// `send_request` with an outbound-host allowlist.
pub struct AllowlistHooks {
    allowed: Vec<Entry>,
    denied: Arc<Mutex<Vec<String>>>,
    /// Requests let through to the network (tests count attempts no server saw).
    sent: usize,
    /// Pass `None` request options on, like a host that ignores the guest's timeouts.
    drop_options: bool,
    /// Where allowed requests go; `None`: `default_send_request`.
    pool: Option<Pool>,
}

/// One allowlist entry: `host`, `host:port`, `*.domain` or `*.domain:port`.
#[derive(Debug, Clone)]
struct Entry {
    /// Lower-case host (IPv6 in brackets), or the domain after `*.`.
    host: String,
    /// Whether any host strictly under `host` matches (not `host` itself).
    under: bool,
    /// The port, when the entry names one.
    port: Option<u16>,
}

impl Entry {
    fn parse(text: &str) -> Option<Entry> {
        let (under, rest) = match text.strip_prefix("*.") {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let authority = parse_authority(rest)?;
        Some(Entry {
            host: authority.host().to_ascii_lowercase(),
            under,
            port: authority.port_u16(),
        })
    }

    fn matches(&self, host: &str, port: Option<u16>) -> bool {
        let host_ok = if self.under {
            host.strip_suffix(self.host.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.'))
        } else {
            host == self.host
        };
        host_ok && (self.port.is_none() || self.port == port)
    }
}

/// Parse an authority with the URI type; `None` if malformed or if it carries
/// userinfo (`user:pass@host`), which no allowed request needs.
fn parse_authority(text: &str) -> Option<http::uri::Authority> {
    let authority: http::uri::Authority = text.parse().ok()?;
    // The type parses the port lazily: `host:x` must not pass as `host`.
    let port_text = &authority.as_str()[authority.host().len()..];
    let port_ok = port_text.is_empty() || authority.port_u16().is_some();
    (port_ok && !authority.as_str().contains('@') && !authority.host().is_empty())
        .then_some(authority)
}

impl AllowlistHooks {
    /// Allow these authorities: `host` (any port), `host:port`, and `*.domain`
    /// (any host under `domain`, as [`daytona_tools::hosts::HostPolicy::allowlist`]
    /// gives them). Malformed entries allow nothing.
    pub fn new(allowed: Vec<String>) -> Self {
        AllowlistHooks {
            allowed: allowed.iter().filter_map(|a| Entry::parse(a)).collect(),
            denied: Arc::default(),
            sent: 0,
            drop_options: false,
            pool: None,
        }
    }

    /// Send allowed requests on `pool`'s kept-alive connections (share one
    /// pool between every instance of an engine).
    pub fn with_pool(mut self, pool: Pool) -> Self {
        self.pool = Some(pool);
        self
    }

    /// Ignore the guest's request options (connect, first-byte and
    /// between-bytes timeouts): requests get wasmtime's defaults (600 s each).
    pub fn dropping_request_options(mut self) -> Self {
        self.drop_options = true;
        self
    }

    /// Whether an authority may be reached: parsed as a URI authority, host
    /// compared case-insensitively, userinfo refused.
    pub fn allows(&self, authority: &str) -> bool {
        let Some(authority) = parse_authority(authority) else {
            return false;
        };
        let host = authority.host().to_ascii_lowercase();
        let port = authority.port_u16();
        self.allowed.iter().any(|e| e.matches(&host, port))
    }

    /// Record refused authorities in `log` (shared by many instances).
    pub fn with_denied_log(mut self, log: Arc<Mutex<Vec<String>>>) -> Self {
        self.denied = log;
        self
    }

    /// Authorities refused so far.
    pub fn denied(&self) -> Vec<String> {
        self.denied.lock().unwrap().clone()
    }

    /// Requests let through to the network so far.
    pub fn sent(&self) -> usize {
        self.sent
    }
}

type SendFuture = Box<
    dyn Future<
            Output = Result<
                (
                    http::Response<WasiBody>,
                    Box<dyn Future<Output = Result<(), Error>> + Send>,
                ),
                Error,
            >,
        > + Send,
>;

impl WasiHttpHooks for AllowlistHooks {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        if !self.allows(&authority) {
            self.denied.lock().unwrap().push(authority);
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        _ = fut;
        self.sent += 1;
        let options = if self.drop_options { None } else { options };
        if let Some(pool) = self.pool.clone() {
            return Box::new(async move {
                let response = pool.send(request, options).await?;
                // The connection's I/O runs on the pool's task, not here.
                let io = async { Ok(()) };
                Ok((
                    response,
                    Box::new(io) as Box<dyn Future<Output = Result<(), Error>> + Send>,
                ))
            });
        }
        Box::new(async move {
            use http_body_util::BodyExt;
            let (res, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
            Ok((
                res.map(BodyExt::boxed_unsync),
                Box::new(io) as Box<dyn Future<Output = Result<(), Error>> + Send>,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist_matches_authority_or_host() {
        let hooks = AllowlistHooks::new(vec!["127.0.0.1:8080".into(), "app.daytona.io".into()]);
        assert!(hooks.allows("127.0.0.1:8080"));
        assert!(!hooks.allows("127.0.0.1:8081"));
        assert!(hooks.allows("app.daytona.io:443"));
        assert!(hooks.allows("app.daytona.io"));
        assert!(hooks.allows("APP.Daytona.IO"));
        assert!(!hooks.allows("evil.example"));
        assert!(!hooks.allows("app.daytona.io.evil.example"));
    }

    #[test]
    fn userinfo_and_malformed_authorities_are_refused() {
        let hooks = AllowlistHooks::new(vec!["app.daytona.io".into()]);
        for bad in [
            "user:pw@app.daytona.io",
            "evil.example@app.daytona.io",
            "app.daytona.io:notaport",
            "",
            "app daytona.io",
        ] {
            assert!(!hooks.allows(bad), "{bad:?}");
        }
    }

    #[test]
    fn wildcards_match_hosts_under_the_domain_only() {
        let hooks = AllowlistHooks::new(vec!["*.daytona.io".into(), "[::1]:9".into()]);
        assert!(hooks.allows("proxy.app.daytona.io"));
        assert!(hooks.allows("Proxy.Daytona.io:443"));
        assert!(!hooks.allows("daytona.io"));
        assert!(!hooks.allows("evildaytona.io"));
        assert!(hooks.allows("[::1]:9"));
        assert!(!hooks.allows("[::1]:10"));
    }
}
