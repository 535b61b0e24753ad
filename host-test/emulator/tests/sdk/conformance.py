"""Drives Daytona's official Python SDK through the calls daytona-tools relies on.

Run by run.sh (which pins the SDK version) against the URL in DAYTONA_API_URL, normally the
emulator started by tests/emulator/sdk_conformance.rs. Prints one line per step and exits non-zero
at the first mismatch, naming it.

Environment:
  DAYTONA_API_URL, DAYTONA_API_KEY      required
  DAYTONA_JWT_TOKEN, DAYTONA_ORGANIZATION_ID
                                        optional: also list with JWT authentication
  CONFORMANCE_LISTED_IDS                optional: comma-separated sandbox ids that list()
                                        must yield (to check paging over several pages)
  CONFORMANCE_SNAPSHOTS                 optional: comma-separated names of every snapshot
                                        the organisation sees (checked over pages of two)

The SDK has no API-key or snapshot-listing calls of its own; those routes are driven
through the generated client it ships (daytona_api_client), which deserializes each
answer into the OpenAPI models and fails on a status code the spec does not give.
"""

import os
import sys
import time
from datetime import datetime, timezone

from daytona import (
    Daytona,
    DaytonaAuthenticationError,
    DaytonaBadRequestError,
    DaytonaConfig,
    DaytonaConflictError,
    DaytonaError,
    DaytonaNotFoundError,
    SandboxState,
)
from daytona import CreateSandboxFromSnapshotParams, ListSandboxesQuery

from steps import check, elapsed, expect_error, passed, step


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

    # The command would take 20 s; its 1 s timeout ends it with an error naming the timeout.
    e = expect_error("exec timeout", DaytonaError, lambda: sandbox.process.exec("sleep 20", timeout=1))
    check("timed out" in str(e).lower(), "exec timeout", f"error {e}")
    step("exec timeout", str(e)[:80])

    sandbox.stop(timeout=30)
    check(state_of(sandbox) == "stopped", "stop", f"state {state_of(sandbox)!r}")
    expect_error("exec on stopped", DaytonaError, lambda: sandbox.process.exec("echo hi"))
    step("stop; exec refused")

    sandbox.start(timeout=30)
    check(state_of(sandbox) == "started", "start", f"state {state_of(sandbox)!r}")
    r = sandbox.process.exec("echo again")
    check(r.result.strip() == "again", "exec after start", f"result {r.result!r}")
    step("start; exec again")

    labels = named.set_labels({"suite": "sdk", "phase": "labels"})
    check(labels == {"suite": "sdk", "phase": "labels"}, "set_labels", f"answer {labels!r}")
    check(named.labels == labels, "set_labels", f"sandbox.labels {named.labels!r}")
    relisted = [s.id for s in daytona.list(ListSandboxesQuery(labels={"phase": "labels"}))]
    check(relisted == [named.id], "list by new labels", f"{relisted} != [{named.id}]")
    check(named.set_labels({}) == {}, "set_labels {}", "labels left after clearing")
    step("set_labels; list by the new labels; clear them")

    # Daytona archives only stopped sandboxes; its 400 is the SDK's bad-request error.
    expect_error("archive a started sandbox", DaytonaBadRequestError, lambda: sandbox.archive())
    sandbox.stop(timeout=30)
    sandbox.archive()
    # archive() returns once Daytona accepted it (archiving); the state then moves on its own.
    check(state_of(sandbox) in ("archiving", "archived"), "archive", f"state {state_of(sandbox)!r}")
    for _ in range(100):
        if state_of(sandbox) == "archived":
            break
        time.sleep(0.1)
        sandbox.refresh_data()
    check(state_of(sandbox) == "archived", "archive", f"state {state_of(sandbox)!r} after waiting")
    check(state_of(daytona.get(sandbox.id)) == "archived", "archive", "get does not show archived")
    sandbox.start(timeout=30)
    check(state_of(sandbox) == "started", "start archived", f"state {state_of(sandbox)!r}")
    r = sandbox.process.exec("echo restored")
    check(r.result.strip() == "restored", "exec after restore", f"result {r.result!r}")
    step("archive started: DaytonaBadRequestError; stop; archive; start restores")

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

    if jwt and org:
        api_keys(api_url, api_key, jwt, org)
    snapshots(daytona, api_url, api_key)

    print(f"conformance: {passed()} steps passed in {elapsed():.2f}s", flush=True)


