//! nianbao format plugin for xlsx (skeleton: the owner of this folder fills it in).

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};

pub struct Plugin;

impl FormatPlugin for Plugin {
    const NAME: &'static str = "xlsx";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("xlsx", "xlsx").extensions(&["xlsx"]).readable().writable()]
    }

    fn read(_format: &str, _bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        Err("not implemented yet".into())
    }

    fn write(_format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Err("not implemented yet".into())
    }
}

export_plugin!(Plugin);
