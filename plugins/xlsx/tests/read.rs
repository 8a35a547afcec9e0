//! Reading real workbooks: the report fixtures (openpyxl), their LibreOffice conversions to
//! xls and ods, and a workbook of reader features (see tests/fixtures/README.md).

mod common;

use common::*;
use nianbao_plugin::{Block, Cell, Document, Options};

#[test]
fn one_sheet_with_three_stacked_tables_keeps_the_official_spans() {
    let doc = plain(read(&fixture("s1-r001-xlsx.xlsx")));
    let kinds: Vec<String> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("H{level} {text}"),
            Block::Table(t) => format!("T {} {}", t.name, t.rows.len()),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["H2 年报表格", "T 年报表格 14", "T 年报表格 28", "T 年报表格 4", "H2 报告信息", "T 报告信息 5"]);
    let t = tables(&doc);

    let active = t[0];
    assert_eq!(active.rows[0], vec![Cell::span("第二十条第(一)项", 1, 4)]);
    assert_eq!(at(active, 3, 3), "143");
    assert_eq!(find(active, "本年处理决定数量").colspan, 3);

    let apps = t[1];
    assert_eq!(apps.grid().width, 10);
    let corner = &apps.rows[0][0];
    assert!(corner.text.contains("勾稽关系"), "{}", corner.text);
    assert_eq!((corner.rowspan, corner.colspan), (3, 3));
    assert_eq!(find(apps, "申请人情况").colspan, 7);
    assert_eq!(find(apps, "法人或其他组织").colspan, 5);
    assert_eq!(find(apps, "自然人").rowspan, 2);
    assert_eq!(find(apps, "三、本年度办理结果").rowspan, 22);
    assert_eq!(find(apps, "(三)不予公开").rowspan, 8);
    assert_eq!(find(apps, "一、本年新收政府信息公开申请数量").colspan, 3);
    // Line breaks inside a cell stay as `\n`.
    find(apps, "商业\n企业");
    assert_eq!(at(apps, 3, 9), "152");
    assert_eq!(at(apps, 27, 9), "2");

    let review = t[2];
    assert_eq!(find(review, "行政复议").colspan, 5);
    assert_eq!(find(review, "行政诉讼").colspan, 10);
    assert_eq!(find(review, "未经复议直接起诉").colspan, 5);
    assert_eq!(review.rows[1][0], Cell::span("结果\n维持", 2, 1));
    assert_eq!(at(review, 3, 4), "7");
    assert_eq!(at(review, 3, 14), "4");

    let info = t[3];
    assert_eq!(at(info, 1, 1), "当阳市人民政府办公室2022年政府信息公开工作年度报告");
    assert_eq!(at(info, 3, 1), "2022", "a number cell reads as its digits");

    assert_eq!(doc.prop("author"), Some("Administrator"));
    assert_eq!(doc.prop("date"), Some("2023-02-10"));
}

#[test]
fn title_rows_and_captions_above_tables_are_text() {
    let doc = plain(read(&fixture("s1-r003-xlsx.xlsx")));
    assert_eq!(doc.blocks[0], Block::Heading { source: None, level: 2, text: "统计表".into() });
    // 14pt bold, merged over the width, alone in its rows: the title.
    assert_eq!(
        doc.blocks[1],
        Block::Heading {
            source: None,
            level: 1,
            text: "泉州市安溪县人力资源和社会保障局2025年政府信息公开工作年度报告".into()
        }
    );
    // Typed in column A right above the table, unmerged: a caption, not a table row.
    assert!(matches!(&doc.blocks[2], Block::Paragraph { text, .. } if text == "二、主动公开政府信息情况"));
    let active = tables(&doc)[0];
    assert_eq!(active.rows[0], vec![Cell::span("第二十条第(一)项", 1, 4)]);
    assert_eq!(at(active, 13, 1), "7.15");
}

#[test]
fn decimals_blanks_and_numbers_stored_as_text() {
    let doc = plain(read(&fixture("s1-r005-xlsx.xlsx")));
    let active = tables(&doc)[0];
    assert_eq!(active.name, "主动公开");
    // A row whose numbers are blank stays a row of empty cells.
    assert_eq!(active.rows[2], ["规章", "", "", ""].map(Cell::new).to_vec());
    assert_eq!(*find(active, "2314.86"), Cell::span("2314.86", 1, 2));

    let doc = plain(read(&fixture("s1-r006-xlsx.xlsx")));
    let active = tables(&doc)[0];
    assert_eq!(at(active, 14, 3), "/");
    assert_eq!(at(active, 3, 3), "3", "a number stored as text reads as printed");
}

