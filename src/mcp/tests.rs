//! The server's HTTP and JSON-RPC decisions, request by request.

use super::*;
use crate::error::ErrorKind;
use serde_json::json;

const TOKEN: &str = "test-token-0123456789abcdef";

fn server(extra: &[(&str, &str)]) -> Server {
    let mut vars = vec![("DAYTONA_MCP_TOKEN".to_string(), TOKEN.to_string())];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Server::from_env(&Env::from_pairs(vars))
}

fn head(headers: &[(&str, &str)]) -> Head {
    let mut h = Head {
        method: "POST".into(),
        path: "/mcp".into(),
        headers: vec![
            ("Authorization".into(), format!("Bearer {TOKEN}")),
            ("Content-Type".into(), "application/json".into()),
            (
                "Accept".into(),
                "application/json, text/event-stream".into(),
            ),
        ],
        authority: None,
    };
    for (k, v) in headers {
        h.headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
        if !v.is_empty() {
            h.headers.push((k.to_string(), v.to_string()));
        }
    }
    h
}

/// A runner that echoes its call, or fails for tool `get_sandbox` with name `missing`.
fn echo(name: &str, args: &str) -> Result<Value, Error> {
    let args: Value = serde_json::from_str(args).unwrap();
    if args["sandboxIdOrName"] == "missing" {
        return Err(Error::new(
            ErrorKind::NotFound,
            "sandbox 'missing' not found",
        ));
    }
    Ok(json!({ "tool": name, "arguments": args }))
}

fn send(server: &Server, head: &Head, body: &Value) -> (u16, Value) {
    let reply = server.handle(head, body.to_string().as_bytes(), &echo);
    let body = if reply.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&reply.body).unwrap()
    };
    (reply.status, body)
}

fn request(method: &str, params: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params })
}

