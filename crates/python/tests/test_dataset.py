"""nianbao.read_dataset and nianbao.convert_batch: the dataset's tables of files, folders and
Arrow batches; broken files warn, have their reports row, and do not stop the rest."""

import warnings

import pyarrow as pa
import pytest

import nianbao
from conftest import FIXTURES, assert_same_cells, sha256, table_cells, truth


def broken(tmp_path):
    p = tmp_path / "broken.pdf"
    p.write_bytes(b"%PDF-1.4\n this is not a PDF")
    return p


def test_read_dataset_cells_equal_the_truths(docs):
    cells = nianbao.read_dataset(docs)
    assert isinstance(cells, pa.Table)
    by_id = table_cells(cells)
    # r007 prints no tables: no cells.
    with_tables = [d for d in docs if any(truth(d)["tables"].values())]
    assert len(with_tables) >= 24 and len(by_id) == len(with_tables)
    for d in with_tables:
        assert_same_cells(by_id[sha256(d)], truth(d), d.name)
    # Provenance is on: a PDF's cells say where they were printed.
    pdf = [r for r in cells.to_pylist() if r["report_id"] == sha256(FIXTURES / "s1-r001-pdf-lo.pdf")]
    assert pdf and all(r["source_page"] is not None for r in pdf if r["value"] is not None)


def test_read_dataset_of_a_folder_with_a_broken_file(tmp_path, docs):
    for d in docs[:4]:
        (tmp_path / d.name).write_bytes(d.read_bytes())
    bad = broken(tmp_path)
    (tmp_path / "notes.txt.bak").write_bytes(b"not a readable extension: skipped")
    with pytest.warns(nianbao.ConversionWarning, match=f"^{bad}: ") as w:
        tables = nianbao.read_dataset(tmp_path, table="all", jobs=2)
    assert len(w) == 1
    assert set(tables) == {"reports", "cells", "findings", "sections"}
    reports = tables["reports"].to_pylist()
    assert sorted(r["path"] for r in reports) == sorted([str(tmp_path / d.name) for d in docs[:4]] + [str(bad)])
    failed = [r for r in reports if r["error"]]
    assert [r["path"] for r in failed] == [str(bad)] and failed[0]["format"] == "pdf"
    assert failed[0]["error"].startswith(f"{bad}: ") and failed[0]["grade"] is None
    assert failed[0]["id"] == sha256(bad)
    assert all(r["grade"] == "exact" for r in reports if not r["error"])
    assert len(table_cells(tables["cells"])) == 4
    assert tables["sections"].num_rows > 0


