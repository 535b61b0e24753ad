"""Drives Daytona's official Python SDK through the calls daytona-tools relies on.

Run by run.sh (which pins the SDK version) against the URL in DAYTONA_API_URL, normally the
emulator started by tests/sdk_conformance.rs. Prints one line per step and exits non-zero
at the first mismatch, naming it.

Environment:
  DAYTONA_API_URL, DAYTONA_API_KEY      required
  DAYTONA_JWT_TOKEN, DAYTONA_ORGANIZATION_ID
                                        optional: also list with JWT authentication
  CONFORMANCE_LISTED_IDS                optional: comma-separated sandbox ids that list()
                                        must yield (to check paging over several pages)
"""

import os
import sys
import time

from daytona import (
    Daytona,
    DaytonaAuthenticationError,
    DaytonaConfig,
    DaytonaConflictError,
    DaytonaError,
    DaytonaNotFoundError,
    SandboxState,
)
from daytona import CreateSandboxFromSnapshotParams

STARTED = time.monotonic()
STEPS = 0


def step(name, detail=""):
    global STEPS
    STEPS += 1
    print(f"[{time.monotonic() - STARTED:6.2f}s] ok   {name}{': ' + detail if detail else ''}", flush=True)


def fail(name, detail):
    print(f"[{time.monotonic() - STARTED:6.2f}s] FAIL {name}: {detail}", flush=True)
    sys.exit(1)


def check(cond, name, detail):
    if not cond:
        fail(name, detail)


def expect_error(name, error_class, fn):
    try:
        fn()
    except error_class as e:
        return e
    except Exception as e:  # noqa: BLE001 - report whatever came instead
        fail(name, f"expected {error_class.__name__}, got {type(e).__name__}: {e}")
    fail(name, f"expected {error_class.__name__}, got no error")


def state_of(sandbox):
    return getattr(sandbox.state, "value", sandbox.state)


def main():
    api_url = os.environ["DAYTONA_API_URL"]
    api_key = os.environ["DAYTONA_API_KEY"]
    print(f"conformance: SDK against {api_url}", flush=True)

    daytona = Daytona(DaytonaConfig(api_key=api_key, api_url=api_url))
    step("client", "Daytona(DaytonaConfig(api_key, api_url))")

    # GET /config, which the SDK reads lazily (analytics URL), through the generated client.
    config = daytona._config_api.config_controller_get_config()  # noqa: SLF001 - no public accessor
    check(bool(config.proxy_toolbox_url), "config", f"proxyToolboxUrl {config.proxy_toolbox_url!r}")
    step("config", f"version {config.version}, default snapshot {config.default_snapshot}")

    sandbox = daytona.create(timeout=30)
    check(state_of(sandbox) == "started", "create", f"state {state_of(sandbox)!r}, want 'started'")
    check(bool(sandbox.toolbox_proxy_url), "create", "no toolboxProxyUrl")
    step("create (default params)", f"id={sandbox.id} state={state_of(sandbox)}")

    named = daytona.create(CreateSandboxFromSnapshotParams(name="conformance-named", labels={"suite": "sdk"}), timeout=30)
    check(named.name == "conformance-named", "create named", f"name {named.name!r}")
    expect_error(
        "create with a taken name",
        DaytonaConflictError,
        lambda: daytona.create(CreateSandboxFromSnapshotParams(name="conformance-named"), timeout=30),
    )
    step("create named; taken name", "DaytonaConflictError")

    listed = [s.id for s in daytona.list()]
    check(sandbox.id in listed and named.id in listed, "list", f"created ids missing from {listed}")
    wanted = [i for i in os.environ.get("CONFORMANCE_LISTED_IDS", "").split(",") if i]
    missing = [i for i in wanted if i not in listed]
    check(not missing, "list", f"seeded ids missing (paging?): {missing}")
    check(len(listed) == len(set(listed)), "list", f"duplicates across pages: {listed}")
    step("list", f"{len(listed)} sandboxes over all pages")

    got = daytona.get(sandbox.id)
    check(got.id == sandbox.id and state_of(got) == "started", "get by id", f"{got.id} {state_of(got)}")
    by_name = daytona.get("conformance-named")
    check(by_name.id == named.id, "get by name", f"{by_name.id} != {named.id}")
    expect_error("get missing", DaytonaNotFoundError, lambda: daytona.get("no-such-sandbox"))
    step("get by id, by name; missing", "DaytonaNotFoundError")

    r = sandbox.process.exec("echo hi")
    check(r.exit_code == 0, "exec", f"exit code {r.exit_code!r}")
    check(r.result.strip() == "hi", "exec", f"result {r.result!r}")
    step("exec echo hi", f"exit_code={r.exit_code} result={r.result.strip()!r}")

    r = sandbox.process.exec("echo out; echo err >&2; exit 3")
    check(r.exit_code == 3, "exec failing", f"exit code {r.exit_code!r}")
    check(r.result.split() == ["out", "err"], "exec failing", f"merged output {r.result!r}")
    r = sandbox.process.exec("mkdir -p sub && cd sub && echo $GREETING from $(basename $PWD)", env={"GREETING": "hello"})
    check(r.result.strip() == "hello from sub", "exec env", f"result {r.result!r}")
    r = sandbox.process.exec("pwd", cwd="sub")
    check(r.result.strip().endswith("/sub"), "exec cwd", f"result {r.result!r}")
    step("exec exit code, merged stderr, env, cwd")

    t = time.monotonic()
    expect_error("exec timeout", DaytonaError, lambda: sandbox.process.exec("sleep 20", timeout=1))
    check(time.monotonic() - t < 5, "exec timeout", f"took {time.monotonic() - t:.1f}s")
    step("exec timeout", f"raised after {time.monotonic() - t:.1f}s")

    sandbox.stop(timeout=30)
    check(state_of(sandbox) == "stopped", "stop", f"state {state_of(sandbox)!r}")
    expect_error("exec on stopped", DaytonaError, lambda: sandbox.process.exec("echo hi"))
    step("stop; exec refused")

    sandbox.start(timeout=30)
    check(state_of(sandbox) == "started", "start", f"state {state_of(sandbox)!r}")
    r = sandbox.process.exec("echo again")
    check(r.result.strip() == "again", "exec after start", f"result {r.result!r}")
    step("start; exec again")

    sandbox.delete(timeout=30, wait=True)
    named.delete(timeout=30)
    expect_error("get deleted", DaytonaNotFoundError, lambda: daytona.get(sandbox.id))
    step("delete", "get afterwards: DaytonaNotFoundError")

    jwt, org = os.environ.get("DAYTONA_JWT_TOKEN"), os.environ.get("DAYTONA_ORGANIZATION_ID")
    if jwt and org:
        with_jwt = Daytona(DaytonaConfig(jwt_token=jwt, organization_id=org, api_url=api_url))
        count = sum(1 for _ in with_jwt.list())
        step("JWT + organization id", f"list gave {count}")

    bad = Daytona(DaytonaConfig(api_key="dtn_" + "0" * 64, api_url=api_url))
    expect_error("unknown key", DaytonaAuthenticationError, lambda: list(bad.list()))
    step("unknown key", "DaytonaAuthenticationError")

    print(f"conformance: {STEPS} steps passed in {time.monotonic() - STARTED:.2f}s", flush=True)


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except BaseException as e:  # noqa: BLE001 - any escape is a failure worth naming
        import traceback

        traceback.print_exc()
        print(f"conformance: FAILED with {type(e).__name__}: {e}", flush=True)
        sys.exit(1)
