#!/usr/bin/env bash
# User-space instructions per HTTP request, per server, under callgrind: deterministic, so unlike
# calls/s they do not move when other work shares the machine. (Kernel work, the same TCP for
# every server, is not counted.)
#
#   bash benches/http-instructions.sh
#   ONLY=metrics bash benches/http-instructions.sh   # only the leanrpc bench server, metrics off and on
#
# Each server runs under valgrind with one tokio worker thread; wrk sends single calls over one
# keep-alive connection on 127.0.0.1, first 1,000, then (in a fresh process) 6,000, and the
# difference divided by 5,000 is the cost of one request with start-up and shutdown cancelled.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
PORT=${PORT_BASE:-18800}
# shellcheck source=benches/need-tools.sh
source benches/need-tools.sh
need_tools valgrind wrk
echo "==> building release binaries" >&2
cargo build --release -q -p spec-server
cargo build --release -q -p leanrpc-benches --examples

WORK=$(mktemp -d)
PID=""
cleanup() {
    [ -z "$PID" ] || kill "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
printf '%s' '{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}' >"$WORK/single.json"

instructions() { # NAME N BIN [ARGS...]: total Ir of one run answering N requests
    local name=$1 n=$2 bin=$3 out url key=""
    shift 3
    PORT=$((PORT + 1))
    out="$WORK/$name.$n"
    url="http://127.0.0.1:$PORT/api/jsonrpc"
    [ "$name" = jsonrpsee ] && url="http://127.0.0.1:$PORT/"
    TOKIO_WORKER_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$out.cg" \
        "$bin" --listen "127.0.0.1:$PORT" "$@" >"$out.stdout" 2>"$out.stderr" &
    PID=$!
    local tries=0
    until curl -s -o /dev/null -X POST "$url" -d '{}' 2>/dev/null; do
        tries=$((tries + 1))
        [ "$tries" -lt 300 ] || { echo "error: $name did not start" >&2; exit 1; }
        sleep 0.2
    done
    key=$(grep -o 'lt_[A-Za-z0-9_]*' "$out.stdout" | head -1 || true)
    # wrk stops sending after N answers but runs out its duration; 30 s leaves room for 6,000
    # requests under valgrind.
    BODY_FILE="$WORK/single.json" API_KEY=$key N=$n \
        wrk -t1 -c1 -d30s -s benches/wrk/post.lua "$url" >"$out.wrk"
    if ! grep -q "^RESULT requests=$n " "$out.wrk"; then
        echo "error: $name answered $(grep -o 'requests=[0-9]*' "$out.wrk") of $n requests in time" >&2
        exit 1
    fi
    kill -INT "$PID"
    wait "$PID" || true
    PID=""
    grep -h '^summary\|^totals' "$out.cg" | head -1 | awk '{print $2}'
}

per_request() { # NAME BIN [ARGS...]
    local name=$1 small large
    small=$(instructions "$name" 1000 "${@:2}")
    large=$(instructions "$name" 6000 "${@:2}")
    echo $(((large - small) / 5000))
}

examples="$TARGET/release/examples"
echo "==> measuring (about a minute per server)" >&2
if [ "${ONLY:-}" = metrics ]; then
    lean=$(per_request leanrpc "$examples/leanrpc_server")
    lean_metrics=$(per_request leanrpc-metrics "$examples/leanrpc_server" --metrics)
    echo "| server | instructions per request | × without metrics |"
    echo "|---|---:|---:|"
    echo "| leanrpc bench server (axum \`Router\`) | $lean | 1.00× |"
    awk -v i="$lean_metrics" -v b="$lean" 'BEGIN { printf "| the same, Prometheus call metrics on | %d | %.3f× |\n", i, i / b }'
    exit 0
fi
spec=$(per_request spec-server "$TARGET/release/spec-server")
lean=$(per_request leanrpc "$examples/leanrpc_server")
lean_auth=$(per_request leanrpc-auth "$examples/leanrpc_server" --auth)
lean_metrics=$(per_request leanrpc-metrics "$examples/leanrpc_server" --metrics)
jsonrpsee=$(per_request jsonrpsee "$examples/jsonrpsee_server")
floor=$(per_request floor "$examples/floor_server")
floor_auth=$(per_request floor-auth "$examples/floor_server" --auth)

echo "| server | instructions per request | × floor | × jsonrpsee |"
echo "|---|---:|---:|---:|"
row() { awk -v n="$1" -v i="$2" -v f="$floor" -v j="$jsonrpsee" \
    'BEGIN { printf "| %s | %d | %.2f× | %.2f× |\n", n, i, i / f, i / j }'; }
row "spec-server (\`serve_server\`)" "$spec"
row "leanrpc bench server (axum \`Router\`)" "$lean"
row "leanrpc bench server, x-api-key" "$lean_auth"
row "leanrpc bench server, Prometheus call metrics on" "$lean_metrics"
row "jsonrpsee" "$jsonrpsee"
row "floor (bare axum handler)" "$floor"
row "floor, x-api-key checked by hand" "$floor_auth"
echo
echo "Fewer instructions is better; a ratio below 1.00× means less user-space work per request."
