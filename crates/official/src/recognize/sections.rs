//! Finding the sections: the six standard headings (standalone, or inside a longer line when a
//! page was flattened into one), the text of each section with page chrome and folios dropped,
//! and a freeform report's own numbered headings.

use crate::labels::core;
use crate::recognize::items::{collect_props, is_prop_line, Item, Line, Props};
use nianbao_chinese::{date_line, is_chrome_line, is_folio, is_han, is_index_no, leading_numeral, strip_numbering};
use nianbao_document::Align;
use nianbao_report::Section;

/// The six standard section titles and the variants real reports print.
const SECTION_TITLES: [&[&str]; 6] = [
    &["总体情况", "概述", "基本情况"],
    &["主动公开政府信息情况", "主动公开政府信息", "主动公开情况"],
    &["收到和处理政府信息公开申请情况", "收到和处理政府信息公开申请", "依申请公开政府信息情况", "依申请公开情况"],
    &[
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议,行政诉讼情况",
        "政府信息公开行政复议和行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "政府信息公开行政复议、行政诉讼",
        "行政复议、行政诉讼情况",
    ],
    &[
        "存在的主要问题及改进情况",
        "存在的主要问题和改进情况",
        "存在的主要问题及改进措施",
        "存在的问题及改进情况",
        "主要问题及改进情况",
    ],
    &["其他需要报告的事项", "其他需要报告事项", "其他事项"],
];

/// Words a short standalone heading must contain to count as standard section `n`.
const SECTION_KEYWORDS: [&[&str]; 6] =
    [&["总体情况", "概述", "基本情况"], &["主动公开"], &["申请"], &["复议", "诉讼"], &["问题", "改进"], &["其他"]];

pub fn standard_title(no: u8) -> &'static str {
    SECTION_TITLES[(no - 1) as usize][0]
}

const SECTION_NUMERALS: &str = "一二三四五六";

/// A standard heading starting at the beginning of `s`: its number, and the byte length of
/// numeral, mark and title.
fn heading_at(s: &str) -> Option<(u8, usize)> {
    let c = s.chars().next()?;
    let n = SECTION_NUMERALS.chars().position(|x| x == c)? as u8 + 1;
    let after = &s[c.len_utf8()..];
    let t = after.trim_start_matches(' ');
    let t2 = t.strip_prefix(['、', '.', '．'])?.trim_start_matches(' ');
    let title = SECTION_TITLES[n as usize - 1].iter().filter(|v| t2.starts_with(**v)).max_by_key(|v| v.len())?;
    Some((n, s.len() - t2.len() + title.len()))
}

/// Splits lines that carry standard headings in their middle (pages flattened to one line).
pub fn split_inline_headings(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Item::Text { line, level, align, source } = &item else {
            out.push(item);
            continue;
        };
        let text = &line.key;
        let mut cuts: Vec<(usize, usize, Option<u8>)> = Vec::new();
        let mut from = 0;
        let mut prev: Option<char> = None;
        let mut chars = text.char_indices();
        while let Some((i, c)) = chars.next() {
            let boundary = prev.is_none_or(|p| matches!(p, ' ' | '。' | ';' | '；' | ':' | '：' | '|'));
            prev = Some(c);
            if !boundary || !matches!(c, '一'..='六') || !SECTION_NUMERALS.contains(c) || i < from {
                continue;
            }
            if let Some((n, len)) = heading_at(&text[i..]) {
                cuts.push((from, i, None));
                cuts.push((i, i + len, Some(n)));
                from = i + len;
                prev = None;
                while chars.as_str().len() > text.len() - from {
                    chars.next();
                }
            }
        }
        if cuts.is_empty() {
            out.push(item);
            continue;
        }
        cuts.push((from, text.len(), None));
        let last = cuts.len() - 1;
        let parts = line.ranges(&cuts.iter().map(|c| (c.0, c.1)).collect::<Vec<_>>());
        for (k, ((_, _, sec), part)) in cuts.into_iter().zip(parts).enumerate() {
            match sec {
                Some(n) => out.push(Item::Section(n, part)),
                None => {
                    let t = if k == last {
                        part.trimmed(|t| t.trim_start_matches([':', '：', '。']).trim())
                    } else {
                        part.trimmed(str::trim)
                    };
                    if !t.key.is_empty() {
                        out.push(Item::Text { line: t, level: *level, align: *align, source: source.clone() });
                    }
                }
            }
        }
    }
    out
}

