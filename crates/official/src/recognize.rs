//! recognize: Document → Report. Written once for all formats: whatever a reader could recover
//! (headings or plain paragraphs, grids with spans or flat runs of cells) goes through here.

use crate::dates::{date_line, find_date, is_index_no, years};
use crate::labels::{cell_value, core, leading_numeral, strip_numbering, CellValue};
use crate::normalize::{is_han, normalize};
use crate::tables::{self, kind_of, known_labels, Kind, Placement, Record};
use nianbao_chinese::{is_chrome_line, is_folio};
use nianbao_document::{Align, Block, Document, Table};
use nianbao_report::{Layout, Meta, Report, Section, Tables};

/// A report and what recognition noticed on the way (shown by `nianbao inspect`).
#[derive(Debug, Clone)]
pub struct Recognized {
    pub report: Report,
    pub notes: Vec<String>,
}

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

#[derive(Debug, Clone)]
enum Item {
    Text {
        text: String,
        level: Option<u8>,
        align: Align,
    },
    /// A standard section heading, found standalone or inside a longer line, and its text as
    /// printed (used when the report turns out to be freeform after all).
    Section(u8, String),
    Table(usize),
    Image(String),
}

/// Label/value pairs from the document's metadata, metadata boxes and `标签:值` lines.
type Props = Vec<(String, String)>;

pub fn recognize(doc: &Document) -> Recognized {
    let mut doc = doc.clone();
    normalize(&mut doc);
    let mut notes = Vec::new();
    let mut props: Props = doc.meta.iter().map(|p| (p.key.trim().to_string(), p.value.trim().to_string())).collect();

    let items = items(&doc, &mut props, &mut notes);
    let items = split_inline_headings(items);
    let items = mark_section_headings(items);
    let standard = items.iter().filter(|i| matches!(i, Item::Section(..))).count() >= 2;

    // Where the report starts: its title, else the first heading.
    let first_heading = items.iter().position(|i| matches!(i, Item::Section(..)));
    let (title, body_start) = find_title(&items, first_heading.unwrap_or(items.len().min(20)));
    for item in &items[..body_start] {
        if let Item::Text { text, .. } = item {
            collect_props(text, &mut props);
        }
    }

    let mut walker = Walker { items: &items, consumed: vec![false; items.len()], notes: &mut notes };
    let records = walker.table_records(&doc);
    let sections = walker.sections(body_start, standard, &mut props);

    let tables = build_tables(&records, &mut notes);
    let layout =
        tables.applications.as_ref().or(tables.active_disclosure.as_ref()).map_or(Layout::Freeform, |t| t.layout);
    let meta = meta(title.unwrap_or_default(), &sections, &props, layout);
    let mut report = Report::new(meta);
    // A document without any narrative (a spreadsheet of the tables) has no sections.
    if sections.iter().any(|s| !s.paragraphs.is_empty()) {
        report.sections = sections;
    }
    report.tables = tables;
    Recognized { report, notes }
}

// ---- items

fn table_texts(t: &Table) -> Vec<Vec<String>> {
    t.rows.iter().map(|r| r.iter().map(|c| c.text.trim().to_string()).collect()).collect()
}

