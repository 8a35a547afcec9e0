#!/usr/bin/env bash
# Renders a report page written by the HTML plugin in headless Chromium: a PNG screenshot of
# the screen layout and an A4 PDF through the page's print stylesheet, then checks that every
# table label came out of the PDF as text (a glyph missing from the fonts does not).
#
#   scripts/screenshot.sh [REPORT.json | PAGE.html] [OUTDIR]
#
# Defaults: tests/fixtures/site-metadata-box.truth.json, written to HTML with nianbao
# (NIANBAO, default target/release/nianbao), into ./screenshot/. Needs chromium and, for the
# label check, pdftotext (poppler-utils) and python3. When no CJK font is installed it runs
# `apt-get install fonts-noto-cjk` (as root; set NO_INSTALL=1 to skip that and fail instead).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
input=${1:-$here/tests/fixtures/site-metadata-box.truth.json}
outdir=${2:-screenshot}
nianbao=${NIANBAO:-${CARGO_TARGET_DIR:-$here/../../target}/release/nianbao}
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || { echo "chromium not installed (apt-get install chromium)" >&2; exit 2; }

if ! fc-list :lang=zh | grep -q .; then
    if [ "${NO_INSTALL:-}" = 1 ]; then
        echo "no CJK font installed (apt-get install fonts-noto-cjk)" >&2; exit 2
    fi
    echo "no CJK font installed: installing fonts-noto-cjk for this check" >&2
    apt-get update -qq && apt-get install -y -qq fonts-noto-cjk >/dev/null
fi

page=$outdir/report.html
case "$input" in
    *.html|*.htm) cp "$input" "$page" ;;
    *) "$nianbao" convert "$input" -o "$page" ;;
esac

shoot() {
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --no-pdf-header-footer \
        --user-data-dir="$(mktemp -d)" --window-size=1200,3000 "$1" "file://$page" >/dev/null 2>&1
}
shoot --screenshot="$outdir/report.png"
shoot --print-to-pdf="$outdir/report.pdf"
echo "screenshot: $outdir/report.png"
echo "A4 print:   $outdir/report.pdf ($(pdfinfo "$outdir/report.pdf" 2>/dev/null | awk '/^Pages/ {print $2}') pages)"

command -v pdftotext >/dev/null || { echo "SKIP label check: pdftotext not installed"; exit 0; }
# -raw keeps text in painting order, so a table cell's wrapped lines stay together.
pdftotext -raw "$outdir/report.pdf" "$outdir/report.txt"
python3 - "$page" "$outdir/report.txt" <<'EOF'
import html.parser, re, sys

class Cells(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells, self.cur = [], None
    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th"):
            self.cur = [""]
        elif tag == "br" and self.cur is not None:
            self.cur.append("")
    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cur is not None:
            self.cells.extend(l for l in self.cur if l.strip())
            self.cur = None
    def handle_data(self, data):
        if self.cur is not None:
            self.cur[-1] += data

p = Cells()
p.feed(open(sys.argv[1], encoding="utf-8").read())
printed = re.sub(r"\s+", "", open(sys.argv[2], encoding="utf-8").read())
labels = [re.sub(r"\s+", "", c) for c in p.cells if not re.fullmatch(r"[\d.,\s-]*", c)]
missing = [l for l in labels if l not in printed]
print("%d table labels, %d printed in the PDF" % (len(labels), len(labels) - len(missing)))
for l in missing:
    print("  MISSING:", l)
sys.exit(1 if missing else 0)
EOF