/// Turns standalone lines like `三、收到和处理政府信息公开申请情况` into section headings, in
/// increasing order only.
pub fn mark_section_headings(items: Vec<Item>) -> Vec<Item> {
    let mut last = 0u8;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match &item {
            Item::Section(n, _) if *n > last => {
                last = *n;
                out.push(item);
            }
            Item::Section(_, line) => {
                out.push(Item::Text { line: line.clone(), level: None, align: Align::Justify, source: None })
            }
            Item::Text { line, level, align, source } => match standalone_heading(&line.key) {
                Some((n, rest)) if n > last => {
                    last = n;
                    let start = rest.as_ptr() as usize - line.key.as_ptr() as usize;
                    out.push(Item::Section(n, line.trimmed(|k| k[..start].trim())));
                    if !rest.is_empty() {
                        out.push(Item::Text {
                            line: line.part(rest),
                            level: *level,
                            align: *align,
                            source: source.clone(),
                        });
                    }
                }
                _ => out.push(item),
            },
            _ => out.push(item),
        }
    }
    out
}

/// A line that is a standard heading: its number, and any text printed after the title (a
/// slice of the line, empty at its end if there is none).
fn standalone_heading(text: &str) -> Option<(u8, &str)> {
    let (n, rest) = leading_numeral(text)?;
    if !(1..=6).contains(&n) {
        return None;
    }
    let c = core(rest);
    for v in SECTION_TITLES[n as usize - 1] {
        let vc = core(v);
        if c.starts_with(&vc) {
            // Text printed after the title on the same line stays as a paragraph.
            let after = after_core_prefix(rest, vc.chars().count());
            return Some((n, after.trim_start_matches([':', '：', '。', ' ']).trim()));
        }
    }
    let short = rest.chars().count() <= 24 && !rest.contains('。');
    (short && SECTION_KEYWORDS[n as usize - 1].iter().any(|k| c.contains(k))).then(|| (n, &text[text.len()..]))
}

/// The part of `s` after its first `n` core characters (Han, letters, digits).
fn after_core_prefix(s: &str, n: usize) -> &str {
    let mut seen = 0;
    for (i, ch) in s.char_indices() {
        if seen == n {
            return &s[i..];
        }
        if is_han(ch) || ch.is_alphanumeric() {
            seen += 1;
        }
    }
    &s[s.len()..]
}

/// A freeform heading: `一、加强领导,…` standing alone, or the first words of a line before a
/// space. Returns the heading (without its number) and the rest of the line, slices of it.
fn freeform_heading(text: &str, level: Option<u8>) -> Option<(&str, &str)> {
    let end = &text[text.len()..];
    if level.is_some_and(|l| l >= 2) && text.chars().count() <= 40 {
        return Some((strip_numbering(text).trim(), end));
    }
    let (n, rest) = leading_numeral(text)?;
    if n > 10 {
        return None;
    }
    if rest.chars().count() <= 40 && !rest.contains('。') {
        return Some((rest.trim(), end));
    }
    let (head, tail) = rest.split_once(' ')?;
    (head.chars().count() <= 30 && !head.contains('。')).then(|| (head, tail.trim()))
}

/// `第二十条第（一）项`: a caption of the active-disclosure table (as the layouts print them),
/// left on a line of its own where a copy kept the table's rows apart from it (a browser copy
/// of a one-cell row).
fn is_ad_caption(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    nianbao_report::layout::ACTIVE_DISCLOSURE_2021
        .iter()
        .chain(nianbao_report::layout::ACTIVE_DISCLOSURE_2019)
        .any(|g| g.caption == t)
}

/// Splits the items into sections and drops chrome. `consumed` marks the lines that the tables
/// took (flat runs of cells).
pub fn sections(
    items: &[Item],
    consumed: &[bool],
    body_start: usize,
    standard: bool,
    props: &mut Props,
) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut cur = Section { no: Some(0), title: String::new(), paragraphs: Vec::new() };
    let mut ended = false; // past the end of the report: the rest is site chrome
    let last_standard =
        items.iter().filter_map(|i| if let Item::Section(n, _) = i { Some(*n) } else { None }).max().unwrap_or(0);
    for (i, item) in items.iter().enumerate().skip(body_start) {
        if consumed[i] || ended {
            continue;
        }
        match item {
            Item::Section(n, _) if standard => {
                sections.push(std::mem::replace(
                    &mut cur,
                    Section { no: Some(*n), title: standard_title(*n).to_string(), paragraphs: Vec::new() },
                ));
            }
            Item::Section(_, line) => freeform_line(line, None, &mut sections, &mut cur),
            Item::Text { line, level, .. } => {
                let text = &line.key;
                if is_folio(text) || is_ad_caption(text) {
                    continue;
                }
                if is_chrome_line(text) {
                    let in_last =
                        cur.no.is_some_and(|n| n >= last_standard.max(5)) || (!standard && !sections.is_empty());
                    ended = in_last && !cur.paragraphs.is_empty();
                    continue;
                }
                if cur.no == Some(0) && sections.is_empty() && is_preamble_chrome(text) {
                    collect_props(text, props);
                    continue;
                }
                if standard {
                    cur.paragraphs.push(line.text.clone());
                } else {
                    freeform_line(line, *level, &mut sections, &mut cur);
                }
            }
            _ => {}
        }
    }
    sections.push(cur);
    // The preamble exists only if it has text.
    sections.retain(|s| s.no != Some(0) || !s.paragraphs.is_empty());
    sections
}

