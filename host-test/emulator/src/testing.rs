//! Helpers for the tests and demos that drive the emulator (its own tests, host-test's
//! end-to-end tests and demo): the real `git` with a clean configuration, a seeded
//! repository to clone from, and the port a server started in a sandbox listens on.
//! Nothing in the emulator itself uses them.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// Runs the real `git` in `dir` with no global or system configuration and a fixed
/// identity; its trimmed stdout, or an error naming the arguments and git's stderr.
pub fn try_git(dir: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_AUTHOR_NAME", "Seed")
        .env("GIT_AUTHOR_EMAIL", "seed@example.com")
        .env("GIT_COMMITTER_NAME", "Seed")
        .env("GIT_COMMITTER_EMAIL", "seed@example.com")
        .output()
        .context("running git (the emulator backs its git routes with the real one)")?;
    if !out.status.success() {
        bail!(
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// [`try_git`] for tests: panics with git's stderr on failure.
pub fn git(dir: &Path, args: &[&str]) -> String {
    try_git(dir, args).unwrap_or_else(|e| panic!("{e:#}"))
}

/// A bare repository `root/origin.git` with one commit on `main` (`README.md`, "hello"),
/// and its work clone `root/seed`, for commits "someone else" pushes. Returns the bare
/// repository's path. Put `root` outside every sandbox (e.g. the emulator's directory
/// holding them) so that only a clone reaches it.
pub fn try_bare_repo(root: &Path) -> anyhow::Result<PathBuf> {
    let bare = root.join("origin.git");
    let seed = root.join("seed");
    let (b, s) = (bare.to_string_lossy(), seed.to_string_lossy());
    try_git(
        root,
        &["init", "--quiet", "--bare", "--initial-branch=main", &b],
    )?;
    try_git(root, &["clone", "--quiet", &b, &s])?;
    std::fs::write(seed.join("README.md"), "hello\n")
        .with_context(|| format!("writing {}/README.md", seed.display()))?;
    try_git(&seed, &["checkout", "--quiet", "-b", "main"])?;
    try_git(&seed, &["add", "README.md"])?;
    try_git(&seed, &["commit", "--quiet", "-m", "seed"])?;
    try_git(&seed, &["push", "--quiet", "origin", "main"])?;
    Ok(bare)
}

/// [`try_bare_repo`] for tests: panics on failure.
pub fn bare_repo(root: &Path) -> PathBuf {
    try_bare_repo(root).unwrap_or_else(|e| panic!("seeding a repository: {e:#}"))
}

/// The port `python3 -u -m http.server 0` chose, read from the line it prints once it
/// listens (`Serving HTTP on 0.0.0.0 port 43117 ...`): the server binds the port itself,
/// so no port is found free, released, then raced for.
pub fn served_port(stdout: &str) -> Option<u16> {
    let rest = stdout.split("Serving HTTP on ").nth(1)?;
    rest.split(" port ")
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
