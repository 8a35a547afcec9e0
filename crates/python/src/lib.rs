//! The native half of the `nianbao` Python package: the conversion pipeline of
//! `nianbao_convert` and the tidy tables of `nianbao_dataset`, called from Python. Reports come
//! back as the canonical model's JSON (the package parses it into a dict) or as Arrow record
//! batches of the dataset's tables, which cross to pyarrow through the Arrow C data interface
//! without a copy, in both directions. The Python wrapper in `python/nianbao/__init__.py` is the
//! documented API; this module's functions are its private helpers.
//!
//! Work runs with the interpreter released, so other Python threads (and Ray's or Spark's
//! workers in the same process) go on meanwhile.

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_pyarrow::{PyArrowType, Table};
use arrow_schema::DataType;
use nianbao_convert::{expand_inputs, extension, read_input, validate, Host, LoadOptions, Origin, Registry};
use nianbao_dataset::{id_of, Batches, Entry};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use std::cell::OnceCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

create_exception!(nianbao, Error, PyException, "Anything nianbao could not do; the message names the file.");
create_exception!(nianbao, InputError, Error, "An input that could not be read, or is not a report in its format.");
create_exception!(
    nianbao,
    UsageError,
    Error,
    "A request that cannot be carried out: an unknown format, a bad argument."
);

/// The folders plugins are loaded from, as the package names them (its own `plugins/` folder
/// first).
static PLACES: OnceLock<Vec<(PathBuf, Origin)>> = OnceLock::new();

thread_local! {
    /// A host per thread: a loaded plugin is not `Sync` (it opens its library on first use), so
    /// threads do not share one. Opening the same libraries again costs little.
    static HOST: OnceCell<Host> = const { OnceCell::new() };
}

/// Calls `f` with this thread's host.
fn with_host<R>(f: impl FnOnce(&Host) -> R) -> PyResult<R> {
    let places = PLACES.get().ok_or_else(|| {
        Error::new_err("nianbao._nianbao._init was not called (import nianbao, not nianbao._nianbao)")
    })?;
    // No manifest cache: the package's plugins are opened once per thread anyway.
    Ok(HOST.with(|h| f(h.get_or_init(|| Host::with_registry(Registry::from_places(places, None), places.clone())))))
}

fn py_err(e: nianbao_convert::Error) -> PyErr {
    match e.kind {
        nianbao_convert::ErrorKind::Usage => UsageError::new_err(e.message),
        nianbao_convert::ErrorKind::Input => InputError::new_err(e.message),
        nianbao_convert::ErrorKind::Output => Error::new_err(e.message),
    }
}

/// Loads the plugins from `places`, in order; a later plugin of a name already loaded is not
/// used. Called once by the package on import; later calls change nothing.
#[pyfunction]
fn _init(places: Vec<PathBuf>) {
    PLACES.get_or_init(|| places.into_iter().map(|p| (p, Origin::PluginPath)).collect());
}

/// The formats that can be read, `json` first.
#[pyfunction]
fn formats() -> PyResult<Vec<String>> {
    with_host(|h| h.input_formats())
}

/// The plugins loaded: (name, version, path), and the libraries refused: (path, why).
#[pyfunction]
#[allow(clippy::type_complexity)]
fn plugins() -> PyResult<(Vec<(String, String, String)>, Vec<(String, String)>)> {
    with_host(|h| {
        let reg = h.registry();
        let loaded = reg.plugins.iter().map(|p| (p.name.clone(), p.version.clone(), p.path.display().to_string()));
        let refused = reg.problems.iter().map(|e| (e.path.display().to_string(), e.message.clone()));
        (loaded.collect(), refused.collect())
    })
}

fn load_options(provenance: bool) -> LoadOptions {
    LoadOptions { provenance, ..LoadOptions::default() }
}

fn model_json(bytes: &[u8], name: &str, from: Option<&str>, provenance: bool) -> PyResult<String> {
    let loaded = with_host(|h| h.load(bytes, name, from, &load_options(provenance)))?.map_err(py_err)?;
    Ok(serde_json::to_string(&loaded.report).expect("reports serialize"))
}

