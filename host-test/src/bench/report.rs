//! What a bench run found, and the two files written from it:
//! `docs/benchmarks.md` ([`markdown`]) and its chart ([`svg`], hand-written
//! SVG: grouped horizontal bars of the median per call). Plain functions of a
//! [`Report`], so tests can check them without running anything.

use super::stats::{Summary, ratios_to_fastest};
use std::fmt::Write as _;

/// What a contender is, for the targets that compare two of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The library component, a fresh instance per call.
    Fresh,
    /// The library component, one instance for every call.
    Reused,
    /// The native Rust client.
    Native,
    /// Daytona's Python SDK.
    Python,
    /// Anything else (shown, compared with nothing).
    Other,
}

/// One way of making the calls.
#[derive(Debug, Clone)]
pub struct Contender {
    /// Column title and legend entry.
    pub label: String,
    /// One sentence on how it makes the call.
    pub description: String,
    /// What the targets compare it as.
    pub role: Role,
}

/// One contender's measurements for one operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Per-call latency, milliseconds.
    pub latency: Summary,
    /// Requests the emulator received per call, on average.
    pub requests: f64,
}

/// One operation, measured by every contender (`None`: not measured).
#[derive(Debug, Clone)]
pub struct Row {
    /// The tool, e.g. `get_sandbox`.
    pub op: String,
    /// What exactly is asked, e.g. "`echo hi`".
    pub detail: String,
    /// In the order of [`Report::contenders`].
    pub cells: Vec<Option<Cell>>,
}

/// Size, compile, instantiate and memory numbers.
#[derive(Debug, Clone, Default)]
pub struct Footprint {
    /// `daytona_tools.wasm`, bytes.
    pub library_bytes: u64,
    /// The same, gzipped (`gzip -9`), when gzip ran.
    pub library_gzip: Option<u64>,
    /// `daytona_mcp.wasm`, bytes.
    pub mcp_bytes: u64,
    /// The same, gzipped.
    pub mcp_gzip: Option<u64>,
    /// Compiling the library component from its bytes, no cache, ms.
    pub compile_ms: Option<Summary>,
    /// Deserializing the precompiled library component, ms.
    pub deserialize_ms: Option<Summary>,
    /// Instantiating from the pre-linked component (store included), ms.
    pub instantiate_ms: Option<Summary>,
    /// Instantiating plus the first call (`get_sandbox`) on that instance, ms.
    pub first_call_ms: Option<Summary>,
    /// Deserialize, link, instantiate and the first call, from bytes on disk, ms.
    pub cold_start_ms: Option<Summary>,
    /// Peak linear memory of a fresh instance after one call, per operation, bytes.
    pub peak_memory: Vec<(String, usize)>,
    /// Calls per second with this many concurrent fresh instances.
    pub throughput: Vec<(usize, f64)>,
}

/// A whole run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The command line, as run.
    pub command: String,
    /// CPU model name.
    pub cpu: String,
    /// Logical cores.
    pub cores: usize,
    /// The machine's load average during the run, as text.
    pub load: String,
    /// The wasmtime version the host links.
    pub wasmtime: String,
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    /// Timed calls per contender and operation.
    pub calls: usize,
    /// The columns.
    pub contenders: Vec<Contender>,
    /// The operations.
    pub rows: Vec<Row>,
    /// Everything not per call.
    pub footprint: Footprint,
    /// Remarks printed under the tables (skipped contenders, ...).
    pub notes: Vec<String>,
}

/// One target of issue 12, judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The goal, as the issue states it.
    pub goal: String,
    /// The number measured, with where it came from.
    pub measured: String,
    /// `None`: not measured in this run.
    pub met: Option<bool>,
    /// What bounds the number, said when the target is not met.
    pub limit: &'static str,
}

