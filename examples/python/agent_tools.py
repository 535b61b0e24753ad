#!/usr/bin/env python3
"""daytona-tools in Python, through wasmtime-py (PyPI `wasmtime`, pinned in requirements.txt).

The component is compiled once per process; every call gets a fresh `Store` and instance
with WASI 0.2 and `wasi:http`, and an environment holding only the DAYTONA_* variables.

    python agent_tools.py tools                 the tool names, one a line
    python agent_tools.py call TOOL [JSON]      call a tool; prints its JSON result (exit 1 on a tool error)
    python agent_tools.py story [NAME]          list-tools, then create NAME, run `echo hello` in it, delete it
    python agent_tools.py bench [N]             average latency of N get_sandbox and N list_sandboxes calls

Environment: DAYTONA_API_KEY, DAYTONA_API_URL, ... (the component's configuration; every
DAYTONA_* variable but DAYTONA_TOOLS_WASM is passed in) and DAYTONA_TOOLS_WASM, the
component (default: the release build of this checkout).

As a library:

    tools = DaytonaTools("daytona_tools.wasm", env={"DAYTONA_API_KEY": "dtn_..."})
    for tool in tools.list_tools():          # dicts: name, title, description, inputSchema, ...
        ...
    result = tools.call_tool("list_sandboxes", {"limit": 5})   # dict, or raises ToolError
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Mapping, Optional

from wasmtime import Config, Engine, Store, WasiConfig
from wasmtime.component import Component, Linker

TOOLS_INTERFACE = "daytona:tools/tools@0.1.0"
DEFAULT_WASM = Path(__file__).resolve().parents[2] / "target/wasm32-wasip2/release/daytona_tools.wasm"


class ToolError(Exception):
    """A `tool-error` (the WIT `error` record) returned by `call-tool`."""

    def __init__(self, record: Any):
        self.kind: str = record.kind
        self.message: str = record.message
        self.hint: Optional[str] = record.hint
        self.retryable: bool = record.retryable
        self.status: Optional[int] = record.status
        super().__init__(f"{self.kind}: {self.message}")

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "hint": self.hint,
            "retryable": self.retryable,
            "status": self.status,
        }


def daytona_env(environ: Mapping[str, str] = os.environ) -> dict:
    """The DAYTONA_* variables of `environ`, the only ones the component gets to see."""
    return {k: v for k, v in environ.items() if k.startswith("DAYTONA_") and k != "DAYTONA_TOOLS_WASM"}


class DaytonaTools:
    """The component, compiled once; `instance()` makes a fresh instance per call."""

    def __init__(self, wasm: os.PathLike | str, env: Optional[Mapping[str, str]] = None):
        config = Config()
        config.cache = True  # reuse compiled code across processes (wasmtime's cache directory)
        self.engine = Engine(config)
        self.component = Component.from_file(self.engine, str(wasm))
        self.linker = Linker(self.engine)
        self.linker.add_wasip2()
        self.linker.add_wasi_http()
        self.env = dict(daytona_env() if env is None else env)
        tools = self.component.get_export_index(TOOLS_INTERFACE)
        if tools is None:
            raise RuntimeError(f"{wasm} does not export {TOOLS_INTERFACE}")
        self._list_tools = self.component.get_export_index("list-tools", tools)
        self._call_tool = self.component.get_export_index("call-tool", tools)

    def instance(self) -> "ToolsInstance":
        store = Store(self.engine)
        wasi = WasiConfig()
        wasi.env = list(self.env.items())
        # The component writes audit lines (key mint/revoke/sweep) to stderr; keep them.
        # Its stdout is not connected: results come back as values, never as output.
        wasi.inherit_stderr()
        store.set_wasi(wasi)
        store.set_wasi_http()  # wasi:http with no outbound allowlist: any host the URL names
        instance = self.linker.instantiate(store, self.component)
        return ToolsInstance(self, store, instance)

    def list_tools(self) -> list[dict]:
        return self.instance().list_tools()

    def call_tool(self, name: str, arguments: Any = None) -> Any:
        return self.instance().call_tool(name, arguments)


class ToolsInstance:
    """One instance; may serve several calls (wasmtime-py keeps it until dropped)."""

    def __init__(self, tools: DaytonaTools, store: Store, instance: Any):
        self.store = store
        self._list_tools = instance.get_func(store, tools._list_tools)
        self._call_tool = instance.get_func(store, tools._call_tool)

    def list_tools(self) -> list[dict]:
        out = []
        for tool in self._list_tools(self.store):
            out.append(
                {
                    "name": tool.name,
                    "title": tool.title,
                    "description": tool.description,
                    "inputSchema": json.loads(getattr(tool, "input-schema")),
                    "outputSchema": json.loads(getattr(tool, "output-schema") or "null"),
                    "readOnly": getattr(tool, "read-only"),
                    "destructive": tool.destructive,
                    "idempotent": tool.idempotent,
                    "openWorld": getattr(tool, "open-world"),
                }
            )
        return out

    def call_tool(self, name: str, arguments: Any = None) -> Any:
        if arguments is None:
            arguments = "{}"
        elif not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        # result<string, tool-error> comes back as the str (ok) or a Record (err).
        result = self._call_tool(self.store, name, arguments)
        if isinstance(result, str):
            return json.loads(result)
        raise ToolError(result)


def _call(tools: DaytonaTools, name: str, arguments: Any) -> Any:
    try:
        return tools.call_tool(name, arguments)
    except ToolError as e:
        print("error: " + json.dumps(e.to_dict()), file=sys.stderr)
        sys.exit(1)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def story(tools: DaytonaTools, name: str) -> None:
    names = [t["name"] for t in tools.list_tools()]
    print(f"list-tools: {len(names)} tools: {', '.join(names)}")
    print("create_sandbox: " + _dump(_call(tools, "create_sandbox", {"name": name})))
    print("execute_command: " + _dump(_call(tools, "execute_command", {"sandbox": name, "command": "echo hello"})))
    print("delete_sandbox: " + _dump(_call(tools, "delete_sandbox", {"sandbox": name})))
    print("story: ok")


def _stats(label: str, samples: list[float]) -> None:
    s = sorted(samples)
    print(
        f"bench python {label}: n={len(s)} avg={sum(s) / len(s):.1f} ms "
        f"min={s[0]:.1f} p50={s[(len(s) - 1) // 2]:.1f} max={s[-1]:.1f}"
    )


def bench(wasm: Path, n: int) -> None:
    t0 = time.perf_counter()
    tools = DaytonaTools(wasm)
    print(f"bench python load (compile or load from cache, link): {(time.perf_counter() - t0) * 1e3:.1f} ms")
    name = f"bench-python-{os.getpid()}"
    _call(tools, "create_sandbox", {"name": name})
    calls = {
        "get_sandbox": {"sandbox": name},
        "list_sandboxes": {},
    }
    for tool, args in calls.items():
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            tools.call_tool(tool, args)  # a fresh Store and instance, as the library does
            samples.append((time.perf_counter() - t) * 1e3)
        _stats(f"{tool} (fresh instance + call, per call)", samples)
    inst = tools.instance()
    for tool, args in calls.items():
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            inst.call_tool(tool, args)
            samples.append((time.perf_counter() - t) * 1e3)
        _stats(f"{tool} (one reused instance, per call)", samples)
    _call(tools, "delete_sandbox", {"sandbox": name})


USAGE = "usage: agent_tools.py tools | call TOOL [JSON] | story [NAME] | bench [N]"


def main(argv: list[str]) -> int:
    wasm = Path(os.environ.get("DAYTONA_TOOLS_WASM") or DEFAULT_WASM)
    if not wasm.is_file():
        print(f"agent_tools.py: component not found at {wasm} (set DAYTONA_TOOLS_WASM)", file=sys.stderr)
        return 2
    cmd = argv[0] if argv else ""
    if cmd == "tools":
        for tool in DaytonaTools(wasm).list_tools():
            print(tool["name"])
    elif cmd == "call" and len(argv) >= 2:
        arguments = argv[2] if len(argv) > 2 else "{}"
        print(_dump(_call(DaytonaTools(wasm), argv[1], arguments)))
    elif cmd == "story":
        story(DaytonaTools(wasm), argv[1] if len(argv) > 1 else "agent-tools-demo")
    elif cmd == "bench":
        bench(wasm, int(argv[1]) if len(argv) > 1 else 20)
    else:
        print(USAGE, file=sys.stderr)
        return 64
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
