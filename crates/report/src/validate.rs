//! The consistency rules (勾稽关系) of the spec. Validation reads a report and returns findings;
//! it never changes data. A blank cell makes a sum "not checkable", never "broken".

use crate::layout::{self, OUTCOMES};
use crate::model::{Layout, Num, Report, RowTable, Value};
use regex::Regex;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A rule of the official tables is broken (rules 1–5).
    Violation,
    /// Text and tables, or two years, disagree (rules 6–7).
    Warning,
    /// The rule could not be checked because a cell it needs is blank.
    NotCheckable,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule: u8,
    pub severity: Severity,
    /// The cells involved, as `table.row.column` keys.
    pub cells: Vec<String>,
    /// Their values, in the same order (`null` for blanks).
    pub values: Vec<Option<f64>>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.severity {
            Severity::Violation => "violation",
            Severity::Warning => "warning",
            Severity::NotCheckable => "not checkable",
        };
        write!(f, "rule {} {}: {}", self.rule, what, self.message)
    }
}

/// Is this finding something wrong with the report (as opposed to a note that a rule could not
/// be checked)?
impl Finding {
    pub fn is_problem(&self) -> bool {
        self.severity != Severity::NotCheckable
    }
}

fn fmt_val(v: Value) -> String {
    v.map_or_else(|| "blank".to_string(), |n| n.to_string())
}

/// A sum of named cells, with a readable rendering like `new_received 3 + carried_over 1 = 4`.
struct Sum<'a> {
    cells: Vec<(String, &'a str, Value)>,
}

impl<'a> Sum<'a> {
    fn new() -> Sum<'a> {
        Sum { cells: Vec::new() }
    }
    fn add(&mut self, key: String, short: &'a str, v: Value) {
        self.cells.push((key, short, v));
    }
    fn total(&self) -> Option<f64> {
        self.cells.iter().map(|c| c.2.map(|n| n.0)).sum()
    }
    fn text(&self) -> String {
        let parts: Vec<String> = self.cells.iter().map(|(_, s, v)| format!("{s} {}", fmt_val(*v))).collect();
        match self.total() {
            Some(t) if self.cells.len() > 1 => format!("{} = {}", parts.join(" + "), Num(t)),
            _ => parts.join(" + "),
        }
    }
}

/// Compares two sums; pushes a violation or a not-checkable finding.
fn compare(out: &mut Vec<Finding>, rule: u8, scope: String, lhs: Sum, rhs: Sum) {
    let cells: Vec<String> = lhs.cells.iter().chain(&rhs.cells).map(|c| c.0.clone()).collect();
    let values: Vec<Option<f64>> = lhs.cells.iter().chain(&rhs.cells).map(|c| c.2.map(|n| n.0)).collect();
    match (lhs.total(), rhs.total()) {
        (Some(a), Some(b)) if (a - b).abs() > 1e-6 => out.push(Finding {
            rule,
            severity: Severity::Violation,
            cells,
            values,
            message: format!("{scope}: {} but {}", lhs.text(), rhs.text()),
        }),
        (Some(_), Some(_)) => {}
        _ => {
            let blanks: Vec<&str> =
                lhs.cells.iter().chain(&rhs.cells).filter(|c| c.2.is_none()).map(|c| c.0.as_str()).collect();
            out.push(Finding {
                rule,
                severity: Severity::NotCheckable,
                cells,
                values,
                message: format!("{scope}: blank cells {}", blanks.join(", ")),
            });
        }
    }
}

/// Checks rules 1–6 on one report.
pub fn validate(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(apps) = &report.tables.applications {
        applications(apps, &mut out);
    }
    review_litigation(report, &mut out);
    numbers(report, &mut out);
    narrative(report, &mut out);
    out
}

fn app_cell(row: &str, col: &str) -> String {
    format!("applications.{row}.{col}")
}

