//! From a sheet's cells and merged regions to blocks: tables with spans, and paragraphs.
//!
//! Fully empty rows separate blocks. Within a block only the columns that hold text count, so
//! padding columns disappear and a merged region spans the used columns it covers. A block
//! with one used column is a run of paragraphs (a title, a list of `标签:值` lines); leading
//! rows that hold a single unmerged cell above a wider block are paragraphs too (a caption
//! typed above a table). Everything else is a Table named after the sheet.
//!
//! Each cell and paragraph carries its sheet and A1 reference (a merged region's top-left
//! cell), each table its sheet.

use calamine::Dimensions;
use nianbao_plugin::document::{a1, Source};
use nianbao_plugin::{Block, Cell, Error, Table};
use std::collections::HashMap;

/// A non-empty cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SheetCell {
    pub row: u32,
    pub col: u32,
    pub text: String,
    /// Set in a large bold font (14pt and up): a lone cell like that is a title.
    pub title_font: bool,
}

/// A merged region cut to one block: rows relative to the block, columns as indexes into the
/// block's used columns (end exclusive), and the sheet position its text lives at.
#[derive(Debug, Clone, Copy)]
struct Span {
    rows: (usize, usize),
    cols: (usize, usize),
    anchor: (u32, u32),
}

/// The blocks of one sheet, top to bottom. `positions` is what is left of the workbook's
/// budget of table positions, `max_cells` the most positions one table may have; `notes`,
/// when given, receives one line per block.
pub(super) fn blocks(
    sheet: &str,
    mut cells: Vec<SheetCell>,
    mut merges: Vec<Dimensions>,
    positions: &mut u64,
    max_cells: u64,
    mut notes: Option<&mut Vec<String>>,
) -> Result<Vec<Block>, Error> {
    cells.sort_by_key(|c| (c.row, c.col));
    cells.dedup_by_key(|c| (c.row, c.col));
    merges.retain(|m| m.start.0 <= m.end.0 && m.start.1 <= m.end.1 && m.start != m.end);
    merges.sort();
    let text: HashMap<(u32, u32), &str> = cells.iter().map(|c| ((c.row, c.col), c.text.as_str())).collect();
    let mut out = Vec::new();
    for (first, last) in row_runs(&cells, &merges, &text) {
        // Merges are sorted by their top row: those anchored in the run are one slice.
        let from = merges.partition_point(|m| m.start.0 < first);
        let to = merges.partition_point(|m| m.start.0 <= last);
        let run =
            Run { sheet, first, last, cells: slice_rows(&cells, first, last), merges: &merges[from..to], max_cells };
        run.blocks(&text, positions, &mut notes, &mut out)?;
    }
    Ok(out)
}

/// Consecutive rows of a sheet with their cells and the merged regions anchored in them.
struct Run<'a> {
    sheet: &'a str,
    first: u32,
    last: u32,
    cells: &'a [SheetCell],
    merges: &'a [Dimensions],
    max_cells: u64,
}

impl Run<'_> {
    fn blocks(
        &self,
        text: &HashMap<(u32, u32), &str>,
        positions: &mut u64,
        notes: &mut Option<&mut Vec<String>>,
        out: &mut Vec<Block>,
    ) -> Result<(), Error> {
        let sheet = self.sheet;
        // Leading rows of one cell, above the first row a merged region touches: captions.
        let first_merged = self.merges.first().map_or(u32::MAX, |m| m.start.0);
        let mut top = self.first;
        while top < self.last && top < first_merged && slice_rows(self.cells, top, top).len() == 1 {
            let cell = &slice_rows(self.cells, top, top)[0];
            note(notes, format!("sheet '{sheet}' {}: paragraph", a1(cell.row, cell.col)));
            out.push(paragraph(sheet, cell));
            top += 1;
        }
        let body = slice_rows(self.cells, top, self.last);
        let cols = used_columns(body);
        let range = range_name(top, self.last, &cols);
        if cols.len() <= 1 {
            note(notes, format!("sheet '{sheet}' {range}: {} paragraph(s)", body.len()));
            out.extend(body.iter().map(|c| paragraph(sheet, c)));
            return Ok(());
        }
        let height = self.last - top + 1;
        if u64::from(height) * cols.len() as u64 > self.max_cells {
            return Err(Error::new(format!(
                "sheet '{sheet}' {range}: a table of {height} rows × {} columns has more than {} cells (-O max-cells=N raises it)",
                cols.len(),
                self.max_cells
            )));
        }
        *positions = positions.checked_sub(u64::from(height) * cols.len() as u64).ok_or_else(|| {
            Error::new(format!(
                "sheet '{sheet}': a block of {height} rows × {} columns makes the workbook too large for this reader",
                cols.len()
            ))
        })?;
        let spans =
            spans(self.merges, top, self.last, &cols).map_err(|e| Error::new(format!("sheet '{sheet}': {e}")))?;
        note(notes, format!("sheet '{sheet}' {range}: table {height}×{}, {} merged", cols.len(), spans.len()));
        out.push(Block::Table(table(sheet, top, self.last, &cols, &spans, text)));
        Ok(())
    }
}

