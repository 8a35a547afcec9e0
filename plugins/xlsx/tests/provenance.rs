//! Every cell and paragraph the reader makes says where it was (sheet and A1 reference), and
//! the workbook, looked up at that reference by another reader, holds the same text: openpyxl
//! for the xlsx fixtures, calamine's own cell lookup for their LibreOffice copies (xls, ods).

mod common;

use common::*;
use nianbao_plugin::{Block, Document};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// `(sheet, cell) → text` of what the reader says it read, and how many non-empty texts had
/// no source.
fn sourced(doc: &Document) -> (Vec<(String, String, String)>, usize) {
    let (mut out, mut missing) = (Vec::new(), 0);
    let mut take = |text: &str, source: Option<&nianbao_plugin::document::Source>| {
        if text.trim().is_empty() {
            return;
        }
        match source.and_then(|s| Some((s.sheet.clone()?, s.cell.clone()?))) {
            Some((sheet, cell)) => out.push((sheet, cell, text.to_string())),
            None => missing += 1,
        }
    };
    for b in &doc.blocks {
        match b {
            // Sheet names are headings of their own, without a cell.
            Block::Heading { level: 2, .. } => {}
            Block::Heading { text, source, .. } | Block::Paragraph { text, source, .. } => take(text, source.as_ref()),
            Block::Table(t) => {
                assert!(t.source.as_ref().is_some_and(|s| s.sheet.as_deref() == Some(t.name.as_str())), "{}", t.name);
                for c in t.rows.iter().flatten() {
                    take(&c.text, c.source.as_ref());
                }
            }
            Block::Image { .. } => {}
        }
    }
    (out, missing)
}

/// The same value, printed as the reader prints it or as the other reader gives it.
fn same(ours: &str, theirs: &str) -> bool {
    let norm = |s: &str| s.replace("\r\n", "\n").trim().to_string();
    let (a, b) = (norm(ours), norm(theirs));
    a == b || matches!((a.parse::<f64>(), b.parse::<f64>()), (Ok(x), Ok(y)) if (x - y).abs() <= 1e-9 * x.abs().max(1.0))
}

const OPENPYXL: &str = r#"
import datetime, json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], data_only=True)
out = {}
for ws in wb.worksheets:
    if ws.sheet_state != "visible":
        continue
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            v = c.value
            if v is None or str(v).strip() == "":
                continue
            if isinstance(v, datetime.datetime):
                v = v.date().isoformat() if v.time() == datetime.time() else v.isoformat(sep=" ")
            cells[c.coordinate] = repr(v) if isinstance(v, float) else str(v)
    out[ws.title] = cells
print(json.dumps(out, ensure_ascii=False))
"#;

fn openpyxl_cells(path: &Path) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    let out = std::process::Command::new("python3").args(["-c", OPENPYXL]).arg(path).output().ok()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("No module named 'openpyxl'"), "openpyxl failed on {}: {err}", path.display());
        return None;
    }
    Some(serde_json::from_slice(&out.stdout).expect("openpyxl's JSON"))
}

fn xlsx_fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("../../tests/fixtures/reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    files.push(root.join("tests/fixtures/features.xlsx"));
    files
}

