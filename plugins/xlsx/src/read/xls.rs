//! Checks an OLE2 (compound file) before calamine reads it as an xls workbook: that it is one,
//! and that its sheets are small enough. calamine builds every sheet of an xls file when it
//! opens the file: as dense rectangles (two cells at opposite corners, A1 and IV65536, cost a
//! gigabyte), after reserving room for the extent a DIMENSIONS record declares (a forged one
//! asks for terabytes), with each shared string copied into every cell that uses it. So the
//! sheets are walked here first, record by record, the way calamine walks them.

use super::limits::Limits;
use nianbao_plugin::Error;
use std::io::{Cursor, Read};

pub(crate) const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// BIFF records that put a value in a cell, with the row and column as their first two
/// 16-bit fields (as calamine reads them).
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];
const MULRK: u16 = 0x00BD;
const DIMENSIONS: u16 = 0x0200;
const BOUNDSHEET: u16 = 0x0085;
const SST: u16 = 0x00FC;
const LABELSST: u16 = 0x00FD;
const CONTINUE: u16 = 0x003C;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;

/// Says whether `bytes` (an OLE2 file) is an xls workbook calamine can afford to open.
pub(super) fn check(bytes: &[u8], limits: &Limits) -> Result<(), Error> {
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| Error::new(format!("the file is truncated or corrupted: not a readable OLE2 (xls) file ({e})")))?;
    let stream = ["/Workbook", "/Book"].into_iter().find(|s| cfb.is_stream(s));
    let Some(stream) = stream else {
        let what = if cfb.is_stream("/EncryptedPackage") {
            "a password-protected (encrypted) workbook: remove the password and save it again"
        } else if cfb.is_stream("/WordDocument") {
            "not a spreadsheet: a Word 97-2003 document (.doc)"
        } else if cfb.is_stream("/PowerPoint Document") {
            "not a spreadsheet: a PowerPoint 97-2003 presentation (.ppt)"
        } else {
            // Say what it holds: an old WPS or Works file is told by its stream names.
            let names: Vec<String> = cfb.read_root_storage().take(6).map(|e| format!("{:?}", e.name())).collect();
            return Err(Error::new(format!(
                "not a spreadsheet: an OLE2 file without a workbook stream (it holds {}); an older WPS or Works \
                 file: open it in WPS or Excel and save it as .xlsx",
                if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
            )));
        };
        return Err(what.into());
    };
    let mut data = Vec::new();
    cfb.open_stream(stream)
        .and_then(|s| s.take(bytes.len() as u64).read_to_end(&mut data))
        .map_err(|e| Error::new(format!("the xls workbook stream is corrupted: {e}")))?;
    let sheets = measure(&data)?;
    let mut total = Size::default();
    for (name, size) in &sheets {
        if size.cells > limits.cells {
            return Err(limits.cells_error(name));
        }
        total.cells = total.cells.saturating_add(size.cells);
        total.positions = total.positions.saturating_add(size.positions);
        total.text = total.text.saturating_add(size.text);
    }
    if total.cells > limits.workbook_cells() {
        return Err(limits.workbook_cells_error());
    }
    if total.positions > limits.positions() {
        return Err(Error::new(format!(
            "the sheets span {} cell positions (from A1 to their last cells), more than the {} this reader lays out (50 × max-cells; -O max-cells=N raises it)",
            total.positions,
            limits.positions()
        )));
    }
    if total.text > limits.inflated {
        return Err(limits.inflated_error("the text of the cells, each shared string counted where it is used, grows"));
    }
    Ok(())
}

/// What calamine would allocate for a sheet.
#[derive(Debug, Default, PartialEq)]
struct Size {
    cells: u64,
    /// Rectangles from A1 to each sheet's last cell, and the extents DIMENSIONS records declare.
    positions: u64,
    /// Bytes of the shared strings its cells copy (at most 3 UTF-8 bytes a character).
    text: u64,
}

