//! Reading values: an aligned row's cells into the columns of its template row, printed markers
//! kept; and what could not be read surely kept too — numbers without a cell go to the table's
//! `unplaced`, template rows without a printed row to `missing`, and every guess to `review`.

use crate::labels::{oddity, CellValue};
use crate::recognize::align::{Alignment, How, Printed};
use crate::recognize::find::Piece;
use nianbao_report::layout::Column;
use nianbao_report::{
    ExtraRow, IndexMap, Num, Provenance, Recognized, Review, ReviewKind, ReviewLitigation, RowTable, Unplaced, Value,
};

/// What to fill besides the values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fill {
    /// Where each value was printed.
    pub provenance: bool,
}

fn review(r: &mut Recognized, kind: ReviewKind, key: Option<&str>, printed: Option<&str>, note: String) {
    r.review_notes.push(Review {
        kind,
        key: key.map(str::to_string),
        printed: printed.filter(|p| !p.is_empty()).map(str::to_string),
        note,
    });
}

fn holds_figure(p: &Piece) -> bool {
    matches!(p.value, CellValue::Number(_) | CellValue::Odd)
}

fn texts(values: &[&Piece]) -> Vec<String> {
    values.iter().map(|p| p.text.clone()).collect()
}

fn unplace(r: &mut Recognized, p: &Printed, values: Vec<String>, key: Option<&str>, reason: String) {
    review(r, ReviewKind::Unplaced, key, Some(&p.label), reason.clone());
    r.unplaced.push(Unplaced { label: p.label.clone(), values, reason, source: p.source.cloned() });
}

fn shown(label: &str) -> String {
    if label.is_empty() {
        return "(no label)".into();
    }
    let label: String = label.split_whitespace().collect();
    let mut t: String = label.chars().take(30).collect();
    if label.chars().count() > 30 {
        t.push('…');
    }
    format!("“{t}”")
}

/// Values for a row's columns (None where unsure), and the cells beyond them.
pub type Fitted<'a> = (Option<Vec<Option<&'a Piece>>>, Vec<&'a Piece>);

/// A row's values fitted to `n` columns: surplus blanks are dropped from the front (cells
/// covered by a merged label), then from the back (padding). Returns the values for the
/// columns, or None when the row has fewer than `n` cells and nothing tells which are blank;
/// and the surplus cells beyond the `n`th.
pub fn fit(values: &[Piece], n: usize, ragged: bool) -> Fitted<'_> {
    let blank = |p: &Piece| matches!(p.value, CellValue::Null(None));
    let mut v: Vec<&Piece> = values.iter().collect();
    while v.len() > n && v.first().is_some_and(|p| blank(p)) {
        v.remove(0);
    }
    while v.len() > n && v.last().is_some_and(|p| blank(p)) {
        v.pop();
    }
    let surplus = if v.len() > n { v.split_off(n) } else { Vec::new() };
    // A row of blanks a flat run dropped entirely, or a grid row cut short: the cells it lacks
    // are blank. Otherwise a value is missing from the middle of the row, and which one is not
    // known.
    if v.len() < n && !v.is_empty() && !ragged {
        return (None, surplus);
    }
    let mut cells: Vec<Option<&Piece>> = v.into_iter().map(Some).collect();
    cells.resize(n, None);
    (Some(cells), surplus)
}

/// One cell's value, with its mark, provenance and notes.
fn read_cell(
    r: &mut Recognized,
    marks: &mut IndexMap<String, String>,
    p: &Printed,
    key: &str,
    col: &str,
    cell: Option<&Piece>,
    fill: Fill,
) -> Value {
    let cell_key = || format!("{key}.{col}");
    let piece = cell?;
    match &piece.value {
        CellValue::Number(n) => {
            if let Some(odd) = oddity(&piece.text, col == "amount") {
                review(r, ReviewKind::OddNumber, Some(&cell_key()), Some(&piece.text), format!("read {n} from {odd}"));
            }
            if fill.provenance {
                let source = piece.source.clone().unwrap_or_default();
                r.provenance.insert(cell_key(), Provenance { text: piece.text.clone(), source });
            }
            Some(Num(*n))
        }
        CellValue::Null(Some(m)) => {
            marks.insert(cell_key(), m.clone());
            None
        }
        CellValue::Odd => {
            let k = cell_key();
            let reason = format!("“{}” in {k} is not a number: the cell is left blank", piece.text);
            unplace(r, p, vec![piece.text.clone()], Some(&k), reason);
            None
        }
        _ => None,
    }
}

