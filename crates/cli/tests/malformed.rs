//! About 2,000 malformed and hostile files across every format (tests/malformed/generate.py)
//! each end in a result or a clear error naming the file, within 2 s of CPU time and 200 MB
//! (tests/malformed/check.py). Run against the release binary: the budget is for the tool as
//! users run it, and the README's test command builds it.

mod common;
use common::*;
use std::process::Command;

#[test]
fn every_malformed_file_ends_in_a_result_or_a_clear_error_within_budget() {
    let release = bin().parent().unwrap().parent().unwrap().join("release/nianbao");
    assert!(
        release.exists(),
        "{} is missing: the README's test command builds it (cargo build --workspace --release)",
        release.display()
    );
    let dir = tmp();
    let gen = Command::new("python3")
        .arg(repo().join("tests/malformed/generate.py"))
        .arg(dir.path())
        .output()
        .expect("python3 runs (tests/malformed needs it)");
    assert!(gen.status.success(), "generate.py failed: {}", stderr(&gen));
    let n = std::fs::read_dir(dir.path()).unwrap().count();
    assert!(n >= 1000, "only {n} malformed files");
    let check = Command::new("python3")
        .arg(repo().join("tests/malformed/check.py"))
        .arg("--bin")
        .arg(&release)
        .arg(dir.path())
        .output()
        .unwrap();
    let report = stdout(&check);
    eprintln!("{}", report.lines().rev().take(2).collect::<Vec<_>>().join("\n"));
    assert!(check.status.success(), "{report}{}", stderr(&check));
}
