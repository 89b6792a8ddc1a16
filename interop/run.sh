#!/usr/bin/env bash
# The interop suite: real JSON-RPC clients, none written by us, against the running tickets
# server.
#
#   python  requests + jsonrpcclient, tinyrpc     (interop/python, pinned in requirements.txt)
#   node    jayson                               (interop/node, pinned in package-lock.json)
#   rust    jsonrpsee's HTTP client              (interop/rust-client, pinned in its Cargo.lock)
#   curl    the two seed requests (POST and GET) with exact answers
#   mcp     leantime-mcp 2.9.0 over stdio, on its own fresh server (interop/leantime-mcp/run.sh)
#   metrics Prometheus's Python text parser on /metrics after known calls, on its own fresh
#           server (interop/metrics/run.sh)
#   mcp-sdk the official MCP SDKs (Python mcp 2.3.0, TypeScript @modelcontextprotocol/sdk
#           1.32.2) against the server's own MCP endpoint, on its own fresh server
#           (interop/mcp/run.sh)
#   ts      the TypeScript client leanrpc-typescript generates from the live rpc.discover
#           document, compiled with tsc --strict (typescript 5.9.3) and run with node, on its own
#           fresh server (interop/typescript/run.sh)
#
# Builds `tickets`, starts it on a free loopback port with a fresh data directory, reads the
# owner key it prints, creates project 1 with tickets 1..9, mints an editor key for project 1,
# then runs every client. Each prints `PASS <client> <case>` or `FAIL <client> <case>: why`
# (and `NOTE` lines saying what it did on the wire); the last line is `interop: N passed, M failed`.
# Exits non-zero on any failure. A missing interpreter is installed with apt-get or the run
# fails loudly: no client is ever skipped.
#
# With INTEROP_POSTGRES=postgres://USER@HOST:PORT/DB every server (this one and those of the MCP
# suites) keeps its data and keys in a fresh PostgreSQL database made on that server with psql
# (postgresql-client, installed when missing) and dropped at the end; see interop/store.sh.
# scripts/test.sh runs the suite both ways.
#
# Usage: bash interop/run.sh        (from anywhere; honours CARGO_TARGET_DIR)
#        INTEROP_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bash interop/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
INTEROP=$ROOT/interop

SUITE=interop
# shellcheck source=suite.sh
source "$INTEROP/suite.sh"

# --- tools: install what is missing, or fail loudly ----------------------------------------

command -v cargo >/dev/null || die "cargo is missing: install Rust (rustup) first"
command -v curl >/dev/null || apt_install curl ca-certificates
command -v python3 >/dev/null || apt_install python3 python3-venv
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install nodejs npm
fi
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "jayson 5.0.0 needs node >= 20, found $(node --version): install a newer node"
say "using $(python3 --version), node $(node --version), npm $(npm --version), $(cargo --version)"

# --- build and install the clients ---------------------------------------------------------

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
suite_tickets_bin

say "cargo build interop/rust-client (jsonrpsee, --locked)"
CARGO_TARGET_DIR=$TARGET_DIR cargo build --quiet --locked --manifest-path "$INTEROP/rust-client/Cargo.toml"
JSONRPSEE_CLIENT=$TARGET_DIR/debug/leanrpc-interop-client
[ -x "$JSONRPSEE_CLIENT" ] || die "no jsonrpsee client at $JSONRPSEE_CLIENT"

VENV=$INTEROP/python/.venv
suite_venv "$VENV" "$INTEROP/python/requirements.txt"

suite_npm_ci "$INTEROP/node" jayson

# --- the server ----------------------------------------------------------------------------

suite_start_server
BASE=${URL%/api/jsonrpc}
say "server at $URL"

TICKET9_HEADLINE="Fix the login page"
TICKET9_DESCRIPTION="Users see a blank page after signing in."
[ "$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"Interop","details":"made by interop/run.sh"}},"id":1}')" = 1 ] \
    || die "project 1 was not created as 1"
for n in 1 2 3 4 5 6 7 8; do
    id=$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.addTicket","params":{"values":{"projectId":1,"headline":"Ticket '"$n"'"}},"id":1}')
    [ "$id" = "$n" ] || die "ticket $n was created as $id"
