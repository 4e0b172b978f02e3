#!/usr/bin/env bash
# The hardening suites in one command, on SQLite and PostgreSQL:
#   security  XSS and SQL corpora through every input, the authorization matrix, cross-site
#             writes, session fixation and replay, cookie flags, headers, path traversal,
#             malformed and oversized requests, slow clients and the connection cap;
#   faults    SIGKILL during concurrent writes, SIGTERM with requests in flight, a PostgreSQL
#             restart under load, a database that comes up after Quire, a full disk (SQLite);
#   browser   the XSS corpus in Chromium after hydration (needs scripts/build-release.sh);
#   fuzzing   every cargo-fuzz target (a smoke run; --long for 10 minutes per target).
# Ends with the numbers of the fault runs.
#
#   scripts/hardening.sh [--long]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

scripts/install-tools.sh --browser --fuzz --test-tools
scripts/ensure-postgres.sh

step "Security and fault-injection suites (Rust, both databases)"
cargo test --locked -p quire --test integration -- \
  security:: authorization:: sessions:: accounts:: headers:: limits:: crashes:: faults:: startup:: \
  --nocapture 2>&1 | tee "$log"

step "The XSS corpus in the browser (both databases)"
if [ -x "${CARGO_TARGET_DIR:-target}/dist/quire" ]; then
  scripts/e2e.sh all security
else
  echo "no release build: run scripts/build-release.sh first (scripts/test.sh does)" >&2
  exit 1
fi

step "Fuzzing"
if [ "${1:-}" = "--long" ]; then scripts/fuzz.sh 600; else scripts/fuzz.sh --smoke; fi

step "Fault runs"
grep -h '^FAULT' "$log" | sort