fn items(doc: &Document, props: &mut Props, notes: &mut Vec<String>) -> Vec<Item> {
    let mut out = Vec::new();
    let push_lines = |out: &mut Vec<Item>, text: &str, level: Option<u8>, align: Align| {
        for line in text.split('\n') {
            let line = collapse(line);
            if !line.is_empty() {
                out.push(Item::Text { text: line, level, align });
            }
        }
    };
    // A heading that repeats a table's name (a spreadsheet's sheet name) captions the table;
    // it is not report text.
    let names: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| if let Block::Table(t) = b { Some(t.name.trim()) } else { None })
        .filter(|n| !n.is_empty())
        .collect();
    for (i, b) in doc.blocks.iter().enumerate() {
        match b {
            Block::Heading { text, .. } if names.contains(&text.trim()) => {}
            Block::Heading { level, text, .. } => push_lines(&mut out, text, Some(*level), Align::Justify),
            Block::Paragraph { text, align, .. } => push_lines(&mut out, text, None, *align),
            Block::Image { alt } => out.push(Item::Image(alt.clone())),
            Block::Table(t) => {
                let cells = table_texts(t);
                if cells.first().is_some_and(|h| h.iter().map(String::as_str).eq(crate::render::DATA_HEADER)) {
                    // The data table a data format carries beside the official tables.
                    notes.push(format!("block {i}: the data table, skipped (the official tables are read)"));
                    continue;
                }
                let labels: Vec<&String> =
                    cells.iter().flatten().filter(|c| cell_value(c) == CellValue::Text).collect();
                // Statistical tables hold labels and numbers; a table with sentences in it is
                // a layout table around the page, whatever headings it contains.
                let prose =
                    labels.iter().any(|c| c.chars().count() > 80 || (c.contains('。') && c.chars().count() > 20));
                if !prose && known_labels(labels.iter().copied()) >= 2 {
                    out.push(Item::Table(i));
                } else {
                    let before = props.len();
                    let mut with_pairs = 0;
                    for row in &cells {
                        let n = props.len();
                        pairs_from_row(row, props);
                        with_pairs += usize::from(props.len() > n);
                    }
                    // Mostly label/value rows: a metadata box (索引号, 发布机构, …), not text.
                    if with_pairs > 0 && with_pairs * 2 >= cells.len() {
                        notes.push(format!("block {i}: a metadata box, {} values", props.len() - before));
                        continue;
                    }
                    // A layout table: its cells are text.
                    if cells.iter().flatten().any(|c| !c.is_empty()) {
                        notes.push(format!(
                            "block {i}: a {}-row table that is not a report table, read as text",
                            cells.len()
                        ));
                    }
                    for c in cells.iter().flatten() {
                        push_lines(&mut out, c, None, Align::Justify);
                    }
                }
            }
        }
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Labels of metadata boxes on web pages and meta sheets, as printed.
const META_LABELS: &[&str] = &[
    "索引号",
    "发布机构",
    "发文机关",
    "发布日期",
    "发文日期",
    "成文日期",
    "公开日期",
    "发布时间",
    "生成日期",
    "时间",
    "日期",
    "来源",
    "信息来源",
    "作者",
    "文号",
    "发文字号",
    "分类",
    "主题分类",
    "体裁分类",
    "组配分类",
    "公开方式",
    "公开范围",
    "公开时限",
    "有效性",
    "标题",
    "名称",
    "报告主体",
    "统计年度",
    "年度",
    "所属机构",
    "信息类别",
    "浏览次数",
    "字号",
    "字体",
    "项目",
    "内容",
];

fn meta_label(s: &str) -> Option<&'static str> {
    let t = s.trim().trim_end_matches([':', '：']).trim();
    let t = t.trim_start_matches('【').trim_end_matches('】');
    META_LABELS.iter().find(|l| **l == t).copied()
}

/// `标签: | 值` pairs in a row of a metadata box or a meta sheet.
fn pairs_from_row(row: &[String], props: &mut Props) {
    let cells: Vec<&String> = row.iter().filter(|c| !c.trim().is_empty()).collect();
    let mut i = 0;
    while i < cells.len() {
        if let Some(label) = meta_label(cells[i]) {
            if let Some(v) = cells.get(i + 1).filter(|v| meta_label(v).is_none()) {
                props.push((label.to_string(), v.trim().to_string()));
                i += 2;
                continue;
            }
        }
        collect_props(cells[i], props);
        i += 1;
    }
}

