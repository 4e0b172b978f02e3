#!/usr/bin/env bash
# Sets up what is missing and serves the blog at http://127.0.0.1:3000 on a SQLite file
# (data/quire.db): no configuration needed. Settings from the environment or .env apply
# (see .env.example), e.g. DATABASE_URL=postgres://… to use PostgreSQL.
#
#   scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
dist=${CARGO_TARGET_DIR:-target}/dist
if [ ! -x "$dist/quire" ]; then
  # Measured on a fresh 2-core machine; see README.md for each step's time.
  printf '\033[1m[run]\033[0m %s\n' \
    "First run here: installing the build tools (~3 minutes), then building the blog" \
    "(~10 minutes on 2 cores). Later runs rebuild only what changed and start in seconds."
fi
scripts/install-tools.sh
scripts/build-release.sh
LEPTOS_SITE_ROOT="$dist/site" exec "$dist/quire"
