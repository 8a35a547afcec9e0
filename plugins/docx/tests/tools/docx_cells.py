#!/usr/bin/env python3
"""Prints the merged cells of every top-level table of a DOCX as python-docx sees them.

    docx_cells.py FILE.docx  ->  [[[row, col, rowspan, colspan, text], ...], ...]

python-docx repeats a merged cell's <w:tc> at every grid position it covers (gridSpan to the
right, vMerge="continue" below), so grouping positions by their <w:tc> gives each cell's
rectangle. Cell text is its paragraphs' text, one per line, lines trimmed, empty lines dropped.
"""
import json
import sys

import docx


def cells(table):
    grid = [[c._tc for c in row.cells] for row in table.rows]
    seen = set()
    out = []
    for r, line in enumerate(grid):
        for c, tc in enumerate(line):
            if id(tc) in seen:
                continue
            seen.add(id(tc))
            colspan = 1
            while c + colspan < len(line) and line[c + colspan] is tc:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(grid) and c < len(grid[r + rowspan]) and grid[r + rowspan][c] is tc:
                rowspan += 1
            paragraphs = [p.text.strip() for p in table.rows[r].cells[c].paragraphs]
            out.append([r, c, rowspan, colspan, "\n".join(p for p in paragraphs if p)])
    return out


def main():
    document = docx.Document(sys.argv[1])
    json.dump([cells(t) for t in document.tables], sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
