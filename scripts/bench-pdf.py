#!/usr/bin/env python3
"""The PDF reader's speed and memory, before and after, against pdfplumber (issue 15).

    python3 scripts/bench-pdf.py [--before REV] [--rounds N] [--callgrind] [--python PY]

Builds `plugins/pdf/examples/read_files.rs` here ("after") and, in a git worktree at REV
(default `main`; the same example copied in, it uses only `Pdf::read`), "before". Reads two
kinds of report: the LibreOffice PDFs of tests/fixtures/reports, and Chromium-printed PDFs
(plugins/pdf/scripts/bench-make-chromium.sh prints the fixture HTML reports into
target/bench/chromium; the committed plugins/pdf/fixtures/read/chromium-*.pdf join them).
Prints, side by side: pages/s on one core (each build reads every file of a kind in one
process, pinned to one CPU; per-file medians of in-process repeats, summed; the median of
`--rounds` rounds run interleaved with pdfplumber's table extraction, which reads the same
files in one Python process), peak memory per page (GNU time's maximum RSS of one read, less
that of the process reading nothing), instructions per document with `--callgrind`, and a
300-page PDF (fixtures joined with pdfunite, cut to 10, 100 and 300 pages by qpdf) read with
its time and peak memory. `uptime` is printed first and last: the machine may be shared.

Needs: cargo, git, pdfinfo/pdfunite (poppler-utils), qpdf, /usr/bin/time, chromium (for the
Chromium PDFs), valgrind (for --callgrind), and pdfplumber in the Python given by --python
(`python3 -m venv /tmp/plumber && /tmp/plumber/bin/pip install pdfplumber`).
"""

import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BENCH = os.path.join(ROOT, "target", "bench")

