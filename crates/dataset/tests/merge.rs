//! Shards written separately merge into the dataset one run would have written; an input in
//! two shards (the same bytes under two paths) keeps its rows once.

mod common;

use common::*;
use nianbao_dataset::schema::{Table, CELLS, FINDINGS, REPORTS, SECTIONS};
use nianbao_dataset::{merge, DatasetWriter, Entry, Format, Options};
use std::path::{Path, PathBuf};

fn write(entries: &[Entry], target: &Path, format: Format) {
    let mut w = DatasetWriter::create(target, format, Options { part_entries: 4 }).unwrap();
    for e in entries {
        w.write(e).unwrap();
    }
    w.finish().unwrap();
}

/// A table's rows as sorted JSON texts: equal tables, equal lists.
fn rows(dir: &Path, t: &Table) -> Vec<String> {
    let mut v: Vec<String> = read_parquet(&dir.join(format!("{}.parquet", t.name)), t)
        .iter()
        .map(|r| serde_json::to_string(r).unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn shards_merge_into_one_run() {
    let entries = all_entries();
    let copy = entries.iter().position(|e| e.path.starts_with("mirror/")).unwrap();
    assert!(copy >= 16, "the copy is in the second shard, the first truth in the first");
    let dir = scratch("merge");
    let (a, b, whole, merged) = (dir.join("a"), dir.join("b"), dir.join("whole"), dir.join("merged"));
    write(&entries[..16], &a, Format::Parquet);
    write(&entries[16..], &b, Format::Parquet);
    write(&entries, &whole, Format::Parquet);
    let summary = merge(&[&a, &b], &merged, Format::Parquet).unwrap();
    assert_eq!((summary.reports, summary.failed, summary.duplicates), (entries.len() as u64, 2, 1));
    for t in [REPORTS, CELLS, FINDINGS, SECTIONS] {
        assert_eq!(rows(&merged, &t), rows(&whole, &t), "{}", t.name);
    }
    // The other order: the copy comes first and keeps the rows, the original is the duplicate.
    let reversed = dir.join("reversed");
    merge(&[&b, &a], &reversed, Format::Parquet).unwrap();
    let reports = read_parquet(&reversed.join("reports.parquet"), &REPORTS);
    let dup: Vec<&str> =
        reports.iter().filter(|r| r["duplicate"] == true).map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(dup, [entries[0].path.as_str()]);
    assert_eq!(rows(&reversed, &CELLS), rows(&whole, &CELLS));
    // Into CSV and XLSX as well.
    let csv = dir.join("merged.csv");
    merge(&[&a, &b], &csv, Format::Csv).unwrap();
    assert_eq!(read_csv(&csv.join("cells.csv")).len() - 1, rows(&whole, &CELLS).len());
    merge(&[&a, &b], &dir.join("merged.xlsx"), Format::Xlsx).unwrap();
    // An existing target is refused, and nothing of the attempt is left.
    let e = merge(&[&a, &b], &merged, Format::Parquet).err().unwrap();
    assert!(e.0.contains("merged: already exists"), "{e}");
    assert!(!dir.join("merged.partial").exists());
}

#[test]
fn json_lines_shards_merge() {
    let entries = all_entries();
    let dir = scratch("merge-jsonl");
    let shards: Vec<PathBuf> = vec![dir.join("a.jsonl"), dir.join("b.jsonl")];
    write(&entries[..16], &shards[0], Format::Jsonl);
    write(&entries[16..], &shards[1], Format::Jsonl);
    let out = dir.join("all.jsonl");
    let summary = merge(&shards, &out, Format::Jsonl).unwrap();
    assert_eq!((summary.reports, summary.duplicates), (entries.len() as u64, 1));
    let whole = dir.join("whole.jsonl");
    write(&entries, &whole, Format::Jsonl);
    let parse = |p: &Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(p).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    };
    assert_eq!(parse(&out), parse(&whole));
    let e = merge(&shards, &dir.join("all"), Format::Parquet).err().unwrap();
    assert!(e.0.contains("JSON Lines datasets join only into JSON Lines"), "{e}");
}
