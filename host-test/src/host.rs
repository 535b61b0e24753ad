//! The network seam: `wasi:http` hooks that let requests through only to
//! allowlisted authorities, refusing the rest with `HttpRequestDenied`.

use std::sync::{Arc, Mutex};
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

/// `send_request` with an outbound-host allowlist.
pub struct AllowlistHooks {
    allowed: Vec<String>,
    denied: Arc<Mutex<Vec<String>>>,
    /// Pass `None` request options on, like a host that ignores the guest's timeouts.
    drop_options: bool,
}

impl AllowlistHooks {
    /// Allow exactly these authorities (`host` allows any port of that host).
    pub fn new(allowed: Vec<String>) -> Self {
        AllowlistHooks {
            allowed,
            denied: Arc::default(),
            drop_options: false,
        }
    }

    /// Ignore the guest's request options (connect, first-byte and
    /// between-bytes timeouts): requests get wasmtime's defaults (600 s each).
    pub fn dropping_request_options(mut self) -> Self {
        self.drop_options = true;
        self
    }

    /// Whether an authority may be reached.
    pub fn allows(&self, authority: &str) -> bool {
        let host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
        self.allowed
            .iter()
            .any(|a| a.eq_ignore_ascii_case(authority) || a.eq_ignore_ascii_case(host))
    }

    /// Authorities refused so far.
    pub fn denied(&self) -> Vec<String> {
        self.denied.lock().unwrap().clone()
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
        let options = if self.drop_options { None } else { options };
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
        assert!(!hooks.allows("evil.example"));
    }
}
