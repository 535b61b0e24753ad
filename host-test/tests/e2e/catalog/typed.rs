//! The typed functions convert their WIT arguments as `call-tool` parses JSON: each tool's
//! typed function, called with the values of [`super::full_arguments`] (found by its
//! kebab-case name and given values built from its WIT parameter types), must send Daytona
//! the same requests as `call-tool` with those arguments. A guest `From` conversion that
//! reads the wrong WIT field, or ignores one, fails here naming the tool.

use super::*;
use daytona_tools::catalog::wit_names::{kebab, wit_argument};
use host_test::emulator::RecordedRequest;
use host_test::harness::Instance;
use wasmtime::component::{Type, Val};

/// The exported interfaces that hold the typed functions.
const INTERFACES: [&str; 7] = [
    "sandboxes",
    "files",
    "sessions",
    "git",
    "previews",
    "api-keys",
    "ephemeral-keys",
];

/// How a JSON argument's value is written for its WIT parameter.
type Convert = fn(&Value) -> Value;

/// Where a WIT parameter takes its JSON argument's value written otherwise (its
/// name comes from `daytona_tools::catalog::wit_names`): (tool, argument, conversion).
const CONVERTED: &[(&str, &str, Convert)] = &[("mint_ephemeral_key", "ttl", seconds)];

/// A duration sample (`"1h"`, `"90s"`, or already seconds) in seconds.
fn seconds(value: &Value) -> Value {
    let Some(text) = value.as_str() else {
        return value.clone();
    };
    let (count, unit) = text.split_at(text.len() - 1);
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => panic!("write {text} in seconds, minutes or hours"),
    };
    Value::from(count.parse::<u64>().unwrap() * unit)
}

/// `tool`'s JSON arguments under their WIT names, with their values written for WIT.
fn wit_arguments(tool: &str, args: &str) -> serde_json::Map<String, Value> {
    let args: serde_json::Map<String, Value> = serde_json::from_str(args).unwrap();
    let convert = |arg: &str| CONVERTED.iter().find(|(t, a, _)| *t == tool && *a == arg);
    args.into_iter()
        .map(|(arg, value)| {
            let value = match convert(&arg) {
                Some((_, _, convert)) => convert(&value),
                None => value,
            };
            (wit_argument(tool, &arg), value)
        })
        .collect()
}

/// `json` as a value of WIT type `ty` (`at` names it in a panic): a record takes its
/// fields by name, a `list<tuple<string, string>>` an object's entries.
fn val(ty: &Type, json: Option<&Value>, at: &str) -> Val {
    let json = json.filter(|v| !v.is_null());
    if let Type::Option(inner) = ty {
        return Val::Option(json.map(|v| Box::new(val(&inner.ty(), Some(v), at))));
    }
    let json = json.unwrap_or_else(|| panic!("{at}: no value for a required {ty:?}"));
    let number = || {
        json.as_i64()
            .unwrap_or_else(|| panic!("{at}: {json} is no integer"))
    };
    match ty {
        Type::Bool => Val::Bool(json.as_bool().unwrap()),
        Type::String => Val::String(json.as_str().unwrap().to_string()),
        Type::U16 => Val::U16(u16::try_from(number()).unwrap()),
        Type::U32 => Val::U32(u32::try_from(number()).unwrap()),
        Type::S32 => Val::S32(i32::try_from(number()).unwrap()),
        Type::U64 => Val::U64(u64::try_from(number()).unwrap()),
        Type::S64 => Val::S64(number()),
        Type::List(list) => {
            let item = list.ty();
            match json {
                Value::Object(entries) => {
                    let pairs = entries.iter().map(|(k, v)| serde_json::json!([k, v]));
                    Val::List(pairs.map(|p| val(&item, Some(&p), at)).collect())
                }
                Value::Array(items) => {
                    Val::List(items.iter().map(|i| val(&item, Some(i), at)).collect())
                }
                _ => panic!("{at}: {json} is no list"),
            }
        }
        Type::Tuple(tuple) => {
            let items = json.as_array().unwrap();
            Val::Tuple(
                tuple
                    .types()
                    .zip(items)
                    .map(|(t, i)| val(&t, Some(i), at))
                    .collect(),
            )
        }
        Type::Record(record) => Val::Record(
            record
                .fields()
                .map(|f| {
                    let at = format!("{at}.{}", f.name);
                    (f.name.to_string(), val(&f.ty, json.get(f.name), &at))
                })
                .collect(),
        ),
        other => panic!("{at}: teach `val` WIT type {other:?}"),
    }
}

