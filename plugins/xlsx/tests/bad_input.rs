//! Bad input: wrong formats, truncated and corrupted files, and small files that claim huge
//! sheets or unpack to huge parts. Each gets a clear error (or a small document), never a
//! panic, a hang or a huge allocation.

mod common;

use common::*;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

/// A zip package of the given parts; `mimetype` first and stored, as ODF wants it.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        let method =
            if *name == "mimetype" { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        zip.start_file(*name, SimpleFileOptions::default().compression_method(method)).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const ODS_MIME: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";

fn ods(table_body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">{table_body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    package(&[("mimetype", ODS_MIME), ("content.xml", content.as_bytes()), ("META-INF/manifest.xml", manifest)])
}

#[test]
fn files_of_other_kinds_are_named() {
    assert_eq!(read_err(b""), "the file is empty");
    let cases: [(&[u8], &str); 5] = [
        (b"%PDF-1.7\n...", "not a spreadsheet: a PDF document"),
        (
            b"\xEF\xBB\xBF<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>",
            "a web page (HTML) saved under a spreadsheet name",
        ),
        (
            b"<?xml version=\"1.0\"?><Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\">",
            "an Excel 2003 XML spreadsheet",
        ),
        (b"{\\rtf1\\ansi hello}", "not a spreadsheet: an RTF document"),
        (
            b"\x00\x01\x02garbage",
            "neither a ZIP package (xlsx, ods) nor an OLE2 file (xls); it starts with bytes 0001026761726261",
        ),
    ];
    for (bytes, want) in cases {
        let err = read_err(bytes);
        assert!(err.contains(want), "{err:?} lacks {want:?}");
    }
}

#[test]
fn zip_packages_that_are_not_workbooks_are_named() {
    let docx = package(&[("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w:document/>")]);
    assert_eq!(read_err(&docx), "not a spreadsheet: a Word document (docx)");
    let odt = package(&[("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<x/>")]);
    assert!(read_err(&odt).contains("an OpenDocument file of another kind"));
    let xlsb = package(&[("xl/workbook.bin", b"\x00")]);
    assert!(read_err(&xlsb).contains("xlsb"));
    let other = package(&[("readme.txt", b"hello")]);
    assert!(read_err(&other).contains("a ZIP archive without a workbook"));
}

#[test]
fn truncated_files_say_so() {
    for name in ["s1-r001-xlsx.xlsx", "s1-r001-xlsx.ods", "s1-r001-xlsx.xls"] {
        let bytes = fixture(name);
        for keep in [bytes.len() / 2, bytes.len() - 30, 100] {
            let err = read_err(&bytes[..keep]);
            assert!(err.contains("truncated or corrupted") || err.contains("corrupted"), "{name} cut to {keep}: {err}");
        }
    }
}

#[test]
fn corrupted_parts_give_errors_not_panics() {
    // Overwrite a stretch in the middle of each file: compressed XML, the CFB sectors.
    for name in ["s1-r002-xlsx.xlsx", "s1-r002-xlsx.ods", "s1-r002-xlsx.xls"] {
        let mut bytes = fixture(name);
        let mid = bytes.len() / 2;
        bytes[mid..mid + 64].fill(0xA5);
        if let Err(e) = nianbao_xlsx::read(&bytes, &Default::default()) {
            assert!(!e.0.is_empty(), "{name}");
        }
    }
    // A damaged deflate stream in the sheet of an xlsx is reported as such.
    let mut bytes = fixture("s1-r001-xlsx.xlsx");
    let at = find_bytes(&bytes, b"xl/worksheets/sheet1.xml").unwrap() + 200;
    bytes[at..at + 300].fill(0);
    let err = read_err(&bytes);
    assert!(err.starts_with("cannot read sheet '年报表格'") || err.contains("corrupted"), "{err}");
}

/// Byte flips all over each kind of file: whatever calamine makes of them, no panic.
#[test]
fn random_damage_never_panics() {
    for name in ["s1-r005-xlsx.xlsx", "s1-r005-xlsx.xls", "s1-r005-xlsx.ods"] {
        let good = fixture(name);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..150 {
            let mut bytes = good.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % bytes.len() as u64) as usize;
                bytes[at] = (seed >> 32) as u8;
            }
            let outcome = std::panic::catch_unwind(|| nianbao_xlsx::read(&bytes, &Default::default()));
            assert!(outcome.is_ok(), "{name}: panic with seed {seed:#x}");
        }
    }
}

fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_zip_bomb_is_refused_before_unpacking() {
    // Claim in the central directory that the sheet unpacks to 3.75 GiB.
    let mut bytes = fixture("s1-r001-xlsx.xlsx");
    let central = find_bytes(&bytes, b"PK\x01\x02").unwrap();
    let entry = central + find_bytes(&bytes[central..], b"xl/worksheets/sheet1.xml").unwrap() - 46;
    bytes[entry + 24..entry + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    let err = read_err(&bytes);
    assert!(err.contains("unpacks to 3840 MiB, more than the 256 MiB"), "{err}");
}

#[test]
fn an_ods_repeating_a_cell_millions_of_times_is_refused() {
    let row = r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    let err = read_err(&ods(row));
    assert_eq!(err, "the workbook has more than 1000000 non-empty cells: too large for this reader");
}

#[test]
fn an_ods_with_cells_at_far_corners_is_refused() {
    let body = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="900000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    let err = read_err(&ods(body));
    assert_eq!(err, "sheet 'S' spans 900002 rows × 1000 columns: too large for this reader");
}

#[test]
fn a_small_ods_made_by_hand_reads() {
    let body = r#"<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>caption</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="string"><text:p>x &amp; y</text:p></table:table-cell></table:table-row>"#;
    let doc = read(&ods(body));
    let t = tables(&doc)[0];
    assert_eq!(t.rows[0], vec![nianbao_plugin::Cell::span("caption", 1, 2)]);
    assert_eq!(at(t, 1, 1), "x & y");
}

/// BIFF8 records for an xls workbook stream.
fn record(typ: u16, body: &[u8]) -> Vec<u8> {
    [typ.to_le_bytes().as_slice(), &(body.len() as u16).to_le_bytes(), body].concat()
}

fn number(row: u16, col: u16) -> Vec<u8> {
    let body = [row.to_le_bytes().as_slice(), &col.to_le_bytes(), &[0, 0], &1.0f64.to_le_bytes()].concat();
    record(0x0203, &body)
}

fn ole2(stream: &str, data: &[u8]) -> Vec<u8> {
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cfb.create_stream(stream).unwrap().write_all(data).unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

#[test]
fn an_xls_with_cells_at_far_corners_is_refused_before_calamine_sees_it() {
    let globals = |sheet_at: u32| {
        let name = [&[1u8, 0][..], b"S"].concat();
        let boundsheet = record(0x0085, &[sheet_at.to_le_bytes().as_slice(), &[0, 0], &name].concat());
        [record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]), boundsheet, record(0x000A, &[])].concat()
    };
    let sheet_at = globals(0).len() as u32;
    let sheet =
        [record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0]), number(0, 0), number(65535, 255), record(0x000A, &[])].concat();
    let err = read_err(&ole2("Workbook", &[globals(sheet_at), sheet].concat()));
    // Values and formulas: calamine makes two rectangles of 65536 × 256.
    assert_eq!(err, "the sheets span 33554432 cell positions (from A1 to their last cells), more than the 5000000 this reader accepts");
}

#[test]
fn ole2_files_that_are_not_workbooks_are_named() {
    assert_eq!(read_err(&ole2("WordDocument", b"x")), "not a spreadsheet: a Word 97-2003 document (.doc)");
    assert!(read_err(&ole2("EncryptedPackage", b"x")).starts_with("a password-protected (encrypted) workbook"));
    assert_eq!(read_err(&ole2("Other", b"x")), "not a spreadsheet: an OLE2 file without a workbook stream");
}

/// The fixture workbook with every sheet replaced by `sheet_xml`.
fn xlsx_with_sheets(sheet_xml: &str) -> Vec<u8> {
    let good = fixture("s1-r004-xlsx.xlsx");
    let mut zip = zip::ZipArchive::new(Cursor::new(&good)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).unwrap();
        let name = f.name().unwrap().into_owned();
        if name.starts_with("xl/worksheets/sheet") {
            data = sheet_xml.as_bytes().to_vec();
        }
        parts.push((name, data));
    }
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    package(&refs)
}

fn paragraph(text: &str) -> nianbao_plugin::Block {
    nianbao_plugin::Block::Paragraph { source: None, text: text.into(), align: Default::default() }
}

fn worksheet(inner: &str) -> String {
    format!(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{inner}</worksheet>"#)
}

#[test]
fn an_xlsx_with_cells_at_far_corners_stays_small() {
    // A1, XFD1048576 and a merged region over nearly all of the sheet: no dense grid is built.
    let sheet = worksheet(
        r#"<dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>top</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>bottom</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="A3:WZZ1048570"/></mergeCells>"#,
    );
    let doc = read(&xlsx_with_sheets(&sheet));
    assert_eq!(doc.blocks.len(), 4 * 3, "four sheets, each a heading and two paragraphs");
    for sheet in doc.blocks.chunks(3) {
        assert_eq!(sheet[1..], [paragraph("top"), paragraph("bottom")]);
    }
}

#[test]
fn deeply_nested_xml_is_read_without_recursion() {
    let depth = 30_000;
    let nested = format!(
        "{}deep{}",
        "<table:table><table:table-row><table:table-cell>".repeat(depth),
        "</table:table-cell></table:table-row></table:table>".repeat(depth)
    );
    let body = format!(
        r#"<table:table-row><table:table-cell office:value-type="string"><text:p>top</text:p></table:table-cell><table:table-cell>{nested}</table:table-cell></table:table-row>"#
    );
    // Whatever calamine makes of the inner tables, the outer sheet is read or refused cleanly.
    match nianbao_xlsx::read(&ods(&body), &Default::default()) {
        Ok(doc) => assert!(format!("{doc:?}").contains("top")),
        Err(e) => assert!(!e.0.is_empty()),
    }
    let sheet = worksheet(&format!(
        r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is>{}<t>x</t>{}</is></c></row></sheetData>"#,
        "<r>".repeat(depth),
        "</r>".repeat(depth)
    ));
    if let Err(e) = nianbao_xlsx::read(&xlsx_with_sheets(&sheet), &Default::default()) {
        assert!(!e.0.is_empty());
    }
}
