//! The consistency rules (勾稽关系) of the spec, and completeness (rule 0: every template row
//! printed). Validation reads a report and returns findings; it never changes data. A blank cell
//! makes a sum "not checkable", never "broken". Findings name rows and columns by the labels the
//! template prints, with their keys in brackets.

use crate::layout::{self, OUTCOMES, OUTCOME_HEADERS};
use crate::model::{Layout, Num, Report, RowTable, Value};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A rule of the official tables is broken (rules 1–5).
    Violation,
    /// A row of the template is not printed (rule 0), or text and tables, or two years,
    /// disagree (rules 6–7).
    Warning,
    /// The rule could not be checked because a cell it needs is blank.
    NotCheckable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// 0 completeness (every template row printed), 1–7 the consistency rules of
    /// `docs/report-model.md`.
    pub rule: u8,
    pub severity: Severity,
    /// The cells involved, as `table.row.column` keys.
    pub cells: Vec<String>,
    /// Their values, in the same order (`null` for blanks).
    pub values: Vec<Option<f64>>,
    /// The rule's finding in words, naming rows and columns by the template's printed labels
    /// with their keys in brackets.
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

/// The tables' names as the official layout's sheets and captions call them.
const TABLE_NAMES: [(&str, &str); 3] =
    [("active_disclosure", "主动公开"), ("applications", "依申请公开"), ("review_litigation", "复议诉讼")];

fn table_name(table: &str) -> &'static str {
    TABLE_NAMES.iter().find(|(k, _)| *k == table).map_or("", |(_, n)| n)
}

/// The label path below the table's top-level grouping (`三、本年度办理结果`), joined by `/`:
/// `(三)不予公开/1.属于国家秘密`.
fn path_label(path: &[&str]) -> String {
    let path = if path.len() > 1 && path[0].starts_with("三、") { &path[1..] } else { path };
    path.join("/")
}

/// A row's printed label in its table's layout; the key itself for a row the layout lacks.
fn row_label(table: &str, layout: Layout, row: &str) -> String {
    let found = match table {
        "applications" => layout::applications(layout).find(|r| r.key == row).map(|r| path_label(r.label)),
        "active_disclosure" => layout::active_disclosure(layout)
            .iter()
            .flat_map(|g| g.rows)
            .find(|r| r.key == row)
            .map(|r| path_label(r.label)),
        "review_litigation" => {
            layout::REVIEW_LITIGATION.iter().find(|(g, _)| *g == row).map(|(_, path)| path_label(path))
        }
        _ => None,
    };
    found.unwrap_or_else(|| row.to_string())
}

/// A column's printed header.
fn column_label(table: &str, layout: Layout, row: &str, col: &str) -> String {
    let found = match table {
        "applications" => layout::APPLICANTS.iter().find(|c| c.key == col).map(|c| path_label(c.header)),
        "active_disclosure" => layout::active_disclosure(layout)
            .iter()
            .flat_map(|g| g.rows)
            .find(|r| r.key == row)
            .and_then(|r| r.columns.iter().find(|c| c.key == col))
            .map(|c| path_label(c.header)),
        "review_litigation" => OUTCOMES.iter().position(|c| *c == col).map(|i| OUTCOME_HEADERS[i].to_string()),
        _ => None,
    };
    found.unwrap_or_else(|| col.to_string())
}

/// A cell as the template prints it, with its key for scripts:
/// `依申请公开 (三)不予公开/1.属于国家秘密 × 自然人 [applications.denied.state_secret.natural_person]`.
fn cell_label(table: &str, layout: Layout, row: &str, col: &str) -> String {
    format!(
        "{} {} × {} [{table}.{row}.{col}]",
        table_name(table),
        row_label(table, layout, row),
        column_label(table, layout, row, col)
    )
}

/// A sum of cells, each shown by its printed label and its key: `(一)予以公开 [granted] 3`.
struct Sum {
    /// (full key, label with short key, value)
    cells: Vec<(String, String, Value)>,
}

