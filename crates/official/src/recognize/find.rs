//! Finding the tables: the statistical tables in grids and in flat runs of one cell per line,
//! cut into *records* (some label cells followed by value cells), each given the kind of table
//! it belongs to.
//!
//! A record's last label names its row; earlier labels and header records give context (the
//! group, the layout). Cutting a flat run where a label follows a value re-folds it into rows,
//! because the official layout always prints a row's labels before its numbers.

use crate::labels::{cell_value, core, CellValue};
use crate::recognize::align::{ad_row, app_match};
use crate::recognize::items::{table_texts, Item};
use nianbao_document::{Block, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    ActiveDisclosure,
    Applications,
    ReviewLitigation,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::ActiveDisclosure => "active_disclosure",
            Kind::Applications => "applications",
            Kind::ReviewLitigation => "review_litigation",
        }
    }

    pub fn of_section(no: u8) -> Option<Kind> {
        match no {
            2 => Some(Kind::ActiveDisclosure),
            3 => Some(Kind::Applications),
            4 => Some(Kind::ReviewLitigation),
            _ => None,
        }
    }
}

/// Labels followed by values.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub labels: Vec<String>,
    /// Raw text and what it holds.
    pub values: Vec<(String, CellValue)>,
}

impl Record {
    pub fn has_number_or_mark(&self) -> bool {
        self.values.iter().any(|(_, v)| !matches!(v, CellValue::Null(None)))
    }
}

/// Cuts cells into records. Blank cells between labels (positions covered by a merged label)
/// are dropped; a label after a number or marker starts a new record.
pub fn records(cells: impl IntoIterator<Item = String>) -> Vec<Record> {
    let mut out = Vec::new();
    let mut cur = Record::default();
    for text in cells {
        let v = cell_value(&text);
        match v {
            CellValue::Text => {
                if cur.has_number_or_mark() {
                    out.push(std::mem::take(&mut cur));
                } else if !cur.labels.is_empty() || !cur.values.is_empty() {
                    cur.values.clear();
                }
                cur.labels.push(text);
            }
            _ => cur.values.push((text, v)),
        }
    }
    if !cur.labels.is_empty() || !cur.values.is_empty() {
        out.push(cur);
    }
    out
}

// ---- what a label says about the table it belongs to

const AD_MARKERS: &[&str] = &["第二十条", "信息内容", "主动公开政府信息情况"];
const APP_MARKERS: &[&str] =
    &["申请人情况", "自然人", "本列数据的勾稽关系", "法人或其他组织", "收到和处理政府信息公开申请", "本年度办理结果"];
const RL_MARKERS: &[&str] =
    &["行政复议", "行政诉讼", "结果维持", "结果纠正", "尚未审结", "未经复议直接起诉", "复议后起诉"];

pub const HEADERS_2021: &[&str] =
    &["本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "行政规范性文件"];
pub const HEADERS_2019: &[&str] = &[
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增减",
    "处理决定数量",
    "采购项目数量",
    "采购总金额",
    "规范性文件",
    "其他对外管理服务事项",
    "政府集中采购",
];

/// Votes of one label for each kind. Every label is asked about more than once (to tell a
/// statistical table, then to follow its records), so the answers are remembered.
fn votes(label: &str) -> [u32; 3] {
    thread_local! {
        static SEEN: std::cell::RefCell<std::collections::HashMap<String, [u32; 3]>> = Default::default();
    }
    if let Some(v) = SEEN.with(|s| s.borrow().get(label).copied()) {
        return v;
    }
    let v = count_votes(label);
    SEEN.with(|s| {
        let mut s = s.borrow_mut();
        // Bounded: a batch of many documents must not grow it without end.
        if s.len() > 50_000 {
            s.clear();
        }
        s.insert(label.to_string(), v);
    });
    v
}

fn count_votes(label: &str) -> [u32; 3] {
    let c = core(label);
    if c.is_empty() {
        return [0; 3];
    }
    let mut v = [0u32; 3];
    if AD_MARKERS.iter().any(|m| c.contains(m))
        || ad_row(&c).is_some()
        || HEADERS_2021.contains(&c.as_str())
        || HEADERS_2019.contains(&c.as_str())
    {
        v[0] += 1;
    }
    // 总计 and 其他 are column headers as much as row labels: they do not point at the table.
    if APP_MARKERS.iter().any(|m| c.contains(m)) || app_match(&c, label, None).is_some_and(|(_, n)| n >= 4) {
        v[1] += 1;
    }
    if RL_MARKERS.iter().any(|m| c.contains(m)) {
        v[2] += 1;
    }
    v
}

/// The kind most labels point at, if any.
pub fn kind_of<'a>(labels: impl IntoIterator<Item = &'a String>) -> Option<Kind> {
    let mut total = [0u32; 3];
    for l in labels {
        for (t, v) in total.iter_mut().zip(votes(l)) {
            *t += v;
        }
    }
    let best = (0..3).max_by_key(|&i| (total[i], std::cmp::Reverse(i)))?;
    if total[best] == 0 {
        return None;
    }
    Some([Kind::ActiveDisclosure, Kind::Applications, Kind::ReviewLitigation][best])
}

/// How many labels of a table's cells are known labels of any kind: tells statistical tables
/// from layout tables and metadata boxes.
pub fn known_labels<'a>(labels: impl IntoIterator<Item = &'a String>) -> usize {
    labels.into_iter().filter(|l| votes(l).iter().any(|v| *v > 0)).count()
}

// ---- walking the items

/// What the tables took from the items.
pub struct Found {
    /// Records of the three tables, from grids and from flat runs of cells, in document order.
    pub records: Vec<(Kind, Record)>,
    /// Items that were cells of a flat run, not text.
    pub consumed: Vec<bool>,
}

