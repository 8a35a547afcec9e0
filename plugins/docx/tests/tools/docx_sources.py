#!/usr/bin/env python3
"""Prints every table of a DOCX's main document as python-docx sees it, for checking where our
reader says each cell came from.

    docx_sources.py FILE.docx  ->  [[[row, col, text], ...], ...]

Tables are every w:tbl element in document order (a nested table where it opens), rows a
table's own w:tr elements, and each cell is listed once, at its top-left grid position
(python-docx repeats a merged cell's <w:tc> over the positions it covers; a row's grid starts
after its gridBefore columns). Text is every w:t in the cell, nested tables included.
"""
import json
import sys

import docx
from docx.oxml.ns import qn
from docx.table import Table


def cells(tbl, parent):
    table = Table(tbl, parent)
    # lxml hands out a new proxy object per access: keep them so that ids stay unique.
    kept = []
    seen = set()
    out = []
    for r, row in enumerate(table.rows):
        for i, cell in enumerate(row.cells):
            tc = cell._tc
            if id(tc) in seen:
                continue
            kept.append(tc)
            seen.add(id(tc))
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            out.append([r, row.grid_cols_before + i, text])
    return out


def main():
    document = docx.Document(sys.argv[1])
    body = document.element.body
    json.dump([cells(tbl, document) for tbl in body.iter(qn("w:tbl"))], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
