//! JSON-RPC 2.0 envelopes: parsing one message with a nesting cap, and the
//! error codes and reply shapes MCP uses.

use serde_json::{Map, Value, json};

/// Invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Not a valid request object (or a batch, which MCP no longer allows).
pub const INVALID_REQUEST: i64 = -32600;
/// No such method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Bad parameters (including an unknown tool).
pub const INVALID_PARAMS: i64 = -32602;
/// The server failed.
pub const INTERNAL_ERROR: i64 = -32603;
/// MCP 2026-07-28: an `Mcp-*` header disagrees with the body, or is missing.
pub const HEADER_MISMATCH: i64 = -32020;
/// MCP 2026-07-28: the protocol version is not supported.
pub const UNSUPPORTED_VERSION: i64 = -32022;
/// Server-defined: the request was refused (authentication, origin, configuration).
pub const REFUSED: i64 = -32001;

/// Deepest nesting of arrays and objects accepted in a request body.
pub const MAX_DEPTH: usize = 32;

/// One incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A call expecting an answer.
    Request {
        /// Its id (string or number).
        id: Value,
        /// The method.
        method: String,
        /// Its parameters (an empty object when absent).
        params: Map<String, Value>,
    },
    /// A call expecting no answer.
    Notification {
        /// The method.
        method: String,
    },
    /// An answer to a server request (this server sends none; it is accepted and ignored).
    Response,
}

/// Why a body is not one message: a JSON-RPC error code and a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// [`PARSE_ERROR`] or [`INVALID_REQUEST`].
    pub code: i64,
    /// What is wrong.
    pub message: String,
    /// The id, when one could be read.
    pub id: Value,
}

/// Parse a body as one JSON-RPC message, refusing nesting deeper than [`MAX_DEPTH`]
/// before the parser sees it, and batches (MCP 2025-06-18 removed them).
pub fn parse(body: &[u8]) -> Result<Message, Invalid> {
    let invalid = |code, message: &str, id| Invalid {
        code,
        message: message.to_string(),
        id,
    };
    if depth(body) > MAX_DEPTH {
        return Err(invalid(
            PARSE_ERROR,
            &format!("the JSON is nested deeper than {MAX_DEPTH} levels"),
            Value::Null,
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        invalid(
            PARSE_ERROR,
            &format!("the body is not valid JSON: {e}"),
            Value::Null,
        )
    })?;
    let Value::Object(mut object) = value else {
        let message = if value.is_array() {
            "batches are not supported (MCP 2025-06-18 and later send one message per request)"
        } else {
            "a JSON-RPC message must be an object"
        };
        return Err(invalid(INVALID_REQUEST, message, Value::Null));
    };
    let id = object.remove("id");
    let id_value = id.clone().filter(valid_id).unwrap_or(Value::Null);
    if object.get("jsonrpc") != Some(&json!("2.0")) {
        return Err(invalid(
            INVALID_REQUEST,
            "`jsonrpc` must be \"2.0\"",
            id_value,
        ));
    }
    if let Some(id) = &id
        && !valid_id(id)
    {
        return Err(invalid(
            INVALID_REQUEST,
            "`id` must be a string or an integer",
            Value::Null,
        ));
    }
    match object.remove("method") {
        Some(Value::String(method)) => {
            let params = match object.remove("params") {
                None => Map::new(),
                Some(Value::Object(params)) => params,
                Some(_) => {
                    return Err(invalid(
                        INVALID_REQUEST,
                        "`params` must be an object",
                        id_value,
                    ));
                }
            };
            Ok(match id {
                Some(id) => Message::Request { id, method, params },
                None => Message::Notification { method },
            })
        }
        Some(_) => Err(invalid(
            INVALID_REQUEST,
            "`method` must be a string",
            id_value,
        )),
        None if id.is_some() && (object.contains_key("result") || object.contains_key("error")) => {
            Ok(Message::Response)
        }
        None => Err(invalid(
            INVALID_REQUEST,
            "the message has no `method`",
            id_value,
        )),
    }
}

/// MCP ids are strings or integers, never null.
fn valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// The deepest nesting of `[`/`{` outside strings (a byte scan; the parser
/// checks everything else).
fn depth(body: &[u8]) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A success reply.
pub fn result(id: &Value, result: Value) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "result": result })
}

/// An error reply, with optional `data`.
pub fn error(id: &Value, code: i64, message: &str, data: Option<Value>) -> Value {
    let mut error = json!({ "code": code, "message": message });
    if let Some(data) = data {
        error["data"] = data;
    }
    json!({ "jsonrpc": "2.0", "id": id, "error": error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_a_notification_and_a_response_are_told_apart() {
        let r = parse(br#"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#).unwrap();
        assert_eq!(
            r,
            Message::Request {
                id: json!(7),
                method: "tools/list".into(),
                params: Map::new()
            }
        );
        let n = parse(br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#).unwrap();
        assert_eq!(
            n,
            Message::Notification {
                method: "notifications/initialized".into()
            }
        );
        assert_eq!(
            parse(br#"{"jsonrpc":"2.0","id":"a","result":{}}"#).unwrap(),
            Message::Response
        );
    }

    #[test]
    fn malformed_json_is_a_parse_error_with_a_null_id() {
        let e = parse(b"{\"jsonrpc\":").unwrap_err();
        assert_eq!((e.code, e.id), (PARSE_ERROR, Value::Null));
    }

    #[test]
    fn batches_are_refused_as_invalid_requests() {
        let e = parse(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#).unwrap_err();
        assert_eq!(e.code, INVALID_REQUEST);
        assert!(e.message.contains("batches"));
    }

    #[test]
    fn envelope_mistakes_are_invalid_requests_keeping_the_id() {
        for (body, id) in [
            (r#"{"id":1,"method":"ping"}"#, json!(1)),
            (r#"{"jsonrpc":"1.0","id":"x","method":"ping"}"#, json!("x")),
            (r#"{"jsonrpc":"2.0","id":2,"method":5}"#, json!(2)),
            (
                r#"{"jsonrpc":"2.0","id":3,"method":"ping","params":[1]}"#,
                json!(3),
            ),
            (
                r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
                Value::Null,
            ),
            (r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, Value::Null),
            (r#"{"jsonrpc":"2.0","id":4}"#, json!(4)),
        ] {
            let e = parse(body.as_bytes()).unwrap_err();
            assert_eq!((e.code, &e.id), (INVALID_REQUEST, &id), "{body}");
        }
    }

    #[test]
    fn nesting_beyond_the_cap_is_refused_before_parsing() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH - 2), "]".repeat(MAX_DEPTH - 2));
        let body = format!(r#"{{"jsonrpc":"2.0","method":"x","params":{{"a":{ok}}}}}"#);
        assert!(parse(body.as_bytes()).is_ok());
        let deep = "[".repeat(100_000);
        let e = parse(deep.as_bytes()).unwrap_err();
        assert!(e.message.contains("nested deeper"), "{e:?}");
    }

    #[test]
    fn brackets_inside_strings_do_not_count_as_nesting() {
        let text = format!(
            r#"{{"jsonrpc":"2.0","method":"x","params":{{"s":"{}\"{}"}}}}"#,
            "[".repeat(50),
            "{".repeat(50)
        );
        assert!(parse(text.as_bytes()).is_ok());
    }
}
