#!/usr/bin/env python3
"""Writes the PDF reader's hand-made test PDFs into ../fixtures/read/.

Every object is written by hand (no PDF library), so that each font class and geometry the
reader must handle is present exactly once and on purpose:

  stsong-ucs2.pdf   non-embedded STSong-Light, UniGB-UCS2-H and UniGB-UCS2-V (vertical label),
                    no ToUnicode; flipped coordinates (1 0 0 -1 0 842 cm); rules as thin filled
                    rectangles; a table continued on page 2 without its header; running header
                    and '- N -' page numbers; Info with custom keys (UTF-16BE).
  gbk-cmaps.pdf     non-embedded fonts with GBK-EUC-H (font name in raw GBK bytes), GB-EUC-H,
                    GBKp-EUC-H, GBK2K-H (a four-byte GB18030 code) and UniGB-UTF16-H (a surrogate
                    pair); a text matrix with tiny scale and huge font size; TJ kerning; a table
                    ruled with m/l/S strokes over grey row backgrounds (re f); a Form XObject.
  identity.pdf      Identity-H with an embedded TrueType subset and no ToUnicode (made with
                    fontTools from WenQuanYi Micro Hei, if both are present); Identity-H whose
                    ToUnicode uses bfrange in both forms and points at Kangxi radicals and CJK
                    compatibility ideographs; an Identity-V label with ToUnicode; Helvetica text
                    with real spaces; marked content with /ActualText.
  scanned.pdf       one page that is only an image: no text layer.

Run: python3 scripts/read-make-fixtures.py   (from plugins/pdf). The encrypted and Chromium
fixtures are made by scripts/read-make-fixtures.sh.
"""
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "read")
W, H = 595.0, 842.0


class Pdf:
    def __init__(self):
        self.objs = []

    def add(self, body):
        self.objs.append(body if isinstance(body, bytes) else body.encode("latin-1"))
        return len(self.objs)

    def reserve(self):
        self.objs.append(None)
        return len(self.objs)

    def set(self, n, body):
        self.objs[n - 1] = body if isinstance(body, bytes) else body.encode("latin-1")

    def stream(self, data, extra=b"", compress=True):
        if compress:
            data = zlib.compress(data)
            extra += b"/Filter/FlateDecode"
        return self.add(b"<<" + extra + b"/Length %d>>stream\n" % len(data) + data + b"\nendstream")

    def write(self, name, root, info=None):
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for i, o in enumerate(self.objs, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objs) + 1)
        for off in offsets:
            out += b"%010d 00000 n \n" % off
        info_ref = b"/Info %d 0 R" % info if info else b""
        out += b"trailer\n<</Size %d/Root %d 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (len(self.objs) + 1, root, info_ref, xref)
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(out)

    def pages(self, contents, resources):
        """Adds a page tree with one page per content stream; returns the catalog."""
        tree = self.reserve()
        kids = []
        for c in contents:
            s = self.stream(c)
            kids.append(self.add("<</Type/Page/Parent %d 0 R/MediaBox[0 0 %g %g]/Contents %d 0 R/Resources %d 0 R>>" % (tree, W, H, s, resources)))
        self.set(tree, "<</Type/Pages/Kids[%s]/Count %d>>" % (" ".join("%d 0 R" % k for k in kids), len(kids)))
        return self.add("<</Type/Catalog/Pages %d 0 R>>" % tree)


def utf16(s):
    return b"<FEFF" + s.encode("utf-16-be").hex().upper().encode() + b">"


def hexs(b):
    return b"<" + b.hex().upper().encode() + b">"


def cjk_font(pdf, cmap, base=b"/STSong-Light"):
    """A non-embedded Adobe-GB1 font with a predefined CMap and no ToUnicode."""
    desc = pdf.add(b"<</Type/FontDescriptor/FontName" + base + b"/Flags 6/FontBBox[-25 -254 1000 880]"
                   b"/ItalicAngle 0/Ascent 880/Descent -120/CapHeight 880/StemV 93>>")
    cid = pdf.add(b"<</Type/Font/Subtype/CIDFontType0/BaseFont" + base + b"/CIDSystemInfo<</Registry(Adobe)"
                  b"/Ordering(GB1)/Supplement 4>>/FontDescriptor %d 0 R/DW 1000/W[1 95 500 814 907 500 7716 [500]]>>" % desc)
    return pdf.add(b"<</Type/Font/Subtype/Type0/BaseFont" + base + b"/Encoding/" + cmap + b"/DescendantFonts[%d 0 R]>>" % cid)


