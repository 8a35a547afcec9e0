//! The reader on third-party documents (the python-docx fixtures) and on hand-made packages
//! that each exercise one construct of WordprocessingML.

mod common;

use common::*;
use nianbao_docx::Plugin;
use nianbao_plugin::document::Source;
use nianbao_plugin::{Align, Block, Cell, FormatPlugin, Options};

fn fixture_doc(name: &str) -> nianbao_plugin::Document {
    read(&std::fs::read(fixture(name)).unwrap())
}

fn cell_at(t: &nianbao_plugin::Table, text: &str) -> (usize, usize, usize, usize) {
    rectangles(t)
        .into_iter()
        .find(|c| c.4 == text)
        .map(|c| (c.0, c.1, c.2, c.3))
        .unwrap_or_else(|| panic!("no cell {text:?}"))
}

#[test]
fn python_docx_report_reads_into_headings_paragraphs_and_merged_tables() {
    let doc = fixture_doc("s1-r001-docx.docx");
    let t = texts(&doc);
    assert_eq!(t[0], "h1:当阳市人民政府办公室2022年政府信息公开工作年度报告");
    assert!(t[1].starts_with("根据《中华人民共和国政府信息公开条例》"), "{}", t[1]);
    // Section headings are bold runs in ordinary paragraphs; sub-headings are not bold.
    assert_eq!(t[2], "h2:一、总体情况");
    assert_eq!(t[4], "(一)主动公开政府信息情况");
    assert!(t.contains(&"h2:六、其他需要报告的事项".to_string()));
    // No empty paragraph survives, and the signature keeps its alignment.
    assert!(t.iter().all(|s| !s.trim().is_empty()));
    let n = doc.blocks.len();
    assert_eq!(
        doc.blocks[n - 2],
        Block::Paragraph { source: None, text: "当阳市人民政府办公室".into(), align: Align::Right }
    );
    assert_eq!(doc.blocks[n - 1], Block::Paragraph { source: None, text: "2023年2月10日".into(), align: Align::Right });

    let tables = tables(&doc);
    assert_eq!(tables.len(), 3);
    let (active, applications, review) = (tables[0], tables[1], tables[2]);
    assert_eq!(cell_at(active, "第二十条第(一)项"), (0, 0, 1, 4));
    assert_eq!(cell_at(active, "本年收费金额(单位:万元)"), (12, 1, 1, 3));
    assert_eq!(cell_at(applications, "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"), (0, 0, 3, 3));
    assert_eq!(cell_at(applications, "申请人情况"), (0, 3, 1, 7));
    assert_eq!(cell_at(applications, "法人或其他组织"), (1, 4, 1, 5));
    assert_eq!(cell_at(applications, "三、本年度办理结果"), (5, 0, 22, 1));
    assert_eq!(cell_at(applications, "(三)不予公开"), (7, 1, 8, 1));
    assert_eq!(cell_at(applications, "四、结转下年度继续办理"), (27, 0, 1, 3));
    assert_eq!(applications.grid().width, 10);
    assert_eq!(cell_at(review, "行政诉讼"), (0, 5, 1, 10));
    assert_eq!(cell_at(review, "未经复议直接起诉"), (1, 5, 1, 5));
    // The fixture breaks these headers over two lines inside the cell.
    assert_eq!(cell_at(review, "结果\n维持"), (1, 0, 2, 1));
    // The numbers of the last row sit in the fifteen columns.
    let last: Vec<String> = review.rows[3].iter().map(|c| c.text.clone()).collect();
    assert_eq!(last, ["2", "1", "2", "2", "7", "0", "0", "0", "0", "0", "3", "0", "0", "1", "4"]);

    // Core properties: python-docx left the title empty, the creator and date are set.
    assert_eq!(doc.prop("title"), None);
    assert_eq!(doc.prop("author"), Some("当阳市政府办公室"));
    assert_eq!(doc.prop("date"), Some("2023-02-10"));
}

#[test]
fn a_title_over_two_centred_lines_gives_two_level_one_headings() {
    let doc = fixture_doc("s1-r003-docx.docx");
    let t = texts(&doc);
    assert_eq!(t[0], "h1:泉州市安溪县人力资源和社会保障局");
    assert_eq!(t[1], "h1:2025年政府信息公开工作年度报告");
    assert!(!t[2].starts_with("h"), "{}", t[2]);
}

