//! Every fixture document converts to JSON equal to its truth (keys starting with `_` are notes,
//! not part of the model), through whichever plugin reads its format, and is recognized without
//! a guess (grade `exact`).

mod common;
use common::*;

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
        let truth = read_truth(&truth_path);
        let out = to_json(home.path(), &doc);
        assert_eq!(out["meta"], truth["meta"], "{}: meta", doc.display());
        assert_eq!(out["tables"], truth["tables"], "{}: tables", doc.display());
        assert_eq!(out["sections"], truth["sections"], "{}: sections", doc.display());
        assert_eq!(out, truth, "{}", doc.display());
        assert_eq!(grade(home.path(), &doc), "exact", "{}", doc.display());
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
    let truth = read_truth(truth_path);
    let out = to_json(home.path(), &pdf);
    assert_eq!(out["tables"], truth["tables"]);
    assert_eq!(out["sections"], truth["sections"]);
    assert_eq!(out, truth);
    assert_eq!(grade(home.path(), &pdf), "exact");
}

#[test]
fn text_taken_from_a_printed_report_by_pdftotext() {
    // See tests/fixtures/text/make.sh. With -layout the tables are columns of figures and the
    // paragraphs are hard-wrapped lines: all of it reads back as the truth. Our writer printed
    // that PDF with full-width punctuation, which the text keeps as printed: compared folded.
    let home = tmp();
    let truth = read_truth(fixture("s1-r001-docx.truth.json"));
    let layout = half_width(&to_json(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdftotext-layout.txt")));
    assert_eq!(layout["tables"], truth["tables"]);
    assert_eq!(layout["sections"], truth["sections"]);
    assert_eq!(layout, truth);
    assert_eq!(grade(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdftotext-layout.txt")), "exact");
    // Without -layout, one cell a line, the labels over lines and the numbers between them;
    // pdftotext moves the last two rows' labels after their numbers, and the title's two lines
    // lose the centring that tells they are one.
    // LibreOffice's PDF through pdftotext -layout: a group caption's pieces stand on the lines
    // of the labels beside it (`(四)无法 2.没有现成信息需要另` / `提供  行制作`).
    let lo = to_json(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdf-lo-pdftotext-layout.txt"));
    let lo_truth = read_truth(fixture("s1-r001-pdf-lo.truth.json"));
    assert_eq!(lo["tables"], lo_truth["tables"]);
    assert_eq!(lo, lo_truth);
    assert_eq!(grade(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdf-lo-pdftotext-layout.txt")), "exact");
    let plain = half_width(&to_json(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdftotext.txt")));
    for table in ["active_disclosure", "review_litigation"] {
        assert_eq!(plain["tables"][table], truth["tables"][table], "{table}");
    }
    let rows = truth["tables"]["applications"]["rows"].as_object().unwrap();
    let right = rows.iter().filter(|(k, v)| plain["tables"]["applications"]["rows"][k.as_str()] == **v).count();
    assert_eq!(right, rows.len() - 2, "all rows but total and carried_forward");
    // Their numbers, set before their labels, are unplaced, not put in a row: grade review.
    let app = &plain["tables"]["applications"];
    assert_eq!(app["missing"], serde_json::json!(["total", "carried_forward"]));
    assert_eq!(app["unplaced"][0]["values"].as_array().map(Vec::len), Some(14));
    assert_eq!(grade(home.path(), &repo().join("tests/fixtures/text/s1-r001-pdftotext.txt")), "review");
    for (got, want) in plain["sections"].as_array().unwrap().iter().zip(truth["sections"].as_array().unwrap()) {
        assert_eq!(got["title"], want["title"]);
        if want["no"] != 3 {
            assert_eq!(got["paragraphs"], want["paragraphs"], "section {}", want["no"]);
        }
    }
}
