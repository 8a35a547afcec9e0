//! Finding the tables: the statistical tables in grids and in flat runs of one cell per line,
//! cut into *records* (some label cells followed by value cells), each given the kind of table
//! it belongs to.
//!
//! A record's last label names its row; earlier labels and header records give context (the
//! group, the layout). Cutting a flat run where a label follows a value re-folds it into rows,
//! because the official layout always prints a row's labels before its numbers.

use crate::labels::{cell_value, core, looks_numeric, CellValue};
use crate::recognize::align::{ad_row, app_match};
use crate::recognize::items::{Item, Line};
use nianbao_chinese::is_folio;
use nianbao_document::{Block, Document, Source, Table};

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

/// A cell of a statistical table: its text as printed, the key it is matched by, what it holds
/// and where it was printed.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub text: String,
    pub key: String,
    pub value: CellValue,
    pub source: Option<Source>,
    /// Row and index of the cell in its table's `rows`, for a cell of a grid.
    pub at: Option<(usize, usize)>,
    /// The grid columns it covers (start, end), for a cell of a grid.
    pub cols: Option<(usize, usize)>,
}

impl Piece {
    pub fn new(printed: &str, source: Option<Source>) -> Piece {
        let line = Line::new(printed.trim());
        let value = cell_value(&line.key);
        Piece { text: line.text, key: line.key, value, source, at: None, cols: None }
    }
}

/// Labels followed by values.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub labels: Vec<Piece>,
    pub values: Vec<Piece>,
    /// The last label is one merged cell printed beside several rows (block, row, index of the
    /// cell): the records under it share it.
    pub shared: Option<(usize, usize, usize)>,
    /// Cut from a flat run of one cell per line, where a long label may be wrapped over lines.
    pub flat: bool,
    /// A grid row that ends before the grid does: the cells it lacks are blank.
    pub ragged: bool,
    /// The block of the grid it is a row of.
    pub block: Option<usize>,
}

impl Record {
    pub fn has_number_or_mark(&self) -> bool {
        self.values.iter().any(|p| !matches!(p.value, CellValue::Null(None)))
    }

    /// The keys of the labels.
    pub fn label_keys(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|p| p.key.as_str())
    }

    /// The label that names the row: the last one.
    pub fn label(&self) -> Option<&Piece> {
        self.labels.last()
    }
}

/// Cuts cells into records. Blank cells between labels (positions covered by a merged label)
/// are dropped; a label after a number or marker starts a new record. A figure that is no
/// number (`约3`) among a row's values is one of them, an unsure one.
pub fn records(cells: impl IntoIterator<Item = Piece>) -> Vec<Record> {
    let mut out = Vec::new();
    let mut cur = Record::default();
    for mut p in cells {
        match p.value {
            CellValue::Text if cur.has_number_or_mark() && looks_numeric(&p.key) => {
                p.value = CellValue::Odd;
                cur.values.push(p);
            }
            CellValue::Text => {
                if cur.has_number_or_mark() {
                    out.push(std::mem::take(&mut cur));
                } else if !cur.labels.is_empty() || !cur.values.is_empty() {
                    cur.values.clear();
                }
                cur.labels.push(p);
            }
            _ => cur.values.push(p),
        }
    }
    if !cur.labels.is_empty() || !cur.values.is_empty() {
        out.push(cur);
    }
    out
}

