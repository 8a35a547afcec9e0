//! Aligning rows: which row of the official template each printed row is.
//!
//! A table's printed rows and its template's rows (in the order `nianbao_report::layout`
//! prints them) are aligned as two sequences, the way diff aligns lines: every pair is scored
//! by its labels (the same label, a known variant, a label cut short, or one alike enough,
//! with its numbering `2.`/`(三)` and the group it sits under as evidence), and the best
//! monotone alignment over the whole table is kept. A printed row left out of it is a note,
//! an extra row or numbers that go unplaced; a template row left out is missing. Typos, lost
//! numbering, missing and extra rows, notes under the table and merged label cells all come
//! out of that one mechanism.

use crate::labels::{core, similarity};
use crate::recognize::find::{Piece, Record, HEADERS_2019, HEADERS_2021};
use nianbao_chinese::{numbering, Numbering};
use nianbao_report::layout::{self, Column, Row};
use nianbao_report::Layout;
use std::rc::Rc;
use std::sync::OnceLock;

// ---- what a label names, looked up

fn all_ad_rows() -> impl Iterator<Item = &'static Row> {
    layout::ACTIVE_DISCLOSURE_2021.iter().chain(layout::ACTIVE_DISCLOSURE_2019).flat_map(|g| g.rows.iter())
}

/// Extra spellings seen in real reports, beyond the labels of the layouts.
const AD_ALIASES: &[(&str, &str)] =
    &[("事业性收费", "fees"), ("集中采购", "procurement"), ("对外管理服务", "other_services")];

/// A label core to look for: the key it names, its length in characters, and whether it is a
/// template's own label (else a variant seen in real reports).
struct Needle {
    core: String,
    key: &'static str,
    len: usize,
    own: bool,
}

/// Label cores and aliases of rows, computed once.
fn needles(rows: impl Iterator<Item = &'static Row>, aliases: &[(&str, &'static str)]) -> Vec<Needle> {
    rows.map(|r| (core(r.label.last().expect("rows have labels")), r.key, true))
        .chain(aliases.iter().map(|(n, k)| (n.to_string(), *k, false)))
        .map(|(core, key, own)| Needle { len: core.chars().count(), core, key, own })
        .collect()
}

/// How a printed label was matched to its template row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum How {
    /// The template's label, as printed or with words around it.
    Exact,
    /// A known variant (`新收`, `执法案卷`): the label as real reports print it.
    Variant,
    /// The start of exactly one template label: its end was cut off.
    Cut,
    /// Alike enough, with its numbering and group (the similarity of the cores).
    Fuzzy(f64),
    /// No label to go by (or one merged cell over several rows): placed by its position.
    Position,
}

/// The cores of section 二's row labels, both layouts.
fn ad_labels() -> &'static [String] {
    static LABELS: OnceLock<Vec<String>> = OnceLock::new();
    LABELS.get_or_init(|| all_ad_rows().map(|r| core(r.label.last().expect("rows have labels"))).collect())
}

pub fn ad_row(c: &str) -> Option<&'static str> {
    ad_lookup(c).map(|m| m.0)
}

fn ad_lookup(c: &str) -> Option<(&'static str, How)> {
    static NEEDLES: OnceLock<Vec<Needle>> = OnceLock::new();
    best_match(c, NEEDLES.get_or_init(|| needles(all_ad_rows(), AD_ALIASES))).map(|(k, _, how)| (k, how))
}

const APP_ALIASES: &[(&str, &str)] = &[
    ("新收", "new_received"),
    ("上年结转", "carried_over"),
    ("结转下年", "carried_forward"),
    ("予以公开", "granted"),
    ("国家秘密", "denied.state_secret"),
    ("禁止公开", "denied.prohibited_by_law"),
    ("三安全一稳定", "denied.security_stability"),
    ("第三方合法权益", "denied.third_party"),
    ("内部事务", "denied.internal_affairs"),
    ("过程性信息", "denied.process_info"),
    ("执法案卷", "denied.enforcement_files"),
    ("行政查询", "denied.inquiry"),
    ("不掌握", "unavailable.not_held"),
    ("另行制作", "unavailable.needs_creation"),
    ("仍不明确", "unavailable.unclear"),
    ("信访举报投诉", "not_processed.complaint"),
    ("重复申请", "not_processed.repeated"),
    ("公开出版物", "not_processed.publication"),
    ("大量反复", "not_processed.excessive"),
    ("重新出具", "not_processed.confirmation"),
    ("逾期不补正", "other.no_correction"),
    ("缴纳费用", "other.unpaid_fee"),
];