def width(s):
    return sum(0.5 if ord(c) < 128 else 1.0 for c in s)


def wrap(text, size, first_indent, line_width):
    """Greedy line breaking by character width, as a CJK typesetter would."""
    lines, cur, avail = [], "", line_width - first_indent
    for c in text:
        if (width(cur) + width(c)) * size > avail:
            lines.append(cur)
            cur, avail = "", line_width
        cur += c
    lines.append(cur)
    return lines


def draw_table(xs, top, heights, cells, text, vtext, rule):
    """Draws each cell's box (shared edges drawn twice, as many producers do) and its text.
    cells: (row, col, rowspan, colspan, text, vertical)."""
    ys = [top]
    for h in heights:
        ys.append(ys[-1] + h)
    c = b""
    for r, k, rs, cs, t, vertical in cells:
        x0, x1, y0, y1 = xs[k], xs[k + cs], ys[r], ys[r + rs]
        c += rule(x0, y0, x1, y0) + rule(x0, y1, x1, y1) + rule(x0, y0, x0, y1) + rule(x1, y0, x1, y1)
        if vertical:
            c += vtext((x0 + x1) / 2, (y0 + y1) / 2 - len(t) * 5, t)
        else:
            for n, part in enumerate(t.split("\n")):
                c += text(x0 + 4, y0 + 13 + 12 * n, part, 10)
    return c, ys


