#!/usr/bin/env bash
# Runs Daytona's official Python SDK against a Daytona API (normally the emulator):
# creates or reuses a virtualenv with the pinned SDK, then runs conformance.py.
# `run.sh install` only creates the virtualenv (CI does it while it compiles).
#
# Environment:
#   DAYTONA_API_URL, DAYTONA_API_KEY        required (read by conformance.py)
#   DAYTONA_JWT_TOKEN, DAYTONA_ORGANIZATION_ID  optional: also check JWT authentication
#   DAYTONA_SDK_VENV     virtualenv to use (default: host-test/.venv)
#   DAYTONA_SDK_VERSION  SDK version to pin (default: the one verified below)
#   PYTHON               interpreter that creates the virtualenv (default: python3)
#   CONFORMANCE_SCRIPT   script in this folder to run (default: conformance.py)
# Exit codes: 0 pass, 1 conformance failure, 2 no usable Python, 3 SDK install failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${DAYTONA_SDK_VENV:-$here/../../../.venv}"
version="${DAYTONA_SDK_VERSION:-0.226.1}"
python="${PYTHON:-python3}"

if ! command -v "$python" >/dev/null 2>&1; then
    echo "run.sh: '$python' not found: the SDK conformance test needs Python 3.9+ with venv and pip" >&2
    exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "run.sh: creating virtualenv $venv" >&2
    if ! "$python" -m venv "$venv" >&2; then
        echo "run.sh: '$python -m venv' failed (on Debian: apt-get install python3-venv)" >&2
        exit 2
    fi
fi
# Tests may run this concurrently: one installs, the others wait for it.
if command -v flock >/dev/null 2>&1; then
    exec 9>"$venv/.install.lock"
    flock 9
fi
installed="$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("daytona"))' 2>/dev/null || true)"
if [ "$installed" != "$version" ]; then
    echo "run.sh: installing daytona==$version into $venv (found '${installed:-none}')" >&2
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "daytona==$version" >&2; then
        echo "run.sh: 'pip install daytona==$version' failed: is PyPI reachable from here?" >&2
        exit 3
    fi
fi
if command -v flock >/dev/null 2>&1; then
    exec 9>&-
fi
[ "${1:-}" = install ] && exit 0
exec "$venv/bin/python" "$here/${CONFORMANCE_SCRIPT:-conformance.py}"
