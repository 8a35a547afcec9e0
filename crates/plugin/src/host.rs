//! The host side: finding plugin libraries, checking their ABI, and calling them safely.

use super::*;
use std::path::{Path, PathBuf};

/// Where a plugin was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The folder of the running `nianbao` binary.
    BesideBinary,
    /// `../lib/nianbao/plugins` from the binary's folder: where `scripts/install.sh` puts them.
    Installed,
    /// An entry of `NIANBAO_PLUGIN_PATH`.
    PluginPath,
    /// The per-user plugin folder.
    User,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::BesideBinary => "beside the binary",
            Origin::Installed => "installed with the binary",
            Origin::PluginPath => "NIANBAO_PLUGIN_PATH",
            Origin::User => "user folder",
        })
    }
}

/// A format as a loaded plugin declares it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FormatInfo {
    pub name: String,
    pub description: String,
    pub extensions: Vec<String>,
    pub media_types: Vec<String>,
    pub read: bool,
    pub write: bool,
    /// A data format: its writer also wants the report's values as a data table.
    pub data: bool,
}

impl FormatInfo {
    /// Text output (its first media type is `text/*`) can go to a terminal; anything else is
    /// binary.
    pub fn is_text(&self) -> bool {
        self.media_types.first().is_some_and(|m| m.starts_with("text/"))
    }
}

/// An option as a loaded plugin declares it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionInfo {
    pub name: String,
    pub description: String,
    /// What applies when it is not given, in words; empty if nothing needs saying.
    pub default: String,
    /// Used by the plugin's reader.
    pub read: bool,
    /// Used by the plugin's writer.
    pub write: bool,
}

/// What a plugin declares: enough to choose it without loading it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Manifest {
    name: String,
    version: String,
    formats: Vec<FormatInfo>,
    options: Vec<OptionInfo>,
}

/// An opened plugin library and its declaration.
struct Library {
    decl: *const Declaration,
    // Never closed: a Rust library that has run on a thread may have registered thread-local
    // destructors that point into it, and unmapping it at exit is work for nothing.
    _lib: std::mem::ManuallyDrop<libloading::Library>,
}

/// A plugin. Its library is opened when first used: a run needs one or two plugins, and opening
/// all of them would cost more than reading a small report.
pub struct Plugin {
    pub name: String,
    pub version: String,
    pub formats: Vec<FormatInfo>,
    pub options: Vec<OptionInfo>,
    pub path: PathBuf,
    pub origin: Origin,
    library: std::cell::OnceCell<Result<Library, String>>,
}

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin").field("name", &self.name).field("path", &self.path).finish()
    }
}

/// Why a library could not be used as a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

fn list(s: String) -> Vec<String> {
    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
}

/// Opens a plugin library and reads its declaration, refusing another ABI version.
///
/// # Safety
/// Opening runs the library's initialisers: plugins are native code, trusted as much as the
/// `nianbao` binary itself.
unsafe fn open(path: &Path) -> Result<(Library, Manifest), String> {
    let lib = libloading::Library::new(path).map_err(|e| format!("cannot load library: {e}"))?;
    let decl: *const Declaration = {
        let sym: libloading::Symbol<unsafe extern "C" fn() -> *const Declaration> = lib
            .get(DECLARATION_SYMBOL.as_bytes())
            .map_err(|_| format!("not a nianbao plugin (no `{DECLARATION_SYMBOL}` symbol)"))?;
        sym()
    };
    if decl.is_null() {
        return Err("plugin returned no declaration".into());
    }
    // Only the first three fields are stable across ABI versions; read nothing else before
    // the version matches.
    let abi = (*decl).abi_version;
    let name = text((*decl).name);
    let version = text((*decl).version);
    if abi != ABI_VERSION {
        return Err(format!(
            "plugin `{name}` {version} was built for plugin ABI version {abi}, but this nianbao \
             uses ABI version {ABI_VERSION}; rebuild the plugin against this nianbao's nianbao-plugin crate"
        ));
    }
    let d = &*decl;
    let raw = if d.formats.is_null() { &[][..] } else { std::slice::from_raw_parts(d.formats, d.formats_len) };
    let formats = raw
        .iter()
        .map(|f| FormatInfo {
            name: text(f.name),
            description: text(f.description),
            extensions: list(text(f.extensions)).into_iter().map(|e| e.to_lowercase()).collect(),
            media_types: list(text(f.media_types)),
            read: f.capabilities & CAN_READ != 0,
            write: f.capabilities & CAN_WRITE != 0,
            data: f.capabilities & WANTS_DATA != 0,
        })
        .collect();
    let raw = if d.options.is_null() { &[][..] } else { std::slice::from_raw_parts(d.options, d.options_len) };
    let options = raw
        .iter()
        .map(|o| OptionInfo {
            name: text(o.name),
            description: text(o.description),
            default: text(o.default),
            read: o.scope & FOR_READING != 0,
            write: o.scope & FOR_WRITING != 0,
        })
        .collect();
    Ok((Library { decl, _lib: std::mem::ManuallyDrop::new(lib) }, Manifest { name, version, formats, options }))
}

