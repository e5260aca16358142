#!/usr/bin/env bash
# Draws the app icon (收 in white on a green rounded square) at every size the desktop asks for,
# from the bundled CJK font, so each size is drawn sharp rather than scaled from another.
# Needs ImageMagick; the PNGs are committed, so building a package does not.
set -euo pipefail
cd "$(dirname "$0")/.."
font=assets/fonts/wqy-microhei-gb2312.ttf
for size in 16 24 32 48 64 128 256 512; do
  radius=$(( size * 3 / 16 ))
  inset=$(( size / 32 ))
  point=$(( size * 5 / 8 ))
  convert -size "${size}x${size}" xc:none \
    -fill 'rgb(31,122,77)' \
    -draw "roundrectangle ${inset},${inset} $(( size - 1 - inset )),$(( size - 1 - inset )) ${radius},${radius}" \
    -font "$font" -pointsize "$point" -fill white -gravity center -annotate +0+0 '收' \
    -depth 8 "icons/cashier-${size}.png"
done
ls icons
