#!/usr/bin/env bash
# The HTTP load comparison: builds (release) and starts, one after another on 127.0.0.1, the
# leanrpc spec-server, the leanrpc bench server, an equivalent jsonrpsee server, the bare axum
# floor and the tickets example; drives each with the same bounded wrk load; prints one table.
#
#   bash benches/http.sh                 # every case, 2 s warm-up + 10 s each, 64 connections
#   DURATION=3 WARMUP=1 bash benches/http.sh
#   ROUNDS=3 bash benches/http.sh        # every case 3 times, interleaved; medians reported
#   ONLY=metrics ROUNDS=5 bash benches/http.sh   # only single calls with metrics off and on
#
# Every server is a fresh process per case (so peak RSS is per case), listens on loopback only,
# and is killed when its case ends or the script exits. Nothing runs longer than the durations.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-1}
ONLY=${ONLY:-}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT_BASE:-18700}
TARGET=${CARGO_TARGET_DIR:-target}
LUA=benches/wrk/post.lua

# shellcheck source=benches/need-tools.sh
source benches/need-tools.sh
need_tools wrk

echo "==> building release binaries" >&2
cargo build --release -q -p spec-server -p tickets
cargo build --release -q -p leanrpc-benches --examples

WORK=$(mktemp -d)
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() {
    stop_server
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Request bodies.
single='{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}'
sleep1='{"jsonrpc":"2.0","method":"sleep2","params":[7],"id":1}'
batch_of() { # METHOD PARAMS N
    local out="[" i
    for ((i = 0; i < $3; i++)); do
        [ "$i" -gt 0 ] && out+=","
        out+="{\"jsonrpc\":\"2.0\",\"method\":\"$1\",\"params\":$2,\"id\":$i}"
    done
    printf '%s]' "$out"
}
printf '%s' "$single" >"$WORK/single.json"
printf '%s' "$sleep1" >"$WORK/sleep1.json"
batch_of subtract '[42,23]' 20 >"$WORK/batch20.json"
batch_of sleep2 '[7]' 20 >"$WORK/sleep20.json"

# start_server KIND [--auth]: starts a fresh server, sets SERVER_PID, URL and KEY.
start_server() {
    local kind=$1 flag=${2:-} out
    PORT=$((PORT + 1))
    out="$WORK/$kind-$PORT.out"
    KEY=""
    local addr="127.0.0.1:$PORT"
    case $kind in
    spec-server) "$TARGET/release/spec-server" --listen "$addr" >"$out" 2>/dev/null &
        URL="http://$addr/api/jsonrpc" ;;
    leanrpc) "$TARGET/release/examples/leanrpc_server" --listen "$addr" $flag >"$out" 2>/dev/null &
        URL="http://$addr/api/jsonrpc" ;;
    jsonrpsee) "$TARGET/release/examples/jsonrpsee_server" --listen "$addr" $flag >"$out" 2>/dev/null &
        URL="http://$addr/" ;;
    floor) "$TARGET/release/examples/floor_server" --listen "$addr" $flag >"$out" 2>/dev/null &
        URL="http://$addr/api/jsonrpc" ;;
    tickets) "$TARGET/release/tickets" serve --listen "$addr" --data "$WORK/tickets-$PORT" >"$out" 2>/dev/null &
        URL="http://$addr/api/jsonrpc" ;;
    esac
    SERVER_PID=$!
    local tries=0
    until curl -s -o /dev/null -X POST "$URL" -d '{}' 2>/dev/null; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ]; then
            echo "error: $kind did not start on $addr" >&2
            exit 1
        fi
        sleep 0.1
    done
    if [ "$flag" = --auth ] || [ "$kind" = tickets ]; then
        KEY=$(grep -o 'lt_[A-Za-z0-9_]*' "$out" | head -1)
        [ -n "$KEY" ] || { echo "error: $kind printed no key" >&2; exit 1; }
    fi
}

# CPU time a process has used (user + system), in clock ticks of $HZ per second.
HZ=$(getconf CLK_TCK)
cpu_ticks() {
    awk '{print $14 + $15}' "/proc/$1/stat"
}

