//! The first pass: a Document's blocks as one list of items (lines of text, statistical tables,
//! images), with the metadata found on the way (a format's properties, metadata boxes,
//! `索引号:…` lines) set aside as properties.

use crate::labels::{cell_value, CellValue};
use crate::recognize::find::known_labels;
use nianbao_chinese::{date_line, fold_width, is_index_no};
use nianbao_document::{Align, Block, Document, Source, Table};

/// A line of text as printed, and the key it is matched by: the same characters with
/// full-width forms folded (`（一）２０２１年，` → `(一)2021年,`). Recognition reads the key and
/// keeps the printed text, so a report keeps its own punctuation. Folding maps one character to
/// one, so a part of the key is a part of the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub key: String,
    pub text: String,
}

impl Line {
    pub fn new(printed: &str) -> Line {
        // Zero-width characters are the only ones folding drops: gone from both, the two stay
        // character for character.
        let text: String = if printed.contains(['\u{200B}', '\u{FEFF}']) {
            printed.chars().filter(|c| !matches!(c, '\u{200B}' | '\u{FEFF}')).collect()
        } else {
            printed.to_string()
        };
        let key = match fold_width(&text) {
            std::borrow::Cow::Borrowed(_) => text.clone(),
            std::borrow::Cow::Owned(k) => k,
        };
        Line { key, text }
    }

    /// The part of the line whose key is `part`, which must be a slice of `self.key`.
    pub fn part(&self, part: &str) -> Line {
        let start = (part.as_ptr() as usize).wrapping_sub(self.key.as_ptr() as usize);
        assert!(start <= self.key.len() && start + part.len() <= self.key.len(), "a part of the key");
        self.range(start, start + part.len())
    }

    /// The part of the line between two byte offsets of its key.
    pub fn range(&self, a: usize, b: usize) -> Line {
        let key = self.key[a..b].to_string();
        if self.key.len() == self.text.len() {
            // Nothing was folded: the key is the text.
            return Line { text: key.clone(), key };
        }
        let skip = self.key[..a].chars().count();
        let take = key.chars().count();
        let mut idx = self.text.char_indices().map(|(i, _)| i).chain(std::iter::once(self.text.len()));
        let ta = idx.nth(skip).unwrap_or(self.text.len());
        let tb = if take == 0 { ta } else { idx.nth(take - 1).unwrap_or(self.text.len()) };
        Line { key, text: self.text[ta..tb].to_string() }
    }

    /// Several parts at once, given as increasing, non-overlapping byte ranges of the key: one
    /// walk along the line, however many parts a long line is cut into.
    pub fn ranges(&self, ranges: &[(usize, usize)]) -> Vec<Line> {
        if self.key.len() == self.text.len() {
            return ranges
                .iter()
                .map(|&(a, b)| Line { key: self.key[a..b].into(), text: self.text[a..b].into() })
                .collect();
        }
        let (mut kc, mut tc) = (self.key.chars(), self.text.chars());
        let (mut kb, mut tb) = (0, 0);
        let mut to = |target: usize| {
            while kb < target {
                kb += kc.next().map_or(1, char::len_utf8);
                tb += tc.next().map_or(0, char::len_utf8);
            }
            tb
        };
        ranges
            .iter()
            .map(|&(a, b)| {
                let ta = to(a);
                let tb = to(b);
                Line { key: self.key[a..b].into(), text: self.text[ta..tb].into() }
            })
            .collect()
    }

    /// The line trimmed as `f` trims its key.
    pub fn trimmed(&self, f: impl FnOnce(&str) -> &str) -> Line {
        self.part(f(&self.key))
    }

    /// Two lines as one.
    pub fn join(&self, other: &Line) -> Line {
        Line { key: format!("{}{}", self.key, other.key), text: format!("{}{}", self.text, other.text) }
    }
}

#[derive(Debug, Clone)]
pub enum Item {
    Text {
        line: Line,
        level: Option<u8>,
        align: Align,
        /// Where the block of the line was printed.
        source: Option<Source>,
    },
    /// A standard section heading, found standalone or inside a longer line, and its text as
    /// printed (used when the report turns out to be freeform after all).
    Section(u8, Line),
    /// A statistical table: the index of its block.
    Table(usize),
    Image(String),
}

impl Item {
    /// The key of a line of text.
    pub fn text(&self) -> Option<&str> {
        match self {
            Item::Text { line, .. } => Some(&line.key),
            _ => None,
        }
    }
}

/// Label/value pairs from the document's metadata, metadata boxes and `标签:值` lines.
pub type Props = Vec<(String, String)>;

