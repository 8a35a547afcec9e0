//! The fuzzer's short run, as CI does it: every reader for a few seconds from the committed
//! corpus, with nothing crashing, hanging or panicking. The long campaigns are run by hand
//! (see the README); this keeps what they fixed fixed.

use std::process::Command;

#[test]
fn every_reader_survives_a_short_fuzz_run() {
    let exe = env!("CARGO_BIN_EXE_nianbao-fuzz");
    let dir = std::path::Path::new(exe).parent().unwrap();
    for p in ["text", "html", "docx", "xlsx", "pdf"] {
        let lib = dir.join(format!("libnianbao_{p}.so"));
        assert!(lib.exists(), "{} is missing: build the plugins first (cargo build --workspace)", lib.display());
    }
    let out = tempfile_dir();
    // Debug builds are several times slower than release: only a real stall counts as slow.
    let o = Command::new(exe)
        .args(["run", "--seconds", "15", "--slow-ms", "10000", "--hang-s", "20", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    eprintln!("{report}");
    assert!(
        o.status.success(),
        "the fuzzer found something (kept in {}):\n{report}{}",
        out.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let execs: u64 = report.lines().skip(1).filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()).sum();
    assert!(execs > 1000, "only {execs} executions: the workers are not running\n{report}");
    std::fs::remove_dir_all(&out).ok();
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("nianbao-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
