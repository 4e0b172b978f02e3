#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing, then runs the
# formatting and lint gates, the Rust tests (SQLite and PostgreSQL) and the Playwright tests
# (SQLite and PostgreSQL) against the release build.
#
#   scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# Where scripts/install-tools.sh --test-tools puts the tests' Python tools.
test_venv=${QUIRE_TEST_VENV:-$HOME/.cache/quire/test-venv}

started=$SECONDS
step() { printf '\n\033[1m==> %s\033[0m (%ds)\n' "$*" $((SECONDS - started)); }

step "Installing missing tools"
scripts/install-tools.sh --browser --fuzz --test-tools

step "Checking PostgreSQL"
scripts/ensure-postgres.sh

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server build, ssr)"
cargo clippy --locked -p app -p quire --features app/ssr --all-targets -- -D warnings

step "clippy (browser build, hydrate on wasm32)"
cargo clippy --locked -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "TypeScript check of the Playwright tests"
(cd end2end && npx tsc -p .)

# Never `cargo test --workspace`: it would build `app` with ssr and hydrate at once.
step "Rust unit tests"
cargo test --locked -p app --features ssr

step "Fuzzing smoke run (20 s per target)"
scripts/fuzz.sh --smoke

step "Rust integration tests (SQLite and PostgreSQL)"
cargo test --locked -p quire

step "Release build (server and WASM client), the one the Docker image ships"
scripts/build-release.sh

step "Deploy smoke test (the release run as the Docker image runs it)"
scripts/check-deploy.sh

# General Dockerfile practice (.hadolint.yaml says which rule is off, and why); the project's
# own facts about the Dockerfile are the integration tests' (deploy_files).
step "hadolint (the Dockerfile)"
"$test_venv/bin/hadolint" Dockerfile

step "Playwright (SQLite and PostgreSQL)"
scripts/e2e.sh all

step "All tests passed"
