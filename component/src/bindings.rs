//! The generated WIT bindings; only `guest` touches their types.
#![allow(missing_docs)]

wit_bindgen::generate!({
    path: "../wit",
    world: "daytona-tools",
    pub_export_macro: true,
});
