//! The resumable writer: entries go into numbered parts in `<target>.partial/`, each committed
//! atomically together with a journal of the inputs it holds; `finish` joins the parts into the
//! target, which appears under its name only when complete.
//!
//! A part is committed when its journal `part-NNNNN.done` exists: its table files were renamed
//! into place before the journal was, so a part without a journal is the one a killed run was
//! writing, and resuming deletes it and does its inputs again.

use crate::flatten::Batches;
use crate::output::{self, Sources, Summary};
use crate::schema::{SCHEMA_VERSION, TABLES};
use crate::{At, Entry, Error, Format, Result};
use arrow_array::RecordBatch;
use parquet::arrow::ArrowWriter;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Rows buffered per table before they are encoded into the part's Parquet file.
const BATCH_ROWS: usize = 8192;

#[derive(Debug, Clone)]
pub struct Options {
    /// Entries per part: a killed run loses at most this many (they are done again on resume).
    /// Memory does not grow with it.
    pub part_entries: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { part_entries: 1000 }
    }
}

/// One committed input, as the part's journal lists it.
#[derive(Debug, Serialize, Deserialize)]
struct Done {
    path: String,
    id: String,
    ok: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct Run {
    schema: String,
    format: String,
}

struct PartTable {
    writer: ArrowWriter<File>,
    tmp: PathBuf,
    path: PathBuf,
}

enum Body {
    Tables { batches: Box<Batches>, files: Vec<PartTable> },
    Lines { out: BufWriter<File>, tmp: PathBuf, path: PathBuf },
}

struct Part {
    no: u32,
    body: Body,
    journal: Vec<Done>,
}

/// Writes a dataset entry by entry; see the crate's README for the layout on disk.
pub struct DatasetWriter {
    target: PathBuf,
    staging: PathBuf,
    format: Format,
    options: Options,
    /// Inputs already in the dataset, by a 128-bit hash of their path: 16 bytes an input keeps
    /// memory flat over hundreds of thousands of them.
    done: HashSet<[u8; 16]>,
    /// Ids of the inputs that gave a report; a later input with the same bytes is a duplicate.
    ids: HashSet<[u8; 16]>,
    part: Option<Part>,
    next_part: u32,
}

fn path_key(path: &str) -> [u8; 16] {
    let d = Sha256::digest(path.as_bytes());
    d[..16].try_into().expect("16 of 32 bytes")
}

/// An id's first 16 bytes: as good as all 32 for telling hundreds of thousands of documents
/// apart (a collision is a 2^-128 chance per pair), in half the memory. An id that is not hex
/// sha256 is hashed first.
pub(crate) fn id_key(id: &str) -> [u8; 16] {
    let b = id.as_bytes();
    let mut out = [0u8; 16];
    if b.len() == 64 && b.iter().all(u8::is_ascii_hexdigit) {
        for (i, pair) in b[..32].chunks(2).enumerate() {
            let s = std::str::from_utf8(pair).expect("ascii");
            out[i] = u8::from_str_radix(s, 16).expect("hex");
        }
    } else {
        out.copy_from_slice(&Sha256::digest(b)[..16]);
    }
    out
}

/// Where the parts of a dataset being written live: beside it, `out` → `out.partial`.
pub(crate) fn staging_of(target: &Path) -> Result<PathBuf> {
    let name = target
        .file_name()
        .ok_or_else(|| Error(format!("{}: a dataset needs a name (a folder or file to create)", target.display())))?;
    let mut staged = name.to_os_string();
    staged.push(".partial");
    Ok(target.with_file_name(staged))
}

/// Makes the path durable in its folder: a rename is not on disk until its folder is synced.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    // Folders cannot be opened for syncing on every platform; there the rename is all we have.
    if let Ok(f) = File::open(dir) {
        let _ = f.sync_all();
    }
    Ok(())
}

pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Refuses a target that holds something already; an empty folder is removed, to be replaced
/// whole by the finished dataset.
pub(crate) fn claim(target: &Path) -> Result<()> {
    match fs::symlink_metadata(target) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() && fs::read_dir(target).at(target)?.next().is_none() => fs::remove_dir(target).at(target),
        Ok(_) => {
            Err(Error(format!("{}: already exists; write the dataset somewhere new or remove it", target.display())))
        }
    }
}

/// Moves a finished dataset (file or folder) from the staging folder to its name.
pub(crate) fn publish(built: &Path, target: &Path) -> Result<()> {
    fs::rename(built, target).at(target)?;
    sync_dir(&parent_of(target))
}

fn part_name(no: u32, rest: &str) -> String {
    format!("part-{no:05}.{rest}")
}

