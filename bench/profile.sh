#!/usr/bin/env bash
# Where a logged-in reader's page spends its CPU: the release server on a fresh SQLite demo
# blog (50 posts of ~3 KB, 20 comments each, 1,000 readers), one registered reader's cookie,
# wrk with 32 connections, and `perf record -g` on the server meanwhile. Prints the req/s, the
# server's CPU per request and perf's top symbols (self time).
#
#   bench/profile.sh [PATH] [SECONDS]     (default: /posts/demo-post-50 for 10 s)
#
# QUIRE_PROFILE_AS=admin logs in the admin instead of a reader (the admin's post page has
# moderation buttons on every comment); QUIRE_PROFILE_CALLGRAPH=dwarf for call graphs of a
# release build (it has no frame pointers); QUIRE_PROFILE_KEEP=FILE keeps perf's data.
#
# Uses the runtime folder of scripts/build-release.sh ($CARGO_TARGET_DIR/dist, else
# target/dist; QUIRE_DIST to choose another) and needs wrk and perf (Debian: wrk, linux-perf).
set -euo pipefail
cd "$(dirname "$0")/.."
path=${1:-/posts/demo-post-50}
seconds=${2:-10}
dist=${QUIRE_DIST:-${CARGO_TARGET_DIR:-target}/dist}
bin=$(realpath "$dist/quire")
for tool in wrk perf curl; do
  command -v "$tool" >/dev/null || { echo "profile: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
# The demo blog has no admin: without ADMIN_EMAIL the first account to register would be one.
export DATABASE_URL="sqlite://$work/blog.db" RUST_LOG=warn LEPTOS_SITE_ROOT="$dist/site" \
  ADMIN_EMAIL=admin@example.invalid
email=reader@example.invalid
[ "${QUIRE_PROFILE_AS:-reader}" = reader ] || email=$ADMIN_EMAIL
(cd "$work" && "$bin" demo --posts 50 --body-bytes 3000 --users 1000 --comments 20 >/dev/null)
LEPTOS_SITE_ADDR=127.0.0.1:$port "$bin" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

cookie=$(curl -s -o /dev/null -D - "http://127.0.0.1:$port/api/register" \
  -H "Origin: http://127.0.0.1:$port" -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode "name=Profile Reader" --data-urlencode "email=$email" \
  --data-urlencode "password=profile passphrase 1234" \
  | awk -F'[:;] *' 'tolower($1) == "set-cookie" { print $2; exit }')
[ -n "$cookie" ] || { echo "profile: could not register a reader" >&2; exit 1; }

url="http://127.0.0.1:$port$path"
wrk -t2 -c32 -d2s -H "Cookie: $cookie" -H 'Accept-Encoding: br, gzip' "$url" >/dev/null
ticks() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
before=$(ticks)
perf record -F 999 ${QUIRE_PROFILE_CALLGRAPH:+--call-graph $QUIRE_PROFILE_CALLGRAPH} -g -o "$work/perf.data" -p "$pid" -- sleep "$seconds" >/dev/null 2>&1 &
perf_pid=$!
wrk -t2 -c32 -d"${seconds}s" -H "Cookie: $cookie" -H 'Accept-Encoding: br, gzip' "$url" \
  | tee "$work/wrk.txt" | grep -E 'Requests/sec|Latency  '
wait "$perf_pid" || true
after=$(ticks)
requests=$(awk '/requests in/ { print $1 }' "$work/wrk.txt")
hz=$(getconf CLK_TCK)
echo "server CPU per request: $(( (after - before) * 1000000 / hz / requests )) µs ($requests requests)"
echo "peak RSS: $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status")"
# QUIRE_PROFILE_KEEP=FILE keeps perf's data, for `perf report -i FILE` (callers, children).
[ -z "${QUIRE_PROFILE_KEEP:-}" ] || cp "$work/perf.data" "$QUIRE_PROFILE_KEEP"
perf report -i "$work/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null \
  | grep -E '^ +[0-9.]+%' | sed -E 's/[[:space:]-]+$//' | cut -c1-150 \
  | head -n "${QUIRE_PROFILE_TOP:-25}" || true
