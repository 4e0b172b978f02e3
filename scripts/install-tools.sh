#!/usr/bin/env bash
# Installs the build tools Quire needs, only where they are missing or at the wrong version.
# Safe to run again: each step checks first. Used by scripts/run.sh, scripts/test.sh and CI.
#
#   scripts/install-tools.sh               what the release build needs (wasm32 target,
#                                          wasm-bindgen, npm packages: wasm-opt, esbuild)
#   scripts/install-tools.sh --dev         also cargo-leptos, for `cargo leptos watch`
#                                          (compiled from source: ~11 minutes on 2 cores)
#   scripts/install-tools.sh --browser     also Playwright (npm) and Debian's chromium, for the
#                                          browser tests
#   scripts/install-tools.sh --fuzz        also cargo-fuzz, for scripts/fuzz.sh
#   scripts/install-tools.sh --test-tools  also the tests' Python tools (PyPI): aiosmtpd, the SMTP
#                                          server the tests mail to, and hadolint, the Dockerfile
#                                          linter (flags combine)
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
browser=false
fuzz=false
test_tools=false
for arg in "$@"; do
  case $arg in
    --dev) dev=true ;;
    --browser) browser=true ;;
    --fuzz) fuzz=true ;;
    --test-tools) test_tools=true ;;
    *) echo "usage: scripts/install-tools.sh [--dev] [--browser] [--fuzz] [--test-tools]" >&2; exit 2 ;;
  esac
done

CARGO_LEPTOS_VERSION=0.3.11
CARGO_FUZZ_VERSION=0.13.2
# wasm-bindgen-cli must be exactly the wasm-bindgen version in Cargo.lock, or hydration breaks.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)

started=$SECONDS
log() {
  local s=$((SECONDS - started))
  printf '\033[1m[install-tools %d:%02d]\033[0m %s\n' $((s / 60)) $((s % 60)) "$*"
}

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# Builds a crate from its published source after pinning one dependency, because both tools'
# published lock files pin versions that do not build here (see docs/architecture.md,
# "Toolchain notes").
install_patched() {
  local crate=$1 version=$2 dep=$3 dep_version=$4 how_long=$5 features=${6:-}
  local dir
  dir=$(mktemp -d)
  log "building $crate $version from source (pinning $dep $dep_version); $how_long"
  # `cargo info` fetches the published source through cargo's own registry client and unpacks
  # it under ~/.cargo/registry/src; no download address is written here.
  cargo info --quiet "$crate@$version" >/dev/null
  local src
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"$crate-$version" 2>/dev/null | head -n1)
  if [ -z "$src" ]; then
    echo "install-tools: cargo did not unpack $crate $version; is crates.io reachable?" >&2
    exit 1
  fi
  cp -R "$src" "$dir/"
  (
    cd "$dir/$crate-$version"
    rm -f rust-toolchain.toml rust-toolchain
    cargo update -p "$dep" --precise "$dep_version"
    # A tool's own speed hardly matters (it runs for seconds), its compile time does: without
    # LTO, with many codegen units and light optimization it builds in a fraction of the time.
    CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=256 \
      CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_DEBUG=0 \
      cargo install --path . --locked --force ${features:+--features "$features"}
  )
  rm -rf "$dir"
}

if $dev && [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  install_patched cargo-leptos "$CARGO_LEPTOS_VERSION" cargo-util-schemas 0.14.1 \
    "~11 minutes on 2 cores" no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  install_patched wasm-bindgen-cli "$WASM_BINDGEN_VERSION" webpki-roots 1.0.10 \
    "~2 minutes on 2 cores"
fi

# npm packages: binaryen's wasm-opt (Debian's version 108 produces modules that fail at run
# time, so the release build uses the npm one through node_modules/.bin), esbuild, which
# minifies the client's JavaScript and CSS, and with --browser Playwright for end2end/.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages (wasm-opt, esbuild)"
  npm ci --no-audit --no-fund
fi
if $browser && { [ ! -d end2end/node_modules/@playwright/test ] \
  || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; }; then
  log "installing npm packages (Playwright)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

# cargo-fuzz's own lock file builds on stable 1.95 (about 1 minute). The fuzz build itself needs
# nightly flags: scripts/fuzz.sh sets RUSTC_BOOTSTRAP=1 for it alone.
if $fuzz && [ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]; then
  log "installing cargo-fuzz $CARGO_FUZZ_VERSION"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
fi

if $browser && [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends chromium
fi
# The tests' Python tools, from PyPI in a virtualenv of their own, where the integration tests
# (server/tests/integration/support/smtp.rs) and scripts/test.sh look for them.
if $test_tools; then
  venv=${QUIRE_TEST_VENV:-$HOME/.cache/quire/test-venv}
  requirements=server/tests/requirements.txt
  if [ ! -x "$venv/bin/python" ] || [ "$requirements" -nt "$venv/.installed" ]; then
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
      log "installing Debian's python3-venv"
      SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
      $SUDO apt-get update
      $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3-venv
    fi
    log "installing the tests' Python tools (aiosmtpd, hadolint) into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$requirements"
    touch "$venv/.installed"
  fi
fi
log "tools ready"
