//! Fonts as the interpreter needs them: how string bytes split into codes, each code's width,
//! and its Unicode text — through ToUnicode, a predefined CMap, a simple font's encoding, or
//! the embedded TrueType font's own cmap, in that order.

use super::cmap::{be, CidMap, IntMap, Predefined, UnicodeMap};
use super::obj::{self, Pdf};
use lopdf::{Dictionary, Object};

/// How a font's string bytes become codes and CIDs.
enum Encoding {
    /// One byte per code (Type1, TrueType, Type3).
    Simple,
    Predefined(Predefined),
    Embedded(CidMap),
}

pub struct Font {
    encoding: Encoding,
    to_unicode: Option<UnicodeMap>,
    /// A simple font's code → char from its encoding and Differences.
    simple_chars: Option<Box<[Option<char>; 256]>>,
    /// CID → char from the embedded TrueType font's cmap (via CIDToGIDMap).
    cid_chars: Option<IntMap<char>>,
    widths: Widths,
    /// Text-space units per glyph-space unit × 1000 (0.001 except for Type3 fonts).
    scale: f32,
    pub vertical: bool,
    /// The vertical advance of a glyph, in text-space units (negative: downwards).
    pub vertical_advance: f32,
    pub bold: bool,
}

enum Widths {
    Simple { first: u32, widths: Vec<f32>, missing: f32 },
    Cid { widths: IntMap<f32>, default: f32 },
}

/// One code of a string: its byte range and value.
#[derive(Clone, Copy)]
pub struct Code {
    pub start: usize,
    pub len: usize,
    pub value: u32,
}

impl Font {
    pub fn load(pdf: &Pdf, dict: &Dictionary) -> Font {
        let subtype = obj::name(pdf.get(dict, b"Subtype")).unwrap_or(b"");
        let base = obj::name(pdf.get(dict, b"BaseFont")).unwrap_or(b"");
        let bold = is_bold_name(base);
        let to_unicode = pdf.get(dict, b"ToUnicode").and_then(|o| pdf.stream_bytes(o)).map(|d| UnicodeMap::parse(&d));
        if subtype == b"Type0" {
            return Font::load_type0(pdf, dict, to_unicode, bold);
        }
        let scale = if subtype == b"Type3" {
            obj::numbers(pdf.get(dict, b"FontMatrix")).first().copied().unwrap_or(0.001)
        } else {
            0.001
        };
        let descriptor = pdf.get(dict, b"FontDescriptor").and_then(|o| pdf.dict(o));
        let missing = descriptor.and_then(|d| obj::number(pdf.get(d, b"MissingWidth"))).unwrap_or(0.0);
        let first = obj::number(pdf.get(dict, b"FirstChar")).unwrap_or(0.0).max(0.0) as u32;
        let widths = obj::numbers(pdf.get(dict, b"Widths"));
        let missing = if widths.is_empty() && missing == 0.0 { standard_width(base) } else { missing };
        let simple_chars = Some(simple_encoding(pdf, dict, base, to_unicode.as_ref()));
        Font {
            encoding: Encoding::Simple,
            to_unicode,
            simple_chars,
            cid_chars: None,
            widths: Widths::Simple { first, widths, missing },
            scale,
            vertical: false,
            vertical_advance: -1.0,
            bold,
        }
    }

