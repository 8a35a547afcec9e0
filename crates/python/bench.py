"""Documents per second of nianbao.convert_batch against one `nianbao convert` process per
file, on copies of the fixture documents (HTML, DOCX, PDF, XLSX). Run with the virtual
environment of scripts/test-python.sh, after `cargo build --release`:

    target/py-venv/bin/python crates/python/bench.py [COPIES]
"""

import os
import pathlib
import subprocess
import sys
import time

import pyarrow as pa

import nianbao

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "reports"
CLI = REPO / "target" / "release" / "nianbao"


def main():
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    docs = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".html", ".docx", ".pdf", ".xlsx"))
    files = docs * copies
    t = time.perf_counter()
    batch = pa.RecordBatch.from_pydict(
        {"path": [str(p) for p in files], "bytes": pa.array([p.read_bytes() for p in files], pa.binary())}
    )
    read = time.perf_counter() - t
    print(f"{len(files)} documents ({len(docs)} fixtures x {copies}), {batch.nbytes / 1e6:.1f} MB, read in {read:.2f} s")
    rows = {}
    for jobs in (1, 2):
        t = time.perf_counter()
        cells = nianbao.convert_batch(batch, jobs=jobs)
        dt = time.perf_counter() - t
        rows[jobs] = cells.num_rows
        print(f"convert_batch jobs={jobs}: {len(files) / dt:8.1f} documents/s ({dt:.2f} s, {cells.num_rows} cells)")
    assert rows[1] == rows[2]
    if not CLI.exists():
        print(f"{CLI} is missing: cargo build --release")
        return
    sample = docs * max(1, min(copies, 4))
    env = dict(os.environ, NIANBAO_PLUGIN_PATH="")
    t = time.perf_counter()
    for p in sample:
        # To standard output, thrown away; never `-o /dev/null`, which the atomic write would
        # replace with a regular file.
        subprocess.run([str(CLI), "convert", str(p), "--to", "json"], check=True, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    print(f"nianbao convert, one process per file: {len(sample) / dt:8.1f} documents/s ({len(sample)} files, {dt:.2f} s)")


if __name__ == "__main__":
    main()
