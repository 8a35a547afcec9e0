//! The PDF writer on rendered reports and on small Documents made to probe one rule each: the
//! file's structure (fonts, metadata), the layout (type area, indents, justification, titles,
//! tables, page numbers), line breaking, the `font` option, and bad input. PDFs are examined
//! with lopdf (tests/write_support) and read back with this crate's own reader.

mod write_support;

use nianbao_pdf::Pdf;
use nianbao_plugin::{Align, Block, Cell, Document, FormatPlugin, Options, Prop, Table};
use write_support::*;

fn meta(pairs: &[(&str, &str)]) -> Vec<Prop> {
    pairs.iter().map(|(k, v)| Prop { key: k.to_string(), value: v.to_string() }).collect()
}

fn body_runs(page: &Page) -> Vec<&Run> {
    page.runs.iter().filter(|r| r.y > BOTTOM).collect()
}

#[test]
fn rendered_reports_read_back_through_our_reader() {
    for (name, doc) in reports() {
        let bytes = write(&doc);
        let back = Pdf::read("pdf", &bytes, &Options::new()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(block_texts(&back), block_texts(&doc), "{name}: headings and paragraphs");
        for prop in &doc.meta {
            assert_eq!(back.prop(&prop.key), Some(prop.value.as_str()), "{name}: meta {}", prop.key);
        }
        let cells = |d: &Document| -> Vec<String> {
            let mut out: Vec<String> = d
                .blocks
                .iter()
                .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
                .flat_map(|t| t.rows.iter().flatten().map(|c| c.text.replace('\n', "")))
                .filter(|t| !t.is_empty())
                .collect();
            out.sort();
            out.dedup();
            out
        };
        assert_eq!(cells(&back), cells(&doc), "{name}: the texts of the table cells");
    }
}

#[test]
fn metadata_goes_to_the_info_dictionary_and_the_catalog() {
    let doc = report("s1-r001");
    let pdf = Written::new(&write(&doc));
    let info = pdf.info();
    assert_eq!(text_string(info.get(b"Title").unwrap()), "当阳市人民政府办公室2022年政府信息公开工作年度报告");
    assert_eq!(text_string(info.get(b"Author").unwrap()), "当阳市人民政府办公室");
    assert_eq!(text_string(info.get(b"CreationDate").unwrap()), "D:20230210");
    // Chinese text is written as UTF-16BE text strings; a custom key is a name in UTF-8.
    assert!(info.get(b"Author").unwrap().as_str().unwrap().starts_with(b"\xfe\xff\x5f\x53"));
    assert_eq!(text_string(info.get("统计年度".as_bytes()).unwrap()), "2022");
    assert!(info.get(b"Producer").is_ok());
    assert!(info.get(b"lang").is_err(), "the language goes to the catalog, not the Info dictionary");
    assert_eq!(text_string(pdf.catalog().get(b"Lang").unwrap()), "zh-CN");
}

#[test]
fn meta_that_is_not_an_iso_date_or_repeats_a_key_still_round_trips() {
    let doc = Document {
        meta: meta(&[
            ("title", "标题"),
            ("date", "2023年2月10日"),
            ("索引号", "11420582/2023-00012"),
            ("title", "second"),
            ("subject", "主题"),
            ("empty", ""),
        ]),
        blocks: vec![para("正文。")],
        notes: vec![],
        ..Document::default()
    };
    let bytes = write(&doc);
    let info = Written::new(&bytes).info().clone();
    assert!(info.get(b"CreationDate").is_err());
    assert_eq!(text_string(info.get(b"Subject").unwrap()), "主题");
    let back = Pdf::read("pdf", &bytes, &Options::new()).unwrap();
    for (key, value) in [
        ("title", "标题"),
        ("date", "2023年2月10日"),
        ("索引号", "11420582/2023-00012"),
        ("subject", "主题"),
        ("lang", "zh-CN"),
    ] {
        assert_eq!(back.prop(key), Some(value), "{key}");
    }
    assert_eq!(back.prop("empty"), None);
}

#[test]
fn every_font_is_an_embedded_subset_cid_font_with_a_tounicode_map() {
    let pdf = Written::new(&write(&report("seed-003")));
    let page = pdf.page_ids()[0];
    let fonts = pdf.doc.get_page_fonts(page).unwrap();
    assert_eq!(fonts.len(), 1, "one font: the built-in one");
    for font in fonts.values() {
        assert_eq!(name(font.get(b"Subtype").unwrap()), "Type0");
        assert_eq!(name(font.get(b"Encoding").unwrap()), "Identity-H");
        let base = name(font.get(b"BaseFont").unwrap());
        assert!(
            base.len() > 7 && base.as_bytes()[6] == b'+' && base[..6].bytes().all(|b| b.is_ascii_uppercase()),
            "{base}"
        );
        let cid = pdf.resolve(&font.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]).as_dict().unwrap();
        assert_eq!(name(cid.get(b"Subtype").unwrap()), "CIDFontType2");
        let descriptor = pdf.dict(cid, b"FontDescriptor");
        let file = pdf.resolve(descriptor.get(b"FontFile2").unwrap()).as_stream().unwrap();
        let program = file.decompressed_content().unwrap();
        assert_eq!(number(file.dict.get(b"Length1").unwrap()) as usize, program.len());
        assert!(program.len() < 1_000_000, "a subset, not the 4.5 MB font: {} bytes", program.len());
        ttf_parser::Face::parse(&program, 0).expect("the embedded program is a font");
        // Every CID that the text uses maps to a real glyph, not .notdef.
        let map = pdf.resolve(cid.get(b"CIDToGIDMap").unwrap()).as_stream().unwrap().decompressed_content().unwrap();
        assert!(map.chunks(2).skip(1).all(|g| g != [0, 0]), "no character of the report is missing from the font");
    }
}

