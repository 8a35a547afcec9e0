//! PDF → Document: lopdf parses the file (cross references, filters, decryption with the
//! empty password); our own interpreter runs each page's content stream into positioned
//! glyphs and rulings; lines, paragraphs and ruled tables are rebuilt from the geometry.
//!
//! Every heading, paragraph, table and cell says where it was printed: its page (from 1) and
//! the box of its text in points from the page's top-left corner as the page is shown (after
//! /Rotate), y downward; a paragraph or table over pages gives its first page.
//!
//! Options: `inspect=true` adds per-page lines and table grids to `Document.notes`.

mod aligned;
mod cmap;
mod flow;
mod font;
mod glyphs;
mod interp;
mod lazy;
mod lexer;
mod limits;
mod lines;
mod meta;
mod obj;
mod syntax;
mod table;

use flow::PageLayout;
use interp::{FontCache, Page};
use lazy::{Lazy, Stop};
use limits::Limits;
use lopdf::{Dictionary, Object, ObjectId};
use nianbao_plugin::{Document, Error, Options};
use obj::{Over, Pdf, Store};
use std::cell::RefCell;

/// Pages beyond this are not read: a report has tens, a crafted page tree millions.
const MAX_PAGES: usize = 5000;

pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let inspect = options.get("inspect").is_some_and(|v| v == "true" || v == "1");
    let limits = Limits::new(options, bytes.len())?;
    check_ends(bytes)?;
    // Objects on demand where the cross references read cleanly; lopdf's whole load (which
    // rebuilds damaged files) where they do not, where reading on demand gave up, or where it
    // found the file unreadable (a damaged file lopdf may repair: a page tree it rebuilds).
    if let Some(lazy) = Lazy::open(bytes, limits.objects(), limits.object_stream() as usize) {
        let mut pdf = Pdf::new(Store::Lazy(lazy), limits);
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_pdf(&mut pdf, inspect, limits)));
        match (read, pdf.stop()) {
            (_, Some(Stop::Heavy)) => return Err(limits.inflated_error("the objects of the PDF, parsed, grow")),
            (_, Some(Stop::TooBig(limit))) => return Err(limits.load_error(limit as u64)),
            (Ok(Ok(doc)), None) => return Ok(doc),
            _ => {}
        }
    }
    let mut pdf = load(bytes, limits)?;
    read_pdf(&mut pdf, inspect, limits)
}

fn read_pdf(pdf: &mut Pdf, inspect: bool, limits: Limits) -> Result<Document, Error> {
    let pages = pdf.pages();
    if pdf.stop().is_some() {
        return Err("stopped".into());
    }
    if pages.is_empty() {
        return Err("the PDF has no pages (the file may be truncated or damaged)".into());
    }
    let mut fonts = FontCache::default();
    let mut layouts = Vec::new();
    let mut notes = Vec::new();
    let (mut glyphs, mut unmapped, mut image_pages) = (0usize, 0usize, Vec::new());
    if pdf.rebuilt() {
        notes.push("the file's cross-reference table is damaged and was rebuilt: some content may be missing".into());
    }
    let mut damaged = Vec::new();
    for (number, &id) in (1..).zip(pages.iter().take(MAX_PAGES)) {
        let (mut page, ok) = run_page(pdf, &mut fonts, id);
        if pdf.stop().is_some() {
            return Err("stopped".into());
        }
        match pdf.over() {
            Some(Over::Part) => return Err(limits.part_error()),
            Some(Over::Total) => {
                return Err(limits.inflated_error("the streams of the PDF, decoded as its pages draw them, grow"))
            }
            None => {}
        }
        page.turn_upright();
        if !ok {
            damaged.push(number);
        }
        glyphs += page.glyphs.len();
        unmapped += page.unmapped;
        if page.glyphs.is_empty() && page.image_area > 0.25 * page.width * page.height {
            image_pages.push(number);
        }
        let (mut tables, taken) = table::find(&page);
        tables.iter_mut().for_each(|t| t.place(&page, number));
        let free: Vec<u32> = (0..page.glyphs.len() as u32).filter(|&i| !taken[i as usize]).collect();
        let layout =
            PageLayout { number, width: page.width, height: page.height, lines: lines::build(&page, &free), tables };
        if inspect {
            describe(&layout, &page, &mut notes);
        }
        layouts.push(layout);
        // Memory flat in the page count: what the page needed is parsed again if another
        // page needs it (fonts stay loaded).
        pdf.forget();
        fonts.forget_inline();
    }
    if glyphs == 0 && !damaged.is_empty() {
        return Err("the PDF is damaged: the content of its pages cannot be decoded".into());
    }
    if !damaged.is_empty() {
        notes.push(format!("pages with a damaged content stream, read only in part: {damaged:?}"));
    }
    if glyphs == 0 {
        return Err(if image_pages.is_empty() {
            "the PDF has no text on any page".into()
        } else {
            format!(
                "the PDF has no text layer: its {} page(s) are images (a scanned document?), and OCR is not supported",
                image_pages.len()
            )
            .into()
        });
    }
    if !image_pages.is_empty() {
        notes.push(format!("pages without a text layer (images only, not read): {image_pages:?}"));
    }
    if unmapped > 0 {
        notes.push(format!("{unmapped} glyph(s) dropped: their fonts say nothing about their Unicode text"));
    }
    if pages.len() > MAX_PAGES {
        notes.push(format!("only the first {MAX_PAGES} of {} pages were read", pages.len()));
    }
    let blocks = flow::assemble(layouts);
    let meta = meta::read(pdf);
    if pdf.stop().is_some() {
        return Err("stopped".into());
    }
    Ok(Document { meta, blocks, notes, ..Document::default() })
}

