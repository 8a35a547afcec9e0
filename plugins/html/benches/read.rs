//! Reading speed: the median time to read each test page into a Document (decode, parse,
//! walk, tidy), and to write the official layout back. Run with
//! `cargo bench -p nianbao-html`; `scripts/bench.sh` compares a whole `nianbao convert` with
//! pandoc's HTML reader, time and memory.

use nianbao_plugin::Options;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ROUNDS: usize = 50;

fn pages() -> Vec<PathBuf> {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in [here.join("tests/fixtures"), here.join("../../../shared/fixtures")] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            out.extend(entries.map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "html")));
        }
    }
    out.sort();
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let options = Options::new();
    let mut reads = Vec::new();
    let mut bytes_total = 0;
    println!("{:<40} {:>9} {:>12} {:>12}", "page", "KB", "read (ms)", "write (ms)");
    for page in pages() {
        let bytes = std::fs::read(&page).unwrap();
        let doc = nianbao_html::read(&bytes, &options).unwrap();
        let read = median(
            (0..ROUNDS)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(nianbao_html::read(&bytes, &options).unwrap());
                    t.elapsed()
                })
                .collect(),
        );
        let write = median(
            (0..ROUNDS)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(nianbao_html::write(&doc));
                    t.elapsed()
                })
                .collect(),
        );
        println!(
            "{:<40} {:>9.1} {:>12.3} {:>12.3}",
            page.file_name().unwrap().to_string_lossy(),
            bytes.len() as f64 / 1024.0,
            read.as_secs_f64() * 1e3,
            write.as_secs_f64() * 1e3
        );
        bytes_total += bytes.len();
        reads.push(read);
    }
    let total: Duration = reads.iter().sum();
    println!(
        "\n{} pages: median read {:.3} ms per page, {:.1} MB/s",
        reads.len(),
        median(reads.clone()).as_secs_f64() * 1e3,
        bytes_total as f64 / total.as_secs_f64() / 1e6
    );
}
