//! One entry flattened into rows of the four tables. What each column holds is in the README's
//! schema tables; the choices that are not obvious are commented here.

use crate::builder::TableBuilder;
use crate::schema::{CELLS, FINDINGS, REPORTS, SECTIONS};
use crate::Entry;
use nianbao_report::layout::{self, OUTCOMES, REVIEW_LITIGATION};
use nianbao_report::{
    Finding, IndexMap, Layout, Provenance, Recognized, Report, ReviewKind, RowTable, Severity, Source, Tables, Value,
};
use std::collections::HashMap;

/// The rows of one or more entries, in the four tables' builders.
pub struct Batches {
    pub reports: TableBuilder,
    pub cells: TableBuilder,
    pub findings: TableBuilder,
    pub sections: TableBuilder,
}

impl Default for Batches {
    fn default() -> Self {
        Batches::new()
    }
}

impl Batches {
    pub fn new() -> Batches {
        Batches {
            reports: TableBuilder::new(REPORTS),
            cells: TableBuilder::new(CELLS),
            findings: TableBuilder::new(FINDINGS),
            sections: TableBuilder::new(SECTIONS),
        }
    }

    /// Adds one entry: always a `reports` row; its cells, findings and sections unless it failed
    /// or is a `duplicate` (the same bytes as an earlier entry, whose rows already carry its id).
    pub fn push(&mut self, entry: &Entry, duplicate: bool) {
        report_row(&mut self.reports, entry, duplicate);
        if let (Ok((report, findings)), false) = (&entry.outcome, duplicate) {
            cell_rows(&mut self.cells, &entry.id, &report.tables);
            for f in findings {
                finding_row(&mut self.findings, &entry.id, f);
            }
            for (seq, s) in report.sections.iter().enumerate() {
                let text = s.paragraphs.join("\n");
                self.sections.str(Some(&entry.id)).u32(Some(seq as u32)).u8(s.no).str(Some(&s.title)).str(Some(&text));
                self.sections.end_row();
            }
        }
    }

    pub fn builders(&mut self) -> [&mut TableBuilder; 4] {
        [&mut self.reports, &mut self.cells, &mut self.findings, &mut self.sections]
    }
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn recognized(t: &Tables) -> impl Iterator<Item = &Recognized> {
    let a = t.active_disclosure.as_ref().map(|t| &t.recognized);
    let b = t.applications.as_ref().map(|t| &t.recognized);
    let c = t.review_litigation.as_ref().map(|t| &t.recognized);
    a.into_iter().chain(b).chain(c)
}

fn report_row(b: &mut TableBuilder, e: &Entry, duplicate: bool) {
    b.str(Some(&e.id)).str(Some(&e.path)).str(e.format.as_deref()).u32(e.pages);
    let (report, findings): (Option<&Report>, &[Finding]) = match &e.outcome {
        Ok((r, f)) => (Some(r), f),
        Err(_) => (None, &[]),
    };
    b.str(e.outcome.as_ref().err().map(String::as_str)).bool(Some(duplicate));
    let meta = report.map(|r| &r.meta);
    b.str(meta.and_then(|m| non_empty(&m.title)))
        .str(meta.and_then(|m| m.agency.as_deref()))
        .i32(meta.and_then(|m| m.year))
        .str(meta.and_then(|m| m.published.as_deref()))
        .str(meta.and_then(|m| m.index_no.as_deref()))
        .str(meta.map(|m| m.layout.key()));
    let tables = report.map(|r| &r.tables);
    b.str(tables.and_then(|t| t.active_disclosure.as_ref()).map(|t| t.layout.key()))
        .str(tables.and_then(|t| t.applications.as_ref()).map(|t| t.layout.key()))
        .bool(tables.map(|t| t.review_litigation.is_some()))
        .str(report.and_then(|r| r.recognition.as_ref()).map(|g| g.grade.key()));
    // Counts are null for a failed entry: nothing was validated, which is not the same as 0.
    let count = |f: &dyn Fn(&Finding) -> bool| report.map(|_| findings.iter().filter(|x| f(x)).count() as u32);
    b.u32(count(&|f| f.severity == Severity::Violation))
        .u32(count(&|f| f.severity == Severity::Warning))
        .u32(count(&|f| f.severity == Severity::NotCheckable));
    for rule in 0..=7u8 {
        b.u32(count(&|f| f.rule == rule && f.is_problem()));
    }
    let sum = |f: &dyn Fn(&Recognized) -> usize| tables.map(|t| recognized(t).map(f).sum::<usize>() as u32);
    b.u32(sum(&|r| r.missing.len())).u32(sum(&|r| r.unplaced.len())).u32(sum(&|r| r.review_notes.len()));
    b.end_row();
}

fn finding_row(b: &mut TableBuilder, id: &str, f: &Finding) {
    let severity = match f.severity {
        Severity::Violation => "violation",
        Severity::Warning => "warning",
        Severity::NotCheckable => "not_checkable",
    };
    b.str(Some(id)).u8(Some(f.rule)).str(Some(severity)).strs(&f.cells).f64s(&f.values).str(Some(&f.message));
    b.end_row();
}

fn kind_key(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::FuzzyLabel => "fuzzy_label",
        ReviewKind::ByPosition => "by_position",
        ReviewKind::Missing => "missing",
        ReviewKind::Unplaced => "unplaced",
        ReviewKind::ExtraRow => "extra_row",
        ReviewKind::OddNumber => "odd_number",
        ReviewKind::Layout => "layout",
    }
}

