//! Writing a Document as an xlsx workbook.
//!
//! Each Table gets its own sheet, named by `Table.name` (else the nearest heading before it,
//! else `Sheet N`): merged cells for its spans, borders, centred and wrapped header rows,
//! numbers stored as numbers, column widths fitted to the text. All other blocks go, in order,
//! to one text sheet: every `Document.meta` entry as a key/value table, then the title, the
//! headings and the paragraphs, one per row. `Document.meta` also goes into the
//! document properties, where the reader finds it again.

use nianbao_plugin::document::{Grid, Slot};
use nianbao_plugin::{Align, Block, Document, Error, Options, Prop, Table};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use std::collections::HashSet;

/// The text sheet's name when the `text_sheet` option does not give one.
pub const DEFAULT_TEXT_SHEET: &str = "报告信息";
/// The fonts of the official layout: 宋体 for tables and headings, 仿宋 for running text.
const TABLE_FONT: &str = "宋体";
const TEXT_FONT: &str = "仿宋";
/// Font sizes in points: tables, running text, the title.
const TABLE_PT: f64 = 11.0;
const TEXT_PT: f64 = 12.0;
const TITLE_PT: f64 = 16.0;
/// GB2312, so that Excel picks the Chinese face of these fonts.
const CHARSET_GB2312: u8 = 134;
/// Column widths, in characters, of the text sheet: keys, then values and paragraphs.
const KEY_WIDTH: f64 = 16.0;
const TEXT_WIDTH: f64 = 80.0;
/// Table columns are fitted to their text within these widths; longer text wraps.
const MIN_COLUMN: f64 = 8.0;
const MAX_COLUMN: f64 = 30.0;
/// Wider tables are printed in landscape.
const LANDSCAPE_FROM_COLUMNS: usize = 8;
const A4: u8 = 9;

/// Writes `doc` as xlsx. Options: `text_sheet=NAME` names the sheet of properties, title and
/// paragraphs (default [`DEFAULT_TEXT_SHEET`]).
///
/// Sheets follow the Document's order, the text sheet standing where the text ends: tables
/// placed among the paragraphs come before it, tables after the last paragraph after it.
pub fn write(doc: &Document, options: &Options) -> Result<Vec<u8>, Error> {
    let mut book = Workbook::new();
    book.set_properties(&properties(&doc.meta));
    let styles = Styles::new();
    let mut names = SheetNames::default();
    let text_end = doc.blocks.iter().rposition(is_text);
    let mut text_pending = text_end.is_some() || !doc.meta.is_empty();
    let add_text_sheet = |book: &mut Workbook, names: &mut SheetNames| -> Result<(), Error> {
        let wanted = options.get("text_sheet").map_or(DEFAULT_TEXT_SHEET, String::as_str);
        let sheet = book.add_worksheet();
        sheet.set_name(names.claim(wanted, names.count() + 1)).map_err(failed)?;
        text_sheet(sheet, doc, &styles).map_err(failed)
    };
    let mut heading: Option<&str> = None;
    for (i, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Heading { text, .. } => heading = Some(text),
            Block::Table(t) => {
                if text_pending && text_end.is_none_or(|end| i > end) {
                    add_text_sheet(&mut book, &mut names)?;
                    text_pending = false;
                }
                let wanted = if t.name.trim().is_empty() { heading.unwrap_or_default() } else { &t.name };
                let sheet = book.add_worksheet();
                sheet.set_name(names.claim(wanted, names.count() + 1)).map_err(failed)?;
                table_sheet(sheet, t, &styles).map_err(failed)?;
            }
            Block::Paragraph { .. } | Block::Image { .. } => {}
        }
    }
    if text_pending {
        add_text_sheet(&mut book, &mut names)?;
    }
    if names.count() == 0 {
        // A workbook must have a sheet.
        book.add_worksheet();
    }
    book.save_to_buffer().map_err(failed)
}

fn is_text(block: &Block) -> bool {
    matches!(block, Block::Heading { .. } | Block::Paragraph { .. })
}

fn failed(e: XlsxError) -> Error {
    Error::new(format!("cannot write the workbook: {e}"))
}

/// The formats used, made once.
struct Styles {
    title: Format,
    heading: Format,
    subheading: Format,
    paragraph: Format,
    key: Format,
    value: Format,
    header: Format,
    label: Format,
    number: Format,
    decimal: Format,
}

