//! A run that is dropped or killed -9 part way resumes without duplicates or losses: the
//! committed parts stay, the part being written is done again, and the finished dataset has
//! exactly one reports row per input and the cells of a run that was never interrupted.

mod common;

use common::*;
use nianbao_dataset::schema::{CELLS, REPORTS};
use nianbao_dataset::{DatasetWriter, Entry, Format, Options};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

const CHILD: &str = "NIANBAO_DATASET_CHILD";

/// reports rows by path, and the number of cells rows, of a finished dataset.
fn contents(target: &Path, format: Format) -> (BTreeMap<String, usize>, usize) {
    let mut paths = BTreeMap::new();
    match format {
        Format::Jsonl => {
            for l in std::fs::read_to_string(target).unwrap().lines() {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                *paths.entry(v["path"].as_str().unwrap().to_string()).or_default() += 1;
            }
            (paths, 0)
        }
        _ => {
            for r in read_parquet(&target.join("reports.parquet"), &REPORTS) {
                *paths.entry(r["path"].as_str().unwrap().to_string()).or_default() += 1;
            }
            (paths, read_parquet(&target.join("cells.parquet"), &CELLS).len())
        }
    }
}

fn one_each(entries: &[Entry]) -> BTreeMap<String, usize> {
    entries.iter().map(|e| (e.path.clone(), 1)).collect()
}

fn uninterrupted(entries: &[Entry], dir: &Path, format: Format) -> usize {
    let target = dir.join("whole");
    let mut w = DatasetWriter::create(&target, format, Options::default()).unwrap();
    for e in entries {
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    contents(&target, format).1
}

#[test]
fn a_dropped_run_resumes_without_duplicates_or_losses() {
    let entries = all_entries();
    for format in [Format::Parquet, Format::Jsonl] {
        let dir = scratch(&format!("dropped-{format}"));
        let target = dir.join("out");
        let mut w = DatasetWriter::create(&target, format, Options { part_entries: 7 }).unwrap();
        for e in &entries[..20] {
            assert!(w.write(e).unwrap());
        }
        drop(w); // as if killed: parts 1 and 2 (14 entries) committed, 6 entries in part 3
        assert!(!target.exists(), "no dataset that looks complete");
        let staging = dir.join("out.partial");
        let leftovers: Vec<String> = std::fs::read_dir(&staging)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with("part-00003"))
            .collect();
        assert!(!leftovers.is_empty() && leftovers.iter().all(|n| n.ends_with(".tmp")), "{leftovers:?}");

        let mut w = DatasetWriter::resume(&target, Options { part_entries: 7 }).unwrap();
        assert_eq!(w.format(), format);
        assert_eq!(w.len(), 14);
        assert!(entries[..14].iter().all(|e| w.is_done(&e.path)));
        assert!(entries[14..].iter().all(|e| !w.is_done(&e.path)));
        let written: Vec<bool> = entries.iter().map(|e| w.write(e).unwrap()).collect();
        assert_eq!(written.iter().filter(|b| **b).count(), entries.len() - 14, "done inputs are not written again");
        let summary = w.finish().unwrap();
        assert_eq!((summary.reports, summary.duplicates, summary.failed), (entries.len() as u64, 1, 2));
        let (paths, cells) = contents(&target, format);
        assert_eq!(paths, one_each(&entries), "{format}: one row per input");
        assert_eq!(cells, uninterrupted(&entries, &dir, format), "{format}: the cells of an uninterrupted run");
        assert!(!staging.exists());
    }
}

/// Run by `a_killed_run_resumes…` as a child process: writes until told it is killed.
#[test]
#[ignore = "helper: the child process of a_killed_run_resumes_without_duplicates_or_losses"]
fn child_writes_until_killed() {
    let Ok(target) = std::env::var(CHILD) else { return };
    let mut w = DatasetWriter::create(Path::new(&target), Format::Parquet, Options { part_entries: 5 }).unwrap();
    for (i, e) in all_entries().iter().enumerate() {
        w.write(e).unwrap();
        if i == 12 {
            // Two parts committed, three entries in the third, its files open.
            println!("\nNIANBAO-CHILD-READY");
            std::thread::sleep(std::time::Duration::from_secs(60));
            panic!("not killed within a minute");
        }
    }
}

#[test]
fn a_killed_run_resumes_without_duplicates_or_losses() {
    let entries = all_entries();
    let dir = scratch("killed");
    let target = dir.join("out");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writes_until_killed", "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, &target)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let ready = out.lines().map_while(Result::ok).any(|l| l.contains("NIANBAO-CHILD-READY"));
    child.kill().unwrap(); // SIGKILL: nothing runs after it
    child.wait().unwrap();
    assert!(ready, "the child reached its kill point");
    assert!(!target.exists());

    let mut w = DatasetWriter::resume(&target, Options { part_entries: 5 }).unwrap();
    assert_eq!(w.len(), 10, "two committed parts of five");
    for e in &entries {
        w.write(e).unwrap();
    }
    w.finish().unwrap();
    let (paths, cells) = contents(&target, Format::Parquet);
    assert_eq!(paths, one_each(&entries));
    assert_eq!(cells, uninterrupted(&entries, &dir, Format::Parquet));
}
