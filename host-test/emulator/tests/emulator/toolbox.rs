//! The emulator's toolbox routes over plain HTTP: real file trees in the sandbox's
//! directory, real git commits, real session processes (and their reaping), code run and
//! preview URLs proxied to a server started in a session.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use daytona_emulator::testing::{bare_repo, git, served_port};
use daytona_emulator::{Emulator, EmulatorOptions};
use serde_json::{Value, json};

use crate::http;

use http::Resp;

/// One sandbox's toolbox, called with the master key.
struct Toolbox {
    base: String,
    api: String,
    key: String,
    id: String,
}

impl Toolbox {
    /// Creates a sandbox through the API and returns its toolbox.
    async fn create(emu: &Emulator) -> Toolbox {
        let key = emu.api_key();
        let r = http::send(
            "POST",
            &format!("{}/sandbox", emu.api_url()),
            &[("authorization", &format!("Bearer {key}"))],
            Some(b"{}".to_vec()),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
        let sandbox = r.json();
        Toolbox {
            base: format!(
                "{}/{}",
                sandbox["toolboxProxyUrl"].as_str().unwrap(),
                sandbox["id"].as_str().unwrap()
            ),
            api: emu.api_url(),
            key,
            id: sandbox["id"].as_str().unwrap().to_string(),
        }
    }

    async fn raw(
        &self,
        method: &str,
        url: &str,
        ctype: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Resp {
        let auth = format!("Bearer {}", self.key);
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(c) = ctype {
            headers.push(("content-type", c));
        }
        http::send(method, url, &headers, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {url}: {e}"))
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let url = format!("{}{path}", self.base);
        self.raw(method, &url, None, body.map(|b| b.to_string().into_bytes()))
            .await
    }

    async fn get(&self, path: &str) -> Resp {
        self.call("GET", path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Resp {
        self.call("POST", path, Some(body)).await
    }

    async fn api_get(&self, path: &str) -> Resp {
        let url = format!("{}{path}", self.api);
        self.raw("GET", &url, None, None).await
    }

    async fn multipart(&self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Resp {
        let boundary = "----emulatortestboundary7MA4YWxk";
        let mut body = Vec::new();
        for (name, filename, data) in parts {
            body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match filename {
                Some(f) => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
                ),
                None => body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                ),
            }
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let url = format!("{}{path}", self.base);
        let ctype = format!("multipart/form-data; boundary={boundary}");
        self.raw("POST", &url, Some(&ctype), Some(body)).await
    }
}

fn ok(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.text());
}

/// Asserts the toolbox error shape and returns the body.
fn toolbox_error(r: &Resp, status: u16, code: &str) -> Value {
    assert_eq!(r.status, status, "{}", r.text());
    let body = r.json();
    assert_eq!(body["statusCode"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    for field in ["message", "timestamp", "path", "method"] {
        assert!(body[field].is_string(), "toolbox error has {field}: {body}");
    }
    body
}

fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn start() -> Emulator {
    Emulator::start(EmulatorOptions::default()).expect("emulator starts")
}

fn home(emu: &Emulator, id: &str) -> PathBuf {
    emu.sandbox_dir(id).unwrap().canonicalize().unwrap()
}

// ---------------------------------------------------------------- files

#[tokio::test]
async fn files_routes_work_on_a_real_tree() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);

    let r = tb.get("/user-home-dir").await;
    ok(&r, 200);
    assert_eq!(r.json()["dir"], home.display().to_string());
    assert_eq!(
        tb.get("/work-dir").await.json()["dir"],
        home.display().to_string()
    );

    // Single upload (relative path: against home) and the SDK's bulk form.
    let r = tb
        .multipart(
            &format!("/files/upload?path={}", q("src/main.rs")),
            &[(
                "file",
                Some("main.rs"),
                b"fn main() {\n    // TODO: greet\n}\n",
            )],
        )
        .await;
    ok(&r, 200);
    let abs = home.join("docs/readme.md").display().to_string();
    let r = tb
        .multipart(
            "/files/bulk-upload",
            &[
                ("files[0].path", None, abs.as_bytes()),
                (
                    "files[0].file",
                    Some("readme.md"),
                    b"# TODO list\nnothing\n",
                ),
                ("files[1].path", None, b"bin.dat"),
                (
                    "files[1].file",
                    Some("bin.dat"),
                    &[0u8, 1, 2, 255, b'\r', b'\n', b'-', b'-'],
                ),
            ],
        )
        .await;
    ok(&r, 200);
    assert_eq!(
        std::fs::read(home.join("bin.dat")).unwrap(),
        [0u8, 1, 2, 255, b'\r', b'\n', b'-', b'-']
    );
    assert_eq!(
        std::fs::read_to_string(home.join("src/main.rs")).unwrap(),
        "fn main() {\n    // TODO: greet\n}\n"
    );

    // List (depth 1 and 2), info.
    let list = tb.get("/files").await.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bin.dat", "docs", "src"]);
    let src = list
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "src")
        .unwrap();
    assert_eq!(src["isDir"], true);
    assert_eq!(src["path"], home.join("src").display().to_string());
    assert!(src["mode"].as_str().unwrap().starts_with('d'), "{src}");
    for field in ["group", "owner", "modTime", "modifiedAt", "permissions"] {
        assert!(src[field].is_string(), "{field}: {src}");
    }
    let deep = tb.get("/files?path=.&depth=2").await.json();
    assert_eq!(deep.as_array().unwrap().len(), 5, "{deep}");
    let info = tb
        .get(&format!("/files/info?path={}", q("src/main.rs")))
        .await
        .json();
    assert_eq!(info["size"], 33);
    assert_eq!(info["isDir"], false);
    assert_eq!(info["name"], "main.rs");

    // Downloads: single, and the SDK's bulk form with a per-file error part.
    let r = tb
        .get(&format!("/files/download?path={}", q("bin.dat")))
        .await;
    ok(&r, 200);
    assert_eq!(r.body, [0u8, 1, 2, 255, b'\r', b'\n', b'-', b'-']);
    let r = tb
        .post(
            "/files/bulk-download",
            json!({"paths": ["docs/readme.md", "missing.txt"]}),
        )
        .await;
    ok(&r, 200);
    let ct = r.header("content-type").unwrap().to_string();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = r.text();
    assert!(
        text.contains("name=\"file\"; filename=\"docs/readme.md\""),
        "{text}"
    );
    assert!(text.contains("# TODO list\nnothing\n"), "{text}");
    assert!(
        text.contains("name=\"error\"; filename=\"missing.txt\""),
        "{text}"
    );
    assert!(text.contains("\"code\":\"FILE_NOT_FOUND\""), "{text}");
    let r = tb.get(&format!("/files/download?path={}", q("nope"))).await;
    toolbox_error(&r, 404, "FILE_NOT_FOUND");
    let r = tb.get("/files/download?path=src").await;
    toolbox_error(&r, 400, "BAD_REQUEST");

    // Find (content, line numbers), search (glob on names), replace.
    let found = tb
        .get(&format!("/files/find?path=.&pattern={}", q("TODO")))
        .await
        .json();
    let mut hits: Vec<(String, i64, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["file"].as_str().unwrap().to_string(),
                m["line"].as_i64().unwrap(),
                m["content"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        [
            (
                home.join("docs/readme.md").display().to_string(),
                1,
                "# TODO list".to_string()
            ),
            (
                home.join("src/main.rs").display().to_string(),
                2,
                "    // TODO: greet".to_string()
            ),
        ]
    );
    let found = tb
        .get(&format!("/files/search?path=.&pattern={}", q("*.md")))
        .await
        .json();
    assert_eq!(
        found["files"],
        json!([home.join("docs/readme.md").display().to_string()])
    );
    let r = tb
        .post(
            "/files/replace",
            json!({"files": ["src/main.rs", "nope.rs"], "pattern": "TODO", "newValue": "DONE"}),
        )
        .await;
    ok(&r, 200);
    let results = r.json();
    assert_eq!(results[0]["success"], true, "{results}");
    assert_eq!(results[1]["success"], false, "{results}");
    assert!(
        std::fs::read_to_string(home.join("src/main.rs"))
            .unwrap()
            .contains("DONE: greet")
    );

    // Folder with mode, move, permissions, delete.
    let r = tb
        .call(
            "POST",
            &format!("/files/folder?path={}&mode=0700", q("a/b")),
            None,
        )
        .await;
    ok(&r, 201);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(home.join("a/b"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700);
    let r = tb
        .call(
            "POST",
            &format!(
                "/files/move?source={}&destination={}",
                q("bin.dat"),
                q("a/b/moved.dat")
            ),
            None,
        )
        .await;
    ok(&r, 200);
    assert!(home.join("a/b/moved.dat").is_file() && !home.join("bin.dat").exists());
    let r = tb
        .call(
            "POST",
            &format!("/files/permissions?path={}&mode=0600", q("a/b/moved.dat")),
            None,
        )
        .await;
    ok(&r, 200);
    let info = tb
        .get(&format!("/files/info?path={}", q("a/b/moved.dat")))
        .await
        .json();
    assert_eq!(info["permissions"], "0600");
    assert_eq!(info["mode"], "-rw-------");
    let r = tb.call("DELETE", "/files?path=a", None).await;
    toolbox_error(&r, 400, "BAD_REQUEST");
    let r = tb
        .call("DELETE", "/files?path=a&recursive=true", None)
        .await;
    ok(&r, 204);
    assert!(!home.join("a").exists());
    let r = tb.call("DELETE", "/files?path=a", None).await;
    toolbox_error(&r, 404, "FILE_NOT_FOUND");
}

#[tokio::test]
async fn paths_cannot_leave_the_sandbox() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    let outside = tempdir("outside");
    std::fs::write(outside.join("secret.txt"), "secret").unwrap();
    std::os::unix::fs::symlink(&outside, home.join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.join("new.txt"), home.join("dangling")).unwrap();

    for path in [
        "../x",
        "sub/../../x",
        "/etc/passwd",
        "escape/secret.txt",
        "escape",
        "dangling",
    ] {
        let r = tb.get(&format!("/files/download?path={}", q(path))).await;
        let body = toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
        assert!(!body.to_string().contains("secret\""), "{body}");
        let r = tb
            .multipart(
                &format!("/files/upload?path={}", q(path)),
                &[("file", Some("f"), b"pwned")],
            )
            .await;
        toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
        let r = tb
            .call(
                "DELETE",
                &format!("/files?path={}&recursive=true", q(path)),
                None,
            )
            .await;
        toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
    }
    let r = tb
        .get(&format!(
            "/files?path={}",
            q(&outside.display().to_string())
        ))
        .await;
    toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
    let r = tb
        .call(
            "POST",
            &format!(
                "/files/move?source={}&destination={}",
                q("escape/secret.txt"),
                q("stolen")
            ),
            None,
        )
        .await;
    toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
    let r = tb
        .post(
            "/git/clone",
            json!({"url": "/nonexistent", "path": "../clone"}),
        )
        .await;
    toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
    let r = tb.get("/files/download?path=a%00b").await;
    toolbox_error(&r, 400, "INVALID_FILE_PATH");
    let r = tb
        .multipart(
            "/files/bulk-upload",
            &[
                ("files[0].path", None, b"fine.txt"),
                ("files[0].file", Some("fine.txt"), b"ok"),
                ("files[1].path", None, b"../../evil.txt"),
                ("files[1].file", Some("evil.txt"), b"pwned"),
            ],
        )
        .await;
    toolbox_error(&r, 403, "FILE_ACCESS_DENIED");
    assert!(
        !home.join("fine.txt").exists(),
        "nothing is written when one path is refused"
    );
    assert!(!outside.join("new.txt").exists());
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).unwrap(),
        "secret"
    );
    let _ = std::fs::remove_dir_all(&outside);
}

// ---------------------------------------------------------------- git

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "toolbox-test-{tag}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d.canonicalize().unwrap()
}

#[tokio::test]
async fn git_routes_make_real_commits() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    let root = tempdir("git");
    let bare = bare_repo(&root);
    let url = bare.display().to_string();

