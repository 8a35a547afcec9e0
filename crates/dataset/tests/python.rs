//! The dataset as a researcher reads it: pandas and DuckDB on the Parquet files, running this
//! crate's README lines as printed. Needs python3 with pyarrow, pandas and duckdb; without them
//! it prints SKIP and checks nothing.

mod common;

use common::*;
use nianbao_dataset::{DatasetWriter, Format, Options};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// The fenced blocks of one language in the README's "Reading it" section.
fn readme_blocks(lang: &str) -> Vec<String> {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme.split("\n## ").find(|s| s.starts_with("Reading it")).expect("a Reading it section");
    let fence = format!("```{lang}\n");
    section.split(&fence).skip(1).map(|b| b.split("```").next().unwrap().to_string()).collect()
}

fn python(dir: &Path, code: &str) -> String {
    let out = Command::new("python3").arg("-c").arg(code).current_dir(dir).output().unwrap();
    assert!(out.status.success(), "python failed:\n{code}\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn pandas_and_duckdb_read_the_dataset() {
    if !python_has(&["pyarrow", "pandas", "duckdb"], "pandas_and_duckdb_read_the_dataset") {
        return;
    }
    let entries = all_entries();
    let dir = scratch("python");
    let mut w = DatasetWriter::create(&dir.join("out"), Format::Parquet, Options::default()).unwrap();
    for e in &entries {
        w.write(e).unwrap();
    }
    w.finish().unwrap();

    // The README's lines, as printed.
    let lines = readme_blocks("python");
    assert_eq!(lines.len(), 2, "the pandas and DuckDB one-liners");
    for code in &lines {
        python(&dir, code);
    }

    // Cell for cell in pandas, and the inputs and errors in DuckDB.
    let mut cells = Map::new();
    let mut failed = Map::new();
    for e in &entries {
        match &e.outcome {
            Ok((r, _)) if e.path.starts_with("tests/") => {
                let m: Map<String, Value> =
                    model_cells(r).into_iter().map(|((t, r, c), v)| (format!("{t}|{r}|{c}"), json!(v))).collect();
                cells.insert(e.id.clone(), Value::Object(m));
            }
            Ok(_) => {}
            Err(msg) => {
                failed.insert(e.path.clone(), json!(msg));
            }
        }
    }
    let want = json!({ "cells": cells, "reports": entries.len(), "failed": failed });
    std::fs::write(dir.join("want.json"), want.to_string()).unwrap();
    let out = python(
        &dir,
        r#"
import json, math, duckdb, pandas as pd
want = json.load(open("want.json"))
cells = pd.read_parquet("out/cells.parquet")
got = {}
for r in cells[cells.status == "cell"].itertuples(index=False):
    v = None if math.isnan(r.value) else float(r.value)
    key = f"{r.table_key}|{r.row_key}|{r.column_key}"
    assert key not in got.setdefault(r.report_id, {}), key
    got[r.report_id][key] = v
for rid, cs in want["cells"].items():
    assert got.get(rid, {}) == cs, (rid, [k for k in cs if got.get(rid, {}).get(k) != cs[k]][:5])
reports = duckdb.sql("SELECT path, error FROM 'out/reports.parquet'").fetchall()
assert len(reports) == want["reports"], len(reports)
assert {p: e for p, e in reports if e is not None} == want["failed"]
print(len(want["cells"]))
"#,
    );
    assert_eq!(out.trim(), "31", "every truth compared");

    // The README's query, against the answer computed from the truths.
    let sql = readme_blocks("sql");
    assert_eq!(sql.len(), 1);
    let got = python(
        &dir,
        &format!(
            "import duckdb, json\nprint(json.dumps(duckdb.sql({:?}).fetchall()))",
            sql[0].trim().trim_end_matches(';')
        ),
    );
    let got: Vec<(i64, i64, f64, f64, Option<f64>)> = serde_json::from_str(&got).unwrap();
    let mut by_year: BTreeMap<i32, (i64, f64, f64)> = BTreeMap::new();
    for e in &entries[..31] {
        let Ok((r, _)) = &e.outcome else { unreachable!() };
        let Some(apps) = &r.tables.applications else { continue };
        let y = by_year.entry(r.meta.year.unwrap()).or_default();
        y.0 += 1;
        y.1 += apps.get("new_received", "total").map_or(0.0, |n| n.0);
        y.2 += apps.get("granted", "total").map_or(0.0, |n| n.0);
    }
    let want: Vec<(i64, i64, f64, f64, Option<f64>)> = by_year
        .iter()
        .map(|(y, (n, rec, gr))| {
            (i64::from(*y), *n, *rec, *gr, (*rec > 0.0).then(|| (gr / rec * 1000.0).round() / 1000.0))
        })
        .collect();
    assert_eq!(got, want);
    assert!(want.iter().any(|w| w.2 > 0.0), "applications were received in some year");
}
