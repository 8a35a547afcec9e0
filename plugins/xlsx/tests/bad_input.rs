//! Bad input: wrong formats, truncated and corrupted files, and small files that claim huge
//! sheets or unpack to huge parts. Each gets a clear error (or a small document), never a
//! panic, a hang or a huge allocation.

mod common;

use common::*;
use nianbao_plugin::Options;
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
    assert_eq!(err, "xl/worksheets/sheet1.xml inflates past 64 MB (-O max-part-mb=N raises it)");
    let options = Options::from([("max-part-mb".into(), "5000".into())]);
    let err = nianbao_xlsx::read(&bytes, &options).unwrap_err().0;
    assert_eq!(err, "the package inflates past 1.7 MB (the limit for a 9 KB file; -O max-inflated-mb=N raises it)");
}

#[test]
fn an_ods_repeating_a_cell_millions_of_times_is_refused() {
    let row = r#"<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#;
    let err = read_err(&ods(row));
    assert_eq!(err, "sheet 'S' has more than 100000 non-empty cells (-O max-cells=N raises it)");
    let options = Options::from([("max-cells".into(), "200000".into())]);
    let err = nianbao_xlsx::read(&ods(row), &options).unwrap_err().0;
    assert_eq!(err, "sheet 'S' has more than 200000 non-empty cells (-O max-cells=N raises it)");
}

#[test]
fn an_ods_with_cells_at_far_corners_is_refused() {
    let body = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="900000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="999"/><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    let err = read_err(&ods(body));
    assert_eq!(err, "sheet 'S' spans 900002 rows × 1000 columns, more than the 5000000 cell positions this reader lays out (50 × max-cells; -O max-cells=N raises it)");
}

#[test]
fn a_small_ods_made_by_hand_reads() {
    let body = r#"<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>caption</text:p></table:table-cell><table:covered-table-cell/></table:table-row><table:table-row><table:table-cell office:value-type="float" office:value="1"/><table:table-cell office:value-type="string"><text:p>x &amp; y</text:p></table:table-cell></table:table-row>"#;
    let doc = plain(read(&ods(body)));
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
    assert_eq!(err, "the sheets span 33554432 cell positions (from A1 to their last cells), more than the 5000000 this reader lays out (50 × max-cells; -O max-cells=N raises it)");
}

#[test]
fn ole2_files_that_are_not_workbooks_are_named() {
    assert_eq!(read_err(&ole2("WordDocument", b"x")), "not a spreadsheet: a Word 97-2003 document (.doc)");
    assert!(read_err(&ole2("EncryptedPackage", b"x")).starts_with("a password-protected (encrypted) workbook"));
    let other = read_err(&ole2("Other", b"x"));
    assert!(
        other.starts_with("not a spreadsheet: an OLE2 file without a workbook stream (it holds \"Other\")"),
        "{other}"
    );
}

#[test]
fn a_wps_et_is_read_like_the_xls_it_is_and_the_plugin_declares_it() {
    use nianbao_plugin::FormatPlugin;
    let et = nianbao_xlsx::Plugin::formats().into_iter().find(|f| f.name == "et").expect("an et format");
    assert!(et.read && !et.write);
    assert_eq!(et.extensions, ["et", "ett"]);
    let xls = fixture("s1-r001-xlsx.xls");
    let options = nianbao_plugin::Options::new();
    assert_eq!(nianbao_xlsx::Plugin::read("et", &xls, &options).unwrap(), read(&xls));
    // Not BIFF in a compound file: what it is, by name.
    let e = nianbao_xlsx::Plugin::read("et", b"\x50\x4b\x03\x04 not really", &options).unwrap_err();
    assert!(e.0.contains("not a readable ZIP package"), "{e}");
    let e = nianbao_xlsx::Plugin::read("et", b"{\\rtf1 x}", &options).unwrap_err();
    assert_eq!(e.0, "not a spreadsheet: an RTF document");
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
    let doc = plain(read(&xlsx_with_sheets(&sheet)));
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

#[test]
#[ignore = "the child side of the confined reads: run by read_confined, not on its own"]
fn confined_child() {
    common::confined_child();
}

/// `features.xlsx` (which has a shared-strings part) with its parts changed by `change`.
fn features_changed(change: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let changed: Vec<(String, Vec<u8>)> =
        parts(&fixture("features.xlsx")).into_iter().map(|(n, d)| (n.clone(), change(&n, d))).collect();
    let refs: Vec<(&str, &[u8])> = changed.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    package(&refs)
}

fn replace(data: &[u8], from: &str, to: &str) -> Vec<u8> {
    let text = String::from_utf8(data.to_vec()).unwrap();
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1).into_bytes()
}

