//! The deployment examples in `examples/mcp/` (Spin, wasmCloud 1.x wadm, wasmCloud 2)
//! and the client configurations, checked against what daytona_mcp.wasm needs:
//! its one export and its imports, the route it answers, the hosts it sends to (by
//! the component's own host policy), the variables it reads, and no secret written
//! into a manifest. Spin and wasmCloud cannot be installed here, so they are not run.
//! Goose's entry is checked against Goose's own extension config
//! (`tests/upstream/goose-extension.toml`), resolved as Goose resolves it, and
//! its header sent to the served component.

use daytona_tools::hosts::HostPolicy;
use daytona_tools::mcp::settings::Settings;
use host_test::harness::COMPONENT_PATH;
use host_test::mcp_server::{MCP_COMPONENT_PATH, McpServer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .join("examples/mcp")
}

/// Secrets: never written into a manifest.
const SECRETS: [&str; 3] = ["DAYTONA_API_KEY", "DAYTONA_JWT_TOKEN", "DAYTONA_MCP_TOKEN"];

/// Check a manifest's inline settings: known variables only, no secret, auth not
/// switched off, and values the component accepts. Returns the MCP path they set.
fn check_settings(what: &str, settings: &[(String, String)]) -> String {
    let known = crate::upstream::mcp_variables();
    for (k, _) in settings {
        assert!(known.contains(k), "{what}: the component does not read {k}");
        assert!(
            !SECRETS.contains(&k.as_str()),
            "{what}: the secret {k} is written into the manifest"
        );
    }
    assert!(
        !settings
            .iter()
            .any(|(k, v)| k == "DAYTONA_MCP_AUTH" && v.eq_ignore_ascii_case("none")),
        "{what}: a deployed server must not switch authentication off"
    );
    let mut with_secrets = settings.to_vec();
    with_secrets.push(("DAYTONA_MCP_TOKEN".into(), "x".repeat(32)));
    with_secrets.push(("DAYTONA_API_KEY".into(), "dtn_example".into()));
    let env = daytona_tools::env::Env::from_pairs(with_secrets);
    let parsed = Settings::from_env(&env)
        .unwrap_or_else(|e| panic!("{what}: the MCP settings are refused: {e:?}"));
    daytona_tools::config::Config::from_env(&env)
        .unwrap_or_else(|e| panic!("{what}: the Daytona settings are refused: {e:?}"));
    daytona_tools::catalog::selection::Selection::from_env(&env)
        .unwrap_or_else(|e| panic!("{what}: DAYTONA_TOOLS is refused: {e:?}"));
    parsed.path
}

