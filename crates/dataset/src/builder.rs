//! Arrow builders for one table, filled a row at a time in the schema's column order.

use crate::schema::{Kind, Table};
use arrow_array::builder::{
    BooleanBuilder, Float32Builder, Float64Builder, Int32Builder, ListBuilder, StringBuilder, UInt32Builder,
    UInt8Builder,
};
use arrow_array::{ArrayRef, RecordBatch};

enum Col {
    Utf8(StringBuilder),
    Bool(BooleanBuilder),
    UInt8(UInt8Builder),
    UInt32(UInt32Builder),
    Int32(Int32Builder),
    Float32(Float32Builder),
    Float64(Float64Builder),
    ListUtf8(ListBuilder<StringBuilder>),
    ListFloat64(ListBuilder<Float64Builder>),
}

impl Col {
    fn new(kind: Kind) -> Col {
        match kind {
            Kind::Utf8 => Col::Utf8(StringBuilder::new()),
            Kind::Bool => Col::Bool(BooleanBuilder::new()),
            Kind::UInt8 => Col::UInt8(UInt8Builder::new()),
            Kind::UInt32 => Col::UInt32(UInt32Builder::new()),
            Kind::Int32 => Col::Int32(Int32Builder::new()),
            Kind::Float32 => Col::Float32(Float32Builder::new()),
            Kind::Float64 => Col::Float64(Float64Builder::new()),
            Kind::ListUtf8 => Col::ListUtf8(ListBuilder::new(StringBuilder::new())),
            Kind::ListFloat64 => Col::ListFloat64(ListBuilder::new(Float64Builder::new())),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        use std::sync::Arc;
        match self {
            Col::Utf8(b) => Arc::new(b.finish()),
            Col::Bool(b) => Arc::new(b.finish()),
            Col::UInt8(b) => Arc::new(b.finish()),
            Col::UInt32(b) => Arc::new(b.finish()),
            Col::Int32(b) => Arc::new(b.finish()),
            Col::Float32(b) => Arc::new(b.finish()),
            Col::Float64(b) => Arc::new(b.finish()),
            Col::ListUtf8(b) => Arc::new(b.finish()),
            Col::ListFloat64(b) => Arc::new(b.finish()),
        }
    }
}

/// Rows of one table under construction. Each row is pushed column by column, in the schema's
/// order, and closed with [`TableBuilder::end_row`]; pushing a value of the wrong type is a bug
/// in this crate and panics with the column's name.
pub struct TableBuilder {
    table: Table,
    cols: Vec<Col>,
    at: usize,
    rows: usize,
}

macro_rules! push {
    ($name:ident, $variant:ident, $t:ty) => {
        pub fn $name(&mut self, v: $t) -> &mut Self {
            match &mut self.cols[self.at] {
                Col::$variant(b) => b.append_option(v),
                _ => self.mismatch(stringify!($variant)),
            }
            self.at += 1;
            self
        }
    };
}

impl TableBuilder {
    pub fn new(table: Table) -> TableBuilder {
        TableBuilder { table, cols: table.columns.iter().map(|c| Col::new(c.kind)).collect(), at: 0, rows: 0 }
    }

    pub fn table(&self) -> Table {
        self.table
    }

    /// Rows pushed since the last [`TableBuilder::finish`].
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    #[cold]
    fn mismatch(&self, kind: &str) -> ! {
        let c = self.table.columns.get(self.at);
        panic!("{}: a {kind} pushed into column {c:?}", self.table.name)
    }

    push!(str, Utf8, Option<&str>);
    push!(u8, UInt8, Option<u8>);
    push!(u32, UInt32, Option<u32>);
    push!(i32, Int32, Option<i32>);
    push!(f32, Float32, Option<f32>);
    push!(f64, Float64, Option<f64>);

    pub fn bool(&mut self, v: Option<bool>) -> &mut Self {
        match &mut self.cols[self.at] {
            Col::Bool(b) => b.append_option(v),
            _ => self.mismatch("Bool"),
        }
        self.at += 1;
        self
    }

    pub fn strs<S: AsRef<str>>(&mut self, v: &[S]) -> &mut Self {
        match &mut self.cols[self.at] {
            Col::ListUtf8(b) => {
                for s in v {
                    b.values().append_value(s.as_ref());
                }
                b.append(true);
            }
            _ => self.mismatch("ListUtf8"),
        }
        self.at += 1;
        self
    }

    pub fn f64s(&mut self, v: &[Option<f64>]) -> &mut Self {
        match &mut self.cols[self.at] {
            Col::ListFloat64(b) => {
                for x in v {
                    b.values().append_option(*x);
                }
                b.append(true);
            }
            _ => self.mismatch("ListFloat64"),
        }
        self.at += 1;
        self
    }

    pub fn end_row(&mut self) {
        assert_eq!(
            self.at,
            self.cols.len(),
            "{}: a row of {} columns, not {}",
            self.table.name,
            self.cols.len(),
            self.at
        );
        self.at = 0;
        self.rows += 1;
    }

    /// The rows pushed so far as one record batch; the builder starts empty again.
    pub fn finish(&mut self) -> RecordBatch {
        assert_eq!(self.at, 0, "{}: finish in the middle of a row", self.table.name);
        self.rows = 0;
        let arrays = self.cols.iter_mut().map(Col::finish).collect();
        RecordBatch::try_new(self.table.arrow(), arrays).expect("builders follow the schema")
    }
}