/// The records of a stream from its start, each with the CONTINUE records after it appended,
/// as calamine reads them; a record cut short ends the walk.
fn records(mut stream: &[u8]) -> impl Iterator<Item = (u16, Vec<u8>)> + '_ {
    std::iter::from_fn(move || {
        let (typ, body, rest) = split_record(stream)?;
        let mut data = body.to_vec();
        stream = rest;
        while let Some((CONTINUE, more, rest)) = split_record(stream) {
            data.extend_from_slice(more);
            stream = rest;
        }
        Some((typ, data))
    })
}

fn split_record(stream: &[u8]) -> Option<(u16, &[u8], &[u8])> {
    let header = stream.get(..4)?;
    let len = u16::from_le_bytes([header[2], header[3]]) as usize;
    let body = stream.get(4..4 + len)?;
    Some((u16::from_le_bytes([header[0], header[1]]), body, &stream[4 + len..]))
}

fn field(data: &[u8], at: usize) -> Option<u64> {
    data.get(at..at + 2).map(|b| u64::from(u16::from_le_bytes([b[0], b[1]])))
}

/// Walks the sheets where the workbook globals' BOUNDSHEET records say they start: each
/// sheet's name and size.
fn measure(stream: &[u8]) -> Result<Vec<(String, Size)>, Error> {
    let mut starts = Vec::new();
    let mut strings = Vec::new();
    for (typ, data) in records(stream) {
        match typ {
            BOUNDSHEET if data.len() >= 4 => {
                starts.push((u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize, sheet_name(&data)))
            }
            EOF => break,
            _ => {}
        }
    }
    if let Some(at) = record_at(stream, SST) {
        strings = shared_string_bytes(&stream[at..]);
    }
    let mut sheets = Vec::new();
    for (start, name) in starts {
        let sheet = stream
            .get(start..)
            .ok_or_else(|| Error::new("the xls workbook is corrupted: a sheet starts beyond the end of its stream"))?;
        sheets.push((name, measure_sheet(sheet, &strings)?));
    }
    Ok(sheets)
}

/// A BOUNDSHEET record's sheet name (BIFF8: a short string after six bytes), for messages.
fn sheet_name(data: &[u8]) -> String {
    let (Some(&cch), Some(&flags)) = (data.get(6), data.get(7)) else { return String::new() };
    let chars = data.get(8..).unwrap_or_default();
    if flags & 1 == 0 {
        chars.iter().take(cch as usize).map(|&b| b as char).collect()
    } else {
        let units: Vec<u16> =
            chars.chunks_exact(2).take(cch as usize).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
        String::from_utf16_lossy(&units)
    }
}

/// Where the first record of type `typ` of the workbook globals (before their EOF) starts.
fn record_at(mut stream: &[u8], typ: u16) -> Option<usize> {
    let start = stream.as_ptr() as usize;
    while let Some((t, _, rest)) = split_record(stream) {
        if t == typ {
            return Some(stream.as_ptr() as usize - start);
        }
        if t == EOF {
            return None;
        }
        stream = rest;
    }
    None
}

/// The size of each shared string of an SST record, as calamine reads them: the string's
/// characters may run on into a CONTINUE record, which then starts with a flags byte of its
/// own; formatting runs and phonetic data are skipped.
fn shared_string_bytes(stream: &[u8]) -> Vec<u64> {
    let mut pieces: Vec<&[u8]> = Vec::new();
    let mut rest = stream;
    while let Some((typ, body, more)) = split_record(rest) {
        if !pieces.is_empty() && typ != CONTINUE {
            break;
        }
        pieces.push(body);
        rest = more;
    }
    let mut r = Pieces { pieces, at: (0, 8) };
    let mut out = Vec::new();
    while let Some(header) = r.take(3) {
        let cch = u64::from(u16::from_le_bytes([header[0], header[1]]));
        let flags = header[2];
        let runs =
            if flags & 0x8 != 0 { r.take(2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]) as usize) } else { 0 };
        let ext = if flags & 0x4 != 0 {
            r.take(4).map_or(0, |b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        } else {
            0
        };
        let (mut left, mut wide) = (cch as usize, flags & 1 != 0);
        while left > 0 {
            let room = r.room();
            let width = if wide { 2 } else { 1 };
            let n = left.min(room / width);
            r.skip(n * width);
            left -= n;
            if left > 0 {
                // The characters go on in the next record, after a flags byte.
                if !r.next_piece() {
                    break;
                }
                wide = r.take(1).is_some_and(|b| b[0] & 1 != 0);
            }
        }
        out.push(cch * 3);
        r.skip(runs * 4);
        r.skip(ext);
    }
    out
}

