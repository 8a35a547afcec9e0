//! The PDF reader on real documents from several producers: LibreOffice (from DOCX), Chromium
//! (print from HTML), hand-written PDFs with predefined CJK CMaps, embedded TrueType without
//! ToUnicode, vertical fonts, an encrypted file and a scanned page. See fixtures/read/README.md.

use nianbao_pdf::Pdf;
use nianbao_plugin::{Align, Block, Document, FormatPlugin, Options, Table};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/read")
}

fn read_path(path: &Path) -> Result<Document, String> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Pdf::read("pdf", &bytes, &Options::new()).map_err(|e| e.0)
}

fn read(name: &str) -> Document {
    read_path(&dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn texts(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

/// The text of the cell covering grid position (r, c).
fn at(t: &Table, r: usize, c: usize) -> String {
    let g = t.grid();
    t.cell(g.slots[r][c].expect("a cell covers the slot")).text.clone()
}

fn span_at(t: &Table, r: usize, c: usize) -> (u32, u32) {
    let g = t.grid();
    let cell = t.cell(g.slots[r][c].unwrap());
    (cell.rowspan, cell.colspan)
}

fn all_text(doc: &Document) -> String {
    let mut s = texts(doc).join("\n");
    for t in tables(doc) {
        for row in &t.rows {
            for c in row {
                s.push_str(&c.text);
            }
        }
    }
    s
}

fn assert_clean(doc: &Document, name: &str) {
    let bad: Vec<char> = all_text(doc)
        .chars()
        .filter(|&c| {
            c == '\u{FFFD}' || matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF) || (c.is_control() && c != '\n')
        })
        .collect();
    assert!(bad.is_empty(), "{name}: replacement, private-use or control characters {bad:?}");
}

fn meta<'a>(doc: &'a Document, key: &str) -> Option<&'a str> {
    doc.prop(key)
}

// ---------------------------------------------------------------- LibreOffice (from DOCX)

/// A truth cell: a number, or null for a blank or dash cell.
fn cell_matches(truth: &Value, text: &str) -> bool {
    let text = text.trim();
    match truth {
        Value::Null => text.is_empty() || ["—", "-", "--", "/", "无"].contains(&text),
        Value::Number(n) => text.parse::<f64>().is_ok_and(|v| (v - n.as_f64().unwrap()).abs() < 1e-6),
        _ => false,
    }
}

