//! The MCP component (`daytona_mcp.wasm`) served from the wasmtime embedding
//! (`host_test::mcp_server`), driven over HTTP against the emulator: the
//! handshake revisions and the stateless one, the same tools as the library
//! component, tool results and errors, the HTTP refusals, secrets kept out of
//! every answer and log line, failing closed (misconfiguration, a rebinding
//! `Host`, a stalled body), the log that never fills, and 50 clients at once.

use crate::common;

use common::{config, emulator};
use host_test::emulator::Emulator;
use host_test::mcp_server::McpServer;
use host_test::{CallConfig, Harness};
use serde_json::{Value, json};

const TOKEN: &str = "mcp-test-token-5b0e1f3c9a7d4e2b";

pub(crate) mod client {
    //! A tiny MCP-over-HTTP client (hyper), one connection per request.
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;
    use serde_json::Value;

    /// A response, fully read.
    #[derive(Debug)]
    pub struct Resp {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl Resp {
        pub fn json(&self) -> Value {
            serde_json::from_slice(&self.body).unwrap_or_else(|e| {
                panic!(
                    "body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&self.body)
                )
            })
        }
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }
        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }
    }

    pub async fn send(method: &str, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Resp {
        let uri: hyper::Uri = url.parse().unwrap();
        let authority = uri.authority().unwrap().to_string();
        let stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        let mut req = hyper::Request::builder()
            .method(method)
            .uri(uri.path_and_query().map_or("/", |pq| pq.as_str()));
        // The real authority unless the test names another `Host`.
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            req = req.header("host", &authority);
        }
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        let resp = sender
            .send_request(req.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect();
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }
}

use client::{Resp, send};

/// The emulator and the MCP server in front of it, with a bearer token.
struct Setup {
    emu: Emulator,
    server: McpServer,
}

impl Setup {
    async fn new() -> Setup {
        Self::with(|c| c.env("DAYTONA_MCP_TOKEN", TOKEN)).await
    }

    async fn with(f: impl FnOnce(CallConfig) -> CallConfig) -> Setup {
        Self::with_emu(|_, c| f(c)).await
    }

    async fn with_emu(f: impl FnOnce(&Emulator, CallConfig) -> CallConfig) -> Setup {
        let emu = emulator();
        let config = f(&emu, config(&emu));
        let server = McpServer::start_default(config)
            .await
            .expect("serving the MCP component");
        Setup { emu, server }
    }

    /// POST a JSON-RPC body with the token and the usual MCP headers plus `extra`.
    async fn post(&self, body: &Value, extra: &[(&str, &str)]) -> Resp {
        let auth = format!("Bearer {TOKEN}");
        let mut headers = vec![
            ("authorization", auth.as_str()),
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
        ];
        headers.retain(|(k, _)| !extra.iter().any(|(e, _)| e.eq_ignore_ascii_case(k)));
        headers.extend(extra.iter().filter(|(_, v)| !v.is_empty()));
        let resp = send(
            "POST",
            &self.server.url(),
            &headers,
            body.to_string().into_bytes(),
        )
        .await;
        self.assert_no_secrets(&resp.text());
        resp
    }

    /// A 2025-11-25 request (after a handshake that needs no state).
    async fn rpc(&self, method: &str, params: Value) -> Value {
        let resp = self
            .post(
                &json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }),
                &[("mcp-protocol-version", "2025-11-25")],
            )
            .await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        resp.json()
    }

    async fn call(&self, tool: &str, arguments: Value) -> Value {
        let body = self
            .rpc(
                "tools/call",
                json!({ "name": tool, "arguments": arguments }),
            )
            .await;
        body["result"].clone()
    }

    /// No credential of the emulator and not the MCP token, anywhere in `text`
    /// or the server's log so far (instances still running may add lines:
    /// [`Setup::assert_no_secrets_settled`] waits for them).
    fn assert_no_secrets(&self, text: &str) {
        Self::check_no_secrets(&self.emu, text, &self.server.log());
    }

    /// [`Setup::assert_no_secrets`] once every instance has written its line.
    async fn assert_no_secrets_settled(&self, text: &str) {
        Self::check_no_secrets(&self.emu, text, &self.server.settled_log().await);
    }

    fn check_no_secrets(emu: &Emulator, text: &str, log: &str) {
        for secret in [emu.api_key(), emu.jwt(), TOKEN.to_string()] {
            assert!(!text.contains(&secret), "a secret leaked into: {text}");
            assert!(!log.contains(&secret), "a secret leaked into the log");
        }
    }
}

