//! A kept-alive, pooled transport for `wasi:http` outgoing requests.
//!
//! wasmtime-wasi-http's `default_send_request` opens a TCP connection (and a
//! TLS session) per request and closes it when the response ends. [`Pool`]
//! sends the same requests over HTTP/1.1 connections that outlive the
//! request, the instance and its store: one pool per engine, shared by every
//! instance, so a fresh instance per call still reuses the connection the
//! previous call opened.
//!
//! What it keeps from the default, so guests see the same behaviour:
//! - the request options: `connect-timeout` bounds connecting (TCP, TLS, the
//!   HTTP/1 handshake) when a new connection is needed, `first-byte-timeout`
//!   the wait for the response head, `between-bytes-timeout` each wait for
//!   the body; 600 s each when the guest gives none;
//! - the errors: [`Error::Connect`], [`Error::ConnectionTimeout`],
//!   [`Error::Tls`], [`Error::ConnectionReadTimeout`],
//!   [`Error::HttpResponseTimeout`] and [`Error::Hyper`] where the default
//!   returns them;
//! - https with the same TLS stack (rustls with webpki's roots);
//! - origin-form request targets.
//!
//! A connection goes back to the pool only once its response body has been
//! read to the end. A response dropped early, a timeout or an error closes it,
//! as the default closes every connection. A request that an idle connection
//! turns down before sending anything (the server closed it meanwhile) is sent
//! on another one; a request already written is never sent twice. Connections
//! are keyed by scheme, authority and Tokio runtime (a connection is driven
//! by a task of the runtime that opened it), idle ones are closed after
//! [`IDLE_TIMEOUT`], and at most [`MAX_IDLE_PER_HOST`] are kept per key.
//!
//! The allowlist is not this module's business: [`crate::host::AllowlistHooks`]
//! checks every request before it reaches the pool.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use http::uri::Scheme;
use http_body::Body as _;
use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use wasmtime_wasi_http::io::TokioIo;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody};

/// Idle connections older than this are closed rather than reused.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// Idle connections kept per scheme, authority and runtime.
pub const MAX_IDLE_PER_HOST: usize = 64;
/// wasmtime-wasi-http's bound when the guest gives none.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// Keyed sets of idle HTTP/1.1 connections; cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Pool {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    tls: OnceLock<tokio_rustls::TlsConnector>,
    opened: AtomicU64,
    reused: AtomicU64,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    https: bool,
    /// `host:port`, the port made explicit.
    authority: String,
    runtime: tokio::runtime::Id,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

/// One connection: the request half, and the task that drives its I/O
/// (aborted, closing the socket, when the connection is dropped).
struct Conn {
    sender: SendRequest<WasiBody>,
    task: tokio::task::AbortHandle,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A connection on loan to one response; back to the pool by [`Lease::release`].
struct Lease {
    conn: Conn,
    key: Key,
    pool: Arc<Inner>,
}

impl Lease {
    fn release(self) {
        self.pool.put(self.key, self.conn);
    }
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

impl Pool {
    /// An empty pool.
    pub fn new() -> Pool {
        Pool::default()
    }

    /// Connections opened so far (each TCP connect that succeeded).
    pub fn connections_opened(&self) -> u64 {
        self.inner.opened.load(Ordering::Relaxed)
    }

    /// Requests sent on a connection that an earlier request opened.
    pub fn requests_reused(&self) -> u64 {
        self.inner.reused.load(Ordering::Relaxed)
    }

