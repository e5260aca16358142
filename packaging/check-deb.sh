#!/usr/bin/env bash
# Inspects the .deb as a shop's machine would get it: its file list, the desktop entry
# (desktop-file-validate), the AppStream metainfo (appstreamcli; errors fail, warnings are shown),
# the icons at every size, the font's licence; then unpacks it into a temporary root and runs the
# packaged `cashier --version` from there. Run after `packaging/build.sh deb`; CI runs both.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(cargo metadata --no-deps --format-version 1 --locked \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["packages"][0]["version"])')
deb="target/packages/cashier_${version}_amd64.deb"
[ -f "$deb" ] || { echo "no $deb: run packaging/build.sh deb" >&2; exit 1; }

listing=$(dpkg-deb -c "$deb")
expect() {
  grep -q -- "$1\$" <<<"$listing" || { echo "missing from the package: $1" >&2; exit 1; }
}
expect ./usr/bin/cashier
expect ./usr/share/applications/cashier.desktop
expect ./usr/share/metainfo/cashier.metainfo.xml
for size in 16 24 32 48 64 128 256 512; do
  expect "./usr/share/icons/hicolor/${size}x${size}/apps/cashier.png"
done
expect ./usr/share/doc/cashier/wqy-microhei-LICENSE.txt
expect ./usr/share/doc/cashier/copyright
expect ./usr/lib/systemd/system/cashier-notify.service
dpkg-deb -f "$deb" Package Version Architecture Depends

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
desktop-file-validate "$root/usr/share/applications/cashier.desktop"
if command -v appstreamcli >/dev/null 2>&1; then
  # The component id is not reverse-DNS (the project has no domain yet): a warning, not an error.
  out=$(appstreamcli validate --no-net "$root/usr/share/metainfo/cashier.metainfo.xml" 2>&1 || true)
  echo "$out"
  if grep -q '^E:' <<<"$out"; then exit 1; fi
fi
for size in 16 512; do
  file "$root/usr/share/icons/hicolor/${size}x${size}/apps/cashier.png" | grep -q "${size} x ${size}" \
    || { echo "icon ${size} is not ${size}×${size}" >&2; exit 1; }
done
# The service's unit runs the binary the package installs, as a user the package makes.
unit="$root/usr/lib/systemd/system/cashier-notify.service"
exec_path=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ -x "$root$exec_path" ] || { echo "the unit runs $exec_path, which the package does not install" >&2; exit 1; }
user=$(sed -n 's/^User=//p' "$unit")
postinst=$(mktemp -d)
dpkg-deb -e "$deb" "$postinst"
grep -q "adduser --system --group .* $user\b" "$postinst/postinst" \
  || { echo "the unit runs as $user, whom the package does not make" >&2; exit 1; }
packaged=$("$root/usr/bin/cashier" --version)
echo "$packaged"
grep -q "^cashier ${version} (" <<<"$packaged" || { echo "unexpected version: $packaged" >&2; exit 1; }
echo "package checked: $deb"