#[test]
fn the_2019_layout_and_a_freeform_report_read_too() {
    let doc = fixture_doc("s1-r005-docx.docx");
    let found = tables(&doc);
    assert_eq!(found.len(), 3);
    assert!(rectangles(found[0]).iter().any(|c| c.4 == "政府集中采购"), "the procurement row of the 2019 layout");
    // 2019 has one (六)其他处理 row where 2021 has three.
    assert_eq!(cell_at(found[1], "三、本年度办理结果"), (5, 0, 20, 1));

    let doc = fixture_doc("s1-r007-docx.docx");
    assert!(tables(&doc).is_empty());
    let t = texts(&doc);
    assert!(t.contains(&"h2:一、加强领导,进一步健全政务公开组织体系".to_string()), "{t:?}");
}

/// python-docx, a third party, must see the same merged cells and cell text as our reader.
#[test]
fn merged_cells_agree_with_python_docx() {
    if !have_python_docx() {
        return;
    }
    for name in ["s1-r001-docx.docx", "s1-r003-docx.docx", "s1-r005-docx.docx"] {
        let theirs = python_docx_cells(&fixture(name));
        let doc = fixture_doc(name);
        let ours: Vec<_> = tables(&doc).into_iter().map(rectangles).collect();
        assert_eq!(ours, theirs, "{name}");
    }
}

#[test]
fn list_numbers_are_printed_text() {
    let numbering = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="3">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
      </w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="3"/></w:num></w:numbering>"#;
    let styles = r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 1"/>
        <w:pPr><w:numPr><w:numId w:val="7"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>"#;
    let body = r#"<w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>总体情况</w:t></w:r></w:p>
        <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>主动公开</w:t></w:r></w:p>
        <w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>依申请公开</w:t></w:r></w:p>
        <w:p><w:pPr><w:pStyle w:val="2"/></w:pPr><w:r><w:t>主动公开政府信息情况</w:t></w:r></w:p>
        <w:p><w:pPr><w:pStyle w:val="2"/><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>不编号</w:t></w:r></w:p>"#;
    let doc = read(&docx_with(body, &[("word/numbering.xml", numbering), ("word/styles.xml", styles)]));
    assert_eq!(
        texts(&doc),
        ["h2:一、总体情况", "（一）主动公开", "（二）依申请公开", "h2:二、主动公开政府信息情况", "h2:不编号"]
    );
}

#[test]
fn only_printed_text_is_read() {
    let body = r#"<w:p>
        <w:r><w:t xml:space="preserve">第 </w:t></w:r>
        <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p>
      <w:p><w:r><w:t>共收到申请</w:t></w:r>
        <w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> =5+7 </w:instrText></w:r>
        <w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>12</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>
        <w:r><w:t>件</w:t></w:r>
        <w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏文字</w:t></w:r>
        <w:del w:id="1" w:author="a"><w:r><w:delText>删除的</w:delText></w:r></w:del>
        <w:ins w:id="2" w:author="a"><w:r><w:t>,均已办结</w:t></w:r></w:ins>
        <w:fldSimple w:instr="NUMPAGES"><w:r><w:t>9</w:t></w:r></w:fldSimple></w:p>
      <w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>gōng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>公</w:t></w:r></w:rubyBase></w:ruby><w:t>开</w:t></w:r>
        <w:r><w:tab/><w:t>指南</w:t><w:br/><w:t>第二行</w:t><w:sym w:font="Wingdings" w:char="F0FC"/></w:r></w:p>
      <w:p><w:r><w:t xml:space="preserve">　　</w:t></w:r></w:p>
      <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>坏掉的域</w:instrText></w:r></w:p>
      <w:p><w:r><w:t>域之后的段落</w:t></w:r></w:p>"#;
    let doc = read(&docx(body));
    assert_eq!(texts(&doc), ["第  页", "共收到申请12件,均已办结", "公开 指南\n第二行", "域之后的段落"]);
}

#[test]
fn text_boxes_are_read_once_after_their_anchor_and_pictures_become_images() {
    let text_box = |text: &str| {
        let table = format!("<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>{}</w:tc></w:tr></w:tbl>", p("框中表格"), p("1"));
        format!(r#"<w:txbxContent>{}{table}</w:txbxContent>"#, p(text))
    };
    let body = format!(
        r#"<w:p><w:r><w:t>锚点段落</w:t></w:r><w:r><mc:AlternateContent>
             <mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="框"/><a:graphic><a:graphicData><wps:wsp><wps:txbx>{}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
             <mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback>
           </mc:AlternateContent></w:r></w:p>
           <w:p><w:r><w:drawing><wp:inline><wp:docPr id="2" name="图片 1" descr="公开平台截图"/><a:graphic><a:graphicData><a:blip r:embed="rId9"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>
           {}"#,
        text_box("框中文字"),
        text_box("框中文字"),
        p("后文")
    );
    let doc = read(&docx(&body));
    assert_eq!(texts(&doc), ["锚点段落", "框中文字", "<table>", "<image 公开平台截图>", "后文"]);
    let t = tables(&doc)[0];
    assert_eq!(plain(&t.rows), vec![vec![Cell::new("框中表格"), Cell::new("1")]]);
    // The text box's table is the part's table 0; its mc:Fallback copy, not read, is table 1.
    assert_eq!(t.rows[0][1].source, Some(Source::table_cell(0, 0, 1)));
    assert!(doc.notes.iter().any(|n| n.contains("text box")), "{:?}", doc.notes);
}

fn tc(props: &str, text: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text))
}

