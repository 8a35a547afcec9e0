//! Median read time per file for the xlsx, xls and ods fixtures, and write time for the
//! rendered official layouts. Run with `cargo bench -p nianbao-xlsx`.

use nianbao_plugin::{Document, Options};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const RUNS: usize = 30;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median over the files of each file's median time.
fn bench(files: &[Vec<u8>], mut run: impl FnMut(&[u8])) -> Duration {
    let per_file = files
        .iter()
        .map(|bytes| {
            run(bytes); // warm-up
            median(
                (0..RUNS)
                    .map(|_| {
                        let t = Instant::now();
                        run(bytes);
                        t.elapsed()
                    })
                    .collect(),
            )
        })
        .collect();
    median(per_file)
}

fn main() {
    let options = Options::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(fixtures()).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for ext in ["xlsx", "xls", "ods"] {
        let files: Vec<Vec<u8>> = names
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext) && p.to_string_lossy().contains("s1-r"))
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let t = bench(&files, |b| {
            nianbao_xlsx::read(b, &options).unwrap();
        });
        println!("read  {ext:<5} {} files  median {:>8.2} ms/file", files.len(), t.as_secs_f64() * 1e3);
    }
    let docs: Vec<Document> = names
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("rendered-")))
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect();
    let encoded: Vec<Vec<u8>> = docs.iter().map(|d| serde_json::to_vec(d).unwrap()).collect();
    let t = bench(&encoded, |json| {
        let doc: Document = serde_json::from_slice(json).unwrap();
        nianbao_xlsx::write(&doc, &options).unwrap();
    });
    println!(
        "write xlsx  {} docs   median {:>8.2} ms/doc (official layout with text)",
        docs.len(),
        t.as_secs_f64() * 1e3
    );
}
