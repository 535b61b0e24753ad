//! Arguments of a tool call, checked against the tool's fields: the same
//! table that produces its JSON Schema.

use super::{Field, ToolSpec, Ty};
use crate::error::Error;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A tool call's arguments, validated against its fields.
#[derive(Debug, Clone)]
pub struct Args {
    values: Map<String, Value>,
}

impl Args {
    /// Parse a JSON object (an empty string counts as `{}`) and check every field.
    pub fn parse(spec: &ToolSpec, json: &str) -> Result<Self, Error> {
        let json = json.trim();
        let value: Value = if json.is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(json).map_err(|e| {
                Error::invalid_input(format!(
                    "the arguments of {} are not valid JSON (line {} column {})",
                    spec.name,
                    e.line(),
                    e.column()
                ))
            })?
        };
        let values = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => {
                return Err(Error::invalid_input(format!(
                    "the arguments of {} must be a JSON object",
                    spec.name
                )));
            }
        };
        for key in values.keys() {
            if !spec.fields.iter().any(|f| f.name == key) {
                let accepted: Vec<_> = spec.fields.iter().map(|f| f.name).collect();
                return Err(Error::invalid_input(format!(
                    "{} has no argument `{}`; accepted: {}",
                    spec.name,
                    crate::error::scrub(key, &[]),
                    if accepted.is_empty() {
                        "none".to_string()
                    } else {
                        accepted.join(", ")
                    }
                )));
            }
        }
        for field in spec.fields {
            match values.get(field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(Error::invalid_input(format!(
                        "{} needs `{}`: {}",
                        spec.name, field.name, field.description
                    )));
                }
                None | Some(Value::Null) => {}
                Some(value) => check(field, value)?,
            }
        }
        Ok(Args { values })
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|v| !v.is_null())
    }

    /// A string argument.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// A string argument, owned.
    pub fn string(&self, name: &str) -> Option<String> {
        self.str(name).map(String::from)
    }

    /// An integer argument that fits in i32.
    pub fn i32(&self, name: &str) -> Option<i32> {
        self.int(name).and_then(|v| i32::try_from(v).ok())
    }

    /// An integer argument (bounds already checked).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_i64)
    }

    /// A non-negative integer argument that fits in u32.
    pub fn u32(&self, name: &str) -> Option<u32> {
        self.int(name).and_then(|v| u32::try_from(v).ok())
    }

    /// A boolean argument.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }

    /// A list of strings (empty when absent).
    pub fn strings(&self, name: &str) -> Vec<String> {
        self.get(name)
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// An object of strings (empty when absent).
    pub fn map(&self, name: &str) -> BTreeMap<String, String> {
        self.get(name)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn check(field: &Field, value: &Value) -> Result<(), Error> {
    let fail = |what: String| Err(Error::invalid_input(format!("`{}` {what}", field.name)));
    match field.ty {
        Ty::String { min_len } => match value.as_str() {
            Some(s) if s.chars().count() >= min_len as usize => Ok(()),
            Some(_) => fail(format!("must be at least {min_len} character(s) long")),
            None => fail("must be a string".into()),
        },
        Ty::Integer { min, max } => match value.as_i64() {
            Some(v) if (min..=max).contains(&v) => Ok(()),
            _ if value.is_number() => fail(format!("must be a whole number from {min} to {max}")),
            _ => fail(format!("must be an integer from {min} to {max}")),
        },
        Ty::Boolean => match value {
            Value::Bool(_) => Ok(()),
            _ => fail("must be true or false".into()),
        },
        Ty::StringList { values } => {
            let Some(items) = value.as_array() else {
                return fail("must be a list of strings".into());
            };
            for (i, item) in items.iter().enumerate() {
                match (item.as_str(), values) {
                    (None, _) => return fail(format!("[{i}] must be a string")),
                    (Some(s), Some(allowed)) if !allowed.contains(&s) => {
                        return fail(format!(
                            "[{i}] is '{}', not one of: {}",
                            crate::error::scrub(s, &[]),
                            allowed.join(", ")
                        ));
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        Ty::EnvMap => {
            check(
                &Field {
                    ty: Ty::StringMap,
                    ..*field
                },
                value,
            )?;
            let names = value.as_object().into_iter().flat_map(|m| m.keys());
            crate::api::lifecycle::check_env_names(field.name, names)
        }
        Ty::StringMap => {
            let Some(map) = value.as_object() else {
                return fail("must be an object of string values".into());
            };
            match map.iter().find(|(_, v)| !v.is_string()) {
                Some((k, _)) => fail(format!(
                    "must have string values; `{}` does not",
                    crate::error::scrub(k, &[])
                )),
                None => Ok(()),
            }
        }
        Ty::Duration { min_secs, max_secs } => {
            let secs = crate::keys::ttl::from_json(field.name, value)?;
            crate::keys::ttl::bounds(field.name, secs, min_secs, max_secs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::find;
    use crate::error::ErrorKind;

    fn parse(tool: &str, json: &str) -> Result<Args, Error> {
        Args::parse(find(tool).unwrap(), json)
    }

    #[test]
    fn empty_and_null_arguments_are_an_empty_object() {
        assert!(parse("list_sandboxes", "").is_ok());
        assert!(parse("list_sandboxes", "null").is_ok());
    }

    #[test]
    fn unknown_field_names_the_field_and_the_accepted_ones() {
        let err = parse("list_sandboxes", r#"{"nmae":"x"}"#).unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.message.contains("`nmae`") && err.message.contains("name, labels"));
    }

    #[test]
    fn types_and_bounds_are_checked() {
        for bad in [
            r#"{"limit":0}"#,
            r#"{"limit":1.5}"#,
            r#"{"limit":"5"}"#,
            r#"{"labels":{"a":1}}"#,
            r#"{"states":["nope"]}"#,
            r#"{"name":""}"#,
            "[1]",
            "{",
        ] {
            assert!(parse("list_sandboxes", bad).is_err(), "{bad}");
        }
        let ok = parse(
            "list_sandboxes",
            r#"{"limit":5,"labels":{"a":"b"},"states":["started"]}"#,
        )
        .unwrap();
        assert_eq!(ok.u32("limit"), Some(5));
        assert_eq!(ok.map("labels").get("a").map(String::as_str), Some("b"));
    }

    #[test]
    fn required_field_is_named() {
        let err = parse("get_sandbox", "{}").unwrap_err();
        assert!(err.message.contains("`sandbox`"));
    }
}
