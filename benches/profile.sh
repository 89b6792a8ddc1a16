#!/usr/bin/env bash
# Instruction counts per call, in process, under callgrind: deterministic, so unlike wall-clock
# figures they do not move when other work shares the machine.
#
#   bash benches/profile.sh              # every case, a table of instructions per call
#   KEEP=/tmp/cg bash benches/profile.sh # also keep the callgrind files, for callgrind_annotate
#
# For each case and contender it runs examples/profile_inprocess twice, with N iterations and
# with none, and divides the difference by N, so start-up work cancels out.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}

# shellcheck source=benches/need-tools.sh
source benches/need-tools.sh
need_tools valgrind
cargo build --release -q -p leanrpc-benches --example profile_inprocess
DRIVER="$TARGET/release/examples/profile_inprocess"
OUT=${KEEP:-$(mktemp -d)}
mkdir -p "$OUT"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$OUT"' EXIT

instructions() { # CASE WHO N OUTFILE
    valgrind --tool=callgrind --callgrind-out-file="$4" "$DRIVER" "$1" "$2" "$3" 2>&1 >/dev/null |
        grep -o 'Collected : [0-9]*' | grep -o '[0-9]*'
}

echo "| case | leanrpc Ir | jsonrpsee Ir | floor Ir | leanrpc / floor | leanrpc / jsonrpsee |"
echo "|---|---:|---:|---:|---:|---:|"
for case in positional named get batch100 string64k post auth; do
    case $case in
    batch100) n=500 ;;
    string64k) n=200 ;;
    *) n=20000 ;;
    esac
    declare -A per=()
    for who in leanrpc jsonrpsee floor; do
        base=$(instructions "$case" "$who" 0 /dev/null)
        total=$(instructions "$case" "$who" "$n" "$OUT/callgrind.$case.$who.out")
        per[$who]=$(((total - base) / n))
    done
    awk -v c="$case" -v l="${per[leanrpc]}" -v j="${per[jsonrpsee]}" -v f="${per[floor]}" \
        'BEGIN { printf "| %s | %d | %d | %d | %.2f× | %.2f× |\n", c, l, j, f, l / f, l / j }'
done
echo
echo "post: the positional call through Endpoint::handle (HTTP-neutral path, no auth); auth: the same"
echo "with an x-api-key through KeyAuthenticator over SqliteStore, cached. jsonrpsee and the floor"
echo "do the positional call for post, and the hand-written key check plus that call for auth."
