//! Tables: column widths and a font size that fit the page, merged cells as `gridSpan` and
//! `vMerge`, all borders, vertically centred cells, header rows repeated on every page.

use docx_rs::{
    AlignmentType, HeightRule, Paragraph, Run, TableAlignmentType, TableBorder, TableBorderPosition, TableBorders,
    TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, VMergeType, WidthType,
};
use nianbao_plugin::document::{Grid, Slot};
use nianbao_plugin::Table;

use super::{xml_safe, MARGIN_LEFT, MARGIN_RIGHT, PAGE_HEIGHT, PAGE_WIDTH};

const PORTRAIT_WIDTH: usize = PAGE_WIDTH as usize - (MARGIN_LEFT + MARGIN_RIGHT) as usize;
const LANDSCAPE_WIDTH: usize = PAGE_HEIGHT as usize - (MARGIN_LEFT + MARGIN_RIGHT) as usize;
/// Left and right cell padding, twips (1 mm).
const CELL_PADDING: usize = 57;
/// Room for borders and rounding beside the text of a cell.
const CELL_SLACK: usize = 30;
/// Table font sizes to try, half-points: 五号, 小五, 六号.
pub const SIZES: [usize; 3] = [21, 18, 15];
/// The narrowest column holds two characters.
const MIN_CHARS: usize = 2;
/// Half-point font size → twips per half-width unit (a Latin digit; a Chinese character is two).
const TWIPS_PER_UNIT_PER_SIZE: usize = 5;

/// How a table is set: grid column widths in twips, font size in half-points, orientation.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub widths: Vec<usize>,
    pub size: usize,
    pub landscape: bool,
}

/// Chooses the largest font size that lets every column keep its narrowest readable width on
/// a portrait page, then on a landscape one, and shares out the width. None for a table
/// without cells.
pub fn lay_out(t: &Table) -> Option<Layout> {
    let grid = t.grid();
    if grid.width == 0 {
        return None;
    }
    let cells = cells(t, &grid);
    let attempts = SIZES.iter().map(|&s| (false, s)).chain(SIZES.iter().map(|&s| (true, s)));
    for (landscape, size) in attempts {
        let available = if landscape { LANDSCAPE_WIDTH } else { PORTRAIT_WIDTH };
        let min = min_widths(&cells, grid.width, size);
        if min.iter().sum::<usize>() <= available {
            return Some(Layout { widths: distribute(&cells, min, size, available), size, landscape });
        }
    }
    // Wider than a landscape page even in 六号: every column gets its share.
    let size = SIZES[SIZES.len() - 1];
    let min = min_widths(&cells, grid.width, size);
    Some(Layout { widths: fill(min, LANDSCAPE_WIDTH), size, landscape: true })
}

/// Width of text in half-width units: Chinese characters and full-width forms count two.
fn units(s: &str) -> usize {
    s.chars().map(|c| if (c as u32) < 0x2000 { 1 } else { 2 }).sum()
}

/// The longest run of characters a line cannot break inside: a number or a Latin word.
fn longest_token(s: &str) -> usize {
    s.split(|c: char| c.is_whitespace() || (c as u32) >= 0x2000).map(units).max().unwrap_or(0)
}

/// Twips a text of `units` half-width units takes in a cell, padding included.
fn twips(units: usize, size: usize) -> usize {
    units * size * TWIPS_PER_UNIT_PER_SIZE + 2 * CELL_PADDING + CELL_SLACK
}

/// A cell as the layout sees it: where it sits, how far it spans, the width of each of its
/// lines and of its longest unbreakable token, in half-width units.
struct Sized {
    row: usize,
    col: usize,
    cols: usize,
    rows: usize,
    lines: Vec<usize>,
    token: usize,
}