    let r = tb
        .post("/git/clone", json!({"url": url, "path": "work/repo"}))
        .await;
    ok(&r, 200);
    let repo = home.join("work/repo");
    assert_eq!(
        std::fs::read_to_string(repo.join("README.md")).unwrap(),
        "hello\n"
    );
    let r = tb
        .post("/git/clone", json!({"url": url, "path": "work/repo"}))
        .await;
    toolbox_error(&r, 409, "CONFLICT");
    let r = tb
        .post(
            "/git/clone",
            json!({"url": root.join("nope.git"), "path": "x"}),
        )
        .await;
    toolbox_error(&r, 404, "GIT_REPO_NOT_FOUND");

    let status = tb.get("/git/status?path=work/repo").await.json();
    assert_eq!(status["currentBranch"], "main", "{status}");
    assert_eq!(status["fileStatus"], json!([]));
    assert_eq!(status["branchPublished"], true);
    assert_eq!(status["ahead"], 0);

    std::fs::write(repo.join("new.txt"), "new\n").unwrap();
    std::fs::write(repo.join("README.md"), "hello again\n").unwrap();
    let status = tb.get("/git/status?path=work/repo").await.json();
    let mut files: Vec<(String, String, String)> = status["fileStatus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().into(),
                f["staging"].as_str().unwrap().into(),
                f["worktree"].as_str().unwrap().into(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ("README.md".into(), "Unmodified".into(), "Modified".into()),
            ("new.txt".into(), "Untracked".into(), "Untracked".into()),
        ]
    );
    let r = tb
        .post("/git/add", json!({"path": "work/repo", "files": ["."]}))
        .await;
    ok(&r, 200);
    let r = tb
        .post(
            "/git/commit",
            json!({"path": "work/repo", "message": "Add new.txt", "author": "Agent Smith", "email": "agent@example.com"}),
        )
        .await;
    ok(&r, 200);
    let hash = r.json()["hash"].as_str().unwrap().to_string();
    assert_eq!(hash, git(&repo, &["rev-parse", "HEAD"]));
    assert_eq!(
        git(&repo, &["log", "-1", "--format=%an <%ae> %s"]),
        "Agent Smith <agent@example.com> Add new.txt"
    );
    let r = tb
        .post(
            "/git/commit",
            json!({"path": "work/repo", "message": "again", "author": "A", "email": "a@b"}),
        )
        .await;
    toolbox_error(&r, 400, "BAD_REQUEST");
    let status = tb.get("/git/status?path=work/repo").await.json();
    assert_eq!(status["ahead"], 1, "{status}");

