//! A test plugin that misbehaves: it panics in `read` and `write` of `boom` files, and returns
//! a Document of a future major version for `futuredoc` files. The host must report each as an
//! error and keep working.

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};

pub struct Panicky;

impl FormatPlugin for Panicky {
    const NAME: &'static str = "panicky";
    const VERSION: &'static str = "0.0.1";

    fn formats() -> Vec<Format> {
        vec![
            Format::new("boom", "A format whose plugin always panics").extensions(&["boom"]).readable().writable(),
            Format::new("futuredoc", "A format read into a Document of version 2.0")
                .extensions(&["futuredoc"])
                .readable(),
        ]
    }

    fn read(format: &str, bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        if format == "futuredoc" {
            return Ok(Document { version: "2.0".into(), ..Document::default() });
        }
        let n: Vec<u8> = Vec::new();
        // An index out of bounds, as a buggy reader would hit on unexpected input.
        Ok(Document { notes: vec![format!("{}", n[bytes.len()])], ..Document::default() })
    }

    fn write(_format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        panic!("the panicky writer gave up")
    }
}

export_plugin!(Panicky);