/// A table's cells, folded for matching.
pub fn table_texts(t: &Table) -> Vec<Vec<String>> {
    t.rows.iter().map(|r| r.iter().map(|c| fold_width(c.text.trim()).into_owned()).collect()).collect()
}

pub fn items(doc: &Document, props: &mut Props, notes: &mut Vec<String>) -> Vec<Item> {
    let mut out = Vec::new();
    let push_lines = |out: &mut Vec<Item>, text: &str, level: Option<u8>, align: Align, source: &Option<Source>| {
        for line in text.split('\n') {
            let line = collapse(line);
            if !line.is_empty() {
                out.push(Item::Text { line: Line::new(&line), level, align, source: source.clone() });
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
            Block::Heading { level, text, source } => push_lines(&mut out, text, Some(*level), Align::Justify, source),
            Block::Paragraph { text, align, source } => push_lines(&mut out, text, None, *align, source),
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
                // A note under the table (`注：本表数据…。`) is no sentence of the page.
                let note = |c: &str| c.starts_with("注:") || c.starts_with("备注");
                let prose = labels
                    .iter()
                    .any(|c| !note(c) && (c.chars().count() > 80 || (c.contains('。') && c.chars().count() > 20)));
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
                    for c in t.rows.iter().flatten() {
                        push_lines(&mut out, c.text.trim(), None, Align::Justify, &c.source);
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
pub fn collect_props(text: &str, props: &mut Props) {
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

pub fn is_prop_line(text: &str) -> bool {
    prop_pairs(text).first().is_some_and(|p| p.0 <= '【'.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_document::Cell;

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into(), align: Align::Justify, source: None }
    }

    #[test]
    fn metadata_lines_and_boxes_become_properties() {
        let mut props = Props::new();
        collect_props("索引号:12330703766405351H/2022-115518 发布机构:金东区", &mut props);
        assert_eq!(props[0], ("索引号".to_string(), "12330703766405351H/2022-115518".to_string()));
        assert_eq!(props[1], ("发布机构".to_string(), "金东区".to_string()));
        assert!(is_prop_line("【发布日期:2022-01-11】"));
        assert!(!is_prop_line("本机关发布日期:2022-01-11"));
        let boxed = Table {
            rows: vec![vec![
                Cell::new("索引号:"),
                Cell::new("X/2022-1"),
                Cell::new("发布日期"),
                Cell::new("2022年1月11日"),
            ]],
            ..Table::default()
        };
        let doc = Document { blocks: vec![para("一、总体情况"), Block::Table(boxed)], ..Document::default() };
        let (mut props, mut notes) = (Props::new(), Vec::new());
        let items = items(&doc, &mut props, &mut notes);
        assert_eq!(items.len(), 1, "the box is not text");
        assert!(props.contains(&("发布日期".to_string(), "2022年1月11日".to_string())));
        assert!(notes[0].contains("metadata box"));
    }

    #[test]
    fn a_line_keeps_its_printed_text_beside_its_key() {
        let l = Line::new("2024年，区政府\u{200B}（国令第711号）");
        assert_eq!(l.key, "2024年,区政府(国令第711号)");
        assert_eq!(l.text, "2024年，区政府（国令第711号）");
        let inner = l.key.find("国令").unwrap();
        assert_eq!(l.part(&l.key[inner..inner + "国令".len()]).text, "国令");
        let at = l.key.find('(').unwrap();
        let (head, rest) = (l.range(0, at), l.range(at, l.key.len()));
        assert_eq!((head.text.as_str(), rest.text.as_str()), ("2024年，区政府", "（国令第711号）"));
        assert_eq!(head.join(&rest), l);
        let parts = l.ranges(&[(0, "2024".len()), (l.key.find('(').unwrap(), l.key.len())]);
        assert_eq!(parts[0].text, "2024");
        assert_eq!(parts[1].text, "（国令第711号）");
        assert_eq!(l.trimmed(|k| k.trim_end_matches(')')).text, "2024年，区政府（国令第711号");
    }

    #[test]
    fn paragraphs_are_cut_into_lines_and_tables_with_labels_kept() {
        let table = Table {
            rows: vec![vec![Cell::new("行政复议"), Cell::new("结果维持")], vec![Cell::new("0"), Cell::new("1")]],
            ..Table::default()
        };
        let doc = Document { blocks: vec![para("一行\n  二  行 "), Block::Table(table)], ..Document::default() };
        let items = items(&doc, &mut Props::new(), &mut Vec::new());
        assert_eq!(items[0].text(), Some("一行"));
        let Item::Text { line, .. } = &items[1] else { panic!() };
        assert_eq!(line.text, "二 行");
        assert_eq!(items[1].text(), Some("二 行"));
        assert!(matches!(items[2], Item::Table(1)));
    }
}
