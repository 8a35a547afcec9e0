//! What styles.xml and numbering.xml contribute to printed text: which paragraphs are headings,
//! which runs are bold, large or hidden, and the labels of numbered paragraphs (`一、`, `(二)`).

use std::borrow::Cow;
use std::collections::HashMap;

use memchr::memmem;
use nianbao_plugin::{Align, Error};

use super::xml::{Event, Tag};
use super::{next_event, num_attr, on_off, skip, xml_reader};

/// Run formatting that matters for reading; None where a level of the cascade is silent.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct RunProps {
    pub bold: Option<bool>,
    /// Half-points, as `w:sz` gives it.
    pub size: Option<u32>,
    pub vanish: Option<bool>,
}

impl RunProps {
    /// Takes in one child of a `w:rPr`.
    pub fn apply(&mut self, e: &Tag) {
        match e.local() {
            b"b" => self.bold = Some(on_off(e)),
            b"sz" => self.size = num_attr(e, b"val").or(self.size),
            b"vanish" => self.vanish = Some(on_off(e)),
            _ => {}
        }
    }

    /// Fills what this level leaves open from a lower level of the cascade.
    pub fn or(self, lower: RunProps) -> RunProps {
        RunProps {
            bold: self.bold.or(lower.bold),
            size: self.size.or(lower.size),
            vanish: self.vanish.or(lower.vanish),
        }
    }
}

/// Paragraph properties that matter for reading, direct or from a style.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ParaProps {
    pub style: Option<String>,
    pub outline: Option<u8>,
    pub align: Option<Align>,
    pub num_id: Option<u32>,
    pub ilvl: Option<u8>,
}

impl ParaProps {
    /// Takes in one element inside a `w:pPr`.
    pub fn apply(&mut self, e: &Tag) {
        match e.local() {
            b"pStyle" => self.style = e.attr(b"val").map(Cow::into_owned),
            // Level 9 is "body text".
            b"outlineLvl" => self.outline = num_attr(e, b"val").filter(|&l| l < 9).map(|l| l as u8),
            b"jc" => self.align = e.attr(b"val").map(|v| align(&v)),
            b"numId" => self.num_id = num_attr(e, b"val"),
            b"ilvl" => self.ilvl = num_attr(e, b"val").map(|l| l.min(8) as u8),
            _ => {}
        }
    }
}

fn align(jc: &str) -> Align {
    match jc {
        "center" => Align::Center,
        "right" | "end" => Align::Right,
        "left" | "start" => Align::Left,
        _ => Align::Justify,
    }
}

#[derive(Debug, Default, Clone)]
struct Style {
    /// What the style's name says: `heading N` (as an outline level), `Title`.
    heading: Option<u8>,
    title: bool,
    based_on: Option<String>,
    para: ParaProps,
    run: RunProps,
}

/// The styles of a document, with the cascade resolved on demand.
#[derive(Debug, Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
    defaults: RunProps,
}

/// A paragraph style with its `basedOn` chain resolved.
#[derive(Debug, Default, Clone)]
pub struct ParaStyle {
    pub outline: Option<u8>,
    pub title: bool,
    pub align: Option<Align>,
    pub num: Option<(u32, u8)>,
    pub run: RunProps,
}

/// A `basedOn` chain longer than this is a loop or a malicious file.
const MAX_CHAIN: usize = 32;

impl Styles {
    pub fn parse(xml: &[u8], part: &str) -> Result<Styles, Error> {
        let mut styles = Styles::default();
        let xml = without_unused_styles(xml);
        let mut reader = xml_reader(&xml);
        let mut current: Option<(String, Style)> = None;
        let mut in_defaults = false;
        loop {
            match next_event(&mut reader, part)? {
                Event::Start(e) if e.local().ends_with(b"Change") => skip(&mut reader, part)?,
                // Table styles are most of a Word styles.xml and say nothing about paragraphs;
                // latent styles are only defaults for Word's style gallery.
                Event::Start(e) if is_skipped(&e) => skip(&mut reader, part)?,
                // An empty style element says nothing.
                Event::Empty(e) if e.local() == b"style" => {}
                Event::Start(e) | Event::Empty(e) => match e.local() {
                    b"docDefaults" => in_defaults = true,
                    b"style" => {
                        let id = e.attr(b"styleId").unwrap_or_default().into_owned();
                        let is_para = e.attr(b"type").is_none_or(|t| t == "paragraph");
                        if is_para && e.attr(b"default").is_some_and(|d| d == "1" || d == "true") {
                            styles.default_paragraph = Some(id.clone());
                        }
                        current = Some((id, Style::default()));
                    }
                    _ => match (&mut current, in_defaults) {
                        (Some((_, style)), _) => style.apply(&e),
                        (None, true) => styles.defaults.apply(&e),
                        _ => {}
                    },
                },
                Event::End(e) => match e.local() {
                    b"docDefaults" => in_defaults = false,
                    b"style" => {
                        if let Some((id, style)) = current.take() {
                            styles.by_id.insert(id, style);
                        }
                    }
                    _ => {}
                },
                Event::Eof => return Ok(styles),
                _ => {}
            }
        }
    }

