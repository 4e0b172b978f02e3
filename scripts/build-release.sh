#!/usr/bin/env bash
# The one release build of Quire — the server binary and the WASM client — used by CI
# (scripts/test.sh) and by the Dockerfile, so the image ships exactly what the tests ran.
# Builds with `cargo leptos build --release --cargo-locked` (Cargo.lock must be up to date),
# then assembles a self-contained runtime folder:
#
#   DIST/quire       the server binary
#   DIST/site/       its LEPTOS_SITE_ROOT: pkg/ (quire.wasm, quire.js, quire.css) and the
#                    files from public/ (without wasm-bindgen's TypeScript declarations)
#
#   scripts/build-release.sh [DIST]      (default: $CARGO_TARGET_DIR/dist, else target/dist)
#
# Run the result from anywhere with LEPTOS_SITE_ROOT=DIST/site (the Dockerfile sets it; see
# docs/deploy.md). The build also leaves the usual cargo-leptos outputs in
# place ($CARGO_TARGET_DIR/release/quire and target/site), which scripts/e2e.sh uses.
# Needs the tools from scripts/install-tools.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

started=$SECONDS
log() { printf '\033[1m[build-release]\033[0m %s\n' "$*"; }
fail() { printf '[build-release] %s\n' "$*" >&2; exit 1; }

target_dir=${CARGO_TARGET_DIR:-target}
dist=${1:-$target_dir/dist}
# Cargo.toml's `site-root`. Pinned here because cargo-leptos would otherwise take a
# LEPTOS_SITE_ROOT from the environment or from .env and put the client somewhere else.
export LEPTOS_SITE_ROOT=target/site
bin="$target_dir/release/quire"

# Every tool cargo-leptos runs must be on PATH: it is built with `no_downloads`.
for tool in "cargo leptos" wasm-bindgen wasm-opt; do
  # shellcheck disable=SC2086 # "cargo leptos" is a command and its subcommand
  $tool --version >/dev/null 2>&1 || fail "'$tool' is missing: run scripts/install-tools.sh first"
done

log "$(cargo leptos --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}')"
log "cargo leptos build --release --cargo-locked"
cargo leptos build --release --cargo-locked

[ -x "$bin" ] || fail "the build did not produce $bin"
[ -f "$LEPTOS_SITE_ROOT/pkg/quire.wasm" ] || fail "the build did not produce $LEPTOS_SITE_ROOT/pkg/quire.wasm"

# Replace only what this script puts in DIST, so a mistaken argument cannot wipe a folder.
mkdir -p "$dist"
rm -rf "$dist/quire" "$dist/site"
install -m 0755 "$bin" "$dist/quire"
cp -R "$LEPTOS_SITE_ROOT" "$dist/site"
# wasm-bindgen's TypeScript declarations are for TypeScript callers, never loaded by the page.
find "$dist/site" -name '*.d.ts' -type f -delete
# Brotli and gzip siblings of the client files: the server sends them to browsers that accept
# them, so nothing is compressed per request. Only in DIST: a later `cargo leptos build`
# rewrites target/site without them, and a stale .br beside a new .wasm would break pages.
node -e '
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const dir = process.argv[1];
for (const name of fs.readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const file = path.join(dir, name), data = fs.readFileSync(file);
  fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
}' "$dist/site/pkg"
chmod -R a+rX "$dist/site"

log "runtime folder $(realpath "$dist") (built in $((SECONDS - started)) s):"
(
  cd "$dist"
  find quire site -type f | LC_ALL=C sort | while read -r file; do
    printf '  %10s  %s\n' "$(numfmt --to=iec --suffix=B "$(stat -c %s "$file")")" "$file"
  done
  printf '  %10s  total\n' "$(numfmt --to=iec --suffix=B "$(du -scb quire site | tail -n 1 | cut -f 1)")"
)
