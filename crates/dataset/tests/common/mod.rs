//! Entries for the tests: the 31 fixture truths as recognized reports with their validation
//! findings, a report with every contract-1.1 addition filled in, a duplicate, and two inputs
//! that failed. Plus readers of what the writer wrote.
#![allow(dead_code)]

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, UInt32Type, UInt8Type};
use arrow_array::Array;
use nianbao_dataset::schema::{Kind, Table};
use nianbao_dataset::{id_of, Entry};
use nianbao_report::{
    validate, ExtraRow, Grade, Num, Provenance, Recognition, Report, Review, ReviewKind, Source, Unplaced,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh, empty folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nianbao-dataset").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A truth file without its `_`-keys (generator notes), as the report it describes.
pub fn read_truth(path: &Path) -> (Report, Value) {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let doc = v["_doc"].clone();
    let Value::Object(m) = v else { panic!("{}: not an object", path.display()) };
    let clean: serde_json::Map<String, Value> = m.into_iter().filter(|(k, _)| !k.starts_with('_')).collect();
    (serde_json::from_value(Value::Object(clean)).unwrap(), doc)
}

/// One entry per fixture truth: id from the document's bytes, the path and format of the
/// document, the truth as its report and validate's findings.
pub fn truth_entries() -> Vec<Entry> {
    let dir = repo().join("tests/fixtures/reports");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().ends_with(".truth.json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 31, "the fixture truths");
    files
        .iter()
        .map(|t| {
            let (mut report, doc) = read_truth(t);
            report.recognition = Some(Recognition { grade: Grade::Exact });
            let file = doc["file"].as_str().unwrap();
            let bytes = std::fs::read(dir.join(file)).unwrap();
            let findings = validate(&report);
            Entry {
                id: id_of(&bytes),
                path: format!("tests/fixtures/reports/{file}"),
                format: Some(file.rsplit('.').next().unwrap().to_string()),
                pages: doc["pages"].as_u64().map(|n| n as u32),
                outcome: Ok((report, findings)),
            }
        })
        .collect()
}

pub const SCANNED: &str = "扫描件/2023年报告.pdf: the pages are scanned images; there is no text to read";
pub const UNKNOWN: &str = "downloads/report.bin: no plugin reads this file (it is not a PDF, DOCX, XLSX, HTML or text)";

/// s1-r002-xlsx as recognition could have read it, with something in every 1.1 key: a marker,
/// a missing row, an extra row, unplaced numbers, review notes, provenance, a missing cell.
pub fn enriched() -> Entry {
    let path = repo().join("tests/fixtures/reports/s1-r002-xlsx.truth.json");
    let (mut r, _) = read_truth(&path);
    r.recognition = Some(Recognition { grade: Grade::Review });
    let ad = r.tables.active_disclosure.as_mut().unwrap();
    ad.extra_rows.push(ExtraRow { label: "其他主动公开文件".into(), values: vec![Some(Num(12.0)), None] });
    let apps = r.tables.applications.as_mut().unwrap();
    *apps.rows.get_mut("granted").unwrap().get_mut("research").unwrap() = None;
    apps.marks.insert("granted.research".into(), "—".into());
    apps.rows.shift_remove("other.unpaid_fee");
    apps.recognized.missing.push("other.unpaid_fee".into());
    apps.recognized.unplaced.push(Unplaced {
        label: "合计".into(),
        values: vec!["1,152".into(), "/".into()],
        reason: "a row after the total that the layout does not have".into(),
        source: Some(Source { sheet: Some("依申请公开".into()), cell: Some("A31".into()), ..Source::default() }),
    });
    let review = |kind, key: Option<&str>, printed: Option<&str>| Review {
        kind,
        key: key.map(String::from),
        printed: printed.map(String::from),
        note: "test".into(),
    };
    apps.recognized.review_notes = vec![
        review(ReviewKind::FuzzyLabel, Some("denied.prohibited_by_law"), Some("2.其他法律行政止公开")),
        review(ReviewKind::OddNumber, Some("new_received.total"), Some("152件")),
        review(ReviewKind::ByPosition, Some("new_received.total"), None),
        review(ReviewKind::Missing, Some("other.unpaid_fee"), None),
        review(ReviewKind::Layout, None, None),
    ];
    let total = apps.get("new_received", "total").unwrap();
    apps.recognized.provenance.insert(
        "new_received.total".into(),
        Provenance {
            text: format!("{total}件"),
            source: Source { sheet: Some("依申请公开".into()), cell: Some("I5".into()), ..Source::default() },
        },
    );
    apps.recognized.provenance.insert(
        "new_received.natural_person".into(),
        Provenance { text: "128".into(), source: Source::page(3, [101.5, 220.25, 130.0, 232.0]) },
    );
    let rl = r.tables.review_litigation.as_mut().unwrap();
    rl.litigation_after_review.pending = None;
    rl.recognized.missing.push("litigation_after_review.pending".into());
    rl.review.other = None;
    rl.marks.insert("review.other".into(), "/".into());
    let findings = validate(&r);
    Entry {
        id: id_of(b"enriched s1-r002-xlsx"),
        path: "enriched/s1-r002-xlsx.xlsx".into(),
        format: Some("xlsx".into()),
        pages: None,
        outcome: Ok((r, findings)),
    }
}

/// Every kind of entry: the truths, the enriched report, a copy of the first truth under
/// another path, and two failures.
pub fn all_entries() -> Vec<Entry> {
    let mut e = truth_entries();
    let mut copy = e[0].clone();
    copy.path = "mirror/copy-of-first.pdf".into();
    e.push(enriched());
    e.push(copy);
    e.push(Entry {
        id: id_of(b"%PDF-1.4 scanned"),
        path: "扫描件/2023年报告.pdf".into(),
        format: Some("pdf".into()),
        pages: Some(4),
        outcome: Err(SCANNED.into()),
    });
    e.push(Entry {
        id: id_of(b"\x00\x01"),
        path: "downloads/report.bin".into(),
        format: None,
        pages: None,
        outcome: Err(UNKNOWN.into()),
    });
    e
}

/// Every template cell of a report's tables: (table, row, column) → value.
pub fn model_cells(r: &Report) -> Vec<((String, String, String), Option<f64>)> {
    let mut out = Vec::new();
    for (name, t) in [("active_disclosure", &r.tables.active_disclosure), ("applications", &r.tables.applications)] {
        if let Some(t) = t {
            for (row, cols) in &t.rows {
                for (col, v) in cols {
                    out.push(((name.to_string(), row.clone(), col.clone()), v.map(|n| n.0)));
                }
            }
        }
    }
    if let Some(rl) = &r.tables.review_litigation {
        for g in ["review", "litigation_direct", "litigation_after_review"] {
            for c in ["upheld", "corrected", "other", "pending", "total"] {
                out.push((("review_litigation".into(), g.into(), c.into()), rl.group(g).unwrap().get(c).map(|n| n.0)));
            }
        }
    }
    out
}

/// A Parquet table as JSON rows (column name → value), checking the schema on the way.
pub fn read_parquet(path: &Path, table: &Table) -> Vec<serde_json::Map<String, Value>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut rows = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        assert_eq!(batch.schema().fields().len(), table.columns.len());
        for i in 0..batch.num_rows() {
            let mut row = serde_json::Map::new();
            for (j, c) in table.columns.iter().enumerate() {
                assert_eq!(batch.schema().field(j).name(), c.name);
                row.insert(c.name.to_string(), value(batch.column(j).as_ref(), c.kind, i));
            }
            rows.push(row);
        }
    }
    rows
}

