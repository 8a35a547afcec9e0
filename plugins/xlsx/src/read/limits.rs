//! The budgets a workbook is read within, set by the options every nianbao plugin shares:
//! `max-cells`, `max-cell-chars`, `max-inflated-mb` and `max-part-mb`. Each limit is checked
//! before the memory it guards is taken, and each error says which option raises it.

use nianbao_plugin::{Error, Options};

/// A megabyte as the options count it.
pub(crate) const MB: u64 = 1 << 20;

/// Non-empty cells of one sheet (and positions of one table).
const CELLS: u64 = 100_000;
/// Characters of one cell. Excel stops at 32 767.
const CELL_CHARS: u64 = 100_000;
/// Bytes the parts of a package may inflate to in all, and at most this many times the size
/// of the file unless `max-inflated-mb` is given: XML compresses some 5–20 times, a zip bomb
/// a thousand.
const INFLATED_MB: u64 = 256;
const INFLATION: u64 = 200;
/// Bytes one part of a package may inflate to.
const PART_MB: u64 = 64;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub cells: u64,
    pub cell_chars: u64,
    pub inflated: u64,
    pub part: u64,
    /// The size of the file, for the messages.
    input: u64,
    /// Whether `max-inflated-mb` was given (else the limit follows the file's size).
    inflated_given: bool,
}

fn option(options: &Options, key: &str) -> Result<Option<u64>, Error> {
    match options.get(key) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(Some)
            .ok_or_else(|| Error::new(format!("option {key}={v}: not a positive whole number"))),
    }
}

impl Limits {
    pub fn new(options: &Options, input: usize) -> Result<Limits, Error> {
        let input = input as u64;
        let given = option(options, "max-inflated-mb")?;
        let inflated = match given {
            Some(mb) => mb.saturating_mul(MB),
            None => (INFLATED_MB * MB).min(input.saturating_mul(INFLATION)),
        };
        Ok(Limits {
            cells: option(options, "max-cells")?.unwrap_or(CELLS),
            cell_chars: option(options, "max-cell-chars")?.unwrap_or(CELL_CHARS),
            inflated,
            part: option(options, "max-part-mb")?.unwrap_or(PART_MB).saturating_mul(MB),
            input,
            inflated_given: given.is_some(),
        })
    }

    /// Non-empty cells of a whole workbook: ten sheets at their limit.
    pub fn workbook_cells(&self) -> u64 {
        self.cells.saturating_mul(10)
    }

    /// Cell positions that calamine may lay out as dense rectangles (xls and ods sheets, from
    /// A1 to their last cells), in all.
    pub fn positions(&self) -> u64 {
        self.cells.saturating_mul(50)
    }

    /// What to say when the package (or the text of its cells) grows past `inflated`.
    pub fn inflated_error(&self, what: &str) -> Error {
        let how = if self.inflated_given {
            "-O max-inflated-mb=N raises it".to_string()
        } else {
            let file = if self.input < 1024 { format!("{}-byte", self.input) } else { size(self.input) };
            format!("the limit for a {file} file; -O max-inflated-mb=N raises it")
        };
        Error::new(format!("{what} past {} ({how})", size(self.inflated)))
    }

    pub fn part_error(&self, part: &str) -> Error {
        Error::new(format!("{part} inflates past {} (-O max-part-mb=N raises it)", size(self.part)))
    }

    pub fn cells_error(&self, sheet: &str) -> Error {
        Error::new(format!("sheet '{sheet}' has more than {} non-empty cells (-O max-cells=N raises it)", self.cells))
    }

    pub fn workbook_cells_error(&self) -> Error {
        Error::new(format!(
            "the workbook has more than {} non-empty cells, ten times max-cells (-O max-cells=N raises it)",
            self.workbook_cells()
        ))
    }

    pub fn cell_chars_error(&self, sheet: &str, cell: &str) -> Error {
        Error::new(format!(
            "sheet '{sheet}' cell {cell} holds more than {} characters (-O max-cell-chars=N raises it)",
            self.cell_chars
        ))
    }
}

/// A byte count as people say it: `512 bytes`, `9 KB`, `1.8 MB`, `256 MB`.
pub(crate) fn size(bytes: u64) -> String {
    let (kb, mb) = (bytes as f64 / 1024.0, bytes as f64 / MB as f64);
    if bytes < 1024 {
        format!("{bytes} bytes")
    } else if bytes < MB {
        format!("{kb:.0} KB")
    } else if mb < 10.0 && !bytes.is_multiple_of(MB) {
        format!("{mb:.1} MB")
    } else {
        format!("{mb:.0} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_inflation_follows_the_file_size_unless_given() {
        let small = Limits::new(&Options::new(), 9 * 1024).unwrap();
        assert_eq!(small.inflated, 200 * 9 * 1024);
        assert_eq!(
            small.inflated_error("the package inflates").0,
            "the package inflates past 1.8 MB (the limit for a 9 KB file; -O max-inflated-mb=N raises it)"
        );
        let big = Limits::new(&Options::new(), 10 << 20).unwrap();
        assert_eq!(big.inflated, 256 * MB);
        let mut options = Options::new();
        options.insert("max-inflated-mb".into(), "2000".into());
        assert_eq!(Limits::new(&options, 9 * 1024).unwrap().inflated, 2000 * MB);
        options.insert("max-cells".into(), "lots".into());
        assert_eq!(Limits::new(&options, 1).unwrap_err().0, "option max-cells=lots: not a positive whole number");
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(512), "512 bytes");
        assert_eq!(size(9 * 1024 + 100), "9 KB");
        assert_eq!(size(256 * MB), "256 MB");
        assert_eq!(size(MB + MB / 2), "1.5 MB");
    }
}
