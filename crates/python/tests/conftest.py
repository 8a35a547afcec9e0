"""Shared helpers: the fixture documents and their truths, and the cells of a model or of a
cells table in one comparable form."""

import hashlib
import json
import pathlib

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "reports"
FORMATS = ("html", "docx", "pdf", "xlsx")


def documents():
    """Every fixture document that has a truth, in a stable order."""
    docs = sorted(p for p in FIXTURES.iterdir() if p.suffix[1:] in FORMATS)
    assert len(docs) >= 28, f"only {len(docs)} fixture documents in {FIXTURES}"
    return docs


def truth(doc):
    t = json.loads(doc.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return {k: v for k, v in t.items() if not k.startswith("_")}


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def model_cells(model):
    """{(table, row, column): value} of a canonical model's three tables."""
    out = {}
    for table, t in model["tables"].items():
        if t is None:
            continue
        groups = t["rows"] if "rows" in t else {g: cols for g, cols in t.items() if isinstance(cols, dict)}
        for row, cols in groups.items():
            for col, value in cols.items():
                out[(table, row, col)] = value
    return out


def table_cells(cells, copies=False):
    """{report_id: {(table, row, column): value}} of a cells table's template cells (status
    `cell` or `missing`), from a pyarrow Table or RecordBatch. With `copies`, a document may
    appear more than once, each copy with the same values."""
    out = {}
    for r in cells.to_pylist():
        if r["status"] not in ("cell", "missing"):
            continue
        key = (r["table_key"], r["row_key"], r["column_key"])
        cells_of = out.setdefault(r["report_id"], {})
        if copies:
            assert cells_of.get(key, r["value"]) == r["value"], f"{r['report_id']}: {key} differs between copies"
        else:
            assert key not in cells_of, f"{r['report_id']}: {key} twice"
        cells_of[key] = r["value"]
    return out


def assert_same_cells(got, model, what):
    """The template cells of a cells table equal the model's; cells the table adds for rows the
    model does not print are missing and null."""
    want = model_cells(model)
    for key, value in want.items():
        assert key in got, f"{what}: no cell {key}"
        assert got[key] == value, f"{what}: {key} is {got[key]!r}, not {value!r}"
    for key in got.keys() - want.keys():
        assert got[key] is None, f"{what}: {key} = {got[key]!r} is not in the model"


@pytest.fixture(scope="session")
def docs():
    return documents()