fn all_app_rows() -> impl Iterator<Item = &'static Row> {
    let r2019 = layout::applications(Layout::Gb2019).filter(|r| r.key == "other");
    layout::applications(Layout::Gb2021).chain(r2019)
}

fn app_needles() -> &'static [Needle] {
    static NEEDLES: OnceLock<Vec<Needle>> = OnceLock::new();
    NEEDLES.get_or_init(|| needles(all_app_rows(), APP_ALIASES))
}

/// The applications row a label names, and how. `group` is the core of the nearest group
/// caption seen (`其他处理`, …): a bare `3.其他` only means `other.other` under (六)其他处理.
fn app_lookup(label: &str, group: Option<&str>) -> Option<(&'static str, How)> {
    let c = core(label);
    app_match(&c, label, group).map(|(k, _, how)| (k, how))
}

/// The applications row key for a label (given with its core), the length of the needle that
/// matched, and how.
pub fn app_match(c: &str, label: &str, group: Option<&str>) -> Option<(&'static str, usize, How)> {
    let needles = app_needles();
    let (key, n, how) = best_match(c, needles).or_else(|| head_match(c, needles))?;
    // A bare 其他 is also a column header; the row is printed `3.其他` under (六)其他处理.
    if key == "other.other"
        && (c != "其他" || !label.trim_start().starts_with('3') || group.is_some_and(|g| g != "其他处理"))
    {
        return None;
    }
    Some((key, n, how))
}

/// The one key whose needle starts with the label core, when that holds six characters or
/// more: a label whose end was cut off (by a page break, or lost in a copy).
fn head_match(c: &str, needles: &[Needle]) -> Option<(&'static str, usize, How)> {
    let len = c.chars().count();
    if len < 6 {
        return None;
    }
    let mut keys = needles.iter().filter(|n| n.core.starts_with(c)).map(|n| n.key);
    let key = keys.next()?;
    keys.all(|k| k == key).then_some((key, len, How::Cut))
}

/// A match by a variant's words, of a label one or two characters off its template row's own
/// label: a misprint of that label (`5.要求行政机关确认或重新出具已获取信`), read as a guess.
fn misprint(c: &str, key: &'static str, how: How, needles: &[Needle]) -> How {
    if how != How::Variant {
        return how;
    }
    let Some(own) = needles.iter().find(|n| n.own && n.key == key) else { return how };
    let sim = similarity(c, &own.core);
    let off = ((1.0 - sim) * c.chars().count().max(own.len) as f64).round() as usize;
    if (1..=2).contains(&off) && sim >= 0.8 {
        How::Fuzzy(sim)
    } else {
        how
    }
}

/// The key whose needle is equal to, or else the longest contained in, the label core.
fn best_match(c: &str, needles: &[Needle]) -> Option<(&'static str, usize, How)> {
    let len = c.chars().count();
    let mut best: Option<&Needle> = None;
    for n in needles {
        if n.core.is_empty() {
            continue;
        }
        if n.core == c {
            return Some((n.key, n.len, if n.own { How::Exact } else { How::Variant }));
        }
        if (n.len >= 4 || len <= n.len + 2) && best.is_none_or(|b| n.len > b.len) && c.contains(n.core.as_str()) {
            best = Some(n);
        }
    }
    best.map(|n| (n.key, n.len, misprint(c, n.key, if n.own { How::Exact } else { How::Variant }, needles)))
}

/// The captions of the applications table's row groups: (三)不予公开 … (六)其他处理.
pub fn is_group_caption(c: &str) -> bool {
    ["不予公开", "无法提供", "不予处理", "其他处理"].contains(&c)
}

/// `第二十条第(五)项` → 5: the group of section 二's table a caption opens.
fn ad_group(key: &str) -> Option<u32> {
    let at = key.find("第二十条")?;
    let rest = key[at..].trim_start_matches("第二十条").trim_start_matches('第');
    numbering(rest).and_then(|(n, _)| match n {
        Numbering::Paren(v) => Some(v),
        _ => None,
    })
}

// ---- the two sequences

/// A row of the template.
#[derive(Debug, Clone)]
pub struct Target {
    pub row: &'static Row,
    core: String,
    numbering: Option<Numbering>,
    /// The group it belongs to: a caption's core (`不予公开`), or section 二's group number.
    group: Option<String>,
    /// A row the layout prints only where it applies (gb2019 `procurement`): not missing when
    /// left out.
    pub optional: bool,
}

impl Target {
    pub fn key(&self) -> &'static str {
        self.row.key
    }

    pub fn columns(&self) -> &'static [Column] {
        self.row.columns
    }

    fn of(row: &'static Row, group: Option<String>, optional: bool) -> Target {
        let last = row.label.last().expect("rows have labels");
        Target { row, core: core(last), numbering: numbering(last).map(|n| n.0), group, optional }
    }
}

