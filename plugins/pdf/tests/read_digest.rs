//! Output unchanged: every PDF committed in the repository reads to the same Document (and the
//! same `inspect` notes, and the same error for those refused) as recorded in
//! `read_digest.txt`. A change to the reader that alters any of them fails here; when the change
//! is meant, `NIANBAO_BLESS=1 cargo test --release -p nianbao-pdf --test read_digest` rewrites
//! the list, and the diff shows which files read differently.

use nianbao_pdf::Pdf;
use nianbao_plugin::{FormatPlugin, Options};
use std::path::{Path, PathBuf};

/// The folders whose PDFs are recorded, from the repository root.
const DIRS: &[&str] = &["plugins/pdf/fixtures", "tests/fixtures", "tests/fuzz/corpus/pdf"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn pdfs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            pdfs(&p, out);
        } else if p.extension().is_some_and(|x| x == "pdf") {
            out.push(p);
        }
    }
}

/// FNV-1a, 64 bits: stable across Rust versions, unlike std's hasher.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

fn digest(bytes: &[u8], inspect: bool) -> String {
    let mut options = Options::new();
    if inspect {
        options.insert("inspect".into(), "true".into());
    }
    match Pdf::read("pdf", bytes, &options) {
        Ok(doc) => format!("{:016x}", fnv(serde_json::to_string(&doc).expect("json").as_bytes())),
        Err(e) => format!("error:{:016x}", fnv(e.0.as_bytes())),
    }
}

#[test]
fn every_committed_pdf_reads_as_recorded() {
    let root = root();
    let mut files = Vec::new();
    for d in DIRS {
        pdfs(&root.join(d), &mut files);
    }
    files.sort();
    assert!(files.len() >= 30, "only {} PDFs found under {DIRS:?}", files.len());
    let lines: Vec<String> = files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
            format!("{} {} {rel}", digest(&bytes, false), digest(&bytes, true))
        })
        .collect();
    let listed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/read_digest.txt");
    let now = lines.join("\n") + "\n";
    if std::env::var_os("NIANBAO_BLESS").is_some() {
        std::fs::write(&listed, &now).expect("write read_digest.txt");
        return;
    }
    let recorded = std::fs::read_to_string(&listed).expect("tests/read_digest.txt (NIANBAO_BLESS=1 writes it)");
    let changed: Vec<&str> = now.lines().filter(|l| !recorded.lines().any(|r| r == *l)).collect();
    let gone: Vec<&str> = recorded.lines().filter(|r| !now.lines().any(|l| l == *r)).collect();
    assert!(
        changed.is_empty() && gone.is_empty(),
        "read differently now:\n{}\nrecorded:\n{}",
        changed.join("\n"),
        gone.join("\n")
    );
}
