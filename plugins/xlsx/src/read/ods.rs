//! What calamine does not tell about an ODS file: the merged cells of each sheet (ODF writes
//! them as `table:number-columns-spanned`/`number-rows-spanned` on the first cell), and how
//! big the sheets are before calamine loads them whole.

use calamine::Dimensions;
use nianbao_plugin::Error;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::XmlVersion;
use std::io::{BufReader, Cursor, Read, Seek};

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

/// Scans `content.xml`: the merged cells of every sheet, after checking that the sheets stay
/// within `max_cells` non-empty cells and `max_positions` positions in all.
pub(super) fn scan(bytes: &[u8], max_cells: u64, max_positions: u64) -> Result<Vec<SheetMerges>, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::new(format!("the ODS package is corrupted: {e}")))?;
    let content =
        zip.by_name("content.xml").map_err(|_| Error::new("the ODS package has no content.xml: it is corrupted"))?;
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(content));
    let mut scan = Scan::default();
    let mut buf = Vec::new();
    loop {
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            Error::new(format!("the ODS content is corrupted: bad XML at byte {}: {e}", xml.buffer_position()))
        })?;
        match event {
            Event::Start(e) => scan.open(&e, false),
            Event::Empty(e) => scan.open(&e, true),
            Event::End(e) => scan.close(e.local_name().as_ref().as_bytes()),
            Event::Text(t) if !t.trim().is_empty() => scan.cell_has_text(),
            Event::GeneralRef(_) | Event::CData(_) => scan.cell_has_text(),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
        if scan.cells > max_cells {
            return Err(Error::new(format!(
                "the workbook has more than {max_cells} non-empty cells: too large for this reader"
            )));
        }
    }
    let positions = scan.sheets.iter().map(|s| s.extent.0.saturating_mul(s.extent.1)).fold(0u64, u64::saturating_add);
    if positions > max_positions {
        let big = scan.sheets.iter().max_by_key(|s| s.extent.0.saturating_mul(s.extent.1)).expect("positions > 0");
        return Err(Error::new(format!(
            "sheet '{}' spans {} rows × {} columns: too large for this reader",
            big.name, big.extent.0, big.extent.1
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
}

#[derive(Default)]
struct Scan {
    sheets: Vec<Sheet>,
    /// How deep in `table:table` elements we are: tables inside cells (charts, embedded
    /// objects) are not sheets.
    depth: usize,
    row: u64,
    row_repeat: u64,
    col: u64,
    cell: Option<PendingCell>,
    cells: u64,
}

struct PendingCell {
    repeat: u64,
    span: (u64, u64),
    covered: bool,
    filled: bool,
}

fn attribute<'a>(e: &'a BytesStart, name: &str) -> Option<Attribute<'a>> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name)
}

fn number(e: &BytesStart, name: &str) -> Option<u64> {
    attribute(e, name).and_then(|a| a.value.trim().parse().ok())
}

impl Scan {
    fn open(&mut self, e: &BytesStart, empty: bool) {
        let name = e.local_name();
        match name.as_ref().as_bytes() {
            b"table" if !empty => {
                if self.depth == 0 {
                    let title = attribute(e, "name")
                        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()));
                    let title = title.unwrap_or_default();
                    self.sheets.push(Sheet { name: title, ..Sheet::default() });
                    self.row = 0;
                }
                self.depth += 1;
            }
            b"table-row" if self.depth == 1 => {
                self.row_repeat = number(e, "number-rows-repeated").unwrap_or(1).max(1);
                self.col = 0;
                if empty {
                    self.end_row();
                }
            }
            b"table-cell" | b"covered-table-cell" if self.depth == 1 => {
                self.cell = Some(PendingCell {
                    repeat: number(e, "number-columns-repeated").unwrap_or(1).max(1),
                    span: (
                        number(e, "number-rows-spanned").unwrap_or(1).max(1),
                        number(e, "number-columns-spanned").unwrap_or(1).max(1),
                    ),
                    covered: name.as_ref() == "covered-table-cell",
                    filled: attribute(e, "value-type").is_some(),
                });
                if empty {
                    self.end_cell();
                }
            }
            _ => {}
        }
    }

    fn close(&mut self, name: &[u8]) {
        match name {
            b"table" => self.depth = self.depth.saturating_sub(1),
            b"table-row" if self.depth == 1 => self.end_row(),
            b"table-cell" | b"covered-table-cell" if self.depth == 1 => self.end_cell(),
            _ => {}
        }
    }

    fn cell_has_text(&mut self) {
        if let Some(c) = &mut self.cell {
            c.filled = true;
        }
    }

    fn end_row(&mut self) {
        self.row = self.row.saturating_add(self.row_repeat).min(MAX_ROWS);
    }

    fn end_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let (row, col) = (self.row, self.col);
        self.col = col.saturating_add(cell.repeat).min(MAX_COLS);
        let Some(sheet) = self.sheets.last_mut() else {
            return;
        };
        if cell.covered || row >= MAX_ROWS || col >= MAX_COLS {
            return;
        }
        if cell.filled {
            self.cells = self.cells.saturating_add(cell.repeat.saturating_mul(self.row_repeat));
            let last_row = row.saturating_add(self.row_repeat).min(MAX_ROWS);
            sheet.extent = (sheet.extent.0.max(last_row), sheet.extent.1.max(self.col));
        }
        if cell.span != (1, 1) {
            let end = (
                row.saturating_add(cell.span.0 - 1).min(MAX_ROWS - 1),
                col.saturating_add(cell.span.1 - 1).min(MAX_COLS - 1),
            );
            sheet.merges.push(Dimensions { start: (row as u32, col as u32), end: (end.0 as u32, end.1 as u32) });
        }
    }
}
