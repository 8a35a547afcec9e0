//! Bad input gets a clear error saying what is wrong, never a panic, a hang or unbounded
//! memory. (The host prefixes the file name.) The large hostile pages are read in a child
//! process whose address space is capped at 1 GB, where a reader past its budgets is stopped by
//! the allocator.

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

#[test]
fn spans_that_make_a_grid_of_ninety_million_cells() {
    // 900 rows of 100 cells 1000 columns wide: within the element limit, but a 900 × 100 000
    // grid. Before the limit: 4.3 GB and 33 s through `nianbao convert`.
    in_bounded_memory("spans_that_make_a_grid_of_ninety_million_cells", 1024, || {
        let row = format!("<tr>{}</tr>", "<td colspan=1000>x</td>".repeat(100));
        let page = format!("<!DOCTYPE html><html><body><p>正文</p><table>{}</table></body></html>", row.repeat(900));
        let e = error(page.as_bytes());
        assert_eq!(
            e,
            "table 0 of the page (counting its <table> elements from 0) has more than 100000 cells in its 900 rows \
             (-O max-cells=N raises the limit)"
        );
    });
    // The option raises the limit.
    let page = format!("<table>{}</table>", "<tr><td colspan=600>x</td><td>1</td></tr>".repeat(200));
    assert!(error(page.as_bytes()).contains("more than 100000 cells"));
    let opts = Options::from([("max-cells".to_string(), "120200".to_string())]);
    let doc = nianbao_html::read(page.as_bytes(), &opts).unwrap();
    assert!(matches!(&doc.blocks[0], nianbao_plugin::Block::Table(t) if t.rows.len() == 200));
}

#[test]
fn a_million_nested_elements() {
    in_bounded_memory("a_million_nested_elements", 1024, || {
        let page = "<!DOCTYPE html><html><body>".to_string() + &"<div>".repeat(1_000_000) + "x</body></html>";
        assert!(error(page.as_bytes()).contains("more than 512 deep"));
    });
}

#[test]
fn a_sixty_megabyte_page() {
    // One paragraph of 20 million characters: read, in memory a few times its size.
    in_bounded_memory("a_sixty_megabyte_page", 1024, || {
        let page = format!("<!DOCTYPE html><html><body><p>{}</p></body></html>", "字".repeat(20_000_000));
        let doc = read(page.as_bytes()).unwrap();
        assert!(matches!(&doc.blocks[..], [nianbao_plugin::Block::Paragraph { text, .. }] if text.len() == 60_000_000));
    });
}
