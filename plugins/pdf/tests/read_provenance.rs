//! Every heading, paragraph and non-empty table cell says where it was printed (page and box,
//! points from the shown page's top-left corner), and poppler, asked for the text inside that
//! box (`pdftotext -f P -l P -x -y -W -H`, slightly enlarged), finds the same text: on the
//! fixture PDFs, and on copies turned by qpdf (`--rotate=+90/+180/+270`).

use nianbao_pdf::Pdf;
use nianbao_plugin::document::Source;
use nianbao_plugin::{Block, Document, FormatPlugin, Options};
use std::path::{Path, PathBuf};
use std::process::Command;
use unicode_normalization::UnicodeNormalization;

fn has(program: &str) -> bool {
    Command::new(program).arg("-v").output().is_ok() || Command::new(program).arg("--version").output().is_ok()
}

fn read(path: &Path) -> Document {
    Pdf::read("pdf", &std::fs::read(path).unwrap(), &Options::new())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture PDFs with text: the LibreOffice reports and this plugin's reader fixtures.
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [root.join("../../tests/fixtures/reports"), root.join("fixtures/read")] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".pdf") && name != "scanned.pdf" {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// A piece of text the reader says it read, where it says.
struct Placed {
    what: &'static str,
    text: String,
    source: Option<Source>,
}

fn placed(doc: &Document) -> Vec<Placed> {
    let mut out = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, source, .. } => {
                out.push(Placed { what: "heading", text: text.clone(), source: source.clone() })
            }
            Block::Paragraph { text, source, .. } => {
                out.push(Placed { what: "paragraph", text: text.clone(), source: source.clone() })
            }
            Block::Table(t) => {
                assert!(
                    t.source.as_ref().is_some_and(|s| s.page.is_some() && s.bbox.is_some()),
                    "a table without a source"
                );
                for c in t.rows.iter().flatten() {
                    assert!(c.source.as_ref().is_some_and(|s| s.page.is_some()), "a cell without its page");
                    out.push(Placed { what: "cell", text: c.text.clone(), source: c.source.clone() });
                }
            }
            Block::Image { .. } => {}
        }
    }
    out.retain(|p| !p.text.trim().is_empty());
    out
}

/// Text compared as characters: no white space, compatibility forms folded (the reader folds
/// Kangxi radicals and ligatures; poppler gives them as drawn), no hyphens (poppler drops the
/// one in a phone number LibreOffice set, `0939-63700927`, as a soft hyphen).
fn chars(s: &str) -> String {
    s.nfkc().filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{AD}')).collect()
}

fn sorted(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s.chars().collect();
    v.sort_unstable();
    v
}

/// What poppler prints inside a box of a page, enlarged by `margin` points each way.
fn pdftotext(pdf: &Path, page: u32, bbox: [f32; 4], margin: f32) -> String {
    let (x, y) = ((bbox[0] - margin).max(0.0), (bbox[1] - margin).max(0.0));
    let (w, h) = (bbox[2] + margin - x, bbox[3] + margin - y);
    let out = Command::new("pdftotext")
        .args(["-f", &page.to_string(), "-l", &page.to_string(), "-r", "72"])
        .args(["-x", &format!("{}", x.floor()), "-y", &format!("{}", y.floor())])
        .args(["-W", &format!("{}", w.ceil()), "-H", &format!("{}", h.ceil())])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether poppler gets any text out of the file at all.
fn poppler_reads(pdf: &Path) -> bool {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    !chars(&String::from_utf8_lossy(&out.stdout)).is_empty()
}

#[derive(Default, Debug)]
struct Tally {
    pieces: usize,
    sourced: usize,
    /// pdftotext found exactly the text in the box.
    exact: usize,
    /// It found the start of it: a paragraph or a merged cell that goes on over the page break.
    started: usize,
    /// It found the same characters with its lines in another order (text running up a page
    /// turned by 270°, whose lines poppler reads right to left).
    reordered: usize,
    /// poppler found glyphs there but could not tell (all of) their text: an embedded font
    /// without a ToUnicode map, whose own cmap this reader reads backwards, or a GB18030
    /// four-byte code beyond the BMP (`𠀀`), which poppler's GBK2K map lacks.
    undecoded: usize,
    wrong: Vec<String>,
}

/// Checks every placed piece of `doc` against poppler's text of `pdf` in its box.
fn check(pdf: &Path, doc: &Document) -> Tally {
    let pieces = placed(doc);
    let mut tally = Tally { pieces: pieces.len(), ..Tally::default() };
    let jobs: Vec<(&Placed, u32, [f32; 4])> = pieces
        .iter()
        .filter_map(|p| {
            let s = p.source.as_ref()?;
            Some((p, s.page?, s.bbox?))
        })
        .collect();
    tally.sourced = jobs.len();
    // Two workers: the machine is shared.
    let results: Vec<String> = std::thread::scope(|scope| {
        let halves: Vec<_> = jobs
            .chunks(jobs.len().div_ceil(2).max(1))
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|(_, page, b)| pdftotext(pdf, *page, *b, 1.5)).collect::<Vec<String>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect::<Vec<String>>()
    });
    for ((p, page, bbox), found) in jobs.iter().zip(results) {
        let (ours, theirs) = (chars(&p.text), chars(&found));
        if ours == theirs {
            tally.exact += 1;
        } else if !theirs.is_empty() && ours.starts_with(&theirs) {
            tally.started += 1;
        } else if sorted(&ours) == sorted(&theirs) {
            tally.reordered += 1;
        } else if (!theirs.is_empty() && theirs.chars().all(char::is_control))
            || ours.chars().filter(|&c| (c as u32) < 0x10000).collect::<String>() == theirs
        {
            tally.undecoded += 1;
        } else {
            tally.wrong.push(format!(
                "{} on page {page} at {bbox:?}: ours {:?}, pdftotext {:?}",
                p.what,
                p.text,
                found.trim()
            ));
        }
    }
    tally
}