/// The template rows of a layout, worked out once.
fn once(cell: &'static OnceLock<Vec<Target>>, make: impl FnOnce() -> Vec<Target>) -> &'static [Target] {
    cell.get_or_init(make)
}

pub fn ad_targets(layout: Layout) -> &'static [Target] {
    static GB2021: OnceLock<Vec<Target>> = OnceLock::new();
    static GB2019: OnceLock<Vec<Target>> = OnceLock::new();
    once(if layout == Layout::Gb2019 { &GB2019 } else { &GB2021 }, || make_ad_targets(layout))
}

fn make_ad_targets(layout: Layout) -> Vec<Target> {
    layout::active_disclosure(layout)
        .iter()
        .flat_map(|g| {
            let group = ad_group(g.caption).map(|n| n.to_string());
            g.rows.iter().map(move |r| Target::of(r, group.clone(), r.key == "procurement"))
        })
        .collect()
}

pub fn app_targets(layout: Layout) -> &'static [Target] {
    static GB2021: OnceLock<Vec<Target>> = OnceLock::new();
    static GB2019: OnceLock<Vec<Target>> = OnceLock::new();
    once(if layout == Layout::Gb2019 { &GB2019 } else { &GB2021 }, || make_app_targets(layout))
}

fn make_app_targets(layout: Layout) -> Vec<Target> {
    layout::applications(layout)
        .map(|r| {
            let group = r.label.iter().rev().skip(1).map(|l| core(l)).find(|c| is_group_caption(c));
            Target::of(r, group, false)
        })
        .collect()
}

/// The applicant columns a grid's header prints: (grid column, column key).
pub type Header = Rc<[(usize, &'static str)]>;

/// A printed row: its label, its values, and what its label says.
#[derive(Debug, Clone)]
pub struct Printed<'a> {
    /// The label as printed; empty when the row has none.
    pub label: String,
    pub values: &'a [Piece],
    /// Where the row's label was printed, else its first value.
    pub source: Option<&'a nianbao_document::Source>,
    core: String,
    numbering: Option<Numbering>,
    group: Option<String>,
    /// The template row its label names, looked up.
    exact: Option<(&'static str, How)>,
    /// The merged label cell it shares with the rows beside it.
    shared: Option<(usize, usize, usize)>,
    /// Its cells stop short of the grid's width: the rest are blank.
    pub ragged: bool,
    /// The applicant columns its table's header prints: (grid column, column key).
    pub header: Option<Header>,
}

impl Printed<'_> {
    /// Holds a number, a marker or a figure (blanks do not count).
    pub fn has_values(&self) -> bool {
        self.values.iter().any(|p| !matches!(p.value, crate::labels::CellValue::Null(None)))
    }

    pub fn shared(&self) -> bool {
        self.shared.is_some()
    }

    /// The template row its label names, looked up.
    pub fn exact_key(&self) -> Option<&'static str> {
        self.exact.map(|e| e.0)
    }
}

/// A label wrapped over lines in its cell, as one line: Chinese text runs on without a space.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let wide = |c: Option<char>| c.is_some_and(nianbao_chinese::is_wide);
        if i > 0 && !(wide(out.chars().last()) && wide(line.chars().next())) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

fn printed<'a>(rec: &'a Record, label: Option<&'a Piece>, values: &'a [Piece], group: Option<String>) -> Printed<'a> {
    let text = label.map_or("", |l| l.text.as_str());
    let key = label.map_or("", |l| l.key.as_str());
    Printed {
        label: one_line(text),
        values,
        source: label.and_then(|l| l.source.as_ref()).or_else(|| values.first().and_then(|v| v.source.as_ref())),
        core: core(key),
        numbering: numbering(key).map(|n| n.0),
        group,
        exact: None,
        shared: rec.shared,
        ragged: rec.ragged,
        header: None,
    }
}

/// The printed rows of section 二's table. A row printed blank in a run of cells that dropped
/// the blanks is its label, exactly, and then the next row's label.
pub fn ad_printed(records: &[Record]) -> Vec<Printed<'_>> {
    let mut out = Vec::new();
    let mut group: Option<String> = None;
    for rec in records {
        for l in &rec.labels {
            if let Some(g) = ad_group(&l.key) {
                group = Some(g.to_string());
            }
        }
        let n = rec.labels.len();
        for l in rec.labels.iter().take(n.saturating_sub(1)) {
            let c = core(&l.key);
            if ad_labels().contains(&c) {
                let mut p = printed(rec, Some(l), &[], group.clone());
                p.exact = ad_lookup(&c);
                p.shared = None;
                out.push(p);
            }
        }
        let label = rec.label();
        if label.is_none() && !rec.has_number_or_mark() {
            continue;
        }
        let mut p = printed(rec, label, &rec.values, group.clone());
        p.exact = label.and_then(|_| ad_lookup(&p.core));
        out.push(p);
    }
    out
}

