//! Reading a workbook (xlsx, xlsm, xls, ods) into a Document.
//!
//! Each sheet becomes a `Heading{level:2}` with its name, followed by its blocks of cells in
//! order: rows of cells separated by fully empty rows make one block; a block with two or more
//! used columns is a Table (merged regions become spans), lone text cells are Paragraphs. The
//! workbook's document properties become `Document.meta`.
//!
//! Every cell, paragraph and table says where it was: its sheet and, for cells and paragraphs,
//! the A1 reference of its cell (a merged region's top-left cell).
//!
//! Limits keep hostile files bounded (see [`limits`]): the package is inflated and checked
//! before calamine sees it (calamine trusts numbers in the XML it reads, see UPSTREAM.md), and
//! the sheets of xls and ods files (which calamine loads whole, as dense rectangles) are
//! measured first.

mod layout;
mod limits;
mod ods;
mod package;
mod xls;

use calamine::{Data, Dimensions, Ods, Reader, SheetType, SheetVisible, Style, WorkbookProperties, Xls, Xlsx};
use layout::SheetCell;
use limits::Limits;
use nianbao_plugin::document::{a1, Source};
use nianbao_plugin::{Block, Document, Error, Options, Prop};
use std::io::Cursor;

type Bytes<'a> = Cursor<&'a [u8]>;

/// The container a file's bytes are, whatever its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Xlsx,
    Xls,
    Ods,
}

/// Reads a workbook of any supported kind into a Document.
pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    // calamine trusts some record fields of damaged files (and panics on the arithmetic): that
    // is a corrupted file, said as such, not a crash.
    std::panic::catch_unwind(|| read_workbook(bytes, options)).unwrap_or_else(|panic| {
        let why =
            panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned());
        Err(Error::new(format!(
            "the workbook is corrupted: the spreadsheet parser failed ({})",
            why.unwrap_or_default()
        )))
    })
}

fn read_workbook(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let inspect = options.get("inspect").is_some_and(|v| matches!(v.as_str(), "true" | "1" | "yes"));
    let limits = Limits::new(options, bytes.len())?;
    let mut book = Book::open(bytes, &limits)?;
    let mut doc = Document { meta: meta(book.properties()?), ..Document::default() };
    let mut budget =
        Budget { limits, cells: limits.workbook_cells(), positions: limits.positions(), text: limits.inflated };
    for sheet in book.sheets() {
        if sheet.typ != SheetType::WorkSheet {
            continue;
        }
        if sheet.visible != SheetVisible::Visible {
            doc.notes.push(format!("sheet '{}' is hidden: skipped", sheet.name));
            continue;
        }
        let cells = book.cells(&sheet.name, &mut budget)?;
        let merges = book.merges(&sheet.name)?;
        let notes = inspect.then_some(&mut doc.notes);
        let blocks = layout::blocks(&sheet.name, cells, merges, &mut budget.positions, limits.cells, notes)?;
        if blocks.is_empty() {
            continue;
        }
        let source = Some(Source { sheet: Some(sheet.name.clone()), ..Source::default() });
        doc.blocks.push(Block::Heading { source, level: 2, text: sheet.name.clone() });
        doc.blocks.extend(blocks);
    }
    Ok(doc)
}

/// What is left of the limits while a workbook is read.
struct Budget {
    limits: Limits,
    cells: u64,
    positions: u64,
    /// Bytes of cell text.
    text: u64,
}

