//! JSON → format → JSON gives back the same report, for every writable format, every fixture
//! truth and every seed with tables. Each format is one batch each way, as a user would run it.

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The reports to round-trip, as JSON files in `dir`: the fixture truths and the seeds with
/// tables (converted from text first).
fn inputs(home: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(repo().join("tests/fixtures/reports")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".truth.json") {
            let v = read_truth(&p);
            let dst = dir.join(format!("{stem}.json"));
            std::fs::write(&dst, serde_json::to_vec(&v).unwrap()).unwrap();
            out.push(dst);
        }
    }
    for n in ["001", "003"] {
        let dst = dir.join(format!("seed{n}.json"));
        std::fs::write(&dst, serde_json::to_vec(&to_json(home, &seed(n))).unwrap()).unwrap();
        out.push(dst);
    }
    out.sort();
    out
}

fn round_trip(format: &str) {
    let home = tmp();
    let dir = tmp();
    let inputs = inputs(home.path(), dir.path());
    let written = dir.path().join("written");
    let back = dir.path().join("back");
    let o = run(nianbao(home.path()).arg("convert").args(&inputs).args(["--to", format, "-o"]).arg(&written));
    assert!(o.status.success(), "writing {format}: {}", stderr(&o));
    let files: Vec<PathBuf> = std::fs::read_dir(&written).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(files.len(), inputs.len());
    let o = run(nianbao(home.path()).arg("convert").args(&files).args(["--to", "json", "-o"]).arg(&back));
    assert!(o.status.success(), "reading {format} back: {}", stderr(&o));
    for input in &inputs {
        let want: Value = serde_json::from_slice(&std::fs::read(input).unwrap()).unwrap();
        let got: Value =
            model(serde_json::from_slice(&std::fs::read(back.join(input.file_name().unwrap())).unwrap()).unwrap());
        let name = input.file_name().unwrap().to_string_lossy();
        assert_eq!(got["meta"], want["meta"], "{name} via {format}: meta");
        assert_eq!(got["tables"], want["tables"], "{name} via {format}: tables");
        assert_eq!(got["sections"], want["sections"], "{name} via {format}: sections");
        assert_eq!(got, want, "{name} via {format}");
    }
}

#[test]
fn via_text() {
    round_trip("txt");
}

#[test]
fn via_html() {
    round_trip("html");
}

#[test]
fn via_docx() {
    round_trip("docx");
}

#[test]
fn via_xlsx() {
    round_trip("xlsx");
}

#[test]
fn via_pdf() {
    round_trip("pdf");
}