/// One file as the canonical model's JSON.
#[pyfunction]
#[pyo3(signature = (path, format = None, provenance = false))]
fn convert_path(py: Python<'_>, path: PathBuf, format: Option<String>, provenance: bool) -> PyResult<String> {
    py.detach(|| {
        let bytes = read_input(&path).map_err(py_err)?;
        model_json(&bytes, &path.display().to_string(), format.as_deref(), provenance)
    })
}

/// Bytes as the canonical model's JSON; `name` is what messages call them (its extension, if
/// any, chooses the reader when `format` does not).
#[pyfunction]
#[pyo3(signature = (data, name, format = None, provenance = false))]
fn convert_bytes(
    py: Python<'_>,
    data: PyBackedBytes,
    name: String,
    format: Option<String>,
    provenance: bool,
) -> PyResult<String> {
    py.detach(|| model_json(&data, &name, format.as_deref(), provenance))
}

/// One input converted into an entry of the dataset. A failure is the entry's outcome, named
/// by the file, never an exception: a batch goes on past it.
fn entry(path: &str, bytes: Result<&[u8], String>, from: Option<&str>, load: &LoadOptions) -> Entry {
    with_host(|h| entry_with(h, path, bytes, from, load)).expect("the host is set before any conversion")
}

fn entry_with(host: &Host, path: &str, bytes: Result<&[u8], String>, from: Option<&str>, load: &LoadOptions) -> Entry {
    let format = || host.reader_by_name(path, from).ok().flatten().map(|r| reader_name(&r));
    let bytes = match bytes {
        Ok(b) => b,
        // Nothing was read, so there is no id to give: the empty string says so.
        Err(e) => {
            return Entry { id: String::new(), path: path.into(), format: format(), pages: None, outcome: Err(e) }
        }
    };
    let id = id_of(bytes);
    match host.load(bytes, path, from, load) {
        Ok(l) => {
            let findings = validate(&l.report);
            Entry { id, path: path.into(), format: Some(l.format), pages: None, outcome: Ok((l.report, findings)) }
        }
        Err(e) => Entry { id, path: path.into(), format: format(), pages: None, outcome: Err(e.message) },
    }
}

fn reader_name(r: &nianbao_convert::Reader) -> String {
    match r {
        nianbao_convert::Reader::Json => nianbao_convert::JSON.into(),
        nianbao_convert::Reader::Plugin { format, .. } => format.clone(),
    }
}

/// The rows of some inputs: the four tables' batches, and (path, error) of each failure.
struct Part {
    tables: [RecordBatch; 4],
    errors: Vec<(String, String)>,
}

/// Inputs per part when several threads share the work: small enough to balance, large enough
/// that a part's batches are not tiny.
const PART: usize = 64;

/// Converts inputs `0..n` on `jobs` threads, each part into its own batches, in input order.
/// `name(i)` names input `i` for the message when converting it panics.
fn convert_all(
    n: usize,
    jobs: usize,
    name: &(dyn Fn(usize) -> String + Sync),
    convert: &(dyn Fn(usize) -> Entry + Sync),
) -> Vec<Part> {
    let size = if jobs <= 1 { n.max(1) } else { PART };
    let parts = n.div_ceil(size).max(1);
    let one = |k: usize| {
        let mut b = Batches::new();
        let mut errors = Vec::new();
        for i in k * size..((k + 1) * size).min(n) {
            // A panic is a bug in nianbao; it costs this input, not the batch or the interpreter.
            let e = catch_unwind(AssertUnwindSafe(|| convert(i))).unwrap_or_else(|p| {
                let why = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                let path = name(i);
                let outcome = Err(format!("{path}: nianbao crashed ({why}); please report this"));
                Entry { id: String::new(), path, format: None, pages: None, outcome }
            });
            if let Err(m) = &e.outcome {
                errors.push((e.path.clone(), m.clone()));
            }
            // Every input is its own entry: a copy of a document in the same batch gets its
            // rows again, as it would in another batch, so the output does not depend on how
            // the inputs were split into batches.
            b.push(&e, false);
        }
        let [r, c, f, s] = b.builders();
        Part { tables: [r.finish(), c.finish(), f.finish(), s.finish()], errors }
    };
    let threads = jobs.clamp(1, parts);
    if threads == 1 {
        return (0..parts).map(one).collect();
    }
    let next = AtomicUsize::new(0);
    let done: Mutex<Vec<Option<Part>>> = Mutex::new((0..parts).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let k = next.fetch_add(1, Ordering::Relaxed);
                if k >= parts {
                    break;
                }
                let p = one(k);
                done.lock().unwrap_or_else(|e| e.into_inner())[k] = Some(p);
            });
        }
    });
    done.into_inner().unwrap_or_else(|e| e.into_inner()).into_iter().map(|p| p.expect("every part done")).collect()
}

