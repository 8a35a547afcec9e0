//! In-process read timings, median and fastest of repeated runs, of each `.doc` fixture next
//! to the DOCX it was made from (the fastest run is the better figure on a busy machine):
//! `cargo bench -p nianbao-doc`.

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
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = here.join("../..");
    let mut files: Vec<_> = std::fs::read_dir(here.join("tests/fixtures"))
        .expect("tests/fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "doc"))
        .collect();
    files.sort();
    let options = Options::new();
    println!("{:<26} {:>8} {:>16}   {:>8} {:>16}", "file", ".doc B", ".doc ms med/min", ".docx B", ".docx ms med/min");
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = std::fs::read(&path).expect("readable fixture");
        let docx = ["tests/fixtures/reports", "tests/fixtures/noise"]
            .iter()
            .find_map(|d| std::fs::read(repo.join(d).join(format!("{stem}.docx"))).ok())
            .expect("the DOCX the fixture was made from");
        let a = timed(|| {
            nianbao_doc::read(&doc, &options).expect("reads");
        });
        let b = timed(|| {
            nianbao_docx::read(&docx, &options).expect("reads");
        });
        println!("{stem:<26} {:>8} {:>7.2} {:>7.2}   {:>8} {:>7.2} {:>7.2}", doc.len(), a.0, a.1, docx.len(), b.0, b.1);
    }
}
