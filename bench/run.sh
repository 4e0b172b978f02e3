#!/usr/bin/env bash
# Quire's benchmark, one command from a fresh machine:
#
#   bench/run.sh                     both backends, 50- and 5,000-post datasets (~6.5 min)
#   bench/run.sh --datasets small --duration 5      a quicker look
#   bench/run.sh --lighthouse        also Google Lighthouse on three pages, mobile and desktop
#   bench/run.sh --only-lighthouse   Lighthouse alone
#   bench/run.sh --only-newsletter   a post mailed to 10,000 subscribers (--newsletter N), alone
#   bench/run.sh --only-markdown     moves of 5,000 posts, alone: export-markdown, export-static,
#                                    import-markdown, import-wordpress, import-ghost
#
# Builds the release server and client (scripts/build-release.sh), installs wrk and brotli
# (Debian packages) when missing, makes sure PostgreSQL runs, then prints the tables and the
# budgets (see docs/performance.md) and keeps them in bench/results/<date>-<time>-bench.md
# (or $QUIRE_BENCH_OUT). Extra arguments go to bench/bench.py (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v brotli >/dev/null || missing+=(brotli)
command -v psql >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[bench] installing ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >/dev/null
fi

scripts/install-tools.sh
scripts/ensure-postgres.sh
if [[ " $* " == *" --lighthouse "* || " $* " == *" --only-lighthouse "* ]]; then
  command -v chromium >/dev/null || scripts/install-tools.sh --browser
  [ -x bench/node_modules/.bin/lighthouse ] || (cd bench && npm ci --no-audit --no-fund)
fi
# The Flask course's stack (from PyPI, pinned by the importer's fixtures) and gunicorn: the
# Flask blog served for the baseline rows, and the large one `quire import-flask` is measured on.
venv=${QUIRE_BENCH_VENV:-$HOME/.cache/quire/bench-venv}
requirements=bench/flask-requirements.txt
if [ ! -x "$venv/bin/python" ] || [ "$requirements" -nt "$venv/.installed" ]; then
  echo "[bench] installing the Flask stack into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$requirements"
  touch "$venv/.installed"
fi
dist=${CARGO_TARGET_DIR:-target}/dist
scripts/build-release.sh "$dist" >/dev/null
out=${QUIRE_BENCH_OUT:-bench/results/$(date -u +%Y-%m-%d-%H%M)-bench.md}
mkdir -p "$(dirname "$out")"
# Progress goes to stderr; the tables go to the terminal and into the results file.
python3 bench/bench.py --binary "$dist/quire" --site "$dist/site" --flask-python "$venv/bin/python" "$@" \
  | tee "$out"
echo "[bench] results kept in $out" >&2