fn cells(t: &Table, grid: &Grid) -> Vec<Sized> {
    let mut out = Vec::new();
    for (r, line) in grid.slots.iter().enumerate() {
        let mut c = 0;
        while c < grid.width {
            let n = run_length(line, c);
            if let Some(slot) = line[c].filter(|s| s.row == r) {
                let rows = grid.slots[r..].iter().take_while(|l| same_cell(l[c], slot)).count();
                let text = &t.cell(slot).text;
                let lines = text.split('\n').map(units).collect();
                out.push(Sized { row: r, col: c, cols: n, rows, lines, token: longest_token(text) });
            }
            c += n;
        }
    }
    out
}

/// How many positions from `c` on belong to the same cell (or are all holes).
fn run_length(line: &[Option<Slot>], c: usize) -> usize {
    let same = |a: Option<Slot>, b: Option<Slot>| match (a, b) {
        (Some(a), Some(b)) => (a.row, a.index) == (b.row, b.index),
        (None, None) => true,
        _ => false,
    };
    line[c..].iter().take_while(|s| same(**s, line[c])).count()
}

/// Each column's narrowest readable width in twips: two characters, and no number or Latin
/// word broken, also across the columns a merged cell spans.
fn min_widths(cells: &[Sized], width: usize, size: usize) -> Vec<usize> {
    let mut min = vec![twips(2 * MIN_CHARS, size); width];
    for c in cells.iter().filter(|c| c.cols == 1) {
        min[c.col] = min[c.col].max(twips(c.token, size));
    }
    for c in cells.iter().filter(|c| c.cols > 1) {
        let need = twips(c.token, size);
        let have: usize = min[c.col..c.col + c.cols].iter().sum();
        if need > have {
            let extra = (need - have).div_ceil(c.cols);
            for w in &mut min[c.col..c.col + c.cols] {
                *w += extra;
            }
        }
    }
    min
}

/// Tables larger than this get their spare width in proportion, without the search below.
const MAX_SEARCHED_CELLS: usize = 4000;

/// Shares out the width left over the minimums where it saves the most printed lines: round
/// by round, each column is widened just enough for one of its cells to lose a line, and the
/// widening that shortens the table most per character wins (where no single column shortens
/// it, the one that most lessens the lines inside cells). What no column needs then goes to
/// all columns alike, so that the table fills the measure.
fn distribute(cells: &[Sized], mut widths: Vec<usize>, size: usize, available: usize) -> Vec<usize> {
    let step = 2 * size * TWIPS_PER_UNIT_PER_SIZE;
    let mut left = available.saturating_sub(widths.iter().sum());
    if cells.len() <= MAX_SEARCHED_CELLS {
        let mut scratch = Vec::new();
        let mut cost = lines_cost(cells, &widths, size, &mut scratch);
        loop {
            let mut best: Option<(usize, usize, usize)> = None;
            for col in 0..widths.len() {
                let Some(k) = steps_to_fewer_lines(cells, &widths, col, size, step).filter(|&k| k * step <= left)
                else {
                    continue;
                };
                widths[col] += k * step;
                let c = lines_cost(cells, &widths, size, &mut scratch);
                widths[col] -= k * step;
                if c < cost && best.is_none_or(|(_, bk, bc)| (cost - c) * bk > (cost - bc) * k) {
                    best = Some((col, k, c));
                }
            }
            let Some((col, k, c)) = best else { break };
            widths[col] += k * step;
            left -= k * step;
            cost = c;
        }
    }
    fill(widths, available)
}

/// How many steps wider column `col` must get for some cell over it to lose a line.
fn steps_to_fewer_lines(cells: &[Sized], widths: &[usize], col: usize, size: usize, step: usize) -> Option<usize> {
    let per_unit = size * TWIPS_PER_UNIT_PER_SIZE;
    cells
        .iter()
        .filter(|c| c.col <= col && col < c.col + c.cols)
        .flat_map(|c| {
            let room = room(widths[c.col..c.col + c.cols].iter().sum());
            c.lines.iter().filter_map(move |&u| {
                let n = (u * per_unit).div_ceil(room);
                (n > 1).then(|| (u * per_unit).div_ceil(n - 1).saturating_sub(room).div_ceil(step).max(1))
            })
        })
        .min()
}

/// The width text has in a cell of `width` twips.
fn room(width: usize) -> usize {
    width.saturating_sub(2 * CELL_PADDING + CELL_SLACK).max(1)
}