    /// Send `request` (absolute URI, as wasmtime-wasi-http hands it to
    /// `send_request`) on an idle connection to its authority, or a new one.
    /// Resolves with the response head; the body streams from the connection.
    pub async fn send(
        &self,
        mut request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Result<http::Response<WasiBody>, Error> {
        let uri = request.uri();
        let authority = uri.authority().ok_or(Error::HttpRequestUriInvalid)?;
        let https = uri.scheme() == Some(&Scheme::HTTPS);
        let authority = match authority.port() {
            Some(_) => authority.to_string(),
            None => format!("{authority}:{}", if https { 443 } else { 80 }),
        };
        let bound = |pick: fn(&RequestOptions) -> Option<Duration>| {
            options.as_ref().and_then(pick).unwrap_or(DEFAULT_TIMEOUT)
        };
        let connect_timeout = bound(|o| o.connect_timeout);
        let first_byte_timeout = bound(|o| o.first_byte_timeout);
        let between_bytes_timeout = bound(|o| o.between_bytes_timeout);
        // On the wire the target is origin-form: `/path?query`.
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string();
        *request.uri_mut() = http::Uri::builder()
            .path_and_query(target)
            .build()
            .map_err(|_| Error::HttpRequestUriInvalid)?;
        let key = Key {
            https,
            authority,
            runtime: tokio::runtime::Handle::current().id(),
        };

        // Idle connections first; one that turns the request down unsent is
        // closed and the next tried.
        while let Some(mut conn) = self.inner.take(&key) {
            let ready = tokio::time::timeout(connect_timeout, conn.sender.ready()).await;
            if !matches!(ready, Ok(Ok(()))) {
                continue;
            }
            let sent =
                tokio::time::timeout(first_byte_timeout, conn.sender.try_send_request(request))
                    .await;
            match sent {
                Err(_) => return Err(Error::ConnectionReadTimeout),
                Ok(Ok(response)) => {
                    self.inner.reused.fetch_add(1, Ordering::Relaxed);
                    return Ok(self.wrap(response, conn, key, between_bytes_timeout));
                }
                Ok(Err(mut e)) => match e.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(Error::from(e.into_error())),
                },
            }
        }

        let mut conn = self.connect(&key, connect_timeout).await?;
        let response = tokio::time::timeout(first_byte_timeout, conn.sender.send_request(request))
            .await
            .map_err(|_| Error::ConnectionReadTimeout)?
            .map_err(Error::from)?;
        Ok(self.wrap(response, conn, key, between_bytes_timeout))
    }

    /// A new connection: TCP, TLS for https, the HTTP/1 handshake, all within
    /// `timeout`; its I/O driven by a task of the current runtime.
    async fn connect(&self, key: &Key, timeout: Duration) -> Result<Conn, Error> {
        let deadline = tokio::time::Instant::now() + timeout;
        let stream = tokio::time::timeout_at(deadline, TcpStream::connect(&key.authority))
            .await
            .map_err(|_| Error::ConnectionTimeout)?
            .map_err(Error::Connect)?;
        // Requests and answers are written in pieces; do not let Nagle's
        // algorithm hold the second piece for the peer's delayed ACK.
        _ = stream.set_nodelay(true);
        let io: Box<dyn Io> = if key.https {
            let name = tls_server_name(&key.authority)?;
            let tls = tokio::time::timeout_at(deadline, self.tls().connect(name, stream))
                .await
                .map_err(|_| Error::ConnectionTimeout)?
                .map_err(Error::Tls)?;
            Box::new(tls)
        } else {
            Box::new(stream)
        };
        let (sender, connection) =
            tokio::time::timeout_at(deadline, http1::Builder::new().handshake(TokioIo::new(io)))
                .await
                .map_err(|_| Error::ConnectionTimeout)??;
        let task = tokio::spawn(async move {
            // Its errors reach the request or body that was in flight.
            _ = connection.await;
        })
        .abort_handle();
        self.inner.opened.fetch_add(1, Ordering::Relaxed);
        Ok(Conn { sender, task })
    }

