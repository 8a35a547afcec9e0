//! Our writers' files through another program and back through our readers: the DOCX we write,
//! printed to PDF and saved as a web page by LibreOffice, the XLSX we write saved as ODS and
//! XLS by LibreOffice, and the HTML page we write, printed to PDF by Chromium, read back as
//! the report they came from. Those programs lay the tables out their own way (their
//! own page breaks, fonts and cell padding, merged cells cut with their text carried over to
//! the next page), so this tests the PDF reader on layouts our PDF writer never makes.

mod common;
use common::*;
use serde_json::Value;
use std::process::Command;

fn have_soffice(test: &str) -> bool {
    let ok = Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        skip(test, "soffice (LibreOffice) is not installed");
    }
    ok
}

/// Paragraph text without commas: LibreOffice (7.4) drops a full-width comma that hangs at the
/// end of a justified line, from the print and from the text alike.
fn sections_without_commas(report: &Value) -> Value {
    let mut s = report["sections"].clone();
    for section in s.as_array_mut().unwrap() {
        for p in section["paragraphs"].as_array_mut().unwrap() {
            *p = Value::String(p.as_str().unwrap().replace(',', ""));
        }
    }
    s
}

/// Writes every DOCX fixture truth as `ours` (docx, xlsx) with our writer into `home/work` and
/// has LibreOffice convert the files to `format`; returns (truth, converted file) pairs.
fn through_libreoffice(
    home: &std::path::Path,
    ours: &str,
    format: &str,
) -> Vec<(std::path::PathBuf, std::path::PathBuf)> {
    let dir = home.join(format!("work-{format}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut truths = Vec::new();
    for e in std::fs::read_dir(repo().join("tests/fixtures/reports")).unwrap() {
        let path = e.unwrap().path();
        if path.to_string_lossy().ends_with("-docx.truth.json") {
            truths.push(path);
        }
    }
    truths.sort();
    assert!(truths.len() >= 7);
    let mut docx = Vec::new();
    for t in &truths {
        let out = dir.join(t.file_name().unwrap().to_string_lossy().replace(".truth.json", &format!(".{ours}")));
        let o = run(nianbao(home).arg("convert").arg(t).arg("-o").arg(&out));
        assert!(o.status.success(), "{}", stderr(&o));
        docx.push(out);
    }
    let profile = format!("-env:UserInstallation=file://{}", home.join("lo-profile").display());
    let o = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", format, "--outdir"])
        .arg(&dir)
        .args(&docx)
        .output()
        .unwrap();
    assert!(o.status.success(), "soffice: {}", String::from_utf8_lossy(&o.stderr));
    truths.into_iter().zip(docx.iter().map(|d| d.with_extension(format))).collect()
}

#[test]
fn our_docx_printed_by_libreoffice_reads_back_as_the_report() {
    if !have_soffice("our_docx_printed_by_libreoffice_reads_back_as_the_report") {
        return;
    }
    let home = tmp();
    for (t, pdf) in through_libreoffice(home.path(), "docx", "pdf") {
        let truth: Value = serde_json::from_slice(&std::fs::read(&t).unwrap()).unwrap();
        let got = to_json(home.path(), &pdf);
        let name = pdf.file_name().unwrap().to_string_lossy();
        assert_eq!(got["meta"], truth["meta"], "{name}: meta");
        assert_eq!(got["tables"], truth["tables"], "{name}: tables");
        assert_eq!(sections_without_commas(&got), sections_without_commas(&truth), "{name}: sections");
    }
}

#[test]
fn our_docx_saved_as_a_web_page_by_libreoffice_reads_back_as_the_report() {
    // LibreOffice's HTML export: its own table markup, inline styles, and the page footer
    // (`— 1 —`) written into the page.
    if !have_soffice("our_docx_saved_as_a_web_page_by_libreoffice_reads_back_as_the_report") {
        return;
    }
    let home = tmp();
    for (t, html) in through_libreoffice(home.path(), "docx", "html") {
        let truth = read_truth(&t);
        let got = to_json(home.path(), &html);
        let name = html.file_name().unwrap().to_string_lossy();
        assert_eq!(got["tables"], truth["tables"], "{name}: tables");
        assert_eq!(got, truth, "{name}");
    }
}

#[test]
fn our_xlsx_saved_as_ods_and_xls_by_libreoffice_reads_back_as_the_report() {
    if !have_soffice("our_xlsx_saved_as_ods_and_xls_by_libreoffice_reads_back_as_the_report") {
        return;
    }
    let home = tmp();
    for format in ["ods", "xls"] {
        for (t, sheet) in through_libreoffice(home.path(), "xlsx", format) {
            let truth = read_truth(&t);
            let got = to_json(home.path(), &sheet);
            let name = sheet.file_name().unwrap().to_string_lossy();
            assert_eq!(got["tables"], truth["tables"], "{name}: tables");
            assert_eq!(got, truth, "{name}");
        }
    }
}

/// The Chromium on this machine, if any.
fn chromium(test: &str) -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()));
    if found.is_none() {
        skip(test, "Chromium is not installed");
    }
    found
}

