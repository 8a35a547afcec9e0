//! The official layouts at work: `recognize` reads a report out of any reader's Document, and
//! `render` builds the Document of a report in the official layout (国办公开办函〔2021〕30号 or
//! 〔2019〕60号) for any writer. Also the text normalization recognition relies on.

mod labels;
mod normalize;
mod recognize;
mod render;

pub use normalize::normalize;
pub use recognize::{agency_from_title, recognize, recognize_with, Options, Recognized};
pub use render::{data_table, render, DATA_HEADER, DATA_NAME, TABLE_NAMES};