impl Styles {
    fn new() -> Styles {
        let font =
            |name: &str| Format::new().set_font_name(name).set_font_charset(CHARSET_GB2312).set_font_size(TEXT_PT);
        let boxed = |f: Format| f.set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_text_wrap();
        let cell = || boxed(font(TABLE_FONT).set_font_size(TABLE_PT));
        Styles {
            title: font(TABLE_FONT).set_font_size(TITLE_PT).set_bold().set_align(FormatAlign::Center),
            heading: font(TABLE_FONT).set_bold().set_align(FormatAlign::VerticalCenter),
            subheading: font(TEXT_FONT).set_bold().set_text_wrap().set_align(FormatAlign::Top),
            paragraph: font(TEXT_FONT).set_text_wrap().set_align(FormatAlign::Top),
            key: boxed(font(TABLE_FONT).set_bold()),
            value: boxed(font(TEXT_FONT)),
            header: cell().set_align(FormatAlign::Center),
            label: cell().set_align(FormatAlign::Left),
            number: cell().set_align(FormatAlign::Center),
            decimal: cell().set_align(FormatAlign::Center).set_num_format("0.00"),
        }
    }
}

/// Sheet names as Excel accepts them: at most 31 characters, none of `[]:*?/\`, not
/// `History`, unique regardless of case.
#[derive(Default)]
struct SheetNames {
    taken: HashSet<String>,
}

impl SheetNames {
    fn count(&self) -> usize {
        self.taken.len()
    }

    /// A free name made from `wanted`, or `Sheet N` if nothing of it is usable.
    fn claim(&mut self, wanted: &str, n: usize) -> String {
        let clean: String = wanted.chars().filter(|c| !"[]:*?/\\".contains(*c) && !c.is_control()).collect();
        let clean = clean.trim().trim_matches('\'').trim();
        let base = if clean.is_empty() || clean.eq_ignore_ascii_case("history") {
            format!("Sheet {n}")
        } else {
            clean.to_string()
        };
        let mut candidate = fit(&base, "");
        let mut k = 2;
        while self.taken.contains(&candidate.to_lowercase()) {
            candidate = fit(&base, &format!(" ({k})"));
            k += 1;
        }
        self.taken.insert(candidate.to_lowercase());
        candidate
    }
}

/// `base` cut so that `base + suffix` stays within Excel's 31 UTF-16 units.
fn fit(base: &str, suffix: &str) -> String {
    let room = 31 - suffix.encode_utf16().count();
    let mut out = String::new();
    for c in base.chars() {
        if out.encode_utf16().count() + c.len_utf16() > room {
            break;
        }
        out.push(c);
    }
    let out = out.trim_end().trim_end_matches('\'');
    format!("{out}{suffix}")
}

/// Title, author and date go to their own fields (`date` as the creation date), `subject`,
/// `keywords`, `description`, `category`, `company` and `manager` too; every other entry is a
/// custom property. Without a `date`, an empty custom `date` says so, because xlsx always
/// records a creation time and the reader would take it for the document's date.
fn properties(meta: &[Prop]) -> DocProperties {
    let mut props = DocProperties::new();
    let mut seen = HashSet::new();
    let mut has_date = false;
    for Prop { key, value } in meta {
        if !seen.insert(key.as_str()) {
            continue;
        }
        props = match key.as_str() {
            "title" => props.set_title(value),
            "author" => props.set_author(value),
            "subject" => props.set_subject(value),
            "keywords" => props.set_keywords(value),
            "description" => props.set_comment(value),
            "category" => props.set_category(value),
            "company" => props.set_company(value),
            "manager" => props.set_manager(value),
            "date" => {
                has_date = true;
                match iso_date(value) {
                    Some(d) => props.set_creation_datetime(&d),
                    None => props.set_custom_property(key.as_str(), value.as_str()),
                }
            }
            _ => props.set_custom_property(key.as_str(), value.as_str()),
        };
    }
    if !has_date {
        props = props.set_custom_property("date", "");
    }
    props
}

