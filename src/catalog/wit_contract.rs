//! The WIT cannot be generated from the Rust contracts, so this checks it
//! against them: every tool has a typed function of the same (kebab-case)
//! name whose parameters, or whose one `request` record's fields, are
//! exactly the tool's arguments; a required argument is never an `option`;
//! and every typed result record has the fields of the tool's output schema.

use super::wit_names::{kebab, wit_argument};
use super::{Field, Tool};

const WIT: &str = include_str!("../../wit/world.wit");

/// `name: type` pairs of a comma list, where types may hold commas inside `<>`.
fn pairs(list: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    let bytes = list.as_bytes();
    for i in 0..=bytes.len() {
        match bytes.get(i) {
            Some(b'<') => depth += 1,
            Some(b'>') => depth -= 1,
            Some(b',') | None if depth == 0 => {
                let item = list[start..i].trim();
                if let Some((name, ty)) = item.split_once(':') {
                    let name = name.trim().trim_start_matches('%');
                    out.push((name.to_string(), ty.trim().to_string()));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

/// The fields of `record name { ... }`, doc comments left out.
fn record(name: &str) -> Vec<(String, String)> {
    let start = WIT
        .find(&format!("record {name} {{"))
        .unwrap_or_else(|| panic!("no record {name}"));
    let body = &WIT[start..];
    let body = &body[body.find('{').unwrap() + 1..body.find('}').unwrap()];
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .collect();
    pairs(&lines.join(" "))
}

/// The parameters of `name: func(...)`, or the fields of its one `request` record.
fn parameters(func: &str) -> Vec<(String, String)> {
    let start = WIT
        .find(&format!("    {func}: func("))
        .unwrap_or_else(|| panic!("no WIT function {func}"));
    let rest = &WIT[start + func.len() + 11..];
    let params = pairs(&rest[..rest.find(") ->").unwrap()]);
    match params.as_slice() {
        [(name, ty)] if name == "request" => record(ty),
        _ => params,
    }
}

fn wit_name(tool: Tool, field: &Field) -> String {
    wit_argument(tool.name(), field.name)
}

#[test]
fn every_typed_function_takes_exactly_its_tools_arguments() {
    for &tool in Tool::ALL {
        let func = kebab(tool.name());
        let params = parameters(&func);
        let fields = tool.spec().fields;
        let want: Vec<String> = fields.iter().map(|f| wit_name(tool, f)).collect();
        let got: Vec<&str> = params.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(got, want, "{func}: WIT parameters vs the tool's arguments");
        for (field, (name, ty)) in fields.iter().zip(&params) {
            if field.required {
                assert!(!ty.starts_with("option<"), "{func}.{name} is required");
            }
        }
    }
}

#[test]
fn the_wit_reader_sees_records_and_parameters() {
    assert_eq!(kebab("autoStopInterval"), "auto-stop-interval");
    assert_eq!(kebab("get_current_api_key"), "get-current-api-key");
    assert_eq!(
        parameters("stop-sandbox"),
        [
            ("sandbox".to_string(), "string".to_string()),
            ("force".to_string(), "bool".to_string()),
            ("timeout".to_string(), "option<u32>".to_string()),
        ]
    );
    assert!(
        record("sandbox")
            .iter()
            .any(|(n, _)| n == "network-allow-list")
    );
}

#[test]
fn every_typed_result_record_has_the_fields_of_its_output_schema() {
    use super::schemas;
    // (WIT record, the schema of the same result, fields only JSON carries)
    let results: [(&str, serde_json::Value, &[&str]); 29] = [
        ("sandbox", schemas::sandbox(), &[]),
        ("preview-url", schemas::preview_url(), &[]),
        (
            "snapshot",
            schemas::snapshot_list()["properties"]["snapshots"]["items"].clone(),
            &[],
        ),
        ("api-key", schemas::api_key(), &["organizationId"]),
        ("execute-response", schemas::execution(), &[]),
        ("minted-key", schemas::minted_key(), &[]),
        (
            "ephemeral-key",
            schemas::ephemeral_key_list()["properties"]["ephemeralKeys"]["items"].clone(),
            &[],
        ),
        ("sweep-report", schemas::sweep_report(), &[]),
        ("file-info", schemas::file_info(), &[]),
        ("file-listing", schemas::file_listing(), &[]),
        ("file-text", schemas::file_text(), &[]),
        ("write-file-response", schemas::file_written(), &[]),
        ("file-download", schemas::file_download(), &[]),
        ("find-response", schemas::file_matches(), &[]),
        ("search-response", schemas::file_names(), &[]),
        (
            "replace-result",
            schemas::file_replacements()["properties"]["results"]["items"].clone(),
            &[],
        ),
        ("command-output", schemas::command_output(), &[]),
        ("session-list", schemas::session_list(), &[]),
        (
            "session-info",
            schemas::session_list()["properties"]["sessions"]["items"].clone(),
            &[],
        ),
        (
            "session-command",
            schemas::session_list()["properties"]["sessions"]["items"]["properties"]["commands"]
                ["items"]
                .clone(),
            &[],
        ),
        ("code-run", schemas::code_run(), &[]),
        (
            "chart-info",
            schemas::code_run()["properties"]["charts"]["items"].clone(),
            &[],
        ),
        ("git-cloned", schemas::git_cloned(), &[]),
        ("repo-status", schemas::git_status(), &[]),
        (
            "file-status",
            schemas::git_status()["properties"]["fileStatus"]["items"].clone(),
            &[],
        ),
        ("git-committed", schemas::git_committed(), &[]),
        ("branch-list", schemas::git_branches(), &[]),
        ("commit-log", schemas::git_log(), &[]),
        (
            "commit-info",
            schemas::git_log()["properties"]["commits"]["items"].clone(),
            &[],
        ),
    ];
    for (name, schema, json_only) in results {
        let want: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !json_only.contains(&k.as_str()))
            .map(|k| kebab(k))
            .collect();
        let mut got: Vec<String> = record(name).into_iter().map(|(n, _)| n).collect();
        let mut want = want;
        got.sort();
        want.sort();
        assert_eq!(got, want, "WIT record {name} vs its output schema");
    }
}
