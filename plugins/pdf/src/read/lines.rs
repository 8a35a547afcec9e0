//! Glyphs → text lines: glyphs of one direction clustered by their line coordinate, ordered
//! along it, with spaces only where a gap between non-CJK glyphs says so.

use super::interp::{Dir, Glyph, Page};
use nianbao_chinese::is_wide;

#[derive(Debug, Clone)]
pub struct Line {
    pub text: String,
    pub dir: Dir,
    /// Bounding box on the page (top-down).
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    /// Baseline (horizontal text) or centre line (vertical text), in the glyphs' frame.
    pub v: f32,
    pub size: f32,
    pub bold: bool,
    /// The extent of the line's first word (one glyph for CJK text): would it have fitted at
    /// the end of the line before?
    pub first_word: f32,
    /// The box of its glyphs on the page as shown (see [`Page::shown_box`]).
    pub bbox: [f32; 4],
}

/// Builds the lines of the given glyphs, top to bottom (right to left for vertical text).
pub fn build(page: &Page, glyphs: &[u32]) -> Vec<Line> {
    let mut lines: Vec<Line> = baselines(page, glyphs).iter().filter_map(|members| make_line(page, members)).collect();
    lines.sort_by(|a, b| (a.dir as u8).cmp(&(b.dir as u8)).then(a.v.total_cmp(&b.v)).then(a.left.total_cmp(&b.left)));
    lines
}

/// The glyphs grouped by their line coordinate, per writing direction, each group in order
/// along the line.
pub fn baselines(page: &Page, glyphs: &[u32]) -> Vec<Vec<u32>> {
    let mut order: Vec<u32> = glyphs.to_vec();
    let g = |i: u32| &page.glyphs[i as usize];
    order.sort_by(|&a, &b| {
        let (a, b) = (g(a), g(b));
        (a.dir as u8).cmp(&(b.dir as u8)).then(a.v.total_cmp(&b.v)).then(a.u0.total_cmp(&b.u0))
    });
    let mut groups = Vec::new();
    let mut start = 0;
    for i in 1..=order.len() {
        let split = i == order.len() || {
            let (prev, cur) = (g(order[i - 1]), g(order[i]));
            let anchor = g(order[start]);
            prev.dir != cur.dir || (cur.v - anchor.v) > 0.45 * anchor.size.min(cur.size).max(0.1)
        };
        if split {
            let mut members = order[start..i].to_vec();
            members.sort_by(|&a, &b| g(a).u0.total_cmp(&g(b).u0));
            groups.push(members);
            start = i;
        }
    }
    groups
}

/// A gap next to CJK text: a space in a table or a ragged line, but in a justified line that
/// the paragraph goes on from, only stretch (browsers spread a line with a long URL that way).
pub const SOFT_SPACE: char = '\u{2009}';

/// The usual gap between two glyphs of the line: justified text may spread every character
/// (CJK typesetters, letter-spacing writers), and only a gap well beyond that is a space. No
/// typesetter spreads characters by more than an em; a line whose usual gap is wider is a row
/// of figures set in columns (`16   2   0`), and its gaps are spaces.
fn usual_gap(page: &Page, members: &[u32]) -> f32 {
    let mut gaps: Vec<f32> =
        members.windows(2).map(|w| page.glyphs[w[1] as usize].u0 - page.glyphs[w[0] as usize].u1).collect();
    if gaps.len() < 3 {
        return 0.0;
    }
    gaps.sort_by(f32::total_cmp);
    let mut sizes: Vec<f32> = members.iter().map(|&i| page.glyphs[i as usize].size).collect();
    sizes.sort_by(f32::total_cmp);
    // Not `clamp`: a font matrix of a damaged file can make a size NaN (found by the fuzzer).
    gaps[gaps.len() / 2].max(0.0).min(sizes[sizes.len() / 2])
}

