//! Joining parts (of one run) or datasets (of shards) into one dataset in its final format,
//! streaming a record batch at a time. Duplicates are settled here too: the first report of a
//! given id keeps its rows, every later one is flagged and contributes none.

use crate::schema::{Kind, Table, CELLS, FINDINGS, REPORTS, SCHEMA_VERSION, SECTIONS, TABLES};
use crate::writer::{claim, id_key, publish, staging_of, sync_dir, write_atomic};
use crate::{At, Entry, Error, Format, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type, Int32Type, UInt32Type, UInt8Type};
use arrow_array::{Array, ArrayRef, BooleanArray, RecordBatch};
use arrow_select::filter::filter_record_batch;
use nianbao_report::{Finding, Num, Report};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group of the final Parquet files: what the writer holds encoded in memory.
const ROW_GROUP_ROWS: usize = 128 * 1024;
const READ_BATCH_ROWS: usize = 8192;
/// Excel's limits: rows per sheet (the header included) and characters per cell.
const XLSX_ROWS: u32 = 1_048_576;
const XLSX_CHARS: usize = 32_767;

/// What a finished dataset holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows of `reports`: one per input.
    pub reports: u64,
    /// Inputs that could not be read (their `error` is set).
    pub failed: u64,
    /// Inputs with the same bytes as an earlier one (their `duplicate` is true).
    pub duplicates: u64,
    /// Rows of the other tables; not counted for JSON Lines.
    pub cells: Option<u64>,
    pub findings: Option<u64>,
    pub sections: Option<u64>,
    /// Text cells cut to Excel's 32,767 characters (XLSX only).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub truncated: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// The inputs of a join: the four table files of each part or dataset, or JSON Lines files.
pub(crate) enum Sources {
    Tables(Vec<[PathBuf; 4]>),
    Lines(Vec<PathBuf>),
}

pub(crate) fn parquet_writer(path: &Path, table: &Table) -> Result<ArrowWriter<File>> {
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_key_value_metadata(Some(vec![KeyValue::new("nianbao.dataset".into(), SCHEMA_VERSION.to_string())]))
        .build();
    let file = File::create(path).at(path)?;
    ArrowWriter::try_new(file, table.arrow(), Some(props)).at(path)
}

/// The record batches of one table's Parquet file, after checking it has this schema's columns.
fn read_table(path: &Path, table: &Table) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let file = File::open(path).at(path)?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).at(path)?;
    let want = table.arrow();
    let got = builder.schema();
    let same = got.fields().len() == want.fields().len()
        && got.fields().iter().zip(want.fields()).all(|(a, b)| a.name() == b.name() && a.data_type() == b.data_type());
    if !same {
        let names: Vec<&str> = got.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(Error(format!(
            "{}: not a `{}` table of {SCHEMA_VERSION} (its columns: {})",
            path.display(),
            table.name,
            names.join(", ")
        )));
    }
    let reader = builder.with_batch_size(READ_BATCH_ROWS).build().at(path)?;
    let path = path.to_path_buf();
    Ok(reader.map(move |b| b.at(&path)))
}

/// Where the joined tables go.
trait Sink {
    fn begin(&mut self, table: &Table) -> Result<()>;
    fn write(&mut self, batch: &RecordBatch) -> Result<()>;
    fn end(&mut self) -> Result<()>;
    fn finish(self: Box<Self>, summary: &mut Summary) -> Result<()>;
}

pub(crate) fn build(sources: &Sources, format: Format, out: &Path, tmpdir: &Path) -> Result<Summary> {
    match (sources, format) {
        (Sources::Lines(files), Format::Jsonl) => join_lines(files, out),
        (Sources::Lines(_), _) => Err(Error(format!(
            "{}: JSON Lines datasets join only into JSON Lines; write the shards as Parquet to get {format}",
            out.display()
        ))),
        (Sources::Tables(_), Format::Jsonl) => Err(Error(format!(
            "{}: the Parquet tables do not hold the whole model; write the shards as JSON Lines to get JSON Lines",
            out.display()
        ))),
        (Sources::Tables(parts), _) => {
            let sink: Box<dyn Sink> = match format {
                Format::Parquet => Box::new(ParquetSink::new(out)?),
                Format::Csv => Box::new(CsvSink::new(out)?),
                _ => Box::new(XlsxSink::new(out, tmpdir)?),
            };
            let summary = join_tables(parts, sink)?;
            if !format.is_file() {
                let mut json = serde_json::to_vec_pretty(&Meta {
                    schema: SCHEMA_VERSION,
                    format: format.key(),
                    summary: &summary,
                })
                .expect("serializes");
                json.push(b'\n');
                write_atomic(&out.join("dataset.json"), &json)?;
            }
            Ok(summary)
        }
    }
}