/// The applicant columns that the header rows of each grid print, by grid column: where a row's
/// cells cannot be placed by their order, their columns still say which they are.
fn applicant_headers(records: &[Record]) -> Vec<(usize, Header)> {
    let mut blocks: Vec<usize> = records.iter().filter_map(|r| r.block).collect();
    blocks.dedup();
    let mut out = Vec::new();
    for b in blocks {
        let head = records.iter().filter(|r| r.block == Some(b)).take_while(|r| !r.has_number_or_mark());
        let mut cols: Vec<(usize, &'static str)> = Vec::new();
        for l in head.flat_map(|r| &r.labels) {
            let Some((c0, _)) = l.cols.filter(|(c0, c1)| c1 - c0 == 1) else { continue };
            let c = core(&l.key);
            let named = layout::APPLICANTS.iter().find(|col| col.header.last().is_some_and(|h| core(h) == c));
            if let Some(col) = named.filter(|col| !cols.iter().any(|(_, k)| *k == col.key)) {
                cols.push((c0, col.key));
            }
        }
        if cols.len() >= 2 {
            out.push((b, cols.into()));
        }
    }
    out
}

/// The printed rows of section 三's table, with the group caption each sits under.
pub fn app_printed(records: &[Record]) -> Vec<Printed<'_>> {
    let headers = applicant_headers(records);
    let mut out = Vec::new();
    let mut group: Option<String> = None;
    for (i, rec) in records.iter().enumerate() {
        for l in &rec.labels {
            let c = core(&l.key);
            if is_group_caption(&c) {
                group = Some(c);
            } else if c.contains("本年度办理结果") {
                group = None;
            }
        }
        let header = headers.iter().find(|(b, _)| Some(*b) == rec.block).map(|(_, h)| h.clone());
        let Some(label) = rec.label() else {
            if rec.has_number_or_mark() {
                out.push(Printed { header, ..printed(rec, None, &rec.values, group.clone()) });
            }
            continue;
        };
        let mut p = Printed { header, ..printed(rec, Some(label), &rec.values, group.clone()) };
        let c = &p.core;
        p.exact = if c == "其他处理" && !rec.values.is_empty() {
            // (六)其他处理 followed directly by numbers is the single gb2019 row.
            Some(("other", How::Exact))
        } else {
            // A label that is only the start of one (cut short, or wrapped) is that row joined
            // with its other pieces, if they make it whole.
            let alone = app_lookup(&label.key, group.as_deref());
            match alone {
                Some((_, How::Exact | How::Variant)) => alone,
                _ => wrapped(records, i, group.as_deref()).or(alone),
            }
        };
        out.push(p);
    }
    out
}

/// A label of a flat run wrapped over lines (or of a grid row broken over a page): its head is in the labels before (group captions
/// aside), or else its tail is the first label after the numbers (set between the lines). The
/// next row's own label (the last before its numbers) is never this row's tail: issue 11's
/// `2.其他法律行政止公开` was read as `3.危及“三安全一稳定”` that way.
fn wrapped(records: &[Record], i: usize, group: Option<&str>) -> Option<(&'static str, How)> {
    let rec = &records[i];
    let label = &rec.label()?.key;
    if !rec.flat {
        // In a grid, a label is whole in its cell, unless the row broke over a page: then the
        // rest of the label comes in a row of its own, without values.
        let next = records.get(i + 1).filter(|n| !n.has_number_or_mark() && !n.labels.is_empty())?;
        let tail = next.label_keys().next()?;
        return app_lookup(&format!("{label}{tail}"), group)
            .filter(|(_, how)| matches!(how, How::Exact | How::Variant));
    }
    let own: Vec<&str> = rec.label_keys().filter(|l| !is_group_caption(&core(l))).collect();
    let heads = (2..=own.len().min(4)).map(|k| own[own.len() - k..].concat());
    let next: Vec<&str> = records.get(i + 1).map_or(vec![], |n| {
        let own = if n.has_number_or_mark() { n.labels.len().saturating_sub(1) } else { n.labels.len() };
        n.label_keys().take(2.min(own)).collect()
    });
    // Text set in columns puts a group caption's pieces on the row's lines, between the lines
    // of its label (`2.没有现成信息需要另` / `三、  3 0 …` / `提供  行制作`): the tail may be
    // the first or the second label after the numbers.
    let tail = next.iter().map(|tail| format!("{label}{tail}")).collect::<Vec<_>>();
    let head = own.len().checked_sub(2).map(|k| own[k]);
    let around = head.into_iter().flat_map(|head| next.iter().map(move |tail| format!("{head}{tail}")));
    // Pieces of caption columns set between a label's lines join it too: a joined label a
    // character or two off is the layout's doing, not a misprint.
    let joined = |l: String| match app_lookup(&l, group)? {
        (_, How::Cut) => None,
        (k, How::Fuzzy(_)) => Some((k, How::Variant)),
        m => Some(m),
    };
    heads.chain(tail).chain(around).find_map(joined)
}

