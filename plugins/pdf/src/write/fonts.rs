//! The fonts a document is set in: which font draws each character (the user's font first,
//! the built-in one for what it lacks), glyph advances, and for each font the glyphs used and
//! the text they stand for, from which `emit` writes the subset and its ToUnicode map.
//!
//! A glyph is addressed by a CID. In TrueType fonts CIDs are handed out per character, and a
//! CIDToGIDMap points them at glyphs: two characters drawn by one glyph, or a character the
//! font lacks (drawn as .notdef), still extract as themselves. CFF fonts have no such map, so
//! their CID is the glyph's number in the subset.

use std::collections::HashMap;

use nianbao_plugin::Error;
use subsetter::GlyphRemapper;
use ttf_parser::{Face as Parsed, GlyphId, Permissions};

/// One glyph as set: which font, which CID, and how far it advances (in em).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    pub font: u8,
    pub cid: u16,
    pub advance: f32,
    pub ch: char,
}

/// A font of the set and what the document used of it.
pub struct Font<'a> {
    pub data: &'a [u8],
    pub index: u32,
    pub face: Parsed<'a>,
    /// CFF outlines (embedded as CIDFontType0) rather than TrueType ones (CIDFontType2).
    pub cff: bool,
    pub remapper: GlyphRemapper,
    /// For CID `i + 1`: the glyph (in the original font) and the character it stands for.
    pub used: Vec<(u16, char)>,
}

impl<'a> Font<'a> {
    fn parse(data: &'a [u8], index: u32, what: &str) -> Result<Font<'a>, Error> {
        let face = Parsed::parse(data, index)
            .map_err(|e| Error::new(format!("{what} is not a TrueType or OpenType font ({e})")))?;
        let tables = face.tables();
        let cff = match (tables.glyf.is_some(), tables.cff.is_some()) {
            (true, _) => false,
            (false, true) => true,
            _ => {
                return Err(format!(
                    "{what} has neither TrueType nor CFF outlines (CFF2 and bitmap fonts are not supported)"
                )
                .into())
            }
        };
        if face.permissions() == Some(Permissions::Restricted) {
            return Err(format!("{what} does not allow embedding (its licence flags say \"restricted\")").into());
        }
        if !face.is_subsetting_allowed() {
            return Err(format!(
                "{what} does not allow subsetting, and embedding it whole would make every PDF megabytes large"
            )
            .into());
        }
        Ok(Font { data, index, face, cff, remapper: GlyphRemapper::new(), used: Vec::new() })
    }

    /// Units of the font's design grid per em, never zero.
    pub fn units_per_em(&self) -> f32 {
        f32::from(self.face.units_per_em().max(1))
    }

    /// The advance of a glyph of the original font, in em.
    pub fn advance(&self, gid: u16) -> f32 {
        self.face.glyph_hor_advance(GlyphId(gid)).map_or(1.0, |a| f32::from(a) / self.units_per_em())
    }

    /// The CID that draws `ch` with glyph `gid`, handed out on first use.
    fn cid(&mut self, ch: char, gid: u16) -> u16 {
        let new_gid = self.remapper.remap(gid);
        if self.cff {
            if usize::from(new_gid) > self.used.len() {
                self.used.push((gid, ch));
            }
            return new_gid;
        }
        self.used.push((gid, ch));
        self.used.len() as u16
    }

    /// The PostScript name, reduced to the characters a PDF name may carry unescaped.
    pub fn postscript_name(&self) -> String {
        // Unicode records first; older fonts have the name only as Macintosh Roman bytes.
        let names = || self.face.names().into_iter().filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME);
        let name = names()
            .find_map(|n| n.to_string())
            .or_else(|| names().find(|n| n.name.is_ascii()).map(|n| String::from_utf8_lossy(n.name).into_owned()))
            .unwrap_or_default();
        let clean: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(60).collect();
        if clean.is_empty() {
            "Font".into()
        } else {
            clean
        }
    }
}

/// The fonts in order of preference: the user's, the built-in one, a system font for what
/// the built-in one lacks.
pub struct FontSet<'a> {
    pub fonts: Vec<Font<'a>>,
    /// Where the built-in font is in `fonts`: its .notdef box stands for what no font has.
    builtin: usize,
    chosen: HashMap<char, Glyph>,
}

/// CIDs are two bytes; a document needing more distinct characters than this from one font
/// gets .notdef boxes for the rest (their text still extracts through the last CID's map).
const MAX_CIDS: usize = 0xFFFE;

impl<'a> FontSet<'a> {
    /// `user`: the bytes of a font file given with the `font` option, and its path.
    pub fn new(user: Option<(&'a [u8], &str)>, builtin: &'a [u8]) -> Result<FontSet<'a>, Error> {
        let mut fonts = Vec::new();
        if let Some((data, path)) = user {
            fonts.push(Font::parse(data, 0, &format!("the font {path}"))?);
        }
        fonts.push(Font::parse(builtin, 0, "the built-in font")?);
        Ok(FontSet { builtin: fonts.len() - 1, fonts, chosen: HashMap::new() })
    }

    /// Adds a font (a face of a collection) that serves what the fonts before it lack.
    pub fn fall_back_to(&mut self, data: &'a [u8], index: u32, path: &str) -> Result<(), Error> {
        self.fonts.push(Font::parse(data, index, &format!("the font {path}"))?);
        Ok(())
    }

    /// Whether some font of the set draws `ch`.
    pub fn has(&self, ch: char) -> bool {
        self.fonts.iter().any(|f| f.face.glyph_index(ch).is_some_and(|g| g.0 != 0))
    }

    /// The glyph that draws `ch`: from the first font that has it, else the built-in font's
    /// .notdef box under a CID of its own so that the character still extracts.
    pub fn glyph(&mut self, ch: char) -> Glyph {
        if let Some(g) = self.chosen.get(&ch) {
            return *g;
        }
        let (font, gid) = self
            .fonts
            .iter()
            .enumerate()
            .find_map(|(i, f)| f.face.glyph_index(ch).filter(|g| g.0 != 0).map(|g| (i, g.0)))
            .unwrap_or((self.builtin, 0));
        let f = &mut self.fonts[font];
        let glyph = if f.used.len() < MAX_CIDS {
            Glyph { font: font as u8, cid: f.cid(ch, gid), advance: f.advance(gid), ch }
        } else {
            Glyph { font: font as u8, cid: 0, advance: f.advance(0), ch }
        };
        self.chosen.insert(ch, glyph);
        glyph
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_font_covers_report_text_and_marks_missing_characters() {
        let mut set = FontSet::new(None, super::super::BUILTIN_FONT).unwrap();
        let nian = set.glyph('年');
        assert_eq!((nian.font, nian.cid), (0, 1));
        assert!((nian.advance - 1.0).abs() < 1e-6);
        let digit = set.glyph('7');
        assert!((digit.advance - 0.5).abs() < 1e-6);
        assert_eq!(set.glyph('年').cid, 1, "a character keeps its CID");
        // U+9FA5 is outside GB2312: drawn as .notdef, but under its own CID.
        let missing = set.glyph('\u{9FA5}');
        assert_eq!(set.fonts[0].used[usize::from(missing.cid) - 1], (0, '\u{9FA5}'));
    }

    #[test]
    fn not_a_font_is_a_clear_error() {
        let err = FontSet::new(Some((b"not a font at all", "x.ttf")), super::super::BUILTIN_FONT).err().unwrap();
        assert!(err.0.starts_with("the font x.ttf is not a TrueType or OpenType font"), "{err}");
    }
}
