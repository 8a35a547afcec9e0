//! The nianbao pipeline as a library: choose a plugin, read bytes into a Document, recognize
//! the report, validate it, render it in the official layout and write it through a plugin —
//! and, for batches, plan which input goes to which output file without overwriting inputs.
//! The `nianbao` binary only parses arguments and prints what this returns; other front ends
//! (a batch runner, the Python package) call the same functions.
//!
//! ```no_run
//! use nianbao_convert::{Host, LoadOptions};
//! let host = Host::discover();
//! let to = host.output_format("json").unwrap();
//! let bytes = std::fs::read("report.pdf").unwrap();
//! let loaded = host.load(&bytes, "report.pdf", None, &LoadOptions::default()).unwrap();
//! let written = host.write(&loaded.report, &to, &Default::default()).unwrap();
//! std::fs::write("report.json", written.bytes).unwrap();
//! ```
//!
//! Every error is an [`Error`] whose message names the file and the cause, and whose
//! [`ErrorKind`] tells a request that cannot be carried out (an unknown format or option, an
//! output that would replace an input) from a file that could not be read or written.

mod files;
mod plan;
pub mod worker;

pub use files::{read_input, read_input_limited, write_file, MAX_INPUT_MB};
pub use nianbao_plugin::{
    probe_main, signal_name, Conflict, OptionInfo, Options, Origin, Registry, Written, HOST_OPTIONS, INSPECT,
    PROBE_COMMAND,
};
pub use nianbao_report::{validate, validate_years, Finding, Report, Severity};
pub use plan::{expand_inputs, is_batch, plan_outputs, Input, Job, Plan, Target};

use nianbao_document::{Block, Document};
use nianbao_official::{data_table, render, Recognized};
use nianbao_plugin::{search_path, FormatInfo, Plugin};
use nianbao_report::MODEL;
use std::fmt;
use std::path::PathBuf;

/// What went wrong, by who can fix it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request cannot be carried out as asked: an unknown format or option, no plugin for
    /// a format, an output that would replace an input. Nothing was read or written.
    Usage,
    /// An input could not be read, or is not a report in its format.
    Input,
    /// An output could not be made or written.
    Output,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// A sentence for the user, naming the file and the cause.
    pub message: String,
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Usage, message: message.into() }
    }
    pub fn input(message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Input, message: message.into() }
    }
    pub fn output(message: impl Into<String>) -> Error {
        Error { kind: ErrorKind::Output, message: message.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// The built-in format: the canonical report model as JSON.
pub const JSON: &str = "json";

fn is_json(name: &str) -> bool {
    name.eq_ignore_ascii_case(JSON)
}

/// A format that can be written, resolved before anything is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFormat {
    /// The format's name (`json`, `pdf`, …).
    pub name: String,
    /// The extension its files get in a batch.
    pub extension: String,
    /// Text (can go to a terminal) rather than binary.
    pub text: bool,
    /// Index of its plugin in the registry; `None` for the built-in JSON.
    plugin: Option<usize>,
    data: bool,
}

impl OutputFormat {
    pub fn is_json(&self) -> bool {
        self.plugin.is_none()
    }
}

/// Who reads an input: the built-in JSON, or a plugin's format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reader {
    Json,
    Plugin { plugin: usize, format: String },
}

/// How to read: the options passed to the reader, and what recognition should add.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `-O key=value` pairs for the reader.
    pub plugin: Options,
    /// Record where each cell's value was printed (`provenance` in the tables).
    pub provenance: bool,
}

/// A report read from bytes, with what it was read from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub report: Report,
    /// The reader's Document (for JSON input: the rendered official layout).
    pub document: Document,
    /// The format it was read as.
    pub format: String,
    /// What the reader and recognition noticed, prefixed `reader:` and `recognize:`.
    pub notes: Vec<String>,
}

/// The plugins found, and where they were looked for.
pub struct Host {
    registry: Registry,
    searched: Vec<(PathBuf, Origin)>,
}

impl Host {
    /// Finds the plugins on the standard search path (see `nianbao_plugin::search_path`).
    pub fn discover() -> Host {
        Host { registry: Registry::discover(), searched: search_path() }
    }

    /// As [`Host::discover`], but a library seen for the first time is opened by `program`
    /// (a binary that runs [`nianbao_plugin::probe_main`] when given
    /// [`nianbao_plugin::PROBE_COMMAND`]), so that one that crashes while loading is reported
    /// and skipped instead of taking this process down. The `nianbao` binary passes itself.
    pub fn discover_probing(program: &std::path::Path) -> Host {
        Host { registry: Registry::discover_probing(program), searched: search_path() }
    }