# ---------------------------------------------------------------- stsong-ucs2.pdf
def stsong():
    pdf = Pdf()
    h = cjk_font(pdf, b"UniGB-UCS2-H")
    v = cjk_font(pdf, b"UniGB-UCS2-V")
    res = pdf.add("<</Font<</F1 %d 0 R/F2 %d 0 R>>>>" % (h, v))
    left, right = 80.0, 515.0

    def text(x, y, s, size=12, font=b"F1"):
        # Flipped page: the text matrix flips back so glyphs stand upright.
        return b"BT /%s %g Tf 1 0 0 -1 %.2f %.2f Tm %s Tj ET\n" % (font, size, x, y, hexs(s.encode("utf-16-be")))

    def vtext(x, y, s, size=10):
        # Vertical writing: the origin is the top centre of the first glyph.
        return b"BT /F2 %g Tf 1 0 0 -1 %.2f %.2f Tm %s Tj ET\n" % (size, x, y, hexs(s.encode("utf-16-be")))

    def rule(x0, y0, x1, y1):
        # Borders as thin filled rectangles, the way Word and WPS draw them.
        if y0 == y1:
            return b"%.2f %.2f %.2f 0.6 re f\n" % (x0 - 0.3, y0 - 0.3, x1 - x0 + 0.6)
        return b"%.2f %.2f 0.6 %.2f re f\n" % (x0 - 0.3, y0 - 0.3, y1 - y0 + 0.6)

    def chrome(n):
        c = text(W / 2 - 5 * 9, 50, "示例县人民政府信息公开", 9)
        c += b"0.5 w %g 56 m %g 56 l S\n" % (left, right)
        c += text(W / 2 - 12, 800, "- %d -" % n, 10)
        return c

    xs = [80.0, 110.0, 300.0, 410.0, 515.0]
    p1 = b"1 0 0 -1 0 842 cm\n" + chrome(1)
    title = "示例县人民政府2023年政府信息公开工作年度报告"
    y = 100.0
    for line in wrap(title, 20, 0, right - left):
        p1 += text(left + (right - left - width(line) * 20) / 2, y, line, 20)
        y += 30
    y += 10
    para = ("本报告根据《中华人民共和国政府信息公开条例》编制,全文包括总体情况、主动公开政府信息情况等内容。"
            "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。")
    for i, line in enumerate(wrap(para, 12, 24, right - left)):
        p1 += text(left + (24 if i == 0 else 0), y, line)
        y += 20
    p1 += text(left + 24, y, "一、总体情况")
    y += 20
    cells = [(0, 0, 2, 1, "类别", False), (0, 1, 2, 1, "项目", False), (0, 2, 1, 2, "数量", False),
             (1, 2, 1, 1, "本年", False), (1, 3, 1, 1, "上年", False),
             (2, 0, 4, 1, "办理结果", True), (6, 0, 2, 1, "其他", True)]
    items = ["予以公开", "部分公开", "不予公开", "法律服务\n机构", "无法提供", "不予处理"]
    for n, it in enumerate(items):
        cells += [(2 + n, 1, 1, 1, it, False), (2 + n, 2, 1, 1, str(3 * n + 1), False), (2 + n, 3, 1, 1, "", False)]
    heights = [18, 18] + [30 if "\n" in it else 18 for it in items]
    part, ys = draw_table(xs, y, heights, cells, text, vtext, rule)
    p1 += part
    # The table goes on at the top of page 2, without repeating its header.
    p2 = b"1 0 0 -1 0 842 cm\n" + chrome(2)
    cells2 = [(0, 0, 3, 1, "结转", True)]
    for n, it in enumerate(["结转下年", "本年新收", "总计"]):
        cells2 += [(n, 1, 1, 1, it, False), (n, 2, 1, 1, str(100 + n), False), (n, 3, 1, 1, "/", False)]
    part2, ys2 = draw_table(xs, 100.0, [18, 18, 18], cells2, text, vtext, rule)
    p2 += part2
    y = ys2[-1] + 30
    for i, line in enumerate(wrap("表格之后的正文段落,说明本年度的其他情况。", 12, 24, right - left)):
        p2 += text(left + (24 if i == 0 else 0), y, line)
        y += 20
    sig = "示例县人民政府办公室"
    p2 += text(right - width(sig) * 12, y + 20, sig)
    date = "2024年1月20日"
    p2 += text(right - width(date) * 12, y + 40, date)
    root = pdf.pages([p1, p2], res)
    info = pdf.add(b"<</Title" + utf16(title) + b"/Author" + utf16("示例县人民政府办公室") +
                   b"/CreationDate(D:20240120093000+08'00')/Producer(read-make-fixtures.py)"
                   b"/#E7#B4#A2#E5#BC#95#E5#8F#B7" + utf16("000014349/2024-00012") + b">>")
    pdf.write("stsong-ucs2.pdf", root, info)


