//! Reading the models from an answer parsed once into a `serde_json::Value`.
//!
//! serde's derived `Deserialize` instantiates serde_json's parser once per
//! model; here one parse serves every answer, and each model is a table of
//! (field, JSON key, reader) written with `wire!`. A value
//! that does not fit is reported by its path (`items[3].state`), made of the
//! models' own field names and of indices: never of the answer's content.

use crate::config::Secret;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A type read from a parsed answer.
pub trait Wire: Sized {
    /// Read `value`, or say where and why it does not fit.
    fn read(value: Value) -> Result<Self, Misfit>;
}

/// How a field is read from its value (`None` when the key is absent).
pub type Reader<T> = fn(Option<Value>) -> Result<T, Misfit>;

/// Where a value did not fit, and what was wrong there.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    /// The path, innermost step first (steps are added on the way out).
    steps: Vec<Step>,
    /// What was wrong, e.g. "expected a string".
    problem: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(&'static str),
    Index(usize),
}

impl Misfit {
    /// A misfit at the value being read.
    #[cold]
    #[inline(never)]
    pub fn new(problem: &'static str) -> Self {
        Misfit {
            steps: Vec::new(),
            problem,
        }
    }

    #[cold]
    #[inline(never)]
    fn within(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// What was wrong.
    pub fn problem(&self) -> &'static str {
        self.problem
    }

    /// The path from the top, e.g. `items[3].state`; empty for the top itself.
    pub fn path(&self) -> String {
        let mut path = String::new();
        for step in self.steps.iter().rev() {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(i) => {
                    path.push('[');
                    path.push_str(&i.to_string());
                    path.push(']');
                }
            }
        }
        path
    }
}

/// An answer object's fields, taken one by one. A field that does not fit
/// reads as its default and the first such misfit is kept: the struct is
/// built without a branch per field, and [`Fields::done`] reports it.
pub struct Fields {
    map: Map<String, Value>,
    misfit: Option<Misfit>,
}

impl Fields {
    /// The fields of an object (keys not asked for are ignored).
    pub fn of(value: Value) -> Result<Self, Misfit> {
        match value {
            Value::Object(map) => Ok(Fields { map, misfit: None }),
            _ => Err(Misfit::new("expected an object")),
        }
    }

    /// The value under `key`, taken out (`None` when absent).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Field `key` as `read` reads it.
    pub fn get<T: Default>(&mut self, key: &'static str, read: Reader<T>) -> T {
        let value = self.take(key);
        self.keep(key, read(value))
    }

    /// A field's result: its value, or its default with the misfit kept.
    pub fn keep<T: Default>(&mut self, key: &'static str, read: Result<T, Misfit>) -> T {
        read.unwrap_or_else(|m| {
            self.fail(key, m);
            T::default()
        })
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, key: &'static str, misfit: Misfit) {
        if self.misfit.is_none() {
            self.misfit = Some(misfit.within(Step::Key(key)));
        }
    }

    /// The struct read, or the first field that did not fit.
    pub fn done<T>(self, read: T) -> Result<T, Misfit> {
        self.finish()?;
        Ok(read)
    }

    /// The first field that did not fit, if any (out of the generic [`Fields::done`]).
    fn finish(self) -> Result<(), Misfit> {
        match self.misfit {
            None => Ok(()),
            Some(misfit) => Err(misfit),
        }
    }
}

/// Implement [`Wire`] for a struct from a table of `field: "jsonKey" => reader`
/// (a [`Reader`]: [`required`], [`or_default`], [`or_null`], [`opt`], [`count`], ...).
macro_rules! wire {
    ($ty:ident { $($field:ident: $key:literal => $read:expr),* $(,)? }) => {
        impl $crate::models::wire::Wire for $ty {
            fn read(
                value: serde_json::Value,
            ) -> Result<Self, $crate::models::wire::Misfit> {
                let mut fields = $crate::models::wire::Fields::of(value)?;
                let read = $ty {
                    $($field: fields.get($key, $read),)*
                };
                fields.done(read)
            }
        }
    };
}
pub(crate) use wire;

/// A field that must be present.
pub fn required<T: Wire>(value: Option<Value>) -> Result<T, Misfit> {
    match value {
        Some(value) => T::read(value),
        None => Err(Misfit::new("missing")),
    }
}

/// A field that may be absent (then its default); null fits only if `T` takes it.
pub fn or_default<T: Wire + Default>(value: Option<Value>) -> Result<T, Misfit> {
    match value {
        Some(value) => T::read(value),
        None => Ok(T::default()),
    }
}

/// A field that may be absent or null (then its default): Go marshals an
/// empty slice it never filled, and Daytona an unset column, as null.
pub fn or_null<T: Wire + Default>(value: Option<Value>) -> Result<T, Misfit> {
    match value {
        None | Some(Value::Null) => Ok(T::default()),
        Some(value) => T::read(value),
    }
}

/// A field that may be absent or null (then none).
pub fn opt<T: Wire>(value: Option<Value>) -> Result<Option<T>, Misfit> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::read(value).map(Some),
    }
}

/// A non-negative count that may arrive as an integer, a float or null (or not at all).
pub fn count(value: Option<Value>) -> Result<u32, Misfit> {
    let v = or_null::<f64>(value)?;
    Ok(if v.is_finite() && v > 0.0 {
        v.min(u32::MAX as f64) as u32
    } else {
        0
    })
}

impl Wire for Value {
    fn read(value: Value) -> Result<Self, Misfit> {
        Ok(value)
    }
}

