#!/usr/bin/env bash
# Installs the MCP clients tests/e2e/mcp_clients.rs drives against daytona_mcp.wasm, pinned
# and idempotent, into examples/mcp-clients/ (gitignored .venv and node_modules):
#
#   setup.sh python   the MCP Python SDK (PyPI mcp) + jsonschema   -> examples/mcp-clients/.venv
#   setup.sh node     @modelcontextprotocol/conformance and inspector-cli (npm)
#                                                                   -> examples/mcp-clients/node_modules
#
# Versions come from examples/mcp-clients/requirements.txt and package.json. A folder
# that already holds exactly those is reused (a stamp file records what was installed).
# Prints `key=value` lines on stdout. Exit codes: 0 ready, 2 a prerequisite is missing
# (python3 with venv, node/npm), 3 the install failed (registry unreachable), 64 usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dir="$(cd "$here/../../../examples/mcp-clients" && pwd)"
python="${PYTHON:-python3}"
node="${NODE:-node}"
npm="${NPM:-npm}"

say() { echo "mcp_clients/setup.sh: $*" >&2; }
sha() { sha256sum "$@" | sha256sum | cut -c1-16; }
lock() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>"${TMPDIR:-/tmp}/daytona-mcp-clients-$1.lock"
        flock 9
    fi
}

case "${1:-}" in
python)
    if ! command -v "$python" >/dev/null 2>&1; then
        say "'$python' not found: the MCP SDK test needs Python 3.10+ with venv and pip"
        exit 2
    fi
    lock python
    venv="$dir/.venv"
    want="$(sha "$dir/requirements.txt")-$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    if ! [ -x "$venv/bin/python" ] || [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]; then
        rm -rf "$venv"
        say "creating $venv with $(grep -v '^#' "$dir/requirements.txt" | tr '\n' ' ')"
        if ! "$python" -m venv "$venv" >&2; then
            say "'$python -m venv' failed (on Debian: apt-get install python3-venv)"
            exit 2
        fi
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$dir/requirements.txt" >&2; then
            say "'pip install' failed: is PyPI reachable from here?"
            exit 3
        fi
        echo "$want" >"$venv/.stamp"
    fi
    echo "version=mcp $("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("mcp"))')"
    echo "PYTHON=$venv/bin/python"
    ;;
node)
    for tool in "$node" "$npm"; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            say "'$tool' not found: the conformance and Inspector tests need Node.js 20+ with npm"
            exit 2
        fi
    done
    lock node
    want="$(sha "$dir/package.json" "$dir/package-lock.json")-$("$node" --version)"
    stamp="$dir/node_modules/.stamp"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        say "npm ci in $dir"
        if ! (cd "$dir" && "$npm" ci --no-audit --no-fund --loglevel=error >&2); then
            say "'npm ci' failed in $dir: is the npm registry reachable from here?"
            exit 3
        fi
        echo "$want" >"$stamp"
    fi
    # The conformance suite needs Node.js 22+: package.json pins it (npm package `node`).
    bin="$dir/node_modules/.bin"
    ver() { "$bin/node" -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' "$dir/node_modules/@modelcontextprotocol/$1/package.json"; }
    echo "version=conformance $(ver conformance), inspector-cli $(ver inspector-cli), node $("$bin/node" --version)"
    echo "NODE_BIN=$bin"
    echo "NODE22=$bin/node"
    echo "CONFORMANCE=$(readlink -f "$bin/conformance")"
    echo "INSPECTOR=$(readlink -f "$bin/mcp-inspector-cli")"
    ;;
*)
    echo "usage: setup.sh python|node" >&2
    exit 64
    ;;
esac
