//! Running the built `nianbao` binary in isolation from the user's own plugins.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn seed(n: &str) -> PathBuf {
    let dir = repo().join("tests/fixtures/seeds");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(n))
        .unwrap_or_else(|| panic!("no seed {n} in {}", dir.display()))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/reports").join(name)
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_nianbao"))
}

/// A library built beside the binary (`cargo build --workspace` puts plugins there).
pub fn built_lib(stem: &str) -> PathBuf {
    let dir = bin().parent().unwrap().to_path_buf();
    let p = dir.join(format!("lib{stem}.so"));
    assert!(
        p.exists(),
        "{} is missing: build the plugins first with `cargo build --workspace` (the README's test command does)",
        p.display()
    );
    p
}

/// `nianbao` with plugins only from beside the binary (and `NIANBAO_PLUGIN_PATH` if given),
/// and a private, empty user folder.
pub fn nianbao(home: &Path) -> Command {
    built_lib("nianbao_text");
    let mut c = Command::new(bin());
    c.env_remove("NIANBAO_PLUGIN_PATH")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"));
    c
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("nianbao runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// `nianbao convert FILE --to json`, parsed.
pub fn to_json(home: &Path, file: &Path) -> serde_json::Value {
    model(to_json_graded(home, file))
}

/// `nianbao convert FILE --to json`, parsed, with recognition's grade.
pub fn to_json_graded(home: &Path, file: &Path) -> serde_json::Value {
    let o = run(nianbao(home).arg("convert").arg(file).args(["--to", "json"]));
    assert!(o.status.success(), "convert {} failed: {}", file.display(), stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

/// A report as the truths write it: without `recognition`, which says how sure the reading
/// was and is checked on its own (`grade`).
pub fn model(mut v: serde_json::Value) -> serde_json::Value {
    if let Some(m) = v.as_object_mut() {
        m.remove("recognition");
    }
    v
}

/// A fixture's truth as JSON, without its notes (keys starting with `_` are not the model).
pub fn read_truth(path: impl AsRef<Path>) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    match v {
        serde_json::Value::Object(m) => {
            serde_json::Value::Object(m.into_iter().filter(|(k, _)| !k.starts_with('_')).collect())
        }
        v => v,
    }
}

/// Records that a test could not run because a third-party tool is missing, where nobody can
/// miss it: on the terminal (past the test harness's capture of `eprintln!`) and in
/// `target/tmp/skipped-tests.txt`, which `.ci/run` prints at the end. With
/// `NIANBAO_REQUIRE_TOOLS=1` a missing tool fails the test instead.
pub fn skip(test: &str, why: &str) {
    use std::io::Write;
    if std::env::var_os("NIANBAO_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
        panic!("{test}: {why}, and NIANBAO_REQUIRE_TOOLS=1 (run scripts/install-test-tools.sh)");
    }
    let line = format!("SKIP: {test}: {why}\n");
    let _ = std::io::stderr().write_all(line.as_bytes());
    let list = Path::new(env!("CARGO_TARGET_TMPDIR")).join("skipped-tests.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(list) {
        let _ = f.write_all(line.as_bytes());
    }
}

/// The JSON with full-width forms in its strings folded to half-width (`，（１）` → `,(1)`): for
/// documents printed with full-width punctuation compared with truths written half-width.
pub fn half_width(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(
            s.chars()
                .map(|c| match c {
                    '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                    '\u{3000}' => ' ',
                    _ => c,
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(half_width).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), half_width(v))).collect()),
        v => v.clone(),
    }
}

/// Recognition's grade of a file (`exact`, `review`, `failed`), as `convert --to json` says it.
pub fn grade(home: &Path, file: &Path) -> String {
    let v = to_json_graded(home, file);
    v["recognition"]["grade"].as_str().unwrap_or_else(|| panic!("{}: no grade in {v}", file.display())).to_string()
}