/// Check granted outbound hosts (`https://host`): the API host is among them, and
/// each is one the component may send to under its host policy (nothing more).
fn check_hosts(what: &str, settings: &[(String, String)], granted: &[String]) {
    let api_url = settings
        .iter()
        .find(|(k, _)| k == "DAYTONA_API_URL")
        .map_or(daytona_tools::config::DEFAULT_API_URL, |(_, v)| v.as_str());
    let policy = HostPolicy::new(api_url, &[]);
    let api_host = api_url
        .split("://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let hosts: Vec<&str> = granted
        .iter()
        .map(|g| {
            g.strip_prefix("https://")
                .unwrap_or_else(|| panic!("{what}: {g} is not https"))
        })
        .collect();
    assert!(
        hosts.contains(&api_host),
        "{what}: the API host {api_host} is not granted: {hosts:?}"
    );
    assert!(
        hosts.len() >= 2,
        "{what}: no toolbox proxy host granted (execute_command needs one): {hosts:?}"
    );
    for host in hosts {
        assert!(
            policy.check_url(&format!("https://{host}/"), what).is_ok(),
            "{what}: {host} is granted but the component never sends there"
        );
    }
}

fn string_map(value: &Value) -> Vec<(String, String)> {
    value
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The release artifact a manifest points at, relative to examples/mcp.
fn assert_points_at_release_artifact(what: &str, path: &str) {
    assert_eq!(
        path.trim_start_matches("file://"),
        "../../target/wasm32-wasip2/release/daytona_mcp.wasm",
        "{what}: not the release build of daytona-mcp"
    );
}

#[test]
fn the_component_exports_only_the_incoming_handler_and_imports_only_wasi() {
    let engine = host_test::harness::caching_engine(MCP_COMPONENT_PATH.as_ref()).unwrap();
    let mcp = wasmtime::component::Component::from_file(&engine, MCP_COMPONENT_PATH).unwrap();
    let ty = mcp.component_type();
    let exports: Vec<String> = ty.exports(&engine).map(|(n, _)| n.to_string()).collect();
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert!(
        exports[0].starts_with("wasi:http/incoming-handler@0.2."),
        "{exports:?}"
    );
    // Spin 3.0 runs only @0.2.0 and @0.2.1 exactly; later 0.2.x need Spin 3.1+.
    let version = exports[0].rsplit('@').next().unwrap();
    if version != "0.2.0" && version != "0.2.1" {
        let spin = examples().join("spin.toml");
        let readme = examples().join("../spin/README.md");
        for doc in [&spin, &readme] {
            let text = std::fs::read_to_string(doc).unwrap();
            assert!(
                text.contains("Spin 3.1 or later") && text.contains(&exports[0]),
                "{} must say the component ({}) needs Spin 3.1 or later",
                doc.display(),
                exports[0]
            );
        }
    }
    let imports: Vec<String> = ty.imports(&engine).map(|(n, _)| n.to_string()).collect();
    for import in &imports {
        let allowed = [
            "wasi:http/",
            "wasi:io/",
            "wasi:clocks/",
            "wasi:random/",
            "wasi:cli/",
            "wasi:filesystem/",
        ];
        assert!(
            allowed.iter().any(|p| import.starts_with(p)),
            "unexpected import {import}"
        );
    }
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:http/outgoing-handler@0.2."))
    );
    assert!(
        imports
            .iter()
            .any(|i| i.starts_with("wasi:cli/environment@0.2."))
    );
}

/// Each component is its own crate, built by one cargo invocation: the
/// library's artifact carries exactly the interfaces `wit/world.wit` exports
/// (once, a root crate built without them for the MCP component overwrote it
/// with a module exporting nothing).
#[test]
fn the_library_component_exports_exactly_its_worlds_interfaces() {
    let world = std::fs::read_to_string(examples().join("../../wit/world.wit")).unwrap();
    let world = &world[world.find("world daytona-tools {").expect("the world")..];
    let mut expected: Vec<String> = world
        .lines()
        .filter_map(|l| l.trim().strip_prefix("export "))
        .map(|name| format!("daytona:tools/{}@0.1.0", name.trim_end_matches(';')))
        .collect();
    expected.sort();
    assert!(expected.len() > 5, "{expected:?}");
    let engine = host_test::harness::caching_engine(COMPONENT_PATH.as_ref()).unwrap();
    let library = wasmtime::component::Component::from_file(&engine, COMPONENT_PATH).unwrap();
    let mut exports: Vec<String> = library
        .component_type()
        .exports(&engine)
        .map(|(n, _)| n.to_string())
        .collect();
    exports.sort();
    assert_eq!(exports, expected);
}

#[test]
fn the_spin_manifest_grants_what_the_component_needs_and_no_more() {
    let text = std::fs::read_to_string(examples().join("spin.toml")).unwrap();
    let manifest: toml::Value = toml::from_str(&text).unwrap();
    let manifest: Value = serde_json::to_value(manifest).unwrap();
    let component = &manifest["component"]["daytona-mcp"];
    assert_points_at_release_artifact("spin.toml", component["source"].as_str().unwrap());
    let env = string_map(&component["environment"]);
    let path = check_settings("spin.toml", &env);
    let triggers = manifest["trigger"]["http"].as_array().unwrap();
    assert_eq!(triggers.len(), 1);
    assert_eq!(
        triggers[0]["route"],
        path.as_str(),
        "the route must be DAYTONA_MCP_PATH"
    );
    assert_eq!(triggers[0]["component"], "daytona-mcp");
    // Interpolate application variables (their defaults) as Spin does.
    let vars = manifest["variables"].as_object().unwrap();
    let granted: Vec<String> = component["allowed_outbound_hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let mut h = h.as_str().unwrap().to_string();
            for (name, var) in vars {
                h = h.replace(
                    &format!("{{{{ {name} }}}}"),
                    var["default"].as_str().unwrap_or_default(),
                );
            }
            h
        })
        .collect();
    check_hosts("spin.toml", &env, &granted);
}

