//! The table of tools: names, descriptions for a model, argument fields, hints.

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
    /// A list of strings, optionally from a fixed set.
    StringList {
        /// The accepted values, if fixed.
        values: Option<&'static [&'static str]>,
    },
    /// An object of string values.
    StringMap,
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
}

const READ: Hints = Hints {
    read_only: true,
    destructive: false,
    idempotent: true,
    open_world: true,
};

const SANDBOX_ARG: Field = Field {
    name: "sandbox",
    ty: Ty::String { min_len: 1 },
    required: true,
    description: "The sandbox's ID or name (see list_sandboxes).",
};

/// Every tool this version offers.
pub const TOOLS: &[ToolSpec] = &[
    ToolSpec {
        name: "list_sandboxes",
        title: "List sandboxes",
        description: "List the Daytona sandboxes in the organization with their state, snapshot, resources and labels. \
Read-only. Filter by name prefix, labels or states; `limit` caps how many are returned (all pages are followed otherwise). \
Use get_sandbox for one sandbox you already know by ID or name.",
        fields: &[
            Field {
                name: "name",
                ty: Ty::String { min_len: 1 },
                required: false,
                description: "Only sandboxes whose name starts with this.",
            },
            Field {
                name: "labels",
                ty: Ty::StringMap,
                required: false,
                description: "Only sandboxes carrying all of these labels, e.g. {\"team\": \"ai\"}.",
            },
            Field {
                name: "states",
                ty: Ty::StringList {
                    values: Some(crate::api::sandboxes::STATES),
                },
                required: false,
                description: "Only sandboxes in one of these states, e.g. [\"started\"].",
            },
            Field {
                name: "limit",
                ty: Ty::Integer { min: 1, max: 10_000 },
                required: false,
                description: "Return at most this many sandboxes.",
            },
        ],
        hints: READ,
    },
    ToolSpec {
        name: "get_sandbox",
        title: "Get a sandbox",
        description: "Get one Daytona sandbox by ID or name: its state (started, stopped, error, ...), snapshot, resources, labels and timestamps. \
Read-only. Use it to check whether a sandbox is started before execute_command; use list_sandboxes to find names.",
        fields: &[SANDBOX_ARG],
        hints: READ,
    },
];
