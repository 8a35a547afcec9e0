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

// ------------------------------------------------ bombs and budgets, in a confined child

mod confined;

use confined::{read_confined, zlib_run};

#[test]
#[ignore = "the child side of the confined reads: run by read_confined, not on its own"]
fn confined_child() {
    confined::confined_child();
}

fn flate(data: &[u8], extra: &str) -> Vec<u8> {
    let mut s = format!("<</Length {}/Filter/FlateDecode{extra}>>stream\n", data.len()).into_bytes();
    s.extend_from_slice(data);
    s.extend_from_slice(b"\nendstream");
    s
}

const TEXT: &[u8] = b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET";

/// `pages` pages that all draw content stream 4 with font 5 (and the given extra resources).
fn pages_drawing(pages: usize, content: Vec<u8>, resources: &str, more: Vec<Vec<u8>>) -> Vec<u8> {
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 6 + more.len() + i)).collect();
    let mut objects = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        format!("<</Type/Pages/Kids[{}]/Count {pages}>>", kids.join(" ")).into_bytes(),
        b"<<>>".to_vec(),
        content,
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>".to_vec(),
    ];
    objects.extend(more);
    for _ in 0..pages {
        objects.push(
            format!("<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>{resources}>>>>")
                .into_bytes(),
        );
    }
    pdf(&objects)
}

#[test]
fn a_content_stream_inflating_past_the_part_limit_is_refused() {
    // 100 MB of spaces in 640 KB: the reader stopped at 64 MB and called the page damaged.
    let mut bomb = zlib_run(b' ', 100 << 20);
    bomb.truncate(bomb.len() - 4); // what follows the spaces does not matter: the limit comes first
    let Some(c) = read_confined(&[pages_drawing(1, flate(&bomb, ""), "", vec![])], &[]) else { return };
    assert_eq!(c.results[0], Err("a stream of the PDF inflates past 64 MB (-O max-part-mb=N raises it)".into()));
}

#[test]
fn a_stream_decoded_by_every_page_counts_every_time() {
    // Eight pages draw one stream of 20 MB (125 KB compressed): 160 MB of decoding.
    let bytes = pages_drawing(8, flate(&zlib_run(b' ', 20 << 20), ""), "", vec![]);
    let raised = [("max-inflated-mb", "5000")];
    let (Some(c), Some(r)) = (read_confined(std::slice::from_ref(&bytes), &[]), read_confined(&[bytes], &raised))
    else {
        return;
    };
    let err = c.results[0].clone().unwrap_err();
    assert!(
        err.starts_with("the streams of the PDF, decoded as its pages draw them, grow past ")
            && err.ends_with("file; -O max-inflated-mb=N raises it)"),
        "{err}"
    );
    // Allowed, it is read: eight pages of nothing but spaces.
    assert_eq!(r.results[0], Err("the PDF has no text on any page".into()));
}

#[test]
fn a_form_drawn_a_hundred_thousand_times_is_stopped() {
    // A 1 MB form (6 KB compressed) drawn 100 000 times: 100 GB of decoding; it ran for ever.
    let form = flate(&zlib_run(b' ', 1 << 20), "/Type/XObject/Subtype/Form/BBox[0 0 10 10]");
    let mut content = b"/X Do ".repeat(100_000);
    content.extend_from_slice(TEXT);
    let bytes = pages_drawing(1, stream(&content), "/XObject<</X 6 0 R>>", vec![form]);
    let Some(c) = read_confined(&[bytes], &[]) else { return };
    let err = c.results[0].clone().unwrap_err();
    assert!(err.starts_with("the streams of the PDF, decoded as its pages draw them, grow past "), "{err}");
}

/// A page in a CID font (Identity-H, code = CID) with the given ToUnicode map and widths.
fn cid_page(cmap: &[u8], widths: &str) -> Vec<u8> {
    pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>".to_vec(),
        stream(b"BT /F1 12 Tf 72 700 Td <00000001> Tj ET"),
        b"<</Type/Font/Subtype/Type0/BaseFont/X/Encoding/Identity-H/DescendantFonts[7 0 R]/ToUnicode 6 0 R>>".to_vec(),
        stream(cmap),
        format!("<</Type/Font/Subtype/CIDFontType2/BaseFont/X/CIDSystemInfo<</Registry(Adobe)/Ordering(Identity)/Supplement 0>>/DW 1000/W[{widths}]>>").into_bytes(),
    ])
}

#[test]
fn hostile_cmaps_and_width_arrays_stay_bounded() {
    // Five hundred blocks of 1 365 ranges over all 65 536 codes (45 billion codes to set, the
    // same ones over and over), and a width array of 200 000 such ranges.
    let block =
        [b"1365 beginbfrange\n".to_vec(), b"<0000> <FFFF> <0041>\n".repeat(1365), b"endbfrange\n".to_vec()].concat();
    let cmap = [
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap 1 begincodespacerange <0000> <FFFF> endcodespacerange\n".to_vec(),
        block.repeat(500),
        b"endcmap end end".to_vec(),
    ]
    .concat();
    let widths = "0 65535 1000 ".repeat(200_000);
    let Some(c) = read_confined(&[cid_page(&cmap, &widths)], &[]) else { return };
    // The first range maps the two codes drawn: A and B.
    assert_eq!(c.results[0].as_deref(), Ok("blocks=1 chars=2"), "{:?}", c.results);
}

