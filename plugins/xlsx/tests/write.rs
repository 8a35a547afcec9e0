//! Writing: the official layout as the host renders it (captured in
//! tests/fixtures/rendered-*.json), read back by this reader, by calamine cell by cell, and by
//! openpyxl and LibreOffice when they are installed.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::*;
use nianbao_plugin::{Align, Block, Cell, Document, FormatPlugin, Options, Prop, Table};
use std::io::Cursor;

fn rendered(name: &str) -> Document {
    serde_json::from_slice(&fixture(&format!("rendered-{name}.json"))).unwrap()
}

fn write(doc: &Document) -> Vec<u8> {
    nianbao_xlsx::write(doc, &Options::new()).unwrap()
}

fn sheet_names(doc: &Document) -> Vec<&str> {
    doc.blocks
        .iter()
        .filter_map(|b| if let Block::Heading { level: 2, text, .. } = b { Some(text.as_str()) } else { None })
        .collect()
}

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

#[test]
fn the_official_layout_round_trips_table_for_table() {
    for name in ["s1-r001-html-table", "s1-r005-docx"] {
        let doc = rendered(name);
        let back = plain(read(&write(&doc)));
        let want: Vec<&Table> = tables(&doc);
        let got: Vec<&Table> = tables(&back);
        // The text sheet holds the properties as a table before the title and paragraphs.
        assert_eq!(got.len(), want.len() + 1, "{name}");
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(g.name, w.name, "{name}");
            assert_eq!(g.rows, w.rows, "{name}: {}", w.name);
        }
        assert_eq!(sheet_names(&back), ["主动公开", "依申请公开", "复议诉讼", "报告信息"], "{name}");
    }
}

#[test]
fn the_text_sheet_gives_back_title_properties_and_paragraphs() {
    let doc = rendered("s1-r001-html-table");
    let back = plain(read(&write(&doc)));
    let mut meta = back.meta.clone();
    meta.sort_by(|a, b| a.key.cmp(&b.key));
    let mut want = doc.meta.clone();
    want.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(meta, want);

    let start = back
        .blocks
        .iter()
        .position(|b| *b == Block::Heading { source: None, level: 2, text: nianbao_xlsx::DEFAULT_TEXT_SHEET.into() })
        .unwrap();
    let Block::Table(props) = &back.blocks[start + 1] else { panic!("no property table") };
    assert_eq!(props.rows[0], vec![Cell::new("title"), Cell::new(doc.prop("title").unwrap())]);
    assert_eq!(
        back.blocks[start + 2],
        Block::Heading { source: None, level: 1, text: doc.prop("title").unwrap().into() }
    );
    // Every heading and paragraph comes back, in order, as text.
    let text = |b: &Block| match b {
        Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.clone()),
        _ => None,
    };
    let want: Vec<String> = doc.blocks.iter().filter_map(text).collect();
    let got: Vec<String> = back.blocks[start + 2..].iter().filter_map(text).collect();
    assert_eq!(got, want);
}

#[test]
fn numbers_are_numeric_cells_and_decimals_keep_two_places() {
    let doc = rendered("s1-r005-docx");
    let bytes = write(&doc);
    let mut book = workbook(&bytes);
    let range = book.worksheet_range("主动公开").unwrap();
    let label = range.used_cells().find(|(_, _, d)| **d == Data::String("政府集中采购".into())).unwrap();
    let amount = range.get((label.0, 2)).unwrap();
    assert_eq!(*amount, Data::Float(2314.86));
    assert!(matches!(range.get((label.0, 1)), Some(Data::Float(_))), "an integer count is a number too");
    let styles = book.worksheet_style("主动公开").unwrap();
    let format = styles.get((label.0 as u32, 2)).and_then(|s| s.number_format.clone()).unwrap();
    assert_eq!(format.format_code, "0.00");

    // Blank (null) cells stay blank, never 0.
    let regulations = range.used_cells().find(|(_, _, d)| **d == Data::String("规章".into())).unwrap();
    assert_eq!(range.get((regulations.0, 1)), Some(&Data::Empty));
}

