#!/usr/bin/env bash
# Measures the real window against an empty eframe window on the same machine:
# cold start to first frame (eframe shows the window only once its first frame is painted),
# idle CPU over 30 s with the checkout open, and resident memory.
#
#   cargo build --release --bin cashier --example empty_window
#   xvfb-run -a -s "-screen 0 1280x800x24" packaging/measure-window.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CASHIER=target/release/cashier
EMPTY=target/release/examples/empty_window
RUNS=${RUNS:-7}
TICKS=$(getconf CLK_TCK)

start() { # command… → sets MS to the ms until its window is visible; leaves PID running
  local t0 t1
  t0=$(date +%s%N)
  "$@" > /dev/null 2>&1 &
  PID=$!
  # xdotool's own --sync polls only every 0.5 s: poll every 10 ms instead.
  until xdotool search --onlyvisible --pid "$PID" > /dev/null 2>&1; do sleep 0.01; done
  t1=$(date +%s%N)
  MS=$(( (t1 - t0) / 1000000 ))
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # name command…
  local name=$1; shift
  local starts=()
  for _ in $(seq "$RUNS"); do
    rm -rf /tmp/measure-data
    start "$@"
    starts+=("$MS")
    kill "$PID"; wait "$PID" 2>/dev/null || true
    sleep 0.5
  done
  rm -rf /tmp/measure-data
  start "$@"
  sleep 5
  local rss before after
  rss=$(rss_kib "$PID")
  before=$(cpu_ticks "$PID")
  sleep 30
  after=$(cpu_ticks "$PID")
  kill "$PID"; wait "$PID" 2>/dev/null || true
  local cpu
  cpu=$(awk -v d=$((after - before)) -v t="$TICKS" 'BEGIN {printf "%.2f", 100 * d / (30 * t)}')
  printf '%-8s start median %5s ms (runs: %s)  idle CPU %s %% of a core over 30 s  RSS %s MiB\n' \
    "$name" "$(printf '%s\n' "${starts[@]}" | median)" "${starts[*]}" "$cpu" "$((rss / 1024))"
}

measure empty "$EMPTY"
measure cashier "$CASHIER" --data-dir /tmp/measure-data