    /// The TLS client the default builds per request, built once per pool.
    fn tls(&self) -> &tokio_rustls::TlsConnector {
        self.inner.tls.get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.into(),
            };
            let config = rustls::ClientConfig::builder()
                .with_root_certificates(roots)
                .with_no_client_auth();
            tokio_rustls::TlsConnector::from(Arc::new(config))
        })
    }

    fn wrap(
        &self,
        response: http::Response<Incoming>,
        conn: Conn,
        key: Key,
        between_bytes: Duration,
    ) -> http::Response<WasiBody> {
        // Tokio panics on a zero interval; 1 ns is as good as zero.
        let between_bytes = between_bytes.max(Duration::from_nanos(1));
        let mut timeout = tokio::time::interval(between_bytes);
        timeout.reset();
        let lease = Lease {
            conn,
            key,
            pool: self.inner.clone(),
        };
        response.map(|incoming| {
            PooledBody {
                incoming,
                timeout,
                lease: Some(lease),
            }
            .boxed_unsync()
        })
    }
}

impl Inner {
    /// The most recently used live idle connection for `key`, if any.
    fn take(&self, key: &Key) -> Option<Conn> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let list = idle.get_mut(key)?;
        while let Some(entry) = list.pop() {
            if entry.since.elapsed() < IDLE_TIMEOUT && !entry.conn.sender.is_closed() {
                return Some(entry.conn);
            }
        }
        None
    }

    fn put(&self, key: Key, conn: Conn) {
        if conn.sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        // Keys of runtimes that have ended keep only closed connections.
        if idle.len() > 16 {
            idle.retain(|_, list| {
                list.retain(|e| !e.conn.sender.is_closed());
                !list.is_empty()
            });
        }
        let list = idle.entry(key).or_default();
        if list.len() >= MAX_IDLE_PER_HOST {
            list.remove(0);
        }
        list.push(Idle {
            conn,
            since: Instant::now(),
        });
    }
}

/// A response body read from a pooled connection, with the between-bytes
/// bound; its connection goes back to the pool once the body has ended.
struct PooledBody {
    incoming: Incoming,
    timeout: tokio::time::Interval,
    lease: Option<Lease>,
}

impl PooledBody {
    fn release(&mut self) {
        if let Some(lease) = self.lease.take() {
            lease.release();
        }
    }
}

impl http_body::Body for PooledBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Error>>> {
        match Pin::new(&mut self.incoming).poll_frame(cx) {
            Poll::Ready(None) => {
                self.release();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(err))) => {
                // The connection is in no state to be reused.
                self.lease = None;
                Poll::Ready(Some(Err(if err.is_timeout() {
                    Error::HttpResponseTimeout
                } else {
                    Error::from(err)
                })))
            }
            Poll::Ready(Some(Ok(frame))) => {
                self.timeout.reset();
                if self.incoming.is_end_stream() {
                    self.release();
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                ready!(self.timeout.poll_tick(cx));
                self.lease = None;
                Poll::Ready(Some(Err(Error::ConnectionReadTimeout)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.incoming.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.incoming.size_hint()
    }
}

impl Drop for PooledBody {
    fn drop(&mut self) {
        // Read to the end (or empty): reusable. Dropped midway: closed.
        if self.incoming.is_end_stream() {
            self.release();
        }
    }
}

/// The rustls server name for `host:port` (an IPv6 host in brackets), as
/// wasmtime-wasi-http's default derives it.
fn tls_server_name(
    authority: &str,
) -> Result<rustls::pki_types::ServerName<'static>, rustls::pki_types::InvalidDnsNameError> {
    use rustls::pki_types::ServerName;
    if let Ok(addr) = authority.parse::<std::net::SocketAddr>() {
        return Ok(ServerName::from(addr.ip()));
    }
    let host = authority
        .split_once(':')
        .map_or(authority, |(host, _)| host);
    Ok(ServerName::try_from(host)?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_server_names_drop_the_port_and_keep_ipv6_whole() {
        use rustls::pki_types::ServerName;
        assert_eq!(
            tls_server_name("app.daytona.io:443").unwrap(),
            ServerName::try_from("app.daytona.io").unwrap()
        );
        assert_eq!(
            tls_server_name("[::1]:443").unwrap(),
            ServerName::from(std::net::Ipv6Addr::LOCALHOST)
        );
        assert!(tls_server_name("bad name:443").is_err());
    }
}
