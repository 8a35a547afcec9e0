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
    // A .doc under a .docx name: the doc plugin reads it.
    let doc = std::fs::read(fixture("legacy.doc")).unwrap();
    assert_says(&doc, &["a Word 97-2003 document (.doc)", "--from doc"]);

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
    assert_says(&bytes, &["word/styles.xml", "inflates past 8 MB", "-O max-part-mb=N"]);
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

// ---- budgets: how much a package may inflate to, cells per table, characters per cell,
// blocks in all. Each hostile package is built here, and read in a child process whose address
// space is capped at 1 GB: a reader past its budgets is stopped by the allocator there.

/// Runs test `name` of this file again in a child process with at most `mb` MB of address
/// space (`ulimit -v`), and `case` there; it must pass, not be killed.
fn in_bounded_memory(name: &str, mb: u64, case: impl FnOnce()) {
    const CHILD: &str = "NIANBAO_BOUNDED_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return case();
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mb * 1024))
        .arg(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} within {mb} MB: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Bits of a DEFLATE stream, first bit lowest.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code: written from its highest bit.
    fn code(&mut self, code: u32, bits: u32) {
        self.put(code.reverse_bits() >> (32 - bits), bits);
    }

    /// A literal byte in the fixed Huffman code.
    fn literal(&mut self, b: u8) {
        match b {
            0..=143 => self.code(0x30 + u32::from(b), 8),
            _ => self.code(0x190 + u32::from(b) - 144, 9),
        }
    }
}

/// `prefix`, `unit` `times` over, `suffix`, deflated by hand in one block of fixed Huffman
/// codes: the unit's copies after the first are back-references of 258 bytes (20 bits each),
/// so hundreds of megabytes take no time to make, where a compressor takes seconds.
fn deflate_repeated(prefix: &[u8], unit: &[u8], times: usize, suffix: &[u8]) -> Vec<u8> {
    assert!((1..=32768).contains(&unit.len()));
    // The distance code and extra bits for the unit's length (RFC 1951, 3.2.5).
    let (dist, extra, value) = (0..30u32)
        .map(|c| {
            let extra = if c < 4 { 0 } else { c / 2 - 1 };
            let base = if c < 4 { c + 1 } else { ((2 + (c & 1)) << extra) + 1 };
            (c, extra, base)
        })
        .find(|&(_, extra, base)| (base..base + (1 << extra)).contains(&(unit.len() as u32)))
        .map(|(c, extra, base)| (c, extra, unit.len() as u32 - base))
        .unwrap();
    let mut w = Bits::default();
    w.put(1, 1); // the last block
    w.put(1, 2); // fixed Huffman codes
    prefix.iter().chain(unit).for_each(|&b| w.literal(b));
    let mut left = unit.len() * (times - 1);
    let mut at = 0;
    while left >= 258 {
        w.code(0xC5, 8); // length 258
        w.code(dist, 5);
        w.put(value, extra);
        left -= 258;
        at = (at + 258) % unit.len();
    }
    for _ in 0..left {
        w.literal(unit[at]);
        at = (at + 1) % unit.len();
    }
    suffix.iter().for_each(|&b| w.literal(b));
    w.code(0, 7); // end of block
    if w.n > 0 {
        w.out.push(w.acc as u8);
    }
    w.out
}