/// Widens all columns alike to make them add up to `available`; shrinks them in proportion
/// where they are too wide.
fn fill(mut widths: Vec<usize>, available: usize) -> Vec<usize> {
    let total: usize = widths.iter().sum();
    if total > available {
        widths = widths.iter().map(|&w| w * available / total.max(1)).collect();
    } else if !widths.is_empty() {
        let extra = (available - total) / widths.len();
        widths.iter_mut().for_each(|w| *w += extra);
    }
    let short = available.saturating_sub(widths.iter().sum());
    if let Some(last) = widths.last_mut() {
        *last += short;
    }
    widths
}

/// Printed lines of a cell at a width.
fn cell_lines(c: &Sized, width: usize, size: usize) -> usize {
    let room = room(width);
    c.lines.iter().map(|&u| (u * size * TWIPS_PER_UNIT_PER_SIZE).div_ceil(room).max(1)).sum()
}

/// What a set of widths costs: the table's height in lines (each row as high as its tallest
/// cell, rows under a merged cell together at least as high as it) first, then the lines
/// inside all cells. `height` is scratch space.
fn lines_cost(cells: &[Sized], widths: &[usize], size: usize, height: &mut Vec<usize>) -> usize {
    let rows = cells.iter().map(|c| c.row + c.rows).max().unwrap_or(0);
    height.clear();
    height.resize(rows, 1);
    let mut all_lines = 0;
    let width_of = |c: &Sized| widths[c.col..c.col + c.cols].iter().sum::<usize>();
    for c in cells.iter().filter(|c| c.rows == 1) {
        let n = cell_lines(c, width_of(c), size);
        all_lines += n;
        height[c.row] = height[c.row].max(n);
    }
    for c in cells.iter().filter(|c| c.rows > 1) {
        let need = cell_lines(c, width_of(c), size);
        all_lines += need;
        let have: usize = height[c.row..c.row + c.rows].iter().sum();
        if need > have {
            height[c.row + c.rows - 1] += need - have;
        }
    }
    height.iter().sum::<usize>() * (cells.len() * 1000 + 1) + all_lines
}

/// The table as WordprocessingML.
pub fn build(t: &Table, layout: &Layout) -> docx_rs::Table {
    let grid = t.grid();
    let mut rows = Vec::with_capacity(grid.slots.len());
    for (r, line) in grid.slots.iter().enumerate() {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < grid.width {
            let n = run_length(line, c);
            let width: usize = layout.widths[c..c + n].iter().sum();
            let header = (r as u32) < t.header_rows;
            let cell = match line[c] {
                None => text_cell("", width, layout.size, header),
                Some(slot) if slot.row == r => {
                    let cell = text_cell(&t.cell(slot).text, width, layout.size, header);
                    let continued = grid.slots.get(r + 1).is_some_and(|below| same_cell(below[c], slot));
                    if continued {
                        cell.vertical_merge(VMergeType::Restart)
                    } else {
                        cell
                    }
                }
                Some(_) => text_cell("", width, layout.size, header).vertical_merge(VMergeType::Continue),
            };
            cells.push(if n > 1 { cell.grid_span(n) } else { cell });
            c += n;
        }
        let row = TableRow::new(cells).row_height(min_row_height(layout.size)).height_rule(HeightRule::AtLeast);
        // cantSplit marks header rows; repeat_header_rows adds w:tblHeader beside it.
        rows.push(if (r as u32) < t.header_rows { row.cant_split() } else { row });
    }
    let borders = [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ]
    .into_iter()
    .fold(TableBorders::new(), |b, pos| b.set(TableBorder::new(pos).size(4)));
    docx_rs::Table::new(rows)
        .set_grid(layout.widths.clone())
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
        .width(layout.widths.iter().sum(), WidthType::Dxa)
        .set_borders(borders)
        .margins(
            TableCellMargins::new()
                .margin_left(CELL_PADDING, WidthType::Dxa)
                .margin_right(CELL_PADDING, WidthType::Dxa),
        )
}

