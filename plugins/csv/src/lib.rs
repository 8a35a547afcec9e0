//! The tables of a Document as CSV (RFC 4180), and the example of a nianbao plugin: a whole
//! reader and writer in one file, knowing its format and nothing about reports. Copy it to
//! start a plugin of your own.
//!
//! Each table is a block of records; tables are separated by one empty line. A merged cell's
//! text stands at its top-left position and the positions it covers are empty, so a reader of
//! the file sees the table as printed. Headings, paragraphs and images have no place in CSV
//! and are left out (the writer says so in a note). Reading gives one table per block.

use nianbao_plugin::{
    export_plugin, note, Block, Cell, Document, Error, Format, FormatPlugin, Options, PluginOption, Table,
};

pub struct Csv;

/// Cells a file may hold in all unless `max-cells` says otherwise: bounds memory on any input.
const MAX_CELLS: usize = 100_000;

impl FormatPlugin for Csv {
    const NAME: &'static str = "csv";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("csv", "The tables as comma-separated values (UTF-8), one block per table")
            .extensions(&["csv"])
            .media_types(&["text/csv"])
            .readable()
            .writable()]
    }

    fn options() -> Vec<PluginOption> {
        vec![PluginOption::new("max-cells", "the most cells the file may hold").default("100000").for_reading()]
    }

    fn read(_format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
        let max = match options.get("max-cells") {
            Some(v) => v.parse().map_err(|_| Error::new(format!("option max-cells={v}: not a whole number")))?,
            None => MAX_CELLS,
        };
        let text = std::str::from_utf8(bytes).map_err(|e| Error::new(format!("not UTF-8 text: {e}")))?;
        let records = parse(text.strip_prefix('\u{feff}').unwrap_or(text), max)?;
        let mut blocks = Vec::new();
        for table in records.split(|r| r.is_empty()).filter(|t| !t.is_empty()) {
            let rows = table.iter().map(|r| r.iter().map(Cell::new).collect()).collect();
            blocks.push(Block::Table(Table { rows, ..Table::default() }));
        }
        Ok(Document::new(blocks))
    }

    fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        let mut out = String::new();
        let mut left_out = 0;
        for block in &doc.blocks {
            let Block::Table(t) = block else {
                left_out += 1;
                continue;
            };
            if !out.is_empty() {
                out.push_str("\r\n");
            }
            let grid = t.grid();
            for line in &grid.slots {
                let fields: Vec<String> = line
                    .iter()
                    .map(|s| s.filter(|s| s.origin).map_or(String::new(), |s| quote(&t.cell(s).text)))
                    .collect();
                // A record of one empty field would read as the blank line between tables.
                let record = fields.join(",");
                out.push_str(if record.is_empty() { "\"\"" } else { &record });
                out.push_str("\r\n");
            }
        }
        if left_out > 0 {
            note(format!("CSV holds tables only: {left_out} headings, paragraphs and images were left out"));
        }
        Ok(out.into_bytes())
    }
}

export_plugin!(Csv);

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// The records of a CSV text; an empty line is an empty record (a table break).
fn parse(text: &str, max_cells: usize) -> Result<Vec<Vec<String>>, Error> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    // `touched`: the line has something, if only `""`, so it is a record and not a break.
    let (mut quoted, mut touched, mut cells, mut line, mut opened) = (false, false, 0usize, 1, 1);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if !quoted && chars.peek() == Some(&'\n') => continue,
            '\n' | '\r' if !quoted => {
                line += 1;
                if std::mem::take(&mut touched) {
                    record.push(std::mem::take(&mut field));
                }
                cells += record.len();
                if cells > max_cells {
                    return Err(Error::new(format!("more than {max_cells} cells (-O max-cells=N raises it)")));
                }
                records.push(std::mem::take(&mut record));
                continue;
            }
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' if quoted => quoted = false,
            '"' if field.is_empty() => (quoted, opened) = (true, line),
            ',' if !quoted => record.push(std::mem::take(&mut field)),
            c => {
                line += usize::from(c == '\n');
                field.push(c);
            }
        }
        touched = true;
    }
    if quoted {
        return Err(Error::new(format!("a quoted field opened on line {opened} is never closed")));
    }
    if touched {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}