fn stateless_meta() -> Value {
    json!({ "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {} })
}

fn stateless_head(method: &str, name: Option<&str>) -> Head {
    let mut h = head(&[
        ("MCP-Protocol-Version", "2026-07-28"),
        ("Mcp-Method", method),
    ]);
    if let Some(name) = name {
        h.headers.push(("Mcp-Name".into(), name.into()));
    }
    h
}

#[test]
fn initialize_negotiates_the_requested_handshake_revision() {
    for (asked, answered) in [
        ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"),
        ("2024-11-05", "2025-11-25"),
    ] {
        let (status, body) = send(
            &server(&[]),
            &head(&[]),
            &request(
                "initialize",
                json!({
            "protocolVersion": asked, "capabilities": {}, "clientInfo": { "name": "t", "version": "1" } }),
            ),
        );
        assert_eq!(status, 200);
        assert_eq!(body["result"]["protocolVersion"], answered);
        assert_eq!(
            body["result"]["capabilities"]["tools"]["listChanged"],
            false
        );
        assert_eq!(body["result"]["serverInfo"]["name"], "daytona-tools");
    }
}

#[test]
fn notifications_get_202_with_no_body() {
    let reply = server(&[]).handle(
        &head(&[]),
        br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        &echo,
    );
    assert_eq!((reply.status, reply.body.len()), (202, 0));
}

#[test]
fn ping_and_tools_list_answer_in_the_handshake_revisions() {
    let s = server(&[]);
    let h = head(&[("MCP-Protocol-Version", "2025-06-18")]);
    assert_eq!(
        send(&s, &h, &request("ping", json!({}))).1["result"],
        json!({})
    );
    let (_, body) = send(&s, &h, &request("tools/list", json!({})));
    let tools = body["result"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), crate::catalog::Tool::ALL.len());
    assert!(body["result"].get("resultType").is_none());
}

#[test]
fn tools_list_honours_daytona_tools() {
    let (_, body) = send(
        &server(&[("DAYTONA_TOOLS", "list_sandboxes,get_sandbox")]),
        &head(&[]),
        &request("tools/list", json!({})),
    );
    let names: Vec<&str> = body["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["list_sandboxes", "get_sandbox"]);
}

#[test]
fn tools_call_returns_structured_content_and_text() {
    let (status, body) = send(
        &server(&[]),
        &head(&[]),
        &request(
            "tools/call",
            json!({
        "name": "get_sandbox", "arguments": { "sandboxIdOrName": "dev" } }),
        ),
    );
    assert_eq!(status, 200);
    let result = &body["result"];
    assert_eq!(result["isError"], false);
    assert_eq!(
        result["structuredContent"]["arguments"]["sandboxIdOrName"],
        "dev"
    );
    let text: Value = serde_json::from_str(result["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(text, result["structuredContent"]);
}

#[test]
fn a_tool_failure_is_an_is_error_result_not_a_jsonrpc_error() {
    let (status, body) = send(
        &server(&[]),
        &head(&[]),
        &request(
            "tools/call",
            json!({
        "name": "get_sandbox", "arguments": { "sandboxIdOrName": "missing" } }),
        ),
    );
    assert_eq!(status, 200);
    assert_eq!(body["result"]["isError"], true);
    assert!(
        body["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("\"kind\":\"not-found\"")
    );
}

#[test]
fn an_unknown_or_unselected_tool_is_invalid_params() {
    let (_, body) = send(
        &server(&[]),
        &head(&[]),
        &request("tools/call", json!({ "name": "nope" })),
    );
    assert_eq!(body["error"]["code"], -32602);
    let s = server(&[("DAYTONA_TOOLS", "read-only")]);
    let (_, body) = send(
        &s,
        &head(&[]),
        &request(
            "tools/call",
            json!({ "name": "delete_sandbox", "arguments": {} }),
        ),
    );
    assert_eq!(body["error"]["code"], -32602);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("DAYTONA_TOOLS")
    );
    let (_, body) = send(
        &server(&[]),
        &head(&[]),
        &request(
            "tools/call",
            json!({ "name": "get_sandbox", "arguments": [1] }),
        ),
    );
    assert_eq!(body["error"]["code"], -32602);
}

#[test]
fn unknown_methods_are_method_not_found() {
    let (status, body) = send(
        &server(&[]),
        &head(&[]),
        &request("resources/list", json!({})),
    );
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (200, Some(-32601))
    );
    assert_eq!(body["id"], 1);
}

#[test]
fn malformed_json_and_batches_are_400() {
    let s = server(&[]);
    let reply = s.handle(&head(&[]), b"{not json", &echo);
    assert_eq!(reply.status, 400);
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(
        (body["error"]["code"].as_i64(), &body["id"]),
        (Some(-32700), &Value::Null)
    );
    let (status, body) = send(&s, &head(&[]), &json!([request("ping", json!({}))]));
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (400, Some(-32600))
    );
}

#[test]
fn requests_without_the_right_token_are_401() {
    let s = server(&[]);
    for auth in ["", "Bearer wrong-token-0123456789abc", TOKEN] {
        let reply = s.handle(&head(&[("Authorization", auth)]), br#"{}"#, &echo);
        assert_eq!(reply.status, 401, "{auth:?}");
        assert!(
            reply
                .headers
                .iter()
                .any(|(k, v)| k == "www-authenticate" && v.starts_with("Bearer"))
        );
        assert!(!String::from_utf8_lossy(&reply.body).contains(TOKEN));
    }
}

#[test]
fn without_a_token_no_tools_are_served_and_the_variable_is_named() {
    let s = Server::from_env(&Env::default());
    let reply = s.handle(
        &head(&[]),
        request("tools/list", json!({})).to_string().as_bytes(),
        &echo,
    );
    assert_eq!(reply.status, 503);
    assert!(String::from_utf8_lossy(&reply.body).contains("DAYTONA_MCP_TOKEN"));
    let open = Server::from_env(&Env::from_pairs([("DAYTONA_MCP_AUTH", "none")]));
    let (status, _) = send(
        &open,
        &head(&[("Authorization", ""), ("Host", "127.0.0.1:8080")]),
        &request("tools/list", json!({})),
    );
    assert_eq!(status, 200);
}

/// A server with authentication off and `extra` settings.
fn open_server(extra: &[(&str, &str)]) -> Server {
    let mut vars = vec![("DAYTONA_MCP_AUTH".to_string(), "none".to_string())];
    vars.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Server::from_env(&Env::from_pairs(vars))
}

#[test]
fn a_token_with_auth_none_serves_nothing_and_says_nothing() {
    let s = server(&[("DAYTONA_MCP_AUTH", "none")]);
    for auth in ["", "Bearer test-token-0123456789abcdef"] {
        let reply = s.handle(
            &head(&[("Authorization", auth), ("Host", "localhost")]),
            request("tools/list", json!({})).to_string().as_bytes(),
            &echo,
        );
        assert_eq!(reply.status, 503, "{auth:?}");
        let body = String::from_utf8_lossy(&reply.body);
        assert!(
            !body.contains("DAYTONA_MCP") && !body.contains("tools\""),
            "{body}"
        );
        assert!(!body.contains(TOKEN));
        let log = reply.log.unwrap();
        assert!(log.contains("DAYTONA_MCP_AUTH") && log.contains("DAYTONA_MCP_TOKEN"));
        assert!(!log.contains(TOKEN), "{log}");
    }
}

#[test]
fn with_auth_off_only_loopback_or_listed_hosts_are_served() {
    let ping = request("ping", json!({}));
    let open = open_server(&[]);
    for host in ["127.0.0.1:8080", "localhost", "[::1]:80", "127.0.0.2"] {
        let (status, _) = send(&open, &head(&[("Host", host)]), &ping);
        assert_eq!(status, 200, "{host}");
    }
    for host in [
        "evil.example",
        "evil.example:8080",
        "0.0.0.0:8080",
        "192.168.1.2",
    ] {
        let reply = open.handle(&head(&[("Host", host)]), ping.to_string().as_bytes(), &echo);
        assert_eq!(reply.status, 403, "{host}");
        assert!(!String::from_utf8_lossy(&reply.body).contains(host));
        assert!(reply.log.unwrap().contains(host));
    }
    // No Host at all, or an authority that disagrees with the header.
    assert_eq!(send(&open, &head(&[]), &ping).0, 403);
    let mut rebound = head(&[("Host", "localhost")]);
    rebound.authority = Some("evil.example".into());
    assert_eq!(send(&open, &rebound, &ping).0, 403);
    rebound.authority = Some("localhost:8080".into());
    assert_eq!(send(&open, &rebound, &ping).0, 200);
    let listed = open_server(&[("DAYTONA_MCP_ALLOWED_HOSTS", "mcp.internal")]);
    assert_eq!(
        send(&listed, &head(&[("Host", "mcp.internal:8080")]), &ping).0,
        200
    );
    assert_eq!(
        send(&listed, &head(&[("Host", "evil.example")]), &ping).0,
        403
    );
    // With a token the Host is not checked: the token is the protection.
    assert_eq!(
        send(&server(&[]), &head(&[("Host", "evil.example")]), &ping).0,
        200
    );
}

#[test]
fn the_body_timeout_comes_from_its_variable() {
    assert_eq!(server(&[]).body_timeout(), settings::DEFAULT_BODY_TIMEOUT);
    assert_eq!(
        server(&[("DAYTONA_MCP_BODY_TIMEOUT_MS", "500")]).body_timeout(),
        Duration::from_millis(500)
    );
    let reply = Reply::body_timed_out();
    assert_eq!(reply.status, 408);
    assert_eq!(
        serde_json::from_slice::<Value>(&reply.body).unwrap()["error"]["code"],
        jsonrpc::INVALID_REQUEST
    );
}

#[test]
fn foreign_origins_are_403_and_loopback_ones_pass() {
    let s = server(&[]);
    assert_eq!(
        send(
            &s,
            &head(&[("Origin", "http://evil.example")]),
            &request("ping", json!({}))
        )
        .0,
        403
    );
    assert_eq!(
        send(
            &s,
            &head(&[("Origin", "http://localhost:6274")]),
            &request("ping", json!({}))
        )
        .0,
        200
    );
    let listed = server(&[("DAYTONA_MCP_ALLOWED_ORIGINS", "https://agent.example.com")]);
    assert_eq!(
        send(
            &listed,
            &head(&[("Origin", "https://agent.example.com")]),
            &request("ping", json!({}))
        )
        .0,
        200
    );
    assert_eq!(
        send(
            &listed,
            &head(&[("Origin", "http://localhost")]),
            &request("ping", json!({}))
        )
        .0,
        403
    );
}

#[test]
fn get_is_405_and_other_paths_404() {
    let s = server(&[]);
    let mut get = head(&[]);
    get.method = "GET".into();
    let reply = s.handle(&get, b"", &echo);
    assert_eq!(reply.status, 405);
    assert!(reply.headers.contains(&("allow".into(), "POST".into())));
    let mut other = head(&[]);
    other.path = "/other".into();
    assert_eq!(s.handle(&other, b"", &echo).status, 404);
    let custom = server(&[("DAYTONA_MCP_PATH", "/tools")]);
    let mut at = head(&[]);
    at.path = "/tools?x=1".into();
    assert_eq!(send(&custom, &at, &request("ping", json!({}))).0, 200);
}

#[test]
fn wrong_content_types_are_415_and_unacceptable_accepts_406() {
    let s = server(&[]);
    assert_eq!(
        send(
            &s,
            &head(&[("Content-Type", "text/plain")]),
            &request("ping", json!({}))
        )
        .0,
        415
    );
    assert_eq!(
        send(
            &s,
            &head(&[("Content-Type", "")]),
            &request("ping", json!({}))
        )
        .0,
        415
    );
    assert_eq!(
        send(
            &s,
            &head(&[("Content-Type", "application/json; charset=utf-8")]),
            &request("ping", json!({}))
        )
        .0,
        200
    );
    assert_eq!(
        send(
            &s,
            &head(&[("Accept", "text/html")]),
            &request("ping", json!({}))
        )
        .0,
        406
    );
}

#[test]
fn bodies_over_the_cap_are_413_before_and_after_reading() {
    let s = server(&[]);
    let big = (MAX_BODY_BYTES + 1).to_string();
    assert_eq!(
        s.check_head(&head(&[("Content-Length", &big)]))
            .unwrap()
            .status,
        413
    );
    let body = vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(s.handle(&head(&[]), &body, &echo).status, 413);
}

#[test]
fn deep_nesting_is_refused() {
    let body = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"a":{}}}}}"#,
        "[".repeat(10_000)
    );
    let reply = server(&[]).handle(&head(&[]), body.as_bytes(), &echo);
    assert_eq!(reply.status, 400);
    assert!(String::from_utf8_lossy(&reply.body).contains("nested deeper"));
}

