//! The git tools through the real component, in the wasmtime harness, against
//! the emulator's toolbox, which runs the real `git` in the sandbox's directory.
//! Each test makes a bare repository with real `git` beside the sandboxes (outside
//! all of them), clones it into a sandbox through the tools, and checks what
//! arrived with `git` on the bare repository.

use crate::common;

use common::*;
use host_test::CallConfig;
use host_test::emulator::{Emulator, Fault, SandboxSeed};
use host_test::harness::git::{GitCloneRequest, GitCommitRequest};
use host_test::harness::types::ErrorKind;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Sandbox `box` and its directory, and a bare repository `origin.git` (with its work
/// clone `seed`) in the directory that holds the sandboxes.
fn setup(emu: &Emulator) -> (PathBuf, PathBuf) {
    emu.add_sandbox(SandboxSeed::new().named("box"));
    let dir = emu.sandbox_dir("box").unwrap();
    let bare = bare_repo(dir.parent().unwrap());
    (dir, bare)
}

fn seed(bare: &Path) -> PathBuf {
    bare.parent().unwrap().join("seed")
}

/// `tool` on the repository `work/repo` of sandbox `box`, with `more` arguments besides.
async fn on_repo(emu: &Emulator, cfg: &CallConfig, tool: &str, more: Value) -> Value {
    let mut args = json!({"sandbox": "box", "path": "work/repo"});
    args.as_object_mut()
        .unwrap()
        .extend(more.as_object().unwrap().clone());
    ok(emu, cfg, tool, args).await
}

async fn status(emu: &Emulator, cfg: &CallConfig) -> Value {
    on_repo(emu, cfg, "git_status", json!({})).await
}

/// `(name, staging, worktree)` of each changed file, sorted.
fn changes(status: &Value) -> Vec<(String, String, String)> {
    let mut files: Vec<_> = status["fileStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            (s("name"), s("staging"), s("worktree"))
        })
        .collect();
    files.sort();
    files
}

fn triple(name: &str, staging: &str, worktree: &str) -> (String, String, String) {
    (name.into(), staging.into(), worktree.into())
}

