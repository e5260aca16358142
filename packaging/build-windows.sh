#!/usr/bin/env bash
# Cross-builds the Windows cashier.exe (x86_64; Windows 7 and later) on a Debian machine, as
# ../shared/TECH-NOTES.md describes: Debian's rustc-web/cargo-web 1.96 with the std source
# (rust-web-src) build std for x86_64-win7-windows-gnu, linked by mingw-w64. The win7 target's
# std does not need bcryptprimitives.dll, which Wine 8 lacks, and runs on Windows 7 too.
#
#   packaging/build-windows.sh [--install] [cargo args…]   → target/windows/…/release/cashier.exe
#
# --install first installs what it needs with apt-get (as root), as .ci/run does.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=x86_64-win7-windows-gnu
if [ "${1:-}" = --install ]; then
  shift
  need=()
  for package in rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64; do
    dpkg -s "$package" > /dev/null 2>&1 || need+=("$package")
  done
  if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
fi
# Debian's cargo and rustc (the rustup ones have no Windows std), allowed -Zbuild-std.
export PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_WIN7_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
# Its own target dir: another compiler's artefacts never mix with the Linux build's.
exec cargo build --release --locked -Zbuild-std=std,panic_abort --target "$TARGET" \
  --target-dir target/windows --bin cashier --bin cashier-cli "$@"