impl Sum {
    fn new() -> Sum {
        Sum { cells: Vec::new() }
    }
    fn add(&mut self, key: String, label: String, v: Value) {
        self.cells.push((key, label, v));
    }
    fn total(&self) -> Option<f64> {
        self.cells.iter().map(|c| c.2.map(|n| n.0)).sum()
    }
    /// `a 3 + b 1 = 4`; with `zeros` naming what the cells are (`rows`), cells at 0 are left
    /// out and counted instead, so that a sum of 21 rows stays readable.
    fn text(&self, zeros: Option<&str>) -> String {
        let shown: Vec<&(String, String, Value)> = match zeros {
            Some(_) => self.cells.iter().filter(|c| c.2.is_none_or(|n| n.0 != 0.0)).collect(),
            None => self.cells.iter().collect(),
        };
        let hidden = self.cells.len() - shown.len();
        let parts: Vec<String> = shown.iter().map(|(_, l, v)| format!("{l} {}", fmt_val(*v))).collect();
        let mut out = match self.total() {
            Some(t) if self.cells.len() > 1 && parts.len() > 1 => format!("{} = {}", parts.join(" + "), Num(t)),
            Some(t) if self.cells.len() > 1 && parts.is_empty() => Num(t).to_string(),
            _ => parts.join(" + "),
        };
        if let (Some(what), true) = (zeros, hidden > 0) {
            let all = if shown.is_empty() { "all" } else { "the other" };
            out += &format!(" ({all} {hidden} {what} 0)");
        }
        out
    }
}

/// Compares two sums; pushes a violation or a not-checkable finding. `zeros`: see [`Sum::text`],
/// for the right-hand side.
fn compare(out: &mut Vec<Finding>, rule: u8, scope: String, lhs: Sum, rhs: Sum, zeros: Option<&str>) {
    let cells: Vec<String> = lhs.cells.iter().chain(&rhs.cells).map(|c| c.0.clone()).collect();
    let values: Vec<Option<f64>> = lhs.cells.iter().chain(&rhs.cells).map(|c| c.2.map(|n| n.0)).collect();
    match (lhs.total(), rhs.total()) {
        (Some(a), Some(b)) if (a - b).abs() > 1e-6 => out.push(Finding {
            rule,
            severity: Severity::Violation,
            cells,
            values,
            message: format!("{scope}: {} but {}", lhs.text(None), rhs.text(zeros)),
        }),
        (Some(_), Some(_)) => {}
        _ => {
            let blanks: Vec<&str> =
                lhs.cells.iter().chain(&rhs.cells).filter(|c| c.2.is_none()).map(|c| c.1.as_str()).collect();
            out.push(Finding {
                rule,
                severity: Severity::NotCheckable,
                cells,
                values,
                message: format!("{scope}: blank {}", blanks.join(", ")),
            });
        }
    }
}

/// Checks rules 0–6 on one report.
pub fn validate(report: &Report) -> Vec<Finding> {
    let mut out = Vec::new();
    completeness(report, &mut out);
    if let Some(apps) = &report.tables.applications {
        applications(apps, &mut out);
    }
    review_litigation(report, &mut out);
    numbers(report, &mut out);
    narrative(report, &mut out);
    out
}

