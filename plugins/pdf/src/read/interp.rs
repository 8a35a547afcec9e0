//! The content-stream interpreter: runs a page's operators (graphics and text state, CTM,
//! fonts, Form XObjects) and yields positioned glyphs with their text, and the ruling lines
//! the page draws, all in top-down page coordinates (points from the top-left corner).

use super::font::Font;
use super::lexer::{Lexer, Operand};
use super::obj::{self, Pdf};
use lopdf::Dictionary;
use std::collections::HashMap;

/// Nested Form XObjects deeper than this are not followed (a self-including form).
const MAX_FORM_DEPTH: usize = 12;
/// Operators per page, forms included: enough for any real page, a stop for crafted ones.
const MAX_OPS: usize = 4_000_000;
/// Glyphs kept per page; a real page has a few thousand.
const MAX_GLYPHS: usize = 200_000;
/// Path points kept per path.
const MAX_POINTS: usize = 100_000;
/// Rules kept per page; a ruled table has a few hundred.
const MAX_RULES: usize = 100_000;

/// The direction a run of text advances on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Right,
    Down,
    Up,
    Left,
}

/// One glyph. `u0..u1` is its extent along its direction of writing and `v` its line
/// coordinate across it, in a frame where lines stack in increasing `v` (see [`Dir`]).
#[derive(Debug, Clone, Copy)]
pub struct Glyph {
    pub u0: f32,
    pub u1: f32,
    pub v: f32,
    /// The centre of the glyph on the page.
    pub cx: f32,
    pub cy: f32,
    pub size: f32,
    pub dir: Dir,
    /// The glyph's text, as a byte range of [`Page::text`].
    pub start: u32,
    pub end: u32,
    pub bold: bool,
}

/// An axis-aligned ruling: at `pos` (y of a horizontal, x of a vertical rule), from `a` to `b`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Seg {
    pub pos: f32,
    pub a: f32,
    pub b: f32,
}

#[derive(Debug, Default)]
pub struct Page {
    pub width: f32,
    pub height: f32,
    pub glyphs: Vec<Glyph>,
    pub text: String,
    pub hrules: Vec<Seg>,
    pub vrules: Vec<Seg>,
    /// Area of the page covered by images, in square points.
    pub image_area: f32,
    /// Glyphs whose font gives no Unicode text.
    pub unmapped: usize,
    /// How [`Page::turn_upright`] turned the page, and the size it had before: to give
    /// positions back as the page is shown.
    pub turned: Option<(Dir, f32, f32)>,
}

impl Page {
    pub fn glyph_text(&self, g: &Glyph) -> &str {
        &self.text[g.start as usize..g.end as usize]
    }

    /// Turns the page so that most of its text reads left to right: a page shown with
    /// `/Rotate` over upright content, a landscape table drawn sideways, or vertical CJK text
    /// (whose columns, right to left, then stack top to bottom like lines).
    pub fn turn_upright(&mut self) {
        let mut counts = [0usize; 4];
        for g in &self.glyphs {
            counts[g.dir as usize] += 1;
        }
        let dominant = [Dir::Down, Dir::Up, Dir::Left].into_iter().max_by_key(|d| counts[*d as usize]);
        let Some(turn) = dominant.filter(|d| counts[*d as usize] > counts[Dir::Right as usize]) else { return };
        let (w, h) = (self.width, self.height);
        // Where a point goes, and what becomes of each direction.
        let (map, dirs): (PointMap, [Dir; 4]) = match turn {
            Dir::Down => (|x, y, w, _| (y, w - x), [Dir::Up, Dir::Right, Dir::Left, Dir::Down]),
            Dir::Up => (|x, y, _, h| (h - y, x), [Dir::Down, Dir::Left, Dir::Right, Dir::Up]),
            _ => (|x, y, w, h| (w - x, h - y), [Dir::Left, Dir::Up, Dir::Down, Dir::Right]),
        };
        for g in &mut self.glyphs {
            let (cx, cy) = map(g.cx, g.cy, w, h);
            let half = (g.u1 - g.u0) / 2.0;
            let dir = dirs[g.dir as usize];
            let (along, across) = match dir {
                Dir::Right => (cx, cy + 0.35 * g.size),
                Dir::Down => (cy, -cx),
                Dir::Up => (-cy, cx),
                Dir::Left => (-cx, -cy),
            };
            *g = Glyph { u0: along - half, u1: along + half, v: across, cx, cy, dir, ..*g };
        }
        let turn_rule = |r: &Seg, horizontal: bool| -> (bool, Seg) {
            let (p0, p1) = if horizontal {
                (map(r.a, r.pos, w, h), map(r.b, r.pos, w, h))
            } else {
                (map(r.pos, r.a, w, h), map(r.pos, r.b, w, h))
            };
            if (p0.1 - p1.1).abs() < (p0.0 - p1.0).abs() {
                (true, Seg { pos: p0.1, a: p0.0.min(p1.0), b: p0.0.max(p1.0) })
            } else {
                (false, Seg { pos: p0.0, a: p0.1.min(p1.1), b: p0.1.max(p1.1) })
            }
        };
        let rules: Vec<(bool, Seg)> = self
            .hrules
            .iter()
            .map(|r| turn_rule(r, true))
            .chain(self.vrules.iter().map(|r| turn_rule(r, false)))
            .collect();
        self.hrules = rules.iter().filter(|r| r.0).map(|r| r.1).collect();
        self.vrules = rules.iter().filter(|r| !r.0).map(|r| r.1).collect();
        if turn != Dir::Left {
            (self.width, self.height) = (h, w);
        }
        self.turned = Some((turn, w, h));
    }

