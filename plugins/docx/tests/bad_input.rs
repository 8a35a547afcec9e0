//! Bad input gets a clear error, never a panic, a hang or unbounded memory: empty, truncated,
//! corrupted and wrong-format files, legacy and encrypted Word files, a ZIP bomb, deeply
//! nested and very large documents.

mod common;

use std::io::{Cursor, Write};

use common::*;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

fn fixture_bytes() -> Vec<u8> {
    std::fs::read(fixture("s1-r001-docx.docx")).unwrap()
}

fn assert_says(bytes: &[u8], words: &[&str]) {
    let e = read_err(bytes);
    assert!(words.iter().all(|w| e.contains(w)), "error {e:?} should say {words:?}");
}

#[test]
fn empty_and_other_formats_are_named() {
    assert_says(b"", &["empty"]);
    assert_says(b"just some text, not a document", &["not a DOCX file", "not a ZIP archive"]);
    assert_says(b"%PDF-1.7\n1 0 obj", &["PDF"]);
    assert_says(b"{\\rtf1\\ansi hello}", &["RTF", "save it as .docx"]);
    assert_says(b"<html><head><meta charset=utf-8></head><body>x</body></html>", &["HTML"]);
    let xlsx_rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    assert_says(&package(&[("_rels/.rels", xlsx_rels), ("xl/workbook.xml", "<workbook/>")]), &["Excel workbook"]);
    // A package whose main part is not WordprocessingML.
    assert_says(
        &package(&[("word/document.xml", "<workbook/>"), ("xl/workbook.xml", "<workbook/>")]),
        &["Excel workbook"],
    );
    assert_says(&package(&[("foo.txt", "x")]), &["not a Word document", "word/document.xml"]);
}

#[test]
fn legacy_doc_and_encrypted_docx_are_refused_with_advice() {
    let doc = std::fs::read(fixture("legacy.doc")).unwrap();
    assert_says(&doc, &["legacy Word 97-2003 .doc", "save it as .docx"]);
    // Format "doc" (what a .doc extension maps to) says the same.
    let e = <nianbao_docx::Plugin as nianbao_plugin::FormatPlugin>::read("doc", &doc, &Default::default()).unwrap_err();
    assert!(e.0.contains("not supported"), "{e}");

    // An encrypted DOCX is an OLE compound file holding an EncryptedPackage stream.
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(512, 0);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_says(&ole, &["password-protected"]);
}

#[test]
fn truncated_files_say_so() {
    let bytes = fixture_bytes();
    for keep in [10, 100, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let e = read_err(&bytes[..keep]);
        assert!(e.contains("truncated") || e.contains("damaged"), "{keep} bytes: {e}");
    }
}

#[test]
fn corrupted_compressed_data_is_reported_not_panicked_on() {
    let bytes = fixture_bytes();
    let mut zip = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let start = zip.by_name("word/document.xml").unwrap().data_start().unwrap() as usize;
    let mut bad = bytes.clone();
    for b in &mut bad[start + 200..start + 400] {
        *b ^= 0x5A;
    }
    assert_says(&bad, &["word/document.xml", "damaged"]);
}

#[test]
fn malformed_xml_names_the_part() {
    assert_says(&docx("<w:p><w:r><w:t>未闭合</w:r></w:p>"), &["word/document.xml", "not well-formed"]);
    let cut = r#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body><w:p><w:r><w:t>半截"#;
    assert_says(&package(&[("word/document.xml", cut)]), &["word/document.xml"]);
    assert_says(
        &docx_with(&p("x"), &[("word/styles.xml", "<w:styles><w:style></w:styles>")]),
        &["word/styles.xml", "not well-formed"],
    );
}

/// A deterministic byte mutator: whatever the damage, reading ends with Ok or Err.
#[test]
fn random_damage_to_the_xml_never_panics() {
    let body: String = (0..30).map(|i| p(&format!("第{i}段"))).collect::<String>()
        + "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/><w:vMerge w:val=\"restart\"/></w:tcPr><w:p/></w:tc></w:tr><w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>";
    let document = format!(r#"<w:document {W_NS}><w:body>{body}</w:body></w:document>"#);
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..300 {
        let mut xml = document.clone().into_bytes();
        for _ in 0..(next() % 8 + 1) {
            let i = (next() as usize) % xml.len();
            xml[i] = b"<>/\"=w:pt0 \xff"[(next() % 12) as usize];
        }
        let text = String::from_utf8_lossy(&xml).into_owned();
        let _ = nianbao_docx::read(&package(&[("word/document.xml", &text)]), &Default::default());
    }
}

#[test]
fn a_zip_bomb_is_refused_after_a_bounded_read() {
    // styles.xml that inflates to 9 MiB of spaces, over the 8 MiB limit for such parts.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let deflate = SimpleFileOptions::default().compression_level(Some(1));
    zip.start_file("word/document.xml", deflate).unwrap();
    zip.write_all(format!(r#"<w:document {W_NS}><w:body>{}</w:body></w:document>"#, p("x")).as_bytes()).unwrap();
    zip.start_file("word/styles.xml", deflate).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..9 {
        zip.write_all(&chunk).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() < 100 << 10, "the bomb is small: {} bytes", bytes.len());
    assert_says(&bytes, &["word/styles.xml", "more than 8 MiB"]);
}

#[test]
fn deep_nesting_is_refused_or_read_without_recursion() {
    // Tables nested 10 000 deep: refused.
    let n = 10_000;
    let body = "<w:tbl><w:tr><w:tc>".repeat(n) + &p("x") + &"</w:tc></w:tr></w:tbl>".repeat(n);
    assert_says(&docx(&body), &["nested more than"]);
    // Content controls nested 100 000 deep are transparent: read without recursing.
    let n = 100_000;
    let body = "<w:sdt><w:sdtContent>".repeat(n) + &p("深处的段落") + &"</w:sdtContent></w:sdt>".repeat(n);
    assert_eq!(texts(&read(&docx(&body))), ["深处的段落"]);
}

#[test]
fn huge_spans_and_large_documents_stay_bounded() {
    let wide = r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="4000000000"/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:gridSpan w:val="999"/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"#;
    assert_says(&docx(wide), &["wider than"]);
    // 20 000 paragraphs and a 5 000-row table: read in full.
    let mut body: String = (0..20_000).map(|i| p(&format!("段落{i}"))).collect();
    body.push_str("<w:tbl>");
    for i in 0..5_000 {
        body.push_str(&format!(
            r#"<w:tr><w:tc><w:tcPr><w:vMerge{}/></w:tcPr>{}</w:tc><w:tc>{}</w:tc></w:tr>"#,
            if i == 0 { r#" w:val="restart""# } else { "" },
            p(if i == 0 { "合并" } else { "" }),
            p(&i.to_string())
        ));
    }
    body.push_str("</w:tbl>");
    let doc = read(&docx(&body));
    assert_eq!(doc.blocks.len(), 20_001);
    let t = tables(&doc)[0];
    assert_eq!((t.rows.len(), t.rows[0][0].rowspan), (5_000, 5_000));
}
