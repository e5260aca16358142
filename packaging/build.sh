#!/usr/bin/env bash
# Builds an installable package into target/packages/.
#
#   packaging/build.sh deb     target/packages/cashier_<version>_amd64.deb (cargo-deb)
#
# cargo-deb is installed on first use (`cargo install cargo-deb`). Windows (NSIS/MSI) and macOS
# (.app/.dmg) packages cannot be built on this Linux machine; see README, "Packages".
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-}
case "$kind" in
  deb)
    if ! cargo deb --version >/dev/null 2>&1; then
      cargo install cargo-deb --version "^3.8" --locked
    fi
    mkdir -p target/packages
    # cargo-deb builds the release binary first (a no-op when it is up to date).
    cargo deb --locked --output target/packages/
    ls -l target/packages/*.deb
    ;;
  *)
    echo "usage: packaging/build.sh deb" >&2
    exit 2
    ;;
esac