    /// Puts the named plugins first for every format they claim (`--plugin NAME`).
    pub fn prefer(&mut self, names: &[String]) -> Result<(), Error> {
        self.registry.prefer(names).map_err(Error::usage)
    }

    /// A host over plugins found elsewhere (tests, embedding).
    pub fn with_registry(registry: Registry, searched: Vec<(PathBuf, Origin)>) -> Host {
        Host { registry, searched }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The folders searched for plugins, in order.
    pub fn searched(&self) -> &[(PathBuf, Origin)] {
        &self.searched
    }

    fn plugin(&self, i: usize) -> &Plugin {
        &self.registry.plugins[i]
    }

    fn index(&self, p: &Plugin) -> usize {
        self.registry.plugins.iter().position(|q| std::ptr::eq(p, q)).expect("a plugin of this registry")
    }

    /// Names of the formats that can be read, JSON first, each once.
    pub fn input_formats(&self) -> Vec<String> {
        names(self.registry.readers().map(|(_, f)| f))
    }

    /// Names of the formats that can be written, JSON first, each once.
    pub fn output_formats(&self) -> Vec<String> {
        names(self.registry.writers().map(|(_, f)| f))
    }

    /// Where plugins were looked for and how to install them: for messages about a format
    /// that no plugin handles.
    pub fn where_plugins_come_from(&self) -> String {
        let places: Vec<String> = self
            .searched
            .iter()
            .map(|(p, _)| format!("{}{}", p.display(), if p.exists() { "" } else { " (missing)" }))
            .collect();
        format!(
            "searched for plugins in {}; install them with the binary (scripts/install.sh --prefix PREFIX in a \
             nianbao checkout puts them in PREFIX/lib/nianbao/plugins) or copy libnianbao_*.so files into one of \
             these folders",
            places.join(", ")
        )
    }

    /// Resolves an output format by name or extension, before anything is read.
    pub fn output_format(&self, to: &str) -> Result<OutputFormat, Error> {
        if is_json(to) {
            return Ok(OutputFormat {
                name: JSON.into(),
                extension: JSON.into(),
                text: true,
                plugin: None,
                data: false,
            });
        }
        let found =
            self.registry.format(to).filter(|(_, f)| f.write).or_else(|| self.registry.writer_for_extension(to));
        match found {
            Some((p, f)) => Ok(OutputFormat {
                name: f.name.clone(),
                extension: f.extensions.first().cloned().unwrap_or_else(|| f.name.clone()),
                text: f.is_text(),
                plugin: Some(self.index(p)),
                data: f.data,
            }),
            None => {
                let mut msg = format!("cannot write `{to}`: ");
                match self.registry.format(to) {
                    Some((p, f)) => msg += &format!("the {} plugin reads {} but does not write it", p.name, f.name),
                    None => msg += "no plugin writes it",
                }
                msg += &format!("; formats that can be written: {}", self.output_formats().join(", "));
                if self.registry.plugins.is_empty() {
                    msg += &format!(" (no plugins were found: {})", self.where_plugins_come_from());
                }
                Err(Error::usage(msg))
            }
        }
    }

    /// The reader for an input named `name` (a path, or `<stdin>`) when `--from` or the name
    /// decide it; `Ok(None)` when only the content can tell.
    pub fn reader_by_name(&self, name: &str, from: Option<&str>) -> Result<Option<Reader>, Error> {
        if let Some(f) = from {
            if is_json(f) {
                return Ok(Some(Reader::Json));
            }
            return match self.registry.format(f).filter(|(_, fmt)| fmt.read) {
                Some((p, fmt)) => Ok(Some(Reader::Plugin { plugin: self.index(p), format: fmt.name.clone() })),
                None => Err(Error::usage(self.no_reader(&format!("cannot read `{f}`: no plugin reads it")))),
            };
        }
        let ext = extension(name);
        Ok(match ext.as_deref() {
            Some(e) if is_json(e) => Some(Reader::Json),
            Some(e) => self
                .registry
                .reader_for_extension(e)
                .map(|(p, f)| Reader::Plugin { plugin: self.index(p), format: f.name.clone() }),
            None => None,
        })
    }

    fn no_reader(&self, what: &str) -> String {
        let mut msg = format!("{what}; formats that can be read: {}", self.input_formats().join(", "));
        if self.registry.plugins.is_empty() {
            msg += &format!(" (no plugins were found: {})", self.where_plugins_come_from());
        }
        msg
    }

    /// The reader for these bytes: by `--from`, the name, or the content.
    pub fn reader(&self, bytes: &[u8], name: &str, from: Option<&str>) -> Result<Reader, Error> {
        if let Some(r) = self.reader_by_name(name, from)? {
            return Ok(r);
        }
        if looks_like_json(bytes) {
            return Ok(Reader::Json);
        }
        if let Some((p, f)) = self.registry.sniff(bytes) {
            return Ok(Reader::Plugin { plugin: self.index(p), format: f.name.clone() });
        }
        Err(Error::input(match extension(name) {
            Some(e) => self.no_reader(&format!("{name}: no plugin reads .{e} files and none recognises the content")),
            None => self.no_reader(&format!("{name}: cannot tell the format; say --from FORMAT")),
        }))
    }

    /// Refuses option keys that no plugin of the conversion declares, before anything is
    /// read. `readers` are the readers known from the inputs' names; `None` among them (an
    /// input only its content will tell) admits every reader's options.
    pub fn check_options(
        &self,
        options: &Options,
        readers: &[Option<Reader>],
        writer: Option<&OutputFormat>,
    ) -> Result<(), Error> {
        let mut known: Vec<(String, String)> = Vec::new(); // (key, who)
        let mut add = |p: &Plugin, read: bool| {
            for o in p.options.iter().filter(|o| if read { o.read } else { o.write }) {
                let who = format!("{} {}", p.name, if read { "reader" } else { "writer" });
                known.push((o.name.clone(), who));
            }
        };
        if let Some(i) = writer.and_then(|w| w.plugin) {
            add(self.plugin(i), false);
        }
        let any_reader = readers.iter().any(Option::is_none);
        for (i, p) in self.registry.plugins.iter().enumerate() {
            let named = readers.iter().any(|r| matches!(r, Some(Reader::Plugin { plugin, .. }) if *plugin == i));
            if named || (any_reader && p.formats.iter().any(|f| f.read)) {
                add(p, true);
            }
        }
        let host = |k: &str| HOST_OPTIONS.iter().any(|(h, _)| *h == k);
        let unknown: Vec<&String> =
            options.keys().filter(|k| !host(k) && !known.iter().any(|(n, _)| n == *k)).collect();
        if unknown.is_empty() {
            return Ok(());
        }
        let mut by_who: Vec<(String, Vec<String>)> = Vec::new();
        for (k, who) in known {
            match by_who.iter_mut().find(|(w, _)| *w == who) {
                Some((_, ks)) if !ks.contains(&k) => ks.push(k),
                Some(_) => {}
                None => by_who.push((who, vec![k])),
            }
        }
        let listed = if by_who.is_empty() {
            "no plugin of this conversion takes options".to_string()
        } else {
            let parts: Vec<String> = by_who.iter().map(|(w, ks)| format!("{w}: {}", ks.join(", "))).collect();
            format!("known here: {}", parts.join("; "))
        };
        let names: Vec<String> = unknown.iter().map(|k| format!("`{k}`")).collect();
        Err(Error::usage(format!(
            "unknown option {} ({listed}); `nianbao plugins` lists every plugin's options",
            names.join(", ")
        )))
    }

    /// Reads an input into a report: the reader chosen by `from`, the name or the content,
    /// then recognition (for JSON: the report itself, and its rendering as the document).
    pub fn load(&self, bytes: &[u8], name: &str, from: Option<&str>, options: &LoadOptions) -> Result<Loaded, Error> {
        match self.reader(bytes, name, from)? {
            Reader::Json => {
                let report = parse_report(bytes).map_err(|e| Error::input(format!("{name}: {e}")))?;
                Ok(Loaded { document: render(&report), report, format: JSON.into(), notes: Vec::new() })
            }
            Reader::Plugin { plugin, format } => {
                let doc = self
                    .plugin(plugin)
                    .read(&format, bytes, &options.plugin)
                    .map_err(|e| Error::input(format!("{name}: {e}")))?;
                let rec = recognize(&doc, options.provenance);
                let mut notes: Vec<String> = doc.notes.iter().map(|n| format!("reader: {n}")).collect();
                notes.extend(rec.notes.iter().map(|n| format!("recognize: {n}")));
                Ok(Loaded { report: rec.report, document: doc, format, notes })
            }
        }
    }

    /// Writes a report: JSON itself, any other format rendered in the official layout and
    /// handed to its plugin. The plugin's notes come back with the bytes.
    pub fn write(&self, report: &Report, to: &OutputFormat, options: &Options) -> Result<Written, Error> {
        let Some(i) = to.plugin else {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
            s.push('\n');
            return Ok(Written { bytes: s.into_bytes(), notes: Vec::new() });
        };
        let mut doc = render(report);
        if to.data {
            doc.blocks.push(Block::Table(data_table(report)));
        }
        self.plugin(i)
            .write(&to.name, &doc, options)
            .map_err(|e| Error::output(format!("cannot write {}: {e}", to.name)))
    }
}

/// The one place recognition is called: the report carries its grade, and with `provenance`
/// each table says where its cells were printed.
fn recognize(doc: &Document, provenance: bool) -> Recognized {
    nianbao_official::recognize_with(doc, &nianbao_official::Options { provenance })
}

/// A report as one line of JSON (for JSON Lines output).
pub fn json_line(report: &Report) -> Vec<u8> {
    let mut v = serde_json::to_vec(report).expect("reports serialize");
    v.push(b'\n');
    v
}

/// Whether a report has any of the three statistics tables, i.e. whether `validate` has
/// anything to check.
pub fn has_tables(report: &Report) -> bool {
    let t = &report.tables;
    t.active_disclosure.is_some() || t.applications.is_some() || t.review_litigation.is_some()
}

/// Validates each report, and each pair of reports of one agency for consecutive years
/// (rule 7): (the names concerned, their findings), in input order.
pub fn validate_all(reports: &[(String, &Report)]) -> Vec<(Vec<String>, Vec<Finding>)> {
    let mut out: Vec<(Vec<String>, Vec<Finding>)> =
        reports.iter().map(|(n, r)| (vec![n.clone()], validate(r))).collect();
    for (pn, prev) in reports {
        for (cn, cur) in reports {
            let same = prev.meta.agency.is_some() && prev.meta.agency == cur.meta.agency;
            if same && matches!((prev.meta.year, cur.meta.year), (Some(a), Some(b)) if b == a + 1) {
                out.push((vec![pn.clone(), cn.clone()], validate_years(prev, cur)));
            }
        }
    }
    out
}

fn names<'a>(formats: impl Iterator<Item = &'a FormatInfo>) -> Vec<String> {
    let mut out = vec![JSON.to_string()];
    for f in formats {
        if !out.contains(&f.name) {
            out.push(f.name.clone());
        }
    }
    out
}

