#!/usr/bin/env bash
# Installs what the tool-dependent discovery tests need (`cargo test --workspace` itself needs
# none of it): Debian's chromium for examples/tickets/tests/reference_page.rs and browser.rs
# (feature `browser-tests`), Node.js and npm for examples/tickets/tests/meta_schema.rs (feature
# `node-tests`), and the pinned packages of discovery/ (`npm ci`).
# Installs only what is missing, so it is cheap on a machine that has them.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if ((${#need[@]})); then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${need[@]}"
fi
(cd discovery && npm ci --no-audit --no-fund)
echo "chromium: $(chromium --version 2>/dev/null)"
echo "node: $(node --version), npm: $(npm --version)"