/// The printed rows of section 四's table printed with a row per group (行政复议, …, each with
/// its five outcomes).
pub fn rl_printed(records: &[Record]) -> Vec<Printed<'_>> {
    records
        .iter()
        .filter(|r| r.label().is_some() && r.has_number_or_mark())
        .map(|rec| {
            let mut p = printed(rec, rec.label(), &rec.values, None);
            p.exact = RL_GROUPS.iter().find(|(c, _)| *c == p.core).map(|(_, k)| (*k, How::Exact));
            p.group = None;
            p
        })
        .collect()
}

/// The three groups of section 四, by the label a transposed table prints in front of each.
pub const RL_GROUPS: &[(&str, &str)] =
    &[("行政复议", "review"), ("未经复议直接起诉", "litigation_direct"), ("复议后起诉", "litigation_after_review")];

const OUTCOME_COLUMNS: &[Column] = &[
    Column { key: "upheld", header: &["结果维持"] },
    Column { key: "corrected", header: &["结果纠正"] },
    Column { key: "other", header: &["其他结果"] },
    Column { key: "pending", header: &["尚未审结"] },
    Column { key: "total", header: &["总计"] },
];

/// Section 四's groups as rows, for a table printed with a row per group.
static RL_ROWS: [Row; 3] = [
    Row { key: "review", label: &["行政复议"], columns: OUTCOME_COLUMNS },
    Row { key: "litigation_direct", label: &["行政诉讼", "未经复议直接起诉"], columns: OUTCOME_COLUMNS },
    Row { key: "litigation_after_review", label: &["行政诉讼", "复议后起诉"], columns: OUTCOME_COLUMNS },
];

pub fn rl_targets() -> &'static [Target] {
    static ROWS: OnceLock<Vec<Target>> = OnceLock::new();
    once(&ROWS, || RL_ROWS.iter().map(|r| Target::of(r, None, false)).collect())
}

/// A row of values without a label (section 四 printed as one row of fifteen cells).
pub fn unlabelled(values: &[Piece]) -> Printed<'_> {
    Printed {
        label: String::new(),
        values,
        source: values.first().and_then(|v| v.source.as_ref()),
        core: String::new(),
        numbering: None,
        group: None,
        exact: None,
        shared: None,
        ragged: false,
        header: None,
    }
}

// ---- scoring and the alignment

/// A pair whose labels name each other.
const EXACT: i32 = 1000;
/// A row printed with every cell blank, named exactly: it counts, but less than one with values.
const BLANK: i32 = 200;
/// A row under a merged label, in the span of rows that label can name.
const SHARED: i32 = 600;
/// Leaving out a printed row with numbers (they go unplaced) and a template row (missing).
const SKIP_PRINTED: i32 = -500;
const SKIP_TARGET: i32 = -100;

/// How much evidence a pair of labels gives, 0 when none: the similarity of their cores, with
/// the numbering and the group as printed for or against.
fn fuzzy(p: &Printed, t: &Target) -> f64 {
    if p.core.is_empty() || t.core.is_empty() {
        return 0.0;
    }
    let sim = similarity(&p.core, &t.core);
    let numbered = match (p.numbering, t.numbering) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    let grouped = match (&p.group, &t.group) {
        (Some(a), Some(b)) => Some(a == b),
        _ => None,
    };
    // Alike enough, or half alike where both numbering and group agree (a short label).
    let alike = sim >= 0.6 || (sim >= 0.5 && numbered == Some(true) && grouped != Some(false));
    if !alike {
        return 0.0;
    }
    let bonus = |b: Option<bool>, plus: f64, minus: f64| match b {
        Some(true) => plus,
        Some(false) => -minus,
        None => 0.0,
    };
    let conf = sim + bonus(numbered, 0.1, 0.2) + bonus(grouped, 0.1, 0.3);
    if conf >= 0.6 {
        conf
    } else {
        0.0
    }
}

