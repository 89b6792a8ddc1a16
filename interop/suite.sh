# Sourced by every interop script that starts tickets servers of its own (run.sh, and the
# leantime-mcp, mcp, metrics and typescript suites' run.sh) after they set SUITE (their name in
# the log) and ROOT (the repository). Gives them:
#
#   say TEXT / die TEXT       a log line `==> SUITE: TEXT`; a fatal error and exit 1
#   quiet CMD...              runs CMD with its output kept back, shown only when it fails
#   apt_install PKG...        apt-get install (as root; one apt-get update per run), or fail
#   WORK                      a fresh temp directory, removed at exit with the server stopped
#                             and the store's databases dropped (interop/store.sh)
#   suite_venv VENV REQS      a Python venv at VENV with the pinned REQS installed, made again
#                             only when REQS or the Python version changed
#   suite_npm_ci DIR WHAT     `npm ci` in DIR (WHAT names its packages in the log)
#   suite_tickets_bin         sets TICKETS: $TICKETS_BIN, or `cargo build -p tickets` here
#   suite_start_server ARG... starts `tickets serve --listen 127.0.0.1:0 ARG...` on a fresh
#                             store (STORE_ARGS: SQLite in $SERVER_DIR/data, or a fresh
#                             PostgreSQL database with INTEROP_POSTGRES), waits until it prints
#                             its URL and the owner key, and sets SERVER_PID, URL and OWNER_KEY;
#                             its output is in $SERVER_DIR/server.out and server.err. SERVER_DIR
#                             is $WORK unless the caller sets it (one per server when a suite
#                             starts several). Dies when the server does not come up;
#                             suite_try_start_server returns 1 instead
#   suite_stop_server         stops the server started last, if any
#   suite_rpc JSON            one JSON-RPC call to URL with OWNER_KEY; prints its result member
#                             (compact JSON), dies on an error answer
#   report LINE               a result line, printed and kept in $RESULTS
#   suite_server_alive        reports `FAIL SUITE server alive` when the server has exited
#   suite_summary             prints `SUITE: N passed, M failed` from $RESULTS; fails on any FAIL

say() { printf '==> %s: %s\n' "$SUITE" "$*"; }
die() {
    printf '\n%s: FATAL: %s\n' "$SUITE" "$*" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leanrpc-$SUITE.XXXXXX")
SERVER_PID=

suite_stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

suite_cleanup() {
    suite_stop_server
    # Defined once store.sh is sourced (below): a die before that has no databases to drop.
    if declare -F interop_store_cleanup >/dev/null; then interop_store_cleanup; fi
    rm -rf "$WORK"
}
trap suite_cleanup EXIT

quiet() {
    local log=$WORK/step.log
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        die "failed: $*"
    fi
}

APT_UPDATED=
apt_install() {
    command -v apt-get >/dev/null || die "need $* but apt-get is not available: install them by hand"
    [ "$(id -u)" = 0 ] || die "need $* but not root: install them by hand (apt-get install $*)"
    if [ -z "$APT_UPDATED" ]; then
        say "apt-get update"
        apt-get update -qq || die "apt-get update failed"
        APT_UPDATED=1
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        || die "apt-get install $* failed"
}

# After apt_install: with INTEROP_POSTGRES, store.sh installs psql when it is missing.
# shellcheck source=store.sh
source "$ROOT/interop/store.sh"

suite_venv() {
    local venv=$1 requirements=$2 stamp
    stamp="$(python3 --version) $(sha256sum "$requirements" | cut -d' ' -f1)"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi
    say "python venv in ${venv#"$ROOT/"} (pip install -r $(basename "$requirements"))"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >"$WORK/venv.log" 2>&1; then
        # Debian's python3 keeps venv (ensurepip) in a separate package.
        rm -rf "$venv"
        local py
        py=$(python3 -c 'import sys; print(f"python{sys.version_info[0]}.{sys.version_info[1]}")')
        apt_install python3-venv "$py-venv"
        quiet python3 -m venv "$venv"
    fi
    quiet "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --no-deps \
        --require-virtualenv -r "$requirements"
    quiet "$venv/bin/python" -m pip check --disable-pip-version-check
    printf '%s' "$stamp" >"$venv/.stamp"
}

suite_npm_ci() {
    say "npm ci in ${1#"$ROOT/"} ($2)"
    (cd "$1" && quiet npm ci --no-audit --no-fund --loglevel=error)
}

suite_tickets_bin() {
    if [ -n "${TICKETS_BIN:-}" ]; then
        TICKETS=$TICKETS_BIN
    else
        say "cargo build -p tickets"
        cargo build -p tickets --quiet
        TICKETS=${CARGO_TARGET_DIR:-$ROOT/target}/debug/tickets
    fi
    [ -x "$TICKETS" ] || die "no tickets binary at $TICKETS"
}

suite_try_start_server() {
    local dir=${SERVER_DIR:-$WORK}
    mkdir -p "$dir"
    interop_store "$dir/data"
    say "starting $TICKETS serve${*:+ $*} on a free loopback port, $STORE_SAYS"
    "$TICKETS" serve --listen 127.0.0.1:0 "${STORE_ARGS[@]}" "$@" \
        >"$dir/server.out" 2>"$dir/server.err" &
    SERVER_PID=$!
    URL=
    OWNER_KEY=
    for _ in $(seq 1 100); do
        URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/api/jsonrpc' "$dir/server.out" | head -n1 || true)
        OWNER_KEY=$(grep -oE '^ +lt_[A-Za-z0-9_]+$' "$dir/server.out" | tr -d ' ' | head -n1 || true)
        [ -n "$URL" ] && [ -n "$OWNER_KEY" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$dir/server.out" "$dir/server.err" >&2
    suite_stop_server
    return 1
}

suite_start_server() {
    suite_try_start_server "$@" || die "the server did not print its URL and owner key"
}

suite_rpc() {
    local answer
    answer=$(curl -sS --max-time 10 "$URL" -H "x-api-key: $OWNER_KEY" \
        -H 'content-type: application/json' -d "$1") || die "setup call failed: $1"
    python3 -c 'import json, sys
answer = json.loads(sys.argv[1])
if "result" not in answer:
    sys.exit("setup call answered " + sys.argv[1])
print(json.dumps(answer["result"], separators=(",", ":")))' "$answer" || die "setup: $1"
}

RESULTS=$WORK/results
: >"$RESULTS"
report() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

suite_server_alive() {
    if [ -n "$SERVER_PID" ] && ! kill -0 "$SERVER_PID" 2>/dev/null; then
        report "FAIL $SUITE server alive: the server exited during the run"
        tail -n 20 "${SERVER_DIR:-$WORK}/server.err" >&2
    fi
}

suite_summary() {
    local passed failed
    passed=$(grep -c '^PASS ' "$RESULTS" || true)
    failed=$(grep -c '^FAIL ' "$RESULTS" || true)
    echo
    echo "$SUITE: $passed passed, $failed failed"
    [ "$failed" = 0 ]
}
