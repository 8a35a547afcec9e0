//! Pages of lines and tables → Document blocks: page chrome removed, tables continued on the
//! next page joined, lines joined into paragraphs by indentation, line length, spacing and
//! size, and larger lines made headings.

use super::interp::{union, Dir};
use super::lines::{Line, SOFT_SPACE};
use super::table::{CellBox, Lattice};
use nianbao_chinese::{is_number, is_page_mark};
use nianbao_plugin::document::Source;
use nianbao_plugin::{Align, Block, Cell, Table};
use std::collections::HashMap;

/// What the reader kept of one page.
pub struct PageLayout {
    pub number: u32,
    pub width: f32,
    pub height: f32,
    pub lines: Vec<Line>,
    pub tables: Vec<Lattice>,
}

/// Page numbers and running headers live in the top and bottom this-much of a page.
const CHROME_BAND: f32 = 0.12;

enum Item<'a> {
    Line(&'a Line),
    Table(Lattice),
}

#[derive(Clone, Copy)]
struct Margins {
    left: f32,
    right: f32,
}

struct Stats {
    body: f32,
    pitch: f32,
    pages: Vec<Margins>,
    /// The number of each page, from 1.
    numbers: Vec<u32>,
}

pub fn assemble(mut pages: Vec<PageLayout>) -> Vec<Block> {
    remove_chrome(&mut pages);
    let stats = stats(&pages);
    let mut items: Vec<(usize, Item)> = Vec::new();
    for (p, page) in pages.iter_mut().enumerate() {
        let mut page_items: Vec<(f32, Item)> = page.lines.iter().map(|l| (l.top, Item::Line(l))).collect();
        page_items.extend(std::mem::take(&mut page.tables).into_iter().map(|t| (t.top(), Item::Table(t))));
        page_items.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (_, item) in page_items {
            if let Item::Table(t) = item {
                // A table that opens a page continues the table that closed the previous one.
                let continues =
                    matches!(items.last(), Some((q, Item::Table(prev))) if *q + 1 == p && same_columns(prev, &t));
                if continues {
                    if let Some((_, Item::Table(prev))) = items.last_mut() {
                        append(prev, t);
                    }
                    continue;
                }
                items.push((p, Item::Table(t)));
            } else {
                items.push((p, item));
            }
        }
    }
    paragraphs(&items, &stats)
}

fn paragraphs(items: &[(usize, Item)], stats: &Stats) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<(usize, &Line)> = Vec::new();
    for (p, item) in items {
        match item {
            Item::Table(t) => {
                flush(&mut para, &mut blocks, stats);
                blocks.push(Block::Table(to_table(t)));
            }
            Item::Line(line) => {
                if let Some(&(q, prev)) = para.last() {
                    if breaks(prev, stats.pages[q], line, stats.pages[*p], q == *p, stats) {
                        flush(&mut para, &mut blocks, stats);
                    }
                }
                para.push((*p, line));
            }
        }
    }
    flush(&mut para, &mut blocks, stats);
    blocks
}

/// Whether the line is centred, set in at least `inset` ems from both margins.
fn centered(l: &Line, m: Margins, inset: f32) -> bool {
    let (lgap, rgap) = (l.left - m.left, m.right - l.right);
    lgap > inset * l.size && rgap > inset * l.size && (lgap - rgap).abs() < 1.5 * l.size
}

fn full(l: &Line, m: Margins) -> bool {
    l.left <= m.left + l.size && full_right(l, m)
}

fn full_right(l: &Line, m: Margins) -> bool {
    l.right >= m.right - 1.5 * l.size
}

/// Whether `b` starts a new paragraph after `a`.
fn breaks(a: &Line, ma: Margins, b: &Line, mb: Margins, same_page: bool, s: &Stats) -> bool {
    if a.dir != Dir::Right || b.dir != Dir::Right {
        return true;
    }
    if (a.size - b.size).abs() > 0.15 * a.size.max(b.size) {
        return true;
    }
    let gap = b.v - a.v;
    // Line spacing scales with the font size: the body's spacing, at this line's size.
    let normal = 1.45 * (s.pitch / s.body).max(1.0) * a.size.max(b.size);
    if same_page && (gap > normal || gap < 0.0) {
        return true;
    }
    // Centring only tells titles apart: in body text an indented line can look centred.
    let large = a.size >= 1.15 * s.body;
    let (ca, cb) = (large && centered(a, ma, 1.0), large && centered(b, mb, 1.0));
    if cb && full(a, ma) {
        // The last line of a centred paragraph (a title wrapped over two lines).
        return false;
    }
    if ca || cb {
        return !(ca && cb);
    }
    // A line that ends short ends its paragraph, unless the next line's first word would not
    // have fitted in the space left (a long Latin word or URL wrapped).
    let room = ma.right - a.right;
    b.left > mb.left + 0.8 * b.size || (room > 1.5 * a.size && room > b.first_word + 0.5 * a.size)
}

