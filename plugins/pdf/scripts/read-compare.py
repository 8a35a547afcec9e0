#!/usr/bin/env python3
"""Compares the PDF reader with pdfplumber and PyMuPDF on the fixture PDFs.

For each PDF with a NAME.truth.json beside it (default: ../../../../shared/fixtures):
  - nianbao: a whole `nianbao convert FILE --to json` process, median wall time of --runs runs;
  - pdfplumber: open + extract_tables() on every page, in-process;
  - PyMuPDF: open + page.find_tables() on every page, in-process;
and how many of the applications table's 25 truth rows (7 numbers each) each tool got exactly
(a row counts when some extracted row ends in exactly those 7 values, blank = null).
Finally a 54-page report (the first fixture nine times, joined with qpdf) gives nianbao's peak
memory on a long document.

  pip install pdfplumber pymupdf
  python3 scripts/read-compare.py --bin ../../target/release/nianbao [DIR]
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
COLS = ["natural_person", "commercial", "research", "nonprofit", "legal_service", "other", "total"]
ORDER = ["new_received", "carried_over", "granted", "partially_granted", "denied.state_secret",
         "denied.prohibited_by_law", "denied.security_stability", "denied.third_party",
         "denied.internal_affairs", "denied.process_info", "denied.enforcement_files", "denied.inquiry",
         "unavailable.not_held", "unavailable.needs_creation", "unavailable.unclear",
         "not_processed.complaint", "not_processed.repeated", "not_processed.publication",
         "not_processed.excessive", "not_processed.confirmation", "other.no_correction",
         "other.unpaid_fee", "other.other", "other", "total", "carried_forward"]


def norm(v):
    if v is None:
        return None
    s = str(v).strip()
    if s in ("", "—", "-", "/", "无"):
        return None
    try:
        return float(s)
    except ValueError:
        return s


def truth_rows(truth):
    rows = ((truth.get("tables") or {}).get("applications") or {}).get("rows") or {}
    return [[norm(rows[k][c]) for c in COLS] for k in ORDER if k in rows]


def rows_found(want, tables):
    """How many truth rows appear as the last 7 cells of some extracted row."""
    tails = []
    for t in tables:
        for row in t:
            cells = [norm(c) for c in row]
            if len(cells) >= 7:
                tails.append(cells[-7:])
    return sum(1 for w in want if w in tails)


def ours_tables(out):
    t = ((out.get("tables") or {}).get("applications") or {}).get("rows") or {}
    return [[[t[k][c] if t[k].get(c) is not None else None for c in COLS] for k in t]]


def time_it(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def run_nianbao(binary, path, out):
    subprocess.run([binary, "convert", path, "--to", "json", "-o", out], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def plumber(path):
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        return [t for p in pdf.pages for t in p.extract_tables()]


def mupdf(path):
    import pymupdf
    doc = pymupdf.open(path)
    out = [t.extract() for p in doc for t in p.find_tables().tables]
    doc.close()
    return out


def peak_rss_kb(cmd):
    """Peak resident memory of one process, in KiB, by GNU time (a fork of this Python would
    count this interpreter's own memory)."""
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
    return int(p.stderr.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=os.path.join(HERE, "..", "..", "..", "..", "shared", "fixtures"))
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "..", "target", "release", "nianbao"))
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    files = sorted(f for f in glob.glob(os.path.join(args.corpus, "*.pdf"))
                   if os.path.exists(f[:-4] + ".truth.json"))
    if not files:
        sys.exit("no PDFs with truth files in %s" % args.corpus)
    tmp = tempfile.mkdtemp()
    print("%-24s %5s | %9s %7s | %9s %7s | %9s %7s | %6s" % (
        "file", "rows", "nianbao s", "rows ok", "plumber s", "rows ok", "pymupdf s", "rows ok", "speedup"))
    totals = {"n": [], "p": [], "m": []}
    for f in files:
        truth = json.load(open(f[:-4] + ".truth.json", encoding="utf-8"))
        want = truth_rows(truth)
        out = os.path.join(tmp, "out.json")
        tn, _ = time_it(lambda: run_nianbao(args.bin, f, out), args.runs)
        ours = rows_found(want, ours_tables(json.load(open(out, encoding="utf-8"))))
        tp, tabs_p = time_it(lambda: plumber(f), max(1, args.runs // 2))
        tm, tabs_m = time_it(lambda: mupdf(f), max(1, args.runs // 2))
        totals["n"].append(tn)
        totals["p"].append(tp)
        totals["m"].append(tm)
        print("%-24s %5d | %9.4f %7d | %9.4f %7d | %9.4f %7d | %5.0fx" % (
            os.path.basename(f), len(want), tn, ours, tp, rows_found(want, tabs_p), tm,
            rows_found(want, tabs_m), min(tp, tm) / tn))
    med = {k: statistics.median(v) for k, v in totals.items()}
    print("median per document: nianbao %.4f s, pdfplumber %.4f s, PyMuPDF %.4f s: %.0fx faster than the faster peer"
          % (med["n"], med["p"], med["m"], min(med["p"], med["m"]) / med["n"]))
    if shutil.which("qpdf"):
        big = os.path.join(tmp, "big.pdf")
        subprocess.run(["qpdf", "--empty", "--pages"] + [files[0]] * 9 + ["--", big], check=True)
        pages = int(subprocess.run(["qpdf", "--show-npages", big], capture_output=True, text=True).stdout)
        rss = peak_rss_kb([args.bin, "convert", big, "--to", "json", "-o", os.path.join(tmp, "big.json")])
        t, _ = time_it(lambda: subprocess.run([args.bin, "convert", big, "--to", "json", "-o", os.path.join(tmp, "big.json")],
                                              check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), 3)
        mem = "peak memory %.1f MB" % (rss / 1024) if rss else "peak memory unknown (no /usr/bin/time)"
        print("%d-page report: %s, %.3f s as a whole process" % (pages, mem, t))
    else:
        print("SKIP: qpdf not installed, no long-report memory figure")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
