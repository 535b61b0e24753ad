"""The Python SDK contender of `host-test bench` (host-test/src/bench/sdk.rs).

Daytona's official SDK doing the bench's operations against the emulator.
Prints {"ready": true, "version": ...} once, then for each operation name read
from stdin one line {"ms": <float>} (timed here with time.perf_counter) or
{"error": "..."}. Each operation starts from the sandbox's name, as a tool
call does: `exec` and `download_file` first `get` the sandbox.

The SDK runs in polling mode (`use_deprecated_polling`): otherwise a
background thread keeps trying to open the socket.io event stream, which the
emulator does not serve, and competes with whatever is being timed. None of
the four operations uses events.

Environment: DAYTONA_API_URL, DAYTONA_API_KEY, BENCH_SANDBOX, BENCH_FILE.
"""

import importlib.metadata
import json
import os
import sys
import time
import warnings

from daytona import Daytona, DaytonaConfig

SANDBOX = os.environ["BENCH_SANDBOX"]
FILE = os.environ["BENCH_FILE"]


def get_sandbox(d):
    d.get(SANDBOX)


def list_sandboxes(d):
    sum(1 for _ in d.list())


def execute_command(d):
    r = d.get(SANDBOX).process.exec("echo hi")
    if r.exit_code != 0 or r.result.strip() != "hi":
        raise RuntimeError(f"exec gave {r.exit_code!r} {r.result!r}")


def read_file(d):
    content = d.get(SANDBOX).fs.download_file(FILE)
    if not content:
        raise RuntimeError("empty file")


OPERATIONS = {f.__name__: f for f in (get_sandbox, list_sandboxes, execute_command, read_file)}


def answer(value):
    sys.stdout.write(json.dumps(value) + "\n")
    sys.stdout.flush()


def main():
    warnings.simplefilter("ignore", DeprecationWarning)
    d = Daytona(
        DaytonaConfig(
            api_key=os.environ["DAYTONA_API_KEY"],
            api_url=os.environ["DAYTONA_API_URL"],
            use_deprecated_polling=True,
        )
    )
    answer({"ready": True, "version": importlib.metadata.version("daytona")})
    for line in sys.stdin:
        op = OPERATIONS.get(line.strip())
        if op is None:
            answer({"error": f"unknown operation {line.strip()!r}"})
            continue
        try:
            t = time.perf_counter()
            op(d)
            answer({"ms": (time.perf_counter() - t) * 1000.0})
        except Exception as e:  # report, keep serving
            answer({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
