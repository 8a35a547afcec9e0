#!/usr/bin/env bash
# Installs the third-party programs that some tests use to check our files from the outside:
# LibreOffice (opens our DOCX/XLSX, converts fixtures), poppler (pdftotext, pdffonts, pdftoppm),
# Chromium and a CJK font (renders our HTML), qpdf, and python-docx/openpyxl. Without them those
# tests print "SKIP: …" and pass; everything else runs anyway.
set -uo pipefail

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends \
            poppler-utils qpdf libreoffice-writer-nogui libreoffice-calc-nogui chromium fonts-noto-cjk >/dev/null ||
        echo "install-test-tools: apt-get failed; the tests that need these tools will skip" >&2
else
    echo "install-test-tools: not root or no apt-get; skipping system packages" >&2
fi
python3 -m pip install -q python-docx openpyxl 2>/dev/null ||
    echo "install-test-tools: pip failed; the tests that need python-docx/openpyxl will skip" >&2
exit 0