/// What bounds each measured number (the analysis behind the targets table;
/// the component's own sizes are broken down in docs/size.md).
mod limits {
    pub const FRESH: &str = "a fresh instance pays for a new store and WASI context, instantiation (about 0.07 ms, the footprint table) and the component's start on its first call (its environment read into a configuration, its allocator's first pages); the rest is the reused instance's cost";
    pub const REUSED: &str = "measured with `perf record` on 20,000 reused `get_sandbox` calls (`--profile host`, wasmtime's perf map naming the guest's functions), per call: about 80 µs of CPU in the guest's own code (the answer parsed into a `Value` and read into the model, the result written; a quarter of it `BTreeMap` work for serde_json's maps, in a build optimised for size) and about 145 µs in the host's wasi:http path (100 µs on the calling thread: allocation, the canonical ABI of each host call, header checks; 45 µs in tokio's workers: the connection's task and its wake-ups), against about 70 µs for the native client's whole request; the emulator's answer takes about 75 µs more in every contender. No single cost dominates";
    pub const PYTHON: &str = "a fifth of the SDK's time is close to, or below, what the emulator alone takes to answer (the native client's time): for `execute_command` no client making the same requests can meet it, and for the others it asks for the component within about the native client's time, the bar of the first two targets";
    pub const SIZE: &str = "after the cuts in docs/size.md the core module holds about 566 KB of code and 100 KB of data: our own code for 49 tools (about 250 KB: requests, checks, per-tool glue), core, alloc and std (collections, formatting, the allocator), serde_json's parser and writer, and the canonical-ABI glue of each exported WIT function; `wasm-opt -Oz` would take off about a sixth more but is not part of `cargo build`; docs/size.md has the profile and what going further would take";
    pub const COMPILE: &str = "cranelift's time follows the code size (about 566 KB of code in 2,548 functions); hosts avoid it by compiling once and deserializing the precompiled component (the row below)";
    pub const NONE: &str = "";
}

const KIB: f64 = 1024.0;
const MIB: f64 = 1024.0 * 1024.0;

/// Issue 12's targets against this report's numbers.
pub fn targets(report: &Report) -> Vec<Target> {
    let mut out = Vec::new();
    let column = |role| report.contenders.iter().position(|c| c.role == role);
    // Per operation, `of`'s median over `to`'s.
    let per_op = |of: Option<usize>, to: Option<usize>| -> Vec<(f64, String)> {
        let (Some(of), Some(to)) = (of, to) else {
            return Vec::new();
        };
        report
            .rows
            .iter()
            .filter_map(|r| {
                let a = r.cells.get(of).copied().flatten()?.latency.median;
                let b = r.cells.get(to).copied().flatten()?.latency.median;
                (b > 0.0).then(|| (a / b, r.op.clone()))
            })
            .collect()
    };
    let (fresh, reused, native, python) = (
        column(Role::Fresh),
        column(Role::Reused),
        column(Role::Native),
        column(Role::Python),
    );
    for (who, of, limit, bound) in [
        ("fresh instance per call", fresh, 1.3, limits::FRESH),
        ("reused instance", reused, 1.1, limits::REUSED),
    ] {
        let worst = per_op(of, native)
            .into_iter()
            .max_by(|x, y| x.0.total_cmp(&y.0));
        out.push(Target {
            goal: format!("component, {who}: within {limit}× of the native Rust client"),
            measured: worst.as_ref().map_or("not measured".into(), |(r, op)| {
                format!("{r:.2}× (worst operation: `{op}`)")
            }),
            met: worst.map(|(r, _)| r <= limit),
            limit: bound,
        });
    }
    // The operation where the component gains least over the SDK decides.
    let least = per_op(python, fresh)
        .into_iter()
        .min_by(|x, y| x.0.total_cmp(&y.0));
    out.push(Target {
        goal: "component (fresh instance) at least 5× faster per call than Daytona's Python SDK"
            .into(),
        measured: least.as_ref().map_or("not measured".into(), |(s, op)| {
            format!("{s:.1}× (least: `{op}`)")
        }),
        met: least.map(|(s, _)| s >= 5.0),
        limit: limits::PYTHON,
    });
    let f = &report.footprint;
    for (what, bytes, limit_kib) in [
        ("library component", f.library_bytes, 300.0),
        ("MCP server component", f.mcp_bytes, 400.0),
    ] {
        let measured = (bytes > 0).then_some(bytes as f64 / KIB);
        out.push(Target {
            goal: format!("{what} ≤ {limit_kib:.0} KiB"),
            measured: measured.map_or("not measured".into(), |k| format!("{k:.0} KiB")),
            met: measured.map(|k| k <= limit_kib),
            limit: limits::SIZE,
        });
    }
    for (goal, value, limit, bound) in [
        ("compile ≤ 200 ms", f.compile_ms, 200.0, limits::COMPILE),
        (
            "precompiled instantiate plus first call ≤ 3 ms",
            f.first_call_ms,
            3.0,
            limits::FRESH,
        ),
    ] {
        out.push(Target {
            goal: goal.into(),
            measured: value.map_or("not measured".into(), |s| {
                format!("{} ms (median)", ms(s.median))
            }),
            met: value.map(|s| s.median <= limit),
            limit: bound,
        });
    }
    let peak = f.peak_memory.iter().max_by_key(|(_, b)| *b);
    out.push(Target {
        goal: "≤ 2 MiB linear memory per instance".into(),
        measured: peak.map_or("not measured".into(), |(op, b)| {
            format!("{:.2} MiB (largest: `{op}`)", *b as f64 / MIB)
        }),
        met: peak.map(|(_, b)| *b as f64 <= 2.0 * MIB),
        limit: limits::NONE,
    });
    out
}