#[test]
fn shared_strings_declaring_billions_of_strings_are_refused_before_calamine_reserves_them() {
    // calamine reserved 24 bytes a declared string (103 GB) and the process aborted.
    let bytes = features_changed(|name, data| {
        if name != "xl/sharedStrings.xml" {
            return data;
        }
        let text = String::from_utf8(data).unwrap();
        let at = text.find("uniqueCount=\"").unwrap() + 13;
        let end = at + text[at..].find('"').unwrap();
        format!("{}4294967295{}", &text[..at], &text[end..]).into_bytes()
    });
    let Some(confined) = read_confined(&[bytes], &[]) else { return };
    let err = confined.results[0].clone().unwrap_err();
    assert!(err.starts_with("xl/sharedStrings.xml declares 4294967295 strings in 2 KB: not a real workbook"), "{err}");
}

/// The content.xml of an ODS fixture.
fn ods_content() -> String {
    let content = parts(&fixture("s1-r001-xlsx.ods")).into_iter().find(|(n, _)| n == "content.xml").unwrap().1;
    String::from_utf8(content).unwrap()
}

/// The ODS fixture with its content.xml replaced.
fn ods_with_content(content: &str) -> Vec<u8> {
    let changed: Vec<(String, Vec<u8>)> = parts(&fixture("s1-r001-xlsx.ods"))
        .into_iter()
        .map(|(n, d)| if n == "content.xml" { (n, content.as_bytes().to_vec()) } else { (n, d) })
        .collect();
    let refs: Vec<(&str, &[u8])> = changed.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    package(&refs)
}

#[test]
fn an_ods_whose_content_ends_inside_a_table_is_refused_before_calamine_loops_on_it() {
    let content = ods_content();
    let table = content.find("<table:table ").unwrap();
    let ends =
        |pat: &str| -> Vec<usize> { content[table..].match_indices(pat).map(|(i, _)| table + i + pat.len()).collect() };
    // Cut after whole rows, after a cell's paragraph opens, and inside a comment (calamine
    // loops in two places: the table and the annotation).
    let rows = ends("</table:table-row>");
    let mut cuts = vec![rows[0], rows[rows.len() / 2], rows[rows.len() - 1], ends("<text:p>")[3]];
    let mut inputs: Vec<Vec<u8>> = cuts.iter().map(|&at| ods_with_content(&content[..at])).collect();
    let noted = replace(
        content.as_bytes(),
        "<text:p>",
        "<office:annotation><dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">a</dc:creator><text:p>note",
    );
    let noted = String::from_utf8(noted).unwrap();
    let inside_note = noted.find("<text:p>note").unwrap() + 12;
    cuts.push(inside_note);
    inputs.push(ods_with_content(&noted[..inside_note]));
    let Some(confined) = read_confined(&inputs, &[]) else { return };
    for (result, cut) in confined.results.iter().zip(cuts) {
        assert_eq!(
            result.as_ref().unwrap_err(),
            "the ODS file is truncated or damaged: its content.xml ends inside a table (<table:table>)",
            "cut at {cut}"
        );
    }
}

#[test]
fn a_cell_of_a_billion_spaces_is_refused_and_the_limit_can_be_raised() {
    // calamine wrote the spaces one by one: 3.8 GB and tens of seconds.
    let cell = |n: u64| {
        format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>a<text:s text:c="{n}"/>b</text:p></table:table-cell></table:table-row>"#
        )
    };
    let Some(confined) = read_confined(&[ods(&cell(1_000_000_000))], &[]) else { return };
    assert_eq!(
        confined.results[0],
        Err("sheet 'S' cell B1 holds more than 100000 characters (-O max-cell-chars=N raises it)".into())
    );
    let options = Options::from([("max-cell-chars".into(), "300000".into()), ("max-inflated-mb".into(), "10".into())]);
    let doc = nianbao_xlsx::read(&ods(&cell(200_000)), &options).unwrap();
    let long = tables(&doc)[0].rows[0][1].text.clone();
    assert_eq!(long.len(), 200_002);
    assert!(long.starts_with("a ") && long.ends_with(" b"));
    assert!(read_err(&ods(&cell(200_000))).contains("cell B1 holds more than 100000 characters"));
}