impl Plugin {
    /// Opens a plugin library now and checks its declaration.
    ///
    /// # Safety
    /// See [`Registry::discover`]: plugins are trusted native code.
    pub unsafe fn load(path: &Path, origin: Origin) -> Result<Plugin, LoadError> {
        let (lib, m) = open(path).map_err(|message| LoadError { path: path.to_path_buf(), message })?;
        let p = Plugin::described(path, origin, m);
        let _ = p.library.set(Ok(lib));
        Ok(p)
    }

    fn described(path: &Path, origin: Origin, m: Manifest) -> Plugin {
        Plugin {
            name: m.name,
            version: m.version,
            formats: m.formats,
            options: m.options,
            path: path.to_path_buf(),
            origin,
            library: std::cell::OnceCell::new(),
        }
    }

    /// The declaration, opening the library on first use.
    fn decl(&self) -> Result<&Declaration, CallError> {
        let lib = self.library.get_or_init(|| {
            let (lib, m) = unsafe { open(&self.path) }?;
            if m.name != self.name {
                return Err(format!("the plugin changed since it was listed (now `{}`); run again", m.name));
            }
            Ok(lib)
        });
        match lib {
            // Valid while the library is open, which is as long as `self` lives.
            Ok(l) => Ok(unsafe { &*l.decl }),
            Err(e) => Err(CallError::Failed(format!("{}: {e}", self.path.display()))),
        }
    }

    /// The format the bytes look like, if this plugin recognises them.
    pub fn sniff(&self, bytes: &[u8]) -> Option<String> {
        let p = unsafe { (self.decl().ok()?.sniff)(bytes.as_ptr(), bytes.len()) };
        if p.is_null() {
            None
        } else {
            Some(unsafe { text(p) })
        }
    }

    /// Calls `read` or `write`; returns the output bytes and, for a write, its notes.
    fn call(
        &self,
        write: bool,
        format: &str,
        input: &[u8],
        options: &Options,
    ) -> Result<(Vec<u8>, Vec<String>), CallError> {
        let decl = self.decl()?;
        let format = CString::new(format).map_err(|_| CallError::Failed("format name contains NUL".into()))?;
        let opts = serde_json::to_vec(options).expect("string map encodes");
        let (mut out, mut notes) = (RawBuf::EMPTY, RawBuf::EMPTY);
        let (fp, data, len, op, ol) = (format.as_ptr(), input.as_ptr(), input.len(), opts.as_ptr(), opts.len());
        let status = unsafe {
            if write {
                (decl.write)(fp, data, len, op, ol, &mut out, &mut notes)
            } else {
                (decl.read)(fp, data, len, op, ol, &mut out)
            }
        };
        // Copy out, then hand the plugin's allocations back to the plugin.
        let copy = |b: &RawBuf| {
            if b.ptr.is_null() {
                Vec::new()
            } else {
                unsafe { std::slice::from_raw_parts(b.ptr, b.len) }.to_vec()
            }
        };
        let (bytes, note_bytes) = (copy(&out), copy(&notes));
        unsafe {
            (decl.free)(out);
            (decl.free)(notes);
        }
        let notes: Vec<String> =
            if note_bytes.is_empty() { Vec::new() } else { serde_json::from_slice(&note_bytes).unwrap_or_default() };
        match status {
            STATUS_OK => Ok((bytes, notes)),
            STATUS_PANIC => Err(CallError::Panicked(String::from_utf8_lossy(&bytes).into_owned())),
            _ => Err(CallError::Failed(String::from_utf8_lossy(&bytes).into_owned())),
        }
    }