/// Rows are at least 1.8 times the type size high (`size` is in half-points, the result in
/// twips), so that one-line cells breathe.
fn min_row_height(size: usize) -> f32 {
    size as f32 * 18.0
}

fn same_cell(a: Option<Slot>, b: Slot) -> bool {
    a.is_some_and(|a| (a.row, a.index) == (b.row, b.index))
}

/// The paragraph style of table text in one of [`SIZES`].
pub fn style_id(size: usize) -> String {
    format!("TableText{size}")
}

/// A vertically centred cell with one paragraph per line of text. Header cells and text that
/// fits on one line are centred (the style's alignment); longer text wraps justified.
fn text_cell(text: &str, width: usize, size: usize, header: bool) -> TableCell {
    let room = room(width);
    let one_line = text.split('\n').all(|l| units(l) * size * TWIPS_PER_UNIT_PER_SIZE <= room);
    let style = style_id(size);
    let mut cell = TableCell::new().width(width, WidthType::Dxa).vertical_align(VAlignType::Center);
    for line in text.split('\n') {
        let mut p = Paragraph::new().style(&style);
        if !(header || one_line) {
            p = p.align(AlignmentType::Both);
        }
        if !line.is_empty() {
            p = p.add_run(Run::new().add_text(xml_safe(line)));
        }
        cell = cell.add_paragraph(p);
    }
    cell
}

/// Adds `w:tblHeader` to the rows marked `w:cantSplit` (header rows only), so that Word, WPS
/// and LibreOffice repeat them at the top of each page the table runs onto.
pub fn repeat_header_rows(document: &[u8]) -> Vec<u8> {
    const MARK: &[u8] = b"<w:cantSplit />";
    const WITH_HEADER: &[u8] = b"<w:cantSplit /><w:tblHeader />";
    let mut out = Vec::with_capacity(document.len() + 1024);
    let mut rest = document;
    while let Some(i) = memchr::memmem::find(rest, MARK) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(WITH_HEADER);
        rest = &rest[i + MARK.len()..];
    }
    out.extend_from_slice(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_plugin::Cell;

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table { name: String::new(), header_rows: 0, rows }
    }

    #[test]
    fn widths_fill_the_measure_and_favour_long_text() {
        let t = table(vec![
            vec![Cell::new("5.要求行政机关确认或重新出具已获取信息"), Cell::new("0"), Cell::new("12")],
            vec![Cell::new("2.重复申请"), Cell::new("3"), Cell::new("4")],
        ]);
        let l = lay_out(&t).unwrap();
        assert_eq!((l.size, l.landscape), (21, false));
        assert_eq!(l.widths.iter().sum::<usize>(), PORTRAIT_WIDTH);
        assert!(l.widths[0] > 2 * l.widths[1], "{:?}", l.widths);
    }

    #[test]
    fn too_many_columns_shrink_the_type_then_turn_the_page() {
        let wide = |n: usize| table(vec![(0..n).map(|i| Cell::new(format!("列{i}"))).collect()]);
        let l = lay_out(&wide(15)).unwrap();
        assert_eq!((l.size, l.landscape), (21, false));
        let l = lay_out(&wide(17)).unwrap();
        assert_eq!((l.size, l.landscape), (18, false), "{l:?}");
        let l = lay_out(&wide(30)).unwrap();
        assert!(l.landscape, "{l:?}");
        assert_eq!(l.widths.iter().sum::<usize>(), LANDSCAPE_WIDTH);
        let l = lay_out(&wide(200)).unwrap();
        assert_eq!((l.size, l.landscape, l.widths.len()), (15, true, 200));
    }

    #[test]
    fn header_marks_become_repeating_rows() {
        let xml = b"<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr><w:tr><w:trPr /></w:tr>";
        let out = String::from_utf8(repeat_header_rows(xml)).unwrap();
        assert_eq!(out, "<w:tr><w:trPr><w:cantSplit /><w:tblHeader /></w:trPr></w:tr><w:tr><w:trPr /></w:tr>");
    }
}
