//! A tool's one contract: its arguments type (declared once with
//! `arguments!`, which gives the fields the schema and the
//! parser follow, and the typed reads and writes keyed by the same names),
//! what it returns, and how it runs. `call-tool` and the MCP server reach a
//! tool through [`admit`] and [`call_json`], the typed WIT exports through
//! [`invoke`]: each checks the selection and validates the arguments the same
//! way ([`run_checked`]), then the tool runs.

use super::selection::Selection;
use super::{Args, Context, Field, Tool, ToolSpec};
use crate::error::Error;
use crate::http::Transport;
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A Rust type an argument is read into, and written back from for
/// validation. Whether the argument is required follows from the type.
pub trait ArgValue: Sized {
    /// Whether the argument must be given (a plain `String`); lists and maps
    /// may be marked required in `arguments!`.
    const REQUIRED: bool = false;
    /// Read a value already checked against the field's type (`None` when absent).
    fn read(value: Option<&Value>) -> Self;
    /// The JSON the value stands for (`None` when absent), to be checked
    /// exactly as a `call-tool` argument is.
    fn write(&self) -> Option<Value>;
}

impl ArgValue for String {
    const REQUIRED: bool = true;
    fn read(value: Option<&Value>) -> Self {
        value
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }
    fn write(&self) -> Option<Value> {
        Some(Value::String(self.clone()))
    }
}

impl ArgValue for Option<String> {
    fn read(value: Option<&Value>) -> Self {
        value.and_then(Value::as_str).map(String::from)
    }
    fn write(&self) -> Option<Value> {
        self.clone().map(Value::String)
    }
}

/// A credential argument (a git password): kept in a [`Secret`], so that no
/// `Debug` of the arguments shows it.
impl ArgValue for Option<Secret> {
    fn read(value: Option<&Value>) -> Self {
        value.and_then(Value::as_str).map(Secret::new)
    }
    fn write(&self) -> Option<Value> {
        self.as_ref().map(|s| Value::String(s.expose().to_string()))
    }
}

impl ArgValue for Option<u32> {
    fn read(value: Option<&Value>) -> Self {
        value
            .and_then(Value::as_u64)
            .and_then(|v| u32::try_from(v).ok())
    }
    fn write(&self) -> Option<Value> {
        self.map(Value::from)
    }
}

impl ArgValue for Option<i32> {
    fn read(value: Option<&Value>) -> Self {
        value
            .and_then(Value::as_i64)
            .and_then(|v| i32::try_from(v).ok())
    }
    fn write(&self) -> Option<Value> {
        self.map(Value::from)
    }
}

/// Seconds given as a whole number or a duration string (`Ty::Duration`).
impl ArgValue for Option<u64> {
    fn read(value: Option<&Value>) -> Self {
        match value? {
            Value::String(text) => crate::keys::ttl::parse(text).ok(),
            other => other.as_u64(),
        }
    }
    fn write(&self) -> Option<Value> {
        self.map(Value::from)
    }
}

impl ArgValue for Option<bool> {
    fn read(value: Option<&Value>) -> Self {
        value.and_then(Value::as_bool)
    }
    fn write(&self) -> Option<Value> {
        self.map(Value::Bool)
    }
}

/// A flag: absent is `false`.
impl ArgValue for bool {
    fn read(value: Option<&Value>) -> Self {
        value.and_then(Value::as_bool).unwrap_or(false)
    }
    fn write(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ArgValue for Vec<String> {
    fn read(value: Option<&Value>) -> Self {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
    fn write(&self) -> Option<Value> {
        Some(Value::from(self.clone()))
    }
}

/// Maps are filled by `extend`, not `collect`: collecting into a `BTreeMap`
/// compiles a sort into the component for each kind of iterator.
impl ArgValue for BTreeMap<String, String> {
    fn read(value: Option<&Value>) -> Self {
        let mut map = BTreeMap::new();
        if let Some(m) = value.and_then(Value::as_object) {
            map.extend(
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string()))),
            );
        }
        map
    }
    fn write(&self) -> Option<Value> {
        let mut map = Map::new();
        map.extend(
            self.iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone()))),
        );
        Some(Value::Object(map))
    }
}

/// A tool's arguments as a Rust type; implemented by `arguments!`.
pub trait Arguments: Sized {
    /// The fields, in order: the input schema and the parser follow them.
    const FIELDS: &'static [Field];
    /// The typed arguments from checked ones.
    fn from_args(args: &Args) -> Self;
    /// The arguments as the JSON object `call-tool` would have been given.
    fn to_json(&self) -> Map<String, Value>;
}

/// Which [`super::Tool`] a contract is; implemented by the catalog's table.
pub trait Identity {
    /// The tool.
    const TOOL: super::Tool;
}

/// One tool: its description, its arguments ([`Arguments`]), its result and how it runs.
pub trait Contract: Arguments + Identity {
    /// What it says of itself: name, title, description, hints, result schema.
    const ABOUT: super::About;
    /// What a model is shown: [`Self::ABOUT`] with the arguments' fields.
    const SPEC: ToolSpec = ToolSpec::new(Self::ABOUT, Self::FIELDS);
    /// What a successful call gives back, before it becomes JSON or WIT.
    type Output: serde::Serialize;
    /// Run the tool with validated arguments.
    fn run<T: Transport>(self, client: &Context<T>) -> Result<Self::Output, Error>;
    /// The result as `call-tool` returns it (a JSON object).
    /// By default the output as serde writes it; a tool whose output is a
    /// list or a plain value puts it under a name.
    fn output_json(output: Self::Output) -> Result<Value, Error> {
        super::to_value(output)
    }
}