    /// Reads file bytes of `format` into a Document.
    pub fn read(&self, format: &str, input: &[u8], options: &Options) -> Result<Document, CallError> {
        let (json, _) = self.call(false, format, input, options)?;
        let doc: Document = serde_json::from_slice(&json)
            .map_err(|e| CallError::Failed(format!("plugin `{}` returned a malformed document: {e}", self.name)))?;
        if document::major(&doc.version) != Some(document::MAJOR) {
            return Err(CallError::Failed(format!(
                "plugin `{}` {} returned a Document of version {}, but this nianbao reads version {}.x; \
                 rebuild the plugin against this nianbao's nianbao-plugin crate",
                self.name,
                self.version,
                doc.version,
                document::MAJOR
            )));
        }
        Ok(doc)
    }

    /// Writes a Document in `format`: the bytes, and the writer's notes.
    pub fn write(&self, format: &str, doc: &Document, options: &Options) -> Result<Written, CallError> {
        let json = serde_json::to_vec(doc).expect("documents encode");
        self.call(true, format, &json, options).map(|(bytes, notes)| Written { bytes, notes })
    }

    pub fn format(&self, name: &str) -> Option<&FormatInfo> {
        self.formats.iter().find(|f| f.name == name)
    }
}

/// A failed call into a plugin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The plugin reported an error (bad input, unsupported feature).
    Failed(String),
    /// The plugin panicked; the panic was contained.
    Panicked(String),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Failed(m) => f.write_str(m),
            CallError::Panicked(m) => write!(f, "the plugin crashed (contained panic: {m}); please report this"),
        }
    }
}

/// All plugins found, plus the libraries that were found but refused.
#[derive(Debug, Default)]
pub struct Registry {
    pub plugins: Vec<Plugin>,
    pub problems: Vec<LoadError>,
    /// Plugins not used because one of the same name was found earlier.
    pub shadowed: Vec<(String, PathBuf)>,
}

/// A library file's identity for the cache: size and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Stamp {
    size: u64,
    modified_ns: u128,
}

impl Stamp {
    fn of_meta(m: &std::fs::Metadata) -> Option<Stamp> {
        let modified_ns = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
        Some(Stamp { size: m.len(), modified_ns })
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CacheEntry {
    path: PathBuf,
    stamp: Stamp,
    manifest: Result<Manifest, String>,
}

/// Writes the cache beside itself and renames it into place; a cache that cannot be written is
/// only a slower next run.
fn save_cache(path: &Path, entries: &[CacheEntry]) {
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    let tmp =
        dir.join(format!(".{}.{}", path.file_name().and_then(|n| n.to_str()).unwrap_or("cache"), std::process::id()));
    if let Ok(bytes) = serde_json::to_vec(entries) {
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn default_cache() -> Option<PathBuf> {
    // A relative cache folder (a relative HOME) would be the current folder's; go without.
    dirs::cache_dir()
        .filter(|d| d.is_absolute())
        .map(|d| d.join("nianbao").join(format!("plugins-abi{ABI_VERSION}.json")))
}

/// Why a plugin folder or file must not be trusted, if it must not: others could replace the
/// code this process runs. Root-owned is fine (system folders); so is a folder writable by
/// others with the sticky bit, when it holds a file named directly (they cannot replace it).
#[cfg(unix)]
fn untrusted(meta: &std::fs::Metadata, sticky_ok: bool) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let (mode, owner) = (meta.mode(), meta.uid());
    // SAFETY: geteuid cannot fail and touches no memory.
    let me = unsafe { libc::geteuid() };
    let what = if meta.is_dir() { "the folder" } else { "the file" };
    if owner != me && owner != 0 {
        return Some(format!("{what} is owned by another user (uid {owner}), who could change the code it runs"));
    }
    if mode & 0o022 != 0 && !(sticky_ok && meta.is_dir() && mode & 0o1000 != 0) {
        let who = if mode & 0o002 != 0 { "everyone" } else { "its group" };
        return Some(format!("{what} is writable by {who} (mode {:o}); `chmod go-w` it to use it", mode & 0o7777));
    }
    None
}

#[cfg(not(unix))]
fn untrusted(_meta: &std::fs::Metadata, _sticky_ok: bool) -> Option<String> {
    None
}

/// The metadata of a library that may be loaded: the file and the folder it really lives in
/// pass [`untrusted`].
fn trusted_file(path: &Path) -> Result<std::fs::Metadata, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if let Some(why) = untrusted(&meta, false) {
        return Err(why);
    }
    if let Some(dir) = path.parent().and_then(|d| std::fs::metadata(d).ok()) {
        if let Some(why) = untrusted(&dir, true) {
            return Err(why);
        }
    }
    Ok(meta)
}

/// A library opened for discovery: in this process (the library kept open) or by a probe.
type Opened = Result<(Option<Library>, Manifest), String>;

/// A format or extension that more than one plugin claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// `read` or `write`.
    pub verb: &'static str,
    /// The format names and `.extensions` concerned.
    pub what: Vec<String>,
    /// The plugins that claim them, the one used first.
    pub plugins: Vec<String>,
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self.plugins.iter().map(|p| format!("`{p}`")).collect();
        write!(
            f,
            "plugins {} all {} {}; `{}` is used (nianbao's own plugins come first, then search order); \
             choose with --plugin NAME",
            names.join(", "),
            self.verb,
            self.what.join(", "),
            self.plugins[0]
        )
    }
}

