//! The nianbao format-plugin ABI: what a plugin exports, the trait and macro a plugin author
//! uses, and (with the `host` feature) the loader the host uses to find and call plugins.
//!
//! A plugin is a `cdylib` exporting one C symbol, [`DECLARATION_SYMBOL`], that returns a
//! pointer to a static [`Declaration`]. Data crosses the boundary as bytes only: input file
//! bytes in, a [`Document`] as JSON out (and the reverse for writing). Each side frees only
//! what it allocated: buffers a plugin returns are released by calling its own `free`.
//! Panics never cross: the exported functions catch them and return them as errors.
//!
//! Writing a plugin:
//!
//! ```ignore
//! use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};
//!
//! struct Csv;
//! impl FormatPlugin for Csv {
//!     const NAME: &'static str = "csv";
//!     const VERSION: &'static str = env!("CARGO_PKG_VERSION");
//!     fn formats() -> Vec<Format> {
//!         vec![Format::new("csv", "Comma-separated values").extensions(&["csv"]).media_types(&["text/csv"])
//!             .readable().writable()]
//!     }
//!     fn read(_format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> { todo!() }
//!     fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> { todo!() }
//! }
//! export_plugin!(Csv);
//! ```

use std::collections::BTreeMap;
use std::ffi::{c_char, CStr, CString};
use std::fmt;

pub use nianbao_document::{self as document, Align, Block, Cell, Document, Prop, Table};

#[cfg(feature = "host")]
mod host;
#[cfg(feature = "host")]
pub use host::*;

/// The version of the binary interface below. A host refuses plugins of any other version.
pub const ABI_VERSION: u32 = 1;

/// The one symbol a plugin exports: `extern "C" fn() -> *const Declaration`.
pub const DECLARATION_SYMBOL: &str = "nianbao_plugin_declaration";

/// `Declaration::formats[i].capabilities` bits.
pub const CAN_READ: u32 = 1;
pub const CAN_WRITE: u32 = 2;
/// A data format (a spreadsheet): besides the document's layout, its writer wants the content
/// as plain data too, one value per row, for analysis.
pub const WANTS_DATA: u32 = 4;

/// Status codes returned by `read` and `write`. On anything but `STATUS_OK` the output buffer
/// holds a UTF-8 message.
pub const STATUS_OK: i32 = 0;
pub const STATUS_ERROR: i32 = 1;
pub const STATUS_PANIC: i32 = 2;

/// A byte buffer allocated by the plugin and handed to the host, which must give it back to
/// the plugin's `free`.
#[repr(C)]
pub struct RawBuf {
    pub ptr: *mut u8,
    pub len: usize,
    pub cap: usize,
}

impl RawBuf {
    pub const EMPTY: RawBuf = RawBuf { ptr: std::ptr::null_mut(), len: 0, cap: 0 };

    pub fn from_vec(v: Vec<u8>) -> RawBuf {
        let mut v = std::mem::ManuallyDrop::new(v);
        RawBuf { ptr: v.as_mut_ptr(), len: v.len(), cap: v.capacity() }
    }

    /// # Safety
    /// `self` must come from [`RawBuf::from_vec`] in this same binary, and be used once.
    pub unsafe fn into_vec(self) -> Vec<u8> {
        if self.ptr.is_null() {
            return Vec::new();
        }
        Vec::from_raw_parts(self.ptr, self.len, self.cap)
    }
}

/// One format a plugin handles. Strings are NUL-terminated UTF-8 owned by the plugin.
#[repr(C)]
pub struct RawFormat {
    pub name: *const c_char,
    pub description: *const c_char,
    /// Comma-separated file extensions without dots, lower case.
    pub extensions: *const c_char,
    /// Comma-separated media types.
    pub media_types: *const c_char,
    pub capabilities: u32,
}

pub type SniffFn = unsafe extern "C" fn(data: *const u8, len: usize) -> *const c_char;
pub type ReadFn = unsafe extern "C" fn(
    format: *const c_char,
    data: *const u8,
    len: usize,
    options: *const u8,
    options_len: usize,
    out: *mut RawBuf,
) -> i32;
pub type WriteFn = ReadFn;
pub type FreeFn = unsafe extern "C" fn(buf: RawBuf);

/// What a plugin exports. The first three fields keep their place in every ABI version, so
/// that a host can read the version, and name the plugin, before refusing it.
#[repr(C)]
pub struct Declaration {
    pub abi_version: u32,
    pub name: *const c_char,
    pub version: *const c_char,
    pub formats: *const RawFormat,
    pub formats_len: usize,
    /// Returns the name of the format the bytes look like, or null.
    pub sniff: SniffFn,
    /// Reads file bytes of `format`; on success `out` holds the Document as JSON.
    pub read: ReadFn,
    /// Writes a Document given as JSON in `format`; on success `out` holds the file bytes.
    pub write: WriteFn,
    pub free: FreeFn,
}