/// A duration in milliseconds with precision that suits its size.
pub fn ms(value: f64) -> String {
    if value < 1.0 {
        format!("{value:.3}")
    } else if value < 100.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.0}")
    }
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB ({bytes} bytes)", bytes as f64 / KIB)
}

fn summary_cell(s: &Option<Summary>) -> String {
    match s {
        Some(s) => format!("{} ms (p99 {} ms, n = {})", ms(s.median), ms(s.p99), s.n),
        None => "not measured".into(),
    }
}

/// `docs/benchmarks.md`: the run's command and machine, the targets, the
/// per-call table, the footprint and throughput; `chart` is the SVG's file
/// name beside it.
pub fn markdown(report: &Report, chart: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by `{}` on {} (UTC). Machine: {}, {} logical cores, 1-minute load \
         average {} (other work on the machine competes with the bench); wasmtime {}; \
         the emulator on loopback in the same process, on a thread of its own. \
         {} timed calls per contender and operation, interleaved (each round calls \
         every contender once, in a rotating order) after warm-up calls.\n",
        report.command,
        report.date,
        report.cpu,
        report.cores,
        report.load,
        report.wasmtime,
        report.calls
    );
    let _ = writeln!(md, "![Median latency per call, by contender]({chart})\n");

    let _ = writeln!(md, "## Targets (issue 12)\n");
    let _ = writeln!(
        md,
        "| target | measured | status | what limits it |\n|---|---|---|---|"
    );
    for t in targets(report) {
        let (status, limit) = match t.met {
            Some(true) => ("met", ""),
            Some(false) => ("**not met**", t.limit),
            None => ("not measured", ""),
        };
        let _ = writeln!(md, "| {} | {} | {status} | {limit} |", t.goal, t.measured);
    }

    let _ = writeln!(md, "\n## Per-call latency\n");
    let _ = writeln!(
        md,
        "Each cell: the median, the 99th percentile, the median's ratio to the row's fastest, \
         and how many requests the emulator received per call.\n"
    );
    for c in &report.contenders {
        let _ = writeln!(md, "- **{}**: {}", c.label, c.description);
    }
    let _ = write!(md, "\n| operation |");
    for c in &report.contenders {
        let _ = write!(md, " {} |", c.label);
    }
    let _ = write!(md, "\n|---|");
    for _ in &report.contenders {
        let _ = write!(md, "---|");
    }
    md.push('\n');
    for row in &report.rows {
        let medians: Vec<Option<f64>> = row
            .cells
            .iter()
            .map(|c| c.map(|c| c.latency.median))
            .collect();
        let ratios = ratios_to_fastest(&medians);
        let _ = write!(md, "| `{}` {} |", row.op, row.detail);
        for (cell, ratio) in row.cells.iter().zip(ratios) {
            match (cell, ratio) {
                (Some(c), Some(r)) => {
                    let _ = write!(
                        md,
                        " {} ms (p99 {}), **{r:.2}×**, {} req |",
                        ms(c.latency.median),
                        ms(c.latency.p99),
                        format_requests(c.requests)
                    );
                }
                _ => md.push_str(" — |"),
            }
        }
        md.push('\n');
    }

    let f = &report.footprint;
    let _ = writeln!(md, "\n## Footprint\n");
    let _ = writeln!(md, "| measure | value |\n|---|---|");
    let gz = |g: Option<u64>| g.map_or("gzip not run".into(), kib);
    let _ = writeln!(
        md,
        "| `daytona_tools.wasm` (library) | {}; gzipped {} |",
        kib(f.library_bytes),
        gz(f.library_gzip)
    );
    let _ = writeln!(
        md,
        "| `daytona_mcp.wasm` (MCP server) | {}; gzipped {} |",
        kib(f.mcp_bytes),
        gz(f.mcp_gzip)
    );
    for (what, s) in [
        (
            "compile the library component (cranelift, no cache)",
            &f.compile_ms,
        ),
        ("deserialize the precompiled component", &f.deserialize_ms),
        (
            "instantiate from the pre-linked component (new store)",
            &f.instantiate_ms,
        ),
        ("instantiate + first call (`get_sandbox`)", &f.first_call_ms),
        (
            "cold start: deserialize + link + instantiate + first call",
            &f.cold_start_ms,
        ),
    ] {
        let _ = writeln!(md, "| {what} | {} |", summary_cell(s));
    }
    for (op, bytes) in &f.peak_memory {
        let _ = writeln!(
            md,
            "| peak linear memory, fresh instance after `{op}` | {:.2} MiB ({bytes} bytes) |",
            *bytes as f64 / MIB
        );
    }
    if !f.throughput.is_empty() {
        let _ = writeln!(md, "\n## Throughput\n");
        let _ = writeln!(
            md,
            "`get_sandbox`, a fresh instance per call, this many calls in flight at once on \
             the machine's {} cores (the emulator shares them).\n",
            report.cores
        );
        let _ = writeln!(md, "| concurrent instances | calls per second |\n|---|---|");
        for (n, rate) in &f.throughput {
            let _ = writeln!(md, "| {n} | {rate:.0} |");
        }
    }
    if !report.notes.is_empty() {
        let _ = writeln!(md, "\n## Notes\n");
        for note in &report.notes {
            let _ = writeln!(md, "- {note}");
        }
    }
    md
}

