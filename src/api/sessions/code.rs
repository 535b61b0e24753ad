//! Code runs (`run_code`): `POST /process/code-run`, its result bounded
//! and its charts described.

use super::super::execute::{Ends, cut_of, keeping_ends};
use super::super::lifecycle::check_env_names;
use super::super::toolbox::{Toolbox, shown};
use super::output::exit_code;
use super::{ANSWER_MARGIN, MAX_LABEL, check_text, cut};
use super::{DEFAULT_CODE_TIMEOUT_SECS, LANGUAGES, MAX_CHARTS, MAX_CODE_TIMEOUT_SECS};
use crate::error::Error;
use crate::http::{Client, Method, Transport, When, decode};
use crate::models::sessions::{Chart, CodeRunRequest, CodeRunResponse};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// A program to run with `run_code`.
#[derive(Debug, Clone, Default)]
pub struct Code {
    /// The sandbox (ID or name).
    pub sandbox: String,
    /// The program.
    pub code: String,
    /// `python`, `javascript` or `typescript`.
    pub language: String,
    /// Its arguments.
    pub argv: Vec<String>,
    /// Extra environment variables.
    pub env: BTreeMap<String, String>,
    /// Seconds before it is killed.
    pub timeout: Option<u32>,
}

/// A chart a program drew, described: its image and data are left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartInfo {
    /// `line`, `scatter`, `bar`, `pie`, `box_and_whisker`, `composite_chart`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its title (at most 200 bytes).
    pub title: String,
    /// The x axis label.
    pub x_label: String,
    /// The y axis label.
    pub y_label: String,
    /// How many elements (lines, bars, points, sub-charts) it has.
    pub elements: u64,
    /// Whether Daytona rendered it as a PNG (not returned).
    pub has_png: bool,
}

/// What `run_code` returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRun {
    /// The exit code (-1 when the program could not start).
    pub exit_code: i32,
    /// stdout and stderr, merged, bounded.
    pub result: String,
    /// Whether `result` was cut.
    pub truncated: bool,
    /// Bytes of the whole output.
    pub result_length: u64,
    /// The charts drawn (the first 100).
    pub charts: Vec<ChartInfo>,
    /// How many charts were drawn.
    pub chart_count: u64,
}

/// Run a program with `POST /process/code-run`, killed after its timeout
/// (default [`DEFAULT_CODE_TIMEOUT_SECS`]).
pub fn run_code<T: Transport>(client: &Client<T>, code: &Code) -> Result<CodeRun, Error> {
    check_text("code", &code.code)?;
    if !LANGUAGES.contains(&code.language.as_str()) {
        return Err(Error::invalid_input(format!(
            "`language` is '{}', not one of: {}",
            shown(&code.language),
            LANGUAGES.join(", ")
        )));
    }
    let timeout = code.timeout.unwrap_or(DEFAULT_CODE_TIMEOUT_SECS);
    if !(1..=MAX_CODE_TIMEOUT_SECS).contains(&timeout) {
        return Err(Error::invalid_input(format!(
            "`timeout` is {timeout}; it must be from 1 to {MAX_CODE_TIMEOUT_SECS} seconds"
        )));
    }
    if let Some(arg) = code.argv.iter().find(|a| a.contains('\0')) {
        return Err(Error::invalid_input(format!(
            "`argv` holds '{}' with a NUL character, which no program argument can hold",
            shown(arg)
        )));
    }
    check_env_names("env", code.env.keys())?;
    let tb = Toolbox::open(client, &code.sandbox)?;
    let wait = Duration::from_secs(u64::from(timeout)) + ANSWER_MARGIN;
    // The program's run time is the call's own wait: its budget grows by as much.
    client.extend_call(wait);
    let what = format!("run {} code in sandbox '{}'", code.language, tb.name);
    let req = tb
        .request(Method::Post, "/process/code-run", what.clone())
        .json(&CodeRunRequest {
            code: code.code.clone(),
            language: code.language.clone(),
            argv: code.argv.clone(),
            envs: code.env.clone(),
            timeout,
        })?
        .timeout(wait)
        .hint(
            When::Status(408),
            format!(
                "the program ran longer than its timeout ({timeout} s) and was killed; raise `timeout` (at most {MAX_CODE_TIMEOUT_SECS}), or run it in the background with run_session_command and async: true"
            ),
        );
    let answer = client.send(&keeping_ends(req, client.config.output_limit))?;
    let run: CodeRunResponse = decode(&answer.body, &what)?;
    let result = Ends::of(
        run.result.clone().unwrap_or_default(),
        cut_of(&answer, "result"),
    );
    Ok(shape_run(run, result, client.config.output_limit))
}

/// The run's result bounded, its charts described.
pub(super) fn shape_run(answer: CodeRunResponse, result: Ends, limit: usize) -> CodeRun {
    let (result, truncated, result_length) = result.bound(limit);
    let charts = answer.artifacts.and_then(|a| a.charts).unwrap_or_default();
    let chart_count = charts.len() as u64;
    CodeRun {
        exit_code: exit_code(answer.exit_code).unwrap_or(-1),
        result,
        truncated,
        result_length,
        charts: charts
            .into_iter()
            .take(MAX_CHARTS)
            .map(chart_info)
            .collect(),
        chart_count,
    }
}

fn chart_info(chart: Chart) -> ChartInfo {
    let label = |s: Option<String>| cut(&s.unwrap_or_default(), MAX_LABEL);
    ChartInfo {
        kind: label(chart.kind),
        title: label(chart.title),
        x_label: label(chart.x_label),
        y_label: label(chart.y_label),
        elements: chart.elements.map_or(0, |e| e.len() as u64),
        has_png: chart.png.is_some_and(|p| !p.is_empty()),
    }
}