def generated_client(api_url, token, org=None):
    """The generated API client, authenticated as the SDK authenticates it."""
    from daytona_api_client import ApiClient, Configuration

    client = ApiClient(Configuration(host=api_url))
    client.default_headers["Authorization"] = f"Bearer {token}"
    client.default_headers["X-Daytona-Source"] = "sdk-python"
    if org:
        client.default_headers["X-Daytona-Organization-ID"] = org
    return client


def no_extra_fields(model, name):
    """Fields the emulator sends that Daytona's OpenAPI model does not have."""
    extra = getattr(model, "additional_properties", {})
    check(not extra, name, f"fields outside the OpenAPI model: {sorted(extra)}")


def api_keys(api_url, api_key, jwt, org):
    """Every API-key route daytona-tools uses, with the statuses and models of the spec."""
    from daytona_api_client import ApiKeysApi, CreateApiKey
    from daytona_api_client.exceptions import (
        ConflictException,
        NotFoundException,
        UnauthorizedException,
    )

    keys = ApiKeysApi(generated_client(api_url, jwt, org))
    expires = datetime(2030, 1, 1, tzinfo=timezone.utc)
    perms = ["write:sandboxes", "delete:sandboxes"]
    r = keys.create_api_key_with_http_info(CreateApiKey(name="conformance key", permissions=perms, expires_at=expires))
    created = r.data
    check(r.status_code == 201, "create key", f"status {r.status_code}, want 201")
    check(created.name == "conformance key", "create key", f"name {created.name!r}")
    check(created.value.startswith("dtn_") and "*" not in created.value, "create key", "value is not whole")
    check(created.permissions == perms, "create key", f"permissions {created.permissions}")
    check(created.expires_at == expires, "create key", f"expiresAt {created.expires_at}")
    no_extra_fields(created, "create key")
    e = expect_error(
        "create a taken name",
        ConflictException,
        lambda: keys.create_api_key(CreateApiKey(name="conformance key", permissions=perms)),
    )
    step("api-keys create; taken name", f"201 ApiKeyResponse; {e.status} ConflictException")

    r = keys.list_api_keys_with_http_info()
    check(r.status_code == 200, "list keys", f"status {r.status_code}")
    listed = {k.name: k for k in r.data}
    check("conformance key" in listed, "list keys", f"names {sorted(listed)}")
    mine = listed["conformance key"]
    check(mine.value != created.value and "*" in mine.value, "list keys", f"value not masked: {mine.value!r}")
    check(mine.permissions == perms and mine.expires_at == expires, "list keys", str(mine))
    check(mine.organization_id == org, "list keys", f"organizationId {mine.organization_id!r}")
    for k in r.data:
        no_extra_fields(k, f"list keys: {k.name}")
    user_id = mine.user_id
    step("api-keys list", f"{len(r.data)} ApiKeyList, masked")

    got = keys.get_api_key("conformance key")
    check(got.name == "conformance key" and got.permissions == perms, "get key", str(got))
    no_extra_fields(got, "get key")
    expect_error("get missing key", NotFoundException, lambda: keys.get_api_key("no such key"))
    step("api-keys get by name; missing", "ApiKeyList; NotFoundException")

    current = ApiKeysApi(generated_client(api_url, api_key)).get_current_api_key()
    no_extra_fields(current, "current key")
    as_new = ApiKeysApi(generated_client(api_url, created.value)).get_current_api_key()
    check(as_new.name == "conformance key", "current key", f"name {as_new.name!r}")
    check(as_new.user_id == user_id, "current key", f"userId {as_new.user_id!r}")
    step("api-keys current", f"master key {current.name!r}, new key {as_new.name!r}")

    expect_error(
        "an API key on a JWT-only route",
        UnauthorizedException,
        lambda: ApiKeysApi(generated_client(api_url, api_key)).list_api_keys(),
    )
    step("api-keys list with an API key", "UnauthorizedException")

    r = keys.delete_api_key_with_http_info("conformance key")
    check(r.status_code == 204, "delete key", f"status {r.status_code}, want 204")
    expect_error("get deleted key", NotFoundException, lambda: keys.get_api_key("conformance key"))
    expect_error("delete missing key", NotFoundException, lambda: keys.delete_api_key("conformance key"))
    keys.create_api_key(CreateApiKey(name="for user", permissions=perms))
    r = keys.delete_api_key_for_user_with_http_info(user_id, "for user")
    check(r.status_code == 204, "delete key for user", f"status {r.status_code}, want 204")
    names = [k.name for k in keys.list_api_keys()]
    check("for user" not in names, "delete key for user", f"still listed: {names}")
    expect_error(
        "delete missing key for user",
        NotFoundException,
        lambda: keys.delete_api_key_for_user(user_id, "for user"),
    )
    step("api-keys delete; for user; missing", "204, 204, NotFoundException")


