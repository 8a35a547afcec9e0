//! nianbao format plugin for Word documents (DOCX, Office Open XML WordprocessingML).
//!
//! [`read`] turns a `.docx` into a Document: one block per printed paragraph (numbering labels
//! included, headers, footers and page-number fields left out), headings from heading styles or
//! from emphasis (bold or larger runs, a centred title), tables with the row and column spans of
//! `gridSpan`/`vMerge`, and the package's core and custom properties as `meta`.
//!
//! [`write`] expresses a Document as a DOCX typeset after GB/T 9704-2012 《党政机关公文格式》:
//! A4, the standard margins, 方正小标宋简体/黑体/楷体_GB2312/仿宋_GB2312 with East Asian font names,
//! a fixed 28.95 pt line pitch, full-bordered tables sized to fit the page with repeated header
//! rows, and `— 1 —` page numbers.
//!
//! Word 97–2003 `.doc` files are the doc plugin's; one given to this plugin is refused with a
//! message that says so.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

mod reader;
mod writer;

pub use reader::read;
pub use writer::write;

/// The plugin as the host sees it.
pub struct Plugin;

/// Start of every OLE compound file: a `.doc` under a `.docx` name, and a password-protected
/// `.docx`.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

impl FormatPlugin for Plugin {
    const NAME: &'static str = "docx";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("docx", "Word document (Office Open XML)")
            .extensions(&["docx"])
            .media_types(&["application/vnd.openxmlformats-officedocument.wordprocessingml.document"])
            .readable()
            .writable()]
    }

    fn options() -> Vec<PluginOption> {
        vec![
            PluginOption::new("max-cells", "the most cells a table (or sheet) may have")
                .default("100000")
                .for_reading(),
            PluginOption::new("max-cell-chars", "the most characters one cell may hold")
                .default("100000")
                .for_reading(),
            PluginOption::new(
                "max-inflated-mb",
                "the most megabytes the file's compressed parts may inflate to in all",
            )
            .default("256, and no more than 200 times the file's size")
            .for_reading(),
            PluginOption::new("max-part-mb", "the most megabytes one part of the package may inflate to")
                .default("256")
                .for_reading(),
            PluginOption::new("max-blocks", "the most paragraphs and table cells the whole document may make")
                .default("500000")
                .for_reading(),
        ]
    }

    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        let is_zip = bytes.starts_with(b"PK\x03\x04");
        (is_zip && contains(bytes, b"word/")).then_some("docx")
    }

    fn read(format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        match format {
            "docx" => read(bytes, options),
            other => Err(Error(format!("the docx plugin cannot read format {other:?}"))),
        }
    }

    fn write(format: &str, doc: &Document, options: &Options) -> Result<Vec<u8>, Error> {
        match format {
            "docx" => write(doc, options),
            other => Err(Error(format!("the docx plugin cannot write format {other:?}"))),
        }
    }
}

export_plugin!(Plugin);

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// Whether an OLE file names a stream `name`: directory entries hold names in UTF-16LE.
fn utf16_contains(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
    contains(bytes, &needle)
}
