#!/usr/bin/env bash
# Builds the fuzz targets once, then runs each for SECONDS (default 600), one after another, on
# one core. New inputs go to fuzz/corpus-new/TARGET (not committed); the committed seeds in
# fuzz/corpus are only read. A crash leaves its input in fuzz/artifacts/TARGET and stops the run.
# Needs: rustup toolchain nightly, cargo install cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
cargo +nightly fuzz build -O
# Bundled SQLite trips ASan's one-definition-rule check (a known false alarm for C statics).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
bin=target/x86_64-unknown-linux-gnu/release
for target in $(cargo +nightly fuzz list); do
  mkdir -p "corpus-new/$target" "corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds} s"
  "$bin/$target" "corpus-new/$target" "corpus/$target" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="artifacts/$target/" 2>&1 | tail -14
done