thread_local! {
    /// The state of the load on this thread: lopdf's load filter is a plain function.
    static LOADING: RefCell<Loading> = RefCell::new(Loading::default());
}

#[derive(Default)]
struct Loading {
    /// What the objects loaded so far weigh, and what they may.
    weight: u64,
    limit: u64,
    /// How far an object stream may decode.
    stream_limit: usize,
    /// The members of object streams, parsed here: `(container, id, object)`.
    members: Vec<(u32, ObjectId, Object)>,
    /// An object stream past `stream_limit`, by that limit.
    too_big: Option<usize>,
}

/// lopdf's load filter: weighs each object, and keeps it while the objects are within the
/// budget. Object streams are parsed here instead of by lopdf (which would hand every member
/// to this filter and keep the one returned, so that every object would have to be copied):
/// their members are weighed and kept aside, and [`load`] adds them to the document.
fn weigh(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    LOADING.with(|l| {
        let mut l = l.borrow_mut();
        if let Object::Stream(s) = &*object {
            if s.dict.has_type(b"ObjStm") {
                if l.weight > l.limit {
                    // The load is refused already: no need to parse more.
                    return None;
                }
                match lopdf::ObjectStream::new_with_limit(s, Some(l.stream_limit)) {
                    Ok(members) => {
                        for (member, o) in members.objects {
                            l.weight = l.weight.saturating_add(weight(&o));
                            if l.weight <= l.limit {
                                l.members.push((id.0, member, o));
                            }
                        }
                    }
                    Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit })) => {
                        l.too_big = Some(limit);
                    }
                    // Unreadable: lopdf would skip it as well.
                    Err(_) => {}
                }
                return None;
            }
        }
        l.weight = l.weight.saturating_add(weight(object));
        // lopdf keeps the object it passed; what is returned only says "keep".
        (l.weight <= l.limit).then_some((id, Object::Null))
    })
}

/// Adds the members of object streams the filter kept aside, as lopdf would: never over an
/// object already loaded, nor where the cross references say the object lives elsewhere.
fn add_members(doc: &mut lopdf::Document, members: Vec<(u32, ObjectId, Object)>) {
    use lopdf::xref::XrefEntry;
    for (container, id, object) in members {
        let placed = match doc.reference_table.get(id.0) {
            Some(XrefEntry::Compressed { container: c, .. }) => *c == container,
            Some(XrefEntry::Free | XrefEntry::UnusableFree) => false,
            _ => true,
        };
        if placed {
            doc.max_id = doc.max_id.max(id.0);
            doc.objects.entry(id).or_insert(object);
        }
    }
}