/// One table's context for its cell rows: what recognition said about which key.
struct Ctx<'a> {
    id: &'a str,
    table: &'static str,
    marks: &'a IndexMap<String, String>,
    rec: &'a Recognized,
    /// Review kinds by the key they name (a cell `row.column` or a whole row).
    reviews: HashMap<&'a str, Vec<&'static str>>,
}

impl<'a> Ctx<'a> {
    fn new(id: &'a str, table: &'static str, marks: &'a IndexMap<String, String>, rec: &'a Recognized) -> Ctx<'a> {
        let mut reviews: HashMap<&str, Vec<&'static str>> = HashMap::new();
        for r in &rec.review_notes {
            if let Some(k) = &r.key {
                let kinds = reviews.entry(k.as_str()).or_default();
                if !kinds.contains(&kind_key(r.kind)) {
                    kinds.push(kind_key(r.kind));
                }
            }
        }
        Ctx { id, table, marks, rec, reviews }
    }

    /// A cell of the template (status `cell` or `missing`).
    fn cell(&self, b: &mut TableBuilder, row: &str, col: &str, v: Value, status: &str) {
        let key = format!("{row}.{col}");
        let prov: Option<&Provenance> = self.rec.provenance.get(&key);
        let mark = self.marks.get(&key).map(String::as_str);
        // The text as printed: what provenance recorded, else the marker of a null cell.
        let text = prov.map(|p| p.text.as_str()).or(mark);
        let mut kinds: Vec<&str> = Vec::new();
        for k in [key.as_str(), row] {
            for kind in self.reviews.get(k).into_iter().flatten() {
                if !kinds.contains(kind) {
                    kinds.push(kind);
                }
            }
        }
        let review = (!kinds.is_empty()).then(|| kinds.join(","));
        b.str(Some(self.id)).str(Some(self.table)).str(Some(row)).str(Some(col)).f64(v.map(|n| n.0));
        b.str(Some(status)).str(text).str(mark).str(None).str(None).str(review.as_deref());
        source(b, prov.map(|p| &p.source));
        b.end_row();
    }

    /// A printed value without a template cell (status `extra` or `unplaced`), at its 1-based
    /// position in the printed row.
    #[allow(clippy::too_many_arguments)]
    fn loose(
        &self,
        b: &mut TableBuilder,
        status: &str,
        label: &str,
        pos: Option<usize>,
        v: Option<f64>,
        text: Option<&str>,
        note: Option<&str>,
        src: Option<&Source>,
    ) {
        let pos = pos.map(|p| p.to_string());
        b.str(Some(self.id)).str(Some(self.table)).str(None).str(pos.as_deref()).f64(v);
        b.str(Some(status)).str(text).str(None).str(Some(label)).str(note).str(None);
        source(b, src);
        b.end_row();
    }

    fn unplaced(&self, b: &mut TableBuilder) {
        for u in &self.rec.unplaced {
            let src = u.source.as_ref();
            if u.values.is_empty() {
                self.loose(b, "unplaced", &u.label, None, None, None, Some(&u.reason), src);
            }
            for (i, t) in u.values.iter().enumerate() {
                self.loose(b, "unplaced", &u.label, Some(i + 1), plain_number(t), Some(t), Some(&u.reason), src);
            }
        }
    }
}

