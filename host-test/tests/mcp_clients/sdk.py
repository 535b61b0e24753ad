"""The official MCP Python SDK (`mcp`, Streamable HTTP client) against daytona_mcp.wasm.

Run by host-test/tests/e2e/mcp_clients.rs (through run.sh) against the emulator. For each
connection mode (`legacy`: the initialize handshake; `auto`: server/discover, the
stateless 2026-07-28 revision) it lists the tools, calls list_sandboxes, create_sandbox,
execute_command, get_sandbox on a missing sandbox (a tool error), delete_sandbox, and
checks every structuredContent against its tool's outputSchema. Then a client without
the bearer token must be refused.

Environment: MCP_URL, MCP_TOKEN. Prints `ok: ...` lines; exit 0 on success, 1 on failure.
"""

import asyncio
import json
import os
import sys

import httpx2
import jsonschema
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

URL = os.environ["MCP_URL"]
TOKEN = os.environ["MCP_TOKEN"]


def client(mode, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(120.0))
    return Client(streamable_http_client(URL, http_client=http), mode=mode)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


async def story(mode):
    async with client(mode) as c:
        version = c.protocol_version
        print(f"ok: {mode}: connected, protocol {version}, server {c.server_info.name if c.server_info else '?'}")
        listed = await c.list_tools()
        tools = {t.name: t for t in listed.tools}
        for name in ["list_sandboxes", "create_sandbox", "execute_command", "get_sandbox", "delete_sandbox"]:
            check(name in tools, f"{mode}: tools/list lacks {name}")
            check(tools[name].output_schema is not None, f"{mode}: {name} has no outputSchema")
        print(f"ok: {mode}: tools/list gave {len(tools)} tools")

        async def call(name, arguments):
            result = await c.call_tool(name, arguments)
            check(not result.is_error, f"{mode}: {name} failed: {result.content}")
            structured = result.structured_content
            jsonschema.validate(structured, tools[name].output_schema)
            check(json.loads(result.content[0].text) == structured, f"{mode}: {name}: text and structuredContent differ")
            print(f"ok: {mode}: {name} matches its outputSchema")
            return structured

        await call("list_sandboxes", {})
        box = f"sdk-{mode}"
        created = await call("create_sandbox", {"name": box})
        check(created["name"] == box, f"{mode}: created {created}")
        ran = await call("execute_command", {"sandbox": box, "command": "echo hello"})
        check(ran["exitCode"] == 0 and ran["result"] == "hello\n", f"{mode}: execute_command gave {ran}")

        missing = await c.call_tool("get_sandbox", {"sandbox": "no-such-sandbox"})
        check(missing.is_error, f"{mode}: get_sandbox on a missing sandbox did not fail")
        record = json.loads(missing.content[0].text)
        check(record["kind"] == "not-found" and "message" in record and "retryable" in record, f"{mode}: error record {record}")
        print(f"ok: {mode}: a tool error is isError with kind {record['kind']}")

        deleted = await call("delete_sandbox", {"sandbox": box})
        check(deleted["name"] == box, f"{mode}: deleted {deleted}")
        return version


def describe(e):
    """The messages of an exception and everything it groups or wraps."""
    parts = [f"{type(e).__name__}: {e}"]
    for inner in getattr(e, "exceptions", ()):
        parts.append(describe(inner))
    if e.__cause__ is not None:
        parts.append(describe(e.__cause__))
    return " | ".join(parts)


async def refused(mode):
    try:
        async with client(mode, token=None) as c:
            await c.list_tools()
    except BaseException as e:  # the SDK raises an HTTP or MCP error, possibly in a group
        text = describe(e)
        # The SDK reports the server's 401 body (a JSON-RPC error) or the HTTP status.
        check("bearer token" in text or "401" in text, f"{mode}: refused, but not for the token: {text}")
        print(f"ok: {mode}: a client without the token is refused: the server asked for the bearer token")
        return
    raise AssertionError(f"{mode}: a client without the token was served")


async def main():
    versions = {}
    for mode in ["legacy", "auto"]:
        versions[mode] = await story(mode)
        await refused(mode)
    check(versions["legacy"] in ("2025-11-25", "2025-06-18"), f"legacy negotiated {versions['legacy']}")
    check(versions["auto"] == "2026-07-28", f"auto negotiated {versions['auto']}")
    print("ok: all")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except Exception as e:  # noqa: BLE001
        print(f"FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