fn stateless_meta() -> Value {
    json!({ "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
            "io.modelcontextprotocol/clientInfo": { "name": "test", "version": "1" } })
}

fn check_output_schema(tools: &[Value], tool: &str, structured: &Value) {
    let descriptor = tools.iter().find(|t| t["name"] == tool).unwrap();
    let schema = &descriptor["outputSchema"];
    let validator = jsonschema::validator_for(schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(structured)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "{tool}: structuredContent does not match outputSchema: {errors:?}\n{structured}"
    );
}

#[tokio::test]
async fn initialize_answers_the_requested_handshake_revision() {
    let s = Setup::new().await;
    for version in ["2025-06-18", "2025-11-25"] {
        let resp = s
            .post(&json!({ "jsonrpc": "2.0", "id": "init", "method": "initialize", "params": {
                "protocolVersion": version, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } } }), &[])
            .await;
        assert_eq!(resp.status, 200, "{}", resp.text());
        assert_eq!(resp.header("content-type"), Some("application/json"));
        assert!(resp.header("mcp-session-id").is_none());
        let body = resp.json();
        assert_eq!(body["id"], "init");
        assert_eq!(body["result"]["protocolVersion"], version);
        assert!(body["result"]["capabilities"]["tools"].is_object());
        let note = s
            .post(
                &json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }),
                &[("mcp-protocol-version", version)],
            )
            .await;
        assert_eq!((note.status, note.body.len()), (202, 0));
        assert_eq!(s.rpc("ping", json!({})).await["result"], json!({}));
    }
}

#[tokio::test]
async fn tools_list_offers_the_library_components_tools() {
    let s = Setup::new().await;
    let listed = s.rpc("tools/list", json!({})).await;
    let tools = listed["result"]["tools"].as_array().unwrap();
    let mut library = Harness::shared()
        .instance(&CallConfig::default())
        .await
        .unwrap();
    let library = library.list_tools().await.unwrap();
    assert_eq!(tools.len(), library.len());
    for (mcp, lib) in tools.iter().zip(&library) {
        assert_eq!(mcp["name"], lib.name.as_str());
        assert_eq!(mcp["title"], lib.title.as_str());
        assert_eq!(mcp["description"], lib.description.as_str());
        assert_eq!(
            mcp["inputSchema"],
            serde_json::from_str::<Value>(&lib.input_schema).unwrap()
        );
        let output: Option<Value> = lib
            .output_schema
            .as_deref()
            .map(|s| serde_json::from_str(s).unwrap());
        assert_eq!(mcp.get("outputSchema"), output.as_ref(), "{}", lib.name);
        let a = &mcp["annotations"];
        assert_eq!(
            (
                a["readOnlyHint"].as_bool(),
                a["destructiveHint"].as_bool(),
                a["idempotentHint"].as_bool(),
                a["openWorldHint"].as_bool()
            ),
            (
                Some(lib.read_only),
                Some(lib.destructive),
                Some(lib.idempotent),
                Some(lib.open_world)
            ),
            "{}",
            lib.name
        );
    }
}

#[tokio::test]
async fn daytona_tools_filters_the_list_and_refuses_the_rest() {
    let s = Setup::with(|c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_TOOLS", "read-only")
    })
    .await;
    let listed = s.rpc("tools/list", json!({})).await;
    let names: Vec<&str> = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"list_sandboxes") && !names.contains(&"delete_sandbox"),
        "{names:?}"
    );
    let refused = s
        .rpc(
            "tools/call",
            json!({ "name": "delete_sandbox", "arguments": { "sandbox": "x" } }),
        )
        .await;
    assert_eq!(refused["error"]["code"], -32602);
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("DAYTONA_TOOLS")
    );
}