    /// The styles from `id` down its `basedOn` chain.
    fn chain<'s>(&'s self, id: Option<&'s str>) -> impl Iterator<Item = &'s Style> + 's {
        let mut next = id;
        std::iter::from_fn(move || {
            let style = self.by_id.get(next?)?;
            next = style.based_on.as_deref();
            Some(style)
        })
        .take(MAX_CHAIN)
    }

    /// A paragraph style (the default paragraph style when `id` is None), resolved.
    pub fn paragraph(&self, id: Option<&str>) -> ParaStyle {
        let id = id.or(self.default_paragraph.as_deref());
        let mut out = ParaStyle::default();
        let mut num_id = None;
        let mut ilvl = None;
        for style in self.chain(id) {
            let p = &style.para;
            out.outline = out.outline.or(p.outline).or(style.heading);
            out.title |= style.title;
            out.align = out.align.or(p.align);
            num_id = num_id.or(p.num_id);
            ilvl = ilvl.or(p.ilvl);
            out.run = out.run.or(style.run);
        }
        out.num = num_id.filter(|&n| n != 0).map(|n| (n, ilvl.unwrap_or(0)));
        out.run = out.run.or(self.defaults);
        out
    }

    /// The formatting a character style gives a run.
    pub fn character(&self, id: Option<&str>) -> RunProps {
        self.chain(id).fold(RunProps::default(), |acc, s| acc.or(s.run))
    }
}

impl Style {
    fn apply(&mut self, e: &Tag) {
        match e.local() {
            b"name" => {
                let name = e.attr(b"val").unwrap_or_default();
                self.heading = heading_number(&name);
                self.title = is_title(&name);
            }
            b"basedOn" => self.based_on = e.attr(b"val").map(Cow::into_owned),
            _ => {
                self.para.apply(e);
                self.run.apply(e);
            }
        }
    }
}

