//! Text broken into lines the way Chinese is typeset: a line may break between any two CJK
//! characters, never inside a number or a short Latin word, never before closing punctuation
//! (，。、）》” …) and never after opening punctuation (（《“ …). Those rules are kept by gluing
//! the text into unbreakable atoms first; lines are then filled greedily, and a line whose last
//! atom overflows only by the blank half of its closing punctuation keeps it, squeezed.
//!
//! Widths are in em; the caller multiplies by the font size.

use std::ops::Range;

use super::fonts::{FontSet, Glyph};

/// An ASCII run longer than this (a URL, an e-mail address) may break after `.`, `/`, `-` …
const LONG_RUN: usize = 12;
/// Slack for float comparisons, in em.
const EPS: f32 = 1e-3;

/// A piece of text set in glyphs, ready to be broken into lines at any width.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub glyphs: Vec<Glyph>,
    atoms: Vec<Atom>,
}

#[derive(Debug, Clone)]
struct Atom {
    glyphs: Range<usize>,
    width: f32,
    /// How far the atom may overflow a line: the blank half of its trailing full-width
    /// closing punctuation.
    squeeze: f32,
    space: bool,
    glue_prev: bool,
    glue_next: bool,
    /// A forced line break (`\n` in the text) follows.
    hard_end: bool,
}

/// One line: which glyphs and how wide they are without trailing spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub glyphs: Range<usize>,
    pub width: f32,
    /// The gaps between glyphs that take extra space when the line is justified.
    pub gaps: usize,
    /// The line ends its paragraph or a forced break: it is not justified.
    pub last: bool,
}

impl Text {
    /// Sets `s` in glyphs. `\n` forces a line break; other control characters are dropped and
    /// tabs become spaces.
    pub fn new(fonts: &mut FontSet, s: &str) -> Text {
        let mut text = Text::default();
        let segments: Vec<&str> = s.split('\n').collect();
        for (i, segment) in segments.iter().enumerate() {
            let first = text.atoms.len();
            text.push_segment(fonts, segment);
            if text.atoms.len() == first {
                // An empty segment is an empty line.
                let at = text.glyphs.len();
                text.atoms.push(Atom {
                    glyphs: at..at,
                    width: 0.0,
                    squeeze: 0.0,
                    space: false,
                    glue_prev: false,
                    glue_next: false,
                    hard_end: false,
                });
            }
            if i + 1 < segments.len() {
                text.atoms.last_mut().expect("pushed above").hard_end = true;
            }
        }
        text.glue();
        text
    }

