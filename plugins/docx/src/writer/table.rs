//! Tables: column widths and a font size that fit the page, merged cells as `gridSpan` and
//! `vMerge`, all borders, vertically centred cells, header rows repeated on every page.

use nianbao_plugin::document::{Grid, Slot};
use nianbao_plugin::Table;

use super::{push_number, MARGIN_LEFT, MARGIN_RIGHT, PAGE_HEIGHT, PAGE_WIDTH};

const PORTRAIT_WIDTH: usize = PAGE_WIDTH - (MARGIN_LEFT + MARGIN_RIGHT);
const LANDSCAPE_WIDTH: usize = PAGE_HEIGHT - (MARGIN_LEFT + MARGIN_RIGHT);
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

/// The paragraph style of table text in one of [`SIZES`]: its id, its name and the size as
/// written.
pub fn style(size: usize) -> (&'static str, &'static str, &'static str) {
    match size {
        21 => ("TableText21", "Table Text 10.5", "21"),
        18 => ("TableText18", "Table Text 9", "18"),
        _ => ("TableText15", "Table Text 7.5", "15"),
    }
}

/// How a table is set: grid column widths in twips, font size in half-points, orientation;
/// and the resolved grid and measured cells it was computed from, for writing it.
#[derive(Debug)]
pub struct Layout<'t> {
    pub widths: Vec<usize>,
    pub size: usize,
    pub landscape: bool,
    table: &'t Table,
    grid: Grid,
    cells: Vec<Sized>,
    /// The width of each line of each cell, in half-width units; `Sized::lines` indexes it.
    units: Vec<usize>,
}

/// Chooses the largest font size that lets every column keep its narrowest readable width on
/// a portrait page, then on a landscape one, and shares out the width. None for a table
/// without cells.
pub fn lay_out(t: &Table) -> Option<Layout<'_>> {
    let grid = t.grid();
    if grid.width == 0 {
        return None;
    }
    let (cells, units) = measure(t, &grid);
    let attempts = SIZES.iter().map(|&s| (false, s)).chain(SIZES.iter().map(|&s| (true, s)));
    let mut chosen = None;
    for (landscape, size) in attempts {
        let available = if landscape { LANDSCAPE_WIDTH } else { PORTRAIT_WIDTH };
        let min = min_widths(&cells, grid.width, size);
        if min.iter().sum::<usize>() <= available {
            chosen = Some((distribute(&cells, &units, min, size, available), size, landscape));
            break;
        }
    }
    // Wider than a landscape page even in 六号: every column gets its share.
    let (widths, size, landscape) = chosen.unwrap_or_else(|| {
        let size = SIZES[SIZES.len() - 1];
        (fill(min_widths(&cells, grid.width, size), LANDSCAPE_WIDTH), size, true)
    });
    Some(Layout { widths, size, landscape, table: t, grid, cells, units })
}

/// Appends the width of each line of `text` to `lines`, in half-width units (Chinese
/// characters and full-width forms count two), and returns the longest run of characters a
/// line cannot break inside: a number or a Latin word.
fn measure_text(text: &str, lines: &mut Vec<usize>) -> usize {
    let (mut line, mut token, mut longest) = (0, 0, 0);
    for c in text.chars() {
        if c == '\n' {
            lines.push(line);
            line = 0;
        } else {
            line += if (c as u32) < 0x2000 { 1 } else { 2 };
        }
        if c.is_whitespace() || (c as u32) >= 0x2000 {
            longest = longest.max(token);
            token = 0;
        } else {
            token += 1;
        }
    }
    lines.push(line);
    longest.max(token)
}

/// Twips a text of `units` half-width units takes in a cell, padding included.
fn twips(units: usize, size: usize) -> usize {
    units * size * TWIPS_PER_UNIT_PER_SIZE + 2 * CELL_PADDING + CELL_SLACK
}

/// A cell as the layout sees it: where it sits, how far it spans, where the widths of its
/// lines are, and the width of its longest unbreakable token, in half-width units.
#[derive(Debug)]
struct Sized {
    row: usize,
    col: usize,
    cols: usize,
    rows: usize,
    lines: std::ops::Range<usize>,
    token: usize,
}

