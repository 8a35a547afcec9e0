//! The PDF writer's speed and output size on the rendered reports of `fixtures/write/`:
//! prints the median write time and the PDF size per report.
//!
//!     cargo bench -p nianbao-pdf --bench write                 # figures
//!     cargo bench -p nianbao-pdf --bench write -- --out DIR    # also keep the PDFs in DIR
//!     cargo bench -p nianbao-pdf --bench write -- DOC.json …   # other Documents instead

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nianbao_pdf::Pdf;
use nianbao_plugin::{Document, FormatPlugin, Options};

const RUNS: usize = 30;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut out: Option<PathBuf> = None;
    let mut inputs: Vec<PathBuf> = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out = args.next().map(PathBuf::from),
            _ => inputs.push(arg.into()),
        }
    }
    if inputs.is_empty() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/write");
        let mut found: Vec<PathBuf> =
            std::fs::read_dir(&dir).expect("fixtures/write").map(|e| e.unwrap().path()).collect();
        found.retain(|p| p.to_string_lossy().ends_with(".doc.json"));
        found.sort();
        inputs = found;
    }
    let options = Options::new();
    let mut medians = Vec::new();
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average: {} (timings are wall-clock: a busy machine inflates them)",
            load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
        );
    }
    println!("{:<28} {:>6} {:>10} {:>10} {:>10}", "document", "pages", "KB", "median ms", "min ms");
    for path in &inputs {
        let doc: Document = serde_json::from_slice(&std::fs::read(path).expect("readable")).expect("a Document");
        let mut times = Vec::with_capacity(RUNS);
        let mut bytes = Vec::new();
        for _ in 0..RUNS {
            let start = Instant::now();
            bytes = Pdf::write("pdf", &doc, &options).expect("writes");
            times.push(start.elapsed());
        }
        times.sort();
        let median = times[RUNS / 2];
        medians.push(median);
        let name = path.file_name().unwrap().to_string_lossy().replace(".doc.json", "");
        let pages = bytes.windows(12).filter(|w| w == b"/Type /Page\n" || w.starts_with(b"/Type /Page ")).count();
        println!(
            "{name:<28} {pages:>6} {:>10.1} {:>10.2} {:>10.2}",
            bytes.len() as f64 / 1024.0,
            ms(median),
            ms(times[0])
        );
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).expect("output folder");
            std::fs::write(dir.join(format!("{name}.pdf")), &bytes).expect("written");
        }
    }
    medians.sort();
    if let Some(m) = medians.get(medians.len() / 2) {
        println!("median write time per report: {:.2} ms (target < 20 ms)", ms(*m));
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
