//! The Document IR: a small, format-neutral block tree that every format plugin reads into and
//! writes from, and the only thing that crosses the plugin boundary (as JSON).
//!
//! It knows nothing about annual reports. A reader turns its format into headings, paragraphs,
//! tables with row/column spans, and image placeholders; a writer expresses such a tree in its
//! format. The host's `recognize` turns a Document into a report and `render` builds one back.
//!
//! Tables follow the HTML model: `rows[r]` lists only the cells that *start* in row `r`, left to
//! right; a cell with `rowspan`/`colspan` covers the positions below and to its right, and those
//! positions have no cell of their own. [`Table::grid`] resolves that into a rectangle.

use serde::{Deserialize, Serialize};

/// The version of the Document contract (`docs/document-ir.md`) that this crate writes:
/// `MAJOR.MINOR`. Minor versions add optional keys that older hosts ignore; a host refuses a
/// Document of another major version. A Document without a `version` key is 1.0.
pub const VERSION: &str = "1.1";

/// The major version a host of this crate reads.
pub const MAJOR: u32 = 1;

/// A whole document: its properties and its content in reading order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The contract version the producer wrote, [`VERSION`] for this crate.
    #[serde(default = "version_1_0")]
    pub version: String,
    /// Properties of the source as key/value pairs, in the order found: a format's own
    /// metadata under the plain keys `title`, `author`, `date` (ISO `YYYY-MM-DD` where known),
    /// `lang`, `subject`, `keywords`, and label/value pairs a reader found in a metadata box
    /// (e.g. a web page's `发布机构` → `…`), under the label as printed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub meta: Vec<Prop>,
    pub blocks: Vec<Block>,
    /// What the reader noticed and could not express as blocks (an image where a table was,
    /// a page without a text layer, …), and, when asked for with the `inspect` option,
    /// diagnostics such as per-page lines and table grids. Shown by `nianbao inspect`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Default for Document {
    fn default() -> Document {
        Document { version: VERSION.to_string(), meta: Vec::new(), blocks: Vec::new(), notes: Vec::new() }
    }
}

fn version_1_0() -> String {
    "1.0".to_string()
}

/// Where a block or a cell was printed in the source file, as far as its format tells: readers
/// fill what they know and leave the rest out. It is how a number in the report model can be
/// traced back to the page, sheet or line it was read from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Source {
    /// The page, from 1 (PDF, OFD, a scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The box on that page in points, `[x0, y0, x1, y1]`, measured from the page's top-left
    /// corner with y growing downward (as a page is looked at, not as PDF stores it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f32; 4]>,
    /// A spreadsheet's sheet name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A spreadsheet cell reference in A1 style (`B7`); for a merged cell, its top-left cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// The table's index among the source's tables in document order, from 0 (DOCX body
    /// tables, HTML `<table>` elements, nested ones counted where they open).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
    /// Row and column of the cell in the source table's own grid, from 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    /// The line of a text file, from 1 (the first line, for a block over several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

impl Source {
    pub fn is_empty(&self) -> bool {
        *self == Source::default()
    }

    pub fn page(page: u32, bbox: [f32; 4]) -> Source {
        Source { page: Some(page), bbox: Some(bbox), ..Source::default() }
    }

    pub fn line(line: u32) -> Source {
        Source { line: Some(line), ..Source::default() }
    }

    pub fn sheet_cell(sheet: impl Into<String>, cell: impl Into<String>) -> Source {
        Source { sheet: Some(sheet.into()), cell: Some(cell.into()), ..Source::default() }
    }

    pub fn table_cell(table: u32, row: u32, col: u32) -> Source {
        Source { table: Some(table), row: Some(row), col: Some(col), ..Source::default() }
    }
}