#[test]
fn an_unsupported_protocol_version_header_is_400() {
    let (status, body) = send(
        &server(&[]),
        &head(&[("MCP-Protocol-Version", "2025-03-26")]),
        &request("ping", json!({})),
    );
    assert_eq!(status, 400);
    assert_eq!(body["error"]["data"]["requested"], "2025-03-26");
}

#[test]
fn settings_errors_are_503_with_the_detail_only_in_the_log() {
    for (var, value) in [
        ("DAYTONA_MCP_AUTH", "maybe"),
        ("DAYTONA_MCP_ALLOWED_ORIGINS", "evil-config-value.example"),
        (
            "DAYTONA_MCP_ALLOWED_HOSTS",
            "http://evil-config-value.example",
        ),
        ("DAYTONA_MCP_BODY_TIMEOUT_MS", "forever"),
        ("DAYTONA_MCP_PATH", "mcp"),
    ] {
        let s = server(&[(var, value)]);
        // Before the path and the token are checked: any caller gets the same.
        for h in [head(&[]), head(&[("Authorization", "")])] {
            let mut other_path = h.clone();
            other_path.path = "/other".into();
            for h in [h, other_path] {
                let reply = s.handle(&h, b"{}", &echo);
                assert_eq!(reply.status, 503, "{var}");
                let body: Value = serde_json::from_slice(&reply.body).unwrap();
                assert_eq!(
                    body["error"]["message"], "this MCP server is misconfigured",
                    "{var}"
                );
                let text = body.to_string();
                assert!(!text.contains(var) && !text.contains(value), "{text}");
                let log = reply.log.unwrap();
                assert!(log.contains(var), "{log}");
            }
        }
    }
}