#[test]
fn long_text_repeated_over_columns_and_rows_is_refused_before_it_is_copied() {
    // 20 000 characters in 16 000 columns of 50 rows: 16 GB of copies in calamine.
    let long = "x".repeat(20_000);
    let body = format!(
        r#"<table:table-row table:number-rows-repeated="50"><table:table-cell table:number-columns-repeated="16000" office:value-type="string"><text:p>{long}</text:p></table:table-cell></table:table-row>"#
    );
    let Some(confined) = read_confined(&[ods(&body)], &[]) else { return };
    let err = confined.results[0].clone().unwrap_err();
    assert!(err.starts_with("the text of the cells, repeated as the sheets say, grows past "), "{err}");
    assert!(err.ends_with("-O max-inflated-mb=N raises it)"), "{err}");
}

#[test]
fn a_long_shared_string_used_by_many_cells_is_refused_before_it_is_copied() {
    // One string of 30 000 characters, stored once, used by 90 000 cells: 2.7 GB of text.
    let long = "y".repeat(30_000);
    let strings = parts(&fixture("features.xlsx")).into_iter().find(|(n, _)| n == "xl/sharedStrings.xml").unwrap().1;
    let index = String::from_utf8(strings).unwrap().matches("<si>").count();
    let bytes = features_changed(|name, data| match name {
        "xl/sharedStrings.xml" => replace(&data, "</sst>", &format!("<si><t>{long}</t></si></sst>")),
        "xl/worksheets/sheet1.xml" => {
            let rows: String = (100..30_100)
                .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="s"><v>{index}</v></c><c r="B{r}" t="s"><v>{index}</v></c><c r="C{r}" t="s"><v>{index}</v></c></row>"#))
                .collect();
            replace(&data, "</sheetData>", &format!("{rows}</sheetData>"))
        }
        _ => data,
    });
    let Some(confined) = read_confined(&[bytes], &[]) else { return };
    let err = confined.results[0].clone().unwrap_err();
    assert!(
        err.starts_with("the text of the cells, each shared string counted where it is used, grows past "),
        "{err}"
    );
}

#[test]
fn a_part_inflating_past_what_the_zip_directory_says_is_stopped() {
    // The headers say the sheet is 4 KB; its deflate data makes 100 MB of spaces. The zip
    // crate stops at the declared size, which the limits have checked.
    let mut entries: Vec<RawEntry> =
        parts(&fixture("features.xlsx")).iter().map(|(n, d)| RawEntry::stored(n, d)).collect();
    let sheet = entries.iter_mut().find(|e| e.name == "xl/worksheets/sheet1.xml").unwrap();
    sheet.method = 8;
    sheet.data = deflate_run(b' ', 100 << 20);
    let lying = raw_zip(&entries);
    // And the same part saying what it is.
    entries.iter_mut().find(|e| e.name == "xl/worksheets/sheet1.xml").unwrap().size = 100 << 20;
    let honest = raw_zip(&entries);
    let raised = [("max-part-mb", "1000"), ("max-inflated-mb", "50")];
    let (Some(default), Some(raised)) =
        (read_confined(&[lying, honest.clone()], &[]), read_confined(&[honest], &raised))
    else {
        return;
    };
    assert_eq!(
        default.results[0],
        Err("cannot read sheet '统计': Xml error: I/O error: File is larger than its declared uncompressed size".into())
    );
    assert_eq!(
        default.results[1],
        Err("xl/worksheets/sheet1.xml inflates past 64 MB (-O max-part-mb=N raises it)".into())
    );
    assert_eq!(raised.results[0], Err("the package inflates past 50 MB (-O max-inflated-mb=N raises it)".into()));
}