PLUMBER = r"""
import sys, time, statistics, pdfplumber
reps = int(sys.argv[1])
for f in sys.argv[2:]:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        with pdfplumber.open(f) as pdf:
            for page in pdf.pages:
                page.extract_tables()
        times.append(time.perf_counter() - t)
    print(f, statistics.median(times))
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def uptime():
    return run(["uptime"]).strip()


def build_after():
    run(["cargo", "build", "--release", "-p", "nianbao-pdf", "--example", "read_files"], cwd=ROOT)
    return os.path.join(ROOT, "target", "release", "examples", "read_files")


def build_before(rev):
    src = os.path.join(BENCH, "before-src")
    target = os.path.join(BENCH, "before-target")
    if os.path.isdir(src):
        run(["git", "-C", src, "checkout", "-q", "--detach", rev])
    else:
        run(["git", "-C", ROOT, "worktree", "add", "-q", "--detach", src, rev])
    dest = os.path.join(src, "plugins", "pdf", "examples")
    os.makedirs(dest, exist_ok=True)
    shutil.copy(os.path.join(ROOT, "plugins", "pdf", "examples", "read_files.rs"), dest)
    env = dict(os.environ, CARGO_TARGET_DIR=target)
    run(["cargo", "build", "--release", "-p", "nianbao-pdf", "--example", "read_files"], cwd=src, env=env)
    return os.path.join(target, "release", "examples", "read_files")


def pages(f):
    for line in run(["pdfinfo", f]).splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise SystemExit(f"{f}: pdfinfo gives no page count")


def one_core(cmd):
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + cmd


def ours(binary, files, reps):
    """Seconds per file (median of `reps` reads in one process); None for a file refused."""
    out = run(one_core([binary, "--repeat", str(reps)] + files))
    secs = {}
    for line in out.splitlines():
        f, rest = line.split(" ", 1)
        secs[f] = None if rest.startswith("error:") else float(rest.split()[0])
    return secs


def plumber(python, files, reps):
    out = run(one_core([python, "-c", PLUMBER, str(reps)] + files))
    return {f: float(s) for f, s in (line.rsplit(" ", 1) for line in out.splitlines())}


def peak_kb(cmd):
    with tempfile.NamedTemporaryFile("r") as t:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd, check=True, capture_output=True)
        return int(t.read().split()[-1])


def instructions(binary, f):
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={d}/out", binary, f],
            check=True, capture_output=True, text=True,
        )
    for line in r.stderr.splitlines():
        if "refs:" in line:
            return int(line.split()[-1].replace(",", ""))
    return None


def chromium_pdfs():
    out = os.path.join(BENCH, "chromium")
    if shutil.which("chromium"):
        subprocess.run([os.path.join(ROOT, "plugins/pdf/scripts/bench-make-chromium.sh"), out], check=True)
    made = sorted(glob.glob(os.path.join(out, "*.pdf")))
    return made + sorted(glob.glob(os.path.join(ROOT, "plugins/pdf/fixtures/read/chromium-*.pdf")))


def long_pdfs(sources):
    """The sources joined, over and over, to 300 pages; and its first 10 and 100 pages."""
    out = os.path.join(BENCH, "long")
    os.makedirs(out, exist_ok=True)
    joined, n = [], 0
    while n < 300:
        for f in sources:
            joined.append(f)
            n += pages(f)
    full = os.path.join(out, "joined.pdf")
    run(["pdfunite"] + joined + [full])
    cuts = {}
    for k in (10, 100, 300):
        cuts[k] = os.path.join(out, f"{k}-pages.pdf")
        run(["qpdf", "--empty", "--pages", full, f"1-{k}", "--", cuts[k]])
    return cuts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--before", default="main", help="the revision to compare with (default main)")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5, help="reads of each file per process")
    ap.add_argument("--python", default=sys.executable, help="a Python with pdfplumber")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions per document")
    a = ap.parse_args()

    print("uptime:", uptime())
    builds = {"after": build_after(), "before": build_before(a.before)}
    kinds = {
        "LibreOffice": sorted(glob.glob(os.path.join(ROOT, "tests/fixtures/reports/*-pdf-lo.pdf"))),
        "Chromium": chromium_pdfs(),
    }
    npages = {f: pages(f) for fs in kinds.values() for f in fs}
    have_plumber = subprocess.run([a.python, "-c", "import pdfplumber"], capture_output=True).returncode == 0
    if not have_plumber:
        print(f"pdfplumber is not importable by {a.python}: its column is left out (give --python)")

    rate = {(k, b): [] for k in kinds for b in list(builds) + ["pdfplumber"]}
    for r in range(a.rounds):
        for kind, files in kinds.items():
            order = list(builds) + (["pdfplumber"] if have_plumber else [])
            # Interleaved, and each round in a turned order, so that a change of load on the
            # machine falls on every contestant alike.
            order = order[r % len(order):] + order[: r % len(order)]
            for who in order:
                secs = plumber(a.python, files, max(1, a.reps // 5)) if who == "pdfplumber" else ours(builds[who], files, a.reps)
                read = [f for f in files if secs.get(f) is not None]
                rate[(kind, who)].append(sum(npages[f] for f in read) / sum(secs[f] for f in read))

    base = {b: peak_kb([p]) for b, p in builds.items()}
    print()
    print(f"{'':12} {'files':>5} {'pages':>5} | {'pages/s on one core (median of rounds)':^42} | {'after vs':^9} | {'MB/page (median)':^17} | {'peak MB (max)':^15}")
    print(f"{'kind':12} {'':>5} {'':>5} | {'before':>12} {'after':>12} {'pdfplumber':>14} | {'plumber':>9} | {'before':>8} {'after':>8} | {'before':>7} {'after':>7}")
    for kind, files in kinds.items():
        med = {w: statistics.median(v) if v else float("nan") for (k, w), v in rate.items() if k == kind}
        mem = {b: [] for b in builds}
        peak = {b: 0 for b in builds}
        for f in files:
            for b, p in builds.items():
                kb = peak_kb([p, f])
                peak[b] = max(peak[b], kb)
                mem[b].append((kb - base[b]) / 1024 / npages[f])
        ratio = med["after"] / med["pdfplumber"] if have_plumber else float("nan")
        print(
            f"{kind:12} {len(files):>5} {sum(npages[f] for f in files):>5} | {med['before']:>12,.0f} {med['after']:>12,.0f} {med['pdfplumber']:>14,.1f} | {ratio:>8.0f}× |"
            f" {statistics.median(mem['before']):>8.2f} {statistics.median(mem['after']):>8.2f} | {peak['before'] / 1024:>7.1f} {peak['after'] / 1024:>7.1f}"
        )

    if a.callgrind and shutil.which("valgrind"):
        print()
        print(f"{'instructions per document (callgrind, median)':48} {'before':>14} {'after':>14}")
        for kind, files in kinds.items():
            ir = {b: statistics.median(instructions(p, f) for f in files) for b, p in builds.items()}
            print(f"{kind:48} {ir['before']:>14,.0f} {ir['after']:>14,.0f}")

    print()
    cuts = long_pdfs(kinds["LibreOffice"] + kinds["Chromium"])
    print(f"{'long PDF':12} | {'before s':>9} {'before MB':>10} | {'after s':>9} {'after MB':>10}")
    for k, f in cuts.items():
        row = []
        for b in ("before", "after"):
            row.append(ours(builds[b], [f], 3)[f])
            row.append(peak_kb([builds[b], f]) / 1024)
        print(f"{k:>4} pages   | {row[0] or 0:>9.3f} {row[1]:>10.1f} | {row[2] or 0:>9.3f} {row[3]:>10.1f}")
    print()
    print("uptime:", uptime())


if __name__ == "__main__":
    main()
