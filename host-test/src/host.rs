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
    /// `(authority, address)`: connect to `address` for `authority`.
    resolve: Vec<(String, String)>,
}

/// One allowlist entry: `host`, `host:port`, `*.domain` or `*.domain:port`.
/// Without a port it means the request scheme's default port (443 for https,
/// 80 for http), as in the component's `DAYTONA_TOOLBOX_HOSTS`.
#[derive(Debug, Clone)]
struct Entry {
    /// Lower-case host (IPv6 in brackets), or the domain after `*.`.
    host: String,
    /// Whether any host strictly under `host` matches (not `host` itself).
    under: bool,
    /// The port, when the entry names one; `None`: the scheme's default.
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

    /// Whether `host` on `port` (the request's, or its scheme's default
    /// `default`) matches.
    fn matches(&self, host: &str, port: u16, default: u16) -> bool {
        let host_ok = if self.under {
            host.strip_suffix(self.host.as_str())
                .is_some_and(|prefix| prefix.len() > 1 && prefix.ends_with('.'))
        } else {
            host == self.host
        };
        host_ok && self.port.unwrap_or(default) == port
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
    /// Allow these authorities: `host:port`, `*.domain:port` (any host under
    /// `domain`), and either without a port (the scheme's default port only),
    /// as [`daytona_tools::hosts::HostPolicy::allowlist`] gives them.
    /// Malformed entries allow nothing.
    pub fn new(allowed: Vec<String>) -> Self {
        AllowlistHooks {
            allowed: allowed.iter().filter_map(|a| Entry::parse(a)).collect(),
            denied: Arc::default(),
            sent: 0,
            drop_options: false,
            pool: None,
            resolve: Vec::new(),
        }
    }

    /// Connect to `address` for requests to `authority` (exact, case-insensitive),
    /// after the allowlist has decided on `authority`: names that do not resolve
    /// can stand for a local server.
    pub fn resolving(mut self, resolve: Vec<(String, String)>) -> Self {
        self.resolve = resolve;
        self
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

    /// Whether an authority may be reached with `scheme` (`http` or `https`;
    /// anything else is refused): parsed as a URI authority, host compared
    /// case-insensitively, port explicit or the scheme's default, userinfo refused.
    pub fn allows(&self, scheme: &str, authority: &str) -> bool {
        let default = match scheme.to_ascii_lowercase().as_str() {
            "https" => 443,
            "http" => 80,
            _ => return false,
        };
        let Some(authority) = parse_authority(authority) else {
            return false;
        };
        let host = authority.host().to_ascii_lowercase();
        let port = authority.port_u16().unwrap_or(default);
        self.allowed.iter().any(|e| e.matches(&host, port, default))
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
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> SendFuture {
        let authority = request
            .uri()
            .authority()
            .map(|a| a.as_str().to_string())
            .unwrap_or_default();
        let scheme = request.uri().scheme_str().unwrap_or_default();
        if !self.allows(scheme, &authority) {
            self.denied.lock().unwrap().push(authority);
            return Box::new(async { Err(Error::HttpRequestDenied) });
        }
        _ = fut;
        self.sent += 1;
        if let Some((_, address)) = self
            .resolve
            .iter()
            .find(|(from, _)| from.eq_ignore_ascii_case(&authority))
        {
            let mut parts = request.uri().clone().into_parts();
            parts.authority = address.parse().ok();
            if let Ok(uri) = http::Uri::from_parts(parts) {
                *request.uri_mut() = uri;
            }
        }
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
    fn allowlist_matches_host_and_port() {
        let hooks = AllowlistHooks::new(vec!["127.0.0.1:8080".into(), "app.daytona.io".into()]);
        assert!(hooks.allows("http", "127.0.0.1:8080"));
        assert!(!hooks.allows("http", "127.0.0.1:8081"));
        assert!(!hooks.allows("http", "127.0.0.1"));
        assert!(hooks.allows("https", "app.daytona.io:443"));
        assert!(hooks.allows("https", "app.daytona.io"));
        assert!(hooks.allows("HTTPS", "APP.Daytona.IO"));
        assert!(hooks.allows("http", "app.daytona.io"));
        // Without a port, an entry means the scheme's default port only.
        assert!(!hooks.allows("https", "app.daytona.io:80"));
        assert!(!hooks.allows("http", "app.daytona.io:443"));
        assert!(!hooks.allows("https", "app.daytona.io:6379"));
        assert!(!hooks.allows("ftp", "app.daytona.io"));
        assert!(!hooks.allows("https", "evil.example"));
        assert!(!hooks.allows("https", "app.daytona.io.evil.example"));
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
            assert!(!hooks.allows("https", bad), "{bad:?}");
        }
    }

    #[test]
    fn wildcards_match_hosts_under_the_domain_only() {
        let hooks = AllowlistHooks::new(vec![
            "*.daytona.io:443".into(),
            "[::1]:9".into(),
            "*.proxy.test".into(),
        ]);
        assert!(hooks.allows("https", "proxy.app.daytona.io"));
        assert!(hooks.allows("https", "Proxy.Daytona.io:443"));
        assert!(!hooks.allows("https", "proxy.daytona.io:8443"));
        assert!(!hooks.allows("https", "daytona.io"));
        assert!(!hooks.allows("https", "evildaytona.io"));
        assert!(hooks.allows("http", "[::1]:9"));
        assert!(!hooks.allows("http", "[::1]:10"));
        assert!(hooks.allows("http", "a.proxy.test"));
        assert!(!hooks.allows("http", "a.proxy.test:4000"));
    }
}