/// Checks every cell of the applications and review tables against the fixture's truth: their
/// data rows are the rows that end in 7 (applications) or 15 (review) value cells, in the
/// template's order.
fn check_lo_fixture(pdf: &Path, truth: &Path) {
    let name = pdf.file_name().unwrap().to_string_lossy().into_owned();
    let doc = read_path(pdf).unwrap_or_else(|e| panic!("{name}: {e}"));
    let truth: Value = serde_json::from_str(&std::fs::read_to_string(truth).unwrap()).unwrap();
    assert_clean(&doc, &name);
    let blocks = texts(&doc);
    // Every narrative paragraph of the truth is one block, exactly as printed.
    for section in truth["sections"].as_array().unwrap() {
        for p in section["paragraphs"].as_array().unwrap() {
            let p = p.as_str().unwrap();
            assert!(blocks.iter().any(|b| b == p), "{name}: no block reads {p:?}");
        }
        let title = section["title"].as_str().unwrap();
        if !title.is_empty() {
            assert!(blocks.iter().any(|b| b.ends_with(title)), "{name}: no heading for {title:?}");
        }
    }
    let title = truth["meta"]["title"].as_str().unwrap();
    assert!(blocks.iter().any(|b| b == title), "{name}: title {title:?} not one block: {:?}", &blocks[..2]);
    let tabs = tables(&doc);
    let expected_tables = truth["tables"].as_object().map_or(0, |t| t.values().filter(|v| !v.is_null()).count());
    assert!(tabs.len() >= expected_tables, "{name}: {} tables", tabs.len());
    if let Some(apps) = truth["tables"]["applications"]["rows"].as_object() {
        let t = tabs.iter().find(|t| t.grid().width == 10).unwrap_or_else(|| panic!("{name}: no 10-column table"));
        assert_eq!(span_at(t, 0, 0), (3, 3), "{name}: the corner note cell");
        assert_eq!(span_at(t, 0, 3).1, 7, "{name}: 申请人情况 spans the 7 value columns");
        assert_eq!(span_at(t, 1, 4).1, 5, "{name}: 法人或其他组织 spans 5 columns");
        let width = 10;
        let data: Vec<usize> = (0..t.rows.len())
            .filter(|&r| {
                (width - 7..width)
                    .all(|c| at(t, r, c).trim().chars().all(|ch| ch.is_ascii_digit() || "—-/.".contains(ch)))
            })
            .filter(|&r| r >= 3)
            .collect();
        assert_eq!(data.len(), apps.len(), "{name}: data rows of the applications table");
        let cols = ["natural_person", "commercial", "research", "nonprofit", "legal_service", "other", "total"];
        // The template's row order (gb2019 has one `other` row where gb2021 has three).
        let order: Vec<(&String, &Value)> = APPLICATION_ROWS.iter().filter_map(|k| apps.get_key_value(*k)).collect();
        assert_eq!(order.len(), apps.len(), "{name}: unknown rows in the truth");
        for (&r, (key, row)) in data.iter().zip(order) {
            for (k, col) in cols.iter().enumerate() {
                let got = at(t, r, width - 7 + k);
                assert!(
                    cell_matches(&row[*col], &got),
                    "{name}: applications {key}.{col}: want {} got {got:?}",
                    row[*col]
                );
            }
        }
    }
    if let Some(rl) = truth["tables"]["review_litigation"].as_object() {
        let t = tabs.iter().find(|t| t.grid().width == 15).unwrap_or_else(|| panic!("{name}: no 15-column table"));
        let last = t.rows.len() - 1;
        let mut k = 0;
        for group in ["review", "litigation_direct", "litigation_after_review"] {
            for col in ["upheld", "corrected", "other", "pending", "total"] {
                let got = at(t, last, k);
                assert!(
                    cell_matches(&rl[group][col], &got),
                    "{name}: {group}.{col}: want {} got {got:?}",
                    rl[group][col]
                );
                k += 1;
            }
        }
        assert_eq!(span_at(t, 0, 0).1, 5, "{name}: 行政复议 spans 5 columns");
        assert_eq!(span_at(t, 0, 5).1, 10, "{name}: 行政诉讼 spans 10 columns");
    }
}

const APPLICATION_ROWS: [&str; 26] = [
    "new_received",
    "carried_over",
    "granted",
    "partially_granted",
    "denied.state_secret",
    "denied.prohibited_by_law",
    "denied.security_stability",
    "denied.third_party",
    "denied.internal_affairs",
    "denied.process_info",
    "denied.enforcement_files",
    "denied.inquiry",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.complaint",
    "not_processed.repeated",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
    "other.no_correction",
    "other.unpaid_fee",
    "other.other",
    "other",
    "total",
    "carried_forward",
];

#[test]
fn libreoffice_fixtures_cell_for_cell() {
    for stem in ["s1-r001-pdf-lo", "s1-r005-pdf-lo"] {
        check_lo_fixture(&dir().join(format!("{stem}.pdf")), &dir().join(format!("{stem}.truth.json")));
    }
}

#[test]
fn all_shared_fixtures_cell_for_cell() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/reports");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        eprintln!("SKIP: {} not present", shared.display());
        return;
    };
    let mut n = 0;
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "pdf") {
            check_lo_fixture(&p, &p.with_extension("truth.json"));
            n += 1;
        }
    }
    assert!(n > 0, "no PDFs in {}", shared.display());
}

#[test]
fn libreoffice_layout_details() {
    let doc = read("s1-r001-pdf-lo.pdf");
    assert!(
        matches!(&doc.blocks[0], Block::Heading { level: 1, text, .. } if text == "当阳市人民政府办公室2022年政府信息公开工作年度报告")
    );
    let n = doc.blocks.len();
    assert!(
        matches!(&doc.blocks[n - 1], Block::Paragraph { text, align: Align::Right, .. } if text == "2023年2月10日")
    );
    let t = tables(&doc).into_iter().find(|t| t.grid().width == 10).unwrap();
    // Wrapped cell text keeps its line breaks; the tall vertical-ish label keeps its span.
    assert_eq!(at(t, 2, 4), "商业\n企业");
    let label = (0..t.rows.len()).find(|&r| at(t, r, 0).starts_with("三、")).unwrap();
    assert_eq!(at(t, label, 0).replace('\n', ""), "三、本年度办理结果");
    assert_eq!(span_at(t, label, 0).0, 22);
    assert_eq!(meta(&doc, "author"), Some("当阳市政府办公室"));
    assert_eq!(meta(&doc, "producer"), Some("LibreOffice 7.4"));
}

