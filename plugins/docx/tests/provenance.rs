//! Where each table cell came from: every cell the reader makes names its `w:tbl` (numbered in
//! document order, nested tables where they open), its row and its grid column, and python-docx,
//! a third party, finds that cell's text there.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use nianbao_plugin::Block;

/// The DOCX fixtures: the shared reports and this crate's copies.
fn documents() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [fixture(""), Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "docx") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Per table, each cell's text at its top-left grid position, as python-docx sees them
/// (tests/tools/docx_sources.py).
fn python_docx_sources(docx: &Path) -> Vec<HashMap<(u32, u32), String>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/docx_sources.py");
    let out = Command::new("python3").arg(&script).arg(docx).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tables: Vec<Vec<(u32, u32, String)>> = serde_json::from_slice(&out.stdout).unwrap();
    tables.into_iter().map(|t| t.into_iter().map(|(r, c, text)| ((r, c), text)).collect()).collect()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_cell_names_its_table_row_and_column_as_python_docx_sees_them() {
    if !have_python_docx() {
        return;
    }
    let files = documents();
    assert!(files.len() >= 11, "{files:?}");
    let (mut cells, mut placed) = (0, 0);
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = read(&std::fs::read(&path).unwrap());
        let theirs = python_docx_sources(&path);
        for t in doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }) {
            let no =
                t.source.as_ref().and_then(|s| s.table).unwrap_or_else(|| panic!("{name}: a table without its number"));
            for cell in t.rows.iter().flatten().filter(|c| !c.text.is_empty()) {
                cells += 1;
                let Some(s) = &cell.source else { continue };
                placed += 1;
                let (r, c) = (s.row.unwrap(), s.col.unwrap());
                assert_eq!(s.table, Some(no), "{name}: {:?}", cell.text);
                let printed = theirs.get(no as usize).and_then(|t| t.get(&(r, c)));
                assert_eq!(
                    printed.map(|p| squeeze(p)),
                    Some(squeeze(&cell.text)),
                    "{name}: table {no} row {r} column {c}"
                );
            }
        }
    }
    println!("docx: {placed} of {cells} non-empty cells have a source");
    assert!(cells > 1000, "{cells}");
    assert_eq!(placed, cells);
}

#[test]
fn nested_and_framed_tables_are_numbered_where_they_open() {
    // Table 0 holds table 1 in a cell (read as that cell's text); table 2 only frames table 3
    // (unwrapped); table 4 comes after them. The Document has tables 0, 3 and 4.
    let cell = |text: &str| format!("<w:tc>{}</w:tc>", p(text));
    let inner = format!("<w:tbl><w:tr>{}{}</w:tr></w:tbl>", cell("内1"), cell("内2"));
    let body = format!(
        "<w:tbl><w:tr>{}<w:tc>{inner}<w:p/></w:tc></w:tr><w:tr>{}{}</w:tr></w:tbl>\
         <w:tbl><w:tr><w:tc>{}<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>\
         <w:tbl><w:tr>{}{}</w:tr></w:tbl>",
        cell("外"),
        cell("a"),
        cell("b"),
        p("框"),
        cell("c"),
        cell("d"),
        cell("e"),
        cell("f"),
        cell("g"),
        cell("h"),
    );
    // The package relationships name both property parts: python-docx opens only whole packages.
    let core =
        r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>"#;
    let custom = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>"#;
    let bytes = docx_with(&body, &[("docProps/core.xml", core), ("docProps/custom.xml", custom)]);
    let doc = read(&bytes);
    let numbers: Vec<Option<u32>> = tables(&doc).iter().map(|t| t.source.as_ref().and_then(|s| s.table)).collect();
    assert_eq!(numbers, [Some(0), Some(3), Some(4)]);
    let at = |t: usize, text: &str| {
        let cell = tables(&doc)[t].rows.iter().flatten().find(|c| c.text == text).unwrap().clone();
        cell.source.map(|s| (s.table.unwrap(), s.row.unwrap(), s.col.unwrap()))
    };
    assert_eq!(at(0, "内1 内2"), Some((0, 0, 1)));
    assert_eq!(at(1, "f"), Some((3, 1, 1)));
    assert_eq!(at(2, "g"), Some((4, 0, 0)));
    if have_python_docx() {
        let path = scratch("nested").join("nested.docx");
        std::fs::write(&path, &bytes).unwrap();
        let theirs = python_docx_sources(&path);
        assert_eq!(theirs.len(), 5);
        assert_eq!(theirs[3].get(&(1, 1)).map(String::as_str), Some("f"));
        assert_eq!(theirs[4].get(&(0, 0)).map(String::as_str), Some("g"));
    }
}
