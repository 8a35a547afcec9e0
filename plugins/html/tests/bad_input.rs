//! Bad input gets a clear error saying what is wrong, never a panic, a hang or unbounded
//! memory. (The host prefixes the file name.)

mod common;

use common::fixtures;
use nianbao_plugin::{Error, Options};

fn read(bytes: &[u8]) -> Result<nianbao_plugin::Document, Error> {
    nianbao_html::read(bytes, &Options::new())
}

fn error(bytes: &[u8]) -> String {
    match read(bytes) {
        Ok(doc) => panic!("read without error: {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

fn page() -> Vec<u8> {
    std::fs::read(fixtures().join("site-metadata-box.html")).unwrap()
}

#[test]
fn truncated_page() {
    let p = page();
    let cut = &p[..p.len() / 2];
    let e = error(cut);
    assert!(e.contains("truncated") && e.contains(&format!("after {} bytes", cut.len())), "{e}");
    // Asked to, the reader takes what is there.
    let opts = Options::from([("partial".to_string(), "true".to_string())]);
    let doc = nianbao_html::read(cut, &opts).unwrap();
    assert!(doc.blocks.len() > 5);
}

#[test]
fn truncated_inside_a_multibyte_character() {
    let p = page();
    let at = (p.len() / 3..).find(|&i| p[i] >= 0xC0).unwrap() + 1;
    let e = error(&p[..at]);
    assert!(e.contains("truncated"), "{e}");
}

#[test]
fn corrupted_gbk_page() {
    // A GBK page whose second half was overwritten with bytes no encoding makes sense of.
    let mut p = std::fs::read(fixtures().join("gbk-declared.html")).unwrap();
    let half = p.len() / 2;
    for (i, b) in p[half..].iter_mut().enumerate() {
        *b = if i % 2 == 0 { 0x81 } else { 0x7F };
    }
    let e = error(&p);
    assert!(e.contains("not readable as GBK") && e.contains("undecodable"), "{e}");
}

#[test]
fn other_formats() {
    let cases: [(&[u8], &str); 5] = [
        (b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj", "a PDF document"),
        (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", "a ZIP archive"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00", "an OLE2 compound file"),
        (b"\x89PNG\r\n\x1A\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\x7FELF\x02\x01\x01\x00\x00\x00\x00\x00", "binary data"),
    ];
    for (bytes, what) in cases {
        let e = error(bytes);
        assert!(e.starts_with("not an HTML page") && e.contains(what), "{e}");
    }
}

#[test]
fn empty_and_plain_text() {
    assert_eq!(error(b""), "the file is empty");
    assert_eq!(error(b" \r\n\t"), "the file is empty");
    let e = error("一、总体情况\n本年度共收到申请3件。\n".as_bytes());
    assert!(e.contains("plain text"), "{e}");
}

#[test]
fn a_page_with_nothing_on_it() {
    let e = error(b"<!DOCTYPE html><html><head><title>x</title><script>var a=1;</script></head><body></body></html>");
    assert!(e.contains("no text, tables or images"), "{e}");
}

#[test]
fn deeply_nested_page() {
    let mut p = b"<!DOCTYPE html><html><body>".to_vec();
    p.extend(b"<div><span>".repeat(200_000));
    p.extend(b"</body></html>");
    let e = error(&p);
    assert!(e.contains("more than 512 deep"), "{e}");
}

#[test]
fn deeply_nested_tables() {
    let mut p = b"<!DOCTYPE html><html><body>".to_vec();
    p.extend(b"<table><tr><td>".repeat(50_000));
    p.extend(b"</body></html>");
    let e = error(&p);
    assert!(e.contains("deep"), "{e}");
}

#[test]
fn a_page_of_too_many_elements() {
    let mut p = b"<!DOCTYPE html><html><body><table>".to_vec();
    p.extend(b"<tr><td>1</td></tr>".repeat(120_000));
    p.extend(b"</table></body></html>");
    let e = error(&p);
    assert!(e.contains("more than 200000 elements"), "{e}");
}

#[test]
fn a_huge_file() {
    let mut p = b"<!DOCTYPE html><html><body><p>".to_vec();
    p.resize(65 * 1024 * 1024, b'x');
    let e = error(&p);
    assert!(e.contains("65 MB") && e.contains("more than the 64 MB"), "{e}");
}

#[test]
fn huge_spans_are_clamped() {
    let p = b"<table><tr><td rowspan=4294967295 colspan=99999999999>a</td><td>b</td></tr><tr><td>1</td><td>2</td></tr></table>";
    let doc = read(p).unwrap();
    let nianbao_plugin::Block::Table(t) = &doc.blocks[0] else { panic!("{:?}", doc.blocks) };
    assert_eq!(t.rows[0][0].rowspan, nianbao_plugin::document::MAX_SPAN);
    assert_eq!(t.rows[0][0].colspan, nianbao_plugin::document::MAX_SPAN);
    // Row 2's cells sit right of the 1000-column cell spanning down into it.
    assert_eq!(t.grid().width, 2 + nianbao_plugin::document::MAX_SPAN as usize);
    assert_eq!(t.grid().slots.len(), 2, "rowspans stop at the last row");
}