fn note(notes: &mut Option<&mut Vec<String>>, line: String) {
    if let Some(n) = notes {
        n.push(line);
    }
}

fn paragraph(sheet: &str, cell: &SheetCell) -> Block {
    let text = cell.text.clone();
    let source = Some(Source::sheet_cell(sheet, a1(cell.row, cell.col)));
    if cell.title_font {
        Block::Heading { source, level: 1, text }
    } else {
        Block::Paragraph { source, text, align: Default::default() }
    }
}

/// Runs of consecutive rows that hold text, or are covered by a merged region with text.
fn row_runs(cells: &[SheetCell], merges: &[Dimensions], text: &HashMap<(u32, u32), &str>) -> Vec<(u32, u32)> {
    let (Some(lo), Some(hi)) = (cells.first().map(|c| c.row), cells.last().map(|c| c.row)) else {
        return Vec::new();
    };
    let mut spans: Vec<(u32, u32)> = cells.iter().map(|c| (c.row, c.row)).collect();
    spans.extend(merges.iter().filter(|m| text.contains_key(&m.start)).map(|m| (m.start.0, m.end.0.clamp(lo, hi))));
    spans.sort_unstable();
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (a, b) in spans {
        match runs.last_mut() {
            Some(run) if a <= run.1.saturating_add(1) => run.1 = run.1.max(b),
            _ => runs.push((a, b)),
        }
    }
    runs
}

/// The cells of rows `first..=last` of a row-sorted slice.
fn slice_rows(cells: &[SheetCell], first: u32, last: u32) -> &[SheetCell] {
    let from = cells.partition_point(|c| c.row < first);
    let to = cells.partition_point(|c| c.row <= last);
    &cells[from..to]
}

fn used_columns(cells: &[SheetCell]) -> Vec<u32> {
    let mut cols: Vec<u32> = cells.iter().map(|c| c.col).collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// The merged regions anchored in the block, cut to its rows and used columns. A region that
/// overlaps one taken before it (Excel forbids that, a crafted file need not) is dropped; so
/// many that checking them costs more than the block itself make the file corrupt.
fn spans(merges: &[Dimensions], top: u32, last: u32, cols: &[u32]) -> Result<Vec<Span>, &'static str> {
    let height = (last - top + 1) as usize;
    let mut taken = vec![false; height * cols.len()];
    let mut checked = 0;
    let mut out = Vec::new();
    for m in merges.iter().filter(|m| m.start.0 >= top) {
        let rows = ((m.start.0 - top) as usize, (m.end.0.min(last) - top + 1) as usize);
        let col_range = (cols.partition_point(|&c| c < m.start.1), cols.partition_point(|&c| c <= m.end.1));
        if col_range.0 >= col_range.1 || (rows.1 - rows.0 == 1 && col_range.1 - col_range.0 == 1) {
            continue;
        }
        checked += (rows.1 - rows.0) * (col_range.1 - col_range.0);
        if checked > 2 * taken.len() {
            return Err("the file is corrupted: its merged regions overlap over and over");
        }
        let positions = || (rows.0..rows.1).flat_map(|r| (col_range.0..col_range.1).map(move |c| r * cols.len() + c));
        if positions().any(|p| taken[p]) {
            continue;
        }
        positions().for_each(|p| taken[p] = true);
        out.push(Span { rows, cols: col_range, anchor: m.start });
    }
    Ok(out)
}

