//! Shared by the integration tests: fixture files, truths, and the host's recognize around
//! the plugin's reader.

#![allow(dead_code)] // each test binary uses its own part of this module

use nianbao_plugin::{Block, Document, Options};
use nianbao_report::Report;
use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository's generated fixtures with truths (`tests/fixtures/reports`).
pub fn shared_fixtures() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: {} not found; only this crate's fixtures are checked", dir.display());
        None
    }
}

/// Files in a folder with this extension that have a `.truth.json` beside them.
pub fn with_truth(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext) && truth_path(p).exists())
        .collect();
    out.sort();
    out
}

pub fn truth_path(file: &Path) -> PathBuf {
    let name = file.file_name().unwrap().to_string_lossy();
    let stem = name.strip_suffix(".truth.json").unwrap_or_else(|| name.rsplit_once('.').map_or(&name, |s| s.0));
    file.with_file_name(format!("{stem}.truth.json"))
}

/// A truth file as the model; keys starting with `_` are not part of it.
pub fn truth(file: &Path) -> Report {
    let text = std::fs::read_to_string(truth_path(file)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

pub fn read(file: &Path) -> Document {
    let bytes = std::fs::read(file).unwrap();
    nianbao_html::read(&bytes, &Options::new()).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The blocks without their source positions, which a written Document does not have.
pub fn without_sources(blocks: &[Block]) -> Vec<Block> {
    let mut blocks = blocks.to_vec();
    for b in &mut blocks {
        match b {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => *source = None,
            Block::Table(t) => {
                t.source = None;
                t.rows.iter_mut().flatten().for_each(|c| c.source = None);
            }
            Block::Image { .. } => {}
        }
    }
    blocks
}

/// The report recognized in a Document, without `recognition` (the truths say only what the
/// page prints).
pub fn recognize(doc: &Document) -> Report {
    let mut report = nianbao_official::recognize(doc).report;
    report.recognition = None;
    report
}

/// Where two reports differ, as JSON paths, for a readable failure.
pub fn differences(want: &Report, got: &Report) -> Vec<String> {
    let mut out = Vec::new();
    diff(&serde_json::to_value(want).unwrap(), &serde_json::to_value(got).unwrap(), String::new(), &mut out);
    out
}

fn diff(a: &serde_json::Value, b: &serde_json::Value, path: String, out: &mut Vec<String>) {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let null = serde_json::Value::Null;
                diff(x.get(k).unwrap_or(&null), y.get(k).unwrap_or(&null), format!("{path}.{k}"), out);
            }
        }
        (Array(x), Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                diff(p, q, format!("{path}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{path}: want {a} got {b}")),
        _ => {}
    }
}