# ---------------------------------------------------------------- gbk-cmaps.pdf
def gbk_cmaps():
    pdf = Pdf()
    fonts = {
        # The font's name is its Chinese name in raw GBK bytes (宋体), as some producers write it.
        "F1": (cjk_font(pdf, b"GBK-EUC-H", b"/#CB#CE#CC#E5"), "gbk"),
        "F2": (cjk_font(pdf, b"GB-EUC-H"), "gb2312"),
        "F3": (cjk_font(pdf, b"GBKp-EUC-H"), "gbk"),
        "F4": (cjk_font(pdf, b"GBK2K-H"), "gb18030"),
        "F5": (cjk_font(pdf, b"UniGB-UTF16-H"), "utf-16-be"),
    }
    form_text = b"BT /F1 12 Tf 80 80 Td " + hexs("表单中的文字".encode("gbk")) + b" Tj ET"
    form = pdf.stream(form_text, b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]")
    res = pdf.add("<</Font<<%s>>/XObject<</X1 %d 0 R>>>>" % ("".join("/%s %d 0 R" % (k, v[0]) for k, v in fonts.items()), form))

    def text(x, y, s, font="F1", size=12):
        return b"BT /%s %g Tf %.2f %.2f Td %s Tj ET\n" % (font.encode(), size, x, H - y, hexs(s.encode(fonts[font][1])))

    c = text(80, 100, "二、主动公开政府信息情况", "F1", 16)
    # A text matrix with a tiny scale and a huge font size: 0.01 * 1200 = 12 pt on the page.
    c += b"BT /F1 1200 Tf 0.01 0 0 0.01 104 %.2f Tm %s Tj ET\n" % (H - 130, hexs("2023年共收到申请12件,".encode("gbk")))
    c += text(80, 150, "办结率100%。", "F1")
    c += text(80, 180, "三、收到和处理政府信息公开申请情况", "F2", 16)
    c += text(80, 210, "联系人:王堃", "F3")
    c += text(80, 240, "生僻字㐀测试", "F4")
    c += text(80, 270, "扩展字𠀀测试", "F5")
    # TJ with kerning that is not a space, and one that is.
    c += b"BT /F1 12 Tf 80 %.2f Td [%s -20 %s -1500 %s] TJ ET\n" % (
        H - 300, hexs("紧".encode("gbk")), hexs("排".encode("gbk")), hexs("ABC".encode("gbk")))
    c += b"q 1 0 0 1 0 240 cm /X1 Do Q\n"
    # A table ruled with strokes, over grey row backgrounds.
    xs, ys = [80, 200, 320, 440], [400, 420, 440, 460]
    for r in range(3):
        if r % 2 == 0:
            c += b"0.9 g %g %g %g %g re f 0 g\n" % (xs[0], H - ys[r + 1], xs[-1] - xs[0], ys[r + 1] - ys[r])
    c += b"0.5 w\n"
    for y in ys:
        c += b"%g %g m %g %g l S\n" % (xs[0], H - y, xs[-1], H - y)
    for x in xs:
        c += b"%g %g m %g %g l S\n" % (x, H - ys[0], x, H - ys[-1])
    for r, row in enumerate([["指标", "2022年", "2023年"], ["收到", "10", "12"], ["办结", "9", "12"]]):
        for k, t in enumerate(row):
            c += text(xs[k] + 5, ys[r] + 14, t, "F1", 10)
    # A diagonal watermark in light grey, drawn first: decoration, not text of the page.
    c = b"q 0.85 g BT /F1 60 Tf 0.7071 0.7071 -0.7071 0.7071 150 250 Tm %s Tj ET Q\n" % hexs("内部资料".encode("gbk")) + c
    # A three-line table (三线表): rules above and below the header and at the bottom only.
    top = 600
    c += b"1.5 w 80 %g m 440 %g l S 0.75 w 80 %g m 440 %g l S 1.5 w 80 %g m 440 %g l S\n" % (
        H - top, H - top, H - top - 22, H - top - 22, H - top - 88, H - top - 88)
    for r, row in enumerate([["地区", "收到申请", "办结"], ["城区", "12", "11"], ["郊区", "5", "5"], ["合计", "17", "16"]]):
        for k, t in enumerate(row):
            c += text(90 + 130 * k, top + 15 + 22 * r, t, "F1", 10)
    root = pdf.pages([c], res)
    pdf.write("gbk-cmaps.pdf", root)


# ---------------------------------------------------------------- identity.pdf
def subset_ttf(chars):
    """A TrueType subset of WenQuanYi Micro Hei with only `chars`, and each char's glyph id."""
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    src = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    if not os.path.exists(src):
        return None
    import io
    font = TTFont(src, fontNumber=0)
    opts = subset.Options()
    opts.glyph_names = True
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    cmap = font.getBestCmap()
    order = font.getGlyphOrder()
    return buf.getvalue(), {c: order.index(cmap[ord(c)]) for c in chars}