    /// A box `[x0, y0, x1, y1]` of this (upright) page where it lies on the page as shown:
    /// after its /Rotate, before [`Page::turn_upright`]; rounded to a hundredth of a point.
    pub fn shown_box(&self, b: [f32; 4]) -> [f32; 4] {
        let [x0, y0, x1, y1] = match self.turned {
            None => b,
            Some((turn, w, h)) => {
                // The inverse of the turn's point map.
                let back = |x: f32, y: f32| match turn {
                    Dir::Down => (w - y, x),
                    Dir::Up => (y, h - x),
                    _ => (w - x, h - y),
                };
                let (p, q) = (back(b[0], b[1]), back(b[2], b[3]));
                [p.0.min(q.0), p.1.min(q.1), p.0.max(q.0), p.1.max(q.1)]
            }
        };
        let round = |v: f32| (v * 100.0).round() / 100.0;
        [round(x0), round(y0), round(x1), round(y1)]
    }
}

/// The smallest box holding both (`None` holds nothing).
pub fn union(a: Option<[f32; 4]>, b: [f32; 4]) -> Option<[f32; 4]> {
    Some(match a {
        None => b,
        Some(a) => [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])],
    })
}

type Matrix = [f32; 6];
/// Where a point (x, y) of a page of width w and height h goes when the page is turned.
type PointMap = fn(f32, f32, f32, f32) -> (f32, f32);
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    line_width: f32,
    fill_white: bool,
    stroke_white: bool,
    font: Option<usize>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

/// The fonts of a document, each loaded once: by object number for a font that is an indirect
/// object (nearly all), so that it is found again without its dictionary being parsed again;
/// by the address of its dictionary for one written inline in a resource dictionary, until
/// the objects read for a page are let go ([`FontCache::forget_inline`]).
#[derive(Default)]
pub struct FontCache {
    by_id: HashMap<lopdf::ObjectId, usize>,
    by_dict: HashMap<usize, usize>,
    fonts: Vec<Font>,
}

impl FontCache {
    /// After the document's objects were dropped: the addresses mean nothing any more.
    pub fn forget_inline(&mut self) {
        self.by_dict.clear();
    }
}

struct Path {
    points: Vec<(f32, f32)>,
    /// Start index of each subpath, and whether it was closed.
    subpaths: Vec<(usize, bool)>,
}

pub struct Interp<'a> {
    pdf: &'a Pdf<'a>,
    fonts: &'a mut FontCache,
    page: Page,
    gs: State,
    stack: Vec<State>,
    tm: Matrix,
    tlm: Matrix,
    path: Path,
    ops: usize,
    depth: usize,
    /// Open marked-content sequences; `Some` for a span with /ActualText, which replaces
    /// the text of the glyphs inside it (Skia writes it where its ToUnicode is wrong).
    marked: Vec<Option<ActualText>>,
}

