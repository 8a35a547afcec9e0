//! Rows of cells, as the cell and row marks delimit them, → a Document table. The columns are
//! the union of the rows' cell boundaries (a cell wider than its neighbours spans the columns
//! between its boundaries, which is how Word 97 stores horizontally merged cells); vertical
//! merges (fVertMerge/fVertRestart) become rowspans, the old horizontal merges
//! (fFirstMerged/fMerged) colspans.

use std::collections::HashMap;

use nianbao_plugin::document::{Source, MAX_SPAN};
use nianbao_plugin::{Cell, Error, Table};

use super::props::{Merge, RowProps};

/// Boundaries closer than this (twips, a twentieth of a point) are one column edge: writers
/// round cell widths differently from row to row.
const SNAP: i32 = 20;

#[derive(Debug, Default)]
pub struct Row {
    pub cells: Vec<String>,
    pub props: Option<RowProps>,
}

/// A cell at its grid column, before rowspans are known.
struct Placed {
    row: usize,
    col: usize,
    span: usize,
    text: String,
    vmerge: Merge,
    rowspan: u32,
    kept: bool,
}

/// Builds table `no`; refuses a cell of more than `cell_chars` characters.
pub fn build(rows: Vec<Row>, no: u32, cell_chars: usize) -> Result<Table, Error> {
    let header_rows = rows.iter().take_while(|r| r.props.as_ref().is_some_and(|p| p.header)).count() as u32;
    let edges = edges(&rows);
    let mut placed = Vec::with_capacity(rows.len());
    for (r, row) in rows.into_iter().enumerate() {
        placed.push(place(r, row, &edges)?);
    }
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
    Ok(Table { source: Some(Source { table: Some(no), ..Source::default() }), name: String::new(), header_rows, rows })
}

/// The rows' boundaries that apply (one more than the row's cells), as sorted column edges.
fn edges(rows: &[Row]) -> Vec<i32> {
    let mut all: Vec<i32> = rows.iter().filter_map(|r| usable(r)).flat_map(|p| p.centers.iter().copied()).collect();
    all.sort_unstable();
    let mut out: Vec<i32> = Vec::new();
    for x in all {
        if out.last().is_none_or(|&last| x - last > SNAP) {
            out.push(x);
        }
    }
    out
}

fn usable(row: &Row) -> Option<&RowProps> {
    row.props.as_ref().filter(|p| p.centers.len() == row.cells.len() + 1 && p.centers.windows(2).all(|w| w[0] <= w[1]))
}

/// The column of a boundary: the last edge at or before it (within the snap).
fn column(edges: &[i32], x: i32) -> usize {
    edges.partition_point(|&e| e <= x + SNAP).saturating_sub(1)
}

/// Puts a row's cells at their columns, folding horizontal-merge continuations into the cell
/// before them.
fn place(r: usize, row: Row, edges: &[i32]) -> Result<Vec<Placed>, Error> {
    let props = usable(&row).cloned();
    let mut out: Vec<Placed> = Vec::with_capacity(row.cells.len());
    let mut next = 0usize;
    for (i, text) in row.cells.into_iter().enumerate() {
        let (col, span, (hmerge, vmerge)) = match &props {
            Some(p) => {
                let (a, b) = (column(edges, p.centers[i]), column(edges, p.centers[i + 1]));
                (a, b.saturating_sub(a).max(1), p.merges.get(i).copied().unwrap_or_default())
            }
            None => (next, 1, (Merge::None, Merge::None)),
        };
        if col.saturating_add(span) > MAX_SPAN as usize {
            return Err(Error(format!("a table row is wider than {MAX_SPAN} columns; refusing to read it")));
        }
        next = col + span;
        if hmerge == Merge::Continue {
            if let Some(prev) = out.last_mut() {
                prev.span = next - prev.col;
                append_line(&mut prev.text, &text);
                continue;
            }
        }
        out.push(Placed { row: r, col, span, text, vmerge, rowspan: 1, kept: true });
    }
    Ok(out)
}

/// Folds vertical-merge continuations into the cell where the merge starts: a continuation
/// joins the merge open in the row above at the same column with the same width.
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
                        origin.rowspan = (origin.rowspan + 1).min(MAX_SPAN);
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

/// Emits the rows in the HTML model; where the HTML rule (each cell takes the first free
/// column) would put a cell left of its column, an empty filler cell keeps it in place.
fn html_rows(rows: &mut [Vec<Placed>], no: u32) -> Vec<Vec<Cell>> {
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

pub fn append_line(text: &mut String, line: &str) {
    if line.is_empty() {
        return;
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], centers: &[i32], merges: &[(Merge, Merge)]) -> Row {
        let merges = if merges.is_empty() { vec![(Merge::None, Merge::None); cells.len()] } else { merges.to_vec() };
        Row {
            cells: cells.iter().map(|s| s.to_string()).collect(),
            props: Some(RowProps { centers: centers.to_vec(), merges, header: false }),
        }
    }

    fn at(cell: Cell, r: u32, c: u32) -> Cell {
        cell.at(Source::table_cell(0, r, c))
    }

    #[test]
    fn wide_cells_span_the_columns_between_their_boundaries_and_vertical_merges_rowspans() {
        use Merge::*;
        let t = build(
            vec![
                row(&["a", "b"], &[0, 1000, 3010], &[(None, Restart), (None, None)]),
                row(&["", "c", "d"], &[0, 1000, 2000, 3000], &[(None, Continue), (None, None), (None, None)]),
            ],
            0,
            100,
        )
        .unwrap();
        assert_eq!(t.rows[0], vec![at(Cell::span("a", 2, 1), 0, 0), at(Cell::span("b", 1, 2), 0, 1)]);
        assert_eq!(t.rows[1], vec![at(Cell::new("c"), 1, 1), at(Cell::new("d"), 1, 2)]);
    }

    #[test]
    fn old_horizontal_merges_fold_into_the_first_cell_and_rows_without_boundaries_line_up() {
        use Merge::*;
        let t = build(
            vec![
                row(&["a", "", "b"], &[0, 10, 20, 30], &[(Restart, None), (Continue, None), (None, None)]),
                Row { cells: vec!["x".into(), "y".into(), "z".into()], props: Option::None },
            ],
            3,
            100,
        )
        .unwrap();
        assert_eq!(t.rows[0][0].colspan, 2);
        assert_eq!(t.rows[1].len(), 3);
        assert_eq!(t.source, Some(Source { table: Some(3), ..Source::default() }));
    }

    #[test]
    fn overlong_cells_are_refused() {
        let err = build(vec![row(&["xxxx"], &[0, 10], &[])], 0, 3).unwrap_err();
        assert!(err.0.contains("more than 3 characters"), "{err}");
    }
}
