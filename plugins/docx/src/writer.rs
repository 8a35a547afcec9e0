//! Document → DOCX, typeset after GB/T 9704-2012 《党政机关公文格式》.
//!
//! The parts are written as XML text directly, every property element with its children in
//! the order ECMA-376 prescribes (Word drops properties that come out of sequence), into
//! buffers sized up front; [`package`] zips them. Building an element tree first (as docx-rs
//! does) cost most of the writing time and still needed its output re-sorted and patched.

mod package;
mod props;
mod table;

use nianbao_plugin::{Align, Block, Document, Error, Options};

/// Page geometry in twips (1/20 pt): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
const PAGE_WIDTH: usize = 11906;
const PAGE_HEIGHT: usize = 16838;
const MARGIN_LEFT: usize = 1587;
const MARGIN_RIGHT: usize = 1474;
/// The page margins of every section; the page number's line sits 7 mm below the type area
/// (`w:footer`).
const PAGE_MARGINS: &str = r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1191" w:gutter="0" />"#;

/// Font sizes in half-points: 二号, 三号, 四号.
const SIZE_TITLE: &str = "44";
const SIZE_BODY: &str = "32";
const SIZE_PAGE_NUMBER: &str = "28";
/// One character of the page number (四号, 14 pt) in twips: its distance from the edge.
const PAGE_NUMBER_INDENT: &str = "560";

const FONT_TITLE: &str = "方正小标宋简体";
const FONT_HEADING: &str = "黑体";
const FONT_SUBHEADING: &str = "楷体_GB2312";
const FONT_BODY: &str = "仿宋_GB2312";
const FONT_PAGE_NUMBER: &str = "宋体";

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Relationship ids of the odd- and even-page footers; every section points at both.
const ODD_FOOTER_RID: &str = "rIdFooter1";
const EVEN_FOOTER_RID: &str = "rIdFooter2";

/// Writes a Document as a DOCX file.
pub fn write(doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
    let document = document_xml(&doc.blocks);
    let mut zip = package::Zip::new(document.len() / 4 + 16384);
    zip.add("[Content_Types].xml", package::CONTENT_TYPES.as_bytes())?;
    zip.add("_rels/.rels", package::PACKAGE_RELS.as_bytes())?;
    zip.add("docProps/app.xml", package::APP.as_bytes())?;
    zip.add("docProps/core.xml", props::core(&doc.meta).as_bytes())?;
    zip.add("docProps/custom.xml", props::custom(&doc.meta).as_bytes())?;
    zip.add("word/_rels/document.xml.rels", package::DOCUMENT_RELS.as_bytes())?;
    zip.add("word/document.xml", document.as_bytes())?;
    zip.add("word/styles.xml", styles_xml().as_bytes())?;
    zip.add("word/settings.xml", SETTINGS.as_bytes())?;
    zip.add("word/fontTable.xml", package::font_table().as_bytes())?;
    zip.add("word/footer1.xml", footer_xml("right", "0", PAGE_NUMBER_INDENT).as_bytes())?;
    zip.add("word/footer2.xml", footer_xml("left", PAGE_NUMBER_INDENT, "0").as_bytes())?;
    zip.finish()
}

/// word/document.xml.
fn document_xml(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(estimated_size(blocks));
    out.push_str(XML_DECLARATION);
    out.push_str(r#"<w:document xmlns:w=""#);
    out.push_str(NS_W);
    out.push_str(r#"" xmlns:r=""#);
    out.push_str(NS_R);
    out.push_str(r#""><w:body>"#);
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text, .. } => heading(&mut out, *level, text),
            Block::Paragraph { text, align, .. } => body(&mut out, text, *align),
            Block::Table(t) => {
                let Some(layout) = table::lay_out(t) else { continue };
                // Word joins adjacent tables, and a document must not end in a table: a
                // table or the end that follows needs a paragraph between.
                let closing = matches!(blocks.get(i + 1), Some(Block::Table(_))) || i + 1 == blocks.len();
                if layout.landscape {
                    // A table too wide for portrait gets a landscape section of its own.
                    spacer(&mut out, Some("portrait"));
                    layout.write(&mut out);
                    spacer(&mut out, Some("landscape"));
                } else {
                    layout.write(&mut out);
                    if closing {
                        spacer(&mut out, None);
                    }
                }
            }
            // A picture has no bytes in a Document; nothing to place.
            Block::Image { .. } => {}
        }
    }
    section_properties(&mut out, None);
    out.push_str("</w:body></w:document>");
    out
}

