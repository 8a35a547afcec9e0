//! Plain text: reports as copied from web pages (one paragraph per line, tables as `|`- or
//! tab-separated rows or one cell per line) or taken from PDFs (hard-wrapped, tables set in
//! columns), and the official layout written back as Markdown-style text with pipe tables.

mod read;
mod write;

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

pub struct Text;

impl FormatPlugin for Text {
    const NAME: &'static str = "text";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("text", "Plain text, UTF-8 or GB18030; Markdown-style pipe tables")
            .extensions(&["txt", "text", "md"])
            .media_types(&["text/plain", "text/markdown"])
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
            PluginOption::new("max-blocks", "the most paragraphs and table cells the whole document may make")
                .default("500000")
                .for_reading(),
        ]
    }

    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        read::looks_like_text(bytes).then_some("text")
    }

    fn read(_format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        read::read(bytes, options)
    }

    fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Ok(write::write(doc).into_bytes())
    }
}

/// Reads text into a Document (what the plugin's `read` does, for use as a library).
pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    read::read(bytes, options)
}

export_plugin!(Text);
