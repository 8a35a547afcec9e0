//! Ruled tables: rulings snapped and joined, grouped into connected lattices, each lattice's
//! grid cells merged where no rule separates them, and the page's glyphs assigned to cells.

use super::interp::{union, Page, Seg};
use super::lines;

/// Rules closer than this are one rule (double borders, line caps, rounding).
const SNAP: f32 = 2.0;
/// Grid rows or columns thinner than this are artefacts of near-coincident rules.
const MIN_BAND: f32 = 3.0;
/// Beyond this many rules a page is drawing, not a table: skip lattice detection.
const MAX_RULES: usize = 4000;

#[derive(Debug, Clone, Default)]
pub struct CellBox {
    pub row: usize,
    pub col: usize,
    pub rowspan: usize,
    pub colspan: usize,
    pub text: String,
    /// The text runs down to the cell's bottom edge. In the last row of a page, that is how a
    /// merged cell cut by the page break looks when its text goes on at the top of the next
    /// page (LibreOffice sets it so, with the rule under it drawn all the same).
    pub text_at_bottom: bool,
    /// The page (from 1) and the box of the cell's text on the page as shown.
    pub page: u32,
    pub bbox: Option<[f32; 4]>,
}

#[derive(Debug, Clone)]
pub struct Lattice {
    /// Column and row edges, left to right and top to bottom.
    pub xs: Vec<f32>,
    pub ys: Vec<f32>,
    /// Cells in row-major order of their top-left slot.
    pub cells: Vec<CellBox>,
    /// The page the table starts on, and its frame there as the page is shown.
    pub page: u32,
    pub frame: [f32; 4],
}

impl Lattice {
    pub fn top(&self) -> f32 {
        self.ys[0]
    }
    pub fn bottom(&self) -> f32 {
        *self.ys.last().unwrap_or(&0.0)
    }
    pub fn left(&self) -> f32 {
        self.xs[0]
    }
    pub fn right(&self) -> f32 {
        *self.xs.last().unwrap_or(&0.0)
    }
    pub fn rows(&self) -> usize {
        self.ys.len() - 1
    }

    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.left() && x <= self.right() && y >= self.top() && y <= self.bottom()
    }

    /// Says that the table was found on page `number`.
    pub fn place(&mut self, page: &Page, number: u32) {
        self.page = number;
        self.frame = page.shown_box([self.left(), self.top(), self.right(), self.bottom()]);
        self.cells.iter_mut().for_each(|c| c.page = number);
    }
}

/// Finds the page's ruled tables and fills their cells with the glyphs inside them. Returns
/// the tables and, per glyph, whether a table took it.
pub fn find(page: &Page) -> (Vec<Lattice>, Vec<bool>) {
    let mut taken = vec![false; page.glyphs.len()];
    let h = merge(&page.hrules);
    let v = merge(&page.vrules);
    if h.len() > MAX_RULES || v.len() > MAX_RULES {
        return (Vec::new(), taken);
    }
    let mut tables = Vec::new();
    let groups = components(&h, &v);
    let lone: Vec<Seg> = groups.iter().filter(|(_, vs)| vs.is_empty()).flat_map(|(hs, _)| hs.iter().copied()).collect();
    let lattices = groups.into_iter().filter(|(hs, vs)| !vs.is_empty() && hs.len() + vs.len() >= 4);
    for (hs, vs) in lattices.chain(text_ruled(page, &lone)) {
        let Some(mut lattice) = grid(&hs, &vs) else { continue };
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); lattice.cells.len()];
        let slots = slot_map(&lattice);
        for (i, g) in page.glyphs.iter().enumerate() {
            if !lattice.contains(g.cx, g.cy) {
                continue;
            }
            let c = band(&lattice.xs, g.cx);
            let r = band(&lattice.ys, g.cy);
            members[slots[r * (lattice.xs.len() - 1) + c]].push(i as u32);
            taken[i] = true;
        }
        for (cell, glyphs) in lattice.cells.iter_mut().zip(&members) {
            let lines = lines::build(page, glyphs);
            cell.text = lines.iter().map(|l| l.text.replace(lines::SOFT_SPACE, " ")).collect::<Vec<_>>().join("\n");
            cell.bbox = lines.iter().fold(None, |b, l| union(b, l.bbox));
            if let Some(last) = lines.last() {
                cell.text_at_bottom = lattice.ys[cell.row + cell.rowspan] - last.bottom < 0.6 * last.size;
            }
        }
        tables.push(lattice);
    }
    tables.extend(super::aligned::find(page, &mut taken));
    tables.sort_by(|a, b| a.top().total_cmp(&b.top()));
    (tables, taken)
}