/// Rule 0: every row of the layout is printed (warnings). A row absent from `rows`, or listed
/// in the table's `missing` by recognition (for section 四, cells `group.column`), is named by
/// its printed label. gb2019's 政府集中采购 row is printed only where it applies.
fn completeness(report: &Report, out: &mut Vec<Finding>) {
    let mut push = |table: &str, key: String, label: String| {
        out.push(Finding {
            rule: 0,
            severity: Severity::Warning,
            message: format!("{}: {label} is not printed", table_name(table)),
            cells: vec![format!("{table}.{key}")],
            values: vec![None],
        });
    };
    let t = &report.tables;
    for (name, table) in [("active_disclosure", &t.active_disclosure), ("applications", &t.applications)] {
        let Some(table) = table else { continue };
        let layout_rows: Vec<&str> = match name {
            "applications" => layout::applications(table.layout).map(|r| r.key).collect(),
            _ => layout::active_disclosure(table.layout)
                .iter()
                .flat_map(|g| g.rows)
                .map(|r| r.key)
                .filter(|k| *k != "procurement")
                .collect(),
        };
        let mut keys: Vec<&str> = layout_rows.into_iter().filter(|k| !table.rows.contains_key(*k)).collect();
        for k in &table.recognized.missing {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
        for k in keys {
            push(name, k.to_string(), format!("the row {} [{k}]", row_label(name, table.layout, k)));
        }
    }
    if let Some(rl) = &t.review_litigation {
        for k in &rl.recognized.missing {
            let label = match k.split_once('.') {
                Some((g, c)) => format!(
                    "{}/{}",
                    row_label("review_litigation", Layout::Gb2021, g),
                    column_label("review_litigation", Layout::Gb2021, g, c)
                ),
                None => row_label("review_litigation", Layout::Gb2021, k),
            };
            push("review_litigation", k.clone(), format!("the cell {label} [{k}]"));
        }
    }
}

fn app_cell(row: &str, col: &str) -> String {
    format!("applications.{row}.{col}")
}

fn applications(t: &RowTable, out: &mut Vec<Finding>) {
    let columns: Vec<&str> = layout::APPLICANTS.iter().map(|c| c.key).collect();
    let has = |row: &str| t.rows.contains_key(row);
    let row = |r: &str| format!("{} [{r}]", row_label("applications", t.layout, r));
    let column = |c: &str| format!("{} [{c}]", column_label("applications", t.layout, "", c));
    let scope = |what: String| format!("{} {what}", table_name("applications"));
    for col in &columns {
        // Rule 1: new + carried over = total + carried forward.
        if ["new_received", "carried_over", "total", "carried_forward"].iter().all(|r| has(r)) {
            let mut lhs = Sum::new();
            lhs.add(app_cell("new_received", col), row("new_received"), t.get("new_received", col));
            lhs.add(app_cell("carried_over", col), row("carried_over"), t.get("carried_over", col));
            let mut rhs = Sum::new();
            rhs.add(app_cell("total", col), row("total"), t.get("total", col));
            rhs.add(app_cell("carried_forward", col), row("carried_forward"), t.get("carried_forward", col));
            compare(out, 1, scope(format!("column {}", column(col))), lhs, rhs, None);
        }
        // Rule 2: total = sum of the outcome rows.
        if has("total") {
            let mut parts = Sum::new();
            for r in layout::outcome_rows(t.layout).filter(|r| has(r)) {
                parts.add(app_cell(r, col), row(r), t.get(r, col));
            }
            if !parts.cells.is_empty() {
                let mut total = Sum::new();
                total.add(app_cell("total", col), row("total"), t.get("total", col));
                compare(out, 2, scope(format!("column {}", column(col))), total, parts, Some("rows at"));
            }
        }
    }
    // Rule 3: each row's total = the six applicant columns.
    for (r, cells) in &t.rows {
        if !cells.contains_key("total") {
            continue;
        }
        let mut parts = Sum::new();
        for col in columns.iter().filter(|c| **c != "total") {
            parts.add(app_cell(r, col), column(col), cells.get(*col).copied().flatten());
        }
        let mut total = Sum::new();
        total.add(app_cell(r, "total"), column("total"), cells.get("total").copied().flatten());
        compare(out, 3, scope(format!("row {}", row(r))), total, parts, Some("columns at"));
    }
}

fn review_litigation(report: &Report, out: &mut Vec<Finding>) {
    let Some(rl) = &report.tables.review_litigation else { return };
    for (group, _) in layout::REVIEW_LITIGATION {
        let g = rl.group(group).expect("known group");
        let key = |c: &str| format!("review_litigation.{group}.{c}");
        let label = |c: &str| format!("{} [{c}]", column_label("review_litigation", Layout::Gb2021, group, c));
        let mut total = Sum::new();
        total.add(key("total"), label("total"), g.total);
        let mut parts = Sum::new();
        for c in &OUTCOMES[..4] {
            parts.add(key(c), label(c), g.get(c));
        }
        let scope = format!(
            "{} {} [{group}]",
            table_name("review_litigation"),
            row_label("review_litigation", Layout::Gb2021, group)
        );
        compare(out, 4, scope, total, parts, None);
    }
}

/// Rule 5: no negatives except gb2019 `change`; integers except the amount cells.
fn numbers(report: &Report, out: &mut Vec<Finding>) {
    // key, label, may be negative, may be decimal, value
    let mut cells: Vec<(String, String, bool, bool, Num)> = Vec::new();
    if let Some(t) = &report.tables.active_disclosure {
        for (row, cols) in &t.rows {
            for (col, v) in cols {
                if let Some(n) = v {
                    let neg = t.layout == Layout::Gb2019 && col == "change";
                    let dec = col == "amount" && matches!(row.as_str(), "fees" | "procurement");
                    let label = cell_label("active_disclosure", t.layout, row, col);
                    cells.push((format!("active_disclosure.{row}.{col}"), label, neg, dec, *n));
                }
            }
        }
    }
    if let Some(t) = &report.tables.applications {
        for (row, cols) in &t.rows {
            for (col, v) in cols {
                if let Some(n) = v {
                    cells.push((app_cell(row, col), cell_label("applications", t.layout, row, col), false, false, *n));
                }
            }
        }
    }
    if let Some(rl) = &report.tables.review_litigation {
        for (group, _) in layout::REVIEW_LITIGATION {
            let g = rl.group(group).expect("known group");
            for c in OUTCOMES {
                if let Some(n) = g.get(c) {
                    let label = cell_label("review_litigation", Layout::Gb2021, group, c);
                    cells.push((format!("review_litigation.{group}.{c}"), label, false, false, n));
                }
            }
        }
    }
    for (key, label, may_neg, may_dec, n) in cells {
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
                message: format!("{label} = {n} {p}"),
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
        let row = |y: i32, t: &RowTable, r: &str| format!("{y} {} [{r}]", row_label("applications", t.layout, r));
        for col in layout::APPLICANTS.iter().map(|c| c.key) {
            let mut a = Sum::new();
            a.add(
                format!("{cy}:{}", app_cell("carried_over", col)),
                row(cy, c, "carried_over"),
                c.get("carried_over", col),
            );
            let mut b = Sum::new();
            let prev_row = row(py, p, "carried_forward");
            b.add(format!("{py}:{}", app_cell("carried_forward", col)), prev_row, p.get("carried_forward", col));
            let column = format!("{} [{col}]", column_label("applications", c.layout, "", col));
            let scope =
                format!("{cy} carried over vs {py} carried forward, {} column {column}", table_name("applications"));
            compare(&mut out, 7, scope, a, b, None);
        }
    }
    if let (Some(p), Some(c)) = (&prev.tables.active_disclosure, &cur.tables.active_disclosure) {
        if p.layout == Layout::Gb2021 && c.layout == Layout::Gb2021 {
            for row in ["regulations", "normative_documents"] {
                let key = |y: i32, col: &str| format!("{y}:active_disclosure.{row}.{col}");
                let label = |y: i32, col: &str| {
                    format!("{y} {} [{col}]", column_label("active_disclosure", Layout::Gb2021, row, col))
                };
                let mut now = Sum::new();
                now.add(key(cy, "in_force"), label(cy, "in_force"), c.get(row, "in_force"));
                let mut calc = Sum::new();
                calc.add(key(py, "in_force"), label(py, "in_force"), p.get(row, "in_force"));
                calc.add(key(cy, "issued"), label(cy, "issued"), c.get(row, "issued"));
                let repealed = c.get(row, "repealed").map(|n| Num(-n.0));
                calc.add(key(cy, "repealed"), format!("minus {}", label(cy, "repealed")), repealed);
                let name = row_label("active_disclosure", Layout::Gb2021, row);
                compare(&mut out, 7, format!("{name} [{row}] in force, {py} to {cy}"), now, calc, None);
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
