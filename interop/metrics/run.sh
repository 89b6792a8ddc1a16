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

SUITE=metrics
# shellcheck source=../suite.sh
source "$ROOT/interop/suite.sh"

command -v python3 >/dev/null || die "python3 is missing (interop/run.sh installs it with apt-get)"

suite_tickets_bin


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

suite_start_server --metrics-listen 127.0.0.1:0 --rate-limit 300
# Logged before the owner key is printed, so already there.
METRICS=$(grep -oE 'metrics on http://127\.0\.0\.1:[0-9]+/metrics' "$WORK/server.err" | head -n1 | cut -d' ' -f3 || true)
[ -n "$METRICS" ] || die "the server did not log its metrics URL"
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