    fn load_type0(pdf: &Pdf, dict: &Dictionary, to_unicode: Option<UnicodeMap>, bold: bool) -> Font {
        let (encoding, vertical) = match pdf.get(dict, b"Encoding") {
            Some(Object::Name(n)) => match Predefined::from_name(n) {
                Some((p, v)) => (Encoding::Predefined(p), v),
                None => (Encoding::Embedded(CidMap::default()), false),
            },
            Some(o) => match pdf.stream_bytes(o) {
                Some(data) => embedded_encoding(CidMap::parse(&data)),
                None => (Encoding::Predefined(Predefined::Identity), false),
            },
            None => (Encoding::Predefined(Predefined::Identity), false),
        };
        let descendant = pdf.get(dict, b"DescendantFonts").and_then(|o| match o {
            Object::Array(a) => a.first().and_then(|d| pdf.dict(d)),
            other => pdf.dict(other),
        });
        let empty = Dictionary::new();
        let cid_font = descendant.unwrap_or(&empty);
        let default = obj::number(pdf.get(cid_font, b"DW")).unwrap_or(1000.0);
        let vertical_advance = obj::numbers(pdf.get(cid_font, b"DW2")).get(1).map_or(-1.0, |v| v / 1000.0);
        let base = obj::name(pdf.get(cid_font, b"BaseFont")).unwrap_or(b"");
        let cid_chars =
            if to_unicode.as_ref().is_some_and(|m| m.len() > 0) { None } else { truetype_cid_chars(pdf, cid_font) };
        Font {
            encoding,
            to_unicode,
            simple_chars: None,
            cid_chars,
            widths: Widths::Cid { widths: cid_widths(pdf, cid_font), default },
            scale: 0.001,
            vertical,
            vertical_advance,
            bold: bold || is_bold_name(base),
        }
    }

    /// Splits a string into codes.
    pub fn codes<'s>(&'s self, bytes: &'s [u8]) -> impl Iterator<Item = Code> + 's {
        let mut pos = 0;
        std::iter::from_fn(move || {
            if pos >= bytes.len() {
                return None;
            }
            let rest = &bytes[pos..];
            let len = match &self.encoding {
                Encoding::Simple => 1,
                Encoding::Predefined(p) => p.code_len(rest),
                Encoding::Embedded(m) if !m.codespace.is_empty() => m.codespace.code_len(rest),
                Encoding::Embedded(_) => match &self.to_unicode {
                    Some(u) if !u.codespace.is_empty() => u.codespace.code_len(rest),
                    _ => 2.min(rest.len()),
                },
            };
            let code = Code { start: pos, len, value: be(&rest[..len]) };
            pos += len;
            Some(code)
        })
    }

    fn cid(&self, code: u32) -> u32 {
        match &self.encoding {
            Encoding::Embedded(m) => m.cid(code).unwrap_or(code),
            _ => code,
        }
    }

    /// The glyph's horizontal advance in text-space units per unit of font size.
    pub fn width(&self, code: u32) -> f32 {
        let w = match &self.widths {
            Widths::Simple { first, widths, missing } => {
                code.checked_sub(*first).and_then(|i| widths.get(i as usize)).copied().unwrap_or(*missing)
            }
            Widths::Cid { widths, default } => {
                let candidates = match &self.encoding {
                    Encoding::Predefined(p) => p.cid_candidates(code),
                    _ => [Some(self.cid(code)), None],
                };
                candidates.into_iter().flatten().find_map(|cid| widths.get(&cid).copied()).unwrap_or(*default)
            }
        };
        w * self.scale
    }

    /// Whether word spacing applies: only to the single-byte code 32.
    pub fn is_word_space(&self, code: Code) -> bool {
        code.len == 1 && code.value == 32
    }

    /// Appends the text of one code; false when nothing in the font says what it is.
    pub fn text(&self, code: Code, bytes: &[u8], out: &mut String) -> bool {
        let before = out.len();
        let ok = self.raw_text(code, bytes, out);
        if ok {
            normalize_tail(out, before)
        } else {
            false
        }
    }

    fn raw_text(&self, code: Code, bytes: &[u8], out: &mut String) -> bool {
        let before = out.len();
        if let Some(m) = &self.to_unicode {
            if m.append(code.value, out) {
                if !is_private_use(&out[before..]) {
                    return true;
                }
                out.truncate(before);
            }
        }
        match &self.encoding {
            Encoding::Simple => {
                if let Some(c) = self.simple_chars.as_ref().and_then(|t| t[code.value as usize & 0xFF]) {
                    out.push(c);
                    return true;
                }
                false
            }
            Encoding::Predefined(p) if *p != Predefined::Identity => {
                p.decode(&bytes[code.start..code.start + code.len], out)
            }
            Encoding::Embedded(m) if m.parent.is_some() => {
                let parent = m.parent.as_deref().and_then(Predefined::from_name);
                parent.is_some_and(|(p, _)| p.decode(&bytes[code.start..code.start + code.len], out))
            }
            _ => match self.cid_chars.as_ref().and_then(|t| t.get(&self.cid(code.value))) {
                Some(&c) => {
                    out.push(c);
                    true
                }
                None => false,
            },
        }
    }
}

