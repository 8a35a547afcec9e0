//! Reading values: a printed row's cells into the columns of its template row, printed
//! markers kept.

use crate::labels::CellValue;
use crate::recognize::find::Record;
use nianbao_report::layout::{self, Row};
use nianbao_report::{Num, ReviewLitigation, RowTable, Value};

/// Fits a record's values to `n` columns: surplus blanks are dropped from the front (cells
/// covered by a merged label), then from the back (padding); surplus numbers are dropped from
/// the back.
pub fn fit(values: &[(String, CellValue)], n: usize) -> Vec<(String, CellValue)> {
    let mut v: Vec<_> = values.to_vec();
    while v.len() > n && matches!(v.first(), Some((_, CellValue::Null(None)))) {
        v.remove(0);
    }
    while v.len() > n && matches!(v.last(), Some((_, CellValue::Null(None)))) {
        v.pop();
    }
    v.truncate(n);
    v
}

pub fn to_value(v: &CellValue) -> Value {
    match v {
        CellValue::Number(n) => Some(Num(*n)),
        _ => None,
    }
}

fn mark(v: &CellValue) -> Option<&str> {
    match v {
        CellValue::Null(Some(m)) => Some(m),
        _ => None,
    }
}

/// What recognition did with a table's records, for `inspect`.
#[derive(Debug, Default, Clone)]
pub struct Placement {
    pub rows: usize,
    pub cells: usize,
    pub unplaced: Vec<String>,
}

fn fill_row(t: &mut RowTable, row: &Row, values: &[(String, CellValue)], p: &mut Placement) {
    let fitted = fit(values, row.columns.len());
    if fitted.len() < row.columns.len() {
        p.unplaced.push(format!(
            "row {} has {} of {} cells; the rest are blank",
            row.key,
            fitted.len(),
            row.columns.len()
        ));
    }
    let mut cells = nianbao_report::IndexMap::new();
    for (i, col) in row.columns.iter().enumerate() {
        let v = fitted.get(i).map(|x| &x.1);
        cells.insert(col.key.to_string(), v.and_then(to_value));
        if let Some(m) = v.and_then(mark) {
            t.marks.insert(format!("{}.{}", row.key, col.key), m.to_string());
        }
    }
    p.rows += 1;
    p.cells += fitted.len();
    t.rows.insert(row.key.to_string(), cells);
}

/// Fills the rows found, in the layout's printed order. When a label occurs more than once
/// (a header cell reading like a row label, a table printed twice), the first record with
/// numbers wins.
pub fn fill_rows<'a>(
    t: &mut RowTable,
    order: impl Iterator<Item = &'a Row>,
    found: &[(&'static Row, &Record)],
    p: &mut Placement,
) {
    for spec in order {
        let cands: Vec<&Record> = found.iter().filter(|(r, _)| r.key == spec.key).map(|(_, rec)| *rec).collect();
        let Some(best) = cands.iter().find(|r| r.has_number_or_mark()).or(cands.first()) else { continue };
        if cands.iter().filter(|r| r.has_number_or_mark()).count() > 1 {
            p.unplaced.push(format!("row {} appears again; the first one is kept", spec.key));
        }
        fill_row(t, spec, &best.values, p);
    }
}

pub fn place_outcomes(t: &mut ReviewLitigation, group: &str, vals: &[(String, CellValue)], p: &mut Placement) {
    for (col, (_, v)) in layout::OUTCOMES.iter().zip(vals) {
        if let Some(slot) = t.group_mut(group).and_then(|g| g.slot(col)) {
            *slot = to_value(v);
        }
        if let Some(m) = mark(v) {
            t.marks.insert(format!("{group}.{col}"), m.to_string());
        }
        p.cells += 1;
    }
    p.rows += 1;
}