fn applications(t: &RowTable, out: &mut Vec<Finding>) {
    let columns: Vec<&str> = layout::APPLICANTS.iter().map(|c| c.key).collect();
    let has = |row: &str| t.rows.contains_key(row);
    for col in &columns {
        // Rule 1: new + carried over = total + carried forward.
        if ["new_received", "carried_over", "total", "carried_forward"].iter().all(|r| has(r)) {
            let mut lhs = Sum::new();
            lhs.add(app_cell("new_received", col), "new_received", t.get("new_received", col));
            lhs.add(app_cell("carried_over", col), "carried_over", t.get("carried_over", col));
            let mut rhs = Sum::new();
            rhs.add(app_cell("total", col), "total", t.get("total", col));
            rhs.add(app_cell("carried_forward", col), "carried_forward", t.get("carried_forward", col));
            compare(out, 1, format!("applications, column {col}"), lhs, rhs);
        }
        // Rule 2: total = sum of the outcome rows.
        if has("total") {
            let mut parts = Sum::new();
            for row in layout::outcome_rows(t.layout).filter(|r| has(r)) {
                parts.add(app_cell(row, col), row, t.get(row, col));
            }
            if !parts.cells.is_empty() {
                let mut total = Sum::new();
                total.add(app_cell("total", col), "total", t.get("total", col));
                compare(out, 2, format!("applications, column {col}"), total, parts);
            }
        }
    }
    // Rule 3: each row's total = the six applicant columns.
    for (row, cells) in &t.rows {
        if !cells.contains_key("total") {
            continue;
        }
        let mut parts = Sum::new();
        for col in columns.iter().filter(|c| **c != "total") {
            parts.add(app_cell(row, col), col, cells.get(*col).copied().flatten());
        }
        let mut total = Sum::new();
        total.add(app_cell(row, "total"), "total", cells.get("total").copied().flatten());
        compare(out, 3, format!("applications, row {row}"), total, parts);
    }
}

fn review_litigation(report: &Report, out: &mut Vec<Finding>) {
    let Some(rl) = &report.tables.review_litigation else { return };
    for (group, _) in layout::REVIEW_LITIGATION {
        let g = rl.group(group).expect("known group");
        let key = |c: &str| format!("review_litigation.{group}.{c}");
        let mut total = Sum::new();
        total.add(key("total"), "total", g.total);
        let mut parts = Sum::new();
        for c in &OUTCOMES[..4] {
            parts.add(key(c), c, g.get(c));
        }
        compare(out, 4, format!("review_litigation, group {group}"), total, parts);
    }
}

/// Rule 5: no negatives except gb2019 `change`; integers except the amount cells.
fn numbers(report: &Report, out: &mut Vec<Finding>) {
    let mut cells: Vec<(String, bool, bool, Num)> = Vec::new(); // key, may be negative, may be decimal, value
    if let Some(t) = &report.tables.active_disclosure {
        for (row, cols) in &t.rows {
            for (col, v) in cols {
                if let Some(n) = v {
                    let neg = t.layout == Layout::Gb2019 && col == "change";
                    let dec = col == "amount" && matches!(row.as_str(), "fees" | "procurement");
                    cells.push((format!("active_disclosure.{row}.{col}"), neg, dec, *n));
                }
            }
        }
    }
    if let Some(t) = &report.tables.applications {
        for (row, cols) in &t.rows {
            for (col, v) in cols {
                if let Some(n) = v {
                    cells.push((app_cell(row, col), false, false, *n));
                }
            }
        }
    }
    if let Some(rl) = &report.tables.review_litigation {
        for (group, _) in layout::REVIEW_LITIGATION {
            let g = rl.group(group).expect("known group");
            for c in OUTCOMES {
                if let Some(n) = g.get(c) {
                    cells.push((format!("review_litigation.{group}.{c}"), false, false, n));
                }
            }
        }
    }
    for (key, may_neg, may_dec, n) in cells {
        let problem = if n.0 < 0.0 && !may_neg {
            Some("is negative")
        } else if !may_dec && !n.is_integral() {
            Some("is not a whole number")
        } else {
            None
        };
        if let Some(p) = problem {
            out.push(Finding {
                rule: 5,
                severity: Severity::Violation,
                message: format!("{key} = {n} {p}"),
                cells: vec![key],
                values: vec![Some(n.0)],
            });
        }
    }
}

struct Claim {
    pattern: &'static str,
    what: &'static str,
    cells: &'static [&'static str],
}

const CLAIMS: &[Claim] = &[
    Claim {
        pattern: r"(?:本年|全年|本年度)(?:共)?新收[^。;；,，]{0,12}?申请(?:共)?(\d+)件",
        what: "new applications received",
        cells: &["applications.new_received.total"],
    },
    Claim {
        pattern: r"未收到(?:收到)?(?:任何)?政府信息公开申请()",
        what: "new applications received",
        cells: &["applications.new_received.total"],
    },
    Claim {
        pattern: r"(?:申请|发生|涉及)?行政复议(?:案件)?(?:共)?(\d+)(?:件|起)",
        what: "administrative reviews",
        cells: &["review_litigation.review.total"],
    },
    Claim {
        pattern: r"(?:提起|发生|涉及)?行政诉讼(?:案件)?(?:共)?(\d+)(?:件|起)",
        what: "administrative lawsuits",
        cells: &["review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"],
    },
];

