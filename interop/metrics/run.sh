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
# histograms are well formed. Prints `PASS metrics <case>` / `FAIL metrics <case>: why`, its
# `N passed, M failed`, then the suite's `metrics: N passed, M failed` (with the server's own
# check); exits non-zero on any failure.
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
suite_venv "$VENV" "$HERE/requirements.txt"

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
    timeout 120 "$VENV/bin/python" "$HERE/check.py" | tee "$WORK/check.out" || rc=$?
grep -E '^(PASS|FAIL) ' "$WORK/check.out" >>"$RESULTS" || true
[ "$rc" = 0 ] || grep -q '^FAIL ' "$RESULTS" || report "FAIL metrics exit: check.py exited with status $rc"
suite_server_alive
suite_summary