/// `索引号:X 发布机构:Y` pairs in one line: a known label at the start or after a space or `【`,
/// a colon, and the value up to the next space.
fn prop_pairs(text: &str) -> Vec<(usize, &'static str, &str)> {
    let mut out = Vec::new();
    for label in META_LABELS {
        for (i, _) in text.match_indices(label) {
            if i > 0 && !text[..i].ends_with([' ', '【']) {
                continue;
            }
            let Some(v) = text[i + label.len()..].trim_start_matches(' ').strip_prefix([':', '：']) else { continue };
            let v = v.trim_start_matches(' ');
            let value = &v[..v.find([' ', '【', '】']).unwrap_or(v.len())];
            if !value.is_empty() {
                out.push((i, *label, value));
            }
        }
    }
    out.sort_by_key(|p| p.0);
    out
}

/// Metadata in one line of text; a bare index number or date line counts too.
fn collect_props(text: &str, props: &mut Props) {
    for (_, k, v) in prop_pairs(text) {
        props.push((k.to_string(), v.to_string()));
    }
    let t = text.trim();
    if is_index_no(t) {
        props.push(("索引号".into(), t.to_string()));
    } else if let Some(d) = date_line(t) {
        props.push(("日期".into(), d));
    }
}

fn is_prop_line(text: &str) -> bool {
    prop_pairs(text).first().is_some_and(|p| p.0 <= '【'.len_utf8())
}

// ---- headings

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
fn split_inline_headings(items: Vec<Item>) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Item::Text { text, level, align } = &item else {
            out.push(item);
            continue;
        };
        let mut pieces: Vec<(String, Option<u8>)> = Vec::new();
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
                pieces.push((text[from..i].trim().to_string(), None));
                pieces.push((text[i..i + len].to_string(), Some(n)));
                from = i + len;
                prev = None;
                while chars.as_str().len() > text.len() - from {
                    chars.next();
                }
            }
        }
        if pieces.is_empty() {
            out.push(item);
            continue;
        }
        pieces.push((text[from..].trim_start_matches([':', '：', '。']).trim().to_string(), None));
        for (t, sec) in pieces {
            match sec {
                Some(n) => out.push(Item::Section(n, t)),
                None if !t.is_empty() => out.push(Item::Text { text: t, level: *level, align: *align }),
                None => {}
            }
        }
    }
    out
}

/// Turns standalone lines like `三、收到和处理政府信息公开申请情况` into section headings, in
/// increasing order only.
fn mark_section_headings(items: Vec<Item>) -> Vec<Item> {
    let mut last = 0u8;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match &item {
            Item::Section(n, _) if *n > last => {
                last = *n;
                out.push(item);
            }
            Item::Section(_, text) => out.push(Item::Text { text: text.clone(), level: None, align: Align::Justify }),
            Item::Text { text, level, align } => match standalone_heading(text) {
                Some((n, rest)) if n > last => {
                    last = n;
                    let head = text.strip_suffix(rest.as_str()).unwrap_or(text).trim().to_string();
                    out.push(Item::Section(n, head));
                    if !rest.is_empty() {
                        out.push(Item::Text { text: rest, level: *level, align: *align });
                    }
                }
                _ => out.push(item),
            },
            _ => out.push(item),
        }
    }
    out
}

/// A line that is a standard heading: its number, and any text printed after the title.
fn standalone_heading(text: &str) -> Option<(u8, String)> {
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
            return Some((n, after.trim_start_matches([':', '：', '。', ' ']).trim().to_string()));
        }
    }
    let short = rest.chars().count() <= 24 && !rest.contains('。');
    (short && SECTION_KEYWORDS[n as usize - 1].iter().any(|k| c.contains(k))).then(|| (n, String::new()))
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
    ""
}