    let history = tb.get("/git/history?path=work/repo").await.json();
    assert_eq!(history[0]["hash"], hash.as_str());
    assert_eq!(history[0]["author"], "Agent Smith");
    assert_eq!(history[0]["email"], "agent@example.com");
    assert_eq!(history[0]["message"], "Add new.txt");
    assert!(history[0]["timestamp"].is_string());
    assert_eq!(history[1]["message"], "seed");

    let r = tb.post("/git/push", json!({"path": "work/repo"})).await;
    ok(&r, 200);
    assert_eq!(git(&bare, &["rev-parse", "main"]), hash);

    // Branches.
    let r = tb
        .post(
            "/git/branches",
            json!({"path": "work/repo", "name": "feature"}),
        )
        .await;
    ok(&r, 201);
    let r = tb
        .post(
            "/git/branches",
            json!({"path": "work/repo", "name": "feature"}),
        )
        .await;
    toolbox_error(&r, 409, "GIT_BRANCH_EXISTS");
    // As the daemon does (go-git `Checkout{Create: true}`), the new branch is checked out.
    assert_eq!(
        tb.get("/git/status?path=work/repo").await.json()["currentBranch"],
        "feature"
    );
    let branches = tb.get("/git/branches?path=work/repo").await.json();
    assert_eq!(branches["branches"], json!(["feature", "main"]));
    ok(
        &tb.post(
            "/git/checkout",
            json!({"path": "work/repo", "branch": "feature"}),
        )
        .await,
        200,
    );
    assert_eq!(
        tb.get("/git/status?path=work/repo").await.json()["currentBranch"],
        "feature"
    );
    let r = tb
        .post(
            "/git/checkout",
            json!({"path": "work/repo", "branch": "nope"}),
        )
        .await;
    toolbox_error(&r, 404, "GIT_BRANCH_NOT_FOUND");
    ok(
        &tb.post(
            "/git/checkout",
            json!({"path": "work/repo", "branch": "main"}),
        )
        .await,
        200,
    );
    let r = tb
        .call(
            "DELETE",
            "/git/branches",
            Some(json!({"path": "work/repo", "name": "feature"})),
        )
        .await;
    ok(&r, 204);
    let r = tb
        .call(
            "DELETE",
            "/git/branches",
            Some(json!({"path": "work/repo", "name": "feature"})),
        )
        .await;
    toolbox_error(&r, 404, "GIT_BRANCH_NOT_FOUND");