def test_read_dataset_errors_raise_or_ignore(tmp_path):
    bad = broken(tmp_path)
    with pytest.raises(nianbao.InputError, match=f"^{bad}: "):
        nianbao.read_dataset([bad], errors="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nianbao.read_dataset([bad], errors="ignore").num_rows == 0
    (tmp_path / "empty").mkdir()
    with pytest.raises(nianbao.InputError, match="empty: the folder holds no file of a format that can be read"):
        nianbao.read_dataset(tmp_path / "empty")
    with pytest.raises(nianbao.UsageError, match="unknown table 'cell'"):
        nianbao.read_dataset([bad], table="cell")


def test_read_dataset_as_pandas(docs):
    df = nianbao.read_dataset(docs[:3], pandas=True)
    t = nianbao.read_dataset(docs[:3])
    assert type(df).__name__ == "DataFrame"
    assert len(df) == t.num_rows and list(df.columns) == t.schema.names
    apps = df[(df.table_key == "applications") & (df.row_key == "new_received") & (df.column_key == "total")]
    assert sorted(apps.value) == sorted(truth(d)["tables"]["applications"]["rows"]["new_received"]["total"] for d in docs[:3])


def batch_of(paths, column="bytes"):
    return pa.RecordBatch.from_pydict(
        {"path": [str(p) for p in paths], column: pa.array([p.read_bytes() for p in paths], pa.binary())}
    )


def test_convert_batch_gives_the_cells_table_of_read_dataset(docs):
    out = nianbao.convert_batch(batch_of(docs))
    assert isinstance(out, pa.RecordBatch)
    want = nianbao.read_dataset(docs)
    assert out.schema == want.schema
    assert pa.Table.from_batches([out]).equals(want.combine_chunks())
    by_id = table_cells(out)
    for d in docs:
        assert_same_cells(by_id.get(sha256(d), {}), truth(d), d.name)


def test_convert_batch_goes_on_past_a_broken_file(tmp_path, docs):
    bad = broken(tmp_path)
    batch = batch_of([docs[0], bad, docs[1]])
    with pytest.warns(nianbao.ConversionWarning, match=f"^{bad}: "):
        cells = nianbao.convert_batch(batch)
    assert set(cells.column("report_id").to_pylist()) == {sha256(docs[0]), sha256(docs[1])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reports = nianbao.convert_batch(batch, table="reports").to_pylist()
    assert [r["path"] for r in reports] == [str(docs[0]), str(bad), str(docs[1])]
    assert [bool(r["error"]) for r in reports] == [False, True, False]
    with pytest.raises(nianbao.InputError, match=f"^{bad}: "):
        nianbao.convert_batch(batch, errors="raise")


def test_convert_batch_takes_tables_spark_columns_and_null_bytes(docs):
    # A pyarrow Table (Ray's batch_format="pyarrow") of several chunks gives a Table.
    t = pa.Table.from_batches([batch_of(docs[:2]), batch_of(docs[2:4])])
    out = nianbao.convert_batch(t, jobs=2)
    assert isinstance(out, pa.Table)
    assert out.equals(nianbao.read_dataset(docs[:4], jobs=1))
    # Spark's binaryFile: path, modificationTime, length, content.
    spark = batch_of(docs[:2], column="content")
    assert nianbao.convert_batch(spark).equals(nianbao.convert_batch(batch_of(docs[:2])))
    # Without paths, rows are named by their number; a null is a failure of that row alone.
    anon = pa.RecordBatch.from_pydict({"bytes": pa.array([None, docs[0].read_bytes()], pa.large_binary())})
    with pytest.warns(nianbao.ConversionWarning, match=r"^<row 0>: no bytes"):
        out = nianbao.convert_batch(anon)
    assert set(out.column("report_id").to_pylist()) == {sha256(docs[0])}
    # An empty batch gives an empty cells batch of the same schema.
    empty = nianbao.convert_batch(batch_of([]))
    assert empty.num_rows == 0 and empty.schema == out.schema


def test_convert_batch_refuses_a_batch_without_bytes():
    with pytest.raises(nianbao.UsageError, match=r"no column `bytes`.*its columns: path, data"):
        nianbao.convert_batch(pa.RecordBatch.from_pydict({"path": ["a"], "data": [b"x"]}))
    with pytest.raises(nianbao.UsageError, match="column `bytes` is Int64, not binary"):
        nianbao.convert_batch(pa.RecordBatch.from_pydict({"bytes": [1]}))


def spark_cells(batches):
    """The README's Spark function, as it is there (without Spark, which is not installed here:
    the batches are made as binaryFile makes them)."""
    cells = nianbao.schema("cells")
    # Spark has no unsigned integers: uint32 columns go as bigint.
    target = pa.schema([pa.field(f.name, pa.int64() if f.type == pa.uint32() else f.type) for f in cells])
    spark_type = {pa.string(): "string", pa.float64(): "double", pa.float32(): "float", pa.int64(): "bigint"}
    ddl = ", ".join(f"{f.name} {spark_type[f.type]}" for f in target)
    assert ddl.startswith("report_id string, table_key string,") and "source_page bigint" in ddl
    for b in batches:
        yield from pa.Table.from_batches([nianbao.convert_batch(b)]).cast(target).to_batches()


def test_the_spark_recipe_function(docs):
    spark = pa.RecordBatch.from_pydict(
        {
            "path": [f"file:{p}" for p in docs[:3]],
            "modificationTime": pa.array([0, 0, 0], pa.timestamp("us")),
            "length": [p.stat().st_size for p in docs[:3]],
            "content": pa.array([p.read_bytes() for p in docs[:3]], pa.binary()),
        }
    )
    out = list(spark_cells(iter([spark])))
    assert len(out) == 1 and out[0].schema.field("source_page").type == pa.int64()
    want = nianbao.read_dataset(docs[:3])
    assert out[0].num_rows == want.num_rows
    assert out[0].column("value").to_pylist() == want.column("value").to_pylist()
    assert nianbao.schema("reports").names[:3] == ["id", "path", "format"]
