//! The four tables of a dataset, their columns and types: the one place they are defined. The
//! Arrow schemas, the CSV headers, the XLSX sheets and the README's tables all come from here.

use arrow_schema::{DataType, Field, Schema, SchemaRef};
use std::sync::{Arc, OnceLock};

/// The version of the dataset's schema, stored in every Parquet file's metadata and in
/// `dataset.json`. A change of a column's name or type is a new version.
pub const SCHEMA_VERSION: &str = "nianbao.dataset/1";

/// The logical type of a column. CSV and XLSX hold the same columns; lists are written there as
/// JSON arrays (`["applications.total.total","applications.granted.total"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Utf8,
    Bool,
    UInt8,
    UInt32,
    Int32,
    Float32,
    Float64,
    ListUtf8,
    ListFloat64,
}

impl Kind {
    /// The Parquet/Arrow type, as the README names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Utf8 => "string",
            Kind::Bool => "bool",
            Kind::UInt8 => "uint8",
            Kind::UInt32 => "uint32",
            Kind::Int32 => "int32",
            Kind::Float32 => "float32",
            Kind::Float64 => "float64",
            Kind::ListUtf8 => "list<string>",
            Kind::ListFloat64 => "list<float64>",
        }
    }

    pub fn arrow(self) -> DataType {
        match self {
            Kind::Utf8 => DataType::Utf8,
            Kind::Bool => DataType::Boolean,
            Kind::UInt8 => DataType::UInt8,
            Kind::UInt32 => DataType::UInt32,
            Kind::Int32 => DataType::Int32,
            Kind::Float32 => DataType::Float32,
            Kind::Float64 => DataType::Float64,
            Kind::ListUtf8 => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
            Kind::ListFloat64 => DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [Column],
}

const fn c(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: false }
}

const fn n(name: &'static str, kind: Kind) -> Column {
    Column { name, kind, nullable: true }
}

use Kind::*;

pub const REPORTS: Table = Table {
    name: "reports",
    columns: &[
        c("id", Utf8),
        c("path", Utf8),
        n("format", Utf8),
        n("pages", UInt32),
        n("error", Utf8),
        c("duplicate", Bool),
        n("title", Utf8),
        n("agency", Utf8),
        n("year", Int32),
        n("published", Utf8),
        n("index_no", Utf8),
        n("layout", Utf8),
        n("active_disclosure_layout", Utf8),
        n("applications_layout", Utf8),
        n("has_review_litigation", Bool),
        n("grade", Utf8),
        n("violations", UInt32),
        n("warnings", UInt32),
        n("not_checkable", UInt32),
        n("rule_0", UInt32),
        n("rule_1", UInt32),
        n("rule_2", UInt32),
        n("rule_3", UInt32),
        n("rule_4", UInt32),
        n("rule_5", UInt32),
        n("rule_6", UInt32),
        n("rule_7", UInt32),
        n("missing", UInt32),
        n("unplaced", UInt32),
        n("reviews", UInt32),
    ],
};

pub const CELLS: Table = Table {
    name: "cells",
    columns: &[
        c("report_id", Utf8),
        c("table_key", Utf8),
        n("row_key", Utf8),
        n("column_key", Utf8),
        n("value", Float64),
        c("status", Utf8),
        n("text", Utf8),
        n("mark", Utf8),
        n("label", Utf8),
        n("note", Utf8),
        n("review", Utf8),
        n("source_page", UInt32),
        n("source_x0", Float32),
        n("source_y0", Float32),
        n("source_x1", Float32),
        n("source_y1", Float32),
        n("source_sheet", Utf8),
        n("source_cell", Utf8),
        n("source_table", UInt32),
        n("source_row", UInt32),
        n("source_col", UInt32),
        n("source_line", UInt32),
    ],
};

pub const FINDINGS: Table = Table {
    name: "findings",
    columns: &[
        c("report_id", Utf8),
        c("rule", UInt8),
        c("severity", Utf8),
        c("cell_keys", ListUtf8),
        c("cell_values", ListFloat64),
        c("message", Utf8),
    ],
};

pub const SECTIONS: Table = Table {
    name: "sections",
    columns: &[c("report_id", Utf8), c("seq", UInt32), n("no", UInt8), c("title", Utf8), c("text", Utf8)],
};

/// The four tables, in the order they are written (and the sheets of the XLSX workbook).
pub const TABLES: [Table; 4] = [REPORTS, CELLS, FINDINGS, SECTIONS];

impl Table {
    /// The Arrow schema, with the schema version in its metadata.
    pub fn arrow(&self) -> SchemaRef {
        static SCHEMAS: OnceLock<Vec<SchemaRef>> = OnceLock::new();
        let all = SCHEMAS.get_or_init(|| {
            TABLES
                .iter()
                .map(|t| {
                    let fields: Vec<Field> =
                        t.columns.iter().map(|c| Field::new(c.name, c.kind.arrow(), c.nullable)).collect();
                    Arc::new(Schema::new(fields))
                })
                .collect()
        });
        let i = TABLES.iter().position(|t| t.name == self.name).expect("one of TABLES");
        all[i].clone()
    }

    pub fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == column)
    }
}
