//! Pages and fonts → PDF objects: a content stream per page (text runs in reading order, then
//! the rulings), each used font as a Type0 font over a subset CIDFont with widths, a
//! CIDToGIDMap where needed and a ToUnicode map, and the document's metadata in the Info
//! dictionary (native keys for title, author, date, subject, keywords; custom keys as UTF-16
//! text strings for the rest) with its language in the catalog.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use miniz_oxide::deflate::compress_to_vec_zlib;
use nianbao_plugin::{Document, Error};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::flow::{Page, Run, BOLD_STROKE, PAGE_HEIGHT, PAGE_WIDTH};
use super::fonts::{Font, FontSet, Glyph};
use super::text::stretchable;

/// Deflate level: font programs dominate the work, and 3 compresses them within 3 % of 9 in a
/// third of the time.
const DEFLATE_LEVEL: u8 = 3;
/// Thickness of table rulings, in points.
const RULE_WIDTH: f32 = 0.5;
/// Written to /Producer unless the document names one.
const PRODUCER: &str = concat!("nianbao ", env!("CARGO_PKG_VERSION"));

const IDENTITY: SystemInfo = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

pub fn pdf(doc: &Document, pages: &[Page], fonts: &FontSet) -> Result<Vec<u8>, Error> {
    let mut next = Ref::new(1);
    let mut alloc = || next.bump();
    let (catalog, tree, info) = (alloc(), alloc(), alloc());
    let font_refs: Vec<Option<Ref>> = fonts.fonts.iter().map(|f| (!f.used.is_empty()).then(&mut alloc)).collect();
    let mut pdf = Pdf::new();
    let mut page_refs = Vec::with_capacity(pages.len());
    for page in pages {
        let (page_ref, content_ref) = (alloc(), alloc());
        page_refs.push(page_ref);
        let content = deflate(&content(page));
        pdf.stream(content_ref, &content).filter(Filter::FlateDecode);
        let mut writer = pdf.page(page_ref);
        writer.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT)).parent(tree).contents(content_ref);
        let mut resources = writer.resources();
        let mut names = resources.fonts();
        for (i, font_ref) in font_refs.iter().enumerate() {
            if let Some(font_ref) = font_ref {
                names.pair(Name(font_name(i).as_bytes()), *font_ref);
            }
        }
    }
    pdf.pages(tree).kids(page_refs.iter().copied()).count(page_refs.len() as i32);
    for (font, font_ref) in fonts.fonts.iter().zip(&font_refs) {
        if let Some(font_ref) = font_ref {
            write_font(&mut pdf, font, *font_ref, &mut alloc)?;
        }
    }
    let lang = doc.prop("lang").filter(|l| !l.trim().is_empty()).unwrap_or("zh-CN");
    let mut root = pdf.catalog(catalog);
    root.pages(tree).lang(TextStr(lang));
    root.viewer_preferences().display_doc_title(true);
    root.finish();
    write_info(&mut pdf, info, doc);
    pdf.set_file_id(file_id(doc, pages.len()));
    Ok(pdf.finish())
}

fn font_name(i: usize) -> String {
    format!("F{i}")
}

fn deflate(data: &[u8]) -> Vec<u8> {
    compress_to_vec_zlib(data, DEFLATE_LEVEL)
}

/// A page's drawing operators: each text run in its own text object, then the rulings.
fn content(page: &Page) -> Vec<u8> {
    let mut c = Content::new();
    for run in &page.runs {
        text_run(&mut c, run);
    }
    if !page.rules.is_empty() {
        c.set_line_width(RULE_WIDTH);
        for rule in &page.rules {
            c.move_to(rule.from.0, PAGE_HEIGHT - rule.from.1);
            c.line_to(rule.to.0, PAGE_HEIGHT - rule.to.1);
        }
        c.stroke();
    }
    c.finish().into_vec()
}

