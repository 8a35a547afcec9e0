//! `convert --provenance`: every non-null cell of every fixture, in every format, says where it
//! was printed, and the source holds its printed text there, as third-party tools read it
//! (tests/tools/text_at.py: poppler for PDF boxes, openpyxl for sheet cells, python-docx for
//! DOCX tables, a plain tag walk for HTML, the line itself for text).

mod common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Every non-null cell of a report's tables: (key, value, provenance entry or null).
fn cells(report: &Value) -> Vec<(String, f64, Value)> {
    let mut out = Vec::new();
    for table in ["active_disclosure", "applications"] {
        let t = &report["tables"][table];
        for (row, cols) in t["rows"].as_object().into_iter().flatten() {
            for (col, v) in cols.as_object().into_iter().flatten() {
                if let Some(n) = v.as_f64() {
                    let key = format!("{row}.{col}");
                    out.push((format!("{table}.{key}"), n, t["provenance"][&key].clone()));
                }
            }
        }
    }
    let rl = &report["tables"]["review_litigation"];
    for group in ["review", "litigation_direct", "litigation_after_review"] {
        for (col, v) in rl[group].as_object().into_iter().flatten() {
            if let Some(n) = v.as_f64() {
                let key = format!("{group}.{col}");
                out.push((format!("review_litigation.{key}"), n, rl["provenance"][&key].clone()));
            }
        }
    }
    out
}

/// The number printed in a cell's text, read without nianbao's rules: digits, a sign and a
/// decimal point, with separators, spaces and a unit left out.
fn number(text: &str) -> Option<f64> {
    let t: String = text
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from_u32(c as u32 - 0xFEE0).unwrap() } else { c })
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    t.parse().ok()
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn text_at(file: &Path, places: &[Value]) -> Vec<Value> {
    let mut child = Command::new("python3")
        .arg(repo().join("crates/cli/tests/tools/text_at.py"))
        .arg(file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    serde_json::to_writer(child.stdin.take().unwrap(), places).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "text_at.py {}: {}", file.display(), String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn tool_missing(ext: &str) -> Option<&'static str> {
    let python = |module: &str| {
        Command::new("python3").args(["-c", &format!("import {module}")]).output().is_ok_and(|o| o.status.success())
    };
    match ext {
        "pdf" if Command::new("pdftotext").arg("-v").output().is_err() => Some("pdftotext (poppler-utils) is missing"),
        "xlsx" if !python("openpyxl") => Some("the Python package openpyxl is missing"),
        "docx" if !python("docx") => Some("the Python package python-docx is missing"),
        _ => None,
    }
}

fn documents() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| ["html", "docx", "pdf", "xlsx"].iter().any(|x| p.extension().is_some_and(|e| e == *x)))
        .collect();
    v.extend(
        std::fs::read_dir(repo().join("tests/fixtures/text"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt")),
    );
    v.push(seed("001"));
    v.push(seed("003"));
    v.sort();
    v
}

#[test]
fn every_cell_of_every_fixture_says_where_it_was_printed_and_the_source_agrees() {
    let home = tmp();
    let mut checked = 0;
    let mut per_format = std::collections::BTreeMap::<String, usize>::new();
    for file in documents() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let ext = file.extension().unwrap().to_string_lossy().into_owned();
        let o = run(nianbao(home.path()).arg("convert").arg(&file).args(["--to", "json", "--provenance"]));
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let cells = cells(&report);
        if cells.is_empty() {
            continue;
        }
        for (key, value, p) in &cells {
            let text = p["text"].as_str().unwrap_or_else(|| panic!("{name}: {key} = {value} has no provenance"));
            assert_eq!(number(text), Some(*value), "{name}: {key} = {value} was printed {text:?}");
        }
        if let Some(why) = tool_missing(&ext) {
            skip(
                "every_cell_of_every_fixture_says_where_it_was_printed_and_the_source_agrees",
                &format!("{name}: {why}"),
            );
            continue;
        }
        let places: Vec<Value> = cells.iter().map(|c| c.2.clone()).collect();
        let found = text_at(&file, &places);
        for ((key, _, p), at) in cells.iter().zip(&found) {
            let want = squeeze(p["text"].as_str().unwrap());
            let at = at.as_str().unwrap_or_else(|| panic!("{name}: {key}: nothing at {p}"));
            if ext == "txt" {
                // A line holds the whole row: the text must be one of its fields.
                let fields = at.split(['|', '\t']).flat_map(str::split_whitespace);
                assert!(fields.map(squeeze).any(|f| f == want), "{name}: {key}: no field {want:?} on line {p}: {at:?}");
            } else {
                assert_eq!(squeeze(at), want, "{name}: {key}: the source has other text at {p}");
            }
        }
        checked += cells.len();
        *per_format.entry(ext).or_default() += cells.len();
    }
    eprintln!("provenance: {checked} cells checked against their sources: {per_format:?}");
    assert!(checked > 5000 || per_format.len() < 5, "only {checked} cells checked");
}
