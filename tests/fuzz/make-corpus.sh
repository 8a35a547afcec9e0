#!/usr/bin/env bash
# Makes the fuzzer's seed corpus from the project's fixtures: small documents of every format,
# plus PDFs with their streams uncompressed by qpdf (--qdf), so that byte mutations reach the
# content streams and CMaps instead of only breaking a deflate stream.
set -euo pipefail
cd "$(dirname "$0")"
R=../..
rm -rf corpus && mkdir -p corpus/{txt,html,docx,xlsx,xls,ods,pdf}
cp $R/tests/fixtures/seeds/001_*.txt $R/tests/fixtures/seeds/003_*.txt corpus/txt/
cp $R/tests/fixtures/text/s1-r001-pdftotext-layout.txt corpus/txt/
cp $R/tests/fixtures/reports/s1-r007-html-table.html $R/tests/fixtures/reports/s1-r003-html-table.html corpus/html/
cp $R/tests/fixtures/reports/s1-r001-docx.docx $R/tests/fixtures/reports/s1-r005-docx.docx corpus/docx/
cp $R/tests/fixtures/reports/s1-r001-xlsx.xlsx $R/tests/fixtures/reports/s1-r005-xlsx.xlsx $R/plugins/xlsx/tests/fixtures/features.xlsx corpus/xlsx/
cp $R/plugins/xlsx/tests/fixtures/features.xls $R/plugins/xlsx/tests/fixtures/s1-r001-xlsx.xls corpus/xls/
cp $R/plugins/xlsx/tests/fixtures/features.ods $R/plugins/xlsx/tests/fixtures/s1-r004-xlsx.ods corpus/ods/
for f in stsong-ucs2 gbk-cmaps identity rotated lo-cff chromium-noto; do
    cp $R/plugins/pdf/fixtures/read/$f.pdf corpus/pdf/
done
qpdf --qdf --object-streams=disable $R/plugins/pdf/fixtures/read/lo-cff.pdf corpus/pdf/lo-cff-qdf.pdf
qpdf --qdf --object-streams=disable $R/plugins/pdf/fixtures/read/gbk-cmaps.pdf corpus/pdf/gbk-cmaps-qdf.pdf
du -sh corpus