    // Pull what someone else pushed.
    let other = root.join("other");
    git(
        &root,
        &[
            "clone",
            "--quiet",
            bare.to_str().unwrap(),
            other.to_str().unwrap(),
        ],
    );
    std::fs::write(other.join("theirs.txt"), "theirs\n").unwrap();
    git(&other, &["add", "theirs.txt"]);
    git(&other, &["commit", "--quiet", "-m", "theirs"]);
    git(&other, &["push", "--quiet", "origin", "main"]);
    ok(
        &tb.post("/git/pull", json!({"path": "work/repo"})).await,
        200,
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("theirs.txt")).unwrap(),
        "theirs\n"
    );

    // A new branch without an upstream: push sends the current branch.
    ok(
        &tb.post(
            "/git/branches",
            json!({"path": "work/repo", "name": "topic"}),
        )
        .await,
        201,
    );
    ok(
        &tb.post(
            "/git/checkout",
            json!({"path": "work/repo", "branch": "topic"}),
        )
        .await,
        200,
    );
    std::fs::write(repo.join("topic.txt"), "topic\n").unwrap();
    ok(
        &tb.post(
            "/git/add",
            json!({"path": "work/repo", "files": ["topic.txt"]}),
        )
        .await,
        200,
    );
    let r = tb
        .post(
            "/git/commit",
            json!({"path": "work/repo", "message": "topic", "author": "A", "email": "a@b"}),
        )
        .await;
    let topic = r.json()["hash"].as_str().unwrap().to_string();
    ok(
        &tb.post("/git/push", json!({"path": "work/repo"})).await,
        200,
    );
    assert_eq!(git(&bare, &["rev-parse", "topic"]), topic);

    // Not a repository.
    std::fs::create_dir_all(home.join("plain")).unwrap();
    let r = tb.get("/git/status?path=plain").await;
    toolbox_error(&r, 404, "GIT_REPO_NOT_FOUND");
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn git_credentials_are_checked_and_never_echoed() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let root = tempdir("gitauth");
    let bare = bare_repo(&root);
    git(&bare, &["config", "daytona-emulator.username", "alice"]);
    git(
        &bare,
        &["config", "daytona-emulator.password", "s3cret-token"],
    );
    let url = format!("file://{}", bare.display());

    let r = tb
        .post("/git/clone", json!({"url": url, "path": "a"}))
        .await;
    toolbox_error(&r, 401, "GIT_AUTH_FAILED");
    let wrong = "hunter2-wrong-password";
    let r = tb
        .post(
            "/git/clone",
            json!({"url": url, "path": "a", "username": "alice", "password": wrong}),
        )
        .await;
    let body = toolbox_error(&r, 401, "GIT_AUTH_FAILED");
    assert!(!r.text().contains(wrong), "the password leaked: {body}");
    let r = tb
        .post(
            "/git/clone",
            json!({"url": url, "path": "a", "username": "alice", "password": "s3cret-token"}),
        )
        .await;
    ok(&r, 200);
    ok(
        &tb.post(
            "/git/pull",
            json!({"path": "a", "username": "alice", "password": "s3cret-token"}),
        )
        .await,
        200,
    );
    let r = tb
        .post(
            "/git/push",
            json!({"path": "a", "username": "alice", "password": wrong}),
        )
        .await;
    toolbox_error(&r, 401, "GIT_AUTH_FAILED");
    assert!(!r.text().contains(wrong));
    let _ = std::fs::remove_dir_all(&root);
}

