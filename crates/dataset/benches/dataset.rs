//! Writes N entries (the 31 fixture truths over and over, each under its own id and path) in
//! each format, each in its own process so that its peak memory is its own, and prints
//! entries/s (writing, then joining the parts), peak RSS and the size of what was written.
//!
//!     cargo bench -p nianbao-dataset                 # 20,000 entries, every format
//!     cargo bench -p nianbao-dataset -- 100000 parquet

use nianbao_dataset::{id_of, DatasetWriter, Entry, Format, Options};
use nianbao_report::{validate, Grade, Recognition, Report};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn truths() -> Vec<Entry> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_str().unwrap().ends_with(".truth.json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let serde_json::Value::Object(m) = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap() else {
                panic!()
            };
            let m: serde_json::Map<_, _> = m.into_iter().filter(|(k, _)| !k.starts_with('_')).collect();
            let mut r: Report = serde_json::from_value(serde_json::Value::Object(m)).unwrap();
            r.recognition = Some(Recognition { grade: Grade::Exact });
            let findings = validate(&r);
            Entry {
                id: String::new(),
                path: String::new(),
                format: Some("pdf".into()),
                pages: Some(6),
                outcome: Ok((r, findings)),
            }
        })
        .collect()
}

fn status(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn size(p: &Path) -> u64 {
    if p.is_dir() {
        std::fs::read_dir(p).unwrap().map(|e| size(&e.unwrap().path())).sum()
    } else {
        p.metadata().map_or(0, |m| m.len())
    }
}

fn run(format: Format, n: usize) {
    let mut entries = truths();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("nianbao-dataset-bench");
    let target = dir.join(format!("out-{n}.{format}"));
    let _ = std::fs::remove_dir_all(&target);
    let _ = std::fs::remove_file(&target);
    let _ = std::fs::remove_dir_all(dir.join(format!("out-{n}.{format}.partial")));
    std::fs::create_dir_all(&dir).unwrap();
    let base = status("VmRSS:");
    let start = Instant::now();
    let mut w = DatasetWriter::create(&target, format, Options::default()).unwrap();
    for i in 0..n {
        let k = entries.len();
        let e = &mut entries[i % k];
        e.id = id_of(i.to_string().as_bytes());
        e.path = format!("reports/{i:06}.pdf");
        w.write(e).unwrap();
    }
    let wrote = start.elapsed().as_secs_f64();
    let peak_writing = status("VmHWM:");
    let summary = w.finish().unwrap();
    let all = start.elapsed().as_secs_f64();
    println!(
        "{format:8} {n} entries: write {:.0}/s, finish {:.1} s, overall {:.0} entries/s; peak RSS {:.1} MB (writing {:.1} MB, at start {:.1} MB); {:.1} MB on disk; {} cells rows",
        n as f64 / wrote,
        all - wrote,
        n as f64 / all,
        status("VmHWM:") as f64 / 1024.0,
        peak_writing as f64 / 1024.0,
        base as f64 / 1024.0,
        size(&target) as f64 / 1e6,
        summary.cells.map_or("-".to_string(), |c| c.to_string()),
    );
    if format != Format::Jsonl {
        if let Ok(files) = std::fs::read_dir(&target) {
            let mut v: Vec<String> = files
                .map(|f| f.unwrap().path())
                .map(|p| format!("{} {:.2} MB", p.file_name().unwrap().to_string_lossy(), size(&p) as f64 / 1e6))
                .collect();
            v.sort();
            println!("         {}", v.join(", "));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    if let Some(i) = std::env::args().position(|a| a == "--child") {
        let a: Vec<String> = std::env::args().collect();
        return run(Format::from_name(&a[i + 1]).unwrap(), a[i + 2].parse().unwrap());
    }
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(20_000);
    let formats: Vec<Format> = match args.iter().find_map(|a| Format::from_name(a)) {
        Some(f) => vec![f],
        None => Format::ALL.to_vec(),
    };
    for f in formats {
        let ok = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--child", f.key(), &n.to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "{f} failed");
    }
}