fn freeform_line(line: &Line, level: Option<u8>, sections: &mut Vec<Section>, cur: &mut Section) {
    match freeform_heading(&line.key, level) {
        Some((head, rest)) => {
            let title = line.part(head).text;
            sections.push(std::mem::replace(cur, Section { no: None, title, paragraphs: Vec::new() }));
            if !rest.is_empty() {
                cur.paragraphs.push(line.part(rest).text);
            }
        }
        None => cur.paragraphs.push(line.text.clone()),
    }
}

/// Lines before the first heading that are page furniture: metadata lines, bare dates and
/// index numbers, short captions without a sentence in them.
fn is_preamble_chrome(text: &str) -> bool {
    let t = text.trim();
    if is_prop_line(t) || date_line(t).is_some() || is_index_no(t) {
        return true;
    }
    let n = t.chars().count();
    n < 15 && !t.contains('。') && !t.ends_with([':', '：', ';', '；'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Item {
        Item::Text { line: Line::new(t), level: None, align: Align::Justify, source: None }
    }

    fn shown(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match i {
                Item::Section(n, l) => format!("§{n} {}", l.text),
                Item::Text { line, .. } => line.text.clone(),
                _ => String::new(),
            })
            .collect()
    }

    #[test]
    fn headings_inside_a_flattened_line_are_split_out() {
        let items =
            split_inline_headings(vec![text("前言。一、总体情况 今年，我局。二、主动公开政府信息情况：见下表（略）")]);
        assert_eq!(
            shown(&items),
            ["前言。", "§1 一、总体情况", "今年，我局。", "§2 二、主动公开政府信息情况", "见下表（略）"]
        );
    }

    #[test]
    fn standalone_headings_count_in_increasing_order_only() {
        let items = mark_section_headings(vec![
            text("一、总体情况"),
            text("三、收到和处理政府信息公开申请情况:本年度共收到申请3件"),
            text("二、主动公开"),
        ]);
        assert_eq!(
            shown(&items),
            ["§1 一、总体情况", "§3 三、收到和处理政府信息公开申请情况:", "本年度共收到申请3件", "二、主动公开"],
            "out of order: text"
        );
        let items = mark_section_headings(vec![text("一、总体情况：２０２３年，我局（略）")]);
        assert_eq!(shown(&items), ["§1 一、总体情况：", "２０２３年，我局（略）"]);
    }

    #[test]
    fn sections_drop_chrome_folios_and_end_at_the_footer() {
        let items = vec![
            text("本报告依据《条例》编制。"),
            Item::Section(1, Line::new("一、总体情况")),
            text("今年，我局认真贯彻（略）。"),
            text("— 2 —"),
            Item::Section(6, Line::new("六、其他需要报告的事项")),
            text("无。"),
            text("打印本页 关闭窗口"),
            text("网站地图以后的一切"),
        ];
        let consumed = vec![false; items.len()];
        let s = sections(&items, &consumed, 0, true, &mut Props::new());
        assert_eq!(s.iter().map(|s| s.no).collect::<Vec<_>>(), [Some(0), Some(1), Some(6)]);
        assert_eq!(s[1].paragraphs, ["今年，我局认真贯彻（略）。"], "as printed");
        assert_eq!(s[2].paragraphs, ["无。"]);
    }

    #[test]
    fn freeform_headings_keep_their_words() {
        assert_eq!(freeform_heading("一、加强组织领导", None), Some(("加强组织领导", "")));
        let long = format!("二、强化平台建设 {}", "我局持续推进平台建设。".repeat(5));
        assert_eq!(freeform_heading(&long, None).map(|h| h.0), Some("强化平台建设"));
        let mut sections = Vec::new();
        let mut cur = Section { no: None, title: String::new(), paragraphs: Vec::new() };
        freeform_line(
            &Line::new(
                "三、（一）公开平台 我局，持续推进。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。。",
            ),
            None,
            &mut sections,
            &mut cur,
        );
        assert_eq!(cur.title, "（一）公开平台");
        assert!(cur.paragraphs[0].starts_with("我局，"));
        assert_eq!(freeform_heading("今年以来。", None), None);
    }
}