#[tokio::test]
async fn a_sandbox_is_created_used_and_deleted_with_results_matching_their_output_schemas() {
    let s = Setup::new().await;
    let tools = s.rpc("tools/list", json!({})).await["result"]["tools"]
        .as_array()
        .unwrap()
        .clone();
    let steps = [
        ("create_sandbox", json!({ "name": "mcp-box" })),
        ("list_sandboxes", json!({})),
        ("get_sandbox", json!({ "sandbox": "mcp-box" })),
        (
            "execute_command",
            json!({ "sandbox": "mcp-box", "command": "echo hello" }),
        ),
        ("delete_sandbox", json!({ "sandbox": "mcp-box" })),
    ];
    for (tool, arguments) in steps {
        let result = s.call(tool, arguments).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
        let structured = &result["structuredContent"];
        let text: Value =
            serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
        assert_eq!(&text, structured, "{tool}");
        check_output_schema(&tools, tool, structured);
        if tool == "execute_command" {
            assert_eq!(
                (
                    structured["exitCode"].as_i64(),
                    structured["result"].as_str()
                ),
                (Some(0), Some("hello\n"))
            );
        }
    }
    assert!(
        s.server.settled_log().await.contains("POST /mcp -> 200"),
        "{}",
        s.server.settled_log().await
    );
}