/// styles.xml without its table styles and latent styles, cut out by a byte search: in Word's
/// files they are nine tenths of the part and say nothing about paragraphs. Parts that spell
/// the elements otherwise are left whole; the parser skips those elements too.
fn without_unused_styles(xml: &[u8]) -> Cow<'_, [u8]> {
    const LATENT: &[u8] = b"<w:latentStyles";
    let style = memmem::Finder::new(b"<w:style ");
    let style_end = memmem::Finder::new(b"</w:style>");
    let mut latent = memmem::find(xml, LATENT);
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    loop {
        if latent.is_some_and(|l| l < at) {
            latent = memmem::find(&xml[at..], LATENT).map(|i| at + i);
        }
        let next_style = style.find(&xml[at..]).map(|i| at + i);
        let ends = |at: usize, close: &[u8], found: Option<usize>| (at, found.map(|e| at + e + close.len()));
        let (i, end) = match (next_style, latent) {
            (_, Some(l)) if next_style.is_none_or(|s| l < s) => {
                let close = b"</w:latentStyles>";
                ends(l, close, memmem::find(&xml[l..], close))
            }
            (Some(s), _) => {
                let rest = &xml[s..];
                let tag = &rest[..memchr::memchr(b'>', rest).map_or(rest.len(), |e| e + 1)];
                let has = |attr: &[u8]| tag.windows(attr.len()).any(|w| w == attr);
                let unused = has(br#"w:type="table""#) || has(br#"w:type="numbering""#);
                if !unused {
                    at = s + 1;
                    continue;
                }
                ends(s, style_end.needle(), style_end.find(&xml[s..]))
            }
            _ => break,
        };
        let Some(end) = end else { break };
        let buf = out.get_or_insert_with(|| Vec::with_capacity(xml.len() / 4));
        buf.extend_from_slice(&xml[copied..i]);
        copied = end;
        at = end;
    }
    match out {
        Some(mut buf) => {
            buf.extend_from_slice(&xml[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(xml),
    }
}

fn is_skipped(e: &Tag) -> bool {
    match e.local() {
        b"latentStyles" => true,
        b"style" => e.attr(b"type").is_some_and(|t| t == "table" || t == "numbering"),
        _ => false,
    }
}

/// `heading 3` (Word's built-in names, also in Chinese Word and WPS) → outline level 2.
fn heading_number(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    let n = lower.strip_prefix("heading").or_else(|| name.strip_prefix("标题"))?.trim();
    n.parse::<u8>().ok().filter(|n| (1..=9).contains(n)).map(|n| n - 1)
}

fn is_title(name: &str) -> bool {
    name.eq_ignore_ascii_case("title") || name == "标题"
}

// ---- numbering

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    format: String,
    text: String,
    suffix: String,
    legal: bool,
}

#[derive(Debug, Clone, Default)]
struct Num {
    abstract_id: u32,
    start_overrides: Vec<(u8, u32)>,
}

/// Numbering definitions and the running counters of the lists met so far.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<u32, Vec<Level>>,
    nums: HashMap<u32, Num>,
    /// Per abstract list (Word continues a list across `w:num`s that share it): the current
    /// value of each level, None where the level restarts.
    counters: HashMap<u32, [Option<u32>; 9]>,
    started: Vec<u32>,
}

impl Numbering {
    pub fn parse(xml: &[u8], part: &str) -> Result<Numbering, Error> {
        let mut out = Numbering::default();
        let mut reader = xml_reader(xml);
        let mut abstract_id: Option<u32> = None;
        let mut level: Option<(u8, Level)> = None;
        let mut num: Option<(u32, Num)> = None;
        let mut override_level: Option<u8> = None;
        loop {
            match next_event(&mut reader, part)? {
                Event::Start(e) | Event::Empty(e) => match e.local() {
                    b"abstractNum" => abstract_id = num_attr(&e, b"abstractNumId"),
                    b"lvl" if num.is_none() => {
                        let ilvl = num_attr(&e, b"ilvl").unwrap_or(0);
                        level = (ilvl < 9).then(|| {
                            (
                                ilvl as u8,
                                Level { start: 1, format: "decimal".into(), suffix: "tab".into(), ..Level::default() },
                            )
                        });
                    }
                    b"start" => {
                        if let Some((_, l)) = &mut level {
                            l.start = num_attr(&e, b"val").unwrap_or(1);
                        }
                    }
                    b"numFmt" => {
                        if let Some((_, l)) = &mut level {
                            l.format = e.attr(b"val").unwrap_or_default().into_owned();
                        }
                    }
                    b"lvlText" => {
                        if let Some((_, l)) = &mut level {
                            l.text = e.attr(b"val").unwrap_or_default().into_owned();
                        }
                    }
                    b"suff" => {
                        if let Some((_, l)) = &mut level {
                            l.suffix = e.attr(b"val").unwrap_or_default().into_owned();
                        }
                    }
                    b"isLgl" => {
                        if let Some((_, l)) = &mut level {
                            l.legal = on_off(&e);
                        }
                    }
                    b"num" => num = num_attr(&e, b"numId").map(|id| (id, Num::default())),
                    b"abstractNumId" => {
                        if let Some((_, n)) = &mut num {
                            n.abstract_id = num_attr(&e, b"val").unwrap_or(0);
                        }
                    }
                    b"lvlOverride" => override_level = num_attr(&e, b"ilvl").filter(|&l| l < 9).map(|l| l as u8),
                    b"startOverride" => {
                        if let (Some((_, n)), Some(l)) = (&mut num, override_level) {
                            n.start_overrides.push((l, num_attr(&e, b"val").unwrap_or(1)));
                        }
                    }
                    _ => {}
                },
                Event::End(e) => match e.local() {
                    b"lvl" => {
                        if let (Some(id), Some((ilvl, l))) = (abstract_id, level.take()) {
                            let levels = out.abstracts.entry(id).or_default();
                            if levels.len() <= ilvl as usize {
                                levels.resize(ilvl as usize + 1, Level::default());
                            }
                            levels[ilvl as usize] = l;
                        }
                    }
                    b"abstractNum" => abstract_id = None,
                    b"num" => {
                        if let Some((id, n)) = num.take() {
                            out.nums.insert(id, n);
                        }
                    }
                    _ => {}
                },
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    /// The label a numbered paragraph prints (`一、`, `(2)`, `1.3`), advancing the list; None
    /// for bullets and unknown lists.
    pub fn label(&mut self, num_id: u32, ilvl: u8) -> Option<String> {
        let num = self.nums.get(&num_id)?;
        let levels = self.abstracts.get(&num.abstract_id)?;
        let level = levels.get(ilvl as usize)?;
        if level.format == "bullet" {
            return None;
        }
        let counters = self.counters.entry(num.abstract_id).or_insert([None; 9]);
        let mut starts: Vec<u32> = (0..9).map(|l| levels.get(l).map_or(1, |lv| lv.start)).collect();
        for &(l, v) in &num.start_overrides {
            starts[l as usize] = v;
        }
        if !self.started.contains(&num_id) {
            self.started.push(num_id);
            for &(l, _) in &num.start_overrides {
                counters[l as usize] = None;
            }
        }
        let i = ilvl as usize;
        counters[i] = Some(counters[i].map_or(starts[i], |n| n.saturating_add(1)));
        for deeper in counters.iter_mut().skip(i + 1) {
            *deeper = None;
        }
        let mut label = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d @ 1..=9)) => {
                    chars.next();
                    let l = d as usize - 1;
                    let value = counters[l].unwrap_or(starts[l]);
                    let format =
                        if level.legal { "decimal" } else { levels.get(l).map_or("decimal", |lv| lv.format.as_str()) };
                    label.push_str(&format_number(value, format));
                }
                _ => label.push(c),
            }
        }
        // A tab or space after the label: keep a space only where words would otherwise run
        // together (`1.2 Title`), not after CJK punctuation (`一、总体情况`).
        if level.suffix != "nothing" && label.ends_with(|c: char| c.is_ascii_alphanumeric()) {
            label.push(' ');
        }
        Some(label)
    }
}

