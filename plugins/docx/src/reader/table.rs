//! WordprocessingML tables → Document tables: `gridSpan`, `vMerge` and `hMerge` become
//! colspan and rowspan in the HTML model, where a row lists only the cells that start in it.

use std::collections::HashMap;

use nianbao_plugin::document::{Source, MAX_SPAN};
use nianbao_plugin::{Cell, Error, Table};

use super::body::{Raw, Stats};

#[derive(Debug, Default)]
pub struct Row {
    pub cells: Vec<RawCell>,
    /// `w:tblHeader`: repeated at the top of each page.
    pub header: bool,
    /// Grid columns left empty before the first cell.
    pub grid_before: u32,
}

#[derive(Debug, Default)]
pub struct RawCell {
    pub content: Vec<Raw>,
    pub props: CellProps,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct CellProps {
    /// `w:gridSpan`, 0 when absent.
    pub span: u32,
    pub vmerge: Merge,
    pub hmerge: Merge,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    #[default]
    None,
    Restart,
    Continue,
}

/// A cell at its grid column, before rowspans are known.
struct Placed {
    /// Where the cell starts in the source: its row and grid column.
    row: usize,
    col: usize,
    span: usize,
    text: String,
    vmerge: Merge,
    rowspan: u32,
    /// False for a `vMerge` continuation folded into the cell above.
    kept: bool,
}

/// Builds the Document blocks for table `no` of the part. A one-column table that only frames
/// other tables (a common way to put a border around a form) is unwrapped into its content.
/// Refuses a cell of more than `cell_chars` characters.
pub fn build(rows: Vec<Row>, no: u32, cell_chars: usize, stats: &mut Stats) -> Result<Vec<Raw>, Error> {
    let frames_tables = rows.iter().all(|r| r.cells.len() <= 1)
        && rows.iter().flat_map(|r| &r.cells).any(|c| c.content.iter().any(|b| matches!(b, Raw::Table(_))));
    if frames_tables {
        stats.unwrapped_tables += 1;
        return Ok(rows.into_iter().flat_map(|r| r.cells).flat_map(|c| c.content).collect());
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let header_rows = rows.iter().take_while(|r| r.header).count() as u32;
    let mut placed = place(rows, stats)?;
    merge_down(&mut placed);
    if let Some(p) = placed.iter().flatten().find(|p| p.text.len() > cell_chars && p.text.chars().count() > cell_chars)
    {
        return Err(Error(format!(
            "the cell at row {}, column {} of table {no} holds more than {cell_chars} characters \
             (-O max-cell-chars=N raises the limit)",
            p.row, p.col
        )));
    }
    let rows = html_rows(&mut placed, no);
    let source = Some(Source { table: Some(no), ..Source::default() });
    Ok(vec![Raw::Table(Table { source, name: String::new(), header_rows, rows })])
}

/// Puts each cell at its grid column, folding `hMerge` continuations into the cell before.
fn place(rows: Vec<Row>, stats: &mut Stats) -> Result<Vec<Vec<Placed>>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.into_iter().enumerate() {
        let mut col = row.grid_before.min(MAX_SPAN) as usize;
        let mut cells: Vec<Placed> = Vec::with_capacity(row.cells.len());
        for cell in row.cells {
            let span = cell.props.span.clamp(1, MAX_SPAN) as usize;
            let text = cell_text(cell.content, stats);
            if cell.props.hmerge == Merge::Continue {
                if let Some(prev) = cells.last_mut() {
                    prev.span += span;
                    append_line(&mut prev.text, &text);
                    col += span;
                    continue;
                }
            }
            cells.push(Placed { row: r, col, span, text, vmerge: cell.props.vmerge, rowspan: 1, kept: true });
            col += span;
            if col > MAX_SPAN as usize {
                return Err(Error(format!("a table row is wider than {MAX_SPAN} columns; refusing to read it")));
            }
        }
        out.push(cells);
    }
    Ok(out)
}

/// Folds `vMerge` continuations into the cell where the merge starts: a continuation joins the
/// merge open in the row above at the same column with the same width.
fn merge_down(rows: &mut [Vec<Placed>]) {
    let mut open: HashMap<usize, (usize, usize)> = HashMap::new();
    for r in 0..rows.len() {
        let mut next = HashMap::new();
        for i in 0..rows[r].len() {
            let (col, span, vmerge) = (rows[r][i].col, rows[r][i].span, rows[r][i].vmerge);
            match vmerge {
                Merge::Continue => {
                    if let Some(&(or, oi)) = open.get(&col).filter(|&&(or, oi)| rows[or][oi].span == span) {
                        let text = std::mem::take(&mut rows[r][i].text);
                        let origin = &mut rows[or][oi];
                        origin.rowspan += 1;
                        append_line(&mut origin.text, &text);
                        rows[r][i].kept = false;
                        next.insert(col, (or, oi));
                    }
                }
                Merge::Restart => {
                    next.insert(col, (r, i));
                }
                Merge::None => {}
            }
        }
        open = next;
    }
}

/// Emits the rows in the HTML model. Where the HTML rule (each cell takes the first free
/// column) would put a cell left of its grid column — after `gridBefore`, or beside a merge
/// that was not continued — an empty filler cell keeps it in place.
fn html_rows(rows: &mut [Vec<Placed>], no: u32) -> Vec<Vec<Cell>> {
    // Per grid column: the first row no longer covered by a rowspan from above.
    let mut covered_until: Vec<usize> = Vec::new();
    let is_covered = |cov: &Vec<usize>, c: usize, r: usize| cov.get(c).is_some_and(|&until| until > r);
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter_mut().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        let mut at = 0usize;
        for p in row.iter_mut().filter(|p| p.kept) {
            loop {
                while is_covered(&covered_until, at, r) {
                    at += 1;
                }
                if at >= p.col {
                    break;
                }
                let mut end = at;
                while end < p.col && !is_covered(&covered_until, end, r) {
                    end += 1;
                }
                cells.push(Cell::span("", 1, (end - at) as u32));
                at = end;
            }
            let source = Source::table_cell(no, p.row as u32, p.col as u32);
            cells.push(Cell::span(std::mem::take(&mut p.text), p.rowspan, p.span as u32).at(source));
            if covered_until.len() < at + p.span {
                covered_until.resize(at + p.span, 0);
            }
            for until in &mut covered_until[at..at + p.span] {
                *until = r + p.rowspan as usize;
            }
            at += p.span;
        }
        out.push(cells);
    }
    out
}