#[test]
fn tables_take_spans_from_grid_span_v_merge_h_merge_and_grid_before() {
    let body = format!(
        r#"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
          <w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}</w:tr>
          <w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}{}</w:tr>
          <w:tr>{}{}{}</w:tr>
          <w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>{}</w:tr>
          <w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:tr>{}{}</w:tr></w:sdtContent></w:sdt>
        </w:tbl>"#,
        tc(r#"<w:vMerge w:val="restart"/>"#, "项目"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "数量"),
        tc("<w:vMerge/>", ""),
        tc("", "甲"),
        tc("", "乙"),
        tc("", "规章"),
        tc(r#"<w:hMerge w:val="restart"/>"#, "1"),
        tc("<w:hMerge/>", ""),
        tc("", "末"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "包在控件里"),
        tc("", "3"),
    );
    let doc = read(&docx(&body));
    let t = tables(&doc)[0];
    assert_eq!(t.header_rows, 2);
    // Each cell says where it starts in the source's grid; the filler that keeps 末 in its
    // column is no cell of the source.
    let at = |c: Cell, r, col| c.at(Source::table_cell(0, r, col));
    assert_eq!(
        t.rows,
        vec![
            vec![at(Cell::span("项目", 2, 1), 0, 0), at(Cell::span("数量", 1, 2), 0, 1)],
            vec![at(Cell::new("甲"), 1, 1), at(Cell::new("乙"), 1, 2)],
            vec![at(Cell::new("规章"), 2, 0), at(Cell::span("1", 1, 2), 2, 1)],
            vec![Cell::span("", 1, 2), at(Cell::new("末"), 3, 2)],
            vec![at(Cell::span("包在控件里", 1, 2), 4, 0), at(Cell::new("3"), 4, 2)],
        ]
    );
    assert_eq!(t.source, Some(Source { table: Some(0), ..Source::default() }));
}

#[test]
fn cell_paragraphs_become_lines_and_nested_tables_are_flattened_or_unwrapped() {
    let inner = format!(
        "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
        tc("", "a"),
        tc("", "b"),
        tc("", "c"),
        tc("", "d")
    );
    let body = format!(
        r#"<w:tbl><w:tr><w:tc>{}{}<w:p/>{}</w:tc><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>
           <w:tbl><w:tr><w:tc>{}{inner}<w:p/></w:tc></w:tr></w:tbl>"#,
        p("商业"),
        p("企业"),
        p("  "),
        p("框架标题"),
    );
    let doc = read(&docx(&body));
    // A real table keeps a nested table as lines of text; a one-cell frame is unwrapped.
    assert_eq!(texts(&doc), ["<table>", "框架标题", "<table>"]);
    let t = tables(&doc);
    assert_eq!(plain(&t[0].rows), vec![vec![Cell::new("商业\n企业"), Cell::new("a b\nc d")]]);
    assert_eq!(plain(&t[1].rows), vec![vec![Cell::new("a"), Cell::new("b")], vec![Cell::new("c"), Cell::new("d")]]);
}