fn band(edges: &[f32], x: f32) -> usize {
    edges.partition_point(|&e| e <= x).saturating_sub(1).min(edges.len() - 2)
}

/// For each grid slot (row-major), the index of the cell covering it.
fn slot_map(l: &Lattice) -> Vec<usize> {
    let w = l.xs.len() - 1;
    let mut slots = vec![0; w * l.rows()];
    for (i, c) in l.cells.iter().enumerate() {
        for r in c.row..c.row + c.rowspan {
            for k in c.col..c.col + c.colspan {
                slots[r * w + k] = i;
            }
        }
    }
    slots
}

/// Snaps rules at nearly the same position together and joins pieces that touch.
fn merge(rules: &[Seg]) -> Vec<Seg> {
    let mut sorted: Vec<Seg> =
        rules.iter().copied().filter(|s| s.pos.is_finite() && s.a.is_finite() && s.b.is_finite()).collect();
    sorted.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut out = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let mut j = i + 1;
        while j < sorted.len() && sorted[j].pos - sorted[j - 1].pos <= SNAP / 2.0 {
            j += 1;
        }
        let group = &mut sorted[i..j];
        let pos = group.iter().map(|s| s.pos).sum::<f32>() / group.len() as f32;
        group.sort_by(|a, b| a.a.total_cmp(&b.a));
        let mut cur = Seg { pos, a: group[0].a, b: group[0].b };
        for s in &group[1..] {
            if s.a <= cur.b + SNAP {
                cur.b = cur.b.max(s.b);
            } else {
                out.push(cur);
                cur = Seg { pos, a: s.a, b: s.b };
            }
        }
        out.push(cur);
        i = j;
    }
    out
}

fn touches(h: &Seg, v: &Seg) -> bool {
    v.pos >= h.a - SNAP && v.pos <= h.b + SNAP && h.pos >= v.a - SNAP && h.pos <= v.b + SNAP
}