done
id=$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.addTicket","params":{"values":{"projectId":1,"headline":"'"$TICKET9_HEADLINE"'","description":"'"$TICKET9_DESCRIPTION"'"}},"id":1}')
[ "$id" = 9 ] || die "ticket 9 was created as $id"
# Ticket 9 as getAll lists it: what it was created with (status 3 "New", type task, project 1
# "Interop") is checked here; the server's own fields (date, modified, author) are taken as
# listed. The seeds below must then answer exactly these bytes.
TICKET9_JSON=$(suite_rpc '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getAll","params":{"searchCriteria":{"currentProject":1},"limit":100},"id":1}' \
    | python3 -c 'import json, re, sys
tickets = json.load(sys.stdin)
ids = [t["id"] for t in tickets]
if ids != list(range(1, 10)):
    sys.exit(f"getAll listed tickets {ids}, not 1..9")
t = tickets[8]
want = {"id": 9, "projectId": 1, "projectName": "Interop", "headline": sys.argv[1],
        "description": sys.argv[2], "status": 3, "statusLabel": "New", "type": "task",
        "editorId": None, "milestoneid": None, "sprint": None, "tags": ""}
wrong = {k: t.get(k) for k, v in want.items() if t.get(k, "(absent)") != v}
if wrong:
    sys.exit(f"ticket 9 differs from what was created: {wrong}")
stamp = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
date, modified = t.get("date"), t.get("modified")
if not stamp.fullmatch(date or "") or modified != date:
    sys.exit(f"ticket 9 has date {date!r}, modified {modified!r}")
print(json.dumps(t, separators=(",", ":"), ensure_ascii=False))' "$TICKET9_HEADLINE" "$TICKET9_DESCRIPTION") \
    || die "ticket 9 is not what was created"

# The clients use an editor key limited to project 1, minted while the server runs.
EDITOR_KEY=$("$TICKETS" keys create "${STORE_ARGS[@]}" --role editor --project 1 --name interop | tail -n1)
[[ "$EDITOR_KEY" == lt_* ]] || die "tickets keys create printed no key"
say "project 1, tickets 1..9 and an editor key for project 1 are ready"

# --- the clients ---------------------------------------------------------------------------

# curl: the two seed requests, answers compared byte for byte.
curl_case() {
    local case=$1 expected=$2
    shift 2
    local out
    if ! out=$(curl -sS --max-time 10 -H "x-api-key: $OWNER_KEY" -w '\n%{http_code} %{content_type}' "$@" 2>&1); then
        report "FAIL curl $case: curl failed: $out"
        return
    fi
    local body=${out%$'\n'*} status=${out##*$'\n'}
    if [ "$status" != "200 application/json" ]; then
        report "FAIL curl $case: HTTP/type '$status', body $body"
    elif [ "$body" != "$expected" ]; then
        report "FAIL curl $case: expected $expected, got $body"
    else
        report "PASS curl $case"
    fi
}
curl_case seed-post '{"jsonrpc":"2.0","result":'"$TICKET9_JSON"',"id":"1"}' \
    "$URL" -d '{"method":"leantime.rpc.tickets.getTicket","jsonrpc":"2.0","id":"1","params":{"id":"9"}}'
report 'NOTE curl seed-post: curl -d sends Content-Type application/x-www-form-urlencoded; "id":"1" comes back a string, "9" binds to the integer id'
curl_case seed-get '{"jsonrpc":"2.0","result":'"$TICKET9_JSON"',"id":1}' \
    "$BASE/api/jsonRPC/?method=leantime.rpc.tickets.getTicket&jsonrpc=2.0&id=1&params=eyJpZCI6IjkifQ%3D%3D"
report 'NOTE curl seed-get: /api/jsonRPC/ matches the endpoint; the query id=1 reads as the number 1'

export LEANRPC_URL=$URL LEANRPC_KEY=$EDITOR_KEY LEANRPC_TICKET9_HEADLINE=$TICKET9_HEADLINE

# Runs one client (with its own ticket for notifications); its lines go to the results, and
# a crash, a hang or a missing core case is a failure too.
run_client() {
    local client=$1 ticket=$2
    shift 2
    local out=$WORK/$client.out rc=0
    say "running $client"
    LEANRPC_TICKET=$ticket timeout 120 "$@" >"$out" 2>"$WORK/$client.err" || rc=$?
    grep -E '^(PASS|FAIL|NOTE) ' "$out" | tee -a "$RESULTS" || true
    local case
    for case in named-call positional-call notification batch; do
        grep -qE "^(PASS|FAIL) $client $case(:|\$)" "$out" \
            || report "FAIL $client $case: not reported"
    done
    if [ "$rc" != 0 ] && ! grep -q "^FAIL $client " "$out"; then
        report "FAIL $client exit: exited with status $rc"
        tail -n 20 "$WORK/$client.err" >&2
    fi
}

(cd "$INTEROP/python" && run_client python-jsonrpcclient 1 "$VENV/bin/python" jsonrpcclient_client.py)
(cd "$INTEROP/python" && run_client python-tinyrpc 2 "$VENV/bin/python" tinyrpc_client.py)
(cd "$INTEROP/node" && run_client node-jayson 3 node jayson_client.js)
run_client rust-jsonrpsee 4 "$JSONRPSEE_CLIENT"
TICKETS_BIN=$TICKETS bash "$INTEROP/leantime-mcp/run.sh" && report "PASS leantime-mcp suite" || report "FAIL leantime-mcp suite: see its table above"
TICKETS_BIN=$TICKETS bash "$INTEROP/metrics/run.sh" && report "PASS metrics suite" || report "FAIL metrics suite: see its lines above"
TICKETS_BIN=$TICKETS bash "$INTEROP/mcp/run.sh" && report "PASS mcp-sdk suite" || report "FAIL mcp-sdk suite: see its lines above"
TICKETS_BIN=$TICKETS bash "$INTEROP/typescript/run.sh" && report "PASS typescript suite" || report "FAIL typescript suite: see its lines above"

# Ticket 9 was only read: it must still be exactly what the seeds saw.
curl_case ticket9-unchanged '{"jsonrpc":"2.0","result":'"$TICKET9_JSON"',"id":1}' \
    "$URL" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":[9],"id":1}'

suite_server_alive
suite_summary
