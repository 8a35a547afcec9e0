//! DOCX → Document.
//!
//! The package is opened with `zip`, the parts it needs are inflated straight from the file's
//! bytes, and their XML is read with a small tokenizer of its own ([`xml`]) rather than
//! docx-rs's reader: docx-rs builds a full object tree of every part (styles.xml of a Word file
//! is often 300 KB), has no notion of which text is printed (field codes vs field results,
//! deleted revisions, hidden runs, `mc:Fallback` copies of text boxes, ruby text) and does not
//! compute list numbers, and a malformed file can make it panic. Reading only the parts we
//! need, with size and nesting limits, keeps the reader fast and bounded.

mod body;
mod package;
mod styles;
mod table;
mod xml;

use nianbao_plugin::{Align, Block, Document, Error, Options};

use body::{Para, Raw};
use package::Package;
use styles::{Numbering, Styles};
use xml::{Event, Reader, Tag};

/// Bytes the main document part may inflate to (`-O max-part-mb=N` for every part). Real
/// reports are well under 5 MB.
const MAX_PART_MB: u64 = 256;
/// Bytes a styles, numbering, relationship or property part may inflate to; Word's own are
/// well under 1 MB.
const SMALL_PART: u64 = 8 << 20;
/// Bytes all parts read may inflate to together (`-O max-inflated-mb=N`)…
const MAX_INFLATED_MB: u64 = 256;
/// … and, unless that option is given, at most this many times the file's size: Word's XML
/// deflates 5 to 20 times, a ZIP bomb a thousand.
const MAX_INFLATION: u64 = 200;
/// Positions of one table's grid (rows × columns): the official tables have about 300.
const MAX_CELLS: usize = 100_000;
/// Characters of one table cell.
const MAX_CELL_CHARS: usize = 100_000;
/// Blocks and table cells in all (paragraphs in cells and text boxes too), what crosses the
/// plugin boundary: a report makes about a thousand, each costs a few hundred bytes.
const MAX_BLOCKS: usize = 500_000;

/// Budgets of one read, from the options (the same names in every plugin).
pub struct Limits {
    pub document_part: u64,
    pub small_part: u64,
    pub inflated: u64,
    /// The file's size when `inflated` is [`MAX_INFLATION`] times it.
    pub by_size: Option<u64>,
    pub cells: usize,
    pub cell_chars: usize,
    pub blocks: usize,
}

impl Limits {
    pub fn new(options: &Options, file_size: usize) -> Result<Limits, Error> {
        let mb = |key: &str| number(options, key).map(|n| n.map(|n| (n as u64).saturating_mul(1 << 20)));
        let part = mb("max-part-mb")?;
        let inflated = mb("max-inflated-mb")?;
        let file_size = file_size as u64;
        let by_size = (inflated.is_none() && file_size * MAX_INFLATION < MAX_INFLATED_MB << 20).then_some(file_size);
        Ok(Limits {
            document_part: part.unwrap_or(MAX_PART_MB << 20),
            small_part: part.unwrap_or(SMALL_PART),
            inflated: inflated.unwrap_or(by_size.map_or(MAX_INFLATED_MB << 20, |s| s * MAX_INFLATION)),
            by_size,
            cells: number(options, "max-cells")?.unwrap_or(MAX_CELLS),
            cell_chars: number(options, "max-cell-chars")?.unwrap_or(MAX_CELL_CHARS),
            blocks: number(options, "max-blocks")?.unwrap_or(MAX_BLOCKS),
        })
    }
}

fn number(options: &Options, key: &str) -> Result<Option<usize>, Error> {
    options
        .get(key)
        .map(|v| v.trim().parse().map_err(|_| Error(format!("-O {key}={v}: the limit must be a whole number"))))
        .transpose()
}

/// Reads a DOCX file into a Document.
pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let inspect = options.get("inspect").is_some_and(|v| v == "true" || v == "1");
    let limits = Limits::new(options, bytes.len())?;
    let mut pkg = Package::open(bytes, &limits)?;
    let parts = pkg.parts()?;
    let document = pkg.part(&parts.document, limits.document_part)?.ok_or_else(|| {
        Error(format!("the package names {} as its main document, but has no such part", parts.document))
    })?;
    if !is_word_document(&document) {
        return Err(pkg.not_word());
    }
    let styles = match &parts.styles {
        Some(p) => Styles::parse(&pkg.part(p, limits.small_part)?.unwrap_or_default(), p)?,
        None => Styles::default(),
    };
    let mut numbering = match &parts.numbering {
        Some(p) => Numbering::parse(&pkg.part(p, limits.small_part)?.unwrap_or_default(), p)?,
        None => Numbering::default(),
    };
    let mut notes = Vec::new();
    let raws = body::parse(&document, &parts.document, &styles, &mut numbering, &limits, &mut notes, inspect)?;
    drop(document);

    let mut meta = Vec::new();
    if let Some(p) = &parts.core {
        package::core_props(&pkg.part(p, limits.small_part)?.unwrap_or_default(), p, &mut meta)?;
    }
    if let Some(p) = &parts.custom {
        package::custom_props(&pkg.part(p, limits.small_part)?.unwrap_or_default(), p, &mut meta)?;
    }
    let blocks = blocks(raws, inspect.then_some(&mut notes));
    Ok(Document { meta, blocks, notes, ..Document::default() })
}

