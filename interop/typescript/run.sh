#!/usr/bin/env bash
# The TypeScript client suite: the client leanrpc-typescript generates, compiled with the pinned
# `typescript` (tsc --strict and the stricter flags of tsconfig.json) and run with node.
#
#   typescript 5.9.3 (npm)   interop/typescript, pinned in package-lock.json, installed with npm ci
#
# Builds `tickets`, starts it on a free loopback port with a fresh data directory, reads the
# owner key it prints, creates project 1 and mints a readonly key for project 1 with
# `tickets keys create`. Then:
#   - `tickets typescript` generates TicketsClient from the server's live rpc.discover document
#     (owner key: every method), and EdgeClient from crates/leanrpc-typescript/tests/fixtures/
#     edge.json (names that are reserved words, quoted, `__proto__`, a method that is also a
#     namespace, by-position params);
#   - tsc compiles both with the test programs in src/ (whose `@ts-expect-error` lines check that
#     wrong params and results do not compile) and the README's example (src/readme.ts, checked
#     to be what README.md shows; compiled, not run) and emits JavaScript to a temp dir;
#   - node runs src/edge.test.ts (the runtime against a fake fetch) and src/tickets.test.ts
#     (against the server: an allowed call, a forbidden write with the readonly key (-32001), a
#     GET call, a batch, a notification, a bad key).
# Each case prints `PASS typescript <case>` or `FAIL typescript <case>: why`; the last line is
# `typescript: N passed, M failed`. Exits non-zero on any failure or missing case; never skips.
#
# Usage: bash interop/typescript/run.sh
#   TICKETS_BIN=/path/to/tickets   use this binary instead of building -p tickets here
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=$ROOT/interop/typescript

SUITE=typescript
# shellcheck source=../suite.sh
source "$ROOT/interop/suite.sh"

command -v cargo >/dev/null || die "cargo is missing: install Rust (rustup) first"
command -v curl >/dev/null || die "curl is missing (interop/run.sh installs it with apt-get)"
command -v python3 >/dev/null || die "python3 is missing (interop/run.sh installs it with apt-get)"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are missing (interop/run.sh installs them with apt-get)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "the generated client needs fetch, and this suite node >= 20; found $(node --version)"


suite_npm_ci "$HERE" typescript
TSC=$HERE/node_modules/.bin/tsc
[ -x "$TSC" ] || die "npm ci installed no tsc"

suite_tickets_bin

# --- the server and its data -----------------------------------------------------------------

suite_start_server --no-mcp
say "server at $URL"

answer=$(curl -sS --max-time 10 "$URL" -H "x-api-key: $OWNER_KEY" -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","method":"leantime.rpc.projects.addProject","params":{"values":{"name":"TypeScript"}},"id":1}') \
    || die "addProject failed"
[ "$answer" = '{"jsonrpc":"2.0","result":1,"id":1}' ] || die "project 1 was not created as 1: $answer"
READONLY_KEY=$("$TICKETS" keys create "${STORE_ARGS[@]}" --role readonly --project 1 --name typescript-interop | tail -n1)
[[ "$READONLY_KEY" == lt_* ]] || die "tickets keys create printed no key"
say "project 1 and a readonly key for project 1 are ready"

# --- generate, compile, run --------------------------------------------------------------------

SRC=$WORK/src
OUT=$WORK/out
mkdir -p "$SRC" "$OUT"
cp "$HERE"/src/*.ts "$SRC/"

if TICKETS_API_KEY=$OWNER_KEY "$TICKETS" typescript --url "$URL" --class TicketsClient \
    --out "$SRC/tickets-client.ts" 2>"$WORK/generate.err"; then
    methods=$(curl -sS --max-time 10 "$URL" -H "x-api-key: $OWNER_KEY" -H 'content-type: application/json' \
        -d '{"jsonrpc":"2.0","method":"rpc.discover","id":1}' \
        | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["result"]["methods"]))')
    if head -n2 "$SRC/tickets-client.ts" | grep -q "($methods methods, "; then
        report "PASS typescript generate-live: TicketsClient from the live rpc.discover ($methods methods)"
    else
        report "FAIL typescript generate-live: the module does not say $methods methods: $(head -n2 "$SRC/tickets-client.ts")"
    fi
else
    report "FAIL typescript generate-live: $(cat "$WORK/generate.err")"
fi
if "$TICKETS" typescript --document "$ROOT/crates/leanrpc-typescript/tests/fixtures/edge.json" \
    --class EdgeClient --out "$SRC/edge-client.ts" 2>"$WORK/generate.err"; then
    report "PASS typescript generate-edge"
else
    report "FAIL typescript generate-edge: $(cat "$WORK/generate.err")"
fi

# The README shows src/readme.ts (after its marker line), which tsc compiles below.
if python3 - "$ROOT/README.md" "$HERE/src/readme.ts" <<'EOF'
import sys
readme, example = (open(p, encoding="utf-8").read() for p in sys.argv[1:])
body = example.split("// ---- README ----\n", 1)[1]
block = "<!-- interop/typescript/src/readme.ts -->\n```ts\n" + body + "```\n"
sys.exit(0 if block in readme else 1)
EOF
then
    report "PASS typescript readme: README.md shows src/readme.ts"
else
    report "FAIL typescript readme: README.md's TypeScript example differs from src/readme.ts"
fi

# The strict settings of tsconfig.json, with --strict said again on the command line, emitting
# ES2022 modules to the temp dir.
python3 - "$HERE/tsconfig.json" "$WORK/tsconfig.json" "$SRC" "$OUT" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config.pop("//", None)
config["compilerOptions"].update(rootDir=sys.argv[3], outDir=sys.argv[4])
config["include"] = [sys.argv[3] + "/*.ts"]
json.dump(config, open(sys.argv[2], "w"), indent=2)
EOF
say "$("$TSC" --version): tsc --strict -p tsconfig.json (emitting to a temp dir)"
if (cd "$HERE" && "$TSC" --strict --noEmit false -p "$WORK/tsconfig.json") >"$WORK/tsc.out" 2>&1; then
    report "PASS typescript tsc-strict: the generated clients and the tests compile"
else
    sed 's/^/    /' "$WORK/tsc.out" | head -n 60
    report "FAIL typescript tsc-strict: $(grep -c 'error TS' "$WORK/tsc.out" || true) errors (above)"
fi
printf '{"type": "module"}\n' >"$OUT/package.json"

run_program() {
    local program=$1 expected=$2 out=$WORK/$1.out rc=0
    say "running $program"
    if [ ! -f "$OUT/$program.js" ]; then
        report "FAIL typescript $program: not compiled"
        return
    fi
    LEANRPC_URL=$URL LEANRPC_OWNER_KEY=$OWNER_KEY LEANRPC_READONLY_KEY=$READONLY_KEY LEANRPC_PROJECT=1 \
        timeout 120 node "$OUT/$program.js" >"$out" 2>"$WORK/$program.err" || rc=$?
    grep -E '^(PASS|FAIL) ' "$out" | tee -a "$RESULTS" || true
    local reported
    reported=$(grep -cE '^(PASS|FAIL) typescript ' "$out" || true)
    if [ "$reported" -lt "$expected" ]; then
        report "FAIL typescript $program cases: reported $reported of $expected"
    fi
    if [ "$rc" != 0 ]; then
        grep -q '^FAIL ' "$out" || report "FAIL typescript $program exit: exited with status $rc"
        tail -n 20 "$WORK/$program.err" >&2
    fi
}
run_program edge.test 5
run_program tickets.test 6

suite_server_alive
suite_summary