/// A list number in one of WordprocessingML's number formats.
fn format_number(n: u32, format: &str) -> String {
    const COUNTING: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    const LEGAL: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
    const STEMS: [&str; 10] = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"];
    const BRANCHES: [&str; 12] = ["子", "丑", "寅", "卯", "辰", "巳", "午", "未", "申", "酉", "戌", "亥"];
    let enclosed = |first: u32, max: u32| char::from_u32(first + n - 1).filter(|_| (1..=max).contains(&n));
    match format {
        "none" => String::new(),
        "decimalZero" => format!("{n:02}"),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperLetter" => letters(n),
        "lowerLetter" => letters(n).to_lowercase(),
        "chineseCounting" | "chineseCountingThousand" | "japaneseCounting" | "taiwaneseCounting" | "koreanCounting" => {
            chinese(n, &COUNTING, ["", "十", "百", "千", "万"], true)
        }
        "chineseLegalSimplified" | "japaneseLegal" | "ideographLegalTraditional" => {
            chinese(n, &LEGAL, ["", "拾", "佰", "仟", "万"], false)
        }
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => {
            n.to_string().bytes().map(|b| COUNTING[(b - b'0') as usize]).collect()
        }
        "ideographTraditional" => STEMS[((n.max(1) - 1) % 10) as usize].to_string(),
        "ideographZodiac" => BRANCHES[((n.max(1) - 1) % 12) as usize].to_string(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => {
            enclosed(0x2460, 20).map_or_else(|| n.to_string(), String::from)
        }
        "decimalEnclosedParen" => enclosed(0x2474, 20).map_or_else(|| format!("({n})"), String::from),
        "decimalEnclosedFullstop" => enclosed(0x2488, 20).map_or_else(|| format!("{n}."), String::from),
        "decimalFullWidth" | "decimalFullWidth2" => {
            n.to_string().chars().filter_map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10)).collect()
        }
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if n == 0 || n >= 4000 {
        return n.to_string();
    }
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Word's letter numbering: A … Z, then AA … ZZ, AAA …
fn letters(n: u32) -> String {
    if n == 0 {
        return n.to_string();
    }
    let letter = (b'A' + ((n - 1) % 26) as u8) as char;
    std::iter::repeat_n(letter, ((n - 1) / 26 + 1).min(50) as usize).collect()
}

/// Chinese numerals up to 99999 (`十一`, `一百零五`); larger numbers in Arabic digits.
fn chinese(n: u32, digits: &[&str; 10], units: [&str; 5], short_ten: bool) -> String {
    // A zero inside a number is read 零 even where zero alone is written 〇.
    let inner_zero = "零";
    if n == 0 {
        return digits[0].to_string();
    }
    if n >= 100_000 {
        return n.to_string();
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for pos in (0..5).rev() {
        let d = (n / 10u32.pow(pos)) % 10;
        if d == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if zero_pending {
            out.push_str(inner_zero);
            zero_pending = false;
        }
        if !(short_ten && d == 1 && pos == 1 && out.is_empty()) {
            out.push_str(digits[d as usize]);
        }
        out.push_str(units[pos as usize]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting_reads_like_print() {
        let c = |n| format_number(n, "chineseCounting");
        assert_eq!(c(1), "一");
        assert_eq!(c(10), "十");
        assert_eq!(c(11), "十一");
        assert_eq!(c(20), "二十");
        assert_eq!(c(105), "一百零五");
        assert_eq!(c(110), "一百一十");
        assert_eq!(c(1001), "一千零一");
        assert_eq!(format_number(12, "chineseLegalSimplified"), "壹拾贰");
    }

    #[test]
    fn other_formats() {
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(2, "decimalEnclosedParen"), "⑵");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(3, "ideographTraditional"), "丙");
        assert_eq!(format_number(7, "decimalFullWidth"), "７");
    }

    #[test]
    fn lists_count_restart_and_nest() {
        let xml = r#"<w:numbering xmlns:w="w">
            <w:abstractNum w:abstractNumId="0">
              <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
              <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/><w:isLgl/></w:lvl>
            </w:abstractNum>
            <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="●"/></w:lvl></w:abstractNum>
            <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
            <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
            <w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
          </w:numbering>"#;
        let mut n = Numbering::parse(xml.as_bytes(), "numbering.xml").unwrap();
        assert_eq!(n.label(1, 0).as_deref(), Some("一、"));
        assert_eq!(n.label(1, 1).as_deref(), Some("1.1 "));
        assert_eq!(n.label(1, 1).as_deref(), Some("1.2 "));
        assert_eq!(n.label(1, 0).as_deref(), Some("二、"));
        assert_eq!(n.label(1, 1).as_deref(), Some("2.1 "));
        assert_eq!(n.label(2, 0), None);
        assert_eq!(n.label(3, 0).as_deref(), Some("五、"));
        assert_eq!(n.label(9, 0), None);
    }

    #[test]
    fn table_and_latent_styles_are_cut_before_parsing() {
        let xml = br#"<w:styles><w:latentStyles><w:lsdException w:name="x"/></w:latentStyles><w:style w:type="table" w:styleId="t"><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="p"><w:name w:val="P"/></w:style></w:styles>"#;
        let cut = without_unused_styles(xml);
        assert_eq!(
            &cut[..],
            br#"<w:styles><w:style w:type="paragraph" w:styleId="p"><w:name w:val="P"/></w:style></w:styles>"#
        );
        // Unterminated: left as it is for the parser to report.
        assert_eq!(&without_unused_styles(br#"<w:style w:type="table">"#)[..], br#"<w:style w:type="table">"#);
    }

    #[test]
    fn styles_cascade_through_based_on() {
        let xml = br#"<w:styles xmlns:w="w">
            <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="21"/></w:rPr></w:rPrDefault></w:docDefaults>
            <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:rPr><w:sz w:val="32"/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:rPr><w:b/></w:rPr></w:style>
            <w:style w:type="paragraph" w:styleId="x"><w:name w:val="Mine"/><w:basedOn w:val="x"/><w:pPr><w:outlineLvl w:val="0"/><w:jc w:val="center"/></w:pPr></w:style>
          </w:styles>"#;
        let s = Styles::parse(xml, "styles.xml").unwrap();
        let normal = s.paragraph(None);
        assert_eq!((normal.outline, normal.run.size, normal.run.bold), (None, Some(32), None));
        let h2 = s.paragraph(Some("2"));
        assert_eq!((h2.outline, h2.run.size, h2.run.bold), (Some(1), Some(32), Some(true)));
        // A style based on itself ends the chain instead of looping.
        let own = s.paragraph(Some("x"));
        assert_eq!((own.outline, own.align, own.run.size), (Some(0), Some(Align::Center), Some(21)));
    }
}