fn flush(para: &mut Vec<(usize, &Line)>, blocks: &mut Vec<Block>, s: &Stats) {
    let Some(&(p, first)) = para.first() else { return };
    let mut text = String::new();
    for (i, (q, l)) in para.iter().enumerate() {
        let join = matches!((text.chars().next_back(), l.text.chars().next()), (Some(x), Some(y)) if x.is_ascii_alphanumeric() && y.is_ascii_alphanumeric());
        if join {
            text.push(' ');
        }
        let stretched = i + 1 < para.len() && full_right(l, s.pages[*q]);
        text.extend(l.text.chars().filter_map(|c| match c {
            SOFT_SPACE if stretched => None,
            SOFT_SPACE => Some(' '),
            c => Some(c),
        }));
    }
    let m = s.pages[p];
    // A paragraph over a page break is where it starts.
    let bbox = para.iter().filter(|(q, _)| *q == p).map(|(_, l)| l.bbox).fold(None, union).unwrap_or(first.bbox);
    let source = Some(Source::page(s.numbers[p], bbox));
    let size = para.iter().map(|(_, l)| l.size).fold(0.0, f32::max);
    if size >= s.body * 1.15 {
        let level = if blocks.is_empty() { 1 } else { 2 };
        blocks.push(Block::Heading { source, level, text });
    } else {
        let align = if para.iter().all(|(q, l)| centered(l, s.pages[*q], 2.0)) {
            Align::Center
        } else if first.left > m.left + 0.4 * (m.right - m.left) && (first.right - m.right).abs() < 1.5 * first.size {
            Align::Right
        } else {
            Align::Justify
        };
        blocks.push(Block::Paragraph { source, text, align });
    }
    para.clear();
}

/// Page numbers (`-1-`, `— 1 —`, `第1页`, `1/6`) and headers or footers repeated on several
/// pages, in the top or bottom band of a page.
fn remove_chrome(pages: &mut [PageLayout]) {
    let band = |l: &Line, h: f32| -> Option<bool> {
        if l.bottom < h * CHROME_BAND {
            Some(true)
        } else if l.top > h * (1.0 - CHROME_BAND) {
            Some(false)
        } else {
            None
        }
    };
    // A running header repeats its text at the same place in the same size.
    let key = |l: &Line, top: bool| (top, shape(&l.text), (l.v / 3.0).round() as i32, (l.size * 2.0).round() as i32);
    let mut seen: HashMap<(bool, String, i32, i32), usize> = HashMap::new();
    for page in pages.iter() {
        let mut on_page: Vec<_> = page.lines.iter().filter_map(|l| Some(key(l, band(l, page.height)?))).collect();
        on_page.sort();
        on_page.dedup();
        for key in on_page {
            *seen.entry(key).or_default() += 1;
        }
    }
    let count = pages.len();
    let repeated = |n: usize| count >= 2 && n >= 2 && n * 2 >= count.min(6);
    for page in pages.iter_mut() {
        let h = page.height;
        page.lines.retain(|l| match band(l, h) {
            Some(top) => !(is_page_mark(&l.text) || is_print_stamp(&l.text) || repeated(seen[&key(l, top)])),
            None => true,
        });
    }
}

/// What a browser prints at the head and foot of each page: the date and time the page was
/// printed (`11/25/26, 11:46 AM`, `2026/11/25 11:46`) before its title, and its address before
/// the page count. Found on a one-page print too, where nothing repeats.
fn is_print_stamp(text: &str) -> bool {
    let t = text.trim();
    // Browsers write the date with slashes; a site's own `2021-03-22 16:37` is page content.
    let date: Vec<&str> = t.split([' ', ',']).next().unwrap_or("").split('/').collect();
    let time = t.split([' ', ',']).filter(|w| !w.is_empty()).nth(1).unwrap_or("");
    let stamped = date.len() == 3
        && date.iter().all(|p| (1..=4).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
        && time.split_once(':').is_some_and(|(h, m)| {
            h.len() <= 2 && m.len() == 2 && (h.to_owned() + m).chars().all(|c| c.is_ascii_digit())
        });
    let address = ["file://", "http://", "https://"].iter().any(|s| t.starts_with(s))
        && t.rsplit(' ').next().is_some_and(|n| {
            n.split_once('/').is_some_and(|(a, b)| {
                !a.is_empty() && !b.is_empty() && (a.to_owned() + b).chars().all(|c| c.is_ascii_digit())
            })
        });
    stamped || address
}

/// A line's text with digits blanked, so `第1页` and `第2页` look alike.
fn shape(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).map(|c| if c.is_ascii_digit() { '#' } else { c }).collect()
}

