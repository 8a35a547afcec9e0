#!/bin/sh
# Makes Chromium-printed PDFs of the fixture reports for the reader's benchmark: Debian's
# chromium headless `--print-to-pdf` of tests/fixtures/reports/*-html-table.html, as people
# print a web page of a report — tagged PDFs (a structure tree of a thousand-odd objects), CID
# TrueType and Type 3 fonts with ToUnicode. Usage: bench-make-chromium.sh OUT_DIR
# (`scripts/bench-pdf.sh` calls it into target/bench/chromium/; the files are not committed:
# plugins/pdf/fixtures/read/chromium-*.pdf are the committed ones).
set -e
out=${1:?usage: bench-make-chromium.sh OUT_DIR}
mkdir -p "$out"
reports="$(cd "$(dirname "$0")/../../../tests/fixtures/reports" && pwd)"
for html in "$reports"/*-html-table.html; do
    name=$(basename "$html" .html)
    [ -s "$out/$name-chromium.pdf" ] && continue
    chromium --headless --no-sandbox --disable-gpu --print-to-pdf="$out/$name-chromium.pdf" "file://$html" 2>/dev/null
done