/// `tool`'s typed function called with `args` (JSON, resolved); `Err` when the guest
/// answered with an error.
async fn call_typed(inst: &mut Instance, tool: &str, args: &str) -> Result<Val, Val> {
    let name = kebab(tool);
    let func = INTERFACES
        .iter()
        .find_map(|i| inst.func(&format!("daytona:tools/{i}@0.1.0"), &name))
        .unwrap_or_else(|| panic!("no typed function {name}"));
    let args = Value::Object(wit_arguments(tool, args));
    let ty = func.ty(&inst.store);
    let params: Vec<Val> = ty
        .params()
        .map(|(param, ty)| {
            let at = format!("{name}({param})");
            // One `request` record holds all the arguments.
            let json = args.get(param).or((param == "request").then_some(&args));
            val(&ty, json, &at)
        })
        .collect();
    let mut results = vec![Val::Bool(false); ty.results().len()];
    func.call_async(&mut inst.store, &params, &mut results)
        .await
        .unwrap_or_else(|e| panic!("{name} trapped: {e:?}"));
    match results.pop() {
        Some(Val::Result(Ok(value))) => Ok(value.map_or(Val::Tuple(vec![]), |v| *v)),
        Some(Val::Result(Err(error))) => Err(error.map_or(Val::Tuple(vec![]), |e| *e)),
        other => panic!("{name} returned {other:?}"),
    }
}

/// What a request says, for comparing: method, path and query, and the body (as JSON
/// where it is JSON), with the values that differ between two emulators with the same
/// fixture written as placeholders.
fn shown(generated: &[(String, &str)], request: &RecordedRequest) -> String {
    let body = match request.body_json() {
        Some(json) => json.to_string(),
        None => String::from_utf8_lossy(&request.body).into_owned(),
    };
    let mut text = format!("{} {} {body}", request.method, request.path);
    for (value, placeholder) in generated {
        text = text.replace(value, placeholder);
    }
    unrandom(&text)
}

/// The values an emulator generates for the same fixture, and placeholders for them:
/// sandbox ids, its directory, its user and command ids, the expired key's name (its
/// expiry is the setup's clock) and for the git tools the origin's commit. Read before
/// the call (which may delete `box`).
fn generated(emu: &Emulator) -> Vec<(String, &'static str)> {
    let dir = emu.sandbox_dir("box").unwrap();
    let root = dir.parent().unwrap();
    let mut values = vec![
        (root.to_str().unwrap().to_string(), "{root}"),
        (emu.user_id(), "{user-id}"),
    ];
    if root.join("origin.git").exists() {
        values.push((
            git(&root.join("origin.git"), &["rev-parse", "main"]),
            "{commit}",
        ));
    }
    let commands = emu.sessions("box").into_iter().flat_map(|(_, ids)| ids);
    values.extend(commands.map(|id| (id, "{command-id}")));
    let expired = emu.api_keys().into_iter().map(|k| k.name);
    values.extend(
        expired
            .filter(|n| n.starts_with("eph-old-"))
            .map(|n| (n, "{expired-key}")),
    );
    values.extend(emu.sandbox_ids().into_iter().map(|id| (id, "{sandbox-id}")));
    values
}

