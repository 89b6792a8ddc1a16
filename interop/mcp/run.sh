#!/usr/bin/env bash
# The MCP interop suite: the official MCP SDK clients, none written by us, against the tickets
# server's MCP endpoint (POST /mcp, MCP's Streamable HTTP transport).
#
#   python  mcp 2.3.0 (PyPI)                        interop/mcp/python, pinned in requirements.txt
#   node    @modelcontextprotocol/sdk 1.32.2 (npm)  interop/mcp/node, pinned in package-lock.json
#
# Starts `tickets serve` on a free loopback port with a fresh data directory, reads the owner
# key it prints, creates project 1 with ticket 1, project 2 with ticket 2, and a readonly key
# limited to project 1. Each client then runs, for each protocol revision it speaks (Python:
# 2026-07-28 by server/discover and pinned, 2025-11-25, 2025-06-18; node: 2025-11-25,
# 2025-06-18) and for the owner key (sent as x-api-key) and the readonly key (sent as
# Authorization: Bearer): list the tools, call getTicket, addTicket (Leantime's `values`
# shape), a forbidden call and a call with bad arguments. Each case prints
# `PASS|FAIL <client> <revision> <key> <case>`; the last line is `N passed, M failed`. Exits
# non-zero on any failure; a client that crashes or reports fewer cases than it must fails.
#
# Usage: bash interop/mcp/run.sh
#   TICKETS_BIN=/path/to/tickets   use this server binary instead of building -p tickets here
#   INTEROP_POSTGRES=URL           the server keeps its data in a fresh PostgreSQL database on
#                                  that server (see interop/store.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/interop/mcp

SUITE=mcp
# shellcheck source=../suite.sh
source "$ROOT/interop/suite.sh"

command -v cargo >/dev/null || die "cargo is missing: install Rust (rustup) first"
command -v python3 >/dev/null || die "python3 is missing (interop/run.sh installs it with apt-get)"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are missing (interop/run.sh installs them with apt-get)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "@modelcontextprotocol/sdk 1.32.2 needs node >= 20, found $(node --version)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "mcp 2.3.0 needs Python >= 3.10, found $(python3 --version)"

# --- the clients -----------------------------------------------------------------------------

VENV=$HERE/python/.venv
suite_venv "$VENV" "$HERE/python/requirements.txt"
suite_npm_ci "$HERE/node" @modelcontextprotocol/sdk

suite_tickets_bin

# --- the server and its data -----------------------------------------------------------------

suite_start_server
MCP_URL=${URL%/api/jsonrpc}/mcp
say "MCP endpoint at $MCP_URL"

HEADLINE="Fix the login page"
[ "$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"MCP one"}},"id":1}')" = 1 ] || die "project 1 was not created as 1"
[ "$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"MCP two"}},"id":1}')" = 2 ] || die "project 2 was not created as 2"
[ "$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.addTicket","params":{"values":{"projectId":1,"headline":"'"$HEADLINE"'"}},"id":1}')" = 1 ] || die "ticket 1 was not created as 1"
[ "$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.addTicket","params":{"values":{"projectId":2,"headline":"Not yours"}},"id":1}')" = 2 ] || die "ticket 2 was not created as 2"
READONLY_KEY=$("$TICKETS" keys create "${STORE_ARGS[@]}" --role readonly --project 1 --name mcp-interop | tail -n1)
[[ "$READONLY_KEY" == lt_* ]] || die "tickets keys create printed no key"
say "projects 1 and 2, tickets 1 (project 1) and 2 (project 2), a readonly key for project 1"

export MCP_URL MCP_OWNER_KEY=$OWNER_KEY MCP_READONLY_KEY=$READONLY_KEY MCP_TICKET=1 \
    MCP_HEADLINE=$HEADLINE MCP_FOREIGN_TICKET=2

# Runs one client; a crash, a hang or a missing case is a failure too.
run_client() {
    local client=$1 expected=$2
    shift 2
    local out=$WORK/$client.out rc=0
    say "running $client"
    timeout 300 "$@" >"$out" 2>"$WORK/$client.err" || rc=$?
    grep -E '^(PASS|FAIL) ' "$out" | tee -a "$RESULTS" || true
    local reported
    reported=$(grep -cE "^(PASS|FAIL) $client " "$out" || true)
    if [ "$reported" -lt "$expected" ]; then
        report "FAIL $client cases: reported $reported of $expected cases"
    fi
    if [ "$rc" != 0 ] && ! grep -q "^FAIL $client " "$out"; then
        report "FAIL $client exit: exited with status $rc"
    fi
    if [ "$rc" != 0 ]; then
        tail -n 20 "$WORK/$client.err" >&2
    fi
}

# 7 cases per revision and key: 4 revisions x 2 keys for Python, 2 x 2 for node.
(cd "$HERE/python" && run_client python 56 "$VENV/bin/python" client.py)
(cd "$HERE/node" && run_client node 28 node client.js)

suite_server_alive
suite_summary