/// Admit a call with JSON arguments (`call-tool`, MCP) before it reaches
/// the tool's own code: refused if the host's `DAYTONA_TOOLS` leaves the tool
/// out, then the arguments are parsed and checked against its fields.
pub fn admit(tools: &Selection, tool: Tool, arguments: &str) -> Result<Args, Error> {
    tools.check(tool)?;
    Args::parse(tool.spec(), arguments)
}

/// Run a tool with [`admit`]ted JSON arguments; the result is a JSON object.
pub fn call_json<C: Contract, T: Transport>(
    client: &Context<T>,
    args: &Args,
) -> Result<Value, Error> {
    let output = run_checked(client, C::from_args(args))?;
    C::output_json(output)
}

/// Run a tool with typed arguments (the WIT exports): [`run_checked`], which
/// refuses it exactly as [`admit`] does.
pub fn invoke<C: Contract, T: Transport>(client: &Context<T>, args: C) -> Result<C::Output, Error> {
    run_checked(client, args)
}

/// Check the arguments however they arrived, then run: refused if the
/// host's `DAYTONA_TOOLS` leaves the tool out (again, for JSON arguments),
/// then [`validate`]d. Kept out of line so that each tool's run is compiled
/// once, not once per way its arguments arrive (`call-tool` and the typed export).
#[inline(never)]
fn run_checked<C: Contract, T: Transport>(
    client: &Context<T>,
    args: C,
) -> Result<C::Output, Error> {
    check_typed(&client.policy.tools, C::TOOL, args.to_json())?;
    args.run(client)
}

/// Check typed arguments as `call-tool` checks JSON ones: the one validation.
pub fn validate<C: Contract>(args: &C) -> Result<(), Error> {
    check_json(&C::SPEC, args.to_json())
}

/// [`run_checked`]'s checks once the typed arguments are JSON: the
/// selection, then [`validate`]'s. Compiled once, not once per tool.
#[inline(never)]
fn check_typed(tools: &Selection, tool: Tool, json: Map<String, Value>) -> Result<(), Error> {
    tools.check(tool)?;
    check_json(tool.spec(), json)
}

/// [`validate`] after the typed arguments became JSON.
fn check_json(spec: &ToolSpec, json: Map<String, Value>) -> Result<(), Error> {
    Args::check(spec, json).map(drop)
}

/// Declare a tool's arguments once: a struct whose fields are read from, and
/// written back to, the JSON argument of the same name, and the [`Field`]
/// table the schema and the parser follow.
///
/// ```ignore
/// arguments! {
///     /// `get_sandbox`.
///     pub struct GetSandbox {
///         sandbox: String = "sandbox", Ty::String { min_len: 1 } => "The sandbox's ID or name.";
///     }
/// }
/// ```
///
/// A plain `String` is required; `required` after the name marks a list required.
macro_rules! arguments {
    ($(#[$meta:meta])* pub struct $name:ident {
        $( $field:ident : $ty:ty = $key:literal $($marker:ident)?, $fty:expr => $desc:expr; )*
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct $name {
            $( #[doc = concat!("The `", $key, "` argument.")] pub $field: $ty, )*
        }

        impl $crate::catalog::contract::Arguments for $name {
            const FIELDS: &'static [$crate::catalog::Field] = &[$(
                $crate::catalog::Field {
                    name: $key,
                    ty: $fty,
                    required: <$ty as $crate::catalog::contract::ArgValue>::REQUIRED
                        $(|| $crate::catalog::contract::required!($marker))?,
                    description: $desc,
                },
            )*];

            #[allow(unused_variables)]
            fn from_args(args: &$crate::catalog::Args) -> Self {
                $name {
                    $( $field: $crate::catalog::contract::ArgValue::read(args.value($key)), )*
                }
            }

            fn to_json(&self) -> serde_json::Map<String, serde_json::Value> {
                #[allow(unused_mut)]
                let mut out = serde_json::Map::new();
                $(
                    $crate::catalog::contract::put(
                        &mut out,
                        $key,
                        $crate::catalog::contract::ArgValue::write(&self.$field),
                    );
                )*
                out
            }
        }
    };
}

/// `arguments!`'s one marker after a name: `required` and no other word, so
/// that a misspelt marker fails to compile rather than marking the field.
macro_rules! required {
    (required) => {
        true
    };
    ($other:ident) => {
        compile_error!(concat!(
            "`",
            stringify!($other),
            "` after an argument's name: the one marker is `required`"
        ))
    };
}

/// Set `key` in `out` when the argument is given: `to_json`'s one step per
/// field, out of line so that `arguments!` expands to a call per field.
#[inline(never)]
pub fn put(out: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        out.insert(key.to_string(), value);
    }
}

pub(crate) use {arguments, required};