/// Why a row was placed where it was, if that was a guess.
fn placed(r: &mut Recognized, p: &Printed, key: &str, how: How) {
    let note = match how {
        How::Exact => return,
        How::Variant => return,
        How::Cut => format!("{} is the start of the label of {key} alone: its end was cut off", shown(&p.label)),
        How::Fuzzy(s) => format!("{} read as {key} ({:.0}% alike)", shown(&p.label), s * 100.0),
        How::Position if p.shared() => {
            format!(
                "{} is one label merged over several rows: this one placed as {key} by its position",
                shown(&p.label)
            )
        }
        How::Position => format!("a row without a label placed as {key} by its position"),
    };
    let kind = if matches!(how, How::Position) { ReviewKind::ByPosition } else { ReviewKind::FuzzyLabel };
    review(r, kind, Some(key), Some(&p.label), note);
}

/// The cells of an aligned row, in its template row's columns. None when they cannot be placed
/// surely (then they are unplaced).
fn read_row(
    r: &mut Recognized,
    marks: &mut IndexMap<String, String>,
    p: &Printed,
    key: &str,
    columns: &[Column],
    fill: Fill,
) -> Option<IndexMap<String, Value>> {
    let (cells, surplus) = fit(p.values, columns.len(), p.ragged);
    if cells.is_none() || surplus.iter().any(|s| holds_figure(s)) {
        // Not as many cells as columns: the columns of a grid's header may still say which
        // each is.
        if let Some(row) = by_headers(r, marks, p, key, columns, fill) {
            return Some(row);
        }
    }
    // Surplus numbers are unplaced; markers and blanks beyond the columns hold none.
    if surplus.iter().any(|s| holds_figure(s)) {
        let reason =
            format!("{} has {} more cells than the {} columns of {key}", shown(&p.label), surplus.len(), columns.len());
        unplace(r, p, texts(&surplus), Some(key), reason);
    }
    let Some(cells) = cells else {
        let n = p.values.len();
        let reason = format!("{n} cells for the {} columns of {key}: which are blank is not known", columns.len());
        unplace(r, p, p.values.iter().map(|v| v.text.clone()).collect(), Some(key), reason);
        return None;
    };
    let mut row = IndexMap::new();
    for (col, cell) in columns.iter().zip(cells) {
        let v = read_cell(r, marks, p, key, col.key, cell, fill);
        row.insert(col.key.to_string(), v);
    }
    Some(row)
}

/// A row's cells placed by the columns its table's header prints them under, when every cell
/// with a figure stands under a header that names an applicant column. Columns the header does
/// not print are blank.
fn by_headers(
    r: &mut Recognized,
    marks: &mut IndexMap<String, String>,
    p: &Printed,
    key: &str,
    columns: &[Column],
    fill: Fill,
) -> Option<IndexMap<String, Value>> {
    let header = p.header.as_ref()?;
    let column_of = |v: &Piece| v.cols.and_then(|(c, _)| header.iter().find(|(h, _)| *h == c)).map(|(_, k)| *k);
    if p.values.iter().any(|v| holds_figure(v) && column_of(v).is_none()) {
        return None;
    }
    let mut row = IndexMap::new();
    let mut absent = Vec::new();
    for col in columns {
        let cell = p.values.iter().find(|v| column_of(v) == Some(col.key));
        if !header.iter().any(|(_, k)| *k == col.key) {
            absent.push(col.key);
        }
        let v = read_cell(r, marks, p, key, col.key, cell, fill);
        row.insert(col.key.to_string(), v);
    }
    let mut note = format!("{}: its cells placed by the column headers over them", shown(&p.label));
    if !absent.is_empty() {
        note.push_str(&format!("; the table prints no column {}", absent.join(", ")));
    }
    review(r, ReviewKind::ByPosition, Some(key), Some(&p.label), note);
    Some(row)
}

/// A template row the model lacks: not printed, or printed with cells that could not be placed.
fn missing(r: &mut Recognized, key: &str, label: &str, printed: bool) {
    r.missing.push(key.to_string());
    let why = if printed { "is printed, but its cells could not be placed" } else { "is not printed" };
    review(r, ReviewKind::Missing, Some(key), None, format!("{key} ({label}) {why}"));
}

