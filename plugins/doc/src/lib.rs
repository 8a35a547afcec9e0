//! nianbao format plugin for Word 97-2003 binary documents (`.doc`) and WPS Writer documents
//! (`.wps`, the same format).
//!
//! [`read`] opens the compound file, finds the text through the FIB and the piece table, and
//! turns the main document's paragraphs and tables into a Document: tables come from the cell
//! and row marks and the paragraph properties that say so (in-table, row end, nesting depth),
//! their columns and merged cells from the row properties (TAP: cell boundaries, vertical and
//! horizontal merges); fields keep their displayed result; headers, footers, notes and text
//! boxes, which the text stores after the main document, are left out. The bytes decide: a
//! `.doc` that is really RTF, DOCX or a web page gets an error that says so and how to read it.
//! Reading only: the docx plugin writes Word documents.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

mod reader;

pub use reader::read;

/// The plugin as the host sees it.
pub struct Plugin;

/// Start of every compound file (OLE2).
pub const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl FormatPlugin for Plugin {
    const NAME: &'static str = "doc";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![
            Format::new("doc", "Word 97-2003 document")
                .extensions(&["doc", "dot"])
                .media_types(&["application/msword"])
                .readable(),
            Format::new("wps", "WPS Writer document (the Word 97-2003 format)")
                .extensions(&["wps", "wpt"])
                .media_types(&["application/vnd.ms-works", "application/kswps"])
                .readable(),
        ]
    }

    fn options() -> Vec<PluginOption> {
        vec![
            PluginOption::new("max-cells", "the most cells a table may have").default("100000").for_reading(),
            PluginOption::new("max-cell-chars", "the most characters one cell may hold")
                .default("100000")
                .for_reading(),
            PluginOption::new("max-blocks", "the most paragraphs and table cells the whole document may make")
                .default("500000")
                .for_reading(),
            PluginOption::new("max-chars", "the most characters the document's text may declare")
                .default("50000000")
                .for_reading(),
        ]
    }

    /// Word 97 compound files only: the magic and a `WordDocument` stream in the directory.
    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        (bytes.starts_with(&CFB_MAGIC) && utf16_contains(bytes, "WordDocument")).then_some("doc")
    }

    fn read(format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        match format {
            "doc" | "wps" => read(bytes, options),
            other => Err(Error(format!("the doc plugin cannot read format {other:?}"))),
        }
    }

    fn write(format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Err(Error(format!("the doc plugin reads only; cannot write {format:?} (write docx instead)")))
    }
}

export_plugin!(Plugin);

/// Whether a compound file names a stream `name`: directory entries hold names in UTF-16LE.
fn utf16_contains(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle)
}
