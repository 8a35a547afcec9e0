//! Review: the three tables built from their aligned rows, what recognition had to guess about
//! each, and the report's grade.

use crate::recognize::align::{self, Alignment};
use crate::recognize::find::{Found, Kind, Piece, Record};
use crate::recognize::values::{self, Fill};
use nianbao_report::{Grade, Layout, Recognized, Review, ReviewKind, RowTable, Tables};

/// The tables and the grade.
pub struct Built {
    pub tables: Tables,
    pub grade: Grade,
}

fn records_of(found: &Found, k: Kind) -> Vec<Record> {
    found.records.iter().filter(|(kind, _)| *kind == k).map(|(_, r)| r.clone()).collect()
}

fn has_content(t: &RowTable) -> bool {
    !t.rows.is_empty() || !t.extra_rows.is_empty() || !t.recognized.unplaced.is_empty()
}

fn active_disclosure(records: &[Record], fill: Fill) -> Option<RowTable> {
    let aligned = |l: Layout| align::align(l, align::ad_printed(records), align::ad_targets(l));
    let (a, weak): (Alignment, bool) = match align::ad_layout_by_headers(records) {
        Some(l) => (aligned(l), false),
        None => {
            // No column headers to tell: the layout whose rows the printed rows fit better.
            let (a21, a19) = (aligned(Layout::Gb2021), aligned(Layout::Gb2019));
            if a19.score > a21.score {
                (a19, false)
            } else {
                let weak = a19.score == a21.score;
                (a21, weak)
            }
        }
    };
    let mut t = values::row_table(&a, true, fill);
    if weak && has_content(&t) {
        t.recognized.review_notes.push(Review {
            kind: ReviewKind::Layout,
            key: None,
            printed: None,
            note: "neither the headers nor the rows tell gb2021 from gb2019: gb2021 assumed".into(),
        });
    }
    has_content(&t).then_some(t)
}

fn applications(records: &[Record], fill: Fill) -> Option<RowTable> {
    let a21 = align::align(Layout::Gb2021, align::app_printed(records), align::app_targets(Layout::Gb2021));
    let placed = |a: &Alignment, key: &str| {
        a.targets.iter().enumerate().any(|(j, t)| t.key() == key && a.printed_of(j).is_some())
    };
    let other21 = ["other.no_correction", "other.unpaid_fee", "other.other"].iter().any(|k| placed(&a21, k));
    let a = if other21 {
        a21
    } else {
        // The single (六)其他处理 row of gb2019, where none of gb2021's three is printed.
        let a19 = align::align(Layout::Gb2019, align::app_printed(records), align::app_targets(Layout::Gb2019));
        if placed(&a19, "other") {
            a19
        } else {
            a21
        }
    };
    let t = values::row_table(&a, false, fill);
    has_content(&t).then_some(t)
}

fn review_litigation(records: &[Record], fill: Fill) -> Option<nianbao_report::ReviewLitigation> {
    let rows = align::rl_printed(records);
    if rows.iter().any(|p| p.exact_key().is_some()) {
        let a = align::align(Layout::Gb2021, rows, align::rl_targets());
        return Some(values::rl_from_rows(&a, fill));
    }
    let cells: Vec<Piece> = records
        .iter()
        .filter(|r| r.labels.is_empty() || r.has_number_or_mark())
        .flat_map(|r| r.values.iter().cloned())
        .collect();
    if cells.is_empty() {
        return None;
    }
    Some(values::rl_from_cells(&align::unlabelled(&cells), fill))
}

