#!/usr/bin/env bash
# Bounded load and soak run of the tickets server on 127.0.0.1, at 64 and at 1,000 concurrent
# connections: a fixed number of requests paced over a fixed time, mixed reads, writes, batches
# and ~2% bad input. Fails on any unexpected error, any lost write (read back live, and again
# after a clean restart), a server that does not stop cleanly, or a panic in its log.
#
#   bash load/run.sh           # the documented run (release build, 60 s per level)
#   bash load/run.sh --quick   # a few seconds per level, debug build (what CI runs)
#
# Override a level with LOAD_64="REQUESTS SECONDS" or LOAD_1000="REQUESTS SECONDS".
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
case "${1:-}" in
    "") ;;
    --quick) mode=quick ;;
    *) echo "usage: bash load/run.sh [--quick]" >&2; exit 2 ;;
esac

if [[ $mode == full ]]; then
    profile=release; cargo_profile=(--release)
    level_64=${LOAD_64:-"60000 60"}
    level_1000=${LOAD_1000:-"60000 60"}
    # Tickets created before each level, so it runs on a database of a realistic size.
    preload=30000
    # RSS may rise while SQLite's page caches and the allocator's arenas fill (first half of
    # a level), then must stay flat: at most this much growth over the second half.
    rss_check=(--max-rss-growth-mib 16)
else
    profile=debug; cargo_profile=()
    level_64=${LOAD_64:-"1500 4"}
    level_1000=${LOAD_1000:-"3000 6"}
    preload=0
    # A few seconds say nothing about a trend: RSS is reported, not judged.
    rss_check=()
fi
target_dir=${CARGO_TARGET_DIR:-target}
# A relative CARGO_TARGET_DIR is relative to each manifest's workspace: resolve it once here.
[[ $target_dir == /* ]] || target_dir=$PWD/$target_dir
export CARGO_TARGET_DIR=$target_dir

echo "==> building tickets and the load driver ($profile)"
cargo build "${cargo_profile[@]}" -p tickets
cargo build "${cargo_profile[@]}" --manifest-path load/Cargo.toml
tickets=$target_dir/$profile/tickets
driver=$target_dir/$profile/leanrpc-load

# 1,000 client connections and 1,000 server connections, plus files: raise the soft limit.
hard=$(ulimit -Hn)
want=8192
if [[ $hard != unlimited && $hard -lt $want ]]; then want=$hard; fi
ulimit -n "$want"
if [[ $(ulimit -n) -lt 2200 ]]; then
    echo "error: need at least 2200 open files for 1,000 connections; ulimit -Hn is $hard" >&2
    exit 1
fi

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# start_server DATA LOG: starts tickets on a free loopback port; sets server_pid and url.
start_server() {
    local data=$1 log=$2
    # Created before the server starts, so the first grep below never races its redirection.
    : >"$log.err"
    RUST_LOG=${RUST_LOG:-info} "$tickets" serve --listen 127.0.0.1:0 --data "$data" \
        >"$log.out" 2>"$log.err" &
    server_pid=$!
    url=
    for _ in $(seq 300); do
        url=$(grep -o 'listening on http://[^ ]*' "$log.err" | head -1 | cut -d' ' -f3 || true)
        [[ -n $url ]] && break
        kill -0 "$server_pid" 2>/dev/null || { cat "$log.err" >&2; return 1; }
        sleep 0.1
    done
    [[ -n $url ]] || { echo "error: the server did not start" >&2; return 1; }
}

# stop_server: SIGTERM, and the server must exit 0.
stop_server() {
    kill -TERM "$server_pid"
    local status=0
    wait "$server_pid" || status=$?
    server_pid=
    if [[ $status -ne 0 ]]; then
        echo "error: the server exited with status $status after SIGTERM" >&2
        return 1
    fi
}

failed=0
for level in "64 $level_64" "1000 $level_1000"; do
    read -r connections requests seconds <<<"$level"
    data=$work/data-$connections
    log=$work/server-$connections
    echo
    echo "==> $connections connections: $requests requests over $seconds s ($preload tickets preloaded)"
    start_server "$data" "$log"
    key=$(grep -o 'lt_[A-Za-z0-9]*_[A-Za-z0-9]*' "$log.out" | head -1)
    if ! "$driver" run --url "$url" --key "$key" --pid "$server_pid" \
        --connections "$connections" --requests "$requests" --seconds "$seconds" \
        --preload "$preload" --ledger "$work/ledger-$connections.tsv" "${rss_check[@]}"; then
        failed=1
    fi
    stop_server || failed=1

    echo "--> restart on the same data and read every acknowledged write back again"
    start_server "$data" "$log-restart"
    "$driver" verify --url "$url" --key "$key" --ledger "$work/ledger-$connections.tsv" || failed=1
    stop_server || failed=1

    if grep -h -e 'panicked' -e ' ERROR ' "$log.err" "$log-restart.err"; then
        echo "error: the server logged a panic or an error" >&2
        failed=1
    fi
done

echo
if [[ $failed -ne 0 ]]; then
    echo "load: FAILED"
    exit 1
fi
echo "load: passed"
