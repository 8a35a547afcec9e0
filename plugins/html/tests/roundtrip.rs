//! JSON → HTML → JSON: every truth, rendered in the official layout by the host, written by
//! this plugin and read back, gives the same report — and the reader gives back exactly the
//! Document the writer received, plus the positions it read it from.

mod common;

use common::*;
use nianbao_plugin::{Document, Options, Prop};
use std::path::PathBuf;

fn truths() -> Vec<PathBuf> {
    let mut files = with_truth(&fixtures(), "json");
    if let Some(shared) = shared_fixtures() {
        files.extend(with_truth(&shared, "json"));
    }
    files.retain(|f| f.to_string_lossy().ends_with(".truth.json"));
    files
}

fn sorted(meta: &[Prop]) -> Vec<(String, String)> {
    let mut m: Vec<(String, String)> = meta.iter().map(|p| (p.key.clone(), p.value.clone())).collect();
    m.sort();
    m
}

fn round_trip(rendered: &Document) -> Document {
    let html = nianbao_html::write(rendered);
    nianbao_html::read(html.as_bytes(), &Options::new()).unwrap()
}

#[test]
fn every_truth_survives_html() {
    let files = truths();
    assert!(files.len() >= 11);
    let mut failures = Vec::new();
    for f in &files {
        let report = truth(f);
        let back = recognize(&round_trip(&nianbao_official::render(&report)));
        if back != report {
            failures.push(format!("{}:\n  {}", f.display(), differences(&report, &back).join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reader_gives_back_the_written_document() {
    for f in truths() {
        let rendered = nianbao_official::render(&truth(&f));
        let back = round_trip(&rendered);
        assert_eq!(without_sources(&back.blocks), rendered.blocks, "{}", f.display());
        assert_eq!(sorted(&back.meta), sorted(&rendered.meta), "{}", f.display());
        assert!(back.notes.is_empty(), "{}: {:?}", f.display(), back.notes);
    }
}