/// The tables of the records found, and the grade: `failed` where the document shows a table
/// that none came of, `review` where anything was guessed, missing or left unplaced.
pub fn build(found: &Found, fill: Fill, notes: &mut Vec<String>) -> Built {
    let mut tables = Tables::default();
    let ad = records_of(found, Kind::ActiveDisclosure);
    if !ad.is_empty() {
        tables.active_disclosure = active_disclosure(&ad, fill);
    }
    let app = records_of(found, Kind::Applications);
    if !app.is_empty() {
        tables.applications = applications(&app, fill);
    }
    let rl = records_of(found, Kind::ReviewLitigation);
    if !rl.is_empty() {
        tables.review_litigation = review_litigation(&rl, fill);
    }

    let mut grade = Grade::Exact;
    for kind in [Kind::ActiveDisclosure, Kind::Applications, Kind::ReviewLitigation] {
        let (summary, recognized): (String, Option<&Recognized>) = match kind {
            Kind::ActiveDisclosure | Kind::Applications => {
                let t = if kind == Kind::ActiveDisclosure { &tables.active_disclosure } else { &tables.applications };
                match t {
                    Some(t) => {
                        let cells = t.rows.values().flat_map(|r| r.values()).filter(|v| v.is_some()).count();
                        (format!("{} rows, {cells} numbers placed", t.rows.len()), Some(&t.recognized))
                    }
                    None => (String::new(), None),
                }
            }
            Kind::ReviewLitigation => match &tables.review_litigation {
                Some(t) => ("the 15 cells read".to_string(), Some(&t.recognized)),
                None => (String::new(), None),
            },
        };
        let layout = match kind {
            Kind::ActiveDisclosure => tables.active_disclosure.as_ref().map(|t| t.layout),
            Kind::Applications => tables.applications.as_ref().map(|t| t.layout),
            Kind::ReviewLitigation => None,
        };
        let l = layout.map(|l| format!(" ({l})")).unwrap_or_default();
        match recognized {
            Some(r) => {
                notes.push(format!("{}{l}: {summary}", kind.key()));
                for rv in &r.review_notes {
                    notes.push(format!("{}: {}: {}", kind.key(), review_kind(rv.kind), rv.note));
                }
                if !r.is_exact() {
                    grade = grade.max(Grade::Review);
                }
            }
            None => {
                if let Some((_, what)) = found.evidence.iter().find(|(k, _)| *k == kind) {
                    notes.push(format!(
                        "{}: failed: {what} shows the table, and no table could be read from it",
                        kind.key()
                    ));
                    grade = Grade::Failed;
                }
            }
        }
    }
    notes.push(format!("grade: {}", grade.key()));
    Built { tables, grade }
}

fn review_kind(k: ReviewKind) -> &'static str {
    match k {
        ReviewKind::FuzzyLabel => "fuzzy label",
        ReviewKind::ByPosition => "by position",
        ReviewKind::Missing => "missing",
        ReviewKind::Unplaced => "unplaced",
        ReviewKind::ExtraRow => "extra row",
        ReviewKind::OddNumber => "odd number",
        ReviewKind::Layout => "layout",
    }
}

#[cfg(test)]
mod tests {
    use crate::{recognize_with, Options};
    use nianbao_document::{Block, Cell, Document, Table};
    use nianbao_report::Grade;

    fn para(t: &str) -> Block {
        Block::Paragraph { text: t.into(), align: Default::default(), source: None }
    }

    fn table(rows: &[&[&str]]) -> Block {
        Block::Table(Table {
            rows: rows.iter().map(|r| r.iter().map(|c| Cell::new(*c)).collect()).collect(),
            ..Table::default()
        })
    }

    fn grade(blocks: Vec<Block>) -> Grade {
        recognize_with(&Document { blocks, ..Document::default() }, &Options::default()).grade
    }

    #[test]
    fn prose_only_is_exact_and_nothing_is_a_table() {
        let r = recognize_with(
            &Document {
                blocks: vec![
                    para("一、总体情况"),
                    para("本年度收到申请3件。"),
                    para("二、主动公开政府信息情况"),
                    para("无。"),
                ],
                ..Document::default()
            },
            &Options::default(),
        );
        assert_eq!(r.grade, Grade::Exact);
        assert_eq!(r.report.recognition.map(|g| g.grade), Some(Grade::Exact));
        assert!(r.report.tables.applications.is_none());
    }

    #[test]
    fn an_image_where_a_table_would_be_fails() {
        let blocks = vec![
            para("三、收到和处理政府信息公开申请情况"),
            Block::Image { alt: "统计表".into() },
            para("四、政府信息公开行政复议、行政诉讼情况"),
        ];
        assert_eq!(grade(blocks), Grade::Failed);
    }

    #[test]
    fn a_table_read_whole_is_exact_one_with_a_guess_is_review() {
        let rows: [&[&str]; 3] = [&["第二十条第(五)项"], &["信息内容", "本年处理决定数量"], &["行政许可", "3"]];
        let head = |rows: &[&[&str]]| {
            vec![para("二、主动公开政府信息情况"), table(rows), para("三、收到和处理政府信息公开申请情况")]
        };
        // The table prints only the licensing block: the other rows are missing.
        assert_eq!(grade(head(&rows)), Grade::Review);
        let full: Vec<&[&str]> = vec![
            &["第二十条第(一)项"],
            &["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            &["规章", "0", "0", "0"],
            &["行政规范性文件", "1", "0", "5"],
            &["第二十条第(五)项"],
            &["信息内容", "本年处理决定数量"],
            &["行政许可", "3"],
            &["第二十条第(六)项"],
            &["信息内容", "本年处理决定数量"],
            &["行政处罚", "12"],
            &["行政强制", "0"],
            &["第二十条第(八)项"],
            &["信息内容", "本年收费金额(单位:万元)"],
            &["行政事业性收费", "0"],
        ];
        assert_eq!(grade(head(&full)), Grade::Exact);
        let mut typo = full.clone();
        typo[9] = &["行政处法", "12"];
        assert_eq!(grade(head(&typo)), Grade::Review);
    }
}
