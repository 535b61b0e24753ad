"""What conformance.py and toolbox.py share: one line per step, and the first mismatch ends
the run (exit 1) naming it."""

import sys
import time

STARTED = time.monotonic()
STEPS = 0


def step(name, detail=""):
    global STEPS
    STEPS += 1
    print(f"[{elapsed():6.2f}s] ok   {name}{': ' + detail if detail else ''}", flush=True)


def fail(name, detail):
    print(f"[{elapsed():6.2f}s] FAIL {name}: {detail}", flush=True)
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


def elapsed():
    """Seconds since the script started."""
    return time.monotonic() - STARTED


def passed():
    """How many steps have passed."""
    return STEPS