/// The records of a grid, row by row. A row whose label cell is covered by a label merged
/// down from the row above gets that label, marked shared in both rows; a row that stops
/// short of the grid's width is ragged.
pub fn grid_records(t: &Table, block: usize) -> Vec<Record> {
    let grid = t.grid();
    let mut out: Vec<Record> = Vec::new();
    // The record whose last label is the cell at (row, index).
    let mut named_by: std::collections::HashMap<(usize, usize), usize> = Default::default();
    for (r, row) in t.rows.iter().enumerate() {
        let slots = grid.slots.get(r).map(Vec::as_slice).unwrap_or_default();
        let start = |i: usize| slots.iter().position(|s| s.is_some_and(|s| s.row == r && s.index == i));
        let pieces = row.iter().enumerate().map(|(i, c)| Piece {
            at: Some((r, i)),
            cols: start(i).map(|c0| (c0, c0 + c.colspan.max(1) as usize)),
            ..Piece::new(&c.text, c.source.clone())
        });
        let mut recs = records(pieces);
        let ragged = slots.last().is_some_and(Option::is_none);
        if let Some(first) = recs.first_mut().filter(|f| f.labels.is_empty() && !f.values.is_empty()) {
            let c0 = slots.iter().position(|s| s.is_some_and(|s| s.row == r));
            let covering = c0.and_then(|c| c.checked_sub(1)).and_then(|c| slots[c]).filter(|s| s.row < r);
            if let Some(s) = covering {
                let cell = &t.rows[s.row][s.index];
                if let Some(&k) = named_by.get(&(s.row, s.index)).filter(|_| cell.rowspan > 1) {
                    let id = Some((block, s.row, s.index));
                    out[k].shared = id;
                    first
                        .labels
                        .push(Piece { at: Some((s.row, s.index)), ..Piece::new(&cell.text, cell.source.clone()) });
                    first.shared = id;
                }
            }
        }
        for mut rec in recs {
            rec.ragged = ragged;
            rec.block = Some(block);
            if let Some(at) = rec.label().and_then(|l| l.at) {
                named_by.insert(at, out.len());
            }
            out.push(rec);
        }
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
    if APP_MARKERS.iter().any(|m| c.contains(m)) || app_match(&c, label, None).is_some_and(|(_, n, _)| n >= 4) {
        v[1] += 1;
    }
    if RL_MARKERS.iter().any(|m| c.contains(m)) {
        v[2] += 1;
    }
    v
}

/// The kind most labels point at, if any.
pub fn kind_of<S: AsRef<str>>(labels: impl IntoIterator<Item = S>) -> Option<Kind> {
    let mut total = [0u32; 3];
    for l in labels {
        for (t, v) in total.iter_mut().zip(votes(l.as_ref())) {
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
pub fn known_labels<S: AsRef<str>>(labels: impl IntoIterator<Item = S>) -> usize {
    labels.into_iter().filter(|l| votes(l.as_ref()).iter().any(|v| *v > 0)).count()
}

// ---- walking the items

/// What the tables took from the items.
pub struct Found {
    /// Records of the three tables, from grids and from flat runs of cells, in document order.
    pub records: Vec<(Kind, Record)>,
    /// Items that were cells of a flat run, not text.
    pub consumed: Vec<bool>,
    /// Where the document shows a table of a kind (a grid or a run of its labels, an image in
    /// its section): if no table comes of it, recognition failed.
    pub evidence: Vec<(Kind, String)>,
}

pub fn tables(doc: &Document, items: &[Item], notes: &mut Vec<String>) -> Found {
    let mut out = Vec::new();
    let mut evidence = Vec::new();
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
                let recs = grid_records(t, *b);
                let kinds = assign(&recs, section, &mut current, &mut out);
                let what = format!("block {b}: a table of {} rows", t.rows.len());
                evidence.extend(kinds.iter().map(|k| (*k, what.clone())));
                notes.push(format!("{what} read as {}", names(&kinds)));
            }
            Item::Image(alt) => {
                let kind = Kind::of_section(section);
                let what =
                    kind.map_or(String::new(), |k| format!(" in the {} section, where its table would be", k.key()));
                let alt = if alt.is_empty() { String::new() } else { format!(" (“{alt}”)") };
                notes.push(format!("an image{what}{alt}: numbers cannot be read from images"));
                evidence.extend(kind.map(|k| (k, format!("an image{alt} in its section"))));
            }
            Item::Text { .. } => {
                if let Some(end) = runs.from(items, i) {
                    // Page numbers left between a table's lines are no cells of it.
                    let cells = (i..=end).filter_map(|k| match &items[k] {
                        Item::Text { line, source, .. } if !is_folio(&line.key) => {
                            Some(Piece::new(&line.text, source.clone()))
                        }
                        _ => None,
                    });
                    let mut recs = records(cells);
                    recs.iter_mut().for_each(|r| r.flat = true);
                    let kinds = assign(&recs, section, &mut current, &mut out);
                    let what = format!("{} one-cell lines", end + 1 - i);
                    evidence.extend(kinds.iter().map(|k| (*k, what.clone())));
                    notes.push(format!("{what} re-folded into {} rows of {}", recs.len(), names(&kinds)));
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
    Found { records: out, consumed, evidence }
}

fn names(kinds: &[Kind]) -> String {
    if kinds.is_empty() {
        return "(unknown)".into();
    }
    kinds.iter().map(|k| k.key()).collect::<Vec<_>>().join(" and ")
}

/// Gives each record its table: the kind its labels point at, else the running one, else the
/// section's. Returns the kinds given, in order.
fn assign(recs: &[Record], section: u8, current: &mut Option<Kind>, out: &mut Vec<(Kind, Record)>) -> Vec<Kind> {
    let mut kinds = Vec::new();
    for r in recs {
        if let Some(k) = kind_of(r.label_keys()) {
            *current = Some(k);
        }
        let Some(k) = current.or_else(|| Kind::of_section(section)) else { continue };
        if !kinds.contains(&k) {
            kinds.push(k);
        }
        out.push((k, r.clone()));
    }
    kinds
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
            // A long line is no cell: not worth reading as a number.
            if t.len() > 240 {
                continue;
            }
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
        if first.chars().count() > 60 || kind_of([first]).is_none() {
            return None;
        }
        self.last_value[i].filter(|_| self.values[i] >= 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs(cells: &[&str]) -> Vec<Record> {
        records(cells.iter().map(|s| Piece::new(s, None)))
    }

    fn keys(r: &Record) -> Vec<&str> {
        r.label_keys().collect()
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
        assert_eq!(r[0].label().map(|l| l.key.as_str()), Some("规章"));
        assert_eq!(keys(&r[1]), ["行政规范性文件"]);
        assert_eq!(r[1].values.len(), 3);
        // A figure that is no number stays among the values; one before any value is a label.
        let r = recs(&["1.属于国家秘密", "0", "约3", "0", "2.其他", "3件"]);
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].values.iter().map(|v| &v.value).collect::<Vec<_>>(),
            [&CellValue::Number(0.0), &CellValue::Odd, &CellValue::Number(0.0)]
        );
        assert_eq!(r[1].values[0].value, CellValue::Number(3.0));
    }

    #[test]
    fn a_label_merged_over_two_rows_names_both() {
        use nianbao_document::Cell;
        let t = Table {
            rows: vec![
                vec![
                    Cell::span("(六)其他处理", 3, 1),
                    Cell::span("1.申请人逾期不补正", 2, 1),
                    Cell::new("1"),
                    Cell::new("2"),
                ],
                vec![Cell::new("3"), Cell::new("4")],
                vec![Cell::new("3.其他"), Cell::new("5")],
            ],
            ..Table::default()
        };
        let r = grid_records(&t, 7);
        assert_eq!(r.len(), 3);
        assert_eq!(keys(&r[1]), ["1.申请人逾期不补正"]);
        assert_eq!(r[0].shared, Some((7, 0, 1)));
        assert_eq!(r[1].shared, Some((7, 0, 1)));
        assert_eq!(r[2].shared, None, "a caption over rows is no shared label");
        assert!(r[2].ragged, "the last row stops one cell short");
        assert!(!r[0].ragged);
    }

    #[test]
    fn kinds_from_labels() {
        assert_eq!(kind_of(["行政复议", "行政诉讼"]), Some(Kind::ReviewLitigation));
        assert_eq!(kind_of(["(本列数据的勾稽关系为:…)", "申请人情况"]), Some(Kind::Applications));
        assert_eq!(kind_of(["第二十条第(一)项"]), Some(Kind::ActiveDisclosure));
        assert_eq!(kind_of(["2.重复申请"]), Some(Kind::Applications));
        assert_eq!(kind_of(["索引号:", "发布机构:"]), None);
    }

    #[test]
    fn flat_runs_start_at_a_label_and_end_at_the_last_number() {
        let text = |t: &str| Item::Text {
            line: crate::recognize::items::Line::new(t),
            level: None,
            align: Default::default(),
            source: None,
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
