//! The host examples checked against the hosts' own definitions, not against our
//! expectations: wasmCloud 2's WorkloadDeployment CRD and host code, Spin's manifest
//! structs, Wassette's policy format. None of those hosts installs here, so each
//! definition is a small fixture in `host-test/tests/upstream/`, written from the
//! upstream file it names (path and commit); Goose's extension config, there too,
//! is checked in mcp_examples.rs with the other clients. Also: the variables the
//! components read, derived from the code, so a new variable without a policy
//! entry fails.

use crate::mcp_examples::yaml_file;
use daytona_tools::hosts::HostPolicy;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/upstream")
        .join(name)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `"DAYTONA_…"` string literals in the Rust sources under `dirs` (relative to
/// the repository), leaving out `skip` and test code: files named `tests.rs` and
/// everything from a file's first `#[cfg(test)]` on. Every variable the code reads
/// is such a literal (a `match` arm or a `*_VAR` constant), so this is the list a
/// host's grant must cover.
pub(crate) fn variables_read(dirs: &[&str], skip: &[&str]) -> BTreeSet<String> {
    let root = repo();
    let mut files = Vec::new();
    for dir in dirs {
        rust_files(&root.join(dir), &mut files);
    }
    let skip: Vec<PathBuf> = skip.iter().map(|s| root.join(s)).collect();
    let mut found = BTreeSet::new();
    for file in files {
        if skip.iter().any(|s| file.starts_with(s)) || file.ends_with("tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        for (at, _) in code.match_indices("\"DAYTONA_") {
            let name: String = code[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if code[at + 1 + name.len()..].starts_with('"') {
                found.insert(name);
            }
        }
    }
    found
}

/// What the library component (`daytona_tools.wasm`) reads: all of `src/` but the
/// MCP server's own module (and `component/`, should the library move there).
pub(crate) fn library_variables() -> BTreeSet<String> {
    variables_read(&["src", "component/src"], &["src/mcp"])
}

/// What the MCP component reads: the library's settings and its own.
pub(crate) fn mcp_variables() -> BTreeSet<String> {
    variables_read(&["src", "component/src", "mcp/src"], &[])
}

#[test]
fn the_variable_scan_finds_what_the_readers_read() {
    // The scan is only useful if it sees the readers: spot-check one per reader.
    let library = library_variables();
    for name in [
        "DAYTONA_API_KEY",
        "DAYTONA_CALL_TIMEOUT_MS",
        daytona_tools::hosts::TOOLBOX_HOSTS_VAR,
        daytona_tools::catalog::selection::VARIABLE,
        daytona_tools::keys::ceiling::SCOPES_VAR,
        daytona_tools::keys::ceiling::KEY_ADMIN_VAR,
    ] {
        assert!(library.contains(name), "{name} not found in {library:?}");
    }
    assert!(
        !library.iter().any(|v| v.starts_with("DAYTONA_MCP_")),
        "the library reads no MCP setting: {library:?}"
    );
    let mcp = mcp_variables();
    assert!(mcp.is_superset(&library));
    assert!(mcp.contains(daytona_tools::mcp::settings::TOKEN_VAR));
}

// --- Spin -------------------------------------------------------------------

pub(crate) struct Keys {
    allowed: Vec<String>,
    required: Vec<String>,
}

pub(crate) fn keys(table: &toml::Value) -> Keys {
    let list = |k: &str| -> Vec<String> {
        table[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    Keys {
        allowed: list("allowed"),
        required: list("required"),
    }
}

/// Problems with `value`'s keys against `keys`, each prefixed with `what`.
pub(crate) fn check_keys(what: &str, value: &toml::Value, keys: &Keys, problems: &mut Vec<String>) {
    let Some(table) = value.as_table() else {
        problems.push(format!("{what}: not a table"));
        return;
    };
    for key in table.keys() {
        if !keys.allowed.contains(key) {
            problems.push(format!("{what}: unknown key `{key}`"));
        }
    }
    for key in &keys.required {
        if !table.contains_key(key) {
            problems.push(format!("{what}: missing `{key}`"));
        }
    }
}

fn spin_manifests(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && !name.starts_with('.') && name != "node_modules" {
            spin_manifests(&path, out);
        } else if name == "spin.toml" {
            out.push(path);
        }
    }
}

/// Every key of a spin.toml against Spin's manifest structs (the fixture).
fn spin_problems(manifest: &toml::Value, spec: &toml::Value) -> Vec<String> {
    let tables = &spec["tables"];
    let table = |name: &str| keys(&tables[name]);
    let mut problems = Vec::new();
    check_keys("top level", manifest, &table("manifest"), &mut problems);
    if manifest
        .get("spin_manifest_version")
        .and_then(|v| v.as_integer())
        != Some(2)
    {
        problems.push("spin_manifest_version must be 2".into());
    }
    if let Some(app) = manifest.get("application") {
        check_keys("[application]", app, &table("application"), &mut problems);
    }
    for (name, var) in manifest
        .get("variables")
        .and_then(|v| v.as_table())
        .into_iter()
        .flatten()
    {
        check_keys(
            &format!("[variables] {name}"),
            var,
            &table("variable"),
            &mut problems,
        );
    }
    for (kind, triggers) in manifest
        .get("trigger")
        .and_then(|v| v.as_table())
        .into_iter()
        .flatten()
    {
        if kind != "http" {
            problems.push(format!(
                "[[trigger.{kind}]]: only HTTP triggers are checked"
            ));
            continue;
        }
        for trigger in triggers.as_array().into_iter().flatten() {
            check_keys(
                "[[trigger.http]]",
                trigger,
                &table("trigger_http"),
                &mut problems,
            );
        }
    }
    let shapes: Vec<(String, Keys)> = spec["dependency_shapes"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), keys(v)))
        .collect();
    for (id, component) in manifest
        .get("component")
        .and_then(|v| v.as_table())
        .into_iter()
        .flatten()
    {
        let what = format!("[component.{id}]");
        check_keys(&what, component, &table("component"), &mut problems);
        if let Some(build) = component.get("build") {
            check_keys(
                &format!("{what}.build"),
                build,
                &table("component_build"),
                &mut problems,
            );
        }
        for (name, dep) in component
            .get("dependencies")
            .and_then(|v| v.as_table())
            .into_iter()
            .flatten()
        {
            let what = format!("{what}.dependencies \"{name}\"");
            if let Some(dep) = dep.as_table() {
                // Untagged: exactly the keys of one shape, its required ones present.
                let fits = shapes.iter().any(|(_, k)| {
                    dep.keys().all(|key| k.allowed.contains(key))
                        && k.required.iter().all(|r| dep.contains_key(r))
                });
                if !fits {
                    problems.push(format!("{what}: matches no dependency shape"));
                }
                let package_level = name.contains(':') && !name.contains('/');
                if package_level && dep.contains_key("export") {
                    problems.push(format!("{what}: a package-level key takes no `export`"));
                }
            } else if !dep.is_str() {
                problems.push(format!("{what}: neither a version nor a table"));
            }
            // daytona:tools/tools uses daytona:tools/types, so a component importing
            // one imports both: only the package-level key satisfies both.
            if name.starts_with("daytona:tools/") {
                problems.push(format!(
                    "{what}: name the package (\"daytona:tools@0.1.0\"), not one interface"
                ));
            }
        }
    }
    problems
}

#[test]
fn every_spin_manifest_uses_only_keys_spin_accepts() {
    let spec: toml::Value =
        toml::from_str(&std::fs::read_to_string(fixture("spin-manifest-v2.toml")).unwrap())
            .unwrap();
    let mut manifests = Vec::new();
    spin_manifests(&repo().join("examples"), &mut manifests);
    assert!(!manifests.is_empty(), "no spin.toml under examples/");
    for path in manifests {
        let manifest: toml::Value =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let problems = spin_problems(&manifest, &spec);
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        // A local source must exist or be one of this repository's release builds.
        let depth = path.strip_prefix(repo()).unwrap().components().count() - 1;
        let release = format!("{}target/wasm32-wasip2/release/", "../".repeat(depth));
        for (id, component) in manifest["component"].as_table().unwrap() {
            if let Some(source) = component["source"].as_str() {
                let file = path.parent().unwrap().join(source);
                assert!(
                    file.exists() || source.starts_with(&release),
                    "{}: [component.{id}] source {source} does not exist",
                    path.display()
                );
            }
        }
    }
}

#[test]
fn the_spin_check_refuses_what_spin_refuses() {
    // The check itself: each of these is refused by Spin's deserializer.
    let spec: toml::Value =
        toml::from_str(&std::fs::read_to_string(fixture("spin-manifest-v2.toml")).unwrap())
            .unwrap();
    let base = r#"
        spin_manifest_version = 2
        [application]
        name = "a"
        [[trigger.http]]
        route = "/mcp"
        component = "c"
        [component.c]
        source = "c.wasm"
    "#;
    let ok: toml::Value = toml::from_str(base).unwrap();
    assert_eq!(spin_problems(&ok, &spec), Vec::<String>::new());
    for (extra, expect) in [
        ("allowed_hosts = []", "unknown key `allowed_hosts`"),
        (
            "[component.c.dependencies]\n\"daytona:tools/tools@0.1.0\" = { path = \"d.wasm\" }",
            "name the package",
        ),
        (
            "[component.c.dependencies]\n\"daytona:tools@0.1.0\" = { path = \"d.wasm\", inherit = true }",
            "matches no dependency shape",
        ),
    ] {
        let manifest: toml::Value = toml::from_str(&format!("{base}\n{extra}")).unwrap();
        let problems = spin_problems(&manifest, &spec);
        assert!(
            problems.iter().any(|p| p.contains(expect)),
            "{extra}: {problems:?}"
        );
    }
    let no_route: toml::Value = toml::from_str(&base.replace("route = \"/mcp\"", "")).unwrap();
    assert!(
        spin_problems(&no_route, &spec)
            .iter()
            .any(|p| p.contains("missing `route`"))
    );
}

// --- wasmCloud 2 --------------------------------------------------------------

fn workload_schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("wasmcloud-workloaddeployment.schema.json")).unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn schema_errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// The keys of a `wasi:http/incoming-handler` host interface's `config` that
/// wasmCloud's host reads: crates/wash-runtime/src/host/http.rs
/// (`DynamicRouter::on_workload_resolved`, `http_ingress_hostnames`) at commit
/// 7cd553cc57cfb5a64717d76b11ddeea2cd8c0a8b routes on `host` (required) and
/// `host-aliases`; the request's whole path reaches the component.
const HTTP_CONFIG_KEYS: [&str; 2] = ["host", "host-aliases"];

