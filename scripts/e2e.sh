#!/usr/bin/env bash
# Runs the Playwright tests against the release build, once per database backend, each time
# on a fresh database seeded with three demo posts.
#
#   scripts/e2e.sh [sqlite|postgres|all]     (default: all)
#
# Expects `cargo leptos build --release` to have run (scripts/test.sh does it).
# PostgreSQL comes from QUIRE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
bin="$target_dir/release/quire"
site_root="$PWD/target/site"
pg_admin=${QUIRE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}

[ -x "$bin" ] || { echo "e2e: $bin is missing: run 'cargo leptos build --release' first" >&2; exit 1; }
bin=$(realpath "$bin")
[ -f "$site_root/pkg/quire.wasm" ] || { echo "e2e: $site_root/pkg has no client build: run 'cargo leptos build --release' first" >&2; exit 1; }

run_backend() {
  local backend=$1 url workdir dbname=""
  workdir=$(mktemp -d)
  case $backend in
    sqlite)
      url="sqlite://$workdir/e2e.db"
      ;;
    postgres)
      dbname="quire_e2e_$$"
      PGOPTIONS=--client-min-messages=warning psql "$pg_admin" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $dbname" -c "CREATE DATABASE $dbname"
      url="${pg_admin%/*}/$dbname"
      ;;
    *) echo "e2e: unknown backend '$backend' (sqlite or postgres)" >&2; return 2 ;;
  esac
  echo "=== Playwright on $backend ==="
  local status=0
  DATABASE_URL="$url" "$bin" demo --posts 3 >/dev/null || status=$?
  # The admin the tests log in as (tests/accounts.spec.ts).
  [ $status -eq 0 ] && { printf '%s\n' 'admin passphrase 42' |
    DATABASE_URL="$url" "$bin" admin create --name 'Site Admin' --email admin@example.com >/dev/null || status=$?; }
  if [ $status -eq 0 ]; then
    (cd end2end && QUIRE_E2E_DATABASE_URL="$url" QUIRE_BIN="$bin" QUIRE_SITE_ROOT="$site_root" \
      npx playwright test) || status=$?
  fi
  [ -n "$dbname" ] && PGOPTIONS=--client-min-messages=warning psql "$pg_admin" -q -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" || true
  rm -rf "$workdir"
  [ $status -eq 0 ] && echo "=== Playwright on $backend: passed ===" || echo "=== Playwright on $backend: FAILED ===" >&2
  return $status
}

case ${1:-all} in
  all) run_backend sqlite && run_backend postgres ;;
  *) run_backend "$1" ;;
esac
