//! A small JSON Schema (draft 2020-12) validator for the keywords the tool
//! schemas use, written against the schema JSON rather than the catalog's
//! types, with patterns evaluated by the `regex` crate: an independent
//! judge of whether `Args::parse` agrees with what a tool advertises.
//!
//! One deliberate difference from the specification: `"type": "integer"`
//! accepts only JSON integers, not `5.0` (the parser refuses floats, and a
//! model is told integers).

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

/// Whether `value` is valid against `schema`.
pub fn valid(schema: &Value, value: &Value) -> bool {
    let Some(schema) = schema.as_object() else {
        return true;
    };
    if let Some(Value::Array(options)) = schema.get("anyOf")
        && !options.iter().any(|s| valid(s, value))
    {
        return false;
    }
    if let Some(ty) = schema.get("type").and_then(Value::as_str) {
        let ok = match ty {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "null" => value.is_null(),
            other => panic!("schema type {other} not handled"),
        };
        if !ok {
            return false;
        }
    }
    if let Some(Value::Array(allowed)) = schema.get("enum")
        && !allowed.contains(value)
    {
        return false;
    }
    if let Some(n) = as_i128(value) {
        if schema
            .get("minimum")
            .and_then(as_i128)
            .is_some_and(|min| n < min)
        {
            return false;
        }
        if schema
            .get("maximum")
            .and_then(as_i128)
            .is_some_and(|max| n > max)
        {
            return false;
        }
    }
    if let Some(s) = value.as_str() {
        let len = s.chars().count() as u64;
        if schema
            .get("minLength")
            .and_then(Value::as_u64)
            .is_some_and(|min| len < min)
        {
            return false;
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str)
            && !matches(p, s)
        {
            return false;
        }
    }
    if let Some(items) = value.as_array()
        && let Some(item_schema) = schema.get("items")
        && !items.iter().all(|v| valid(item_schema, v))
    {
        return false;
    }
    if let Some(map) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = schema.get("required")
            && !required
                .iter()
                .filter_map(Value::as_str)
                .all(|name| map.contains_key(name))
        {
            return false;
        }
        for (name, v) in map {
            if let Some(names) = schema.get("propertyNames")
                && !valid(names, &Value::String(name.clone()))
            {
                return false;
            }
            match properties.and_then(|p| p.get(name)) {
                Some(prop) => {
                    if !valid(prop, v) {
                        return false;
                    }
                }
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => return false,
                    Some(extra @ Value::Object(_)) if !valid(extra, v) => return false,
                    _ => {}
                },
            }
        }
    }
    true
}

fn as_i128(v: &Value) -> Option<i128> {
    v.as_i64()
        .map(i128::from)
        .or_else(|| v.as_u64().map(i128::from))
}

fn matches(pattern: &str, text: &str) -> bool {
    static CACHE: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Default::default);
    let mut cache = CACHE.lock().unwrap();
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| Regex::new(pattern).expect("schema pattern compiles"))
        .is_match(text)
}
