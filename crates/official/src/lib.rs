//! The official layouts at work: `recognize` reads a report out of any reader's Document, and
//! `render` builds the Document of a report in the official layout (国办公开办函〔2021〕30号 or
//! 〔2019〕60号) for any writer. Also the text normalization recognition relies on.
//!
//! Recognition aligns each table's printed rows with its template's rows (as diff aligns lines)
//! and never places a number on weak evidence: what it could not place is `unplaced`, what the
//! document does not print is `missing`, and every guess is a `review` note, so that a report's
//! grade (`exact`, `review`, `failed`) says how far its numbers can be trusted.
//! [`recognize_with`] adds the grade and, when asked, each cell's provenance.

mod labels;
mod normalize;
mod recognize;
mod render;

pub use normalize::normalize;
pub use recognize::{agency_from_title, recognize, recognize_with, Options, Recognized};
pub use render::{data_table, render, DATA_HEADER, DATA_NAME, TABLE_NAMES};
