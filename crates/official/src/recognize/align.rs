//! Aligning rows: which row of the official template each printed row is.

use crate::labels::{core, CellValue};
use crate::recognize::find::{Record, HEADERS_2019, HEADERS_2021};
use crate::recognize::values::{fill_rows, fit, place_outcomes, to_value, Placement};
use nianbao_report::layout::{self, Row};
use nianbao_report::{Layout, ReviewLitigation, RowTable};
use std::sync::OnceLock;

// ---- rows

fn all_ad_rows() -> impl Iterator<Item = &'static Row> {
    layout::ACTIVE_DISCLOSURE_2021.iter().chain(layout::ACTIVE_DISCLOSURE_2019).flat_map(|g| g.rows.iter())
}

/// Extra spellings seen in real reports, beyond the labels of the layouts.
const AD_ALIASES: &[(&str, &str)] =
    &[("事业性收费", "fees"), ("集中采购", "procurement"), ("对外管理服务", "other_services")];

/// Label cores with their key and length in characters.
type Needles = Vec<(String, &'static str, usize)>;

/// Label cores and aliases of rows, computed once.
fn needles(rows: impl Iterator<Item = &'static Row>, aliases: &[(&str, &'static str)]) -> Needles {
    rows.map(|r| (core(r.label.last().expect("rows have labels")), r.key))
        .chain(aliases.iter().map(|(n, k)| (n.to_string(), *k)))
        .map(|(n, k)| {
            let len = n.chars().count();
            (n, k, len)
        })
        .collect()
}

pub fn ad_row(c: &str) -> Option<&'static str> {
    static NEEDLES: OnceLock<Needles> = OnceLock::new();
    best_match(c, NEEDLES.get_or_init(|| needles(all_ad_rows(), AD_ALIASES))).map(|m| m.0)
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

fn app_row_by_key(key: &str) -> Option<&'static Row> {
    all_app_rows().find(|r| r.key == key)
}

/// The applications row a label names. `group` is the core of the nearest group caption seen
/// (`其他处理`, …): a bare `3.其他` only means `other.other` under (六)其他处理.
fn app_row(label: &str, group: Option<&str>) -> Option<&'static Row> {
    app_match(&core(label), label, group).and_then(|(key, _)| app_row_by_key(key))
}

/// The applications row key for a label (given with its core), and the length of the needle
/// that matched.
pub fn app_match(c: &str, label: &str, group: Option<&str>) -> Option<(&'static str, usize)> {
    static NEEDLES: OnceLock<Needles> = OnceLock::new();
    let needles = NEEDLES.get_or_init(|| needles(all_app_rows(), APP_ALIASES));
    let (key, n) = best_match(c, needles).or_else(|| head_match(c, needles))?;
    // A bare 其他 is also a column header; the row is printed `3.其他` under (六)其他处理.
    if key == "other.other"
        && (c != "其他" || !label.trim_start().starts_with('3') || group.is_some_and(|g| g != "其他处理"))
    {
        return None;
    }
    Some((key, n))
}

/// The one key whose needle starts with the label core, when that holds six characters or
/// more: a label whose end was cut off (by a page break, or lost in a copy).
fn head_match(c: &str, needles: &Needles) -> Option<(&'static str, usize)> {
    let len = c.chars().count();
    if len < 6 {
        return None;
    }
    let mut keys = needles.iter().filter(|(n, _, _)| n.starts_with(c)).map(|(_, k, _)| *k);
    let key = keys.next()?;
    keys.all(|k| k == key).then_some((key, len))
}

/// The key whose needle is equal to, or else the longest contained in, the label core.
fn best_match(c: &str, needles: &Needles) -> Option<(&'static str, usize)> {
    let len = c.chars().count();
    let mut best: Option<(usize, &'static str)> = None;
    for (needle, key, n) in needles {
        if needle.is_empty() {
            continue;
        }
        if needle == c {
            return Some((key, *n));
        }
        if (*n >= 4 || len <= n + 2) && best.is_none_or(|(m, _)| *n > m) && c.contains(needle.as_str()) {
            best = Some((*n, key));
        }
    }
    best.map(|(n, k)| (k, n))
}

fn short(labels: &[String]) -> String {
    let s = labels.last().map(String::as_str).unwrap_or("(no label)");
    let mut t: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        t.push('…');
    }
    t
}

/// The record of a row whose cells are all blank.
static BLANK: Record = Record { labels: Vec::new(), values: Vec::new() };

