//! Writes every kind of entry in each format and reads it back: the cells equal the truths cell
//! for cell, one reports row per input, failed inputs carry their error, duplicates add no rows,
//! and CSV, XLSX and JSON Lines hold what the Parquet files hold.

mod common;

use common::*;
use nianbao_dataset::schema::{Kind, Table, CELLS, FINDINGS, REPORTS, SECTIONS, TABLES};
use nianbao_dataset::{DatasetWriter, Entry, Format, Options};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

type Row = Map<String, Value>;

fn write(entries: &[Entry], format: Format, name: &str) -> PathBuf {
    let target = scratch(name).join(format!("out.{}", format.key()));
    let mut w = DatasetWriter::create(&target, format, Options { part_entries: 7 }).unwrap();
    for e in entries {
        assert!(w.write(e).unwrap());
    }
    let summary = w.finish().unwrap();
    assert_eq!(summary.reports, entries.len() as u64);
    assert_eq!(summary.failed, 2);
    assert_eq!(summary.duplicates, 1);
    assert!(target.exists());
    assert!(!target.with_file_name(format!("out.{}.partial", format.key())).exists(), "the staging folder is gone");
    target
}

fn parquet(dir: &Path, t: &Table) -> Vec<Row> {
    read_parquet(&dir.join(format!("{}.parquet", t.name)), t)
}

fn s<'a>(r: &'a Row, k: &str) -> Option<&'a str> {
    r[k].as_str()
}