/// A record's body and its CONTINUE records, read across their boundaries.
struct Pieces<'a> {
    pieces: Vec<&'a [u8]>,
    /// Piece and offset.
    at: (usize, usize),
}

impl<'a> Pieces<'a> {
    fn room(&self) -> usize {
        self.pieces.get(self.at.0).map_or(0, |p| p.len().saturating_sub(self.at.1))
    }

    fn next_piece(&mut self) -> bool {
        self.at = (self.at.0 + 1, 0);
        self.at.0 < self.pieces.len()
    }

    /// `n` bytes, from one piece (a header cut by a record boundary is taken from the next).
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        while self.room() == 0 {
            if !self.next_piece() {
                return None;
            }
        }
        let piece = self.pieces[self.at.0];
        let bytes = piece.get(self.at.1..self.at.1 + n)?;
        self.at.1 += n;
        Some(bytes)
    }

    fn skip(&mut self, mut n: usize) {
        while n > 0 && self.at.0 < self.pieces.len() {
            let step = n.min(self.room());
            self.at.1 += step;
            n -= step;
            if n > 0 && !self.next_piece() {
                return;
            }
        }
    }
}

/// One sheet's substream: nested substreams (charts) are skipped, as calamine skips them.
fn measure_sheet(stream: &[u8], strings: &[u64]) -> Result<Size, Error> {
    let (mut cells, mut declared, mut text) = (0u64, 0u64, 0u64);
    let mut extent = (0u64, 0u64);
    let mut seen_bof = false;
    let mut depth = 0usize;
    for (typ, data) in records(stream) {
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF if depth == 0 => break,
            EOF => depth -= 1,
            _ if depth > 0 => {}
            DIMENSIONS => declared = declared.saturating_add(declared_positions(&data)?),
            MULRK => {
                if let (Some(row), Some(first)) = (field(&data, 0), field(&data, 2)) {
                    // calamine takes one value per 6 bytes after the fixed fields.
                    let n = (data.len().saturating_sub(6) / 6) as u64;
                    cells += n;
                    extent = (extent.0.max(row + 1), extent.1.max(first + n));
                }
            }
            t if CELL_RECORDS.contains(&t) => {
                if let (Some(row), Some(col)) = (field(&data, 0), field(&data, 2)) {
                    cells += 1;
                    extent = (extent.0.max(row + 1), extent.1.max(col + 1));
                    if t == LABELSST && data.len() >= 10 {
                        let isst = u32::from_le_bytes([data[6], data[7], data[8], data[9]]) as usize;
                        text = text.saturating_add(strings.get(isst).copied().unwrap_or(0));
                    }
                }
            }
            _ => {}
        }
    }
    // calamine makes a rectangle of the values and one of the formulas.
    let positions = extent.0.saturating_mul(extent.1).saturating_mul(2).saturating_add(declared);
    Ok(Size { cells, positions, text })
}

