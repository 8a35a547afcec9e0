#!/usr/bin/env python3
"""Writes malformed and hostile inputs for every format nianbao reads, into OUTDIR.

Deterministic (seeded): the same files every run, so a failure can be reproduced by name.
Seeds are the project's fixtures (tests/fixtures, plugins/*/tests/fixtures); on top of each
seed come generic mutations (truncations, byte flips, spliced garbage) and attacks aimed at
the format's structure (ZIP and deflate bombs, lying size fields, XML entity and nesting
bombs, broken and cyclic PDF cross-references, hostile CMaps, cyclic compound-file chains,
lying Word 97 FIB fields, invalid encodings). Each file stays under about 2 MB on disk.

Usage: generate.py OUTDIR [--list]   (prints how many files of each kind it wrote)
"""

import io
import os
import random
import struct
import sys
import zipfile
import zlib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RNG = random.Random(20261207)

SEED_DIRS = [
    "tests/fixtures/reports",
    "tests/fixtures/seeds",
    "tests/fixtures/text",
    "plugins/xlsx/tests/fixtures",
    "plugins/pdf/fixtures/read",
    "plugins/html/tests/fixtures",
    "plugins/doc/tests/fixtures",
]
EXTS = {"pdf", "docx", "xlsx", "xls", "ods", "html", "htm", "txt", "json", "doc"}

written = {}


def out(outdir, kind, name, data):
    path = os.path.join(outdir, name)
    with open(path, "wb") as f:
        f.write(data)
    written[kind] = written.get(kind, 0) + 1


def seeds():
    found = []
    for tag, d in enumerate(SEED_DIRS):
        full = os.path.join(ROOT, d)
        if not os.path.isdir(full):
            continue
        for n in sorted(os.listdir(full)):
            ext = n.rsplit(".", 1)[-1].lower()
            if ext in EXTS and not n.endswith(".truth.json"):
                p = os.path.join(full, n)
                if os.path.getsize(p) <= 1_500_000:
                    found.append((tag, p))
    return found


# ---- generic mutations, for every seed


def truncations(data, n=6):
    cuts = sorted({max(1, int(len(data) * f)) for f in (0.01, 0.1, 0.33, 0.5, 0.9, 0.999)})
    return [data[:c] for c in cuts[:n]]


