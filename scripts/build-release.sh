#!/usr/bin/env bash
# The one release build of Quire — the server binary and the WASM client — used by
# scripts/run.sh, by CI (scripts/test.sh) and by the Dockerfile, so the image ships exactly
# what the tests ran. Assembles a self-contained runtime folder:
#
#   DIST/quire       the server binary
#   DIST/site/       its LEPTOS_SITE_ROOT: pkg/ (quire.wasm, quire.js, quire.css, with brotli
#                    and gzip siblings) and the files from public/
#
#   scripts/build-release.sh [DIST]      (default: $CARGO_TARGET_DIR/dist, else target/dist)
#
# Run the result from anywhere with LEPTOS_SITE_ROOT=DIST/site (the Dockerfile sets it; see
# docs/deploy.md). Needs the tools from scripts/install-tools.sh; Cargo.lock must be up to date.
#
# These are the steps `cargo leptos build --release` takes (same cargo commands, wasm-bindgen,
# wasm-opt, minified JS and CSS), run without cargo-leptos: compiling cargo-leptos itself took
# 11-20 minutes on a fresh 2-core machine, longer than the blog's own build, and only
# `cargo leptos watch` (development) needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

started=$SECONDS
log() { printf '\033[1m[build-release %s]\033[0m %s\n' "$(elapsed)" "$*"; }
elapsed() { local s=$((SECONDS - started)); printf '%d:%02d' $((s / 60)) $((s % 60)); }
fail() { printf '[build-release] %s\n' "$*" >&2; exit 1; }

target_dir=${CARGO_TARGET_DIR:-target}
dist=${1:-$target_dir/dist}
# The client's own target folder (cargo-leptos' too): the two builds run side by side, and one
# target folder would make the second wait for the first's lock.
front_target=$target_dir/front
wasm=$front_target/wasm32-unknown-unknown/wasm-release/frontend.wasm
bin=$target_dir/release/quire

for tool in wasm-bindgen wasm-opt esbuild; do
  "$tool" --version >/dev/null 2>&1 || fail "'$tool' is missing: run scripts/install-tools.sh first"
done
log "$(cargo --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), esbuild $(esbuild --version)"

# Both builds print cargo's lines, each prefixed with what it builds. On a fresh 2-core machine
# the pair takes ~N minutes (the server's link-time optimization is the long tail); an edit
# to Quire's own code rebuilds in a few.
log "building the server (release) and the WASM client (wasm-release) side by side"
prefix() { sed -u "s/^/  $1 | /"; }
cargo build --locked --release -p quire --bin quire 2>&1 | prefix server &
server=$!
cargo build --locked -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release \
  --target-dir "$front_target" 2>&1 | prefix client &
client=$!
status=0
wait "$server" || status=$?
wait "$client" || status=$?
[ "$status" = 0 ] || fail "the build failed (see the lines above)"
[ -x "$bin" ] || fail "the build did not produce $bin"
[ -f "$wasm" ] || fail "the build did not produce $wasm"
log "compiled"

# Replace only what this script puts in DIST, so a mistaken argument cannot wipe a folder.
mkdir -p "$dist"
rm -rf "$dist/quire" "$dist/site"
pkg=$dist/site/pkg
mkdir -p "$pkg"
install -m 0755 "$bin" "$dist/quire"
cp -R public/. "$dist/site/"

log "wasm-bindgen: the client's JavaScript glue"
wasm-bindgen --target web --no-typescript --out-name quire --out-dir "$pkg" "$wasm"
mv "$pkg/quire_bg.wasm" "$pkg/quire.wasm"
log "wasm-opt -Oz: the client's size"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$pkg/quire.wasm" -o "$pkg/quire.wasm"
log "esbuild: minified JavaScript and CSS"
esbuild --minify --log-level=warning --allow-overwrite "$pkg/quire.js" --outfile="$pkg/quire.js"
esbuild --minify --log-level=warning style/main.css --outfile="$pkg/quire.css"

# Brotli and gzip siblings of the client files: the server sends them to browsers that accept
# them, so nothing is compressed per request.
node -e '
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const dir = process.argv[1];
for (const name of fs.readdirSync(dir)) {
  if (!/\.(wasm|js|css)$/.test(name)) continue;
  const file = path.join(dir, name), data = fs.readFileSync(file);
  fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
}' "$pkg"
chmod -R a+rX "$dist/site"

log "runtime folder $(realpath "$dist"):"
(
  cd "$dist"
  find quire site -type f | LC_ALL=C sort | while read -r file; do
    printf '  %10s  %s\n' "$(numfmt --to=iec --suffix=B "$(stat -c %s "$file")")" "$file"
  done
  printf '  %10s  total\n' "$(numfmt --to=iec --suffix=B "$(du -scb quire site | tail -n 1 | cut -f 1)")"
)