#[tokio::test]
async fn a_repository_round_trips_through_every_git_tool() {
    let emu = emulator();
    let (dir, bare) = setup(&emu);
    let cfg = config(&emu);
    let url = bare.display().to_string();

    let cloned = ok(
        &emu,
        &cfg,
        "git_clone",
        json!({"sandbox": "box", "url": url, "path": "work/repo"}),
    )
    .await;
    assert_eq!(cloned, json!({"path": "work/repo", "url": url}));
    let repo = dir.join("work/repo");
    assert_eq!(
        std::fs::read_to_string(repo.join("README.md")).unwrap(),
        "hello\n"
    );

    let clean = status(&emu, &cfg).await;
    assert_eq!(
        clean,
        json!({"currentBranch": "main", "ahead": 0, "behind": 0, "branchPublished": true,
               "fileStatus": [], "truncated": false, "total": 0})
    );

    // One file through write_file, one changed in the sandbox directly.
    ok(
        &emu,
        &cfg,
        "write_file",
        json!({"sandbox": "box", "path": "work/repo/agent.txt", "content": "by the agent\n"}),
    )
    .await;
    std::fs::write(repo.join("README.md"), "hello again\n").unwrap();
    let dirty = status(&emu, &cfg).await;
    assert_eq!(
        changes(&dirty),
        [
            triple("README.md", "Unmodified", "Modified"),
            triple("agent.txt", "Untracked", "Untracked"),
        ]
    );
    assert_eq!(dirty["total"], 2);

    let added = on_repo(
        &emu,
        &cfg,
        "git_add",
        json!({"files": ["agent.txt", "README.md"]}),
    )
    .await;
    assert_eq!(
        added,
        json!({"path": "work/repo", "files": ["agent.txt", "README.md"]})
    );
    assert_eq!(
        changes(&status(&emu, &cfg).await),
        [
            triple("README.md", "Modified", "Unmodified"),
            triple("agent.txt", "Added", "Unmodified"),
        ]
    );

    let committed = on_repo(
        &emu,
        &cfg,
        "git_commit",
        json!({"message": "Add agent.txt", "author": "Agent Smith", "email": "agent@example.com"}),
    )
    .await;
    let hash = committed["hash"].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 40, "{committed}");
    assert_eq!(hash, git(&repo, &["rev-parse", "HEAD"]));
    assert_eq!(
        git(&repo, &["log", "-1", "--format=%an <%ae> %s"]),
        "Agent Smith <agent@example.com> Add agent.txt"
    );
    let after = status(&emu, &cfg).await;
    assert_eq!(
        (after["ahead"].as_u64(), after["total"].as_u64()),
        (Some(1), Some(0))
    );

    let log = on_repo(&emu, &cfg, "git_log", json!({})).await;
    assert_eq!(log["truncated"], false);
    let commits = log["commits"].as_array().unwrap();
    assert_eq!(commits.len(), 2);
    assert_eq!(commits[0]["hash"], hash.as_str());
    assert_eq!(commits[0]["author"], "Agent Smith");
    assert_eq!(commits[0]["email"], "agent@example.com");
    assert_eq!(commits[0]["message"], "Add agent.txt");
    assert!(commits[0]["timestamp"].as_str().unwrap().len() >= 20);
    assert_eq!(commits[1]["message"], "seed");
    let newest = on_repo(&emu, &cfg, "git_log", json!({"limit": 1})).await;
    assert_eq!(newest["commits"].as_array().unwrap().len(), 1);
    assert_eq!(newest["truncated"], true);

    // Push, and the commit is in the bare repository.
    let pushed = on_repo(&emu, &cfg, "git_push", json!({})).await;
    assert_eq!(pushed, json!({"path": "work/repo"}));
    assert_eq!(git(&bare, &["rev-parse", "main"]), hash);
    assert_eq!(git(&bare, &["show", "main:agent.txt"]), "by the agent");
    assert_eq!(status(&emu, &cfg).await["ahead"], 0);

    let branches = on_repo(&emu, &cfg, "git_branches", json!({})).await;
    assert_eq!(
        branches,
        json!({"branches": ["main"], "truncated": false, "total": 1})
    );
    let created = on_repo(
        &emu,
        &cfg,
        "git_create_branch",
        json!({"name": "feature/x"}),
    )
    .await;
    assert_eq!(created, json!({"path": "work/repo", "branch": "feature/x"}));
    assert_eq!(status(&emu, &cfg).await["currentBranch"], "feature/x");
    let branches = on_repo(&emu, &cfg, "git_branches", json!({})).await;
    assert_eq!(branches["branches"], json!(["feature/x", "main"]));
    let switched = on_repo(&emu, &cfg, "git_checkout", json!({"branch": "main"})).await;
    assert_eq!(switched, json!({"path": "work/repo", "branch": "main"}));
    assert_eq!(status(&emu, &cfg).await["currentBranch"], "main");

    // Someone else pushes; pull brings it in.
    let theirs = push_theirs(&seed(&bare), "theirs.txt", "theirs\n");
    on_repo(&emu, &cfg, "git_pull", json!({})).await;
    assert_eq!(
        std::fs::read_to_string(repo.join("theirs.txt")).unwrap(),
        "theirs\n"
    );
    let log = on_repo(&emu, &cfg, "git_log", json!({"limit": 1})).await;
    assert_eq!(log["commits"][0]["hash"], theirs.as_str());

    // The requests went to the sandbox's toolbox, the git routes the toolbox spec names.
    let routes: Vec<String> = emu
        .requests()
        .iter()
        .map(|r| r.path_only())
        .filter(|p| p.contains("/git/"))
        .map(|p| p[p.find("/git/").unwrap()..].to_string())
        .collect();
    for route in [
        "/git/clone",
        "/git/status",
        "/git/add",
        "/git/commit",
        "/git/history",
        "/git/push",
        "/git/branches",
        "/git/checkout",
        "/git/pull",
    ] {
        assert!(routes.iter().any(|r| r == route), "{route} in {routes:?}");
    }
}

