//! The page itself, embedded in the binary: no build step, nothing fetched from elsewhere.

pub const INDEX: &str = include_str!("../static/index.html");
pub const SCRIPT: &str = include_str!("../static/app.js");
pub const STYLE: &str = include_str!("../static/app.css");