pub fn tables(doc: &Document, items: &[Item], notes: &mut Vec<String>) -> Found {
    let mut out = Vec::new();
    let mut consumed = vec![false; items.len()];
    let mut section = 0u8;
    let mut current: Option<Kind> = None;
    let runs = Runs::new(items);
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Section(n, _) => {
                section = *n;
                current = None;
            }
            Item::Table(b) => {
                let Block::Table(t) = &doc.blocks[*b] else { unreachable!("items point at tables") };
                let cells = table_texts(t);
                let recs: Vec<Record> = cells.into_iter().flat_map(records).collect();
                let kind = assign(&recs, section, &mut current, &mut out);
                notes.push(format!(
                    "block {b}: table of {} rows read as {}",
                    t.rows.len(),
                    kind.map_or("(unknown)", |k| k.key())
                ));
            }
            Item::Image(alt) => {
                let what = Kind::of_section(section)
                    .map_or(String::new(), |k| format!(" in the {} section, where its table would be", k.key()));
                notes.push(format!(
                    "an image{what}{}: numbers cannot be read from images",
                    if alt.is_empty() { String::new() } else { format!(" (“{alt}”)") }
                ));
            }
            Item::Text { .. } => {
                if let Some(end) = runs.from(items, i) {
                    let cells: Vec<String> = (i..=end).filter_map(|k| items[k].text().map(str::to_string)).collect();
                    let n = cells.len();
                    let recs = records(cells);
                    let kind = assign(&recs, section, &mut current, &mut out);
                    notes.push(format!(
                        "{n} one-cell lines re-folded into {} rows of {}",
                        recs.len(),
                        kind.map_or("(unknown)", |k| k.key())
                    ));
                    for c in &mut consumed[i..=end] {
                        *c = true;
                    }
                    i = end + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    Found { records: out, consumed }
}

/// Gives each record its table: the kind its labels point at, else the running one, else the
/// section's.
fn assign(recs: &[Record], section: u8, current: &mut Option<Kind>, out: &mut Vec<(Kind, Record)>) -> Option<Kind> {
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

/// Where a run of one-cell lines starting at each item would end: a run starts with a known
/// table label, goes on over numbers, markers and short lines, and ends at its last number.
/// Worked out for every item at once, backwards, so that a document of ten thousand labels and
/// no numbers costs ten thousand steps, not a scan to its end from each of them.
struct Runs {
    /// The last number or marker of the lines from here to the first line a run cannot hold.
    last_value: Vec<Option<usize>>,
    /// How many numbers and markers those lines hold.
    values: Vec<u32>,
}

impl Runs {
    fn new(items: &[Item]) -> Runs {
        let n = items.len();
        let mut last_value = vec![None; n + 1];
        let mut values = vec![0; n + 1];
        for k in (0..n).rev() {
            let Some(t) = items[k].text() else { continue };
            match cell_value(t) {
                CellValue::Number(_) | CellValue::Null(Some(_)) => {
                    last_value[k] = last_value[k + 1].or(Some(k));
                    values[k] = values[k + 1] + 1;
                }
                _ if t.chars().count() <= 60 && !t.contains('。') => {
                    last_value[k] = last_value[k + 1];
                    values[k] = values[k + 1];
                }
                _ => {}
            }
        }
        Runs { last_value, values }
    }

    /// The index of the last line of the run starting at `i`, if one does.
    fn from(&self, items: &[Item], i: usize) -> Option<usize> {
        let first = items[i].text()?;
        if first.chars().count() > 60 || kind_of(std::iter::once(&first.to_string())).is_none() {
            return None;
        }
        self.last_value[i].filter(|_| self.values[i] >= 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(cells: &[&str]) -> Vec<Record> {
        records(cells.iter().map(|s| s.to_string()))
    }

    #[test]
    fn a_flat_run_is_cut_into_records_where_a_label_follows_a_value() {
        let r = recs(&[
            "第二十条第(一)项",
            "信息内容",
            "本年制发件数",
            "规章",
            "0",
            "0",
            "0",
            "行政规范性文件",
            "2",
            "1",
            "3",
        ]);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].labels.last().map(String::as_str), Some("规章"));
        assert_eq!(r[1].labels, ["行政规范性文件"]);
        assert_eq!(r[1].values.len(), 3);
    }

    #[test]
    fn kinds_from_labels() {
        let l = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(kind_of(&l(&["行政复议", "行政诉讼"])), Some(Kind::ReviewLitigation));
        assert_eq!(kind_of(&l(&["(本列数据的勾稽关系为:…)", "申请人情况"])), Some(Kind::Applications));
        assert_eq!(kind_of(&l(&["第二十条第(一)项"])), Some(Kind::ActiveDisclosure));
        assert_eq!(kind_of(&l(&["2.重复申请"])), Some(Kind::Applications));
        assert_eq!(kind_of(&l(&["索引号:", "发布机构:"])), None);
    }

    #[test]
    fn flat_runs_start_at_a_label_and_end_at_the_last_number() {
        let text = |t: &str| Item::Text {
            line: crate::recognize::items::Line::new(t),
            level: None,
            align: Default::default(),
        };
        let items: Vec<Item> = ["前言。", "行政复议", "结果维持", "0", "1", "2", "尚未审结", "本年度无其他事项。"]
            .iter()
            .map(|t| text(t))
            .collect();
        let runs = Runs::new(&items);
        assert_eq!(runs.from(&items, 0), None);
        assert_eq!(runs.from(&items, 1), Some(5));
        assert_eq!(runs.from(&items, 6), None, "a label without numbers after it");
    }
}
