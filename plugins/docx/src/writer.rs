//! Document → DOCX, typeset after GB/T 9704-2012 《党政机关公文格式》.
//!
//! docx-rs builds the package. What it cannot express is added to the parts it renders: the
//! core properties it has no setters for (title, creator), custom properties in the
//! Document's order (docx-rs keeps them in a hash map), `w:tblHeader` on header rows (its rows
//! only know `w:cantSplit`, which this writer puts on header rows alone and then extends), a
//! font table with the Chinese fonts, property elements in schema order, and compression.

mod package;
mod props;
mod table;

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, PageOrientationType,
    PageSize, Paragraph, Run, RunFonts, SectionProperty, SpecialIndentType, Style, StyleType,
};
use nianbao_plugin::{Align, Block, Document, Error, Options, Prop, Table};

/// Page geometry in twips (1/20 pt): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_TOP: i32 = 2098;
const MARGIN_BOTTOM: i32 = 1984;
const MARGIN_LEFT: i32 = 1587;
const MARGIN_RIGHT: i32 = 1474;
/// The page number's line sits 7 mm below the type area.
const FOOTER_DISTANCE: i32 = 1191;

/// 22 lines to the 225 mm type area: a fixed 28.95 pt pitch.
const LINE_PITCH: i32 = 579;
/// Font sizes in half-points: 二号, 三号, 四号.
const SIZE_TITLE: usize = 44;
const SIZE_BODY: usize = 32;
const SIZE_PAGE_NUMBER: usize = 28;
/// One character of body text (三号, 16 pt) in twips.
const BODY_CHAR: i32 = 320;

const FONT_TITLE: &str = "方正小标宋简体";
const FONT_HEADING: &str = "黑体";
const FONT_SUBHEADING: &str = "楷体_GB2312";
const FONT_BODY: &str = "仿宋_GB2312";
const FONT_PAGE_NUMBER: &str = "宋体";
/// Digits and Latin letters in body text.
const FONT_LATIN: &str = "Times New Roman";

const STYLE_TITLE: &str = "Title";
const STYLE_BODY: &str = "BodyText";
const STYLE_FOOTER: &str = "Footer";

/// docx-rs names footer relationships `rIdFooter{n}` in the order they are added; a landscape
/// section points its `w:sectPr` at the same two footers.
const ODD_FOOTER_RID: &str = "rIdFooter1";
const EVEN_FOOTER_RID: &str = "rIdFooter2";

/// Writes a Document as a DOCX file.
pub fn write(doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
    let docx = styled(Docx::new())
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margins())
        .footer(page_number_footer(AlignmentType::Right))
        .even_footer(page_number_footer(AlignmentType::Left));
    finish(add_blocks(docx, &doc.blocks), &doc.meta)
}

fn add_blocks(mut docx: Docx, blocks: &[Block]) -> Docx {
    for (i, block) in blocks.iter().enumerate() {
        docx = match block {
            Block::Heading { level, text } => docx.add_paragraph(heading(*level, text)),
            Block::Paragraph { text, align } => docx.add_paragraph(body(text, *align)),
            Block::Table(t) => {
                let next_is_table = matches!(blocks.get(i + 1), Some(Block::Table(_)));
                add_table(docx, t, next_is_table || i + 1 == blocks.len())
            }
            // A picture has no bytes in a Document; nothing to place.
            Block::Image { .. } => docx,
        };
    }
    docx
}

/// Adds a table; a table too wide for portrait gets a landscape section of its own. `closing`:
/// a table or the end of the document follows, which needs a paragraph between (Word joins
/// adjacent tables, and a document must not end in a table).
fn add_table(docx: Docx, t: &Table, closing: bool) -> Docx {
    let Some(layout) = table::lay_out(t) else { return docx };
    if layout.landscape {
        let landscape = docx.add_paragraph(section_break(false)).add_table(table::build(t, &layout));
        return landscape.add_paragraph(section_break(true));
    }
    let docx = docx.add_table(table::build(t, &layout));
    if closing {
        docx.add_paragraph(spacer())
    } else {
        docx
    }
}

/// Renders the package and adds what docx-rs cannot express (see the module comment).
fn finish(docx: Docx, meta: &[Prop]) -> Result<Vec<u8>, Error> {
    let mut xml = docx.build();
    xml.doc_props.core = props::core(meta).into_bytes();
    xml.doc_props.custom = props::custom(meta).into_bytes();
    xml.document = package::schema_order(&table::repeat_header_rows(&xml.document), "document")?;
    xml.styles = package::schema_order(&xml.styles, "styles")?;
    xml.settings = package::schema_order(&xml.settings, "settings")?;
    for footer in &mut xml.footers {
        *footer = package::schema_order(footer, "footer")?;
    }
    xml.font_table = package::font_table();
    let mut stored = Cursor::new(Vec::new());
    xml.pack(&mut stored).map_err(|e| Error(format!("cannot write the DOCX package: {e}")))?;
    package::deflate(stored.get_ref())
}

fn margins() -> PageMargin {
    PageMargin {
        top: MARGIN_TOP,
        bottom: MARGIN_BOTTOM,
        left: MARGIN_LEFT,
        right: MARGIN_RIGHT,
        header: 851,
        footer: FOOTER_DISTANCE,
        gutter: 0,
    }
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new().ascii(FONT_LATIN).hi_ansi(FONT_LATIN).cs(FONT_LATIN).east_asia(east_asia).hint("eastAsia")
}

fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(twips).before(0).after(0)
}