/// The name of the spreadsheet format `bytes` (the start of a file, or all of it) look like.
pub(crate) fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        // Zip entry names are stored in the clear: the first entries give the package away.
        if contains(bytes, b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet") {
            Some("ods")
        } else if contains(bytes, b"xl/vbaProject.bin") {
            Some("xlsm")
        } else if contains(bytes, b"xl/") && !contains(bytes, b"xl/workbook.bin") {
            Some("xlsx")
        } else {
            None
        }
    } else if bytes.starts_with(xls::CFB_MAGIC)
        && (contains(bytes, &utf16(b"Workbook")) || contains(bytes, &utf16(b"Book\0")))
    {
        Some("xls")
    } else {
        None
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn utf16(ascii: &[u8]) -> Vec<u8> {
    ascii.iter().flat_map(|&b| [b, 0]).collect()
}

/// Says what the bytes are, with a clear error for everything that is not a workbook.
fn kind(bytes: &[u8]) -> Result<Kind, Error> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(b"PK") {
        return zip_kind(bytes);
    }
    if bytes.starts_with(xls::CFB_MAGIC) {
        return Ok(Kind::Xls);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let what = if head.starts_with("%pdf") {
        "a PDF document".to_string()
    } else if head.contains("urn:schemas-microsoft-com:office:spreadsheet") {
        "an Excel 2003 XML spreadsheet, which this plugin does not read: save it as xlsx".to_string()
    } else if head.starts_with('<') && (head.contains("<html") || head.contains("<table") || head.contains("<!doctype"))
    {
        "a web page (HTML) saved under a spreadsheet name: read it as HTML".to_string()
    } else if bytes.starts_with(b"{\\rtf") {
        "an RTF document".to_string()
    } else {
        let start: String = bytes.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("neither a ZIP package (xlsx, ods) nor an OLE2 file (xls); it starts with bytes {start}")
    };
    Err(Error::new(format!("not a spreadsheet: {what}")))
}

fn zip_kind(bytes: &[u8]) -> Result<Kind, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::new(format!("the file is truncated or corrupted: not a readable ZIP package ({e})")))?;
    let names: Vec<String> = zip.file_names().flatten().map(|n| n.into_owned()).collect();
    let has = |n: &str| names.iter().any(|m| m == n);
    if has("xl/workbook.xml") {
        Ok(Kind::Xlsx)
    } else if has("mimetype") {
        if ods::is_spreadsheet(&mut zip) {
            Ok(Kind::Ods)
        } else {
            Err("not a spreadsheet: an OpenDocument file of another kind (text, presentation, …)".into())
        }
    } else if has("xl/workbook.bin") {
        Err("an Excel binary workbook (xlsb), which this plugin does not read: save it as xlsx".into())
    } else if has("word/document.xml") {
        Err("not a spreadsheet: a Word document (docx)".into())
    } else if names.iter().any(|n| n.starts_with("ppt/")) {
        Err("not a spreadsheet: a PowerPoint presentation (pptx)".into())
    } else {
        Err("not a spreadsheet: a ZIP archive without a workbook (no xl/workbook.xml, no ODS mimetype)".into())
    }
}

