//! The canonical report model of `spec/report-model.md` (contract v1), as serde types.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

pub use nianbao_document::Source;

pub const MODEL: &str = "nianbao.report/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Always `nianbao.report/1`: the major version of the contract. Minor versions (this is
    /// 1.1) only add optional keys.
    pub model: String,
    pub meta: Meta,
    pub sections: Vec<Section>,
    pub tables: Tables,
    /// How sure recognition is of what it read (contract 1.1). Absent for a report that was
    /// not recognized from a document (read from JSON, or built by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition: Option<Recognition>,
}

/// The version of the contract that this crate writes; see `docs/report-model.md`.
pub const CONTRACT: &str = "1.1";

/// Recognition's verdict on a whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Recognition {
    pub grade: Grade,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    /// Every printed row matched its template row without guessing, and nothing was left
    /// unplaced.
    Exact,
    /// Something was guessed, is missing, or was left unplaced: see the tables' `review_notes`.
    Review,
    /// The document has a statistical table that could not be recognized.
    Failed,
}

impl Grade {
    pub fn key(self) -> &'static str {
        match self {
            Grade::Exact => "exact",
            Grade::Review => "review",
            Grade::Failed => "failed",
        }
    }
}

/// What recognition had to guess about one table, or could not do: one entry per decision a
/// reader of the numbers should look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Review {
    pub kind: ReviewKind,
    /// The model key concerned: a row (`denied.prohibited_by_law`), a cell
    /// (`granted.total`, `review.total`), or absent for the whole table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// The text as printed (a label, a cell's text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed: Option<String>,
    /// What was decided, in words.
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// A printed label matched a template row only approximately (a typo, a missing word).
    FuzzyLabel,
    /// A row or column was placed by its position alone (no label, or a merged label).
    ByPosition,
    /// A template row the document does not print (listed in `missing`).
    Missing,
    /// Printed numbers that could not be placed (listed in `unplaced`).
    Unplaced,
    /// A row the template does not have, kept in `extra_rows`.
    ExtraRow,
    /// A number read from unusual text: a unit (`3件`), full-width digits, a number split
    /// over pieces, a thousands separator.
    OddNumber,
    /// The layout (gb2021 or gb2019) was decided on weak evidence.
    Layout,
}

/// Numbers printed in a table that recognition could not put in a cell of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unplaced {
    /// The row's label as printed (empty if it had none).
    pub label: String,
    /// The row's cells as printed, numbers and markers alike.
    pub values: Vec<String>,
    /// Why they were not placed.
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// Where a cell's value was printed: its text as printed and its position in the source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    pub text: String,
    #[serde(flatten)]
    pub source: Source,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meta {
    /// The report's title as printed; empty when the document prints none.
    #[serde(default)]
    pub title: String,
    /// The reporting body (报告主体).
    #[serde(default)]
    pub agency: Option<String>,
    /// The report year (统计年度), not the publication year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Publication or signature date, `YYYY-MM-DD`.
    #[serde(default)]
    pub published: Option<String>,
    /// 索引号, when printed.
    #[serde(default)]
    pub index_no: Option<String>,
    /// The layout of the applications table, or `freeform`.
    pub layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// 国办公开办函〔2021〕30号
    Gb2021,
    /// 国办公开办函〔2019〕60号
    Gb2019,
    /// No official tables.
    Freeform,
}

impl Layout {
    pub fn key(self) -> &'static str {
        match self {
            Layout::Gb2021 => "gb2021",
            Layout::Gb2019 => "gb2019",
            Layout::Freeform => "freeform",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// 1..6 for the standard sections, 0 for the preamble, null for a freeform report's own
    /// headings.
    pub no: Option<u8>,
    pub title: String,
    pub paragraphs: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Tables {
    /// Section 二. `null` when the document has no such table.
    #[serde(default)]
    pub active_disclosure: Option<RowTable>,
    /// Section 三.
    #[serde(default)]
    pub applications: Option<RowTable>,
    /// Section 四.
    #[serde(default)]
    pub review_litigation: Option<ReviewLitigation>,
}

/// A cell value: a number as printed, `None` for a blank or a marker such as `—`.
pub type Value = Option<Num>;

/// A table of rows keyed by row key, each a map of column key to value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RowTable {
    pub layout: Layout,
    #[serde(serialize_with = "rows_with_decimal_amounts")]
    pub rows: IndexMap<String, IndexMap<String, Value>>,
    /// Printed markers of null cells, keyed `row.column` (`{"granted.total": "/"}`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub marks: IndexMap<String, String>,
    /// Rows the layout does not know (provincial variants), kept rather than dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_rows: Vec<ExtraRow>,
    #[serde(flatten)]
    pub recognized: Recognized,
}

/// What a table's recognition adds to its values (contract 1.1): all empty for a table that
/// was not read from a document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Recognized {
    /// Keys of the layout's rows (or, for section 四, cells) that the document does not print.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Printed numbers that have no cell in the model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unplaced: Vec<Unplaced>,
    /// What recognition guessed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub review_notes: Vec<Review>,
    /// Where each non-null cell was printed, keyed like `marks` (`granted.total`); filled when
    /// asked for (`--provenance`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub provenance: IndexMap<String, Provenance>,
}

