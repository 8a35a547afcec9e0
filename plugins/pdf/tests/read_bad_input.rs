//! Bad input gives a clear error or a bounded result: never a panic, a hang, or unbounded
//! memory. Every case runs on a thread with a deadline.

use nianbao_pdf::Pdf;
use nianbao_plugin::{Block, Document, FormatPlugin, Options};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Reads on another thread; fails the test if it takes longer than `secs`.
fn read_within(bytes: Vec<u8>, secs: u64) -> Result<Document, String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(Pdf::read("pdf", &bytes, &Options::new()).map_err(|e| e.0));
    });
    rx.recv_timeout(Duration::from_secs(secs)).expect("the reader finishes in bounded time")
}

/// A PDF with the given objects (1 is the catalog) and a correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<</Size {}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

fn stream(content: &[u8]) -> Vec<u8> {
    let mut s = format!("<</Length {}>>stream\n", content.len()).into_bytes();
    s.extend_from_slice(content);
    s.extend_from_slice(b"\nendstream");
    s
}

/// One page with a Helvetica font F1 and the given content stream.
fn one_page(content: &[u8]) -> Vec<u8> {
    pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>".to_vec(),
        stream(content),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_vec(),
    ])
}

fn fixture() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/read/s1-r001-pdf-lo.pdf")).unwrap()
}

#[test]
fn a_small_hand_made_page_reads() {
    let doc = read_within(one_page(b"BT /F1 12 Tf 72 700 Td (Hello, world) Tj ET"), 10).unwrap();
    assert!(
        matches!(&doc.blocks[..], [Block::Paragraph { text, .. }] | [Block::Heading { text, .. }] if text == "Hello, world"),
        "{:?}",
        doc.blocks
    );
}

#[test]
fn wrong_formats_say_so() {
    for bytes in [&b""[..], b"PK\x03\x04 not a pdf", b"<!DOCTYPE html><html>", b"\x89PNG\r\n\x1a\n"] {
        let err = read_within(bytes.to_vec(), 10).unwrap_err();
        assert!(err.contains("not a PDF"), "{err}");
    }
}

#[test]
fn truncated_files_are_refused() {
    let full = fixture();
    for cut in [full.len() / 2, full.len() - 200, 2000, 20] {
        let err = read_within(full[..cut].to_vec(), 20).unwrap_err();
        assert!(err.contains("truncated"), "cut at {cut}: {err}");
    }
}

#[test]
fn corrupted_streams_give_an_error_or_what_survives() {
    // Scribble over the compressed data of the second page's content stream.
    let mut bytes = fixture();
    let starts: Vec<usize> =
        bytes.windows(7).enumerate().filter(|(_, w)| w == b"stream\n").map(|(i, _)| i + 7).collect();
    let at = starts[1] + 20;
    for b in &mut bytes[at..at + 400] {
        *b = b.wrapping_mul(31).wrapping_add(7);
    }
    match read_within(bytes, 20) {
        Ok(doc) => assert!(doc.notes.iter().any(|n| n.contains("damaged")), "{:?}", doc.notes),
        Err(e) => assert!(e.contains("damaged") || e.contains("cannot read"), "{e}"),
    }
    // Garbage after a valid header.
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend((0..50_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
    junk.extend_from_slice(b"\n%%EOF\n");
    let err = read_within(junk, 20).unwrap_err();
    assert!(err.contains("cannot read") || err.contains("no pages") || err.contains("damaged"), "{err}");
}

#[test]
fn image_only_page_has_no_text_layer() {
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</XObject<</I 5 0 R>>>>>>".to_vec(),
        stream(b"q 595 0 0 842 0 0 cm /I Do Q"),
        [&b"<</Type/XObject/Subtype/Image/Width 1/Height 1/ColorSpace/DeviceGray/BitsPerComponent 8/Length 1>>stream\n"[..], b"\x80\nendstream"].concat(),
    ]);
    let err = read_within(doc, 10).unwrap_err();
    assert!(err.contains("no text layer"), "{err}");
}