impl Wire for IgnoredAny {
    fn read(_: Value) -> Result<Self, Misfit> {
        Ok(IgnoredAny)
    }
}

impl Wire for String {
    fn read(value: Value) -> Result<Self, Misfit> {
        match value {
            Value::String(s) => Ok(s),
            _ => Err(Misfit::new("expected a string")),
        }
    }
}

impl Wire for Secret {
    fn read(value: Value) -> Result<Self, Misfit> {
        String::read(value).map(Secret::new)
    }
}

impl Wire for bool {
    fn read(value: Value) -> Result<Self, Misfit> {
        match value {
            Value::Bool(b) => Ok(b),
            _ => Err(Misfit::new("expected true or false")),
        }
    }
}

impl Wire for u64 {
    fn read(value: Value) -> Result<Self, Misfit> {
        value
            .as_u64()
            .ok_or_else(|| Misfit::new("expected a non-negative integer"))
    }
}

impl Wire for i64 {
    fn read(value: Value) -> Result<Self, Misfit> {
        value
            .as_i64()
            .ok_or_else(|| Misfit::new("expected an integer"))
    }
}

impl Wire for i32 {
    fn read(value: Value) -> Result<Self, Misfit> {
        value
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| Misfit::new("expected a 32-bit integer"))
    }
}

impl Wire for f64 {
    fn read(value: Value) -> Result<Self, Misfit> {
        value
            .as_f64()
            .ok_or_else(|| Misfit::new("expected a number"))
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn read(value: Value) -> Result<Self, Misfit> {
        let mut read = Vec::new();
        each(value, &mut |item| {
            read.push(T::read(item)?);
            Ok(())
        })?;
        Ok(read)
    }
}

/// Hand each item of a list to `item`: the loop and the path bookkeeping
/// compiled once, not once per item type.
fn each(value: Value, item: &mut dyn FnMut(Value) -> Result<(), Misfit>) -> Result<(), Misfit> {
    let Value::Array(items) = value else {
        return Err(Misfit::new("expected a list"));
    };
    for (i, value) in items.into_iter().enumerate() {
        item(value).map_err(|m| m.within(Step::Index(i)))?;
    }
    Ok(())
}

/// Labels: null is none, and values that are not strings are skipped.
impl Wire for BTreeMap<String, String> {
    fn read(value: Value) -> Result<Self, Misfit> {
        match value {
            Value::Null => Ok(BTreeMap::new()),
            Value::Object(map) => Ok(map
                .into_iter()
                .filter_map(|(k, v)| match v {
                    Value::String(s) => Some((k, s)),
                    _ => None,
                })
                .collect()),
            _ => Err(Misfit::new("expected an object")),
        }
    }
}

/// A model read from text as [`crate::http::decode`] reads an answer.
#[cfg(test)]
pub(crate) fn from_str<T: Wire>(text: &str) -> Result<T, crate::error::Error> {
    crate::http::decode(text.as_bytes(), "test")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        n: Option<i64>,
    }
    super::wire!(Inner { n: "n" => opt });

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        name: String,
        inner: Vec<Inner>,
    }
    super::wire!(Outer { name: "name" => required, inner: "innerList" => or_null });

    #[test]
    fn a_misfit_is_named_by_its_path_and_what_was_expected() {
        let bad = json!({"name": "x", "innerList": [{"n": 1}, {"n": 2}, {"n": "3"}]});
        let m = Outer::read(bad).unwrap_err();
        assert_eq!(m.path(), "innerList[2].n");
        assert_eq!(m.problem(), "expected an integer");
        let missing = Vec::<Outer>::read(json!([{"name": "a"}, {"innerList": null}])).unwrap_err();
        assert_eq!(
            (missing.path().as_str(), missing.problem()),
            ("[1].name", "missing")
        );
        let top = Outer::read(json!([1])).unwrap_err();
        assert_eq!(
            (top.path().as_str(), top.problem()),
            ("", "expected an object")
        );
    }

    #[test]
    fn the_first_misfit_is_reported() {
        let m = Outer::read(json!({"name": 1, "innerList": 2})).unwrap_err();
        assert_eq!(m.path(), "name");
    }

    #[test]
    fn leaves_keep_their_leniencies() {
        assert_eq!(count(None), Ok(0));
        assert_eq!(count(Some(json!(null))), Ok(0));
        assert_eq!(count(Some(json!(2.7))), Ok(2));
        assert_eq!(count(Some(json!(-3))), Ok(0));
        assert_eq!(count(Some(json!(1e300))), Ok(u32::MAX));
        assert!(count(Some(json!("2"))).is_err());
        assert_eq!(or_null::<String>(Some(json!(null))), Ok(String::new()));
        assert!(or_default::<String>(Some(json!(null))).is_err());
        assert_eq!(or_default::<bool>(None), Ok(false));
        assert!(u64::read(json!(-1)).is_err() && u64::read(json!(1.0)).is_err());
        assert!(i32::read(json!(1u64 << 40)).is_err());
        assert_eq!(i64::read(json!(-5)), Ok(-5));
        assert_eq!(opt::<f64>(Some(json!(3))), Ok(Some(3.0)));
        let labels = BTreeMap::<String, String>::read(json!({"a": "1", "b": 2})).unwrap();
        assert_eq!(labels.len(), 1);
        assert!(BTreeMap::<String, String>::read(json!([])).is_err());
        assert_eq!(or_null::<Secret>(Some(json!(null))).unwrap().expose(), "");
        assert!(Secret::read(json!(1)).is_err());
    }
}