/// The styles: Title (二号 方正小标宋简体, centred), heading N (一、 in 黑体, （一） in 楷体_GB2312,
/// deeper in 仿宋_GB2312), body text (三号 仿宋_GB2312, indented two characters), table text
/// and the page-number footer. Heading styles carry outline levels, so Word's navigation pane
/// shows the report's structure.
fn styled(docx: Docx) -> Docx {
    let indented =
        |s: Style| s.indent(None, Some(SpecialIndentType::FirstLine(2 * BODY_CHAR)), None, None).first_line_chars(200);
    let mut docx = docx
        .default_fonts(fonts(FONT_BODY))
        .default_size(SIZE_BODY)
        .add_style(
            Style::new(STYLE_TITLE, StyleType::Paragraph)
                .name("Title")
                .fonts(fonts(FONT_TITLE))
                .size(SIZE_TITLE)
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new().line_rule(LineSpacingType::Exact).line(700).before(0).after(LINE_PITCH as u32),
                ),
        )
        .add_style(
            indented(Style::new(STYLE_BODY, StyleType::Paragraph).name("Body Text"))
                .fonts(fonts(FONT_BODY))
                .size(SIZE_BODY)
                .align(AlignmentType::Both)
                .line_spacing(exact(LINE_PITCH)),
        )
        .add_style(
            Style::new(STYLE_FOOTER, StyleType::Paragraph)
                .name("footer")
                .fonts(fonts(FONT_PAGE_NUMBER))
                .size(SIZE_PAGE_NUMBER),
        );
    // One table text style per size the layout may choose, so cells need no direct formatting.
    for size in table::SIZES {
        docx = docx.add_style(
            Style::new(table::style_id(size), StyleType::Paragraph)
                .name(format!("Table Text {}", size as f32 / 2.0))
                .fonts(fonts(FONT_BODY))
                .size(size)
                .align(AlignmentType::Center)
                .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240).before(0).after(0)),
        );
    }
    for n in 1..=8u8 {
        let font = match n {
            1 => FONT_HEADING,
            2 => FONT_SUBHEADING,
            _ => FONT_BODY,
        };
        docx = docx.add_style(
            indented(Style::new(heading_style(n + 1), StyleType::Paragraph).name(format!("heading {n}")))
                .fonts(fonts(font))
                .size(SIZE_BODY)
                .align(AlignmentType::Both)
                .line_spacing(exact(LINE_PITCH))
                .outline_lvl(n as usize - 1),
        );
    }
    docx
}

/// The style of a Document heading level: level 1 is the title, level N ≥ 2 Word's heading N−1.
fn heading_style(level: u8) -> String {
    match level {
        0 | 1 => STYLE_TITLE.to_string(),
        n => format!("Heading{}", (n - 1).min(8)),
    }
}

fn heading(level: u8, text: &str) -> Paragraph {
    let p = Paragraph::new().style(&heading_style(level));
    let p = if level >= 2 { p.keep_next(true) } else { p };
    lines(p, text)
}

fn body(text: &str, align: Align) -> Paragraph {
    let p = Paragraph::new().style(STYLE_BODY);
    let p = match align {
        Align::Justify => p,
        Align::Left => p.align(AlignmentType::Left),
        Align::Center => p
            .align(AlignmentType::Center)
            .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
            .first_line_chars(0),
        // Signature lines: right-aligned, four characters in from the margin (GB/T 9704 7.3.5).
        Align::Right => p
            .align(AlignmentType::Right)
            .indent(None, Some(SpecialIndentType::FirstLine(0)), Some(4 * BODY_CHAR), None)
            .first_line_chars(0),
    };
    lines(p, text)
}

/// Adds text to a paragraph, `\n` as line breaks and tabs as tabs.
pub(crate) fn lines(p: Paragraph, text: &str) -> Paragraph {
    let mut run = Run::new();
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                run = run.add_tab();
            }
            if !piece.is_empty() {
                run = run.add_text(xml_safe(piece));
            }
        }
    }
    p.add_run(run)
}

/// Drops characters XML 1.0 cannot carry (control characters other than tab and newline):
/// Word refuses a document that has them.
pub(crate) fn xml_safe(s: &str) -> String {
    s.chars()
        .filter(|&c| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
        .collect()
}

/// `— 1 —`, 四号 宋体: odd pages on the right and even pages on the left, one character in
/// from the edge of the type area (GB/T 9704 7.5).
fn page_number_footer(side: AlignmentType) -> Footer {
    let one_char = Some(2 * SIZE_PAGE_NUMBER as i32 * 10);
    let (left, right) = if matches!(side, AlignmentType::Right) { (None, one_char) } else { (one_char, None) };
    let p = Paragraph::new()
        .style(STYLE_FOOTER)
        .align(side)
        .indent(left, None, right, None)
        .add_run(Run::new().add_text("— "))
        .add_page_num(PageNum::new())
        .add_run(Run::new().add_text(" —"));
    Footer::new().add_paragraph(p)
}

/// An empty paragraph that ends a section: the pages before it are portrait, or landscape
/// for a table too wide for portrait. Both use the document's page-number footers.
fn section_break(landscape: bool) -> Paragraph {
    let (w, h, orient) = if landscape {
        (PAGE_HEIGHT, PAGE_WIDTH, PageOrientationType::Landscape)
    } else {
        (PAGE_WIDTH, PAGE_HEIGHT, PageOrientationType::Portrait)
    };
    let sect = SectionProperty::new()
        .page_size(PageSize::new().size(w, h).orient(orient))
        .page_margin(margins())
        .footer(page_number_footer(AlignmentType::Right), ODD_FOOTER_RID)
        .even_footer(page_number_footer(AlignmentType::Left), EVEN_FOOTER_RID);
    spacer().section_property(sect)
}

/// An empty paragraph of minimal height.
fn spacer() -> Paragraph {
    Paragraph::new()
        .style(STYLE_BODY)
        .size(2)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(20))
}
