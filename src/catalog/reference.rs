//! docs/tools.md, the tool reference, rendered from the catalog as
//! `list-tools` shows it with no configuration (every tool, the default
//! minting ceiling): the test fails when the committed file drifts;
//! `UPDATE_DOCS=1 cargo test -p daytona-tools --lib tools_md` rewrites it.
//! host-test's e2e `catalog::docs_tools_md_shows_what_list_tools_returns`
//! checks the same file against the real `.wasm`.

use super::Tool;
use super::selection::Selection;
use crate::env::Env;
use crate::keys::ceiling::MintCeiling;
use serde_json::Value;

/// Every `DAYTONA_TOOLS` preset, in the order the selection's error lists them.
const PRESETS: &[&str] = &[
    "all",
    "read-only",
    "sandboxes",
    "files",
    "git",
    "sessions",
    "keys",
];

const REGENERATE: &str = "UPDATE_DOCS=1 cargo test -p daytona-tools --lib tools_md";

/// The presets that hold `tool`.
fn presets(tool: Tool) -> Vec<&'static str> {
    PRESETS
        .iter()
        .copied()
        .filter(|p| Selection::parse(p).is_ok_and(|s| s.allows(tool)))
        .collect()
}

/// The hints that are set, as MCP names them (without `Hint`).
fn hints(tool: Tool) -> String {
    let h = tool.spec().hints;
    let set: Vec<&str> = [
        ("read-only", h.read_only),
        ("destructive", h.destructive),
        ("idempotent", h.idempotent),
        ("open-world", h.open_world),
    ]
    .into_iter()
    .filter(|&(_, on)| on)
    .map(|(name, _)| name)
    .collect();
    if set.is_empty() {
        "—".into()
    } else {
        set.join(", ")
    }
}

