//! Tables drawn with no rules at all: text set in columns. Lines whose text falls apart into
//! chunks at wide gaps, with numbers among them, are the rows; the gutters that (nearly) every
//! such row leaves free are the columns. Header lines above the first row, and header lines
//! between rows that reach over the number columns, become rows of their own; the other lines
//! between rows are the wrapped parts of a row's label cells and join the row they belong to.

use super::interp::{union, Dir, Page};
use super::lines;
use super::table::{CellBox, Lattice};
use nianbao_chinese::is_number;

/// Whether the pieces of text make a number as a cell prints it: the cheap test first, as
/// most chunks are words.
fn numeric<'a>(pieces: impl Iterator<Item = &'a str> + Clone) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    pieces.clone().any(|p| p.contains(digit)) && is_number(&pieces.collect::<String>())
}

/// A gap wider than this many ems parts two chunks of a line (a word space is a quarter em).
const CHUNK_GAP: f32 = 0.8;

struct Chunk {
    x0: f32,
    x1: f32,
    glyphs: Vec<u32>,
    numeric: bool,
}

/// A chunk's text, spaced as a line of its own (only tables need it: most lines are not), and
/// its box on the page as shown.
fn chunk_text(page: &Page, glyphs: &[u32]) -> (String, Option<[f32; 4]>) {
    let lines = lines::build(page, glyphs);
    let text = lines.iter().map(|l| l.text.replace(lines::SOFT_SPACE, " ")).collect::<Vec<_>>().join(" ");
    (text, lines.iter().fold(None, |b, l| union(b, l.bbox)))
}

struct TextLine {
    top: f32,
    bottom: f32,
    size: f32,
    chunks: Vec<Chunk>,
}

impl TextLine {
    fn cy(&self) -> f32 {
        (self.top + self.bottom) / 2.0
    }
    fn is_row(&self) -> bool {
        self.chunks.len() >= 2 && self.chunks.iter().any(|c| c.numeric)
    }
    fn left(&self) -> f32 {
        self.chunks[0].x0
    }
}

/// The page's free horizontal text as lines of chunks, top to bottom.
fn text_lines(page: &Page, taken: &[bool]) -> Vec<TextLine> {
    let free: Vec<u32> = (0..page.glyphs.len() as u32)
        .filter(|&i| {
            let g = &page.glyphs[i as usize];
            !taken[i as usize] && g.dir == Dir::Right && !page.glyph_text(g).trim().is_empty()
        })
        .collect();
    let g = |i: u32| &page.glyphs[i as usize];
    let mut out = Vec::new();
    for members in lines::baselines(page, &free) {
        let mut chunks: Vec<Vec<u32>> = Vec::new();
        for &m in members.iter() {
            match chunks.last_mut() {
                Some(c)
                    if g(m).u0 - g(*c.last().unwrap()).u1 <= CHUNK_GAP * g(m).size.max(g(*c.last().unwrap()).size) =>
                {
                    c.push(m)
                }
                _ => chunks.push(vec![m]),
            }
        }
        let mut sizes: Vec<f32> = members.iter().map(|&m| g(m).size).collect();
        sizes.sort_by(f32::total_cmp);
        let (top, bottom) = members.iter().fold((f32::MAX, f32::MIN), |(t, b), &m| {
            (t.min(g(m).cy - g(m).size / 2.0), b.max(g(m).cy + g(m).size / 2.0))
        });
        let chunks = chunks
            .into_iter()
            .map(|glyphs| Chunk {
                x0: g(glyphs[0]).u0,
                x1: glyphs.iter().map(|&m| g(m).u1).fold(f32::MIN, f32::max),
                numeric: numeric(glyphs.iter().map(|&m| page.glyph_text(g(m)))),
                glyphs,
            })
            .collect();
        out.push(TextLine { top, bottom, size: sizes[sizes.len() / 2], chunks });
    }
    out.sort_by(|a, b| a.cy().total_cmp(&b.cy()));
    out
}

/// Finds tables without rules among the glyphs no ruled table took, and marks their glyphs
/// taken.
pub fn find(page: &Page, taken: &mut [bool]) -> Vec<Lattice> {
    let lines = text_lines(page, taken);
    let mut tables = Vec::new();
    let (mut i, mut floor) = (0, 0);
    while i < lines.len() {
        if !lines[i].is_row() {
            i += 1;
            continue;
        }
        let (first, last) = (i, extent(&lines, i));
        i = last + 1;
        let rows = (first..=last).filter(|&k| lines[k].is_row()).count();
        let numbers: usize = (first..=last).map(|k| lines[k].chunks.iter().filter(|c| c.numeric).count()).sum();
        let widest = (first..=last).map(|k| lines[k].chunks.len()).max().unwrap_or(0);
        if numbers < 4 || (rows < 2 && widest < 4) {
            continue;
        }
        let first = header_start(&lines, floor, first, last);
        if let Some(table) = build(page, &lines[first..=last]) {
            floor = last + 1;
            for l in &lines[first..=last] {
                for c in &l.chunks {
                    for &g in &c.glyphs {
                        taken[g as usize] = true;
                    }
                }
            }
            tables.push(table);
        }
    }
    tables
}