/// Chromium's print of `html` to `pdf`, with or without its header and footer (the date,
/// title, address and page count it prints on every page).
fn print(chromium: &str, html: &std::path::Path, pdf: &std::path::Path, furniture: bool, profile: &std::path::Path) {
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu"])
        .args((!furniture).then_some("--no-pdf-header-footer"))
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(html)
        .output()
        .unwrap();
    assert!(pdf.exists(), "{}: Chromium printed nothing: {}", html.display(), String::from_utf8_lossy(&o.stderr));
}

#[test]
fn our_html_printed_by_chromium_reads_back_as_the_report() {
    let Some(chromium) = chromium("our_html_printed_by_chromium_reads_back_as_the_report") else { return };
    let home = tmp();
    let mut n = 0;
    for e in std::fs::read_dir(repo().join("tests/fixtures/reports")).unwrap() {
        let t = e.unwrap().path();
        if !t.to_string_lossy().ends_with("-html-table.truth.json") {
            continue;
        }
        let name = t.file_name().unwrap().to_string_lossy().replace(".truth.json", "");
        let html = home.path().join(format!("{name}.html"));
        let pdf = home.path().join(format!("{name}.pdf"));
        let o = run(nianbao(home.path()).arg("convert").arg(&t).arg("-o").arg(&html));
        assert!(o.status.success(), "{}", stderr(&o));
        print(chromium, &html, &pdf, false, &home.path().join("chromium"));
        let truth: Value = serde_json::from_slice(&std::fs::read(&t).unwrap()).unwrap();
        let got = to_json(home.path(), &pdf);
        assert_eq!(got["tables"], truth["tables"], "{name}: tables");
        assert_eq!(got["sections"], truth["sections"], "{name}: sections");
        // The 索引号 and the publication date live in the page's <head>, which is not printed.
        for key in ["title", "agency", "year", "layout"] {
            assert_eq!(got["meta"][key], truth["meta"][key], "{name}: meta {key}");
        }
        n += 1;
    }
    assert!(n >= 7, "only {n} HTML truths");
}

#[test]
fn government_pages_printed_by_chromium_read_as_the_pages_do() {
    // The fixture pages as a site serves them (menus, breadcrumbs, metadata box), printed
    // with Chromium's header and footer on every page: the PDF reads as the page itself does.
    let Some(chromium) = chromium("government_pages_printed_by_chromium_read_as_the_pages_do") else { return };
    let home = tmp();
    let mut n = 0;
    for e in std::fs::read_dir(repo().join("tests/fixtures/reports")).unwrap() {
        let html = e.unwrap().path();
        if html.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let name = html.file_stem().unwrap().to_string_lossy().into_owned();
        let pdf = home.path().join(format!("{name}.pdf"));
        print(chromium, &html, &pdf, true, &home.path().join("chromium"));
        let truth = read_truth(html.with_extension("truth.json"));
        let got = to_json(home.path(), &pdf);
        assert_eq!(got["tables"], truth["tables"], "{name}: tables");
        assert_eq!(got["meta"], truth["meta"], "{name}: meta");
        assert_eq!(got, truth, "{name}");
        n += 1;
    }
    assert!(n >= 7, "only {n} pages");
}
