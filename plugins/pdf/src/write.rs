//! Document → PDF in the layout of official documents (GB/T 9704): A4, 37/35/28/26 mm margins,
//! a large centred title, bold-looking headings, justified paragraphs with a two-character
//! indent, ruled tables with merged cells whose header rows repeat on each page they run onto,
//! and `— N —` page numbers.
//!
//! Text is set in embedded, per-document subsets of TrueType/OpenType fonts written as CID
//! fonts with a ToUnicode map, one text run per line in reading order, so that extractors get
//! the exact characters back. The built-in font is a GB2312 subset of AR PL SungtiL GB (a 宋体,
//! `fonts/`); `font=PATH` puts a user's font in front of it, and the built-in one still serves
//! the characters the user's font lacks.
//!
//! Options: `font=PATH` (TrueType/OpenType file or the first face of a collection).

mod emit;
mod flow;
mod fonts;
mod table;
mod text;

use fonts::FontSet;
use nianbao_plugin::{Document, Error, Options};

/// The built-in font; see `fonts/README.md` and `scripts/write-subset-font.py`.
static BUILTIN_FONT: &[u8] = include_bytes!("../fonts/gbsn00lp-gb2312.ttf");

/// A user's font file larger than this is refused: CJK fonts are 5–30 MB, collections more.
const MAX_FONT_FILE: u64 = 256 << 20;

pub fn write(doc: &Document, options: &Options) -> Result<Vec<u8>, Error> {
    let user = match options.get("font") {
        Some(path) => Some((read_font_file(path)?, path.as_str())),
        None => None,
    };
    let mut fonts = FontSet::new(user.as_ref().map(|(data, path)| (data.as_slice(), *path)), BUILTIN_FONT)?;
    let pages = flow::paginate(doc, &mut fonts);
    emit::pdf(doc, &pages, &fonts)
}

fn read_font_file(path: &str) -> Result<Vec<u8>, Error> {
    let fail = |e: std::io::Error| Error::new(format!("cannot read the font {path}: {e}"));
    let len = std::fs::metadata(path).map_err(fail)?.len();
    if len > MAX_FONT_FILE {
        return Err(format!(
            "the font {path} is {} MB, more than a font file can be ({} MB)",
            len >> 20,
            MAX_FONT_FILE >> 20
        )
        .into());
    }
    std::fs::read(path).map_err(fail)
}