struct ActualText {
    text: String,
    /// The glyph that carries the text, once the span has drawn one.
    glyph: Option<usize>,
}

/// Runs one page. `base` maps PDF user space to top-down page coordinates.
pub fn run_page(
    pdf: &Pdf,
    fonts: &mut FontCache,
    content: &[u8],
    resources: &Dictionary,
    page: Page,
    base: Matrix,
) -> Page {
    let gs = State {
        ctm: base,
        line_width: 1.0,
        fill_white: false,
        stroke_white: false,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        hscale: 1.0,
        leading: 0.0,
        rise: 0.0,
    };
    let mut it = Interp {
        pdf,
        fonts,
        page,
        gs,
        stack: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        path: Path { points: Vec::new(), subpaths: Vec::new() },
        ops: 0,
        depth: 0,
        marked: Vec::new(),
    };
    it.run(content, resources);
    it.page
}

/// The matrix from a page's user space to top-down coordinates of its visible box, turned as
/// the page's /Rotate says.
pub fn page_matrix(bbox: [f32; 4], rotate: i64) -> (Matrix, f32, f32) {
    let [x0, y0, x1, y1] = bbox;
    let (w, h) = (x1 - x0, y1 - y0);
    match rotate.rem_euclid(360) {
        90 => ([0.0, 1.0, 1.0, 0.0, -y0, -x0], h, w),
        180 => ([-1.0, 0.0, 0.0, 1.0, x1, -y0], w, h),
        270 => ([0.0, -1.0, -1.0, 0.0, y1, x1], h, w),
        _ => ([1.0, 0.0, 0.0, -1.0, -x0, y1], w, h),
    }
}

fn is_white(ops: &[Operand]) -> bool {
    let nums: Vec<f32> = ops.iter().filter_map(|o| if let Operand::Num(n) = o { Some(*n) } else { None }).collect();
    match nums[..] {
        [g] => g > 0.95,
        [r, g, b] => r > 0.95 && g > 0.95 && b > 0.95,
        [c, m, y, k] => c < 0.05 && m < 0.05 && y < 0.05 && k < 0.05,
        _ => false,
    }
}

impl<'a> Interp<'a> {
    fn num(&self, lx: &Lexer, i: usize) -> f32 {
        match lx.operands.get(i) {
            Some(Operand::Num(n)) => *n,
            _ => 0.0,
        }
    }

    fn nums<const N: usize>(&self, lx: &Lexer) -> Option<[f32; N]> {
        let ops = &lx.operands;
        if ops.len() < N {
            return None;
        }
        let mut out = [0.0; N];
        for (o, v) in ops[ops.len() - N..].iter().zip(out.iter_mut()) {
            *v = match o {
                Operand::Num(n) => *n,
                _ => return None,
            };
        }
        Some(out)
    }

    fn run(&mut self, content: &[u8], resources: &Dictionary) {
        let mut lx = Lexer::new(content);
        while let Some(op) = lx.next_op() {
            self.ops += 1;
            if self.ops > MAX_OPS {
                return;
            }
            self.op(op, &lx, resources);
        }
    }

