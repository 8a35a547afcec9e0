//! PDF → Document.

use nianbao_plugin::{Document, Error, Options};

pub fn read(_bytes: &[u8], _options: &Options) -> Result<Document, Error> {
    Err("reading PDF is not implemented yet".into())
}
