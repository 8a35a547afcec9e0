#!/usr/bin/env python3
"""Makes plugins/pdf/fonts/gbsn00lp-gb2312.ttf, the PDF writer's built-in font.

The source is "AR PL SungtiL GB" (gbsn00lp.ttf, a 宋体 with TrueType outlines, Arphic Public
License) from Debian's fonts-arphic-gbsn00lp package. The subset keeps GB2312, ASCII and the
punctuation blocks, drops the hinting and the vertical-metrics and `mort` tables (a PDF viewer
needs none of them), draws a box in .notdef so that characters the font lacks show as boxes,
and records that change in the name table as the licence (section 2a) asks.

    python3 plugins/pdf/scripts/write-subset-font.py [path/to/gbsn00lp.ttf]

Without an argument it fetches the Debian package with `apt-get download`. Needs fontTools.
"""
import glob
import os
import shutil
import subprocess
import sys
import tempfile

from fontTools import subset
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
FONTS = os.path.join(HERE, "..", "fonts")
OUT = os.path.join(FONTS, "gbsn00lp-gb2312.ttf")
NOTICE = ("Modified for nianbao in 2025 by plugins/pdf/scripts/write-subset-font.py: subset to "
          "GB2312, ASCII and punctuation; hinting, vertical metrics and the mort table removed; "
          "a box drawn in .notdef. Arphic Public License, see ARPHICPL.TXT.")


def gb2312_text():
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def fetch_source(work):
    subprocess.run(["apt-get", "download", "fonts-arphic-gbsn00lp"], cwd=work, check=True)
    deb = glob.glob(os.path.join(work, "fonts-arphic-gbsn00lp_*.deb"))[0]
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(work, "x")], check=True)
    doc = os.path.join(work, "x/usr/share/doc/fonts-arphic-gbsn00lp/license")
    subprocess.run(["gunzip", "-k", os.path.join(doc, "english/ARPHICPL.TXT.gz")], check=True)
    shutil.copy(os.path.join(doc, "english/ARPHICPL.TXT"), os.path.join(FONTS, "ARPHICPL.TXT"))
    shutil.copy(os.path.join(doc, "gb/ARPHICPL.TXT"), os.path.join(FONTS, "ARPHICPL-GB.TXT"))
    return os.path.join(work, "x/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf")


def box_notdef(font):
    """An outlined box, so that a character missing from the font is visible."""
    upm = font["head"].unitsPerEm
    left, right, bottom, top = upm // 8, upm * 7 // 8, -upm // 16, upm * 13 // 16
    stroke = upm // 20
    pen = TTGlyphPen(None)
    for (x0, y0, x1, y1), clockwise in (((left, bottom, right, top), True),
                                        ((left + stroke, bottom + stroke, right - stroke, top - stroke), False)):
        points = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
        if not clockwise:
            points.reverse()
        pen.moveTo(points[0])
        for p in points[1:]:
            pen.lineTo(p)
        pen.closePath()
    glyph = pen.glyph()
    glyph.recalcBounds(font["glyf"])
    font["glyf"][".notdef"] = glyph
    font["hmtx"][".notdef"] = (upm, left)


def main():
    os.makedirs(FONTS, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        source = sys.argv[1] if len(sys.argv) > 1 else fetch_source(work)
        font = TTFont(source, recalcTimestamp=False)
        options = subset.Options()
        options.hinting = False
        options.glyph_names = False
        options.notdef_outline = True
        options.drop_tables += ["mort", "vhea", "vmtx", "gasp"]
        options.name_IDs = ["*"]
        sub = subset.Subsetter(options)
        sub.populate(text=gb2312_text(),
                     unicodes=list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + list(range(0x2000, 0x2070))
                     + list(range(0x3000, 0x3040)) + list(range(0xFF00, 0xFFF0)))
        sub.subset(font)
        box_notdef(font)
        font["name"].setName(NOTICE, 10, 3, 1, 0x409)
        font["name"].setName(NOTICE, 10, 1, 0, 0)
        font.save(OUT)
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