// ---------------------------------------------------------------- sessions and code run

/// How long a wait for a process to start, write or die may take before the
/// test fails: a guard against a hang, generous for a loaded machine.
const HANG_GUARD: Duration = Duration::from_secs(60);

fn pid_alive(pid: i32) -> bool {
    // A zombie still answers kill(0): look at /proc's state too.
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    !stat.is_empty() && !stat.contains(") Z ")
}

async fn wait_dead(pid: i32) {
    let deadline = Instant::now() + HANG_GUARD;
    while pid_alive(pid) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!pid_alive(pid), "process {pid} survived");
}

async fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        if let Ok(s) = std::fs::read_to_string(path)
            && s.ends_with('\n')
        {
            return s;
        }
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Starts `sleep 600` in the background of a new session `session` (run asynchronously,
/// its shell waiting on it); the sleeper's pid, once it has written it to `bg.pid`.
async fn background_sleep(tb: &Toolbox, home: &Path, session: &str) -> i32 {
    ok(
        &tb.post("/process/session", json!({"sessionId": session}))
            .await,
        201,
    );
    let r = tb
        .post(
            &format!("/process/session/{session}/exec"),
            json!({"command": "sleep 600 & echo $! > bg.pid; wait", "runAsync": true}),
        )
        .await;
    ok(&r, 202);
    wait_for_file(&home.join("bg.pid"))
        .await
        .trim()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn sessions_run_real_processes_and_reap_them() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);

    ok(
        &tb.post("/process/session", json!({"sessionId": "s1"}))
            .await,
        201,
    );
    let r = tb
        .post("/process/session", json!({"sessionId": "s1"}))
        .await;
    toolbox_error(&r, 409, "CONFLICT");
    let r = tb
        .post("/process/session/nope/exec", json!({"command": "true"}))
        .await;
    toolbox_error(&r, 404, "NOT_FOUND");

    // Synchronous: exit code, separate streams.
    let r = tb
        .post(
            "/process/session/s1/exec",
            json!({"command": "echo out; echo err >&2; exit 3"}),
        )
        .await;
    ok(&r, 200);
    let v = r.json();
    assert_eq!(v["exitCode"], 3, "{v}");
    assert_eq!(v["stdout"], "out\n");
    assert_eq!(v["stderr"], "err\n");
    assert!(v["output"].as_str().unwrap().contains("out\n"));
    let first = v["cmdId"].as_str().unwrap().to_string();

    // The working directory and exports carry over, as in a shell.
    std::fs::create_dir_all(home.join("sub")).unwrap();
    let r = tb
        .post(
            "/process/session/s1/exec",
            json!({"command": "cd sub && export GREETING=hi"}),
        )
        .await;
    assert_eq!(r.json()["exitCode"], 0);
    let v = tb
        .post(
            "/process/session/s1/exec",
            json!({"command": "pwd; echo $GREETING; echo $HOME"}),
        )
        .await
        .json();
    assert_eq!(
        v["stdout"],
        format!("{}\nhi\n{}\n", home.join("sub").display(), home.display())
    );

    // Asynchronous: 202 at once, logs while it runs, exitCode once done. The
    // command waits for a file the test creates, not for a time.
    let gate = home.join("go");
    let r = tb
        .post(
            "/process/session/s1/exec",
            json!({"command": format!("echo started; while [ ! -e {} ]; do sleep 0.05; done; echo finished", gate.display()), "runAsync": true}),
        )
        .await;
    ok(&r, 202);
    let cmd = r.json()["cmdId"].as_str().unwrap().to_string();
    let c = tb
        .get(&format!("/process/session/s1/command/{cmd}"))
        .await
        .json();
    assert!(
        c.get("exitCode").is_none() || c["exitCode"].is_null(),
        "{c}"
    );
    std::fs::write(&gate, "").unwrap();
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        let c = tb
            .get(&format!("/process/session/s1/command/{cmd}"))
            .await
            .json();
        if c["exitCode"] == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{c}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let logs = tb
        .get(&format!("/process/session/s1/command/{cmd}/logs"))
        .await
        .json();
    assert_eq!(logs["stdout"], "started\nfinished\n");
    assert_eq!(logs["stderr"], "");
    assert_eq!(logs["output"], "started\nfinished\n");

    let session = tb.get("/process/session/s1").await.json();
    assert_eq!(session["sessionId"], "s1");
    let ids: Vec<&str> = session["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], first);
    assert_eq!(session["commands"][0]["exitCode"], 3);
    assert_eq!(
        tb.get("/process/session")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // A long-running command with a background child: deleting the session kills both.
    let r = tb
        .post(
            "/process/session/s1/exec",
            json!({"command": "cd; sleep 600 & echo $! > bg.pid; echo $$ > fg.pid; wait", "runAsync": true}),
        )
        .await;
    ok(&r, 202);
    let bg: i32 = wait_for_file(&home.join("bg.pid"))
        .await
        .trim()
        .parse()
        .unwrap();
    let fg: i32 = wait_for_file(&home.join("fg.pid"))
        .await
        .trim()
        .parse()
        .unwrap();
    assert!(pid_alive(bg) && pid_alive(fg));
    ok(&tb.call("DELETE", "/process/session/s1", None).await, 204);
    wait_dead(bg).await;
    wait_dead(fg).await;
    toolbox_error(&tb.get("/process/session/s1").await, 404, "NOT_FOUND");
    let deadline = Instant::now() + HANG_GUARD;
    while emu.running_process_groups() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(emu.running_process_groups(), 0);
}

#[tokio::test]
async fn deleting_the_sandbox_reaps_its_sessions_and_directory() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    let bg = background_sleep(&tb, &home, "srv").await;
    let url = format!("{}/sandbox/{}", tb.api, tb.id);
    let r = tb.raw("DELETE", &url, None, None).await;
    ok(&r, 200);
    assert!(emu.sandbox_state(&tb.id).is_none());
    wait_dead(bg).await;
    assert!(!home.exists(), "the sandbox directory is removed");
}

#[tokio::test]
async fn dropping_the_emulator_reaps_session_processes() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    let bg = background_sleep(&tb, &home, "s").await;
    drop(emu);
    wait_dead(bg).await;
    assert!(!home.exists());
}