/// The cells in reading order (row by row, left to right, where each starts), the widths of
/// all their lines in one list.
fn measure(t: &Table, grid: &Grid) -> (Vec<Sized>, Vec<usize>) {
    let mut cells = Vec::with_capacity(t.rows.iter().map(Vec::len).sum());
    let mut units_of_lines = Vec::with_capacity(cells.capacity());
    for (r, line) in grid.slots.iter().enumerate() {
        let mut c = 0;
        while c < grid.width {
            let n = run_length(line, c);
            if let Some(slot) = line[c].filter(|s| s.row == r) {
                let rows = grid.slots[r..].iter().take_while(|l| same_cell(l[c], slot)).count();
                let start = units_of_lines.len();
                let token = measure_text(&t.cell(slot).text, &mut units_of_lines);
                cells.push(Sized { row: r, col: c, cols: n, rows, lines: start..units_of_lines.len(), token });
            }
            c += n;
        }
    }
    (cells, units_of_lines)
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
fn distribute(cells: &[Sized], units: &[usize], mut widths: Vec<usize>, size: usize, available: usize) -> Vec<usize> {
    if cells.len() > MAX_SEARCHED_CELLS {
        return fill(widths, available);
    }
    let step = 2 * size * TWIPS_PER_UNIT_PER_SIZE;
    let mut left = available.saturating_sub(widths.iter().sum());
    let covering = Lists::new(widths.len(), cells, |c| c.col..c.col + c.cols);
    let lines = cells.iter().map(|c| cell_lines(c, units, width_of(c, &widths), size)).collect();
    let mut cost = Cost::new(cells, lines);
    let mut current = cost.current();
    // Per cell, how many steps wider it must get to lose a line, None where no line wraps:
    // like its lines, this changes only when the cell does, and only a cell that wraps can.
    let mut steps: Vec<Option<usize>> =
        cells.iter().map(|c| steps_to_fewer_lines(c, units, width_of(c, &widths), size, step)).collect();
    let mut wrapping = Vec::new();
    loop {
        let mut best: Option<(usize, usize, usize)> = None;
        for col in 0..widths.len() {
            wrapping.clear();
            wrapping.extend(covering.of(col).iter().filter(|&&i| steps[i].is_some()));
            let Some(k) = wrapping.iter().filter_map(|&i| steps[i]).min().filter(|&k| k * step <= left) else {
                continue;
            };
            widths[col] += k * step;
            let c = cost.trial(&wrapping, |c| cell_lines(c, units, width_of(c, &widths), size));
            widths[col] -= k * step;
            if c < current && best.is_none_or(|(_, bk, bc)| (current - c) * bk > (current - bc) * k) {
                best = Some((col, k, c));
            }
        }
        let Some((col, k, c)) = best else { break };
        widths[col] += k * step;
        left -= k * step;
        current = c;
        wrapping.clear();
        wrapping.extend(covering.of(col).iter().filter(|&&i| steps[i].is_some()));
        cost.apply(&wrapping, |c| cell_lines(c, units, width_of(c, &widths), size));
        for &i in &wrapping {
            steps[i] = steps_to_fewer_lines(&cells[i], units, width_of(&cells[i], &widths), size, step);
        }
    }
    fill(widths, available)
}

/// Cells listed under keys (grid columns, rows): one list, cut per key.
struct Lists {
    cells: Vec<usize>,
    starts: Vec<usize>,
}

impl Lists {
    /// `keys` gives the keys each cell is listed under; lists keep the cells' order.
    fn new(n: usize, cells: &[Sized], keys: impl Fn(&Sized) -> std::ops::Range<usize>) -> Lists {
        let mut starts = vec![0; n + 1];
        for c in cells {
            for key in keys(c) {
                starts[key + 1] += 1;
            }
        }
        for i in 1..=n {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut list = vec![0; starts[n]];
        for (i, c) in cells.iter().enumerate() {
            for key in keys(c) {
                list[next[key]] = i;
                next[key] += 1;
            }
        }
        Lists { cells: list, starts }
    }

    fn of(&self, key: usize) -> &[usize] {
        &self.cells[self.starts[key]..self.starts[key + 1]]
    }
}

fn width_of(c: &Sized, widths: &[usize]) -> usize {
    widths[c.col..c.col + c.cols].iter().sum()
}

/// How many steps wider a cell of `width` must get for one of its lines to wrap once less.
fn steps_to_fewer_lines(c: &Sized, units: &[usize], width: usize, size: usize, step: usize) -> Option<usize> {
    let per_unit = size * TWIPS_PER_UNIT_PER_SIZE;
    let room = room(width);
    units[c.lines.clone()]
        .iter()
        .filter_map(|&u| {
            let n = (u * per_unit).div_ceil(room);
            (n > 1).then(|| (u * per_unit).div_ceil(n - 1).saturating_sub(room).div_ceil(step).max(1))
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
fn cell_lines(c: &Sized, units: &[usize], width: usize, size: usize) -> usize {
    let room = room(width);
    units[c.lines.clone()].iter().map(|&u| (u * size * TWIPS_PER_UNIT_PER_SIZE).div_ceil(room).max(1)).sum()
}

/// What a set of widths costs, from the printed lines of each cell: the table's height in lines
/// (each row as high as its tallest cell, rows under a merged cell together at least as high
/// as it) first, then the lines inside all cells. A trial changes the lines of the cells over
/// one column only, so each row keeps its tallest one-row cell and, per cell, the tallest of
/// the others beside it: a trial then costs a pass over rows and merged cells, not all cells.
struct Cost<'c> {
    cells: &'c [Sized],
    /// Printed lines per cell at the current widths (`lines`) and in the trial under way.
    lines: Vec<usize>,
    trial: Vec<usize>,
    all_lines: usize,
    /// One-row cells per row; cells over several rows, laid over the rows' heights in order.
    in_row: Lists,
    merged: Vec<usize>,
    /// Per row, its tallest one-row cell; per one-row cell, the tallest other in its row (a
    /// row is at least one line high).
    tallest: Vec<usize>,
    others: Vec<usize>,
    height: Vec<usize>,
    weight: usize,
}

impl<'c> Cost<'c> {
    fn new(cells: &'c [Sized], lines: Vec<usize>) -> Cost<'c> {
        let rows = cells.iter().map(|c| c.row + c.rows).max().unwrap_or(0);
        let mut cost = Cost {
            cells,
            trial: lines.clone(),
            all_lines: lines.iter().sum(),
            lines,
            in_row: Lists::new(rows, cells, |c| if c.rows == 1 { c.row..c.row + 1 } else { 0..0 }),
            merged: (0..cells.len()).filter(|&i| cells[i].rows > 1).collect(),
            tallest: vec![1; rows],
            others: vec![1; cells.len()],
            height: vec![1; rows],
            weight: cells.len() * 1000 + 1,
        };
        for r in 0..rows {
            cost.refresh_row(r);
        }
        cost
    }

    fn refresh_row(&mut self, r: usize) {
        let (mut top, mut second) = (1, 1);
        for &i in self.in_row.of(r) {
            let n = self.lines[i];
            if n > top {
                second = top;
                top = n;
            } else if n > second {
                second = n;
            }
        }
        self.tallest[r] = top;
        for &i in self.in_row.of(r) {
            self.others[i] = if self.lines[i] == top { second } else { top };
        }
    }

    fn current(&mut self) -> usize {
        self.height.copy_from_slice(&self.tallest);
        self.total(self.all_lines)
    }

    /// The cost with the cells `changed` at the lines `count` gives them.
    fn trial(&mut self, changed: &[usize], count: impl Fn(&Sized) -> usize) -> usize {
        self.height.copy_from_slice(&self.tallest);
        let mut all_lines = self.all_lines;
        for &i in changed {
            let (c, n) = (&self.cells[i], count(&self.cells[i]));
            self.trial[i] = n;
            all_lines = all_lines + n - self.lines[i];
            if c.rows == 1 {
                self.height[c.row] = self.others[i].max(n);
            }
        }
        let cost = self.total(all_lines);
        for &i in changed {
            self.trial[i] = self.lines[i];
        }
        cost
    }

    /// Makes the lines `count` gives the cells `changed` current.
    fn apply(&mut self, changed: &[usize], count: impl Fn(&Sized) -> usize) {
        for &i in changed {
            let n = count(&self.cells[i]);
            self.all_lines = self.all_lines + n - self.lines[i];
            self.lines[i] = n;
            self.trial[i] = n;
        }
        for &i in changed {
            if self.cells[i].rows == 1 {
                self.refresh_row(self.cells[i].row);
            }
        }
    }

    /// Lays the merged cells (at their trial lines) over the row heights and weighs the result.
    fn total(&mut self, all_lines: usize) -> usize {
        for &i in &self.merged {
            let (c, need) = (&self.cells[i], self.trial[i]);
            let have: usize = self.height[c.row..c.row + c.rows].iter().sum();
            if need > have {
                self.height[c.row + c.rows - 1] += need - have;
            }
        }
        self.height.iter().sum::<usize>() * self.weight + all_lines
    }
}

fn same_cell(a: Option<Slot>, b: Slot) -> bool {
    a.is_some_and(|a| (a.row, a.index) == (b.row, b.index))
}

impl Layout<'_> {
    /// The table as WordprocessingML: fixed layout on the computed grid, centred, all borders
    /// 0.5 pt, 1 mm cell padding; rows at least 1.8 times the type size high, header rows kept
    /// whole and repeated on every page.
    pub fn write(&self, out: &mut String) {
        let total: usize = self.widths.iter().sum();
        out.push_str(r#"<w:tbl><w:tblPr><w:tblW w:w=""#);
        push_number(out, total);
        out.push_str(r#"" w:type="dxa" /><w:jc w:val="center" /><w:tblBorders>"#);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            out.push_str("<w:");
            out.push_str(side);
            out.push_str(r#" w:val="single" w:sz="4" w:space="0" w:color="000000" />"#);
        }
        out.push_str(concat!(
            r#"</w:tblBorders><w:tblLayout w:type="fixed" /><w:tblCellMar><w:top w:w="0" w:type="dxa" />"#,
            r#"<w:left w:w="57" w:type="dxa" /><w:bottom w:w="0" w:type="dxa" /><w:right w:w="57" w:type="dxa" />"#,
            "</w:tblCellMar></w:tblPr><w:tblGrid>"
        ));
        for &w in &self.widths {
            out.push_str(r#"<w:gridCol w:w=""#);
            push_number(out, w);
            out.push_str(r#"" />"#);
        }
        out.push_str("</w:tblGrid>");
        let (style, _, _) = style(self.size);
        let mut sized = self.cells.iter();
        for (r, line) in self.grid.slots.iter().enumerate() {
            let header = (r as u32) < self.table.header_rows;
            out.push_str("<w:tr><w:trPr>");
            if header {
                out.push_str("<w:cantSplit /><w:tblHeader />");
            }
            out.push_str(r#"<w:trHeight w:val=""#);
            push_number(out, self.size * 18);
            out.push_str(r#"" w:hRule="atLeast" /></w:trPr>"#);
            let mut c = 0;
            while c < self.grid.width {
                let n = run_length(line, c);
                let width: usize = self.widths[c..c + n].iter().sum();
                out.push_str(r#"<w:tc><w:tcPr><w:tcW w:w=""#);
                push_number(out, width);
                out.push_str(r#"" w:type="dxa" />"#);
                if n > 1 {
                    out.push_str(r#"<w:gridSpan w:val=""#);
                    push_number(out, n);
                    out.push_str(r#"" />"#);
                }
                let origin = line[c].filter(|slot| slot.row == r);
                match line[c] {
                    Some(_) if origin.is_none() => out.push_str(r#"<w:vMerge w:val="continue" />"#),
                    Some(slot) if self.grid.slots.get(r + 1).is_some_and(|below| same_cell(below[c], slot)) => {
                        out.push_str(r#"<w:vMerge w:val="restart" />"#)
                    }
                    _ => {}
                }
                out.push_str(r#"<w:vAlign w:val="center" /></w:tcPr>"#);
                match origin {
                    Some(slot) => {
                        let cell = sized.next().expect("a measured cell at each origin");
                        self.paragraphs(out, &self.table.cell(slot).text, cell, width, style, header);
                    }
                    None => empty_paragraph(out, style),
                }
                out.push_str("</w:tc>");
                c += n;
            }
            out.push_str("</w:tr>");
        }
        out.push_str("</w:tbl>");
    }

    /// A cell's paragraphs, one per line. Header cells and text that fits on one line are
    /// centred (the style's alignment); longer text wraps justified.
    fn paragraphs(&self, out: &mut String, text: &str, cell: &Sized, width: usize, style: &str, header: bool) {
        let room = room(width);
        let per_unit = self.size * TWIPS_PER_UNIT_PER_SIZE;
        let one_line = self.units[cell.lines.clone()].iter().all(|&u| u * per_unit <= room);
        for line in text.split('\n') {
            out.push_str(r#"<w:p><w:pPr><w:pStyle w:val=""#);
            out.push_str(style);
            out.push_str(r#"" />"#);
            if !(header || one_line) {
                out.push_str(r#"<w:jc w:val="both" />"#);
            }
            out.push_str("</w:pPr>");
            if !line.is_empty() {
                out.push_str("<w:r>");
                super::text_element(out, line);
                out.push_str("</w:r>");
            }
            out.push_str("</w:p>");
        }
    }
}

fn empty_paragraph(out: &mut String, style: &str) {
    out.push_str(r#"<w:p><w:pPr><w:pStyle w:val=""#);
    out.push_str(style);
    out.push_str(r#"" /></w:pPr></w:p>"#);
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_plugin::Cell;

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table { source: None, name: String::new(), header_rows: 0, rows }
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
        let t = wide(15);
        let l = lay_out(&t).unwrap();
        assert_eq!((l.size, l.landscape), (21, false));
        let t = wide(17);
        let l = lay_out(&t).unwrap();
        assert_eq!((l.size, l.landscape), (18, false), "{:?}", l.widths);
        let t = wide(30);
        let l = lay_out(&t).unwrap();
        assert!(l.landscape, "{:?}", l.widths);
        assert_eq!(l.widths.iter().sum::<usize>(), LANDSCAPE_WIDTH);
        let t = wide(200);
        let l = lay_out(&t).unwrap();
        assert_eq!((l.size, l.landscape, l.widths.len()), (15, true, 200));
    }

    #[test]
    fn merged_cells_become_grid_spans_and_vertical_merges() {
        let t = Table {
            source: None,
            name: String::new(),
            header_rows: 1,
            rows: vec![vec![Cell::span("合并", 2, 2), Cell::new("a")], vec![Cell::new("b")], vec![Cell::new("c")]],
        };
        let mut xml = String::new();
        lay_out(&t).unwrap().write(&mut xml);
        let cells: Vec<&str> = xml.split("<w:tc>").skip(1).collect();
        assert_eq!(cells.len(), 6, "{xml}");
        assert!(cells[0].contains(r#"<w:gridSpan w:val="2" /><w:vMerge w:val="restart" />"#), "{}", cells[0]);
        assert!(cells[2].contains(r#"<w:gridSpan w:val="2" /><w:vMerge w:val="continue" />"#), "{}", cells[2]);
        // The ragged last row is filled out with one empty cell across the hole.
        assert!(cells[5].contains(r#"<w:gridSpan w:val="2" /><w:vAlign"#), "{}", cells[5]);
        assert_eq!(xml.matches("<w:tblHeader />").count(), 1);
    }
}
