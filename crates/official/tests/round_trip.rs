//! render and recognize are inverses on every fixture's truth: the official layout that render
//! builds (merged headers, spanning labels) is read back cell for cell.

use nianbao_document::{Block, Cell, Document, Table};
use nianbao_official::{recognize, render};
use nianbao_report::{Layout, Num, Report};
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports")
}

fn truths() -> Vec<(String, Report)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(fixtures()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".truth.json") {
            let r: Report = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            out.push((name, r));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 30, "fixtures missing");
    out
}

#[test]
fn recognize_reads_back_what_render_built_for_every_truth() {
    for (name, truth) in truths() {
        let doc = render(&truth);
        let back = recognize(&doc).report;
        assert_eq!(back.meta, truth.meta, "{name}: meta");
        assert_eq!(back.tables, truth.tables, "{name}: tables");
        assert_eq!(back.sections, truth.sections, "{name}: sections");
    }
}

#[test]
fn rendered_applications_table_has_the_official_nesting() {
    let (_, truth) = truths().into_iter().find(|(n, _)| n == "s1-r001-html-table.truth.json").unwrap();
    let doc = render(&truth);
    let tables: Vec<&Table> =
        doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect();
    assert_eq!(tables.len(), 3);
    let app = tables[1];
    assert_eq!(app.header_rows, 3);
    assert_eq!(app.grid().width, 10);
    let corner = &app.rows[0][0];
    assert!(corner.text.contains("勾稽关系"));
    assert_eq!((corner.rowspan, corner.colspan), (3, 3));
    assert_eq!(app.rows[1][1].text, "法人或其他组织");
    assert_eq!(app.rows[1][1].colspan, 5);
    let results = app.rows.iter().flatten().find(|c| c.text == "三、本年度办理结果").unwrap();
    assert_eq!(results.rowspan, 22, "gb2021 has 22 result rows");
    let rl = tables[2];
    assert_eq!(rl.rows[0][1].text, "行政诉讼");
    assert_eq!(rl.rows[0][1].colspan, 10);
    assert_eq!(rl.rows[1][0].rowspan, 2, "复议 outcome headers reach the bottom header row");
    // Section headings in order, with the table right after its heading.
    let heads: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| if let Block::Heading { level: 2, text, .. } = b { Some(text.as_str()) } else { None })
        .collect();
    assert_eq!(
        heads,
        [
            "一、总体情况",
            "二、主动公开政府信息情况",
            "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况",
            "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项"
        ]
    );
}

#[test]
fn null_cells_render_empty_or_as_their_mark() {
    let (_, mut truth) = truths().into_iter().find(|(n, _)| n == "s1-r005-html-table.truth.json").unwrap();
    let app = truth.tables.applications.as_mut().unwrap();
    app.rows.get_mut("granted").unwrap().insert("total".into(), None);
    app.marks.insert("granted.total".into(), "/".into());
    let doc = render(&truth);
    let ad = doc.blocks.iter().find_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).unwrap();
    // gb2019 regulations are blank in this report: empty cells, never 0.
    assert_eq!(ad.rows[2].iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["规章", "", "", ""]);
    let back = recognize(&doc).report;
    let app = back.tables.applications.unwrap();
    assert_eq!(app.get("granted", "total"), None);
    assert_eq!(app.marks.get("granted.total").map(String::as_str), Some("/"));
    assert_eq!(back.tables.active_disclosure.unwrap().get("procurement", "amount"), Some(Num(2314.86)));
}