#[test]
fn properties_round_trip_and_a_missing_date_stays_missing() {
    let meta =
        |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| Prop { key: k.to_string(), value: v.to_string() }).collect();
    let doc = Document {
        meta: meta(&[("title", "T"), ("author", "某局"), ("subject", "S"), ("lang", "zh-CN"), ("索引号", "X/2024-1")]),
        ..Document::default()
    };
    let back = plain(read(&write(&doc)));
    assert_eq!(back.meta, doc.meta);
    assert_eq!(back.prop("date"), None, "the creation time is not the document's date");

    let dated = Document { meta: meta(&[("date", "2024-03-05")]), ..Document::default() };
    assert_eq!(read(&write(&dated)).meta, dated.meta);
    let odd = Document { meta: meta(&[("date", "2024年3月5日")]), ..Document::default() };
    assert_eq!(read(&write(&odd)).meta, odd.meta);
}

#[test]
fn sheets_are_named_by_table_heading_or_number_and_follow_the_text() {
    let table = |name: &str| Table {
        source: None,
        name: name.into(),
        header_rows: 1,
        rows: vec![vec![Cell::new("a"), Cell::new("b")], vec![Cell::new("1"), Cell::new("2")]],
    };
    let doc = Document {
        meta: vec![],
        blocks: vec![
            Block::Table(table("")),
            Block::Heading { source: None, level: 2, text: "二、情况/说明".into() },
            Block::Table(table("")),
            Block::Paragraph { source: None, text: "正文段落".into(), align: Align::Right },
            Block::Table(table("[数据]")),
            Block::Table(table("数据")),
        ],
        notes: vec![],
        ..Document::default()
    };
    let options = Options::from([("text_sheet".to_string(), "报告信息".to_string())]);
    let bytes = nianbao_xlsx::write(&doc, &options).unwrap();
    assert_eq!(workbook(&bytes).sheet_names(), ["Sheet 1", "二、情况说明", "报告信息", "数据", "数据 (2)"]);
}

#[test]
fn an_empty_document_is_a_valid_workbook() {
    let bytes = write(&Document::default());
    assert_eq!(workbook(&bytes).sheet_names().len(), 1);
    assert_eq!(read(&bytes), Document::default());
}

#[test]
fn only_xlsx_is_written() {
    let err = nianbao_xlsx::Plugin::write("ods", &Document::default(), &Options::new()).unwrap_err();
    assert_eq!(err.0, "cannot write ods: this plugin writes xlsx only");
}

#[test]
fn openpyxl_sees_the_merged_ranges_of_the_official_layout() {
    let probe = std::process::Command::new("python3").args(["-c", "import openpyxl"]).output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("SKIP: python3 with openpyxl not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nianbao-xlsx-openpyxl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("r001.xlsx");
    std::fs::write(&path, write(&rendered("s1-r001-html-table"))).unwrap();
    let script = "import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\nfor ws in wb.worksheets:\n    print(ws.title, ' '.join(sorted(str(r) for r in ws.merged_cells.ranges)))";
    let out = std::process::Command::new("python3").arg("-c").arg(script).arg(&path).output().unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let sheet = |name: &str| text.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{text}")).to_string();
    let apps = sheet("依申请公开 ");
    for range in ["A1:C3", "D1:J1", "D2:D3", "E2:I2", "J2:J3", "A4:C4", "A6:A27", "B8:B15"] {
        assert!(apps.split(' ').any(|r| r == range), "{range} not merged: {apps}");
    }
    let review = sheet("复议诉讼 ");
    for range in ["A1:E1", "F1:O1", "F2:J2", "K2:O2", "A2:A3"] {
        assert!(review.split(' ').any(|r| r == range), "{range} not merged: {review}");
    }
}

#[test]
fn libreoffice_reads_the_merges_back() {
    if !has("soffice") {
        eprintln!("SKIP: soffice not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nianbao-xlsx-lo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let written = write(&rendered("s1-r005-docx"));
    std::fs::write(dir.join("r005.xlsx"), &written).unwrap();
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "ods", "--outdir"])
        .arg(&dir)
        .arg(dir.join("r005.xlsx"))
        .output()
        .unwrap();
    assert!(status.status.success());
    let ods = std::fs::read(dir.join("r005.ods")).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    let (from_lo, ours) = (read(&ods), read(&written));
    assert_eq!(tables(&from_lo), tables(&ours));
}
