//! The host side: finding plugin libraries, checking their ABI, and calling them safely.

use super::*;
use std::path::{Path, PathBuf};

/// Where a plugin was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The folder of the running `nianbao` binary.
    BesideBinary,
    /// An entry of `NIANBAO_PLUGIN_PATH`.
    PluginPath,
    /// The per-user plugin folder.
    User,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::BesideBinary => "beside the binary",
            Origin::PluginPath => "NIANBAO_PLUGIN_PATH",
            Origin::User => "user folder",
        })
    }
}

/// A format as a loaded plugin declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A loaded plugin library.
pub struct Plugin {
    pub name: String,
    pub version: String,
    pub formats: Vec<FormatInfo>,
    pub path: PathBuf,
    pub origin: Origin,
    decl: *const Declaration,
    // Declared last so that it is dropped last: `decl` points into it.
    _lib: libloading::Library,
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

impl Plugin {
    /// Loads a plugin library and checks its declaration.
    ///
    /// # Safety
    /// Loading runs the library's initialisers: plugins are native code, trusted as much as the
    /// `nianbao` binary itself.
    pub unsafe fn load(path: &Path, origin: Origin) -> Result<Plugin, LoadError> {
        let err = |message: String| LoadError { path: path.to_path_buf(), message };
        let lib = libloading::Library::new(path).map_err(|e| err(format!("cannot load library: {e}")))?;
        let decl: *const Declaration = {
            let sym: libloading::Symbol<unsafe extern "C" fn() -> *const Declaration> = lib
                .get(DECLARATION_SYMBOL.as_bytes())
                .map_err(|_| err(format!("not a nianbao plugin (no `{DECLARATION_SYMBOL}` symbol)")))?;
            sym()
        };
        if decl.is_null() {
            return Err(err("plugin returned no declaration".into()));
        }
        // Only the first three fields are stable across ABI versions; read nothing else before
        // the version matches.
        let abi = (*decl).abi_version;
        let name = text((*decl).name);
        let version = text((*decl).version);
        if abi != ABI_VERSION {
            return Err(err(format!(
                "plugin `{name}` {version} was built for plugin ABI version {abi}, but this nianbao \
                 uses ABI version {ABI_VERSION}; rebuild the plugin against this nianbao's nianbao-plugin crate"
            )));
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
        Ok(Plugin { name, version, formats, path: path.to_path_buf(), origin, decl, _lib: lib })
    }

    fn decl(&self) -> &Declaration {
        // Valid while `_lib` is loaded, which is as long as `self` lives.
        unsafe { &*self.decl }
    }

    /// The format the bytes look like, if this plugin recognises them.
    pub fn sniff(&self, bytes: &[u8]) -> Option<String> {
        let p = unsafe { (self.decl().sniff)(bytes.as_ptr(), bytes.len()) };
        if p.is_null() {
            None
        } else {
            Some(unsafe { text(p) })
        }
    }

    fn call(&self, f: ReadFn, format: &str, input: &[u8], options: &Options) -> Result<Vec<u8>, CallError> {
        let format = CString::new(format).map_err(|_| CallError::Failed("format name contains NUL".into()))?;
        let opts = serde_json::to_vec(options).expect("string map encodes");
        let mut out = RawBuf::EMPTY;
        let status = unsafe { f(format.as_ptr(), input.as_ptr(), input.len(), opts.as_ptr(), opts.len(), &mut out) };
        // Copy out, then hand the plugin's allocation back to the plugin.
        let bytes = if out.ptr.is_null() { Vec::new() } else { unsafe { std::slice::from_raw_parts(out.ptr, out.len) }.to_vec() };
        unsafe { (self.decl().free)(out) };
        match status {
            STATUS_OK => Ok(bytes),
            STATUS_PANIC => Err(CallError::Panicked(String::from_utf8_lossy(&bytes).into_owned())),
            _ => Err(CallError::Failed(String::from_utf8_lossy(&bytes).into_owned())),
        }
    }

    /// Reads file bytes of `format` into a Document.
    pub fn read(&self, format: &str, input: &[u8], options: &Options) -> Result<Document, CallError> {
        let json = self.call(self.decl().read, format, input, options)?;
        serde_json::from_slice(&json)
            .map_err(|e| CallError::Failed(format!("plugin `{}` returned a malformed document: {e}", self.name)))
    }

    /// Writes a Document in `format`.
    pub fn write(&self, format: &str, doc: &Document, options: &Options) -> Result<Vec<u8>, CallError> {
        let json = serde_json::to_vec(doc).expect("documents encode");
        self.call(self.decl().write, format, &json, options)
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

/// File names a plugin library may have in a searched folder: `libnianbao_*.so` (Linux),
/// `libnianbao_*.dylib` (macOS), `nianbao_*.dll` (Windows). Files named directly in
/// `NIANBAO_PLUGIN_PATH` are loaded whatever their name.
pub fn is_plugin_file_name(name: &str) -> bool {
    let stem = name.strip_prefix("lib").unwrap_or(name);
    stem.starts_with("nianbao_")
        && [".so", ".dylib", ".dll"].iter().any(|ext| stem.ends_with(ext))
}

/// The per-user plugin folder: `$XDG_DATA_HOME/nianbao/plugins` (usually
/// `~/.local/share/nianbao/plugins`) on Linux, `~/Library/Application Support/nianbao/plugins`
/// on macOS, `%APPDATA%\nianbao\plugins` on Windows.
pub fn user_plugin_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("nianbao").join("plugins"))
}

/// The places searched, in order: the binary's folder, each entry of `NIANBAO_PLUGIN_PATH`,
/// the user folder. The current directory is never searched unless named explicitly.
pub fn search_path() -> Vec<(PathBuf, Origin)> {
    let mut out = Vec::new();
    if let Some(dir) = std::env::current_exe().ok().and_then(|e| e.canonicalize().ok()).and_then(|e| e.parent().map(Path::to_path_buf)) {
        out.push((dir, Origin::BesideBinary));
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
    /// Loads every plugin on the search path. Libraries that fail to load are recorded in
    /// `problems`; the rest stay usable.
    pub fn discover() -> Registry {
        Registry::from_places(&search_path())
    }

    pub fn from_places(places: &[(PathBuf, Origin)]) -> Registry {
        let mut reg = Registry::default();
        for (place, origin) in places {
            let files: Vec<PathBuf> = if place.is_file() {
                vec![place.clone()]
            } else if let Ok(rd) = std::fs::read_dir(place) {
                let mut v: Vec<PathBuf> = rd
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(is_plugin_file_name))
                    .collect();
                v.sort();
                v
            } else {
                continue;
            };
            for file in files {
                let canonical = file.canonicalize().unwrap_or_else(|_| file.clone());
                if reg.plugins.iter().any(|p| p.path == canonical) {
                    continue;
                }
                match unsafe { Plugin::load(&canonical, *origin) } {
                    Ok(p) => {
                        if reg.plugins.iter().any(|q| q.name == p.name) {
                            reg.shadowed.push((p.name.clone(), p.path.clone()));
                        } else {
                            reg.plugins.push(p);
                        }
                    }
                    Err(e) => reg.problems.push(e),
                }
            }
        }
        reg
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
        let reg = Registry::from_places(&[(dir.clone(), Origin::PluginPath)]);
        assert!(reg.plugins.is_empty());
        assert_eq!(reg.problems.len(), 1);
        assert!(reg.problems[0].message.contains("cannot load library"), "{}", reg.problems[0]);
        std::fs::remove_dir_all(&dir).ok();
    }
}