/// Groups rules into sets connected by crossings.
fn components(h: &[Seg], v: &[Seg]) -> Vec<(Vec<Seg>, Vec<Seg>)> {
    let n = h.len() + v.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for (i, hs) in h.iter().enumerate() {
        for (j, vs) in v.iter().enumerate() {
            if touches(hs, vs) {
                let (a, b) = (root(&mut parent, i), root(&mut parent, h.len() + j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Seg>, Vec<Seg>)> = Default::default();
    for i in 0..n {
        let r = root(&mut parent, i);
        let entry = groups.entry(r).or_default();
        if i < h.len() {
            entry.0.push(h[i]);
        } else {
            entry.1.push(v[i - h.len()]);
        }
    }
    groups.into_values().filter(|(hs, _)| !hs.is_empty()).collect()
}

/// Tables ruled only across (三线表: a rule above and below the header and one at the bottom):
/// the column edges come from the gutters that every body row leaves free, the row edges from
/// the body's text lines. Returns them as the rules a full lattice would have, a vertical rule
/// crossing the header only where no header text spans the gutter.
fn text_ruled(page: &Page, lone: &[Seg]) -> Vec<(Vec<Seg>, Vec<Seg>)> {
    let mut stacks: Vec<Vec<Seg>> = Vec::new();
    for r in lone.iter().filter(|r| r.b - r.a > 0.3 * page.width) {
        match stacks.iter_mut().find(|s| (s[0].a - r.a).abs() <= 3.0 && (s[0].b - r.b).abs() <= 3.0) {
            Some(s) => s.push(*r),
            None => stacks.push(vec![*r]),
        }
    }
    stacks
        .into_iter()
        .filter(|s| s.len() >= 3)
        .filter_map(|mut s| {
            s.sort_by(|a, b| a.pos.total_cmp(&b.pos));
            text_columns(page, &s)
        })
        .collect()
}

fn text_columns(page: &Page, rules: &[Seg]) -> Option<(Vec<Seg>, Vec<Seg>)> {
    let (a, b) = (rules[0].a, rules[0].b);
    let (top, head, bottom) = (rules[0].pos, rules[1].pos, rules[rules.len() - 1].pos);
    let inside = |g: &super::interp::Glyph, y0: f32, y1: f32| {
        g.dir == super::interp::Dir::Right
            && g.cx > a
            && g.cx < b
            && g.cy > y0
            && g.cy < y1
            && !page.glyph_text(g).trim().is_empty()
    };
    let body: Vec<u32> =
        (0..page.glyphs.len() as u32).filter(|&i| inside(&page.glyphs[i as usize], head, bottom)).collect();
    let lines = lines::build(page, &body);
    if lines.len() < 2 {
        return None;
    }
    let mut sizes: Vec<f32> = body.iter().map(|&i| page.glyphs[i as usize].size).collect();
    sizes.sort_by(f32::total_cmp);
    let em = sizes[sizes.len() / 2];
    let runs = |glyphs: &mut dyn Iterator<Item = &super::interp::Glyph>| -> Vec<(f32, f32)> {
        let mut spans: Vec<(f32, f32)> = glyphs.map(|g| (g.u0, g.u1)).collect();
        spans.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut out: Vec<(f32, f32)> = Vec::new();
        for (x0, x1) in spans {
            match out.last_mut() {
                Some(last) if x0 - last.1 < 0.8 * em => last.1 = last.1.max(x1),
                _ => out.push((x0, x1)),
            }
        }
        out
    };
    let covered = runs(&mut body.iter().map(|&i| &page.glyphs[i as usize]));
    let gutters: Vec<f32> = covered.windows(2).map(|w| (w[0].1 + w[1].0) / 2.0).collect();
    if gutters.is_empty() {
        return None;
    }
    // Every body line must have text in at least two columns, or this is prose between rules.
    let columns_of = |l: &lines::Line| gutters.iter().filter(|&&x| l.left < x && l.right > x).count() + 1;
    if lines.iter().any(|l| columns_of(l) < 2) {
        return None;
    }
    let mut hs: Vec<Seg> = rules.iter().map(|r| Seg { pos: r.pos, a, b }).collect();
    hs.extend(lines.windows(2).map(|w| Seg { pos: (w[0].bottom + w[1].top) / 2.0, a, b }));
    let mut vs = vec![Seg { pos: a, a: top, b: bottom }, Seg { pos: b, a: top, b: bottom }];
    let header: Vec<&super::interp::Glyph> = page.glyphs.iter().filter(|g| inside(g, top, head)).collect();
    let header_runs = runs(&mut header.iter().copied());
    for &x in &gutters {
        let spanned = header_runs.iter().any(|&(x0, x1)| x0 < x && x1 > x);
        vs.push(Seg { pos: x, a: if spanned { head } else { top }, b: bottom });
    }
    Some((hs, vs))
}

/// Distinct positions, snapped, with bands thinner than [`MIN_BAND`] folded away.
fn edges(mut pos: Vec<f32>) -> Vec<f32> {
    pos.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    for p in pos {
        match out.last() {
            Some(&last) if p - last < MIN_BAND => {}
            _ => out.push(p),
        }
    }
    out
}

fn covered(rules: &[Seg], pos: f32, a: f32, b: f32) -> bool {
    let slack = SNAP.min((b - a) * 0.25);
    rules.iter().any(|s| (s.pos - pos).abs() <= SNAP && s.a <= a + slack && s.b >= b - slack)
}

/// The grid of one connected set of rules, and its cells.
fn grid(hs: &[Seg], vs: &[Seg]) -> Option<Lattice> {
    let (hmin, hmax) = hs.iter().fold((f32::MAX, f32::MIN), |(lo, hi), s| (lo.min(s.a), hi.max(s.b)));
    let (vmin, vmax) = vs.iter().fold((f32::MAX, f32::MIN), |(lo, hi), s| (lo.min(s.a), hi.max(s.b)));
    let mut xs = edges(vs.iter().map(|s| s.pos).chain([hmin, hmax]).collect());
    let mut ys = edges(hs.iter().map(|s| s.pos).chain([vmin, vmax]).collect());
    // An outer edge that only the other direction's rules reach has no rule of its own; the
    // table is open there (three-line tables), and that edge still bounds it.
    let open_x = |x: f32| !vs.iter().any(|s| (s.pos - x).abs() <= SNAP);
    let open_y = |y: f32| !hs.iter().any(|s| (s.pos - y).abs() <= SNAP);
    let (x0, x1, y0, y1) = (xs[0], *xs.last()?, ys[0], *ys.last()?);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (nx, ny) = (xs.len() - 1, ys.len() - 1);
    let vbound = |c: usize, r: usize| {
        let x = xs[c];
        ((c == 0 || c == nx) && open_x(x)) || covered(vs, x, ys[r], ys[r + 1])
    };
    let hbound = |r: usize, c: usize| {
        let y = ys[r];
        ((r == 0 || r == ny) && open_y(y)) || covered(hs, y, xs[c], xs[c + 1])
    };
    let mut seen = vec![false; nx * ny];
    let mut cells = Vec::new();
    for r in 0..ny {
        for c in 0..nx {
            if seen[r * nx + c] {
                continue;
            }
            let mut cs = 1;
            while c + cs < nx && !vbound(c + cs, r) && !seen[r * nx + c + cs] {
                cs += 1;
            }
            let mut rs = 1;
            while r + rs < ny && (c..c + cs).all(|k| !hbound(r + rs, k) && !seen[(r + rs) * nx + k]) {
                rs += 1;
            }
            for rr in r..r + rs {
                for k in c..c + cs {
                    seen[rr * nx + k] = true;
                }
            }
            cells.push(CellBox { row: r, col: c, rowspan: rs, colspan: cs, ..CellBox::default() });
        }
    }
    if cells.len() < 2 || x1 - x0 < 2.0 * MIN_BAND || y1 - y0 < 2.0 * MIN_BAND {
        return None;
    }
    xs.shrink_to_fit();
    ys.shrink_to_fit();
    Some(Lattice { xs, ys, cells, page: 0, frame: [0.0; 4] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, a: f32, b: f32) -> Seg {
        Seg { pos: y, a, b }
    }

    #[test]
    fn merged_header_over_two_columns() {
        // +-----------+
        // |     A     |
        // +-----+-----+
        // |  B  |  C  |
        // +-----+-----+
        let hs = merge(&[h(0.0, 0.0, 100.0), h(20.0, 0.0, 100.0), h(40.0, 0.0, 100.0)]);
        let vs = merge(&[h(0.0, 0.0, 40.0), h(100.0, 0.0, 40.0), h(50.0, 20.0, 40.0)]);
        let l = grid(&hs, &vs).unwrap();
        assert_eq!(l.cells.len(), 3);
        assert_eq!((l.cells[0].colspan, l.cells[0].rowspan), (2, 1));
        assert_eq!((l.cells[1].row, l.cells[1].col), (1, 0));
    }

    #[test]
    fn near_rules_snap_and_pieces_join() {
        let m = merge(&[h(10.0, 0.0, 50.0), h(10.6, 50.5, 100.0), h(30.0, 0.0, 10.0)]);
        assert_eq!(m.len(), 2);
        assert!((m[0].a - 0.0).abs() < 1e-3 && (m[0].b - 100.0).abs() < 1e-3);
    }

    #[test]
    fn a_single_box_is_not_a_table() {
        let hs = merge(&[h(0.0, 0.0, 100.0), h(40.0, 0.0, 100.0)]);
        let vs = merge(&[h(0.0, 0.0, 40.0), h(100.0, 0.0, 40.0)]);
        assert!(grid(&hs, &vs).is_none());
    }
}
