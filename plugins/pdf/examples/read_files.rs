//! Reads each PDF given `--repeat N` times (default 1) in this one process and prints, per file,
//! `FILE median-seconds blocks` (or `FILE error: …`): what `scripts/bench-pdf.sh` times, runs under
//! callgrind and GNU time. It uses only `Pdf::read`, so the same file builds against older
//! checkouts for before/after figures.

use nianbao_pdf::Pdf;
use nianbao_plugin::{FormatPlugin, Options};
use std::time::Instant;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 1usize;
    if args.first().map(String::as_str) == Some("--repeat") {
        repeat = args.get(1).and_then(|n| n.parse().ok()).expect("--repeat N");
        args.drain(..2);
    }
    for f in &args {
        let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}"));
        let mut times = Vec::new();
        let mut line = String::new();
        for _ in 0..repeat.max(1) {
            let t = Instant::now();
            let doc = Pdf::read("pdf", &bytes, &Options::new());
            times.push(t.elapsed().as_secs_f64());
            line = match doc {
                Ok(d) => format!("{{}} {}", d.blocks.len()),
                Err(e) => format!("error: {e}"),
            };
        }
        times.sort_by(f64::total_cmp);
        println!("{f} {}", line.replace("{}", &format!("{:.6}", times[times.len() / 2])));
    }
}