#[test]
fn formulas_dates_padding_hidden_sheets_and_text_sheets() {
    let options = Options::from([("inspect".into(), "true".into())]);
    let doc = plain(nianbao_xlsx::read(&fixture("features.xlsx"), &options).unwrap());
    assert_eq!(doc.prop("title"), Some("测试工作簿"));
    assert_eq!(doc.prop("author"), Some("某局"));
    let texts: Vec<&Block> = doc.blocks.iter().filter(|b| !matches!(b, Block::Table(_))).collect();
    assert_eq!(
        texts,
        [
            &Block::Heading { source: None, level: 2, text: "统计".into() },
            &Block::Heading { source: None, level: 1, text: "附表".into() },
            &Block::Heading { source: None, level: 2, text: "说明".into() },
            &Block::Paragraph { source: None, text: "标题:测试表".into(), align: Default::default() },
            &Block::Paragraph { source: None, text: "年度:2023".into(), align: Default::default() },
        ]
    );
    let t = tables(&doc);
    assert_eq!(t.len(), 2);
    let rows: Vec<Vec<&str>> = t[0].rows.iter().map(|r| r.iter().map(|c| c.text.as_str()).collect()).collect();
    assert_eq!(
        rows,
        [
            vec!["项目", "数量", "金额", "备注"],
            vec!["甲", "3", "0.1", "—"],
            vec!["乙", "0", "0.2", "251000元"],
            vec!["合计", "3", "0.3", ""],
            vec!["日期", "2023-02-10", ""],
        ]
    );
    assert_eq!(t[0].rows[4][2].colspan, 2);
    assert_eq!(
        t[1].rows,
        vec![vec![Cell::span("第二表", 1, 2), Cell::new("x")], ["1", "2", "3"].map(Cell::new).to_vec()]
    );
    assert!(doc.notes.iter().any(|n| n == "sheet '隐藏' is hidden: skipped"), "{:?}", doc.notes);
    assert!(doc.notes.iter().any(|n| n == "sheet '统计' C5:F9: table 5×4, 1 merged"), "{:?}", doc.notes);
    assert!(!format!("{doc:?}").contains("secret"));
}

/// xls and ods carry no fonts calamine reports: a title comes back as a paragraph.
fn without_title_fonts(doc: &Document) -> Vec<Block> {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level: 1, text, source } => {
                Block::Paragraph { source: source.clone(), text: text.clone(), align: Default::default() }
            }
            other => other.clone(),
        })
        .collect()
}

#[test]
fn xls_and_ods_made_by_libreoffice_read_like_the_xlsx() {
    let names = REPORTS.iter().map(|r| format!("{r}-xlsx")).chain(["features".to_string()]);
    for name in names {
        let xlsx = read(&fixture(&format!("{name}.xlsx")));
        assert!(tables(&xlsx).len() >= 2, "{name}");
        for ext in ["xls", "ods"] {
            let other = read(&fixture(&format!("{name}.{ext}")));
            assert_eq!(without_title_fonts(&other), without_title_fonts(&xlsx), "{name}.{ext}");
            assert_eq!(other.prop("author"), xlsx.prop("author"), "{name}.{ext}");
        }
    }
}

#[test]
fn the_bytes_decide_the_reader_not_the_name() {
    // The plugin entry point is called with the format the host guessed from the name.
    use nianbao_plugin::FormatPlugin;
    let ods = fixture("s1-r004-xlsx.ods");
    let as_xlsx = nianbao_xlsx::Plugin::read("xlsx", &ods, &Options::new()).unwrap();
    assert_eq!(as_xlsx, read(&ods));
    assert_eq!(nianbao_xlsx::Plugin::sniff(&ods), Some("ods"));
    assert_eq!(nianbao_xlsx::Plugin::sniff(&fixture("s1-r004-xlsx.xls")), Some("xls"));
    assert_eq!(nianbao_xlsx::Plugin::sniff(&fixture("s1-r004-xlsx.xlsx")), Some("xlsx"));
}