/// The A1-style name of a 0-based spreadsheet position: `(6, 1)` is `B7`.
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col as u64 + 1;
    while c > 0 {
        let r = ((c - 1) % 26) as u8;
        letters.push(b'A' + r);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8(letters).expect("ASCII"), row as u64 + 1)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prop {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// `level` 1 is the document title, 2 a first-level heading, 3 and deeper sub-headings.
    Heading {
        level: u8,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<Source>,
    },
    Paragraph {
        text: String,
        #[serde(default, skip_serializing_if = "Align::is_default")]
        align: Align,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<Source>,
    },
    Table(Table),
    /// A picture in the flow of text; `alt` is whatever text the format gives for it.
    Image {
        #[serde(default, skip_serializing_if = "String::is_empty")]
        alt: String,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    #[default]
    Justify,
    Left,
    Center,
    Right,
}

impl Align {
    fn is_default(&self) -> bool {
        *self == Align::Justify
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// A short name for the table, where the source gives one (a spreadsheet's sheet name) or
    /// the producer wants one: writers may use it as a sheet name or an anchor. Empty if none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// How many leading rows are header rows (repeated by writers when a table breaks across
    /// pages). 0 when unknown.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub header_rows: u32,
    pub rows: Vec<Vec<Cell>>,
    /// Where the table starts in the source (its page, its index among the tables, its sheet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The cell's text; line breaks inside the cell are `\n`.
    pub text: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub rowspan: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub colspan: u32,
    /// Where the cell was printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

fn one() -> u32 {
    1
}
fn is_one(n: &u32) -> bool {
    *n == 1
}
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), rowspan: 1, colspan: 1, source: None }
    }

    pub fn span(text: impl Into<String>, rowspan: u32, colspan: u32) -> Cell {
        Cell { text: text.into(), rowspan: rowspan.max(1), colspan: colspan.max(1), source: None }
    }

    /// The same cell, printed at `source`.
    pub fn at(mut self, source: Source) -> Cell {
        self.source = (!source.is_empty()).then_some(source);
        self
    }
}

/// One position of a resolved table grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Row and index within `rows[row]` of the cell that covers this position.
    pub row: usize,
    pub index: usize,
    /// True at the cell's top-left position, false where the cell only covers by its spans.
    pub origin: bool,
}

/// A table resolved into a rectangle: `slots[r][c]` says which cell covers row `r`, column `c`
/// (`None` where a ragged row left a hole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub width: usize,
    pub slots: Vec<Vec<Option<Slot>>>,
}

/// Spans larger than this are clamped: a malformed file must not make a grid of billions.
pub const MAX_SPAN: u32 = 1000;

impl Table {
    /// Resolves spans the way HTML does: each cell takes the first free column of its row, and
    /// rowspans reserve positions in the rows below. Rowspans running past the last row are cut.
    pub fn grid(&self) -> Grid {
        let nrows = self.rows.len();
        let mut slots: Vec<Vec<Option<Slot>>> = vec![Vec::new(); nrows];
        for (r, row) in self.rows.iter().enumerate() {
            let mut col = 0;
            for (i, cell) in row.iter().enumerate() {
                while slots[r].get(col).is_some_and(|s| s.is_some()) {
                    col += 1;
                }
                let rs = cell.rowspan.clamp(1, MAX_SPAN) as usize;
                let cs = cell.colspan.clamp(1, MAX_SPAN) as usize;
                for (dr, line) in slots.iter_mut().enumerate().skip(r).take(rs) {
                    for dc in 0..cs {
                        let c = col + dc;
                        if line.len() <= c {
                            line.resize(c + 1, None);
                        }
                        if line[c].is_none() {
                            line[c] = Some(Slot { row: r, index: i, origin: dr == r && dc == 0 });
                        }
                    }
                }
                col += cs;
            }
        }
        let width = slots.iter().map(Vec::len).max().unwrap_or(0);
        for line in &mut slots {
            line.resize(width, None);
        }
        Grid { width, slots }
    }

    /// The cell at a grid slot.
    pub fn cell(&self, slot: Slot) -> &Cell {
        &self.rows[slot.row][slot.index]
    }
}

impl Block {
    /// A paragraph of justified text, with no source position.
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block::Paragraph { text: text.into(), align: Align::Justify, source: None }
    }

    pub fn heading(level: u8, text: impl Into<String>) -> Block {
        Block::Heading { level, text: text.into(), source: None }
    }

    /// Where the block was printed, if the reader said.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => source.as_ref(),
            Block::Table(t) => t.source.as_ref(),
            Block::Image { .. } => None,
        }
    }
}

/// The major version of a `MAJOR.MINOR` version string.
pub fn major(version: &str) -> Option<u32> {
    version.split('.').next()?.trim().parse().ok()
}