fn table(sheet: &str, top: u32, last: u32, cols: &[u32], spans: &[Span], text: &HashMap<(u32, u32), &str>) -> Table {
    let height = (last - top + 1) as usize;
    // Which span covers each position of the block, if any.
    let mut cover: Vec<Option<usize>> = vec![None; height * cols.len()];
    for (i, s) in spans.iter().enumerate() {
        for r in s.rows.0..s.rows.1 {
            cover[r * cols.len() + s.cols.0..r * cols.len() + s.cols.1].fill(Some(i));
        }
    }
    let text_at = |pos: (u32, u32)| text.get(&pos).copied().unwrap_or_default();
    let at = |(row, col): (u32, u32)| Source::sheet_cell(sheet, a1(row, col));
    let rows = (0..height)
        .map(|r| {
            let mut row = Vec::new();
            for (c, &col) in cols.iter().enumerate() {
                match cover[r * cols.len() + c] {
                    None => {
                        let pos = (top + r as u32, col);
                        row.push(Cell::new(text_at(pos)).at(at(pos)));
                    }
                    Some(i) if spans[i].rows.0 == r && spans[i].cols.0 == c => {
                        let s = spans[i];
                        let (h, w) = (s.rows.1 - s.rows.0, s.cols.1 - s.cols.0);
                        row.push(Cell::span(text_at(s.anchor), h as u32, w as u32).at(at(s.anchor)));
                    }
                    Some(_) => {}
                }
            }
            row
        })
        .collect();
    let source = Some(Source { sheet: Some(sheet.to_string()), ..Source::default() });
    Table { source, name: sheet.to_string(), header_rows: 0, rows }
}