#[tokio::test]
async fn failures_map_to_error_kinds_with_hints_a_model_can_act_on() {
    let emu = emulator();
    let (dir, bare) = setup(&emu);
    let cfg = config(&emu);
    let url = bare.display().to_string();
    ok(
        &emu,
        &cfg,
        "git_clone",
        json!({"sandbox": "box", "url": url, "path": "work/repo"}),
    )
    .await;
    let repo = dir.join("work/repo");
    let fail = |tool: &'static str, args: Value| {
        let (emu, cfg) = (&emu, &cfg);
        async move {
            call(emu, cfg, tool, &args.to_string())
                .await
                .expect_err(tool)
        }
    };
    let hint = |e: &host_test::harness::types::Error| e.hint.clone().unwrap_or_default();

    let missing = fail(
        "git_clone",
        json!({"sandbox": "box", "url": bare.with_file_name("nope.git"), "path": "x"}),
    )
    .await;
    assert_kind(&missing, ErrorKind::NotFound);
    assert!(hint(&missing).contains("`url`"), "{missing:?}");

    let taken = fail(
        "git_clone",
        json!({"sandbox": "box", "url": url, "path": "work/repo"}),
    )
    .await;
    assert_kind(&taken, ErrorKind::Conflict);
    assert!(hint(&taken).contains("`path`"), "{taken:?}");

    std::fs::create_dir_all(dir.join("plain")).unwrap();
    let not_repo = fail("git_status", json!({"sandbox": "box", "path": "plain"})).await;
    assert_kind(&not_repo, ErrorKind::NotFound);
    assert!(hint(&not_repo).contains("git_clone"), "{not_repo:?}");

    let no_branch = fail(
        "git_checkout",
        json!({"sandbox": "box", "path": "work/repo", "branch": "nope"}),
    )
    .await;
    assert_kind(&no_branch, ErrorKind::NotFound);
    assert!(hint(&no_branch).contains("git_branches"), "{no_branch:?}");

    let exists = fail(
        "git_create_branch",
        json!({"sandbox": "box", "path": "work/repo", "name": "main"}),
    )
    .await;
    assert_kind(&exists, ErrorKind::Conflict);
    assert!(hint(&exists).contains("git_checkout"), "{exists:?}");

    let nothing = fail(
        "git_commit",
        json!({"sandbox": "box", "path": "work/repo", "message": "m", "author": "A", "email": "a@example.com"}),
    )
    .await;
    assert_kind(&nothing, ErrorKind::InvalidInput);
    assert!(hint(&nothing).contains("git_add"), "{nothing:?}");

    // A local commit while someone else pushed: the push is rejected, pull then push works.
    std::fs::write(repo.join("mine.txt"), "mine\n").unwrap();
    on_repo(&emu, &cfg, "git_add", json!({"files": ["."]})).await;
    on_repo(
        &emu,
        &cfg,
        "git_commit",
        json!({"message": "mine", "author": "A", "email": "a@example.com"}),
    )
    .await;
    let theirs = push_theirs(&seed(&bare), "theirs.txt", "theirs\n");
    let rejected = fail("git_push", json!({"sandbox": "box", "path": "work/repo"})).await;
    assert_kind(&rejected, ErrorKind::Conflict);
    assert!(hint(&rejected).contains("git_pull"), "{rejected:?}");
    assert_eq!(git(&bare, &["rev-parse", "main"]), theirs, "nothing pushed");
    on_repo(&emu, &cfg, "git_pull", json!({})).await;
    on_repo(&emu, &cfg, "git_push", json!({})).await;
    assert_eq!(
        git(&bare, &["rev-parse", "main"]),
        git(&repo, &["rev-parse", "HEAD"])
    );
    assert_eq!(git(&bare, &["show", "main:mine.txt"]), "mine");

    // Refused before anything is sent, never quoting a credential.
    let before = emu.requests().len();
    for (tool, args, field) in [
        (
            "git_clone",
            json!({"sandbox": "box", "url": "https://alice:hunter2-pw@git.example.com/r.git", "path": "y"}),
            "url",
        ),
        (
            "git_clone",
            json!({"sandbox": "box", "url": "ext::sh -c touch% /tmp/pwned", "path": "y"}),
            "url",
        ),
        // ssh would read a host starting with '-' as an option and run the command.
        (
            "git_clone",
            json!({"sandbox": "box", "url": "ssh://-oProxyCommand=touch%20/tmp/pwned/x", "path": "y"}),
            "url",
        ),
        (
            "git_clone",
            json!({"sandbox": "box", "url": "git@-oProxyCommand=x:o/r.git", "path": "y"}),
            "url",
        ),
        (
            "git_clone",
            json!({"sandbox": "box", "url": url, "path": "y", "branch": "--upload-pack=x"}),
            "branch",
        ),
        (
            "git_clone",
            json!({"sandbox": "box", "url": url, "path": "y", "commitId": "HEAD~1"}),
            "commitId",
        ),
        (
            "git_push",
            json!({"sandbox": "box", "path": "work/repo", "password": "hunter2-pw"}),
            "username",
        ),
        (
            "git_checkout",
            json!({"sandbox": "box", "path": "work/repo", "branch": "-f"}),
            "branch",
        ),
        (
            "git_add",
            json!({"sandbox": "box", "path": "work/repo", "files": []}),
            "files",
        ),
        (
            "git_status",
            json!({"sandbox": "box", "path": "x\u{0}y"}),
            "path",
        ),
    ] {
        let err = fail(tool, args.clone()).await;
        assert_kind(&err, ErrorKind::InvalidInput);
        assert!(
            err.message.contains(&format!("`{field}`")),
            "{args}: {err:?}"
        );
        let shown = format!("{err:?}");
        assert!(
            !shown.contains("hunter2-pw") && !shown.contains("alice"),
            "{shown}"
        );
        assert_eq!(emu.requests().len(), before, "{args} sent a request");
    }
    assert!(
        !emu.requests().iter().any(|r| r.path.contains("/git/clone")
            && String::from_utf8_lossy(&r.body).contains("ProxyCommand")),
        "a URL with an option for a host reached the git route"
    );
    let credentials = fail(
        "git_clone",
        json!({"sandbox": "box", "url": "https://alice:hunter2-pw@git.example.com/r.git", "path": "y"}),
    )
    .await;
    assert!(hint(&credentials).contains("`password`"), "{credentials:?}");

    emu.add_sandbox(SandboxSeed::new().named("asleep").in_state("stopped"));
    let stopped = fail("git_status", json!({"sandbox": "asleep", "path": "repo"})).await;
    assert_kind(&stopped, ErrorKind::Conflict);
    assert!(hint(&stopped).contains("start_sandbox"));
}