#[test]
fn libreoffice_cff_fonts_with_builtin_encoding() {
    let doc = read("lo-cff.pdf");
    assert_clean(&doc, "lo-cff");
    assert!(texts(&doc).iter().any(|t| t == "主动公开政府信息128条,依申请公开15件。"), "{:?}", texts(&doc));
    let t = tables(&doc)[0];
    assert_eq!((at(t, 0, 0), span_at(t, 0, 0)), ("项目".into(), (2, 1)));
    assert_eq!((at(t, 0, 1), span_at(t, 0, 1)), ("数量".into(), (1, 2)));
    assert_eq!((at(t, 2, 0), at(t, 2, 1), at(t, 2, 2)), ("收到申请".into(), "12".into(), "9".into()));
}

// ---------------------------------------------------------------- hand-written PDFs

#[test]
fn stsong_ucs2_without_tounicode_flipped_page_and_continued_table() {
    let doc = read("stsong-ucs2.pdf");
    assert_clean(&doc, "stsong-ucs2");
    let b = texts(&doc);
    assert_eq!(b[0], "示例县人民政府2023年政府信息公开工作年度报告", "a wrapped centred title is one heading");
    assert!(matches!(doc.blocks[0], Block::Heading { level: 1, .. }));
    assert_eq!(b[1], "本报告根据《中华人民共和国政府信息公开条例》编制,全文包括总体情况、主动公开政府信息情况等内容。本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。");
    // Running header and `- N -` page numbers are gone.
    assert!(!b.iter().any(|t| t.contains("示例县人民政府信息公开") || t.starts_with('-')), "{b:?}");
    let t = tables(&doc);
    assert_eq!(t.len(), 1, "the table continued on page 2 is joined");
    let t = t[0];
    assert_eq!(t.rows.len(), 11);
    assert_eq!(t.header_rows, 2);
    assert_eq!((at(t, 0, 2), span_at(t, 0, 2)), ("数量".into(), (1, 2)));
    assert_eq!((at(t, 2, 0), span_at(t, 2, 0)), ("办理结果".into(), (4, 1)), "vertical UniGB-UCS2-V label");
    assert_eq!((at(t, 8, 0), span_at(t, 8, 0)), ("结转".into(), (3, 1)));
    assert_eq!(at(t, 5, 1), "法律服务\n机构");
    assert_eq!((at(t, 10, 1), at(t, 10, 2), at(t, 10, 3)), ("总计".into(), "102".into(), "/".into()));
    assert_eq!(at(t, 2, 3), "", "blank cells stay blank");
    let last = doc.blocks.len() - 1;
    assert!(matches!(&doc.blocks[last], Block::Paragraph { text, align: Align::Right, .. } if text == "2024年1月20日"));
    assert_eq!(meta(&doc, "title"), Some("示例县人民政府2023年政府信息公开工作年度报告"));
    assert_eq!(meta(&doc, "author"), Some("示例县人民政府办公室"));
    assert_eq!(meta(&doc, "date"), Some("2024-01-20"));
    assert_eq!(meta(&doc, "索引号"), Some("000014349/2024-00012"), "custom Info keys come back under their names");
}

#[test]
fn gbk_family_cmaps_tiny_text_matrix_strokes_and_forms() {
    let doc = read("gbk-cmaps.pdf");
    assert_clean(&doc, "gbk-cmaps");
    let b = texts(&doc);
    let expect = [
        "二、主动公开政府信息情况",
        "2023年共收到申请12件,办结率100%。",
        "三、收到和处理政府信息公开申请情况",
        "联系人:王堃",
        "生僻字㐀测试",
        "扩展字𠀀测试",
        "紧排 ABC",
        "表单中的文字",
    ];
    for e in expect {
        assert!(b.iter().any(|t| t == e), "missing {e:?} in {b:?}");
    }
    assert!(!all_text(&doc).contains('内'), "the diagonal watermark is no text of the page");
    let t = tables(&doc);
    assert_eq!(t.len(), 2, "grey row backgrounds are no rules");
    assert_eq!(t[0].rows.len(), 3);
    assert_eq!(at(t[0], 2, 0), "办结");
    assert_eq!(at(t[0], 0, 2), "2023年");
    // The three-line table: columns from the text's gutters, rows from its lines.
    let rows: Vec<Vec<String>> = t[1].rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect()).collect();
    assert_eq!(rows, [["地区", "收到申请", "办结"], ["城区", "12", "11"], ["郊区", "5", "5"], ["合计", "17", "16"]]);
    assert_eq!(t[1].header_rows, 1);
}

