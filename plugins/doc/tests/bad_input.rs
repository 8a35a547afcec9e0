//! Bad input gets a clear error, never a panic or a hang: files of other kinds under a .doc
//! name, truncated and bit-flipped documents, a cyclic FAT chain, lying sizes in the compound
//! file's directory and in the FIB, and documents past the reader's limits.

use std::sync::mpsc;
use std::time::Duration;

use nianbao_plugin::{Document, Error, Options};

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads on a thread of its own and gives up after a minute: a hang fails the test instead of
/// stalling it. A panic is a failure too.
fn read_with(bytes: &[u8], options: &[(&str, &str)]) -> Result<Document, Error> {
    let bytes = bytes.to_vec();
    let mut opts = Options::new();
    for (k, v) in options {
        opts.insert(k.to_string(), v.to_string());
    }
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(std::panic::catch_unwind(|| nianbao_doc::read(&bytes, &opts)));
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => panic!("the reader panicked"),
        Err(_) => panic!("the reader did not finish within a minute"),
    }
}

fn read_err(bytes: &[u8]) -> String {
    match read_with(bytes, &[]) {
        Ok(doc) => panic!("expected an error, got {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

fn assert_says(bytes: &[u8], words: &[&str]) {
    let e = read_err(bytes);
    assert!(words.iter().all(|w| e.contains(w)), "error {e:?} should say {words:?}");
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// Where the WordDocument stream starts in a fixture (LibreOffice writes it in order, in
/// 512-byte sectors): its first sector holds the FIB.
fn fib_at(bytes: &[u8]) -> usize {
    (512..bytes.len()).step_by(512).find(|&o| bytes[o..o + 2] == [0xEC, 0xA5]).expect("a FIB")
}

/// The directory entry of a stream, by name: 128-byte entries in 512-byte sectors.
fn dir_entry(bytes: &[u8], name: &str) -> usize {
    let want: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    (512..bytes.len()).step_by(128).find(|&o| bytes[o..].starts_with(&want)).expect("a directory entry")
}

#[test]
fn files_of_other_kinds_are_named() {
    assert_says(b"", &["empty"]);
    assert_says(b"{\\rtf1\\ansi\\deff0 hello\\par}", &["this .doc is an RTF file", "save it as .docx"]);
    assert_says(b"<!DOCTYPE html><html><body><p>x</p></body></html>", &["web page (HTML)", "--from html"]);
    assert_says(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"x\"\r\n", &["MHT"]);
    assert_says(b"%PDF-1.7\n", &["PDF", "--from pdf"]);
    assert_says(b"just text", &["plain text", "--from text"]);
    assert_says(b"\x00\x01binary", &["not a Word 97-2003 document", "000162696e617279"]);
    let docx = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/src/features.docx")).unwrap();
    assert_says(&docx, &["DOCX package", "--from docx"]);
    let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../xlsx/tests/fixtures/s1-r001-xlsx.xls")).unwrap();
    assert_says(&xls, &["Excel 97-2003 workbook", "--from xls"]);
}

#[test]
fn the_plugin_sniffs_word_compound_files_only() {
    use nianbao_plugin::FormatPlugin;
    assert_eq!(nianbao_doc::Plugin::sniff(&fixture("s1-r001-docx.doc")), Some("doc"));
    let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../xlsx/tests/fixtures/s1-r001-xlsx.xls")).unwrap();
    assert_eq!(nianbao_doc::Plugin::sniff(&xls), None);
    assert_eq!(nianbao_doc::Plugin::sniff(b"{\\rtf1 WordDocument}"), None);
    let formats = nianbao_doc::Plugin::formats();
    assert!(formats.iter().all(|f| f.read && !f.write));
    assert!(formats.iter().any(|f| f.extensions.contains(&"wps")));
}

#[test]
fn word_95_and_encrypted_documents_are_named() {
    let good = fixture("s1-r007-docx.doc");
    let fib = fib_at(&good);
    let mut old = good.clone();
    old[fib..fib + 2].copy_from_slice(&0xA5DCu16.to_le_bytes());
    assert_says(&old, &["Word 6.0/95", "save it as .docx"]);
    let mut locked = good.clone();
    locked[fib + 0x0B] |= 0x01;
    assert_says(&locked, &["password-protected"]);
}

#[test]
fn truncated_files_end_in_an_error() {
    let good = fixture("s1-r001-docx.doc");
    for k in 1..40 {
        let cut = good.len() * k / 40;
        let e = read_err(&good[..cut]);
        assert!(!e.is_empty(), "cut at {cut}");
    }
}

#[test]
fn random_damage_never_panics_or_hangs() {
    for name in ["s1-r001-docx.doc", "features.doc"] {
        let good = fixture(name);
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut errors = 0;
        for _ in 0..150 {
            let mut bytes = good.clone();
            for _ in 0..4 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % bytes.len() as u64) as usize;
                bytes[at] = (seed >> 32) as u8;
            }
            if let Err(e) = read_with(&bytes, &[]) {
                assert!(!e.0.is_empty());
                errors += 1;
            }
        }
        // Most flips land in text or padding, which still reads.
        assert!(errors < 150, "{name}: every damaged copy refused");
    }
}

#[test]
fn a_cyclic_fat_chain_is_an_error_not_a_loop() {
    let good = fixture("s1-r001-docx.doc");
    let entry = dir_entry(&good, "WordDocument");
    let start = u32_at(&good, entry + 116);
    // The FAT sector that holds the entry for `start`, from the header's DIFAT.
    let fat_sector = u32_at(&good, 76 + 4 * (start / 128));
    let at = 512 + 512 * fat_sector + 4 * (start % 128);
    let mut cyclic = good.clone();
    cyclic[at..at + 4].copy_from_slice(&(start as u32).to_le_bytes());
    let e = read_err(&cyclic);
    assert!(e.contains("corrupted"), "{e}");
}

#[test]
fn lying_sizes_are_refused() {
    let good = fixture("s1-r001-docx.doc");
    let fib = fib_at(&good);
    // ccpText (fibRgLw's fourth field: after FibBase, csw and 14 words, cslw).
    let mut chars = good.clone();
    chars[fib + 76..fib + 80].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
    assert_says(&chars, &["declares 2147483647 characters", "max-chars"]);
    // lcbClx: the piece table past the end of its stream.
    let mut clx = good.clone();
    clx[fib + 0x1A6..fib + 0x1AA].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert_says(&clx, &["piece table (Clx)", "table stream of"]);
    // lcbPlcfBtePapx: millions of property pages.
    let mut papx = good.clone();
    papx[fib + 0x106..fib + 0x10A].copy_from_slice(&0x0FFF_FFF0u32.to_le_bytes());
    assert_says(&papx, &["paragraph properties"]);
    // The directory says the stream is 4 GB long.
    let entry = dir_entry(&good, "WordDocument");
    let mut huge = good.clone();
    huge[entry + 120..entry + 124].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert!(!read_err(&huge).is_empty());
}

#[test]
fn limits_are_kept_and_say_how_to_raise_them() {
    let good = fixture("s1-r001-docx.doc");
    let e = read_with(&good, &[("max-cells", "20")]).unwrap_err().0;
    assert!(e.contains("more than 20 cells") && e.contains("-O max-cells=N"), "{e}");
    let e = read_with(&good, &[("max-blocks", "10")]).unwrap_err().0;
    assert!(e.contains("more than 10 paragraphs and table cells"), "{e}");
    let e = read_with(&good, &[("max-chars", "1000")]).unwrap_err().0;
    assert!(e.contains("more than the 1000") && e.contains("-O max-chars=N"), "{e}");
    let e = read_with(&good, &[("max-cell-chars", "5")]).unwrap_err().0;
    assert!(e.contains("more than 5 characters"), "{e}");
    let e = read_with(&good, &[("max-cells", "many")]).unwrap_err().0;
    assert!(e.contains("whole number"), "{e}");
    assert!(read_with(&good, &[("max-cells", "1000")]).is_ok());
}