/// The password the protected repository wants, and a wrong one; neither may show up.
const RIGHT: &str = "correct-horse-battery-staple";
const WRONG: &str = "Wr0ng-pa55word-zz9";

fn assert_hidden(text: &str) {
    for secret in [RIGHT, WRONG] {
        assert!(!text.contains(secret), "a git password leaked into: {text}");
    }
}

#[tokio::test]
async fn git_credentials_appear_in_no_result_error_or_output() {
    let emu = emulator();
    let (dir, bare) = setup(&emu);
    git(&bare, &["config", "daytona-emulator.username", "alice"]);
    git(&bare, &["config", "daytona-emulator.password", RIGHT]);
    let cfg = config(&emu);
    let url = format!("file://{}", bare.display());

    // Through call-tool, the guest's own output captured too.
    let attempt = |path: &str, password: Option<&str>| {
        let mut args = json!({"sandbox": "box", "url": url, "path": path});
        if let Some(p) = password {
            args["username"] = json!("alice");
            args["password"] = json!(p);
        }
        args.to_string()
    };
    for password in [None, Some(WRONG)] {
        let mut inst = instance(&cfg).await;
        let outcome = inst
            .call_tool("git_clone", &attempt("private", password))
            .await
            .unwrap();
        let shown = format!("{outcome:?}{}", inst.output());
        assert_hidden(&shown);
        assert_no_secrets(&emu, &shown);
        let err = outcome.unwrap_err();
        assert_kind(&err, ErrorKind::Unauthorized);
        assert_eq!(err.status, Some(401));
        assert!(
            err.message.contains("refused the git credentials")
                && err.message.contains("not about the Daytona API key"),
            "{err:?}"
        );
        let hint = err.hint.unwrap();
        assert!(!hint.contains("DAYTONA_API_KEY"), "{hint}");
        assert!(
            hint.contains("`username`") && hint.contains("scope"),
            "{hint}"
        );
    }
    assert!(!dir.join("private").exists());

    // The typed interface: the same error, the same silence.
    let mut inst = instance(&cfg).await;
    let (guest, store) = inst.git();
    let request = GitCloneRequest {
        sandbox: "box".into(),
        url: url.clone(),
        path: "private".into(),
        branch: None,
        commit_id: None,
        username: Some("alice".into()),
        password: Some(WRONG.into()),
    };
    let err = guest.call_git_clone(&mut *store, &request).await.failed();
    assert_hidden(&format!("{err:?}{}", inst.output()));
    assert_kind(&err, ErrorKind::Unauthorized);

    // A daemon that quotes the credentials and a URL carrying them in its message: the
    // component scrubs them itself (the emulator's own git messages never hold them).
    let id = emu.sandbox("box").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    emu.fail_next(
        "POST",
        &format!("/toolbox/{id}/git/clone"),
        Fault::Status {
            status: 401,
            headers: vec![],
            body: json!({
                "statusCode": 401,
                "code": "GIT_AUTH_FAILED",
                "message": format!("git clone failed: fatal: Authentication failed for 'https://alice:{WRONG}@git.example.com/r.git/' (password {WRONG})"),
            })
            .to_string(),
        },
    );
    let mut inst = instance(&cfg).await;
    let outcome = inst
        .call_tool("git_clone", &attempt("private", Some(WRONG)))
        .await
        .unwrap();
    let shown = format!("{outcome:?}{}", inst.output());
    assert_hidden(&shown);
    let err = outcome.unwrap_err();
    assert_kind(&err, ErrorKind::Unauthorized);
    assert!(
        err.message
            .contains("'https://[redacted]@git.example.com/r.git/' (password [redacted])"),
        "{err:?}"
    );
    assert_eq!(emu.pending_faults(), 0);

    // The right credentials clone; the result does not repeat them.
    let right = ok(
        &emu,
        &cfg,
        "git_clone",
        serde_json::from_str(&attempt("private", Some(RIGHT))).unwrap(),
    )
    .await;
    assert_hidden(&right.to_string());
    assert!(dir.join("private/README.md").exists());
    // Nor does the clone's configuration keep them.
    assert_hidden(&std::fs::read_to_string(dir.join("private/.git/config")).unwrap());

    // Push and pull take them the same way.
    std::fs::write(dir.join("private/x.txt"), "x\n").unwrap();
    ok(
        &emu,
        &cfg,
        "git_add",
        json!({"sandbox": "box", "path": "private", "files": ["."]}),
    )
    .await;
    ok(
        &emu,
        &cfg,
        "git_commit",
        json!({"sandbox": "box", "path": "private", "message": "x", "author": "A", "email": "a@example.com"}),
    )
    .await;
    for tool in ["git_push", "git_pull"] {
        let args =
            json!({"sandbox": "box", "path": "private", "username": "alice", "password": WRONG});
        let mut inst = instance(&cfg).await;
        let outcome = inst.call_tool(tool, &args.to_string()).await.unwrap();
        assert_hidden(&format!("{outcome:?}{}", inst.output()));
        assert_kind(&outcome.unwrap_err(), ErrorKind::Unauthorized);
    }
    ok(
        &emu,
        &cfg,
        "git_push",
        json!({"sandbox": "box", "path": "private", "username": "alice", "password": RIGHT}),
    )
    .await;
    assert_eq!(git(&bare, &["show", "main:x.txt"]), "x");
}