#[test]
fn heading_styles_outline_levels_and_emphasis_make_headings() {
    let styles = r#"<w:styles xmlns:w="w">
        <w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="32"/></w:rPr></w:rPrDefault></w:docDefaults>
        <w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>
        <w:style w:type="paragraph" w:styleId="3"><w:name w:val="heading 2"/></w:style>
        <w:style w:type="character" w:styleId="strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>
        <w:style w:type="table" w:styleId="grid"><w:name w:val="Table Grid"/><w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr></w:tblStylePr></w:style>
      </w:styles>"#;
    let body = r#"
      <w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="44"/></w:rPr><w:t>某某局2023年政府信息公开工作年度报告</w:t></w:r></w:p>
      <w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>标题样式</w:t></w:r></w:p>
      <w:p><w:r><w:t>正文一段。</w:t></w:r></w:p>
      <w:p><w:pPr><w:pStyle w:val="3"/></w:pPr><w:r><w:t>二级标题样式</w:t></w:r></w:p>
      <w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>大纲级别</w:t></w:r></w:p>
      <w:p><w:r><w:rPr><w:rStyle w:val="strong"/></w:rPr><w:t>一、加粗的标题</w:t></w:r></w:p>
      <w:p><w:r><w:rPr><w:b/></w:rPr><w:t>(一)只有开头加粗。</w:t></w:r><w:r><w:t>后面是正文</w:t></w:r></w:p>
      <w:p><w:r><w:rPr><w:b/></w:rPr><w:t>整段加粗但是一个句子。</w:t></w:r></w:p>
      <w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:sz w:val="36"/></w:rPr><w:t>居中大字</w:t></w:r></w:p>"#;
    let doc = read(&docx_with(body, &[("word/styles.xml", styles)]));
    assert_eq!(
        texts(&doc),
        [
            "h1:某某局2023年政府信息公开工作年度报告",
            "h1:标题样式",
            "正文一段。",
            "h3:二级标题样式",
            "h2:大纲级别",
            "h2:一、加粗的标题",
            "(一)只有开头加粗。后面是正文",
            "整段加粗但是一个句子。",
            "h2:居中大字",
        ]
    );
}

#[test]
fn core_and_custom_properties_become_meta() {
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="x">
        <dc:creator>某某县人民政府办公室</dc:creator><dc:title>某某县2023年政府信息公开工作年度报告</dc:title><dc:subject/>
        <dcterms:created xsi:type="dcterms:W3CDTF">2024-01-20T08:30:00Z</dcterms:created><dc:language>zh-CN</dc:language><cp:keywords>年报 &amp; 公开</cp:keywords></cp:coreProperties>"#;
    let custom = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
        <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="索引号"><vt:lpwstr>11330000/2024-00012</vt:lpwstr></property>
        <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="页数"><vt:i4>12</vt:i4></property>
        <property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="空"><vt:lpwstr></vt:lpwstr></property></Properties>"#;
    let doc = read(&docx_with(&p("正文"), &[("docProps/core.xml", core), ("docProps/custom.xml", custom)]));
    let meta: Vec<(&str, &str)> = doc.meta.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect();
    assert_eq!(
        meta,
        [
            ("title", "某某县2023年政府信息公开工作年度报告"),
            ("author", "某某县人民政府办公室"),
            ("date", "2024-01-20"),
            ("lang", "zh-CN"),
            ("keywords", "年报 & 公开"),
            ("索引号", "11330000/2024-00012"),
            ("页数", "12"),
        ]
    );
}

#[test]
fn headers_and_footers_are_not_report_text() {
    let footer = r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>— 1 —</w:t></w:r></w:p></w:ftr>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;
    let body = format!(
        r#"{}<w:sectPr><w:footerReference w:type="default" r:id="rId7"/><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>"#,
        p("正文")
    );
    let doc = read(&docx_with(&body, &[("word/footer1.xml", footer), ("word/_rels/document.xml.rels", rels)]));
    assert_eq!(texts(&doc), ["正文"]);
}

#[test]
fn inspect_describes_tables_and_headings() {
    let bytes = std::fs::read(fixture("s1-r001-docx.docx")).unwrap();
    let options = Options::from([("inspect".to_string(), "true".to_string())]);
    let doc = nianbao_docx::read(&bytes, &options).unwrap();
    assert!(
        doc.notes.iter().any(|n| n == "table: 28 rows x 10 columns, 16 merged cells, 0 header rows"),
        "{:?}",
        doc.notes
    );
    assert!(doc.notes.iter().any(|n| n == "heading 2 (bold): 一、总体情况"), "{:?}", doc.notes);
    assert!(read(&bytes).notes.is_empty());
}

#[test]
fn sniffing_tells_docx_from_other_files() {
    let docx = std::fs::read(fixture("s1-r001-docx.docx")).unwrap();
    assert_eq!(Plugin::sniff(&docx), Some("docx"));
    // Word 97-2003 files are the doc plugin's.
    assert_eq!(Plugin::sniff(&std::fs::read(fixture("legacy.doc")).unwrap()), None);
    let xlsx = package(&[("xl/workbook.xml", "<workbook/>")]);
    assert_eq!(Plugin::sniff(&xlsx), None);
    assert_eq!(Plugin::sniff(b"%PDF-1.7"), None);
}