/// Truncations of every part, at a dozen places each: whatever calamine makes of them, the
/// reader ends with a document or an error (not a hang, not an abort).
#[test]
fn every_part_cut_anywhere_ends_in_an_error_or_a_document() {
    let mut inputs = Vec::new();
    for name in ["s1-r002-xlsx.xlsx", "features.xlsx", "s1-r002-xlsx.ods"] {
        let all = parts(&fixture(name));
        for (i, (part, data)) in all.iter().enumerate() {
            if part == "mimetype" || !part.ends_with(".xml") {
                continue;
            }
            for k in 1..12 {
                let cut = data.len() * k / 12;
                let changed: Vec<(&str, &[u8])> = all
                    .iter()
                    .enumerate()
                    .map(|(j, (n, d))| (n.as_str(), if j == i { &data[..cut] } else { d.as_slice() }))
                    .collect();
                inputs.push(package(&changed));
            }
        }
    }
    let Some(confined) = read_confined(&inputs, &[]) else { return };
    let errors = confined.results.iter().filter(|r| r.is_err()).count();
    assert!(errors > inputs.len() / 2, "{errors} of {} cut files refused", inputs.len());
    for e in confined.results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(!e.is_empty());
    }
}

/// An xls workbook: globals (a BOF, a BOUNDSHEET for sheet `S`, the given records, an EOF)
/// and one sheet of the given records.
fn xls(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
    let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
    let eof = record(0x000A, &[]);
    let name = [&[1u8, 0][..], b"S"].concat();
    let boundsheet = |at: u32| record(0x0085, &[at.to_le_bytes().as_slice(), &[0, 0], &name].concat());
    let len = bof.len() + boundsheet(0).len() + globals.iter().map(Vec::len).sum::<usize>() + eof.len();
    let head = [vec![bof, boundsheet(len as u32)], globals.to_vec(), vec![eof.clone()]].concat().concat();
    let sheet = [vec![record(0x0809, &[0, 6, 0x10, 0, 0, 0, 0, 0])], sheet.to_vec(), vec![eof]].concat().concat();
    // Version 3, as Excel writes them: calamine refuses a version 4 file without a mini stream.
    let mut cfb = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    cfb.create_stream("Workbook").unwrap().write_all(&[head, sheet].concat()).unwrap();
    cfb.flush().unwrap();
    cfb.into_inner().into_inner()
}

/// An SST record of one string of `n` × `y`, run on over CONTINUE records as Excel writes it.
fn sst_of_one_long_string(n: usize) -> Vec<Vec<u8>> {
    let mut first = [1u32.to_le_bytes(), 1u32.to_le_bytes()].concat();
    first.extend((n as u16).to_le_bytes());
    first.push(0);
    let room = 8224 - first.len();
    let mut left = n - room.min(n);
    first.extend(std::iter::repeat_n(b'y', room.min(n)));
    let mut out = vec![record(0x00FC, &first)];
    while left > 0 {
        let take = left.min(8223);
        out.push(record(0x003C, &[&[0u8][..], &vec![b'y'; take]].concat()));
        left -= take;
    }
    out
}

fn labelsst(row: u16, col: u16) -> Vec<u8> {
    record(0x00FD, &[row.to_le_bytes().as_slice(), &col.to_le_bytes(), &[0, 0], &0u32.to_le_bytes()].concat())
}

#[test]
fn an_xls_shared_string_used_by_many_cells_is_refused_before_calamine_copies_it() {
    let sst = sst_of_one_long_string(60_000);
    // Three cells read: the string as calamine and the measure both read it.
    let few = read(&xls(&sst, &[labelsst(0, 0), labelsst(0, 1), labelsst(1, 0)]));
    assert_eq!(at(tables(&few)[0], 1, 0).len(), 60_000);
    // 90 000 cells: 16 GB of copies.
    let many: Vec<Vec<u8>> = (0..45_000u16).flat_map(|r| [labelsst(r, 0), labelsst(r, 1)]).collect();
    let Some(confined) = read_confined(&[xls(&sst, &many)], &[]) else { return };
    let err = confined.results[0].clone().unwrap_err();
    assert!(
        err.starts_with("the text of the cells, each shared string counted where it is used, grows past "),
        "{err}"
    );
}
