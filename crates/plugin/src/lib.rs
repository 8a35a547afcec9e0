//! The nianbao format-plugin API: the trait and macro a plugin author uses, the raw ABI they
//! export ([`abi`]), a few helpers to test a plugin ([`testing`]), and (with the `host`
//! feature) the loader the host uses to find and call plugins.
//!
//! A plugin is a `cdylib` exporting one C symbol, [`DECLARATION_SYMBOL`], that returns a
//! pointer to a static [`abi::Declaration`]: its name and version, its formats and its options.
//! Data crosses the boundary as bytes only: input file bytes in, a [`Document`] as JSON out
//! (and the reverse for writing). Each side frees only what it allocated: buffers a plugin
//! returns are released by calling its own `free`. Panics never cross: the exported functions
//! catch them and return them as errors.
//!
//! Writing a plugin (the whole of `plugins/csv` is one, tested in CI):
//!
//! ```ignore
//! use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};
//!
//! struct Csv;
//! impl FormatPlugin for Csv {
//!     const NAME: &'static str = "csv";
//!     const VERSION: &'static str = env!("CARGO_PKG_VERSION");
//!     fn formats() -> Vec<Format> {
//!         vec![Format::new("csv", "Comma-separated values").extensions(&["csv"]).media_types(&["text/csv"])
//!             .readable().writable()]
//!     }
//!     fn options() -> Vec<PluginOption> {
//!         vec![PluginOption::new("delimiter", "the field separator").default(",").for_reading().for_writing()]
//!     }
//!     fn read(_format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> { todo!() }
//!     fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> { todo!() }
//! }
//! export_plugin!(Csv);
//! ```
//!
//! A writer that has something to tell the user (a character no font has) calls [`note`]; it
//! never prints: the host decides what the user sees (`--quiet`), and a library caller gets the
//! notes with the bytes.

use std::collections::BTreeMap;
use std::ffi::{c_char, CStr, CString};
use std::fmt;

pub use nianbao_document::{self as document, Align, Block, Cell, Document, Prop, Table};

pub mod abi;
pub mod testing;

use abi::*;
pub use abi::{ABI_VERSION, DECLARATION_SYMBOL};

#[cfg(feature = "host")]
mod host;
#[cfg(feature = "host")]
pub use host::*;

/// Options passed to a reader or writer: `key=value` pairs from the command line (e.g.
/// `font=/path/to/font.ttf`). A plugin declares the keys it understands in
/// [`FormatPlugin::options`]; the host refuses any other key before calling it, except the
/// host's own ([`HOST_OPTIONS`]).
pub type Options = BTreeMap<String, String>;

/// Set by the host for every reader when the user asks what was read (`nianbao inspect`):
/// `inspect=true`. A reader may then add what it noticed to the Document's notes.
pub const INSPECT: &str = "inspect";

/// Options the host sets itself, which every plugin may receive without declaring them:
/// (name, meaning).
pub const HOST_OPTIONS: &[(&str, &str)] =
    &[(INSPECT, "set to true by `nianbao inspect`: readers add what they noticed to the document's notes")];

/// A reader's or writer's failure, in words a user can act on ("not a ZIP archive", "the PDF
/// has no text layer"). The host prefixes it with the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    pub fn new(msg: impl Into<String>) -> Error {
        Error(msg.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Error {
        Error(s)
    }
}

impl From<&str> for Error {
    fn from(s: &str) -> Error {
        Error(s.to_string())
    }
}

/// A format as a plugin author declares it.
#[derive(Debug, Clone)]
pub struct Format {
    pub name: &'static str,
    pub description: &'static str,
    pub extensions: &'static [&'static str],
    /// The first one decides whether the format is text (`text/*`) or binary: the host does
    /// not write binary output to a terminal.
    pub media_types: &'static [&'static str],
    pub read: bool,
    pub write: bool,
    /// See [`abi::WANTS_DATA`].
    pub data: bool,
}