#[test]
fn parquet_cells_equal_the_truths() {
    let entries = all_entries();
    let dir = write(&entries, Format::Parquet, "parquet");
    let reports = parquet(&dir, &REPORTS);
    let cells = parquet(&dir, &CELLS);
    let findings = parquet(&dir, &FINDINGS);
    let sections = parquet(&dir, &SECTIONS);

    assert_eq!(reports.len(), entries.len(), "one reports row per input");
    let by_path: HashMap<&str, &Row> = reports.iter().map(|r| (s(r, "path").unwrap(), r)).collect();
    assert_eq!(by_path.len(), entries.len());

    let mut cells_of: HashMap<&str, Vec<&Row>> = HashMap::new();
    for c in &cells {
        cells_of.entry(s(c, "report_id").unwrap()).or_default().push(c);
    }
    let mut checked = 0;
    for e in &entries {
        let r = by_path[e.path.as_str()];
        assert_eq!(s(r, "id"), Some(e.id.as_str()));
        assert_eq!(s(r, "format"), e.format.as_deref());
        assert_eq!(r["pages"].as_u64(), e.pages.map(u64::from));
        let Ok((report, found)) = &e.outcome else {
            assert_eq!(s(r, "error"), e.outcome.as_ref().err().map(String::as_str), "{}", e.path);
            assert!(r["title"].is_null() && r["violations"].is_null() && r["grade"].is_null());
            assert!(!cells_of.contains_key(e.id.as_str()) || e.id != by_path[e.path.as_str()]["id"]);
            continue;
        };
        assert!(r["error"].is_null());
        assert_eq!(s(r, "agency"), report.meta.agency.as_deref());
        assert_eq!(r["year"].as_i64(), report.meta.year.map(i64::from));
        assert_eq!(s(r, "published"), report.meta.published.as_deref());
        assert_eq!(s(r, "layout"), Some(report.meta.layout.key()));
        let problems = found.iter().filter(|f| f.is_problem()).count() as u64;
        assert_eq!(r["violations"].as_u64().unwrap() + r["warnings"].as_u64().unwrap(), problems);
        let by_rule: u64 = (0..=7).map(|n| r[&format!("rule_{n}")].as_u64().unwrap()).sum();
        assert_eq!(by_rule, problems, "{}", e.path);
        if r["duplicate"] == Value::Bool(true) {
            assert_eq!(e.path, "mirror/copy-of-first.pdf");
            continue;
        }
        if e.path.starts_with("enriched/") {
            continue; // its own test below
        }
        // Cell for cell: every template cell once, with its value, and nothing else.
        let mut want: BTreeMap<(String, String, String), Option<f64>> = BTreeMap::new();
        for (k, v) in model_cells(report) {
            assert!(want.insert(k, v).is_none());
        }
        let mut got: BTreeMap<(String, String, String), Option<f64>> = BTreeMap::new();
        for c in cells_of.get(e.id.as_str()).into_iter().flatten() {
            assert_eq!(s(c, "status"), Some("cell"), "{}: {c:?}", e.path);
            let key = (
                s(c, "table_key").unwrap().into(),
                s(c, "row_key").unwrap().into(),
                s(c, "column_key").unwrap().into(),
            );
            assert!(got.insert(key, c["value"].as_f64()).is_none(), "{}: a cell twice", e.path);
        }
        assert_eq!(got, want, "{}", e.path);
        checked += 1;
    }
    assert_eq!(checked, 31, "every truth compared");
    // A complete gb2021 report has the template's 10 + 175 + 15 cells; a freeform one none.
    for e in &entries[..31] {
        let n = cells_of.get(e.id.as_str()).map_or(0, Vec::len);
        match s(by_path[e.path.as_str()], "layout") {
            Some("gb2021") => assert_eq!(n, 200, "{}", e.path),
            Some("freeform") => assert_eq!(n, 0, "{}", e.path),
            _ => assert!(n > 150, "{}: {n}", e.path),
        }
    }

    // Findings: validate's, by report, in order.
    for e in &entries {
        let (Ok((_, found)), false) = (&e.outcome, e.path.starts_with("mirror/")) else { continue };
        let got: Vec<&Row> = findings.iter().filter(|f| s(f, "report_id") == Some(e.id.as_str())).collect();
        assert_eq!(got.len(), found.len(), "{}", e.path);
        for (g, f) in got.iter().zip(found) {
            assert_eq!(g["rule"].as_u64(), Some(u64::from(f.rule)));
            assert_eq!(s(g, "message"), Some(f.message.as_str()));
            let cells: Vec<&str> = g["cell_keys"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
            assert_eq!(cells, f.cells);
            let values: Vec<Option<f64>> = g["cell_values"].as_array().unwrap().iter().map(Value::as_f64).collect();
            assert_eq!(values, f.values);
        }
    }
    assert!(!findings.is_empty(), "the fixtures break some rules or leave some uncheckable");

    // Sections: in order, the paragraphs one per line.
    for e in &entries[..31] {
        let Ok((report, _)) = &e.outcome else { unreachable!() };
        let got: Vec<&Row> = sections.iter().filter(|x| s(x, "report_id") == Some(e.id.as_str())).collect();
        assert_eq!(got.len(), report.sections.len(), "{}", e.path);
        for (i, (g, want)) in got.iter().zip(&report.sections).enumerate() {
            assert_eq!(g["seq"].as_u64(), Some(i as u64));
            assert_eq!(g["no"].as_u64(), want.no.map(u64::from));
            assert_eq!(s(g, "title"), Some(want.title.as_str()));
            assert_eq!(s(g, "text"), Some(want.paragraphs.join("\n").as_str()));
        }
    }
}

#[test]
fn enriched_report_keeps_every_addition() {
    let e = enriched();
    let dir = write(&all_entries(), Format::Parquet, "enriched");
    let cells: Vec<Row> =
        parquet(&dir, &CELLS).into_iter().filter(|c| s(c, "report_id") == Some(e.id.as_str())).collect();
    let find = |table: &str, row: Option<&str>, col: &str, status: &str| -> Vec<&Row> {
        cells
            .iter()
            .filter(|c| {
                s(c, "table_key") == Some(table)
                    && s(c, "row_key") == row
                    && s(c, "column_key") == Some(col)
                    && s(c, "status") == Some(status)
            })
            .collect()
    };
    let one = |table, row, col, status| {
        let v = find(table, row, col, status);
        assert_eq!(v.len(), 1, "{table} {row:?} {col} {status}: {v:?}");
        v[0].clone()
    };
    // A null cell keeps its marker, as its printed text.
    let c = one("applications", Some("granted"), "research", "cell");
    assert!(c["value"].is_null());
    assert_eq!((s(&c, "mark"), s(&c, "text")), (Some("—"), Some("—")));
    // A missing row: its seven template cells, null.
    for col in ["natural_person", "commercial", "research", "nonprofit", "legal_service", "other", "total"] {
        let c = one("applications", Some("other.unpaid_fee"), col, "missing");
        assert!(c["value"].is_null());
        assert_eq!(s(&c, "review"), Some("missing"));
    }
    assert!(find("applications", Some("other.unpaid_fee"), "total", "cell").is_empty());
    // A missing cell of section 四.
    assert!(one("review_litigation", Some("litigation_after_review"), "pending", "missing")["value"].is_null());
    assert_eq!(s(&one("review_litigation", Some("review"), "other", "cell"), "mark"), Some("/"));
    // An extra row: by position, with its label.
    let x = one("active_disclosure", None, "1", "extra");
    assert_eq!((x["value"].as_f64(), s(&x, "label")), (Some(12.0), Some("其他主动公开文件")));
    assert!(one("active_disclosure", None, "2", "extra")["value"].is_null());
    // Unplaced numbers: the text as printed, the number when it plainly is one, the reason.
    let u = one("applications", None, "1", "unplaced");
    assert_eq!((u["value"].as_f64(), s(&u, "text"), s(&u, "label")), (Some(1152.0), Some("1,152"), Some("合计")));
    assert_eq!(s(&u, "note"), Some("a row after the total that the layout does not have"));
    assert_eq!((s(&u, "source_sheet"), s(&u, "source_cell")), (Some("依申请公开"), Some("A31")));
    let u2 = one("applications", None, "2", "unplaced");
    assert!(u2["value"].is_null());
    assert_eq!(s(&u2, "text"), Some("/"));
    // Review notes on the cells (or rows) they name; provenance on the cells it has.
    let (Ok((report, _)), total) = (&e.outcome, "new_received") else { unreachable!() };
    let t = one("applications", Some(total), "total", "cell");
    assert_eq!(s(&t, "review"), Some("odd_number,by_position"));
    let want = report.tables.applications.as_ref().unwrap().get("new_received", "total").unwrap();
    assert_eq!(s(&t, "text"), Some(format!("{want}件").as_str()));
    assert_eq!((s(&t, "source_sheet"), s(&t, "source_cell")), (Some("依申请公开"), Some("I5")));
    assert!(t["source_page"].is_null());
    for col in ["natural_person", "total"] {
        assert_eq!(
            s(&one("applications", Some("denied.prohibited_by_law"), col, "cell"), "review"),
            Some("fuzzy_label")
        );
    }
    let p = one("applications", Some("new_received"), "natural_person", "cell");
    assert_eq!((p["source_page"].as_u64(), s(&p, "text")), (Some(3), Some("128")));
    let bbox: Vec<f64> = ["x0", "y0", "x1", "y1"].iter().map(|k| p[&format!("source_{k}")].as_f64().unwrap()).collect();
    assert_eq!(bbox, [101.5, 220.25, 130.0, 232.0]);
    assert!(one("applications", Some("granted"), "total", "cell")["review"].is_null());
    // The reports row counts what recognition was unsure of.
    let r: Vec<Row> = parquet(&dir, &REPORTS).into_iter().filter(|r| s(r, "id") == Some(e.id.as_str())).collect();
    assert_eq!(r.len(), 1);
    assert_eq!(s(&r[0], "grade"), Some("review"));
    assert_eq!(
        (r[0]["missing"].as_u64(), r[0]["unplaced"].as_u64(), r[0]["reviews"].as_u64()),
        (Some(2), Some(1), Some(5))
    );
}

/// A Parquet value and its text in CSV or XLSX mean the same.
fn same(kind: Kind, want: &Value, got: &str) -> bool {
    match (kind, want) {
        (_, Value::Null) => got.is_empty(),
        (Kind::Utf8, Value::String(w)) => w == got,
        (Kind::Bool, Value::Bool(b)) => got == b.to_string(),
        (Kind::ListUtf8 | Kind::ListFloat64, w) => serde_json::from_str::<Value>(got).is_ok_and(|g| {
            let f = |v: &Value| {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_f64().map(|n| n.to_string()).unwrap_or(x.to_string()))
                    .collect::<Vec<_>>()
            };
            f(&g) == f(w)
        }),
        (Kind::Float32, w) => got.parse::<f32>().ok() == w.as_f64().map(|x| x as f32),
        (_, w) => got.parse::<f64>().ok() == w.as_f64(),
    }
}