    fn push_segment(&mut self, fonts: &mut FontSet, segment: &str) {
        let chars: Vec<char> =
            segment.chars().map(|c| if c == '\t' { ' ' } else { c }).filter(|c| !c.is_control()).collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_graphic() {
                let end = chars[i..].iter().position(|c| !c.is_ascii_graphic()).map_or(chars.len(), |n| i + n);
                self.push_run(fonts, &chars[i..end]);
                i = end;
            } else {
                self.push_atom(fonts, &[c], c == ' ' || c == '\u{3000}');
                i += 1;
            }
        }
    }

    /// A run of ASCII letters, digits and signs: one atom, unless it is long and has letters
    /// (a URL), which may then break after its separators. Closing punctuation at its start
    /// and opening punctuation at its end are atoms of their own, to glue to their neighbours.
    fn push_run(&mut self, fonts: &mut FontSet, run: &[char]) {
        let lead = run.iter().take_while(|&&c| closes(c)).count();
        let tail = run[lead..].iter().rev().take_while(|&&c| opens(c)).count();
        let body = &run[lead..run.len() - tail];
        if lead > 0 {
            self.push_atom(fonts, &run[..lead], false);
        }
        if body.len() <= LONG_RUN || !body.iter().any(char::is_ascii_alphabetic) {
            if !body.is_empty() {
                self.push_atom(fonts, body, false);
            }
        } else {
            let mut start = 0;
            for (i, c) in body.iter().enumerate() {
                if matches!(c, '.' | '/' | '-' | '_' | '?' | '&' | '=' | '@' | ':') || i + 1 == body.len() {
                    self.push_atom(fonts, &body[start..=i], false);
                    start = i + 1;
                }
            }
        }
        if tail > 0 {
            self.push_atom(fonts, &run[run.len() - tail..], false);
        }
    }

    fn push_atom(&mut self, fonts: &mut FontSet, chars: &[char], space: bool) {
        let start = self.glyphs.len();
        self.glyphs.extend(chars.iter().map(|&c| fonts.glyph(c)));
        let width = self.glyphs[start..].iter().map(|g| g.advance).sum();
        let (first, last) = (chars[0], chars[chars.len() - 1]);
        self.atoms.push(Atom {
            glyphs: start..self.glyphs.len(),
            width,
            squeeze: 0.0,
            space,
            glue_prev: !space && closes(first),
            glue_next: !space && opens(last),
            hard_end: false,
        });
    }

    /// Merges closing punctuation into the atom before it and opening punctuation into the one
    /// after it.
    fn glue(&mut self) {
        let mut out: Vec<Atom> = Vec::with_capacity(self.atoms.len());
        for atom in self.atoms.drain(..) {
            match out.last_mut() {
                Some(prev) if !prev.hard_end && !prev.space && !atom.space && (atom.glue_prev || prev.glue_next) => {
                    prev.glyphs.end = atom.glyphs.end;
                    prev.width += atom.width;
                    prev.glue_next = atom.glue_next;
                    prev.hard_end = atom.hard_end;
                }
                _ => out.push(atom),
            }
        }
        for atom in &mut out {
            atom.squeeze = self.glyphs[atom.glyphs.clone()]
                .iter()
                .rev()
                .take_while(|g| closes(g.ch) && g.advance > 0.9)
                .map(|g| g.advance / 2.0)
                .sum();
        }
        self.atoms = out;
    }

    /// The widest atom: the narrowest a column can be without breaking inside one.
    pub fn widest_atom(&self) -> f32 {
        self.atoms.iter().filter(|a| !a.space).map(|a| a.width).fold(0.0, f32::max)
    }

    /// The width of the longest forced line, unbroken.
    pub fn natural_width(&self) -> f32 {
        let (mut widest, mut current) = (0.0f32, 0.0);
        for atom in &self.atoms {
            current += atom.width;
            if atom.hard_end {
                widest = widest.max(current);
                current = 0.0;
            }
        }
        widest.max(current)
    }

    /// Breaks the text into lines `first` em wide for the first line and `rest` for the others.
    pub fn lines(&self, first: f32, rest: f32) -> Vec<Line> {
        let mut out = Vec::new();
        let mut line = Builder::default();
        for atom in &self.atoms {
            let avail = if out.is_empty() { first } else { rest };
            if atom.space {
                line.pending(atom);
            } else if line.count == 0 && atom.width > avail + EPS {
                self.force_split(atom, &mut line, &mut out, first, rest);
            } else {
                let total = line.width + line.spaces + atom.width;
                if line.count > 0 && total > avail + EPS && total - atom.squeeze > avail + EPS {
                    out.push(line.finish(&self.glyphs, false));
                    line = Builder::at(atom.glyphs.start);
                    if atom.width > rest + EPS {
                        self.force_split(atom, &mut line, &mut out, first, rest);
                        continue;
                    }
                }
                line.add(atom.glyphs.clone(), atom.width);
            }
            if atom.hard_end {
                out.push(line.finish(&self.glyphs, true));
                line = Builder::at(atom.glyphs.end);
            }
        }
        out.push(line.finish(&self.glyphs, true));
        out
    }

    /// Puts an atom wider than a line on as many lines as it takes, glyph by glyph.
    fn force_split(&self, atom: &Atom, line: &mut Builder, out: &mut Vec<Line>, first: f32, rest: f32) {
        for i in atom.glyphs.clone() {
            let avail = if out.is_empty() { first } else { rest };
            let advance = self.glyphs[i].advance;
            if line.count > 0 && line.width + line.spaces + advance > avail + EPS {
                out.push(line.finish(&self.glyphs, false));
                *line = Builder::at(i);
            }
            line.add(i..i + 1, advance);
        }
    }
}

#[derive(Default)]
struct Builder {
    start: usize,
    end: usize,
    width: f32,
    count: usize,
    /// Spaces after the last word: they belong to the line but not to its width.
    spaces: f32,
    space_count: usize,
}

impl Builder {
    fn at(start: usize) -> Builder {
        Builder { start, end: start, ..Builder::default() }
    }