#[derive(Serialize)]
struct Meta<'a> {
    schema: &'a str,
    format: &'a str,
    #[serde(flatten)]
    summary: &'a Summary,
}

fn join_tables(parts: &[[PathBuf; 4]], mut sink: Box<dyn Sink>) -> Result<Summary> {
    let mut summary = Summary::default();
    // The source whose rows each report id keeps.
    let mut first: HashMap<[u8; 16], u32> = HashMap::new();
    sink.begin(&REPORTS)?;
    let (id_col, error_col, dup_col) =
        (REPORTS.index("id").unwrap(), REPORTS.index("error").unwrap(), REPORTS.index("duplicate").unwrap());
    for (s, files) in (0u32..).zip(parts) {
        for batch in read_table(&files[0], &REPORTS)? {
            let batch = batch?;
            let ids = batch.column(id_col).as_string::<i32>();
            let errors = batch.column(error_col);
            let dups = batch.column(dup_col).as_boolean();
            let flags: BooleanArray = (0..batch.num_rows())
                .map(|i| {
                    let ok = errors.is_null(i);
                    let dup = dups.value(i) || (ok && *first.entry(id_key(ids.value(i))).or_insert(s) != s);
                    summary.failed += u64::from(!ok);
                    summary.duplicates += u64::from(dup);
                    Some(dup)
                })
                .collect();
            let mut cols: Vec<ArrayRef> = batch.columns().to_vec();
            cols[dup_col] = Arc::new(flags);
            let batch = RecordBatch::try_new(batch.schema(), cols).expect("same schema");
            summary.reports += batch.num_rows() as u64;
            sink.write(&batch)?;
        }
    }
    sink.end()?;
    for (t, table) in [(1, CELLS), (2, FINDINGS), (3, SECTIONS)] {
        sink.begin(&table)?;
        let mut rows = 0u64;
        for (s, files) in (0u32..).zip(parts) {
            for batch in read_table(&files[t], &table)? {
                let batch = batch?;
                let ids = batch.column(0).as_string::<i32>();
                let keep: BooleanArray =
                    ids.iter().map(|id| Some(id.and_then(|id| first.get(&id_key(id))) == Some(&s))).collect();
                let batch = if keep.true_count() == batch.num_rows() {
                    batch
                } else {
                    filter_record_batch(&batch, &keep).expect("a mask of the batch's length")
                };
                rows += batch.num_rows() as u64;
                sink.write(&batch)?;
            }
        }
        sink.end()?;
        match t {
            1 => summary.cells = Some(rows),
            2 => summary.findings = Some(rows),
            _ => summary.sections = Some(rows),
        }
    }
    sink.finish(&mut summary)?;
    Ok(summary)
}

// ---- values of a column, for the text formats

enum Cell<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    F64(f64),
    F32(f32),
    Bool(bool),
    Json(String),
}

fn cell(a: &dyn Array, kind: Kind, i: usize) -> Cell<'_> {
    if a.is_null(i) {
        return Cell::Null;
    }
    match kind {
        Kind::Utf8 => Cell::Str(a.as_string::<i32>().value(i)),
        Kind::Bool => Cell::Bool(a.as_boolean().value(i)),
        Kind::UInt8 => Cell::Int(a.as_primitive::<UInt8Type>().value(i).into()),
        Kind::UInt32 => Cell::Int(a.as_primitive::<UInt32Type>().value(i).into()),
        Kind::Int32 => Cell::Int(a.as_primitive::<Int32Type>().value(i).into()),
        Kind::Float32 => Cell::F32(a.as_primitive::<Float32Type>().value(i)),
        Kind::Float64 => Cell::F64(a.as_primitive::<Float64Type>().value(i)),
        Kind::ListUtf8 => {
            let v = a.as_list::<i32>().value(i);
            let v: Vec<Option<&str>> = v.as_string::<i32>().iter().collect();
            Cell::Json(serde_json::to_string(&v).expect("serializes"))
        }
        Kind::ListFloat64 => {
            let v = a.as_list::<i32>().value(i);
            let v: Vec<Option<Num>> = v.as_primitive::<Float64Type>().iter().map(|x| x.map(Num)).collect();
            Cell::Json(serde_json::to_string(&v).expect("serializes"))
        }
    }
}

