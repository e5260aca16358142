#!/usr/bin/env bash
# Builds the fuzz targets once, then runs each (or the TARGETs named) for SECONDS (default 600),
# one after another, on one core: fuzz/run.sh [SECONDS [TARGET…]]. New inputs go to
# fuzz/corpus-new/TARGET (not committed); the committed seeds in fuzz/corpus are only read. A
# crash leaves its input in fuzz/artifacts/TARGET; the other targets still run, and the script
# exits 1 naming the ones that crashed.
# Needs: rustup toolchain nightly, cargo install cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
cargo +nightly fuzz build -O
# Bundled SQLite trips ASan's one-definition-rule check (a known false alarm for C statics).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
bin=target/x86_64-unknown-linux-gnu/release
failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus-new/$target" "corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds} s"
  if ! "$bin/$target" "corpus-new/$target" "corpus/$target" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
    >"artifacts/$target/last-run.log" 2>&1; then
    failed+=("$target")
  fi
  grep -E "^(Done|stat::number_of_executed_units|stat::new_units_added)|panicked|SUMMARY|Test unit written" \
    "artifacts/$target/last-run.log" || true
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "crashed: ${failed[*]} (inputs in fuzz/artifacts/)"
  exit 1
fi
