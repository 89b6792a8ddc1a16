#!/usr/bin/env bash
# The leantime-mcp interop suite: the published MCP server `leantime-mcp` 2.9.0 (crates.io,
# installed unchanged with cargo), driven over stdio as an MCP host would, against a fresh
# `tickets serve`.
#
# Installs `leantmcp` 2.9.0 into $CARGO_TARGET_DIR/interop-tools/leantime-mcp-2.9.0 (skipped
# when that binary already reports 2.9.0). Two passes, each on a fresh `tickets serve` (free
# loopback port, temp data dir): the server's default plain scalar results (Leantime 3.9), then
# `--scalar-results-in-arrays` (Leantime 3.8's `[5]`, which leantime-mcp was written against).
# Each reads the owner key the server prints and runs driver.py: initialize,
# notifications/initialized, tools/list, then tools/call through projects, clients, users,
# milestones, sprints, tickets, subtasks, comments and time entries, checking every answer
# carries the data that was written; `leantmcp doctor`; and an editor key scoped to the first
# project (minted with `tickets keys create`) that must not see or change a second one.
# Prints `PASS|FAIL <pass> <tool> <case>` lines, a per-tool table and `N passed, M failed` per
# pass, then both passes' total as the closing line (`leantime-mcp: N passed, M failed`); exits
# non-zero on any failure.
#
# Usage: bash interop/leantime-mcp/run.sh
#   TICKETS_BIN=/path/to/tickets   use this server binary instead of building -p tickets here
#   LEANTIME_MCP_DIRECT=1          connect leantmcp straight to the server; by default it goes
#                                  through the driver's recording proxy, which forwards bytes
#                                  unchanged and prints the JSON-RPC exchanges of failed cases
#   INTEROP_POSTGRES=URL           each server keeps its data in a fresh PostgreSQL database on
#                                  that server (see interop/store.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/interop/leantime-mcp
VERSION=2.9.0

SUITE=leantime-mcp
# shellcheck source=../suite.sh
source "$ROOT/interop/suite.sh"

command -v cargo >/dev/null || die "cargo is missing: install Rust (rustup) first"
command -v python3 >/dev/null || die "python3 is missing (interop/run.sh installs it with apt-get)"

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
TOOLS=$TARGET_DIR/interop-tools/leantime-mcp-$VERSION
LEANTMCP=$TOOLS/bin/leantmcp
if [ "$("$LEANTMCP" --version 2>/dev/null)" != "leantmcp $VERSION" ]; then
    say "cargo install leantime-mcp --version $VERSION --locked (crates.io, unchanged)"
    # No CARGO_TARGET_DIR: cargo builds in a temp dir and removes it, so the workspace's own
    # target dir is not touched; run from outside the workspace so none of its cargo settings
    # apply to the third-party build.
    (cd "${TMPDIR:-/tmp}" && env -u CARGO_TARGET_DIR cargo install leantime-mcp --version "$VERSION" \
        --locked --quiet --root "$TOOLS" --force) || die "cargo install leantime-mcp $VERSION failed"
fi
[ "$("$LEANTMCP" --version 2>/dev/null)" = "leantmcp $VERSION" ] || die "no leantmcp $VERSION at $LEANTMCP"

suite_tickets_bin

# One pass: a fresh server (with the given `serve` options) and a fresh leantmcp HOME; the
# driver's lines go to stdout and to $WORK/$label.out. Returns non-zero when anything failed.
run_pass() {
    local label=$1
    shift
    local dir=$WORK/$label rc=0
    mkdir -p "$dir/home"
    if ! SERVER_DIR=$dir suite_try_start_server "$@"; then
        echo "FAIL $label server: the server did not print its URL and owner key" | tee "$WORK/$label.out"
        return 1
    fi
    say "pass $label: server at $URL; leantmcp $VERSION at $LEANTMCP"
    # leantmcp reads LEANTIME_URL (the base URL: it appends /api/jsonrpc) and LEANTIME_API_KEY,
    # and keeps its keyring, tools.json and idempotency journal under $HOME/.config/leantime:
    # HOME is a temp dir so nothing of the machine's own configuration is read or written.
    LEANTMCP=$LEANTMCP LEANTIME_BASE_URL=${URL%/api/jsonrpc} LEANTIME_OWNER_KEY=$OWNER_KEY \
        LEANTIME_MCP_HOME=$dir/home LEANTMCP_STDERR=$dir/leantmcp.err LEANTIME_MCP_LABEL=$label \
        TICKETS=$TICKETS TICKETS_DATA=$dir/data TICKETS_DATABASE=$STORE_DATABASE \
        LEANTIME_MCP_WRAPPED=$WRAPPED \
        timeout 600 python3 "$HERE/driver.py" >"$WORK/$label.out" || rc=$?
    cat "$WORK/$label.out"
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "FAIL $label server: the tickets server exited during the run" | tee -a "$WORK/$label.out"
        tail -n 20 "$dir/server.err" >&2
        rc=1
    fi
    suite_stop_server
    if [ "$rc" != 0 ] && [ -s "$dir/leantmcp.err" ]; then
        echo "--- leantmcp stderr (last 20 lines)"
        tail -n 20 "$dir/leantmcp.err"
    fi
    return "$rc"
}

# Leantime 3.9 answers scalar results as plain values (`5`, `true`), 3.8 wrapped them (`[5]`,
# `[true]`); leantime-mcp was written against the wrapped form. Both are run: the server's default
# and `--scalar-results-in-arrays`.
rc=0
WRAPPED=0 run_pass leantime-mcp || rc=1
WRAPPED=1 run_pass leantime-mcp-3.8 --scalar-results-in-arrays || rc=1

cat "$WORK"/leantime-mcp*.out | grep -E '^(PASS|FAIL) ' >>"$RESULTS" || true
echo
echo "both passes:"
suite_summary && [ "$rc" = 0 ]
