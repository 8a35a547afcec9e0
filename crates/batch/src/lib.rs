//! Many reports to one dataset: the inputs a batch names (files, folders searched recursively,
//! quoted patterns), the shard of them this run takes, each converted in a worker process
//! (`nianbao_convert::worker`) and written as a row of a `nianbao_dataset` dataset by this
//! process, which is the only one that writes. A killed run is resumed from the dataset's
//! committed parts; shards are joined with [`merge`].

use nianbao_convert::worker::{self, Cause, Limits, Outcome, Produce, Program, Request};
use nianbao_convert::{expand_inputs, extension, Error, Host, Options};
use nianbao_dataset::{DatasetWriter, Entry};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::Relaxed;

pub use nianbao_dataset::{merge, Format, Summary};

/// Which 1/N of the inputs a run takes: those whose path (as given) hashes to `index`.
/// Hashing the path rather than counting positions means every shard decides alone, whatever
/// order or number of inputs the others see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 1 to `count`.
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// `I/N`, with I from 1 to N.
    pub fn parse(s: &str) -> Result<Shard, Error> {
        let bad = || Error::usage(format!("--shard {s}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 1/4"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u64, u64) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// Does this shard take the input at `path`? The first 8 bytes of the sha256 of the path,
    /// big-endian, modulo N, plus one.
    pub fn takes(&self, path: &str) -> bool {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(path.as_bytes());
        let h = u64::from_be_bytes(d[..8].try_into().expect("8 bytes"));
        h % self.count + 1 == self.index
    }
}

fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The files a batch's arguments name: files as given, folders searched recursively for files
/// of a readable format (hidden files and `skip` left out), and patterns (`'dir/**/*.pdf'`)
/// that name no existing path expanded. Each path once, in the order found.
pub fn inputs(host: &Host, args: &[PathBuf], skip: Option<&Path>) -> Result<Vec<PathBuf>, Error> {
    let readable = |p: &Path| {
        extension(&p.to_string_lossy())
            .is_some_and(|e| host.reader_by_name(&format!("x.{e}"), None).ok().flatten().is_some())
    };
    let mut named = Vec::new();
    for a in args {
        let s = a.to_string_lossy();
        if a.exists() || !is_pattern(&s) {
            named.push(a.clone());
            continue;
        }
        let paths =
            glob::glob(&s).map_err(|e| Error::usage(format!("{s}: not a valid pattern: {e}")))?.filter_map(Result::ok);
        let before = named.len();
        named.extend(paths.filter(|p| !p.is_dir() || !is_hidden(p)));
        if named.len() == before {
            return Err(Error::input(format!("{s}: no file matches the pattern")));
        }
    }
    let found = expand_inputs(&named, &readable, skip)?;
    // Nor the parts of the dataset being written, when it is inside a folder searched (its
    // `run.json` would read as a JSON input).
    let staging = skip.map(|s| {
        let mut name = s.as_os_str().to_os_string();
        name.push(".partial");
        std::path::absolute(PathBuf::from(name)).unwrap_or_default()
    });
    let mut seen = HashSet::new();
    Ok(found
        .into_iter()
        .map(|i| i.path)
        .filter(|p| {
            let inside = |d: &PathBuf| std::path::absolute(p).is_ok_and(|a| a.starts_with(d));
            !staging.as_ref().is_some_and(inside) && seen.insert(p.clone())
        })
        .collect())
}

fn is_hidden(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// A batch to run.
pub struct Batch {
    pub inputs: Vec<PathBuf>,
    /// The dataset to write (a folder for Parquet and CSV, a file for XLSX and JSON Lines).
    pub output: PathBuf,
    /// `None`: from the output's extension (or, resuming, the interrupted run's).
    pub format: Option<Format>,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub from: Option<String>,
    pub options: Options,
    pub provenance: bool,
    pub jobs: usize,
    pub limits: Limits,
    pub program: Program,
}

/// How a batch went, as it goes.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Inputs this run takes (its shard, less those a resumed run had done).
    pub total: usize,
    /// Inputs left out as done by the interrupted run being resumed.
    pub resumed: usize,
    /// Inputs left to other shards.
    pub other_shards: usize,
    pub done: usize,
    pub converted: usize,
    /// Recognition grades of the converted inputs.
    pub grades: BTreeMap<String, usize>,
    /// Failures by cause ([`Cause::label`]).
    pub causes: BTreeMap<String, usize>,
    /// Each failure's message, in the order they came.
    pub failures: Vec<String>,
    /// Stopped before the end (Ctrl-C); the dataset is resumable.
    pub interrupted: bool,
    /// What the finished dataset holds.
    pub summary: Option<Summary>,
}

impl Tally {
    pub fn failed(&self) -> usize {
        self.done - self.converted
    }
}

/// Runs a batch: each input in a worker, each result a row, `progress` called after each; when
/// `stop` is set the run commits what it has and returns, resumable.
pub fn run(host: &Host, b: &Batch, stop: &AtomicBool, mut progress: impl FnMut(&Tally)) -> Result<Tally, Error> {
    let out_err = |e: nianbao_dataset::Error| Error::output(e.0);
    let mut writer = if b.resume {
        let w = DatasetWriter::resume(&b.output, Default::default()).map_err(out_err)?;
        if let Some(f) = b.format.filter(|f| *f != w.format()) {
            return Err(Error::usage(format!(
                "{}: the interrupted run writes {}, not {f}; resume it without --to",
                b.output.display(),
                w.format()
            )));
        }
        w
    } else {
        let format = b.format.unwrap_or_else(|| Format::from_path(&b.output));
        DatasetWriter::create(&b.output, format, Default::default()).map_err(out_err)?
    };
    let mut tally = Tally::default();
    let mut requests = Vec::new();
    let mut paths = Vec::new();
    for p in &b.inputs {
        let key = p.display().to_string();
        if b.shard.is_some_and(|s| !s.takes(&key)) {
            tally.other_shards += 1;
        } else if writer.is_done(&key) {
            tally.resumed += 1;
        } else {
            requests.push(Request {
                path: p.clone(),
                name: key.clone(),
                from: b.from.clone(),
                options: b.options.clone(),
                provenance: b.provenance,
                produce: Produce::Dataset,
            });
            paths.push(key);
        }
    }
    tally.total = requests.len();
    progress(&tally);
    let mut write_error: Option<Error> = None;
    let stop_all = AtomicBool::new(false);
    let stopped = || stop.load(Relaxed) || stop_all.load(Relaxed);
    worker::run(&b.program, &b.limits, b.jobs, requests, &stopped, |i, o| {
        if write_error.is_some() {
            return;
        }
        let entry = entry(host, &paths[i], b.from.as_deref(), o, &mut tally);
        if let Err(e) = writer.write(&entry) {
            write_error = Some(out_err(e));
            stop_all.store(true, Relaxed);
            return;
        }
        progress(&tally);
    });
    if let Some(e) = write_error {
        let _ = writer.commit();
        return Err(e);
    }
    if tally.done < tally.total {
        tally.interrupted = true;
        writer.commit().map_err(out_err)?;
        return Ok(tally);
    }
    tally.summary = Some(writer.finish().map_err(out_err)?);
    Ok(tally)
}

fn entry(host: &Host, path: &str, from: Option<&str>, o: Outcome, tally: &mut Tally) -> Entry {
    tally.done += 1;
    match o.result {
        Ok(done) => {
            tally.converted += 1;
            let grade = done.report.recognition.as_ref().map_or("none", |r| r.grade.key());
            *tally.grades.entry(grade.to_string()).or_default() += 1;
            Entry {
                id: o.id.unwrap_or_default(),
                path: path.to_string(),
                format: Some(done.format),
                pages: done.pages,
                outcome: Ok((done.report, done.findings)),
            }
        }
        Err(f) => {
            *tally.causes.entry(f.cause.label()).or_default() += 1;
            tally.failures.push(f.message.clone());
            // A worker that died sent no id: the bytes are read here, which is rare enough.
            let id = o.id.or_else(|| {
                (f.cause != Cause::Error).then(|| std::fs::read(path).ok()).flatten().map(|b| worker::sha256_hex(&b))
            });
            let format = f.format.or_else(|| {
                host.reader_by_name(path, from).ok().flatten().map(|r| match r {
                    nianbao_convert::Reader::Json => nianbao_convert::JSON.to_string(),
                    nianbao_convert::Reader::Plugin { format, .. } => format,
                })
            });
            Entry { id: id.unwrap_or_default(), path: path.to_string(), format, pages: None, outcome: Err(f.message) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_take_every_input_once_and_decide_alone() {
        let paths: Vec<String> = (0..1000).map(|i| format!("reports/{i:04}.pdf")).collect();
        let shards: Vec<Shard> = (1..=4).map(|i| Shard::parse(&format!("{i}/4")).unwrap()).collect();
        for p in &paths {
            assert_eq!(shards.iter().filter(|s| s.takes(p)).count(), 1, "{p}");
        }
        for s in &shards {
            let n = paths.iter().filter(|p| s.takes(p)).count();
            assert!((200..300).contains(&n), "shard {}: {n} of 1000", s.index);
        }
        // The documented hash (as Python computes it: int.from_bytes(sha256(path)[:8], "big")
        // % 4 + 1 is 3 here): changing it would reshuffle the shards of a running array job.
        assert_eq!(shards.iter().find(|s| s.takes("reports/0007.pdf")).map(|s| s.index), Some(3));
    }

    #[test]
    fn a_shard_out_of_range_is_refused_with_an_example() {
        for bad in ["0/4", "5/4", "1/0", "x/2", "3"] {
            let e = Shard::parse(bad).unwrap_err();
            assert_eq!(e.message, format!("--shard {bad}: expected I/N with 1 ≤ I ≤ N, e.g. --shard 1/4"));
        }
        assert_eq!(Shard::parse(" 2/ 3").unwrap(), Shard { index: 2, count: 3 });
    }
}
