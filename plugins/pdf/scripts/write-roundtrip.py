#!/usr/bin/env python3
"""Round trips reports through the PDF writer and reader: JSON → PDF → JSON must be identical.

For every `*.truth.json` of the shared fixtures with tables, and every seed report in
tests/fixtures/seeds (first converted to JSON with the text reader), it runs

    nianbao convert REPORT.json -o R.pdf          # render + this plugin's writer
    nianbao convert R.pdf --to json -o BACK.json  # this plugin's reader + recognize

and compares BACK.json with REPORT.json (keys starting with "_" aside). It also checks the text
with poppler's pdftotext: every paragraph and heading must appear, in order, in the extracted
text once line breaks and page numbers are removed. Prints one line per report and a summary;
exits 1 if any report differs.

    python3 plugins/pdf/scripts/write-roundtrip.py [--bin target/release/nianbao] [--shared ../shared]
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def differences(a, b, path=""):
    number = (int, float)
    if isinstance(a, number) and isinstance(b, number) and not isinstance(a, bool) and not isinstance(b, bool):
        return [] if a == b else [f"{path}: {a} ≠ {b}"]
    if type(a) is not type(b):
        return [f"{path}: {json.dumps(a, ensure_ascii=False)[:120]} ≠ {json.dumps(b, ensure_ascii=False)[:120]}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += differences(a.get(k), b.get(k), f"{path}.{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items ≠ {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {json.dumps(a, ensure_ascii=False)[:120]} ≠ {json.dumps(b, ensure_ascii=False)[:120]}"]


def text_in_order(report, pdf):
    """The paragraphs of the report, found in order in pdftotext's output."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True, check=True).stdout
    lines = [l for l in out.splitlines() if not re.fullmatch(r"\s*— \d+ —\s*", l)]
    flat = re.sub(r"\s+", "", "".join(lines))
    at, missing = 0, []
    texts = [(report.get("meta") or {}).get("title") or ""]
    for section in report.get("sections", []):
        texts += [section.get("title") or ""] + list(section.get("paragraphs", []))
    for t in texts:
        t = re.sub(r"\s+", "", t)
        if not t:
            continue
        found = flat.find(t, at)
        if found < 0:
            missing.append(t[:40])
        else:
            at = found + len(t)
    return missing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/release/nianbao")
    ap.add_argument("--shared", default="../shared")
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    reports = []
    for truth in sorted(glob.glob(os.path.join(args.shared, "fixtures", "*.truth.json"))):
        data = json.load(open(truth))
        if data.get("sections") and any(data.get("tables", {}).values()):
            reports.append((os.path.basename(truth).replace(".truth.json", ""), truth))
    for seed in sorted(glob.glob("tests/fixtures/seeds/*.txt")):
        name = os.path.basename(seed)[:-4]
        out = os.path.join(tmp, name + ".json")
        subprocess.run([args.bin, "convert", seed, "--to", "json", "-o", out], check=True, capture_output=True)
        data = json.load(open(out))
        if any((data.get("tables") or {}).values()):
            reports.append(("seed-" + name, out))
    have_pdftotext = shutil.which("pdftotext") is not None
    failed = 0
    for name, path in reports:
        pdf, back = os.path.join(tmp, name + ".pdf"), os.path.join(tmp, name + ".back.json")
        subprocess.run([args.bin, "convert", path, "-o", pdf], check=True, capture_output=True)
        subprocess.run([args.bin, "convert", pdf, "--to", "json", "-o", back], check=True, capture_output=True)
        want, got = strip(json.load(open(path))), strip(json.load(open(back)))
        diffs = differences(want, got)
        missing = text_in_order(want, pdf) if have_pdftotext else []
        ok = not diffs and not missing
        failed += not ok
        size = os.path.getsize(pdf) // 1024
        print(f"{'ok  ' if ok else 'FAIL'} {name:<24} {size:>4} KB" + ("" if have_pdftotext else "  (pdftotext not installed: text not checked)"))
        for d in diffs[:10]:
            print("     json", d)
        for m in missing[:5]:
            print("     pdftotext lacks", m)
    print(f"{len(reports) - failed} passed, {failed} failed")
    shutil.rmtree(tmp)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
