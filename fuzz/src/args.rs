//! Tool arguments built from fuzzer bytes: mostly objects whose keys are the
//! tool's own fields and whose values are near what the fields accept, so
//! the search gets past the first refusal; sometimes raw text.

use daytona_tools::catalog::{ToolSpec, Ty};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use serde_json::{Map, Value, json};

/// Strings a field may want, and strings near them.
const KNOWN: &[&str] = &[
    "",
    " ",
    "10m",
    "1h30m",
    " 90s",
    "59",
    "60",
    "86400",
    "86401",
    "24h",
    "24h1s",
    "0h1m0s",
    "99999999999999999999",
    "started",
    "stopped",
    "nope",
    "write:sandboxes",
    "read:volumes",
    "admin",
    "daytona",
    "daytona:workspaces",
    "daytona:workspaces:read",
    "daytona:org:org-1",
    "daytona:org:other",
    "daytona:org:",
    "PATH",
    "_x1",
    "1BAD",
    "a-b",
    "ci agent #7",
    "eph-agent-1893456600-000000000abc",
    "current",
    "a/b",
    "2030-01-01T00:00:00Z",
    "2029-12-31T23:59:59Z",
    "2030-01-01T00:10:00.5+01:00",
    "not a date",
    "sb-1",
    "ls -la",
    "\u{1}",
    "dtn_fuzz_secret_0123456789",
];

/// A JSON value, biased to the shapes tool fields take.
#[derive(Arbitrary, Debug)]
pub enum Json {
    /// null
    Null,
    /// true / false
    Bool(bool),
    /// A small integer.
    Small(i8),
    /// Any integer.
    Int(i64),
    /// A large unsigned integer.
    UInt(u64),
    /// A float.
    Float(f64),
    /// A known string.
    Known(u8),
    /// Any string.
    Str(String),
    /// A list.
    List(Vec<Json>),
    /// An object.
    Object(Vec<(Key, Json)>),
}

/// An object key: mostly a field name.
#[derive(Arbitrary, Debug)]
pub enum Key {
    /// The n-th field of the tool (mod the count).
    Field(u8),
    /// A known string.
    Known(u8),
    /// Any string.
    Other(String),
}

/// A tool call's arguments.
#[derive(Arbitrary, Debug)]
pub enum Arguments {
    /// An object of fields.
    Fields(Vec<(Key, Json)>),
    /// Every required field with a plausible value, then these pairs over them.
    Required(Vec<(Key, Json)>),
    /// Any value at the top level.
    Value(Json),
    /// Raw text.
    Text(String),
}

impl Key {
    fn build(&self, spec: &ToolSpec) -> String {
        match self {
            Key::Field(i) if !spec.fields.is_empty() => spec.fields
                [*i as usize % spec.fields.len()]
            .name
            .to_string(),
            Key::Field(_) => "name".to_string(),
            Key::Known(i) => KNOWN[*i as usize % KNOWN.len()].to_string(),
            Key::Other(s) => s.clone(),
        }
    }
}

impl Json {
    /// The JSON value.
    pub fn build(&self, spec: &ToolSpec) -> Value {
        match self {
            Json::Null => Value::Null,
            Json::Bool(b) => json!(b),
            Json::Small(n) => json!(n),
            Json::Int(n) => json!(n),
            Json::UInt(n) => json!(n),
            Json::Float(f) => json!(f),
            Json::Known(i) => json!(KNOWN[*i as usize % KNOWN.len()]),
            Json::Str(s) => json!(s),
            Json::List(items) => Value::Array(items.iter().map(|j| j.build(spec)).collect()),
            Json::Object(pairs) => object(pairs, spec),
        }
    }
}

fn object(pairs: &[(Key, Json)], spec: &ToolSpec) -> Value {
    let mut map = Map::new();
    for (k, v) in pairs {
        map.insert(k.build(spec), v.build(spec));
    }
    Value::Object(map)
}

impl Arguments {
    /// The arguments as the text a host passes to call-tool.
    pub fn text(&self, spec: &ToolSpec) -> String {
        match self {
            Arguments::Fields(pairs) => object(pairs, spec).to_string(),
            Arguments::Required(pairs) => {
                let mut map = Map::new();
                for field in spec.fields.iter().filter(|f| f.required) {
                    let value = match field.ty {
                        Ty::StringList { values: Some(v) } => json!([v[0]]),
                        Ty::StringList { values: None } => json!(["x"]),
                        _ => json!("sb-1"),
                    };
                    map.insert(field.name.to_string(), value);
                }
                if let Value::Object(over) = object(pairs, spec) {
                    map.extend(over);
                }
                Value::Object(map).to_string()
            }
            Arguments::Value(v) => v.build(spec).to_string(),
            Arguments::Text(t) => t.clone(),
        }
    }
}
