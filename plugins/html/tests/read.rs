//! Reading real-world kinds of pages, made by tools other than our writer (see
//! tests/fixtures/README.md): each must read, through the host's recognize, as its truth; and
//! the Document itself must show what the page shows.

mod common;

use common::*;
use nianbao_plugin::{Align, Block, Document, Options, Table};

fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// The text of the cell covering a grid position.
fn cell_text(t: &Table, row: usize, col: usize) -> &str {
    let g = t.grid();
    &t.cell(g.slots[row][col].unwrap()).text
}

fn check_against_truth(files: &[std::path::PathBuf]) {
    let mut failures = Vec::new();
    for f in files {
        let got = recognize(&read(f));
        let want = truth(f);
        if got != want {
            failures.push(format!("{}:\n  {}", f.display(), differences(&want, &got).join("\n  ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_reads_as_its_truth() {
    let files = with_truth(&fixtures(), "html");
    assert!(files.len() >= 11, "fixtures missing: {files:?}");
    check_against_truth(&files);
}

#[test]
fn every_shared_html_fixture_reads_as_its_truth() {
    if let Some(dir) = shared_fixtures() {
        check_against_truth(&with_truth(&dir, "html"));
    }
}

#[test]
fn site_furniture_is_left_out_and_the_metadata_box_kept() {
    let doc = read(&fixtures().join("site-metadata-box.html"));
    let all = texts(&doc).join("\n");
    for chrome in ["您当前的位置", "打印本页", "ICP备", "首页", "浏览次数", "网站标识码"] {
        assert!(!all.contains(chrome), "{chrome} left in:\n{all}");
    }
    assert_eq!(
        doc.blocks[0],
        Block::Heading {
            source: None, level: 1, text: "高明区杨和镇人民政府2023年政府信息公开工作年度报告".into()
        }
    );
    assert_eq!(doc.prop("索引号"), Some("1144623179023662T/2024-114143"));
    assert_eq!(doc.prop("发布机构"), Some("杨和镇"));
    assert_eq!(doc.prop("发文日期"), Some("2024-03-05"));
    assert_eq!(doc.prop("信息来源"), Some("杨和镇"));
    // <title> carries the site's name after `_`; the page prints the report title alone.
    assert_eq!(doc.prop("title"), Some("高明区杨和镇人民政府2023年政府信息公开工作年度报告"));
    assert_eq!(doc.prop("lang"), Some("zh-CN"));
    let last = doc.blocks.last().unwrap();
    assert_eq!(last, &Block::Paragraph { source: None, text: "2024年3月5日".into(), align: Align::Right });
}

#[test]
fn layout_tables_unwrap_and_report_tables_keep_their_spans() {
    let doc = read(&fixtures().join("site-layout-tables.html"));
    let t = tables(&doc);
    assert_eq!(t.len(), 3, "only the three report tables are tables");
    let apps = t[1];
    // The official corner: the note spans 3 rows and 3 columns; 自然人 two rows.
    assert_eq!((apps.rows[0][0].rowspan, apps.rows[0][0].colspan), (3, 3));
    assert_eq!(apps.rows[1][0].text, "自然人");
    assert_eq!(apps.rows[1][0].rowspan, 2);
    assert_eq!(apps.grid().width, 10);
    assert_eq!(cell_text(apps, 2, 4), "商业企业");
    assert!(texts(&doc).iter().all(|t| !t.contains("安溪县人民政府主办")), "footer left in");
}

#[test]
fn gbk_pages_declared_or_not() {
    for name in ["gbk-declared.html", "gbk-undeclared.html"] {
        let doc = read(&fixtures().join(name));
        let all = texts(&doc).join("\n");
        assert!(all.contains("一、总体情况"), "{name}: {all}");
        assert!(all.contains("政府信息公开"), "{name}");
        assert!(!all.contains('\u{FFFD}'), "{name}: undecodable characters");
    }
    let inspected = nianbao_html::read(
        &std::fs::read(fixtures().join("gbk-undeclared.html")).unwrap(),
        &Options::from([("inspect".to_string(), "true".to_string())]),
    )
    .unwrap();
    assert!(
        inspected.notes.iter().any(|n| n.contains("no charset declared") && n.contains("gb18030")),
        "{:?}",
        inspected.notes
    );
}

#[test]
fn word_markup_reads_as_printed() {
    let doc = read(&fixtures().join("word-pasted.html"));
    let t = tables(&doc);
    assert_eq!(t.len(), 3);
    // 行政处罚 | 1982, the number split over two Times New Roman runs with &nbsp; padding.
    let row = t[0].rows.iter().find(|r| r[0].text == "行政处罚").unwrap();
    assert_eq!(row.iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["行政处罚", "1982"]);
    // The invisible spacer row Word appends is gone.
    assert!(t[0].rows.last().unwrap().iter().any(|c| !c.text.is_empty()));
    // Source lines wrapped between characters leave no spaces in the text.
    let para = texts(&doc).into_iter().find(|p| p.contains("主动公开政府信息75条")).unwrap();
    assert!(para.starts_with("2025年,我局通过安溪县人民政府网站"), "{para}");
    assert!(!para.contains(' '), "{para}");
    let headers: Vec<&str> = t[1].rows[2].iter().map(|c| c.text.as_str()).collect();
    assert_eq!(headers, ["商业\n企业", "科研\n机构", "社会\n公益组织", "法律\n服务机构", "其他"]);
}

#[test]
fn flattened_tables_stay_one_paragraph_per_cell() {
    let doc = read(&fixtures().join("flattened.html"));
    assert!(tables(&doc).is_empty());
    let lines = texts(&doc);
    let at = lines.iter().position(|l| *l == "第二十条第(一)项").unwrap();
    assert_eq!(&lines[at..at + 5], ["第二十条第(一)项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]);
}

#[test]
fn traditional_characters_are_read_as_printed() {
    let doc = read(&fixtures().join("traditional.html"));
    let all = texts(&doc).join("\n");
    assert!(all.contains("總體情況"), "the reader does not convert; the host normalises");
    assert!(!all.contains("总体情况"));
}

#[test]
fn blank_header_cells_fold_into_the_spans_above() {
    let doc = read(&fixtures().join("empty-td-header.html"));
    let apps = tables(&doc)[1];
    let row = &apps.rows[1];
    assert_eq!(row[0].text, "自然人");
    assert_eq!(row[0].rowspan, 2, "the empty cell under 自然人 continues it");
    assert_eq!(row.last().unwrap().text, "总计");
    assert_eq!(row.last().unwrap().rowspan, 2);
    assert_eq!(apps.rows[2].len(), 5, "商业企业 … 其他 only");
}

#[test]
fn a_picture_of_a_table_is_an_image_with_a_note() {
    let doc = read(&fixtures().join("image-table.html"));
    assert_eq!(tables(&doc).len(), 2);
    assert!(doc
        .blocks
        .contains(&Block::Image { alt: "收到和处理政府信息公开申请情况统计表".into() }));
    assert!(
        doc.notes.iter().any(|n| n.contains("image") && n.contains("收到和处理政府信息公开申请情况统计表")),
        "{:?}",
        doc.notes
    );
    let report = recognize(&doc);
    assert!(report.tables.applications.is_none());
}

#[test]
fn libreoffice_export_keeps_its_properties() {
    let doc = read(&fixtures().join("lo-export.html"));
    assert_eq!(doc.prop("author"), Some("杨和镇"));
    assert_eq!(doc.prop("date"), Some("2024-03-05"));
    assert_eq!(doc.prop("generator"), Some("LibreOffice 7.4.7.2 (Linux)"));
    assert_eq!(
        doc.blocks[0],
        Block::Paragraph {
            source: None,
            text: "高明区杨和镇人民政府2023年政府信息公开工作年度报告".into(),
            align: Align::Center
        }
    );
}

#[test]
fn pinyin_annotated_mirror_pages_read_through_the_host() {
    // Mirror sites print pinyin after characters; the reader passes it on, the host strips it.
    let page = "<html><body><h1>某镇人民政府2022年政府信息公开工作年度报告</h1>\
                <p>一(yī)、总(zǒng)体(tǐ)情(qíng)况(kuàng)</p><p>本年度共收到申请3件。</p></body></html>";
    let doc = nianbao_html::read(page.as_bytes(), &Options::new()).unwrap();
    assert_eq!(texts(&doc)[1], "一(yī)、总(zǒng)体(tǐ)情(qíng)况(kuàng)");
    let report = recognize(&doc);
    assert!(report.sections.iter().any(|s| s.title == "总体情况"), "{:?}", report.sections);
}