/// A freeform heading: `一、加强领导,…` standing alone, or the first words of a line before a
/// space. Returns the heading (without its number) and the rest of the line.
fn freeform_heading(text: &str, level: Option<u8>) -> Option<(String, String)> {
    if level.is_some_and(|l| l >= 2) && text.chars().count() <= 40 {
        return Some((strip_numbering(text).trim().to_string(), String::new()));
    }
    let (n, rest) = leading_numeral(text)?;
    if n > 10 {
        return None;
    }
    if rest.chars().count() <= 40 && !rest.contains('。') {
        return Some((rest.trim().to_string(), String::new()));
    }
    let (head, tail) = rest.split_once(' ')?;
    (head.chars().count() <= 30 && !head.contains('。')).then(|| (head.to_string(), tail.trim().to_string()))
}

// ---- title

fn is_report_title(text: &str) -> bool {
    let n = text.chars().count();
    (6..=90).contains(&n)
        && (text.contains("报告") || text.contains("年报"))
        && !text.contains('。')
        && !text.starts_with('本')
        && !text.starts_with("根据")
        && !text.starts_with("按照")
        && !is_chrome_line(text)
        // `索引号: …/2024-114143 分类: 政府信息公开年报`: a metadata line, however it ends.
        && !is_prop_line(text)
}

/// Finds the title among the items before the first section heading. Returns it and the index
/// where the report body (preamble) starts.
fn find_title(items: &[Item], limit: usize) -> (Option<String>, usize) {
    let texts: Vec<(usize, &str, Option<u8>, Align)> = items[..limit]
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match it {
            Item::Text { text, level, align } => Some((i, text.as_str(), *level, *align)),
            _ => None,
        })
        .collect();
    // A title names its agency or its year; a bare `政府信息公开年报` is a site's column name.
    let names =
        |t: &str| agency_from_title(t).is_some() || t.contains(|c: char| c.is_ascii_digit()) || t.contains('〇');
    // In order: a top heading that names them, any line that does, a top heading, any line.
    let pick = [(true, true), (false, true), (true, false), (false, false)].iter().find_map(|&(top, named)| {
        texts.iter().position(|t| is_report_title(t.1) && (!top || t.2 == Some(1)) && (!named || names(t.1)))
    });
    let titled = |l: Option<u8>, a: Align| l.is_some() || a == Align::Center;
    let Some(k) = pick else {
        // A title broken where neither line is one alone (`…政府信息公开工作` / `年度报告`):
        // two adjacent lines both set as a title.
        return texts
            .windows(2)
            .find(|w| {
                w[0].0 + 1 == w[1].0
                    && titled(w[0].2, w[0].3)
                    && titled(w[1].2, w[1].3)
                    && is_report_title(&format!("{}{}", w[0].1, w[1].1))
            })
            .map_or((None, 0), |w| (Some(format!("{}{}", w[0].1, w[1].1)), w[1].0 + 1));
    };
    let (idx, text, level, align) = texts[k];
    let mut title = text.to_string();
    let mut start = idx + 1;
    // A title printed over two lines (`泉州市安溪县人力资源和社会保障局` / `2025年政府信息公开工作
    // 年度报告`, or broken anywhere by a writer's line balancing): the line above belongs to it
    // when both are set as a title (headings, or centred) and only together do they name the
    // agency. A title that names its agency alone is whole: the line above is a site name.
    if k > 0 {
        let (pi, prev, pl, pa) = texts[k - 1];
        let joined = format!("{prev}{title}");
        // Without styles (a converter dropped them) the line above must be an agency's name
        // and nothing else.
        let bare_agency = prev.chars().count() <= 30 && looks_like_agency(prev.trim());
        if pi + 1 == idx
            && ((titled(pl, pa) && titled(level, align)) || bare_agency)
            && agency_from_title(&title).is_none()
            && agency_from_title(&joined).is_some()
        {
            title = joined;
        }
    }
    if !title.ends_with("报告") {
        if let Some(&(ni, next, _, _)) = texts.get(k + 1) {
            if ni == idx + 1 && next.ends_with("报告") && next.chars().count() <= 30 && !next.contains('。') {
                title.push_str(next);
                start = ni + 1;
            }
        }
    }
    // The title found in a key-value table of properties (a spreadsheet's 报告信息 sheet) is
    // printed again as the first line of the text: up to that line, all is title matter.
    if let Some(&(ni, _, _, _)) = texts.iter().skip(k + 1).find(|t| t.0 >= start && t.1 == title) {
        start = ni + 1;
    }
    (Some(title), start)
}

