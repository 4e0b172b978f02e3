#!/usr/bin/env bash
# Makes sure the PostgreSQL server the tests use answers: starts the local cluster when it is
# installed but down, and says what is missing when it cannot be had.
set -euo pipefail
url=${QUIRE_TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}

if psql "$url" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  echo "PostgreSQL answers at ${url%%@*}@${url#*@}"
  exit 0
fi

if [ -z "${QUIRE_TEST_PG_URL:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  for version in $(ls /etc/postgresql 2>/dev/null); do
    echo "PostgreSQL is down: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do
    psql "$url" -qAtc 'SELECT 1' >/dev/null 2>&1 && { echo "PostgreSQL is up"; exit 0; }
    sleep 1
  done
fi

cat >&2 <<MSG
PostgreSQL is not reachable at $url, and the tests need it (every test runs on SQLite and on
PostgreSQL). Either
  - start the local server:  pg_ctlcluster --skip-systemctl-redirect 15 main start
  - or install one:          apt-get install postgresql  (then allow the user in the URL to
                             connect over TCP and create databases)
  - or point QUIRE_TEST_PG_URL at a server where that user may create databases.
MSG
command -v psql >/dev/null 2>&1 || echo "(psql, the PostgreSQL client, is not installed either: apt-get install postgresql-client)" >&2
exit 1
