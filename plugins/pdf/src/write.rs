//! Document → PDF.

use nianbao_plugin::{Document, Error, Options};

pub fn write(_doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
    Err("writing PDF is not implemented yet".into())
}