// ---- chrome

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

// ---- walking the items

struct Walker<'a> {
    items: &'a [Item],
    consumed: Vec<bool>,
    notes: &'a mut Vec<String>,
}

impl Walker<'_> {
    /// Records of the three tables, from grids and from flat runs of cells, in document order.
    fn table_records(&mut self, doc: &Document) -> Vec<(Kind, Record)> {
        let mut out = Vec::new();
        let mut section = 0u8;
        let mut current: Option<Kind> = None;
        let mut i = 0;
        while i < self.items.len() {
            match &self.items[i] {
                Item::Section(n, _) => {
                    section = *n;
                    current = None;
                }
                Item::Table(b) => {
                    let Block::Table(t) = &doc.blocks[*b] else { unreachable!("items point at tables") };
                    let cells = table_texts(t);
                    let recs: Vec<Record> = cells.into_iter().flat_map(tables::records).collect();
                    let kind = self.assign(&recs, section, &mut current, &mut out);
                    self.notes.push(format!(
                        "block {b}: table of {} rows read as {}",
                        t.rows.len(),
                        kind.map_or("(unknown)", |k| k.key())
                    ));
                }
                Item::Image(alt) => {
                    let what = Kind::of_section(section)
                        .map_or(String::new(), |k| format!(" in the {} section, where its table would be", k.key()));
                    self.notes.push(format!(
                        "an image{what}{}: numbers cannot be read from images",
                        if alt.is_empty() { String::new() } else { format!(" (“{alt}”)") }
                    ));
                }
                Item::Text { .. } => {
                    if let Some(end) = self.flat_run(i) {
                        let cells: Vec<String> = (i..=end).filter_map(|k| self.text(k).map(str::to_string)).collect();
                        let n = cells.len();
                        let recs = tables::records(cells);
                        let kind = self.assign(&recs, section, &mut current, &mut out);
                        self.notes.push(format!(
                            "{n} one-cell lines re-folded into {} rows of {}",
                            recs.len(),
                            kind.map_or("(unknown)", |k| k.key())
                        ));
                        for c in &mut self.consumed[i..=end] {
                            *c = true;
                        }
                        i = end + 1;
                        continue;
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// Gives each record its table: the kind its labels point at, else the running one, else the
    /// section's.
    fn assign(
        &mut self,
        recs: &[Record],
        section: u8,
        current: &mut Option<Kind>,
        out: &mut Vec<(Kind, Record)>,
    ) -> Option<Kind> {
        let mut first = None;
        for r in recs {
            if let Some(k) = kind_of(&r.labels) {
                *current = Some(k);
            }
            let Some(k) = current.or_else(|| Kind::of_section(section)) else { continue };
            first.get_or_insert(k);
            out.push((k, r.clone()));
        }
        first
    }

    fn text(&self, i: usize) -> Option<&str> {
        match &self.items[i] {
            Item::Text { text, .. } => Some(text),
            _ => None,
        }
    }

    /// A run of one-cell lines starting at `i`: it starts with a known table label and ends at
    /// its last number. Returns the index of the last line.
    fn flat_run(&self, i: usize) -> Option<usize> {
        let first = self.text(i)?;
        if kind_of(std::iter::once(&first.to_string())).is_none() || first.chars().count() > 60 {
            return None;
        }
        let mut last_value = None;
        let mut numbers = 0;
        let mut k = i;
        while k < self.items.len() {
            let Some(t) = self.text(k) else { break };
            match cell_value(t) {
                CellValue::Number(_) | CellValue::Null(Some(_)) => {
                    numbers += 1;
                    last_value = Some(k);
                }
                _ if t.chars().count() <= 60 && !t.contains('。') => {}
                _ => break,
            }
            k += 1;
        }
        last_value.filter(|_| numbers >= 3)
    }

    /// Splits the items into sections and drops chrome.
    fn sections(&mut self, body_start: usize, standard: bool, props: &mut Props) -> Vec<Section> {
        let mut sections: Vec<Section> = Vec::new();
        let mut cur = Section { no: Some(0), title: String::new(), paragraphs: Vec::new() };
        let mut ended = false; // past the end of the report: the rest is site chrome
        let last_standard = self
            .items
            .iter()
            .filter_map(|i| if let Item::Section(n, _) = i { Some(*n) } else { None })
            .max()
            .unwrap_or(0);
        for (i, item) in self.items.iter().enumerate().skip(body_start) {
            if self.consumed[i] || ended {
                continue;
            }
            match item {
                Item::Section(n, _) if standard => {
                    sections.push(std::mem::replace(
                        &mut cur,
                        Section { no: Some(*n), title: standard_title(*n).to_string(), paragraphs: Vec::new() },
                    ));
                }
                Item::Section(_, text) => self.freeform_line(text, None, &mut sections, &mut cur),
                Item::Text { text, level, .. } => {
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
                        cur.paragraphs.push(text.clone());
                    } else {
                        self.freeform_line(text, *level, &mut sections, &mut cur);
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
}

impl Walker<'_> {
    fn freeform_line(&self, text: &str, level: Option<u8>, sections: &mut Vec<Section>, cur: &mut Section) {
        match freeform_heading(text, level) {
            Some((head, rest)) => {
                sections.push(std::mem::replace(cur, Section { no: None, title: head, paragraphs: Vec::new() }));
                if !rest.is_empty() {
                    cur.paragraphs.push(rest);
                }
            }
            None => cur.paragraphs.push(text.to_string()),
        }
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

// ---- tables

fn build_tables(records: &[(Kind, Record)], notes: &mut Vec<String>) -> Tables {
    let of = |k: Kind| records.iter().filter(|(kind, _)| *kind == k).map(|(_, r)| r.clone()).collect::<Vec<_>>();
    let mut tables = Tables::default();
    let mut report = |k: Kind, layout: Option<Layout>, p: &Placement| {
        let l = layout.map(|l| format!(" ({l})")).unwrap_or_default();
        notes.push(format!("{}{l}: {} rows, {} cells placed", k.key(), p.rows, p.cells));
        for u in &p.unplaced {
            notes.push(format!("{}: {u}", k.key()));
        }
    };
    let ad = of(Kind::ActiveDisclosure);
    if !ad.is_empty() {
        let (t, p) = tables::active_disclosure(&ad);
        report(Kind::ActiveDisclosure, Some(t.layout), &p);
        if p.rows > 0 {
            tables.active_disclosure = Some(t);
        }
    }
    let app = of(Kind::Applications);
    if !app.is_empty() {
        let (t, p) = tables::applications(&app);
        report(Kind::Applications, Some(t.layout), &p);
        if p.rows > 0 {
            tables.applications = Some(t);
        }
    }
    let rl = of(Kind::ReviewLitigation);
    if !rl.is_empty() {
        let (t, p) = tables::review_litigation(&rl);
        report(Kind::ReviewLitigation, None, &p);
        if p.cells > 0 {
            tables.review_litigation = Some(t);
        }
    }
    tables
}

// ---- meta

fn prop<'a>(props: &'a Props, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|l| props.iter().find(|(k, v)| k == l && !v.is_empty()).map(|(_, v)| v.as_str()))
}

const AGENCY_ENDINGS: &[&str] = &[
    "政府",
    "办公室",
    "委员会",
    "局",
    "厅",
    "中心",
    "院",
    "所",
    "处",
    "站",
    "队",
    "委",
    "会",
    "部",
    "署",
    "办",
    "街道",
    "镇",
    "乡",
    "馆",
    "社",
    "司",
    "公司",
    "集团",
    "管委会",
    "园区",
];

fn looks_like_agency(s: &str) -> bool {
    let n = s.chars().count();
    (3..=40).contains(&n)
        && s.chars().all(|c| is_han(c) || "()()".contains(c))
        && AGENCY_ENDINGS.iter().any(|e| s.ends_with(e))
}

/// The reporting body named in a title such as `2019年度浏阳市达浒镇人民政府政府信息公开工作年度报告`
/// or `晋江市龙湖镇人民政府关于2023年政府信息公开工作年度报告`.
pub fn agency_from_title(title: &str) -> Option<String> {
    let t: String = title.chars().filter(|c| !c.is_whitespace() && !"《》".contains(*c)).collect();
    let mut t = t;
    loop {
        let Some((a, b, _)) = years(&t).next() else { break };
        let b = if t[b..].starts_with('度') { b + '度'.len_utf8() } else { b };
        t.replace_range(a..b, "");
    }
    let cut = ["政府信息公开", "政务公开", "信息公开"].iter().filter_map(|k| t.find(k)).min()?;
    let mut a = t[..cut].trim_end_matches("关于").trim_end_matches('的').trim_start_matches("关于").to_string();
    if a.ends_with("人民") {
        a.push_str("政府");
    }
    looks_like_agency(&a).then_some(a)
}

fn meta(title: String, sections: &[Section], props: &Props, layout: Layout) -> Meta {
    let title = if title.is_empty() {
        prop(props, &["标题", "title", "名称"]).filter(|t| is_report_title(t)).unwrap_or_default().to_string()
    } else {
        title
    };
    // The signature: the last paragraphs, an agency over a date.
    let tail: Vec<&String> = sections.last().map(|s| s.paragraphs.iter().rev().take(3).collect()).unwrap_or_default();
    let sig_date = tail.iter().find_map(|p| date_line(p));
    let sig_agency = tail.iter().map(|p| p.trim()).find(|p| looks_like_agency(p)).map(str::to_string);

    let agency =
        prop(props, &["报告主体"]).map(str::to_string).or_else(|| agency_from_title(&title)).or(sig_agency).or_else(
            || prop(props, &["发布机构", "author", "来源"]).filter(|a| looks_like_agency(a)).map(str::to_string),
        );

    let published = sig_date.or_else(|| {
        // Not the format's own `date`: a file's creation date is not when the report was published.
        prop(props, &["发布日期", "发文日期", "成文日期", "公开日期", "发布时间", "时间", "日期", "生成日期"])
            .and_then(|v| find_date(v).map(|d| d.2))
    });

    let year = prop(props, &["统计年度", "年度"])
        .and_then(|v| years(&format!("{v}年")).next().map(|y| y.2))
        .or_else(|| years(&title).next().map(|y| y.2))
        .or_else(|| narrative_year(sections))
        .or_else(|| published.as_ref().and_then(|p| p[..4].parse::<i32>().ok()).map(|y| y - 1));

    let index_no = prop(props, &["索引号"]).map(str::to_string);
    Meta { title, agency, year, published, index_no, layout }
}

/// The year the narrative talks about most (`统计期限自2021年1月1日`, `2021年,我镇…`).
fn narrative_year(sections: &[Section]) -> Option<i32> {
    let mut counts: Vec<(i32, usize)> = Vec::new();
    for p in sections.iter().take(2).flat_map(|s| &s.paragraphs) {
        for (_, _, y) in years(p) {
            match counts.iter_mut().find(|(x, _)| *x == y) {
                Some(e) => e.1 += 1,
                None => counts.push((y, 1)),
            }
        }
    }
    counts.into_iter().max_by_key(|&(y, n)| (n, -y)).map(|(y, _)| y)
}