/// The positions a DIMENSIONS record reserves, read as calamine reads it.
fn declared_positions(data: &[u8]) -> Result<u64, Error> {
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]));
    let u16_at = |i: usize| field(data, i).unwrap_or(0);
    let (first_row, end_row, mut first_col, end_col) = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        // calamine refuses the sheet with an error of its own.
        _ => return Ok(0),
    };
    if first_col > 0xFF || end_col < first_col {
        first_col = 0;
    }
    if end_row == 0 || end_col == 0 {
        return Ok(1);
    }
    if end_row <= first_row {
        return Err(Error::new("the xls workbook is corrupted: a sheet's DIMENSIONS record ends before it starts"));
    }
    Ok((end_row - first_row).saturating_mul(end_col - first_col))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, body: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((body.len() as u16).to_le_bytes());
        r.extend(body);
        r
    }

    fn number_cell(row: u16, col: u16) -> Vec<u8> {
        let mut body = row.to_le_bytes().to_vec();
        body.extend(col.to_le_bytes());
        body.extend([0u8; 10]);
        record(0x0203, &body)
    }

    /// Globals naming one sheet that starts right after them, then that sheet.
    fn workbook(sheet: &[Vec<u8>]) -> Vec<u8> {
        let bof = record(BOF, &[0, 6, 5, 0]);
        let eof = record(EOF, &[]);
        let globals_len = bof.len() + 4 + 8 + eof.len();
        let boundsheet = record(BOUNDSHEET, &[(globals_len as u32).to_le_bytes().as_slice(), &[0, 0, 1, 0]].concat());
        [vec![bof, boundsheet, eof], sheet.to_vec()].concat().concat()
    }

    #[test]
    fn measures_sheets_from_a1_to_their_last_cell_and_skips_charts() {
        let sheet = [
            record(BOF, &[0, 6, 0x10, 0]),
            number_cell(0, 0),
            number_cell(65535, 255),
            record(BOF, &[0, 6, 0x20, 0]),
            number_cell(9999, 9999),
            record(EOF, &[]),
            record(EOF, &[]),
        ];
        assert_eq!(measure(&workbook(&sheet)).unwrap()[0].1, Size { cells: 2, positions: 2 * 65536 * 256, text: 0 });
    }

    #[test]
    fn continue_records_extend_a_mulrk_as_calamine_reads_it() {
        let mut mulrk = vec![0, 0, 250, 0];
        mulrk.extend([0u8; 6 * 3]);
        let sheet =
            [record(BOF, &[0, 6, 0x10, 0]), record(MULRK, &mulrk), record(CONTINUE, &[0u8; 600]), record(EOF, &[])];
        assert_eq!(measure(&workbook(&sheet)).unwrap()[0].1, Size { cells: 102, positions: 2 * 352, text: 0 });
    }

    #[test]
    fn forged_dimensions_are_counted_or_refused() {
        let dims = |r0: u32, r1: u32, c0: u16, c1: u16| {
            let body = [r0.to_le_bytes().as_slice(), &r1.to_le_bytes(), &c0.to_le_bytes(), &c1.to_le_bytes(), &[0, 0]]
                .concat();
            record(DIMENSIONS, &body)
        };
        let huge = [record(BOF, &[0, 6, 0x10, 0]), dims(0, u32::MAX, 0, 256), record(EOF, &[])];
        assert_eq!(measure(&workbook(&huge)).unwrap()[0].1.positions, u64::from(u32::MAX) * 256);
        let backwards = [record(BOF, &[0, 6, 0x10, 0]), dims(9, 3, 0, 4), record(EOF, &[])];
        assert!(measure(&workbook(&backwards)).unwrap_err().0.contains("DIMENSIONS"));
    }

    #[test]
    fn a_sheet_starting_past_the_stream_is_corrupt() {
        let stream =
            [record(BOF, &[0, 6, 5, 0]), record(BOUNDSHEET, &[0xFF, 0xFF, 0, 0, 0, 0, 1, 0]), record(EOF, &[])]
                .concat();
        assert!(measure(&stream).unwrap_err().0.contains("beyond the end"));
    }

    #[test]
    fn a_truncated_record_ends_the_walk() {
        let mut sheet = [record(BOF, &[0, 6, 0x10, 0]), number_cell(3, 4)].concat();
        sheet.truncate(sheet.len() - 3);
        assert_eq!(measure(&workbook(&[sheet])).unwrap()[0].1, Size::default());
    }
}