/// A DOCX whose document.xml is `prefix`, `unit` `times` over and `suffix`, deflated as above,
/// with its uncompressed size in the ZIP headers as `declared` says (a bomb's headers may lie).
/// The archive is written here too: the `zip` crate cannot take data deflated elsewhere.
fn bomb(unit: &str, times: usize, declared: Option<u32>) -> Vec<u8> {
    let prefix = format!(r#"<?xml version="1.0"?><w:document {W_NS}><w:body>"#);
    let (prefix, suffix) = if unit.starts_with("<w:tr>") {
        (prefix + "<w:tbl>", "</w:tbl></w:body></w:document>")
    } else {
        (prefix, "</w:body></w:document>")
    };
    let data = deflate_repeated(prefix.as_bytes(), unit.as_bytes(), times, suffix.as_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(prefix.as_bytes());
    (0..times).for_each(|_| crc.update(unit.as_bytes()));
    crc.update(suffix.as_bytes());
    let size = (prefix.len() + unit.len() * times + suffix.len()) as u32;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let entries: [(&str, &[u8], u16, u32, u32); 2] = [
        ("_rels/.rels", rels.as_bytes(), 0, crc32fast::hash(rels.as_bytes()), rels.len() as u32),
        ("word/document.xml", &data, 8, crc.finalize(), declared.unwrap_or(size)),
    ];
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, method, crc, size) in entries {
        let offset = out.len() as u32;
        let fields = |out: &mut Vec<u8>| {
            out.extend(20u16.to_le_bytes()); // version needed
            out.extend(0u16.to_le_bytes()); // flags
            out.extend(method.to_le_bytes());
            out.extend([0, 0, 0x21, 0]); // time, date: 1980-01-01
            out.extend(crc.to_le_bytes());
            out.extend((data.len() as u32).to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes()); // extra field
        };
        out.extend(0x04034b50u32.to_le_bytes());
        fields(&mut out);
        out.extend(name.as_bytes());
        out.extend(data);
        central.extend(0x02014b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes()); // version made by
        fields(&mut central);
        central.extend([0; 8]); // comment, disk, internal and external attributes
        central.extend([0; 2]);
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let (at, len) = (out.len() as u32, central.len() as u32);
    out.extend(central);
    out.extend(0x06054b50u32.to_le_bytes());
    out.extend([0, 0, 0, 0, 2, 0, 2, 0]);
    out.extend(len.to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend([0, 0]);
    out
}

const ROW: &str = "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>4</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>5</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>6</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>8</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>9</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>0</w:t></w:r></w:p></w:tc></w:tr>";

#[test]
fn the_hand_made_bomb_is_a_docx_that_reads() {
    // The generator itself, on a small table: what it writes is a package that reads.
    let doc = read(&bomb(ROW, 3, None));
    let t = tables(&doc)[0];
    assert_eq!((t.rows.len(), t.rows[2][9].text.as_str()), (3, "0"));
}

#[test]
fn a_document_of_250_mb_of_table_rows_stops_at_the_cells_limit() {
    // 2.5 MB that inflates to 250 MB, within the inflation limits (256 MB, and 200 times the
    // file): 5.5 million cells in one table. Before the limit: 4.7 GB and 27 s through `nianbao
    // convert`.
    in_bounded_memory("a_document_of_250_mb_of_table_rows_stops_at_the_cells_limit", 1024, || {
        let bytes = bomb(ROW, (250 << 20) / ROW.len(), None);
        assert!(bytes.len() < 3 << 20, "{}", bytes.len());
        assert_says(&bytes, &["table 0 of word/document.xml", "more than 100000 cells", "-O max-cells=N"]);
        // Asked to, the reader reads a little further.
        let options = nianbao_plugin::Options::from([("max-cells".to_string(), "200000".to_string())]);
        let e = nianbao_docx::read(&bytes, &options).unwrap_err();
        assert!(e.0.contains("more than 200000 cells by its row 20000"), "{e}");
    });
}

#[test]
fn a_document_of_millions_of_paragraphs_stops_at_the_blocks_limit() {
    let p = "<w:p><w:r><w:t>x</w:t></w:r></w:p>";
    in_bounded_memory("a_document_of_millions_of_paragraphs_stops_at_the_blocks_limit", 1024, || {
        let bytes = bomb(p, (100 << 20) / p.len(), None);
        assert_says(&bytes, &["word/document.xml makes more than 500000 paragraphs", "-O max-blocks=N"]);
    });
}

#[test]
fn a_part_whose_header_understates_its_size_inflates_no_further_than_the_limit() {
    // Declared as 1 KB, 300 MB when inflated: the inflating stops at 256 MB.
    in_bounded_memory("a_part_whose_header_understates_its_size_inflates_no_further_than_the_limit", 1024, || {
        let bytes = bomb(ROW, (300 << 20) / ROW.len(), Some(1024));
        assert_says(&bytes, &["word/document.xml inflates past 256 MB", "-O max-inflated-mb=N"]);
    });
}

#[test]
fn a_package_may_inflate_to_200_times_its_size() {
    // 8 MB of paragraphs deflated by zlib's best level into 24 KB: past 200 times the file.
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let best = SimpleFileOptions::default().compression_level(Some(9));
    zip.start_file("word/document.xml", best).unwrap();
    zip.write_all(format!(r#"<w:document {W_NS}><w:body>"#).as_bytes()).unwrap();
    let paragraphs = p("第一段").repeat(1000);
    for _ in 0..(8 << 20) / paragraphs.len() {
        zip.write_all(paragraphs.as_bytes()).unwrap();
    }
    zip.write_all(b"</w:body></w:document>").unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert!(bytes.len() * 200 < 8 << 20, "{} bytes", bytes.len());
    let e = read_err(&bytes);
    let kb = bytes.len().div_ceil(1024);
    assert!(e.contains(&format!("(the limit for a {kb} KB file; -O max-inflated-mb=N raises it)")), "{e}");
    // Given the option, the limit is what it says, whatever the file's size.
    let options = nianbao_plugin::Options::from([("max-inflated-mb".to_string(), "64".to_string())]);
    assert!(nianbao_docx::read(&bytes, &options).is_ok());
}

#[test]
fn a_cell_of_more_than_100000_characters_is_refused() {
    let long = "字".repeat(100_001);
    let body = format!("<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>", p("项目"), p(&long));
    assert_says(&docx(&body), &["row 0, column 1 of table 0", "more than 100000 characters", "-O max-cell-chars=N"]);
    let options = nianbao_plugin::Options::from([("max-cell-chars".to_string(), "200000".to_string())]);
    assert!(nianbao_docx::read(&docx(&body), &options).is_ok());
    let bad = nianbao_plugin::Options::from([("max-cells".to_string(), "lots".to_string())]);
    let e = nianbao_docx::read(&docx(&body), &bad).unwrap_err();
    assert_eq!(e.0, "-O max-cells=lots: the limit must be a whole number");
}