/// The plugins this project ships, by name; each must be in the library file of its own name
/// (`libnianbao_pdf.so` for `pdf`) to count as the project's.
const OWN_PLUGINS: &[&str] = &["text", "html", "docx", "doc", "xlsx", "pdf", "csv"];

impl Plugin {
    /// One of nianbao's own plugins, by name and file name.
    pub fn is_own(&self) -> bool {
        let file = self.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let stem = file.strip_prefix("lib").unwrap_or(file);
        OWN_PLUGINS.contains(&self.name.as_str())
            && stem.strip_prefix("nianbao_").and_then(|s| s.split('.').next()) == Some(self.name.as_str())
    }
}

/// The argument that makes a program run [`probe_main`] on the paths after it.
pub const PROBE_COMMAND: &str = "__probe-plugins";

/// How long one library may take to load in the probe before it is taken for hung.
const PROBE_SECONDS: u64 = 10;

#[derive(serde::Serialize, serde::Deserialize)]
struct Probed {
    path: PathBuf,
    manifest: Result<Manifest, String>,
}

/// The probe's side: opens each library in turn and prints one JSON line with what it
/// declares, flushed before the next is opened, so that the parent knows which one a crash
/// came from. Returns the exit status.
pub fn probe_main(paths: &[PathBuf]) -> i32 {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for path in paths {
        let manifest = unsafe { open(path) }.map(|(_, m)| m);
        let line = serde_json::to_string(&Probed { path: path.clone(), manifest }).expect("manifests encode");
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return 1;
        }
    }
    0
}

/// What each library declares, opened by `program` in child processes: one child for all
/// of them, and after a library crashes or hangs its child, a new one for those after it.
fn probe_libraries(program: &Path, paths: &[PathBuf]) -> Vec<Result<Manifest, String>> {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut results: Vec<Result<Manifest, String>> = Vec::new();
    while results.len() < paths.len() {
        let rest = &paths[results.len()..];
        let child = Command::new(program)
            .arg(PROBE_COMMAND)
            .args(rest)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn();
        let mut child = match child {
            Ok(c) => c,
            Err(e) => {
                // Without a probe, the libraries stay unopened rather than risk this process.
                let why = format!("could not start {} to open it safely: {e}", program.display());
                results.extend(rest.iter().map(|_| Err(why.clone())));
                break;
            }
        };
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let before = results.len();
        let mut hung = false;
        while results.len() < paths.len() {
            match rx.recv_timeout(std::time::Duration::from_secs(PROBE_SECONDS)) {
                Ok(line) => match serde_json::from_str::<Probed>(&line) {
                    Ok(p) if p.path == paths[results.len()] => results.push(p.manifest),
                    _ => break,
                },
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    hung = true;
                    let _ = child.kill();
                    break;
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let status = child.wait();
        if results.len() < paths.len() {
            let why = if hung {
                format!("not loaded: opening the library did not finish within {PROBE_SECONDS} s")
            } else {
                format!("not loaded: opening the library ended the process that opened it ({})", exit_cause(status))
            };
            results.push(Err(why));
        }
        debug_assert!(results.len() > before);
    }
    results
}

fn exit_cause(status: std::io::Result<std::process::ExitStatus>) -> String {
    let Ok(status) = status else { return "no exit status".into() };
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by {}", signal_name(sig));
        }
    }
    match status.code() {
        Some(c) => format!("it exited with status {c}"),
        None => "it stopped".into(),
    }
}

