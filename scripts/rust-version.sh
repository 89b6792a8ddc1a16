#!/usr/bin/env bash
# Checks that every Rust project in the repo declares the `rust-version` of the toolchain CI
# builds it with. Only one toolchain is installed, so CI building and testing everything with it
# is what shows the declared rust-version holds; this check keeps the declaration honest.
set -euo pipefail
cd "$(dirname "$0")/.."

have=$(rustc --version | sed -E 's/^rustc ([0-9]+\.[0-9]+)\..*/\1/')
bad=0
for manifest in Cargo.toml fuzz/Cargo.toml load/Cargo.toml interop/rust-client/Cargo.toml; do
  while IFS=$'\t' read -r name declared; do
    if [ "$declared" = "$have" ] || [ "$declared" = "$have.0" ]; then
      echo "ok: $name rust-version $declared = rustc $have"
    else
      echo "MISMATCH: $name ($manifest) declares rust-version ${declared:-none}, rustc is $have" >&2
      bad=1
    fi
  done < <(cargo metadata --format-version 1 --no-deps --offline --manifest-path "$manifest" |
    jq -r '.packages[] | [.name, (.rust_version // "")] | @tsv')
done
exit "$bad"
