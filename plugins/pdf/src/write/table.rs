//! Tables: a font size and column widths that fit the type area, row heights from the wrapped
//! cell text, and pagination. Pages break only between rows; rows tied by a rowspan stay
//! together when they fit on one page and moving them leaves little of this page empty, and
//! the header rows are repeated at the top of every page the table runs onto. A rowspan cell cut by a page break is drawn as a box on each page
//! and its text is set once, in the tallest piece.

use std::collections::HashMap;
use std::ops::Range;

use nianbao_plugin::Table;

use super::flow::{Flow, Page, Rule, Run, ASCENT, EPS, HEIGHT, LEFT, TOP};
use super::fonts::FontSet;
use super::text::{Line, Text};

/// Font sizes tried in turn until the narrowest columns fit: 五号, 小五, 六号, 小六, 七号.
const SIZES: [f32; 5] = [10.5, 9.0, 7.5, 6.5, 5.5];
/// Line pitch in cells, per point of font size.
const LEADING: f32 = 1.4;
/// Cell padding across and down, per point of font size.
const PAD_X: f32 = 0.4;
const PAD_Y: f32 = 0.35;
/// The narrowest a column is made, in characters, where the page has room.
const MIN_CHARS: f32 = 2.0;
/// An unbreakable run wider than this (in em) may be broken rather than widen its column.
const MAX_ATOM: f32 = 8.0;
/// A table block is moved whole to the next page only when this share of the page or less
/// would be left empty.
const MAX_GAP: f32 = 0.1;
/// Header rows taller than this share of the page are not repeated.
const MAX_HEADER_SHARE: f32 = 1.0 / 3.0;

/// A table measured for the type area.
pub struct Layout {
    size: f32,
    /// Left edges of the columns and the right edge of the last, from the left margin.
    x: Vec<f32>,
    heights: Vec<f32>,
    cells: Vec<Cell>,
    /// The cell covering each grid position; `None` where a ragged row left a hole.
    slots: Vec<Vec<Option<usize>>>,
    /// How many leading rows repeat on continuation pages.
    header: usize,
    /// `crossing[r]`: how many rowspans cross the line above row `r` (a page break there
    /// cuts that many cells).
    crossing: Vec<usize>,
}

struct Cell {
    row: usize,
    col: usize,
    rows: usize,
    cols: usize,
    text: Text,
    lines: Vec<Line>,
}

/// Where the placing of a table has got to: the parts done, the part being filled and how
/// much of the page it takes.
struct Placer {
    parts: Vec<Part>,
    part: Part,
    used: f32,
    header: usize,
    repeat: bool,
}

impl Placer {
    fn fits(&self, height: f32) -> bool {
        self.part.top + self.used + height <= HEIGHT + EPS
    }

    /// Whether anything stands above the part on its page, so that a new page would help.
    fn movable(&self) -> bool {
        self.part.body || self.part.top > EPS
    }

    /// The rows a new page starts with: the header, unless it has been shown and does not
    /// repeat.
    fn head(&self) -> Range<usize> {
        let started = self.part.body || !self.parts.is_empty();
        if !started || self.repeat {
            0..self.header
        } else {
            0..0
        }
    }

    fn append(&mut self, rows: Range<usize>, height: f32) {
        self.part.rows.extend(rows);
        self.used += height;
        self.part.body = true;
    }

    /// Closes the part on this page (if it has body rows) and starts one on a new page.
    fn turn_page(&mut self, flow: &mut Flow, height: f32, head: Range<usize>) {
        flow.new_page();
        let next = Part { page: flow.page_index(), top: 0.0, rows: head.collect(), body: false };
        let done = std::mem::replace(&mut self.part, next);
        self.used = height;
        if done.body {
            self.parts.push(done);
        }
    }
}

/// The rows of a table drawn on one page, from `top` of its type area.
struct Part {
    page: usize,
    top: f32,
    rows: Vec<usize>,
    /// Whether the part holds rows other than the header.
    body: bool,
}