/// The score of printing template row `t` as printed row `p`, and how they match; None when
/// they cannot be the same row.
fn score(p: &Printed, t: &Target, window: Option<(usize, usize)>, j: usize) -> Option<(i32, How)> {
    let valued = p.has_values();
    if let Some((lo, hi)) = window {
        // A row under a merged label: any row of the span that label can name, by position.
        return (lo <= j && j <= hi).then_some((SHARED, How::Position));
    }
    if let Some((key, how)) = p.exact {
        // A label that names a row is that row or none.
        return (key == t.key()).then(|| {
            let s = if valued { EXACT } else { BLANK };
            (s - if how == How::Cut { 10 } else { 0 }, how)
        });
    }
    if !valued {
        return None;
    }
    // The same core, not looked up (a bare `其他` under (六)其他处理): the row, if its group says so.
    if p.core == t.core && p.group == t.group {
        return Some((EXACT - 5, How::Exact));
    }
    let conf = fuzzy(p, t);
    (conf > 0.0).then(|| (500 + (conf.min(1.2) * 300.0) as i32, How::Fuzzy(similarity(&p.core, &t.core))))
}

/// The best monotone alignment of `n` printed rows with `m` template rows: each printed row's
/// template row, and the total score. On a tie the earlier printed row is kept.
pub fn best_alignment(
    n: usize,
    m: usize,
    score: impl Fn(usize, usize) -> Option<i32>,
    skip_printed: impl Fn(usize) -> i32,
    skip_target: impl Fn(usize) -> i32,
) -> (i32, Vec<Option<usize>>) {
    let w = m + 1;
    let mut best = vec![i32::MIN / 2; (n + 1) * w];
    best[0] = 0;
    let pair: Vec<Option<i32>> = (0..n * m).map(|k| score(k / m, k % m)).collect();
    for i in 0..=n {
        for j in 0..=m {
            let here = best[i * w + j];
            if i < n {
                let v = here + skip_printed(i);
                if v > best[(i + 1) * w + j] {
                    best[(i + 1) * w + j] = v;
                }
            }
            if j < m {
                let v = here + skip_target(j);
                if v > best[i * w + j + 1] {
                    best[i * w + j + 1] = v;
                }
            }
            if i < n && j < m {
                if let Some(s) = pair[i * m + j] {
                    let v = here + s;
                    if v > best[(i + 1) * w + j + 1] {
                        best[(i + 1) * w + j + 1] = v;
                    }
                }
            }
        }
    }
    // Back from the end: leaving out a later printed row first, so that the earlier one of two
    // alike is the one kept.
    let mut of = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = best[i * w + j];
        if i > 0 && best[(i - 1) * w + j] + skip_printed(i - 1) == here {
            i -= 1;
        } else if i > 0 && j > 0 && pair[(i - 1) * m + j - 1].is_some_and(|s| best[(i - 1) * w + j - 1] + s == here) {
            of[i - 1] = Some(j - 1);
            i -= 1;
            j -= 1;
        } else {
            j -= 1;
        }
    }
    (best[n * w + m], of)
}

/// A table's printed rows aligned with its template's rows.
#[derive(Debug)]
pub struct Alignment<'a> {
    pub layout: Layout,
    pub printed: Vec<Printed<'a>>,
    pub targets: &'static [Target],
    /// For each printed row, its template row and how they matched.
    pub matched: Vec<Option<(usize, How)>>,
    pub score: i32,
}

impl Alignment<'_> {
    /// The printed row of template row `j`.
    pub fn printed_of(&self, j: usize) -> Option<(&Printed<'_>, How)> {
        self.matched
            .iter()
            .position(|m| m.is_some_and(|(t, _)| t == j))
            .map(|i| (&self.printed[i], self.matched[i].unwrap().1))
    }
}

/// The span of template rows that the rows under one merged label can be: the rows its text
/// names, widened to as many rows as share it, within their group.
fn shared_windows(printed: &[Printed], targets: &[Target]) -> Vec<Option<(usize, usize)>> {
    printed
        .iter()
        .map(|p| {
            let id = p.shared?;
            let k = printed.iter().filter(|q| q.shared == Some(id) && q.has_values()).count();
            let named: Vec<usize> = (0..targets.len())
                .filter(|&j| !targets[j].core.is_empty() && p.core.contains(targets[j].core.as_str()))
                .chain(p.exact.and_then(|(key, _)| targets.iter().position(|t| t.key() == key)))
                .collect();
            let (lo, hi) = (*named.iter().min()?, *named.iter().max()?);
            let widen = k.saturating_sub(hi - lo + 1);
            let group = &targets[lo].group;
            let in_group = |j: usize| targets[j].group == *group;
            let lo = (lo.saturating_sub(widen)..=lo).find(|&j| in_group(j)).unwrap_or(lo);
            let hi = (hi..=(hi + widen).min(targets.len() - 1)).rev().find(|&j| in_group(j)).unwrap_or(hi);
            Some((lo, hi))
        })
        .collect()
}