/// A workbook opened by calamine, whatever its kind.
enum Book<'a> {
    Xlsx(Box<Xlsx<Bytes<'a>>>),
    Xls(Box<Xls<Bytes<'a>>>),
    /// calamine does not report the merged cells of ODS sheets: they come from our own scan.
    Ods(Box<Ods<Bytes<'a>>>, Vec<ods::SheetMerges>),
}

impl<'a> Book<'a> {
    fn open(bytes: &'a [u8], limits: &Limits) -> Result<Book<'a>, Error> {
        let corrupt = |e: &dyn std::fmt::Display| Error::new(format!("the workbook is corrupted: {e}"));
        Ok(match kind(bytes)? {
            Kind::Xlsx => {
                package::check(bytes, false, limits)?;
                Book::Xlsx(Box::new(Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?))
            }
            Kind::Xls => {
                xls::check(bytes, limits)?;
                Book::Xls(Box::new(Xls::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?))
            }
            Kind::Ods => {
                let merges = package::check(bytes, true, limits)?;
                Book::Ods(Box::new(Ods::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?), merges)
            }
        })
    }

    fn sheets(&self) -> Vec<calamine::Sheet> {
        match self {
            Book::Xlsx(b) => b.sheets_metadata().to_vec(),
            Book::Xls(b) => b.sheets_metadata().to_vec(),
            Book::Ods(b, _) => b.sheets_metadata().to_vec(),
        }
    }

    fn properties(&mut self) -> Result<WorkbookProperties, Error> {
        let props = match self {
            Book::Xlsx(b) => b.workbook_properties().map_err(|e| e.to_string()),
            Book::Xls(b) => b.workbook_properties().map_err(|e| e.to_string()),
            Book::Ods(b, _) => b.workbook_properties().map_err(|e| e.to_string()),
        };
        props.map_err(|e| Error::new(format!("cannot read the document properties: {e}")))
    }

    /// The non-empty cells of a sheet, in no particular order.
    fn cells(&mut self, sheet: &str, budget: &mut Budget) -> Result<Vec<SheetCell>, Error> {
        let failed = |e: &dyn std::fmt::Display| Error::new(format!("cannot read sheet '{sheet}': {e}"));
        let mut out = Vec::new();
        let limits = budget.limits;
        let mut keep = |row: u32, col: u32, data: &Data, title_font: bool| -> Result<(), Error> {
            let text = cell_text(data);
            if text.trim().is_empty() {
                return Ok(());
            }
            if text.len() as u64 > limits.cell_chars && text.chars().count() as u64 > limits.cell_chars {
                return Err(limits.cell_chars_error(sheet, &a1(row, col)));
            }
            if out.len() as u64 >= limits.cells {
                return Err(limits.cells_error(sheet));
            }
            budget.cells = budget.cells.checked_sub(1).ok_or_else(|| limits.workbook_cells_error())?;
            // Shared strings are stored once and may be used by any number of cells.
            budget.text = budget.text.checked_sub(text.len() as u64).ok_or_else(|| {
                limits.inflated_error("the text of the cells, each shared string counted where it is used, grows")
            })?;
            out.push(SheetCell { row, col, text, title_font });
            Ok(())
        };
        match self {
            // Streamed, so that a sheet claiming a huge used range never becomes a dense one.
            Book::Xlsx(b) => {
                let mut cells = b.worksheet_cells_reader(sheet).map_err(|e| failed(&e))?;
                let title_fonts: Vec<bool> = cells.styles().iter().map(is_title_font).collect();
                while let Some((cell, style)) = cells.next_cell_with_style_id().map_err(|e| failed(&e))? {
                    let (row, col) = cell.get_position();
                    let title_font = title_fonts.get(style).copied().unwrap_or(false);
                    keep(row, col, &Data::from(cell.get_value().clone()), title_font)?;
                }
            }
            Book::Xls(b) => {
                let range = b.worksheet_range(sheet).map_err(|e| failed(&e))?;
                for_each_used(&range, keep)?;
            }
            Book::Ods(b, _) => {
                let range = b.worksheet_range(sheet).map_err(|e| failed(&e))?;
                for_each_used(&range, keep)?;
            }
        }
        Ok(out)
    }

    fn merges(&mut self, sheet: &str) -> Result<Vec<Dimensions>, Error> {
        let failed =
            |e: &dyn std::fmt::Display| Error::new(format!("cannot read the merged cells of sheet '{sheet}': {e}"));
        match self {
            Book::Xlsx(b) => b.merge_cells_by_sheet_name(sheet).map_err(|e| failed(&e)),
            Book::Xls(b) => b.merge_cells_by_sheet_name(sheet).map_err(|e| failed(&e)),
            Book::Ods(_, sheets) => {
                Ok(sheets.iter().find(|s| s.name == sheet).map(|s| s.merges.clone()).unwrap_or_default())
            }
        }
    }
}

/// Calls `f` on the used cells of a range; calamine gives no styles for xls and ods.
fn for_each_used(
    range: &calamine::Range<Data>,
    mut f: impl FnMut(u32, u32, &Data, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let (top, left) = range.start().unwrap_or((0, 0));
    for (r, c, data) in range.used_cells() {
        f(top + r as u32, left + c as u32, data, false)?;
    }
    Ok(())
}

/// Large and bold, the way titles are set (body text is 10.5–12pt).
fn is_title_font(style: &Style) -> bool {
    style.font.as_ref().is_some_and(|f| f.is_bold() && f.size.is_some_and(|s| s >= 14.0))
}

/// A cell's value as a person sees it: numbers in their shortest form, dates as ISO dates,
/// formulas by their cached result, line breaks as `\n`.
pub(crate) fn cell_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.replace("\r\n", "\n").replace('\r', "\n"),
        Data::Float(f) => number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_string(),
        Data::DateTime(dt) => date_text(dt),
        Data::Error(e) => e.to_string(),
    }
}

/// The shortest decimal text of a number, rounded to the 15 significant digits Excel shows:
/// cached formula results carry binary noise beyond them (`7.1499999999999995` is `7.15`).
pub(crate) fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    let shown: f64 = format!("{f:.14e}").parse().unwrap_or(f);
    if shown == 0.0 {
        // Also turns -0 into 0.
        return "0".to_string();
    }
    shown.to_string()
}

fn date_text(dt: &calamine::ExcelDateTime) -> String {
    if dt.is_duration() {
        let secs = (dt.as_f64() * 86_400.0).round() as i64;
        return format!("{}:{:02}:{:02}", secs / 3600, (secs / 60 % 60).abs(), (secs % 60).abs());
    }
    let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
    if dt.as_f64() < 1.0 {
        format!("{h:02}:{mi:02}:{s:02}")
    } else if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
    }
}

