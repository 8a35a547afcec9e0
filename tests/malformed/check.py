#!/usr/bin/env python3
"""Runs `nianbao convert FILE --to json` on every file of a folder (see generate.py) and checks
that each one ends in a result or a clear error within the budget: at most 2 s of CPU time and
200 MB of peak memory (resident), exit status 0 or 2, never a signal, and on failure one
`error: FILE: …` line that names the file and is not a contained panic.

CPU time (user + system, from the child's rusage) rather than wall time, so that a busy
machine does not fail the check; a run still going after 20 s of wall time is killed and
counted as a hang.

Usage: check.py --bin PATH/TO/nianbao DIR [--jobs N] [--cpu 2.0] [--mb 200]
Exit status 0 when every file passed, 1 otherwise.
"""

import argparse
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def probe(binary, path, env, wall):
    """One run, forked and reaped with os.wait4 to get this child's own CPU time and peak RSS."""
    t0 = time.time()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            errfd = os.open(errfile(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(errfd, 2)
            os.execve(binary, [binary, "convert", path, "--to", "json", "-o", os.devnull], env)
        finally:
            os._exit(127)
    hung = False
    while True:
        wpid, status, usage = os.wait4(pid, os.WNOHANG)
        if wpid:
            break
        if time.time() - t0 > wall:
            hung = True
            os.killpg(pid, signal.SIGKILL)
            wpid, status, usage = os.wait4(pid, 0)
            break
        time.sleep(0.005)
    with open(errfile(path), "rb") as f:
        err = f.read().decode("utf-8", "replace")
    os.unlink(errfile(path))
    code = os.waitstatus_to_exitcode(status)
    return code, err, hung, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


ERRDIR = tempfile.mkdtemp(prefix="nianbao-malformed-")


def errfile(path):
    return os.path.join(ERRDIR, os.path.basename(path) + ".err")


def verdict(name, code, err, hung, cpu, mb, cpu_limit, mb_limit):
    if hung:
        return "hang (killed after the wall limit)"
    if code < 0:
        return f"killed by signal {-code}"
    if code not in (0, 2):
        return f"exit status {code}"
    if cpu > cpu_limit:
        return f"{cpu:.2f} s of CPU (limit {cpu_limit})"
    if mb > mb_limit:
        return f"{mb:.0f} MB peak (limit {mb_limit})"
    if code == 2:
        lines = [l for l in err.splitlines() if l.startswith("error:")]
        if not lines:
            return "failed without an error line: " + err.strip()[:200]
        if not any(name in l for l in lines):
            return "error does not name the file: " + lines[0][:200]
        if "crashed" in err or "panicked" in err:
            return "a contained panic: " + lines[0][:200]
    if "panicked" in err:
        return "a panic on stderr: " + err.strip()[:200]
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("dir")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--cpu", type=float, default=2.0)
    ap.add_argument("--mb", type=float, default=200.0)
    ap.add_argument("--wall", type=float, default=20.0)
    a = ap.parse_args()
    files = sorted(os.path.join(a.dir, n) for n in os.listdir(a.dir))
    env = dict(os.environ)
    home = tempfile.mkdtemp(prefix="nianbao-malformed-home-")
    env.update(HOME=home, XDG_DATA_HOME=os.path.join(home, "data"), XDG_CACHE_HOME=os.path.join(home, "cache"))
    env.pop("NIANBAO_PLUGIN_PATH", None)
    binary = os.path.abspath(a.bin)

    def one(path):
        code, err, hung, cpu, mb = probe(binary, path, env, a.wall)
        return path, code, cpu, mb, verdict(os.path.basename(path), code, err, hung, cpu, mb, a.cpu, a.mb)

    t0 = time.time()
    bad = []
    worst_cpu = worst_mb = (0.0, "")
    ok = errors = 0
    with ThreadPoolExecutor(max_workers=a.jobs) as ex:
        for path, code, cpu, mb, v in ex.map(one, files):
            name = os.path.basename(path)
            worst_cpu = max(worst_cpu, (cpu, name))
            worst_mb = max(worst_mb, (mb, name))
            if v:
                bad.append((name, v))
            elif code == 0:
                ok += 1
            else:
                errors += 1
    for name, v in bad:
        print(f"FAIL {name}: {v}")
    print(f"{len(files)} files in {time.time() - t0:.0f} s: {ok} converted, {errors} clear errors, {len(bad)} failed")
    print(f"most CPU: {worst_cpu[0]:.2f} s ({worst_cpu[1]}); most memory: {worst_mb[0]:.0f} MB ({worst_mb[1]})")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
