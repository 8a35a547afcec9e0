#!/usr/bin/env bash
# Installs the third-party programs that some tests use to check our files from the outside:
# LibreOffice (opens our DOCX/XLSX, converts fixtures), poppler (pdftotext, pdffonts, pdftoppm),
# with poppler-data (the predefined CJK CMaps, without which poppler reads no text from PDFs
# set in them), Chromium with ChromeDriver and a CJK font (renders our HTML, drives the page of
# `nianbao serve`), qpdf, GNU time, python-docx/openpyxl (make and read documents), and
# pyarrow/pandas/duckdb (read the datasets). Without them those
# tests say "SKIP: …" on the terminal and in target/tmp/skipped-tests.txt, which .ci/run prints.
set -uo pipefail

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq &&
        apt-get install -y -qq --no-install-recommends \
            poppler-utils poppler-data qpdf time libreoffice-writer-nogui libreoffice-calc-nogui chromium chromium-driver fonts-noto-cjk >/dev/null ||
        echo "install-test-tools: apt-get failed; the tests that need these tools will skip" >&2
else
    echo "install-test-tools: not root or no apt-get; skipping system packages" >&2
fi
python3 -m pip install -q python-docx openpyxl pyarrow pandas duckdb 2>/dev/null ||
    echo "install-test-tools: pip failed; the tests that need these Python packages will skip" >&2
exit 0