/// A grid as a reader without span support gives it: merged cells repeated or left blank.
#[test]
fn grids_without_spans_are_read_too() {
    let row = |cells: &[&str]| cells.iter().map(|c| Cell::new(*c)).collect::<Vec<_>>();
    let mut rows = vec![
        row(&[
            "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
            "",
            "",
            "申请人情况",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
        row(&["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]),
        row(&[
            "一、本年新收政府信息公开申请数量",
            "一、本年新收政府信息公开申请数量",
            "",
            "3",
            "1",
            "0",
            "0",
            "0",
            "0",
            "4",
        ]),
        row(&["三、本年度办理结果", "(一)予以公开", "", "2", "1", "0", "0", "0", "0", "3"]),
        row(&["三、本年度办理结果", "(三)不予公开", "1.属于国家秘密", "—", "0", "0", "0", "0", "0", "0"]),
        row(&["", "", "3.危及\"三安全一稳定\"", "1", "0", "0", "0", "0", "0", "1"]),
        row(&["", "(六)其他处理", "3.其他", "0", "0", "0", "0", "0", "0", "0"]),
    ];
    rows.push(row(&["", "(七)总计", "", "3", "1", "0", "0", "0", "0", "4"]));
    let doc = Document {
        blocks: vec![Block::Table(Table { source: None, name: String::new(), header_rows: 0, rows })],
        ..Document::default()
    };
    let r = recognize(&doc).report;
    let app = r.tables.applications.expect("applications found");
    assert_eq!(app.layout, Layout::Gb2021);
    assert_eq!(app.get("new_received", "natural_person"), Some(Num(3.0)));
    assert_eq!(app.get("new_received", "total"), Some(Num(4.0)));
    assert_eq!(app.get("granted", "commercial"), Some(Num(1.0)));
    assert_eq!(app.get("denied.state_secret", "natural_person"), None);
    assert_eq!(app.marks.get("denied.state_secret.natural_person").map(String::as_str), Some("—"));
    assert_eq!(app.get("denied.security_stability", "total"), Some(Num(1.0)));
    assert_eq!(app.get("other.other", "total"), Some(Num(0.0)));
    assert_eq!(app.get("total", "total"), Some(Num(4.0)));
    assert!(r.tables.active_disclosure.is_none());
    assert!(r.tables.review_litigation.is_none());
}

#[test]
fn a_layout_table_around_the_page_is_read_as_text() {
    let (_, truth) = truths().into_iter().find(|(n, _)| n == "s1-r004-html-table.truth.json").unwrap();
    let inner = render(&truth);
    // Put the report's text in a table, a line per row, as old site templates do, leaving the
    // statistical tables beside it. Its headings look like table labels; its sentences say
    // it is not a statistical table.
    let wrap = |rows: &mut Vec<Vec<Cell>>| {
        Block::Table(Table { source: None, name: String::new(), header_rows: 0, rows: std::mem::take(rows) })
    };
    let mut rows = Vec::new();
    let mut blocks = Vec::new();
    for b in &inner.blocks {
        match b {
            Block::Heading { text: t, .. } | Block::Paragraph { text: t, .. } => rows.push(vec![Cell::new(t.clone())]),
            Block::Table(t) => {
                blocks.push(wrap(&mut rows));
                blocks.push(Block::Table(t.clone()));
            }
            Block::Image { .. } => {}
        }
    }
    blocks.push(wrap(&mut rows));
    let back = recognize(&Document { meta: inner.meta.clone(), blocks, notes: vec![], ..Document::default() }).report;
    assert_eq!(back.sections, truth.sections);
    assert_eq!(back.tables, truth.tables);
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading { source: None, level, text: text.into() }
}

fn para(text: &str) -> Block {
    Block::Paragraph { source: None, text: text.into(), align: nianbao_document::Align::Justify }
}

#[test]
fn the_title_is_the_report_title_not_the_site_name_or_breadcrumb() {
    // A web page printed to PDF: site name set largest, then the breadcrumb, then the title.
    let doc = Document {
        blocks: vec![
            heading(1, "泉州市人民政府"),
            para("您当前的位置:首页 > 政务公开 > 政府信息公开年报"),
            para("2023年度泉州市教育局政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("2023年,我局认真贯彻落实《条例》。"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let m = recognize(&doc).report.meta;
    assert_eq!(m.title, "2023年度泉州市教育局政府信息公开工作年度报告");
    assert_eq!(m.agency.as_deref(), Some("泉州市教育局"));
    // The same with the title as a heading right under a site-name line.
    let doc = Document {
        blocks: vec![
            para("泉州市人民政府"),
            heading(1, "2023年度泉州市教育局政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    assert_eq!(recognize(&doc).report.meta.title, "2023年度泉州市教育局政府信息公开工作年度报告");
}

#[test]
fn a_title_set_over_two_centred_lines_is_joined() {
    let centred = |t: &str| Block::Paragraph { source: None, text: t.into(), align: nianbao_document::Align::Center };
    let doc = Document {
        blocks: vec![
            centred("泉州市安溪县人力资源和社会保障局"),
            centred("2025年政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let m = recognize(&doc).report.meta;
    assert_eq!(m.title, "泉州市安溪县人力资源和社会保障局2025年政府信息公开工作年度报告");
    assert_eq!(m.year, Some(2025));
}

#[test]
fn page_numbers_left_in_the_text_are_dropped_and_the_report_goes_on() {
    // Text copied from a printed report, or exported with its footers: `— 5 —` between the
    // paragraphs of the last section, and after the signature.
    let doc = Document {
        blocks: vec![
            para("某局2023年政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("2023年,我局认真贯彻落实《条例》。"),
            para("12"),
            para("二、主动公开政府信息情况"),
            para("三、收到和处理政府信息公开申请情况"),
            para("四、政府信息公开行政复议、行政诉讼情况"),
            para("五、存在的主要问题及改进情况"),
            para("六、其他需要报告的事项"),
            para("本年度未收取信息处理费。"),
            para("— 5 —"),
            para("本年度无其他需要报告的事项。"),
            para("-6-"),
        ],
        ..Document::default()
    };
    let sections = recognize(&doc).report.sections;
    let last = sections.iter().find(|s| s.no == Some(6)).unwrap();
    assert_eq!(last.paragraphs, ["本年度未收取信息处理费。", "本年度无其他需要报告的事项。"]);
    // A number without the dashes is text, not a folio.
    let first = sections.iter().find(|s| s.no == Some(1)).unwrap();
    assert_eq!(first.paragraphs, ["2023年,我局认真贯彻落实《条例》。", "12"]);
}

#[test]
fn labels_wrapped_over_lines_of_a_flat_run_are_joined() {
    // Text extracted from a PDF (`pdftotext`) prints the applications table one cell per line,
    // with long labels over two lines, and the numbers of a row centred against a two-line
    // label between its lines.
    let is_number = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.');
    for (name, truth) in truths().into_iter().filter(|(n, _)| n.contains("docx")) {
        let doc = render(&truth);
        let mut blocks = Vec::new();
        for b in &doc.blocks {
            let Block::Table(t) = b else {
                blocks.push(b.clone());
                continue;
            };
            if t.grid().width != 10 {
                blocks.push(b.clone());
                continue;
            }
            for (r, row) in t.rows.iter().enumerate() {
                let texts: Vec<&str> = row.iter().map(|c| c.text.as_str()).filter(|t| !t.is_empty()).collect();
                let (values, labels): (Vec<&str>, Vec<&str>) = texts.iter().partition(|t| is_number(t));
                for (k, label) in labels.iter().enumerate() {
                    let chars: Vec<char> = label.chars().collect();
                    let last = k + 1 == labels.len();
                    if chars.len() > 10 && r > 3 {
                        let (head, tail): (String, String) =
                            (chars[..10].iter().collect(), chars[10..].iter().collect());
                        blocks.push(para(&head));
                        if last && r % 2 == 1 {
                            values.iter().for_each(|v| blocks.push(para(v)));
                            blocks.push(para(&tail));
                            continue;
                        }
                        blocks.push(para(&tail));
                    } else {
                        blocks.push(para(label));
                    }
                    if last {
                        values.iter().for_each(|v| blocks.push(para(v)));
                    }
                }
            }
        }
        let back = recognize(&Document { meta: doc.meta.clone(), blocks, notes: vec![], ..Document::default() }).report;
        let Some(want) = truth.tables.applications else {
            assert_eq!(back.tables.applications, None, "{name}");
            continue;
        };
        let got = back.tables.applications.unwrap();
        assert_eq!(got.rows, want.rows, "{name}");
        assert!(got.recognized.missing.is_empty() && got.recognized.unplaced.is_empty(), "{name}");
        // The last row's tail, set after its numbers, is past the run's last number: that
        // label is read as cut short, and said so. Every other label is joined whole.
        let guessed: Vec<_> = got.recognized.review_notes.iter().map(|r| r.key.as_deref()).collect();
        assert!(guessed.iter().all(|k| *k == Some("carried_forward")), "{name}: {:?}", got.recognized.review_notes);
    }
}

#[test]
fn a_metadata_line_ending_in_nianbao_is_not_the_title() {
    // A page's metadata box, printed as one line before the title.
    let doc = Document {
        blocks: vec![
            para("索引号: 1144623179023662T/2024-114143 分类: 政府信息公开年报"),
            para("高明区杨和镇人民政府2023年政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let m = recognize(&doc).report.meta;
    assert_eq!(m.title, "高明区杨和镇人民政府2023年政府信息公开工作年度报告");
    assert_eq!(m.index_no.as_deref(), Some("1144623179023662T/2024-114143"));
}

#[test]
fn a_label_cut_short_still_names_its_row() {
    // A page break (or a copy) lost the end of a long label: what is left names one row.
    let (_, truth) = truths().into_iter().find(|(n, _)| n == "s1-r001-docx.truth.json").unwrap();
    let mut doc = render(&truth);
    let mut cut = 0;
    for b in &mut doc.blocks {
        if let Block::Table(t) = b {
            for cell in t.rows.iter_mut().flatten() {
                if let Some(head) = cell.text.strip_suffix("重新出具已获取信息") {
                    cell.text = head.to_string();
                    cut += 1;
                }
            }
        }
    }
    assert_eq!(cut, 1);
    let back = recognize(&doc).report;
    let (got, want) = (back.tables.applications.unwrap(), truth.tables.applications.unwrap());
    assert_eq!(got.rows, want.rows);
    // Its values are placed, and the guess is said.
    let review = &got.recognized.review_notes;
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(review[0].kind, nianbao_report::ReviewKind::FuzzyLabel);
    assert_eq!(review[0].key.as_deref(), Some("not_processed.confirmation"));
    assert_eq!(review[0].printed.as_deref(), Some("5.要求行政机关确认或"));
}

#[test]
fn a_title_broken_where_neither_line_is_one_alone_is_joined() {
    let centred = |t: &str| Block::Paragraph { source: None, text: t.into(), align: nianbao_document::Align::Center };
    let doc = Document {
        blocks: vec![
            centred("五常市背荫河镇人民政府2022年政府信息公开工作"),
            centred("年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let m = recognize(&doc).report.meta;
    assert_eq!(m.title, "五常市背荫河镇人民政府2022年政府信息公开工作年度报告");
    assert_eq!(m.agency.as_deref(), Some("五常市背荫河镇人民政府"));
}

#[test]
fn a_site_column_named_nianbao_is_not_the_title() {
    // The page's column name, even set as the top heading, names no agency and no year.
    let doc = Document {
        blocks: vec![
            heading(1, "政府信息公开年报"),
            para("2019年度浏阳市达浒镇人民政府政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    assert_eq!(recognize(&doc).report.meta.title, "2019年度浏阳市达浒镇人民政府政府信息公开工作年度报告");
}

#[test]
fn a_title_under_its_agency_joins_even_without_styles() {
    // A converter (pandoc) dropped the centring: the agency's name alone on the line above a
    // title that names none.
    let doc = Document {
        blocks: vec![
            para("泉州市安溪县人力资源和社会保障局"),
            para("2025年政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let m = recognize(&doc).report.meta;
    assert_eq!(m.title, "泉州市安溪县人力资源和社会保障局2025年政府信息公开工作年度报告");
    // A site's name above a title that names its own agency stays out of it.
    let doc = Document {
        blocks: vec![
            para("泉州市人民政府"),
            para("2023年度泉州市教育局政府信息公开工作年度报告"),
            para("一、总体情况"),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    assert_eq!(recognize(&doc).report.meta.title, "2023年度泉州市教育局政府信息公开工作年度报告");
}

#[test]
fn an_active_disclosure_caption_on_a_line_of_its_own_is_not_narrative() {
    // A browser's copy of a page keeps a one-cell row (`第二十条第（一）项`) apart from the
    // tab-separated rows of its table.
    let doc = Document {
        blocks: vec![
            para("一、总体情况"),
            para("本年度工作情况。"),
            para("二、主动公开政府信息情况"),
            para("第二十条第（一）项"),
            para("三、收到和处理政府信息公开申请情况"),
            para("四、政府信息公开行政复议、行政诉讼情况"),
            para("五、存在的主要问题及改进情况"),
            para("六、其他需要报告的事项"),
        ],
        ..Document::default()
    };
    let sections = recognize(&doc).report.sections;
    assert!(sections.iter().find(|s| s.no == Some(2)).unwrap().paragraphs.is_empty());
}

#[test]
fn a_row_printed_blank_in_a_flat_run_is_a_row_of_nulls() {
    // Text copied from a printed table keeps no blank cells: 规章's row is its label alone.
    for (name, truth) in truths().into_iter().filter(|(n, _)| n.contains("docx")) {
        let Some(ad) = &truth.tables.active_disclosure else { continue };
        if !ad.rows.get("regulations").is_some_and(|r| r.values().all(Option::is_none)) {
            continue;
        }
        let mut doc = render(&truth);
        let at = doc
            .blocks
            .iter()
            .position(|b| matches!(b, Block::Table(t) if t.rows.iter().flatten().any(|c| c.text == "规章")))
            .unwrap();
        let Block::Table(t) = doc.blocks.remove(at) else { unreachable!() };
        let cells = t.rows.iter().flatten().filter(|c| !c.text.trim().is_empty()).map(|c| para(&c.text));
        doc.blocks.splice(at..at, cells);
        let back = recognize(&doc).report;
        assert_eq!(back.tables.active_disclosure, truth.tables.active_disclosure, "{name}");
        return;
    }
    panic!("no fixture prints 规章's row blank");
}

#[test]
fn text_keeps_its_printed_punctuation_and_renders_as_it_is() {
    // A real report's sentence: full-width commas and brackets are the document's, not noise.
    let sentence =
        "2024年，区政府认真贯彻落实《中华人民共和国政府信息公开条例》（国令第711号）：全年主动公开信息１２条。";
    let doc = Document {
        blocks: vec![
            heading(1, "某区人民政府２０２４年政府信息公开工作年度报告"),
            para("一、总体情况"),
            para(sentence),
            para("二、主动公开政府信息情况"),
        ],
        ..Document::default()
    };
    let report = recognize(&doc).report;
    assert_eq!(report.meta.title, "某区人民政府２０２４年政府信息公开工作年度报告");
    assert_eq!(report.meta.year, Some(2024), "full-width digits are read");
    let first = report.sections.iter().find(|s| s.no == Some(1)).unwrap();
    assert_eq!(first.paragraphs, [sentence]);
    // render prints the model's text as it is: half-width stays half-width, full-width full.
    let rendered = render(&report);
    assert!(rendered.blocks.iter().any(|b| matches!(b, Block::Paragraph { text, .. } if text == sentence)));
    let mut half = report.clone();
    half.sections[1].paragraphs = vec!["2024年,区政府(下称本机关)公开:12条".into()];
    let back = recognize(&render(&half)).report;
    assert_eq!(back.sections[..2], half.sections[..2]);
}

fn relabel(doc: &mut Document, from: &str, to: &str) -> usize {
    let mut n = 0;
    for b in &mut doc.blocks {
        if let Block::Table(t) = b {
            for cell in t.rows.iter_mut().flatten() {
                if cell.text == from {
                    cell.text = to.to_string();
                    n += 1;
                }
            }
        }
    }
    n
}

#[test]
fn the_wps_typo_of_issue_11_is_its_own_row_with_a_review_note() {
    // `2.其他法律行政止公开`, the agency's own misprint, was taken for `3.危及…`, the real
    // 3.危及 row dropped, and validate reported rule-2 violations the document does not have.
    for (name, truth) in truths().into_iter().filter(|(n, t)| n.contains("docx") && t.tables.applications.is_some()) {
        let mut doc = render(&truth);
        assert_eq!(relabel(&mut doc, "2.其他法律行政法规禁止公开", "2.其他法律行政止公开"), 1, "{name}");
        let r = nianbao_official::recognize_with(&doc, &nianbao_official::Options::default());
        let (got, want) = (r.report.tables.applications.unwrap(), truth.tables.applications.unwrap());
        assert_eq!(got.rows, want.rows, "{name}: every row where it belongs");
        let review = &got.recognized.review_notes;
        assert_eq!(review.len(), 1, "{name}: {review:?}");
        assert_eq!(review[0].kind, nianbao_report::ReviewKind::FuzzyLabel);
        assert_eq!(review[0].key.as_deref(), Some("denied.prohibited_by_law"));
        assert_eq!(review[0].printed.as_deref(), Some("2.其他法律行政止公开"));
        assert_eq!(r.grade, nianbao_report::Grade::Review);
        assert_eq!(r.report.recognition.map(|g| g.grade), Some(nianbao_report::Grade::Review));
    }
}

#[test]
fn every_fixture_truth_rendered_reads_back_exact() {
    for (name, truth) in truths() {
        let r = nianbao_official::recognize_with(&render(&truth), &nianbao_official::Options::default());
        assert_eq!(r.grade, nianbao_report::Grade::Exact, "{name}: {:?}", r.notes);
    }
}

#[test]
fn provenance_is_the_source_of_the_cell_or_of_the_line() {
    use nianbao_document::Source;
    let (_, truth) = truths().into_iter().find(|(n, _)| n == "s1-r001-docx.truth.json").unwrap();
    let mut doc = render(&truth);
    // Sources as a DOCX reader gives them: the table's index, and each cell's row and column.
    let mut k = 0;
    for b in &mut doc.blocks {
        if let Block::Table(t) = b {
            let grid = t.grid();
            for (r, row) in grid.slots.iter().enumerate() {
                for (c, slot) in row.iter().enumerate() {
                    if let Some(s) = slot.filter(|s| s.origin && s.row == r) {
                        t.rows[s.row][s.index].source = Some(Source::table_cell(k, r as u32, c as u32));
                    }
                }
            }
            k += 1;
        }
    }
    let options = nianbao_official::Options { provenance: true };
    let r = nianbao_official::recognize_with(&doc, &options).report;
    let app = r.tables.applications.as_ref().unwrap();
    let p = &app.recognized.provenance["granted.total"];
    assert_eq!(p.text, app.get("granted", "total").unwrap().to_string());
    assert_eq!((p.source.table, p.source.col), (Some(1), Some(9)), "the applications table, its last column");
    let non_null = app.rows.values().flat_map(|r| r.values()).filter(|v| v.is_some()).count();
    assert_eq!(app.recognized.provenance.len(), non_null, "every number has one");
    let rl = r.tables.review_litigation.as_ref().unwrap();
    assert_eq!(rl.recognized.provenance["review.total"].source.table, Some(2));
    // Off by default: the JSON stays equal to the truth.
    assert_eq!(recognize(&doc).report.tables, truth.tables);

    // A flat run of one cell per line: each number's line.
    let lines = ["行政复议", "结果维持", "3件", "0", "1", "0", "4"];
    let mut blocks = vec![para("四、政府信息公开行政复议、行政诉讼情况")];
    for (i, l) in lines.iter().enumerate() {
        blocks.push(Block::Paragraph {
            text: l.to_string(),
            align: Default::default(),
            source: Some(Source::line(10 + i as u32)),
        });
    }
    for _ in 0..10 {
        blocks.push(para("0"));
    }
    let r = nianbao_official::recognize_with(&Document { blocks, ..Document::default() }, &options).report;
    let rl = r.tables.review_litigation.unwrap();
    assert_eq!(rl.review.upheld, Some(Num(3.0)));
    let p = &rl.recognized.provenance["review.upheld"];
    assert_eq!((p.text.as_str(), p.source.line), ("3件", Some(12)));
}