/// Measures a table for `width` points; `None` if it has no cells.
pub fn lay_out(fonts: &mut FontSet, table: &Table, width: f32) -> Option<Layout> {
    let grid = table.grid();
    let (nrows, ncols) = (grid.slots.len(), grid.width);
    if nrows == 0 || ncols == 0 {
        return None;
    }
    let mut cells = Vec::new();
    let mut ids = HashMap::new();
    let mut slots = vec![vec![None; ncols]; nrows];
    for (r, line) in grid.slots.iter().enumerate() {
        for (c, slot) in line.iter().enumerate() {
            let Some(slot) = slot else { continue };
            if slot.origin {
                let same = |s: &Option<nianbao_plugin::document::Slot>| {
                    s.is_some_and(|s| (s.row, s.index) == (slot.row, slot.index))
                };
                let cols = line[c..].iter().take_while(|s| same(s)).count();
                let rows = grid.slots[r..].iter().take_while(|l| same(&l[c])).count();
                let text = Text::new(fonts, &table.cell(*slot).text);
                ids.insert((slot.row, slot.index), cells.len());
                cells.push(Cell { row: r, col: c, rows, cols, text, lines: Vec::new() });
            }
            slots[r][c] = ids.get(&(slot.row, slot.index)).copied();
        }
    }
    let (size, widths) = column_widths(&cells, ncols, width);
    let mut x = vec![0.0];
    for w in &widths {
        x.push(x[x.len() - 1] + w);
    }
    let mut layout = Layout { size, x, heights: Vec::new(), cells, slots, header: 0, crossing: Vec::new() };
    layout.set_rows(nrows);
    layout.header = header_rows(table.header_rows as usize, &layout.crossing);
    Some(layout)
}

/// Header rows as declared, extended past any rowspan that ties them to the rows below, and
/// none if that leaves no body.
fn header_rows(declared: usize, crossing: &[usize]) -> usize {
    let rows = crossing.len() - 1;
    let mut header = declared.min(rows);
    while header < rows && crossing[header] > 0 {
        header += 1;
    }
    if header >= rows {
        0
    } else {
        header
    }
}

/// The font size and the column widths. Each column gets at least its widest unbreakable
/// run; the rest of the width goes to the columns in proportion to how much more their text
/// wants, where a cell spanning several rows wants only its share per row.
fn column_widths(cells: &[Cell], ncols: usize, width: f32) -> (f32, Vec<f32>) {
    let mut chosen = None;
    for size in SIZES {
        let pad = 2.0 * PAD_X * size;
        let floor = (MIN_CHARS * size + pad).min(width / ncols as f32);
        let mins = spread_needs(cells, vec![floor; ncols], |cell| cell.text.widest_atom().min(MAX_ATOM) * size + pad);
        let fits = mins.iter().sum::<f32>() <= width + EPS;
        chosen = Some((size, mins));
        if fits {
            break;
        }
    }
    let (size, mut mins) = chosen.expect("SIZES is not empty");
    let total: f32 = mins.iter().sum();
    if total > width {
        mins.iter_mut().for_each(|w| *w *= width / total);
    }
    let pad = 2.0 * PAD_X * size;
    let maxes = spread_needs(cells, mins.clone(), |cell| cell.text.natural_width() * size / cell.rows as f32 + pad);
    let (min_sum, max_sum): (f32, f32) = (mins.iter().sum(), maxes.iter().sum());
    let widths = if max_sum <= width {
        maxes.iter().map(|w| w * width / max_sum).collect()
    } else {
        let flex = (max_sum - min_sum).max(EPS);
        mins.iter().zip(&maxes).map(|(lo, hi)| lo + (width - min_sum) * (hi - lo) / flex).collect()
    };
    (size, widths)
}

/// Column widths that give each cell what `need` asks for it: single columns first, then
/// spanning cells, whose shortfall is shared by the columns they span.
fn spread_needs(cells: &[Cell], mut widths: Vec<f32>, need: impl Fn(&Cell) -> f32) -> Vec<f32> {
    for cell in cells.iter().filter(|c| c.cols == 1) {
        widths[cell.col] = widths[cell.col].max(need(cell));
    }
    for cell in cells.iter().filter(|c| c.cols > 1) {
        let span = cell.col..cell.col + cell.cols;
        let short = need(cell) - widths[span.clone()].iter().sum::<f32>();
        if short > 0.0 {
            widths[span].iter_mut().for_each(|w| *w += short / cell.cols as f32);
        }
    }
    widths
}

impl Layout {
    fn leading(&self) -> f32 {
        LEADING * self.size
    }

