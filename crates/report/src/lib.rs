//! The canonical report model of nianbao (`nianbao.report/1`), the two official table layouts
//! (国办公开办函〔2021〕30号 and 〔2019〕60号) as data, and the consistency rules that
//! `validate` checks.

pub mod layout;
mod model;
mod validate;

pub use indexmap::IndexMap;
pub use model::*;
pub use validate::{validate, validate_years, Finding, Severity};

/// The JSON Schema of the model, as `nianbao schema` prints it.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Report)).expect("schema serializes")
}