/// Turns the parsed body into blocks, deciding which paragraphs are headings.
fn blocks(raws: Vec<Raw>, mut notes: Option<&mut Vec<String>>) -> Vec<Block> {
    let body_size = body_size(&raws);
    let mut seen_body_text = false;
    let mut out = Vec::with_capacity(raws.len());
    for raw in raws {
        match raw {
            Raw::Para(p) => {
                let level = heading_level(&p, body_size, seen_body_text);
                if let (Some((level, why)), Some(notes)) = (level, notes.as_deref_mut()) {
                    notes.push(format!("heading {level} ({why}): {}", p.text));
                }
                match level {
                    Some((level, _)) => out.push(Block::Heading { source: None, level, text: p.text }),
                    None => {
                        seen_body_text = true;
                        out.push(Block::Paragraph { source: None, text: p.text, align: p.align });
                    }
                }
            }
            Raw::Table(t) => {
                seen_body_text = true;
                out.push(Block::Table(t));
            }
            Raw::Image(alt) => out.push(Block::Image { alt }),
        }
    }
    out
}

/// The font size (half-points) of most of the body text, where the file says.
fn body_size(raws: &[Raw]) -> Option<u32> {
    let mut by_size: Vec<(u32, usize)> = Vec::new();
    for raw in raws {
        if let Raw::Para(p) = raw {
            for &(size, n) in &p.sizes {
                match by_size.iter_mut().find(|(s, _)| *s == size) {
                    Some(entry) => entry.1 += n,
                    None => by_size.push((size, n)),
                }
            }
        }
    }
    by_size.into_iter().max_by_key(|&(_, n)| n).map(|(s, _)| s)
}

/// Longest text that still reads as a heading when only its emphasis says so.
const MAX_EMPHASIS_HEADING: usize = 60;

/// A paragraph's heading level and why, or None for body text. Heading styles and outline
/// levels count first (Title → 1, heading N → N + 1, so that a document's own section headings
/// land on level 2); otherwise a short paragraph set entirely in bold or in a larger size than
/// the body is a heading, and a centred one before any body text is the title.
fn heading_level(p: &Para, body_size: Option<u32>, seen_body_text: bool) -> Option<(u8, &'static str)> {
    if p.title_style {
        return Some((1, "title style"));
    }
    if let Some(outline) = p.outline {
        return Some((outline.saturating_add(2), "outline level"));
    }
    let chars = p.text.chars().count();
    if chars > MAX_EMPHASIS_HEADING || p.text.contains(['。', '\n']) {
        return None;
    }
    let larger = matches!((p.min_size, body_size), (Some(s), Some(b)) if s > b);
    if !(p.all_bold || larger) {
        return None;
    }
    if p.align == Align::Center && !seen_body_text {
        return Some((1, "centred emphasis before the body"));
    }
    Some((2, if p.all_bold { "bold" } else { "larger type" }))
}

/// Whether a main part is WordprocessingML: its root element is `w:document`.
fn is_word_document(xml: &[u8]) -> bool {
    let mut reader = xml_reader(xml);
    loop {
        match reader.next() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => return e.local() == b"document",
            Ok(Event::Eof) | Err(_) => return false,
            _ => {}
        }
    }
}

// ---- XML helpers shared by the part parsers

fn xml_reader(xml: &[u8]) -> Reader<'_> {
    Reader::new(xml)
}

/// An OOXML on/off attribute (`w:val` absent, "1", "true", "on" → on).
fn on_off(e: &Tag) -> bool {
    e.attr(b"val").is_none_or(|v| !matches!(&*v, "0" | "false" | "off" | "none"))
}

fn num_attr(e: &Tag, key: &[u8]) -> Option<u32> {
    e.attr(key).and_then(|v| v.trim().parse::<i64>().ok()).map(|n| n.clamp(0, u32::MAX as i64) as u32)
}

fn xml_error(part: &str, position: usize, e: impl std::fmt::Display) -> Error {
    Error(format!("{part} is not well-formed XML (near byte {position}): {e}"))
}

fn next_event<'x>(reader: &mut Reader<'x>, part: &str) -> Result<Event<'x>, Error> {
    reader.next().map_err(|e| xml_error(part, e.position, e))
}

/// Skips the rest of an element whose start tag was just read.
fn skip(reader: &mut Reader, part: &str) -> Result<(), Error> {
    reader.skip().map_err(|e| xml_error(part, e.position, e))
}

/// The text content of an element whose start tag was just read, entities resolved; nested
/// elements are skipped.
fn element_text(reader: &mut Reader, part: &str) -> Result<String, Error> {
    let mut out = String::new();
    element_text_into(reader, part, &mut out)?;
    Ok(out)
}

/// [`element_text`], appended to `out`.
fn element_text_into(reader: &mut Reader, part: &str, out: &mut String) -> Result<(), Error> {
    loop {
        match next_event(reader, part)? {
            Event::Text(t) => xml::append_text(out, t).map_err(|e| xml_error(part, reader.position(), e))?,
            Event::CData(t) => out.push_str(&String::from_utf8_lossy(t)),
            Event::Start(_) => skip(reader, part)?,
            Event::End(_) => return Ok(()),
            Event::Eof => return Err(Error(format!("{part} ends in the middle of an element"))),
            Event::Empty(_) => {}
        }
    }
}
