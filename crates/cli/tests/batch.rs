//! `nianbao batch` and the worker processes: files that crash, hang, exit or eat memory cost
//! themselves only; a generated batch of thousands of documents gives the truths' cells in
//! Parquet; a run killed with SIGKILL resumes to one row per input; shards merge to the
//! unsharded dataset.

mod common;
use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int32Type, UInt32Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The markers of the hostile test plugin, and what the message must say of each.
const BAD: [(&str, &str); 5] = [
    ("ABORT", "killed by SIGABRT (aborted)"),
    ("SEGV", "killed by SIGSEGV (segmentation fault)"),
    ("LOOP", "gave up after 3 s (the time limit, --timeout)"),
    ("EXIT", "exited with status 3"),
    ("ALLOC", "needs more than the 512 MB memory limit (--max-memory)"),
];
const LIMITS: [&str; 4] = ["--timeout", "3", "--max-memory", "512"];

fn hostile(cmd: &mut std::process::Command) -> &mut std::process::Command {
    cmd.env("NIANBAO_PLUGIN_PATH", built_lib("hostile_plugin"))
}

/// `n` good files (the HTML fixtures and the seeds, copied) and one file per marker, in `dir`.
fn good_and_bad(dir: &Path, n: usize) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo().join("tests/fixtures/reports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    sources.extend(std::fs::read_dir(repo().join("tests/fixtures/seeds")).unwrap().map(|e| e.unwrap().path()));
    sources.sort();
    std::fs::create_dir_all(dir.join("good")).unwrap();
    let good: Vec<PathBuf> = (0..n)
        .map(|i| {
            let src = &sources[i % sources.len()];
            let to = dir.join("good").join(format!("{i:04}-{}", src.file_name().unwrap().to_string_lossy()));
            std::fs::copy(src, &to).unwrap();
            to
        })
        .collect();
    let bad = BAD
        .iter()
        .map(|(m, _)| {
            let p = dir.join(format!("bad-{}.hostile", m.to_lowercase()));
            std::fs::write(&p, format!("年度报告\n{m}\n")).unwrap();
            p
        })
        .collect();
    (good, bad)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_single_bad_file_fails_clearly_within_the_limits() {
    let home = tmp();
    let dir = tmp();
    let (_, bad) = good_and_bad(dir.path(), 0);
    let good = dir.path().join("good.hostile");
    std::fs::write(&good, "年度报告\n").unwrap();
    let o = run(hostile(&mut nianbao(home.path())).arg("convert").arg(&good).args(["--to", "json"]).args(LIMITS));
    assert_eq!(o.status.code(), Some(0), "the plugin reads a file without a marker: {}", stderr(&o));
    for (file, (marker, cause)) in bad.iter().zip(BAD) {
        let start = Instant::now();
        let o = run(hostile(&mut nianbao(home.path())).arg("convert").arg(file).args(["--to", "json"]).args(LIMITS));
        let took = start.elapsed();
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{marker}: {e}");
        assert!(e.starts_with(&format!("error: {}: ", file.display())) && e.contains(cause), "{marker}: {e}");
        assert!(o.stdout.is_empty(), "{marker}: nothing on stdout");
        assert!(took < Duration::from_secs(20), "{marker}: took {took:?}");
    }
}

#[test]
fn crashing_and_hanging_files_are_reported_and_the_other_200_convert() {
    let home = tmp();
    let dir = tmp();
    let (good, bad) = good_and_bad(dir.path(), 200);

    // convert with several inputs: one output per good file, each bad one named with its cause.
    let out = dir.path().join("converted");
    let o = run(hostile(&mut nianbao(home.path()))
        .arg("convert")
        .arg(dir.path().join("good"))
        .args(&bad)
        .arg("-o")
        .arg(&out)
        .args(["--to", "json", "-q"])
        .args(LIMITS));
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    let written = files_under(&out);
    assert_eq!(written.len(), 200, "{e}");
    for w in &written {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(w).unwrap()).unwrap();
        assert_eq!(v["model"], "nianbao.report/1", "{}", w.display());
    }
    for (file, (_, cause)) in bad.iter().zip(BAD) {
        assert!(e.lines().any(|l| l.starts_with(&format!("error: {}: ", file.display())) && l.contains(cause)), "{e}");
    }
    assert_eq!(e.lines().count(), 5, "only the five errors with -q: {e}");

    // batch: a row per input, the five with their errors, counted by cause.
    let ds = dir.path().join("out.jsonl");
    let o = run(hostile(&mut nianbao(home.path()))
        .arg("batch")
        .arg(dir.path().join("good"))
        .args(&bad)
        .arg("-o")
        .arg(&ds)
        .args(LIMITS));
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "some failed: {e}");
    let lines: Vec<serde_json::Value> =
        std::fs::read_to_string(&ds).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 205);
    let errors: BTreeMap<String, String> = lines
        .iter()
        .filter(|l| !l["error"].is_null())
        .map(|l| (l["path"].as_str().unwrap().to_string(), l["error"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(errors.len(), 5, "{errors:?}");
    for (file, (_, cause)) in bad.iter().zip(BAD) {
        let msg = &errors[&file.display().to_string()];
        assert!(msg.starts_with(&file.display().to_string()) && msg.contains(cause), "{msg}");
    }
    let converted: BTreeSet<String> =
        lines.iter().filter(|l| l["error"].is_null()).map(|l| l["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(converted, good.iter().map(|p| p.display().to_string()).collect());
    assert!(
        e.contains("converted 200 of 205 files")
            && e.contains(
                "5 failed: 1 crashed (SIGABRT), 1 crashed (SIGSEGV), 1 exited (status 3), 1 out of memory, 1 timed out"
            ),
        "{e}"
    );
}

// ---- The acceptance batch: thousands of documents in every format, and broken files.

/// Rows of some columns of a Parquet file, each value as text (`None` for null).
fn parquet_rows(path: &Path, columns: &[&str]) -> Vec<Vec<Option<String>>> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let mut out = Vec::new();
    for batch in reader {
        let batch: RecordBatch = batch.unwrap();
        let cols: Vec<_> = columns
            .iter()
            .map(|c| batch.column(batch.schema().index_of(c).unwrap_or_else(|_| panic!("no column {c}"))).clone())
            .collect();
        for row in 0..batch.num_rows() {
            out.push(
                cols.iter()
                    .map(|a| {
                        (!a.is_null(row)).then(|| match a.data_type() {
                            DataType::Utf8 => a.as_string::<i32>().value(row).to_string(),
                            DataType::Float64 => a.as_primitive::<Float64Type>().value(row).to_string(),
                            DataType::UInt32 => a.as_primitive::<UInt32Type>().value(row).to_string(),
                            DataType::Int32 => a.as_primitive::<Int32Type>().value(row).to_string(),
                            DataType::Boolean => a.as_boolean().value(row).to_string(),
                            t => panic!("{t:?}"),
                        })
                    })
                    .collect(),
            );
        }
    }
    out
}

/// What the model says of a cell; not what provenance records (where and as what text it was
/// printed: `text`, `source_*`) or how sure recognition was (`review`), which truths do not say.
const CELL_COLUMNS: [&str; 9] =
    ["report_id", "table_key", "row_key", "column_key", "value", "status", "mark", "label", "note"];

/// The cells of a dataset by report id.
fn cells_by_report(dataset: &Path) -> BTreeMap<String, BTreeSet<Vec<Option<String>>>> {
    let mut out: BTreeMap<String, BTreeSet<Vec<Option<String>>>> = BTreeMap::new();
    for r in parquet_rows(&dataset.join("cells.parquet"), &CELL_COLUMNS) {
        out.entry(r[0].clone().unwrap()).or_default().insert(r);
    }
    out
}

/// `reports` by path: (id, error, grade).
fn reports_by_path(dataset: &Path) -> BTreeMap<String, (String, Option<String>, Option<String>)> {
    let rows = parquet_rows(&dataset.join("reports.parquet"), &["path", "id", "error", "grade"]);
    let n = rows.len();
    let map: BTreeMap<_, _> = rows
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), (r[1].clone().unwrap(), r[2].clone(), r[3].clone())))
        .collect();
    assert_eq!(map.len(), n, "{}: one row per input", dataset.display());
    map
}