/// The part number and the rest of a staging file's name (`part-00012.cells.parquet`).
fn parse_part(name: &str) -> Option<(u32, &str)> {
    let rest = name.strip_prefix("part-")?;
    let (no, rest) = rest.split_once('.')?;
    Some((no.parse().ok()?, rest))
}

impl DatasetWriter {
    /// Starts a new dataset at `target` (a folder for Parquet and CSV, a file for XLSX and JSON
    /// Lines). Fails if `target` exists (an empty folder is fine) or a run of it was killed
    /// (its `.partial` folder exists: resume it, or remove that folder).
    pub fn create(target: &Path, format: Format, options: Options) -> Result<DatasetWriter> {
        let staging = staging_of(target)?;
        if staging.exists() {
            return Err(Error(format!(
                "{}: a run writing this dataset was interrupted ({} exists); resume it, or remove that folder to start again",
                target.display(),
                staging.display()
            )));
        }
        claim(target)?;
        fs::create_dir_all(&staging).at(&staging)?;
        let run = Run { schema: SCHEMA_VERSION.to_string(), format: format.key().to_string() };
        write_atomic(&staging.join("run.json"), serde_json::to_string(&run).expect("serializes").as_bytes())?;
        sync_dir(&parent_of(&staging))?;
        Ok(DatasetWriter::with(target, staging, format, options))
    }

    fn with(target: &Path, staging: PathBuf, format: Format, options: Options) -> DatasetWriter {
        let options = Options { part_entries: options.part_entries.max(1) };
        DatasetWriter {
            target: target.to_path_buf(),
            staging,
            format,
            options,
            done: HashSet::new(),
            ids: HashSet::new(),
            part: None,
            next_part: 1,
        }
    }

    /// Reopens the dataset at `target` whose run was interrupted (Ctrl-C, kill -9, a crash):
    /// the committed parts are kept, the part being written is deleted, and [`Self::is_done`]
    /// tells which inputs need no doing again. The format is the one the run was started with.
    pub fn resume(target: &Path, options: Options) -> Result<DatasetWriter> {
        let staging = staging_of(target)?;
        if target.exists() {
            if staging.exists() {
                // Killed after the finished dataset was moved into place: only cleaning was left.
                fs::remove_dir_all(&staging).at(&staging)?;
            }
            return Err(Error(format!("{}: the dataset is complete; nothing to resume", target.display())));
        }
        let run_file = staging.join("run.json");
        let run: Run = match fs::read(&run_file) {
            Ok(b) => serde_json::from_slice(&b).at(&run_file)?,
            Err(_) => {
                return Err(Error(format!(
                    "{}: no interrupted run to resume (no {})",
                    target.display(),
                    run_file.display()
                )))
            }
        };
        if run.schema != SCHEMA_VERSION {
            return Err(Error(format!(
                "{}: written with schema {}, this is {SCHEMA_VERSION}; start again",
                staging.display(),
                run.schema
            )));
        }
        let format = Format::from_name(&run.format)
            .ok_or_else(|| Error(format!("{}: unknown format {:?}", run_file.display(), run.format)))?;
        let mut w = DatasetWriter::with(target, staging.clone(), format, options);
        let committed = w.committed()?;
        for entry in fs::read_dir(&staging).at(&staging)? {
            let path = entry.at(&staging)?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let keep = match parse_part(name) {
                Some((no, _)) => committed.contains(&no),
                None => name == "run.json",
            };
            if !keep {
                if path.is_dir() {
                    fs::remove_dir_all(&path).at(&path)?;
                } else {
                    fs::remove_file(&path).at(&path)?;
                }
            }
        }
        for no in &committed {
            let journal = staging.join(part_name(*no, "done"));
            let f = File::open(&journal).at(&journal)?;
            for line in BufReader::new(f).lines() {
                let done: Done = serde_json::from_str(&line.at(&journal)?).at(&journal)?;
                w.done.insert(path_key(&done.path));
                if done.ok {
                    w.ids.insert(id_key(&done.id));
                }
            }
        }
        w.next_part = committed.last().map_or(1, |n| n + 1);
        Ok(w)
    }