#[test]
fn huge_content_stays_bounded() {
    // Eight million operators and a thousand-fold nested save state.
    let mut content = b"q ".repeat(100_000);
    content.extend(b"0 0 m 100 0 l S ".repeat(1_000_000));
    content.extend(b"BT /F1 12 Tf 72 700 Td (x) Tj ET ");
    let t = Instant::now();
    let _ = read_within(one_page(&content), 60);
    assert!(t.elapsed() < Duration::from_secs(60));
    // One string of ten million glyphs.
    let mut content = b"BT /F1 1 Tf 0 0 Td (".to_vec();
    content.extend(std::iter::repeat_n(b'a', 10_000_000));
    content.extend(b") Tj ET");
    let doc = read_within(one_page(&content), 60).unwrap();
    let chars: usize =
        doc.blocks.iter().map(|b| if let Block::Paragraph { text, .. } = b { text.len() } else { 0 }).sum();
    assert!(chars <= 1_000_000, "glyphs per page are capped, got {chars}");
}

#[test]
fn fifty_thousand_rows_of_figures_without_rules_stay_bounded() {
    // Figures set in three columns on 50 000 lines, no rules: one table without rules.
    let mut content = b"BT /F1 1 Tf 72 800 Td ".to_vec();
    content.extend(b"(1) Tj 5 0 Td (2) Tj 5 0 Td (3) Tj -10 -0.6 Td ".repeat(50_000));
    content.extend(b"ET");
    let t = Instant::now();
    let doc = read_within(one_page(&content), 60).unwrap();
    let rows: usize = doc.blocks.iter().map(|b| if let Block::Table(t) = b { t.rows.len() } else { 0 }).sum();
    assert_eq!(rows, 50_000, "every line a row");
    assert!(t.elapsed() < Duration::from_secs(60));
}

#[test]
fn deep_nesting_and_loops_stay_bounded() {
    // Arrays nested a hundred thousand deep in the page dictionary.
    let mut deep = b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/X ".to_vec();
    deep.extend(b"[".repeat(100_000));
    deep.extend(b"]".repeat(100_000));
    deep.extend(b">>");
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        deep,
        stream(b"BT /F1 12 Tf 72 700 Td (x) Tj ET"),
    ]);
    let _ = read_within(doc, 30);
    // A form that draws itself twice: 2^n runs without a depth limit.
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources 5 0 R>>".to_vec(),
        stream(b"/X Do"),
        b"<</XObject<</X 6 0 R>>/Font<</F1 7 0 R>>>>".to_vec(),
        [
            &b"<</Type/XObject/Subtype/Form/BBox[0 0 10 10]/Resources 5 0 R"[..],
            &stream(b"/X Do /X Do BT /F1 9 Tf 1 0 0 1 9 9 Tm (ab) Tj ET")[2..],
        ]
        .concat(),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_vec(),
    ]);
    let t = Instant::now();
    let _ = read_within(doc, 60);
    assert!(t.elapsed() < Duration::from_secs(60));
    // A page tree whose Kids point back at itself.
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[2 0 R 3 0 R]/Count 2>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>".to_vec(),
        stream(b"BT /F1 12 Tf 72 700 Td (loop) Tj ET"),
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_vec(),
    ]);
    let _ = read_within(doc, 30);
}

#[test]
fn encrypted_with_a_real_password_is_refused() {
    // The Encrypt dictionary of a file whose user password is not empty (a random /U).
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>".to_vec(),
        stream(b"garbage that is not decryptable"),
        b"<</Filter/Standard/V 2/R 3/Length 128/P -3904/O <6f6e65206f776e6572206b6579207468617420697320333220627974657321> /U <757365722068617368206f6620333220627974657320746861742077696c6c>>>".to_vec(),
    ]);
    let mut doc = doc;
    let pos = doc.windows(7).rposition(|w| w == b"/Root 1").unwrap();
    doc.splice(
        pos..pos,
        b"/Encrypt 5 0 R/ID[<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>]".iter().copied(),
    );
    let err = read_within(doc, 20).unwrap_err();
    assert!(err.contains("password") || err.contains("encrypted"), "{err}");
}