rpc() { # BODY: POSTs to $URL with $KEY, prints the answer
    curl -s -X POST "$URL" -H 'content-type: application/json' ${KEY:+-H "x-api-key: $KEY"} -d "$1"
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"

# run_case CASE KIND FLAG BODY_FILE CALLS_PER_REQUEST
run_case() {
    local case=$1 kind=$2 flag=$3 body=$4 calls=$5 label=$2
    [ "$flag" = --auth ] && label="$kind (auth)"
    [ "$flag" = --metrics ] && label="$kind (metrics)"
    start_server "$kind" "$flag"
    local answer results
    answer=$(rpc "$(cat "$body")")
    results=$(grep -o '"result"' <<<"$answer" | wc -l)
    if [ "$results" -ne "$calls" ]; then
        echo "error: $label answered $case with $results results, expected $calls: ${answer:0:300}" >&2
        exit 1
    fi
    run_wrk "$case" "$label" "$body" "$calls"
    stop_server
}

run_wrk() { # CASE LABEL BODY_FILE CALLS_PER_REQUEST (against the running server)
    local case=$1 label=$2 body=$3 calls=$4 line
    echo "==> round $ROUND/$ROUNDS, $case: $label" >&2
    BODY_FILE=$body API_KEY=$KEY wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$LUA" "$URL" >/dev/null
    local cpu_before cpu_after
    cpu_before=$(cpu_ticks "$SERVER_PID")
    line=$(BODY_FILE=$body API_KEY=$KEY wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s "$LUA" "$URL" | grep '^RESULT')
    cpu_after=$(cpu_ticks "$SERVER_PID")
    local rss
    rss=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
    # shellcheck disable=SC2086
    local requests duration_us p50_us p99_us socket_errors non2xx
    eval "$(sed 's/^RESULT //; s/ /;/g' <<<"$line")"
    if [ "$non2xx" -ne 0 ] || [ "$socket_errors" -ne 0 ]; then
        echo "warning: $label/$case: $non2xx non-2xx answers, $socket_errors socket errors" >&2
    fi
    SEQ=$((SEQ + 1))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$SEQ" "$case" "$label" \
        "$(awk -v r="$requests" -v c="$calls" -v d="$duration_us" 'BEGIN {printf "%.0f", r * c / (d / 1e6)}')" \
        "$p50_us" "$p99_us" "$rss" "$ROUND" \
        "$(awk -v t=$((cpu_after - cpu_before)) -v hz="$HZ" -v r="$requests" -v c="$calls" 'BEGIN {printf "%.2f", t / hz * 1e6 / (r * c)}')" >>"$RESULTS"
}

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    SEQ=0
    if [ "$ONLY" = metrics ]; then
        # Metrics off and on, back to back.
        run_case "single call" leanrpc "" "$WORK/single.json" 1
        run_case "single call" leanrpc --metrics "$WORK/single.json" 1
        continue
    fi
    # The cases a target compares run back to back: single calls with and without a key first,
    # and with the Prometheus call metrics on right after the same server without them.
    run_case "single call" spec-server "" "$WORK/single.json" 1
    run_case "single call" leanrpc "" "$WORK/single.json" 1
    run_case "single call" leanrpc --metrics "$WORK/single.json" 1
    for kind in jsonrpsee floor; do
        run_case "single call" "$kind" "" "$WORK/single.json" 1
    done
    for kind in leanrpc jsonrpsee floor; do
        run_case "single call, x-api-key" "$kind" --auth "$WORK/single.json" 1
    done
    for kind in spec-server leanrpc jsonrpsee floor; do
        run_case "batch of 20" "$kind" "" "$WORK/batch20.json" 20
    done
    for kind in leanrpc jsonrpsee floor; do
        run_case "one sleep2 call (2 ms)" "$kind" "" "$WORK/sleep1.json" 1
    done
    for kind in leanrpc jsonrpsee floor; do
        run_case "batch of 20 sleep2" "$kind" "" "$WORK/sleep20.json" 20
    done

    # The tickets example: an owner key from its first start, one project and one ticket, then
    # getTicket under load.
    start_server tickets
    project=$(rpc '{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"bench"}},"id":1}' |
        grep -o '"result":[0-9]*' | cut -d: -f2)
    ticket=$(rpc "{\"jsonrpc\":\"2.0\",\"method\":\"leantime.rpc.tickets.addTicket\",\"params\":{\"values\":{\"projectId\":$project,\"headline\":\"Fix the login page\"}},\"id\":2}" |
        grep -o '"result":[0-9]*' | cut -d: -f2)
    printf '{"jsonrpc":"2.0","method":"leantime.rpc.tickets.getTicket","params":{"id":%s},"id":3}' "$ticket" >"$WORK/ticket.json"
    answer=$(rpc "$(cat "$WORK/ticket.json")")
    grep -q '"headline":"Fix the login page"' <<<"$answer" || { echo "error: getTicket answered $answer" >&2; exit 1; }
    run_wrk "tickets getTicket, x-api-key" "tickets (auth)" "$WORK/ticket.json" 1
    stop_server
done

# The table: calls/s, latency, peak RSS, and ratios to jsonrpsee and to the floor of the same case.
echo
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up + ${DURATION} s per case, $ROUNDS round(s), medians; load average before the table: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
# Per case and server: the round with the median calls/s gives calls/s, p50 and p99; peak RSS is
# the largest of all rounds.
sort -t$'\t' -k1,1n -k4,4n "$RESULTS" | awk -F'\t' -v OFS='\t' '
    $1 != seq { flush(); seq = $1; n = 0; rss = 0 }
    { row[++n] = $2 OFS $3 OFS $4 OFS $5 OFS $6; cps[n] = $4; cpu[n] = $9; if ($7 > rss) rss = $7 }
    function flush(    i, j, t) {
        if (!n) return
        for (i = 2; i <= n; i++) for (j = i; j > 1 && cpu[j - 1] > cpu[j]; j--) { t = cpu[j]; cpu[j] = cpu[j - 1]; cpu[j - 1] = t }
        print row[int((n + 1) / 2)], rss, cps[1], cps[n], cpu[int((n + 1) / 2)]
    }
    END { flush() }' | awk -F'\t' '
    { case_[NR] = $1; who[NR] = $2; cps[NR] = $3; p50[NR] = $4; p99[NR] = $5; rss[NR] = $6; cpu[NR] = $9
      range[NR] = $7 == $8 ? "" : sprintf("%d–%d", $7, $8)
      if ($2 ~ /^jsonrpsee/) js[$1] = $3
      if ($2 ~ /^floor/) fl[$1] = $3 }
    function ratio(a, b) { return b > 0 ? sprintf("%.2f×", a / b) : "" }
    END {
      print "| case | server | calls/s | rounds min–max | p50 ms | p99 ms | server CPU µs/call | peak RSS MiB | × jsonrpsee | × floor |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= NR; i++)
        printf "| %s | %s | %d | %s | %.2f | %.2f | %.2f | %.1f | %s | %s |\n", case_[i], who[i], cps[i], range[i],
          p50[i] / 1000, p99[i] / 1000, cpu[i], rss[i] / 1024, ratio(cps[i], js[case_[i]]), ratio(cps[i], fl[case_[i]])
    }'

# The targets, each as the median over rounds of the ratio within a round: the two figures of a
# ratio come from cases run back to back, so load that comes and goes between rounds cancels.
awk -F'\t' -v rounds="$ROUNDS" '
    { v[$8, $2, $3] = $4; p50[$8, $2, $3] = $5; cpu[$8, $2, $3] = $9; if ($2 ~ /^tickets/ && $7 > rss) rss = $7 }
    function median(a, n,    i, j, t) {
        for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    function target(label, num_case, num_who, den_case, den_who, goal, latency,    r, n, x, lo, hi) {
        n = 0
        if (!((1, num_case, num_who) in v) || !((1, den_case, den_who) in v)) {
            printf "- %s: not run\n", label
            return
        }
        for (r = 1; r <= rounds; r++) {
            if (latency == 1) x = p50[r, num_case, num_who] / p50[r, den_case, den_who]
            else if (latency == 2) x = cpu[r, den_case, den_who] / cpu[r, num_case, num_who]
            else x = v[r, num_case, num_who] / v[r, den_case, den_who]
            ratios[++n] = x
            lo = n == 1 || x < lo ? x : lo; hi = n == 1 || x > hi ? x : hi
        }
        printf "- %s: %.2f× (rounds %.2f–%.2f; target %s)\n", label, median(ratios, n), lo, hi, goal
    }
    END {
        print ""
        print "Targets (median over rounds of each round'"'"'s ratio):"
        target("single calls, spec-server / floor", "single call", "spec-server", "single call", "floor", ">= 0.95×", 0)
        target("single calls, spec-server / jsonrpsee", "single call", "spec-server", "single call", "jsonrpsee", ">= 1.0×", 0)
        target("single calls, leanrpc bench server (axum Router) / floor", "single call", "leanrpc", "single call", "floor", "none", 0)
        target("single calls, leanrpc bench server (axum Router) / jsonrpsee", "single call", "leanrpc", "single call", "jsonrpsee", "none", 0)
        target("batch of 20 sleep2 p50 / one sleep2 call p50 (leanrpc)", "batch of 20 sleep2", "leanrpc", "one sleep2 call (2 ms)", "leanrpc", "< 3×", 1)
        target("authenticated / unauthenticated single calls (leanrpc)", "single call, x-api-key", "leanrpc (auth)", "single call", "leanrpc", ">= 0.9×", 0)
        target("single calls with Prometheus call metrics / without (leanrpc)", "single call", "leanrpc (metrics)", "single call", "leanrpc", ">= 0.95×", 0)
        print ""
        print "The same, in calls per server CPU second (the inverse ratio of CPU µs per call), which other"
        print "load on the machine moves less than calls/s:"
        target("single calls, spec-server / floor", "single call", "spec-server", "single call", "floor", ">= 0.95×", 2)
        target("single calls, spec-server / jsonrpsee", "single call", "spec-server", "single call", "jsonrpsee", ">= 1.0×", 2)
        target("authenticated / unauthenticated single calls (leanrpc)", "single call, x-api-key", "leanrpc (auth)", "single call", "leanrpc", ">= 0.9×", 2)
        target("single calls with Prometheus call metrics / without (leanrpc)", "single call", "leanrpc (metrics)", "single call", "leanrpc", ">= 0.95×", 2)
        print ""
        if (rss > 0) printf "- tickets server peak RSS under load: %.1f MiB (target <= 64 MiB)\n", rss / 1024
    }' "$RESULTS"