impl Format {
    pub fn new(name: &'static str, description: &'static str) -> Format {
        Format { name, description, extensions: &[], media_types: &[], read: false, write: false, data: false }
    }
    pub fn extensions(mut self, e: &'static [&'static str]) -> Format {
        self.extensions = e;
        self
    }
    pub fn media_types(mut self, m: &'static [&'static str]) -> Format {
        self.media_types = m;
        self
    }
    pub fn readable(mut self) -> Format {
        self.read = true;
        self
    }
    pub fn writable(mut self) -> Format {
        self.write = true;
        self
    }
    /// Marks a data format: see [`abi::WANTS_DATA`].
    pub fn data(mut self) -> Format {
        self.data = true;
        self
    }
}

/// An option (`-O name=value`) a plugin understands, as its author declares it. The host lists
/// it in `nianbao plugins` and refuses keys no plugin in a conversion declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginOption {
    pub name: &'static str,
    /// What it does, in a line.
    pub description: &'static str,
    /// What applies when it is not given, in words; empty if nothing needs saying.
    pub default: &'static str,
    pub read: bool,
    pub write: bool,
}

impl PluginOption {
    pub fn new(name: &'static str, description: &'static str) -> PluginOption {
        PluginOption { name, description, default: "", read: false, write: false }
    }
    pub fn default(mut self, default: &'static str) -> PluginOption {
        self.default = default;
        self
    }
    /// The reader uses it.
    pub fn for_reading(mut self) -> PluginOption {
        self.read = true;
        self
    }
    /// The writer uses it.
    pub fn for_writing(mut self) -> PluginOption {
        self.write = true;
        self
    }
}

/// What a writer made: the file's bytes, and what the user should know about them (a
/// character no font has, a table cut to fit). Returned by the host's `Plugin::write` and by
/// [`testing::write`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub notes: Vec<String>,
}

/// At most this many notes are kept per call: a writer noting in a loop must not grow memory.
const MAX_NOTES: usize = 200;

thread_local! {
    static NOTES: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Tells the user something about the file being read or written, instead of printing it. The
/// host shows it as `note: …` (or not, with `--quiet`); for a read, it joins the Document's
/// notes.
pub fn note(text: impl Into<String>) {
    NOTES.with(|n| {
        let mut n = n.borrow_mut();
        if n.len() < MAX_NOTES {
            n.push(text.into());
        }
    });
}

/// The notes made on this thread since the last call, oldest first.
fn take_notes() -> Vec<String> {
    NOTES.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

/// The one trait a plugin author implements. `read` and `write` are called with one of the
/// format names from `formats()` that is readable or writable; they must not panic on bad input
/// (a panic is caught and reported, but a clear error is better) and must stay bounded in time
/// and memory. A plugin that only reads (or only writes) leaves the other one out.
pub trait FormatPlugin {
    const NAME: &'static str;
    const VERSION: &'static str;
    fn formats() -> Vec<Format>;
    /// The options its reader and writer understand.
    fn options() -> Vec<PluginOption> {
        Vec::new()
    }
    /// The name of the format that `bytes` (the start of a file, or all of it) look like.
    fn sniff(_bytes: &[u8]) -> Option<&'static str> {
        None
    }
    fn read(format: &str, _bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        Err(Error(format!("cannot read {format}: the {} plugin does not read it", Self::NAME)))
    }
    /// The file's bytes; what the user should know about them goes to [`note`].
    fn write(format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Err(Error(format!("cannot write {format}: the {} plugin does not write it", Self::NAME)))
    }
}

/// Exports a [`FormatPlugin`] implementation as the plugin's C symbol. Use once per cdylib.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[no_mangle]
        pub extern "C" fn nianbao_plugin_declaration() -> *const $crate::abi::Declaration {
            static DECL: ::std::sync::OnceLock<$crate::__private::Static> = ::std::sync::OnceLock::new();
            DECL.get_or_init(|| {
                $crate::__private::declare::<$plugin>(
                    __nianbao_sniff,
                    __nianbao_read,
                    __nianbao_write,
                    $crate::__private::free,
                )
            })
            .declaration()
        }

        unsafe extern "C" fn __nianbao_sniff(data: *const u8, len: usize) -> *const ::std::ffi::c_char {
            let decl = nianbao_plugin_declaration();
            $crate::__private::sniff::<$plugin>(decl, data, len)
        }

        unsafe extern "C" fn __nianbao_read(
            format: *const ::std::ffi::c_char,
            data: *const u8,
            len: usize,
            options: *const u8,
            options_len: usize,
            out: *mut $crate::abi::RawBuf,
        ) -> i32 {
            $crate::__private::read::<$plugin>(format, data, len, options, options_len, out)
        }

        unsafe extern "C" fn __nianbao_write(
            format: *const ::std::ffi::c_char,
            data: *const u8,
            len: usize,
            options: *const u8,
            options_len: usize,
            out: *mut $crate::abi::RawBuf,
            notes: *mut $crate::abi::RawBuf,
        ) -> i32 {
            $crate::__private::write::<$plugin>(format, data, len, options, options_len, out, notes)
        }
    };
}