/// `text` with the random part of each multipart boundary (`daytona-tools-` and 32 hex
/// digits) and minted key name (`eph-<holder>-<expiry>-` and 12) written `{random}`.
fn unrandom(text: &str) -> String {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '-';
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(word) {
        out.push_str(&rest[..start]);
        let len = rest[start..]
            .find(|c| !word(c))
            .unwrap_or(rest.len() - start);
        // A boundary's delimiters are `--boundary` and `--boundary--`.
        let w = &rest[start..start + len];
        let name = w.trim_matches('-');
        let (_, tail) = name.rsplit_once('-').unwrap_or((name, ""));
        let hex = tail.chars().all(|c| c.is_ascii_hexdigit());
        let random = match tail.len() {
            32 => name.starts_with("daytona-tools-"),
            12 => name.starts_with("eph-"),
            _ => false,
        };
        if random && hex {
            out.push_str(&w.replace(tail, "{random}"));
        } else {
            out.push_str(w);
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// The tools that wait for a sandbox's transition, which a stopped clock would stall.
const WAITING: [&str; 4] = [
    "create_sandbox",
    "start_sandbox",
    "stop_sandbox",
    "archive_sandbox",
];

/// The requests a call of `tool` on a fresh [`setup`] sends: through `call-tool` with
/// `args`, or through its typed function with the same values. Unless the tool waits
/// ([`WAITING`]), the emulator's clock stands still at `at` (set to its reading by the
/// first call), so the times the two calls send (an expiry) compare.
async fn requests(tool: &str, args: &str, typed: bool, at: &mut Option<SystemTime>) -> Vec<String> {
    let (emu, cfg) = setup(tool);
    if !WAITING.contains(&tool) {
        let clock = emu.clock();
        clock.freeze();
        match at {
            Some(at) => clock.set(*at),
            None => *at = Some(clock.now()),
        }
    }
    let args = resolve(&emu, args);
    let mut generated = generated(&emu);
    emu.clear_requests();
    let mut inst = instance(&cfg).await;
    if typed {
        let outcome = call_typed(&mut inst, tool, &args).await;
        assert!(outcome.is_ok(), "typed {tool} {args}: {outcome:?}");
    } else {
        let outcome = inst
            .call_tool(tool, &args)
            .await
            .expect("call-tool trapped");
        assert!(outcome.is_ok(), "{tool} {args}: {outcome:?}");
    }
    assert_no_secrets(&emu, &inst.output());
    // A sandbox the call created.
    let created = emu.sandbox_ids().into_iter();
    generated.extend(created.map(|id| (id, "{sandbox-id}")));
    let requests = emu.requests();
    requests.iter().map(|r| shown(&generated, r)).collect()
}

#[tokio::test]
async fn every_typed_function_sends_what_call_tool_sends() {
    let tools = listed_tools(&CallConfig::default()).await;
    let mut differ = Vec::new();
    for tool in &tools {
        let args = full_arguments(tool);
        let mut at = None;
        let json = requests(&tool.name, &args, false, &mut at).await;
        let typed = requests(&tool.name, &args, true, &mut at).await;
        if json != typed {
            differ.push(format!(
                "{}:\n  call-tool: {json:#?}\n  typed:     {typed:#?}",
                tool.name
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "typed functions that send other requests than call-tool (a guest conversion reads \
         the wrong WIT field or none):\n{}",
        differ.join("\n")
    );
}

#[test]
fn durations_and_random_parts_are_written_as_compared() {
    assert_eq!(seconds(&Value::from("2h")), 7200);
    assert_eq!(seconds(&Value::from("90s")), 90);
    assert_eq!(seconds(&Value::from(60)), 60);
    let boundary = "daytona-tools-0123456789abcdef0123456789abcdef";
    assert_eq!(
        unrandom(&format!("--{boundary}\r\nx\r\n--{boundary}--\r\n")),
        "--daytona-tools-{random}\r\nx\r\n--daytona-tools-{random}--\r\n"
    );
    assert_eq!(
        unrandom(r#"{"name":"eph-ci-1796692184-cde47561d418"}"#),
        r#"{"name":"eph-ci-1796692184-{random}"}"#
    );
    // Only those: a sandbox id or a commit stays as it is.
    let kept = "/toolbox/6c78a887-e912-4781-802c-d110fe7a09bd/git eph-ci-12 0123456789ab";
    assert_eq!(unrandom(kept), kept);
}