    /// The numbers of the committed parts, in order.
    fn committed(&self) -> Result<Vec<u32>> {
        let mut nos = Vec::new();
        for entry in fs::read_dir(&self.staging).at(&self.staging)? {
            let name = entry.at(&self.staging)?.file_name();
            if let Some((no, "done")) = name.to_str().and_then(parse_part) {
                nos.push(no);
            }
        }
        nos.sort_unstable();
        Ok(nos)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Is this input (by its path, as given to [`Self::write`]) in the dataset already?
    pub fn is_done(&self, path: &str) -> bool {
        self.done.contains(&path_key(path))
    }

    /// How many inputs the dataset holds, committed or not.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// Adds an entry; `false` if its path is in the dataset already (nothing is written twice).
    /// Every [`Options::part_entries`] entries the part is committed.
    pub fn write(&mut self, entry: &Entry) -> Result<bool> {
        let key = path_key(&entry.path);
        if self.done.contains(&key) {
            return Ok(false);
        }
        let ok = entry.outcome.is_ok();
        let duplicate = ok && self.ids.contains(&id_key(&entry.id));
        let part = match &mut self.part {
            Some(p) => p,
            None => {
                let p = self.open_part()?;
                self.part.insert(p)
            }
        };
        match &mut part.body {
            Body::Tables { batches, files } => {
                batches.push(entry, duplicate);
                for (b, f) in batches.builders().into_iter().zip(files.iter_mut()) {
                    if b.len() >= BATCH_ROWS {
                        f.writer.write(&b.finish()).at(&f.tmp)?;
                    }
                }
            }
            Body::Lines { out, tmp, .. } => {
                output::write_line(out, entry, duplicate).at(tmp)?;
            }
        }
        part.journal.push(Done { path: entry.path.clone(), id: entry.id.clone(), ok });
        self.done.insert(key);
        if ok {
            self.ids.insert(id_key(&entry.id));
        }
        if part.journal.len() >= self.options.part_entries {
            self.commit()?;
        }
        Ok(true)
    }

    fn open_part(&mut self) -> Result<Part> {
        let no = self.next_part;
        self.next_part += 1;
        let body = match self.format {
            Format::Jsonl => {
                let path = self.staging.join(part_name(no, "jsonl"));
                let tmp = self.staging.join(part_name(no, "jsonl.tmp"));
                let out = BufWriter::new(File::create(&tmp).at(&tmp)?);
                Body::Lines { out, tmp, path }
            }
            _ => {
                let mut files = Vec::new();
                for t in TABLES {
                    let path = self.staging.join(part_name(no, &format!("{}.parquet", t.name)));
                    let tmp = self.staging.join(part_name(no, &format!("{}.parquet.tmp", t.name)));
                    let writer = output::parquet_writer(&tmp, &t)?;
                    files.push(PartTable { writer, tmp, path });
                }
                Body::Tables { batches: Box::default(), files }
            }
        };
        Ok(Part { no, body, journal: Vec::new() })
    }

    /// Commits the part being written: its entries survive a kill from now on. Call it before
    /// exiting on Ctrl-C; [`Self::finish`] calls it too.
    pub fn commit(&mut self) -> Result<()> {
        let Some(part) = self.part.take() else { return Ok(()) };
        match part.body {
            Body::Tables { mut batches, files } => {
                for (b, f) in batches.builders().into_iter().zip(files) {
                    let PartTable { mut writer, tmp, path } = f;
                    if !b.is_empty() {
                        let batch: RecordBatch = b.finish();
                        writer.write(&batch).at(&tmp)?;
                    }
                    let file = writer.into_inner().at(&tmp)?;
                    file.sync_all().at(&tmp)?;
                    fs::rename(&tmp, &path).at(&path)?;
                }
            }
            Body::Lines { out, tmp, path } => {
                let file = out.into_inner().map_err(|e| e.into_error()).at(&tmp)?;
                file.sync_all().at(&tmp)?;
                fs::rename(&tmp, &path).at(&path)?;
            }
        }
        let mut journal = Vec::new();
        for d in &part.journal {
            serde_json::to_writer(&mut journal, d).expect("serializes");
            journal.push(b'\n');
        }
        write_atomic(&self.staging.join(part_name(part.no, "done")), &journal)?;
        sync_dir(&self.staging)
    }

    /// Commits, joins the parts into the dataset at its target and removes the staging folder.
    pub fn finish(mut self) -> Result<Summary> {
        self.commit()?;
        // The join keeps its own index of ids; these are not needed any more.
        self.done = HashSet::new();
        self.ids = HashSet::new();
        let parts = self.committed()?;
        let sources = match self.format {
            Format::Jsonl => Sources::Lines(parts.iter().map(|n| self.staging.join(part_name(*n, "jsonl"))).collect()),
            _ => Sources::Tables(
                parts
                    .iter()
                    .map(|n| TABLES.map(|t| self.staging.join(part_name(*n, &format!("{}.parquet", t.name)))))
                    .collect(),
            ),
        };
        let built = self.staging.join(if self.format.is_file() {
            format!("dataset.{}", self.format.key())
        } else {
            "dataset".to_string()
        });
        let summary = output::build(&sources, self.format, &built, &self.staging)?;
        publish(&built, &self.target)?;
        fs::remove_dir_all(&self.staging).at(&self.staging)?;
        Ok(summary)
    }
}

/// Writes a small file whole or not at all.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = File::create(&tmp).at(&tmp)?;
    f.write_all(bytes).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    fs::rename(&tmp, path).at(path)
}
