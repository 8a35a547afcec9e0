//! Finishing the parts docx-rs renders so that Word reads them as intended.
//!
//! docx-rs writes the children of property elements (`w:pPr`, `w:rPr`, `w:sectPr`, `w:style`,
//! `w:settings` …) in its own order, e.g. `w:sz` before `w:rFonts` and the footer references
//! after `w:pgSz`. The schema fixes these orders and Word drops properties that come out of
//! sequence (LibreOffice is lenient, so this would go unnoticed), so [`schema_order`] puts
//! them back in order. It also stores every part uncompressed; [`deflate`] recompresses.

use std::io::{Cursor, Read, Write};

use nianbao_plugin::Error;
use quick_xml::events::Event;
use quick_xml::Reader;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

const PPR: &[&str] = &[
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
];
const RPR: &[&str] = &[
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
    "rPrChange",
];
const SECTPR: &[&str] = &[
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
    "printerSettings",
    "sectPrChange",
];
const TBLPR: &[&str] = &[
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
    "tblCaption",
    "tblDescription",
    "tblPrChange",
];
const TCPR: &[&str] = &[
    "cnfStyle",
    "tcW",
    "gridSpan",
    "hMerge",
    "vMerge",
    "tcBorders",
    "shd",
    "noWrap",
    "tcMar",
    "textDirection",
    "tcFitText",
    "vAlign",
    "hideMark",
    "headers",
    "cellIns",
    "cellDel",
    "cellMerge",
    "tcPrChange",
];
const STYLE: &[&str] = &[
    "name",
    "aliases",
    "basedOn",
    "next",
    "link",
    "autoRedefine",
    "hidden",
    "uiPriority",
    "semiHidden",
    "unhideWhenUsed",
    "qFormat",
    "locked",
    "personal",
    "personalCompose",
    "personalReply",
    "rsid",
    "pPr",
    "rPr",
    "tblPr",
    "trPr",
    "tcPr",
    "tblStylePr",
];
const SETTINGS: &[&str] = &[
    "writeProtection",
    "view",
    "zoom",
    "removePersonalInformation",
    "removeDateAndTime",
    "doNotDisplayPageBoundaries",
    "displayBackgroundShape",
    "printPostScriptOverText",
    "printFractionalCharacterWidth",
    "printFormsData",
    "embedTrueTypeFonts",
    "embedSystemFonts",
    "saveSubsetFonts",
    "saveFormsData",
    "mirrorMargins",
    "alignBordersAndEdges",
    "bordersDoNotSurroundHeader",
    "bordersDoNotSurroundFooter",
    "gutterAtTop",
    "hideSpellingErrors",
    "hideGrammaticalErrors",
    "activeWritingStyle",
    "proofState",
    "formsDesign",
    "attachedTemplate",
    "linkStyles",
    "stylePaneFormatFilter",
    "stylePaneSortMethod",
    "documentType",
    "mailMerge",
    "revisionView",
    "trackRevisions",
    "doNotTrackMoves",
    "doNotTrackFormatting",
    "documentProtection",
    "autoFormatOverride",
    "styleLockTheme",
    "styleLockQFSet",
    "defaultTabStop",
    "autoHyphenation",
    "consecutiveHyphenLimit",
    "hyphenationZone",
    "doNotHyphenateCaps",
    "showEnvelope",
    "summaryLength",
    "clickAndTypeStyle",
    "defaultTableStyle",
    "evenAndOddHeaders",
    "bookFoldRevPrinting",
    "bookFoldPrinting",
    "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery",
    "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin",
    "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin",
    "doNotShadeFormData",
    "noPunctuationKerning",
    "characterSpacingControl",
    "printTwoOnOne",
    "strictFirstAndLastChars",
    "noLineBreaksAfter",
    "noLineBreaksBefore",
    "savePreviewPicture",
    "doNotValidateAgainstSchema",
    "saveInvalidXml",
    "ignoreMixedContent",
    "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml",
    "saveXmlDataOnly",
    "useXSLTWhenSaving",
    "saveThroughXslt",
    "showXMLTags",
    "alwaysMergeEmptyNamespace",
    "updateFields",
    "hdrShapeDefaults",
    "footnotePr",
    "endnotePr",
    "compat",
    "docVars",
    "rsids",
    "mathPr",
    "attachedSchema",
    "themeFontLang",
    "clrSchemeMapping",
    "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures",
    "forceUpgrade",
    "captions",
    "readModeInkLockDown",
    "smartTagType",
    "schemaLibrary",
    "shapeDefaults",
    "doNotEmbedSmartTags",
    "decimalSymbol",
    "listSeparator",
];

