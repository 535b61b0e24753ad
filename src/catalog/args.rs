//! Arguments of a tool call, checked against the tool's fields: the same
//! table that produces its JSON Schema.

use super::{Field, ToolSpec, Ty};
use crate::error::Error;
use serde_json::{Map, Value};

/// A tool call's arguments, validated against its fields.
#[derive(Debug, Clone)]
pub struct Args {
    fields: &'static [Field],
    values: Map<String, Value>,
}

impl Args {
    /// Parse a JSON object (an empty string counts as `{}`) and check every field.
    pub fn parse(spec: &ToolSpec, json: &str) -> Result<Self, Error> {
        let json = json.trim();
        let value: Value = if json.is_empty() {
            Value::Object(Map::new())
        } else {
            // `from_slice`, as every parse in the component: `from_str` would
            // link a second instance of serde_json's parser.
            serde_json::from_slice(json.as_bytes()).map_err(|e| {
                Error::invalid_input(format!(
                    "the arguments of {} are not valid JSON (line {} column {})",
                    spec.name,
                    e.line(),
                    e.column()
                ))
            })?
        };
        match value {
            Value::Object(map) => Self::check(spec, map),
            Value::Null => Self::check(spec, Map::new()),
            _ => Err(Error::invalid_input(format!(
                "the arguments of {} must be a JSON object",
                spec.name
            ))),
        }
    }

    /// Check a JSON object of arguments against the tool's fields: no unknown
    /// names, every required one given, each of its type and within its bounds.
    pub fn check(spec: &ToolSpec, values: Map<String, Value>) -> Result<Self, Error> {
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
        Ok(Args {
            fields: spec.fields,
            values,
        })
    }

    /// The value of the field `name` (absent when not given or null). `name`
    /// must be one of the tool's fields: a misspelt one would read nothing.
    pub fn value(&self, name: &str) -> Option<&Value> {
        debug_assert!(
            self.fields.iter().any(|f| f.name == name),
            "`{name}` is not an argument of this tool"
        );
        self.values.get(name).filter(|v| !v.is_null())
    }

    /// A string argument.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.value(name).and_then(Value::as_str)
    }

    /// An integer argument (bounds already checked).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.value(name).and_then(Value::as_i64)
    }

    /// A boolean argument.
    pub fn bool(&self, name: &str) -> Option<bool> {
        self.value(name).and_then(Value::as_bool)
    }
}

fn check(field: &Field, value: &Value) -> Result<(), Error> {
    let fail = |what: String| Err(Error::invalid_input(format!("`{}` {what}", field.name)));
    // An element's path, e.g. `states[1]` or `labels.team`.
    let at = |inner: &str, what: String| {
        Err(Error::invalid_input(format!(
            "`{}{inner}` {what}",
            field.name
        )))
    };
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
        Ty::Choice { values } => match value.as_str() {
            Some(s) if values.contains(&s) => Ok(()),
            Some(s) => fail(format!(
                "is '{}', not one of: {}",
                crate::error::scrub(s, &[]),
                values.join(", ")
            )),
            None => fail(format!("must be one of: {}", values.join(", "))),
        },
        Ty::StringList { values } => {
            let Some(items) = value.as_array() else {
                return fail("must be a list of strings".into());
            };
            for (i, item) in items.iter().enumerate() {
                match (item.as_str(), values) {
                    (None, _) => return at(&format!("[{i}]"), "must be a string".into()),
                    (Some(s), Some(allowed)) if !allowed.contains(&s) => {
                        return at(
                            &format!("[{i}]"),
                            format!(
                                "is '{}', not one of: {}",
                                crate::error::scrub(s, &[]),
                                allowed.join(", ")
                            ),
                        );
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
                Some((k, _)) => at(
                    &format!(".{}", crate::error::scrub(k, &[])),
                    "must be a string".into(),
                ),
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
    use crate::catalog::Tool;
    use crate::error::ErrorKind;

    fn parse(tool: &str, json: &str) -> Result<Args, Error> {
        Args::parse(Tool::from_name(tool).unwrap().spec(), json)
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
        assert_eq!(ok.int("limit"), Some(5));
        assert_eq!(ok.value("labels").unwrap()["a"], "b");
    }

    #[test]
    fn an_element_that_does_not_fit_is_named_by_its_path() {
        let err = parse("list_sandboxes", r#"{"states":["started",5]}"#).unwrap_err();
        assert!(
            err.message.starts_with("`states[1]` must be a string"),
            "{}",
            err.message
        );
        let err = parse("list_sandboxes", r#"{"labels":{"team":1}}"#).unwrap_err();
        assert!(
            err.message.starts_with("`labels.team` must be a string"),
            "{}",
            err.message
        );
    }

    #[test]
    fn required_field_is_named() {
        let err = parse("get_sandbox", "{}").unwrap_err();
        assert!(err.message.contains("`sandbox`"));
    }
}
