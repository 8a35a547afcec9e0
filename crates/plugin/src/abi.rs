//! The raw binary interface between the host and a plugin library: `#[repr(C)]` types, function
//! pointer types and constants. Plugin authors never touch these (the trait and
//! `export_plugin!` do); they are public so that the host, and plugins written in other
//! languages, can speak the same interface.
//!
//! Version 2 adds a plugin's options (`Declaration::options`) and a write's notes (the last
//! argument of [`WriteFn`]).

use std::ffi::c_char;

/// The version of the binary interface below. A host refuses plugins of any other version.
pub const ABI_VERSION: u32 = 2;

/// The one symbol a plugin exports: `extern "C" fn() -> *const Declaration`.
pub const DECLARATION_SYMBOL: &str = "nianbao_plugin_declaration";

/// `RawFormat::capabilities` bits.
pub const CAN_READ: u32 = 1;
pub const CAN_WRITE: u32 = 2;
/// A data format (a spreadsheet): besides the document's layout, its writer wants the content
/// as plain data too, one value per row, for analysis.
pub const WANTS_DATA: u32 = 4;

/// `RawOption::scope` bits: whether the plugin's reader, writer or both use an option.
pub const FOR_READING: u32 = 1;
pub const FOR_WRITING: u32 = 2;

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
    /// Comma-separated media types. A format whose first media type is `text/*` is text; any
    /// other is binary, and the host does not write it to a terminal.
    pub media_types: *const c_char,
    pub capabilities: u32,
}

/// One option (`-O name=value`) a plugin understands.
#[repr(C)]
pub struct RawOption {
    pub name: *const c_char,
    /// What it does, in a line.
    pub description: *const c_char,
    /// What applies when it is not given, in words (`"1000000"`, `"the built-in font"`);
    /// empty when there is nothing to say.
    pub default: *const c_char,
    /// [`FOR_READING`] | [`FOR_WRITING`].
    pub scope: u32,
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
/// Like [`ReadFn`], and `notes` receives what the writer wants the user to know, as a JSON
/// array of strings (empty buffer: none).
pub type WriteFn = unsafe extern "C" fn(
    format: *const c_char,
    data: *const u8,
    len: usize,
    options: *const u8,
    options_len: usize,
    out: *mut RawBuf,
    notes: *mut RawBuf,
) -> i32;
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
    pub options: *const RawOption,
    pub options_len: usize,
    /// Returns the name of the format the bytes look like, or null.
    pub sniff: SniffFn,
    /// Reads file bytes of `format`; on success `out` holds the Document as JSON.
    pub read: ReadFn,
    /// Writes a Document given as JSON in `format`; on success `out` holds the file bytes.
    pub write: WriteFn,
    pub free: FreeFn,
}