impl Recognized {
    /// Nothing guessed, missing or unplaced.
    pub fn is_exact(&self) -> bool {
        self.missing.is_empty() && self.unplaced.is_empty() && self.review_notes.is_empty()
    }
}

impl RowTable {
    pub fn new(layout: Layout) -> RowTable {
        RowTable {
            layout,
            rows: IndexMap::new(),
            marks: IndexMap::new(),
            extra_rows: Vec::new(),
            recognized: Recognized::default(),
        }
    }

    pub fn get(&self, row: &str, col: &str) -> Value {
        self.rows.get(row).and_then(|r| r.get(col)).copied().flatten()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExtraRow {
    pub label: String,
    pub values: Vec<Value>,
}

/// Section 四: three groups of five cells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewLitigation {
    pub review: Outcomes,
    pub litigation_direct: Outcomes,
    pub litigation_after_review: Outcomes,
    /// Printed markers of null cells, keyed `group.column`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub marks: IndexMap<String, String>,
    #[serde(flatten)]
    pub recognized: Recognized,
}

impl ReviewLitigation {
    pub fn group(&self, key: &str) -> Option<&Outcomes> {
        match key {
            "review" => Some(&self.review),
            "litigation_direct" => Some(&self.litigation_direct),
            "litigation_after_review" => Some(&self.litigation_after_review),
            _ => None,
        }
    }

    pub fn group_mut(&mut self, key: &str) -> Option<&mut Outcomes> {
        match key {
            "review" => Some(&mut self.review),
            "litigation_direct" => Some(&mut self.litigation_direct),
            "litigation_after_review" => Some(&mut self.litigation_after_review),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Outcomes {
    pub upheld: Value,
    pub corrected: Value,
    pub other: Value,
    pub pending: Value,
    pub total: Value,
}

impl Outcomes {
    pub fn get(&self, key: &str) -> Value {
        match key {
            "upheld" => self.upheld,
            "corrected" => self.corrected,
            "other" => self.other,
            "pending" => self.pending,
            "total" => self.total,
            _ => None,
        }
    }

    pub fn slot(&mut self, key: &str) -> Option<&mut Value> {
        match key {
            "upheld" => Some(&mut self.upheld),
            "corrected" => Some(&mut self.corrected),
            "other" => Some(&mut self.other),
            "pending" => Some(&mut self.pending),
            "total" => Some(&mut self.total),
            _ => None,
        }
    }
}

/// Amounts (`fees.amount`, `procurement.amount`) are decimals in the model: written `0.0`, not
/// `0`, whatever their value; every other count is written as an integer when it is one.
fn rows_with_decimal_amounts<S: Serializer>(
    rows: &IndexMap<String, IndexMap<String, Value>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    struct Row<'a>(&'a IndexMap<String, Value>);
    impl Serialize for Row<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in self.0 {
                match v {
                    Some(n) if k == "amount" => m.serialize_entry(k, &n.0)?,
                    _ => m.serialize_entry(k, v)?,
                }
            }
            m.end()
        }
    }
    let mut m = s.serialize_map(Some(rows.len()))?;
    for (k, r) in rows {
        m.serialize_entry(k, &Row(r))?;
    }
    m.end()
}

/// A number from a table cell. Integral values are written as JSON integers (`0`, not `0.0`).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Num(pub f64);

impl Num {
    pub fn is_integral(self) -> bool {
        self.0.fract() == 0.0 && self.0.abs() < 9.0e15
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_integral() {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_integral() {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        f64::deserialize(d).map(Num)
    }
}

impl JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "number" })
    }
}

impl Report {
    pub fn new(meta: Meta) -> Report {
        Report { model: MODEL.to_string(), meta, sections: Vec::new(), tables: Tables::default(), recognition: None }
    }
}
