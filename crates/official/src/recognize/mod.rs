//! recognize: Document → Report. Written once for all formats: whatever a reader could recover
//! (headings or plain paragraphs, grids with spans or flat runs of cells) goes through here, in
//! passes: the document as items ([`items`]), the tables found in them ([`find`]), their rows
//! aligned to the template's ([`align`]) and their values read ([`values`]), what had to be
//! guessed ([`review`]), the sections ([`sections`]), and the title and meta ([`meta`]).

mod align;
mod find;
mod items;
mod meta;
mod review;
mod sections;
mod values;

use crate::normalize::normalize;
use items::{collect_props, Item, Line, Props};
use nianbao_document::Document;
use nianbao_report::{Grade, Layout, Recognition, Report};

pub use meta::agency_from_title;
pub use sections::standard_title;

/// A report, what recognition noticed and decided on the way (shown by `nianbao inspect`), and
/// its grade.
#[derive(Debug, Clone)]
pub struct Recognized {
    pub report: Report,
    pub notes: Vec<String>,
    /// `exact`, `review` or `failed` (see [`Grade`]); [`recognize_with`] also puts it in the
    /// report as `recognition`.
    pub grade: Grade,
}

/// What recognition writes besides the report's values.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// For every non-null cell, where it was printed and its text as printed (the tables'
    /// `provenance`, from the Document's `source` of the cell or the line).
    pub provenance: bool,
}

/// The report in a Document, with its grade and per-table review (`missing`, `unplaced`,
/// `review_notes`), without provenance.
pub fn recognize(doc: &Document) -> Recognized {
    recognize_with(doc, &Options::default())
}

/// The report in a Document with its `recognition` grade, and the tables' provenance when
/// asked for.
pub fn recognize_with(doc: &Document, options: &Options) -> Recognized {
    let mut doc = doc.clone();
    normalize(&mut doc);
    let mut notes = Vec::new();
    // Property names are matched, so folded; values are kept as printed.
    let mut props: Props = doc.meta.iter().map(|p| (Line::new(p.key.trim()).key, p.value.trim().to_string())).collect();

    let items = items::items(&doc, &mut props, &mut notes);
    let items = sections::split_inline_headings(items);
    let items = sections::mark_section_headings(items);
    let standard = items.iter().filter(|i| matches!(i, Item::Section(..))).count() >= 2;

    // Where the report starts: its title, else the first heading.
    let first_heading = items.iter().position(|i| matches!(i, Item::Section(..)));
    let (title, body_start) = meta::find_title(&items, first_heading.unwrap_or(items.len().min(20)));
    for item in &items[..body_start] {
        if let Item::Text { line, .. } = item {
            collect_props(&line.key, &mut props);
        }
    }

    let found = find::tables(&doc, &items, &mut notes);
    let sections = sections::sections(&items, &found.consumed, body_start, standard, &mut props);

    let fill = values::Fill { provenance: options.provenance };
    let built = review::build(&found, fill, &mut notes);
    let tables = built.tables;
    let layout =
        tables.applications.as_ref().or(tables.active_disclosure.as_ref()).map_or(Layout::Freeform, |t| t.layout);
    let meta = meta::meta(title, &sections, &props, layout);
    let mut report = Report::new(meta);
    // A document without any narrative (a spreadsheet of the tables) has no sections.
    if sections.iter().any(|s| !s.paragraphs.is_empty()) {
        report.sections = sections;
    }
    report.tables = tables;
    report.recognition = Some(Recognition { grade: built.grade });
    Recognized { report, notes, grade: built.grade }
}