/// Support for `export_plugin!`; not part of the public API.
#[doc(hidden)]
pub mod __private {
    use super::*;
    use std::cell::RefCell;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::Once;

    /// The declaration and the strings it points into, kept alive for the life of the library.
    pub struct Static {
        decl: Declaration,
        _strings: Vec<CString>,
        _formats: Vec<RawFormat>,
        _options: Vec<RawOption>,
    }

    // The raw pointers point into data owned by the same `Static`, never mutated after
    // construction.
    unsafe impl Send for Static {}
    unsafe impl Sync for Static {}

    impl Static {
        pub fn declaration(&self) -> *const Declaration {
            &self.decl
        }
    }

    pub fn declare<P: FormatPlugin>(sniff: SniffFn, read: ReadFn, write: WriteFn, free: FreeFn) -> Static {
        let mut strings = Vec::new();
        let mut keep = |s: &str| {
            let c = CString::new(s.replace('\0', "")).expect("NUL removed");
            let p = c.as_ptr();
            strings.push(c);
            p
        };
        let name = keep(P::NAME);
        let version = keep(P::VERSION);
        let mut formats = Vec::new();
        for f in P::formats() {
            formats.push(RawFormat {
                name: keep(f.name),
                description: keep(f.description),
                extensions: keep(&f.extensions.join(",")),
                media_types: keep(&f.media_types.join(",")),
                capabilities: (if f.read { CAN_READ } else { 0 })
                    | (if f.write { CAN_WRITE } else { 0 })
                    | (if f.data { WANTS_DATA } else { 0 }),
            });
        }
        let mut options = Vec::new();
        for o in P::options() {
            options.push(RawOption {
                name: keep(o.name),
                description: keep(o.description),
                default: keep(o.default),
                scope: (if o.read { FOR_READING } else { 0 }) | (if o.write { FOR_WRITING } else { 0 }),
            });
        }
        let decl = Declaration {
            abi_version: ABI_VERSION,
            name,
            version,
            formats: formats.as_ptr(),
            formats_len: formats.len(),
            options: options.as_ptr(),
            options_len: options.len(),
            sniff,
            read,
            write,
            free,
        };
        Static { decl, _strings: strings, _formats: formats, _options: options }
    }

