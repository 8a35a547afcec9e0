//! Tidy datasets from many reports, for pandas, R or DuckDB: one row per input in `reports`,
//! one row per table cell in `cells`, one per validation finding in `findings`, one per section
//! in `sections`; written as a folder of Parquet files (or CSV files), one XLSX workbook with a
//! sheet per table, or JSON Lines with one canonical model per line.
//!
//! A [`DatasetWriter`] streams [`Entry`]s to disk in parts, each committed atomically with a
//! journal of the inputs it holds, so memory stays flat and a killed run can be resumed
//! ([`DatasetWriter::resume`]) without duplicates or losses; [`DatasetWriter::finish`] joins the
//! parts into the final files, which appear under their names only when complete. [`merge`]
//! joins datasets written by separate shards. The schema is in [`schema`] and the README.

mod builder;
mod flatten;
mod output;
pub mod schema;
mod writer;

pub use builder::TableBuilder;
pub use flatten::Batches;
pub use output::{merge, Summary};
pub use writer::{DatasetWriter, Options};

use nianbao_report::{Finding, Report};
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::Path;

/// One input of a batch and what became of it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The sha256 of the input's bytes, in lowercase hex ([`id_of`]): the same document has the
    /// same id whatever its path.
    pub id: String,
    /// The input's path as the batch was given it; resuming a run recognizes done inputs by it.
    pub path: String,
    /// The format the input was read as (`pdf`, `docx`, …), when known.
    pub format: Option<String>,
    /// The number of pages, when the format has pages.
    pub pages: Option<u32>,
    /// The recognized report and its validation findings, or why the input could not be read.
    pub outcome: Result<(Report, Vec<Finding>), String>,
}

/// The id of an input: the sha256 of its bytes in lowercase hex.
pub fn id_of(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How a dataset is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A folder with `reports.parquet`, `cells.parquet`, `findings.parquet`, `sections.parquet`.
    Parquet,
    /// A folder with `reports.csv`, `cells.csv`, `findings.csv`, `sections.csv` (UTF-8 with BOM).
    Csv,
    /// One workbook with the sheets `reports`, `cells`, `findings`, `sections`.
    Xlsx,
    /// One file with one entry per line: its id, path, error and canonical model.
    Jsonl,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Parquet, Format::Csv, Format::Xlsx, Format::Jsonl];

    pub fn key(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Jsonl => "jsonl",
        }
    }

    /// A `--to` name: `parquet`, `csv`, `xlsx`, `jsonl` (also `ndjson`).
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format an output path asks for by its extension (`out.xlsx`, `out.jsonl`,
    /// `out.csv/`); a folder without one is Parquet.
    pub fn from_path(path: &Path) -> Format {
        path.extension().and_then(|e| e.to_str()).and_then(Format::from_name).unwrap_or(Format::Parquet)
    }

    /// Is the dataset one file (else a folder of one file per table)?
    pub fn is_file(self) -> bool {
        matches!(self, Format::Xlsx | Format::Jsonl)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What went wrong, naming the file concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds the file concerned to any error.
pub(crate) trait At<T> {
    fn at(self, path: &Path) -> Result<T>;
}

impl<T, E: fmt::Display> At<T> for std::result::Result<T, E> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|e| Error(format!("{}: {e}", path.display())))
    }
}
