#!/usr/bin/env python3
"""Times nianbao's DOCX conversions against pandoc's, both as whole processes, on the same files.

    bench/compare.py [DOCX_FILES_OR_DIRS ...] [--runs N] [--rounds R] [--nianbao PATH] [--plugin]

For each DOCX (default: the plugin's tests/fixtures) it times
  read:  `nianbao convert X.docx --to json -o out.json`
         vs `pandoc -f docx -t json X.docx -o out.json`
  write: `nianbao convert report.json -o out.docx` (report.json: nianbao's reading of X)
         vs `pandoc -f json -t docx pandoc.json -o out.docx` (pandoc.json: pandoc's reading of X)
and with --plugin also the plugin alone, without the host: the example binary `convert`
(DOCX -> Document JSON, and that Document back to DOCX).

Each measurement is `perf stat -r N` (wall: "time elapsed"; CPU: task-clock, user and system)
where perf is installed, else the median of N runs timed here. Ours and pandoc's alternate in
R rounds, so that a change in the machine's load falls on both; the median round is printed.
Build first:
    cargo build --release --workspace                               # nianbao and the plugins
    cargo build --release -p nianbao-docx --example convert        # for --plugin
Binaries are looked up in $CARGO_TARGET_DIR (else the workspace target/) under release/.
"""
import argparse
import glob
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
WORKSPACE = os.path.dirname(os.path.dirname(CRATE))
PERF = shutil.which("perf")


def perf_works():
    if not PERF:
        return False
    probe = subprocess.run([PERF, "stat", "-r", "1", "true"], capture_output=True, text=True)
    return probe.returncode == 0 and "elapsed" in probe.stderr


def timed(cmd, runs, use_perf):
    """Mean (perf) or median wall and CPU milliseconds of running cmd `runs` times."""
    if use_perf:
        out = subprocess.run([PERF, "stat", "-r", str(runs), "-e", "task-clock", *cmd],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True).stderr
        cpu = float(re.search(r"([\d.]+)\s+msec\s+task-clock", out).group(1))
        wall = float(re.search(r"([\d.]+)\s+(?:\+-\s+[\d.]+\s+)?seconds time elapsed", out).group(1)) * 1e3
        return wall, cpu
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append((time.perf_counter() - start) * 1e3)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3)
    return statistics.median(walls), statistics.median(cpus)


def compare(ours, theirs, args, use_perf):
    """Alternating rounds of ours and theirs; the median round of each, as (wall, cpu)."""
    a, b = [], []
    for _ in range(args.rounds):
        a.append(timed(ours, args.runs, use_perf))
        b.append(timed(theirs, max(3, args.runs // 3), use_perf))
    pick = lambda rs: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
    return pick(a), pick(b)


def files_from(paths):
    out = []
    for p in paths or [os.path.join(CRATE, "tests", "fixtures")]:
        out += sorted(glob.glob(os.path.join(p, "*.docx"))) if os.path.isdir(p) else [p]
    return out


def fmt(t):
    return f"{t[0]:6.1f} ({t[1]:5.1f})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", help="DOCX files or folders (default: the plugin's tests/fixtures)")
    ap.add_argument("--runs", type=int, default=30, help="runs per measurement of ours (pandoc: a third)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--nianbao", help="the nianbao CLI (default: release/nianbao in the target folder)")
    ap.add_argument("--plugin", action="store_true", help="also time the plugin alone (examples/convert)")
    args = ap.parse_args()

    release = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(WORKSPACE, "target")), "release")
    nianbao = args.nianbao or os.path.join(release, "nianbao")
    convert = os.path.join(release, "examples", "convert")
    if not os.path.exists(nianbao):
        sys.exit(f"{nianbao} not found; run: cargo build --release --workspace")
    if args.plugin and not os.path.exists(convert):
        sys.exit(f"{convert} not found; run: cargo build --release -p nianbao-docx --example convert")
    if subprocess.run(["pandoc", "--version"], stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("pandoc is not installed")
    use_perf = perf_works()

    tmp = tempfile.mkdtemp(prefix="nianbao-docx-bench-")
    out = lambda name: os.path.join(tmp, name)
    print(f"milliseconds, wall (CPU); {'perf stat, mean of' if use_perf else 'median of'} {args.runs} runs"
          f" (pandoc {max(3, args.runs // 3)}), median of {args.rounds} alternating rounds")
    print(f"{'file':<22} {'read':>14} {'pandoc':>14} {'x':>5}   {'write':>14} {'pandoc':>14} {'x':>5}")
    rows = []
    for path in files_from(args.inputs):
        subprocess.run([nianbao, "convert", path, "--to", "json", "-o", out("report.json")], check=True)
        subprocess.run(["pandoc", "-f", "docx", "-t", "json", path, "-o", out("pandoc.json")], check=True)
        read = compare([nianbao, "convert", path, "--to", "json", "-o", out("r.json")],
                       ["pandoc", "-f", "docx", "-t", "json", path, "-o", out("p.json")], args, use_perf)
        write = compare([nianbao, "convert", out("report.json"), "-o", out("w.docx")],
                        ["pandoc", "-f", "json", "-t", "docx", out("pandoc.json"), "-o", out("p.docx")], args, use_perf)
        row = [read, write]
        line = (f"{os.path.basename(path)[:22]:<22} {fmt(read[0])} {fmt(read[1])} {read[1][0] / read[0][0]:4.0f}x"
                f"   {fmt(write[0])} {fmt(write[1])} {write[1][0] / write[0][0]:4.0f}x")
        if args.plugin:
            subprocess.run([convert, path, out("doc.json")], check=True)
            alone_r = timed([convert, path, out("a.json")], args.runs, use_perf)
            alone_w = timed([convert, out("doc.json"), out("a.docx")], args.runs, use_perf)
            line += f"   plugin alone: read {fmt(alone_r)} write {fmt(alone_w)}"
        print(line, flush=True)
        rows.append(row)
    if len(rows) > 1:
        med = lambda d, who, k: statistics.median(r[d][who][k] for r in rows)
        print(f"{'median':<22} {med(0, 0, 0):6.1f} ({med(0, 0, 1):5.1f}) {med(0, 1, 0):6.1f} ({med(0, 1, 1):5.1f})"
              f" {med(0, 1, 0) / med(0, 0, 0):4.0f}x   {med(1, 0, 0):6.1f} ({med(1, 0, 1):5.1f})"
              f" {med(1, 1, 0):6.1f} ({med(1, 1, 1):5.1f}) {med(1, 1, 0) / med(1, 0, 0):4.0f}x")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