struct Generated {
    dir: tempfile::TempDir,
    /// Every input, as the batch names it.
    inputs: BTreeSet<String>,
    /// Copies of fixtures with a truth: path → the truth's file.
    truths: BTreeMap<String, PathBuf>,
    broken: BTreeSet<String>,
}

/// The fixtures in every format and the seeds, copied into 56 folders (2,016 documents), and
/// broken files beside them: truncated PDF, DOCX and XLSX, bytes that are no format, an empty
/// page.
fn generate() -> Generated {
    let dir = tmp();
    let root = dir.path().join("in");
    let fixtures = repo().join("tests/fixtures/reports");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".truth.json"))
        .collect();
    docs.extend(std::fs::read_dir(repo().join("tests/fixtures/seeds")).unwrap().map(|e| e.unwrap().path()));
    docs.sort();
    let (mut inputs, mut truths, mut broken) = (BTreeSet::new(), BTreeMap::new(), BTreeSet::new());
    for copy in 0..56 {
        let sub = root.join(format!("copy-{copy:02}"));
        std::fs::create_dir_all(&sub).unwrap();
        for d in &docs {
            let to = sub.join(d.file_name().unwrap());
            std::fs::copy(d, &to).unwrap();
            let name = to.display().to_string();
            let truth = d.with_extension("truth.json");
            if truth.exists() {
                truths.insert(name.clone(), truth);
            }
            inputs.insert(name);
        }
    }
    let broken_dir = root.join("broken");
    std::fs::create_dir_all(&broken_dir).unwrap();
    let pdf = std::fs::read(fixtures.join("s1-r001-pdf-lo.pdf")).unwrap();
    let docx = std::fs::read(fixtures.join("s1-r001-docx.docx")).unwrap();
    let xlsx = std::fs::read(fixtures.join("s1-r001-xlsx.xlsx")).unwrap();
    let mut bad: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..6 {
        let cut = 200 + i * 700;
        bad.push((format!("truncated-{i}.pdf"), pdf[..cut].to_vec()));
        bad.push((format!("truncated-{i}.docx"), docx[..cut].to_vec()));
        bad.push((format!("truncated-{i}.xlsx"), xlsx[..cut].to_vec()));
    }
    bad.push(("noise.docx".into(), (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect()));
    bad.push(("empty.html".into(), Vec::new()));
    for (name, bytes) in bad {
        let p = broken_dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        inputs.insert(p.display().to_string());
        broken.insert(p.display().to_string());
    }
    Generated { dir, inputs, truths, broken }
}