#[test]
fn identity_fonts_embedded_cmap_kangxi_and_vertical() {
    let doc = read("identity.pdf");
    assert_clean(&doc, "identity");
    let all = all_text(&doc);
    assert!(all.contains("嵌入字体无映射表"), "Identity-H without ToUnicode, from the embedded font's cmap: {all}");
    assert!(all.contains("行政一丁丂公开 AB六"), "Kangxi radical and compatibility ideograph folded: {all}");
    assert!(!all.contains('\u{2F8F}') && !all.contains('\u{F9D1}'));
    assert!(texts(&doc).iter().any(|t| t == "公开行政"), "Identity-V label reads top to bottom");
    assert!(all.contains("Open Government Information 2023"));
    assert!(texts(&doc).iter().any(|t| t == "壹AB公"), "/ActualText replaces the glyphs' text: {all}");
}

#[test]
fn scanned_page_is_a_clear_error() {
    let err = read_path(&dir().join("scanned.pdf")).unwrap_err();
    assert!(err.contains("no text layer") && err.contains("OCR"), "{err}");
}

/// The blocks without their source positions.
fn plain(doc: Document) -> Vec<Block> {
    let mut doc = doc;
    for b in &mut doc.blocks {
        match b {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => *source = None,
            Block::Table(t) => {
                t.source = None;
                t.rows.iter_mut().flatten().for_each(|c| c.source = None);
            }
            Block::Image { .. } => {}
        }
    }
    doc.blocks
}

#[test]
fn rotated_pages_read_upright() {
    // /Rotate 90 on page 1 and 270 on page 2: the text runs down and up the shown page.
    // (Where it lies on the shown pages is tests/read_provenance.rs's.)
    assert_eq!(plain(read("rotated.pdf")), plain(read("stsong-ucs2.pdf")));
}

#[test]
fn a_copy_with_object_streams_reads_the_same() {
    // qpdf packs the objects into object streams, which the reader parses itself (to weigh
    // them) rather than lopdf.
    let ok = std::process::Command::new("qpdf").arg("--version").output().is_ok_and(|o| o.status.success());
    if !ok {
        println!("SKIP: qpdf is not installed; object streams not checked");
        return;
    }
    let packed = std::env::temp_dir().join(format!("nianbao-pdf-objstm-{}.pdf", std::process::id()));
    let status = std::process::Command::new("qpdf")
        .args(["--object-streams=generate", "--compress-streams=y"])
        .arg(dir().join("s1-r001-pdf-lo.pdf"))
        .arg(&packed)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&packed).unwrap();
    let _ = std::fs::remove_file(&packed);
    assert!(bytes.windows(7).any(|w| w == b"/ObjStm"), "qpdf made object streams");
    let doc = Pdf::read("pdf", &bytes, &Options::new()).unwrap();
    assert_eq!(doc.blocks, read("s1-r001-pdf-lo.pdf").blocks);
}

// ---------------------------------------------------------------- tables without rules

/// The row of a table whose cells, read left to right, start with the label and end in
/// `values`.
fn row_ending(t: &Table, label: &str, values: &[&str]) -> Option<Vec<String>> {
    t.rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect::<Vec<_>>()).find(|cells| {
        cells.iter().any(|c| c.replace('\n', "") == label)
            && cells.len() >= values.len()
            && cells[cells.len() - values.len()..].iter().zip(values).all(|(c, v)| c == v)
    })
}