pub fn active_disclosure(records: &[Record]) -> (RowTable, Placement) {
    let mut v2021 = 0;
    let mut v2019 = 0;
    for l in records.iter().flat_map(|r| &r.labels) {
        let c = core(l);
        v2021 += HEADERS_2021.contains(&c.as_str()) as i32;
        v2019 += HEADERS_2019.contains(&c.as_str()) as i32;
    }
    let layout = if v2019 > v2021 { Layout::Gb2019 } else { Layout::Gb2021 };
    let rows: Vec<&'static Row> = layout::active_disclosure(layout).iter().flat_map(|g| g.rows.iter()).collect();
    let mut t = RowTable::new(layout);
    let mut p = Placement::default();
    let mut found: Vec<(&'static Row, &Record)> = Vec::new();
    for rec in records {
        // A row printed with its cells blank, in a run of cells that dropped the blanks: its
        // label, exactly, and then the next row's label.
        for l in rec.labels.iter().rev().skip(1) {
            let c = core(l);
            if let Some(row) = rows.iter().find(|r| r.label.last().is_some_and(|x| core(x) == c)) {
                found.push((row, &BLANK));
            }
        }
        let Some(label) = rec.labels.last() else {
            if rec.has_number_or_mark() {
                p.unplaced.push(format!("{} values without a row label", rec.values.len()));
            }
            continue;
        };
        let key = ad_row(&core(label));
        match key.and_then(|k| rows.iter().find(|r| r.key == k)) {
            Some(row) => found.push((row, rec)),
            None if rec.has_number_or_mark() => {
                let values = rec.values.iter().map(|(_, v)| to_value(v)).collect();
                p.unplaced
                    .push(format!("row “{}” is not in the {layout} layout; kept in extra_rows", short(&rec.labels)));
                t.extra_rows.push(nianbao_report::ExtraRow { label: label.trim().to_string(), values });
            }
            None => {}
        }
    }
    fill_rows(&mut t, rows.iter().copied(), &found, &mut p);
    (t, p)
}

/// The captions of the applications table's row groups: (三)不予公开 … (六)其他处理.
fn is_group_caption(c: &str) -> bool {
    ["不予公开", "无法提供", "不予处理", "其他处理"].contains(&c)
}

pub fn applications(records: &[Record]) -> (RowTable, Placement) {
    let mut found: Vec<(&'static Row, &Record)> = Vec::new();
    let mut group: Option<String> = None;
    let mut p = Placement::default();
    for (i, rec) in records.iter().enumerate() {
        for l in &rec.labels {
            let c = core(l);
            if is_group_caption(&c) {
                group = Some(c);
            } else if c.contains("本年度办理结果") {
                group = None;
            }
        }
        let Some(label) = rec.labels.last() else {
            if rec.has_number_or_mark() {
                p.unplaced.push(format!("{} values without a row label", rec.values.len()));
            }
            continue;
        };
        let c = core(label);
        // (六)其他处理 followed directly by numbers is the single gb2019 row.
        let row = if c == "其他处理" && !rec.values.is_empty() {
            app_row_by_key("other")
        } else {
            // A label wrapped over lines of a flat run: its head is in the labels before (group
            // captions aside), or else its tail is the first label after the numbers (set
            // between the lines).
            let own: Vec<&String> = rec.labels.iter().filter(|l| !is_group_caption(&core(l))).collect();
            let heads =
                (2..=own.len().min(4)).map(|k| own[own.len() - k..].iter().map(|s| s.as_str()).collect::<String>());
            let next: Vec<&String> = records.get(i + 1).map_or(vec![], |next| next.labels.iter().take(2).collect());
            // Text set in columns puts a group caption's pieces on the row's lines, between the
            // lines of its label (`2.没有现成信息需要另` / `三、  3 0 …` / `提供  行制作`): the
            // tail may be the first or the second label after the numbers.
            let tail = next.iter().map(|tail| format!("{label}{tail}")).collect::<Vec<_>>();
            let head = own.len().checked_sub(2).map(|k| own[k]);
            let around = head.into_iter().flat_map(|head| next.iter().map(move |tail| format!("{head}{tail}")));
            app_row(label, group.as_deref())
                .or_else(|| heads.chain(tail).chain(around).find_map(|l| app_row(&l, group.as_deref())))
        };
        match row {
            Some(r) => found.push((r, rec)),
            None if rec.has_number_or_mark() => p.unplaced.push(format!("row “{}” not recognised", short(&rec.labels))),
            None => {}
        }
    }
    let has_2021 = found.iter().any(|(r, _)| r.key.starts_with("other."));
    let has_2019 = found.iter().any(|(r, _)| r.key == "other");
    let layout = if has_2019 && !has_2021 { Layout::Gb2019 } else { Layout::Gb2021 };
    let mut t = RowTable::new(layout);
    fill_rows(&mut t, layout::applications(layout), &found, &mut p);
    for (r, _) in found.iter().filter(|(r, _)| !layout::applications(layout).any(|s| s.key == r.key)) {
        p.unplaced.push(format!("row {} does not belong to the {layout} layout", r.key));
    }
    (t, p)
}

pub fn review_litigation(records: &[Record]) -> (ReviewLitigation, Placement) {
    let mut t = ReviewLitigation::default();
    let mut p = Placement::default();
    let mut flat: Vec<(String, CellValue)> = Vec::new();
    for rec in records {
        // A transposed table names the group in front of its five numbers.
        let group = rec.labels.last().map(|l| core(l)).and_then(|c| match c.as_str() {
            "行政复议" => Some("review"),
            "未经复议直接起诉" => Some("litigation_direct"),
            "复议后起诉" => Some("litigation_after_review"),
            _ => None,
        });
        if let (Some(g), true) = (group, rec.has_number_or_mark() && rec.values.len() >= 5) {
            let vals = fit(&rec.values, 5);
            place_outcomes(&mut t, g, &vals, &mut p);
            continue;
        }
        if rec.labels.is_empty() || rec.has_number_or_mark() {
            flat.extend(rec.values.iter().cloned());
        }
    }
    if !flat.is_empty() {
        let vals = fit(&flat, 15);
        if vals.len() < 15 {
            p.unplaced.push(format!("found {} of the 15 cells", vals.len()));
        }
        for (i, (g, _)) in layout::REVIEW_LITIGATION.iter().enumerate() {
            let chunk: Vec<_> = vals.iter().skip(i * 5).take(5).cloned().collect();
            place_outcomes(&mut t, g, &chunk, &mut p);
        }
    }
    (t, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::find::records;
    use nianbao_report::Num;

    fn recs(cells: &[&str]) -> Vec<Record> {
        records(cells.iter().map(|s| s.to_string()))
    }
    #[test]
    fn a_flat_run_refolds_into_rows() {
        let r = recs(&[
            "第二十条第(一)项",
            "信息内容",
            "本年制发件数",
            "本年废止件数",
            "现行有效件数",
            "规章",
            "0",
            "0",
            "0",
            "行政规范性文件",
            "2",
            "1",
            "3",
            "第二十条第(五)项",
            "信息内容",
            "本年处理决定数量",
            "行政许可",
            "0",
        ]);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].labels, vec!["行政规范性文件"]);
        let (t, p) = active_disclosure(&r);
        assert_eq!(t.layout, Layout::Gb2021);
        assert_eq!(t.get("normative_documents", "in_force"), Some(Num(3.0)));
        assert_eq!(t.get("licensing", "decisions"), Some(Num(0.0)));
        assert!(p.unplaced.is_empty(), "{:?}", p.unplaced);
    }

    #[test]
    fn blank_cells_covered_by_merged_labels_are_not_values() {
        // A grid reader that lost the colspan of "(一)予以公开" gives an empty cell after it.
        let r = recs(&["三、本年度办理结果", "(一)予以公开", "", "", "1", "0", "0", "0", "0", "2"]);
        assert_eq!(r.len(), 1);
        let (t, _) = applications(&r);
        // 8 cells for 7 columns: the leading blank is the covered cell, the next one a real blank.
        assert_eq!(t.get("granted", "natural_person"), None);
        assert_eq!(t.get("granted", "commercial"), Some(Num(1.0)));
        assert_eq!(t.get("granted", "total"), Some(Num(2.0)));
    }

    #[test]
    fn other_rows_decide_the_applications_layout() {
        let r = recs(&["(六)其他处理", "1", "0", "0", "0", "0", "0", "1"]);
        assert_eq!(applications(&r).0.layout, Layout::Gb2019);
        let r = recs(&[
            "(六)其他处理",
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "1",
            "0",
            "0",
            "0",
            "0",
            "0",
            "1",
            "3.其他",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]);
        let (t, _) = applications(&r);
        assert_eq!(t.layout, Layout::Gb2021);
        assert_eq!(t.get("other.no_correction", "total"), Some(Num(1.0)));
        assert_eq!(t.get("other.other", "total"), Some(Num(0.0)));
    }

    #[test]
    fn markers_are_null_and_kept() {
        let r = recs(&["规章", "—", "/", "3"]);
        let (t, _) = active_disclosure(&r);
        assert_eq!(t.get("regulations", "issued"), None);
        assert_eq!(t.marks.get("regulations.issued").map(String::as_str), Some("—"));
        assert_eq!(t.marks.get("regulations.repealed").map(String::as_str), Some("/"));
    }

    #[test]
    fn review_litigation_reads_fifteen_cells_in_order() {
        let mut cells = vec!["行政复议", "行政诉讼", "结果维持", "总计"];
        let nums = ["2", "1", "2", "2", "7", "0", "0", "0", "0", "0", "3", "0", "0", "1", "4"];
        cells.extend(nums);
        let (t, p) = review_litigation(&recs(&cells));
        assert_eq!(t.review.total, Some(Num(7.0)));
        assert_eq!(t.litigation_after_review.upheld, Some(Num(3.0)));
        assert_eq!(t.litigation_after_review.total, Some(Num(4.0)));
        assert!(p.unplaced.is_empty());
    }
}