    /// Breaks every cell's text at its width and sizes the rows to fit.
    fn set_rows(&mut self, nrows: usize) {
        let (size, pad_x, lead) = (self.size, PAD_X * self.size, self.leading());
        let min_height = lead + 2.0 * PAD_Y * size;
        for cell in &mut self.cells {
            let inner = ((self.x[cell.col + cell.cols] - self.x[cell.col] - 2.0 * pad_x) / size).max(0.0);
            cell.lines = cell.text.lines(inner, inner);
        }
        let need = |cell: &Cell| cell.lines.len() as f32 * lead + 2.0 * PAD_Y * size;
        self.heights = vec![min_height; nrows];
        for cell in self.cells.iter().filter(|c| c.rows == 1) {
            self.heights[cell.row] = self.heights[cell.row].max(need(cell));
        }
        let mut spanning: Vec<&Cell> = self.cells.iter().filter(|c| c.rows > 1).collect();
        spanning.sort_by_key(|c| c.rows);
        for cell in spanning {
            let rows = cell.row..cell.row + cell.rows;
            let short = need(cell) - self.heights[rows.clone()].iter().sum::<f32>();
            if short > 0.0 {
                self.heights[rows].iter_mut().for_each(|h| *h += short / cell.rows as f32);
            }
        }
        let mut delta = vec![0isize; nrows + 2];
        for cell in self.cells.iter().filter(|c| c.rows > 1) {
            delta[cell.row + 1] += 1;
            delta[cell.row + cell.rows] -= 1;
        }
        let mut running = 0;
        self.crossing = delta[..=nrows]
            .iter()
            .map(|d| {
                running += d;
                running as usize
            })
            .collect();
    }

    fn height(&self, rows: impl IntoIterator<Item = usize>) -> f32 {
        rows.into_iter().map(|r| self.heights[r]).sum()
    }

    /// `rows` cut where the fewest rowspans cross: for a block held together by rowspans, the
    /// sub-blocks that the fewest of them tie.
    fn split(&self, rows: Range<usize>) -> Vec<Range<usize>> {
        let least = (rows.start + 1..rows.end).map(|r| self.crossing[r]).min().unwrap_or(0);
        self.cut(rows, least)
    }

    /// `rows` cut wherever exactly `crossing` rowspans cross.
    fn cut(&self, rows: Range<usize>, crossing: usize) -> Vec<Range<usize>> {
        let mut pieces = Vec::new();
        let mut start = rows.start;
        for r in (rows.start + 1..rows.end).filter(|&r| self.crossing[r] == crossing) {
            pieces.push(start..r);
            start = r;
        }
        pieces.push(start..rows.end);
        pieces
    }

    /// The body in blocks of rows that no page break should cut. A table without header rows
    /// keeps its first two rows together, so that a caption row is never left alone at the
    /// foot of a page (a reader would take it for a paragraph).
    fn blocks(&self) -> Vec<Range<usize>> {
        let mut blocks = self.cut(self.header..self.heights.len(), 0);
        if self.header == 0 && blocks.len() >= 2 {
            let second = blocks.remove(1);
            blocks[0] = blocks[0].start..second.end;
        }
        blocks
    }

    /// What must follow a heading on its page: the header and the first rows after it.
    pub fn lead(&self) -> f32 {
        let first = self.blocks().into_iter().next().map_or(0.0, |rows| self.height(rows));
        (self.height(0..self.header) + first).min(HEIGHT)
    }

    /// Lays the table down from the flow's position, on as many pages as it takes. The body is
    /// taken in blocks of rows that no page break should cut; a block that does not fit where
    /// the page is goes to the next page if it fits there and no more than a tenth of this
    /// page is left, else it is split where the fewest rowspans cross, down to single rows.
    pub fn place(&self, flow: &mut Flow) {
        let header = self.height(0..self.header);
        let first = Part { page: flow.page_index(), top: flow.y, rows: (0..self.header).collect(), body: false };
        let mut placer = Placer {
            parts: Vec::new(),
            part: first,
            used: header,
            header: self.header,
            repeat: header <= HEIGHT * MAX_HEADER_SHARE,
        };
        let mut todo: Vec<Range<usize>> = self.blocks().into_iter().rev().collect();
        while let Some(rows) = todo.pop() {
            let height = self.height(rows.clone());
            if placer.fits(height) {
                placer.append(rows, height);
                continue;
            }
            let head = placer.head();
            // Moving a block that would fit on a page of its own leaves a gap here: worth it
            // only when the gap is small, else the block is split where it crosses least.
            let gap = HEIGHT - placer.part.top - placer.used;
            let moves =
                placer.movable() && gap < MAX_GAP * HEIGHT && self.height(head.clone()) + height <= HEIGHT + EPS;
            if moves || rows.len() == 1 {
                if placer.movable() {
                    placer.turn_page(flow, self.height(head.clone()), head);
                }
                placer.append(rows, height);
                continue;
            }
            todo.extend(self.split(rows).into_iter().rev());
        }
        flow.y = placer.part.top + placer.used;
        let mut parts = placer.parts;
        parts.push(placer.part);
        let homes = self.homes(&parts);
        for (i, part) in parts.iter().enumerate() {
            self.draw(part, &mut flow.pages[part.page], |cell| homes[cell] == i);
        }
    }