#[tokio::test]
async fn status_branches_and_log_are_bounded() {
    let emu = emulator();
    let (dir, bare) = setup(&emu);
    let repo = dir.join("work/repo");
    git(
        &dir,
        &["clone", "--quiet", bare.to_str().unwrap(), "work/repo"],
    );
    for i in 0..300 {
        std::fs::write(repo.join(format!("untracked-{i:03}.txt")), "x").unwrap();
    }
    for i in 0..30 {
        git(
            &repo,
            &["commit", "--quiet", "--allow-empty", "-m", &format!("c{i}")],
        );
    }
    let long = "m".repeat(5000);
    git(&repo, &["commit", "--quiet", "--allow-empty", "-m", &long]);
    for i in 0..200 {
        git(&repo, &["branch", &format!("branch-{i:03}")]);
    }
    let small = config(&emu).env("DAYTONA_OUTPUT_LIMIT_BYTES", "1024");

    let status = on_repo(&emu, &small, "git_status", json!({})).await;
    assert_eq!(status["total"], 300);
    assert_eq!(status["truncated"], true);
    assert!(!status["fileStatus"].as_array().unwrap().is_empty());
    assert!(
        status.to_string().len() < 2048,
        "{}",
        status.to_string().len()
    );

    let branches = on_repo(&emu, &small, "git_branches", json!({})).await;
    assert_eq!(
        (branches["total"].as_u64(), branches["truncated"].as_bool()),
        (Some(201), Some(true))
    );
    assert!(branches.to_string().len() < 2048);

    // The default limit, the longest message cut, and the output limit.
    let cfg = config(&emu);
    let log = on_repo(&emu, &cfg, "git_log", json!({})).await;
    let commits = log["commits"].as_array().unwrap();
    assert_eq!(
        (commits.len(), log["truncated"].as_bool()),
        (20, Some(true))
    );
    let first = commits[0]["message"].as_str().unwrap();
    assert!(
        first.starts_with("mmm") && first.ends_with('…') && first.len() <= 2004,
        "{}",
        first.len()
    );
    assert_eq!(commits[1]["message"], "c29");
    let all = on_repo(&emu, &cfg, "git_log", json!({"limit": 100})).await;
    assert_eq!(all["commits"].as_array().unwrap().len(), 32);
    assert_eq!(all["truncated"], false);
    let cut = on_repo(&emu, &small, "git_log", json!({"limit": 100})).await;
    assert_eq!(cut["truncated"], true);
    assert!(cut.to_string().len() < 2048);
    // Messages are cut to a quarter of the limit, so a long one does not hide the rest.
    let kept = cut["commits"].as_array().unwrap();
    assert!(kept.len() >= 2, "{cut}");
    assert!(kept[0]["message"].as_str().unwrap().len() <= 256 + 3);
}

