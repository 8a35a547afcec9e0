//! Word 97-2003 `.doc` (and WPS `.wps`, the same format) and WPS spreadsheets (`.et`) through
//! the binary: LibreOffice's `.doc` of every DOCX fixture reads to the same Document and the
//! same report as the DOCX (the truth, graded exact, for the report fixtures), a `.doc` renamed
//! `.wps` reads the same,
//! and files that only carry the name (RTF, web pages, DOCX) get an error that says what they
//! are and how to read them.

mod common;
use common::*;

use std::path::{Path, PathBuf};

fn doc_fixtures() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("plugins/doc/tests/fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with("-docx.doc")))
        .collect();
    files.sort();
    files
}

/// The DOCX fixture a `.doc` fixture was made from (`plugins/doc/tests/fixtures/make.sh`).
fn docx_of(doc: &Path) -> PathBuf {
    let name = format!("{}.docx", doc.file_stem().unwrap().to_string_lossy());
    ["tests/fixtures/reports", "tests/fixtures/noise"]
        .iter()
        .map(|d| repo().join(d).join(&name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no DOCX for {}", doc.display()))
}

/// `nianbao inspect --json FILE`: the Document the reader made, the reader's and recognition's
/// notes, the report.
fn inspect(home: &Path, file: &Path) -> serde_json::Value {
    let o = run(nianbao(home).arg("inspect").arg("--json").arg(file));
    assert!(o.status.success(), "inspect {} failed: {}", file.display(), stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn convert_fails(home: &Path, file: &Path, from: Option<&str>) -> String {
    let mut cmd = nianbao(home);
    cmd.arg("convert").arg(file).args(["--to", "json"]);
    if let Some(f) = from {
        cmd.args(["--from", f]);
    }
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(2), "{} should fail: {}", file.display(), stdout(&o));
    assert!(o.stdout.is_empty(), "no output for a file that cannot be read");
    stderr(&o)
}

#[test]
fn doc_fixtures_read_like_the_docx_they_were_made_from() {
    let home = tmp();
    let files = doc_fixtures();
    let mut reports = 0;
    for doc in &files {
        let docx = docx_of(doc);
        let got = to_json_graded(home.path(), doc);
        assert_eq!(got, to_json_graded(home.path(), &docx), "{}", doc.display());
        // The same Document, block for block (headings from bold and centred runs, spans,
        // where each cell was), properties and notes too.
        let (a, b) = (inspect(home.path(), doc), inspect(home.path(), &docx));
        assert_eq!(a["document"], b["document"], "{}", doc.display());
        assert_eq!(a["notes"], b["notes"], "{}", doc.display());
        assert_eq!(a["format"], "doc");
        if docx.starts_with(repo().join("tests/fixtures/reports")) {
            let truth = read_truth(docx.with_extension("truth.json"));
            let model = model(got.clone());
            assert_eq!(model["meta"], truth["meta"], "{}: meta", doc.display());
            assert_eq!(model["tables"], truth["tables"], "{}: tables", doc.display());
            assert_eq!(model["sections"], truth["sections"], "{}: sections", doc.display());
            assert_eq!(model, truth, "{}", doc.display());
            assert_eq!(got["recognition"]["grade"], "exact", "{}", doc.display());
            reports += 1;
        }
    }
    assert_eq!(files.len(), 11, "one .doc per DOCX fixture");
    assert_eq!(reports, 8);
}

#[test]
fn a_doc_renamed_wps_reads_the_same() {
    let home = tmp();
    let doc = repo().join("plugins/doc/tests/fixtures/s1-r003-docx.doc");
    let wps = home.path().join("年报.wps");
    std::fs::copy(&doc, &wps).unwrap();
    let truth = read_truth(fixture("s1-r003-docx.truth.json"));
    assert_eq!(to_json(home.path(), &wps), truth);
    assert_eq!(grade(home.path(), &wps), "exact");
    // And a .doc without its name: the content tells.
    let bare = home.path().join("附件1");
    std::fs::copy(&doc, &bare).unwrap();
    assert_eq!(to_json(home.path(), &bare), truth);
}

#[test]
fn look_alikes_saved_as_doc_say_what_they_are_and_read_as_that() {
    let home = tmp();
    let rtf = home.path().join("report.doc");
    std::fs::write(&rtf, b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 SimSun;}}\\f0 \\u24180?\\u25253? 2022\\par}").unwrap();
    let e = convert_fails(home.path(), &rtf, None);
    assert!(
        e.contains("report.doc") && e.contains("this .doc is an RTF file") && e.contains("--convert-to docx"),
        "{e}"
    );

    // A web page saved as .doc, as many government sites serve them: read as HTML when asked.
    let html = home.path().join("page.doc");
    std::fs::copy(fixture("s1-r002-html-table.html"), &html).unwrap();
    let e = convert_fails(home.path(), &html, None);
    assert!(e.contains("page.doc") && e.contains("web page (HTML)") && e.contains("--from html"), "{e}");
    let out = run(nianbao(home.path()).arg("convert").arg(&html).args(["--from", "html", "--to", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(model(v), read_truth(fixture("s1-r002-html-table.truth.json")));

    let docx = home.path().join("new.doc");
    std::fs::copy(fixture("s1-r004-docx.docx"), &docx).unwrap();
    let e = convert_fails(home.path(), &docx, None);
    assert!(e.contains("new.doc") && e.contains("DOCX package") && e.contains("--from docx"), "{e}");

    // A .doc that is a spreadsheet, and a spreadsheet that is a .doc.
    let xls = home.path().join("table.doc");
    std::fs::copy(repo().join("plugins/xlsx/tests/fixtures/s1-r001-xlsx.xls"), &xls).unwrap();
    let e = convert_fails(home.path(), &xls, None);
    assert!(e.contains("Excel 97-2003 workbook") && e.contains("--from xls"), "{e}");
}

#[test]
fn a_wps_spreadsheet_reads_like_the_xls_it_is() {
    let home = tmp();
    let xls = repo().join("plugins/xlsx/tests/fixtures/s1-r001-xlsx.xls");
    let et = home.path().join("统计表.et");
    std::fs::copy(&xls, &et).unwrap();
    let got = to_json_graded(home.path(), &et);
    assert_eq!(got, to_json_graded(home.path(), &xls));
    assert_eq!(model(got), read_truth(fixture("s1-r001-xlsx.truth.json")));

    // Not BIFF8 in a compound file: named.
    let text = home.path().join("notes.et");
    std::fs::write(&text, "统计表\n申请 12\n").unwrap();
    let e = convert_fails(home.path(), &text, None);
    assert!(e.contains("notes.et") && e.contains("not a spreadsheet"), "{e}");
    let doc = home.path().join("letter.et");
    std::fs::copy(repo().join("plugins/doc/tests/fixtures/s1-r007-docx.doc"), &doc).unwrap();
    let e = convert_fails(home.path(), &doc, None);
    assert!(e.contains("letter.et") && e.contains("a Word 97-2003 document (.doc)"), "{e}");
}
