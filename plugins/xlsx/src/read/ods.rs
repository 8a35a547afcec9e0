//! What calamine does not tell about an ODS file, and what it must not be shown: the merged
//! cells of each sheet (ODF writes them as `table:number-columns-spanned`/`number-rows-spanned`
//! on the first cell), and whether `content.xml` is safe for calamine to load. calamine loads
//! every sheet whole, as dense rectangles, expanding repeated cells and `<text:s text:c="…"/>`
//! as it goes, and it loops for ever on a `content.xml` that ends inside a table (UPSTREAM.md).
//! So the XML is walked here first: it must be complete, and its sheets, cells and text, with
//! their repeats, within the limits.

use super::limits::Limits;
use calamine::Dimensions;
use nianbao_plugin::document::a1;
use nianbao_plugin::Error;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use std::io::{BufReader, Read, Seek};

/// The sheet size limits of the format (those of xlsx): repeat counts beyond are cut, as
/// calamine cuts them.
const MAX_ROWS: u64 = 1 << 20;
const MAX_COLS: u64 = 1 << 14;

#[derive(Debug, Clone)]
pub(super) struct SheetMerges {
    pub name: String,
    pub merges: Vec<Dimensions>,
}

/// True if the package's `mimetype` says spreadsheet.
pub(super) fn is_spreadsheet<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(entry) = zip.by_name("mimetype") else {
        return false;
    };
    let mut mime = String::new();
    entry.take(200).read_to_string(&mut mime).is_ok() && mime.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

/// Walks `content.xml`: the merged cells of every sheet, after checking that the XML is
/// complete and that the sheets keep within the limits.
pub(super) fn scan(content: impl Read, limits: &Limits) -> Result<Vec<SheetMerges>, Error> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut scan =
        Scan { limits, sheets: Vec::new(), depth: 0, row: 0, row_repeat: 1, col: 0, cell: None, cells: 0, text: 0 };
    let mut open = 0usize;
    let mut buf = Vec::new();
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            Error::new(format!("the ODS content is corrupted: bad XML at byte {}: {e}", xml.buffer_position()))
        })?;
        match event {
            Event::Start(e) => {
                open += 1;
                scan.open(&e, false)?;
            }
            Event::Empty(e) => scan.open(&e, true)?,
            Event::End(e) => {
                open = open.saturating_sub(1);
                scan.close(e.local_name().as_ref())?;
            }
            Event::Text(t) => scan.text(&t, !t.trim().is_empty()),
            Event::CData(t) => scan.text(&t, true),
            Event::GeneralRef(_) => scan.text("&", true),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if open > 0 {
        // calamine reads such a file for ever: UPSTREAM.md, report 2 (its read_table takes Eof for
        // just another event).
        let inside = if scan.depth > 0 { "inside a table (<table:table>)" } else { "before its elements close" };
        return Err(Error::new(format!("the ODS file is truncated or damaged: its content.xml ends {inside}")));
    }
    let extent = |s: &Sheet| s.extent.0.saturating_mul(s.extent.1);
    let positions = scan.sheets.iter().map(extent).fold(0u64, u64::saturating_add);
    if positions > limits.positions() {
        let big = scan.sheets.iter().max_by_key(|s| extent(s)).expect("positions > 0");
        return Err(Error::new(format!(
            "sheet '{}' spans {} rows × {} columns, more than the {} cell positions this reader lays out (50 × max-cells; -O max-cells=N raises it)",
            big.name,
            big.extent.0,
            big.extent.1,
            limits.positions()
        )));
    }
    Ok(scan.sheets.into_iter().map(|s| SheetMerges { name: s.name, merges: s.merges }).collect())
}

#[derive(Default)]
struct Sheet {
    name: String,
    merges: Vec<Dimensions>,
    /// Rows and columns from A1 to the last non-empty cell.
    extent: (u64, u64),
    cells: u64,
}

struct Scan<'a> {
    limits: &'a Limits,
    sheets: Vec<Sheet>,
    /// How deep in `table:table` elements we are: tables inside cells (charts, embedded
    /// objects) are not sheets.
    depth: usize,
    row: u64,
    row_repeat: u64,
    col: u64,
    cell: Option<PendingCell>,
    cells: u64,
    /// Bytes of cell text, repeats expanded, as calamine will hold it.
    text: u64,
}

struct PendingCell {
    repeat: u64,
    span: (u64, u64),
    covered: bool,
    filled: bool,
    /// Characters and bytes of its text as calamine builds it.
    chars: u64,
    bytes: u64,
    /// Inside an `office:annotation` (a comment), whose text calamine leaves out.
    note: usize,
}

fn attribute<'a>(e: &'a BytesStart, name: &str) -> Option<Attribute<'a>> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name)
}

fn number(e: &BytesStart, name: &str) -> Option<u64> {
    attribute(e, name).and_then(|a| a.value.trim().parse().ok())
}

/// Characters of UTF-8 text (escapes counted as written, which is never fewer).
fn chars(text: &str) -> u64 {
    text.chars().count() as u64
}