// ---- Parquet

struct ParquetSink {
    dir: PathBuf,
    open: Option<(ArrowWriter<File>, PathBuf)>,
}

impl ParquetSink {
    fn new(dir: &Path) -> Result<ParquetSink> {
        fs::create_dir_all(dir).at(dir)?;
        Ok(ParquetSink { dir: dir.to_path_buf(), open: None })
    }
}

impl Sink for ParquetSink {
    fn begin(&mut self, table: &Table) -> Result<()> {
        let path = self.dir.join(format!("{}.parquet", table.name));
        self.open = Some((parquet_writer(&path, table)?, path));
        Ok(())
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let (w, path) = self.open.as_mut().expect("begun");
        w.write(batch).at(path)
    }

    fn end(&mut self) -> Result<()> {
        let (w, path) = self.open.take().expect("begun");
        w.into_inner().at(&path)?.sync_all().at(&path)
    }

    fn finish(self: Box<Self>, _: &mut Summary) -> Result<()> {
        sync_dir(&self.dir)
    }
}

// ---- CSV

struct CsvSink {
    dir: PathBuf,
    open: Option<(BufWriter<File>, PathBuf, Table)>,
}

impl CsvSink {
    fn new(dir: &Path) -> Result<CsvSink> {
        fs::create_dir_all(dir).at(dir)?;
        Ok(CsvSink { dir: dir.to_path_buf(), open: None })
    }
}

fn csv_field(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    if s.contains([',', '"', '\n', '\r']) {
        out.write_all(b"\"")?;
        out.write_all(s.replace('"', "\"\"").as_bytes())?;
        out.write_all(b"\"")
    } else {
        out.write_all(s.as_bytes())
    }
}

impl Sink for CsvSink {
    fn begin(&mut self, table: &Table) -> Result<()> {
        let path = self.dir.join(format!("{}.csv", table.name));
        let mut out = BufWriter::new(File::create(&path).at(&path)?);
        // The BOM tells Excel the file is UTF-8; pandas, R and DuckDB skip it.
        let header: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        write!(out, "\u{feff}{}\r\n", header.join(",")).at(&path)?;
        self.open = Some((out, path, *table));
        Ok(())
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let (out, path, table) = self.open.as_mut().expect("begun");
        let mut row = |i: usize| -> std::io::Result<()> {
            for (j, c) in table.columns.iter().enumerate() {
                if j > 0 {
                    out.write_all(b",")?;
                }
                match cell(batch.column(j).as_ref(), c.kind, i) {
                    Cell::Null => {}
                    Cell::Str(s) => csv_field(out, s)?,
                    Cell::Json(s) => csv_field(out, &s)?,
                    Cell::Int(n) => write!(out, "{n}")?,
                    Cell::F64(x) => write!(out, "{}", Num(x))?,
                    Cell::F32(x) => write!(out, "{x}")?,
                    Cell::Bool(b) => write!(out, "{b}")?,
                }
            }
            out.write_all(b"\r\n")
        };
        for i in 0..batch.num_rows() {
            row(i).at(path)?;
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        let (out, path, _) = self.open.take().expect("begun");
        out.into_inner().map_err(|e| e.into_error()).at(&path)?.sync_all().at(&path)
    }

    fn finish(self: Box<Self>, _: &mut Summary) -> Result<()> {
        sync_dir(&self.dir)
    }
}

// ---- XLSX

struct XlsxSink {
    book: rust_xlsxwriter::Workbook,
    path: PathBuf,
    header: rust_xlsxwriter::Format,
    table: Option<Table>,
    /// Sheets of the current table so far, and the next row on the last one.
    sheets: u32,
    row: u32,
    truncated: u64,
}

impl XlsxSink {
    fn new(path: &Path, tmpdir: &Path) -> Result<XlsxSink> {
        let mut book = rust_xlsxwriter::Workbook::new();
        // Constant-memory sheets spill their rows to temporary files: next to the dataset,
        // not in a /tmp that may be small.
        book.set_tempdir(tmpdir).at(tmpdir)?;
        let header = rust_xlsxwriter::Format::new().set_bold();
        Ok(XlsxSink { book, path: path.to_path_buf(), header, table: None, sheets: 0, row: 0, truncated: 0 })
    }

