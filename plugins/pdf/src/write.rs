//! Document → PDF in the layout of official documents (GB/T 9704): A4, 37/35/28/26 mm margins,
//! a large centred title, bold-looking headings, justified paragraphs with a two-character
//! indent, ruled tables with merged cells whose header rows repeat on each page they run onto,
//! and `— N —` page numbers.
//!
//! Text is set in embedded, per-document subsets of TrueType/OpenType fonts written as CID
//! fonts with a ToUnicode map, one text run per line in reading order, so that extractors get
//! the exact characters back. The built-in font is a GB2312 subset of AR PL SungtiL GB (a 宋体,
//! `fonts/`); `font=PATH` puts a user's font in front of it, and the built-in one still serves
//! the characters the user's font lacks. What neither has is set in a CJK font of the system
//! when there is one (Noto CJK, WenQuanYi, AR PL, SimSun, Songti …), with a note to the user; a
//! character no font has prints as an empty box, with a note too.
//!
//! Options: `font=PATH` (TrueType/OpenType file or the first face of a collection).

mod emit;
mod flow;
mod fonts;
mod table;
mod text;

use fonts::FontSet;
use nianbao_plugin::{Block, Document, Error, Options};

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
    let missing = missing_chars(doc, &fonts);
    let system = if missing.is_empty() { None } else { system_font(&missing) };
    if let Some((data, index, path)) = &system {
        fonts.fall_back_to(data, *index, path)?;
        let set: String = missing.iter().filter(|c| fonts.has(**c)).collect();
        nianbao_plugin::note(format!("the built-in font lacks {set}; they are set in {path} (--font chooses a font)"));
    }
    let lacking: String = missing.iter().filter(|c| !fonts.has(**c)).collect();
    if !lacking.is_empty() {
        nianbao_plugin::note(format!(
            "no font at hand has {lacking}: they print as empty boxes; give one that has them with --font PATH"
        ));
    }
    let pages = flow::paginate(doc, &mut fonts);
    emit::pdf(doc, &pages, &fonts)
}

/// The characters of the document's text that no font of the set draws, in order, once each.
fn missing_chars(doc: &Document, fonts: &FontSet) -> Vec<char> {
    let mut texts: Vec<&str> = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => texts.push(text),
            Block::Table(t) => texts.extend(t.rows.iter().flatten().map(|c| c.text.as_str())),
            Block::Image { .. } => {}
        }
    }
    let mut seen = std::collections::HashSet::new();
    texts
        .iter()
        .flat_map(|t| t.chars())
        .filter(|c| !c.is_whitespace() && !c.is_control() && seen.insert(*c) && !fonts.has(*c))
        .collect()
}

/// CJK fonts that systems ship, in order of preference: 宋/明 serif faces first.
const SYSTEM_FONTS: &[&str] = &[
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/System/Library/Fonts/Supplemental/Songti.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:\\Windows\\Fonts\\simsun.ttc",
    "C:\\Windows\\Fonts\\msyh.ttc",
];

/// The first system font that has all the `missing` characters (else the one that has most):
/// its bytes, the face to use (a collection's simplified-Chinese face if it has one) and path.
fn system_font(missing: &[char]) -> Option<(Vec<u8>, u32, String)> {
    let mut best: Option<(usize, Vec<u8>, u32, String)> = None;
    for path in SYSTEM_FONTS {
        let Ok(meta) = std::fs::metadata(path) else { continue };
        if meta.len() > MAX_FONT_FILE {
            continue;
        }
        let Ok(data) = std::fs::read(path) else { continue };
        let faces = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
        let sc = (0..faces).find(|&i| {
            ttf_parser::Face::parse(&data, i).is_ok_and(|f| {
                f.names().into_iter().filter_map(|n| n.to_string()).any(|n| n.contains(" SC") || n.ends_with("SC"))
            })
        });
        let index = sc.unwrap_or(0);
        let Ok(face) = ttf_parser::Face::parse(&data, index) else { continue };
        let covered = missing.iter().filter(|c| face.glyph_index(**c).is_some_and(|g| g.0 != 0)).count();
        if covered == missing.len() {
            return Some((data, index, path.to_string()));
        }
        if covered > best.as_ref().map_or(0, |b| b.0) {
            best = Some((covered, data, index, path.to_string()));
        }
    }
    best.map(|(_, data, index, path)| (data, index, path))
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
