//! Reader benchmark: median milliseconds per document and pages per second on one core, over
//! the fixture PDFs (or the files given). `cargo bench -p nianbao-pdf --bench read -- [FILES]`;
//! `-- --dump FILE.pdf` prints the Document as JSON instead.

use nianbao_pdf::Pdf;
use nianbao_plugin::{FormatPlugin, Options};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if args.first().map(String::as_str) == Some("--dump") {
        for f in &args[1..] {
            let bytes = std::fs::read(f).expect("readable file");
            let mut options = Options::new();
            options.insert("inspect".into(), "true".into());
            match Pdf::read("pdf", &bytes, &options) {
                Ok(doc) => println!("{}", serde_json::to_string_pretty(&doc).expect("json")),
                Err(e) => eprintln!("{f}: {e}"),
            }
        }
        return;
    }
    let files: Vec<PathBuf> = if args.is_empty() { fixture_pdfs() } else { args.iter().map(PathBuf::from).collect() };
    if files.is_empty() {
        eprintln!("SKIP: no PDF files found (give some as arguments)");
        return;
    }
    let (mut total_pages, mut total_secs) = (0usize, 0f64);
    println!("{:<40} {:>6} {:>10} {:>10}", "file", "pages", "median ms", "pages/s");
    for f in &files {
        let bytes = std::fs::read(f).expect("readable file");
        let pages = count_pages(&bytes);
        let mut times = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let doc = Pdf::read("pdf", &bytes, &Options::new());
            times.push(t.elapsed().as_secs_f64());
            if let Err(e) = doc {
                println!("{}: {e}", f.display());
                break;
            }
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        total_pages += pages;
        total_secs += median;
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        println!("{name:<40} {pages:>6} {:>10.2} {:>10.0}", median * 1e3, pages as f64 / median);
    }
    println!(
        "all: {} files, {} pages, median-sum {:.1} ms, {:.0} pages/s on one core",
        files.len(),
        total_pages,
        total_secs * 1e3,
        total_pages as f64 / total_secs
    );
}

fn fixture_pdfs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn count_pages(bytes: &[u8]) -> usize {
    lopdf::Document::load_mem(bytes).map_or(0, |d| d.get_pages().len())
}