    /// A new sheet for the current table: `cells`, then `cells (2)` once a sheet is full.
    fn sheet(&mut self) -> Result<()> {
        let table = self.table.expect("begun");
        self.sheets += 1;
        let name = if self.sheets == 1 { table.name.to_string() } else { format!("{} ({})", table.name, self.sheets) };
        let sheet = self.book.add_worksheet_with_constant_memory().at(&self.path)?;
        sheet.set_name(&name).at(&self.path)?;
        for (j, c) in table.columns.iter().enumerate() {
            sheet.write_string_with_format(0, j as u16, c.name, &self.header).at(&self.path)?;
        }
        sheet.set_freeze_panes(1, 0).at(&self.path)?;
        self.row = 1;
        Ok(())
    }
}

impl Sink for XlsxSink {
    fn begin(&mut self, table: &Table) -> Result<()> {
        self.table = Some(*table);
        self.sheets = 0;
        self.sheet()
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let table = self.table.expect("begun");
        for i in 0..batch.num_rows() {
            if self.row == XLSX_ROWS {
                self.sheet()?;
            }
            let sheet = self.book.worksheets_mut().last_mut().expect("a sheet");
            let r = self.row;
            for (j, c) in table.columns.iter().enumerate() {
                let col = j as u16;
                let mut text = |s: &str| {
                    if s.len() > XLSX_CHARS && s.chars().count() > XLSX_CHARS {
                        self.truncated += 1;
                        let cut: String = s.chars().take(XLSX_CHARS - 1).collect();
                        sheet.write_string(r, col, format!("{cut}…")).map(|_| ())
                    } else {
                        sheet.write_string(r, col, s).map(|_| ())
                    }
                };
                match cell(batch.column(j).as_ref(), c.kind, i) {
                    Cell::Null => Ok(()),
                    Cell::Str(s) => text(s),
                    Cell::Json(s) => text(&s),
                    Cell::Int(n) => sheet.write_number(r, col, n as f64).map(|_| ()),
                    Cell::F64(x) => sheet.write_number(r, col, x).map(|_| ()),
                    Cell::F32(x) => sheet.write_number(r, col, f64::from(x)).map(|_| ()),
                    Cell::Bool(b) => sheet.write_boolean(r, col, b).map(|_| ()),
                }
                .at(&self.path)?;
            }
            self.row += 1;
        }
        Ok(())
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }

    fn finish(mut self: Box<Self>, summary: &mut Summary) -> Result<()> {
        self.book.save(&self.path).at(&self.path)?;
        File::open(&self.path).at(&self.path)?.sync_all().at(&self.path)?;
        summary.truncated = self.truncated;
        Ok(())
    }
}

// ---- JSON Lines

#[derive(Serialize)]
struct Line<'a> {
    id: &'a str,
    path: &'a str,
    format: Option<&'a str>,
    pages: Option<u32>,
    duplicate: bool,
    error: Option<&'a str>,
    report: Option<&'a Report>,
    findings: &'a [Finding],
}

pub(crate) fn write_line(out: &mut impl Write, e: &Entry, duplicate: bool) -> std::io::Result<()> {
    let (report, findings) = match &e.outcome {
        Ok((r, f)) => (Some(r), f.as_slice()),
        Err(_) => (None, &[][..]),
    };
    let line = Line {
        id: &e.id,
        path: &e.path,
        format: e.format.as_deref(),
        pages: e.pages,
        duplicate,
        error: e.outcome.as_ref().err().map(String::as_str),
        report,
        findings,
    };
    serde_json::to_writer(&mut *out, &line)?;
    out.write_all(b"\n")
}

