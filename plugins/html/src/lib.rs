//! nianbao format plugin for html (skeleton: the owner of this folder fills it in).

use nianbao_plugin::{export_plugin, Document, Error, Format, FormatPlugin, Options};

pub struct Plugin;

impl FormatPlugin for Plugin {
    const NAME: &'static str = "html";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn formats() -> Vec<Format> {
        vec![Format::new("html", "html").extensions(&["html"]).readable().writable()]
    }

    fn read(_format: &str, _bytes: &[u8], _options: &Options) -> Result<Document, Error> {
        Err("not implemented yet".into())
    }

    fn write(_format: &str, _doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
        Err("not implemented yet".into())
    }
}

export_plugin!(Plugin);