def flips(data, n=4):
    res = []
    for _ in range(n):
        b = bytearray(data)
        for _ in range(max(1, len(b) // 2000)):
            i = RNG.randrange(len(b))
            b[i] ^= 1 << RNG.randrange(8)
        res.append(bytes(b))
    return res


def splices(data, n=2):
    res = []
    for _ in range(n):
        i = RNG.randrange(len(data))
        junk = bytes(RNG.randrange(256) for _ in range(RNG.randrange(1, 4096)))
        res.append(data[:i] + junk + data[i + len(junk) // 2:])
    return res


# ---- ZIP packages (docx, xlsx, ods)


def zip_entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i, z.read(i.filename)) for i in z.infolist()]


def rezip(entries, compress=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for info, body in entries:
            name = info if isinstance(info, str) else info.filename
            z.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), body, compress_type=compress)
    return buf.getvalue()


def main_part(entries):
    for name in ("word/document.xml", "xl/worksheets/sheet1.xml", "content.xml"):
        for i, (info, body) in enumerate(entries):
            if info.filename == name:
                return i
    return 0


def zip_attacks(data, ext, bombs):
    try:
        entries = zip_entries(data)
    except Exception:  # noqa: BLE001
        return []
    res = []
    k = main_part(entries)
    name, body = entries[k][0].filename, entries[k][1]

    def with_part(new_body, entries=entries, k=k):
        e = list(entries)
        e[k] = (e[k][0], new_body)
        return rezip(e)

    if bombs:
        # A part that inflates to 300 MB of one byte (about 300 KB compressed).
        res.append(("bomb-300mb", with_part(b"<" + b" " * 300_000_000 + b">")))
        # A part that inflates to 250 MB of plausible XML (under a 256 MiB part limit).
        res.append(("bomb-250mb-xml", with_part(body[:200] + b"<w:p>" * 50_000_000)))
        # Many parts of 20 MB each: the total, not each part, is the problem.
        many = list(entries) + [(f"junk/{i}.xml", b"a" * 20_000_000) for i in range(20)]
        res.append(("bomb-many-parts", rezip(many)))
    # Stored (uncompressed) entry whose header says it is huge.
    raw = bytearray(rezip(entries, zipfile.ZIP_STORED))
    j = raw.find(b"PK\x03\x04")
    if j >= 0:
        raw[j + 22:j + 26] = struct.pack("<I", 0xFFFFFFF0)
    res.append(("lying-size", bytes(raw)))
    # Central directory offset past the end.
    raw = bytearray(data)
    e = raw.rfind(b"PK\x05\x06")
    if e >= 0:
        raw[e + 16:e + 20] = struct.pack("<I", 0x7FFFFFFF)
        res.append(("bad-cd-offset", bytes(raw)))
        raw2 = bytearray(data)
        raw2[e + 10:e + 12] = struct.pack("<H", 0xFFFF)
        res.append(("bad-entry-count", bytes(raw2)))
    # Corrupt deflate stream in the main part.
    z = rezip(entries)
    p = z.find(name.encode())
    if p > 0:
        b = bytearray(z)
        for q in range(p + len(name) + 10, min(len(b), p + len(name) + 400), 7):
            b[q] ^= 0x5A
        res.append(("bad-deflate", bytes(b)))
    # The main part missing, or the content types missing.
    res.append(("no-main-part", rezip([x for i, x in enumerate(entries) if i != k])))
    res.append(("only-main-part", rezip([entries[k]])))
    # XML attacks inside the main part.
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(9))
              + b"]><l>&j;</l>")
    res.append(("billion-laughs", with_part(laughs)))
    res.append(("deep-xml", with_part(body[:100] + b"<a>" * 1_000_000 + b"</a>" * 1_000_000)))
    res.append(("truncated-xml", with_part(body[: len(body) // 2])))
    res.append(("invalid-utf8-xml", with_part(body.replace(b">", b">\xff\xfe", 50))))
    res.append(("nul-xml", with_part(body.replace(b"<", b"\x00<", 30))))
    res.append(("empty-part", with_part(b"")))
    # Format-specific count and repeat attacks.
    if ext == "xlsx":
        for i, (info, b) in enumerate(entries):
            if info.filename.endswith("sharedStrings.xml"):
                e = list(entries)
                e[i] = (info, b.replace(b'count="', b'count="4294967295" x="', 1).replace(b'uniqueCount="', b'uniqueCount="4294967295" y="', 1))
                res.append(("shared-strings-count", rezip(e)))
        res.append(("huge-dimension", with_part(body.replace(b"<dimension", b'<dimension ref="A1:XFD1048576"/><x', 1))))
        res.append(("huge-row-number", with_part(body.replace(b'r="1"', b'r="4294967295"', 3))))
        res.append(("huge-merge", with_part(body.replace(b"<mergeCells", b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells><x', 1))))
    if ext == "ods":
        res.append(("repeat-columns", with_part(body.replace(b"<table:table-cell", b'<table:table-cell table:number-columns-repeated="1000000000"', 3))))
        res.append(("repeat-rows", with_part(body.replace(b"<table:table-row", b'<table:table-row table:number-rows-repeated="1000000000"', 3))))
        res.append(("text-s-count", with_part(body.replace(b"<text:p>", b'<text:p><text:s text:c="1000000000"/>', 1))))
        cut = body.find(b"<table:table ")
        if cut > 0:
            res.append(("ends-in-table", with_part(body[: cut + 400])))
    if ext == "docx":
        res.append(("huge-gridspan", with_part(body.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="4294967295"/>', 5))))
        res.append(("huge-vmerge", with_part(body.replace(b"<w:tcPr>", b'<w:tcPr><w:vMerge/>', 400))))
        res.append(("deep-tables", with_part(body[:body.find(b"<w:body>") + 8] + b"<w:tbl><w:tr><w:tc>" * 100_000 + b"</w:body></w:document>")))
    return res


# ---- PDF


def pdf_attacks(data):
    res = []
    # Cross-reference table pointing nowhere, or at itself.
    x = data.rfind(b"startxref")
    if x > 0:
        res.append(("startxref-past-end", data[:x] + b"startxref\n999999999\n%%EOF\n"))
        res.append(("startxref-zero", data[:x] + b"startxref\n0\n%%EOF\n"))
        res.append(("startxref-negative", data[:x] + b"startxref\n-5\n%%EOF\n"))
    res.append(("no-xref", data.replace(b"xref", b"xxxx").replace(b"startxref", b"startxxxx")))
    res.append(("huge-length", data.replace(b"/Length ", b"/Length 99999999999 /X ", 5)))
    res.append(("negative-length", data.replace(b"/Length ", b"/Length -1 /X ", 5)))
    res.append(("huge-count", data.replace(b"/Count ", b"/Count 2147483647 /X ", 2)))
    res.append(("kids-self", data.replace(b"/Kids [", b"/Kids [1 0 R 2 0 R 3 0 R ", 3)))
    res.append(("parent-loop", data.replace(b"/Parent ", b"/Parent 1 0 R /X ", 5)))
    res.append(("deep-array", data.replace(b"/MediaBox", b"/Deep " + b"[" * 100_000 + b"]" * 100_000 + b" /MediaBox", 1)))
    res.append(("deep-dict", data.replace(b"/MediaBox", b"/Deep " + b"<<" * 50_000 + b">>" * 50_000 + b" /MediaBox", 1)))
    res.append(("bad-filter", data.replace(b"/FlateDecode", b"/LZWDecode", 3)))
    res.append(("unknown-filter", data.replace(b"/FlateDecode", b"/JBIG2Decode", 3)))
    res.append(("flate-garbage", data.replace(b"stream\n", b"stream\n\x00\xff\x13\x37", 5)))
    res.append(("encrypt-bogus", data.replace(b"trailer", b"trailer\n<< /Encrypt << /Filter /Standard /V 9 /R 9 >> >>\ntrailer", 1)))
    return res


def pdf_handmade():
    """Small PDFs written by hand: bombs, cycles and hostile fonts."""

    def pdf(objs, root=1):
        body = b"%PDF-1.7\n"
        offs = []
        for i, o in enumerate(objs, 1):
            offs.append(len(body))
            body += b"%d 0 obj\n" % i + o + b"\nendobj\n"
        xref = len(body)
        body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
        for o in offs:
            body += b"%010d 00000 n \n" % o
        body += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, root, xref)
        return body

    def stream(content, extra=b""):
        return b"<< /Length %d %s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"

    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
    font = b"<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
    cid = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /X /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>"
    text = b"BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET"
    res = []
    cat = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    # A content stream that inflates to 1 GB of spaces.
    bomb = zlib.compress(b" " * 1_000_000_000, 9)
    res.append(("flate-bomb-1gb", pdf([cat, pages, page, stream(bomb, b"/Filter /FlateDecode"), font, cid, stream(b"")])))
    # ToUnicode CMaps with absurd ranges.
    huge_range = b"begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <FFFF> <4E00> endbfrange endcmap"
    res.append(("cmap-full-range", pdf([cat, pages, page, stream(text), font, cid, stream(huge_range)])))
    many = b"begincmap 1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange 1 beginbfrange <00000000> <FFFFFFFF> [<4E00>] endbfrange endcmap"
    res.append(("cmap-4byte-range", pdf([cat, pages, page, stream(text), font, cid, stream(many)])))
    res.append(("cmap-garbage", pdf([cat, pages, page, stream(text), font, cid, stream(bytes(RNG.randrange(256) for _ in range(5000)))])))
    res.append(("cmap-usecmap-self", pdf([cat, pages, page, stream(text), font, cid, stream(b"/Self usecmap begincmap endcmap")])))
    # Page trees that loop.
    loop_pages = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    res.append(("pages-loop", pdf([cat, loop_pages, page, stream(text), font, cid, stream(b"")])))
    res.append(("page-is-root", pdf([b"<< /Type /Catalog /Pages 1 0 R >>"])))
    # A Form XObject that draws itself.
    selfform = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /X 5 0 R >> >> >>"
    form = stream(b"/X Do", b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >>")
    res.append(("xobject-recursion", pdf([cat, pages, selfform, stream(b"/X Do"), form])))
    # A content stream of a million operators and a million-deep q stack.
    res.append(("many-ops", pdf([cat, pages, page, stream(b"0 0 m 1 1 l S\n" * 200_000), font, cid, stream(b"")])))
    res.append(("deep-q", pdf([cat, pages, page, stream(b"q " * 1_000_000), font, cid, stream(b"")])))
    res.append(("huge-tj", pdf([cat, pages, page, stream(b"BT /F1 12 Tf [" + b"<0001> -100000 " * 100_000 + b"] TJ ET"), font, cid, stream(b"")])))
    # Object streams that point at themselves.
    objstm = stream(b"1 0 " + b"<< /Type /ObjStm >>", b"/Type /ObjStm /N 1000000 /First 4 /Extends 3 0 R")
    res.append(("objstm-cycle", pdf([cat, pages, objstm])))
    # 100,000 pages declared, one real.
    res.append(("count-lie", pdf([cat, b"<< /Type /Pages /Kids [3 0 R] /Count 100000 >>", page, stream(text), font, cid, stream(b"")])))
    return res


# ---- compound files (xls)


def cfb_attacks(data):
    res = []
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return res
    b = bytearray(data)
    # Sector shift absurd.
    c = bytearray(b)
    c[30:32] = struct.pack("<H", 30)
    res.append(("sector-shift", bytes(c)))
    # Number of FAT sectors huge.
    c = bytearray(b)
    c[44:48] = struct.pack("<I", 0x7FFFFFFF)
    res.append(("fat-count", bytes(c)))
    # First directory sector points at itself through the FAT: a cycle.
    c = bytearray(b)
    first_dir = struct.unpack("<I", c[48:52])[0]
    fat0 = struct.unpack("<I", c[76:80])[0]
    off = 512 + fat0 * 512 + first_dir * 4
    if off + 4 <= len(c):
        c[off:off + 4] = struct.pack("<I", first_dir)
        res.append(("fat-cycle", bytes(c)))
    # DIFAT chain to nowhere.
    c = bytearray(b)
    c[68:72] = struct.pack("<I", 0x00FFFFFF)
    c[72:76] = struct.pack("<I", 5)
    res.append(("difat-nowhere", bytes(c)))
    # Mini stream cutoff zero, directory entries with huge sizes.
    c = bytearray(b)
    c[56:60] = struct.pack("<I", 0)
    res.append(("mini-cutoff-zero", bytes(c)))
    c = bytearray(b)
    for q in range(512 + first_dir * 512 + 120, min(len(c), 512 + first_dir * 512 + 512 * 4), 128):
        c[q:q + 4] = struct.pack("<I", 0xFFFFFFF0)
    res.append(("dir-sizes", bytes(c)))
    # BIFF records with lying lengths: flip the length field of many records.
    c = bytearray(b)
    for q in range(2048, len(c) - 4, 997):
        c[q + 2:q + 4] = b"\xff\xff"
    res.append(("biff-lengths", bytes(c)))
    return res


def doc_attacks(data):
    """Lying fields of a Word 97 FIB (the first 512-byte sector that starts with 0xA5EC)."""
    res = []
    fib = next((o for o in range(512, len(data) - 512, 512) if data[o:o + 2] == b"\xec\xa5"), None)
    if fib is None:
        return res

    def put(at, value, name):
        c = bytearray(data)
        c[fib + at:fib + at + 4] = struct.pack("<I", value)
        res.append((name, bytes(c)))

    put(76, 0x7FFFFFFF, "ccp-text-huge")
    put(0x1A2, 0x7FFFFFF0, "clx-past-end")
    put(0x1A6, 0xFFFFFFF0, "clx-huge")
    put(0x106, 0x0FFFFFF0, "papx-pages-huge")
    put(0x0FE, 0x7FFFFFF0, "chpx-past-end")
    # Which table stream: the other one, absent.
    c = bytearray(data)
    c[fib + 0x0B] ^= 0x02
    res.append(("table-stream-swapped", bytes(c)))
    # Every FKP page number (the bin tables) pointing far away: flip bytes across sector 1.
    c = bytearray(data)
    for q in range(fib + 512, min(len(c), fib + 4096), 7):
        c[q] = 0xFF
    res.append(("fkp-garbage", bytes(c)))
    return res


# ---- text, html, json made from scratch


def text_attacks():
    res = []
    res.append(("empty.txt", b""))
    res.append(("only-bom.txt", b"\xef\xbb\xbf"))
    res.append(("nul.txt", b"\x00" * 100_000))
    res.append(("invalid-utf8.txt", bytes(RNG.randrange(128, 256) for _ in range(100_000))))
    res.append(("utf16-odd.txt", b"\xff\xfe" + "年报".encode("utf-16-le") + b"\x00"))
    res.append(("label-repeated.txt", "自然人\n".encode() * 30_000))
    res.append(("headings-one-line.txt", ("一、总体情况 二、主动公开政府信息情况 " * 8_000).encode()))
    res.append(("pipes-one-line.txt", b"|" * 2_000_000))
    res.append(("tabs-wide.txt", (("1\t" * 50_000) + "\n").encode() * 20))
    res.append(("long-line.txt", ("报" * 1_000_000).encode()))
    res.append(("many-lines.txt", b"\n" * 1_500_000))
    res.append(("front-matter-open.txt", b"---\n" + b"key: value\n" * 100_000))
    res.append(("gb18030-broken.txt", "政府信息公开".encode("gb18030") * 1000 + b"\x81\x30"))
    return res


def html_attacks():
    res = []
    res.append(("deep-div.html", b"<html><body>" + b"<div>" * 1_000_000 + b"x"))
    res.append(("deep-table.html", b"<table><tr><td>" * 100_000))
    res.append(("huge-colspan.html", b"<table><tr><td colspan=2147483647 rowspan=2147483647>1</td></tr></table>"))
    res.append(("many-cells.html", b"<table><tr>" + b"<td>1</td>" * 500_000 + b"</tr></table>"))
    res.append(("huge-attr.html", b"<p class='" + b"a" * 1_500_000 + b"'>x</p>"))
    res.append(("charset-lie.html", b"<meta charset=utf-16><p>\xff\xfe\x00\xd8</p>"))
    res.append(("charset-unknown.html", b"<meta charset=x-nianbao><p>\xe6\x8a\xa5</p>"))
    res.append(("nul.html", b"<p>" + b"\x00" * 100_000 + b"</p>"))
    res.append(("label-repeated.html", b"<html><body>" + "<p>自然人</p>".encode() * 15_000))
    res.append(("entities.html", b"<p>" + b"&#x10FFFF;&#0;&#xD800;&amp" * 50_000 + b"</p>"))
    res.append(("unclosed-comment.html", b"<p>x</p><!--" + b"-" * 1_000_000))
    res.append(("script-huge.html", b"<script>" + b"var a=1;" * 200_000 + b"</script><p>x</p>"))
    return res


def json_attacks():
    res = []
    res.append(("deep.json", b"[" * 1_000_000))
    res.append(("deep-obj.json", b'{"a":' * 200_000))
    res.append(("wrong-model.json", b'{"model":"nianbao.report/9"}'))
    res.append(("no-model.json", b'{"meta":{}}'))
    res.append(("huge-number.json", b'{"model":"nianbao.report/1","meta":{"layout":"gb2021","year":' + b"9" * 100_000 + b'},"sections":[],"tables":{}}'))
    res.append(("wrong-types.json", b'{"model":"nianbao.report/1","meta":{"layout":"gb2021"},"sections":"x","tables":[]}'))
    res.append(("nan.json", b'{"model":"nianbao.report/1","meta":{"layout":"gb2021"},"sections":[],"tables":{"applications":{"layout":"gb2021","rows":{"total":{"total":NaN}}}}}'))
    res.append(("huge-string.json", b'{"model":"nianbao.report/1","meta":{"layout":"gb2021","title":"' + b"a" * 1_500_000 + b'"},"sections":[],"tables":{}}'))
    return res


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(64)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    bombed = {}
    for tag, p in seeds():
        base = os.path.basename(p)
        stem, ext = base.rsplit(".", 1)
        # The same fixture is kept in more than one folder: the tag keeps their names apart.
        stem = f"{tag}-{stem}"
        ext = ext.lower()
        with open(p, "rb") as f:
            data = f.read()
        for i, d in enumerate(truncations(data)):
            out(outdir, "truncation", f"{stem}.trunc{i}.{ext}", d)
        for i, d in enumerate(flips(data)):
            out(outdir, "bit flips", f"{stem}.flip{i}.{ext}", d)
        for i, d in enumerate(splices(data)):
            out(outdir, "spliced garbage", f"{stem}.splice{i}.{ext}", d)
        if ext in ("docx", "xlsx", "ods"):
            # Compressing the bombs is what takes time: two seeds of each kind carry them.
            bombs = bombed.get(ext, 0) < 2
            bombed[ext] = bombed.get(ext, 0) + bombs
            for name, d in zip_attacks(data, ext, bombs):
                out(outdir, f"{ext} structure", f"{stem}.{name}.{ext}", d)
        if ext == "pdf":
            for name, d in pdf_attacks(data):
                out(outdir, "pdf structure", f"{stem}.{name}.{ext}", d)
        if ext in ("xls", "doc"):
            for name, d in cfb_attacks(data):
                out(outdir, "compound file", f"{stem}.{name}.{ext}", d)
        if ext == "doc":
            for name, d in doc_attacks(data):
                out(outdir, "doc structure", f"{stem}.{name}.{ext}", d)
        # The wrong extension for the content.
        if ext in ("pdf", "docx", "xlsx", "doc"):
            wrong = {"pdf": "docx", "docx": "pdf", "xlsx": "html", "doc": "docx"}[ext]
            out(outdir, "wrong extension", f"{stem}.as-{ext}.{wrong}", data)
    for name, d in pdf_handmade():
        out(outdir, "pdf handmade", f"handmade.{name}.pdf", d)
    for name, d in text_attacks():
        out(outdir, "text", f"attack.{name}", d)
    for name, d in html_attacks():
        out(outdir, "html", f"attack.{name}", d)
    for name, d in json_attacks():
        out(outdir, "json", f"attack.{name}", d)
    total = sum(written.values())
    for k in sorted(written):
        print(f"{written[k]:5d}  {k}")
    print(f"{total:5d}  files in {outdir}")


if __name__ == "__main__":
    main()
