//! Read timings, median and fastest of repeated runs, of each `.doc` fixture next to the DOCX
//! it was made from (the fastest run is the better figure on a busy machine), both through the
//! built plugins as the host calls them (the two plugins cannot be linked into one program):
//! `cargo build --release -p nianbao-doc -p nianbao-docx && cargo bench -p nianbao-doc`.

use std::path::Path;
use std::time::{Duration, Instant};

use nianbao_plugin::{Options, Origin, Registry};

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
    // target/release/deps/doc-… → target/release, where the plugins are built.
    let built = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().to_path_buf();
    let registry = Registry::from_places(&[(built.clone(), Origin::PluginPath)], None);
    let plugin = |format: &str| {
        registry
            .format(format)
            .map(|(p, _)| p)
            .unwrap_or_else(|| panic!("no {format} plugin in {}: build it first", built.display()))
    };
    let (doc_plugin, docx_plugin) = (plugin("doc"), plugin("docx"));
    println!("{:<26} {:>8} {:>16}   {:>8} {:>16}", "file", ".doc B", ".doc ms med/min", ".docx B", ".docx ms med/min");
    for path in files {
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let doc = std::fs::read(&path).expect("readable fixture");
        let docx =
            [repo.join("tests/fixtures/reports"), repo.join("tests/fixtures/noise"), here.join("tests/fixtures/src")]
                .iter()
                .find_map(|d| std::fs::read(d.join(format!("{stem}.docx"))).ok())
                .expect("the DOCX the fixture was made from");
        let a = timed(|| {
            doc_plugin.read("doc", &doc, &options).expect("reads");
        });
        let b = timed(|| {
            docx_plugin.read("docx", &docx, &options).expect("reads");
        });
        println!("{stem:<26} {:>8} {:>7.2} {:>7.2}   {:>8} {:>7.2} {:>7.2}", doc.len(), a.0, a.1, docx.len(), b.0, b.1);
    }
}
