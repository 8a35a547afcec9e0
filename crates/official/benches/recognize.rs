//! The host's own share of a conversion: the median time to recognize a report in a Document
//! and to render a report into one, for every truth in `tests/fixtures/reports` (rendered
//! first, so that the Document is the official layout as any reader would give it); then the
//! inputs that once took quadratic time (hardening issue 13), at two sizes ten times apart:
//! recognize must stay linear, so ten times the input may take at most twenty times as long.
//! Run with `cargo bench -p nianbao-official`.

use nianbao_document::{Block, Document};
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

fn para(text: String) -> Block {
    Block::Paragraph { text, align: Default::default(), source: None }
}

/// Documents that made recognize quadratic, about `kb` kilobytes of text each.
fn adversarial(kb: usize) -> Vec<(&'static str, Document)> {
    let times = |s: &str| kb * 1024 / s.len() + 1;
    let label = "自然人";
    let lines = |s: &str| Document { blocks: vec![para(vec![s; times(s)].join("\n"))], ..Document::default() };
    let one_line = |s: &str| Document { blocks: vec![para(s.repeat(times(s)))], ..Document::default() };
    let paragraphs =
        |s: &str| Document { blocks: (0..times(s)).map(|_| para(s.to_string())).collect(), ..Document::default() };
    vec![
        ("a table label, a line each", lines(label)),
        ("a table label, a paragraph each", paragraphs(label)),
        ("two headings repeated in one line", one_line("一、总体情况 二、主动公开政府信息情况 ")),
        ("labels and numbers in one line", one_line("自然人 3 ")),
    ]
}

fn scaling() {
    println!("\n{:<40} {:>12} {:>12} {:>7}", "input", "50 KB (ms)", "500 KB (ms)", "ratio");
    for ((name, small), (_, large)) in adversarial(50).into_iter().zip(adversarial(500)) {
        let once = |d: &Document| {
            let t = Instant::now();
            std::hint::black_box(nianbao_official::recognize(d));
            t.elapsed()
        };
        let best = |d: &Document| (0..5).map(|_| once(d)).min().unwrap();
        let (s, l) = (best(&small), best(&large));
        println!(
            "{:<40} {:>12.2} {:>12.2} {:>7.1}",
            name,
            s.as_secs_f64() * 1e3,
            l.as_secs_f64() * 1e3,
            l.as_secs_f64() / s.as_secs_f64()
        );
        assert!(l < s * 20, "{name}: ten times the input took more than twenty times as long");
    }
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
    scaling();
}
