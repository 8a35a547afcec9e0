//! The nianbao format plugin for web pages (HTML).
//!
//! Reading turns a report as published on a government site — site header, breadcrumb,
//! metadata box, the article with its tables, tool links, footer — into a Document of the
//! article alone: headings, paragraphs, tables with their row and column spans, image
//! placeholders, and the page's metadata (its `<title>` and `<meta>` values, and the label/value
//! pairs of its metadata box) as properties. It copes with GBK pages, Word-pasted markup and
//! layout tables. Writing gives one standalone HTML5 page that prints on A4.
//!
//! The plugin knows HTML and web-site furniture, not reports: recognising the report in the
//! Document is the host's job.

mod read;
mod write;

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

pub struct Html;

impl FormatPlugin for Html {
    const NAME: &'static str = "html";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("html", "Web page (HTML), in any encoding a Chinese site serves")
            .extensions(&["html", "htm", "xhtml", "shtml"])
            .media_types(&["text/html", "application/xhtml+xml"])
            .readable()
            .writable()]
    }

    fn options() -> Vec<PluginOption> {
        vec![
            PluginOption::new("max-cells", "the most cells a table (or sheet) may have")
                .default("100000")
                .for_reading(),
            PluginOption::new("partial", "true: read a truncated page as far as it goes instead of refusing it")
                .default("false")
                .for_reading(),
        ]
    }

    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        read::looks_like_html(bytes).then_some("html")
    }

    fn read(_format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        read::read(bytes, options)
    }

    fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Ok(write::write(doc).into_bytes())
    }
}

/// Reads a web page into a Document (what the plugin's `read` does, for use as a library).
pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    read::read(bytes, options)
}

/// Writes a Document as a standalone HTML5 page.
pub fn write(doc: &Document) -> String {
    write::write(doc)
}

export_plugin!(Html);