/// A cell's printed text: its paragraphs one per line; a table nested in the cell is read as
/// lines of space-separated cells.
fn cell_text(content: Vec<Raw>, stats: &mut Stats) -> String {
    let mut text = String::new();
    for block in content {
        match block {
            // The usual cell of one paragraph keeps its text as it is.
            Raw::Para(p) if text.is_empty() => text = p.text,
            Raw::Para(p) => append_line(&mut text, &p.text),
            Raw::Table(t) => {
                stats.flattened_tables += 1;
                for row in &t.rows {
                    let line: Vec<&str> = row.iter().map(|c| c.text.as_str()).filter(|t| !t.is_empty()).collect();
                    append_line(&mut text, &line.join(" "));
                }
            }
            Raw::Image(_) => {}
        }
    }
    text
}

fn append_line(text: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

/// One line on a table's shape, for `inspect`.
pub fn describe(t: &Table) -> String {
    let grid = t.grid();
    let merged = t.rows.iter().flatten().filter(|c| c.rowspan > 1 || c.colspan > 1).count();
    format!(
        "table: {} rows x {} columns, {merged} merged cells, {} header rows",
        t.rows.len(),
        grid.width,
        t.header_rows
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reader::body::Para;

    fn cell(text: &str, span: u32, vmerge: Merge) -> RawCell {
        let content = vec![Raw::Para(Para { text: text.into(), ..Para::default() })];
        RawCell { content, props: CellProps { span, vmerge, hmerge: Merge::None } }
    }

    fn table(rows: Vec<Row>) -> Table {
        match build(rows, 0, 100_000, &mut Stats::default()).unwrap().pop() {
            Some(Raw::Table(t)) => t,
            other => panic!("not a table: {other:?}"),
        }
    }

    fn row(cells: Vec<RawCell>) -> Row {
        Row { cells, ..Row::default() }
    }

    /// A cell of table 0 that starts at row `r`, grid column `c` of the source.
    fn at(cell: Cell, r: u32, c: u32) -> Cell {
        cell.at(Source::table_cell(0, r, c))
    }

    #[test]
    fn vertical_merges_become_rowspans() {
        let t = table(vec![
            row(vec![cell("a", 0, Merge::Restart), cell("b", 2, Merge::None)]),
            row(vec![cell("", 0, Merge::Continue), cell("c", 0, Merge::None), cell("d", 0, Merge::None)]),
            row(vec![cell("", 0, Merge::Continue), cell("e", 2, Merge::None)]),
        ]);
        assert_eq!(t.rows[0], vec![at(Cell::span("a", 3, 1), 0, 0), at(Cell::span("b", 1, 2), 0, 1)]);
        assert_eq!(t.rows[1], vec![at(Cell::new("c"), 1, 1), at(Cell::new("d"), 1, 2)]);
        assert_eq!(t.rows[2], vec![at(Cell::span("e", 1, 2), 2, 1)]);
    }

    #[test]
    fn a_continuation_of_another_width_starts_afresh_and_grid_before_keeps_columns() {
        let t = table(vec![
            row(vec![cell("a", 2, Merge::Restart), cell("b", 0, Merge::None)]),
            row(vec![cell("x", 0, Merge::Continue), cell("y", 0, Merge::None), cell("z", 0, Merge::None)]),
            Row { cells: vec![cell("w", 0, Merge::None)], grid_before: 2, ..Row::default() },
        ]);
        assert_eq!(t.rows[0], vec![at(Cell::span("a", 1, 2), 0, 0), at(Cell::new("b"), 0, 2)]);
        assert_eq!(t.rows[1], vec![at(Cell::new("x"), 1, 0), at(Cell::new("y"), 1, 1), at(Cell::new("z"), 1, 2)]);
        // The filler before `w` is no cell of the source.
        assert_eq!(t.rows[2], vec![Cell::span("", 1, 2), at(Cell::new("w"), 2, 2)]);
        let g = t.grid();
        assert_eq!(t.cell(g.slots[2][2].unwrap()).text, "w");
    }

    #[test]
    fn continuation_text_is_kept_and_header_rows_counted() {
        let mut first = row(vec![cell("上", 0, Merge::Restart), cell("h", 0, Merge::None)]);
        first.header = true;
        let t = table(vec![first, row(vec![cell("下", 0, Merge::Continue), cell("1", 0, Merge::None)])]);
        assert_eq!(t.header_rows, 1);
        assert_eq!(t.rows[0][0], at(Cell::span("上\n下", 2, 1), 0, 0));
    }

    #[test]
    fn overlong_rows_are_refused() {
        let cells = (0..3).map(|_| cell("x", 900, Merge::None)).collect();
        let err = build(vec![row(cells)], 0, 100_000, &mut Stats::default()).unwrap_err();
        assert!(err.0.contains("wider than"), "{err}");
    }
}
