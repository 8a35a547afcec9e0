//! The label-noise documents (tests/fixtures/noise, made by python-docx, openpyxl and
//! LibreOffice) through the built binary and plugins: every cell equals its truth or is listed
//! as missing or unplaced, no cell holds a wrong number, and the grade is `review` exactly
//! where the document made recognition guess.

mod common;
use common::*;
use serde_json::Value;
use std::path::PathBuf;

fn documents() -> Vec<(PathBuf, Value)> {
    let dir = repo().join("tests/fixtures/noise");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".truth.json") else { continue };
        let truth: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let ext = stem.rsplit('-').next().unwrap();
        out.push((dir.join(format!("{stem}.{ext}")), truth));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 9, "the noise set");
    out
}

const GROUPS: [&str; 3] = ["review", "litigation_direct", "litigation_after_review"];
const OUTCOMES: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

/// Every cell of a table as `(row.column, value)`.
fn cells(table: &str, t: &Value) -> Vec<(String, Value)> {
    if t.is_null() {
        return Vec::new();
    }
    if table == "review_litigation" {
        return GROUPS
            .iter()
            .flat_map(|g| OUTCOMES.iter().map(move |c| (format!("{g}.{c}"), t[*g][*c].clone())))
            .collect();
    }
    let mut out = Vec::new();
    for (row, cols) in t["rows"].as_object().unwrap() {
        for (col, v) in cols.as_object().unwrap() {
            out.push((format!("{row}.{col}"), v.clone()));
        }
    }
    out
}

fn list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// What one document's reading got: right cells, cells left out (missing or unplaced), and
/// wrong ones.
#[derive(Default, Debug)]
struct Tally {
    right: usize,
    left_out: usize,
    wrong: Vec<String>,
}

fn check_tables(name: &str, got: &Value, truth: &Value) -> Tally {
    let mut tally = Tally::default();
    for table in ["active_disclosure", "applications", "review_litigation"] {
        let (g, w) = (&got["tables"][table], &truth["tables"][table]);
        let missing: Vec<String> = list(&g["missing"]).iter().map(|m| m.as_str().unwrap().to_string()).collect();
        let unplaced = list(&g["unplaced"]);
        let got_cells = cells(table, g);
        for (key, want) in cells(table, w) {
            let have = got_cells.iter().find(|(k, _)| *k == key).map(|c| c.1.clone()).unwrap_or(Value::Null);
            if have == want {
                tally.right += 1;
            } else if have.is_null() {
                // Not read: its row must say so.
                let row = key.rsplit_once('.').unwrap().0;
                let said = missing.iter().any(|m| m == row || *m == key)
                    || unplaced.iter().any(|u| u["values"].as_array().is_some_and(|v| !v.is_empty()));
                assert!(said, "{name}: {table}.{key} is blank and neither missing nor unplaced");
                tally.left_out += 1;
            } else {
                tally.wrong.push(format!("{table}.{key}: {have} for {want}"));
            }
        }
        // No number where the truth has no cell.
        for (key, v) in &got_cells {
            if !v.is_null() && !cells(table, w).iter().any(|(k, _)| k == key) {
                tally.wrong.push(format!("{table}.{key}: {v} in a row the document does not print"));
            }
        }
        // What the document does not print is missing; what the template lacks is kept.
        for m in list(&w["missing"]) {
            assert!(missing.iter().any(|g| g == m.as_str().unwrap()), "{name}: {table} should list {m} as missing");
        }
        for x in list(&w["extra_rows"]) {
            assert!(list(&g["extra_rows"]).contains(&x), "{name}: {table} should keep the extra row {x}");
        }
        for u in list(&w["unplaced"]) {
            let found = unplaced.iter().any(|v| v["label"] == u["label"] && v["values"] == u["values"]);
            assert!(found, "{name}: {table} should list {u} as unplaced, has {unplaced:?}");
        }
    }
    tally
}

#[test]
fn the_noise_set_reads_as_its_truths_and_says_what_it_guessed() {
    let home = tmp();
    let (mut right, mut left_out, mut typos, mut typos_placed) = (0, 0, 0, 0);
    for (file, truth) in documents() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let got = to_json_graded(home.path(), &file);
        assert_eq!(got["meta"], truth["meta"], "{name}: meta");
        assert_eq!(got["sections"], truth["sections"], "{name}: sections");
        let tally = check_tables(&name, &got, &truth);
        assert!(tally.wrong.is_empty(), "{name}: wrong numbers: {:?}", tally.wrong);
        right += tally.right;
        left_out += tally.left_out;

        // The same reading with provenance.
        let o = run(nianbao(home.path()).arg("convert").arg(&file).args(["--to", "json", "--provenance"]));
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        for table in ["active_disclosure", "applications", "review_litigation"] {
            assert_eq!(cells(table, &report["tables"][table]), cells(table, &got["tables"][table]), "{name}: {table}");
        }
        let expect = &truth["_expect"];
        assert_eq!(got["recognition"]["grade"], expect["grade"], "{name}");
        if expect["grade"] == "exact" {
            for table in ["active_disclosure", "applications", "review_litigation"] {
                for key in ["missing", "unplaced", "review_notes"] {
                    assert!(got["tables"][table][key].is_null(), "{name}: {table}.{key} in an exact reading");
                }
            }
        }
        // Every guess the noise forces is owned up to.
        for guess in list(&expect["guessed"]) {
            let table = guess["table"].as_str().unwrap();
            let said = list(&got["tables"][table]["review_notes"]).iter().any(|r| {
                r["kind"] == guess["kind"]
                    && r["key"] == guess["key"]
                    && (guess["printed"].is_null() || r["printed"] == guess["printed"])
            });
            assert!(said, "{name}: no review note for {guess}: {:?}", got["tables"][table]["review_notes"]);
        }
        for t in list(&truth["_noise"]["typos"]) {
            typos += 1;
            let (table, key) = (t["table"].as_str().unwrap(), t["key"].as_str().unwrap());
            let row = |v: &Value| if table == "review_litigation" { v[key].clone() } else { v["rows"][key].clone() };
            typos_placed += usize::from(row(&got["tables"][table]) == row(&truth["tables"][table]));
        }
        // Provenance: every number has its printed text.
        for table in ["active_disclosure", "applications", "review_litigation"] {
            let t = &report["tables"][table];
            let numbers = cells(table, t).iter().filter(|(_, v)| v.is_number()).count();
            assert_eq!(t["provenance"].as_object().map_or(0, |p| p.len()), numbers, "{name}: {table} provenance");
        }
    }
    eprintln!("noise set: {right} cells right, {left_out} left out (missing or unplaced), 0 wrong; {typos_placed} of {typos} misprinted rows placed");
    assert_eq!(typos, 21);
}