/// The schema's child order for an element whose children docx-rs may misorder.
fn order_of(local: &[u8]) -> Option<&'static [&'static str]> {
    Some(match local {
        b"pPr" => PPR,
        b"rPr" => RPR,
        b"sectPr" => SECTPR,
        b"tblPr" => TBLPR,
        b"tcPr" => TCPR,
        b"style" => STYLE,
        b"settings" => SETTINGS,
        _ => return None,
    })
}

fn local(name: &[u8]) -> &[u8] {
    name.iter().rposition(|&b| b == b':').map_or(name, |i| &name[i + 1..])
}

fn broken(part: &str, e: impl std::fmt::Display) -> Error {
    Error(format!("internal error: the {part} part docx-rs rendered is not well-formed XML: {e}"))
}

/// Rewrites an XML part with the children of property elements in schema order. Elements
/// the order does not know keep their relative order at the end.
pub fn schema_order(xml: &[u8], part: &str) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(xml.len());
    reorder_into(xml, part, &mut out)?;
    Ok(out)
}

fn reorder_into(xml: &[u8], part: &str, out: &mut Vec<u8>) -> Result<(), Error> {
    let mut reader = Reader::from_reader(xml);
    let mut copied = 0;
    loop {
        let event = reader.read_event().map_err(|e| broken(part, e))?;
        let order = match &event {
            Event::Start(e) => order_of(local(e.name().as_ref())),
            Event::Eof => break,
            _ => None,
        };
        let Some(order) = order else { continue };
        let open_end = reader.buffer_position() as usize;
        // (rank, start, end, has children of its own)
        let mut children: Vec<(usize, usize, usize, bool)> = Vec::new();
        let close_start = loop {
            let start = reader.buffer_position() as usize;
            let rank = |name: &[u8]| order.iter().position(|o| o.as_bytes() == local(name)).unwrap_or(order.len());
            match reader.read_event().map_err(|e| broken(part, e))? {
                Event::Start(c) => {
                    let r = rank(c.name().as_ref());
                    reader.read_to_end(c.name()).map_err(|e| broken(part, e))?;
                    children.push((r, start, reader.buffer_position() as usize, true));
                }
                Event::Empty(c) => {
                    children.push((rank(c.name().as_ref()), start, reader.buffer_position() as usize, false))
                }
                Event::End(_) => break start,
                Event::Eof => return Err(broken(part, "unexpected end")),
                // Text between property elements is insignificant whitespace.
                _ => {}
            }
        };
        children.sort_by_key(|c| c.0);
        out.extend_from_slice(&xml[copied..open_end]);
        for &(_, start, end, nested) in &children {
            if nested {
                reorder_into(&xml[start..end], part, out)?;
            } else {
                out.extend_from_slice(&xml[start..end]);
            }
        }
        copied = close_start;
    }
    out.extend_from_slice(&xml[copied..]);
    Ok(())
}

