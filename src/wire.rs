//! Reading the models from an answer parsed once into a `serde_json::Value`.
//!
//! serde's derived `Deserialize` instantiates serde_json's parser once per
//! model; here one parse serves every answer, and each model is a table of
//! (field, JSON key, reader) written with `wire!`. Reading never stops
//! half-way: a value that does not fit is noted in a [`Cx`] and reads as its
//! default, so the per-model code is straight-line calls with no error
//! branches. The misfit is reported by its path (`items[3].state`), made of
//! the models' own field names and of indices: never of the answer's content.

use crate::secret::Secret;
use serde::de::IgnoredAny;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A type read from a parsed answer.
pub trait Wire: Default {
    /// Read `value`; if it does not fit, note that in `cx` (the result is
    /// then not used).
    fn read(value: Value, cx: &mut Cx) -> Self;
}

/// How a field is read from its value (`None` when the key is absent).
pub type Reader<T> = fn(Option<Value>, &mut Cx) -> T;

/// Where a value did not fit, and what was wrong there.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    /// The path, innermost step first (each enclosing level adds its own).
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

/// The state of one read: the first misfit, if any.
#[derive(Debug, Default)]
pub struct Cx {
    misfit: Option<Misfit>,
}

impl Cx {
    /// The first misfit, if any.
    pub fn finish(self) -> Result<(), Misfit> {
        match self.misfit {
            None => Ok(()),
            Some(misfit) => Err(misfit),
        }
    }

    /// Note that the value being read does not fit (only the first counts).
    #[cold]
    #[inline(never)]
    pub fn misfit(&mut self, problem: &'static str) {
        if self.misfit.is_none() {
            self.misfit = Some(Misfit {
                steps: Vec::new(),
                problem,
            });
        }
    }

    /// Whether nothing has failed to fit yet.
    pub fn fits(&self) -> bool {
        self.misfit.is_none()
    }

    /// After reading at `step`: if the misfit arose there (`fitted` before),
    /// add the step to its path.
    #[inline(never)]
    fn within(&mut self, fitted: bool, step: Step) {
        if let (true, Some(misfit)) = (fitted, &mut self.misfit) {
            misfit.steps.push(step);
        }
    }
}

/// An answer object's fields, taken one by one (keys not asked for are ignored).
pub struct Fields<'a> {
    map: Map<String, Value>,
    cx: &'a mut Cx,
}

impl<'a> Fields<'a> {
    /// The fields of an object; anything else is a misfit (and has none).
    pub fn of(value: Value, cx: &'a mut Cx) -> Self {
        let map = match value {
            Value::Object(map) => map,
            _ => {
                cx.misfit("expected an object");
                Map::new()
            }
        };
        Fields { map, cx }
    }

    /// The value under `key`, taken out (`None` when absent).
    pub fn take(&mut self, key: &str) -> Option<Value> {
        self.map.remove(key)
    }

    /// Field `key` as `read` reads it.
    pub fn get<T>(&mut self, key: &'static str, read: Reader<T>) -> T {
        let value = self.take(key);
        self.read(key, value, read)
    }

    /// `value`, found under `key`, as `read` reads it.
    pub fn read<T>(&mut self, key: &'static str, value: Option<Value>, read: Reader<T>) -> T {
        let fitted = self.cx.fits();
        let read = read(value, self.cx);
        self.cx.within(fitted, Step::Key(key));
        read
    }
}

/// Implement [`Wire`] for a struct from a table of `field: "jsonKey" => reader`
/// (a [`Reader`]: [`required`], [`or_default`], [`or_null`], [`opt`], [`count`], ...).
macro_rules! wire {
    ($ty:ident { $($field:ident: $key:literal => $read:expr),* $(,)? }) => {
        impl $crate::wire::Wire for $ty {
            fn read(value: serde_json::Value, cx: &mut $crate::wire::Cx) -> Self {
                let mut fields = $crate::wire::Fields::of(value, cx);
                $ty {
                    $($field: fields.get($key, $read),)*
                }
            }
        }
    };
}
pub(crate) use wire;

/// A field that must be present.
pub fn required<T: Wire>(value: Option<Value>, cx: &mut Cx) -> T {
    match value {
        Some(value) => T::read(value, cx),
        None => {
            cx.misfit("missing");
            T::default()
        }
    }
}

/// A field that may be absent (then its default); null fits only if `T` takes it.
pub fn or_default<T: Wire>(value: Option<Value>, cx: &mut Cx) -> T {
    match value {
        Some(value) => T::read(value, cx),
        None => T::default(),
    }
}

/// A field that may be absent or null (then its default): Go marshals an
/// empty slice it never filled, and Daytona an unset column, as null.
pub fn or_null<T: Wire>(value: Option<Value>, cx: &mut Cx) -> T {
    match value {
        None | Some(Value::Null) => T::default(),
        Some(value) => T::read(value, cx),
    }
}

/// A field that may be absent or null (then none).
pub fn opt<T: Wire>(value: Option<Value>, cx: &mut Cx) -> Option<T> {
    match value {
        None | Some(Value::Null) => None,
        Some(value) => Some(T::read(value, cx)),
    }
}

/// A non-negative count that may arrive as an integer, a float or null (or not at all).
pub fn count(value: Option<Value>, cx: &mut Cx) -> u32 {
    let v = or_null::<f64>(value, cx);
    if v.is_finite() && v > 0.0 {
        v.min(u32::MAX as f64) as u32
    } else {
        0
    }
}

impl Wire for Value {
    fn read(value: Value, _: &mut Cx) -> Self {
        value
    }
}

impl Wire for IgnoredAny {
    fn read(_: Value, _: &mut Cx) -> Self {
        IgnoredAny
    }
}