def identity():
    pdf = Pdf()
    c = b""
    res_fonts = []
    embedded_text = "嵌入字体无映射表"
    ttf = subset_ttf(embedded_text)
    if ttf:
        data, gids = ttf
        ff = pdf.stream(data, b"/Length1 %d" % len(data))
        desc = pdf.add(b"<</Type/FontDescriptor/FontName/ABCDEF+WenQuanYiMicroHei/Flags 4/FontBBox[0 -200 1000 900]"
                       b"/ItalicAngle 0/Ascent 900/Descent -200/CapHeight 800/StemV 80/FontFile2 %d 0 R>>" % ff)
        cid = pdf.add(b"<</Type/Font/Subtype/CIDFontType2/BaseFont/ABCDEF+WenQuanYiMicroHei/CIDSystemInfo<</Registry(Adobe)"
                      b"/Ordering(Identity)/Supplement 0>>/FontDescriptor %d 0 R/DW 1000/CIDToGIDMap/Identity>>" % desc)
        f1 = pdf.add(b"<</Type/Font/Subtype/Type0/BaseFont/ABCDEF+WenQuanYiMicroHei/Encoding/Identity-H/DescendantFonts[%d 0 R]>>" % cid)
        res_fonts.append("/F1 %d 0 R" % f1)
        codes = b"".join(gids[ch].to_bytes(2, "big") for ch in embedded_text)
        c += b"BT /F1 14 Tf 80 700 Td %s Tj ET\n" % hexs(codes)
    # Identity-H with a ToUnicode whose targets are Kangxi radicals (U+2F8F is the radical
    # that looks like 行) and a CJK compatibility ideograph (U+F9D1 looks like 六), mapped with
    # bfchar and both bfrange forms over a two-byte codespace.
    tounicode = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                 b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                 b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                 b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                 b"3 beginbfchar <0001> <2F8F> <0002> <653F> <0003> <F9D1> endbfchar\n"
                 b"2 beginbfrange <0010> <0012> <4E00> <0020> <0022> [<516C> <5F00> <002000410042>] endbfrange\n"
                 b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    tu = pdf.stream(tounicode)
    desc2 = pdf.add(b"<</Type/FontDescriptor/FontName/SimSun/Flags 6/FontBBox[0 -141 1000 859]/ItalicAngle 0"
                    b"/Ascent 859/Descent -141/CapHeight 859/StemV 80>>")
    cid2 = pdf.add(b"<</Type/Font/Subtype/CIDFontType2/BaseFont/SimSun/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)"
                   b"/Supplement 0>>/FontDescriptor %d 0 R/DW 1000/W[34 [500 500]]>>" % desc2)
    f2 = pdf.add(b"<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/Identity-H/DescendantFonts[%d 0 R]/ToUnicode %d 0 R>>" % (cid2, tu))
    f3 = pdf.add(b"<</Type/Font/Subtype/Type0/BaseFont/SimSun/Encoding/Identity-V/DescendantFonts[%d 0 R]/ToUnicode %d 0 R>>" % (cid2, tu))
    f4 = pdf.add(b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>")
    res_fonts += ["/F2 %d 0 R" % f2, "/F3 %d 0 R" % f3, "/F4 %d 0 R" % f4]
    res = pdf.add("<</Font<<%s>>>>" % "".join(res_fonts))
    # 行政 一丁丂 公开 AB 六   (codes 0001 0002 0010 0011 0012 0020 0021 0022 0003)
    c += b"BT /F2 14 Tf 80 650 Td <0001000200100011001200200021> Tj <0022> Tj <0003> Tj ET\n"
    # A vertical label: 公开行政, downwards from the top centre.
    c += b"BT /F3 12 Tf 300 600 Td <0020002100010002> Tj ET\n"
    # /ActualText replaces the text of the glyphs it spans: one glyph, then two glyphs as one.
    c += (b"BT /F2 14 Tf 80 450 Td /Span <</ActualText <FEFF58F9>>> BDC <0010> Tj EMC "
          b"/Span <</MCID 3 /ActualText (AB)>> BDC <00110012> Tj EMC <0020> Tj ET\n")
    c += b"BT /F4 12 Tf 80 500 Td (Open Government Information 2023) Tj ET\n"
    c += b"BT /F4 12 Tf 80 480 Td 5 Tw (word spaced) Tj ET\n"
    root = pdf.pages([c], res)
    pdf.write("identity.pdf", root)


# ---------------------------------------------------------------- scanned.pdf
def scanned():
    pdf = Pdf()
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(16) for x in range(16))
    img = pdf.stream(pixels, b"/Type/XObject/Subtype/Image/Width 16/Height 16/ColorSpace/DeviceGray/BitsPerComponent 8")
    res = pdf.add("<</XObject<</Im1 %d 0 R>>>>" % img)
    root = pdf.pages([b"q 595 0 0 842 0 0 cm /Im1 Do Q\n"], res)
    pdf.write("scanned.pdf", root)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    stsong()
    gbk_cmaps()
    identity()
    scanned()