/// Roughly the memory an object takes: its node, its children's, and their bytes.
fn weight(object: &Object) -> u64 {
    let node = std::mem::size_of::<Object>() as u64;
    match object {
        Object::Name(b) | Object::String(b, _) => return node + b.len() as u64,
        Object::Array(_) | Object::Dictionary(_) | Object::Stream(_) => {}
        _ => return node,
    }
    // Not recursive: lopdf parses arrays nested a hundred thousand deep.
    let mut stack = vec![object];
    let mut total = 0u64;
    while let Some(o) = stack.pop() {
        total += node;
        match o {
            Object::Name(b) | Object::String(b, _) => total += b.len() as u64,
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(k, v)| {
                total += k.len() as u64 + node;
                v
            })),
            Object::Stream(st) => {
                total += st.content.len() as u64;
                stack.extend(st.dict.iter().map(|(_, v)| v));
            }
            _ => {}
        }
    }
    total
}

/// Whether the catalog leads to a page tree (what lopdf checks before rebuilding a damaged
/// file's cross references; it leaves that to us when a load filter is set).
fn page_tree_loaded(doc: &lopdf::Document) -> bool {
    doc.catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .and_then(|root| doc.get_dictionary(root))
        .and_then(|root| root.get_deref(b"Kids", doc))
        .and_then(Object::as_array)
        .is_ok()
}

/// Refuses what is no PDF, or a PDF cut short.
fn check_ends(bytes: &[u8]) -> Result<(), Error> {
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err("not a PDF file (no %PDF- header)".into());
    }
    // Every complete PDF ends with %%EOF (trailing junk of a download aside); without it the
    // file was cut short, and what could be salvaged would read as a shorter report.
    let tail = &bytes[bytes.len().saturating_sub(2048)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err("the PDF is truncated (it does not end with %%EOF): download it again".into());
    }
    Ok(())
}

fn load(bytes: &[u8], limits: Limits) -> Result<Pdf<'static>, Error> {
    let stream_limit = limits.object_stream() as usize;
    let load = |rebuild: bool| {
        LOADING.with(|l| *l.borrow_mut() = Loading { limit: limits.objects(), stream_limit, ..Loading::default() });
        let options = lopdf::LoadOptions {
            max_decompressed_size: Some(stream_limit),
            filter: Some(weigh),
            force_reconstruct: rebuild,
            ..Default::default()
        };
        let mut loaded = lopdf::Document::load_mem_with_options(bytes, options);
        let Loading { weight, members, too_big, .. } = LOADING.with(|l| std::mem::take(&mut *l.borrow_mut()));
        if let Some(limit) = too_big {
            loaded = Err(lopdf::DecompressError::MemoryLimitExceeded { limit }.into());
        }
        if let Ok(doc) = &mut loaded {
            add_members(doc, members);
        }
        (loaded, weight > limits.objects())
    };
    let loaded = std::panic::catch_unwind(|| {
        let (mut loaded, mut heavy) = load(false);
        // As lopdf does unfiltered: cross references that point past the page tree are rebuilt.
        if let Ok(doc) = &loaded {
            let rebuilt = doc.xref_recovery == Some(lopdf::xref::XrefRecovery::Reconstructed);
            let locked = doc.is_encrypted() && doc.encryption_state.is_none();
            if !(heavy || rebuilt || locked || page_tree_loaded(doc)) {
                let (again, again_heavy) = load(true);
                if again.as_ref().is_ok_and(|d| {
                    d.xref_recovery == Some(lopdf::xref::XrefRecovery::Reconstructed) && page_tree_loaded(d)
                }) {
                    (loaded, heavy) = (again, again_heavy);
                }
            }
        }
        (loaded, heavy)
    });
    let loaded = match loaded {
        Ok((_, true)) => return Err(limits.inflated_error("the objects of the PDF, parsed, grow")),
        Ok((loaded, false)) => Ok(loaded),
        Err(e) => Err(e),
    };
    match loaded {
        Ok(Ok(doc)) if doc.is_encrypted() && doc.encryption_state.is_none() => {
            Err("the PDF is encrypted with a password; give an unprotected copy".into())
        }
        Ok(Ok(doc)) => Ok(Pdf::new(Store::Loaded(doc), limits)),
        Ok(Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit }))) => {
            Err(limits.load_error(limit as u64))
        }
        Ok(Err(lopdf::Error::Decryption(e))) => {
            Err(format!("the PDF is encrypted and cannot be opened without its password ({e})").into())
        }
        Ok(Err(e)) => Err(format!("cannot read the PDF (truncated or damaged?): {e}").into()),
        Err(_) => Err("cannot read the PDF: its structure is damaged beyond repair".into()),
    }
}

