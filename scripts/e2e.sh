#!/usr/bin/env bash
# Runs the Playwright tests against the release build, once per database backend:
#   1. the main suite, on a fresh database seeded with three demo posts (55 comments on the
#      newest) and an admin;
#   2. the Flask tutorial's walk-through, on an empty database, in two runs with a server
#      restart between them (what was written must still be there);
#   3. a blog moved in from the Flask course (`quire import-flask` of the fixture the real
#      Flask app built): its readers log in with their Flask passwords;
#   4. a team: the admin invites a contributor and an editor by mail; she submits a draft,
#      he publishes it (on a database of its own, so the main suite's home page stays);
#   5. the layout: screenshots of four pages at three widths in both themes, on a database
#      made the same way every time, against the baselines committed in
#      end2end/tests/layout.spec.ts-snapshots/ (QUIRE_UPDATE_SCREENSHOTS=1 makes new ones).
#
#   scripts/e2e.sh [sqlite|postgres|all] [SPEC]   (default: all; SPEC, e.g. security, runs
#                                                  only the spec files matching it)
#
# Tests the runtime folder scripts/build-release.sh assembles (what the Docker image ships,
# precompressed client included); scripts/test.sh builds it first.
# PostgreSQL comes from QUIRE_TEST_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
set -euo pipefail
cd "$(dirname "$0")/.."

target_dir=${CARGO_TARGET_DIR:-target}
dist=${QUIRE_DIST:-$target_dir/dist}
bin="$dist/quire"
site_root="$(realpath -m "$dist/site")"
pg_admin=${QUIRE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export PGOPTIONS=--client-min-messages=warning

[ -x "$bin" ] || { echo "e2e: $bin is missing: run scripts/build-release.sh first" >&2; exit 1; }
bin=$(realpath "$bin")
[ -f "$site_root/pkg/quire.wasm" ] || { echo "e2e: $site_root/pkg has no client build: run scripts/build-release.sh first" >&2; exit 1; }

workdir=$(mktemp -d)
pg_dbs=()
cleanup() {
  for db in "${pg_dbs[@]}"; do psql "$pg_admin" -q -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

# Prints the URL of a new, empty database of the given backend.
fresh_db() {
  local backend=$1 name=$2
  case $backend in
    sqlite) echo "sqlite://$workdir/$name.db" ;;
    postgres)
      local db="quire_e2e_$$_$name"
      psql "$pg_admin" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
      pg_dbs+=("$db")
      echo "${pg_admin%/*}/$db"
      ;;
    *) echo "e2e: unknown backend '$backend' (sqlite or postgres)" >&2; return 2 ;;
  esac
}

# The tests' SMTP server (aiosmtpd, which playwright.config.ts starts) and where it keeps mail.
export QUIRE_TEST_PYTHON=${QUIRE_TEST_PYTHON:-${QUIRE_TEST_VENV:-$HOME/.cache/quire/test-venv}/bin/python}
[ -x "$QUIRE_TEST_PYTHON" ] || { echo "e2e: $QUIRE_TEST_PYTHON is missing: run scripts/install-tools.sh --test-tools" >&2; exit 1; }

playwright() {
  local url=$1; shift
  (cd end2end && QUIRE_E2E_DATABASE_URL="$url" QUIRE_E2E_MAILDIR="$workdir/mail" QUIRE_BIN="$bin" \
    QUIRE_SITE_ROOT="$site_root" npx playwright test "$@")
}

# Adds an admin to the database at $1: admin URL NAME EMAIL PASSWORD.
admin() {
  printf '%s\n' "$4" | DATABASE_URL="$1" "$bin" admin create --name "$2" --email "$3" >/dev/null
}

layout() {
  local backend=$1 url
  echo "=== Playwright on $backend: every page's layout against its screenshots ==="
  url=$(fresh_db "$backend" layout) || return 1
  DATABASE_URL="$url" "$bin" demo --posts 3 --comments 3 >/dev/null || return 1
  admin "$url" 'Layout Admin' layout@example.com 'layout passphrase 44' || return 1
  playwright "$url" --grep @layout ${QUIRE_UPDATE_SCREENSHOTS:+--update-snapshots} || return 1
}

run_backend() {
  local backend=$1 url
  echo "=== Playwright on $backend ==="
  url=$(fresh_db "$backend" main) || return 1
  # 55 comments on the newest post: more than one page of them (tests/comments.spec.ts).
  DATABASE_URL="$url" "$bin" demo --posts 3 --comments 55 >/dev/null || return 1
  # The admin the tests log in as (tests/accounts.spec.ts, tests/blog.spec.ts).
  admin "$url" 'Site Admin' admin@example.com 'admin passphrase 42' || return 1
  # A second admin, who turns on two-factor sign-in (tests/two-factor.spec.ts).
  admin "$url" 'Careful Admin' careful@example.com 'admin passphrase 43' || return 1
  # `|| return 1` on each run: `set -e` does not stop a function called inside `&&`.
  if [ "$only" = layout ]; then
    layout "$backend"
    return
  fi
  if [ -n "$only" ]; then
    playwright "$url" --grep-invert '@tutorial|@flask|@layout|@team' "$only" || return 1
    echo "=== Playwright on $backend ($only): passed ==="
    return
  fi
  playwright "$url" --grep-invert '@tutorial|@flask|@layout|@team' || return 1

  echo "=== Playwright on $backend: the tutorial's walk-through, across a restart ==="
  url=$(fresh_db "$backend" tutorial) || return 1
  playwright "$url" --grep @tutorial-before-restart || return 1
  playwright "$url" --grep @tutorial-after-restart || return 1

  echo "=== Playwright on $backend: a blog moved in from the Flask course ==="
  url=$(fresh_db "$backend" flask) || return 1
  DATABASE_URL="$url" "$bin" import-flask --from server/tests/fixtures/flask/posts.db >/dev/null ||
    return 1
  playwright "$url" --grep @flask || return 1

  echo "=== Playwright on $backend: a team of contributor, editor and admin ==="
  url=$(fresh_db "$backend" team) || return 1
  admin "$url" 'Site Admin' admin@example.com 'admin passphrase 42' || return 1
  playwright "$url" --grep @team || return 1

  layout "$backend" || return 1
  echo "=== Playwright on $backend: passed ==="
}

only=${2:-}
case ${1:-all} in
  all) run_backend sqlite && run_backend postgres ;;
  *) run_backend "$1" ;;
esac