/// YAML → JSON with PyYAML from the MCP clients' virtualenv.
fn yaml(name: &str) -> Value {
    yaml_file(&examples().join(name))
}

/// A YAML file as JSON, read by PyYAML from the MCP clients' virtualenv.
pub(crate) fn yaml_file(path: &std::path::Path) -> Value {
    let setup = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/mcp_clients/setup.sh");
    let out = Command::new("bash")
        .arg(setup)
        .arg("python")
        .output()
        .expect("running setup.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let python = stdout
        .lines()
        .find_map(|l| l.strip_prefix("PYTHON="))
        .unwrap_or_else(|| {
            panic!(
                "setup.sh python failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let out = Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn links(component: &Value) -> Vec<&Value> {
    component["traits"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter(|t| t["type"] == "link")
                .map(|t| &t["properties"])
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_wadm_manifest_links_the_incoming_and_outgoing_handlers() {
    let app = yaml("wadm.yaml");
    let components = app["spec"]["components"].as_array().unwrap();
    let find = |name: &str| {
        components
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    let mcp = find("daytona-mcp");
    assert_points_at_release_artifact("wadm.yaml", mcp["properties"]["image"].as_str().unwrap());
    let settings: Vec<(String, String)> = mcp["properties"]["config"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| string_map(&c["properties"]))
        .collect();
    check_settings("wadm.yaml", &settings);
    let out = links(mcp);
    assert_eq!(out.len(), 1, "one outgoing link");
    assert_eq!(
        (out[0]["namespace"].as_str(), out[0]["package"].as_str()),
        (Some("wasi"), Some("http"))
    );
    assert_eq!(
        out[0]["interfaces"],
        serde_json::json!(["outgoing-handler"])
    );
    assert_eq!(
        find(out[0]["target"]["name"].as_str().unwrap())["type"],
        "capability"
    );
    let server = find("httpserver");
    let inbound = links(server);
    assert_eq!(inbound.len(), 1);
    assert_eq!(inbound[0]["target"]["name"], "daytona-mcp");
    assert_eq!(
        inbound[0]["interfaces"],
        serde_json::json!(["incoming-handler"])
    );
    let address = inbound[0]["source"]["config"][0]["properties"]["address"]
        .as_str()
        .unwrap();
    assert!(
        address.starts_with("127.0.0.1:"),
        "the example listens on loopback: {address}"
    );
}

#[test]
fn the_wasmcloud_2_workload_passes_environment_and_allows_only_daytona_hosts() {
    // The shape itself is checked against wasmCloud's CRD in upstream.rs.
    let workload = yaml("workload.yaml");
    let spec = &workload["spec"]["template"]["spec"];
    let component = &spec["components"][0];
    assert_eq!(component["name"], "daytona-mcp");
    let env = &component["localResources"]["environment"];
    let settings = string_map(&env["config"]);
    check_settings("workload.yaml", &settings);
    // secretFrom names Secrets; every key of each becomes a variable. The README's
    // `kubectl create secret` line is what creates them: its keys are the variables.
    let secrets: Vec<&str> = env["secretFrom"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let readme = std::fs::read_to_string(examples().join("README.md")).unwrap();
    let create = readme
        .lines()
        .skip_while(|l| !l.contains("kubectl create secret generic"))
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("```"))
        .collect::<Vec<_>>()
        .join(" ");
    let name = create
        .split("kubectl create secret generic ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("README.md shows no `kubectl create secret generic`"));
    assert_eq!(
        secrets,
        [name],
        "secretFrom names the Secret the README creates"
    );
    let keys: Vec<&str> = create
        .split("--from-literal=")
        .skip(1)
        .map(|l| l.split('=').next().unwrap())
        .collect();
    let known = crate::upstream::mcp_variables();
    for key in &keys {
        assert!(
            known.contains(*key),
            "the Secret's key {key} is no variable the component reads"
        );
    }
    assert!(keys.contains(&"DAYTONA_MCP_TOKEN"), "{keys:?}");
    assert!(keys.contains(&"DAYTONA_API_KEY") || keys.contains(&"DAYTONA_JWT_TOKEN"));
    for (k, _) in &settings {
        assert!(
            !keys.contains(&k.as_str()),
            "{k} is both inline and in the Secret"
        );
    }
    let granted: Vec<String> = component["localResources"]["allowedHosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    check_hosts("workload.yaml", &settings, &granted);
    let http = &spec["hostInterfaces"][0];
    assert_eq!(http["interfaces"], serde_json::json!(["incoming-handler"]));
}

#[test]
fn client_configurations_send_the_token_from_a_variable_never_inline() {
    for name in ["vscode-mcp.json", "cursor-mcp.json"] {
        let text = std::fs::read_to_string(examples().join("clients").join(name)).unwrap();
        let config: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let servers = config
            .get("servers")
            .or_else(|| config.get("mcpServers"))
            .unwrap();
        let daytona = &servers["daytona"];
        assert!(daytona["url"].as_str().unwrap().ends_with("/mcp"), "{name}");
        let auth = daytona["headers"]["Authorization"].as_str().unwrap();
        assert!(
            auth.starts_with("Bearer ${"),
            "{name}: the token must come from a variable or prompt: {auth}"
        );
    }
    let claude = std::fs::read_to_string(examples().join("clients/claude-code.sh")).unwrap();
    assert!(claude.contains("--transport http") && claude.contains("Bearer $DAYTONA_MCP_TOKEN"));
}

// --- Goose --------------------------------------------------------------------

/// Goose's `name_to_key`: the key an extension is kept under in `extensions:`.
fn goose_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect::<String>()
        .to_lowercase()
}

/// Goose's `substitute_env_vars`: `${NAME}` (blanks allowed inside the braces)
/// and `$NAME` replaced by `env`'s value; a name `env` lacks stays as written.
/// The patterns are the fixture's `[substitution]`.
fn goose_substitute(value: &str, env: &BTreeMap<String, String>) -> String {
    let is_start = |c: char| c.is_ascii_alphabetic() || c == '_';
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let (name, len) = if let Some(inner) = after.strip_prefix('{') {
            match inner.find('}') {
                Some(end) => (inner[..end].trim(), end + 2),
                None => ("", 0),
            }
        } else {
            let len = after.find(|c| !is_name(c)).unwrap_or(after.len());
            (&after[..len], len)
        };
        let valid = name.starts_with(is_start) && name.chars().all(is_name);
        match env.get(name).filter(|_| valid) {
            Some(v) => {
                out.push_str(v);
                rest = &after[len..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Goose's `ExtensionConfig::resolve` of a `streamable_http` entry's headers,
/// the environment being `environment`: `envs`, then each key of `env_keys`
/// read as `Config::get_secret` does (the variable of its upper-case name; the
/// keyring, the fallback, is empty here), substituted into each header value.
fn goose_headers(entry: &Value, environment: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut merged: BTreeMap<String, String> = string_map(&entry["envs"]).into_iter().collect();
    for key in entry["env_keys"].as_array().into_iter().flatten() {
        let key = key.as_str().unwrap();
        if let Some(v) = environment.get(&key.to_uppercase()) {
            merged.entry(key.to_string()).or_insert_with(|| v.clone());
        }
    }
    string_map(&entry["headers"])
        .into_iter()
        .map(|(k, v)| (k, goose_substitute(&v, &merged)))
        .collect()
}

/// Problems with a Goose `extensions:` entry against the fixture written from
/// Goose's `ExtensionEntry` and `ExtensionConfig::StreamableHttp`.
fn goose_problems(key: &str, entry: &Value, spec: &toml::Value) -> Vec<String> {
    let mut problems = Vec::new();
    let as_toml: toml::Value = serde_json::from_value(entry.clone()).unwrap();
    let keys = crate::upstream::keys(&spec["tables"]["entry"]);
    crate::upstream::check_keys(key, &as_toml, &keys, &mut problems);
    let variant = spec["entry"]["type"].as_str().unwrap();
    if entry["type"] != variant {
        problems.push(format!("{key}: `type` is not {variant}"));
    }
    if !entry["enabled"].is_boolean() {
        problems.push(format!("{key}: `enabled` is not a boolean"));
    }
    let name = entry["name"].as_str().unwrap_or_default();
    if goose_key(name) != key {
        problems.push(format!(
            "{key}: Goose keeps `{name}` under `{}`",
            goose_key(name)
        ));
    }
    problems
}

/// The Goose example (and its copy in docs/clients.md) has the fields Goose's
/// ExtensionConfig reads, names the token's variable in `env_keys` (Goose
/// substitutes only merged variables into headers), holds no secret, and once
/// resolved as Goose resolves it, its header is let in by daytona_mcp.wasm.
#[tokio::test]
async fn the_goose_config_matches_gooses_extension_config_and_its_header_is_let_in() {
    let spec: toml::Value = toml::from_str(
        &std::fs::read_to_string(crate::upstream::fixture("goose-extension.toml")).unwrap(),
    )
    .unwrap();
    let config = yaml("clients/goose-config.yaml");
    let extensions = config["extensions"]
        .as_object()
        .expect("an `extensions:` map");
    assert_eq!(extensions.len(), 1, "{extensions:?}");
    let (key, entry) = extensions.iter().next().unwrap();
    assert_eq!(goose_problems(key, entry, &spec), Vec::<String>::new());
    for secret in SECRETS {
        assert!(
            entry["envs"].get(secret).is_none(),
            "the secret {secret} is written into the file"
        );
    }
    let uri = entry["uri"].as_str().unwrap();
    assert!(uri.ends_with("/mcp"), "{uri}");

    // Resolved as Goose does with the token in the environment, the headers are
    // what the server wants; without it, the header goes unexpanded and is refused.
    let token = "goose-example-token-3e9a1c7b5d2f4086";
    let emu = crate::common::emulator();
    let server = McpServer::start_default(
        crate::common::config(&emu).env(daytona_tools::mcp::settings::TOKEN_VAR, token),
    )
    .await
    .expect("serving the MCP component");
    // The example's path on the local server (its host is the example's own).
    let after_scheme = &uri[uri.find("://").unwrap() + 3..];
    let url = format!(
        "http://{}{}",
        server.addr(),
        &after_scheme[after_scheme.find('/').unwrap()..]
    );
    let list = |headers: Vec<(String, String)>| {
        let url = url.clone();
        async move {
            let mut all: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            all.extend([
                ("content-type", "application/json"),
                ("accept", "application/json, text/event-stream"),
                ("mcp-protocol-version", "2025-11-25"),
            ]);
            let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/list" });
            crate::mcp::client::send("POST", &url, &all, body.to_string().into_bytes()).await
        }
    };
    let environment = BTreeMap::from([("DAYTONA_MCP_TOKEN".to_string(), token.to_string())]);
    let headers = goose_headers(entry, &environment);
    assert_eq!(
        headers,
        [("Authorization".to_string(), format!("Bearer {token}"))],
        "Goose fills a header only from `envs` and the variables `env_keys` names"
    );
    let answer = list(headers).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    assert!(
        answer.json()["result"]["tools"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    let unset = list(goose_headers(entry, &BTreeMap::new())).await;
    assert_eq!(unset.status, 401, "{}", unset.text());

    // docs/clients.md shows the same entry, for a local server.
    let doc = std::fs::read_to_string(examples().join("../../docs/clients.md")).unwrap();
    let block = doc
        .split("## Goose")
        .nth(1)
        .and_then(|s| s.split("```yaml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("docs/clients.md: a yaml block under ## Goose");
    let path = std::env::temp_dir().join(format!("goose-doc-{}.yaml", std::process::id()));
    std::fs::write(&path, block).unwrap();
    let mut shown = yaml_file(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(shown["extensions"][key]["uri"], "http://127.0.0.1:8080/mcp");
    shown["extensions"][key]["uri"] = entry["uri"].clone();
    assert_eq!(
        shown, config,
        "docs/clients.md's Goose entry differs from the example"
    );
}

#[test]
fn the_goose_check_refuses_what_goose_would_misread() {
    let spec: toml::Value = toml::from_str(
        &std::fs::read_to_string(crate::upstream::fixture("goose-extension.toml")).unwrap(),
    )
    .unwrap();
    let good = serde_json::json!({
        "enabled": true, "type": "streamable_http", "name": "daytona", "description": "",
        "uri": "http://127.0.0.1:8080/mcp", "env_keys": ["DAYTONA_MCP_TOKEN"],
        "headers": { "Authorization": "Bearer ${DAYTONA_MCP_TOKEN}" },
    });
    assert_eq!(
        goose_problems("daytona", &good, &spec),
        Vec::<String>::new()
    );
    for (field, value, expect) in [
        ("header", serde_json::json!({}), "unknown key `header`"),
        (
            "url",
            serde_json::json!("http://x/mcp"),
            "unknown key `url`",
        ),
        (
            "type",
            serde_json::json!("http"),
            "`type` is not streamable_http",
        ),
        (
            "name",
            serde_json::json!("Daytona MCP"),
            "under `daytonamcp`",
        ),
    ] {
        let mut entry = good.clone();
        entry[field] = value;
        let problems = goose_problems("daytona", &entry, &spec);
        assert!(
            problems.iter().any(|p| p.contains(expect)),
            "{field}: {problems:?}"
        );
    }
    let mut no_uri = good.clone();
    no_uri.as_object_mut().unwrap().remove("uri");
    assert!(
        goose_problems("daytona", &no_uri, &spec)
            .iter()
            .any(|p| p.contains("missing `uri`"))
    );
    // Only merged variables are substituted, in both spellings, blanks allowed in braces.
    let env = BTreeMap::from([("T".to_string(), "v".to_string())]);
    assert_eq!(
        goose_substitute("Bearer ${T} $T ${ T } $TT $", &env),
        "Bearer v v v $TT $"
    );
    assert_eq!(goose_substitute("${U}${T", &env), "${U}${T");
    let mut entry = good.clone();
    entry["env_keys"] = serde_json::json!([]);
    let environment = BTreeMap::from([("DAYTONA_MCP_TOKEN".to_string(), "t".to_string())]);
    assert_eq!(
        goose_headers(&entry, &environment),
        [(
            "Authorization".to_string(),
            "Bearer ${DAYTONA_MCP_TOKEN}".to_string()
        )],
        "without env_keys Goose sends the header unexpanded"
    );
}
