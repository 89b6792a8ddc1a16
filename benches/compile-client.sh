#!/usr/bin/env bash
# The compile-time cost of `#[rpc_service(client)]`: the debug rebuild of a crate holding one
# 50-method service after touching its file, with and without `client`, beside jsonrpsee 0.26's
# `#[rpc(server)]` and `#[rpc(client, server)]` on the same 50 methods, in one run.
#
#   bash benches/compile-client.sh            # ROUNDS=5 by default
#   ROUNDS=9 bash benches/compile-client.sh
#
# It generates four small crates in one throwaway workspace under the target directory
# (`$CARGO_TARGET_DIR` or ./target, in `compile-client-bench/`), builds them once, then per
# round touches each crate's lib.rs and times `cargo build -p CRATE` (debug, incremental), the
# four crates interleaved so that load on the machine lands on all of them alike. Every crate
# depends on the same libraries with the same features (leanrpc with `client`, jsonrpsee with
# `server`, `macros` and `http-client`): only the attribute differs, so the figures are the
# cost of expanding and compiling what the macro generates. Prints the median and the range of
# each, in seconds, as a Markdown table.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
WORK="$TARGET/compile-client-bench"
ROUNDS="${ROUNDS:-5}"
METHODS=50

mkdir -p "$WORK"
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock" 2>/dev/null || true
cat > "$WORK/Cargo.toml" <<EOF
[workspace]
resolver = "3"
members = ["bench-lean-server", "bench-lean-client", "bench-jsonrpsee-server", "bench-jsonrpsee-client-server"]

[workspace.dependencies]
leanrpc = { path = "$ROOT/crates/leanrpc", features = ["client"] }
jsonrpsee = { version = "0.26", features = ["server", "macros", "http-client"] }
serde = { version = "1", features = ["derive"] }

[profile.dev]
incremental = true
EOF

# The record every method returns, and its arguments: an integer, a string, an optional flag.
ITEM='#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Item {
    pub id: i64,
    pub name: String,
    pub done: bool,
    pub tags: Vec<String>,
}'

lean_crate() { # NAME ATTRIBUTE_ARGS
    local dir="$WORK/$1" args="$2"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
leanrpc.workspace = true
serde.workspace = true
EOF
    {
        echo '//! A 50-method leanrpc service.'
        echo 'use leanrpc::{RpcError, rpc_service};'
        echo "$ITEM"
        echo 'pub struct Bench;'
        echo "#[rpc_service($args)]"
        echo 'impl Bench {'
        for i in $(seq 1 "$METHODS"); do
            cat <<EOF
    /// Method $i.
    pub async fn method_$i(&self, id: i64, name: String, done: Option<bool>) -> Result<Item, RpcError> {
        Ok(Item { id: id + $i, name, done: done.unwrap_or(false), tags: Vec::new() })
    }
EOF
        done
        echo '}'
    } > "$dir/src/lib.rs"
}

jsonrpsee_crate() { # NAME RPC_ARGS
    local dir="$WORK/$1" args="$2"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
jsonrpsee.workspace = true
serde.workspace = true
EOF
    {
        echo '//! The same 50 methods as a jsonrpsee service.'
        echo 'use jsonrpsee::core::{RpcResult, async_trait};'
        echo 'use jsonrpsee::proc_macros::rpc;'
        echo "$ITEM"
        echo "#[rpc($args, namespace = \"bench\")]"
        echo 'pub trait Bench {'
        for i in $(seq 1 "$METHODS"); do
            cat <<EOF
    /// Method $i.
    #[method(name = "method$i")]
    async fn method_$i(&self, id: i64, name: String, done: Option<bool>) -> RpcResult<Item>;
EOF
        done
        echo '}'
        echo 'pub struct Impl;'
        echo '#[async_trait]'
        echo 'impl BenchServer for Impl {'
        for i in $(seq 1 "$METHODS"); do
            cat <<EOF
    async fn method_$i(&self, id: i64, name: String, done: Option<bool>) -> RpcResult<Item> {
        Ok(Item { id: id + $i, name, done: done.unwrap_or(false), tags: Vec::new() })
    }
EOF
        done
        echo '}'
    } > "$dir/src/lib.rs"
}

lean_crate bench-lean-server '"bench"'
lean_crate bench-lean-client '"bench", client'
jsonrpsee_crate bench-jsonrpsee-server 'server'
jsonrpsee_crate bench-jsonrpsee-client-server 'client, server'

CRATES=(bench-lean-server bench-lean-client bench-jsonrpsee-server bench-jsonrpsee-client-server)
cd "$WORK"
export CARGO_TARGET_DIR="$WORK/target"
echo "building the four crates once (dependencies included) ..." >&2
cargo build --quiet --workspace
# Each crate alone once: `-p` unifies features over that crate only, so shared dependencies
# may be built a second time, with its own feature set; not in the timed rounds.
for name in "${CRATES[@]}"; do
    cargo build --quiet -p "$name"
done

declare -A TIMES
for round in $(seq 1 "$ROUNDS"); do
    # Rotate the order each round.
    for k in $(seq 0 3); do
        name="${CRATES[$(( (k + round) % 4 ))]}"
        touch "$WORK/$name/src/lib.rs"
        start=$(date +%s.%N)
        cargo build --quiet -p "$name"
        end=$(date +%s.%N)
        TIMES[$name]+="$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}') "
    done
    echo "round $round/$ROUNDS done" >&2
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.2f", m}'; }
range() { tr ' ' '\n' | grep -v '^$' | sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {printf "%.2f–%.2f", lo, hi}'; }

base_lean=$(echo "${TIMES[bench-lean-server]}" | median)
base_rpsee=$(echo "${TIMES[bench-jsonrpsee-server]}" | median)
echo
echo "Debug rebuild after touching the service file, $METHODS methods, $ROUNDS rounds (seconds):"
echo
echo "| crate | attribute | median s | range s | × its server-only build |"
echo "|---|---|---:|---:|---:|"
for name in "${CRATES[@]}"; do
    case "$name" in
        bench-lean-server) attr='`#[rpc_service("bench")]`'; base=$base_lean ;;
        bench-lean-client) attr='`#[rpc_service("bench", client)]`'; base=$base_lean ;;
        bench-jsonrpsee-server) attr='`#[rpc(server)]`'; base=$base_rpsee ;;
        bench-jsonrpsee-client-server) attr='`#[rpc(client, server)]`'; base=$base_rpsee ;;
    esac
    m=$(echo "${TIMES[$name]}" | median)
    r=$(echo "${TIMES[$name]}" | range)
    ratio=$(awk -v m="$m" -v b="$base" 'BEGIN {printf "%.2f", m / b}')
    echo "| $name | $attr | $m | $r | ${ratio}× |"
done
