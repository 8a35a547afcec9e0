//! Every fixture document converts to JSON equal to its truth (keys starting with `_` are notes,
//! not part of the model), through whichever plugin reads its format.

mod common;
use common::*;
use serde_json::Value;

fn without_notes(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(k, _)| !k.starts_with('_')).collect()),
        v => v,
    }
}

fn check_format(ext: &str) {
    let home = tmp();
    let dir = repo().join("tests/fixtures/reports");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let doc = e.unwrap().path();
        if doc.extension().and_then(|x| x.to_str()) != Some(ext) {
            continue;
        }
        let truth_path = doc.with_extension("truth.json");
        let truth = without_notes(serde_json::from_slice(&std::fs::read(&truth_path).unwrap()).unwrap());
        let out = to_json(home.path(), &doc);
        assert_eq!(out["meta"], truth["meta"], "{}: meta", doc.display());
        assert_eq!(out["tables"], truth["tables"], "{}: tables", doc.display());
        assert_eq!(out["sections"], truth["sections"], "{}: sections", doc.display());
        assert_eq!(out, truth, "{}", doc.display());
        n += 1;
    }
    assert!(n >= 7, "only {n} .{ext} fixtures");
}

#[test]
fn html_fixtures_equal_their_truth() {
    check_format("html");
}

#[test]
fn docx_fixtures_equal_their_truth() {
    check_format("docx");
}

#[test]
fn pdf_fixtures_equal_their_truth() {
    check_format("pdf");
}

#[test]
fn xlsx_fixtures_equal_their_truth() {
    check_format("xlsx");
}

#[test]
fn pdf_tables_drawn_without_rules_equal_their_truth() {
    // LibreOffice's PDF of s1-r001's DOCX with the tables' borders taken out (see
    // plugins/pdf/fixtures/read/README.md): the reader finds all three tables from the
    // alignment of their text alone.
    let home = tmp();
    let pdf = repo().join("plugins/pdf/fixtures/read/lo-unruled.pdf");
    let truth_path = repo().join("tests/fixtures/reports/s1-r001-docx.truth.json");
    let truth = without_notes(serde_json::from_slice(&std::fs::read(truth_path).unwrap()).unwrap());
    let out = to_json(home.path(), &pdf);
    assert_eq!(out["tables"], truth["tables"]);
    assert_eq!(out["sections"], truth["sections"]);
    assert_eq!(out, truth);
}
