//! The reader on LibreOffice's `.doc` files: features.doc (one of each construct, made from
//! tests/fixtures/src/features.docx) and a report's statistical tables.

use nianbao_plugin::document::Source;
use nianbao_plugin::{Align, Block, Cell, Document, Options, Table};

fn read(name: &str) -> Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    nianbao_doc::read(&std::fs::read(path).unwrap(), &Options::new()).unwrap()
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

fn texts(doc: &Document) -> Vec<(&str, Align)> {
    doc.blocks
        .iter()
        .filter_map(|b| if let Block::Paragraph { text, align, .. } = b { Some((text.as_str(), *align)) } else { None })
        .collect()
}

/// A cell's grid rectangle (row, column, rowspan, colspan) by its text.
fn cell_at(t: &Table, text: &str) -> (usize, usize, u32, u32) {
    let g = t.grid();
    for (r, row) in g.slots.iter().enumerate() {
        for (c, slot) in row.iter().enumerate() {
            if let Some(s) = slot {
                let cell = t.cell(*s);
                if cell.text == text {
                    return (r, c, cell.rowspan, cell.colspan);
                }
            }
        }
    }
    panic!("no cell {text:?}")
}

#[test]
fn fields_keep_their_result_and_headers_and_footers_are_left_out() {
    let doc = read("features.doc");
    let t = texts(&doc);
    assert_eq!(t[0], ("功能样例文档", Align::Center));
    assert_eq!(t[1].0, "详见政府门户网站。");
    // A line break inside the paragraph, a tab read as a space.
    assert_eq!(t[2].0, "第一行\n第二行 制表符之后");
    assert_eq!(t[3].0, "Plain ASCII text, cafe and naive.");
    assert_eq!(t[4], ("落款单位", Align::Right));
    assert_eq!(t.last().unwrap().0, "表后段落");
    let all = serde_json::to_string(&doc).unwrap();
    for absent in ["页眉", "HYPERLINK", "PAGE", "第1页"] {
        assert!(!all.contains(absent), "{absent} should not be read");
    }
    assert!(doc.meta.iter().any(|p| p.key == "author" && p.value == "python-docx"), "{:?}", doc.meta);
}

#[test]
fn merged_cells_span_and_a_nested_table_is_read_into_its_cell() {
    let doc = read("features.doc");
    let t = tables(&doc);
    assert_eq!(t.len(), 1);
    let t = t[0];
    assert_eq!(t.source, Some(Source { table: Some(0), ..Source::default() }));
    assert_eq!(t.rows[0][0], Cell::span("横向合并", 1, 2).at(Source::table_cell(0, 0, 0)));
    assert_eq!(cell_at(t, "纵向合并"), (1, 2, 2, 1));
    assert_eq!(cell_at(t, "r2c0\n内00 内01\n内10 内11"), (2, 0, 1, 1));
    assert_eq!(t.rows[2].last().unwrap().source, Some(Source::table_cell(0, 2, 1)));
    assert_eq!(t.grid().width, 3);
}

#[test]
fn the_official_tables_keep_their_merges() {
    let doc = read("s1-r001-docx.doc");
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    let (active, applications, review) = (t[0], t[1], t[2]);
    assert_eq!(cell_at(active, "第二十条第(一)项"), (0, 0, 1, 4));
    assert_eq!(cell_at(applications, "申请人情况"), (0, 3, 1, 7));
    assert_eq!(cell_at(applications, "法人或其他组织"), (1, 4, 1, 5));
    assert_eq!(cell_at(applications, "三、本年度办理结果"), (5, 0, 22, 1));
    assert_eq!(cell_at(applications, "(三)不予公开"), (7, 1, 8, 1));
    assert_eq!(applications.grid().width, 10);
    assert_eq!(cell_at(review, "行政诉讼"), (0, 5, 1, 10));
    assert_eq!(cell_at(review, "结果\n维持"), (1, 0, 2, 1));
    let last: Vec<&str> = review.rows[3].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(last, ["2", "1", "2", "2", "7", "0", "0", "0", "0", "0", "3", "0", "0", "1", "4"]);
    // Each cell says where it was: its table, row and column in that table's own grid.
    let c = applications.rows[5].first().unwrap();
    assert_eq!(c.source, Some(Source::table_cell(1, 5, 0)));
}