fn cell_value(report: &Report, key: &str) -> Option<Value> {
    let mut parts = key.splitn(3, '.');
    let (table, row, col) = (parts.next()?, parts.next()?, parts.next()?);
    match table {
        "applications" => report.tables.applications.as_ref().map(|t| t.get(row, col)),
        "review_litigation" => report.tables.review_litigation.as_ref().and_then(|t| t.group(row)).map(|g| g.get(col)),
        _ => None,
    }
}

/// Rule 6: numbers quoted in the narrative against the tables (warnings).
fn narrative(report: &Report, out: &mut Vec<Finding>) {
    static RES: OnceLock<Vec<Regex>> = OnceLock::new();
    let res = RES.get_or_init(|| CLAIMS.iter().map(|c| Regex::new(c.pattern).expect("valid claim pattern")).collect());
    let text: String =
        report.sections.iter().flat_map(|s| &s.paragraphs).map(|p| p.as_str()).collect::<Vec<_>>().join("\n");
    let mut seen = std::collections::HashSet::new();
    for (claim, re) in CLAIMS.iter().zip(res) {
        let Some(m) = re.captures(&text) else { continue };
        let said: f64 = match m.get(1).map(|g| g.as_str()) {
            Some("") | None => 0.0,
            Some(n) => match n.parse() {
                Ok(v) => v,
                Err(_) => continue,
            },
        };
        if !seen.insert(claim.cells) {
            continue;
        }
        let Some(values) = claim.cells.iter().map(|c| cell_value(report, c)).collect::<Option<Vec<Value>>>() else {
            continue; // the table is absent: nothing to compare with
        };
        let quote = m.get(0).map_or("", |g| g.as_str());
        let sum: Option<f64> = values.iter().map(|v| v.map(|n| n.0)).sum();
        let cells: Vec<String> = claim.cells.iter().map(|c| c.to_string()).collect();
        let vals: Vec<Option<f64>> = values.iter().map(|v| v.map(|n| n.0)).collect();
        match sum {
            Some(s) if (s - said).abs() > 1e-6 => out.push(Finding {
                rule: 6,
                severity: Severity::Warning,
                message: format!("the text says “{quote}” ({} {}), the table has {}", claim.what, Num(said), Num(s)),
                cells,
                values: vals,
            }),
            Some(_) => {}
            None => out.push(Finding {
                rule: 6,
                severity: Severity::NotCheckable,
                message: format!("the text says “{quote}”, but the table cells are blank"),
                cells,
                values: vals,
            }),
        }
    }
}

/// Rule 7: two reports of one agency for consecutive years (warnings). `prev` is year Y−1.
pub fn validate_years(prev: &Report, cur: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    let (py, cy) = (prev.meta.year.unwrap_or(0), cur.meta.year.unwrap_or(0));
    if let (Some(p), Some(c)) = (&prev.tables.applications, &cur.tables.applications) {
        for col in layout::APPLICANTS.iter().map(|c| c.key) {
            let mut a = Sum::new();
            a.add(format!("{cy}:{}", app_cell("carried_over", col)), "carried_over", c.get("carried_over", col));
            let mut b = Sum::new();
            b.add(
                format!("{py}:{}", app_cell("carried_forward", col)),
                "carried_forward",
                p.get("carried_forward", col),
            );
            compare(&mut out, 7, format!("{cy} carried over vs {py} carried forward, column {col}"), a, b);
        }
    }
    if let (Some(p), Some(c)) = (&prev.tables.active_disclosure, &cur.tables.active_disclosure) {
        if p.layout == Layout::Gb2021 && c.layout == Layout::Gb2021 {
            for row in ["regulations", "normative_documents"] {
                let key = |y: i32, col: &str| format!("{y}:active_disclosure.{row}.{col}");
                let mut now = Sum::new();
                now.add(key(cy, "in_force"), "in_force", c.get(row, "in_force"));
                let mut calc = Sum::new();
                calc.add(key(py, "in_force"), "previous in_force", p.get(row, "in_force"));
                calc.add(key(cy, "issued"), "issued", c.get(row, "issued"));
                let repealed = c.get(row, "repealed").map(|n| Num(-n.0));
                calc.add(key(cy, "repealed"), "minus repealed", repealed);
                compare(&mut out, 7, format!("{row} in force, {py} to {cy}"), now, calc);
            }
        }
    }
    for f in &mut out {
        if f.severity == Severity::Violation {
            f.severity = Severity::Warning;
        }
    }
    out
}