fn format_requests(r: f64) -> String {
    if (r - r.round()).abs() < 0.005 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.2}")
    }
}

/// Bar colours, one per contender (cycled).
const COLOURS: [&str; 6] = [
    "#2b6cb0", "#68a0d8", "#2f855a", "#c05621", "#805ad5", "#a0aec0",
];
/// Chart geometry: label column, bar area, row and group spacing.
const LABEL_W: f64 = 190.0;
/// Width of the longest bar in a group.
pub const BAR_AREA_W: f64 = 470.0;
const VALUE_W: f64 = 120.0;
const BAR_H: f64 = 16.0;
const BAR_GAP: f64 = 4.0;
const GROUP_HEAD: f64 = 26.0;
const GROUP_GAP: f64 = 14.0;

/// Escape text for SVG content and attributes.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A chart of the median per call: one group per operation, one bar per
/// contender measured, each group scaled to its slowest bar (groups differ
/// by orders of magnitude); the value printed beside each bar.
pub fn svg(report: &Report) -> String {
    let width = LABEL_W + BAR_AREA_W + VALUE_W;
    let legend_h = 20.0 * report.contenders.len() as f64 + 10.0;
    let mut body = String::new();
    let mut y = 40.0;
    for (i, c) in report.contenders.iter().enumerate() {
        let _ = writeln!(
            body,
            r#"<rect x="{LABEL_W}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            y + 20.0 * i as f64,
            COLOURS[i % COLOURS.len()],
            LABEL_W + 18.0,
            y + 20.0 * i as f64 + 10.0,
            xml(&c.label)
        );
    }
    y += legend_h;
    for row in &report.rows {
        let slowest = row
            .cells
            .iter()
            .flatten()
            .map(|c| c.latency.median)
            .fold(0.0_f64, f64::max);
        let _ = writeln!(
            body,
            r#"<text x="10" y="{:.1}" font-weight="bold">{} {}</text>"#,
            y + 16.0,
            xml(&row.op),
            xml(&row.detail.replace('`', ""))
        );
        y += GROUP_HEAD;
        for (i, cell) in row.cells.iter().enumerate() {
            let Some(cell) = cell else { continue };
            let w = if slowest > 0.0 {
                cell.latency.median / slowest * BAR_AREA_W
            } else {
                0.0
            };
            let label = report.contenders.get(i).map_or("", |c| c.label.as_str());
            let _ = writeln!(
                body,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text><rect class="bar" x="{LABEL_W}" y="{y:.1}" width="{w:.1}" height="{BAR_H}" fill="{}"><title>{}: {} ms median</title></rect><text x="{:.1}" y="{:.1}" font-size="11">{} ms</text>"#,
                LABEL_W - 6.0,
                y + 12.0,
                xml(label),
                COLOURS[i % COLOURS.len()],
                xml(label),
                ms(cell.latency.median),
                LABEL_W + w + 6.0,
                y + 12.0,
                ms(cell.latency.median)
            );
            y += BAR_H + BAR_GAP;
        }
        y += GROUP_GAP;
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{:.0}" viewBox="0 0 {width:.0} {:.0}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="22" font-size="15" font-weight="bold">Median latency per call (each operation scaled to its slowest bar)</text>
{body}</svg>
"#,
        y + 10.0,
        y + 10.0
    )
}