/// The document properties as `Document.meta`: the standard fields under their plain keys,
/// then the custom properties by name. A custom property overrides a standard field of the
/// same key, and an empty one removes it: that is how a writer says "no date" although every
/// xlsx records a creation time.
fn meta(p: WorkbookProperties) -> Vec<Prop> {
    let mut doc = Document::default();
    let created = p.created.as_deref().and_then(iso_date);
    let standard = [
        ("title", p.title),
        ("author", p.creator),
        ("date", created),
        ("subject", p.subject),
        ("keywords", p.keywords),
        ("description", p.description),
        ("category", p.category),
        ("company", p.company),
        ("manager", p.manager),
    ];
    for (key, value) in standard {
        if let Some(v) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
            doc.set_prop(key, v);
        }
    }
    let mut custom: Vec<(String, String)> = p.custom_properties.into_iter().collect();
    custom.sort();
    for (key, value) in custom {
        if value.is_empty() {
            doc.meta.retain(|p| p.key != key);
        } else {
            doc.set_prop(key, value);
        }
    }
    doc.meta
}

/// The `YYYY-MM-DD` of an ISO 8601 date-time such as `2023-02-10T09:00:00Z`.
fn iso_date(s: &str) -> Option<String> {
    let date = s.get(..10)?;
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then(|| date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_excel_shows_them() {
        assert_eq!(number_text(0.0), "0");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(2314.86), "2314.86");
        assert_eq!(number_text(1.1 * 1.1), "1.21");
        assert_eq!(number_text(7.1499999999999995), "7.15");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(143.0), "143");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(75394432.52), "75394432.52");
        assert_eq!(number_text(1e20), "100000000000000000000");
    }

    #[test]
    fn dates_print_as_iso() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let date = |v| date_text(&ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(date(44967.0), "2023-02-10");
        assert_eq!(date(44967.5), "2023-02-10 12:00:00");
        assert_eq!(date(0.75), "18:00:00");
        let span = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(date_text(&span), "36:00:00");
    }

    #[test]
    fn iso_dates_are_cut_from_timestamps_only() {
        assert_eq!(iso_date("2023-02-10T09:00:00Z").as_deref(), Some("2023-02-10"));
        assert_eq!(iso_date("2023-02-10").as_deref(), Some("2023-02-10"));
        assert_eq!(iso_date("2023年2月10日"), None);
        assert_eq!(iso_date("short"), None);
    }

    #[test]
    fn custom_properties_override_and_empty_ones_remove() {
        let mut p = WorkbookProperties::default();
        p.title = Some("T".into());
        p.created = Some("2024-01-02T00:00:00Z".into());
        p.custom_properties.insert("date".into(), String::new());
        p.custom_properties.insert("索引号".into(), "X/2024-1".into());
        p.custom_properties.insert("lang".into(), "zh-CN".into());
        let keys: Vec<(String, String)> = meta(p).into_iter().map(|p| (p.key, p.value)).collect();
        let expected = [("title", "T"), ("lang", "zh-CN"), ("索引号", "X/2024-1")];
        assert_eq!(keys, expected.map(|(k, v)| (k.to_string(), v.to_string())));
    }

    #[test]
    fn sniff_tells_the_containers_apart() {
        assert_eq!(sniff(b"PK\x03\x04....[Content_Types].xml....xl/workbook.xml"), Some("xlsx"));
        assert_eq!(sniff(b"PK\x03\x04....word/document.xml"), None);
        assert_eq!(sniff(b"<html>"), None);
    }
}