/// A page attribute, inherited from the page tree when the page does not set it.
fn inherited<'a>(pdf: &'a Pdf, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut dict = page;
    for _ in 0..64 {
        if let Some(v) = pdf.get(dict, key) {
            return Some(v);
        }
        dict = pdf.get(dict, b"Parent").and_then(|p| pdf.dict(p))?;
    }
    None
}

/// Runs one page; false when a content stream of it could not be decoded.
fn run_page(pdf: &Pdf, fonts: &mut FontCache, id: ObjectId) -> (Page, bool) {
    let empty = Dictionary::new();
    let dict = pdf.dict(pdf.object(id)).unwrap_or(&empty);
    let bbox = inherited(pdf, dict, b"CropBox")
        .or_else(|| inherited(pdf, dict, b"MediaBox"))
        .map(|o| obj::numbers(Some(o)))
        .filter(|b| b.len() == 4)
        .map_or([0.0, 0.0, 595.0, 842.0], |b| [b[0].min(b[2]), b[1].min(b[3]), b[0].max(b[2]), b[1].max(b[3])]);
    let rotate = obj::number(inherited(pdf, dict, b"Rotate")).unwrap_or(0.0) as i64;
    let (base, width, height) = interp::page_matrix(bbox, rotate);
    let resources = inherited(pdf, dict, b"Resources").and_then(|r| pdf.dict(r)).unwrap_or(&empty);
    let (content, ok) = page_content(pdf, dict);
    let page = Page { width, height, ..Page::default() };
    (interp::run_page(pdf, fonts, &content, resources, page, base), ok)
}

/// The page's content streams, decoded and concatenated, and whether all of them decoded.
fn page_content(pdf: &Pdf, page: &Dictionary) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut ok = true;
    let parts: Vec<&Object> = match page.get(b"Contents").ok().map(|o| pdf.resolve(o)) {
        Some(Object::Array(a)) => a.iter().collect(),
        Some(o) => vec![o],
        None => Vec::new(),
    };
    for part in parts {
        match pdf.stream_bytes(part) {
            Some(bytes) if (out.len() + bytes.len()) as u64 <= pdf.limits.part => {
                out.extend_from_slice(&bytes);
                out.push(b'\n');
            }
            Some(_) => break,
            None => ok = false,
        }
    }
    (out, ok)
}

/// Diagnostics for `nianbao inspect`: the page's lines and table grids.
fn describe(layout: &PageLayout, page: &Page, notes: &mut Vec<String>) {
    notes.push(format!(
        "page {}: {:.0}×{:.0} pt, {} glyphs, {} horizontal and {} vertical rules, {} lines, {} tables",
        layout.number,
        layout.width,
        layout.height,
        page.glyphs.len(),
        page.hrules.len(),
        page.vrules.len(),
        layout.lines.len(),
        layout.tables.len()
    ));
    for l in &layout.lines {
        let text = l.text.replace(lines::SOFT_SPACE, " ");
        notes.push(format!(
            "  line y={:.1} x={:.1}–{:.1} size={:.1}{}: {text}",
            l.top,
            l.left,
            l.right,
            l.size,
            if l.bold { " bold" } else { "" }
        ));
    }
    for t in &layout.tables {
        let xs: Vec<String> = t.xs.iter().map(|x| format!("{x:.1}")).collect();
        let ys: Vec<String> = t.ys.iter().map(|y| format!("{y:.1}")).collect();
        notes.push(format!("  table {}×{} grid, x=[{}] y=[{}]", t.rows(), t.xs.len() - 1, xs.join(" "), ys.join(" ")));
        for c in &t.cells {
            notes.push(format!("    r{} c{} {}×{}: {}", c.row, c.col, c.rowspan, c.colspan, c.text.replace('\n', "⏎")));
        }
    }
}