    fn op(&mut self, op: &[u8], lx: &Lexer, res: &Dictionary) {
        match op {
            // Saved states beyond this depth are dropped: no real page nests that deep.
            b"q" if self.stack.len() < 256 => self.stack.push(self.gs.clone()),
            b"Q" => {
                if let Some(s) = self.stack.pop() {
                    self.gs = s;
                }
            }
            b"cm" => {
                if let Some(m) = self.nums::<6>(lx) {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
            }
            b"w" => self.gs.line_width = self.num(lx, 0),
            b"g" | b"rg" | b"k" | b"sc" | b"scn" => self.gs.fill_white = is_white(&lx.operands),
            b"G" | b"RG" | b"K" | b"SC" | b"SCN" => self.gs.stroke_white = is_white(&lx.operands),
            b"cs" => self.gs.fill_white = false,
            b"CS" => self.gs.stroke_white = false,
            b"m" | b"l" | b"c" | b"v" | b"y" | b"h" | b"re" => self.path_op(op, lx),
            b"S" | b"s" => self.paint(op == b"s", true, false),
            b"f" | b"F" | b"f*" => self.paint(false, false, true),
            b"B" | b"B*" | b"b" | b"b*" => self.paint(op.starts_with(b"b"), true, true),
            b"n" => self.clear_path(),
            b"BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            b"Tc" => self.gs.char_spacing = self.num(lx, 0),
            b"Tw" => self.gs.word_spacing = self.num(lx, 0),
            b"Tz" => self.gs.hscale = self.num(lx, 0) / 100.0,
            b"TL" => self.gs.leading = self.num(lx, 0),
            b"Ts" => self.gs.rise = self.num(lx, 0),
            b"Tf" => self.set_font(lx, res),
            b"Td" => self.next_line(self.num(lx, 0), self.num(lx, 1)),
            b"TD" => {
                self.gs.leading = -self.num(lx, 1);
                self.next_line(self.num(lx, 0), self.num(lx, 1));
            }
            b"Tm" => {
                if let Some(m) = self.nums::<6>(lx) {
                    self.tm = m;
                    self.tlm = m;
                }
            }
            b"T*" => self.next_line(0.0, -self.gs.leading),
            b"Tj" | b"'" | b"\"" => {
                if op == b"\"" {
                    self.gs.word_spacing = self.num(lx, 0);
                    self.gs.char_spacing = self.num(lx, 1);
                }
                if op != b"Tj" {
                    self.next_line(0.0, -self.gs.leading);
                }
                if let Some(&Operand::Str(s, e)) = lx.operands.last() {
                    self.show(lx.string(s, e));
                }
            }
            b"TJ" => self.show_array(lx),
            b"Do" => self.xobject(lx, res),
            b"BMC" | b"BDC" if self.marked.len() < 256 => {
                let actual = match lx.operands.last() {
                    Some(&Operand::Dict(s, e)) => actual_text(lx.slice(s, e)),
                    _ => None,
                };
                self.marked.push(actual.map(|text| ActualText { text, glyph: None }));
            }
            b"EMC" => {
                self.marked.pop();
            }
            _ => {}
        }
    }

    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm);
        self.tm = self.tlm;
    }

    fn set_font(&mut self, lx: &Lexer, res: &Dictionary) {
        self.gs.size = self.num(lx, 1);
        let Some(&Operand::Name(s, e)) = lx.operands.first() else { return };
        let name = lx.slice(s, e);
        let pdf = self.pdf;
        let fonts = pdf.get(res, b"Font").and_then(|f| pdf.dict(f));
        let id = fonts.and_then(|f| f.get(name).ok()).and_then(|o| o.as_reference().ok());
        if let Some(&index) = id.and_then(|id| self.fonts.by_id.get(&id)) {
            self.gs.font = Some(index);
            return;
        }
        let dict = fonts.and_then(|fonts| pdf.get(fonts, name)).and_then(|f| pdf.dict(f));
        let Some(dict) = dict else {
            self.gs.font = None;
            return;
        };
        let key = dict as *const Dictionary as usize;
        let cache = &mut *self.fonts;
        let index = match id {
            Some(id) => *cache.by_id.entry(id).or_insert_with(|| {
                cache.fonts.push(Font::load(pdf, dict));
                cache.fonts.len() - 1
            }),
            None => *cache.by_dict.entry(key).or_insert_with(|| {
                cache.fonts.push(Font::load(pdf, dict));
                cache.fonts.len() - 1
            }),
        };
        self.gs.font = Some(index);
    }

    fn show_array(&mut self, lx: &Lexer) {
        for o in &lx.operands {
            match *o {
                Operand::Str(s, e) => self.show(lx.string(s, e)),
                Operand::Num(n) => {
                    let font = self.gs.font.map(|f| &self.fonts.fonts[f]);
                    let shift = -n / 1000.0 * self.gs.size;
                    if font.is_some_and(|f| f.vertical) {
                        self.tm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, shift], &self.tm);
                    } else {
                        self.tm = mul(&[1.0, 0.0, 0.0, 1.0, shift * self.gs.hscale, 0.0], &self.tm);
                    }
                }
                _ => {}
            }
        }
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(fi) = self.gs.font else { return };
        let font = &self.fonts.fonts[fi];
        let gs = &self.gs;
        let page = &mut self.page;
        let size = gs.size;
        for code in font.codes(bytes) {
            let w0 = font.width(code.value);
            let spacing = gs.char_spacing + if font.is_word_space(code) { gs.word_spacing } else { 0.0 };
            let m = mul(&self.tm, &gs.ctm);
            let start = page.text.len();
            let actual = self.marked.iter_mut().rev().find_map(Option::as_mut);
            if let Some(span) = actual.as_ref().and_then(|a| a.glyph) {
                // Later glyphs of an /ActualText span only widen the glyph that carries it.
                let carrier = &mut page.glyphs[span];
                if carrier.dir == Dir::Right && !font.vertical {
                    carrier.u1 = carrier.u1.max(apply(&m, w0 * size * gs.hscale, gs.rise).0);
                }
                self.tm = mul(&advance(font, size, w0, spacing, gs.hscale), &self.tm);
                continue;
            }
            let silent = actual.as_ref().is_some_and(|a| a.text.is_empty());
            let mapped = page.glyphs.len() < MAX_GLYPHS
                && match &actual {
                    Some(a) => {
                        page.text.push_str(&a.text);
                        !a.text.is_empty()
                    }
                    None => font.text(code, bytes, &mut page.text),
                };
            if mapped {
                let glyph = if font.vertical {
                    vertical_glyph(&m, size, font.vertical_advance, start, page.text.len(), font.bold)
                } else {
                    horizontal_glyph(&m, size, w0 * size * gs.hscale, gs.rise, start, page.text.len(), font.bold)
                };
                match glyph {
                    Some(g) => {
                        if let Some(a) = actual {
                            a.glyph = Some(page.glyphs.len());
                        }
                        page.glyphs.push(g)
                    }
                    None => page.text.truncate(start),
                }
            } else if page.glyphs.len() < MAX_GLYPHS && !silent {
                page.unmapped += 1;
            }
            self.tm = mul(&advance(font, size, w0, spacing, gs.hscale), &self.tm);
        }
    }

    fn xobject(&mut self, lx: &Lexer, res: &Dictionary) {
        let Some(&Operand::Name(s, e)) = lx.operands.first() else { return };
        let pdf = self.pdf;
        let Some(xobj) = pdf.get(res, b"XObject").and_then(|x| pdf.dict(x)).and_then(|x| pdf.get(x, lx.slice(s, e)))
        else {
            return;
        };
        let Some(dict) = pdf.dict(xobj) else { return };
        match obj::name(pdf.get(dict, b"Subtype")) {
            Some(b"Image") => {
                let m = &self.gs.ctm;
                self.page.image_area += (m[0] * m[3] - m[1] * m[2]).abs();
            }
            Some(b"Form") if self.depth < MAX_FORM_DEPTH => {
                let Some(content) = pdf.stream_bytes(xobj) else { return };
                let saved = (self.gs.clone(), self.tm, self.tlm, self.stack.len());
                let matrix = obj::numbers(pdf.get(dict, b"Matrix"));
                if let Ok(m) = <[f32; 6]>::try_from(matrix.as_slice()) {
                    self.gs.ctm = mul(&m, &self.gs.ctm);
                }
                let inner = pdf.get(dict, b"Resources").and_then(|r| pdf.dict(r)).unwrap_or(res);
                self.depth += 1;
                self.run(&content, inner);
                self.depth -= 1;
                self.stack.truncate(saved.3);
                (self.gs, self.tm, self.tlm) = (saved.0, saved.1, saved.2);
            }
            _ => {}
        }
    }

    fn path_op(&mut self, op: &[u8], lx: &Lexer) {
        if self.path.points.len() >= MAX_POINTS {
            return;
        }
        let ctm = self.gs.ctm;
        let p = |x: f32, y: f32| apply(&ctm, x, y);
        match op {
            b"m" => {
                self.path.subpaths.push((self.path.points.len(), false));
                self.path.points.push(p(self.num(lx, 0), self.num(lx, 1)));
            }
            b"l" => {
                if self.path.subpaths.is_empty() {
                    self.path.subpaths.push((self.path.points.len(), false));
                }
                self.path.points.push(p(self.num(lx, 0), self.num(lx, 1)));
            }
            b"c" | b"v" | b"y" => {
                // Curves draw no rulings: end the straight run here and restart from the end point.
                let n = lx.operands.len();
                if n >= 2 {
                    self.path.subpaths.push((self.path.points.len(), false));
                    self.path.points.push(p(self.num(lx, n - 2), self.num(lx, n - 1)));
                }
            }
            b"h" => {
                if let Some(last) = self.path.subpaths.last_mut() {
                    last.1 = true;
                }
            }
            _ => {
                let Some([x, y, w, h]) = self.nums::<4>(lx) else { return };
                self.path.subpaths.push((self.path.points.len(), true));
                self.path.points.extend([p(x, y), p(x + w, y), p(x + w, y + h), p(x, y + h)]);
            }
        }
    }

    fn clear_path(&mut self) {
        self.path.points.clear();
        self.path.subpaths.clear();
    }

    fn paint(&mut self, close: bool, stroke: bool, fill: bool) {
        let path = std::mem::replace(&mut self.path, Path { points: Vec::new(), subpaths: Vec::new() });
        for (i, &(start, closed)) in path.subpaths.iter().enumerate() {
            let end = path.subpaths.get(i + 1).map_or(path.points.len(), |s| s.0);
            let pts = &path.points[start..end];
            if stroke && !self.gs.stroke_white {
                self.stroke(pts, closed || close);
            }
            if fill && !self.gs.fill_white {
                self.fill(pts);
            }
        }
        self.path = path;
        self.clear_path();
    }

    fn stroke(&mut self, pts: &[(f32, f32)], closed: bool) {
        let m = &self.gs.ctm;
        let width = self.gs.line_width * (m[0] * m[3] - m[1] * m[2]).abs().sqrt();
        if width > 8.0 {
            return;
        }
        let closing = if closed && pts.len() > 2 { Some((pts[pts.len() - 1], pts[0])) } else { None };
        for (a, b) in pts.windows(2).map(|w| (w[0], w[1])).chain(closing) {
            self.add_segment(a, b);
        }
    }

    fn add_segment(&mut self, a: (f32, f32), b: (f32, f32)) {
        if self.page.hrules.len() + self.page.vrules.len() >= MAX_RULES {
            return;
        }
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dy < 0.5 && dx >= 1.0 {
            self.page.hrules.push(Seg { pos: (a.1 + b.1) / 2.0, a: a.0.min(b.0), b: a.0.max(b.0) });
        } else if dx < 0.5 && dy >= 1.0 {
            self.page.vrules.push(Seg { pos: (a.0 + b.0) / 2.0, a: a.1.min(b.1), b: a.1.max(b.1) });
        }
    }

    /// A filled rectangle that is thin in one direction is a rule (Word and WPS draw borders
    /// that way); a larger one is a background and draws no rule.
    fn fill(&mut self, pts: &[(f32, f32)]) {
        let pts = match pts {
            [first @ .., last]
                if pts.len() == 5 && (last.0 - first[0].0).abs() < 0.01 && (last.1 - first[0].1).abs() < 0.01 =>
            {
                first
            }
            _ => pts,
        };
        if pts.len() != 4 {
            return;
        }
        let xs = pts.iter().map(|p| p.0);
        let ys = pts.iter().map(|p| p.1);
        let (x0, x1) = (xs.clone().fold(f32::MAX, f32::min), xs.fold(f32::MIN, f32::max));
        let (y0, y1) = (ys.clone().fold(f32::MAX, f32::min), ys.fold(f32::MIN, f32::max));
        let axis_aligned = pts.iter().all(|p| {
            ((p.0 - x0).abs() < 0.1 || (p.0 - x1).abs() < 0.1) && ((p.1 - y0).abs() < 0.1 || (p.1 - y1).abs() < 0.1)
        });
        if !axis_aligned {
            return;
        }
        let (w, h) = (x1 - x0, y1 - y0);
        if self.page.hrules.len() + self.page.vrules.len() >= MAX_RULES {
            return;
        }
        if h <= 3.0 && w > h && w >= 1.0 {
            self.page.hrules.push(Seg { pos: (y0 + y1) / 2.0, a: x0, b: x1 });
        } else if w <= 3.0 && h > w && h >= 1.0 {
            self.page.vrules.push(Seg { pos: (x0 + x1) / 2.0, a: y0, b: y1 });
        }
    }
}

