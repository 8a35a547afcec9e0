//! Reads PDF reports into a Document (text lines, paragraphs and ruled tables from the content
//! streams) and writes a Document as a PDF with embedded, subset CJK fonts.

mod read;
mod write;

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

pub struct Pdf;

impl FormatPlugin for Pdf {
    const NAME: &'static str = "pdf";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("pdf", "Portable Document Format")
            .extensions(&["pdf"])
            .media_types(&["application/pdf"])
            .readable()
            .writable()]
    }

    fn options() -> Vec<PluginOption> {
        vec![
            PluginOption::new(
                "max-inflated-mb",
                "the most megabytes the file's compressed parts may inflate to in all",
            )
            .default("256, and no more than 200 times the file's size")
            .for_reading(),
            PluginOption::new("max-cells", "the most cells a table (or sheet) may have")
                .default("100000")
                .for_reading(),
            PluginOption::new(
                "font",
                "a TrueType/OpenType font (or collection) to set the text in; the built-in font serves what it lacks",
            )
            .default("the built-in AR PL SungtiL GB (GB2312)")
            .for_writing(),
        ]
    }

    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        bytes.windows(5).take(1024).any(|w| w == b"%PDF-").then_some("pdf")
    }

    fn read(_format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        read::read(bytes, options)
    }

    fn write(_format: &str, doc: &Document, options: &Options) -> Result<Vec<u8>, Error> {
        write::write(doc, options)
    }
}

export_plugin!(Pdf);
