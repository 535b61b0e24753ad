//! The host policy through the real component: a credential goes to the API
//! host on its port, to what `DAYTONA_TOOLBOX_HOSTS` lists (ports included),
//! and to no neighbour. The host runtime allows every host involved, so only
//! the component stands in the way; each test checks that nothing reached the
//! server a refused URL names, and that the host was never asked (its denied
//! log), which is what would differ without the fix.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, SandboxSeed};
use host_test::harness::types::ErrorKind;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ECHO: &str = r#"{"sandbox": "dev", "command": "echo hi"}"#;

/// A toolbox proxy on 127.0.0.1 (another port than the emulator's): records
/// each request's line and whether it carried a bearer credential, and answers
/// every execute with "via proxy".
struct CountingProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<(String, bool)>>>,
}

impl CountingProxy {
    async fn start() -> CountingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 4096];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
                    let line = text.lines().next().unwrap_or_default().to_string();
                    let bearer = text.contains("\r\nauthorization: bearer ");
                    log.lock().unwrap().push((line, bearer));
                    let body = r#"{"exitCode":0,"result":"via proxy\n"}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(answer.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        CountingProxy { addr, seen }
    }

    fn seen(&self) -> Vec<(String, bool)> {
        self.seen.lock().unwrap().clone()
    }
}

/// An emulator whose sandboxes carry `toolboxProxyUrl` = `url`, with sandbox "dev".
fn emulator_with_proxy(url: &str) -> Emulator {
    let emu = emulator();
    emu.update_options(|o| o.toolbox_url_override = Some(url.to_string()));
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    emu
}

/// Call `execute_command` and return the error, checking the host was never asked.
async fn refused(emu: &Emulator, cfg: &CallConfig) -> host_test::harness::types::Error {
    let mut inst = instance(cfg).await;
    let outcome = inst
        .call_tool("execute_command", ECHO)
        .await
        .expect("call-tool trapped");
    assert_no_secrets(emu, &format!("{outcome:?}{}", inst.output()));
    assert_eq!(inst.denied(), Vec::<String>::new(), "the host was asked");
    outcome.unwrap_err()
}

#[tokio::test]
async fn a_proxy_on_the_api_hosts_other_port_gets_nothing_until_listed_with_its_port() {
    let proxy = CountingProxy::start().await;
    let emu = emulator_with_proxy(&format!("http://127.0.0.1:{}/toolbox", proxy.addr.port()));
    // The host lets both ports through.
    let base = config(&emu).allow(proxy.addr.to_string());

    // Same host as the API, other port: refused, also when listed without a
    // port (that means port 80 for http).
    for listed in [None, Some("127.0.0.1")] {
        let mut cfg = base.clone();
        if let Some(listed) = listed {
            cfg = cfg.env("DAYTONA_TOOLBOX_HOSTS", listed);
        }
        let err = refused(&emu, &cfg).await;
        assert_kind(&err, ErrorKind::Config);
        let port = proxy.addr.port();
        assert!(
            err.message.contains(&format!("'127.0.0.1' on port {port}")),
            "{err:?}"
        );
        assert!(
            err.hint
                .as_deref()
                .is_some_and(|h| h.contains(&format!("'127.0.0.1:{port}'"))
                    && h.contains("DAYTONA_TOOLBOX_HOSTS")),
            "{err:?}"
        );
        assert_eq!(proxy.seen(), Vec::new());
        assert_eq!(executes(&emu), Vec::<String>::new());
    }

    // Listed as host:port: the proxy gets the request, with the credential.
    let cfg = base
        .clone()
        .env("DAYTONA_TOOLBOX_HOSTS", proxy.addr.to_string());
    let out = call(&emu, &cfg, "execute_command", ECHO).await.unwrap();
    assert_eq!(out["result"], "via proxy\n");
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].0.starts_with("post /toolbox/"), "{seen:?}");
    assert!(seen[0].1, "{seen:?}");
}

#[tokio::test]
async fn a_neighbour_under_the_api_hosts_parent_domain_gets_nothing() {
    // Names that do not resolve: the harness connects them to the emulator
    // (after its allowlist decided on the name), so a request that went would
    // show in the emulator's log.
    let emu = emulator();
    let port = emu.addr().port();
    let api = format!("daytona.mycompany.test:{port}");
    let neighbour = format!("intranet.mycompany.test:{port}");
    emu.update_options(|o| o.toolbox_url_override = Some(format!("http://{neighbour}/toolbox")));
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    let cfg = CallConfig::default()
        .env("DAYTONA_API_URL", format!("http://{api}/api"))
        .env("DAYTONA_API_KEY", emu.api_key())
        .allow(&api)
        .allow(&neighbour)
        .resolve(&api, emu.addr().to_string())
        .resolve(&neighbour, emu.addr().to_string());

    let err = refused(&emu, &cfg).await;
    assert_kind(&err, ErrorKind::Config);
    assert!(
        err.message.contains("'intranet.mycompany.test'")
            && err.message.contains("DAYTONA_TOOLBOX_HOSTS"),
        "{err:?}"
    );
    // The sandbox was read through the API name: the API host itself is trusted.
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.path_only().starts_with("/api/sandbox"))
    );
    assert_eq!(executes(&emu), Vec::<String>::new());

    // Listed by the operator, the same host is used.
    let cfg = cfg.env("DAYTONA_TOOLBOX_HOSTS", &neighbour);
    let out = call(&emu, &cfg, "execute_command", ECHO).await.unwrap();
    assert_eq!(out["result"], "hi\n");
    assert_eq!(executes(&emu).len(), 1);
}

#[tokio::test]
async fn urls_that_parsers_read_differently_are_refused_before_sending() {
    let emu = emulator();
    let port = emu.addr().port();
    let api = format!("daytona.mycompany.test:{port}");
    let cfg = CallConfig::default()
        .env("DAYTONA_API_URL", format!("http://{api}/api"))
        .env("DAYTONA_API_KEY", emu.api_key())
        .env("DAYTONA_TOOLBOX_HOSTS", format!("*.mycompany.test:{port}"))
        .allow(&api)
        .allow(format!("*.mycompany.test:{port}"))
        .resolve(&api, emu.addr().to_string());
    emu.add_sandbox(SandboxSeed::new().named("dev"));
    for (url, says) in [
        // The policy read the host up to '?', the sender up to '/'.
        (
            format!("http://proxy.mycompany.test:{port}?@evil.example/toolbox"),
            "user name or password",
        ),
        // A browser reads '\' as '/': evil.example would be the host.
        (
            format!("http://evil.example\\.mycompany.test:{port}/toolbox"),
            "host with characters",
        ),
    ] {
        emu.update_options(|o| o.toolbox_url_override = Some(url.clone()));
        let err = refused(&emu, &cfg).await;
        assert_kind(&err, ErrorKind::Upstream);
        assert!(
            err.message.contains("toolboxProxyUrl") && err.message.contains(says),
            "{url}: {err:?}"
        );
        assert!(!err.message.contains("evil"), "{err:?}");
        assert_eq!(executes(&emu), Vec::<String>::new());
    }
}