/// The text-space translation after a glyph.
fn advance(font: &Font, size: f32, w0: f32, spacing: f32, hscale: f32) -> Matrix {
    if font.vertical {
        [1.0, 0.0, 0.0, 1.0, 0.0, font.vertical_advance * size + spacing]
    } else {
        [1.0, 0.0, 0.0, 1.0, (w0 * size + spacing) * hscale, 0.0]
    }
}

/// The /ActualText of a marked-content property dictionary.
fn actual_text(dict: &[u8]) -> Option<String> {
    let at = dict.windows(11).position(|w| w == b"/ActualText")?;
    let mut lx = Lexer::new(&dict[at + 11..]);
    lx.next_op();
    match lx.operands.first() {
        Some(&Operand::Str(s, e)) => Some(super::meta::text_string(lx.string(s, e))),
        _ => None,
    }
}

/// Text set at a slant (a diagonal watermark) is decoration: no line of the page runs that way.
fn slanted(dx: f32, dy: f32) -> bool {
    let (a, b) = (dx.abs(), dy.abs());
    a.min(b) > 0.1 * a.max(b)
}

fn horizontal_glyph(
    m: &Matrix,
    size: f32,
    advance: f32,
    rise: f32,
    start: usize,
    end: usize,
    bold: bool,
) -> Option<Glyph> {
    let s = apply(m, 0.0, rise);
    let e = apply(m, advance, rise);
    let top = apply(m, 0.0, rise + size);
    let up = (top.0 - s.0, top.1 - s.1);
    let dev_size = (up.0 * up.0 + up.1 * up.1).sqrt();
    let (mut dx, mut dy) = (e.0 - s.0, e.1 - s.1);
    if dx.abs() + dy.abs() < 1e-4 {
        // A zero-width glyph: its direction is the up vector turned clockwise.
        (dx, dy) = (-up.1, up.0);
    }
    if slanted(dx, dy) {
        return None;
    }
    let (cx, cy) = (s.0 + (e.0 - s.0) / 2.0 + up.0 * 0.35, s.1 + (e.1 - s.1) / 2.0 + up.1 * 0.35);
    let dir = direction(dx, dy);
    let (u0, u1, v) = frame(dir, s, e, (cx, cy), s);
    Some(Glyph { u0, u1, v, cx, cy, size: dev_size, dir, start: start as u32, end: end as u32, bold })
}

