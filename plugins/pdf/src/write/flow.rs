//! Blocks → pages. Each block is first set on its own (lines broken, a table's columns and rows
//! measured), then the pieces are laid down page after page: headings stay with what follows
//! them, a paragraph leaves no single line alone at the bottom or top of a page, and tables
//! break between rows. Positions are in points from the top left corner of the page.

use nianbao_plugin::{Align, Block, Document};

use super::fonts::{FontSet, Glyph};
use super::table;
use super::text::{Line, Text};

const MM: f32 = 72.0 / 25.4;
pub const PAGE_WIDTH: f32 = 210.0 * MM;
pub const PAGE_HEIGHT: f32 = 297.0 * MM;
/// The type area of GB/T 9704: 37 mm from the top, 28 mm from the left, 156 × 225 mm.
pub const TOP: f32 = 37.0 * MM;
pub const LEFT: f32 = 28.0 * MM;
pub const WIDTH: f32 = 156.0 * MM;
pub const HEIGHT: f32 = 225.0 * MM;
/// Where the baseline sits in a line box: the em box, 88 % of it above the baseline, centred.
pub const ASCENT: f32 = 0.88;
/// Slack for comparing positions, in points.
pub const EPS: f32 = 0.01;

/// Body text: 三号 (16 pt), 22 lines to the page.
const BODY_SIZE: f32 = 16.0;
const BODY_PITCH: f32 = HEIGHT / 22.0;
/// The title: 二号 (22 pt).
const TITLE_SIZE: f32 = 22.0;
const TITLE_PITCH: f32 = TITLE_SIZE * 1.45;
/// Headings and the title are drawn with their outline stroked this much thicker (per point
/// of font size), for a bold look from a single regular face.
pub const BOLD_STROKE: f32 = 0.035;
/// Page numbers: 四号 (14 pt), 7 mm below the type area.
const FOLIO_SIZE: f32 = 14.0;
const FOLIO_GAP: f32 = 7.0 * MM;

/// One line of text as drawn.
#[derive(Debug, Clone)]
pub struct Run {
    pub x: f32,
    pub baseline: f32,
    pub size: f32,
    /// Extra space in each stretchable gap (see `text::stretchable`), for justified lines.
    pub spacing: f32,
    pub bold: bool,
    pub glyphs: Vec<Glyph>,
}

/// A ruling line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub from: (f32, f32),
    pub to: (f32, f32),
}

#[derive(Debug, Default)]
pub struct Page {
    pub runs: Vec<Run>,
    pub rules: Vec<Rule>,
}

/// The pages so far and how far down the type area of the last one is filled.
pub struct Flow {
    pub pages: Vec<Page>,
    pub y: f32,
}

impl Flow {
    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = 0.0;
    }

    pub fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }
}

/// Lines of one heading or paragraph, set.
struct Lines {
    size: f32,
    pitch: f32,
    bold: bool,
    /// Space above (dropped at the top of a page) and below.
    before: f32,
    after: f32,
    keep_with_next: bool,
    /// (x offset in the type area, character spacing, glyphs) per line.
    lines: Vec<(f32, f32, Vec<Glyph>)>,
}

enum Piece {
    Lines(Lines),
    Table(table::Layout),
}

impl Piece {
    /// How much of the piece must share a page with a heading before it.
    fn lead(&self) -> f32 {
        match self {
            Piece::Lines(l) => l.before + l.lines.len().min(2) as f32 * l.pitch,
            Piece::Table(t) => BODY_PITCH / 2.0 + t.lead(),
        }
    }
}

pub fn paginate(doc: &Document, fonts: &mut FontSet) -> Vec<Page> {
    let mut pieces = Vec::new();
    for block in &doc.blocks {
        if let Some(piece) = prepare(block, fonts, pieces.is_empty()) {
            pieces.push(piece);
        }
    }
    let mut flow = Flow { pages: vec![Page::default()], y: 0.0 };
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Lines(lines) => {
                let lead = if lines.keep_with_next { pieces.get(i + 1).map_or(0.0, Piece::lead) } else { 0.0 };
                place_lines(&mut flow, lines, lead);
            }
            Piece::Table(layout) => {
                if flow.y > EPS {
                    flow.y += BODY_PITCH / 2.0;
                }
                layout.place(&mut flow);
                flow.y += BODY_PITCH / 2.0;
            }
        }
    }
    add_folios(&mut flow.pages, fonts);
    flow.pages
}

