//! A test plugin that panics in `read` and `write`: the host must report the panic as an error
//! and keep working.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};

pub struct Panicky;

impl FormatPlugin for Panicky {
    const NAME: &'static str = "panicky";
    const VERSION: &'static str = "0.0.1";

    fn formats() -> Vec<Format> {
        vec![Format::new("boom", "A format whose plugin always panics").extensions(&["boom"]).readable().writable()]
    }

    fn read(_format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        let n: Vec<u8> = Vec::new();
        // An index out of bounds, as a buggy reader would hit on unexpected input.
        Ok(Document { notes: vec![format!("{}", n[bytes.len()])], ..Document::default() })
    }

    fn write(_format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        panic!("the panicky writer gave up")
    }
}

export_plugin!(Panicky);