    /// For each cell, the part that shows its text: the one where the cell is tallest.
    /// (Header cells show in every part they are in.)
    fn homes(&self, parts: &[Part]) -> Vec<usize> {
        let mut part_of = vec![0; self.heights.len()];
        for (i, part) in parts.iter().enumerate() {
            part.rows.iter().filter(|&&r| r >= self.header).for_each(|&r| part_of[r] = i);
        }
        let home = |cell: &Cell| {
            let mut shares: Vec<(usize, f32)> = Vec::new();
            let rows = cell.row..cell.row + cell.rows;
            for (&part_of_row, &height_of_row) in part_of[rows.clone()].iter().zip(&self.heights[rows]) {
                match shares.last_mut() {
                    Some((part, height)) if *part == part_of_row => *height += height_of_row,
                    _ => shares.push((part_of_row, height_of_row)),
                }
            }
            shares.into_iter().fold((0, 0.0), |best, share| if share.1 > best.1 + EPS { share } else { best }).0
        };
        self.cells.iter().map(home).collect()
    }

    fn draw(&self, part: &Part, page: &mut Page, home: impl Fn(usize) -> bool) {
        let mut ys = vec![TOP + part.top];
        for &r in &part.rows {
            ys.push(ys[ys.len() - 1] + self.heights[r]);
        }
        let ncols = self.x.len() - 1;
        // Which box covers each position of the part: a cell, or a hole of its own.
        let key = |v: usize, c: usize| self.slots[part.rows[v]][c].unwrap_or(self.cells.len() + v * ncols + c);
        for v in 0..part.rows.len() {
            for c in 0..ncols {
                let Some(i) = self.slots[part.rows[v]][c] else { continue };
                let first = v == 0 || key(v - 1, c) != i;
                let cell = &self.cells[i];
                if first && c == cell.col && (cell.row < self.header || home(i)) {
                    let bottom = (v..part.rows.len()).take_while(|&w| key(w, c) == i).last().unwrap_or(v) + 1;
                    self.draw_text(cell, (ys[v], ys[bottom]), page);
                }
            }
        }
        self.draw_rules(part.rows.len(), &ys, key, page);
    }

    /// A cell's lines, centred across its box and the block of them centred down it.
    fn draw_text(&self, cell: &Cell, (top, bottom): (f32, f32), page: &mut Page) {
        let (size, lead) = (self.size, self.leading());
        let block = cell.lines.len() as f32 * lead;
        let start = top + ((bottom - top - block) / 2.0).max(PAD_Y * size);
        let (left, right) = (LEFT + self.x[cell.col], LEFT + self.x[cell.col + cell.cols]);
        for (j, line) in cell.lines.iter().enumerate() {
            if line.glyphs.is_empty() {
                continue;
            }
            let baseline = start + j as f32 * lead + (lead - size) / 2.0 + ASCENT * size;
            let x = left + (right - left - line.width * size) / 2.0;
            let glyphs = cell.text.glyphs[line.glyphs.clone()].to_vec();
            page.runs.push(Run { x, baseline, size, spacing: 0.0, bold: false, glyphs });
        }
    }

    /// Rulings between positions covered by different boxes and around the part, each drawn
    /// once and joined into the longest straight segments.
    fn draw_rules(&self, nv: usize, ys: &[f32], key: impl Fn(usize, usize) -> usize, page: &mut Page) {
        let ncols = self.x.len() - 1;
        for (b, &y) in ys.iter().enumerate() {
            let drawn = |c: usize| b == 0 || b == nv || key(b - 1, c) != key(b, c);
            for run in runs(ncols, drawn) {
                page.rules.push(Rule { from: (LEFT + self.x[run.start], y), to: (LEFT + self.x[run.end], y) });
            }
        }
        for k in 0..=ncols {
            let drawn = |v: usize| k == 0 || k == ncols || key(v, k - 1) != key(v, k);
            for run in runs(nv, drawn) {
                let x = LEFT + self.x[k];
                page.rules.push(Rule { from: (x, ys[run.start]), to: (x, ys[run.end]) });
            }
        }
    }
}

/// The maximal runs of `0..n` where `on` holds.
fn runs(n: usize, on: impl Fn(usize) -> bool) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for i in (0..n).filter(|&i| on(i)) {
        match out.last_mut() {
            Some(run) if run.end == i => run.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}