fn check_table(t: &Table, want: &[Row], got: &[Vec<String>], what: &str) {
    let header: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
    assert_eq!(got[0], header, "{what}: the header");
    assert_eq!(got.len() - 1, want.len(), "{what}: the rows");
    for (i, (w, g)) in want.iter().zip(&got[1..]).enumerate() {
        for (c, text) in t.columns.iter().zip(g) {
            assert!(same(c.kind, &w[c.name], text), "{what} row {i} {}: {} vs {text:?}", c.name, w[c.name]);
        }
    }
}

#[test]
fn csv_and_xlsx_hold_the_parquet_rows() {
    let entries = all_entries();
    let pq = write(&entries, Format::Parquet, "same-parquet");
    let csv = write(&entries, Format::Csv, "same-csv");
    let xlsx = write(&entries, Format::Xlsx, "same-xlsx");
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["reports", "cells", "findings", "sections"]);
    for t in TABLES {
        let want = parquet(&pq, &t);
        check_table(&t, &want, &read_csv(&csv.join(format!("{}.csv", t.name))), &format!("{}.csv", t.name));
        let range = book.worksheet_range(t.name).unwrap();
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|r| {
                let mut v: Vec<String> = r
                    .iter()
                    .map(|d| match d {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(x) => x.to_string(),
                        Data::Int(n) => n.to_string(),
                        Data::Bool(b) => b.to_string(),
                        d => panic!("{d:?}"),
                    })
                    .collect();
                v.resize(t.columns.len(), String::new());
                v
            })
            .collect();
        check_table(&t, &want, &rows, &format!("sheet {}", t.name));
    }
    let meta: Value = serde_json::from_slice(&std::fs::read(csv.join("dataset.json")).unwrap()).unwrap();
    assert_eq!((meta["format"].as_str(), meta["reports"].as_u64()), (Some("csv"), Some(entries.len() as u64)));
}