/// The number an unplaced value plainly is (`12`, `1,234`, `3.5`); anything else stays text only.
fn plain_number(t: &str) -> Option<f64> {
    let s: String = t.chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

fn source(b: &mut TableBuilder, s: Option<&Source>) {
    let bbox = s.and_then(|s| s.bbox);
    b.u32(s.and_then(|s| s.page));
    for i in 0..4 {
        b.f32(bbox.map(|bb| bb[i]));
    }
    b.str(s.and_then(|s| s.sheet.as_deref()))
        .str(s.and_then(|s| s.cell.as_deref()))
        .u32(s.and_then(|s| s.table))
        .u32(s.and_then(|s| s.row))
        .u32(s.and_then(|s| s.col))
        .u32(s.and_then(|s| s.line));
}

/// The columns of a template row, for a row the document does not print.
fn template_columns(table: &str, layout: Layout, row: &str) -> Vec<&'static str> {
    let found = match table {
        "active_disclosure" => layout::active_disclosure(layout).iter().flat_map(|g| g.rows).find(|r| r.key == row),
        _ => layout::applications(layout).find(|r| r.key == row),
    };
    found.map(|r| r.columns.iter().map(|c| c.key).collect()).unwrap_or_default()
}

fn row_table(b: &mut TableBuilder, id: &str, table: &'static str, t: &RowTable) {
    let ctx = Ctx::new(id, table, &t.marks, &t.recognized);
    for (row, cols) in &t.rows {
        for (col, v) in cols {
            ctx.cell(b, row, col, *v, "cell");
        }
    }
    // A missing row is not in `rows`: its template cells are listed, null, so that every cell
    // of the layout is accounted for.
    for row in t.recognized.missing.iter().filter(|k| !t.rows.contains_key(*k)) {
        let cols = template_columns(table, t.layout, row);
        if cols.is_empty() {
            b.str(Some(id)).str(Some(table)).str(Some(row)).str(None).f64(None);
            b.str(Some("missing")).str(None).str(None).str(None).str(None).str(None);
            source(b, None);
            b.end_row();
        }
        for col in cols {
            ctx.cell(b, row, col, None, "missing");
        }
    }
    for x in &t.extra_rows {
        for (i, v) in x.values.iter().enumerate() {
            ctx.loose(b, "extra", &x.label, Some(i + 1), v.map(|n| n.0), None, None, None);
        }
    }
    ctx.unplaced(b);
}

fn cell_rows(b: &mut TableBuilder, id: &str, tables: &Tables) {
    if let Some(t) = &tables.active_disclosure {
        row_table(b, id, "active_disclosure", t);
    }
    if let Some(t) = &tables.applications {
        row_table(b, id, "applications", t);
    }
    if let Some(t) = &tables.review_litigation {
        let ctx = Ctx::new(id, "review_litigation", &t.marks, &t.recognized);
        let missing = &t.recognized.missing;
        for (group, _) in REVIEW_LITIGATION {
            let outcomes = t.group(group).expect("the three groups");
            for col in OUTCOMES {
                let key = format!("{group}.{col}");
                let status = if missing.iter().any(|m| *m == key || m == group) { "missing" } else { "cell" };
                ctx.cell(b, group, col, outcomes.get(col), status);
            }
        }
        ctx.unplaced(b);
    }
}