/// Options passed to a reader or writer: `key=value` pairs from the command line (e.g.
/// `font=/path/to/font.ttf`, `inspect=true`). Unknown keys are ignored.
pub type Options = BTreeMap<String, String>;

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
    pub media_types: &'static [&'static str],
    pub read: bool,
    pub write: bool,
    /// See [`WANTS_DATA`].
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
    /// Marks a data format: see [`WANTS_DATA`].
    pub fn data(mut self) -> Format {
        self.data = true;
        self
    }
}

/// The one trait a plugin author implements. `read` and `write` are called with one of the
/// format names from `formats()`; they must not panic on bad input (a panic is caught and
/// reported, but a clear error is better) and must stay bounded in time and memory.
pub trait FormatPlugin {
    const NAME: &'static str;
    const VERSION: &'static str;
    fn formats() -> Vec<Format>;
    /// The name of the format that `bytes` (the start of a file, or all of it) look like.
    fn sniff(_bytes: &[u8]) -> Option<&'static str> {
        None
    }
    fn read(format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error>;
    fn write(format: &str, doc: &Document, options: &Options) -> Result<Vec<u8>, Error>;
}

/// Exports a [`FormatPlugin`] implementation as the plugin's C symbol. Use once per cdylib.
#[macro_export]
macro_rules! export_plugin {
    ($plugin:ty) => {
        #[no_mangle]
        pub extern "C" fn nianbao_plugin_declaration() -> *const $crate::Declaration {
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
            out: *mut $crate::RawBuf,
        ) -> i32 {
            $crate::__private::read::<$plugin>(format, data, len, options, options_len, out)
        }

        unsafe extern "C" fn __nianbao_write(
            format: *const ::std::ffi::c_char,
            data: *const u8,
            len: usize,
            options: *const u8,
            options_len: usize,
            out: *mut $crate::RawBuf,
        ) -> i32 {
            $crate::__private::write::<$plugin>(format, data, len, options, options_len, out)
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
            let fname = keep(f.name);
            formats.push(RawFormat {
                name: fname,
                description: keep(f.description),
                extensions: keep(&f.extensions.join(",")),
                media_types: keep(&f.media_types.join(",")),
                capabilities: (if f.read { CAN_READ } else { 0 })
                    | (if f.write { CAN_WRITE } else { 0 })
                    | (if f.data { WANTS_DATA } else { 0 }),
            });
        }
        let decl = Declaration {
            abi_version: ABI_VERSION,
            name,
            version,
            formats: formats.as_ptr(),
            formats_len: formats.len(),
            sniff,
            read,
            write,
            free,
        };
        Static { decl, _strings: strings, _formats: formats }
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

    fn guarded(out: *mut RawBuf, f: impl FnOnce() -> Result<Vec<u8>, Error>) -> i32 {
        quiet_panics();
        let (status, bytes) = match catch_unwind(AssertUnwindSafe(f)) {
            Ok(Ok(bytes)) => (STATUS_OK, bytes),
            Ok(Err(e)) => (STATUS_ERROR, e.0.into_bytes()),
            Err(_) => {
                let msg = LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "unknown panic".into());
                (STATUS_PANIC, msg.into_bytes())
            }
        };
        if !out.is_null() {
            unsafe { out.write(RawBuf::from_vec(bytes)) };
        }
        status
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
        let bytes = slice(data, len);
        guarded(out, || {
            let (format, options) = args(format, options, options_len)?;
            let doc = P::read(&format, bytes, &options)?;
            serde_json::to_vec(&doc).map_err(|e| Error(format!("cannot encode document: {e}")))
        })
    }

    pub unsafe fn write<P: FormatPlugin>(
        format: *const c_char,
        data: *const u8,
        len: usize,
        options: *const u8,
        options_len: usize,
        out: *mut RawBuf,
    ) -> i32 {
        let bytes = slice(data, len);
        guarded(out, || {
            let (format, options) = args(format, options, options_len)?;
            let doc: Document =
                serde_json::from_slice(bytes).map_err(|e| Error(format!("bad document from host: {e}")))?;
            P::write(&format, &doc, &options)
        })
    }

    pub unsafe extern "C" fn free(buf: RawBuf) {
        drop(buf.into_vec());
    }
}