#[test]
fn the_wasmcloud_2_workload_matches_the_crd_and_the_host() {
    let validator = workload_schema();
    let workload = yaml_file(&repo().join("examples/mcp/workload.yaml"));
    let errors = schema_errors(&validator, &workload);
    assert!(errors.is_empty(), "workload.yaml: {errors:#?}");
    let spec = &workload["spec"]["template"]["spec"];
    let http = spec["hostInterfaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| {
            h["namespace"] == "wasi"
                && h["package"] == "http"
                && h["interfaces"]
                    .as_array()
                    .is_some_and(|i| i.iter().any(|i| i == "incoming-handler"))
        })
        .expect("a wasi:http incoming-handler host interface");
    let config = http["config"].as_object().expect("its config");
    assert!(config.contains_key("host"), "the host routes on `host`");
    for key in config.keys() {
        assert!(
            HTTP_CONFIG_KEYS.contains(&key.as_str()),
            "hostInterfaces config `{key}` is not read by wasmCloud's host"
        );
    }
}

#[test]
fn the_wasmcloud_2_schema_refuses_the_old_secret_shape() {
    // What workload.yaml said before: per-variable secretFrom entries and a path.
    let validator = workload_schema();
    let mut workload = yaml_file(&repo().join("examples/mcp/workload.yaml"));
    let env =
        &mut workload["spec"]["template"]["spec"]["components"][0]["localResources"]["environment"];
    env["secretFrom"] = serde_json::json!([
        {"name": "DAYTONA_API_KEY", "secret": "daytona-mcp", "key": "api-key"}
    ]);
    let errors = schema_errors(&validator, &workload);
    assert!(
        errors.iter().any(|e| e.contains("secretFrom/0")),
        "{errors:?}"
    );
}