#[tokio::test]
async fn the_typed_git_interface_reaches_the_same_tools() {
    let emu = emulator();
    let (dir, bare) = setup(&emu);
    let cfg = config(&emu);
    let mut inst = instance(&cfg).await;
    let repo = dir.join("r");

    let (guest, store) = inst.git();
    let cloned = guest
        .call_git_clone(
            &mut *store,
            &GitCloneRequest {
                sandbox: "box".into(),
                url: bare.display().to_string(),
                path: "r".into(),
                branch: Some("main".into()),
                commit_id: None,
                username: None,
                password: None,
            },
        )
        .await
        .succeeded();
    assert_eq!(cloned.path, "r");
    std::fs::write(repo.join("t.txt"), "typed\n").unwrap();
    let (guest, store) = inst.git();
    let status = guest
        .call_git_status(&mut *store, "box", "r")
        .await
        .succeeded();
    assert_eq!(status.current_branch, "main");
    assert!(status.branch_published);
    assert_eq!(status.total, 1);
    assert_eq!(status.file_status[0].name, "t.txt");
    assert_eq!(status.file_status[0].worktree, "Untracked");
    let (guest, store) = inst.git();
    guest
        .call_git_add(&mut *store, "box", "r", &["t.txt".to_string()])
        .await
        .succeeded();
    let (guest, store) = inst.git();
    let committed = guest
        .call_git_commit(
            &mut *store,
            &GitCommitRequest {
                sandbox: "box".into(),
                path: "r".into(),
                message: "typed".into(),
                author: "Typed".into(),
                email: "typed@example.com".into(),
                allow_empty: None,
            },
        )
        .await
        .succeeded();
    assert_eq!(committed.hash, git(&repo, &["rev-parse", "HEAD"]));
    let (guest, store) = inst.git();
    let log = guest
        .call_git_log(&mut *store, "box", "r", Some(1))
        .await
        .succeeded();
    assert_eq!(log.commits[0].hash, committed.hash);
    assert_eq!(log.commits[0].author, "Typed");
    assert!(log.truncated);
    let (guest, store) = inst.git();
    guest
        .call_git_create_branch(&mut *store, "box", "r", "topic")
        .await
        .succeeded();
    let (guest, store) = inst.git();
    let branches = guest
        .call_git_branches(&mut *store, "box", "r")
        .await
        .succeeded();
    assert_eq!(branches.branches, ["main", "topic"]);
    let (guest, store) = inst.git();
    guest
        .call_git_push(&mut *store, "box", "r", None, None)
        .await
        .succeeded();
    assert_eq!(git(&bare, &["rev-parse", "topic"]), committed.hash);
    let (guest, store) = inst.git();
    guest
        .call_git_checkout(&mut *store, "box", "r", "main")
        .await
        .succeeded();
    let (guest, store) = inst.git();
    guest
        .call_git_pull(&mut *store, "box", "r", None, None)
        .await
        .succeeded();
    let (guest, store) = inst.git();
    let err = guest
        .call_git_checkout(&mut *store, "box", "r", "nope")
        .await
        .failed();
    assert_kind(&err, ErrorKind::NotFound);

    // DAYTONA_TOOLS applies to the typed functions too.
    let mut inst = read_only_refuses(cfg, async |inst| {
        let (guest, store) = inst.git();
        guest.call_git_push(store, "box", "r", None, None).await
    })
    .await;
    let (guest, store) = inst.git();
    assert_eq!(
        guest
            .call_git_status(&mut *store, "box", "r")
            .await
            .succeeded()
            .current_branch,
        "main"
    );
}
