#!/usr/bin/env bash
# The release folder (scripts/build-release.sh's output), run the way the Docker image runs it,
# since CI has no Docker engine: copied to the image's paths under a temporary root, started
# from its WORKDIR as its USER (when this runs as root) with only its ENV plus PORT and a
# temporary SQLite DATABASE_URL. /readyz, /, /healthz, every /pkg/ asset the home page loads
# (its stylesheet, and no client) and every file of site/ (byte for byte) must answer 200, and
# SIGTERM must exit 0.
# The Dockerfile, render.yaml and the docs are checked by hadolint and
# `cargo test -p quire --test integration deploy_files`.
#
#   scripts/check-deploy.sh [DIST]     (default: $CARGO_TARGET_DIR/dist, else target/dist)
set -euo pipefail
cd "$(dirname "$0")/.."

# The Dockerfile's runtime stage. server/tests/integration/deploy_files/ fails when the
# Dockerfile stops matching these, so this script cannot drift from the image.
IMAGE_APP_DIR=/opt/quire # where COPY --from=builder puts the release folder
IMAGE_WORKDIR=/var/lib/quire
IMAGE_USER=10001:10001
IMAGE_CMD=quire
IMAGE_ENV=(
  LEPTOS_SITE_ADDR=0.0.0.0:8080
  LEPTOS_SITE_ROOT=/opt/quire/site
  PATH=/opt/quire:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  RUST_LOG=info
)

dist=${1:-${CARGO_TARGET_DIR:-target}/dist}
if [ ! -x "$dist/quire" ] || [ ! -f "$dist/site/pkg/quire.wasm" ]; then
  echo "check-deploy: $dist has no quire or site/pkg/quire.wasm: run scripts/build-release.sh" >&2
  exit 1
fi

failures=0
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
# check WHAT COMMAND...: PASS or FAIL WHAT, as COMMAND succeeds
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

root=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$root"; }
trap cleanup EXIT
app=$root$IMAGE_APP_DIR
home=$root$IMAGE_WORKDIR
mkdir -p "$app" "$home"
cp -R "$dist"/. "$app"/
# mktemp's 0700 would keep the image's user out of the copied folder.
chmod -R a+rX "$root"

# A port nothing listens on (bash's /dev/tcp connects only when something does).
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

envs=()
for e in "${IMAGE_ENV[@]}"; do envs+=("${e//"$IMAGE_APP_DIR"/"$app"}"); done
# Docker sets HOME from the user's passwd entry, which is the WORKDIR here.
envs+=("HOME=$home" "PORT=$port" "DATABASE_URL=sqlite://$home/check-deploy.db")
runner=()
uid=$(id -u)
if [ "$uid" = 0 ]; then
  chown -R "$IMAGE_USER" "$home"
  runner=(setpriv --reuid="${IMAGE_USER%:*}" --regid="${IMAGE_USER#*:}" --clear-groups)
  uid=${IMAGE_USER%:*}
fi
echo "Running $IMAGE_CMD from $home as uid $uid with:"
printf '  %s\n' "${envs[@]}"
(cd "$home" && exec "${runner[@]}" env -i "${envs[@]}" "$IMAGE_CMD") >"$root/server.log" 2>&1 &
pid=$!

# get PATH [SAVE_TO]: succeeds on 200; the status is left in $code.
get() {
  code=$(curl -s -o "${2:-/dev/null}" -w '%{http_code}' --max-time 10 "http://127.0.0.1:$port$1" || true)
  [ "$code" = 200 ]
}
expect_200() { if get "$@"; then pass "GET $1 is 200"; else fail "GET $1 is $code, not 200"; fi; }
show_log() { printf -- '--- server log (last 40 lines) ---\n'; tail -n 40 "$root/server.log"; }
for _ in $(seq 1 300); do if kill -0 "$pid" 2>/dev/null && ! get /readyz; then sleep 0.2; else break; fi; done
if ! get /readyz; then
  fail "GET /readyz is $code, not 200 (waited up to 60 s)"
  show_log
  exit 1
fi
pass "GET /readyz is 200 (database created and migrated)"
check "it runs as uid $uid" [ "$(stat -c %u "/proc/$pid")" = "$uid" ]
check "PORT=$port makes it listen on 0.0.0.0:$port (log)" grep -q "listening on http://0.0.0.0:$port" "$root/server.log"
expect_200 / "$root/home.html"
expect_200 /healthz
mapfile -t assets < <(grep -oE '/pkg/[A-Za-z0-9._-]+' "$root/home.html" | LC_ALL=C sort -u)
# A reader's page loads the stylesheet and no client (only the editor's pages load the WASM,
# which the byte-for-byte check of site/ below serves).
check "the home page loads /pkg/quire.css and no client (its /pkg/ assets: ${assets[*]:-none})" \
  bash -c 'printf "%s\n" "$@" | grep -qx /pkg/quire.css && ! printf "%s\n" "$@" | grep -q "quire\.\(js\|wasm\)$"' _ "${assets[@]}"
for asset in "${assets[@]}"; do expect_200 "$asset"; done

served=0
while IFS= read -r -d '' file; do
  path=${file#"$app/site"}
  if ! get "$path" "$root/fetched"; then
    fail "GET $path is $code, not 200"
  elif ! cmp -s "$file" "$root/fetched"; then
    fail "GET $path answers other bytes than the file's"
  else
    served=$((served + 1))
  fi
done < <(find "$app/site" -type f -print0)
check "$served files of site/ are served byte for byte" [ "$served" -gt 0 ]

kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then
  fail "still running 30 s after SIGTERM"
else
  rc=0 && wait "$pid" || rc=$?
  pid=""
  check "SIGTERM stops it with exit code 0 (got $rc)" [ "$rc" = 0 ]
fi

if [ "$failures" -gt 0 ]; then
  show_log
  echo "check-deploy: $failures check(s) FAILED"
  exit 1
fi
echo "check-deploy: all checks passed"
