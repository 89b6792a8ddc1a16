#!/usr/bin/env bash
# Runs every test of leanrpc on a fresh machine: the Rust suites (unit, integration, end-to-end
# over HTTP, trybuild UI, property; the tickets example on SQLite and on PostgreSQL), the
# discovery suites that need node and headless Chromium (features `node-tests` and
# `browser-tests` of the tickets example: also CORS and the reference page's console),
# leanrpc-telemetry's OpenTelemetry tests (feature `otlp`), the real-client interop suite (with
# the metrics and TypeScript suites; on SQLite, then on PostgreSQL), a short bounded load run,
# and each fuzz target briefly. Installs what they need first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "test prerequisites: chromium, node and npm, npm ci in discovery/ (scripts/ci-deps.sh)"
bash scripts/ci-deps.sh

step "PostgreSQL and Redis for the store suites: the ones on the standard local ports, or private instances (scripts/services.sh)"
# Exports LEANRPC_TEST_POSTGRES and LEANRPC_TEST_REDIS; private instances stop when this exits.
source scripts/services.sh

step "cargo test --workspace (the tickets store suites on SQLite and on PostgreSQL)"
cargo test --workspace

step "discovery with node and Chromium: the OpenRPC meta-schema and the reference page (fail, never skip, when a tool is missing)"
cargo test -p tickets --features node-tests,browser-tests --test meta_schema --test reference_page --test browser

step "telemetry with its features: spans through the OpenTelemetry SDK's in-memory exporter, OTLP export to a loopback collector"
cargo test -p leanrpc-telemetry --features otlp

step "interop: real JSON-RPC clients (Python, Node, Rust, curl, leantime-mcp), the official MCP SDKs and the generated TypeScript client against the tickets server"
bash interop/run.sh

step "interop again, every server on a fresh PostgreSQL database (about 35 s more)"
INTEROP_POSTGRES=$LEANRPC_TEST_POSTGRES bash interop/run.sh

step "load: a short bounded run at 64 and 1,000 connections (the full run: load/README.md)"
bash load/run.sh --quick

step "fuzzing: each cargo-fuzz target for ${FUZZ_SECONDS:=20} s from the committed seeds"
bash scripts/fuzz.sh "$FUZZ_SECONDS"