/// Aligns printed rows with a layout's template rows, then places by position the rows with no
/// label to go by: where a run of them stands between two aligned rows in place of exactly as
/// many template rows.
pub fn align<'a>(layout: Layout, printed: Vec<Printed<'a>>, targets: &'static [Target]) -> Alignment<'a> {
    let windows = shared_windows(&printed, targets);
    let scored = |i: usize, j: usize| score(&printed[i], &targets[j], windows[i], j);
    let (total, of) = best_alignment(
        printed.len(),
        targets.len(),
        |i, j| scored(i, j).map(|s| s.0),
        |i| if printed[i].has_values() { SKIP_PRINTED } else { 0 },
        |j| if targets[j].optional { 0 } else { SKIP_TARGET },
    );
    let mut matched: Vec<Option<(usize, How)>> =
        of.iter().enumerate().map(|(i, j)| j.map(|j| (j, scored(i, j).expect("an aligned pair scores").1))).collect();
    // Gaps between aligned rows holding only unlabelled rows with values, as many as the
    // template rows the gap leaves out.
    let mut i = 0;
    let mut last_j: Option<usize> = None;
    while i < printed.len() {
        if let Some((j, _)) = matched[i] {
            last_j = Some(j);
            i += 1;
            continue;
        }
        let start = i;
        while i < printed.len() && matched[i].is_none() {
            i += 1;
        }
        let next_j = matched.get(i).and_then(|m| m.map(|(j, _)| j)).unwrap_or(targets.len());
        let from_j = last_j.map_or(0, |j| j + 1);
        let gap: Vec<usize> = (start..i).filter(|&k| printed[k].has_values()).collect();
        let free: Vec<usize> = (from_j..next_j).filter(|&j| !targets[j].optional).collect();
        let unlabelled = gap.iter().all(|&k| printed[k].core.is_empty() && !printed[k].shared());
        if !gap.is_empty() && unlabelled && gap.len() == free.len() {
            for (k, j) in gap.into_iter().zip(free) {
                matched[k] = Some((j, How::Position));
            }
        }
    }
    Alignment { layout, printed, targets, matched, score: total }
}

