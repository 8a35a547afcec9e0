#!/usr/bin/env python3
"""Compares a whole `nianbao convert PAGE --to json` (read, recognize, write JSON) with pandoc's
HTML reader (`pandoc -f html -t json PAGE`) on the same pages: per page, the median over a few
runs of wall time and of CPU time (user + system, from wait4(2) at microsecond resolution),
and the peak memory (max RSS, from GNU time, in separate runs).

    scripts/bench.py [PAGE.html ...]            default: tests/fixtures/*.html

NIANBAO names the binary (default: target/release/nianbao of the workspace, or of
$CARGO_TARGET_DIR), built with `cargo build --release -p nianbao-cli -p nianbao-html` so
that the plugin sits beside it. RUNS sets the runs per page (default 7).
On a busy machine wall time includes waiting for a core; CPU time does not.
"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "../../target"))
NIANBAO = os.environ.get("NIANBAO", os.path.join(TARGET, "release/nianbao"))
RUNS = int(os.environ.get("RUNS", "7"))


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def run(cmd, rss_file=None):
    """(wall s, cpu s, max rss MB) of one run; the memory only when rss_file is given. Peak
    memory comes from GNU time when it is installed (a child forked from Python starts out with
    Python's pages counted); timed runs go without it, so that neither program is charged for
    the wrapper's own fork and exec."""
    if rss_file and GNU_TIME:
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_file] + cmd
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed: %s\n%s" % (" ".join(cmd), err))
    rss = usage.ru_maxrss
    if rss_file and GNU_TIME:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1])
    return wall, usage.ru_utime + usage.ru_stime, rss / 1024


def measure(cmd, out):
    runs = [run(cmd) for _ in range(RUNS)]
    rss = max(run(cmd, os.path.join(out, "rss"))[2] for _ in range(2))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), rss


def main():
    if not os.access(NIANBAO, os.X_OK):
        sys.exit("no nianbao binary at %s (set NIANBAO)" % NIANBAO)
    if not shutil.which("pandoc"):
        print("SKIP: pandoc not installed")
        return
    pages = sys.argv[1:] or sorted(glob.glob(os.path.join(HERE, "tests/fixtures/*.html")))
    out = tempfile.mkdtemp()
    print("%-26s %5s | %-23s | %-23s | %s" % ("", "", "nianbao convert", "pandoc -f html -t json", "pandoc / nianbao"))
    print("%-26s %5s | %7s %7s %7s | %7s %7s %7s | %6s %6s %6s" % ("page", "KB", "wall s", "cpu s", "MB", "wall s", "cpu s", "MB", "wall", "cpu", "memory"))
    rows = []
    for page in pages:
        n = measure([NIANBAO, "convert", page, "--to", "json", "-o", os.path.join(out, "n.json")], out)
        p = measure(["pandoc", "-f", "html", "-t", "json", page, "-o", os.path.join(out, "p.json")], out)
        rows.append((n, p))
        print("%-26s %5d | %7.4f %7.4f %7.1f | %7.4f %7.4f %7.1f | %5.0fx %5.0fx %5.1fx" % (
            os.path.basename(page)[:26], os.path.getsize(page) // 1024, *n, *p, p[0] / n[0], p[1] / n[1], p[2] / n[2]))
    shutil.rmtree(out)
    med = lambda i, k: statistics.median(r[i][k] for r in rows)
    n, p = [med(0, k) for k in range(3)], [med(1, k) for k in range(3)]
    print("\nmedian over %d pages: nianbao convert %.4f s wall, %.4f s cpu, %.1f MB; "
          "pandoc %.4f s wall, %.4f s cpu, %.1f MB" % (len(rows), *n, *p))
    print("nianbao is %.0fx faster (wall), %.0fx (cpu), with %.1fx less memory; target 20x faster with 5x less"
          % (p[0] / n[0], p[1] / n[1], p[2] / n[2]))


if __name__ == "__main__":
    main()