#[test]
fn stateless_discover_lists_the_revisions_and_caching_hints() {
    let (status, body) = send(
        &server(&[]),
        &stateless_head("server/discover", None),
        &request("server/discover", json!({ "_meta": stateless_meta() })),
    );
    assert_eq!(status, 200, "{body}");
    let result = &body["result"];
    assert_eq!(
        result["supportedVersions"],
        json!(["2026-07-28", "2025-11-25", "2025-06-18"])
    );
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"],
        "daytona-tools"
    );
    assert_eq!(
        (
            result["resultType"].as_str(),
            result["ttlMs"].as_i64(),
            result["cacheScope"].as_str()
        ),
        (Some("complete"), Some(0), Some("private"))
    );
}

#[test]
fn stateless_tools_list_and_call_carry_result_type() {
    let s = server(&[]);
    let (_, body) = send(
        &s,
        &stateless_head("tools/list", None),
        &request("tools/list", json!({ "_meta": stateless_meta() })),
    );
    assert_eq!(body["result"]["resultType"], "complete");
    assert!(!body["result"]["tools"].as_array().unwrap().is_empty());
    let (status, body) = send(
        &s,
        &stateless_head("tools/call", Some("get_sandbox")),
        &request(
            "tools/call",
            json!({
        "name": "get_sandbox", "arguments": { "sandboxIdOrName": "dev" }, "_meta": stateless_meta() }),
        ),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["resultType"], "complete");
    assert_eq!(body["result"]["structuredContent"]["tool"], "get_sandbox");
}

