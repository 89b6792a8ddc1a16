#!/usr/bin/env bash
# Runs each cargo-fuzz target for SECONDS, starting from the committed seeds, on stable Rust.
#
#   bash scripts/fuzz.sh SECONDS [TARGET...]      (default: every target)
#
# Installs cargo-fuzz if it is missing. Each run starts from a fresh corpus (fuzz/corpus/TARGET,
# the seeds of fuzz/seeds/TARGET); a crash, a panic or a 10 s hang fails the script and leaves
# the input in fuzz/artifacts/TARGET/. FUZZ_SANITIZER=address (or another sanitizer) builds
# with it, which needs nightly-only flags and so sets RUSTC_BOOTSTRAP=1; the default, none,
# is plain stable. FUZZ_JOBS=N runs N fuzzing processes per target (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: bash scripts/fuzz.sh SECONDS [TARGET...]" >&2
    exit 2
}
[[ $# -ge 1 && $1 =~ ^[0-9]+$ && $1 -gt 0 ]] || usage
seconds=$1
shift
all_targets=(post_body get_query api_key)
targets=("${@:-${all_targets[@]}}")
sanitizer=${FUZZ_SANITIZER:-none}
jobs=${FUZZ_JOBS:-1}

if [[ -z ${CXX:-} ]] && ! command -v c++ >/dev/null && ! command -v clang++ >/dev/null; then
    echo "!!! cargo-fuzz builds libFuzzer from C++ source: install a C++ compiler (apt-get install g++)" >&2
    exit 1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi
if [[ $sanitizer != none ]]; then
    export RUSTC_BOOTSTRAP=1
fi

# cargo-fuzz builds into fuzz/target unless told otherwise; a CARGO_TARGET_DIR meant for the
# workspace would mix instrumented and plain builds of the same crates.
unset CARGO_TARGET_DIR
fuzz=(--sanitizer "$sanitizer" --fuzz-dir fuzz)
logs=fuzz/target/logs
mkdir -p "$logs"

echo "==> building the fuzz targets (sanitizer: $sanitizer)"
cargo fuzz build "${fuzz[@]}"

failed=()
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    rm -rf "$corpus"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    cp fuzz/seeds/"$target"/* "$corpus"/
    log=$logs/$target.log
    echo "==> fuzzing $target for ${seconds}s (log: $log)"
    dict=fuzz/$target.dict
    [[ -f $dict ]] || dict=fuzz/jsonrpc.dict
    args=(-max_total_time="$seconds" -timeout=10 -dict="$dict" -print_final_stats=1)
    if [[ $jobs -gt 1 ]]; then
        args+=(-jobs="$jobs" -workers="$jobs")
    fi
    stamp=$logs/$target.started
    touch "$stamp"
    status=0
    cargo fuzz run "${fuzz[@]}" "$target" "$corpus" -- "${args[@]}" >"$log" 2>&1 || status=$?
    if [[ $jobs -gt 1 ]]; then
        # With -jobs, libFuzzer writes each job's output to fuzz-N.log in the working directory.
        cat fuzz-[0-9]*.log >>"$log" 2>/dev/null || true
        rm -f fuzz-[0-9]*.log
    fi
    runs=$(grep -oE '^Done [0-9]+ runs in [0-9]+ second' "$log" |
        awk '{ r += $2; s += $5 } END { if (NR) printf "%d runs in %d s", r, s }' || true)
    if [[ $status -ne 0 ]]; then
        echo "!!! $target FAILED (exit $status):" >&2
        grep -m1 -A12 'panicked at' "$log" >&2 || tail -n 40 "$log" >&2
        echo "!!! log: $log; failing inputs:" >&2
        find "fuzz/artifacts/$target" -type f -newer "$stamp" >&2
        failed+=("$target")
    else
        echo "    $target: ${runs:-no run count}, corpus now $(ls "$corpus" | wc -l) inputs"
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "!!! fuzzing found failures in: ${failed[*]}" >&2
    echo "    reproduce: cargo fuzz run -s $sanitizer --fuzz-dir fuzz TARGET fuzz/artifacts/TARGET/FILE" >&2
    exit 1
fi
echo "==> fuzzing passed: ${targets[*]}, ${seconds}s each"