// --- Wassette -----------------------------------------------------------------

#[test]
fn the_wassette_policy_grants_every_variable_the_library_reads() {
    let spec: toml::Value =
        toml::from_str(&std::fs::read_to_string(fixture("wassette-policy.toml")).unwrap()).unwrap();
    let policy = yaml_file(&repo().join("examples/wassette/policy.yaml"));
    let policy: toml::Value = serde_json::from_value(policy).unwrap();
    let tables = &spec["tables"];
    let mut problems = Vec::new();
    check_keys(
        "top level",
        &policy,
        &keys(&tables["policy"]),
        &mut problems,
    );
    let permissions = &policy["permissions"];
    check_keys(
        "permissions",
        permissions,
        &keys(&tables["permissions"]),
        &mut problems,
    );
    check_keys(
        "permissions.network",
        &permissions["network"],
        &keys(&tables["network"]),
        &mut problems,
    );
    check_keys(
        "permissions.environment",
        &permissions["environment"],
        &keys(&tables["environment"]),
        &mut problems,
    );
    assert!(problems.is_empty(), "policy.yaml: {problems:#?}");
    assert!(
        policy["version"].as_str().unwrap().starts_with("1."),
        "Wassette reads policy version 1.x only"
    );

    let entry = |v: &toml::Value, key: &str| -> String {
        let t = v.as_table().unwrap();
        assert_eq!(t.len(), 1, "{t:?}: one key, `{key}`");
        t[key].as_str().unwrap().to_string()
    };
    let granted: BTreeSet<String> = permissions["environment"]["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| entry(v, "key"))
        .collect();
    let read = library_variables();
    let missing: Vec<_> = read.difference(&granted).collect();
    let stale: Vec<_> = granted.difference(&read).collect();
    assert!(
        missing.is_empty(),
        "policy.yaml denies variables the component reads: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "policy.yaml grants variables the component does not read: {stale:?}"
    );

    // Network: host names (Wassette compares the request's host, any port), the
    // API host and the toolbox proxy host, both ones the component sends to.
    let hosts: Vec<String> = permissions["network"]["allow"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| entry(v, "host"))
        .collect();
    let policy = HostPolicy::new(daytona_tools::config::DEFAULT_API_URL, &[]);
    assert!(hosts.iter().any(|h| h == "app.daytona.io"), "{hosts:?}");
    assert!(
        hosts.iter().any(|h| h == "proxy.app.daytona.io"),
        "{hosts:?}"
    );
    for host in &hosts {
        assert!(!host.contains("://") && !host.contains(':'), "{host}");
        assert!(
            policy
                .check_url(&format!("https://{host}/"), "policy.yaml")
                .is_ok(),
            "{host} is granted but the component never sends there"
        );
    }
}

#[test]
fn the_wassette_readme_counts_what_the_component_exports() {
    use wasmtime::component::types::ComponentItem;
    let path = host_test::harness::COMPONENT_PATH;
    let engine = host_test::harness::caching_engine(path.as_ref()).unwrap();
    let component = wasmtime::component::Component::from_file(&engine, path).unwrap();
    let (mut interfaces, mut functions) = (0, 0);
    for (_, item) in component.component_type().exports(&engine) {
        if let ComponentItem::ComponentInstance(instance) = item.ty {
            let funcs = instance
                .exports(&engine)
                .filter(|(_, i)| matches!(i.ty, ComponentItem::ComponentFunc(_)))
                .count();
            if funcs > 0 {
                interfaces += 1;
                functions += funcs;
            }
        }
    }
    // Wassette derives a typed tool's schema from the WIT record: every field required.
    let wit = std::fs::read_to_string(repo().join("wit/world.wit")).unwrap();
    let record = wit
        .split("record create-sandbox-request {")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap();
    let fields = record
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && l.contains(": "))
        .count();
    let readme = std::fs::read_to_string(repo().join("examples/wassette/README.md")).unwrap();
    for claim in [
        format!("{functions} tools from {interfaces} interfaces"),
        format!("all {fields} fields"),
    ] {
        assert!(
            readme.contains(&claim),
            "examples/wassette/README.md should say \"{claim}\""
        );
    }
}