    thread_local! {
        static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// Routes this library's panic messages to the error returned to the host instead of
    /// stderr. The hook belongs to the plugin's own copy of std, so the host's is untouched.
    fn quiet_panics() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            std::panic::set_hook(Box::new(|info| {
                let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                    s.to_string()
                } else if let Some(s) = info.payload().downcast_ref::<String>() {
                    s.clone()
                } else {
                    "unknown panic".to_string()
                };
                let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
                LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
            }));
        });
    }

    /// Runs a read or write with panics contained and the notes it made collected; writes the
    /// result (or the message) to `out`. In a plugin library the panic hook is replaced, so that
    /// the message goes to the host and not to stderr; in a test (`testing`) it is left alone,
    /// or it would swallow the test's own failures.
    fn guarded(out: *mut RawBuf, hook: bool, f: impl FnOnce() -> Result<Vec<u8>, Error>) -> (i32, Vec<String>) {
        if hook {
            quiet_panics();
        }
        take_notes();
        let (status, bytes) = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(bytes)) => (STATUS_OK, bytes),
            Ok(Err(e)) => (STATUS_ERROR, e.0.into_bytes()),
            Err(payload) => {
                let said = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned());
                let msg = LAST_PANIC.with(|p| p.borrow_mut().take()).or(said).unwrap_or_else(|| "unknown panic".into());
                (STATUS_PANIC, msg.into_bytes())
            }
        };
        if !out.is_null() {
            unsafe { out.write(RawBuf::from_vec(bytes)) };
        }
        (status, take_notes())
    }

    unsafe fn slice<'a>(data: *const u8, len: usize) -> &'a [u8] {
        if data.is_null() || len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data, len)
        }
    }

    unsafe fn args(format: *const c_char, options: *const u8, options_len: usize) -> Result<(String, Options), Error> {
        if format.is_null() {
            return Err("no format given".into());
        }
        let format = CStr::from_ptr(format).to_string_lossy().into_owned();
        let opts = slice(options, options_len);
        let options = if opts.is_empty() {
            Options::new()
        } else {
            serde_json::from_slice(opts).map_err(|e| Error(format!("bad options from host: {e}")))?
        };
        Ok((format, options))
    }

    pub unsafe fn sniff<P: FormatPlugin>(decl: *const Declaration, data: *const u8, len: usize) -> *const c_char {
        quiet_panics();
        let bytes = slice(data, len);
        let found = catch_unwind(AssertUnwindSafe(|| P::sniff(bytes))).ok().flatten();
        let Some(found) = found else { return std::ptr::null() };
        // Answer with the declaration's own string so the pointer outlives the call.
        let decl = &*decl;
        let formats = std::slice::from_raw_parts(decl.formats, decl.formats_len);
        formats
            .iter()
            .find(|f| CStr::from_ptr(f.name).to_bytes() == found.as_bytes())
            .map_or(std::ptr::null(), |f| f.name)
    }

    pub unsafe fn read<P: FormatPlugin>(
        format: *const c_char,
        data: *const u8,
        len: usize,
        options: *const u8,
        options_len: usize,
        out: *mut RawBuf,
    ) -> i32 {
        read_with::<P>(true, format, data, len, options, options_len, out)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) unsafe fn read_with<P: FormatPlugin>(
        hook: bool,
        format: *const c_char,
        data: *const u8,
        len: usize,
        options: *const u8,
        options_len: usize,
        out: *mut RawBuf,
    ) -> i32 {
        let bytes = slice(data, len);
        guarded(out, hook, || {
            let (format, options) = args(format, options, options_len)?;
            let mut doc = P::read(&format, bytes, &options)?;
            doc.notes.extend(take_notes());
            serde_json::to_vec(&doc).map_err(|e| Error(format!("cannot encode document: {e}")))
        })
        .0
    }

    #[allow(clippy::too_many_arguments)]
    pub unsafe fn write<P: FormatPlugin>(
        format: *const c_char,
        data: *const u8,
        len: usize,
        options: *const u8,
        options_len: usize,
        out: *mut RawBuf,
        notes: *mut RawBuf,
    ) -> i32 {
        write_with::<P>(true, format, data, len, options, options_len, out, notes)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) unsafe fn write_with<P: FormatPlugin>(
        hook: bool,
        format: *const c_char,
        data: *const u8,
        len: usize,
        options: *const u8,
        options_len: usize,
        out: *mut RawBuf,
        notes: *mut RawBuf,
    ) -> i32 {
        let bytes = slice(data, len);
        let (status, made) = guarded(out, hook, || {
            let (format, options) = args(format, options, options_len)?;
            let doc: Document =
                serde_json::from_slice(bytes).map_err(|e| Error(format!("bad document from host: {e}")))?;
            P::write(&format, &doc, &options)
        });
        if !notes.is_null() {
            let encoded = if made.is_empty() { Vec::new() } else { serde_json::to_vec(&made).unwrap_or_default() };
            unsafe { notes.write(RawBuf::from_vec(encoded)) };
        }
        status
    }

    pub unsafe extern "C" fn free(buf: RawBuf) {
        drop(buf.into_vec());
    }
}