/// From the row line at `start`: the last row line of its table. Lines of another size, a
/// gap wider than a line and a half, or more than eight lines without a row end it.
fn extent(lines: &[TextLine], start: usize) -> usize {
    let size = lines[start].size;
    let mut last = start;
    for k in start + 1..lines.len() {
        let l = &lines[k];
        if (l.size - size).abs() > 0.2 * size || l.top - lines[k - 1].bottom > 1.5 * size || k - last > 8 {
            break;
        }
        if l.is_row() {
            last = k;
        }
    }
    last
}

/// The header lines above a table's first row, down from `floor`: close lines of the row's
/// size, as long as they are not a lone chunk at the table's left edge (a heading, the
/// paragraph before) — unless a header line that is not a row sits right above it (the corner
/// note of a header).
fn header_start(lines: &[TextLine], floor: usize, first: usize, last: usize) -> usize {
    let size = lines[first].size;
    let left = (first..=last).map(|k| lines[k].left()).fold(f32::MAX, f32::min);
    let fits = |k: usize, below: usize| {
        let l = &lines[k];
        (l.size - size).abs() <= 0.2 * size && lines[below].top - l.bottom <= 1.0 * size
    };
    let lone_at_left = |k: usize| lines[k].chunks.len() == 1 && lines[k].left() < left + 2.5 * size;
    let mut start = first;
    while start > floor && fits(start - 1, start) {
        let k = start - 1;
        if lone_at_left(k) {
            let bridged = k > floor && fits(k - 1, k) && !lone_at_left(k - 1) && !lines[k - 1].is_row();
            if !bridged {
                break;
            }
        }
        start = k;
    }
    start
}

