//! The writer: Documents in the official layout (as the host's render builds them) written and
//! read back, the typography of GB/T 9704 in the parts, metadata, and unusual content.

mod common;

use std::io::{Cursor, Read};

use common::*;
use nianbao_plugin::{Align, Block, Cell, Document, Options, Prop, Table};

fn write(doc: &Document) -> Vec<u8> {
    nianbao_docx::write(doc, &Options::new()).unwrap_or_else(|e| panic!("write failed: {e}"))
}

/// The text of one part of a DOCX package.
fn part(docx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("no part {name}")).read_to_string(&mut s).unwrap();
    s
}

/// A Document as it reads back from DOCX: tables have no names (DOCX has no place for one),
/// and the properties with a native field come first, then the custom ones.
fn as_read_back(mut doc: Document) -> Document {
    // The fixture documents were written before the contract had versions.
    doc.version = nianbao_plugin::document::VERSION.to_string();
    for b in &mut doc.blocks {
        if let Block::Table(t) = b {
            t.name.clear();
        }
    }
    const NATIVE: [&str; 4] = ["title", "author", "date", "lang"];
    doc.meta.sort_by_key(|p| NATIVE.iter().position(|k| *k == p.key).unwrap_or(NATIVE.len()));
    doc
}

#[test]
fn official_documents_read_back_identical() {
    for name in ["official-gb2021.json", "official-gb2019.json", "official-freeform.json"] {
        let doc = official(name);
        assert!(doc.meta.len() >= 5 && doc.blocks.len() > 10, "{name} is a full document");
        assert_eq!(without_sources(read(&write(&doc))), as_read_back(doc), "{name}");
    }
}