/// One line in one text object: per font, one string of glyph codes, or for a justified line
/// one TJ array whose adjustments widen the stretchable gaps.
fn text_run(c: &mut Content, run: &Run) {
    if run.glyphs.is_empty() {
        return;
    }
    if run.bold {
        c.save_state();
        c.set_line_width(BOLD_STROKE * run.size);
        c.set_text_rendering_mode(TextRenderingMode::FillStroke);
    }
    c.begin_text();
    c.next_line(run.x, PAGE_HEIGHT - run.baseline);
    let adjust = -run.spacing * 1000.0 / run.size;
    let stretched = |a: &Glyph, b: &Glyph| run.spacing != 0.0 && stretchable(a, b);
    let mut glyphs = run.glyphs.iter().peekable();
    while let Some(first) = glyphs.next() {
        c.set_font(Name(font_name(usize::from(first.font)).as_bytes()), run.size);
        let mut pieces: Vec<Vec<u8>> = vec![first.cid.to_be_bytes().to_vec()];
        let mut prev = first;
        while let Some(&g) = glyphs.peek().filter(|g| g.font == first.font) {
            if stretched(prev, g) {
                pieces.push(Vec::new());
            }
            pieces.last_mut().expect("never empty").extend(g.cid.to_be_bytes());
            prev = g;
            glyphs.next();
        }
        if pieces.len() == 1 {
            c.show(Str(&pieces[0]));
        } else {
            let mut array = c.show_positioned();
            let mut items = array.items();
            for (i, piece) in pieces.iter().enumerate() {
                if i > 0 {
                    items.adjust(adjust);
                }
                items.show(Str(piece));
            }
        }
        // A gap where the font changes is stretched too, by moving the next string along.
        if let Some(&next) = glyphs.peek() {
            if stretched(prev, next) {
                c.show_positioned().items().adjust(adjust);
            }
        }
    }
    c.end_text();
    if run.bold {
        // Restoring the state also restores the fill-only rendering mode.
        c.restore_state();
    }
}

/// A Type0 font over a subset CIDFont with its widths, CIDToGIDMap and ToUnicode map.
fn write_font(pdf: &mut Pdf, font: &Font, type0: Ref, alloc: &mut impl FnMut() -> Ref) -> Result<(), Error> {
    let (cid_ref, descriptor_ref, file_ref, unicode_ref) = (alloc(), alloc(), alloc(), alloc());
    let subset = subsetter::subset(font.data, font.index, &font.remapper)
        .map_err(|e| Error::new(format!("cannot subset the font {}: {e}", font.postscript_name())))?;
    let base = format!("{}+{}", subset_tag(font), font.postscript_name());
    let base = Name(base.as_bytes());

    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_ref)
        .to_unicode(unicode_ref);

    let units = font.units_per_em();
    let scale = |v: f32| v * 1000.0 / units;
    let mut cid = pdf.cid_font(cid_ref);
    cid.subtype(if font.cff { CidFontType::Type0 } else { CidFontType::Type2 })
        .base_font(base)
        .system_info(IDENTITY)
        .font_descriptor(descriptor_ref)
        .default_width(0.0);
    cid.widths().consecutive(1, font.used.iter().map(|&(gid, _)| 1000.0 * font.advance(gid)));
    let map_ref = (!font.cff).then(&mut *alloc);
    if let Some(map_ref) = map_ref {
        cid.cid_to_gid_map_stream(map_ref);
    }
    cid.finish();
    if let Some(map_ref) = map_ref {
        let mut map = vec![0u8, 0];
        for &(gid, _) in &font.used {
            map.extend(font.remapper.get(gid).unwrap_or(0).to_be_bytes());
        }
        pdf.stream(map_ref, &deflate(&map)).filter(Filter::FlateDecode);
    }

    let face = &font.face;
    let bbox = face.global_bounding_box();
    let mut flags = FontFlags::SYMBOLIC;
    flags.set(FontFlags::FIXED_PITCH, face.is_monospaced());
    flags.set(FontFlags::ITALIC, face.is_italic());
    let mut descriptor = pdf.font_descriptor(descriptor_ref);
    descriptor
        .name(base)
        .flags(flags)
        .bbox(Rect::new(
            scale(bbox.x_min.into()),
            scale(bbox.y_min.into()),
            scale(bbox.x_max.into()),
            scale(bbox.y_max.into()),
        ))
        .italic_angle(face.italic_angle())
        .ascent(scale(face.ascender().into()))
        .descent(scale(face.descender().into()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender()).into()))
        .stem_v(80.0);
    if font.cff {
        descriptor.font_file3(file_ref)
    } else {
        descriptor.font_file2(file_ref)
    };
    descriptor.finish();

    let data = deflate(&subset);
    let mut file = pdf.stream(file_ref, &data);
    file.filter(Filter::FlateDecode);
    if font.cff {
        file.pair(Name(b"Subtype"), Name(b"OpenType"));
    } else {
        file.pair(Name(b"Length1"), subset.len() as i32);
    }
    file.finish();

    let mut cmap = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
    for (i, &(_, ch)) in font.used.iter().enumerate() {
        cmap.pair(i as u16 + 1, ch);
    }
    pdf.cmap(unicode_ref, &deflate(&cmap.finish())).filter(Filter::FlateDecode);
    Ok(())
}