fn iso_date(s: &str) -> Option<ExcelDateTime> {
    let mut parts = s.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    ExcelDateTime::from_ymd(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

/// The properties as a key/value table, then the title, headings and paragraphs, all text in
/// column B and nothing merged: read back, a column of single cells is a run of paragraphs.
/// The properties come first, as a web page's info box stands above the title, so that read
/// back the text starts at the title.
fn text_sheet(sheet: &mut Worksheet, doc: &Document, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_column_width(0, KEY_WIDTH)?;
    sheet.set_column_width(1, TEXT_WIDTH)?;
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    let mut row = 0;
    for p in &doc.meta {
        sheet.write_string_with_format(row, 0, &p.key, &styles.key)?;
        sheet.write_string_with_format(row, 1, &p.value, &styles.value)?;
        let lines = text_lines(&p.key, KEY_WIDTH, TEXT_PT).max(text_lines(&p.value, TEXT_WIDTH, TEXT_PT));
        sheet.set_row_height(row, row_height(lines, TEXT_PT))?;
        row += 1;
    }
    if row > 0 {
        row += 1;
    }
    for block in doc.blocks.iter().filter(|b| is_text(b)) {
        text_row(sheet, row, block, styles)?;
        row += 1;
    }
    Ok(())
}

/// A heading or paragraph in column B, its row as tall as the wrapped text.
fn text_row(sheet: &mut Worksheet, row: u32, block: &Block, styles: &Styles) -> Result<(), XlsxError> {
    let (text, format, pt) = match block {
        Block::Heading { level: 1, text, .. } => (text, styles.title.clone(), TITLE_PT),
        Block::Heading { level: 2, text, .. } => (text, styles.heading.clone(), TEXT_PT),
        Block::Heading { text, .. } => (text, styles.subheading.clone(), TEXT_PT),
        Block::Paragraph { text, align, .. } => (text, aligned(&styles.paragraph, *align), TEXT_PT),
        Block::Table(_) | Block::Image { .. } => return Ok(()),
    };
    sheet.write_string_with_format(row, 1, text, &format)?;
    sheet.set_row_height(row, row_height(text_lines(text, TEXT_WIDTH, pt), pt))?;
    Ok(())
}

fn aligned(format: &Format, align: Align) -> Format {
    match align {
        Align::Justify | Align::Left => format.clone(),
        Align::Center => format.clone().set_align(FormatAlign::Center),
        Align::Right => format.clone().set_align(FormatAlign::Right),
    }
}

/// A table in the official way: its cells from A1, spans merged, everything bordered, header
/// rows centred, each row as tall as its wrapped text needs.
fn table_sheet(sheet: &mut Worksheet, table: &Table, styles: &Styles) -> Result<(), XlsxError> {
    let grid = table.grid();
    let header_rows = (table.header_rows as usize).min(grid.slots.len());
    let widths = column_widths(table, &grid);
    for (c, width) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    for (r, line) in grid.slots.iter().enumerate() {
        let header = r < header_rows || (header_rows == 0 && is_caption_row(table, line));
        let mut lines = 1;
        for (c, slot) in line.iter().enumerate() {
            let (row, col) = (r as u32, c as u16);
            let Some(slot) = slot else {
                // A hole left by a ragged row: still part of the boxed table.
                sheet.write_blank(row, col, &styles.label)?;
                continue;
            };
            if !slot.origin {
                continue;
            }
            let cell = table.cell(*slot);
            let value = Value::of(&cell.text);
            let format = match &value {
                _ if header => &styles.header,
                Value::Number(_, decimals) if (1..=2).contains(decimals) => &styles.decimal,
                Value::Number(..) | Value::Empty => &styles.number,
                Value::Text(_) => &styles.label,
            };
            let (height, width) = extent(&grid, r, c, *slot);
            if height > 1 || width > 1 {
                sheet.merge_range(row, col, row + height as u32 - 1, col + width as u16 - 1, "", format)?;
            }
            match value {
                Value::Number(n, _) => sheet.write_number_with_format(row, col, n, format)?,
                Value::Text(t) => sheet.write_string_with_format(row, col, t, format)?,
                Value::Empty => sheet.write_blank(row, col, format)?,
            };
            if height == 1 {
                lines = lines.max(text_lines(&cell.text, widths[c..c + width].iter().sum(), TABLE_PT));
            }
        }
        sheet.set_row_height(r as u32, row_height(lines, TABLE_PT))?;
    }
    page_setup(sheet, header_rows, grid.width)
}

/// In a table without declared header rows, a row of text only (captions, column headers)
/// is styled as a header; a row with a number or an empty cell holds data.
fn is_caption_row(table: &Table, line: &[Option<Slot>]) -> bool {
    line.iter().flatten().filter(|s| s.origin).all(|s| matches!(Value::of(&table.cell(*s).text), Value::Text(_)))
}

/// How many lines `text` takes in a column `width` characters wide, in a font of `pt` points.
fn text_lines(text: &str, width: f64, pt: f64) -> usize {
    let room = (width - 1.0).max(1.0);
    text.split('\n').map(|l| ((display_width(l) * pt / 11.0) / room).ceil().max(1.0) as usize).sum()
}

fn row_height(lines: usize, pt: f64) -> f64 {
    lines as f64 * pt * 1.35 + 4.0
}

fn page_setup(sheet: &mut Worksheet, header_rows: usize, width: usize) -> Result<(), XlsxError> {
    sheet.set_paper_size(A4);
    if width > LANDSCAPE_FROM_COLUMNS {
        sheet.set_landscape();
    }
    sheet.set_print_fit_to_pages(1, 0);
    if header_rows > 0 {
        sheet.set_freeze_panes(header_rows as u32, 0)?;
        sheet.set_repeat_rows(0, header_rows as u32 - 1)?;
    }
    Ok(())
}

/// How many rows and columns of the grid the cell at an origin slot really covers: its spans,
/// cut where another cell took a position first (in a malformed table).
fn extent(grid: &Grid, r: usize, c: usize, slot: Slot) -> (usize, usize) {
    let owns = |rr: usize, cc: usize| {
        grid.slots
            .get(rr)
            .and_then(|l| l.get(cc))
            .copied()
            .flatten()
            .is_some_and(|s| s.row == slot.row && s.index == slot.index)
    };
    let width = (c..grid.width).take_while(|&cc| owns(r, cc)).count().max(1);
    let height = (r..grid.slots.len()).take_while(|&rr| (c..c + width).all(|cc| owns(rr, cc))).count().max(1);
    (height, width)
}

/// A cell's text as it should be stored.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Empty,
    /// A plain decimal number and how many decimals it was printed with.
    Number(f64, usize),
    Text(&'a str),
}

impl<'a> Value<'a> {
    fn of(text: &'a str) -> Value<'a> {
        let t = text.trim();
        if t.is_empty() {
            return Value::Empty;
        }
        match plain_number(t) {
            Some((n, decimals)) => Value::Number(n, decimals),
            None => Value::Text(text),
        }
    }
}

/// `-12`, `0`, `7.15`: digits with an optional sign and decimals, without leading zeros (an
/// `007` is a code, not a number) and within the 15 digits a spreadsheet keeps exactly.
fn plain_number(t: &str) -> Option<(f64, usize)> {
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits_ok(int)
        || !digits_ok(frac)
        || (unsigned.contains('.') && frac.is_empty())
        || (int.len() > 1 && int.starts_with('0'))
        || int.len() + frac.len() > 15
    {
        return None;
    }
    Some((t.parse().ok()?, frac.len()))
}

/// Each column as wide as its longest line among the cells that sit in it alone, within
/// [`MIN_COLUMN`, `MAX_COLUMN`]: wide labels wrap rather than stretch the table.
fn column_widths(table: &Table, grid: &Grid) -> Vec<f64> {
    let mut widths = vec![MIN_COLUMN; grid.width];
    for line in &grid.slots {
        for (c, slot) in line.iter().enumerate() {
            let Some(slot) = slot.filter(|s| s.origin) else {
                continue;
            };
            let cell = table.cell(slot);
            if cell.colspan > 1 {
                continue;
            }
            let longest = cell.text.lines().map(display_width).fold(0.0, f64::max);
            widths[c] = widths[c].max((longest + 2.0).min(MAX_COLUMN));
        }
    }
    widths
}

/// Width in Excel's column units (the digit width of the default 11pt font): CJK and
/// full-width characters take about two.
fn display_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) >= 0x1100 { 2.1 } else { 1.1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_and_everything_else() {
        assert_eq!(Value::of("0"), Value::Number(0.0, 0));
        assert_eq!(Value::of("-3"), Value::Number(-3.0, 0));
        assert_eq!(Value::of("2314.86"), Value::Number(2314.86, 2));
        assert_eq!(Value::of(" 12 "), Value::Number(12.0, 0));
        assert_eq!(Value::of(""), Value::Empty);
        for text in ["—", "/", "251000元", "007", "1,234", "1.", ".5", "+3", "1e5", "1234567890123456", "三"] {
            assert_eq!(Value::of(text), Value::Text(text), "{text}");
        }
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut names = SheetNames::default();
        assert_eq!(names.claim("主动公开", 1), "主动公开");
        assert_eq!(names.claim("主动公开", 2), "主动公开 (2)");
        assert_eq!(names.claim("a/b:c[d]*?\\", 3), "abcd");
        assert_eq!(names.claim("", 4), "Sheet 4");
        assert_eq!(names.claim("History", 5), "Sheet 5");
        assert_eq!(names.claim("'quoted'", 6), "quoted");
        let long = "二、收到和处理政府信息公开申请情况以及其他需要报告的事项的说明文字";
        let got = names.claim(long, 7);
        assert_eq!(got.encode_utf16().count(), 31);
        assert!(long.starts_with(&got));
        let again = names.claim(long, 8);
        assert!(again.ends_with(" (2)") && again.encode_utf16().count() <= 31, "{again}");
    }

    #[test]
    fn display_width_counts_cjk_double() {
        assert!((display_width("总计") - 4.2).abs() < 1e-9);
        assert!((display_width("ab") - 2.2).abs() < 1e-9);
    }
}