fn value(a: &dyn Array, kind: Kind, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    match kind {
        Kind::Utf8 => json!(a.as_string::<i32>().value(i)),
        Kind::Bool => json!(a.as_boolean().value(i)),
        Kind::UInt8 => json!(a.as_primitive::<UInt8Type>().value(i)),
        Kind::UInt32 => json!(a.as_primitive::<UInt32Type>().value(i)),
        Kind::Int32 => json!(a.as_primitive::<Int32Type>().value(i)),
        Kind::Float32 => json!(a.as_primitive::<Float32Type>().value(i)),
        Kind::Float64 => json!(a.as_primitive::<Float64Type>().value(i)),
        Kind::ListUtf8 => json!(a.as_list::<i32>().value(i).as_string::<i32>().iter().collect::<Vec<_>>()),
        Kind::ListFloat64 => {
            json!(a.as_list::<i32>().value(i).as_primitive::<Float64Type>().iter().collect::<Vec<_>>())
        }
    }
}

/// RFC 4180 CSV, as the writer writes it (BOM, CRLF, quotes doubled).
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    let mut rows = vec![];
    let mut row = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "{}: ends inside a row", path.display());
    rows
}

/// Is this Python module importable? Prints a visible SKIP line when not.
pub fn python_has(modules: &[&str], what: &str) -> bool {
    let code = modules.iter().map(|m| format!("import {m}")).collect::<Vec<_>>().join("; ");
    let ok = std::process::Command::new("python3").args(["-c", &code]).output().is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIP: {what}: python3 with {} is not installed (pip install pyarrow pandas duckdb)",
            modules.join(", ")
        );
    }
    ok
}
