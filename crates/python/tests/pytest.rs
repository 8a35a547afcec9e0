//! The Python package's own tests, from `cargo test`: `scripts/test-python.sh` installs the
//! package with pip into a fresh virtual environment and runs pytest over this folder (convert,
//! read_dataset, convert_batch, the Ray recipe on a local Ray). Fails when pytest fails; says
//! SKIP (and records it in target/tmp/skipped-tests.txt) when the script cannot run here: no
//! python3, or no package index to install from.

use std::io::Write;
use std::path::Path;
use std::process::Command;

fn skip(test: &str, why: &str) {
    if std::env::var_os("NIANBAO_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("{test}: {why}, and NIANBAO_REQUIRE_TOOLS=1");
    }
    let line = format!("SKIP: {test}: {why}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    let list = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped-tests.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(list) {
        let _ = f.write_all(line.as_bytes());
    }
}

#[test]
fn the_python_package_passes_its_pytest_suite() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("test-python.log");
    let out =
        Command::new("bash").arg(repo.join("scripts/test-python.sh")).current_dir(&repo).output().expect("bash runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    std::fs::write(&log, &text).expect("the log is written");
    let tail: Vec<&str> = text.lines().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
    match out.status.code() {
        Some(0) => {
            // pytest's summary, past the harness's capture: what ran is worth seeing.
            let summary = text.lines().rev().find(|l| l.contains(" passed")).unwrap_or("");
            let _ = std::io::stderr().write_all(format!("pytest (crates/python/tests): {summary}\n").as_bytes());
            assert!(!summary.contains("skipped"), "pytest skipped tests; see {}", log.display());
        }
        Some(77) => {
            let why = text.lines().rev().find_map(|l| l.strip_prefix("test-python: cannot run: ")).unwrap_or("?");
            skip("python package (scripts/test-python.sh)", why);
        }
        _ => panic!(
            "scripts/test-python.sh failed ({}); its output is in {}:\n{}",
            out.status,
            log.display(),
            tail.join("\n")
        ),
    }
}
