//! Argument parsing of every tool (`catalog::Args::parse`) against the JSON
//! Schema the tool advertises: never panics, and accepts exactly what the
//! schema accepts, judged by an independent validator, with the documented
//! leniencies (null is an absent field, when the field exists; a duration string may carry
//! surrounding spaces) and the one constraint a schema cannot state (a
//! duration string's value must be within the field's bounds).
#![no_main]

use daytona_tools::catalog::{Args, Tool, Ty};
use daytona_tools::error::ErrorKind;
use daytona_tools::keys::ttl;
use daytona_tools_fuzz::{args::Arguments, schema};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

fuzz_target!(|input: (u8, Arguments)| {
    let (which, arguments) = input;
    let spec = Tool::ALL[which as usize % Tool::ALL.len()].spec();
    let text = arguments.text(spec);
    let parsed = Args::parse(spec, &text);
    if let Err(e) = &parsed {
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{}", e.message);
        assert!(!e.message.chars().any(char::is_control), "{:?}", e.message);
    }

    // What the parser sees: trimmed text, empty or null meaning {}.
    let trimmed = text.trim();
    let value = if trimmed.is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_json::from_str::<Value>(trimmed) {
            Ok(v) => v,
            Err(_) => {
                assert!(parsed.is_err(), "invalid JSON accepted: {text:?}");
                return;
            }
        }
    };
    let object = match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            assert!(parsed.is_err(), "non-object accepted: {other}");
            return;
        }
    };

    // Apply the leniencies, and note whether every duration is within bounds.
    let mut judged = Map::new();
    let mut durations_in_bounds = true;
    for (name, v) in object {
        let field = spec.fields.iter().find(|f| f.name == name);
        if v.is_null() && field.is_some() {
            continue;
        }
        let v = match (field.map(|f| f.ty), v) {
            (Some(Ty::Duration { min_secs, max_secs }), Value::String(s)) => {
                let secs = ttl::parse(&s).ok();
                durations_in_bounds &= secs.is_some_and(|n| (min_secs..=max_secs).contains(&n));
                Value::String(s.trim().to_string())
            }
            (_, v) => v,
        };
        judged.insert(name, v);
    }
    let schema_ok = schema::valid(&spec.input_schema(), &Value::Object(judged.clone()));
    let want = schema_ok && durations_in_bounds;
    assert_eq!(
        parsed.is_ok(),
        want,
        "{}: {text} -> {:?} but the schema says {schema_ok} (durations in bounds: {durations_in_bounds})",
        spec.name,
        parsed.err().map(|e| e.message),
    );

    // Accepted arguments read back as the values given.
    if let Ok(args) = parsed {
        for field in spec.fields {
            let Some(v) = judged.get(field.name) else {
                continue;
            };
            match field.ty {
                Ty::String { .. } | Ty::Choice { .. } => {
                    assert_eq!(args.str(field.name), v.as_str())
                }
                Ty::Integer { .. } => assert_eq!(args.int(field.name), v.as_i64()),
                Ty::Boolean => assert_eq!(args.bool(field.name), v.as_bool()),
                Ty::StringList { .. } => {
                    assert_eq!(args.value(field.name), Some(v))
                }
                Ty::StringMap | Ty::EnvMap => {
                    assert_eq!(args.value(field.name), Some(v))
                }
                Ty::Duration { .. } => {}
            }
        }
    }
});