impl Wire for String {
    fn read(value: Value, cx: &mut Cx) -> Self {
        match value {
            Value::String(s) => s,
            _ => {
                cx.misfit("expected a string");
                String::new()
            }
        }
    }
}

impl Wire for Secret {
    fn read(value: Value, cx: &mut Cx) -> Self {
        Secret::new(String::read(value, cx))
    }
}

impl Wire for bool {
    fn read(value: Value, cx: &mut Cx) -> Self {
        match value {
            Value::Bool(b) => b,
            _ => {
                cx.misfit("expected true or false");
                false
            }
        }
    }
}

/// A number as `get` takes it, or a misfit (then 0).
fn number<T: Default>(
    value: &Value,
    cx: &mut Cx,
    get: fn(&Value) -> Option<T>,
    problem: &'static str,
) -> T {
    get(value).unwrap_or_else(|| {
        cx.misfit(problem);
        T::default()
    })
}

impl Wire for u64 {
    fn read(value: Value, cx: &mut Cx) -> Self {
        number(&value, cx, Value::as_u64, "expected a non-negative integer")
    }
}

impl Wire for i64 {
    fn read(value: Value, cx: &mut Cx) -> Self {
        number(&value, cx, Value::as_i64, "expected an integer")
    }
}

impl Wire for i32 {
    fn read(value: Value, cx: &mut Cx) -> Self {
        let get = |v: &Value| v.as_i64().and_then(|n| i32::try_from(n).ok());
        number(&value, cx, get, "expected a 32-bit integer")
    }
}

impl Wire for f64 {
    fn read(value: Value, cx: &mut Cx) -> Self {
        number(&value, cx, Value::as_f64, "expected a number")
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn read(value: Value, cx: &mut Cx) -> Self {
        let mut read = Vec::new();
        each(value, cx, &mut |item, cx| read.push(T::read(item, cx)));
        read
    }
}

/// Hand each item of a list to `item`, up to the first that does not fit:
/// the loop and the path bookkeeping compiled once, not once per item type.
fn each(value: Value, cx: &mut Cx, item: &mut dyn FnMut(Value, &mut Cx)) {
    let Value::Array(items) = value else {
        return cx.misfit("expected a list");
    };
    for (i, value) in items.into_iter().enumerate() {
        if !cx.fits() {
            break;
        }
        item(value, cx);
        cx.within(true, Step::Index(i));
    }
}

/// Labels: null is none, and values that are not strings are skipped.
/// Filled by `extend`, not `collect`, as every map in the component (see
/// `guest::to_map` in component/): collecting into a `BTreeMap` compiles a sort.
impl Wire for BTreeMap<String, String> {
    fn read(value: Value, cx: &mut Cx) -> Self {
        let mut labels = BTreeMap::new();
        match value {
            Value::Null => {}
            Value::Object(map) => labels.extend(map.into_iter().filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                _ => None,
            })),
            _ => cx.misfit("expected an object"),
        }
        labels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `T` read from `value`.
    fn read<T: Wire>(value: Value) -> Result<T, Misfit> {
        let mut cx = Cx::default();
        let read = T::read(value, &mut cx);
        cx.finish().map(|()| read)
    }

    /// A field read by `reader` from `value` (`None`: absent).
    fn field<T>(reader: Reader<T>, value: Option<Value>) -> Result<T, Misfit> {
        let mut cx = Cx::default();
        let read = reader(value, &mut cx);
        cx.finish().map(|()| read)
    }

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
        let m = read::<Outer>(bad).unwrap_err();
        assert_eq!(m.path(), "innerList[2].n");
        assert_eq!(m.problem(), "expected an integer");
        let missing = read::<Vec<Outer>>(json!([{"name": "a"}, {"innerList": null}])).unwrap_err();
        assert_eq!(
            (missing.path().as_str(), missing.problem()),
            ("[1].name", "missing")
        );
        let top = read::<Outer>(json!([1])).unwrap_err();
        assert_eq!(
            (top.path().as_str(), top.problem()),
            ("", "expected an object")
        );
    }

    #[test]
    fn the_first_misfit_is_reported() {
        let m = read::<Outer>(json!({"name": 1, "innerList": 2})).unwrap_err();
        assert_eq!(m.path(), "name");
    }

    #[test]
    fn leaves_keep_their_leniencies() {
        assert_eq!(field(count, None), Ok(0));
        assert_eq!(field(count, Some(json!(null))), Ok(0));
        assert_eq!(field(count, Some(json!(2.7))), Ok(2));
        assert_eq!(field(count, Some(json!(-3))), Ok(0));
        assert_eq!(field(count, Some(json!(1e300))), Ok(u32::MAX));
        assert!(field(count, Some(json!("2"))).is_err());
        assert_eq!(
            field(or_null::<String>, Some(json!(null))),
            Ok(String::new())
        );
        assert!(field(or_default::<String>, Some(json!(null))).is_err());
        assert_eq!(field(or_default::<bool>, None), Ok(false));
        assert!(read::<u64>(json!(-1)).is_err() && read::<u64>(json!(1.0)).is_err());
        assert!(read::<i32>(json!(1u64 << 40)).is_err());
        assert_eq!(read::<i64>(json!(-5)), Ok(-5));
        assert_eq!(field(opt::<f64>, Some(json!(3))), Ok(Some(3.0)));
        let labels = read::<BTreeMap<String, String>>(json!({"a": "1", "b": 2})).unwrap();
        assert_eq!(labels.len(), 1);
        assert!(read::<BTreeMap<String, String>>(json!([])).is_err());
        assert_eq!(
            field(or_null::<Secret>, Some(json!(null)))
                .unwrap()
                .expose(),
            ""
        );
        assert!(read::<Secret>(json!(1)).is_err());
    }
}
