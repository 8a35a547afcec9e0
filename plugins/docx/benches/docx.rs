//! In-process timings of the reader and the writer: the median and the fastest of repeated runs
//! for each DOCX fixture (read) and for the Document each read yields (write). The fastest run
//! is the better figure on a busy machine. `cargo bench -p nianbao-docx`; the whole-process
//! comparison with pandoc is `bench/compare.py`.

use std::path::Path;
use std::time::{Duration, Instant};

use nianbao_plugin::Options;

const RUNS: usize = 30;

/// Median and minimum of the run times, in milliseconds.
fn timed(mut f: impl FnMut()) -> (f64, f64) {
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[RUNS / 2].as_secs_f64() * 1e3, times[0].as_secs_f64() * 1e3)
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    files.sort();
    let options = Options::new();
    println!("{:<24} {:>8}  {:>16}  {:>16}", "file", "bytes", "read ms med/min", "write ms med/min");
    for path in files {
        let bytes = std::fs::read(&path).expect("readable fixture");
        let Ok(doc) = nianbao_docx::read(&bytes, &options) else { continue };
        let read = timed(|| {
            nianbao_docx::read(&bytes, &options).expect("reads");
        });
        let write = timed(|| {
            nianbao_docx::write(&doc, &options).expect("writes");
        });
        let name = path.file_name().unwrap().to_string_lossy();
        println!("{name:<24} {:>8}  {:>7.2} {:>7.2}  {:>7.2} {:>7.2}", bytes.len(), read.0, read.1, write.0, write.1);
    }
}