/// A table of rows from its alignment. Printed rows left out with numbers in them are extra
/// rows (`extras`, section 二's provincial rows) or unplaced.
pub fn row_table(a: &Alignment, extras: bool, fill: Fill) -> RowTable {
    let mut t = RowTable::new(a.layout);
    let mut r = Recognized::default();
    for (j, target) in a.targets.iter().enumerate() {
        let Some((p, how)) = a.printed_of(j) else { continue };
        placed(&mut r, p, target.key(), how);
        if let Some(row) = read_row(&mut r, &mut t.marks, p, target.key(), target.columns(), fill) {
            t.rows.insert(target.key().to_string(), row);
        }
    }
    for (j, target) in a.targets.iter().enumerate() {
        let printed = a.printed_of(j).is_some();
        if !t.rows.contains_key(target.key()) && (printed || !target.optional) {
            missing(&mut r, target.key(), target.row.label.last().copied().unwrap_or_default(), printed);
        }
    }
    for (p, m) in a.printed.iter().zip(&a.matched) {
        if m.is_some() || !p.has_values() {
            continue;
        }
        if extras && !p.label.is_empty() {
            let values =
                p.values.iter().map(|v| if let CellValue::Number(n) = v.value { Some(Num(n)) } else { None }).collect();
            t.extra_rows.push(ExtraRow { label: p.label.clone(), values });
            let note = format!("{} is not a row of the {} layout: kept in extra_rows", shown(&p.label), a.layout);
            review(&mut r, ReviewKind::ExtraRow, None, Some(&p.label), note);
        } else {
            let reason = format!("{} is no row of the {} layout", shown(&p.label), a.layout);
            unplace(&mut r, p, p.values.iter().map(|v| v.text.clone()).collect(), None, reason);
        }
    }
    t.recognized = r;
    t
}

/// Section 四 printed with a row per group: each aligned group's five outcomes.
pub fn rl_from_rows(a: &Alignment, fill: Fill) -> ReviewLitigation {
    let mut t = ReviewLitigation::default();
    let mut r = Recognized::default();
    for (j, target) in a.targets.iter().enumerate() {
        let group = target.key();
        match a.printed_of(j) {
            Some((p, how)) => {
                placed(&mut r, p, group, how);
                match read_row(&mut r, &mut t.marks, p, group, target.columns(), fill) {
                    Some(row) => set_outcomes(&mut t, group, &row),
                    None => outcomes_missing(&mut r, group, true),
                }
            }
            None => outcomes_missing(&mut r, group, false),
        }
    }
    for (p, m) in a.printed.iter().zip(&a.matched) {
        if m.is_none() && p.has_values() {
            let reason = format!("{} is no group of section 四's table", shown(&p.label));
            unplace(&mut r, p, p.values.iter().map(|v| v.text.clone()).collect(), None, reason);
        }
    }
    t.recognized = r;
    t
}

fn outcomes_missing(r: &mut Recognized, group: &str, printed: bool) {
    for col in nianbao_report::layout::OUTCOMES {
        r.missing.push(format!("{group}.{col}"));
    }
    let why = if printed { "could not be placed" } else { "are not printed" };
    review(r, ReviewKind::Missing, Some(group), None, format!("the five cells of {group} {why}"));
}

fn set_outcomes(t: &mut ReviewLitigation, group: &str, row: &IndexMap<String, Value>) {
    if let Some(g) = t.group_mut(group) {
        for (col, v) in row {
            if let Some(slot) = g.slot(col) {
                *slot = *v;
            }
        }
    }
}

