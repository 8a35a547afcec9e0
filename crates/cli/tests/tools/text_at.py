#!/usr/bin/env python3
"""Prints the text that a file holds at each of the places given on stdin, read by third-party
tools and plain walks that share nothing with nianbao's readers, so that a cell's provenance
can be checked against its source.

    text_at.py FILE < places.json  ->  ["text at place 1", ...]

Places are provenance entries of the report model: `{"page", "bbox"}` (PDF: the words that
poppler's `pdftotext -bbox` finds inside the box), `{"sheet", "cell"}` (xlsx: openpyxl's value
at the reference), `{"table", "row", "col"}` (DOCX: python-docx's cell; HTML: a walk over the
page's tags with spans resolved), `{"line"}` (text: that line of the file). A place this
script cannot read gives null.
"""
import html
import html.parser
import json
import re
import subprocess
import sys


def pdf(path, places):
    pages = {}
    out = []
    for p in places:
        n = p.get("page")
        if n not in pages:
            xml = subprocess.run(["pdftotext", "-bbox", "-f", str(n), "-l", str(n), path, "-"],
                                 capture_output=True, text=True, check=True).stdout
            words = []
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', xml):
                x0, y0, x1, y1 = map(float, m.groups()[:4])
                words.append(((x0 + x1) / 2, (y0 + y1) / 2, html.unescape(m.group(5))))
            pages[n] = words
        if "bbox" not in p:
            out.append(None)
            continue
        x0, y0, x1, y1 = p["bbox"]
        inside = [w for (cx, cy, w) in pages[n] if x0 - 1.5 <= cx <= x1 + 1.5 and y0 - 1.5 <= cy <= y1 + 1.5]
        out.append("".join(inside))
    return out


def xlsx(path, places):
    import openpyxl
    wb = openpyxl.load_workbook(path, data_only=True)
    out = []
    for p in places:
        v = wb[p["sheet"]][p["cell"]].value
        out.append(None if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)))
    return out


def docx_tables(path):
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    d = docx.Document(path)
    tables = []
    for tbl in d.element.body.iter(qn("w:tbl")):
        t = Table(tbl, d)
        grid = {}
        for r, row in enumerate(t.rows):
            for i, cell in enumerate(row.cells):
                grid.setdefault((r, row.grid_cols_before + i), "".join(x.text or "" for x in cell._tc.iter(qn("w:t"))))
        tables.append(grid)
    return tables


class Tables(html.parser.HTMLParser):
    """Every <table> in the order it opens; each cell at its top-left grid position."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.open, self.cell = [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"grid": {}, "taken": set(), "row": -1})
            self.open.append(len(self.tables) - 1)
        elif tag == "tr" and self.open:
            t = self.tables[self.open[-1]]
            t["row"] += 1
            t["col"] = 0
        elif tag in ("td", "th") and self.open:
            t = self.tables[self.open[-1]]
            r = t["row"]
            c = t.get("col", 0)
            while (r, c) in t["taken"]:
                c += 1
            span = lambda k: max(1, min(1000, int(re.sub(r"\D", "", a.get(k) or "1") or 1)))
            rs, cs = span("rowspan"), span("colspan")
            for dr in range(rs):
                for dc in range(cs):
                    t["taken"].add((r + dr, c + dc))
            t["col"] = c + cs
            t["grid"][(r, c)] = ""
            self.cell = (self.open[-1], (r, c))
        elif tag == "br" and self.cell:
            self.tables[self.cell[0]]["grid"][self.cell[1]] += "\n"

    def handle_endtag(self, tag):
        if tag == "table" and self.open:
            self.open.pop()
            self.cell = None
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.tables[self.cell[0]]["grid"][self.cell[1]] += data


def html_tables(path):
    raw = open(path, "rb").read()
    m = re.search(rb'charset=["\']?([\w-]+)', raw[:4096])
    enc = m.group(1).decode() if m else "utf-8"
    p = Tables()
    p.feed(raw.decode(enc, "replace"))
    return [t["grid"] for t in p.tables]


def cells(tables, places):
    return [tables[p["table"]].get((p["row"], p["col"])) if p.get("table") is not None and p["table"] < len(tables) else None
            for p in places]


def text(path, places):
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    return [lines[p["line"] - 1] if 0 < p.get("line", 0) <= len(lines) else None for p in places]


def main():
    path = sys.argv[1]
    places = json.load(sys.stdin)
    ext = path.rsplit(".", 1)[-1].lower()
    fn = {"pdf": pdf, "xlsx": xlsx, "docx": lambda f, p: cells(docx_tables(f), p),
          "html": lambda f, p: cells(html_tables(f), p), "txt": text}[ext]
    json.dump(fn(path, places), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