#[test]
fn tables_without_rules_from_text_alignment() {
    // LibreOffice 7.4, Noto Sans CJK (CFF): the DOCX fixture with its table borders removed.
    let doc = read("lo-unruled.pdf");
    assert_clean(&doc, "lo-unruled");
    let t = tables(&doc);
    assert!(t.len() >= 3, "{} tables", t.len());
    let apps = t.iter().find(|t| {
        row_ending(t, "一、本年新收政府信息公开申请数量", &["128", "15", "0", "1", "5", "3", "152"]).is_some()
    });
    let apps = apps.expect("the applications table, its numbers one per cell");
    // A label wrapped over two lines with its numbers centred between them is one cell again.
    assert!(row_ending(apps, "2.其他法律行政法规禁止公开", &["1", "0", "0", "0", "0", "0", "1"]).is_some());
    assert!(row_ending(apps, "(七)总计", &["132", "14", "0", "1", "4", "3", "154"]).is_some());
    // The header lines above the first row are rows of the table, not paragraphs.
    assert!(texts(&doc).iter().all(|b| !b.contains("申请人情况") && !b.contains("本年制发件数")), "{:?}", texts(&doc));
    let review = t.iter().find(|t| t.rows.last().is_some_and(|r| r.len() == 15)).expect("the review table, 15 numbers");
    let last: Vec<&str> = review.rows.last().unwrap().iter().map(|c| c.text.as_str()).collect();
    assert_eq!(last, ["2", "1", "2", "2", "7", "0", "0", "0", "0", "0", "3", "0", "0", "1", "4"]);
}

// ---------------------------------------------------------------- Chromium (print from HTML)

fn check_chromium(name: &str) {
    let doc = read(name);
    assert_clean(&doc, name);
    let b = texts(&doc);
    assert_eq!(b[0], "示范市统计局2023年政府信息公开工作年度报告");
    // The header (date, title) and footer (URL, `1/2`) Chromium prints on every page are gone.
    assert!(!b.iter().any(|t| t.contains("file://") || t.contains("AM") || t.contains("PM")), "{name}: {b:?}");
    // A line spread wide by justification (a long URL after it) has no spaces.
    assert_eq!(
        b[1],
        "本报告根据《中华人民共和国政府信息公开条例》要求编制,所列数据的统计期限自2023年1月1日起至2023年12月31日止。如对本报告有疑问,请与示范市统计局办公室联系(电话:0571-12345678,网址:www.example.gov.cn/tjj/index.html)。"
    );
    let t = tables(&doc);
    assert_eq!(t.len(), 1, "{name}: the table broken across pages is one table");
    let t = t[0];
    assert_eq!(t.rows.len(), 2 + 13, "{name}: the header repeated on page 2 is dropped");
    assert_eq!(t.header_rows, 2);
    assert_eq!((at(t, 0, 0), span_at(t, 0, 0)), ("项目".into(), (2, 2)));
    assert_eq!((at(t, 0, 2), span_at(t, 0, 2)), ("申请人情况".into(), (1, 3)));
    assert_eq!(at(t, 3, 1), "第2项情形(含补正后\n仍不明确的申请)");
    // 无法提供 spans three rows, two of them on the next page.
    let r = (0..t.rows.len()).find(|&r| at(t, r, 0) == "无法提供").unwrap();
    assert_eq!(span_at(t, r, 0), (3, 1), "{name}: merged cell cut by the page break is whole again");
    assert_eq!((at(t, 14, 2), at(t, 14, 3), at(t, 14, 4)), ("12".into(), "24".into(), "36".into()));
    assert_eq!(meta(&doc, "title"), Some("示范市统计局2023年政府信息公开工作年度报告"));
    assert_eq!(meta(&doc, "lang"), Some("zh-CN"));
}

#[test]
fn chromium_truetype_fonts() {
    check_chromium("chromium-wqy.pdf");
}

#[test]
fn chromium_type3_fonts_with_radical_tounicode() {
    // Skia writes Noto CJK as Type 3 fonts whose ToUnicode names the radical ⺠ for 民, and
    // puts it right with /ActualText.
    let doc = read("chromium-noto.pdf");
    assert_clean(&doc, "chromium-noto");
    assert_eq!(texts(&doc), ["中华人民共和国人民政府"]);
    let t = tables(&doc)[0];
    assert_eq!((at(t, 0, 0), span_at(t, 0, 0), at(t, 1, 1)), ("人民".into(), (2, 1), "3".into()));
}

// ---------------------------------------------------------------- encryption

#[test]
fn encrypted_with_empty_user_password() {
    let plain = read("stsong-ucs2.pdf");
    for name in ["encrypted-rc4.pdf", "encrypted-aes256.pdf"] {
        let doc = read(name);
        assert_eq!(doc.blocks, plain.blocks, "{name}");
        assert_eq!(meta(&doc, "索引号"), Some("000014349/2024-00012"), "{name}: encrypted Info strings");
    }
}