/// Column boundaries: the middle of every gap that at most a fifth of the rows cover.
fn boundaries(rows: &[&TextLine]) -> Vec<f32> {
    let mut events: Vec<(f32, i32)> = Vec::new();
    for l in rows {
        for c in &l.chunks {
            events.push((c.x0, 1));
            events.push((c.x1, -1));
        }
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let allowed = (rows.len() / 5) as i32;
    let em = rows.iter().map(|l| l.size).fold(0.0, f32::max);
    let (mut depth, mut open) = (0, None);
    let mut out = Vec::new();
    for (x, d) in events {
        depth += d;
        if depth <= allowed && d < 0 {
            open.get_or_insert(x);
        } else if depth > allowed {
            if let Some(x0) = open.take() {
                if x - x0 >= 0.4 * em {
                    out.push((x0 + x) / 2.0);
                }
            }
        }
    }
    out
}

struct Piece {
    y: f32,
    x0: f32,
    x1: f32,
    text: String,
    bbox: Option<[f32; 4]>,
}

/// The text of one cell from its chunks, and its box. Chunks that overlap across are one
/// column of text, read top to bottom; such columns (a group caption beside its row labels,
/// when no gutter parts them) are read left to right.
fn cell_text(mut pieces: Vec<Piece>) -> (String, Option<[f32; 4]>) {
    let bbox = pieces.iter().filter_map(|p| p.bbox).fold(None, union);
    pieces.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let mut columns: Vec<(f32, Vec<Piece>)> = Vec::new();
    for p in pieces {
        match columns.last_mut() {
            Some((right, col)) if p.x0 < *right => {
                *right = right.max(p.x1);
                col.push(p);
            }
            _ => columns.push((p.x1, vec![p])),
        }
    }
    let mut text = String::new();
    for (_, mut col) in columns {
        col.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
        for (i, p) in col.iter().enumerate() {
            if !text.is_empty() {
                text.push(if i > 0 && (p.y - col[i - 1].y).abs() < 0.01 { ' ' } else { '\n' });
            }
            text.push_str(&p.text);
        }
    }
    (text, bbox)
}

fn build(page: &Page, lines: &[TextLine]) -> Option<Lattice> {
    let anchors: Vec<&TextLine> = lines.iter().filter(|l| l.is_row()).collect();
    let (nmin, nmax) = anchors
        .iter()
        .flat_map(|l| l.chunks.iter().filter(|c| c.numeric))
        .fold((f32::MAX, f32::MIN), |(a, b), c| (a.min(c.x0), b.max(c.x1)));
    let first_row = lines.iter().position(|l| l.is_row())?;
    // Rows: every row line and every header line; the remaining lines are wrapped label text,
    // shared out among the row lines below.
    let over_numbers = |l: &TextLine| l.chunks.iter().any(|c| c.x1 > nmin && c.x0 < nmax);
    // Above the first row, header lines down to the last one over the number columns; label
    // text below that is the first row's (a table continued from the previous page).
    let header_end = lines[..first_row].iter().rposition(over_numbers).map_or(0, |k| k + 1);
    // For each line, the table row it is, if it is one.
    let mut row_of: Vec<Option<usize>> = vec![None; lines.len()];
    let mut own: Vec<usize> = Vec::new();
    for (k, l) in lines.iter().enumerate() {
        if k < header_end || l.is_row() || (k > first_row && over_numbers(l)) {
            row_of[k] = Some(own.len());
            own.push(k);
        }
    }
    // Gutters from the rows and their wrapped label text; header text may span columns.
    let body: Vec<&TextLine> =
        lines.iter().enumerate().filter(|(k, l)| l.is_row() || row_of[*k].is_none()).map(|(_, l)| l).collect();
    let cuts = boundaries(&body);
    let mut members: Vec<Vec<usize>> = own.iter().map(|&k| vec![k]).collect();
    let rows: Vec<usize> = (0..own.len()).filter(|&r| lines[own[r]].is_row()).collect();
    // Label cells set vertically centred (a row line without a label of its own gives it away)
    // reach as far below their row line as above it; cells set at the top only reach down.
    let centred = rows.iter().any(|&r| lines[own[r]].chunks.iter().all(|c| c.x1 > nmin));
    let mut reach = vec![0.0f32; own.len()];
    let first = rows.first().copied()?;
    for k in header_end..first_row {
        members[first].push(k);
        reach[first] = reach[first].max(lines[first_row].cy() - lines[k].cy());
    }
    let mut current: Option<usize> = None;
    for k in first_row..lines.len() {
        if let Some(r) = row_of[k] {
            if lines[k].is_row() {
                current = Some(r);
            }
            continue;
        }
        let l = &lines[k];
        let above = current?;
        let below = rows.get(rows.partition_point(|&r| own[r] < k)).copied();
        let to_above = below.is_none() || !centred || l.cy() - lines[own[above]].cy() <= reach[above] + 0.3 * l.size;
        let r = if to_above { above } else { below? };
        if !to_above {
            reach[r] = reach[r].max(lines[own[r]].cy() - l.cy());
        }
        members[r].push(k);
    }
    let left = lines.iter().map(|l| l.left()).fold(f32::MAX, f32::min);
    let right = lines.iter().flat_map(|l| l.chunks.iter().map(|c| c.x1)).fold(f32::MIN, f32::max);
    let mut xs = vec![left];
    xs.extend(cuts.iter().copied().filter(|&x| x > left && x < right));
    xs.push(right);
    let ncols = xs.len() - 1;
    let slot = |x: f32| xs[1..ncols].iter().filter(|&&b| b < x).count();
    let mut ys = Vec::new();
    let mut cells = Vec::new();
    for (r, rows) in members.iter().enumerate() {
        let top = rows.iter().map(|&k| lines[k].top).fold(f32::MAX, f32::min);
        ys.push(ys.last().map_or(top, |&y: &f32| top.max(y + 0.01)));
        // (first slot, last slot, line, x0, x1, (text, box)) of each chunk, merged where they
        // share slots.
        type Part = (usize, usize, f32, f32, f32, (String, Option<[f32; 4]>));
        let mut parts: Vec<Part> = rows
            .iter()
            .flat_map(|&k| lines[k].chunks.iter().map(move |c| (k, c)))
            .map(|(k, c)| {
                (slot(c.x0 + 0.01), slot(c.x1 - 0.01), lines[k].cy(), c.x0, c.x1, chunk_text(page, &c.glyphs))
            })
            .collect();
        parts.sort_by(|a, b| a.0.cmp(&b.0).then(a.3.total_cmp(&b.3)));
        let mut groups: Vec<(usize, usize, Vec<Piece>)> = Vec::new();
        for (c0, c1, y, x0, x1, (text, bbox)) in parts {
            let piece = Piece { y, x0, x1, text, bbox };
            match groups.last_mut() {
                Some(g) if c0 <= g.1 => {
                    g.1 = g.1.max(c1);
                    g.2.push(piece);
                }
                _ => groups.push((c0, c1, vec![piece])),
            }
        }
        let mut col = 0;
        for (c0, c1, pieces) in groups {
            for k in col..c0 {
                cells.push(CellBox { row: r, col: k, rowspan: 1, colspan: 1, ..CellBox::default() });
            }
            let (text, bbox) = cell_text(pieces);
            cells.push(CellBox { row: r, col: c0, rowspan: 1, colspan: c1 - c0 + 1, text, bbox, ..CellBox::default() });
            col = c1 + 1;
        }
        for k in col..ncols {
            cells.push(CellBox { row: r, col: k, rowspan: 1, colspan: 1, ..CellBox::default() });
        }
    }
    let bottom = lines.iter().map(|l| l.bottom).fold(f32::MIN, f32::max);
    ys.push(bottom.max(ys.last().copied().unwrap_or(bottom) + 0.01));
    Some(Lattice { xs, ys, cells, page: 0, frame: [0.0; 4] })
}
