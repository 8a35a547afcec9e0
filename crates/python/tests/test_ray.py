"""The Ray Data recipe of the README on a local Ray: read_binary_files, map_batches with
nianbao.convert_batch, write_parquet; the same cells as converting each file on its own, and a
broken file does not stop the job. One Ray session for the module: starting Ray is slow."""

import shutil
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import ray

import nianbao
from conftest import REPO, assert_same_cells, sha256, table_cells, truth



@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module")
def folder(tmp_path_factory, docs):
    """Every fixture document twice (a copy in a subfolder), and a broken file."""
    d = tmp_path_factory.mktemp("inputs")
    (d / "copies").mkdir()
    for doc in docs:
        shutil.copy(doc, d / doc.name)
        shutil.copy(doc, d / "copies" / doc.name)
    (d / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    return d


def test_ray_recipe_gives_the_cells_of_each_file_converted_alone(local_ray, folder, docs, tmp_path):
    out = tmp_path / "cells"
    ds = ray.data.read_binary_files(str(folder), include_paths=True)
    ds.map_batches(nianbao.convert_batch, batch_format="pyarrow", batch_size=16).write_parquet(str(out))
    cells = pq.read_table(out)
    assert cells.schema.equals(nianbao.read_dataset(docs[:1]).schema)
    rows = cells.to_pylist()
    for doc in docs:
        mine = [r for r in rows if r["report_id"] == sha256(doc)]
        alone = nianbao.convert_batch(
            pa.RecordBatch.from_pydict({"path": [str(doc)], "bytes": pa.array([doc.read_bytes()], pa.binary())})
        )
        # Both copies give their rows: every input is its own entry, whatever batch it is in.
        assert sorted(mine, key=repr) == sorted(alone.to_pylist() * 2, key=repr), doc.name
        got = table_cells(alone).get(sha256(doc), {})
        assert_same_cells(got, nianbao.convert(doc), doc.name)
        assert_same_cells(got, truth(doc), doc.name)
        assert bool(got) == any(truth(doc)["tables"].values()), doc.name


def test_ray_reports_table_names_the_broken_file(local_ray, folder, docs, tmp_path):
    out = tmp_path / "reports"
    ds = ray.data.read_binary_files(str(folder), include_paths=True)
    ds.map_batches(nianbao.convert_batch, fn_kwargs={"table": "reports"}, batch_format="pyarrow").write_parquet(
        str(out)
    )
    reports = pq.read_table(out).to_pylist()
    assert len(reports) == 2 * len(docs) + 1
    failed = [r for r in reports if r["error"]]
    assert len(failed) == 1 and failed[0]["path"].endswith("broken.xlsx")
    assert "broken.xlsx: " in failed[0]["error"] and failed[0]["format"] == "xlsx"
    assert {r["grade"] for r in reports if not r["error"]} == {"exact"}


def test_ray_recipe_gives_what_nianbao_batch_gives(local_ray, folder, tmp_path):
    """The recipe and the command over the same folder: the same cells for every document, in
    the same schema."""
    cli = REPO / "target" / "release" / "nianbao"
    assert cli.exists(), f"{cli} is missing: build it first (cargo build --release --workspace)"
    ray_out = tmp_path / "ray"
    ds = ray.data.read_binary_files(str(folder), include_paths=True)
    ds.map_batches(nianbao.convert_batch, batch_format="pyarrow").write_parquet(str(ray_out))
    by_ray = pq.read_table(ray_out)
    batch_out = tmp_path / "batch"
    done = subprocess.run([str(cli), "batch", str(folder), "-o", str(batch_out), "--quiet"], stderr=subprocess.PIPE)
    # The broken file fails, the rest convert: exit status 1.
    assert done.returncode == 1, done.stderr.decode()
    by_batch = pq.read_table(batch_out / "cells.parquet")
    assert by_ray.schema.remove_metadata().equals(by_batch.schema.remove_metadata())
    # The batch keeps one copy of a document's cells; the recipe, every copy's (see above).
    ray_cells, batch_cells = table_cells(by_ray, copies=True), table_cells(by_batch)
    assert ray_cells.keys() == batch_cells.keys()
    for report, cells in batch_cells.items():
        assert ray_cells[report] == cells, report

