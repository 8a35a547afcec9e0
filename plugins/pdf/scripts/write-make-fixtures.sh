#!/bin/sh
# Makes plugins/pdf/fixtures/write/*.doc.json: the Documents the host's render hands the PDF
# writer (official layout), for the writer's tests and benchmark. Each is what
# `nianbao inspect --json REPORT.json` shows as "document" for a report of the shared fixtures
# (made with third-party tools, see ../../shared/fixtures/README.md) or of a seed in
# tests/fixtures/seeds. Run from the repository root after `cargo build --release --workspace`.
set -eu
bin=${NIANBAO:-target/release/nianbao}
out=plugins/pdf/fixtures/write
shared=${SHARED:-../shared/fixtures}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
doc() { "$bin" inspect --json "$1" | python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["document"], sys.stdout, ensure_ascii=False, indent=1)' > "$out/$2.doc.json"; }
# 2021 template; 2019 template with the 第二十条第(九)项 rows; a freeform report without tables.
for n in s1-r001 s1-r005 s1-r007; do doc "$shared/$n-html-table.truth.json" "$n"; done
# A real report with tables and the most distinct characters of the seeds.
"$bin" convert tests/fixtures/seeds/003_9300958d04d1753c.txt --to json -o "$tmp/seed.json"
doc "$tmp/seed.json" seed-003
ls -l "$out"