fn make_line(page: &Page, members: &[u32]) -> Option<Line> {
    let spread = usual_gap(page, members);
    let mut text = String::new();
    let mut prev: Option<&Glyph> = None;
    let (mut left, mut right, mut top, mut bottom) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    let mut sizes: Vec<f32> = Vec::with_capacity(members.len());
    let mut bold = 0usize;
    for &i in members {
        let g = &page.glyphs[i as usize];
        let t = page.glyph_text(g);
        if let Some(p) = prev {
            if is_duplicate(page, p, g) {
                continue;
            }
            let gap = g.u0 - p.u1;
            let em = p.size.max(g.size);
            let last = text.chars().next_back().unwrap_or(' ');
            let first = t.chars().next().unwrap_or(' ');
            let wide = is_wide(last) || is_wide(first);
            let threshold = spread + if wide { em } else { 0.2 * em };
            if !last.is_whitespace() && !first.is_whitespace() && gap > threshold {
                text.push(if wide { SOFT_SPACE } else { ' ' });
            }
        }
        text.push_str(t);
        let half = g.size / 2.0;
        left = left.min(g.cx - half.min((g.u1 - g.u0).max(0.0) / 2.0 + 0.01));
        right = right.max(g.cx + half.min((g.u1 - g.u0).max(0.0) / 2.0 + 0.01));
        top = top.min(g.cy - half);
        bottom = bottom.max(g.cy + half);
        if !t.trim().is_empty() {
            sizes.push(g.size);
            bold += usize::from(g.bold);
        }
        prev = Some(g);
    }
    let text = collapse_spaces(text.trim());
    if text.is_empty() {
        return None;
    }
    let first = &page.glyphs[members[0] as usize];
    if first.dir == Dir::Right {
        // Horizontal boxes from the advances, which are exact; the centres only estimate.
        let (mut l, mut r) = (f32::MAX, f32::MIN);
        for &i in members {
            let g = &page.glyphs[i as usize];
            if !page.glyph_text(g).trim().is_empty() {
                l = l.min(g.u0);
                r = r.max(g.u1);
            }
        }
        (left, right) = (l, r);
    }
    sizes.sort_by(f32::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(first.size);
    let first_word = first_word(page, members);
    Some(Line {
        text,
        dir: first.dir,
        left,
        right,
        top,
        bottom,
        v: first.v,
        size,
        bold: bold * 2 > sizes.len(),
        first_word,
        bbox: page.shown_box([left, top, right, bottom]),
    })
}

/// How far the line's first unbreakable unit reaches: its first character with what cannot be
/// parted from it — Latin letters, digits and punctuation set against it, and closing CJK
/// punctuation, which may not start a line.
fn first_word(page: &Page, members: &[u32]) -> f32 {
    let glyphs: Vec<&Glyph> =
        members.iter().map(|&i| &page.glyphs[i as usize]).filter(|g| !page.glyph_text(g).trim().is_empty()).collect();
    let Some(first) = glyphs.first() else { return 0.0 };
    let mut end = first.u1;
    for g in &glyphs[1..] {
        let c = page.glyph_text(g).chars().next().unwrap_or(' ');
        if (is_wide(c) && !is_closing(c)) || g.u0 - end > 0.2 * g.size {
            break;
        }
        end = g.u1;
    }
    end - first.u0
}

fn is_closing(c: char) -> bool {
    "，。、；：！？）》」』】〕〉”’,.;:!?)".contains(c)
}

/// Fake bold prints a glyph twice, a hair apart.
fn is_duplicate(page: &Page, p: &Glyph, g: &Glyph) -> bool {
    (g.u0 - p.u0).abs() < 0.15 * g.size.max(0.1)
        && (g.v - p.v).abs() < 0.15 * g.size.max(0.1)
        && page.glyph_text(p) == page.glyph_text(g)
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != SOFT_SPACE {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page with one line of 10 pt glyphs, each `(text, left edge)`, 6 pt wide.
    fn page(glyphs: &[(&str, f32)]) -> Page {
        let mut page = Page { width: 595.0, height: 842.0, ..Page::default() };
        for &(t, x) in glyphs {
            let start = page.text.len() as u32;
            page.text.push_str(t);
            page.glyphs.push(Glyph {
                u0: x,
                u1: x + 6.0,
                v: 100.0,
                cx: x + 3.0,
                cy: 96.0,
                size: 10.0,
                dir: Dir::Right,
                start,
                end: page.text.len() as u32,
                bold: false,
            });
        }
        page
    }

    fn text(glyphs: &[(&str, f32)]) -> String {
        let page = page(glyphs);
        let all: Vec<u32> = (0..page.glyphs.len() as u32).collect();
        build(&page, &all).into_iter().map(|l| l.text).collect::<Vec<_>>().join("|")
    }

    #[test]
    fn figures_set_in_columns_keep_their_spaces() {
        // `16   2   0   18`: most gaps are wide, yet they are spaces, not letter-spacing.
        let row = [("1", 0.0), ("6", 6.0), ("2", 40.0), ("0", 80.0), ("1", 120.0), ("8", 126.0)];
        assert_eq!(text(&row), "16 2 0 18");
    }

    #[test]
    fn letter_spaced_text_is_not_cut_into_words() {
        // Every glyph spread by half an em: one word.
        let spread: Vec<(&str, f32)> =
            ["2", "0", "2", "3"].iter().enumerate().map(|(i, t)| (*t, i as f32 * 11.0)).collect();
        assert_eq!(text(&spread), "2023");
    }
}
