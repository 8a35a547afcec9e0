#!/usr/bin/env python3
"""Makes the small fonts the PDF writer's tests pass with `font=PATH`, in fixtures/write/:

- ascii.ttf             TrueType outlines, printable ASCII only: the CJK text must fall back
                        to the built-in font.
- ascii-cff.otf         the same glyphs as CFF outlines (an OpenType/CFF font, embedded as
                        CIDFontType0 with FontFile3).
- ascii-restricted.ttf  ascii.ttf with the OS/2 embedding flags set to "restricted".

All are cut from the built-in font (fonts/gbsn00lp-gb2312.ttf, AR PL SungtiL GB, Arphic Public
License; see fonts/ARPHICPL.TXT) with fontTools, and say so in their name table.

    python3 plugins/pdf/scripts/write-make-test-fonts.py
"""
import os

from fontTools import subset
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "fonts", "gbsn00lp-gb2312.ttf")
OUT = os.path.join(HERE, "..", "fixtures", "write")
NOTICE = ("Test font for nianbao, cut from AR PL SungtiL GB by plugins/pdf/scripts/write-make-test-fonts.py "
          "(printable ASCII only). Arphic Public License, see plugins/pdf/fonts/ARPHICPL.TXT.")
ASCII = list(range(0x20, 0x7F))


def ascii_ttf():
    font = TTFont(SOURCE, recalcTimestamp=False)
    options = subset.Options()
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=ASCII)
    sub.subset(font)
    font["name"].setName(NOTICE, 10, 3, 1, 0x409)
    return font


def cff_from(ttf):
    """The same glyphs, metrics and names with cubic CFF outlines."""
    order = ttf.getGlyphOrder()
    glyf, hmtx = ttf["glyf"], ttf["hmtx"]
    charstrings = {}
    for name in order:
        pen = T2CharStringPen(hmtx[name][0], None)
        glyf[name].draw(pen, glyf)
        charstrings[name] = pen.getCharString()
    upem = ttf["head"].unitsPerEm
    fb = FontBuilder(upem, isTTF=False)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(ttf.getBestCmap())
    fb.setupCFF("NianbaoTestCFF", {"FullName": "Nianbao Test CFF"}, charstrings, {})
    fb.setupHorizontalMetrics({n: hmtx[n] for n in order})
    hhea = ttf["hhea"]
    fb.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    fb.setupNameTable({"familyName": "Nianbao Test CFF", "styleName": "Regular", "psName": "NianbaoTestCFF",
                       "description": NOTICE})
    fb.setupOS2(sTypoAscender=hhea.ascent, sTypoDescender=hhea.descent, usWinAscent=hhea.ascent,
                usWinDescent=-hhea.descent, fsType=0)
    fb.setupPost()
    return fb.font


def main():
    os.makedirs(OUT, exist_ok=True)
    ttf = ascii_ttf()
    ttf["OS/2"].fsType = 0
    ttf.save(os.path.join(OUT, "ascii.ttf"))
    cff_from(ttf).save(os.path.join(OUT, "ascii-cff.otf"))
    ttf["OS/2"].fsType = 2
    ttf.save(os.path.join(OUT, "ascii-restricted.ttf"))
    for name in ("ascii.ttf", "ascii-cff.otf", "ascii-restricted.ttf"):
        print(name, os.path.getsize(os.path.join(OUT, name)), "bytes")


if __name__ == "__main__":
    main()