#[tokio::test]
async fn create_api_key_is_offered_and_held_to_the_hosts_ceiling() {
    let s = Setup::with_emu(|emu, c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_JWT_TOKEN", emu.jwt())
            .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
            .env("DAYTONA_MINT_SCOPES", "daytona:workspaces:read")
            .env("DAYTONA_MINT_MAX_TTL", "2h")
    })
    .await;
    let listed = s.rpc("tools/list", json!({})).await;
    let create = listed["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "create_api_key")
        .unwrap()
        .clone();
    assert_eq!(
        create["inputSchema"]["properties"]["permissions"]["items"]["enum"],
        json!(["read:volumes"])
    );
    assert!(
        create["description"]
            .as_str()
            .unwrap()
            .contains("expiresAt at most 2h from now"),
        "{create}"
    );
    let refused = s
        .call(
            "create_api_key",
            json!({ "name": "x", "permissions": ["write:sandboxes", "write:runners"] }),
        )
        .await;
    assert_eq!(refused["isError"], true, "{refused}");
    let record: Value =
        serde_json::from_str(refused["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(record["kind"], "forbidden");
    assert!(
        record["message"]
            .as_str()
            .unwrap()
            .contains("DAYTONA_MINT_SCOPES")
    );
    assert!(
        s.emu
            .requests()
            .iter()
            .all(|r| !r.path_only().starts_with("/api/api-keys")),
        "nothing sent"
    );
    assert!(s.emu.api_keys().iter().all(|k| k.name != "x"));
}

#[tokio::test]
async fn a_tool_error_is_an_is_error_result_with_the_librarys_error_record() {
    let s = Setup::new().await;
    let result = s
        .call("get_sandbox", json!({ "sandbox": "no-such-box" }))
        .await;
    assert_eq!(result["isError"], true, "{result}");
    let record: Value =
        serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    let cfg = config(&s.emu);
    let library = common::call(&s.emu, &cfg, "get_sandbox", r#"{"sandbox": "no-such-box"}"#)
        .await
        .unwrap_err();
    assert_eq!(record["kind"], "not-found");
    assert_eq!(record["message"], library.message.as_str());
    assert_eq!(record["hint"].as_str(), library.hint.as_deref());
    assert_eq!(record["retryable"], library.retryable);
    let bad_args = s.call("get_sandbox", json!({})).await;
    assert_eq!(bad_args["isError"], true);
    assert!(
        bad_args["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("invalid-input")
    );
}

#[tokio::test]
async fn outbound_requests_go_only_to_allowlisted_hosts() {
    let s = Setup::with(|mut c| {
        c.allowed_hosts = vec!["app.daytona.io".into()];
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
    })
    .await;
    let result = s.call("list_sandboxes", json!({})).await;
    assert_eq!(result["isError"], true);
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("\"kind\":\"transport\""),
        "{result}"
    );
    assert_eq!(s.server.denied(), [s.emu.addr().to_string()]);
}

#[tokio::test]
async fn the_stateless_revision_discovers_lists_and_calls_without_a_handshake() {
    let s = Setup::new().await;
    let stateless = |method: &'static str, name: Option<&'static str>| {
        let mut h = vec![
            ("mcp-protocol-version", "2026-07-28"),
            ("mcp-method", method),
        ];
        if let Some(name) = name {
            h.push(("mcp-name", name));
        }
        h
    };
    let discover = s
        .post(&json!({ "jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": { "_meta": stateless_meta() } }), &stateless("server/discover", None))
        .await;
    assert_eq!(discover.status, 200, "{}", discover.text());
    assert!(
        discover.json()["result"]["supportedVersions"]
            .as_array()
            .unwrap()
            .contains(&json!("2026-07-28"))
    );
    let list = s
        .post(&json!({ "jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": { "_meta": stateless_meta() } }), &stateless("tools/list", None))
        .await
        .json();
    assert_eq!(list["result"]["resultType"], "complete");
    let call = s
        .post(
            &json!({ "jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": { "name": "list_sandboxes", "arguments": {}, "_meta": stateless_meta() } }),
            &stateless("tools/call", Some("list_sandboxes")),
        )
        .await
        .json();
    assert_eq!(call["result"]["isError"], false, "{call}");
    check_output_schema(
        list["result"]["tools"].as_array().unwrap(),
        "list_sandboxes",
        &call["result"]["structuredContent"],
    );
    let init = s
        .post(&json!({ "jsonrpc": "2.0", "id": 4, "method": "initialize", "params": { "_meta": stateless_meta() } }), &stateless("initialize", None))
        .await;
    assert_eq!(
        (init.status, init.json()["error"]["code"].as_i64()),
        (404, Some(-32601))
    );
}

#[tokio::test]
async fn requests_without_the_token_are_refused() {
    let s = Setup::new().await;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    for auth in ["", "Bearer not-the-token-0000000000", "Basic Zm9vOmJhcg=="] {
        let resp = s.post(&body, &[("authorization", auth)]).await;
        assert_eq!(resp.status, 401, "{auth:?}: {}", resp.text());
        assert!(
            resp.header("www-authenticate")
                .is_some_and(|v| v.starts_with("Bearer"))
        );
        assert!(!resp.text().contains("tools\""));
    }
}

#[tokio::test]
async fn without_a_configured_token_nothing_is_served_unless_auth_is_explicitly_off() {
    let s = Setup::with(|c| c).await;
    let body = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    let resp = s.post(&body, &[]).await;
    assert_eq!(resp.status, 503);
    assert!(resp.text().contains("DAYTONA_MCP_TOKEN"), "{}", resp.text());
    let open = Setup::with(|c| c.env("DAYTONA_MCP_AUTH", "none")).await;
    let resp = open.post(&body, &[("authorization", "")]).await;
    assert_eq!(resp.status, 200, "{}", resp.text());
}

#[tokio::test]
async fn http_mistakes_get_the_status_the_spec_names() {
    let s = Setup::new().await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    let auth = format!("Bearer {TOKEN}");
    let get = send(
        "GET",
        &s.server.url(),
        &[("authorization", &auth), ("accept", "text/event-stream")],
        Vec::new(),
    )
    .await;
    assert_eq!(get.status, 405);
    assert_eq!(get.header("allow"), Some("POST"));
    assert_eq!(
        s.post(&ping, &[("origin", "http://evil.example")])
            .await
            .status,
        403
    );
    assert_eq!(
        s.post(&ping, &[("origin", "http://localhost:6274")])
            .await
            .status,
        200
    );
    assert_eq!(
        s.post(&ping, &[("content-type", "text/plain")])
            .await
            .status,
        415
    );
    assert_eq!(s.post(&ping, &[("accept", "text/html")]).await.status, 406);
    let batch = s.post(&json!([ping]), &[]).await;
    assert_eq!(
        (batch.status, batch.json()["error"]["code"].as_i64()),
        (400, Some(-32600))
    );
    let unknown = s
        .post(
            &json!({ "jsonrpc": "2.0", "id": 9, "method": "resources/list" }),
            &[],
        )
        .await;
    assert_eq!(unknown.json()["error"]["code"], -32601);
    let other_path = send(
        "POST",
        &s.server.url().replace("/mcp", "/other"),
        &[("authorization", &auth)],
        Vec::new(),
    )
    .await;
    assert_eq!(other_path.status, 404);
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    let bad_json = send("POST", &s.server.url(), &headers, b"{\"jsonrpc\":".to_vec()).await;
    assert_eq!(
        (bad_json.status, bad_json.json()["error"]["code"].as_i64()),
        (400, Some(-32700))
    );
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"a":{}}}}}"#,
        "[".repeat(5000)
    );
    assert_eq!(
        send("POST", &s.server.url(), &headers, deep.into_bytes())
            .await
            .status,
        400
    );
    let huge = vec![b' '; 2 * 1024 * 1024];
    assert_eq!(
        send("POST", &s.server.url(), &headers, huge).await.status,
        413
    );
    s.assert_no_secrets_settled("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_clients_at_once_each_create_use_and_delete_their_own_sandbox() {
    let s = std::sync::Arc::new(Setup::new().await);
    let clients = (0..50).map(|i| {
        let s = s.clone();
        tokio::spawn(async move {
            let name = format!("client-{i}");
            let created = s.call("create_sandbox", json!({ "name": name })).await;
            assert_eq!(created["isError"], false, "{created}");
            let id = created["structuredContent"]["id"]
                .as_str()
                .unwrap()
                .to_string();
            let ran = s
                .call(
                    "execute_command",
                    json!({ "sandbox": id, "command": format!("echo {name}") }),
                )
                .await;
            assert_eq!(
                ran["structuredContent"]["result"],
                format!("{name}\n"),
                "{ran}"
            );
            let deleted = s.call("delete_sandbox", json!({ "sandbox": id })).await;
            assert_eq!(deleted["isError"], false, "{deleted}");
            id
        })
    });
    let mut ids = Vec::new();
    for client in clients.collect::<Vec<_>>() {
        ids.push(client.await.expect("a client failed"));
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50, "every client got its own sandbox");
    let left = s.call("list_sandboxes", json!({})).await;
    let names: Vec<&str> =
        left["structuredContent"]["sandboxes"]
            .as_array()
            .map_or(Vec::new(), |items| {
                items
                    .iter()
                    .filter_map(|i| i["name"].as_str())
                    .filter(|n| n.starts_with("client-"))
                    .collect()
            });
    assert!(names.is_empty(), "sandboxes left behind: {names:?}");
}