#[tokio::test]
async fn code_run_runs_python() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let r = tb
        .post(
            "/process/code-run",
            json!({
                "language": "python",
                "code": "import os, sys\nprint('it''s', sys.argv[1:], os.environ['X'])\nsys.exit(4)",
                "argv": ["a b", "c"],
                "envs": {"X": "y"},
            }),
        )
        .await;
    ok(&r, 200);
    let v = r.json();
    assert_eq!(v["exitCode"], 4, "{v}");
    assert_eq!(v["result"], "its ['a b', 'c'] y\n");
    let r = tb
        .post(
            "/process/code-run",
            json!({"language": "python", "code": "import time; time.sleep(5)", "timeout": 1}),
        )
        .await;
    toolbox_error(&r, 408, "PROCESS_EXECUTION_TIMEOUT");
    let r = tb
        .post(
            "/process/code-run",
            json!({"language": "cobol", "code": "x"}),
        )
        .await;
    toolbox_error(&r, 400, "BAD_REQUEST");
}

// ---------------------------------------------------------------- preview URLs

#[tokio::test]
async fn preview_urls_reach_a_server_started_in_a_session() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    std::fs::write(home.join("hello.txt"), "hello from the sandbox\n").unwrap();
    ok(
        &tb.post("/process/session", json!({"sessionId": "web"}))
            .await,
        201,
    );
    let r = tb
        .post(
            "/process/session/web/exec",
            json!({"command": "exec python3 -u -m http.server 0 --bind 127.0.0.1", "runAsync": true}),
        )
        .await;
    ok(&r, 202);
    let cmd = r.json()["cmdId"].as_str().unwrap().to_string();
    let deadline = Instant::now() + HANG_GUARD;
    let port = loop {
        let logs = tb
            .get(&format!("/process/session/web/command/{cmd}/logs"))
            .await
            .json();
        if let Some(port) = served_port(logs["stdout"].as_str().unwrap_or_default()) {
            break port;
        }
        assert!(
            Instant::now() < deadline,
            "the server never said which port it listens on: {logs}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };

    let r = tb
        .api_get(&format!("/sandbox/{}/ports/{port}/preview-url", tb.id))
        .await;
    ok(&r, 200);
    let preview = r.json();
    assert_eq!(preview["sandboxId"], tb.id.as_str());
    let url = preview["url"].as_str().unwrap().to_string();
    let token = preview["token"].as_str().unwrap().to_string();
    assert_eq!(url, format!("{}/preview/{port}-{}", emu.base_url(), tb.id));

    // Wait for the server (502 until it listens).
    let deadline = Instant::now() + HANG_GUARD;
    let resp = loop {
        let r = http::send(
            "GET",
            &format!("{url}/hello.txt?x=1"),
            &[("x-daytona-preview-token", &token)],
            None,
        )
        .await
        .unwrap();
        if r.status != 502 {
            break r;
        }
        assert!(
            Instant::now() < deadline,
            "the server never came up: {}",
            r.text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    ok(&resp, 200);
    assert_eq!(resp.text(), "hello from the sandbox\n");

    // Without the token, or with another: 401.
    let r = http::send("GET", &format!("{url}/hello.txt"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 401, "{}", r.text());
    let r = http::send(
        "GET",
        &format!("{url}/hello.txt"),
        &[("x-daytona-preview-token", "nope")],
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 401);

    // Signed URLs: no header needed, expire on the clock or on request, tied to the port.
    let r = tb
        .api_get(&format!(
            "/sandbox/{}/ports/{port}/signed-preview-url?expiresInSeconds=120",
            tb.id
        ))
        .await;
    ok(&r, 200);
    let signed = r.json();
    assert_eq!(signed["port"], port);
    assert_eq!(signed["sandboxId"], tb.id.as_str());
    let signed_url = signed["url"].as_str().unwrap().to_string();
    let signed_token = signed["token"].as_str().unwrap().to_string();
    let r = http::send("GET", &format!("{signed_url}/hello.txt"), &[], None)
        .await
        .unwrap();
    ok(&r, 200);
    assert_eq!(r.text(), "hello from the sandbox\n");
    let other_port = format!(
        "{}/preview/{}-{signed_token}/hello.txt",
        emu.base_url(),
        port + 1
    );
    assert_eq!(
        http::send("GET", &other_port, &[], None)
            .await
            .unwrap()
            .status,
        401
    );
    emu.clock().advance(Duration::from_secs(121));
    let r = http::send("GET", &format!("{signed_url}/hello.txt"), &[], None)
        .await
        .unwrap();
    assert_eq!(r.status, 401, "{}", r.text());

    let r = tb
        .api_get(&format!(
            "/sandbox/{}/ports/{port}/signed-preview-url",
            tb.id
        ))
        .await;
    let signed = r.json();
    let signed_url = signed["url"].as_str().unwrap().to_string();
    ok(
        &http::send("GET", &signed_url, &[], None).await.unwrap(),
        200,
    );
    let expire = format!(
        "{}/sandbox/{}/ports/{port}/signed-preview-url/{}/expire",
        tb.api,
        tb.id,
        signed["token"].as_str().unwrap()
    );
    ok(&tb.raw("POST", &expire, None, None).await, 200);
    assert_eq!(
        http::send("GET", &signed_url, &[], None)
            .await
            .unwrap()
            .status,
        401
    );

    // Bad requests.
    let r = tb
        .api_get(&format!("/sandbox/{}/ports/0/preview-url", tb.id))
        .await;
    assert_eq!(r.status, 400);
    let r = tb
        .api_get(&format!(
            "/sandbox/{}/ports/{port}/signed-preview-url?expiresInSeconds=0",
            tb.id
        ))
        .await;
    assert_eq!(r.status, 400);
    let r = tb
        .api_get(&format!("/sandbox/nope/ports/{port}/preview-url"))
        .await;
    assert_eq!(r.status, 404);

    ok(&tb.call("DELETE", "/process/session/web", None).await, 204);
}

#[tokio::test]
async fn stopping_the_sandbox_ends_its_sessions() {
    let emu = start();
    let tb = Toolbox::create(&emu).await;
    let home = home(&emu, &tb.id);
    let bg = background_sleep(&tb, &home, "s").await;
    let stop = format!("{}/sandbox/{}/stop", tb.api, tb.id);
    ok(&tb.raw("POST", &stop, None, None).await, 200);
    assert_eq!(emu.sandbox_state(&tb.id).as_deref(), Some("stopped"));
    wait_dead(bg).await;
    let r = tb.get("/process/session").await;
    toolbox_error(&r, 400, "BAD_REQUEST");
    let start = format!("{}/sandbox/{}/start", tb.api, tb.id);
    ok(&tb.raw("POST", &start, None, None).await, 200);
    assert_eq!(tb.get("/process/session").await.json(), json!([]));
    assert!(home.join("bg.pid").is_file(), "files survive a stop");
}
