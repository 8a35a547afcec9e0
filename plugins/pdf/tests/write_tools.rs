//! The written PDFs as third-party tools see them (poppler-utils; each test skips, saying so,
//! where the tool is not installed): pdffonts finds every font embedded with a ToUnicode map,
//! pdftotext gets the exact text in reading order, pdftoppm draws ink where the text is.

mod write_support;

use std::path::PathBuf;
use std::process::Command;

use nianbao_plugin::Block;
use write_support::*;

fn temp_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-pdf-write-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn run(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap();
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn pdffonts_finds_every_font_embedded_subset_and_mapped_to_unicode() {
    if !have("pdffonts") {
        return;
    }
    let user = fixture("ascii-cff.otf");
    for (name, doc) in reports() {
        for options in [vec![], vec![("font", user.to_str().unwrap())]] {
            let path = temp_pdf(&format!("fonts-{name}-{}", options.len()), &write_with(&doc, &options).unwrap());
            let listing = String::from_utf8(run("pdffonts", &[path.to_str().unwrap()])).unwrap();
            let fonts: Vec<&str> = listing.lines().skip(2).collect();
            assert_eq!(fonts.len(), 1 + options.len(), "{name} {options:?}:\n{listing}");
            for font in fonts {
                let cols: Vec<&str> = font.split_whitespace().collect();
                // name type… encoding emb sub uni object-id generation
                let n = cols.len();
                assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{name}: {font}");
                assert_eq!(cols[n - 6], "Identity-H", "{name}: {font}");
            }
            std::fs::remove_file(path).ok();
        }
    }
}

/// pdftotext's text with page numbers and all white space removed.
fn extracted(path: &std::path::Path, raw: bool) -> String {
    let mut args = vec!["-enc", "UTF-8"];
    if raw {
        args.push("-raw");
    }
    args.extend([path.to_str().unwrap(), "-"]);
    let text = String::from_utf8(run("pdftotext", &args)).unwrap();
    let folio = |l: &str| l.starts_with("— ") && l.ends_with(" —");
    text.lines().filter(|l| !folio(l.trim())).flat_map(|l| l.chars()).filter(|c| !c.is_whitespace()).collect()
}

/// Finds each text in `flat` after the one before it.
fn assert_in_order(name: &str, flat: &str, texts: impl IntoIterator<Item = String>) {
    let mut at = 0;
    for t in texts {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        match flat[at..].find(&t) {
            Some(i) => at += i + t.len(),
            None => panic!("{name}: {t:?} is missing or out of order"),
        }
    }
}

#[test]
fn pdftotext_gets_the_exact_text_in_reading_order() {
    if !have("pdftotext") {
        return;
    }
    for (name, doc) in reports() {
        let path = temp_pdf(&format!("text-{name}"), &write(&doc));
        // Its reading-order analysis: headings and paragraphs, in order.
        assert_in_order(&name, &extracted(&path, false), block_texts(&doc));
        // The content streams' own order (-raw): everything, table cells too, in order, but
        // for the cells spanning rows, which are set where they are tallest when a page
        // break cuts them, and only need to be there.
        let raw = extracted(&path, true);
        let (spanning, all): (Vec<_>, Vec<_>) = doc
            .blocks
            .iter()
            .flat_map(|b| match b {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => vec![(1, text.clone())],
                Block::Table(t) => t.rows.iter().flatten().map(|c| (c.rowspan, c.text.clone())).collect(),
                Block::Image { .. } => vec![],
            })
            .filter(|(_, t)| !t.trim().is_empty())
            .partition(|(rows, _)| *rows > 1);
        assert_in_order(&name, &raw, all.into_iter().map(|(_, t)| t));
        for (_, t) in spanning {
            assert!(raw.contains(&t.replace(char::is_whitespace, "")), "{name}: {t:?} is missing");
        }
        std::fs::remove_file(path).ok();
    }
}

/// Mean darkness (0–255) of a rectangle of a binary PGM image.
fn ink(pgm: &[u8], (x0, y0, x1, y1): (usize, usize, usize, usize)) -> f32 {
    let header: Vec<&[u8]> = pgm.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()).take(4).collect();
    assert_eq!(header[0], b"P5");
    let width: usize = std::str::from_utf8(header[1]).unwrap().parse().unwrap();
    let pixels = &pgm[pgm.len() - width * std::str::from_utf8(header[2]).unwrap().parse::<usize>().unwrap()..];
    let mut sum = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += 255 - u64::from(pixels[y * width + x]);
        }
    }
    sum as f32 / ((x1 - x0) * (y1 - y0)) as f32
}

#[test]
fn pdftoppm_draws_the_text_with_the_embedded_fonts() {
    if !have("pdftoppm") {
        return;
    }
    let doc = report("s1-r001");
    let path = temp_pdf("render", &write(&doc));
    let base = path.with_extension("");
    run(
        "pdftoppm",
        &["-f", "1", "-l", "1", "-r", "36", "-gray", "-singlefile", path.to_str().unwrap(), base.to_str().unwrap()],
    );
    let pgm = std::fs::read(base.with_extension("pgm")).unwrap();
    std::fs::remove_file(base.with_extension("pgm")).ok();
    std::fs::remove_file(&path).ok();
    // At 36 dpi the page is 298 × 421 pixels; the type area starts 52 px down, 40 px in.
    let (title, body, margin) = ((60, 55, 240, 85), (40, 100, 260, 340), (5, 5, 35, 400));
    assert!(ink(&pgm, title) > 20.0, "the title is drawn: {}", ink(&pgm, title));
    assert!(ink(&pgm, body) > 15.0, "the body text is drawn: {}", ink(&pgm, body));
    assert!(ink(&pgm, margin) < 0.5, "the margin is blank: {}", ink(&pgm, margin));
}
