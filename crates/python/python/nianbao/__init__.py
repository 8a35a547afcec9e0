"""nianbao (年报): annual reports on open government information as data.

    import nianbao
    report = nianbao.convert("report.pdf")          # the canonical model, as a dict
    cells = nianbao.read_dataset(["reports/"])      # the cells table, as a pyarrow.Table
    out = nianbao.convert_batch(batch)              # a pyarrow batch of path, bytes -> cells

The format plugins (PDF, DOCX, XLSX, HTML, CSV, text) ship inside the package; folders named
in ``NIANBAO_PLUGIN_PATH`` are searched after it.
"""

import json as _json
import os as _os
import warnings as _warnings

from . import _nianbao
from ._nianbao import Error, InputError, UsageError, __version__

__all__ = [
    "convert",
    "read_dataset",
    "convert_batch",
    "formats",
    "plugins",
    "schema",
    "Error",
    "InputError",
    "UsageError",
    "ConversionWarning",
    "TABLES",
    "__version__",
]

#: The tables of a dataset, as ``nianbao batch`` writes them.
TABLES = ("reports", "cells", "findings", "sections")


class ConversionWarning(UserWarning):
    """A file of a batch that could not be converted; the message names it and says why."""


def _places():
    places = [_os.path.join(_os.path.dirname(__file__), "plugins")]
    places += [p for p in _os.environ.get("NIANBAO_PLUGIN_PATH", "").split(_os.pathsep) if p]
    return places


_nianbao._init(_places())


def formats():
    """The formats that can be read (``json`` first)."""
    return _nianbao.formats()


def plugins():
    """The plugins loaded, as dicts of name, version and path. A library that was found but
    could not be used is listed with its ``error``."""
    loaded, refused = _nianbao.plugins()
    return [{"name": n, "version": v, "path": p} for n, v, p in loaded] + [
        {"name": None, "version": None, "path": p, "error": e} for p, e in refused
    ]


def schema(table="cells"):
    """The ``pyarrow.Schema`` of one of the dataset's tables (``TABLES``)."""
    import pyarrow as pa

    if table not in TABLES:
        raise UsageError(f"unknown table {table!r}: one of {', '.join(TABLES)}")
    empty = pa.RecordBatch.from_pydict({"bytes": pa.array([], pa.binary())})
    return convert_batch(empty, table=table).schema


def convert(source, *, format=None, name=None, provenance=False):
    """One report as the canonical model (``nianbao convert FILE --to json``), as a dict.

    ``source`` is a path (``str`` or ``os.PathLike``) or the file's content (``bytes``,
    ``bytearray``, ``memoryview``). The reader is chosen by ``format`` (``"pdf"``, ``"docx"``, …),
    else by the extension of the path or of ``name``, else by the content. ``provenance=True``
    records where each cell was printed (``--provenance``).

    Raises ``nianbao.InputError`` (a file that cannot be read or is not a report; the message
    names it) or ``nianbao.UsageError`` (an unknown format).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        text = _nianbao.convert_bytes(bytes(source), name or "<bytes>", format, provenance)
    elif isinstance(source, (str, _os.PathLike)):
        text = _nianbao.convert_path(_os.fspath(source), format, provenance)
    else:
        raise UsageError(f"convert takes a path or bytes, not {type(source).__name__}")
    return _json.loads(text)


def _check(table, errors):
    if table != "all" and table not in TABLES:
        raise UsageError(f"unknown table {table!r}: one of {', '.join(TABLES)}, or 'all'")
    if errors not in ("warn", "ignore", "raise"):
        raise UsageError(f"errors={errors!r}: one of 'warn', 'ignore', 'raise'")


def _report(failures, errors):
    if errors == "raise" and failures:
        path, message = failures[0]
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        raise InputError(message + more)
    if errors == "warn":
        for _, message in failures:
            _warnings.warn(message, ConversionWarning, stacklevel=3)


def _pick(tables, table, convert):
    tables = dict(zip(TABLES, (convert(t) for t in tables)))
    return tables if table == "all" else tables[table]


def read_dataset(paths, *, table="cells", pandas=False, format=None, provenance=True, jobs=0, errors="warn"):
    """Converts files and folders (searched recursively for files of a readable format) into one
    of the dataset's tables, as ``nianbao batch`` writes it: a ``pyarrow.Table``, or a pandas
    DataFrame with ``pandas=True``.

    ``table`` is ``"cells"`` (one row per table cell), ``"reports"`` (one per input, failures
    included with their ``error``), ``"findings"``, ``"sections"``, or ``"all"`` for a dict of
    the four. ``jobs`` threads convert (0: one per core). A file that cannot be converted is a
    ``reports`` row with its error and, by ``errors``, a ``nianbao.ConversionWarning``
    (``"warn"``), nothing more (``"ignore"``), or a ``nianbao.InputError`` (``"raise"``).
    """
    _check(table, errors)
    if isinstance(paths, (str, _os.PathLike)):
        paths = [paths]
    *tables, failures = _nianbao.convert_paths([_os.fspath(p) for p in paths], format, provenance, jobs)
    _report(failures, errors)
    return _pick(tables, table, (lambda t: t.to_pandas()) if pandas else (lambda t: t))


def convert_batch(batch, *, table="cells", format=None, provenance=True, jobs=1, errors="warn"):
    """Converts a batch of files held in memory into one of the dataset's tables: the function
    to hand to Ray Data's ``map_batches`` or (through a generator) Spark's ``mapInArrow``.

    ``batch`` has a binary column ``bytes`` (Ray's ``read_binary_files``) or ``content``
    (Spark's ``binaryFile``), and optionally a string column ``path`` naming each file. A
    ``pyarrow.RecordBatch`` gives a ``pyarrow.RecordBatch``; a ``pyarrow.Table`` (Ray's
    ``batch_format="pyarrow"``), a pandas DataFrame or a dict of columns give a
    ``pyarrow.Table``. The columns are read and the result handed back through the Arrow C data
    interface, without copying.

    ``table`` and ``errors`` are as for :func:`read_dataset`; by default a broken file warns
    (``nianbao.ConversionWarning``) and has no cells, and the batch goes on. Its ``reports``
    row (``table="reports"``) carries the error. ``jobs`` threads convert (1 by default: Ray
    and Spark run one task per core already).
    """
    import pyarrow as pa

    _check(table, errors)
    single = isinstance(batch, pa.RecordBatch)
    if single:
        data = pa.Table.from_batches([batch])
    elif isinstance(batch, pa.Table):
        data = batch
    elif isinstance(batch, dict):
        data = pa.table(batch)
    elif hasattr(batch, "__arrow_c_stream__"):
        data = pa.table(batch)
    elif type(batch).__module__.startswith("pandas"):
        data = pa.Table.from_pandas(batch, preserve_index=False)
    else:
        raise UsageError(f"convert_batch takes a pyarrow RecordBatch or Table, not {type(batch).__name__}")
    *tables, failures = _nianbao.convert_table(data, format, provenance, jobs, single)
    _report(failures, errors)
    return _pick(tables, table, _one_batch if single else (lambda t: t))


def _one_batch(t):
    batches = t.to_batches()
    if len(batches) == 1:
        return batches[0]
    import pyarrow as pa

    return pa.RecordBatch.from_pylist([], schema=t.schema) if not batches else t.combine_chunks().to_batches()[0]
