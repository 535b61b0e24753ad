//! README.md and docs/*.md hold together: the README stays short enough for a
//! newcomer, every relative link (and `#anchor`) in them resolves, and the
//! released version is the WIT package's.

use std::path::{Path, PathBuf};

/// The README's budget: detail belongs in docs/.
const README_MAX_LINES: usize = 250;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// README.md and every docs/*.md.
fn documents() -> Vec<PathBuf> {
    let root = repo_root();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// The text outside fenced code blocks, where links are links.
fn prose(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Targets of inline links `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(t, _)| t.trim().to_string()))
        .collect()
}

/// GitHub's anchor for a heading: lower case, punctuation but `-` and `_`
/// dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    prose(text)
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| slug(l.trim_start_matches('#')))
        .collect()
}

#[test]
fn readme_stays_within_its_line_budget() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, at most {README_MAX_LINES}: move detail into docs/"
    );
}

#[test]
fn relative_links_in_readme_and_docs_resolve() {
    let mut broken = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let dir = doc.parent().unwrap();
        for target in link_targets(&prose(&text)) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                doc.clone()
            } else {
                dir.join(path)
            };
            if !file.exists() {
                broken.push(format!("{}: {target} (no such file)", doc.display()));
                continue;
            }
            if let Some(anchor) = anchor
                && file.extension().is_some_and(|e| e == "md")
                && !anchors(&std::fs::read_to_string(&file).unwrap()).contains(&anchor.to_string())
            {
                broken.push(format!("{}: {target} (no such heading)", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn slugs_follow_github() {
    assert_eq!(slug(" The MCP server"), "the-mcp-server");
    assert_eq!(slug(" `create_api_key`"), "create_api_key");
    assert_eq!(
        slug(" Where the credential goes"),
        "where-the-credential-goes"
    );
}

/// The released version has one source, the WIT package line: each crate that
/// builds a component carries the same version (scripts/release refuses to
/// build otherwise), and docs/publishing.md's references name it.
#[test]
fn release_version_is_the_wit_packages() {
    let read = |path: &str| {
        std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let wit = read("wit/world.wit");
    let version = wit
        .lines()
        .find_map(|l| l.strip_prefix("package daytona:tools@"))
        .and_then(|rest| rest.strip_suffix(';'))
        .expect("a `package daytona:tools@X;` line in wit/world.wit");
    for manifest in ["Cargo.toml", "component/Cargo.toml", "mcp/Cargo.toml"] {
        let text = read(manifest);
        let package = text
            .split("[package]")
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_else(|| panic!("{manifest}: no [package]"));
        let crate_version = package
            .lines()
            .find_map(|l| l.strip_prefix("version = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("{manifest}: no version in [package]"));
        assert_eq!(
            crate_version, version,
            "{manifest}: version differs from wit/world.wit's daytona:tools@{version}"
        );
    }
    let publishing = read("docs/publishing.md");
    for reference in [
        format!("daytona:tools-component@{version}"),
        format!("daytona:mcp@{version}"),
        format!("daytona/mcp:{version}"),
        format!("version = \"{version}\""),
    ] {
        assert!(
            publishing.contains(&reference),
            "docs/publishing.md does not name {reference}"
        );
    }
}
