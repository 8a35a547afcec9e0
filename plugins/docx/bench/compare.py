#!/usr/bin/env python3
"""Times the docx plugin against pandoc, both as whole processes, on the same files.

    bench/compare.py [DIR_OR_FILES ...] [--runs N] [--nianbao PATH]

For each DOCX it measures the median over N runs of
  read:  `convert X.docx out.json`  (the plugin's example binary: DOCX -> Document JSON)
         vs `pandoc -f docx -t json X.docx`
  write: `convert doc.json out.docx` (that Document back to DOCX)
         vs `pandoc -f json -t docx` (pandoc's own AST of the same file)
and, with --nianbao, the whole CLI: `nianbao convert X.docx --to json` and
`nianbao convert report.json -o out.docx` (recognize and render included).

Wall-clock time includes starting the process; CPU time (user + system of the child) is also
shown because it varies less on a busy machine. Build first:
    cargo build --release -p nianbao-docx --example convert
The binary is looked up in $CARGO_TARGET_DIR (else the workspace target/) under release/examples.
"""
import argparse
import glob
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CRATE = os.path.dirname(HERE)
WORKSPACE = os.path.dirname(os.path.dirname(CRATE))


def run_timed(cmd, runs):
    """Median wall and CPU seconds of running cmd `runs` times."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def files_from(args):
    paths = args or [os.path.join(CRATE, "tests", "fixtures")]
    out = []
    for p in paths:
        out += sorted(glob.glob(os.path.join(p, "*.docx"))) if os.path.isdir(p) else [p]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs", nargs="*", help="DOCX files or folders (default: tests/fixtures)")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--nianbao", help="the nianbao CLI, to time the whole pipeline as well")
    args = ap.parse_args()

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(WORKSPACE, "target"))
    convert = os.path.join(target, "release", "examples", "convert")
    if not os.path.exists(convert):
        sys.exit(f"{convert} not found; run: cargo build --release -p nianbao-docx --example convert")
    if subprocess.run(["pandoc", "--version"], stdout=subprocess.DEVNULL).returncode != 0:
        sys.exit("pandoc is not installed")

    tmp = tempfile.mkdtemp(prefix="nianbao-docx-bench-")
    rows = []
    header = f"{'file':<24} {'ours read':>10} {'pandoc':>9} {'x':>6}   {'ours write':>10} {'pandoc':>9} {'x':>6}"
    if args.nianbao:
        header += f"   {'cli read':>9} {'cli write':>9}"
    print(f"median of {args.runs} runs, milliseconds, wall (cpu)")
    print(header)
    for path in files_from(args.inputs):
        name = os.path.basename(path)
        doc_json = os.path.join(tmp, "doc.json")
        pandoc_json = os.path.join(tmp, "pandoc.json")
        subprocess.run([convert, path, doc_json], check=True)
        subprocess.run(["pandoc", "-f", "docx", "-t", "json", path, "-o", pandoc_json], check=True)
        ours_r = run_timed([convert, path, os.path.join(tmp, "r.json")], args.runs)
        pan_r = run_timed(["pandoc", "-f", "docx", "-t", "json", path, "-o", os.path.join(tmp, "p.json")], args.runs)
        ours_w = run_timed([convert, doc_json, os.path.join(tmp, "w.docx")], args.runs)
        pan_w = run_timed(["pandoc", "-f", "json", "-t", "docx", pandoc_json, "-o", os.path.join(tmp, "p.docx")], args.runs)
        line = (f"{name[:24]:<24} {ours_r[0]*1e3:>5.1f} ({ours_r[1]*1e3:>4.1f}) {pan_r[0]*1e3:>5.0f} ({pan_r[1]*1e3:>3.0f})"
                f" {pan_r[0]/ours_r[0]:>5.0f}x   {ours_w[0]*1e3:>5.1f} ({ours_w[1]*1e3:>4.1f}) {pan_w[0]*1e3:>5.0f} ({pan_w[1]*1e3:>3.0f})"
                f" {pan_w[0]/ours_w[0]:>5.0f}x")
        row = [ours_r, pan_r, ours_w, pan_w]
        if args.nianbao:
            report = os.path.join(tmp, "report.json")
            subprocess.run([args.nianbao, "convert", path, "--to", "json", "-o", report], check=True)
            cli_r = run_timed([args.nianbao, "convert", path, "--to", "json", "-o", os.path.join(tmp, "c.json")], args.runs)
            cli_w = run_timed([args.nianbao, "convert", report, "-o", os.path.join(tmp, "c.docx")], args.runs)
            line += f"   {cli_r[0]*1e3:>9.1f} {cli_w[0]*1e3:>9.1f}"
            row += [cli_r, cli_w]
        print(line)
        rows.append(row)
    if rows:
        med = lambda i, j: statistics.median(r[i][j] for r in rows)
        print(f"{'median':<24} {med(0,0)*1e3:>5.1f} ({med(0,1)*1e3:>4.1f}) {med(1,0)*1e3:>5.0f} ({med(1,1)*1e3:>3.0f})"
              f" {med(1,0)/med(0,0):>5.0f}x   {med(2,0)*1e3:>5.1f} ({med(2,1)*1e3:>4.1f}) {med(3,0)*1e3:>5.0f} ({med(3,1)*1e3:>3.0f})"
              f" {med(3,0)/med(2,0):>5.0f}x" + (f"   {med(4,0)*1e3:>9.1f} {med(5,0)*1e3:>9.1f}" if args.nianbao else ""))


if __name__ == "__main__":
    main()