#[test]
fn stateless_requests_are_checked_against_their_headers_and_meta() {
    let s = server(&[]);
    let list = |meta: Value| request("tools/list", json!({ "_meta": meta }));
    let code = |(status, body): (u16, Value)| {
        (
            status,
            body["error"]["code"].as_i64().unwrap_or(0),
            body["id"].clone(),
        )
    };
    // No version header.
    let mut h = stateless_head("tools/list", None);
    h.headers.retain(|(k, _)| k != "MCP-Protocol-Version");
    assert_eq!(
        code(send(&s, &h, &list(stateless_meta()))),
        (400, -32020, json!(1))
    );
    // _meta without capabilities.
    let meta = json!({ "io.modelcontextprotocol/protocolVersion": "2026-07-28" });
    assert_eq!(
        code(send(&s, &stateless_head("tools/list", None), &list(meta))),
        (400, -32602, json!(1))
    );
    // _meta and header disagree.
    let mut meta = stateless_meta();
    meta["io.modelcontextprotocol/protocolVersion"] = json!("2025-11-25");
    assert_eq!(
        code(send(&s, &stateless_head("tools/list", None), &list(meta))),
        (400, -32020, json!(1))
    );
    // An unknown version in both.
    let mut h = stateless_head("tools/list", None);
    h.headers.retain(|(k, _)| k != "MCP-Protocol-Version");
    h.headers
        .push(("MCP-Protocol-Version".into(), "2099-01-01".into()));
    let mut meta = stateless_meta();
    meta["io.modelcontextprotocol/protocolVersion"] = json!("2099-01-01");
    assert_eq!(code(send(&s, &h, &list(meta))), (400, -32022, json!(1)));
    // Mcp-Method missing, wrong, or wrong case; whitespace is trimmed.
    for method in [None, Some("prompts/list"), Some("TOOLS/LIST")] {
        let mut h = stateless_head("x", None);
        h.headers.retain(|(k, _)| k != "Mcp-Method");
        if let Some(m) = method {
            h.headers.push(("mcp-method".into(), m.into()));
        }
        assert_eq!(
            code(send(&s, &h, &list(stateless_meta()))),
            (400, -32020, json!(1)),
            "{method:?}"
        );
    }
    assert_eq!(
        send(
            &s,
            &stateless_head(" tools/list ", None),
            &list(stateless_meta())
        )
        .0,
        200
    );
    // Mcp-Name missing or wrong for tools/call.
    let call = request(
        "tools/call",
        json!({ "name": "get_sandbox", "arguments": { "sandboxIdOrName": "dev" }, "_meta": stateless_meta() }),
    );
    assert_eq!(
        code(send(&s, &stateless_head("tools/call", None), &call)).1,
        -32020
    );
    assert_eq!(
        code(send(
            &s,
            &stateless_head("tools/call", Some("list_sandboxes")),
            &call
        ))
        .1,
        -32020
    );
    assert_eq!(
        send(
            &s,
            &stateless_head("tools/call", Some("  get_sandbox ")),
            &call
        )
        .0,
        200
    );
}

#[test]
fn stateless_removed_and_unknown_methods_are_404() {
    let s = server(&[]);
    for method in ["initialize", "ping", "unknown/method"] {
        let (status, body) = send(
            &s,
            &stateless_head(method, None),
            &request(method, json!({ "_meta": stateless_meta() })),
        );
        assert_eq!(
            (status, body["error"]["code"].as_i64()),
            (404, Some(-32601)),
            "{method}"
        );
    }
}

#[test]
fn a_stateless_call_of_an_unknown_tool_is_invalid_params_in_a_200() {
    let call = request(
        "tools/call",
        json!({ "name": "nope", "arguments": {}, "_meta": stateless_meta() }),
    );
    let (status, body) = send(
        &server(&[]),
        &stateless_head("tools/call", Some("nope")),
        &call,
    );
    assert_eq!(
        (status, body["error"]["code"].as_i64()),
        (200, Some(-32602))
    );
}