    fn pending(&mut self, atom: &Atom) {
        self.end = atom.glyphs.end;
        self.spaces += atom.width;
        self.space_count += atom.glyphs.len();
    }

    fn add(&mut self, glyphs: Range<usize>, width: f32) {
        self.width += self.spaces + width;
        self.count += self.space_count + glyphs.len();
        self.spaces = 0.0;
        self.space_count = 0;
        self.end = glyphs.end;
    }

    fn finish(&self, glyphs: &[Glyph], last: bool) -> Line {
        let counted = &glyphs[self.start..self.start + self.count];
        let gaps = counted.windows(2).filter(|pair| stretchable(&pair[0], &pair[1])).count();
        Line { glyphs: self.start..self.end, width: self.width, gaps, last }
    }
}

/// Whether justification may widen the gap between two glyphs: anywhere but inside a run of
/// ASCII, so that numbers and words keep their look.
pub fn stretchable(a: &Glyph, b: &Glyph) -> bool {
    !(a.ch.is_ascii_graphic() && b.ch.is_ascii_graphic())
}

/// Characters that must not begin a line.
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '】'
            | '》'
            | '」'
            | '』'
            | '〕'
            | '〉'
            | '〗'
            | '〙'
            | '”'
            | '’'
            | '…'
            | '—'
            | '％'
            | '‰'
            | '℃'
            | '·'
            | '・'
            | '～'
            | '］'
            | '｝'
            | '．'
            | '〞'
            | '々'
            | '〃'
            | ','
            | '.'
            | ';'
            | ':'
            | '?'
            | '!'
            | ')'
            | ']'
            | '}'
            | '%'
    )
}

/// Characters that must not end a line.
fn opens(c: char) -> bool {
    matches!(
        c,
        '（' | '【'
            | '《'
            | '「'
            | '『'
            | '〔'
            | '〈'
            | '〖'
            | '〘'
            | '“'
            | '‘'
            | '［'
            | '｛'
            | '〝'
            | '￥'
            | '＄'
            | '('
            | '['
            | '{'
            | '$'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> (FontSet<'static>, Text) {
        let mut fonts = FontSet::new(None, super::super::BUILTIN_FONT).unwrap();
        let text = Text::new(&mut fonts, s);
        (fonts, text)
    }

    fn strings(text: &Text, lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| text.glyphs[l.glyphs.clone()].iter().map(|g| g.ch).collect()).collect()
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // "一二三四五" overflows 4.6 em, so "五，" moves down together…
        let (_, text) = set("一二三四五，六七八九十。");
        let lines = text.lines(4.6, 4.6);
        assert_eq!(strings(&text, &lines), ["一二三四", "五，六七", "八九十。"]);
        // …but at 5.6 em only the blank half of "，" overflows: it is squeezed in.
        let lines = text.lines(5.6, 5.6);
        assert_eq!(strings(&text, &lines), ["一二三四五，", "六七八九十。"]);
        assert!(lines[0].width > 5.6 && !lines[0].last && lines[1].last, "{lines:?}");
    }

    #[test]
    fn opening_punctuation_never_ends_a_line_and_numbers_stay_whole() {
        let (_, text) = set("一二三（四五）共12345件");
        assert_eq!(strings(&text, &text.lines(4.0, 6.0)), ["一二三", "（四五）共", "12345件"]);
    }

    #[test]
    fn forced_breaks_long_runs_and_first_line_indent() {
        let (_, text) = set("网址www.example.gov.cn/index.html\n\n末行");
        let lines = text.lines(6.0, 8.0);
        assert_eq!(strings(&text, &lines), ["网址www.", "example.gov.cn/", "index.html", "", "末行"]);
        assert_eq!(lines.iter().map(|l| l.last).collect::<Vec<_>>(), [false, false, true, true, true]);
        assert_eq!(text.natural_width(), 2.0 + 0.5 * 29.0);
    }

    #[test]
    fn an_atom_wider_than_the_line_is_split() {
        let (_, text) = set("12345678901234567890");
        let lines = text.lines(3.0, 3.0);
        assert_eq!(strings(&text, &lines)[0], "123456");
        assert_eq!(lines.len(), 4);
        assert_eq!(text.widest_atom(), 10.0);
    }
}
