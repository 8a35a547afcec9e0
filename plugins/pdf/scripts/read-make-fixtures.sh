#!/bin/sh
# Makes the reader's fixtures that need third-party tools, into ../fixtures/read/:
#   chromium-wqy.pdf  Chromium's print to PDF of read-report.html in WenQuanYi Micro Hei
#        (fonts-wqy-microhei): CID TrueType and Type 3 fonts, running header and footer, a
#        table whose header row repeats on page 2 and whose merged cell is cut by the page break.
#   chromium-noto.pdf  the same of read-type3.html in Noto Serif CJK SC (fonts-noto-cjk):
#        Type 3 fonts whose ToUnicode names the radical ⺠ for 民.
#   encrypted-rc4.pdf, encrypted-aes256.pdf  stsong-ucs2.pdf encrypted by qpdf with an empty
#        user password (only printing restricted).
#   lo-cff.pdf  LibreOffice's export of read-cff.html set in Noto Serif/Sans CJK SC: CFF
#        (Type 1C) subsets with a builtin encoding and a ToUnicode map.
#   rotated.pdf  stsong-ucs2.pdf with its pages shown turned (/Rotate 90 and 270) by qpdf.
#   lo-unruled.pdf  LibreOffice's export of s1-r001-docx.docx (tests/fixtures/reports) with the
#        tables' "Table Grid" style taken out: the three tables drawn with no rules at all.
# Needs: chromium, soffice, qpdf, the fonts above; run read-make-fixtures.py first.
set -e
cd "$(dirname "$0")"
out=../fixtures/read
tmp=$(mktemp -d)
sed "s/FONT/WenQuanYi Micro Hei/" read-report.html > "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --print-to-pdf="$out/chromium-wqy.pdf" "file://$tmp/report.html" 2>/dev/null
sed "s/FONT/Noto Serif CJK SC/" read-type3.html > "$tmp/type3.html"
chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf="$out/chromium-noto.pdf" \
    "file://$tmp/type3.html" 2>/dev/null
cp read-cff.html "$tmp/lo-cff.html"
soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$tmp" "$tmp/lo-cff.html" >/dev/null 2>&1
cp "$tmp/lo-cff.pdf" "$out/lo-cff.pdf"
qpdf --allow-weak-crypto --encrypt "" owner 128 --use-aes=n --print=none -- "$out/stsong-ucs2.pdf" "$out/encrypted-rc4.pdf"
qpdf --encrypt "" owner 256 --print=none -- "$out/stsong-ucs2.pdf" "$out/encrypted-aes256.pdf"
qpdf --rotate=+90:1 --rotate=+270:2 -- "$out/stsong-ucs2.pdf" "$out/rotated.pdf"
python3 - ../../../tests/fixtures/reports/s1-r001-docx.docx "$tmp/lo-unruled.docx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        data = src.read(item.filename)
        if item.filename == "word/document.xml":
            data = data.replace(b'<w:tblStyle w:val="TableGrid"/>', b"")
        dst.writestr(item, data)
PY
soffice --headless --convert-to pdf --outdir "$tmp" "$tmp/lo-unruled.docx" >/dev/null 2>&1
cp "$tmp/lo-unruled.pdf" "$out/lo-unruled.pdf"
rm -r "$tmp"
