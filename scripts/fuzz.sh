#!/usr/bin/env bash
# Builds every cargo-fuzz target in fuzz/ and runs each in turn (see fuzz/README.md).
#
#   scripts/fuzz.sh                  10 minutes per target
#   scripts/fuzz.sh --smoke          20 seconds per target, from the seeds alone (CI)
#   scripts/fuzz.sh [--smoke] 300    that many seconds per target
#   FUZZ_TARGETS="render_post" scripts/fuzz.sh     only some targets
#   FUZZ_SANITIZER=none scripts/fuzz.sh            without AddressSanitizer (faster)
#
# Exits non-zero when a target crashes (a panic, a failed assertion, a timeout or running out
# of memory), after printing where the input was saved and how to reproduce it.
#
# cargo-fuzz passes nightly-only flags to rustc. There is no nightly here, so RUSTC_BOOTSTRAP=1
# is set for the fuzz build only (on the `cargo fuzz` command lines below, never exported):
# the main build never sees it. Needs cargo-fuzz: scripts/install-tools.sh --fuzz.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

smoke=false
seconds=""
for arg in "$@"; do
  case $arg in
    --smoke) smoke=true ;;
    ''|*[!0-9]*) echo "usage: scripts/fuzz.sh [--smoke] [SECONDS]" >&2; exit 2 ;;
    *) seconds=$arg ;;
  esac
done
if [ -n "$seconds" ]; then duration=$seconds; elif $smoke; then duration=20; else duration=600; fi

sanitizer=${FUZZ_SANITIZER:-address}
log() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is missing: run scripts/install-tools.sh --fuzz" >&2
  exit 1
fi

# The fuzz crate has its own lock file: warn when a crate both use differs from the one the
# app ships with (fix: cp Cargo.lock fuzz/Cargo.lock, then build again).
drift=$(awk '
  FNR == 1 { file++; name = "" }
  /^name = / { name = $3 }
  /^version = / && file == 1 { shipped[name]; have[name, $3] }
  /^version = / && file == 2 && name != "" && (name in shipped) && !((name, $3) in have) { print name }
' Cargo.lock fuzz/Cargo.lock | tr -d '"' | sort -u | tr '\n' ' ')
if [ -n "$drift" ]; then
  log "WARNING: fuzz/Cargo.lock differs from Cargo.lock for: $drift(cp Cargo.lock fuzz/Cargo.lock to fuzz what ships)"
fi

targets=${FUZZ_TARGETS:-$(cargo fuzz list)}
# The instrumented build always has a folder of its own — never CARGO_TARGET_DIR, whose
# artifacts other RUSTFLAGS would invalidate. FUZZ_TARGET_DIR moves it outside the checkout
# (CI reuses it across clones).
target_dir=(--target-dir "${FUZZ_TARGET_DIR:-$PWD/fuzz/target}")

log "building $(echo $targets | wc -w) targets (sanitizer: $sanitizer)"
build_started=$SECONDS
RUSTC_BOOTSTRAP=1 cargo fuzz build "${target_dir[@]}" --sanitizer "$sanitizer"
build_time=$((SECONDS - build_started))
log "built in $build_time s"

mkdir -p fuzz/logs
failed=()
summary=()
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in $targets; do
  # New inputs go to corpus-run/<target> (not committed) and are replayed by the next long run;
  # the committed seeds in corpus/<target> are only read. A smoke run starts from the seeds
  # alone, in a scratch folder, so that it lasts 20 s however large corpus-run/ has grown.
  if $smoke; then work="$scratch/$target"; else work="fuzz/corpus-run/$target"; fi
  mkdir -p "$work" "fuzz/corpus/$target" "fuzz/artifacts/$target"
  out="fuzz/logs/$target.log"
  log "$target: ${duration} s (log: $out)"
  status=0
  RUSTC_BOOTSTRAP=1 cargo fuzz run "${target_dir[@]}" --sanitizer "$sanitizer" "$target" \
    "$work" "fuzz/corpus/$target" -- \
    -max_total_time="$duration" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$out" 2>&1 || status=$?

  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$out" | tail -n 1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out" | tail -n 1)
  corpus=$(find "$work" -type f | wc -l)
  line=$(printf '%-20s %6s s  %10s runs  %6s exec/s  corpus %5s' \
    "$target" "$duration" "${runs:-?}" "${speed:-?}" "$corpus")

  if [ "$status" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \([^ ]*\).*/\1/p' "$out" | tail -n 1)
    failed+=("$target")
    summary+=("$line  FAILED")
    log "$target FAILED (exit $status):"
    # The panic message (or libFuzzer's reason: timeout, out of memory), without backtraces.
    { sed -n '/panicked at/,/^stack backtrace/p' "$out" | grep -v '^stack backtrace' | head -n 40
      grep -E '^(==[0-9]+== ERROR|SUMMARY):' "$out" | head -n 2; } >&2
    if [ -n "$artifact" ]; then
      log "the input is saved in $artifact; reproduce it with:"
      log "  RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer $sanitizer $target $artifact"
      log "and make it smaller with:"
      log "  RUSTC_BOOTSTRAP=1 cargo fuzz tmin --sanitizer $sanitizer $target $artifact"
    fi
  else
    summary+=("$line  ok")
  fi
done

log "summary (build $build_time s; runs = inputs libFuzzer executed; corpus = inputs kept):"
printf '  %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  log "crashed: ${failed[*]}"
  exit 1
fi
log "no crash"