/// The fonts the document uses, with their GB2312 character set and the names Windows ships
/// today (仿宋, 楷体) as alternatives, so that Word and WPS substitute sensibly where the
/// `_GB2312` fonts of older systems are missing.
pub fn font_table() -> Vec<u8> {
    const FONTS: [(&str, &str, &str, &str); 7] = [
        ("Times New Roman", "", "00", "roman"),
        ("宋体", "SimSun", "86", "auto"),
        ("黑体", "SimHei", "86", "modern"),
        ("仿宋_GB2312", "仿宋", "86", "modern"),
        ("楷体_GB2312", "楷体", "86", "modern"),
        ("方正小标宋简体", "方正小标宋_GBK", "86", "script"),
        ("仿宋", "FangSong", "86", "modern"),
    ];
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#
    ));
    for (name, alt, charset, family) in FONTS {
        xml.push_str(&format!(r#"<w:font w:name="{name}">"#));
        if !alt.is_empty() {
            xml.push_str(&format!(r#"<w:altName w:val="{alt}"/>"#));
        }
        xml.push_str(&format!(
            r#"<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>"#
        ));
    }
    xml.push_str("</w:fonts>");
    xml.into_bytes()
}

/// Parts smaller than this stay stored: compressing them saves little and costs a
/// compressor set-up each.
const MIN_DEFLATED: usize = 4096;

/// Recompresses a stored ZIP package with deflate, entries in the same order.
pub fn deflate(stored: &[u8]) -> Result<Vec<u8>, Error> {
    let fail = |e: &dyn std::fmt::Display| Error(format!("cannot compress the DOCX package: {e}"));
    let mut src = ZipArchive::new(Cursor::new(stored)).map_err(|e| fail(&e))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(stored.len() / 4)));
    // The fastest level: XML compresses well anyway, and writing stays quick.
    let deflated =
        SimpleFileOptions::default().compression_method(CompressionMethod::Deflated).compression_level(Some(1));
    let plain = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut buf = Vec::new();
    for i in 0..src.len() {
        let mut entry = src.by_index(i).map_err(|e| fail(&e))?;
        if entry.is_dir() {
            continue;
        }
        buf.clear();
        entry.read_to_end(&mut buf).map_err(|e| fail(&e))?;
        let options = if buf.len() >= MIN_DEFLATED { deflated } else { plain };
        out.start_file(entry.name(), options).map_err(|e| fail(&e))?;
        out.write_all(&buf).map_err(|e| fail(&e))?;
    }
    Ok(out.finish().map_err(|e| fail(&e))?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(xml: &str) -> String {
        String::from_utf8(schema_order(xml.as_bytes(), "test").unwrap()).unwrap()
    }

    #[test]
    fn property_children_follow_the_schema() {
        assert_eq!(
            ordered(
                r#"<w:p><w:pPr><w:rPr><w:sz w:val="21" /><w:rFonts w:eastAsia="黑体" /></w:rPr><w:pStyle w:val="T" /><w:jc w:val="center" /><w:ind w:firstLine="0" /></w:pPr><w:r><w:t>a</w:t></w:r></w:p>"#
            ),
            r#"<w:p><w:pPr><w:pStyle w:val="T" /><w:ind w:firstLine="0" /><w:jc w:val="center" /><w:rPr><w:rFonts w:eastAsia="黑体" /><w:sz w:val="21" /></w:rPr></w:pPr><w:r><w:t>a</w:t></w:r></w:p>"#
        );
        assert_eq!(
            ordered(
                r#"<w:sectPr><w:pgSz w:w="1" /><w:cols /><w:footerReference r:id="a" /><w:footerReference r:id="b" /></w:sectPr>"#
            ),
            r#"<w:sectPr><w:footerReference r:id="a" /><w:footerReference r:id="b" /><w:pgSz w:w="1" /><w:cols /></w:sectPr>"#
        );
    }

    #[test]
    fn unknown_children_keep_their_order_at_the_end() {
        assert_eq!(
            ordered(r#"<w:tcPr><w:x1 /><w:vAlign w:val="center" /><w:x2 /><w:tcW w:w="5" /></w:tcPr>"#),
            r#"<w:tcPr><w:tcW w:w="5" /><w:vAlign w:val="center" /><w:x1 /><w:x2 /></w:tcPr>"#
        );
    }
}