fn embedded_encoding(map: CidMap) -> (Encoding, bool) {
    let vertical = map.vertical || map.parent.as_deref().and_then(Predefined::from_name).is_some_and(|(_, v)| v);
    if map.codespace.is_empty() {
        if let Some((p, v)) = map.parent.as_deref().and_then(Predefined::from_name) {
            return (Encoding::Predefined(p), v);
        }
    }
    (Encoding::Embedded(map), vertical)
}

/// Text that came out of a private-use area carries no meaning for a reader.
fn is_private_use(s: &str) -> bool {
    s.chars().any(|c| matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF))
}

/// Some producers' ToUnicode maps point common characters at Kangxi radicals or CJK
/// compatibility ideographs (`⾏` for `行`): fold exactly those blocks to the unified
/// ideographs; spell out Latin ligatures (`ﬁ`); drop control characters and U+FFFD.
fn normalize_tail(out: &mut String, from: usize) -> bool {
    let needs = out[from..].chars().any(|c| is_folded(c) || c.is_control() || c == '\u{FFFD}');
    if needs {
        let tail: String = out[from..].to_string();
        out.truncate(from);
        for c in tail.chars() {
            if is_folded(c) {
                unicode_normalization::char::decompose_compatible(c, |d| out.push(d));
            } else if !c.is_control() && c != '\u{FFFD}' {
                out.push(c);
            }
        }
    }
    out.len() > from
}

fn is_folded(c: char) -> bool {
    matches!(c as u32, 0x2F00..=0x2FDF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0xFB00..=0xFB06)
}

fn is_bold_name(name: &[u8]) -> bool {
    let lower = name.to_ascii_lowercase();
    [&b"bold"[..], b"black", b"heavy", b"simhei", b"heiti"].iter().any(|k| lower.windows(k.len()).any(|w| w == *k))
}

/// Glyph widths of the standard 14 fonts when a file leaves them out: roughly right is
/// enough, they only decide where spaces go.
fn standard_width(base: &[u8]) -> f32 {
    if base.to_ascii_lowercase().windows(7).any(|w| w == b"courier") {
        600.0
    } else {
        500.0
    }
}