impl Scan<'_> {
    fn open(&mut self, e: &BytesStart, empty: bool) -> Result<(), Error> {
        let name = e.local_name();
        match name.as_ref() {
            "table" if !empty => {
                if self.depth == 0 {
                    let title = attribute(e, "name")
                        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()));
                    let title = title.unwrap_or_default();
                    self.sheets.push(Sheet { name: title, ..Sheet::default() });
                    self.row = 0;
                }
                self.depth += 1;
            }
            "table-row" if self.depth == 1 => {
                self.row_repeat = number(e, "number-rows-repeated").unwrap_or(1).max(1);
                self.col = 0;
                if empty {
                    self.end_row();
                }
            }
            "table-cell" | "covered-table-cell" if self.depth == 1 => {
                let value = ["string-value", "date-value", "time-value"].iter().find_map(|k| attribute(e, k));
                let (chars, bytes) = value.map_or((0, 0), |v| (chars(&v.value), v.value.len() as u64));
                // calamine keeps a copy of the formula for every copy of the cell, too.
                let formula = attribute(e, "formula").map_or(0, |f| f.value.len() as u64);
                self.cell = Some(PendingCell {
                    repeat: number(e, "number-columns-repeated").unwrap_or(1).max(1),
                    span: (
                        number(e, "number-rows-spanned").unwrap_or(1).max(1),
                        number(e, "number-columns-spanned").unwrap_or(1).max(1),
                    ),
                    covered: name.as_ref() == "covered-table-cell",
                    filled: attribute(e, "value-type").is_some(),
                    chars,
                    bytes: bytes + formula,
                    note: 0,
                });
                if empty {
                    self.end_cell()?;
                }
            }
            other => {
                if let Some(c) = &mut self.cell {
                    match other {
                        "annotation" if !empty => c.note += 1,
                        _ if c.note > 0 => {}
                        // calamine writes `text:c` spaces one by one, as many as it says: UPSTREAM.md, report 3.
                        "s" => c.add(number(e, "c").unwrap_or(1).max(1)),
                        "p" | "tab" | "line-break" => c.add(1),
                        _ => {}
                    }
                }
            }
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> Result<(), Error> {
        match name {
            "table" => self.depth = self.depth.saturating_sub(1),
            "table-row" if self.depth == 1 => self.end_row(),
            "table-cell" | "covered-table-cell" if self.depth == 1 => self.end_cell()?,
            "annotation" => {
                if let Some(c) = &mut self.cell {
                    c.note = c.note.saturating_sub(1);
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str, visible: bool) {
        if let Some(c) = self.cell.as_mut().filter(|c| c.note == 0) {
            c.filled |= visible;
            c.chars += chars(text);
            c.bytes += text.len() as u64;
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeat).min(MAX_ROWS);
    }

    fn end_cell(&mut self) -> Result<(), Error> {
        let Some(cell) = self.cell.take() else { return Ok(()) };
        let (row, col) = (self.row, self.col);
        self.col = col.saturating_add(cell.repeat).min(MAX_COLS);
        let limits = self.limits;
        let Some(sheet) = self.sheets.last_mut() else {
            return Ok(());
        };
        if row >= MAX_ROWS || col >= MAX_COLS {
            return Ok(());
        }
        if cell.chars > limits.cell_chars {
            return Err(limits.cell_chars_error(&sheet.name, &a1(row as u32, col as u32)));
        }
        // calamine makes a copy of the cell for each column and row it is repeated over
        // (UPSTREAM.md, report 3).
        let copies = cell.repeat.min(MAX_COLS - col).saturating_mul(self.row_repeat.min(MAX_ROWS - row));
        self.text = self.text.saturating_add(cell.bytes.saturating_mul(copies));
        if self.text > limits.inflated {
            return Err(limits.inflated_error("the text of the cells, repeated as the sheets say, grows"));
        }
        if cell.filled && !cell.covered {
            sheet.cells = sheet.cells.saturating_add(copies);
            self.cells = self.cells.saturating_add(copies);
            if sheet.cells > limits.cells {
                return Err(limits.cells_error(&sheet.name));
            }
            if self.cells > limits.workbook_cells() {
                return Err(limits.workbook_cells_error());
            }
            let last_row = row.saturating_add(self.row_repeat).min(MAX_ROWS);
            sheet.extent = (sheet.extent.0.max(last_row), sheet.extent.1.max(self.col));
        }
        if cell.span != (1, 1) && !cell.covered {
            let end = (
                row.saturating_add(cell.span.0 - 1).min(MAX_ROWS - 1),
                col.saturating_add(cell.span.1 - 1).min(MAX_COLS - 1),
            );
            sheet.merges.push(Dimensions { start: (row as u32, col as u32), end: (end.0 as u32, end.1 as u32) });
        }
        Ok(())
    }
}

impl PendingCell {
    fn add(&mut self, chars: u64) {
        self.chars = self.chars.saturating_add(chars);
        self.bytes = self.bytes.saturating_add(chars);
    }
}