#[test]
fn pages_are_a4_with_text_inside_the_type_area_and_numbers_below_it() {
    let pdf = Written::new(&write(&report("s1-r001")));
    let pages = pdf.pages();
    assert!(pages.len() >= 5);
    for (i, page) in pages.iter().enumerate() {
        assert!((page.width - 595.28).abs() < 0.1 && (page.height - 841.89).abs() < 0.1);
        for run in body_runs(page) {
            assert!(run.x >= LEFT - 0.01 && run.end <= RIGHT + 0.5, "page {}: {run:?}", i + 1);
            assert!(run.y < TOP && run.y > BOTTOM, "page {}: {run:?}", i + 1);
        }
        for rule in &page.rules {
            assert!(rule.0.min(rule.2) >= LEFT - 0.01 && rule.0.max(rule.2) <= RIGHT + 0.01, "{rule:?}");
            assert!(rule.1.min(rule.3) >= BOTTOM - 0.01 && rule.1.max(rule.3) <= TOP + 0.01, "{rule:?}");
        }
        let folio: Vec<&Run> = page.runs.iter().filter(|r| r.y < BOTTOM).collect();
        assert_eq!(folio.len(), 1);
        assert_eq!(folio[0].text, format!("— {} —", i + 1));
        let centre = (folio[0].x + folio[0].end) / 2.0;
        assert!((centre - (LEFT + RIGHT) / 2.0).abs() < 0.5, "centred on the type area: {centre}");
    }
}

