#!/bin/sh
# Compares the PDF writer with LibreOffice: for each report, the time and size of
#   nianbao convert REPORT.json -o R.pdf                      (render + this plugin)
# against
#   nianbao convert REPORT.json -o R.docx && soffice --headless --convert-to pdf R.docx
# (our own DOCX, converted by LibreOffice; the DOCX step's time is not counted).
# Both PDFs of the first report are rendered to PNG (page 1 and the applications table's
# page) for a person to compare. Run from the repository root after
# `cargo build --release --workspace`; needs soffice and pdftoppm.
set -eu
bin=${NIANBAO:-target/release/nianbao}
shared=${SHARED:-../shared/fixtures}
out=${OUT:-/tmp/nianbao-pdf-compare}
command -v soffice >/dev/null || { echo "SKIP: soffice not installed"; exit 0; }
mkdir -p "$out"
now() { date +%s.%N; }
printf '%-22s %10s %8s   %12s %8s\n' report "nianbao ms" KB "soffice ms" KB
for truth in "$shared"/s1-r00[1-6]-html-table.truth.json "$shared"/s1-r008-html-table.truth.json; do
  name=$(basename "$truth" .truth.json)
  t0=$(now); "$bin" convert "$truth" -o "$out/$name.pdf"; t1=$(now)
  "$bin" convert "$truth" -o "$out/$name.docx"
  rm -f "$out/$name-lo.pdf"
  t2=$(now); soffice --headless --convert-to pdf --outdir "$out/lo" "$out/$name.docx" >/dev/null 2>&1; t3=$(now)
  mv "$out/lo/$name.pdf" "$out/$name-lo.pdf"
  printf '%-22s %10.0f %8d   %12.0f %8d\n' "$name" "$(echo "($t1 - $t0) * 1000" | bc)" "$(( $(stat -c %s "$out/$name.pdf") / 1024 ))" \
    "$(echo "($t3 - $t2) * 1000" | bc)" "$(( $(stat -c %s "$out/$name-lo.pdf") / 1024 ))"
done
first=$(basename "$shared"/s1-r001-html-table.truth.json .truth.json)
for pdf in "$out/$first.pdf" "$out/$first-lo.pdf"; do
  pdftoppm -r 60 -png "$pdf" "${pdf%.pdf}-page"
done
echo "PNG pages of $first: $out/$first-page-*.png (nianbao) and $out/$first-lo-page-*.png (LibreOffice)"