/// The model name and logical core count from `/proc/cpuinfo` text.
pub fn parse_cpuinfo(text: &str) -> (String, usize) {
    let model = text
        .lines()
        .find_map(|l| {
            let (key, value) = l.split_once(':')?;
            (key.trim() == "model name").then(|| value.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = text
        .lines()
        .filter(|l| l.split(':').next().is_some_and(|k| k.trim() == "processor"))
        .count();
    (model, cores)
}

/// The version of package `name` in a `Cargo.lock`.
pub fn locked_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next()?.trim();
            return Some(
                version
                    .strip_prefix("version = \"")?
                    .strip_suffix('"')?
                    .to_string(),
            );
        }
    }
    None
}

/// `YYYY-MM-DD` of a count of days since 1970-01-01 (proleptic Gregorian).
pub fn civil_date(days: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(median: f64) -> Summary {
        Summary {
            n: 10,
            median,
            p99: median * 2.0,
        }
    }

    fn cell(median: f64) -> Option<Cell> {
        Some(Cell {
            latency: summary(median),
            requests: 1.0,
        })
    }

    fn contender(label: &str, role: Role) -> Contender {
        Contender {
            label: label.into(),
            description: format!("{label} does it"),
            role,
        }
    }

    /// Fresh at most 1.2× native (met), reused 1.2× native on one row (not
    /// met), Python 6× fresh on one row and 4.4× on the other (not met).
    fn sample() -> Report {
        Report {
            command: "host-test bench".into(),
            cpu: "Test CPU".into(),
            cores: 2,
            load: "0.5 at the start, 0.7 at the end".into(),
            wasmtime: "48.0.8".into(),
            date: "2026-01-02".into(),
            calls: 10,
            contenders: vec![
                contender("fresh", Role::Fresh),
                contender("reused", Role::Reused),
                contender("native", Role::Native),
                contender("python", Role::Python),
                contender("mcp <&>", Role::Other),
            ],
            rows: vec![
                Row {
                    op: "get_sandbox".into(),
                    detail: String::new(),
                    cells: vec![cell(1.2), cell(1.2), cell(1.0), cell(7.2), None],
                },
                Row {
                    op: "execute_command".into(),
                    detail: "`echo hi`".into(),
                    cells: vec![cell(2.2), cell(2.0), cell(2.0), cell(9.6), cell(4.0)],
                },
            ],
            footprint: Footprint {
                library_bytes: 310 * 1024,
                mcp_bytes: 390 * 1024,
                compile_ms: Some(summary(150.0)),
                first_call_ms: Some(summary(3.5)),
                peak_memory: vec![("get_sandbox".into(), 1 << 20), ("list".into(), 3 << 20)],
                throughput: vec![(2, 1000.0)],
                ..Default::default()
            },
            notes: vec!["a note".into()],
        }
    }

    #[test]
    fn targets_judge_each_goal() {
        let t = targets(&sample());
        let met: Vec<Option<bool>> = t.iter().map(|t| t.met).collect();
        assert_eq!(
            met,
            vec![
                Some(true),  // fresh 1.20× ≤ 1.3
                Some(false), // reused 1.20× > 1.1
                Some(false), // Python only 4.4× on execute_command
                Some(false), // 310 KiB > 300
                Some(true),  // 390 KiB ≤ 400
                Some(true),  // 150 ms
                Some(false), // 3.5 ms
                Some(false), // 3 MiB
            ]
        );
        assert_eq!(t[0].measured, "1.20× (worst operation: `get_sandbox`)");
        assert_eq!(t[2].measured, "4.4× (least: `execute_command`)");
        assert_eq!(t[7].measured, "3.00 MiB (largest: `list`)");
    }

    #[test]
    fn targets_without_numbers_are_not_measured() {
        let mut r = sample();
        r.contenders.retain(|c| c.role != Role::Python);
        for row in &mut r.rows {
            row.cells.remove(3);
        }
        r.footprint.compile_ms = None;
        let t = targets(&r);
        assert_eq!(t[2].met, None);
        assert_eq!(t[2].measured, "not measured");
        assert_eq!(t[5].met, None);
    }

    #[test]
    fn markdown_has_the_command_the_targets_and_the_ratios() {
        let md = markdown(&sample(), "benchmarks.svg");
        assert!(md.contains("Generated by `host-test bench` on 2026-01-02"));
        assert!(md.contains(
            "Test CPU, 2 logical cores, 1-minute load average 0.5 at the start, 0.7 at the end"
        ));
        assert!(md.contains("; wasmtime 48.0.8;"));
        assert!(md.contains("![Median latency per call, by contender](benchmarks.svg)"));
        assert!(md.contains(
            "| component, reused instance: within 1.1× of the native Rust client | 1.20× (worst operation: `get_sandbox`) | **not met** |"
        ));
        assert!(md.contains("| library component ≤ 300 KiB | 310 KiB | **not met** |"));
        // A target not met says what limits it; one met says nothing more.
        assert!(md.contains(&format!("| **not met** | {} |", limits::SIZE)));
        assert!(md.contains("| met |  |"), "{md}");
        // The header and one row: native is the fastest of get_sandbox; MCP missing there.
        assert!(md.contains("| operation | fresh | reused | native | python | mcp <&> |"));
        assert!(md.contains(
            "| `get_sandbox`  | 1.20 ms (p99 2.40), **1.20×**, 1 req | 1.20 ms (p99 2.40), **1.20×**, 1 req | 1.00 ms (p99 2.00), **1.00×**, 1 req | 7.20 ms (p99 14.40), **7.20×**, 1 req | — |"
        ), "{md}");
        assert!(md.contains("| 2 | 1000 |"));
        assert!(md.contains("- a note"));
    }

    #[test]
    fn svg_bars_scale_to_the_slowest_of_each_group() {
        let svg = svg(&sample());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        // 4 cells in the first row, 5 in the second.
        assert_eq!(svg.matches("<rect class=\"bar\"").count(), 9);
        let widths: Vec<f64> = svg
            .split("<rect class=\"bar\"")
            .skip(1)
            .map(|s| {
                let w = s.split("width=\"").nth(1).unwrap();
                w[..w.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        // get_sandbox: python (7.2) is the slowest, native (1.0) 1/7.2 of it.
        assert_eq!(widths[3], BAR_AREA_W);
        assert!((widths[2] - BAR_AREA_W / 7.2).abs() < 0.1, "{widths:?}");
        // execute_command: python 9.6 full, mcp 4.0.
        assert!(
            (widths[8] - BAR_AREA_W * 4.0 / 9.6).abs() < 0.1,
            "{widths:?}"
        );
        // Labels are escaped.
        assert!(svg.contains("mcp &lt;&amp;&gt;"));
        assert!(!svg.contains("mcp <&>"));
    }

    #[test]
    fn cpuinfo_gives_model_and_logical_cores() {
        let text = "processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: x\n\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n";
        assert_eq!(parse_cpuinfo(text), ("AMD EPYC 7B13".to_string(), 2));
        assert_eq!(parse_cpuinfo(""), ("unknown CPU".to_string(), 0));
    }

    #[test]
    fn locked_version_reads_the_package_entry() {
        let lock = "[[package]]\nname = \"wasmtime-wasi\"\nversion = \"1.0.0\"\n\n[[package]]\nname = \"wasmtime\"\nversion = \"48.0.8\"\n";
        assert_eq!(locked_version(lock, "wasmtime").as_deref(), Some("48.0.8"));
        assert_eq!(locked_version(lock, "hyper"), None);
    }

    #[test]
    fn civil_dates_from_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(11_016), "2000-02-29");
        assert_eq!(civil_date(20_454), "2026-01-01");
        assert_eq!(civil_date(-1), "1969-12-31");
    }
}
