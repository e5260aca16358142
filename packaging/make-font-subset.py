#!/usr/bin/env python3
"""Makes assets/fonts/wqy-microhei-gb2312.ttf: WenQuanYi Micro Hei (Apache-2.0, Debian's
fonts-wqy-microhei) cut down to GB2312 (6,763 hanzi and its symbols), ASCII and the full-width
forms a Chinese input method types. Run once; the subset is committed, not this run.

    apt-get install fonts-wqy-microhei && pip install fonttools
    python3 packaging/make-font-subset.py
"""
import pathlib
import subprocess

SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
TARGET = pathlib.Path(__file__).resolve().parent.parent / "assets/fonts/wqy-microhei-gb2312.ttf"

chars = set(chr(c) for c in range(0x20, 0x7F))
chars |= set(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width ASCII forms
chars |= set("¥￥·…—“”‘’《》【】、。，；：？！（）⚠✓✗←→↑↓◀▶")
for high in range(0xA1, 0xF8):
    for low in range(0xA1, 0xFF):
        try:
            chars.add(bytes([high, low]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
text = pathlib.Path("/tmp/gb2312-chars.txt")
text.write_text("".join(sorted(chars)), encoding="utf-8")
subprocess.run(
    ["pyftsubset", SOURCE, "--font-number=0", f"--text-file={text}", "--layout-features=",
     "--no-hinting", f"--output-file={TARGET}"],
    check=True,
)
print(TARGET, TARGET.stat().st_size, "bytes,", len(chars), "characters")
