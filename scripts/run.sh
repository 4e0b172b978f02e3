#!/usr/bin/env bash
# Sets up what is missing and serves the blog at http://127.0.0.1:3000 on a SQLite file
# (data/quire.db): no configuration needed. Settings from the environment or .env apply
# (see .env.example), e.g. DATABASE_URL=postgres://… to use PostgreSQL.
#
#   scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
scripts/install-tools.sh
scripts/build-release.sh
dist=${CARGO_TARGET_DIR:-target}/dist
LEPTOS_SITE_ROOT="$dist/site" exec "$dist/quire"
