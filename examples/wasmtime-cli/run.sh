#!/usr/bin/env bash
# daytona-tools in the wasmtime CLI: every call is one `wasmtime run --invoke`, a fresh
# process and instance, with `-S http` for wasi:http and the DAYTONA_* variables passed
# by name (values are inherited from this shell, so no secret lands on a command line).
#
#   ./run.sh tools                 the tool names, one a line
#   ./run.sh call TOOL [JSON]      call a tool; prints its JSON result (exit 1 on a tool error)
#   ./run.sh story [NAME]          list-tools, then create NAME, run `echo hello` in it, delete it
#   ./run.sh bench [N]             average latency of N get_sandbox and N list_sandboxes calls
#
# Environment:
#   DAYTONA_API_KEY, DAYTONA_API_URL, ...  the component's configuration (every DAYTONA_*
#                                          variable but DAYTONA_TOOLS_WASM is passed in)
#   DAYTONA_TOOLS_WASM   the component (default: the release build of this checkout)
#   WASMTIME             the wasmtime binary (default: `wasmtime` on PATH, else ./.venv's)
#
# The CLI prints results in WAVE (`ok("…")` / `err({kind: …})`) and exits 0 for both;
# this script unwraps `ok("…")` into plain JSON and turns `err(…)` into exit status 1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wasm="${DAYTONA_TOOLS_WASM:-$here/../../target/wasm32-wasip2/release/daytona_tools.wasm}"
wasmtime="${WASMTIME:-}"
if [ -z "$wasmtime" ]; then
    if command -v wasmtime >/dev/null 2>&1; then
        wasmtime=wasmtime
    elif [ -x "$here/.venv/bin/wasmtime" ]; then
        wasmtime="$here/.venv/bin/wasmtime"
    else
        echo "run.sh: no wasmtime: see README.md (pip install -r requirements.txt) or set WASMTIME" >&2
        exit 2
    fi
fi
if [ ! -f "$wasm" ]; then
    echo "run.sh: component not found at $wasm (cargo build --release --target wasm32-wasip2, or set DAYTONA_TOOLS_WASM)" >&2
    exit 2
fi

# --env NAME (no value) makes wasmtime copy NAME from this process's environment.
env_args=()
while IFS= read -r name; do
    [ "$name" = DAYTONA_TOOLS_WASM ] || env_args+=(--env "$name")
done < <(compgen -e | grep '^DAYTONA_' || true)

# invoke CALL: run one WAVE-encoded call, e.g. `list-tools()`; prints the WAVE result.
invoke() {
    RUST_BACKTRACE=0 "$wasmtime" run -S http "${env_args[@]}" --invoke "$1" "$wasm"
}

# wave_string TEXT: TEXT as a WAVE string literal.
wave_string() {
    local s="$1"
    s="${s//\\/\\\\}"
    s="${s//\"/\\\"}"
    s="${s//$'\n'/\\n}"
    s="${s//$'\r'/\\r}"
    s="${s//$'\t'/\\t}"
    printf '"%s"' "$s"
}

# unwave: the string inside `ok("…")` on stdin, unescaped (WAVE escapes \\ \" \' \n \r \t \u{…}).
unwave() {
    LC_ALL=C awk '
        function utf8(cp) {
            if (cp < 128) return sprintf("%c", cp)
            if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
            if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
            return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
        }
        function hex(h,   i, v) {
            v = 0
            for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(tolower(h), i, 1)) - 1
            return v
        }
        {
            s = $0
            if (substr(s, 1, 4) != "ok(\"" || substr(s, length(s) - 1) != "\")") exit 1
            s = substr(s, 5, length(s) - 6)
            gsub(/\\\\/, "\001", s)   # every backslash starts an escape, so pairs go first
            gsub(/\\"/, "\"", s); gsub(/\\\047/, "\047", s)
            gsub(/\\n/, "\n", s); gsub(/\\r/, "\r", s); gsub(/\\t/, "\t", s)
            out = ""
            while (match(s, /\\u\{[0-9a-fA-F]+\}/)) {
                out = out substr(s, 1, RSTART - 1) utf8(hex(substr(s, RSTART + 3, RLENGTH - 4)))
                s = substr(s, RSTART + RLENGTH)
            }
            s = out s
            gsub(/\001/, "\\\\", s)
            print s
        }'
}

# call TOOL JSON: prints the result JSON, or the WAVE error on stderr and returns 1.
call() {
    local out args="${2:-}"
    [ -n "$args" ] || args='{}'
    out="$(invoke "call-tool($(wave_string "$1"), $(wave_string "$args"))")" || {
        echo "error: wasmtime failed calling $1" >&2
        return 2
    }
    case "$out" in
    ok\(*) printf '%s\n' "$out" | unwave ;;
    *)
        echo "error: $out" >&2
        return 1
        ;;
    esac
}

tools() {
    invoke 'list-tools()' | grep -o '{name: "[a-z_]*"' | sed 's/^{name: "//; s/"$//'
}

story() {
    local name="${1:-agent-tools-demo}" names out
    names="$(tools)"
    echo "list-tools: $(printf '%s\n' "$names" | wc -l | tr -d ' ') tools: $(printf '%s\n' "$names" | paste -sd, - | sed 's/,/, /g')"
    out="$(call create_sandbox "{\"name\": \"$name\"}")"
    echo "create_sandbox: $out"
    out="$(call execute_command "{\"sandbox\": \"$name\", \"command\": \"echo hello\"}")"
    echo "execute_command: $out"
    out="$(call delete_sandbox "{\"sandbox\": \"$name\"}")"
    echo "delete_sandbox: $out"
    echo "story: ok"
}

now_ns() { date +%s%N; }

# stats LABEL: reads one duration (ns) a line, prints n/avg/min/p50/max in ms.
stats() {
    sort -n | awk -v label="$1" '{ v[NR] = $1; s += $1 }
        END { printf "bench wasmtime-cli %s: n=%d avg=%.1f ms min=%.1f p50=%.1f max=%.1f\n",
              label, NR, s / NR / 1e6, v[1] / 1e6, v[int((NR + 1) / 2)] / 1e6, v[NR] / 1e6 }'
}

bench() {
    local n="${1:-20}" name="bench-cli-$$" t0 i
    t0="$(now_ns)"
    call list_sandboxes '{"limit": 1}' >/dev/null
    echo "bench wasmtime-cli first call (loads or compiles the component; wasmtime caches the compiled code): $(( ($(now_ns) - t0) / 1000000 )) ms"
    call create_sandbox "{\"name\": \"$name\"}" >/dev/null
    for tool in get_sandbox list_sandboxes; do
        for ((i = 0; i < n; i++)); do
            t0="$(now_ns)"
            if [ "$tool" = get_sandbox ]; then
                call get_sandbox "{\"sandbox\": \"$name\"}" >/dev/null
            else
                call list_sandboxes '{}' >/dev/null
            fi
            echo $(( $(now_ns) - t0 ))
        done | stats "$tool (process + instantiate + call, per call)"
    done
    call delete_sandbox "{\"sandbox\": \"$name\"}" >/dev/null
}

case "${1:-}" in
tools) tools ;;
call)
    [ $# -ge 2 ] || { echo "usage: run.sh call TOOL [JSON]" >&2; exit 64; }
    call "$2" "${3:-}"
    ;;
story) story "${2:-}" ;;
bench) bench "${2:-20}" ;;
*)
    echo "usage: run.sh tools | call TOOL [JSON] | story [NAME] | bench [N]" >&2
    exit 64
    ;;
esac