/// The lower-case extension of a file name, if any.
pub fn extension(name: &str) -> Option<String> {
    std::path::Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_lowercase)
}

fn looks_like_json(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Parses a report in the canonical JSON model, naming another model as such.
pub fn parse_report(bytes: &[u8]) -> Result<Report, String> {
    // The model key first, so that another model is named as such rather than as a list of
    // fields that do not fit; the rest of the document is skipped over, not built.
    #[derive(serde::Deserialize)]
    struct Probe {
        model: Option<String>,
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| format!("not valid JSON: {e}"))?;
    match probe.model.as_deref() {
        Some(MODEL) => {}
        Some(other) => return Err(format!("report model `{other}` is not supported (this nianbao reads {MODEL})")),
        None => return Err(format!("not a nianbao report: no \"model\": \"{MODEL}\" key")),
    }
    serde_json::from_slice(bytes).map_err(|e| format!("not a valid {MODEL} report: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bare() -> Host {
        Host::with_registry(Registry::default(), vec![(PathBuf::from("/nowhere/plugins"), Origin::User)])
    }

    #[test]
    fn without_plugins_only_json_is_known_and_the_message_says_where_plugins_were_looked_for() {
        let host = bare();
        assert_eq!(host.output_formats(), ["json"]);
        let e = host.output_format("pdf").unwrap_err();
        assert_eq!(e.kind, ErrorKind::Usage);
        assert!(e.message.starts_with("cannot write `pdf`: no plugin writes it; formats that can be written: json"));
        assert!(e.message.contains("/nowhere/plugins (missing)") && e.message.contains("install.sh"), "{e}");
        let e = host.load(b"%PDF-1.4", "r.pdf", None, &LoadOptions::default()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Input);
        assert!(e.message.starts_with("r.pdf: no plugin reads .pdf files"), "{e}");
    }

    #[test]
    fn unknown_options_are_refused_naming_what_is_known() {
        let host = bare();
        let mut o = Options::new();
        o.insert("inspect".into(), "true".into());
        assert!(host.check_options(&o, &[None], None).is_ok(), "the host's own option");
        o.insert("nosuch".into(), "1".into());
        let e = host.check_options(&o, &[None], None).unwrap_err();
        assert_eq!(e.message, "unknown option `nosuch` (no plugin of this conversion takes options); `nianbao plugins` lists every plugin's options");
    }
}