/// The four tables (reports, cells, findings, sections) and the failures.
type Tables = (PyArrowType<Table>, PyArrowType<Table>, PyArrowType<Table>, PyArrowType<Table>, Vec<(String, String)>);

fn tables(parts: Vec<Part>, single: bool) -> PyResult<Tables> {
    let mut cols: [Vec<RecordBatch>; 4] = Default::default();
    let mut errors = Vec::new();
    for p in parts {
        for (col, t) in cols.iter_mut().zip(p.tables) {
            col.push(t);
        }
        errors.extend(p.errors);
    }
    let table = |batches: Vec<RecordBatch>| -> PyResult<PyArrowType<Table>> {
        let schema = batches[0].schema();
        let batches = if single && batches.len() > 1 {
            vec![arrow_select::concat::concat_batches(&schema, &batches).map_err(|e| Error::new_err(e.to_string()))?]
        } else {
            batches
        };
        Ok(PyArrowType(Table::try_new(batches, schema).map_err(|e| Error::new_err(e.to_string()))?))
    };
    let [r, c, f, s] = cols;
    Ok((table(r)?, table(c)?, table(f)?, table(s)?, errors))
}

fn threads(j: usize) -> usize {
    if j == 0 {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        j
    }
}

/// A column of bytes: Ray's `bytes`, Spark's `content`.
enum Bytes<'a> {
    Binary(&'a arrow_array::BinaryArray),
    Large(&'a arrow_array::LargeBinaryArray),
    View(&'a arrow_array::BinaryViewArray),
}

impl Bytes<'_> {
    fn get(&self, i: usize) -> Option<&[u8]> {
        match self {
            Bytes::Binary(a) => a.is_valid(i).then(|| a.value(i)),
            Bytes::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Bytes::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

enum Strs<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl Strs<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// The input columns of one batch: the bytes, and the paths when there are any.
struct Inputs<'a> {
    bytes: Bytes<'a>,
    paths: Option<Strs<'a>>,
    /// The row number of the batch's first row in the whole table, for rows without a path.
    offset: usize,
}

impl Inputs<'_> {
    fn name(&self, i: usize) -> String {
        match self.paths.as_ref().and_then(|p| p.get(i)) {
            Some(p) => p.to_string(),
            None => format!("<row {}>", self.offset + i),
        }
    }
}

const BYTES_COLUMNS: [&str; 2] = ["bytes", "content"];

fn inputs(batch: &RecordBatch, offset: usize) -> PyResult<Inputs<'_>> {
    let schema = batch.schema();
    let Some((name, col)) = BYTES_COLUMNS.iter().find_map(|n| batch.column_by_name(n).map(|c| (*n, c))) else {
        let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        return Err(UsageError::new_err(format!(
            "the batch has no column `bytes` (Ray's read_binary_files) or `content` (Spark's binaryFile); its \
             columns: {}",
            have.join(", ")
        )));
    };
    let bytes = match col.data_type() {
        DataType::Binary => Bytes::Binary(col.as_binary::<i32>()),
        DataType::LargeBinary => Bytes::Large(col.as_binary::<i64>()),
        DataType::BinaryView => Bytes::View(col.as_binary_view()),
        t => return Err(UsageError::new_err(format!("column `{name}` is {t}, not binary"))),
    };
    let paths = match batch.column_by_name("path") {
        None => None,
        Some(c) => Some(match c.data_type() {
            DataType::Utf8 => Strs::Utf8(c.as_string::<i32>()),
            DataType::LargeUtf8 => Strs::Large(c.as_string::<i64>()),
            DataType::Utf8View => Strs::View(c.as_string_view()),
            t => return Err(UsageError::new_err(format!("column `path` is {t}, not a string"))),
        }),
    };
    Ok(Inputs { bytes, paths, offset })
}

/// The dataset's tables of a table of inputs: a column `bytes` (or `content`) of binary, and
/// `path` (optional) naming each input. With `single`, each table comes back as one batch.
#[pyfunction]
#[pyo3(signature = (table, format = None, provenance = true, jobs = 1, single = false))]
fn convert_table(
    py: Python<'_>,
    table: PyArrowType<Table>,
    format: Option<String>,
    provenance: bool,
    jobs: usize,
    single: bool,
) -> PyResult<Tables> {
    with_host(|_| ())?;
    let (batches, _) = table.0.into_inner();
    let mut offset = 0;
    let mut all = Vec::with_capacity(batches.len());
    for b in &batches {
        all.push(inputs(b, offset)?);
        offset += b.num_rows();
    }
    let load = load_options(provenance);
    let from = format.as_deref();
    let n = threads(jobs);
    let parts = py.detach(|| {
        let mut parts = Vec::new();
        for (batch, inp) in batches.iter().zip(&all) {
            let convert = |i: usize| {
                let path = inp.name(i);
                let bytes = inp.bytes.get(i).ok_or_else(|| format!("{path}: no bytes (the value is null)"));
                entry(&path, bytes, from, &load)
            };
            parts.extend(convert_all(batch.num_rows(), n, &|i| inp.name(i), &convert));
        }
        if parts.is_empty() {
            parts = convert_all(0, 1, &|_| String::new(), &|_| unreachable!("no inputs"));
        }
        parts
    });
    tables(parts, single)
}

/// The dataset's tables of files and folders (searched for files of a readable format).
#[pyfunction]
#[pyo3(signature = (paths, format = None, provenance = true, jobs = 0))]
fn convert_paths(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    format: Option<String>,
    provenance: bool,
    jobs: usize,
) -> PyResult<Tables> {
    with_host(|_| ())?;
    let readable = |p: &Path| {
        extension(&p.to_string_lossy()).is_some_and(|e| {
            with_host(|h| h.reader_by_name(&format!("x.{e}"), None).ok().flatten().is_some()).unwrap_or(false)
        })
    };
    let load = load_options(provenance);
    let from = format.as_deref();
    let n = threads(jobs);
    let parts = py.detach(|| -> PyResult<Vec<Part>> {
        let files = expand_inputs(&paths, &readable, None).map_err(py_err)?;
        let name = |i: usize| files[i].name();
        let convert = |i: usize| {
            let path = name(i);
            let bytes = read_input(&files[i].path).map_err(|e| e.message);
            entry(&path, bytes.as_deref().map_err(Clone::clone), from, &load)
        };
        Ok(convert_all(files.len(), n, &name, &convert))
    })?;
    tables(parts, false)
}

#[pymodule]
fn _nianbao(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("UsageError", py.get_type::<UsageError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(_init, m)?)?;
    m.add_function(wrap_pyfunction!(formats, m)?)?;
    m.add_function(wrap_pyfunction!(plugins, m)?)?;
    m.add_function(wrap_pyfunction!(convert_path, m)?)?;
    m.add_function(wrap_pyfunction!(convert_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(convert_table, m)?)?;
    m.add_function(wrap_pyfunction!(convert_paths, m)?)?;
    Ok(())
}