#[test]
fn page_and_type_follow_gb_t_9704() {
    let docx = write(&official("official-gb2021.json"));
    let document = part(&docx, "word/document.xml");
    let styles = part(&docx, "word/styles.xml");
    // A4 with margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm.
    assert!(document.contains(r#"<w:pgSz w:w="11906" w:h="16838" />"#), "page size");
    assert!(document.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#), "margins");
    // Title 方正小标宋简体 二号 centred; body 仿宋_GB2312 三号, two-character indent, fixed pitch;
    // 一、 in 黑体 and （一） in 楷体_GB2312, all with East Asian font names.
    let style = |id: &str| {
        let start = styles.find(&format!(r#"w:styleId="{id}""#)).unwrap_or_else(|| panic!("style {id}"));
        styles[start..start + styles[start..].find("</w:style>").unwrap()].to_string()
    };
    let title = style("Title");
    assert!(
        title.contains(r#"w:eastAsia="方正小标宋简体""#)
            && title.contains(r#"<w:sz w:val="44" />"#)
            && title.contains(r#"<w:jc w:val="center" />"#),
        "{title}"
    );
    let body = style("BodyText");
    assert!(body.contains(r#"w:eastAsia="仿宋_GB2312""#) && body.contains(r#"<w:sz w:val="32" />"#), "{body}");
    assert!(body.contains(r#"w:firstLine="640""#) && body.contains(r#"w:line="579" w:lineRule="exact""#), "{body}");
    let h1 = style("Heading1");
    assert!(h1.contains(r#"w:eastAsia="黑体""#) && h1.contains(r#"<w:outlineLvl w:val="0" />"#), "{h1}");
    assert!(style("Heading2").contains(r#"w:eastAsia="楷体_GB2312""#));
    // Property children in schema order: fonts before size, so that Word keeps both.
    assert!(title.find("<w:rFonts").unwrap() < title.find("<w:sz ").unwrap(), "{title}");
    // Page numbers — 1 —, odd pages right and even pages left.
    let footers: Vec<String> = ["word/footer1.xml", "word/footer2.xml"].iter().map(|f| part(&docx, f)).collect();
    assert!(footers
        .iter()
        .all(|f| f.contains("<w:instrText>PAGE</w:instrText>") && f.contains("— ") && f.contains(" —")));
    assert!(footers[0].contains(r#"<w:jc w:val="right" />"#) && footers[1].contains(r#"<w:jc w:val="left" />"#));
    assert!(part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders />"));
    assert!(document.find("<w:footerReference").unwrap() < document.find("<w:pgSz").unwrap(), "sectPr order");
    // The Chinese fonts are in the font table with their Windows names as alternatives.
    assert!(part(&docx, "word/fontTable.xml")
        .contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>"#));
}

#[test]
fn tables_have_borders_centred_cells_and_repeated_header_rows() {
    let doc = official("official-gb2021.json");
    let docx = write(&doc);
    let document = part(&docx, "word/document.xml");
    let header_rows: u32 = tables(&doc).iter().map(|t| t.header_rows).sum();
    assert!(header_rows > 0);
    assert_eq!(document.matches("<w:tblHeader />").count() as u32, header_rows);
    assert_eq!(document.matches("<w:tblBorders>").count(), 3);
    assert_eq!(document.matches(r#"<w:insideV w:val="single" w:sz="4""#).count(), 3);
    let cells = document.matches("<w:tc>").count();
    assert_eq!(document.matches(r#"<w:vAlign w:val="center" />"#).count(), cells);
    // The tables fit the portrait type area (156 mm) in 五号.
    assert!(document.matches(r#"<w:tblW w:w="8845" w:type="dxa" />"#).count() == 3);
    assert!(document.contains(r#"<w:pStyle w:val="TableText21" />"#));
    assert!(!document.contains("w:orient=\"landscape\""));
}

#[test]
fn a_table_too_wide_for_portrait_gets_a_landscape_section() {
    let wide: Vec<Cell> = (0..40).map(|i| Cell::new(format!("第{i}列"))).collect();
    let numbers: Vec<Cell> = (0..40).map(|i| Cell::new(i.to_string())).collect();
    let table = Table { source: None, name: String::new(), header_rows: 1, rows: vec![wide, numbers] };
    let doc = Document {
        meta: vec![],
        blocks: vec![
            Block::Paragraph { source: None, text: "前文".into(), align: Align::Justify },
            Block::Table(table.clone()),
            Block::Paragraph { source: None, text: "后文".into(), align: Align::Justify },
        ],
        notes: vec![],
        ..Document::default()
    };
    let docx = write(&doc);
    let document = part(&docx, "word/document.xml");
    assert_eq!(document.matches(r#"w:orient="landscape""#).count(), 1, "one landscape section");
    assert_eq!(document.matches("<w:sectPr>").count(), 3, "portrait, landscape, portrait");
    // Every section carries the page-number footers.
    assert_eq!(document.matches(r#"<w:footerReference w:type="even" r:id="rIdFooter2" />"#).count(), 3);
    assert_eq!(without_sources(read(&docx)), doc);
}

#[test]
fn adjacent_tables_stay_apart_and_line_breaks_survive() {
    let t = |text: &str| Table {
        source: None,
        name: String::new(),
        header_rows: 0,
        rows: vec![vec![Cell::new(text), Cell::span("x\ny", 2, 1)], vec![Cell::new("2")]],
    };
    let doc = Document {
        meta: vec![],
        blocks: vec![
            Block::Heading { source: None, level: 1, text: "标题\n第二行".into() },
            Block::Table(t("甲")),
            Block::Table(t("乙")),
            Block::Heading { source: None, level: 4, text: "1.三级标题".into() },
            Block::Paragraph { source: None, text: "居中".into(), align: Align::Center },
            Block::Paragraph { source: None, text: "左对齐".into(), align: Align::Left },
            Block::Table(t("丙")),
        ],
        notes: vec![],
        ..Document::default()
    };
    assert_eq!(without_sources(read(&write(&doc))), doc);
}

#[test]
fn all_meta_round_trips_through_core_and_custom_properties() {
    let prop = |k: &str, v: &str| Prop { key: k.into(), value: v.into() };
    let meta = vec![
        prop("title", "某县2023年政府信息公开工作年度报告 <&> \"引号\""),
        prop("author", "某县人民政府办公室"),
        prop("date", "2024-01-20"),
        prop("lang", "zh-CN"),
        prop("subject", "政务公开"),
        prop("索引号", "11330000/2024-00012"),
        prop("统计年度", "2023"),
        prop("发布机构", "某县人民政府"),
    ];
    let doc = Document {
        meta: meta.clone(),
        blocks: vec![Block::Paragraph { source: None, text: "正文".into(), align: Align::Justify }],
        notes: vec![],
        ..Document::default()
    };
    let docx = write(&doc);
    assert_eq!(read(&docx).meta, meta);
    let core = part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:creator>某县人民政府办公室</dc:creator>"), "{core}");
    assert!(
        core.contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">2024-01-20T00:00:00Z</dcterms:created>"#),
        "{core}"
    );
    assert!(part(&docx, "docProps/custom.xml").contains(r#"name="索引号"><vt:lpwstr>11330000/2024-00012</vt:lpwstr>"#));

    // A date that is not an ISO date has no native field; it is kept as a custom property.
    let odd = vec![prop("date", "2024年1月"), prop("title", "t")];
    let back = read(&write(&Document { meta: odd, blocks: vec![], notes: vec![], ..Document::default() }));
    assert_eq!(back.prop("date"), Some("2024年1月"));
    assert_eq!(back.prop("title"), Some("t"));
}

#[test]
fn text_xml_cannot_carry_is_dropped_and_empty_documents_are_valid() {
    let doc = Document {
        meta: vec![Prop { key: "标题\u{1}".into(), value: "a\u{0}b".into() }],
        blocks: vec![
            Block::Paragraph { source: None, text: "控制\u{7}字符\u{1b}".into(), align: Align::Justify },
            Block::Image { alt: "图".into() },
            Block::Table(Table { source: None, name: "empty".into(), header_rows: 0, rows: vec![vec![], vec![]] }),
        ],
        notes: vec![],
        ..Document::default()
    };
    let back = read(&write(&doc));
    assert_eq!(texts(&back), ["控制字符"]);
    assert_eq!(back.meta, vec![Prop { key: "标题".into(), value: "ab".into() }]);
    let empty = read(&write(&Document::default()));
    assert!(empty.blocks.is_empty() && empty.meta.is_empty());
}
