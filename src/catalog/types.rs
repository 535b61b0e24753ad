//! What a tool is made of: fields with types, behaviour hints.

/// An argument's type and bounds; the schema and the parser both follow it.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    /// A string of at least `min_len` characters.
    String {
        /// Shortest accepted length.
        min_len: u32,
    },
    /// An integer within bounds.
    Integer {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// true or false.
    Boolean,
    /// One string from a fixed set.
    Choice {
        /// The accepted values.
        values: &'static [&'static str],
    },
    /// A list of strings, optionally from a fixed set.
    StringList {
        /// The accepted values, if fixed.
        values: Option<&'static [&'static str]>,
    },
    /// An object of string values.
    StringMap,
    /// Environment variables: an object of string values whose names match
    /// `^[A-Za-z_][A-Za-z0-9_]*$`.
    EnvMap,
    /// Whole seconds or a duration string (`90s`, `10m`, `1h30m`), within bounds.
    Duration {
        /// Shortest accepted, in seconds.
        min_secs: u64,
        /// Longest accepted, in seconds.
        max_secs: u64,
    },
}

/// One argument.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    /// Its name (Daytona's camelCase).
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
    /// What it means, for a model.
    pub description: &'static str,
}

/// Behaviour hints, as MCP tool annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hints {
    /// Changes nothing.
    pub read_only: bool,
    /// May destroy data or resources.
    pub destructive: bool,
    /// Repeating it has no further effect.
    pub idempotent: bool,
    /// Reaches an external system.
    pub open_world: bool,
}

impl Hints {
    /// Changes nothing.
    pub const READ: Hints = Hints::new(true, false, true);
    /// Creates something new on every call (a sandbox, a key).
    pub const CREATE: Hints = Hints::new(false, false, false);
    /// Moves something to a state; repeating it changes nothing more (start, stop).
    pub const SET_STATE: Hints = Hints::new(false, false, true);
    /// Removes something for good; removing it again changes nothing.
    pub const DELETE: Hints = Hints::new(false, true, true);
    /// Runs arbitrary code that may change or destroy anything in a sandbox.
    pub const RUN: Hints = Hints::new(false, true, false);
    /// Moves something to a state that ends what runs in it (stopping a sandbox ends its
    /// processes and deletes its sessions); repeating it changes nothing more.
    pub const STOP: Hints = Hints::new(false, true, true);
    /// Replaces what is there (a file's content); writing the same again changes nothing more.
    pub const OVERWRITE: Hints = Hints::new(false, true, true);
    /// Changes or removes existing data; repeating it does something else or fails (move, replace).
    pub const REWRITE: Hints = Hints::new(false, true, false);

    /// Every tool here reaches Daytona, so `open_world` is always set.
    const fn new(read_only: bool, destructive: bool, idempotent: bool) -> Hints {
        Hints {
            read_only,
            destructive,
            idempotent,
            open_world: true,
        }
    }
}

/// What a tool says of itself ([`super::Contract::ABOUT`]): its
/// [`ToolSpec`] but for the arguments, which come from its `arguments!`.
#[derive(Debug, Clone, Copy)]
pub struct About {
    /// snake_case name.
    pub name: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Description for a model.
    pub description: &'static str,
    /// Behaviour hints.
    pub hints: Hints,
    /// The JSON Schema of the result, where it has a fixed shape.
    pub output: Option<fn() -> serde_json::Value>,
}

/// A tool: what a model sees.
#[derive(Debug, Clone, Copy)]
pub struct ToolSpec {
    /// snake_case name.
    pub name: &'static str,
    /// Short title.
    pub title: &'static str,
    /// Description for a model.
    pub description: &'static str,
    /// Arguments.
    pub fields: &'static [Field],
    /// Behaviour hints.
    pub hints: Hints,
    /// The JSON Schema of the result, where it has a fixed shape.
    pub output: Option<fn() -> serde_json::Value>,
}

impl ToolSpec {
    /// A tool's [`About`] with its arguments ([`super::Contract::SPEC`]).
    pub const fn new(about: About, fields: &'static [Field]) -> ToolSpec {
        let About {
            name,
            title,
            description,
            hints,
            output,
        } = about;
        ToolSpec {
            name,
            title,
            description,
            fields,
            hints,
            output,
        }
    }
}