#[test]
fn json_lines_hold_one_model_per_line() {
    let entries = all_entries();
    let file = write(&entries, Format::Jsonl, "jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), entries.len());
    for (e, l) in entries.iter().zip(&lines) {
        assert_eq!((l["id"].as_str(), l["path"].as_str()), (Some(e.id.as_str()), Some(e.path.as_str())));
        assert_eq!(l["duplicate"], Value::Bool(e.path.starts_with("mirror/")));
        match &e.outcome {
            Ok((report, findings)) => {
                assert!(l["error"].is_null());
                let back: nianbao_report::Report = serde_json::from_value(l["report"].clone()).unwrap();
                assert_eq!(&back, report, "{}", e.path);
                assert_eq!(l["findings"].as_array().unwrap().len(), findings.len());
            }
            Err(msg) => {
                assert_eq!(l["error"].as_str(), Some(msg.as_str()));
                assert!(l["report"].is_null());
            }
        }
    }
}

#[test]
fn the_format_comes_from_the_name_or_the_extension() {
    assert_eq!(Format::from_path(Path::new("out")), Format::Parquet);
    assert_eq!(Format::from_path(Path::new("out/")), Format::Parquet);
    assert_eq!(Format::from_path(Path::new("a/out.XLSX")), Format::Xlsx);
    assert_eq!(Format::from_path(Path::new("out.jsonl")), Format::Jsonl);
    assert_eq!(Format::from_path(Path::new("out.csv")), Format::Csv);
    assert_eq!(Format::from_name("ndjson"), Some(Format::Jsonl));
    assert_eq!(Format::from_name("json"), None);
}

#[test]
fn bad_targets_are_refused_with_their_name() {
    let dir = scratch("refused");
    let file = dir.join("taken.parquet");
    std::fs::write(&file, b"x").unwrap();
    let e = DatasetWriter::create(&file, Format::Parquet, Options::default()).err().unwrap();
    assert!(e.0.contains("taken.parquet: already exists"), "{e}");
    let e = DatasetWriter::resume(&dir.join("never"), Options::default()).err().unwrap();
    assert!(e.0.contains("never: no interrupted run to resume"), "{e}");
    // An empty folder is fine, and is where the dataset goes.
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let mut w = DatasetWriter::create(&empty, Format::Parquet, Options::default()).unwrap();
    w.write(&truth_entries()[0]).unwrap();
    w.finish().unwrap();
    assert!(empty.join("cells.parquet").is_file());
    let e = DatasetWriter::resume(&empty, Options::default()).err().unwrap();
    assert!(e.0.contains("the dataset is complete"), "{e}");
    // A file in a folder's place of a dataset is not merged.
    let e = nianbao_dataset::merge(&[&file], &dir.join("m"), Format::Parquet).err().unwrap();
    assert!(e.0.contains("taken.parquet: not a dataset to merge"), "{e}");
}

#[test]
fn the_readme_documents_the_schema() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for t in TABLES {
        let head = format!("### `{}`", t.name);
        let at = readme.find(&head).unwrap_or_else(|| panic!("README: no {head}"));
        let rows: Vec<(String, String, String)> = readme[at..]
            .lines()
            .skip_while(|l| !l.starts_with("| column"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let f: Vec<&str> = l.split('|').map(str::trim).collect();
                (f[1].trim_matches('`').to_string(), f[2].to_string(), f[3].to_string())
            })
            .collect();
        let want: Vec<(String, String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.kind.name().to_string(), if c.nullable { "yes" } else { "no" }.to_string()))
            .collect();
        assert_eq!(rows, want, "README table of `{}` (column | type | null | meaning)", t.name);
    }
}

#[test]
fn an_empty_run_is_an_empty_dataset() {
    let dir = scratch("empty-run");
    for format in Format::ALL {
        let target = dir.join(format!("out.{format}"));
        let summary = DatasetWriter::create(&target, format, Options::default()).unwrap().finish().unwrap();
        assert_eq!(summary.reports, 0);
        match format {
            Format::Parquet => assert!(TABLES.iter().all(|t| parquet(&target, t).is_empty())),
            Format::Csv => assert_eq!(read_csv(&target.join("cells.csv")).len(), 1, "the header"),
            Format::Xlsx => {
                use calamine::{open_workbook, Reader, Xlsx};
                let mut book: Xlsx<_> = open_workbook(&target).unwrap();
                assert_eq!(book.worksheet_range("findings").unwrap().height(), 1, "the header");
            }
            Format::Jsonl => assert_eq!(std::fs::read(&target).unwrap(), b""),
        }
    }
}