#[test]
fn every_cell_of_the_xlsx_fixtures_is_where_openpyxl_finds_it() {
    let (mut total, mut with_source) = (0, 0);
    for path in xlsx_fixtures() {
        let Some(theirs) = openpyxl_cells(&path) else {
            println!("SKIP: python3 with openpyxl is not installed; provenance not checked against it");
            return;
        };
        let doc = read(&std::fs::read(&path).unwrap());
        let (ours, missing) = sourced(&doc);
        assert_eq!(missing, 0, "{}: non-empty cells without a source", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
        for (sheet, cell, text) in &ours {
            let value = theirs.get(sheet).and_then(|s| s.get(cell));
            assert!(
                value.is_some_and(|v| same(text, v)),
                "{name}: {sheet}!{cell} is {value:?} for openpyxl, {text:?} for us"
            );
            *seen.entry((sheet, cell)).or_default() += 1;
        }
        assert!(seen.values().all(|&n| n == 1), "{name}: a cell read twice");
        // And the other way: every non-empty cell openpyxl sees, the reader has read.
        for (sheet, cells) in &theirs {
            for cell in cells.keys() {
                assert!(seen.contains_key(&(sheet.as_str(), cell.as_str())), "{name}: {sheet}!{cell} not read");
            }
        }
        total += ours.len();
        with_source += ours.len() - missing;
    }
    println!("xlsx: {with_source} of {total} non-empty cells and paragraphs have a source, all confirmed by openpyxl");
}

#[test]
fn every_cell_of_the_libreoffice_copies_is_where_calamine_finds_it() {
    use calamine::Reader;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let names = REPORTS.iter().map(|r| format!("{r}-xlsx")).chain(["features".to_string()]);
    for name in names {
        for ext in ["xls", "ods"] {
            let bytes = std::fs::read(dir.join(format!("{name}.{ext}"))).unwrap();
            let doc = read(&bytes);
            let (ours, missing) = sourced(&doc);
            assert_eq!(missing, 0, "{name}.{ext}: non-empty cells without a source");
            let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(&bytes)).unwrap();
            for (sheet, cell, text) in &ours {
                let range = book.worksheet_range(sheet).unwrap();
                let (row, col) = position(cell);
                let value = range.get_value((row, col)).map(|v| match v {
                    calamine::Data::DateTime(dt) => {
                        let (y, m, d, ..) = dt.to_ymd_hms_milli();
                        format!("{y:04}-{m:02}-{d:02}")
                    }
                    v => v.to_string(),
                });
                assert!(
                    value.as_deref().is_some_and(|v| same(text, v)),
                    "{name}.{ext}: {sheet}!{cell} is {value:?} for calamine, {text:?} for us"
                );
            }
            let entry = counts.entry(ext).or_default();
            entry.0 += ours.len();
            entry.1 += ours.len() - missing;
        }
    }
    for (ext, (total, with)) in counts {
        println!("{ext}: {with} of {total} non-empty cells and paragraphs have a source, all confirmed by calamine");
    }
}

/// The 0-based (row, column) of an A1 reference.
fn position(a1: &str) -> (u32, u32) {
    let split = a1.find(|c: char| c.is_ascii_digit()).unwrap();
    let col = a1[..split].bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1)) - 1;
    (a1[split..].parse::<u32>().unwrap() - 1, col)
}

#[test]
fn an_ods_and_xls_saved_by_libreoffice_now_name_the_cells_of_the_xlsx() {
    // The copies above came from LibreOffice long ago; this makes them afresh from the
    // fixture and checks the references survive the conversion.
    if !has("soffice") {
        println!("SKIP: LibreOffice (soffice) is not installed; fresh conversions not checked");
        return;
    }
    let dir = std::env::temp_dir().join(format!("nianbao-xlsx-provenance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("r.xlsx");
    std::fs::write(&source, fixture("s1-r002-xlsx.xlsx")).unwrap();
    let xlsx = read(&fixture("s1-r002-xlsx.xlsx"));
    for ext in ["ods", "xls"] {
        let status = std::process::Command::new("soffice")
            .args([
                "--headless",
                &format!("-env:UserInstallation=file://{}/profile", dir.display()),
                "--convert-to",
                ext,
                "--outdir",
            ])
            .arg(&dir)
            .arg(&source)
            .output()
            .unwrap();
        assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
        let converted = read(&std::fs::read(dir.join(format!("r.{ext}"))).unwrap());
        let (a, b) = (sourced(&converted).0, sourced(&xlsx).0);
        assert_eq!(a, b, "{ext}: the same cells at the same references");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
