//! The layout rules of `src/` (docs/development.md), checked so that a
//! change that breaks them fails a test rather than waiting for a review:
//! a file holds at most [`MAX_LINES`] lines before its tests, and a module
//! with submodules is a directory with a `mod.rs`, never `name.rs` beside
//! `name/`.

use std::path::{Path, PathBuf};

/// Most lines of a file before its first `#[cfg(test)]`.
const MAX_LINES: usize = 400;

/// Every `.rs` file below `dir`, and every directory.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, dirs: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, files, dirs);
            dirs.push(path);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

fn tree() -> (PathBuf, Vec<PathBuf>, Vec<PathBuf>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    walk(&src, &mut files, &mut dirs);
    (src, files, dirs)
}

#[test]
fn no_file_holds_more_than_400_lines_before_its_tests() {
    let (src, files, _) = tree();
    let long: Vec<String> = files
        .iter()
        .filter(|f| !f.ends_with("tests.rs") && !f.ends_with("testing.rs"))
        .filter_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let lines = text
                .lines()
                .take_while(|l| !l.starts_with("#[cfg(test)]"))
                .count();
            let name = f.strip_prefix(&src).unwrap().display();
            (lines > MAX_LINES).then(|| format!("{name}: {lines}"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines before the tests; split along the module's seams: {long:?}"
    );
}

#[test]
fn a_module_with_submodules_is_a_directory_with_mod_rs() {
    let (src, _, dirs) = tree();
    let both: Vec<String> = dirs
        .iter()
        .filter(|d| d.with_extension("rs").exists())
        .map(|d| d.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert!(
        both.is_empty(),
        "name.rs beside name/: move name.rs to name/mod.rs: {both:?}"
    );
}
