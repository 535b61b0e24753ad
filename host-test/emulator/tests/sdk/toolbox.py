"""Drives Daytona's official Python SDK through the toolbox: files, git, sessions, code run
and preview links, against the emulator (tests/emulator/sdk_conformance.rs starts it and run.sh
runs this script when CONFORMANCE_SCRIPT=toolbox.py). Prints one line per step and exits
non-zero at the first mismatch, naming it.

Environment:
  DAYTONA_API_URL, DAYTONA_API_KEY   required
  TOOLBOX_BARE_REPO                  a local bare repository with one commit on main
  TOOLBOX_PRIVATE_REPO               the same, but only cloneable as alice / TOOLBOX_GIT_PASSWORD
  TOOLBOX_GIT_PASSWORD               that password
  TOOLBOX_PREVIEW_PORT               a free port on 127.0.0.1 for the preview server
"""

import os
import tempfile
import time
import urllib.error
import urllib.request

from daytona import (
    Daytona,
    DaytonaAuthenticationError,
    DaytonaConfig,
    DaytonaError,
    DaytonaForbiddenError,
    DaytonaGitAuthFailedError,
    DaytonaNotFoundError,
    SessionExecuteRequest,
)

from steps import check, elapsed, expect_error, step


def fetch(url, headers=None):
    """(status, body) of a GET; HTTP errors are answers too."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main():
    daytona = Daytona(DaytonaConfig(api_key=os.environ["DAYTONA_API_KEY"], api_url=os.environ["DAYTONA_API_URL"]))
    sandbox = daytona.create(timeout=30)
    step("create", sandbox.id)

    home = sandbox.get_user_home_dir()
    check(home and home == sandbox.get_work_dir(), "home", f"home {home!r}, work dir {sandbox.get_work_dir()!r}")
    step("get_user_home_dir / get_work_dir", home)

    # ------------------------------------------------------------------ files
    sandbox.fs.upload_file(b"hello from the sdk\n", "notes/hello.txt")
    payload = bytes(range(256)) * 1200
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(payload)
        local = f.name
    sandbox.fs.upload_file(local, f"{home}/notes/blob.bin")
    step("fs.upload_file (bytes, relative; local file, absolute)")

    got = sandbox.fs.download_file("notes/hello.txt")
    check(got == b"hello from the sdk\n", "fs.download_file", f"got {got!r}")
    sandbox.fs.download_file("notes/blob.bin", local + ".back")
    with open(local + ".back", "rb") as f:
        check(f.read() == payload, "fs.download_file to a path", "content differs")
    os.unlink(local)
    os.unlink(local + ".back")
    step("fs.download_file (bytes; to a local path)", f"{len(payload)} bytes round-tripped")

    e = expect_error("download missing", DaytonaNotFoundError, lambda: sandbox.fs.download_file("notes/missing.txt"))
    step("fs.download_file missing", f"{type(e).__name__}: {e}")
    e = expect_error("download outside", DaytonaForbiddenError, lambda: sandbox.fs.download_file("../../etc/passwd"))
    step("fs.download_file outside the sandbox", f"{type(e).__name__}")

    files = sandbox.fs.list_files("notes")
    names = sorted(f.name for f in files)
    check(names == ["blob.bin", "hello.txt"], "fs.list_files", f"names {names}")
    blob = next(f for f in files if f.name == "blob.bin")
    check(blob.size == len(payload) and not blob.is_dir, "fs.list_files", f"blob {blob}")
    root = sandbox.fs.list_files(home)
    check(any(f.name == "notes" and f.is_dir for f in root), "fs.list_files home", f"{[f.name for f in root]}")
    step("fs.list_files", f"{names}")

    sandbox.fs.create_folder("made/here", "755")
    info = sandbox.fs.get_file_info("made/here")
    check(info.is_dir, "fs.create_folder", f"{info}")
    matches = sandbox.fs.find_files("notes", "from the sdk")
    check(len(matches) == 1 and matches[0].line == 1, "fs.find_files", f"{matches}")
    found = sandbox.fs.search_files(".", "*.txt")
    check(found.files == [f"{home}/notes/hello.txt"], "fs.search_files", f"{found.files}")
    step("fs.create_folder, get_file_info, find_files, search_files")

    # ------------------------------------------------------------------ git
    bare = os.environ["TOOLBOX_BARE_REPO"]
    sandbox.git.clone(url=bare, path="repo")
    status = sandbox.git.status("repo")
    check(status.current_branch == "main" and status.file_status == [], "git.status clean", f"{status}")
    step("git.clone, git.status", f"branch {status.current_branch}")

    sandbox.fs.upload_file(b"agent work\n", "repo/agent.txt")
    status = sandbox.git.status("repo")
    names = [f.name for f in status.file_status]
    check(names == ["agent.txt"], "git.status dirty", f"{status.file_status}")
    sandbox.git.add("repo", ["agent.txt"])
    commit = sandbox.git.commit("repo", "Add agent.txt", "Agent", "agent@example.com")
    check(len(commit.sha) == 40, "git.commit", f"{commit}")
    status = sandbox.git.status("repo")
    check(status.file_status == [] and status.ahead == 1, "git.status after commit", f"{status}")
    branches = sandbox.git.branches("repo")
    check(branches.branches == ["main"], "git.branches", f"{branches}")
    step("git.add, git.commit, git.branches", commit.sha)

    private = os.environ["TOOLBOX_PRIVATE_REPO"]
    password = os.environ["TOOLBOX_GIT_PASSWORD"]
    wrong = "not-the-password-42"
    e = expect_error(
        "git.clone bad credentials",
        DaytonaAuthenticationError,
        lambda: sandbox.git.clone(url=private, path="private", username="alice", password=wrong),
    )
    check(isinstance(e, DaytonaGitAuthFailedError), "git.clone bad credentials", f"{type(e).__name__}")
    check(wrong not in str(e), "git.clone bad credentials", f"password in the error: {e}")
    sandbox.git.clone(url=private, path="private", username="alice", password=password)
    step("git.clone with credentials", f"bad ones: {type(e).__name__}")

    # ------------------------------------------------------------------ sessions, code run
    sandbox.process.create_session("work")
    r = sandbox.process.execute_session_command("work", SessionExecuteRequest(command="cd notes; echo out; echo err >&2"))
    check(r.exit_code == 0 and r.stdout == "out\n" and r.stderr == "err\n", "execute_session_command", f"{r}")
    r = sandbox.process.execute_session_command("work", SessionExecuteRequest(command="cat hello.txt"))
    check(r.stdout == "hello from the sdk\n", "session keeps its cwd", f"{r}")
    step("process.create_session, execute_session_command", f"cmd {r.cmd_id}")

    port = int(os.environ["TOOLBOX_PREVIEW_PORT"])
    sandbox.process.create_session("web")
    r = sandbox.process.execute_session_command(
        "web",
        SessionExecuteRequest(command=f"exec python3 -m http.server {port} --bind 127.0.0.1", run_async=True),
    )
    check(r.exit_code is None, "execute_session_command async", f"{r}")
    cmd = sandbox.process.get_session_command("web", r.cmd_id)
    check(cmd.command.startswith("exec python3"), "get_session_command", f"{cmd}")
    session = sandbox.process.get_session("web")
    check([c.id for c in session.commands] == [r.cmd_id], "get_session", f"{session}")
    step("execute_session_command run_async, get_session_command, get_session")

    result = sandbox.process.code_run("import sys\nprint(6 * 7, sys.argv[1:])")
    check(result.exit_code == 0 and result.result.strip() == "42 []", "code_run", f"{result}")
    step("process.code_run", result.result.strip())

    # ------------------------------------------------------------------ preview links
    link = sandbox.get_preview_link(port)
    check(link.url and link.token, "get_preview_link", f"{link}")
    deadline = time.monotonic() + 20
    while True:
        status_code, body = fetch(f"{link.url}/notes/hello.txt", {"X-Daytona-Preview-Token": link.token})
        if status_code != 502 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    check(status_code == 200 and body == b"hello from the sdk\n", "preview fetch", f"{status_code} {body!r}")
    status_code, _ = fetch(f"{link.url}/notes/hello.txt")
    check(status_code == 401, "preview without token", f"{status_code}")
    step("get_preview_link; fetch through it", link.url)

    signed = sandbox.create_signed_preview_url(port, expires_in_seconds=60)
    status_code, body = fetch(f"{signed.url}/notes/hello.txt")
    check(status_code == 200 and body == b"hello from the sdk\n", "signed preview fetch", f"{status_code}")
    sandbox.expire_signed_preview_url(port, signed.token)
    status_code, _ = fetch(f"{signed.url}/notes/hello.txt")
    check(status_code == 401, "expired signed preview", f"{status_code}")
    step("create_signed_preview_url, expire_signed_preview_url")

    logs = sandbox.process.get_session_command_logs("web", r.cmd_id)
    check("GET /notes/hello.txt" in logs.stderr, "get_session_command_logs", f"{logs}")
    step("get_session_command_logs", "the server logged the preview requests")

    sandbox.process.delete_session("web")
    sandbox.process.delete_session("work")
    expect_error("get deleted session", DaytonaError, lambda: sandbox.process.get_session("web"))
    sandbox.delete(timeout=30)
    step("delete_session, delete")
    print(f"toolbox conformance: all steps passed in {elapsed():.2f}s", flush=True)


if __name__ == "__main__":
    main()
