//! The walk over word/document.xml: paragraphs with their printed text, tables, text boxes and
//! pictures, in reading order.

use std::borrow::Cow;

use nianbao_plugin::document::MAX_SPAN;
use nianbao_plugin::{Align, Error, Table};

use super::styles::{Numbering, ParaProps, ParaStyle, RunProps, Styles};
use super::table::{self, CellProps, Merge, RawCell, Row};
use super::xml::{Event, Reader, Tag};
use super::{element_text, element_text_into, next_event, num_attr, on_off, xml_error, xml_reader, Limits};

/// What the body holds, before headings are told from paragraphs.
#[derive(Debug)]
pub enum Raw {
    Para(Para),
    Table(Table),
    Image(String),
}

#[derive(Debug, Default)]
pub struct Para {
    pub text: String,
    pub align: Align,
    /// Outline level from the paragraph or its style (0 = top), None for body text.
    pub outline: Option<u8>,
    pub title_style: bool,
    /// Every visible character is bold.
    pub all_bold: bool,
    /// Smallest font size of the visible characters, in half-points.
    pub min_size: Option<u32>,
    /// Visible characters per font size.
    pub sizes: Vec<(u32, usize)>,
}

/// Tables and text boxes nested deeper than this are refused: real documents nest two or
/// three levels, and the walk recurses once per level.
const MAX_NESTING: usize = 40;

/// Word's size for text no style sizes: 10 pt.
const DEFAULT_SIZE: u32 = 20;

/// Elements whose content is never printed text (or is printed elsewhere, like the
/// `mc:Fallback` copy of a text box).
const NOT_PRINTED: &[&[u8]] = &[
    b"del",
    b"moveFrom",
    b"delText",
    b"delInstrText",
    b"rt",
    b"sdtPr",
    b"sdtEndPr",
    b"fldData",
    b"ffData",
    b"Fallback",
    b"customXmlPr",
    b"smartTagPr",
    b"sectPr",
    b"tblPr",
    b"tblGrid",
    b"tblPrEx",
    b"background",
];

pub fn parse(
    xml: &[u8],
    part: &str,
    styles: &Styles,
    numbering: &mut Numbering,
    limits: &Limits,
    notes: &mut Vec<String>,
    inspect: bool,
) -> Result<Vec<Raw>, Error> {
    let mut walker = Walker {
        reader: xml_reader(xml),
        part,
        styles,
        numbering,
        limits,
        tables: 0,
        blocks_left: limits.blocks,
        fields: Vec::new(),
        stats: Stats::default(),
        inspect_tables: inspect.then(Vec::new),
        hidden: String::new(),
    };
    let (raws, _) = walker.blocks(0, true)?;
    walker.stats.report(notes);
    notes.extend(walker.inspect_tables.into_iter().flatten());
    Ok(raws)
}

/// Things worth telling the user that the blocks cannot show.
#[derive(Default)]
pub struct Stats {
    pub images: usize,
    pub text_boxes: usize,
    pub flattened_tables: usize,
    pub unwrapped_tables: usize,
    pub embedded_documents: usize,
}

impl Stats {
    fn report(&self, notes: &mut Vec<String>) {
        let mut say = |n: usize, what: &str| {
            if n > 0 {
                notes.push(format!("{n} {what}"));
            }
        };
        say(self.images, "picture(s) or chart(s), kept as image blocks");
        say(self.text_boxes, "text box(es), read in place after their anchor paragraph");
        say(self.flattened_tables, "table(s) nested in a table cell, read as cell text");
        say(self.unwrapped_tables, "one-column frame table(s) around other tables, unwrapped");
        say(self.embedded_documents, "embedded document chunk(s) (altChunk), not read");
    }
}

/// A field (`w:fldChar` begin … separate … end) that is open at the current position.
struct Field {
    instr: String,
    /// Past `separate`: what follows is the field's printed result.
    in_result: bool,
    /// A page number or page reference: page furniture, not report text.
    page: bool,
}

struct Walker<'p, 'x> {
    reader: Reader<'x>,
    part: &'p str,
    styles: &'p Styles,
    numbering: &'p mut Numbering,
    limits: &'p Limits,
    /// The `w:tbl` elements opened so far, wherever they are: a table's number in the source.
    tables: u32,
    /// What is left of `Limits::blocks`.
    blocks_left: usize,
    fields: Vec<Field>,
    stats: Stats,
    inspect_tables: Option<Vec<String>>,
    /// Where text that does not print is read to.
    hidden: String,
}