fn stats(pages: &[PageLayout]) -> Stats {
    let all: Vec<&Line> = pages.iter().flat_map(|p| &p.lines).filter(|l| l.dir == Dir::Right).collect();
    let body = mode(all.iter().map(|l| (l.size, l.text.chars().count()))).unwrap_or(12.0);
    let is_body = |l: &Line| (l.size - body).abs() < 0.15 * body;
    let margins = |lines: &[&Line]| -> Option<Margins> {
        let body_lines: Vec<&&Line> = lines.iter().filter(|l| is_body(l)).collect();
        if body_lines.len() < 4 {
            return None;
        }
        let left = mode(body_lines.iter().map(|l| (l.left, 1)))?;
        let widest = body_lines.iter().map(|l| l.right).fold(left, f32::max);
        // Ragged or justified, long lines end at the margin; the odd one hangs past it.
        let mut rights: Vec<f32> =
            body_lines.iter().filter(|l| l.right - left > 0.6 * (widest - left)).map(|l| l.right).collect();
        rights.sort_by(f32::total_cmp);
        let right = *rights.get(rights.len() * 9 / 10)?;
        Some(Margins { left, right })
    };
    let doc = margins(&all).unwrap_or_else(|| {
        let left = all.iter().map(|l| l.left).fold(f32::MAX, f32::min);
        let right = all.iter().map(|l| l.right).fold(f32::MIN, f32::max);
        Margins { left, right }
    });
    let per_page = pages
        .iter()
        .map(|p| {
            let lines: Vec<&Line> = p.lines.iter().filter(|l| l.dir == Dir::Right).collect();
            let mut m = margins(&lines).filter(|m| (m.left - doc.left).abs() < 60.0).unwrap_or(doc);
            // On a page of short paragraphs the indented first lines can outnumber the lines at
            // the margin: lines at the document's margin still say where it is.
            let at_doc_margin = lines.iter().filter(|l| is_body(l) && (l.left - doc.left).abs() <= 1.0).count();
            if m.left > doc.left + 1.0 && at_doc_margin >= 2 {
                m.left = doc.left;
            }
            m
        })
        .collect();
    let mut deltas: Vec<f32> = pages
        .iter()
        .flat_map(|p| p.lines.windows(2).map(|w| (w[0].clone(), w[1].clone())))
        .filter(|(a, b)| is_body(a) && is_body(b) && a.dir == Dir::Right && b.dir == Dir::Right)
        .map(|(a, b)| b.v - a.v)
        .filter(|d| *d > 0.5 * body && *d < 3.0 * body)
        .collect();
    deltas.sort_by(f32::total_cmp);
    let pitch = deltas.get(deltas.len() / 2).copied().unwrap_or(1.5 * body);
    Stats { body, pitch, pages: per_page, numbers: pages.iter().map(|p| p.number).collect() }
}

/// The most common value, rounded to half a point, weighted.
fn mode(values: impl Iterator<Item = (f32, usize)>) -> Option<f32> {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for (v, w) in values {
        *counts.entry((v * 2.0).round() as i32).or_default() += w;
    }
    counts.into_iter().max_by_key(|&(k, n)| (n, -k)).map(|(k, _)| k as f32 / 2.0)
}

const COLUMN_SLACK: f32 = 3.0;

fn same_columns(a: &Lattice, b: &Lattice) -> bool {
    let near = |x: f32, set: &[f32]| set.iter().any(|y| (x - y).abs() <= COLUMN_SLACK);
    (a.left() - b.left()).abs() <= COLUMN_SLACK
        && (a.right() - b.right()).abs() <= COLUMN_SLACK
        && (b.xs.iter().all(|&x| near(x, &a.xs)) || a.xs.iter().all(|&x| near(x, &b.xs)))
}

