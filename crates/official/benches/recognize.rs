//! The host's own share of a conversion: the median time to recognize a report in a Document
//! and to render a report into one, for every truth in `tests/fixtures/reports` (rendered
//! first, so that the Document is the official layout as any reader would give it). Run with
//! `cargo bench -p nianbao-official`.

use nianbao_report::Report;
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 200;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(mut f: impl FnMut()) -> Duration {
    median(
        (0..ROUNDS)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports");
    let mut truths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    truths.sort();
    let (mut recs, mut rens) = (Vec::new(), Vec::new());
    println!("{:<40} {:>16} {:>13}", "report", "recognize (ms)", "render (ms)");
    for path in truths {
        let report: Report = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let doc = nianbao_official::render(&report);
        let rec = time(|| drop(std::hint::black_box(nianbao_official::recognize(&doc))));
        let ren = time(|| drop(std::hint::black_box(nianbao_official::render(&report))));
        println!(
            "{:<40} {:>16.3} {:>13.3}",
            path.file_name().unwrap().to_string_lossy(),
            rec.as_secs_f64() * 1e3,
            ren.as_secs_f64() * 1e3
        );
        recs.push(rec);
        rens.push(ren);
    }
    println!(
        "\n{} reports: median recognize {:.3} ms, render {:.3} ms",
        recs.len(),
        median(recs).as_secs_f64() * 1e3,
        median(rens).as_secs_f64() * 1e3
    );
}
