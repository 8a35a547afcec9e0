//! Our DOCX opened by third parties: LibreOffice converts it to PDF and the PDF's text holds the
//! document's labels in order; python-docx sees the merged cells where the Document has them.
//! Each check says SKIP and passes when its tools are not installed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use nianbao_plugin::{Block, Document, Options};

const DOCUMENTS: [&str; 3] = ["official-gb2021.json", "official-gb2019.json", "official-freeform.json"];

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The PDF's text without page numbers (`— 3 —` lines) and whitespace.
fn pdf_text(pdf: &std::path::Path) -> Vec<char> {
    let out = Command::new("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed on {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines = text.lines().filter(|l| {
        let t = squeeze(l);
        !(t.starts_with('—') && t.ends_with('—') && t.trim_matches('—').chars().all(|c| c.is_ascii_digit()))
    });
    squeeze(&lines.collect::<Vec<_>>().join("\n")).chars().collect()
}

/// Where `needle` occurs as a whole at or after `from`.
fn find(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    (from..=hay.len().saturating_sub(needle.len())).find(|&i| hay[i..].starts_with(needle))
}

/// Where `needle` starts as a subsequence at or after `from`, its characters no further apart
/// than a table row's worth of text: wrapped cell text is interleaved with the cells beside it.
fn find_scattered(hay: &[char], needle: &[char], from: usize) -> Option<usize> {
    let window = needle.len() * 4 + 120;
    (from..hay.len()).filter(|&i| hay[i] == needle[0]).find(|&start| {
        let end = (start + window).min(hay.len());
        let mut it = hay[start..end].iter();
        needle.iter().all(|c| it.any(|h| h == c))
    })
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
}

/// Checks that the headings, paragraphs and table labels of `doc` appear in the PDF text in
/// the Document's order. Within a table the order is by row: cells of one row are centred
/// vertically, so a wrapped cell starts above its one-line neighbours; and a label in a cell
/// spanning several rows is printed in the middle of them, so it is only required somewhere in
/// its table.
fn assert_labels_in_order(doc: &Document, text: &[char], name: &str) {
    let mut at = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading { text: t, .. } | Block::Paragraph { text: t, .. } => {
                let needle: Vec<char> = squeeze(t).chars().collect();
                let found =
                    find(text, &needle, at).unwrap_or_else(|| panic!("{name}: {t:?} is missing or out of order"));
                at = found + needle.len();
            }
            Block::Table(table) => {
                let start = at;
                let mut end = at;
                let mut merged = Vec::new();
                for row in &table.rows {
                    let mut row_start: Option<usize> = None;
                    for cell in row {
                        let label: Vec<char> = squeeze(&cell.text).chars().collect();
                        if label.is_empty() || is_number(&cell.text) {
                            continue;
                        }
                        if cell.rowspan > 1 {
                            merged.push(label);
                            continue;
                        }
                        let found = find_scattered(text, &label, at)
                            .unwrap_or_else(|| panic!("{name}: cell {:?} is missing or out of order", cell.text));
                        row_start = Some(row_start.map_or(found, |s| s.min(found)));
                        end = end.max(found + label.len());
                    }
                    at = row_start.unwrap_or(at);
                }
                let end = (end + 400).min(text.len());
                for label in merged {
                    let s: String = label.iter().collect();
                    assert!(
                        find_scattered(&text[..end], &label, start).is_some(),
                        "{name}: merged cell {s:?} is missing"
                    );
                }
            }
            Block::Image { .. } => {}
        }
    }
}

/// Writes the official Documents as DOCX into `dir` and has LibreOffice convert them to
/// `filter` in `dir/out`; returns the converted files' folder.
fn libreoffice_convert(dir: &Path, filter: &str) -> PathBuf {
    let mut inputs = Vec::new();
    for name in DOCUMENTS {
        let path = dir.join(name.replace(".json", ".docx"));
        std::fs::write(&path, nianbao_docx::write(&official(name), &Options::new()).unwrap()).unwrap();
        inputs.push(path);
    }
    let out = dir.join("out");
    // A private profile, so that a LibreOffice already running elsewhere does not interfere.
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let status = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", filter, "--outdir"])
        .arg(&out)
        .args(&inputs)
        .output()
        .unwrap();
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    out
}

#[test]
fn libreoffice_prints_every_label_in_order() {
    if !have("soffice", &["--version"]) || !have("pdftotext", &["-v"]) {
        return;
    }
    let dir = scratch("libreoffice-pdf");
    let out = libreoffice_convert(&dir, "pdf");
    for name in DOCUMENTS {
        let pdf = out.join(name.replace(".json", ".pdf"));
        assert!(pdf.exists(), "LibreOffice did not convert {name}");
        assert_labels_in_order(&official(name), &pdf_text(&pdf), name);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// LibreOffice opens our DOCX and saves its own (its own styles, numbering and merge markup);
/// reading that back gives the Document we wrote: a third-party writer for the reader, and a
/// check that nothing of the structure was lost on the way.
#[test]
fn a_docx_resaved_by_libreoffice_reads_back_the_same() {
    if !have("soffice", &["--version"]) {
        return;
    }
    let dir = scratch("libreoffice-docx");
    let out = libreoffice_convert(&dir, "docx:MS Word 2007 XML");
    for name in DOCUMENTS {
        let resaved = std::fs::read(out.join(name.replace(".json", ".docx"))).unwrap();
        let back = without_sources(read(&resaved));
        let mut expected = official(name);
        for b in &mut expected.blocks {
            if let Block::Table(t) = b {
                t.name.clear();
            }
        }
        assert_eq!(back.blocks, expected.blocks, "{name}");
        assert_eq!(back.prop("title"), expected.prop("title"), "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn python_docx_sees_the_merged_cells_of_the_official_layout() {
    if !have_python_docx() {
        return;
    }
    let dir = scratch("python-docx");
    for name in DOCUMENTS {
        let doc = official(name);
        let path = dir.join(name.replace(".json", ".docx"));
        std::fs::write(&path, nianbao_docx::write(&doc, &Options::new()).unwrap()).unwrap();
        let theirs = python_docx_cells(&path);
        let expected: Vec<_> = tables(&doc).into_iter().map(rectangles).collect();
        assert_eq!(theirs, expected, "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn python_docx_reads_the_core_properties() {
    if !have_python_docx() {
        return;
    }
    let dir = scratch("python-docx-props");
    let path = dir.join("props.docx");
    std::fs::write(&path, nianbao_docx::write(&official("official-gb2021.json"), &Options::new()).unwrap()).unwrap();
    let code = "import docx,sys; p=docx.Document(sys.argv[1]).core_properties; print(p.title); print(p.author); print(p.created.date())";
    let out = Command::new("python3").args(["-c", code]).arg(&path).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = official("official-gb2021.json");
    let expected =
        format!("{}\n{}\n{}\n", doc.prop("title").unwrap(), doc.prop("author").unwrap(), doc.prop("date").unwrap());
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    std::fs::remove_dir_all(&dir).ok();
}
