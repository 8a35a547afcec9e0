//! Reading inputs into reports and writing reports out, through plugins or the built-in JSON.

use nianbao_document::{Block, Document};
use nianbao_official::{data_table, recognize, render};
use nianbao_plugin::{Options, Registry};
use nianbao_report::{Report, MODEL};
use std::io::{Read, Write};
use std::path::Path;

/// An input file's bytes and how to name it in messages.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    pub ext: Option<String>,
}

pub fn read_input(path: &Path) -> Result<Input, String> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("<stdin>: cannot read: {e}"))?;
        return Ok(Input { name: "<stdin>".into(), bytes, ext: None });
    }
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(format!("{name}: is a directory"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: cannot read: {}", io_reason(&e)))?;
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_lowercase);
    Ok(Input { name, bytes, ext })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

pub fn parse_options(raw: &[String], font: Option<&Path>) -> Result<Options, String> {
    let mut opts = Options::new();
    for o in raw {
        let (k, v) = o.split_once('=').ok_or_else(|| format!("bad option `{o}`: expected KEY=VALUE"))?;
        opts.insert(k.trim().to_string(), v.to_string());
    }
    if let Some(f) = font {
        opts.insert("font".into(), f.display().to_string());
    }
    Ok(opts)
}

/// Where a report came from: the built-in JSON, or a plugin's document.
pub struct Loaded {
    pub report: Report,
    /// The reader's document (for JSON input: the rendered official layout).
    pub document: Document,
    pub format: String,
    /// Notes from the reader and from recognition.
    pub notes: Vec<String>,
}

fn is_json(name: &str) -> bool {
    name.eq_ignore_ascii_case("json")
}

pub struct Host {
    pub registry: Registry,
}

impl Host {
    pub fn new() -> Host {
        let registry = Registry::discover();
        for p in &registry.problems {
            eprintln!("warning: ignoring plugin {p}");
        }
        Host { registry }
    }

    fn plugin_names(&self) -> String {
        let names: Vec<&str> = self.registry.plugins.iter().map(|p| p.name.as_str()).collect();
        if names.is_empty() {
            "no plugins were found; see `nianbao plugins`".into()
        } else {
            format!("plugins found: {}", names.join(", "))
        }
    }

    /// Reads an input into a report.
    pub fn load(&self, input: &Input, from: Option<&str>, options: &Options) -> Result<Loaded, String> {
        let name = &input.name;
        let choice = match from {
            Some(f) if is_json(f) => None,
            Some(f) => Some(
                self.registry
                    .format(f)
                    .filter(|(_, fmt)| fmt.read)
                    .ok_or_else(|| format!("{name}: no plugin reads format `{f}` ({})", self.plugin_names()))?,
            ),
            None => match input.ext.as_deref() {
                Some(e) if is_json(e) => None,
                Some(e) if self.registry.reader_for_extension(e).is_some() => self.registry.reader_for_extension(e),
                _ if looks_like_json(&input.bytes) => None,
                _ => Some(self.registry.sniff(&input.bytes).ok_or_else(|| match &input.ext {
                    Some(e) => format!(
                        "{name}: no plugin reads .{e} files and none recognises the content ({})",
                        self.plugin_names()
                    ),
                    None => format!("{name}: cannot tell the format; say --from FORMAT ({})", self.plugin_names()),
                })?),
            },
        };
        match choice {
            None => {
                let report = parse_report(&input.bytes).map_err(|e| format!("{name}: {e}"))?;
                Ok(Loaded { document: render(&report), report, format: "json".into(), notes: Vec::new() })
            }
            Some((plugin, fmt)) => {
                let doc = plugin.read(&fmt.name, &input.bytes, options).map_err(|e| format!("{name}: {e}"))?;
                let rec = recognize(&doc);
                let mut notes: Vec<String> = doc.notes.iter().map(|n| format!("reader: {n}")).collect();
                notes.extend(rec.notes.iter().map(|n| format!("recognize: {n}")));
                Ok(Loaded { report: rec.report, document: doc, format: fmt.name.clone(), notes })
            }
        }
    }

    /// Writes a report in a format: JSON itself, anything else through a plugin.
    pub fn write(&self, report: &Report, to: &str, options: &Options) -> Result<Vec<u8>, String> {
        if is_json(to) {
            let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
            s.push('\n');
            return Ok(s.into_bytes());
        }
        let (plugin, fmt) = self
            .registry
            .format(to)
            .filter(|(_, f)| f.write)
            .or_else(|| self.registry.writer_for_extension(to))
            .ok_or_else(|| format!("no plugin writes format `{to}` ({})", self.plugin_names()))?;
        let mut doc = render(report);
        if fmt.data {
            doc.blocks.push(Block::Table(data_table(report)));
        }
        let written = plugin.write(&fmt.name, &doc, options).map_err(|e| e.to_string())?;
        for n in &written.notes {
            eprintln!("note: {n}");
        }
        Ok(written.bytes)
    }

    /// The file extension for an output format.
    pub fn extension(&self, to: &str) -> String {
        if is_json(to) {
            return "json".into();
        }
        self.registry.format(to).and_then(|(_, f)| f.extensions.first().cloned()).unwrap_or_else(|| to.to_lowercase())
    }
}

fn looks_like_json(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

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

/// Writes bytes to a file atomically (a temporary file beside it, renamed into place), or to
/// standard output for `-`.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        return out.write_all(bytes).and_then(|_| out.flush()).map_err(|e| format!("<stdout>: {e}"));
    }
    let name = path.display();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".nianbao-");
    // A temporary file is private to its owner; the output is not: it gets what a new file
    // gets under the user's umask, or keeps the mode of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder
            .permissions(std::fs::metadata(path).map_or(std::fs::Permissions::from_mode(0o666), |m| m.permissions()));
    }
    let mut tmp = builder
        .tempfile_in(dir)
        .map_err(|e| format!("{name}: cannot create a file in {}: {}", dir.display(), io_reason(&e)))?;
    tmp.write_all(bytes).map_err(|e| format!("{name}: cannot write: {e}"))?;
    tmp.persist(path).map_err(|e| format!("{name}: cannot write: {}", io_reason(&e.error)))?;
    Ok(())
}