fn code_list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| {
            format!(
                "`{}`",
                v.as_str().map_or_else(|| v.to_string(), String::from)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON Schema of an argument, in words: `integer 1–65535`, `one of `a`, `b``.
fn type_of(schema: &Value) -> String {
    if let Some(any) = schema["anyOf"].as_array() {
        return any.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    match schema["type"].as_str().unwrap_or("any") {
        "string" => {
            if let Some(values) = schema["enum"].as_array() {
                format!("one of {}", code_list(values))
            } else if let Some(pattern) = schema["pattern"].as_str() {
                format!("string matching `{pattern}`")
            } else if schema["minLength"].as_u64() == Some(1) {
                "non-empty string".into()
            } else if let Some(min) = schema["minLength"].as_u64().filter(|&n| n > 1) {
                format!("string of at least {min} characters")
            } else {
                "string".into()
            }
        }
        "integer" => match (schema["minimum"].as_i64(), schema["maximum"].as_i64()) {
            (Some(min), Some(max)) => format!("integer {min}–{max}"),
            _ => "integer".into(),
        },
        "array" => match schema["items"]["enum"].as_array() {
            Some(values) => format!("list of {}", code_list(values)),
            None => format!("list of {}", type_of(&schema["items"])),
        },
        "object" => match schema["propertyNames"]["pattern"].as_str() {
            Some(pattern) => format!("object of strings, names matching `{pattern}`"),
            None => "object of strings".into(),
        },
        other => other.into(),
    }
}

/// Prose for Markdown: `<id>` would be read as an HTML tag and vanish.
/// (No description puts `<` in a code span, where `&lt;` would show as is.)
fn prose(text: &str) -> String {
    text.replace('<', "&lt;")
}

/// Text for a table cell: no pipes or line breaks.
fn cell(text: &str) -> String {
    prose(text).replace('|', "\\|").replace('\n', " ")
}

/// The result's fields, `?` marking those that may be absent; the fields of
/// objects and of lists of objects follow in parentheses.
fn result_fields(tool: Tool) -> String {
    match tool.spec().output_schema() {
        Some(schema) if schema["properties"].is_object() => fields(&schema),
        _ => "no fixed shape".into(),
    }
}

fn fields(schema: &Value) -> String {
    let Some(properties) = schema["properties"].as_object() else {
        return String::new();
    };
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    properties
        .iter()
        .map(|(name, prop)| {
            let optional = if required.iter().any(|r| r == name) {
                ""
            } else {
                "?"
            };
            let inner = if prop["properties"].is_object() {
                format!(" ({})", fields(prop))
            } else if prop["items"]["properties"].is_object() {
                format!(" (list of: {})", fields(&prop["items"]))
            } else {
                String::new()
            };
            format!("`{name}{optional}`{inner}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn render() -> String {
    let none: [(&str, &str); 0] = [];
    let ceiling = MintCeiling::from_env(&Env::from_pairs(none));
    let mut out = format!(
        "# Tools\n\n\
         Generated from the catalog (`src/catalog/`) by `src/catalog/reference.rs`;\n\
         regenerate it with\n\n\
         ```sh\n{REGENERATE}\n```\n\n\
         The test fails when this file and the catalog disagree, and an end-to-end\n\
         test checks it against the real `.wasm`. It shows what `list-tools` (and\n\
         the MCP server's `tools/list`) returns with no configuration: all {} tools,\n\
         descriptions and schemas under the default minting ceiling\n\
         (`DAYTONA_MINT_SCOPES`, `DAYTONA_MINT_MAX_TTL` and `DAYTONA_KEY_ADMIN`\n\
         change what `mint_ephemeral_key` and `create_api_key` advertise).\n\
         `DAYTONA_TOOLS` picks tools by name or by preset; the \"presets\" column\n\
         says which presets hold each tool. Hints are MCP's tool annotations\n\
         (`readOnlyHint`, `destructiveHint`, `idempotentHint`, `openWorldHint`);\n\
         every tool reaches Daytona, so all are open-world.\n\n\
         Arguments and result fields use Daytona's camelCase names; a sandbox may be\n\
         named by ID or by name. The full JSON Schemas (arguments and results) are in\n\
         `list-tools`' answer.\n\n\
         | tool | title | presets | hints |\n\
         |---|---|---|---|\n",
        Tool::ALL.len()
    );
    for &tool in Tool::ALL {
        let spec = tool.spec();
        out.push_str(&format!(
            "| [`{0}`](#{0}) | {1} | {2} | {3} |\n",
            spec.name,
            cell(spec.title),
            presets(tool).join(", "),
            hints(tool)
        ));
    }
    for &tool in Tool::ALL {
        let spec = tool.spec();
        let Some((description, schema)) = tool.advertised(&ceiling) else {
            continue;
        };
        out.push_str(&format!(
            "\n## {}\n\n**{}**. Presets: {}. Hints: {}.\n\n{}\n\n",
            spec.name,
            spec.title,
            presets(tool)
                .iter()
                .map(|p| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", "),
            hints(tool),
            prose(description.trim())
        ));
        let properties = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        if properties.is_empty() {
            out.push_str("Arguments: none.\n\n");
        } else {
            let required = schema["required"].as_array().cloned().unwrap_or_default();
            out.push_str("| argument | type | required | description |\n|---|---|---|---|\n");
            for field in spec.fields {
                let prop = &properties[field.name];
                let is_required = required.iter().any(|r| r == field.name);
                out.push_str(&format!(
                    "| `{}` | {} | {} | {} |\n",
                    field.name,
                    cell(&type_of(prop)),
                    if is_required { "yes" } else { "no" },
                    cell(prop["description"].as_str().unwrap_or_default())
                ));
            }
            out.push('\n');
        }
        out.push_str(&format!("Result: {}.\n", result_fields(tool)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_the_ones_the_selection_knows() {
        let err = Selection::parse("no-such-preset").unwrap_err();
        assert!(
            err.message.contains(&format!("({})", PRESETS.join(", "))),
            "{}",
            err.message
        );
        for tool in Tool::ALL {
            assert!(presets(*tool).contains(&"all"));
            assert!(presets(*tool).contains(&tool.area()));
        }
    }

    #[test]
    fn every_tool_is_advertised_under_the_default_ceiling() {
        let none: [(&str, &str); 0] = [];
        let ceiling = MintCeiling::from_env(&Env::from_pairs(none));
        for tool in Tool::ALL {
            assert!(tool.advertised(&ceiling).is_some(), "{}", tool.name());
        }
    }

    #[test]
    fn no_description_puts_a_left_angle_in_a_code_span() {
        // `prose` escapes `<` everywhere; inside a code span that would show `&lt;`.
        let none: [(&str, &str); 0] = [];
        let ceiling = MintCeiling::from_env(&Env::from_pairs(none));
        for tool in Tool::ALL {
            let (description, schema) = tool.advertised(&ceiling).unwrap();
            let mut texts = vec![description];
            for prop in schema["properties"].as_object().unwrap().values() {
                texts.push(prop["description"].as_str().unwrap_or_default().into());
            }
            for text in texts {
                let spans = text.split('`').skip(1).step_by(2);
                assert!(spans.clone().all(|s| !s.contains('<')), "{}", tool.name());
            }
        }
    }

    #[test]
    fn tools_md_is_current() {
        let doc = render();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/tools.md");
        if std::env::var("UPDATE_DOCS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &doc).unwrap();
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == doc,
            "docs/tools.md is out of date; run {REGENERATE}\n--- generated ---\n{doc}"
        );
    }
}
