//! The written page in a real browser: headless Chromium takes a screenshot and prints it to
//! PDF through the page's A4 print stylesheet; every table label must come out of the PDF as
//! text, which it does not when a glyph is missing. Skips, saying so, where Chromium, a CJK
//! font or pdftotext is not installed (`scripts/screenshot.sh` installs the font).

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|c| {
        Command::new(c).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    })
}

fn has_cjk_font() -> bool {
    Command::new("fc-list").arg(":lang=zh").output().is_ok_and(|o| o.status.success() && !o.stdout.is_empty())
}

/// Runs a command, killing it if it takes longer than two minutes.
fn run(cmd: &mut Command) -> bool {
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("{cmd:?} did not finish in two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn browser(exe: &str, profile: &Path, page: &Path, action: &str) -> bool {
    run(Command::new(exe).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-pdf-header-footer",
        &format!("--user-data-dir={}", profile.display()),
        action,
        "--window-size=1200,3000",
        &format!("file://{}", page.display()),
    ]))
}

#[test]
fn the_written_page_renders_every_table_label() {
    let Some(exe) = chromium() else {
        eprintln!("SKIP: chromium not installed");
        return;
    };
    if !has_cjk_font() {
        eprintln!("SKIP: no CJK font installed (apt-get install fonts-noto-cjk, or run scripts/screenshot.sh)");
        return;
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("html-screenshot");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let doc = nianbao_official::render(&truth(&fixtures().join("site-metadata-box.html")));
    let page = dir.join("report.html");
    std::fs::write(&page, nianbao_html::write(&doc)).unwrap();

    let png = dir.join("report.png");
    assert!(browser(exe, &dir.join("profile"), &page, &format!("--screenshot={}", png.display())));
    let bytes = std::fs::read(&png).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 50_000, "{} bytes", bytes.len());

    let pdf = dir.join("report.pdf");
    assert!(browser(exe, &dir.join("profile"), &page, &format!("--print-to-pdf={}", pdf.display())));
    // -raw keeps the order text is painted in: a cell's wrapped lines stay together.
    let Ok(out) = Command::new("pdftotext").arg("-raw").arg(&pdf).arg("-").output() else {
        eprintln!("SKIP: pdftotext not installed; the PDF is at {}", pdf.display());
        return;
    };
    let text: String = String::from_utf8_lossy(&out.stdout).split_whitespace().collect();
    let mut missing = Vec::new();
    for b in &doc.blocks {
        if let nianbao_plugin::Block::Table(t) = b {
            for line in t.rows.iter().flatten().flat_map(|c| c.text.split('\n')) {
                let line: String = line.split_whitespace().collect();
                if !line.is_empty() && !text.contains(&line) {
                    missing.push(line);
                }
            }
        }
    }
    assert!(missing.is_empty(), "not in the printed PDF: {missing:?}");
    eprintln!("screenshot and PDF in {}", dir.display());
}