/// The text of a paragraph being read, with what its runs say about emphasis.
#[derive(Default)]
struct Acc {
    text: String,
    bold_chars: usize,
    chars: usize,
    sizes: Vec<(u32, usize)>,
}

impl Acc {
    /// Counts the text appended since `start`, printed with `run`'s formatting.
    fn count_from(&mut self, start: usize, run: RunProps) {
        let n = self.text[start..].chars().filter(|c| !c.is_whitespace()).count();
        if n == 0 {
            return;
        }
        self.chars += n;
        if run.bold == Some(true) {
            self.bold_chars += n;
        }
        let size = run.size.unwrap_or(DEFAULT_SIZE);
        match self.sizes.iter_mut().find(|(s, _)| *s == size) {
            Some(e) => e.1 += n,
            None => self.sizes.push((size, n)),
        }
    }
}

impl<'x> Walker<'_, 'x> {
    fn next(&mut self) -> Result<Event<'x>, Error> {
        let event = next_event(&mut self.reader, self.part)?;
        if let Event::Start(t) | Event::Empty(t) = &event {
            if t.local() == b"tbl" {
                self.tables += 1;
            }
        }
        Ok(event)
    }

    /// Skips the rest of an element whose start tag was just read, counting the tables in it.
    fn skip(&mut self) -> Result<(), Error> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(_) => open += 1,
                Event::End(_) if open == 0 => return Ok(()),
                Event::End(_) => open -= 1,
                Event::Eof => {
                    let end = self.reader.position();
                    return Err(xml_error(self.part, end, "unexpected end of the part inside an element"));
                }
                _ => {}
            }
        }
    }

    /// Counts blocks or cells against [`Limits::blocks`].
    fn take(&mut self, n: usize) -> Result<(), Error> {
        self.blocks_left = self.blocks_left.checked_sub(n).ok_or_else(|| {
            Error(format!(
                "{} makes more than {} paragraphs and table cells (-O max-blocks=N raises the limit)",
                self.part, self.limits.blocks
            ))
        })?;
        Ok(())
    }

    fn truncated(&self) -> Error {
        Error(format!("{} ends in the middle of the document (the file may be truncated)", self.part))
    }

    fn too_deep(&self) -> Error {
        Error(format!("tables or text boxes are nested more than {MAX_NESTING} levels deep; refusing to read further"))
    }

    /// Reads block content (the body, a table cell, a text box) up to the end of the element
    /// whose start was just read, or to the end of the part at the top. Returns the blocks and,
    /// for a table cell, its properties.
    fn blocks(&mut self, depth: usize, top: bool) -> Result<(Vec<Raw>, CellProps), Error> {
        let mut out = Vec::new();
        let mut cell = CellProps::default();
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) => match e.local() {
                    b"p" => self.paragraph(depth, &mut out)?,
                    b"tbl" => {
                        let no = self.tables - 1;
                        let t = self.table(depth + 1, no)?;
                        out.extend(t);
                    }
                    b"tcPr" => cell = self.cell_props()?,
                    n if NOT_PRINTED.contains(&n) => self.skip()?,
                    b"altChunk" => {
                        self.stats.embedded_documents += 1;
                        self.skip()?;
                    }
                    _ => open += 1,
                },
                Event::Empty(e) if e.local() == b"altChunk" => self.stats.embedded_documents += 1,
                Event::End(_) => {
                    if open == 0 {
                        return Ok((out, cell));
                    }
                    open -= 1;
                }
                Event::Eof if top => return Ok((out, cell)),
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// Reads a `w:p` whose start was just read; pushes it (if it prints anything) and then the
    /// text boxes and pictures anchored in it.
    fn paragraph(&mut self, depth: usize, out: &mut Vec<Raw>) -> Result<(), Error> {
        let mut props = ParaProps::default();
        let mut style: Option<ParaStyle> = None;
        let mut run = RunProps::default();
        let mut run_style: Option<String> = None;
        let mut acc = Acc::default();
        let mut anchored = Vec::new();
        let mut open = 0usize;
        loop {
            let event = self.next()?;
            if style.is_none() && !matches!(&event, Event::Start(e) if e.local() == b"pPr") {
                style = Some(self.styles.paragraph(props.style.as_deref()));
            }
            match event {
                Event::Start(e) => match e.local() {
                    b"pPr" => props = self.para_props()?,
                    b"r" => {
                        run = RunProps::default();
                        run_style = None;
                        open += 1;
                    }
                    b"rPr" => (run, run_style) = self.run_props()?,
                    b"t" => match self.visible(run, run_style.as_deref(), style.as_ref()) {
                        Some(effective) => {
                            let start = acc.text.len();
                            element_text_into(&mut self.reader, self.part, &mut acc.text)?;
                            acc.count_from(start, effective);
                        }
                        None => {
                            self.hidden.clear();
                            element_text_into(&mut self.reader, self.part, &mut self.hidden)?;
                        }
                    },
                    b"instrText" => {
                        let text = element_text(&mut self.reader, self.part)?;
                        if let Some(f) = self.fields.last_mut().filter(|f| !f.in_result) {
                            f.instr.push_str(&text);
                        }
                    }
                    b"fldChar" => {
                        self.field_char(&e);
                        self.skip()?;
                    }
                    b"fldSimple" if is_page_field(&e.attr(b"instr").unwrap_or_default()) => self.skip()?,
                    b"drawing" | b"pict" | b"object" => anchored.extend(self.drawing(depth)?),
                    n if NOT_PRINTED.contains(&n) => self.skip()?,
                    _ => open += 1,
                },
                Event::Empty(e) => {
                    if let Some(s) = self.empty_in_run(&e) {
                        if let Some(effective) = self.visible(run, run_style.as_deref(), style.as_ref()) {
                            let start = acc.text.len();
                            acc.text.push_str(&s);
                            acc.count_from(start, effective);
                        }
                    }
                }
                Event::End(_) => {
                    if open == 0 {
                        break;
                    }
                    open -= 1;
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
        // A field code does not run past its paragraph; one still open is damaged and must not
        // hide the rest of the document.
        self.fields.retain(|f| f.in_result);
        let style = style.unwrap_or_default();
        if let Some(p) = self.finish_paragraph(props, &style, acc) {
            self.take(1)?;
            out.push(Raw::Para(p));
        }
        out.extend(anchored);
        Ok(())
    }

    /// What an empty element inside a run prints: tabs as a space, breaks as a new line, and
    /// the like. Field characters move the field state instead.
    fn empty_in_run(&mut self, e: &Tag) -> Option<Cow<'static, str>> {
        match e.local() {
            b"tab" | b"ptab" => Some(Cow::Borrowed(" ")),
            b"br" | b"cr" => Some(Cow::Borrowed("\n")),
            b"noBreakHyphen" => Some(Cow::Borrowed("-")),
            b"sym" => symbol(e).map(Cow::Owned),
            b"fldChar" => {
                self.field_char(e);
                None
            }
            _ => None,
        }
    }

    /// The formatting text in the current run prints with, or None if it does not print: a
    /// field code, a page number, hidden text.
    fn visible(&self, run: RunProps, run_style: Option<&str>, style: Option<&ParaStyle>) -> Option<RunProps> {
        if !self.fields.iter().all(|f| f.in_result && !f.page) {
            return None;
        }
        let para_run = style.map(|s| s.run).unwrap_or_default();
        let effective = run.or(self.styles.character(run_style)).or(para_run);
        (effective.vanish != Some(true)).then_some(effective)
    }

    fn finish_paragraph(&mut self, props: ParaProps, style: &ParaStyle, acc: Acc) -> Option<Para> {
        let num = match props.num_id {
            Some(0) => None,
            Some(id) => Some((id, props.ilvl.or(style.num.map(|n| n.1)).unwrap_or(0))),
            None => style.num.map(|(id, lvl)| (id, props.ilvl.unwrap_or(lvl))),
        };
        let text = match num.and_then(|(id, lvl)| self.numbering.label(id, lvl)) {
            Some(label) => clean_lines(label + &acc.text),
            None => clean_lines(acc.text),
        };
        if text.is_empty() {
            return None;
        }
        Some(Para {
            text,
            align: props.align.or(style.align).unwrap_or_default(),
            outline: props.outline.or(style.outline),
            title_style: style.title,
            all_bold: acc.chars > 0 && acc.bold_chars == acc.chars,
            min_size: acc.sizes.iter().map(|&(s, _)| s).min(),
            sizes: acc.sizes,
        })
    }

    fn field_char(&mut self, e: &Tag) {
        match e.attr(b"fldCharType").as_deref() {
            Some("begin") => self.fields.push(Field { instr: String::new(), in_result: false, page: false }),
            Some("separate") => {
                if let Some(f) = self.fields.last_mut() {
                    f.in_result = true;
                    f.page = is_page_field(&f.instr);
                }
            }
            Some("end") => {
                self.fields.pop();
            }
            _ => {}
        }
    }

    /// Reads the rest of a `w:pPr`.
    fn para_props(&mut self) -> Result<ParaProps, Error> {
        let mut props = ParaProps::default();
        self.props(&[b"rPr", b"sectPr"], |e| props.apply(e))?;
        Ok(props)
    }

    /// Reads the rest of a `w:rPr`: direct formatting and the character style.
    fn run_props(&mut self) -> Result<(RunProps, Option<String>), Error> {
        let mut props = RunProps::default();
        let mut style = None;
        self.props(&[], |e| {
            if e.local() == b"rStyle" {
                style = e.attr(b"val").map(Cow::into_owned);
            }
            props.apply(e);
        })?;
        Ok((props, style))
    }

    /// Reads the rest of a `w:tcPr`.
    fn cell_props(&mut self) -> Result<CellProps, Error> {
        let mut props = CellProps::default();
        self.props(&[], |e| match e.local() {
            b"gridSpan" => props.span = num_attr(e, b"val").unwrap_or(1),
            b"vMerge" => props.vmerge = merge(e),
            b"hMerge" => props.hmerge = merge(e),
            _ => {}
        })?;
        Ok(props)
    }

    /// Reads the rest of a properties element, handing each element inside to `f`; tracked
    /// changes (`*Change`, the formatting before a revision) and `skip` are not looked into.
    fn props(&mut self, skip: &[&[u8]], mut f: impl FnMut(&Tag)) -> Result<(), Error> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) => {
                    let name = e.local();
                    if name.ends_with(b"Change") || skip.contains(&name) {
                        self.skip()?;
                    } else {
                        f(&e);
                        open += 1;
                    }
                }
                Event::Empty(e) => f(&e),
                Event::End(_) => {
                    if open == 0 {
                        return Ok(());
                    }
                    open -= 1;
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// Reads a `w:drawing`, `w:pict` or `w:object`: the blocks of a text box, or an image.
    fn drawing(&mut self, depth: usize) -> Result<Vec<Raw>, Error> {
        let mut out = Vec::new();
        let mut alt: Option<String> = None;
        let mut picture = false;
        let mut text_box = false;
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) if e.local() == b"txbxContent" => {
                    if depth + 1 > MAX_NESTING {
                        return Err(self.too_deep());
                    }
                    text_box = true;
                    out.extend(self.blocks(depth + 1, false)?.0);
                }
                Event::Start(e) if e.local() == b"Fallback" => self.skip()?,
                Event::Start(e) => {
                    picture |= describe(&e, &mut alt);
                    open += 1;
                }
                Event::Empty(e) => picture |= describe(&e, &mut alt),
                Event::End(_) => {
                    if open == 0 {
                        break;
                    }
                    open -= 1;
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
        if text_box {
            self.stats.text_boxes += 1;
        } else if picture {
            self.take(1)?;
            self.stats.images += 1;
            out.push(Raw::Image(alt.unwrap_or_default()));
        }
        Ok(out)
    }

    /// Reads `w:tbl` number `no` (counted from 0 in the part), whose start was just read.
    fn table(&mut self, depth: usize, no: u32) -> Result<Vec<Raw>, Error> {
        if depth > MAX_NESTING {
            return Err(self.too_deep());
        }
        let mut rows: Vec<Row> = Vec::new();
        let mut width = 0;
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) => match e.local() {
                    b"tr" => {
                        let row = self.row(depth)?;
                        width = width.max(row.width());
                        rows.push(row);
                        self.take(rows.last().map_or(0, |r| r.cells.len()))?;
                        if rows.len().saturating_mul(width) > self.limits.cells {
                            return Err(Error(format!(
                                "table {no} of {} (counting its w:tbl elements from 0) has more than {} cells by its row {} \
                                 (-O max-cells=N raises the limit)",
                                self.part,
                                self.limits.cells,
                                rows.len() - 1
                            )));
                        }
                    }
                    n if NOT_PRINTED.contains(&n) => self.skip()?,
                    _ => open += 1,
                },
                Event::End(_) => {
                    if open == 0 {
                        break;
                    }
                    open -= 1;
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
        let built = table::build(rows, no, self.limits.cell_chars, &mut self.stats)?;
        self.take(built.iter().filter(|b| matches!(b, Raw::Table(_))).count())?;
        if let Some(notes) = &mut self.inspect_tables {
            for raw in &built {
                if let Raw::Table(t) = raw {
                    notes.push(table::describe(t));
                }
            }
        }
        Ok(built)
    }

    fn row(&mut self, depth: usize) -> Result<Row, Error> {
        let mut row = Row::default();
        let mut open = 0usize;
        loop {
            match self.next()? {
                Event::Start(e) => match e.local() {
                    b"trPr" => self.props(&[], |e| row.apply(e))?,
                    b"tc" => {
                        let (content, props) = self.blocks(depth, false)?;
                        row.cells.push(RawCell { content, props });
                    }
                    n if NOT_PRINTED.contains(&n) => self.skip()?,
                    _ => open += 1,
                },
                Event::Empty(e) if e.local() == b"tc" => row.cells.push(RawCell::default()),
                Event::End(_) => {
                    if open == 0 {
                        return Ok(row);
                    }
                    open -= 1;
                }
                Event::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }
}

fn merge(e: &Tag) -> Merge {
    match e.attr(b"val").as_deref() {
        Some("restart") => Merge::Restart,
        _ => Merge::Continue,
    }
}

/// Notes what a drawing element says about itself; true if it shows a picture or a chart.
fn describe(e: &Tag, alt: &mut Option<String>) -> bool {
    match e.local() {
        b"docPr" | b"cNvPr" | b"shape" => {
            let text = e.attr(b"descr").or_else(|| e.attr(b"title")).or_else(|| e.attr(b"alt"));
            if let Some(t) = text.filter(|t| !t.trim().is_empty()) {
                alt.get_or_insert(t.trim().to_string());
            }
            false
        }
        b"blip" | b"imagedata" | b"chart" | b"OLEObject" => true,
        _ => false,
    }
}

/// `PAGE`, `NUMPAGES`, `PAGEREF` … fields print page numbers: page furniture.
fn is_page_field(instr: &str) -> bool {
    let word = instr.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(word.as_str(), "PAGE" | "NUMPAGES" | "SECTIONPAGES" | "PAGEREF" | "SECTION")
}

/// A `w:sym` character, unless it lives in a symbol font's private-use area.
fn symbol(e: &Tag) -> Option<String> {
    let code = u32::from_str_radix(e.attr(b"char")?.trim(), 16).ok()?;
    if (0xF000..=0xF0FF).contains(&code) {
        return None;
    }
    char::from_u32(code).map(String::from)
}

/// Trims each printed line (indents typed as spaces, trailing blanks) and drops empty lines.
pub fn clean_lines(text: String) -> String {
    if !text.contains('\n') {
        let trimmed = text.trim();
        return if trimmed.len() == text.len() { text } else { trimmed.to_string() };
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n').map(str::trim).filter(|l| !l.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

impl Row {
    /// How many grid columns the row reaches over.
    fn width(&self) -> usize {
        let spans: usize = self.cells.iter().map(|c| c.props.span.clamp(1, MAX_SPAN) as usize).sum();
        (self.grid_before.min(MAX_SPAN) as usize).saturating_add(spans)
    }

    /// Takes in one element inside a `w:trPr`.
    fn apply(&mut self, e: &Tag) {
        match e.local() {
            b"tblHeader" => self.header = on_off(e),
            b"gridBefore" => self.grid_before = num_attr(e, b"val").unwrap_or(0),
            _ => {}
        }
    }
}