#[tokio::test]
async fn a_minted_key_is_handed_to_the_caller_and_never_logged() {
    let s = Setup::with_emu(|emu, c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_JWT_TOKEN", emu.jwt())
            .env("DAYTONA_ORGANIZATION_ID", emu.organization_id())
            .clock(emu.clock())
    })
    .await;
    let minted = s
        .call(
            "mint_ephemeral_key",
            json!({ "scope": "daytona:workspaces:read", "ttl": "10m" }),
        )
        .await;
    assert_eq!(minted["isError"], false, "{minted}");
    let key = minted["structuredContent"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(key.starts_with("dtn_") && key.len() == 68, "{key:.4}…");
    assert!(
        !s.server.settled_log().await.contains(&key),
        "the minted key was logged"
    );
    let revoked = s
        .call(
            "revoke_ephemeral_key",
            json!({ "name": minted["structuredContent"]["name"] }),
        )
        .await;
    assert_eq!(revoked["isError"], false, "{revoked}");
    assert!(
        !s.server.settled_log().await.contains(&key),
        "the minted key was logged"
    );
}

#[tokio::test]
async fn a_token_with_auth_none_serves_nothing_and_tells_only_the_log_why() {
    let s = Setup::with(|c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_MCP_AUTH", "none")
    })
    .await;
    let list = json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
    for auth in [String::new(), format!("Bearer {TOKEN}")] {
        let resp = s.post(&list, &[("authorization", &auth)]).await;
        assert_eq!(resp.status, 503, "{}", resp.text());
        assert_eq!(
            resp.json()["error"]["message"],
            "this MCP server is misconfigured"
        );
        assert!(
            !resp.text().contains("DAYTONA_MCP") && !resp.text().contains("inputSchema"),
            "{}",
            resp.text()
        );
    }
    let log = s.server.settled_log().await;
    assert!(
        log.contains("POST /mcp -> 503: configuration error: DAYTONA_MCP_AUTH=none and DAYTONA_MCP_TOKEN are both set"),
        "{log}"
    );
}

#[tokio::test]
async fn with_auth_off_a_rebinding_host_is_refused_and_loopback_is_served() {
    let s = Setup::with(|c| c.env("DAYTONA_MCP_AUTH", "none")).await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    let port = s.server.addr().port();
    let (evil, evil_port) = ("evil.example".to_string(), format!("evil.example:{port}"));
    for host in [&evil, &evil_port] {
        let resp = s
            .post(&ping, &[("authorization", ""), ("host", host)])
            .await;
        assert_eq!(resp.status, 403, "{host}: {}", resp.text());
        assert_eq!(resp.json()["error"]["message"], "this Host is not served");
        assert!(!resp.text().contains("evil"), "{}", resp.text());
        assert!(!resp.text().contains("\"result\""));
    }
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        let resp = s
            .post(&ping, &[("authorization", ""), ("host", &host)])
            .await;
        assert_eq!(resp.status, 200, "{host}: {}", resp.text());
    }
    let log = s.server.settled_log().await;
    assert!(
        log.contains("-> 403: Host \"evil.example\" refused"),
        "{log}"
    );
    // An operator can name the host it is reached by.
    let listed = Setup::with(|c| {
        c.env("DAYTONA_MCP_AUTH", "none")
            .env("DAYTONA_MCP_ALLOWED_HOSTS", "mcp.internal")
    })
    .await;
    let host = format!("mcp.internal:{}", listed.server.addr().port());
    let resp = listed
        .post(&ping, &[("authorization", ""), ("host", &host)])
        .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
}

