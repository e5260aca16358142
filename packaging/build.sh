#!/usr/bin/env bash
# Builds an installable package into target/packages/.
#
#   packaging/build.sh deb       target/packages/cashier_<version>_amd64.deb (cargo-deb)
#   packaging/build.sh windows   target/packages/cashier_<version>_x64-setup.exe (NSIS), from the
#                                exes packaging/build-windows.sh cross-builds
#
# cargo-deb is installed on first use (`cargo install cargo-deb`); the Windows build needs Debian's
# rustc-web, mingw-w64, nsis and imagemagick (`packaging/build-windows.sh --install` installs the
# compilers). macOS packages cannot be built on this Linux machine; see README, "Packages".
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
  windows)
    exe_dir=target/windows/x86_64-win7-windows-gnu/release
    [ -f "$exe_dir/cashier.exe" ] && [ -f "$exe_dir/cashier-cli.exe" ] || packaging/build-windows.sh
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
    stage=target/windows/stage
    mkdir -p "$stage" target/packages
    # The icon Windows shows: every size the icons/ folder has, in one .ico.
    convert icons/cashier-16.png icons/cashier-24.png icons/cashier-32.png icons/cashier-48.png \
      icons/cashier-64.png icons/cashier-128.png icons/cashier-256.png "$stage/cashier.ico"
    cp LICENSE "$stage/LICENSE.txt"
    out=target/packages/cashier_${version}_x64-setup.exe
    makensis -V2 -DVERSION="$version" -DEXE_DIR="$PWD/$exe_dir" -DICON="$PWD/$stage/cashier.ico" \
      -DLICENSE="$PWD/$stage/LICENSE.txt" -DOUT="$PWD/$out" packaging/windows/cashier.nsi
    ls -l "$out"
    ;;
  *)
    echo "usage: packaging/build.sh deb|windows" >&2
    exit 2
    ;;
esac