/// A CID font's W array: `c [w1 w2 …]` and `c_first c_last w`.
fn cid_widths(pdf: &Pdf, cid_font: &Dictionary) -> IntMap<f32> {
    const MAX: u32 = 1 << 16;
    // Widths set, counting those set again (ranges over the same CIDs, over and over).
    let mut tries = 0usize;
    let mut out = IntMap::default();
    let Some(Object::Array(w)) = pdf.get(cid_font, b"W") else { return out };
    let mut i = 0;
    while i + 1 < w.len() {
        let Some(first) = obj::number(Some(pdf.resolve(&w[i]))) else { break };
        let first = first.max(0.0) as u32;
        match pdf.resolve(&w[i + 1]) {
            Object::Array(list) => {
                for (k, v) in list.iter().take(MAX as usize).enumerate() {
                    tries += 1;
                    if let Some(v) = obj::number(Some(pdf.resolve(v))) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            last => {
                let (Some(last), Some(v)) =
                    (obj::number(Some(last)), w.get(i + 2).and_then(|o| obj::number(Some(pdf.resolve(o)))))
                else {
                    break;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(MAX));
                for c in first..=last {
                    out.insert(c, v);
                }
                tries += last.saturating_sub(first) as usize + 1;
                i += 3;
            }
        }
        if out.len() > MAX as usize * 4 || tries > MAX as usize * 16 {
            break;
        }
    }
    out
}

/// CID → char for an embedded TrueType CID font without ToUnicode: CIDToGIDMap, then the
/// font's own Unicode cmap read backwards.
fn truetype_cid_chars(pdf: &Pdf, cid_font: &Dictionary) -> Option<IntMap<char>> {
    let descriptor = pdf.get(cid_font, b"FontDescriptor").and_then(|o| pdf.dict(o))?;
    let data = pdf.get(descriptor, b"FontFile2").and_then(|o| pdf.stream_bytes(o))?;
    let face = ttf_parser::Face::parse(&data, 0).ok()?;
    let mut by_gid: IntMap<char> = IntMap::default();
    for sub in face.tables().cmap?.subtables {
        if !sub.is_unicode() {
            continue;
        }
        sub.codepoints(|cp| {
            if let (Some(gid), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp)) {
                let keep = by_gid.get(&u32::from(gid.0)).is_some_and(|old| !is_private_use(&old.to_string()));
                if !keep && !c.is_control() {
                    by_gid.insert(u32::from(gid.0), c);
                }
            }
        });
    }
    let gid_map = pdf.get(cid_font, b"CIDToGIDMap").and_then(|o| pdf.stream_bytes(o));
    let Some(map) = gid_map else { return Some(by_gid) };
    let mut out = IntMap::default();
    for (cid, pair) in map.chunks_exact(2).enumerate() {
        let gid = u32::from(u16::from_be_bytes([pair[0], pair[1]]));
        if let Some(&c) = by_gid.get(&gid) {
            out.insert(cid as u32, c);
        }
    }
    Some(out)
}

/// A simple font's code → char: the base encoding, then Differences by glyph name.
///
/// ToUnicode comes first (see [`Font::text`]): a code it maps to text outside the private-use
/// areas never looks at this table, so its glyph name is not looked up (Chromium's Type 3
/// fonts name 255 glyphs each, all of them in ToUnicode as well).
fn simple_encoding(
    pdf: &Pdf,
    dict: &Dictionary,
    base_font: &[u8],
    to_unicode: Option<&UnicodeMap>,
) -> Box<[Option<char>; 256]> {
    let mut scratch = String::new();
    let mut mapped = |code: usize| {
        to_unicode.is_some_and(|m| {
            scratch.clear();
            m.append(code as u32, &mut scratch) && !is_private_use(&scratch)
        })
    };
    let mut table: Box<[Option<char>; 256]> = Box::new([None; 256]);
    let enc = pdf.get(dict, b"Encoding");
    let enc_dict = enc.and_then(|o| pdf.dict(o));
    let base_name = match enc {
        Some(Object::Name(n)) => Some(n.as_slice()),
        _ => enc_dict.and_then(|d| obj::name(pdf.get(d, b"BaseEncoding"))),
    };
    let symbolic = base_font.to_ascii_lowercase().windows(6).any(|w| w == b"symbol" || w == b"dingba");
    if !symbolic || base_name.is_some() {
        for (code, slot) in table.iter_mut().enumerate() {
            *slot = base_char(code as u8, base_name == Some(b"MacRomanEncoding"));
        }
    }
    if let Some(Object::Array(diffs)) = enc_dict.and_then(|d| pdf.get(d, b"Differences")) {
        let mut code = 0usize;
        // Producers repeat a name over and over (Chromium's `/g0` for every unused code).
        let mut last: Option<(&[u8], Option<char>)> = None;
        for item in diffs {
            match pdf.resolve(item) {
                Object::Integer(n) => code = (*n).clamp(0, 255) as usize,
                Object::Name(name) => {
                    if code < 256 {
                        table[code] = if mapped(code) {
                            None
                        } else {
                            match last {
                                Some((n, c)) if n == name.as_slice() => c,
                                _ => {
                                    let c = super::glyphs::char_of(name);
                                    last = Some((name, c));
                                    c
                                }
                            }
                        };
                    }
                    code += 1;
                }
                _ => {}
            }
        }
    }
    table
}

/// WinAnsi (and, near enough for CJK documents, the other base encodings): ASCII, the
/// Windows-1252 block at 0x80–0x9F, Latin-1 above.
fn base_char(code: u8, mac: bool) -> Option<char> {
    match code {
        0x20..=0x7E => Some(code as char),
        0x80..=0x9F if !mac => {
            let bytes = [code];
            let (text, bad) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
            text.chars().next().filter(|c| !bad && !c.is_control())
        }
        0xA0 => Some(' '),
        0xA1..=0xFF if !mac => char::from_u32(u32::from(code)),
        _ => None,
    }
}