/// `SIGSEGV` and the like, for messages.
pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        1 => "SIGHUP",
        2 => "SIGINT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        24 => "SIGXCPU",
        25 => "SIGXFSZ",
        _ => return format!("signal {sig}"),
    };
    name.to_string()
}

/// File names a plugin library may have in a searched folder: `libnianbao_*.so` (Linux),
/// `libnianbao_*.dylib` (macOS), `nianbao_*.dll` (Windows). Files named directly in
/// `NIANBAO_PLUGIN_PATH` are loaded whatever their name.
pub fn is_plugin_file_name(name: &str) -> bool {
    let stem = name.strip_prefix("lib").unwrap_or(name);
    stem.starts_with("nianbao_") && [".so", ".dylib", ".dll"].iter().any(|ext| stem.ends_with(ext))
}

/// The per-user plugin folder: `$XDG_DATA_HOME/nianbao/plugins` (usually
/// `~/.local/share/nianbao/plugins`) on Linux, `~/Library/Application Support/nianbao/plugins`
/// on macOS, `%APPDATA%\nianbao\plugins` on Windows.
pub fn user_plugin_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("nianbao").join("plugins"))
}

/// The places searched, in order: the binary's folder (where `cargo build` puts plugins),
/// `../lib/nianbao/plugins` from it (where an install puts them, as GStreamer and GIMP do),
/// each entry of `NIANBAO_PLUGIN_PATH`, the user folder. The binary's location is taken after
/// following symbolic links, so a link to an installed binary finds its plugins. The current
/// directory is never searched unless named explicitly.
pub fn search_path() -> Vec<(PathBuf, Origin)> {
    let mut out = Vec::new();
    if let Some(dir) =
        std::env::current_exe().ok().and_then(|e| e.canonicalize().ok()).and_then(|e| e.parent().map(Path::to_path_buf))
    {
        let installed = dir.parent().map(|prefix| prefix.join("lib").join("nianbao").join("plugins"));
        out.push((dir, Origin::BesideBinary));
        if let Some(installed) = installed {
            out.push((installed, Origin::Installed));
        }
    }
    if let Some(paths) = std::env::var_os("NIANBAO_PLUGIN_PATH") {
        for p in std::env::split_paths(&paths) {
            // An empty entry would mean the current directory; never search it implicitly.
            if !p.as_os_str().is_empty() {
                out.push((p, Origin::PluginPath));
            }
        }
    }
    if let Some(dir) = user_plugin_dir() {
        out.push((dir, Origin::User));
    }
    out
}

impl Registry {
    /// Finds every plugin on the search path. Libraries that cannot be used are recorded in
    /// `problems`; the rest stay usable. What each library declares is kept in a cache in the
    /// user's cache folder, keyed by path, size and modification time, so that a library is
    /// only opened when it is new, changed, or used.
    ///
    /// New libraries are opened in this process: plugins are native code, trusted as much as
    /// the `nianbao` binary itself. [`Registry::discover_probing`] opens them in a child
    /// process instead, so that one that crashes while loading costs only itself.
    pub fn discover() -> Registry {
        Registry::search(&search_path(), default_cache().as_deref(), None)
    }

    /// As [`Registry::discover`], but libraries not in the cache are first opened by
    /// `program PROBE_COMMAND PATH…` (a program that calls [`probe_main`]), so that a library
    /// that aborts, crashes or hangs while loading is reported and skipped.
    pub fn discover_probing(program: &Path) -> Registry {
        Registry::search(&search_path(), default_cache().as_deref(), Some(program))
    }

    /// Plugins from these places, opened in this process.
    pub fn from_places(places: &[(PathBuf, Origin)], cache: Option<&Path>) -> Registry {
        Registry::search(places, cache, None)
    }

