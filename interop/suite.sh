# Sourced by the sub-suites that start one tickets server of their own (mcp, metrics and
# typescript's run.sh) after they set SUITE (their name in the log) and ROOT (the repository).
# Gives them:
#
#   say TEXT / die TEXT       a log line `==> SUITE: TEXT`; a fatal error and exit 1
#   quiet CMD...              runs CMD with its output kept back, shown only when it fails
#   WORK                      a fresh temp directory, removed at exit with the server stopped
#                             and the store's databases dropped (interop/store.sh)
#   suite_tickets_bin         sets TICKETS: $TICKETS_BIN, or `cargo build -p tickets` here
#   suite_start_server ARG... starts `tickets serve --listen 127.0.0.1:0 ARG...` on a fresh
#                             store (STORE_ARGS: SQLite in $WORK/data, or a fresh PostgreSQL
#                             database with INTEROP_POSTGRES), waits until it prints its URL and
#                             the owner key, and sets SERVER_PID, URL and OWNER_KEY; its output
#                             is in $WORK/server.out and $WORK/server.err

say() { printf '==> %s: %s\n' "$SUITE" "$*"; }
die() {
    printf '\n%s: FATAL: %s\n' "$SUITE" "$*" >&2
    exit 1
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leanrpc-$SUITE.XXXXXX")
SERVER_PID=
# shellcheck source=store.sh
source "$ROOT/interop/store.sh"

suite_cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    interop_store_cleanup
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

suite_start_server() {
    interop_store "$WORK/data"
    say "starting $TICKETS serve $* on a free loopback port, $STORE_SAYS"
    "$TICKETS" serve --listen 127.0.0.1:0 "${STORE_ARGS[@]}" "$@" \
        >"$WORK/server.out" 2>"$WORK/server.err" &
    SERVER_PID=$!
    URL=
    OWNER_KEY=
    for _ in $(seq 1 100); do
        URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/api/jsonrpc' "$WORK/server.out" | head -n1 || true)
        OWNER_KEY=$(grep -oE '^ +lt_[A-Za-z0-9_]+$' "$WORK/server.out" | tr -d ' ' | head -n1 || true)
        [ -n "$URL" ] && [ -n "$OWNER_KEY" ] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$WORK/server.out" "$WORK/server.err" >&2
    die "the server did not print its URL and owner key"
}