/// Section 二's layout by its headers: the one whose column headers the table prints more of;
/// None on a tie (no headers printed, or as many of each).
pub fn ad_layout_by_headers(records: &[Record]) -> Option<Layout> {
    let (mut v2021, mut v2019) = (0, 0);
    for l in records.iter().flat_map(|r| r.label_keys()) {
        let c = core(l);
        v2021 += HEADERS_2021.contains(&c.as_str()) as i32;
        v2019 += HEADERS_2019.contains(&c.as_str()) as i32;
    }
    match v2019.cmp(&v2021) {
        std::cmp::Ordering::Greater => Some(Layout::Gb2019),
        std::cmp::Ordering::Less => Some(Layout::Gb2021),
        std::cmp::Ordering::Equal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::find::records;

    fn recs(cells: &[&str]) -> Vec<Record> {
        records(cells.iter().map(|s| Piece::new(s, None)))
    }

    fn row(label: &str, n: usize) -> Vec<String> {
        std::iter::once(label.to_string()).chain((0..n).map(|k| k.to_string())).collect()
    }

    fn keys_of(a: &Alignment) -> Vec<(String, Option<&'static str>)> {
        a.printed.iter().zip(&a.matched).map(|(p, m)| (p.label.clone(), m.map(|(j, _)| a.targets[j].key()))).collect()
    }

    #[test]
    fn the_monotone_alignment_skips_on_both_sides() {
        // Printed rows a, x, c against template rows a, b, c: x is left out, b is missing.
        let (score, of) =
            best_alignment(3, 3, |i, j| ([(0, 0), (2, 2)].contains(&(i, j))).then_some(10), |_| -5, |_| -1);
        assert_eq!(of, [Some(0), None, Some(2)]);
        assert_eq!(score, 10 + 10 - 5 - 1);
        // Two printed rows alike: the earlier one is kept.
        let (_, of) = best_alignment(2, 1, |_, _| Some(10), |_| -5, |_| -1);
        assert_eq!(of, [Some(0), None]);
    }

    #[test]
    fn the_wps_typo_is_its_own_row_and_the_next_row_stays_itself() {
        // Issue 11: `2.其他法律行政止公开` was taken for the row after it.
        let mut cells = vec!["三、本年度办理结果".to_string(), "(三)不予公开".to_string()];
        for label in ["1.属于国家秘密", "2.其他法律行政止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益"]
        {
            cells.extend(row(label, 7));
        }
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let r = recs(&cells);
        let a = align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021));
        let keys = keys_of(&a);
        assert_eq!(keys[1], ("2.其他法律行政止公开".into(), Some("denied.prohibited_by_law")));
        assert_eq!(keys[2].1, Some("denied.security_stability"));
        assert!(matches!(a.matched[1], Some((_, How::Fuzzy(s))) if s == 0.75));
        assert_eq!(a.matched[2].map(|m| m.1), Some(How::Exact));
    }

    #[test]
    fn labels_without_numbering_are_their_rows() {
        let mut cells = Vec::new();
        for label in [
            "本年新收政府信息公开申请数量",
            "上年结转政府信息公开申请数量",
            "予以公开",
            "其他处理",
            "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "其他",
            "总计",
        ] {
            cells.extend(row(label, 7));
        }
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        let r = recs(&cells);
        let a = align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021));
        let keys: Vec<_> = keys_of(&a).into_iter().map(|k| k.1).collect();
        assert_eq!(
            keys,
            [
                Some("new_received"),
                Some("carried_over"),
                Some("granted"),
                None,
                Some("other.no_correction"),
                Some("other.other"),
                Some("total")
            ]
        );
        assert!(a.matched.iter().flatten().all(|m| m.1 == How::Exact));
    }

    #[test]
    fn a_short_label_with_a_typo_is_not_forced_onto_a_row() {
        // `规张`: half alike, no numbering to confirm it — an extra row, not regulations.
        let r = recs(&["第二十条第(一)项", "规张", "1", "2", "3", "行政规范性文件", "4", "5", "6"]);
        let a = align(Layout::Gb2021, ad_printed(&r), ad_targets(Layout::Gb2021));
        assert_eq!(keys_of(&a), [("规张".into(), None), ("行政规范性文件".into(), Some("normative_documents"))]);
        assert!(a.printed_of(0).is_none(), "regulations is missing");
        // One letter wrong in a longer label is that row.
        let r = recs(&["第二十条第(六)项", "行政处法", "7", "行政强制", "8"]);
        let a = align(Layout::Gb2021, ad_printed(&r), ad_targets(Layout::Gb2021));
        assert_eq!(keys_of(&a)[0].1, Some("punishment"));
    }

    #[test]
    fn rows_under_one_merged_label_are_placed_by_position() {
        use nianbao_document::{Cell, Table};
        let values = |n: usize| (0..7).map(|k| Cell::new((n + k).to_string())).collect::<Vec<_>>();
        let mut rows = vec![vec![
            Cell::span("(六)其他处理", 3, 1),
            Cell::span("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", 2, 1),
        ]];
        rows[0].extend(values(1));
        rows.push(values(2));
        rows.push(std::iter::once(Cell::new("3.其他")).chain(values(3)).collect());
        let r = crate::recognize::find::grid_records(&Table { rows, ..Table::default() }, 0);
        let a = align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021));
        let keys: Vec<_> = keys_of(&a).into_iter().map(|k| k.1).collect();
        assert_eq!(keys, [Some("other.no_correction"), Some("other.unpaid_fee"), Some("other.other")]);
        assert_eq!(a.matched[0].map(|m| m.1), Some(How::Position));
        assert_eq!(a.matched[1].map(|m| m.1), Some(How::Position));
    }

    #[test]
    fn an_unlabelled_row_between_two_rows_takes_the_one_place_left() {
        let mut r = recs(&row("1.属于国家秘密", 7).iter().map(String::as_str).collect::<Vec<_>>());
        r.extend(recs(&["0", "0", "0", "0", "0", "0", "0"]));
        r.extend(recs(&row("3.危及“三安全一稳定”", 7).iter().map(String::as_str).collect::<Vec<_>>()));
        let a = align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021));
        assert_eq!(keys_of(&a)[1], (String::new(), Some("denied.prohibited_by_law")));
        assert_eq!(a.matched[1].map(|m| m.1), Some(How::Position));
        // Two unlabelled rows for one place: neither is placed.
        r.insert(1, r[1].clone());
        let a = align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021));
        assert_eq!(a.matched[1], None);
        assert_eq!(a.matched[2], None);
    }
}
