#!/usr/bin/env bash
# The metrics suite: `tickets serve --metrics-listen` scraped after known calls, the scrape read
# by Prometheus's own text-format parser (Python's prometheus_client, pinned in
# requirements.txt, in a venv at interop/metrics/.venv), and the counts checked.
#
# Starts tickets on free loopback ports (API and metrics) with a fresh data directory and
# `--rate-limit 300`, mints a readonly key and a spare key, and runs check.py: it scrapes once,
# makes known calls (good, failing, forbidden, unknown, hostile method names, batches, a GET, a
# notification, refused keys, a batch over the rate limit), scrapes again and checks every
# difference, that every method label is a mounted method's name or `_OTHER`, and that the
# histograms are well formed. Prints `PASS metrics <case>` / `FAIL metrics <case>: why` and
# `N passed, M failed`; exits non-zero on any failure.
#
# Usage: bash interop/metrics/run.sh      (TICKETS_BIN=/path/to/tickets to test another build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/interop/metrics

say() { printf '==> metrics: %s\n' "$*"; }
die() {
    printf '\nmetrics: FATAL: %s\n' "$*" >&2
    exit 1
}

command -v python3 >/dev/null || die "python3 is missing (interop/run.sh installs it with apt-get)"

if [ -n "${TICKETS_BIN:-}" ]; then
    TICKETS=$TICKETS_BIN
else
    say "cargo build -p tickets"
    cargo build -p tickets --quiet
    TICKETS=${CARGO_TARGET_DIR:-$ROOT/target}/debug/tickets
fi
[ -x "$TICKETS" ] || die "no tickets binary at $TICKETS"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/leanrpc-metrics.XXXXXX")
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    ! declare -F interop_store_cleanup >/dev/null || interop_store_cleanup
    rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=../store.sh
source "$ROOT/interop/store.sh"

VENV=$HERE/.venv
STAMP="$(python3 --version) $(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.stamp" 2>/dev/null)" != "$STAMP" ]; then
    say "python venv in interop/metrics/.venv (pip install -r requirements.txt)"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >"$WORK/venv.log" 2>&1; then
        cat "$WORK/venv.log" >&2
        die "python3 -m venv failed (Debian: apt-get install python3-venv; interop/run.sh does)"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input --no-deps \
        --require-virtualenv -r "$HERE/requirements.txt" >"$WORK/pip.log" 2>&1 \
        || { cat "$WORK/pip.log" >&2; die "pip install -r requirements.txt failed"; }
    printf '%s' "$STAMP" >"$VENV/.stamp"
fi

DATA=$WORK/data
interop_store "$DATA"
say "starting tickets with --metrics-listen on free loopback ports, $STORE_SAYS"
"$TICKETS" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --rate-limit 300 "${STORE_ARGS[@]}" \
    >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
URL= METRICS= OWNER_KEY=
for _ in $(seq 1 100); do
    URL=$(grep -oE 'http://127\.0\.0\.1:[0-9]+/api/jsonrpc' "$WORK/server.out" | head -n1 || true)
    METRICS=$(grep -oE 'metrics on http://127\.0\.0\.1:[0-9]+/metrics' "$WORK/server.err" | head -n1 | cut -d' ' -f3 || true)
    OWNER_KEY=$(grep -oE '^ +lt_[A-Za-z0-9_]+$' "$WORK/server.out" | tr -d ' ' | head -n1 || true)
    [ -n "$URL" ] && [ -n "$METRICS" ] && [ -n "$OWNER_KEY" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$URL" ] || [ -z "$METRICS" ] || [ -z "$OWNER_KEY" ]; then
    cat "$WORK/server.out" "$WORK/server.err" >&2
    die "the server did not print its URL, its metrics URL and an owner key"
fi
READONLY_KEY=$("$TICKETS" keys create "${STORE_ARGS[@]}" --role readonly --name metrics-readonly | tail -n1)
SPARE_KEY=$("$TICKETS" keys create "${STORE_ARGS[@]}" --role readonly --name metrics-spare | tail -n1)
[[ "$READONLY_KEY" == lt_* && "$SPARE_KEY" == lt_* ]] || die "tickets keys create printed no key"
say "API at $URL, metrics at $METRICS"

rc=0
LEANRPC_URL=$URL LEANRPC_METRICS_URL=$METRICS LEANRPC_OWNER_KEY=$OWNER_KEY \
    LEANRPC_READONLY_KEY=$READONLY_KEY LEANRPC_SPARE_KEY=$SPARE_KEY LEANRPC_RATE_LIMIT=300 \
    timeout 120 "$VENV/bin/python" "$HERE/check.py" || rc=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "FAIL metrics server: the tickets server exited during the run"
    tail -n 20 "$WORK/server.err" >&2
    rc=1
fi
exit "$rc"