def snapshots(daytona, api_url, api_key):
    """Listing (page pagination) and getting snapshots, as list_snapshots does: through
    the SDK's snapshot service, then through the generated client (to see every field)."""
    page = daytona.snapshot.list(page=1, limit=2)
    check(page.page == 1 and len(page.items) == min(2, page.total), "sdk snapshot.list", str(page))
    snap = daytona.snapshot.get(page.items[0].name)
    check(snap.name == page.items[0].name and snap.id == page.items[0].id, "sdk snapshot.get", str(snap))
    expect_error("sdk snapshot.get missing", DaytonaNotFoundError, lambda: daytona.snapshot.get("no/such:snapshot"))
    step("sdk snapshot.list, snapshot.get; missing", f"{page.total} snapshots; DaytonaNotFoundError")

    from daytona_api_client import SnapshotsApi
    from daytona_api_client.exceptions import NotFoundException

    api = SnapshotsApi(generated_client(api_url, api_key))
    first = api.get_all_snapshots(page=1, limit=2)
    seen = [s.name for s in first.items]
    for page in range(2, first.total_pages + 1):
        more = api.get_all_snapshots(page=page, limit=2)
        check(more.page == page and more.total == first.total, "snapshots page", str(more))
        seen += [s.name for s in more.items]
        for s in more.items:
            no_extra_fields(s, f"snapshot {s.name}")
    for s in first.items:
        no_extra_fields(s, f"snapshot {s.name}")
    no_extra_fields(first, "snapshots page")
    check(len(seen) == first.total == len(set(seen)), "snapshots pages", f"total {first.total}, saw {seen}")
    wanted = [n for n in os.environ.get("CONFORMANCE_SNAPSHOTS", "").split(",") if n]
    if wanted:
        check(sorted(seen) == sorted(wanted), "snapshots", f"listed {sorted(seen)}, want {sorted(wanted)}")
    step("snapshots list", f"{first.total} over {first.total_pages} pages of 2")

    one = api.get_snapshot(seen[0])
    check(one.name == seen[0], "get snapshot by name", str(one))
    by_id = api.get_snapshot(one.id)
    check(by_id.name == one.name, "get snapshot by id", str(by_id))
    no_extra_fields(one, "get snapshot")
    expect_error("get missing snapshot", NotFoundException, lambda: api.get_snapshot("no/such:snapshot"))
    step("snapshots get by name, by id; missing", "SnapshotDto; NotFoundException")


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