/// Appends the rows of `next` (the same table continued) to `table`, dropping a header
/// repeated at its top.
fn append(table: &mut Lattice, next: Lattice) {
    let mut xs = table.xs.clone();
    for &x in &next.xs {
        if !xs.iter().any(|y| (x - y).abs() <= COLUMN_SLACK) {
            xs.push(x);
        }
    }
    xs.sort_by(f32::total_cmp);
    let remap = |cells: &[CellBox], from: &[f32]| -> Vec<CellBox> {
        cells
            .iter()
            .map(|c| {
                let col = nearest(&xs, from[c.col]);
                let end = nearest(&xs, from[c.col + c.colspan]).max(col + 1);
                CellBox { col, colspan: end - col, ..c.clone() }
            })
            .collect()
    };
    let mut cells = remap(&table.cells, &table.xs);
    let rows = table.rows();
    let incoming = remap(&next.cells, &next.xs);
    let repeated = repeated_header(&cells, &incoming, next.rows());
    for c in incoming.into_iter().filter(|c| c.row >= repeated) {
        let c = CellBox { row: c.row - repeated + rows, ..c };
        if !continue_merged(&mut cells, &c, rows) {
            cells.push(c);
        }
    }
    let bottom = table.bottom();
    let top = next.ys[repeated];
    table.ys.extend(next.ys[repeated + 1..].iter().map(|y| bottom + (y - top)));
    table.xs = xs;
    table.cells = cells;
}

/// A merged cell cut by the page break goes on at the top of the next page, blank, or with the
/// rest of its text when its text ran down to the break (LibreOffice sets text on across it):
/// lengthen the merged cell instead.
fn continue_merged(cells: &mut [CellBox], c: &CellBox, first_row: usize) -> bool {
    if c.row != first_row {
        return false;
    }
    let above = cells.iter_mut().find(|a| a.col == c.col && a.colspan == c.colspan && a.row + a.rowspan == first_row);
    match above {
        Some(a) if (a.rowspan >= 2 || c.rowspan >= 2) && !a.text.is_empty() => {
            if !c.text.is_empty() {
                if !a.text_at_bottom {
                    return false;
                }
                a.text = format!("{}\n{}", a.text, c.text);
            }
            a.rowspan += c.rowspan;
            a.text_at_bottom = c.text_at_bottom;
            true
        }
        _ => false,
    }
}

fn nearest(xs: &[f32], x: f32) -> usize {
    xs.iter().enumerate().min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs())).map_or(0, |(i, _)| i)
}

/// How many leading rows of the continuation repeat the table's leading rows.
fn repeated_header(table: &[CellBox], next: &[CellBox], next_rows: usize) -> usize {
    let row = |cells: &[CellBox], r: usize| -> Vec<(usize, usize, usize, String)> {
        cells.iter().filter(|c| c.row == r).map(|c| (c.col, c.rowspan, c.colspan, c.text.clone())).collect()
    };
    let mut k = 0;
    while k + 1 < next_rows {
        let (a, b) = (row(table, k), row(next, k));
        if a.is_empty() || a != b || a.iter().all(|c| c.3.is_empty()) {
            break;
        }
        k += 1;
    }
    k
}

fn to_table(l: &Lattice) -> Table {
    let mut rows: Vec<Vec<Cell>> = vec![Vec::new(); l.rows()];
    let mut cells: Vec<&CellBox> = l.cells.iter().collect();
    cells.sort_by_key(|c| (c.row, c.col));
    for c in cells {
        // A cell without text was printed on its page, at no box.
        let at = match c.bbox {
            Some(bbox) => Source::page(c.page, bbox),
            None => Source { page: Some(c.page), ..Source::default() },
        };
        rows[c.row].push(Cell::span(c.text.clone(), c.rowspan as u32, c.colspan as u32).at(at));
    }
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let numeric = |t: &str| t.contains(digit) && is_number(t);
    let header_rows = rows.iter().position(|r| r.iter().any(|c| numeric(&c.text))).unwrap_or(0);
    let source = Some(Source::page(l.page, l.frame));
    Table { source, name: String::new(), header_rows: header_rows as u32, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_print_stamps() {
        for t in [
            "11/25/26, 11:46 AM 白沙镇人民政府2020年政府信息公开工作年度报告",
            "2026/11/25 11:46 某局年报",
            "file:///tmp/r007.html 1/2",
            "https://www.gov.cn/a.html 3/12",
        ] {
            assert!(is_print_stamp(t), "{t}");
        }
        for t in ["2021-03-22 16:37", "2023年2月10日 发布", "https://www.gov.cn/a.html", "2022/01/11"] {
            assert!(!is_print_stamp(t), "{t}");
        }
    }
}