fn prepare(block: &Block, fonts: &mut FontSet, first: bool) -> Option<Piece> {
    let (text, align, size, pitch, bold) = match block {
        Block::Heading { level: 1, text, .. } => (text, Align::Center, TITLE_SIZE, TITLE_PITCH, true),
        Block::Heading { text, .. } => (text, Align::Left, BODY_SIZE, BODY_PITCH, true),
        Block::Paragraph { text, align, .. } => (text, *align, BODY_SIZE, BODY_PITCH, false),
        Block::Table(t) => return table::lay_out(fonts, t, WIDTH).map(Piece::Table),
        // Pictures have no place in the official layout; their alt text is not body text.
        Block::Image { .. } => return None,
    };
    if text.trim().is_empty() {
        return None;
    }
    let set = Text::new(fonts, text);
    let width = WIDTH / size;
    let title = size == TITLE_SIZE;
    let indent = if matches!(align, Align::Justify | Align::Left) { 2.0 } else { 0.0 };
    let broken = if title { balanced(&set, width) } else { set.lines(width - indent, width) };
    let lines = broken
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let (x, spacing) = place_in_line(line, align, if i == 0 { indent } else { 0.0 }, width, size);
            (x, spacing, set.glyphs[line.glyphs.clone()].to_vec())
        })
        .collect();
    let before = if title && !first { BODY_PITCH } else { 0.0 };
    let after = if title { BODY_PITCH } else { 0.0 };
    Some(Piece::Lines(Lines { size, pitch, bold, before, after, keep_with_next: bold, lines }))
}

/// A line's x offset in the type area and its character spacing.
fn place_in_line(line: &Line, align: Align, indent: f32, width: f32, size: f32) -> (f32, f32) {
    let room = width - indent - line.width;
    match align {
        Align::Justify if !line.last && line.gaps > 0 => (indent * size, room * size / line.gaps as f32),
        Align::Justify | Align::Left => (indent * size, 0.0),
        Align::Right => (room * size, 0.0),
        Align::Center => (room * size / 2.0, 0.0),
    }
}

/// Lines as few as at full width but as even as possible, as titles are set.
fn balanced(text: &Text, width: f32) -> Vec<Line> {
    let lines = text.lines(width, width);
    if lines.len() < 2 {
        return lines;
    }
    let (mut low, mut high) = (text.widest_atom(), width);
    for _ in 0..16 {
        let mid = (low + high) / 2.0;
        if text.lines(mid, mid).len() <= lines.len() {
            high = mid;
        } else {
            low = mid;
        }
    }
    text.lines(high, high)
}

fn place_lines(flow: &mut Flow, set: &Lines, lead: f32) {
    if flow.y > EPS {
        flow.y += set.before;
    }
    let n = set.lines.len();
    let needed = if set.keep_with_next { n as f32 * set.pitch + lead } else { n.min(2) as f32 * set.pitch };
    if flow.y > EPS && flow.y + needed > HEIGHT + EPS {
        flow.new_page();
    }
    let mut i = 0;
    while i < n {
        let fit = ((HEIGHT - flow.y + EPS) / set.pitch).floor().max(0.0) as usize;
        let mut take = fit.min(n - i);
        if take < n - i {
            if take == 1 {
                take = 0; // no orphan: a paragraph's first line alone at the foot of a page
            } else if n - i - take == 1 && take > 2 {
                take -= 1; // no widow: its last line alone at the head of the next
            }
        }
        if take == 0 && flow.y <= EPS {
            take = 1;
        }
        for (x, spacing, glyphs) in &set.lines[i..i + take] {
            let baseline = TOP + flow.y + (set.pitch - set.size) / 2.0 + ASCENT * set.size;
            let run = Run {
                x: LEFT + x,
                baseline,
                size: set.size,
                spacing: *spacing,
                bold: set.bold,
                glyphs: glyphs.clone(),
            };
            flow.page().runs.push(run);
            flow.y += set.pitch;
        }
        i += take;
        if i < n {
            flow.new_page();
        }
    }
    flow.y += set.after;
}

/// `— N —` centred below the type area of every page.
fn add_folios(pages: &mut [Page], fonts: &mut FontSet) {
    for (n, page) in pages.iter_mut().enumerate() {
        let glyphs: Vec<Glyph> = format!("— {} —", n + 1).chars().map(|c| fonts.glyph(c)).collect();
        let width: f32 = glyphs.iter().map(|g| g.advance * FOLIO_SIZE).sum();
        let baseline = TOP + HEIGHT + FOLIO_GAP + ASCENT * FOLIO_SIZE;
        page.runs.push(Run {
            x: LEFT + (WIDTH - width) / 2.0,
            baseline,
            size: FOLIO_SIZE,
            spacing: 0.0,
            bold: false,
            glyphs,
        });
    }
}