/// Bytes of markup around each kind of content, generously, so that the buffer is allocated
/// once.
fn estimated_size(blocks: &[Block]) -> usize {
    let content: usize = blocks
        .iter()
        .map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => text.len() + 200,
            Block::Table(t) => {
                let cells: usize = t.rows.iter().flatten().map(|c| c.text.len() + 300).sum();
                cells + t.rows.len() * 120 + 1200
            }
            Block::Image { .. } => 0,
        })
        .sum();
    content + 2048
}

/// The paragraph style of a Document heading level: level 1 is the title, level N ≥ 2 Word's
/// heading N−1 (down to heading 8).
fn heading(out: &mut String, level: u8, text: &str) {
    out.push_str(r#"<w:p><w:pPr><w:pStyle w:val=""#);
    if level <= 1 {
        out.push_str(r#"Title" /></w:pPr>"#);
    } else {
        out.push_str("Heading");
        out.push(char::from(b'0' + (level - 1).min(8)));
        out.push_str(r#"" /><w:keepNext /></w:pPr>"#);
    }
    runs(out, text);
    out.push_str("</w:p>");
}

fn body(out: &mut String, text: &str, align: Align) {
    out.push_str(r#"<w:p><w:pPr><w:pStyle w:val="BodyText" />"#);
    out.push_str(match align {
        Align::Justify => "",
        Align::Left => r#"<w:jc w:val="left" />"#,
        Align::Center => r#"<w:ind w:left="0" w:right="0" w:firstLine="0" /><w:jc w:val="center" />"#,
        // Signature lines: right-aligned, four characters in from the margin (GB/T 9704 7.3.5).
        Align::Right => r#"<w:ind w:left="0" w:right="1280" w:firstLine="0" /><w:jc w:val="right" />"#,
    });
    out.push_str("</w:pPr>");
    runs(out, text);
    out.push_str("</w:p>");
}

/// A paragraph's text as one run: `\n` as line breaks and tabs as tabs.
fn runs(out: &mut String, text: &str) {
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str(r#"<w:br w:type="textWrapping" />"#);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab />");
            }
            if !piece.is_empty() {
                text_element(out, piece);
            }
        }
    }
    out.push_str("</w:r>");
}

/// A `w:t` element. Word drops the spaces a text starts or ends with unless told to keep them.
fn text_element(out: &mut String, text: &str) {
    let tag = out.len();
    out.push_str("<w:t>");
    let start = out.len();
    escape_into(out, text);
    let written = &out[start..];
    if written.starts_with(char::is_whitespace) || written.ends_with(char::is_whitespace) {
        out.insert_str(tag + "<w:t".len(), r#" xml:space="preserve""#);
    }
    out.push_str("</w:t>");
}

/// An empty paragraph of minimal height; with an orientation, it ends a section whose pages
/// have that orientation.
fn spacer(out: &mut String, section: Option<&str>) {
    out.push_str(concat!(
        r#"<w:p><w:pPr><w:pStyle w:val="BodyText" /><w:spacing w:line="20" w:lineRule="exact" />"#,
        r#"<w:rPr><w:sz w:val="2" /><w:szCs w:val="2" /></w:rPr>"#
    ));
    if section.is_some() {
        section_properties(out, section);
    }
    out.push_str("</w:pPr></w:p>");
}

/// A `w:sectPr`: both page-number footers, A4 in the given orientation (portrait when None,
/// and then not stated), the GB/T 9704 margins.
fn section_properties(out: &mut String, orientation: Option<&str>) {
    out.push_str("<w:sectPr>");
    for (kind, rid) in [("default", ODD_FOOTER_RID), ("even", EVEN_FOOTER_RID)] {
        out.push_str(r#"<w:footerReference w:type=""#);
        out.push_str(kind);
        out.push_str(r#"" r:id=""#);
        out.push_str(rid);
        out.push_str(r#"" />"#);
    }
    let (w, h) = if orientation == Some("landscape") { (PAGE_HEIGHT, PAGE_WIDTH) } else { (PAGE_WIDTH, PAGE_HEIGHT) };
    out.push_str(r#"<w:pgSz w:w=""#);
    push_number(out, w);
    out.push_str(r#"" w:h=""#);
    push_number(out, h);
    out.push('"');
    if let Some(o) = orientation {
        out.push_str(r#" w:orient=""#);
        out.push_str(o);
        out.push('"');
    }
    out.push_str(" />");
    out.push_str(PAGE_MARGINS);
    out.push_str(r#"<w:cols w:space="425" w:num="1" /></w:sectPr>"#);
}

/// A `w:rFonts` with the East Asian font: Latin letters and digits in Times New Roman, and the
/// hint that makes Word use the East Asian font for shared characters (quotes, dashes).
fn push_fonts(out: &mut String, east_asia: &str) {
    out.push_str(concat!(
        r#"<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" "#,
        r#"w:eastAsia=""#
    ));
    out.push_str(east_asia);
    out.push_str(r#"" w:hint="eastAsia" />"#);
}

/// A `w:rPr` with fonts and size.
fn push_run_props(out: &mut String, east_asia: &str, size: &str) {
    out.push_str("<w:rPr>");
    push_fonts(out, east_asia);
    for element in [r#"<w:sz w:val=""#, r#"<w:szCs w:val=""#] {
        out.push_str(element);
        out.push_str(size);
        out.push_str(r#"" />"#);
    }
    out.push_str("</w:rPr>");
}

/// One paragraph style: `ppr` is the content of its `w:pPr`, in schema order.
fn push_style(out: &mut String, id: &str, name: &str, ppr: &[&str], font: &str, size: &str) {
    out.push_str(r#"<w:style w:type="paragraph" w:styleId=""#);
    out.push_str(id);
    out.push_str(r#""><w:name w:val=""#);
    out.push_str(name);
    out.push_str(r#"" /><w:qFormat /><w:pPr>"#);
    ppr.iter().for_each(|p| out.push_str(p));
    out.push_str("</w:pPr>");
    push_run_props(out, font, size);
    out.push_str("</w:style>");
}

/// word/styles.xml: Title (二号 方正小标宋简体, centred), heading N (一、 in 黑体, （一） in
/// 楷体_GB2312, deeper in 仿宋_GB2312), body text (三号 仿宋_GB2312, indented two characters),
/// table text in each size the layout may choose (so cells need no direct formatting), and the
/// page-number footer. Heading styles carry outline levels, so Word's navigation pane shows the
/// report's structure.
fn styles_xml() -> String {
    // 22 lines to the 225 mm type area: a fixed 28.95 pt pitch.
    const EXACT_PITCH: &str = r#"<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact" />"#;
    // Two characters of 三号 (16 pt).
    const INDENTED: &str = r#"<w:ind w:left="0" w:right="0" w:firstLine="640" />"#;
    const JUSTIFIED: &str = r#"<w:jc w:val="both" />"#;
    let mut out = String::with_capacity(8192);
    out.push_str(XML_DECLARATION);
    out.push_str(r#"<w:styles xmlns:w=""#);
    out.push_str(NS_W);
    out.push_str(r#""><w:docDefaults><w:rPrDefault>"#);
    push_run_props(&mut out, FONT_BODY, SIZE_BODY);
    out.push_str(concat!(
        "</w:rPrDefault></w:docDefaults>",
        r#"<w:style w:type="paragraph" w:styleId="Normal"><w:name w:val="Normal" /><w:qFormat /></w:style>"#
    ));
    let title_spacing = r#"<w:spacing w:before="0" w:after="579" w:line="700" w:lineRule="exact" />"#;
    push_style(&mut out, "Title", "Title", &[title_spacing, r#"<w:jc w:val="center" />"#], FONT_TITLE, SIZE_TITLE);
    push_style(&mut out, "BodyText", "Body Text", &[EXACT_PITCH, INDENTED, JUSTIFIED], FONT_BODY, SIZE_BODY);
    push_style(&mut out, "Footer", "footer", &[], FONT_PAGE_NUMBER, SIZE_PAGE_NUMBER);
    for size in table::SIZES {
        let (id, name, size) = table::style(size);
        let ppr = [r#"<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto" /><w:jc w:val="center" />"#];
        push_style(&mut out, id, name, &ppr, FONT_BODY, size);
    }
    for n in 1..=8u8 {
        let font = match n {
            1 => FONT_HEADING,
            2 => FONT_SUBHEADING,
            _ => FONT_BODY,
        };
        let digit = char::from(b'0' + n);
        let outline = format!(r#"<w:outlineLvl w:val="{}" />"#, n - 1);
        let ppr = [EXACT_PITCH, INDENTED, JUSTIFIED, &outline];
        push_style(&mut out, &format!("Heading{digit}"), &format!("heading {digit}"), &ppr, font, SIZE_BODY);
    }
    out.push_str("</w:styles>");
    out
}

/// word/settings.xml: different odd and even page footers, and Word 2013+ layout
/// (`compatibilityMode` 15) so that Word does not open the file in compatibility mode.
const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100" /><w:defaultTabStop w:val="840" /><w:evenAndOddHeaders />"#,
    "<w:compat><w:spaceForUL /><w:balanceSingleByteDoubleByteWidth /><w:doNotLeaveBackslashAlone />",
    "<w:ulTrailSpace /><w:doNotExpandShiftReturn /><w:useFELayout />",
    r#"<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15" />"#,
    r#"<w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1" />"#,
    r#"<w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1" />"#,
    r#"<w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1" />"#,
    r#"<w:compatSetting w:name="differentiateMultirowTableHeaders" w:uri="http://schemas.microsoft.com/office/word" w:val="1" />"#,
    r#"<w:compatSetting w:name="useWord2013TrackBottomHyphenation" w:uri="http://schemas.microsoft.com/office/word" w:val="0" />"#,
    "</w:compat></w:settings>"
);

/// A page-number footer, `— 1 —` in 四号 宋体 (style Footer), aligned to `side` with the
/// given left and right indents: odd pages on the right and even pages on the left, one
/// character in from the edge of the type area (GB/T 9704 7.5).
fn footer_xml(side: &str, left: &str, right: &str) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(XML_DECLARATION);
    out.push_str(r#"<w:ftr xmlns:w=""#);
    out.push_str(NS_W);
    out.push_str(r#"" xmlns:r=""#);
    out.push_str(NS_R);
    out.push_str(r#""><w:p><w:pPr><w:pStyle w:val="Footer" /><w:ind w:left=""#);
    out.push_str(left);
    out.push_str(r#"" w:right=""#);
    out.push_str(right);
    out.push_str(r#"" /><w:jc w:val=""#);
    out.push_str(side);
    out.push_str(concat!(
        r#"" /></w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="false" /><w:instrText>PAGE</w:instrText>"#,
        r#"<w:fldChar w:fldCharType="separate" w:dirty="false" /><w:t xml:space="preserve">1</w:t>"#,
        r#"<w:fldChar w:fldCharType="end" w:dirty="false" /></w:r>"#,
        r#"<w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    ));
    out
}

/// Appends text escaped for XML content and attribute values, dropping what XML 1.0 cannot
/// carry (control characters other than tab and newline, U+FFFE, U+FFFF: Word refuses a
/// document that has them) and carriage returns (a parser would turn them into newlines).
fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, len) = match bytes[i] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\t' | b'\n' => {
                i += 1;
                continue;
            }
            0..=0x1f => ("", 1),
            // U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => ("", 3),
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        i += len;
        copied = i;
    }
    out.push_str(&text[copied..]);
}

/// Appends a number in decimal.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        escape_into(&mut out, s);
        out
    }

    #[test]
    fn escaping_drops_what_xml_cannot_carry() {
        assert_eq!(escaped(r#"a & <b> "c""#), "a &amp; &lt;b&gt; &quot;c&quot;");
        assert_eq!(escaped("控制\u{7}字符\u{1b}\r\n\t"), "控制字符\n\t");
        assert_eq!(escaped("x\u{fffe}y\u{ffff}z\u{fffd}"), "xyz\u{fffd}");
        assert_eq!(escaped("\u{0}"), "");
    }

    #[test]
    fn spaces_at_the_ends_of_a_text_are_kept() {
        let mut out = String::new();
        for text in ["a b", " a", "a\t", "\u{1} a"] {
            text_element(&mut out, text);
        }
        assert_eq!(
            out,
            r#"<w:t>a b</w:t><w:t xml:space="preserve"> a</w:t><w:t xml:space="preserve">a	</w:t><w:t xml:space="preserve"> a</w:t>"#
        );
    }

    #[test]
    fn numbers() {
        let mut out = String::new();
        for n in [0, 7, 10, 8845, 16838] {
            push_number(&mut out, n);
            out.push(' ');
        }
        assert_eq!(out, "0 7 10 8845 16838 ");
    }
}
