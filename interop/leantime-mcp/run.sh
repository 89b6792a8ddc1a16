#!/usr/bin/env bash
# The leantime-mcp interop suite: the published MCP server `leantime-mcp` 2.9.0 (crates.io,
# installed unchanged with cargo), driven over stdio as an MCP host would, against a fresh
# `tickets serve`.
#
# Installs `leantmcp` 2.9.0 into $CARGO_TARGET_DIR/interop-tools/leantime-mcp-2.9.0 (skipped
# when that binary already reports 2.9.0), starts `tickets serve` on a free loopback port with a
# temp data dir, reads the owner key it prints, and runs driver.py: initialize,
# notifications/initialized, tools/list, then tools/call through projects, clients, users,
# milestones, sprints, tickets, subtasks, comments and time entries, checking every answer
# carries the data that was written; `leantmcp doctor`; and an editor key scoped to the first
# project (minted with `tickets keys create`) that must not see or change a second one. Prints `PASS|FAIL leantime-mcp <tool> <case>` lines, a
# per-tool table and `N passed, M failed`; exits non-zero on any failure.
#
# Usage: bash interop/leantime-mcp/run.sh
#   TICKETS_BIN=/path/to/tickets   use this server binary instead of building -p tickets here
#   LEANTIME_MCP_DIRECT=1          connect leantmcp straight to the server; by default it goes
#                                  through the driver's recording proxy, which forwards bytes
#                                  unchanged and prints the JSON-RPC exchanges of failed cases
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/interop/leantime-mcp
VERSION=2.9.0

say() { printf '==> leantime-mcp: %s\n' "$*"; }
die() {
    printf '\nleantime-mcp: FATAL: %s\n' "$*" >&2
    exit 1
}

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

if [ -n "${TICKETS_BIN:-}" ]; then
    TICKETS=$TICKETS_BIN
else
    say "cargo build -p tickets"
    cargo build -p tickets --quiet
    TICKETS=$TARGET_DIR/debug/tickets
fi
[ -x "$TICKETS" ] || die "no tickets binary at $TICKETS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leanrpc-leantime-mcp.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

say "starting $TICKETS on a free loopback port, data in a fresh temp dir"
"$TICKETS" serve --listen 127.0.0.1:0 --data "$WORK/data" >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
URL=
OWNER_KEY=
for _ in $(seq 1 100); do
    URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/api/jsonrpc' "$WORK/server.out" 2>/dev/null | head -n1 || true)
    OWNER_KEY=$(grep -oE '^ +lt_[A-Za-z0-9_]+$' "$WORK/server.out" 2>/dev/null | tr -d ' ' | head -n1 || true)
    [ -n "$URL" ] && [ -n "$OWNER_KEY" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$URL" ] || [ -z "$OWNER_KEY" ]; then
    cat "$WORK/server.out" "$WORK/server.err" >&2
    die "the server did not print its URL and owner key"
fi
say "server at $URL; leantmcp $VERSION at $LEANTMCP"

# leantmcp reads LEANTIME_URL (the base URL: it appends /api/jsonrpc) and LEANTIME_API_KEY, and
# keeps its keyring, tools.json and idempotency journal under $HOME/.config/leantime: HOME is a
# temp dir so nothing of the machine's own configuration is read or written.
mkdir -p "$WORK/home"
rc=0
LEANTMCP=$LEANTMCP LEANTIME_BASE_URL=${URL%/api/jsonrpc} LEANTIME_OWNER_KEY=$OWNER_KEY \
    LEANTIME_MCP_HOME=$WORK/home LEANTMCP_STDERR=$WORK/leantmcp.err TICKETS=$TICKETS TICKETS_DATA=$WORK/data \
    timeout 600 python3 "$HERE/driver.py" || rc=$?

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "FAIL leantime-mcp server: the tickets server exited during the run"
    tail -n 20 "$WORK/server.err" >&2
    rc=1
fi
if [ "$rc" != 0 ] && [ -s "$WORK/leantmcp.err" ]; then
    echo "--- leantmcp stderr (last 20 lines)"
    tail -n 20 "$WORK/leantmcp.err"
fi
exit "$rc"