#[test]
fn title_headings_and_paragraphs_are_set_as_official_documents() {
    let doc = Document {
        meta: vec![],
        blocks: vec![
            Block::Heading {
                source: None,
                level: 1,
                text: "某某县人民政府办公室2023年政府信息公开工作年度报告".into(),
            },
            Block::Heading { source: None, level: 2, text: "一、总体情况".into() },
            para(&"政府信息公开工作稳步推进，".repeat(8)),
            Block::Paragraph { source: None, text: "某某县人民政府办公室".into(), align: Align::Right },
            Block::Paragraph { source: None, text: "居中".into(), align: Align::Center },
        ],
        notes: vec![],
        ..Document::default()
    };
    let pdf = Written::new(&write(&doc));
    let page = &pdf.pages()[0];
    let runs = body_runs(page);
    // The title: 22 pt, on two balanced lines, each centred, stroked for weight.
    let (t1, t2) = (runs[0], runs[1]);
    assert_eq!((t1.size, t2.size), (22.0, 22.0));
    assert_eq!(format!("{}{}", t1.text, t2.text), "某某县人民政府办公室2023年政府信息公开工作年度报告");
    assert!((t1.text.chars().count() as i32 - t2.text.chars().count() as i32).abs() <= 3, "{} / {}", t1.text, t2.text);
    for t in [t1, t2] {
        assert!(((t.x + t.end) / 2.0 - (LEFT + RIGHT) / 2.0).abs() < 0.5 && t.stroked);
    }
    // The heading: body size, stroked, indented two characters.
    let h = runs[2];
    assert_eq!((h.text.as_str(), h.size, h.stroked), ("一、总体情况", 16.0, true));
    assert!((h.x - (LEFT + 32.0)).abs() < 0.01);
    // The paragraph: first line indented two characters, every full line justified to the
    // right margin, the last one not, and lines one body pitch (225 mm / 22) apart.
    let lines: Vec<&Run> = runs.iter().copied().filter(|r| r.size == 16.0 && !r.stroked).collect();
    let paragraph = &lines[..lines.len() - 2];
    assert!(paragraph.len() >= 3);
    assert!((paragraph[0].x - (LEFT + 32.0)).abs() < 0.01 && (paragraph[1].x - LEFT).abs() < 0.01);
    for line in &paragraph[..paragraph.len() - 1] {
        assert!((line.end - RIGHT).abs() < 0.05, "justified: {line:?}");
        assert!(!line.stroked);
    }
    assert!(paragraph[paragraph.len() - 1].end < RIGHT - 16.0);
    assert!((paragraph[0].y - paragraph[1].y - 225.0 * MM / 22.0).abs() < 0.01);
    let joined: String = paragraph.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(joined, "政府信息公开工作稳步推进，".repeat(8));
    // Right-aligned and centred paragraphs.
    let (right, centre) = (lines[lines.len() - 2], lines[lines.len() - 1]);
    assert!((right.end - RIGHT).abs() < 0.05 && right.text == "某某县人民政府办公室");
    assert!(((centre.x + centre.end) / 2.0 - (LEFT + RIGHT) / 2.0).abs() < 0.05);
}

#[test]
fn lines_never_start_with_closing_punctuation_nor_split_a_number() {
    // Dense punctuation in sentences of varying length, so that without the rules some line
    // would start or end wrongly.
    let text: String =
        (0..60).map(|i| format!("第{i}项共收到“申请”{}件（其中、网上{}件），", 7usize.pow(i % 9), i * 13)).collect();
    let doc = Document { meta: vec![], blocks: vec![para(&text)], notes: vec![], ..Document::default() };
    let pdf = Written::new(&write(&doc));
    let lines: Vec<String> =
        pdf.pages().iter().flat_map(|p| body_runs(p).into_iter().map(|r| r.text.clone()).collect::<Vec<_>>()).collect();
    assert_eq!(lines.concat(), text);
    for line in &lines {
        let first = line.chars().next().unwrap();
        assert!(!"，。、；：？！）》”%".contains(first), "line starts with {first}: {line}");
        assert!(!line.ends_with('（'), "line ends with an opening bracket: {line}");
    }
    for pair in lines.windows(2) {
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        assert!(!(digit(pair[0].chars().last()) && digit(pair[1].chars().next())), "a number split: {pair:?}");
    }
}

fn cells(texts: &[&str]) -> Vec<Cell> {
    texts.iter().map(|t| Cell::new(*t)).collect()
}