fn batch(home: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    run(nianbao(home).arg("batch").args(args))
}

#[test]
fn thousands_of_documents_give_the_truths_cells_and_a_row_for_every_broken_file() {
    let g = generate();
    assert!(g.inputs.len() >= 2000, "{}", g.inputs.len());
    let home = tmp();
    let input = g.dir.path().join("in");
    let out = g.dir.path().join("out");
    let o = batch(home.path(), &[input.as_os_str(), "-o".as_ref(), out.as_os_str(), "-j".as_ref(), "2".as_ref()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "some failed: {e}");
    let reports = reports_by_path(&out);
    assert_eq!(reports.keys().cloned().collect::<BTreeSet<_>>(), g.inputs, "one row per input");
    for (path, (_, error, grade)) in &reports {
        if g.broken.contains(path) {
            let msg = error.as_deref().unwrap_or_else(|| panic!("{path}: a broken file without an error"));
            assert!(msg.starts_with(&format!("{path}: ")) && msg.len() > path.len() + 10, "{msg}");
        } else {
            assert_eq!(error, &None, "{path}");
            assert!(grade.is_some(), "{path}");
        }
    }
    assert!(e.contains(&format!("converted {} of {} files", g.inputs.len() - g.broken.len(), g.inputs.len())), "{e}");
    assert!(e.contains(&format!("{} failed: {} could not be read", g.broken.len(), g.broken.len())), "{e}");

    // The truths written as a dataset by the same writer: the cells of every good document
    // (by its id: copies share it) equal its truth's.
    let mut w = nianbao_dataset::DatasetWriter::create(
        &g.dir.path().join("truths"),
        nianbao_dataset::Format::Parquet,
        Default::default(),
    )
    .unwrap();
    for (path, truth) in &g.truths {
        let report: nianbao_report::Report = serde_json::from_value(read_truth(truth)).unwrap();
        let findings = nianbao_report::validate(&report);
        let entry = nianbao_dataset::Entry {
            id: nianbao_dataset::id_of(&std::fs::read(path).unwrap()),
            path: path.clone(),
            format: None,
            pages: None,
            outcome: Ok((report, findings)),
        };
        w.write(&entry).unwrap();
    }
    w.finish().unwrap();
    let want = cells_by_report(&g.dir.path().join("truths"));
    let got = cells_by_report(&out);
    assert!(want.len() >= 20, "the truths of {} reports have cells", want.len());
    for path in g.truths.keys() {
        let id = &reports[path].0;
        let empty = BTreeSet::new();
        let truth = want.get(id).unwrap_or(&empty);
        let have = got.get(id).unwrap_or(&empty);
        let extra: Vec<_> = have.difference(truth).take(3).collect();
        let lacking: Vec<_> = truth.difference(have).take(3).collect();
        assert!(
            extra.is_empty() && lacking.is_empty(),
            "{path}: cells not in the truth {extra:?}; missing {lacking:?}"
        );
    }

    // pandas and DuckDB read it in one line each.
    if python_has(&["pyarrow", "pandas", "duckdb"], "batch: pandas and DuckDB read the dataset") {
        let cells: usize = got.values().map(BTreeSet::len).sum();
        let code = "import pandas as pd; print(len(pd.read_parquet('out/cells.parquet')))";
        assert_eq!(python(g.dir.path(), code).trim(), cells.to_string());
        let code = "import duckdb; print(duckdb.sql(\"SELECT count(*) FROM 'out/reports.parquet' WHERE error IS NOT NULL\").fetchall()[0][0])";
        assert_eq!(python(g.dir.path(), code).trim(), g.broken.len().to_string());
        // The README's lines and its query, as printed.
        let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
        let section = readme.split("\n## ").find(|s| s.starts_with("Many reports")).expect("the batch section");
        let blocks = |lang: &str| -> Vec<String> {
            section.split(&format!("```{lang}\n")).skip(1).map(|b| b.split("```").next().unwrap().to_string()).collect()
        };
        for code in blocks("python") {
            python(g.dir.path(), &code);
        }
        let sql = &blocks("sql")[0];
        let code = format!("import duckdb; print(sum(r[3] for r in duckdb.sql({sql:?}).fetchall()))");
        let exact: BTreeSet<&String> =
            reports.values().filter(|(_, _, grade)| grade.as_deref() == Some("exact")).map(|(id, _, _)| id).collect();
        let received: f64 = got
            .iter()
            .filter(|(id, _)| exact.contains(id))
            .flat_map(|(_, rows)| rows)
            .filter(|r| {
                r[1].as_deref() == Some("applications")
                    && r[2].as_deref() == Some("new_received")
                    && r[3].as_deref() == Some("total")
            })
            .map(|r| r[4].as_deref().unwrap().parse::<f64>().unwrap())
            .sum();
        assert!(received > 0.0);
        assert_eq!(python(g.dir.path(), &code).trim().parse::<f64>().unwrap(), received);
    }

    // Killed with SIGKILL after its first committed part, resumed: one row per input, the same
    // as the uninterrupted run.
    let killed = g.dir.path().join("killed");
    let mut child =
        nianbao(home.path()).arg("batch").arg(&input).arg("-o").arg(&killed).args(["-j", "1", "-q"]).spawn().unwrap();
    let first = g.dir.path().join("killed.partial/part-00001.done");
    let start = Instant::now();
    while !first.exists() {
        assert!(start.elapsed() < Duration::from_secs(120), "no part committed");
        assert!(child.try_wait().unwrap().is_none(), "the batch ended before it could be killed");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!killed.exists());
    let o = batch(home.path(), &[input.as_os_str(), "-o".as_ref(), killed.as_os_str(), "--resume".as_ref()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("done before (resumed)"), "{e}");
    assert_eq!(reports_by_path(&killed), reports, "resumed = uninterrupted");
    assert_eq!(cells_by_report(&killed), got);

    // Two shards and their merge: the unsharded dataset.
    let mut shards = Vec::new();
    for i in 1..=2 {
        let s = g.dir.path().join(format!("shard-{i}"));
        let o = batch(
            home.path(),
            &[input.as_os_str(), "-o".as_ref(), s.as_os_str(), "--shard".as_ref(), format!("{i}/2").as_ref()],
        );
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
        assert!(stderr(&o).contains("left to other shards"), "{}", stderr(&o));
        let n = reports_by_path(&s).len();
        assert!(n > g.inputs.len() / 3 && n < g.inputs.len() * 2 / 3, "shard {i}: {n}");
        shards.push(s);
    }
    let merged = g.dir.path().join("merged");
    let o = batch(
        home.path(),
        &[shards[0].as_os_str(), shards[1].as_os_str(), "--merge".as_ref(), "-o".as_ref(), merged.as_os_str()],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(reports_by_path(&merged), reports, "merged shards = unsharded");
    assert_eq!(cells_by_report(&merged), got);
}

fn python(dir: &Path, code: &str) -> String {
    let o = std::process::Command::new("python3").args(["-c", code]).current_dir(dir).output().unwrap();
    assert!(o.status.success(), "{code}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn python_has(modules: &[&str], test: &str) -> bool {
    let code = modules.iter().map(|m| format!("import {m}")).collect::<Vec<_>>().join("; ");
    let ok = std::process::Command::new("python3").args(["-c", &code]).output().is_ok_and(|o| o.status.success());
    if !ok {
        skip(test, &format!("python3 with {} is missing (scripts/install-test-tools.sh)", modules.join(", ")));
    }
    ok
}

#[test]
fn patterns_formats_and_refusals() {
    let home = tmp();
    let dir = tmp();
    let (good, _) = good_and_bad(dir.path(), 12);
    let html = good.iter().filter(|p| p.extension().is_some_and(|e| e == "html")).count();
    // A quoted pattern is expanded by nianbao; the format comes from the output's extension.
    let pattern = dir.path().join("good/**/*.html");
    let out = dir.path().join("out.csv");
    let o = run(nianbao(home.path()).arg("batch").arg(&pattern).arg("-o").arg(&out));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let csv = std::fs::read_to_string(out.join("reports.csv")).unwrap();
    assert_eq!(csv.lines().count(), html + 1, "a header and a row per HTML file: {csv}");
    // Refused before anything is read, each naming what is wrong.
    let cases: [(&[&str], u8, &str); 4] = [
        (&["--shard", "0/2"], 64, "--shard 0/2: expected I/N with 1 ≤ I ≤ N"),
        (&["--to", "sqlite"], 64, "--to sqlite: a dataset is written as parquet, csv, xlsx or jsonl"),
        (&["--resume"], 2, "the dataset is complete; nothing to resume"),
        (&[], 2, "already exists; write the dataset somewhere new or remove it"),
    ];
    for (args, code, msg) in cases {
        let o = run(nianbao(home.path()).arg("batch").arg(dir.path().join("good")).arg("-o").arg(&out).args(args));
        assert_eq!(o.status.code(), Some(code.into()), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(msg), "{args:?}: {}", stderr(&o));
    }
    let o =
        run(nianbao(home.path()).arg("batch").arg(dir.path().join("none/*.pdf")).arg("-o").arg(dir.path().join("x")));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("none/*.pdf: no file matches the pattern"), "{}", stderr(&o));
}