impl Document {
    pub fn new(blocks: Vec<Block>) -> Document {
        Document { blocks, ..Document::default() }
    }

    /// The first value of a property, if present.
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|p| p.key == key).map(|p| p.value.as_str())
    }

    /// Calls `f` on the text of every block and table cell, in order.
    pub fn for_each_text_mut(&mut self, mut f: impl FnMut(&mut String)) {
        for b in &mut self.blocks {
            match b {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => f(text),
                Block::Table(t) => t.rows.iter_mut().flatten().for_each(|c| f(&mut c.text)),
                Block::Image { alt } => f(alt),
            }
        }
    }

    pub fn set_prop(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.meta.iter_mut().find(|p| p.key == key) {
            Some(p) => p.value = value,
            None => self.meta.push(Prop { key, value }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official_corner() -> Table {
        // The top of the official applications table: a 3x3 corner, a 7-wide caption, and
        // 自然人/总计 spanning two rows around 法人或其他组织's five sub-columns.
        Table {
            name: String::new(),
            source: None,
            header_rows: 3,
            rows: vec![
                vec![Cell::span("note", 3, 3), Cell::span("申请人情况", 1, 7)],
                vec![Cell::span("自然人", 2, 1), Cell::span("法人或其他组织", 1, 5), Cell::span("总计", 2, 1)],
                ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"].map(Cell::new).to_vec(),
            ],
        }
    }

    #[test]
    fn grid_resolves_row_and_column_spans() {
        let t = official_corner();
        let g = t.grid();
        assert_eq!(g.width, 10);
        let text = |r: usize, c: usize| t.cell(g.slots[r][c].unwrap()).text.clone();
        assert_eq!(text(2, 0), "note");
        assert_eq!(text(2, 3), "自然人");
        assert_eq!(text(2, 4), "商业企业");
        assert_eq!(text(2, 8), "其他");
        assert_eq!(text(2, 9), "总计");
        assert!(g.slots[0][0].unwrap().origin);
        assert!(!g.slots[1][1].unwrap().origin);
    }

    #[test]
    fn ragged_rows_and_overlong_spans_stay_bounded() {
        let t = Table {
            name: String::new(),
            source: None,
            header_rows: 0,
            rows: vec![vec![Cell::span("x", u32::MAX, 2)], vec![Cell::new("a")], vec![]],
        };
        let g = t.grid();
        assert_eq!(g.slots.len(), 3);
        assert_eq!(g.width, 3);
        assert_eq!(t.cell(g.slots[1][2].unwrap()).text, "a");
        assert!(g.slots[2][2].is_none());
    }

    #[test]
    fn json_shape_is_compact_and_round_trips() {
        let doc = Document {
            version: VERSION.into(),
            meta: vec![Prop { key: "title".into(), value: "t".into() }],
            blocks: vec![
                Block::heading(1, "t"),
                Block::Paragraph { text: "p".into(), align: Align::Right, source: Some(Source::line(3)) },
                Block::Table(official_corner()),
                Block::Image { alt: String::new() },
            ],
            notes: vec![],
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains(r#"{"type":"paragraph","text":"p","align":"right","source":{"line":3}}"#), "{json}");
        assert!(json.starts_with(r#"{"version":"1.1","#), "{json}");
        assert!(json.contains(r#"{"text":"商业企业"}"#), "{json}");
        assert!(!json.contains("notes"));
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }

    #[test]
    fn a_document_without_a_version_is_1_0() {
        let d: Document = serde_json::from_str(r#"{"blocks":[]}"#).unwrap();
        assert_eq!(d.version, "1.0");
        assert_eq!(major(&d.version), Some(1));
        assert_eq!(major("2.3"), Some(2));
        assert_eq!(major("x"), None);
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 1), "B7");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(9, 701), "ZZ10");
        assert_eq!(a1(0, 702), "AAA1");
    }

    #[test]
    fn sources_are_left_out_when_empty() {
        let c = Cell::new("3").at(Source::default());
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"text":"3"}"#);
        let c = Cell::new("3").at(Source::sheet_cell("依申请公开", "B7"));
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"text":"3","source":{"sheet":"依申请公开","cell":"B7"}}"#);
    }
}