#[derive(Deserialize)]
struct Head {
    id: String,
    #[serde(default)]
    duplicate: bool,
    #[serde(default)]
    error: Option<String>,
}

fn join_lines(files: &[PathBuf], out: &Path) -> Result<Summary> {
    let mut summary = Summary::default();
    let mut first: HashMap<[u8; 16], u32> = HashMap::new();
    let mut w = BufWriter::new(File::create(out).at(out)?);
    for (s, path) in (0u32..).zip(files) {
        let r = BufReader::new(File::open(path).at(path)?);
        for (n, line) in r.lines().enumerate() {
            let line = line.at(path)?;
            if line.trim().is_empty() {
                continue;
            }
            let bad = |e: serde_json::Error| Error(format!("{}:{}: not a dataset line: {e}", path.display(), n + 1));
            let head: Head = serde_json::from_str(&line).map_err(bad)?;
            let ok = head.error.is_none();
            let dup = head.duplicate || (ok && *first.entry(id_key(&head.id)).or_insert(s) != s);
            summary.reports += 1;
            summary.failed += u64::from(!ok);
            summary.duplicates += u64::from(dup);
            if dup == head.duplicate {
                w.write_all(line.as_bytes()).at(out)?;
            } else {
                let mut v: serde_json::Value = serde_json::from_str(&line).map_err(bad)?;
                v["duplicate"] = serde_json::Value::Bool(dup);
                serde_json::to_writer(&mut w, &v).at(out)?;
            }
            w.write_all(b"\n").at(out)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error()).at(out)?.sync_all().at(out)?;
    Ok(summary)
}

// ---- merge

/// Joins finished datasets (the shards of one batch: Parquet folders, or JSON Lines files) into
/// one at `target`, in the order given. An input already in an earlier one (the same bytes,
/// under another path) is flagged `duplicate` and its rows are not repeated. The target is
/// written beside itself and moved into place when complete.
pub fn merge<P: AsRef<Path>>(inputs: &[P], target: &Path, format: Format) -> Result<Summary> {
    if inputs.is_empty() {
        return Err(Error(format!("{}: nothing to merge", target.display())));
    }
    let mut tables = Vec::new();
    let mut lines = Vec::new();
    for p in inputs {
        let p = p.as_ref();
        if p.is_dir() {
            let files = TABLES.map(|t| p.join(format!("{}.parquet", t.name)));
            if let Some(f) = files.iter().find(|f| !f.is_file()) {
                return Err(Error(format!(
                    "{}: not a finished Parquet dataset (no {}); merge takes Parquet dataset folders or JSON Lines files",
                    p.display(),
                    f.display()
                )));
            }
            tables.push(files);
        } else if p.is_file() && Format::from_path(p) == Format::Jsonl {
            lines.push(p.to_path_buf());
        } else {
            return Err(Error(format!(
                "{}: not a dataset to merge (a Parquet dataset folder or a .jsonl file)",
                p.display()
            )));
        }
    }
    let sources = match (tables.is_empty(), lines.is_empty()) {
        (false, true) => Sources::Tables(tables),
        (true, false) => Sources::Lines(lines),
        _ => return Err(Error(format!("{}: the inputs mix Parquet and JSON Lines datasets", target.display()))),
    };
    let staging = staging_of(target)?;
    if staging.exists() {
        return Err(Error(format!(
            "{}: {} exists: another run is writing this dataset, or one was interrupted; remove it first",
            target.display(),
            staging.display()
        )));
    }
    claim(target)?;
    fs::create_dir_all(&staging).at(&staging)?;
    let built = staging.join(if format.is_file() { format!("dataset.{}", format.key()) } else { "dataset".into() });
    let result = build(&sources, format, &built, &staging).and_then(|s| publish(&built, target).map(|_| s));
    // Nothing of a failed merge is worth keeping: it is started again from its inputs.
    fs::remove_dir_all(&staging).at(&staging)?;
    result
}