fn report(name: &str, t: &Tally) {
    println!(
        "{name}: {} of {} pieces with page and box; pdftotext finds {} exactly, {} by their start, {} in another line order ({} it cannot decode)",
        t.sourced, t.pieces, t.exact, t.started, t.reordered, t.undecoded
    );
}

#[test]
fn every_box_holds_the_text_read_from_it() {
    if !has("pdftotext") {
        println!("SKIP: pdftotext (poppler-utils) is not installed; boxes not checked");
        return;
    }
    let mut all = Tally::default();
    let mut skipped = 0;
    for pdf in fixtures() {
        let doc = read(&pdf);
        if !poppler_reads(&pdf) {
            // poppler needs poppler-data for the predefined Adobe-GB1 CMaps (stsong-ucs2.pdf,
            // gbk-cmaps.pdf and the copies made of them).
            println!("SKIP: pdftotext finds no text in {} (is poppler-data installed?)", pdf.display());
            skipped += 1;
            continue;
        }
        let t = check(&pdf, &doc);
        report(&pdf.file_name().unwrap().to_string_lossy(), &t);
        assert_eq!(t.sourced, t.pieces, "{}: pieces without a box", pdf.display());
        assert!(t.wrong.is_empty(), "{}:\n{}", pdf.display(), t.wrong.join("\n"));
        all.pieces += t.pieces;
        all.sourced += t.sourced;
        all.exact += t.exact;
        all.started += t.started;
        all.reordered += t.reordered;
        all.undecoded += t.undecoded;
    }
    report(&format!("all fixtures but {skipped} skipped"), &all);
    assert!(
        all.started * 20 < all.exact && all.reordered * 50 < all.exact,
        "most boxes hold their whole text: {all:?}"
    );
}

#[test]
fn boxes_follow_the_page_when_it_is_turned() {
    if !has("pdftotext") || !has("qpdf") {
        println!("SKIP: pdftotext or qpdf is not installed; turned pages not checked");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = root.join("fixtures/read/s1-r001-pdf-lo.pdf");
    let upright = read(&original);
    let tmp = std::env::temp_dir().join(format!("nianbao-pdf-turned-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    for angle in [90, 180, 270] {
        let turned = tmp.join(format!("r{angle}.pdf"));
        let status =
            Command::new("qpdf").arg(format!("--rotate=+{angle}")).arg(&original).arg(&turned).status().unwrap();
        assert!(status.success(), "qpdf --rotate=+{angle}");
        let doc = read(&turned);
        // The same text, in the same order.
        let text = |d: &Document| placed(d).iter().map(|p| p.text.clone()).collect::<Vec<_>>();
        assert_eq!(text(&doc), text(&upright), "turned by {angle}");
        // Each box is the upright one turned with the page (an A4 page, 595 × 842 pt).
        for (a, b) in placed(&doc).iter().zip(placed(&upright)) {
            let (sa, sb) = (a.source.as_ref().unwrap(), b.source.as_ref().unwrap());
            if let (Some(ta), Some(tb)) = (sa.bbox, sb.bbox) {
                let want = turn(tb, angle, 595.0, 842.0);
                assert!(ta.iter().zip(want).all(|(x, y)| (x - y).abs() < 0.6), "{angle}: {ta:?} for {want:?}");
            }
        }
        let t = check(&turned, &doc);
        report(&format!("s1-r001-pdf-lo.pdf turned by {angle}"), &t);
        assert!(t.wrong.is_empty(), "turned by {angle}:\n{}", t.wrong.join("\n"));
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A box of an upright `w` × `h` page where it lies once the page is shown turned clockwise
/// by `angle` (what /Rotate does).
fn turn(b: [f32; 4], angle: u32, w: f32, h: f32) -> [f32; 4] {
    let point = |x: f32, y: f32| match angle {
        90 => (h - y, x),
        180 => (w - x, h - y),
        270 => (y, w - x),
        _ => (x, y),
    };
    let (p, q) = (point(b[0], b[1]), point(b[2], b[3]));
    [p.0.min(q.0), p.1.min(q.1), p.0.max(q.0), p.1.max(q.1)]
}