fn range_name(top: u32, last: u32, cols: &[u32]) -> String {
    let (first, end) = (cols.first().copied().unwrap_or(0), cols.last().copied().unwrap_or(0));
    format!("{}:{}", a1(top, first), a1(last, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(list: &[(u32, u32, &str)]) -> Vec<SheetCell> {
        list.iter().map(|(r, c, t)| SheetCell { row: *r, col: *c, text: t.to_string(), title_font: false }).collect()
    }

    fn merge(r0: u32, c0: u32, r1: u32, c1: u32) -> Dimensions {
        Dimensions { start: (r0, c0), end: (r1, c1) }
    }

    fn run(list: &[(u32, u32, &str)], merges: Vec<Dimensions>) -> Vec<Block> {
        blocks("S", cells(list), merges, &mut 1_000_000, 1_000_000, None)
            .unwrap()
            .into_iter()
            .map(without_sources)
            .collect()
    }

    /// The block with its source positions left out, to compare texts and spans.
    fn without_sources(mut b: Block) -> Block {
        match &mut b {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => *source = None,
            Block::Table(t) => {
                t.source = None;
                t.rows.iter_mut().flatten().for_each(|c| c.source = None);
            }
            Block::Image { .. } => {}
        }
        b
    }

    fn table_of(b: &Block) -> &Table {
        match b {
            Block::Table(t) => t,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    #[test]
    fn empty_rows_split_tables_and_padding_columns_vanish() {
        // Two tables, the second one starting in column C with a padding column D.
        let b =
            run(&[(1, 1, "a"), (1, 2, "b"), (2, 1, "1"), (2, 2, "2"), (4, 2, "x"), (4, 4, "y"), (5, 2, "3")], vec![]);
        assert_eq!(b.len(), 2);
        let t = table_of(&b[1]);
        assert_eq!(t.name, "S");
        assert_eq!(t.rows, vec![vec![Cell::new("x"), Cell::new("y")], vec![Cell::new("3"), Cell::new("")]]);
    }

    #[test]
    fn merged_regions_become_spans_over_used_columns() {
        // A 2-row corner over columns A:B, a caption over C:E whose column E is padding.
        let b = run(
            &[
                (0, 0, "corner"),
                (0, 2, "caption"),
                (1, 2, "c1"),
                (1, 3, "c2"),
                (2, 0, "r"),
                (2, 1, "s"),
                (2, 2, "1"),
                (2, 3, "2"),
            ],
            vec![merge(0, 0, 1, 1), merge(0, 2, 0, 4)],
        );
        let t = table_of(&b[0]);
        assert_eq!(t.rows[0], vec![Cell::span("corner", 2, 2), Cell::span("caption", 1, 2)]);
        assert_eq!(t.rows[1], vec![Cell::new("c1"), Cell::new("c2")]);
        assert_eq!(t.grid().width, 4);
    }

    #[test]
    fn a_vertical_merge_keeps_its_otherwise_empty_row_in_the_block() {
        let b = run(
            &[(0, 0, "name"), (0, 1, "value"), (2, 0, "x"), (2, 1, "1")],
            vec![merge(0, 0, 1, 0), merge(0, 1, 1, 1)],
        );
        assert_eq!(b.len(), 1);
        let t = table_of(&b[0]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[0], vec![Cell::span("name", 2, 1), Cell::span("value", 2, 1)]);
        assert!(t.rows[1].is_empty());
    }

    #[test]
    fn empty_merged_value_cells_keep_their_span() {
        let b = run(&[(0, 0, "h"), (0, 1, "x"), (0, 2, "y"), (1, 0, "row")], vec![merge(1, 1, 1, 2)]);
        let t = table_of(&b[0]);
        assert_eq!(t.rows[1], vec![Cell::new("row"), Cell::span("", 1, 2)]);
    }

    #[test]
    fn titles_and_single_column_blocks_are_paragraphs() {
        let b = run(
            &[
                (0, 0, "Title"),
                (2, 0, "二、caption"),
                (3, 0, "h1"),
                (3, 1, "h2"),
                (4, 0, "v1"),
                (4, 1, "v2"),
                (6, 0, "标题:x"),
                (7, 0, "年度:2023"),
            ],
            vec![merge(0, 0, 0, 9)],
        );
        let texts: Vec<String> = b
            .iter()
            .map(|b| match b {
                Block::Paragraph { text, .. } => format!("P {text}"),
                Block::Table(t) => format!("T {}", t.rows.len()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["P Title", "P 二、caption", "T 2", "P 标题:x", "P 年度:2023"]);
    }

    #[test]
    fn a_lone_cell_in_a_title_font_is_a_heading() {
        let mut list = cells(&[(0, 0, "Report"), (2, 0, "a"), (2, 1, "b")]);
        list[0].title_font = true;
        let b = blocks("S", list, vec![merge(0, 0, 0, 1)], &mut 100, 100, None).unwrap();
        let source = Some(Source::sheet_cell("S", "A1"));
        assert_eq!(b[0], Block::Heading { source, level: 1, text: "Report".into() });
    }

    #[test]
    fn a_merged_caption_row_stays_in_its_table() {
        let b = run(&[(0, 0, "第一项"), (1, 0, "a"), (1, 1, "b")], vec![merge(0, 0, 0, 1)]);
        assert_eq!(b.len(), 1);
        assert_eq!(table_of(&b[0]).rows[0], vec![Cell::span("第一项", 1, 2)]);
    }

    #[test]
    fn overlapping_and_huge_merges_stay_bounded() {
        let b = run(
            &[(0, 0, "a"), (0, 1, "b"), (1, 0, "c"), (1, 1, "d")],
            vec![merge(0, 0, 1_048_575, 16_383), merge(0, 0, 0, 1), merge(1, 0, 1, 1)],
        );
        // The first region in sheet order wins; the huge one overlaps it and is dropped.
        let t = table_of(&b[0]);
        assert_eq!(t.rows, vec![vec![Cell::span("a", 1, 2)], vec![Cell::span("c", 1, 2)]]);
    }

    #[test]
    fn endlessly_overlapping_merges_are_a_corrupt_file() {
        let list = cells(&[(0, 0, "a"), (0, 1, "b"), (1, 0, "c"), (1, 1, "d")]);
        let merges = vec![merge(0, 0, 1, 1); 3];
        let err = blocks("S", list, merges, &mut 100, 100, None).unwrap_err();
        assert_eq!(err.0, "sheet 'S': the file is corrupted: its merged regions overlap over and over");
    }

    #[test]
    fn the_position_budget_is_enforced() {
        let list = || cells(&[(0, 0, "a"), (0, 1, "b"), (1, 0, "c")]);
        let err = blocks("S", list(), vec![], &mut 3, 100, None).unwrap_err();
        assert!(err.0.contains("too large"), "{err}");
        let err = blocks("S", list(), vec![], &mut 100, 3, None).unwrap_err();
        assert_eq!(
            err.0,
            "sheet 'S' A1:B2: a table of 2 rows × 2 columns has more than 3 cells (-O max-cells=N raises it)"
        );
    }

    #[test]
    fn cells_name_their_sheet_and_cell_merged_ones_their_top_left() {
        let list = cells(&[(4, 2, "corner"), (4, 4, "x"), (5, 4, "1"), (6, 2, "r"), (6, 3, "s"), (6, 4, "2")]);
        let b = blocks("统计", list, vec![merge(4, 2, 5, 3)], &mut 100, 100, None).unwrap();
        let t = table_of(&b[0]);
        assert_eq!(t.source, Some(Source { sheet: Some("统计".into()), ..Source::default() }));
        let refs: Vec<Vec<&str>> = t
            .rows
            .iter()
            .map(|r| r.iter().map(|c| c.source.as_ref().unwrap().cell.as_deref().unwrap()).collect())
            .collect();
        assert_eq!(refs, [vec!["C5", "E5"], vec!["E6"], vec!["C7", "D7", "E7"]]);
        assert!(t.rows.iter().flatten().all(|c| c.source.as_ref().unwrap().sheet.as_deref() == Some("统计")));
    }
}