/// The official applications table's shape, with `n` data rows under a rowspan label.
fn applications_like(n: usize) -> Table {
    let mut rows = vec![
        vec![
            Cell::span("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            Cell::span("申请人情况", 1, 7),
        ],
        vec![Cell::span("自然人", 2, 1), Cell::span("法人或其他组织", 1, 5), Cell::span("总计", 2, 1)],
        cells(&["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]),
    ];
    for i in 0..n {
        let mut row = Vec::new();
        if i == 0 {
            row.push(Cell::span("三、本年度办理结果", n as u32, 1));
        }
        row.push(Cell::span(format!("情形{i}"), 1, 2));
        row.extend((0..7).map(|c| Cell::new((i * 7 + c).to_string())));
        rows.push(row);
    }
    Table { source: None, name: String::new(), header_rows: 3, rows }
}

#[test]
fn a_ten_column_table_fits_the_page_with_all_rulings() {
    let doc = Document {
        meta: vec![],
        blocks: vec![Block::Table(applications_like(4))],
        notes: vec![],
        ..Document::default()
    };
    let pdf = Written::new(&write(&doc));
    let page = &pdf.pages()[0];
    let xs = |vertical: bool| {
        let mut v: Vec<i32> = page
            .rules
            .iter()
            .filter(|r| (r.0 == r.2) == vertical)
            .map(|r| if vertical { r.0.round() as i32 } else { r.1.round() as i32 })
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // Ten columns, but columns 2 and 3 are merged in every row: ten vertical rulings.
    assert_eq!(xs(true).len(), 10);
    assert_eq!(xs(false).len(), 8, "seven rows: eight horizontal rulings");
    assert_eq!(*xs(true).first().unwrap(), LEFT.round() as i32);
    assert_eq!(*xs(true).last().unwrap(), RIGHT.round() as i32);
    // Merged cells: no ruling crosses the 3×3 corner or the rowspan label.
    let corner = page.runs.iter().find(|r| r.text.starts_with("（本列数据")).unwrap();
    let corner_rules = page
        .rules
        .iter()
        .filter(|r| r.0 == r.2 && r.0 > LEFT + 1.0 && r.0 < corner.x && r.1.max(r.3) > corner.y + 20.0)
        .count();
    assert_eq!(corner_rules, 0, "no vertical ruling inside the merged corner");
    let text: String = page.runs.iter().map(|r| r.text.as_str()).collect();
    for label in ["申请人情况", "法人或其他组织", "社会公益组织", "三、本年度办理结果", "情形3", "27"]
    {
        assert!(
            text.contains(label) || page.runs.iter().filter(|r| label.contains(&r.text)).count() > 1,
            "{label} in {text}"
        );
    }
}

#[test]
fn a_long_table_repeats_its_header_rows_on_every_page() {
    let mut rows = vec![cells(&["项目", "数量"]), cells(&["名称", "件数"])];
    rows.extend((0..120).map(|i| cells(&[&format!("第{i}项"), &i.to_string()])));
    let doc = Document {
        meta: vec![],
        blocks: vec![Block::Table(Table { source: None, name: String::new(), header_rows: 2, rows })],
        notes: vec![],
        ..Document::default()
    };
    let pdf = Written::new(&write(&doc));
    let pages = pdf.pages();
    assert!(pages.len() >= 3);
    let mut seen = Vec::new();
    for page in &pages {
        let texts: Vec<&str> = body_runs(page).iter().map(|r| r.text.as_str()).collect();
        assert_eq!(&texts[..4], ["项目", "数量", "名称", "件数"], "header rows at the top of every page");
        seen.extend(
            texts
                .iter()
                .filter_map(|t| t.strip_prefix('第').and_then(|t| t.strip_suffix('项')))
                .map(|n| n.parse::<usize>().unwrap()),
        );
    }
    assert_eq!(seen, (0..120).collect::<Vec<_>>(), "each body row exactly once, in order");
}

/// The pages of a document of `fillers` one-line paragraphs and then a table whose rows
/// `情形0`…`情形7` are tied by a rowspan, and the pages where those two rows are.
fn rowspan_after(fillers: usize) -> (Vec<Page>, usize, usize) {
    let mut blocks: Vec<Block> = (0..fillers).map(|_| para("填充段落。")).collect();
    blocks.push(Block::Table(applications_like(8)));
    let pdf = Written::new(&write(&Document { meta: vec![], blocks, notes: vec![], ..Document::default() }));
    let pages = pdf.pages();
    let on = |t: &str| pages.iter().position(|p| p.runs.iter().any(|r| r.text == t)).unwrap();
    let (first, last) = (on("情形0"), on("情形7"));
    (pages, first, last)
}

#[test]
fn rows_tied_by_a_rowspan_move_to_the_next_page_together_when_little_room_is_left() {
    let (pages, first, last) = rowspan_after(22);
    assert!(first > 0 && first == last, "the rowspan group moved to a page of its own");
    assert!(on_page_header(&pages[first]), "with the header");
}

#[test]
fn rows_tied_by_a_rowspan_are_split_rather_than_leave_much_of_a_page_empty() {
    let (pages, first, last) = rowspan_after(16);
    assert!(pages[first].runs.iter().any(|r| r.text.contains("填充段落")), "the group starts on the fillers' page");
    assert_eq!(last, first + 1, "and goes on over the page break");
    assert!(on_page_header(&pages[last]), "under the repeated header");
}

#[test]
fn a_rowspan_taller_than_a_page_is_split_and_its_text_set_once() {
    let doc = Document {
        meta: vec![],
        blocks: vec![Block::Table(applications_like(60))],
        notes: vec![],
        ..Document::default()
    };
    let pdf = Written::new(&write(&doc));
    let pages = pdf.pages();
    assert!(pages.len() >= 2);
    let count = |t: &str| pages.iter().flat_map(|p| &p.runs).filter(|r| r.text.contains(t)).count();
    assert_eq!(count("情形59"), 1);
    let label: String = pages
        .iter()
        .flat_map(|p| &p.runs)
        .filter(|r| "三、本年度办理结果".contains(&r.text) && r.size < 12.0)
        .map(|r| r.text.as_str())
        .collect();
    assert_eq!(label, "三、本年度办理结果", "the label is set once");
    assert!(pages.iter().all(on_page_header), "the header repeats");
}

fn on_page_header(page: &Page) -> bool {
    page.runs.iter().any(|r| r.text == "申请人情况")
}

#[test]
fn a_user_font_sets_what_it_has_and_the_built_in_font_the_rest() {
    let doc =
        Document {
            meta: vec![], blocks: vec![para("共有2023件ABC申请。")], notes: vec![], ..Document::default()
        };
    for (file, subtype, program) in
        [("ascii.ttf", "CIDFontType2", "FontFile2"), ("ascii-cff.otf", "CIDFontType0", "FontFile3")]
    {
        let path = fixture(file);
        let bytes = write_with(&doc, &[("font", path.to_str().unwrap())]).unwrap();
        let pdf = Written::new(&bytes);
        let page = pdf.page_ids()[0];
        let fonts = pdf.doc.get_page_fonts(page).unwrap();
        assert_eq!(fonts.len(), 2, "{file}: the user's font and the built-in one");
        let kinds: Vec<String> = fonts
            .values()
            .map(|f| {
                let cid = pdf.resolve(&f.get(b"DescendantFonts").unwrap().as_array().unwrap()[0]).as_dict().unwrap();
                let descriptor = pdf.dict(cid, b"FontDescriptor");
                format!(
                    "{} {}",
                    name(cid.get(b"Subtype").unwrap()),
                    if descriptor.get(program.as_bytes()).is_ok() { program } else { "-" }
                )
            })
            .collect();
        assert!(kinds.contains(&format!("{subtype} {program}")), "{file}: {kinds:?}");
        let runs = pdf.pages().remove(0).runs;
        assert_eq!(runs[0].text, "共有2023件ABC申请。", "{file}");
        assert_eq!(runs[0].fonts.len(), 2, "{file}: one line, set in two fonts");
        let back = Pdf::read("pdf", &bytes, &Options::new()).unwrap();
        assert_eq!(block_texts(&back)[0], "共有2023件ABC申请。", "{file}");
    }
}

#[test]
fn unusable_fonts_are_clear_errors() {
    let doc = Document { meta: vec![], blocks: vec![para("正文")], notes: vec![], ..Document::default() };
    let err = write_with(&doc, &[("font", "/nonexistent/方正小标宋.ttf")]).unwrap_err();
    assert!(err.0.starts_with("cannot read the font /nonexistent/方正小标宋.ttf:"), "{err}");
    let not_a_font = fixture("s1-r007.doc.json");
    let err = write_with(&doc, &[("font", not_a_font.to_str().unwrap())]).unwrap_err();
    assert!(err.0.contains("is not a TrueType or OpenType font"), "{err}");
    let restricted = fixture("ascii-restricted.ttf");
    let err = write_with(&doc, &[("font", restricted.to_str().unwrap())]).unwrap_err();
    assert!(err.0.contains("does not allow embedding"), "{err}");
}

#[test]
fn characters_missing_from_the_fonts_still_extract() {
    // 䶮 (U+4DAE) and 𠀀 (U+20000) are outside GB2312: drawn as .notdef boxes.
    let doc = Document { meta: vec![], blocks: vec![para("刘䶮与𠀀字")], notes: vec![], ..Document::default() };
    let bytes = write(&doc);
    let pdf = Written::new(&bytes);
    assert_eq!(pdf.pages()[0].runs[0].text, "刘䶮与𠀀字");
    let back = Pdf::read("pdf", &bytes, &Options::new()).unwrap();
    assert_eq!(block_texts(&back), ["刘䶮与𠀀字"]);
}

#[test]
fn writing_is_deterministic() {
    let doc = report("s1-r005");
    assert_eq!(write(&doc), write(&doc));
}

#[test]
fn odd_documents_give_valid_pdfs() {
    let ragged = Table {
        source: None,
        name: String::new(),
        header_rows: 9,
        rows: vec![
            vec![Cell::span("跨越", 50, 3), Cell::new("a")],
            vec![],
            vec![Cell::new("b"), Cell::span("c", 1, 40)],
        ],
    };
    let empty_table = Table { source: None, name: String::new(), header_rows: 0, rows: vec![vec![], vec![]] };
    let docs = [
        Document::default(),
        Document {
            meta: vec![],
            blocks: vec![
                Block::Image { alt: "图".into() },
                para("   "),
                Block::Heading { source: None, level: 0, text: "零级".into() },
                Block::Heading { source: None, level: 255, text: "深".into() },
            ],
            notes: vec![],
            ..Document::default()
        },
        Document {
            meta: vec![],
            blocks: vec![para("控制\u{0}字符\u{7}与\t制表\r\n换行😀ﷺ")],
            notes: vec![],
            ..Document::default()
        },
        Document {
            meta: vec![],
            blocks: vec![Block::Table(ragged), Block::Table(empty_table)],
            notes: vec![],
            ..Document::default()
        },
    ];
    for doc in docs {
        let bytes = write(&doc);
        let pdf = Written::new(&bytes);
        assert!(!pdf.page_ids().is_empty());
        Pdf::read("pdf", &bytes, &Options::new()).ok();
    }
}

#[test]
fn huge_input_stays_bounded() {
    // A 120,000-character paragraph, a 1,000-column table, a cell taller than a page and a
    // table of 10,000 rows with a rowspan across a thousand of them.
    let long = "政府信息公开".repeat(20_000);
    let wide = Table {
        source: None,
        name: String::new(),
        header_rows: 1,
        rows: vec![(0..1000).map(|i| Cell::new(i.to_string())).collect(); 3],
    };
    let tall = Table {
        source: None,
        name: String::new(),
        header_rows: 0,
        rows: vec![vec![Cell::new("高".repeat(20_000)), Cell::new("x")]],
    };
    let mut rows: Vec<Vec<Cell>> = (0..10_000).map(|i| vec![Cell::new(i.to_string())]).collect();
    rows[0].insert(0, Cell::span("全部", 1000, 1));
    let long_table = Table { source: None, name: String::new(), header_rows: 0, rows };
    let blocks = vec![para(&long), Block::Table(wide), Block::Table(tall), Block::Table(long_table)];
    let bytes = write(&Document { meta: vec![], blocks, notes: vec![], ..Document::default() });
    let pdf = Written::new(&bytes);
    let pages = pdf.page_ids().len();
    assert!((200..2000).contains(&pages), "{pages} pages");
}