/// Six capitals naming the subset, as PDF asks, derived from the glyphs it holds.
fn subset_tag(font: &Font) -> String {
    let mut hasher = DefaultHasher::new();
    font.used.hash(&mut hasher);
    let mut h = Hasher::finish(&hasher);
    (0..6)
        .map(|_| {
            let c = (b'A' + (h % 26) as u8) as char;
            h /= 26;
            c
        })
        .collect()
}

/// The Info dictionary: native entries where PDF has them, every other property under its
/// own name, each key once.
fn write_info(pdf: &mut Pdf, id: Ref, doc: &Document) {
    let mut info = pdf.document_info(id);
    let mut seen: HashSet<&[u8]> = HashSet::new();
    for prop in &doc.meta {
        let value = prop.value.as_str();
        if value.trim().is_empty() || prop.key.is_empty() {
            continue;
        }
        let date = (prop.key == "date").then(|| iso_date(value)).flatten();
        let key: &[u8] = match prop.key.as_str() {
            "lang" => continue,
            "date" if date.is_some() => b"CreationDate",
            "title" => b"Title",
            "author" => b"Author",
            "subject" => b"Subject",
            "keywords" => b"Keywords",
            "creator" => b"Creator",
            "producer" => b"Producer",
            other => other.as_bytes(),
        };
        if !seen.insert(key) {
            continue;
        }
        match date {
            Some(date) => info.creation_date(date),
            None => info.pair(Name(key), TextStr(value)),
        };
    }
    if !seen.contains(&b"Producer"[..]) {
        info.producer(TextStr(PRODUCER));
    }
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as a PDF date; `None` for anything else.
fn iso_date(s: &str) -> Option<Date> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let number = |i: usize, len: usize| {
        parts
            .get(i)
            .filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u16>().ok())
    };
    let year = number(0, 4)?;
    let mut date = Date::new(year);
    match parts.len() {
        1 => {}
        2 | 3 => {
            let month = number(1, 2).filter(|m| (1..=12).contains(m))?;
            date = date.month(month as u8);
            if parts.len() == 3 {
                let day = number(2, 2).filter(|d| (1..=31).contains(d))?;
                date = date.day(day as u8);
            }
        }
        _ => return None,
    }
    Some(date)
}

/// A file identifier that is the same whenever the same document is written.
fn file_id(doc: &Document, pages: usize) -> (Vec<u8>, Vec<u8>) {
    let mut hasher = DefaultHasher::new();
    doc.meta.iter().for_each(|p| (&p.key, &p.value).hash(&mut hasher));
    pages.hash(&mut hasher);
    let id = Hasher::finish(&hasher).to_be_bytes().repeat(2);
    (id.clone(), id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_become_pdf_dates_and_others_do_not() {
        assert_eq!(iso_date("2023-02-10"), Some(Date::new(2023).month(2).day(10)));
        assert_eq!(iso_date("2023-02"), Some(Date::new(2023).month(2)));
        assert_eq!(iso_date("2023"), Some(Date::new(2023)));
        for bad in ["2023年2月10日", "2023-13-01", "2023-02-32", "23-02-10", "2023-2-1", ""] {
            assert_eq!(iso_date(bad), None, "{bad}");
        }
    }
}
