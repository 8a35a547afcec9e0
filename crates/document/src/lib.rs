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

/// A whole document: its properties and its content in reading order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
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
    },
    Paragraph {
        text: String,
        #[serde(default, skip_serializing_if = "Align::is_default")]
        align: Align,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The cell's text; line breaks inside the cell are `\n`.
    pub text: String,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub rowspan: u32,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub colspan: u32,
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
        Cell { text: text.into(), rowspan: 1, colspan: 1 }
    }

    pub fn span(text: impl Into<String>, rowspan: u32, colspan: u32) -> Cell {
        Cell { text: text.into(), rowspan: rowspan.max(1), colspan: colspan.max(1) }
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

impl Document {
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
            meta: vec![Prop { key: "title".into(), value: "t".into() }],
            blocks: vec![
                Block::Heading { level: 1, text: "t".into() },
                Block::Paragraph { text: "p".into(), align: Align::Right },
                Block::Table(official_corner()),
                Block::Image { alt: String::new() },
            ],
            notes: vec![],
        };
        let json = serde_json::to_string(&doc).unwrap();
        assert!(json.contains(r#"{"type":"paragraph","text":"p","align":"right"}"#), "{json}");
        assert!(json.contains(r#"{"text":"商业企业"}"#), "{json}");
        assert!(!json.contains("notes"));
        let back: Document = serde_json::from_str(&json).unwrap();
        assert_eq!(back, doc);
    }
}