#[tokio::test]
async fn a_configuration_error_shows_no_detail_to_any_client() {
    const VALUE: &str = "not-an-origin.example";
    let s = Setup::with(|c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_MCP_ALLOWED_ORIGINS", VALUE)
    })
    .await;
    let ping = json!({ "jsonrpc": "2.0", "id": 1, "method": "ping" });
    for auth in [String::new(), format!("Bearer {TOKEN}")] {
        let resp = s.post(&ping, &[("authorization", &auth)]).await;
        assert_eq!(resp.status, 503, "{}", resp.text());
        assert!(
            !resp.text().contains(VALUE) && !resp.text().contains("ORIGINS"),
            "{}",
            resp.text()
        );
    }
    let other = send(
        "GET",
        &s.server.url().replace("/mcp", "/x"),
        &[],
        Vec::new(),
    )
    .await;
    assert_eq!(other.status, 503);
    let log = s.server.settled_log().await;
    assert!(
        log.contains("DAYTONA_MCP_ALLOWED_ORIGINS") && log.contains(VALUE),
        "{log}"
    );
}

/// Send `head` and then `body` on a raw connection and never more; the
/// status line of whatever comes back (or `None` if the server closes first).
async fn stalled_request(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.write_all(body).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // Read until the head of the answer is in; the connection stays open on
    // our side, as a stalled client's would.
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match conn.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines().next().map(str::to_string)
}

#[tokio::test]
async fn a_stalled_body_ends_in_408_within_its_bound() {
    let s = Setup::with(|c| {
        c.env("DAYTONA_MCP_TOKEN", TOKEN)
            .env("DAYTONA_MCP_BODY_TIMEOUT_MS", "500")
    })
    .await;
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
        s.server.addr()
    );
    // Generous: the bound under test is 500 ms; this only stops a hang.
    let status = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        stalled_request(s.server.addr(), &head, br#"{"jsonrpc""#),
    )
    .await
    .expect("no answer to a stalled body");
    assert_eq!(status.as_deref(), Some("HTTP/1.1 408 Request Timeout"));
    let log = s.server.settled_log().await;
    assert!(log.contains("POST /mcp -> 408"), "{log}");
    s.assert_no_secrets_settled("").await;
}

#[tokio::test]
async fn the_log_streams_line_by_line_and_never_fills() {
    use host_test::log_sink::LogSink;
    // A tail far smaller than the server's output: the server keeps writing
    // and answering, and the newest lines are the ones kept.
    const TAIL: usize = 2048;
    let emu = emulator();
    let server = McpServer::start_default_with_log(
        config(&emu).env("DAYTONA_MCP_TOKEN", TOKEN),
        LogSink::memory(TAIL),
    )
    .await
    .unwrap();
    let auth = format!("Bearer {TOKEN}");
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", "application/json"),
    ];
    for id in 0..200 {
        let ping = json!({ "jsonrpc": "2.0", "id": id, "method": "ping" });
        let resp = send(
            "POST",
            &server.url(),
            &headers,
            ping.to_string().into_bytes(),
        )
        .await;
        assert_eq!(resp.status, 200, "request {id}: {}", resp.text());
    }
    let other = send(
        "POST",
        &server.url().replace("/mcp", "/last"),
        &headers,
        Vec::new(),
    )
    .await;
    assert_eq!(other.status, 404);
    let log = server.settled_log().await;
    assert!(log.len() <= TAIL, "{}", log.len());
    assert!(log.ends_with("daytona-mcp: POST /last -> 404\n"), "{log}");
    assert!(log.starts_with("daytona-mcp: "), "whole lines only: {log}");
    let line = "daytona-mcp: POST /mcp -> 200\n".len() as u64;
    assert!(
        server.log_written() >= 200 * line,
        "{}",
        server.log_written()
    );
}