/// Section 四 printed as one row of fifteen cells, in the template's order.
pub fn rl_from_cells(p: &Printed, fill: Fill) -> ReviewLitigation {
    let mut t = ReviewLitigation::default();
    let mut r = Recognized::default();
    let (cells, surplus) = fit(p.values, 15, p.ragged);
    if surplus.iter().any(|s| holds_figure(s)) {
        let reason = format!("{} cells beyond the 15 of section 四's table", surplus.len());
        unplace(&mut r, p, texts(&surplus), None, reason);
    }
    match cells {
        Some(cells) => {
            for (k, (group, _)) in nianbao_report::layout::REVIEW_LITIGATION.iter().enumerate() {
                let mut row = IndexMap::new();
                for (c, col) in nianbao_report::layout::OUTCOMES.iter().enumerate() {
                    let v = read_cell(&mut r, &mut t.marks, p, group, col, cells[k * 5 + c], fill);
                    row.insert(col.to_string(), v);
                }
                set_outcomes(&mut t, group, &row);
            }
        }
        None => {
            let reason =
                format!("{} cells for the 15 of section 四's table: which are blank is not known", p.values.len());
            unplace(&mut r, p, p.values.iter().map(|v| v.text.clone()).collect(), None, reason);
            for (group, _) in nianbao_report::layout::REVIEW_LITIGATION {
                outcomes_missing(&mut r, group, true);
            }
        }
    }
    t.recognized = r;
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::align::{ad_printed, ad_targets, align, app_printed, app_targets, rl_printed, rl_targets};
    use crate::recognize::find::{records, Record};
    use nianbao_report::Layout;

    fn recs(cells: &[&str]) -> Vec<Record> {
        records(cells.iter().map(|s| Piece::new(s, None)))
    }

    fn ad(cells: &[&str], fill: Fill) -> RowTable {
        let r = recs(cells);
        row_table(&align(Layout::Gb2021, ad_printed(&r), ad_targets(Layout::Gb2021)), true, fill)
    }

    #[test]
    fn markers_are_null_and_kept_blanks_are_null() {
        let t = ad(&["第二十条第(一)项", "规章", "—", "/", "3", "行政规范性文件", "", "1", "2"], Fill::default());
        assert_eq!(t.get("regulations", "issued"), None);
        assert_eq!(t.marks.get("regulations.issued").map(String::as_str), Some("—"));
        assert_eq!(t.marks.get("regulations.repealed").map(String::as_str), Some("/"));
        assert_eq!(t.get("regulations", "in_force"), Some(Num(3.0)));
        assert_eq!(t.get("normative_documents", "issued"), None);
        assert!(!t.marks.contains_key("normative_documents.issued"));
    }

    #[test]
    fn numbers_beyond_a_row_are_unplaced_and_a_row_short_of_cells_is_not_guessed() {
        let t = ad(&["第二十条第(一)项", "规章", "1", "2", "3", "4", "行政规范性文件", "5", "6"], Fill::default());
        assert_eq!(t.get("regulations", "in_force"), Some(Num(3.0)), "the first three are the row's");
        assert_eq!(t.recognized.unplaced[0].values, ["4"]);
        assert!(!t.rows.contains_key("normative_documents"), "two cells for three columns: not guessed");
        assert_eq!(t.recognized.unplaced[1].values, ["5", "6"]);
        assert!(t.recognized.missing.contains(&"normative_documents".to_string()));
    }

    #[test]
    fn an_extra_row_is_kept_and_a_missing_row_listed() {
        let t = ad(
            &[
                "第二十条第(五)项",
                "行政许可",
                "7",
                "其他主动公开文件",
                "9",
                "第二十条第(八)项",
                "行政事业性收费",
                "1.5",
            ],
            Fill::default(),
        );
        assert_eq!(t.extra_rows.len(), 1);
        assert_eq!(t.extra_rows[0].label, "其他主动公开文件");
        assert_eq!(t.extra_rows[0].values, [Some(Num(9.0))]);
        for key in ["regulations", "normative_documents", "punishment", "enforcement"] {
            assert!(t.recognized.missing.contains(&key.to_string()), "{key}");
        }
        assert_eq!(t.get("fees", "amount"), Some(Num(1.5)));
        let kinds: Vec<ReviewKind> = t.recognized.review_notes.iter().map(|r| r.kind).collect();
        assert!(kinds.contains(&ReviewKind::ExtraRow) && kinds.contains(&ReviewKind::Missing));
    }

    #[test]
    fn odd_numbers_are_said_and_figures_that_are_none_unplaced() {
        let mut cells = vec!["(一)予以公开", "3件", "０", "1,200", "约3", "0", "0", "1203"];
        let r = recs(&cells);
        let fill = Fill { provenance: true };
        let t = row_table(&align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021)), false, fill);
        assert_eq!(t.get("granted", "natural_person"), Some(Num(3.0)));
        assert_eq!(t.get("granted", "research"), Some(Num(1200.0)));
        assert_eq!(t.get("granted", "nonprofit"), None, "约3 is no number");
        let odd: Vec<(&str, &str)> = t
            .recognized
            .review_notes
            .iter()
            .filter(|r| r.kind == ReviewKind::OddNumber)
            .map(|r| (r.key.as_deref().unwrap(), r.printed.as_deref().unwrap()))
            .collect();
        assert_eq!(
            odd,
            [("granted.natural_person", "3件"), ("granted.commercial", "０"), ("granted.research", "1,200")]
        );
        assert_eq!(t.recognized.unplaced[0].values, ["约3"]);
        // Provenance: the text as printed, for every number.
        assert_eq!(t.recognized.provenance["granted.natural_person"].text, "3件");
        assert_eq!(t.recognized.provenance.len(), 6);
        // Without the option, none.
        cells[1] = "3";
        let r = recs(&cells);
        let t = row_table(&align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021)), false, Fill::default());
        assert!(t.recognized.provenance.is_empty());
    }

    #[test]
    fn section_four_from_fifteen_cells_or_a_row_per_group() {
        let mut cells = vec!["行政复议", "行政诉讼", "结果维持", "总计"];
        cells.extend(["2", "1", "2", "2", "7", "0", "0", "0", "0", "0", "3", "0", "0", "1", "4"]);
        let r = recs(&cells);
        let values: Vec<Piece> = r.iter().flat_map(|r| r.values.iter().cloned()).collect();
        let t = rl_from_cells(&crate::recognize::align::unlabelled(&values), Fill::default());
        assert_eq!(t.review.total, Some(Num(7.0)));
        assert_eq!(t.litigation_after_review.total, Some(Num(4.0)));
        assert!(t.recognized.is_exact());
        // Printed with a row per group, one group left out and one misprinted.
        let r = recs(&[
            "结果维持",
            "总计",
            "行政复义",
            "1",
            "0",
            "0",
            "0",
            "1",
            "未经复议直接起诉",
            "0",
            "0",
            "0",
            "0",
            "0",
        ]);
        let t = rl_from_rows(&align(Layout::Gb2021, rl_printed(&r), rl_targets()), Fill::default());
        assert_eq!(t.review.total, Some(Num(1.0)));
        assert_eq!(t.litigation_direct.total, Some(Num(0.0)));
        assert_eq!(t.litigation_after_review.total, None);
        assert!(t.recognized.missing.contains(&"litigation_after_review.total".to_string()));
        assert!(t
            .recognized
            .review_notes
            .iter()
            .any(|r| r.kind == ReviewKind::FuzzyLabel && r.key.as_deref() == Some("review")));
    }

    #[test]
    fn a_table_without_one_applicant_column_is_read_by_its_headers() {
        use crate::recognize::find::grid_records;
        use nianbao_document::{Cell, Table};
        // No 法律服务机构 column: six values a row, where position alone would shift them.
        let row = |label: &str, v: [u32; 6]| {
            std::iter::once(Cell::span(label, 1, 3))
                .chain(v.iter().map(|n| Cell::new(n.to_string())))
                .collect::<Vec<_>>()
        };
        let rows = vec![
            vec![Cell::span("(本列数据的勾稽关系为:…)", 3, 3), Cell::span("申请人情况", 1, 6)],
            vec![Cell::span("自然人", 2, 1), Cell::span("法人或其他组织", 1, 4), Cell::span("总计", 2, 1)],
            ["商业企业", "科研机构", "社会公益组织", "其他"].iter().map(|h| Cell::new(*h)).collect(),
            row("一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 2, 8]),
            row("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 1]),
        ];
        let r = grid_records(&Table { rows, ..Table::default() }, 3);
        let t = row_table(&align(Layout::Gb2021, app_printed(&r), app_targets(Layout::Gb2021)), false, Fill::default());
        assert_eq!(t.get("new_received", "other"), Some(Num(2.0)));
        assert_eq!(t.get("new_received", "total"), Some(Num(8.0)));
        assert_eq!(t.get("new_received", "legal_service"), None);
        assert_eq!(t.get("carried_over", "total"), Some(Num(1.0)));
        let notes: Vec<_> = t.recognized.review_notes.iter().filter(|r| r.kind == ReviewKind::ByPosition).collect();
        assert_eq!(notes.len(), 2);
        assert!(notes[0].note.contains("no column legal_service"), "{}", notes[0].note);
        assert!(t.recognized.unplaced.is_empty());
    }
}