    /// Plugins from these places; new libraries are opened by `probe` when given (see
    /// [`Registry::discover_probing`]), else in this process.
    pub fn search(places: &[(PathBuf, Origin)], cache: Option<&Path>, probe: Option<&Path>) -> Registry {
        let mut known: Vec<CacheEntry> =
            cache.and_then(|c| std::fs::read(c).ok()).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let mut reg = Registry::default();
        // Each library found once, in search order, with its stamp, or why it is refused.
        let mut found: Vec<(PathBuf, Origin, Result<Option<Stamp>, String>)> = Vec::new();
        for (place, origin) in places {
            if !place.is_absolute() {
                // A relative entry would make the plugins depend on the current folder, which a
                // downloaded report's folder may be.
                reg.problems.push(LoadError {
                    path: place.clone(),
                    message: format!("not searched: plugin locations ({origin}) must be absolute paths"),
                });
                continue;
            }
            let Ok(meta) = std::fs::metadata(place) else { continue };
            let files: Vec<PathBuf> = if meta.is_file() {
                vec![place.clone()]
            } else if let Some(why) = untrusted(&meta, false) {
                reg.problems.push(LoadError { path: place.clone(), message: format!("folder not searched: {why}") });
                continue;
            } else if let Ok(rd) = std::fs::read_dir(place) {
                let mut v: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    // The name first: the binary's folder holds many files, and a stat each costs.
                    .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(is_plugin_file_name) && p.is_file())
                    .collect();
                v.sort();
                v
            } else {
                continue;
            };
            for file in files {
                let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
                if found.iter().any(|(p, ..)| *p == canonical) {
                    continue;
                }
                let checked = trusted_file(&canonical).map(|m| Stamp::of_meta(&m));
                found.push((canonical, *origin, checked));
            }
        }
        let cached = |known: &[CacheEntry], path: &Path, stamp: Option<Stamp>| {
            known
                .iter()
                .find(|e| e.path == path && stamp.is_some() && Some(e.stamp) == stamp)
                .map(|e| e.manifest.clone())
        };
        // Libraries to open: probed all at once in one child process when a probe is given.
        let new: Vec<PathBuf> = found
            .iter()
            .filter(|(p, _, c)| matches!(c, Ok(stamp) if cached(&known, p, *stamp).is_none()))
            .map(|(p, ..)| p.clone())
            .collect();
        let mut opened: Vec<(PathBuf, Opened)> = match probe {
            Some(program) => probe_libraries(program, &new)
                .into_iter()
                .zip(&new)
                .map(|(r, p)| (p.clone(), r.map(|m| (None, m))))
                .collect(),
            None => new.iter().map(|p| (p.clone(), unsafe { open(p) }.map(|(l, m)| (Some(l), m)))).collect(),
        };
        let changed = !opened.is_empty();
        for (path, origin, checked) in found {
            let result = match checked {
                Err(why) => Err(LoadError { path: path.clone(), message: format!("not loaded: {why}") }),
                Ok(stamp) => match cached(&known, &path, stamp) {
                    Some(Ok(m)) => Ok(Plugin::described(&path, origin, m)),
                    Some(Err(message)) => Err(LoadError { path: path.clone(), message }),
                    None => {
                        let i = opened.iter().position(|(p, _)| *p == path).expect("every new library was opened");
                        let (_, r) = opened.swap_remove(i);
                        if let Some(stamp) = stamp {
                            known.retain(|e| e.path != path);
                            let manifest = r.as_ref().map(|(_, m)| m.clone()).map_err(Clone::clone);
                            known.push(CacheEntry { path: path.clone(), stamp, manifest });
                        }
                        r.map(|(lib, m)| {
                            let p = Plugin::described(&path, origin, m);
                            if let Some(lib) = lib {
                                let _ = p.library.set(Ok(lib));
                            }
                            p
                        })
                        .map_err(|message| LoadError { path: path.clone(), message })
                    }
                },
            };
            match result {
                Ok(p) if reg.plugins.iter().any(|q| q.name == p.name) => {
                    reg.shadowed.push((p.name.clone(), p.path.clone()))
                }
                Ok(p) => reg.plugins.push(p),
                Err(e) => reg.problems.push(e),
            }
        }
        if let (true, Some(c)) = (changed, cache) {
            save_cache(c, &known);
        }
        // nianbao's own plugins answer first for the formats they claim; another plugin that
        // claims the same format is used only when asked for (`Registry::prefer`).
        reg.plugins.sort_by_key(|p| !p.is_own());
        reg
    }

    /// Puts these plugins first, in this order, so that they handle every format they claim
    /// (`--plugin NAME`). An unknown name is an error listing the known ones.
    pub fn prefer(&mut self, names: &[String]) -> Result<(), String> {
        for name in names.iter().rev() {
            let Some(i) = self.plugins.iter().position(|p| p.name == *name) else {
                let known: Vec<&str> = self.plugins.iter().map(|p| p.name.as_str()).collect();
                return Err(format!("no plugin named `{name}`; the plugins found are: {}", known.join(", ")));
            };
            let p = self.plugins.remove(i);
            self.plugins.insert(0, p);
        }
        Ok(())
    }

    /// Formats or extensions claimed by more than one plugin, and which one is used.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out: Vec<Conflict> = Vec::new();
        for (write, verb) in [(false, "read"), (true, "write")] {
            let mut keys: Vec<String> = Vec::new();
            for p in &self.plugins {
                for f in p.formats.iter().filter(|f| if write { f.write } else { f.read }) {
                    for k in std::iter::once(f.name.to_lowercase()).chain(f.extensions.iter().map(|e| format!(".{e}")))
                    {
                        if !keys.contains(&k) {
                            keys.push(k);
                        }
                    }
                }
            }
            for k in keys {
                let claims = |f: &FormatInfo| {
                    (if write { f.write } else { f.read })
                        && (f.name.eq_ignore_ascii_case(&k)
                            || k.strip_prefix('.').is_some_and(|e| f.extensions.iter().any(|x| x == e)))
                };
                let plugins: Vec<String> =
                    self.plugins.iter().filter(|p| p.formats.iter().any(claims)).map(|p| p.name.clone()).collect();
                if plugins.len() < 2 {
                    continue;
                }
                match out.iter_mut().find(|c| c.plugins == plugins && c.verb == verb) {
                    Some(c) => c.what.push(k),
                    None => out.push(Conflict { verb, what: vec![k], plugins }),
                }
            }
        }
        out
    }
    /// The plugin and format that read files with this extension (without dot).
    pub fn reader_for_extension(&self, ext: &str) -> Option<(&Plugin, &FormatInfo)> {
        self.find(|f| f.read && f.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
    }

    pub fn writer_for_extension(&self, ext: &str) -> Option<(&Plugin, &FormatInfo)> {
        self.find(|f| f.write && f.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
    }

    /// The plugin that handles a format by name (`html`, `pdf`, …), or by one of its extensions.
    pub fn format(&self, name: &str) -> Option<(&Plugin, &FormatInfo)> {
        self.find(|f| f.name.eq_ignore_ascii_case(name))
            .or_else(|| self.find(|f| f.extensions.iter().any(|e| e.eq_ignore_ascii_case(name))))
    }

    /// Every (plugin, format) that reads, in search order.
    pub fn readers(&self) -> impl Iterator<Item = (&Plugin, &FormatInfo)> {
        self.plugins.iter().flat_map(|p| p.formats.iter().filter(|f| f.read).map(move |f| (p, f)))
    }

    /// Every (plugin, format) that writes, in search order.
    pub fn writers(&self) -> impl Iterator<Item = (&Plugin, &FormatInfo)> {
        self.plugins.iter().flat_map(|p| p.formats.iter().filter(|f| f.write).map(move |f| (p, f)))
    }

    /// Asks every plugin that can read whether it recognises the bytes.
    pub fn sniff(&self, bytes: &[u8]) -> Option<(&Plugin, &FormatInfo)> {
        self.plugins.iter().find_map(|p| {
            let name = p.sniff(bytes)?;
            p.format(&name).filter(|f| f.read).map(|f| (p, f))
        })
    }

    fn find(&self, pred: impl Fn(&FormatInfo) -> bool) -> Option<(&Plugin, &FormatInfo)> {
        self.plugins.iter().find_map(|p| p.formats.iter().find(|f| pred(f)).map(|f| (p, f)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_nianbao_libraries_are_picked_up_from_folders() {
        assert!(is_plugin_file_name("libnianbao_html.so"));
        assert!(is_plugin_file_name("nianbao_html.dll"));
        assert!(is_plugin_file_name("libnianbao_pdf.dylib"));
        assert!(!is_plugin_file_name("libnianbao_plugin.rlib"));
        assert!(!is_plugin_file_name("libfoo.so"));
        assert!(!is_plugin_file_name("libnianbao_html.so.d"));
    }

    #[test]
    fn a_file_that_is_not_a_library_is_a_problem_not_a_crash() {
        let dir = std::env::temp_dir().join(format!("nianbao-plugin-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bogus = dir.join("libnianbao_bogus.so");
        std::fs::write(&bogus, b"not an ELF file").unwrap();
        let reg = Registry::from_places(&[(dir.clone(), Origin::PluginPath)], None);
        assert!(reg.plugins.is_empty());
        assert_eq!(reg.problems.len(), 1);
        assert!(reg.problems[0].message.contains("cannot load library"), "{}", reg.problems[0]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
