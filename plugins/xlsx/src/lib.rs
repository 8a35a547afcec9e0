//! nianbao format plugin for spreadsheets: reads xlsx, xlsm, xls (and WPS .et) and ods workbooks into a
//! Document (a heading per sheet, its blocks of cells as tables with the merged regions as
//! spans, lone text cells as paragraphs) and writes a Document as an xlsx workbook (a sheet per
//! table with merged headers, borders and numbers as numbers, and a sheet for the text).
//!
//! Reading is built on calamine, writing on rust_xlsxwriter. The plugin knows spreadsheets,
//! not reports: which sheet holds which table is for the host to recognize.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options, PluginOption};

mod read;
mod write;

pub use read::read;
pub use write::{write, DEFAULT_TEXT_SHEET};

pub struct Plugin;

impl FormatPlugin for Plugin {
    const NAME: &'static str = "xlsx";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![
            Format::new("xlsx", "Excel workbook (Office Open XML)")
                .extensions(&["xlsx"])
                .media_types(&["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
                .readable()
                .writable()
                .data(),
            Format::new("xlsm", "Excel macro-enabled workbook (macros are ignored)")
                .extensions(&["xlsm"])
                .media_types(&["application/vnd.ms-excel.sheet.macroEnabled.12"])
                .readable(),
            Format::new("xls", "Excel 97-2003 workbook")
                .extensions(&["xls"])
                .media_types(&["application/vnd.ms-excel"])
                .readable(),
            // WPS Spreadsheets saves its own .et (and templates .ett) as Excel 97-2003 workbooks.
            Format::new("et", "WPS spreadsheet (the Excel 97-2003 format)")
                .extensions(&["et", "ett"])
                .media_types(&["application/kset"])
                .readable(),
            Format::new("ods", "OpenDocument spreadsheet")
                .extensions(&["ods"])
                .media_types(&["application/vnd.oasis.opendocument.spreadsheet"])
                .readable(),
        ]
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
                .default("64")
                .for_reading(),
            PluginOption::new("text_sheet", "the name of the sheet that holds the text")
                .default("报告信息")
                .for_writing(),
        ]
    }

    fn sniff(bytes: &[u8]) -> Option<&'static str> {
        read::sniff(bytes)
    }

    fn read(_format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        // The bytes decide the reader, not the name: `.xls` files that are really xlsx (and
        // the reverse) are common in the wild.
        read::read(bytes, options)
    }

    fn write(format: &str, doc: &Document, options: &Options) -> Result<Vec<u8>, Error> {
        match format {
            "xlsx" => write::write(doc, options),
            other => Err(Error::new(format!("cannot write {other}: this plugin writes xlsx only"))),
        }
    }
}

export_plugin!(Plugin);