/// A glyph of a vertical font: its origin is the top centre, and it advances downwards.
fn vertical_glyph(m: &Matrix, size: f32, advance: f32, start: usize, end: usize, bold: bool) -> Option<Glyph> {
    let s = apply(m, 0.0, 0.0);
    let e = apply(m, 0.0, advance * size);
    let side = apply(m, size, 0.0);
    let dev_size = ((side.0 - s.0).powi(2) + (side.1 - s.1).powi(2)).sqrt();
    let (cx, cy) = ((s.0 + e.0) / 2.0, (s.1 + e.1) / 2.0);
    if slanted(e.0 - s.0, e.1 - s.1) {
        return None;
    }
    let dir = direction(e.0 - s.0, e.1 - s.1);
    let (u0, u1, v) = frame(dir, s, e, (cx, cy), (cx, cy));
    Some(Glyph { u0, u1, v, cx, cy, size: dev_size, dir, start: start as u32, end: end as u32, bold })
}

fn direction(dx: f32, dy: f32) -> Dir {
    if dx.abs() >= dy.abs() {
        if dx >= 0.0 {
            Dir::Right
        } else {
            Dir::Left
        }
    } else if dy > 0.0 {
        Dir::Down
    } else {
        Dir::Up
    }
}

/// Coordinates along and across the writing direction. Horizontal lines use the baseline;
/// vertical columns their centre line, ordered right to left for downward text.
fn frame(dir: Dir, s: (f32, f32), e: (f32, f32), c: (f32, f32), base: (f32, f32)) -> (f32, f32, f32) {
    match dir {
        Dir::Right => (s.0, e.0.max(s.0), base.1),
        Dir::Left => (-s.0, (-e.0).max(-s.0), -base.1),
        Dir::Down => (s.1, e.1.max(s.1), -c.0),
        Dir::Up => (-s.1, (-e.1).max(-s.1), c.0),
    }
}