/// A PDF 1.5 file whose objects 6.. are members of object streams (one per member), with a
/// cross-reference stream. `member(i)` is the zlib data of the i-th object stream, which holds
/// object `6 + i` after its index.
fn with_object_streams(n: usize, member: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut rows: Vec<(u8, usize, u16)> = vec![(0, 0, 0xFFFF)];
    let plain: Vec<Vec<u8>> = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        // The font is the first member.
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 6 0 R>>>>>>".to_vec(),
        stream(TEXT),
        b"<<>>".to_vec(),
    ];
    let containers: Vec<Vec<u8>> =
        (0..n).map(|i| flate(&member(i), &format!("/Type/ObjStm/N 1/First {}", index(i).len()))).collect();
    for (i, o) in plain.iter().chain(&containers).enumerate() {
        if i == plain.len() {
            // The members' rows come before their containers' (objects 6.. are members).
            for k in 0..n {
                rows.push((2, 6 + n + k, 0));
            }
        }
        rows.push((1, out.len(), 0));
        out.extend(format!("{} 0 obj\n", if i < plain.len() { i + 1 } else { 6 + n + i - plain.len() }).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref_at = out.len();
    let size = 6 + 2 * n + 1;
    rows.push((1, xref_at, 0));
    let mut data = Vec::new();
    for (t, f, g) in &rows {
        data.push(*t);
        data.extend((*f as u32).to_be_bytes());
        data.extend(g.to_be_bytes());
    }
    out.extend(
        format!("{} 0 obj\n<</Type/XRef/Size {size}/W[1 4 2]/Root 1 0 R/Length {}>>stream\n", size - 1, data.len())
            .as_bytes(),
    );
    out.extend(&data);
    out.extend(format!("\nendstream\nendobj\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    out
}

/// The index of the i-th object stream of [`with_object_streams`].
fn index(i: usize) -> String {
    format!("{} 0 ", 6 + i)
}

/// An object stream of `count` zeros in an array, made without compressing them.
fn zeros(i: usize, count: usize) -> Vec<u8> {
    confined::Deflate::new()
        .literal(format!("{}[0 ", index(i)).as_bytes())
        .repeat(2, 2 * (count - 1))
        .literal(b"]")
        .zlib()
}

#[test]
fn object_streams_are_read_and_their_bombs_refused() {
    // A font read from an object stream (the reader parses those, for lopdf): the text shows.
    let font = |i: usize| {
        let member = format!("{}<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>", index(i));
        confined::Deflate::new().literal(member.as_bytes()).zlib()
    };
    let small = with_object_streams(1, font);
    // An object stream of thirty million numbers in 400 KB: it took 3.8 GB in lopdf's objects.
    let big = with_object_streams(1, |i| zeros(i, 30 << 20));
    // Twenty object streams of a million numbers each, every one within the stream limit.
    let many = with_object_streams(20, |i| zeros(i, 1 << 20));
    let Some(c) = read_confined(&[small, big, many], &[]) else { return };
    assert_eq!(c.results[0].as_deref(), Ok("blocks=1 chars=5"), "{:?}", c.results);
    let err = c.results[1].clone().unwrap_err();
    assert!(err.starts_with("an object stream of the PDF inflates past "), "{err}");
    let err = c.results[2].clone().unwrap_err();
    assert!(err.starts_with("the objects of the PDF, parsed, grow past "), "{err}");
    assert!(c.peak_kb < 600 << 10, "peak {} MB", c.peak_kb >> 10);
}

#[test]
fn circular_references_stay_bounded() {
    // Contents and Resources that refer to each other round and round.
    let doc = pdf(&[
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>".to_vec(),
        b"<</Type/Page/Parent 2 0 R/MediaBox 6 0 R/Contents 4 0 R/Resources 5 0 R>>".to_vec(),
        b"5 0 R".to_vec(),
        b"4 0 R".to_vec(),
        b"7 0 R".to_vec(),
        b"6 0 R".to_vec(),
    ]);
    let Some(c) = read_confined(&[doc], &[]) else { return };
    assert_eq!(c.results[0], Err("the PDF is damaged: the content of its pages cannot be decoded".into()));
}

/// Inputs the fuzzer (tests/fuzz) found to crash the reader, each kept with what it broke.
#[test]
fn what_the_fuzzer_found_reads_without_a_panic() {
    // A mutated font matrix that makes a glyph's size NaN: the median gap was clamped to it.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-found");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        match read_within(std::fs::read(&path).unwrap(), 20) {
            Ok(_) => {}
            Err(e) => assert!(!e.contains("panic"), "{}: {e}", path.display()),
        }
    }
}
