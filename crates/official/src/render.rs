//! render: Report → Document in the official layout. Every writer expresses this one Document,
//! so the header nesting and merged cells of the templates are built here, once.

use nianbao_document::{Align, Block, Cell, Document, Prop, Table};
use nianbao_report::layout::{self, Column, Row};
use nianbao_report::{Report, ReviewLitigation, RowTable, Section, Value};

use crate::recognize::standard_title;

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/// Names writers may give the tables (sheet names in a workbook).
pub const TABLE_NAMES: [&str; 3] = ["主动公开", "依申请公开", "复议诉讼"];

/// The data table's name and header row; recognize skips a table with this header.
pub const DATA_NAME: &str = "数据";
pub const DATA_HEADER: [&str; 3] = ["key", "label", "value"];

pub fn render(report: &Report) -> Document {
    let m = &report.meta;
    let mut meta = Vec::new();
    let mut prop = |k: &str, v: &str| meta.push(Prop { key: k.to_string(), value: v.to_string() });
    if !m.title.is_empty() {
        prop("title", &m.title);
    }
    if let Some(a) = &m.agency {
        prop("author", a);
    }
    if let Some(d) = &m.published {
        // `date` for the format's own metadata; `发布日期` is what recognition reads back, as it
        // would from a web page's metadata box.
        prop("date", d);
        prop("发布日期", d);
    }
    prop("lang", "zh-CN");
    if let Some(i) = &m.index_no {
        prop("索引号", i);
    }
    if let Some(y) = m.year {
        prop("统计年度", &y.to_string());
    }

    let mut blocks = Vec::new();
    if !m.title.is_empty() {
        blocks.push(Block::Heading { source: None, level: 1, text: m.title.clone() });
    }
    let t = &report.tables;
    let standard = t.active_disclosure.is_some()
        || t.applications.is_some()
        || t.review_litigation.is_some()
        || report.sections.iter().any(|s| s.no.is_some_and(|n| n >= 1))
        || report.sections.is_empty();
    let last = last_paragraph_section(report);
    if let Some(pre) = report.sections.iter().find(|s| s.no == Some(0)) {
        paragraphs(&mut blocks, pre, false, last == Some(pre));
    }
    if standard {
        for no in 1..=6u8 {
            blocks.push(Block::Heading {
                source: None,
                level: 2,
                text: format!("{}、{}", NUMERALS[no as usize - 1], standard_title(no)),
            });
            let table = match no {
                2 => t.active_disclosure.as_ref().map(active_disclosure),
                3 => t.applications.as_ref().map(applications),
                4 => t.review_litigation.as_ref().map(review_litigation),
                _ => None,
            };
            blocks.extend(table.map(Block::Table));
            for s in report.sections.iter().filter(|s| s.no == Some(no)) {
                paragraphs(&mut blocks, s, true, last == Some(s));
            }
        }
    }
    // A freeform report's own headings (and any section without a standard number).
    for (i, s) in report.sections.iter().filter(|s| s.no.is_none()).enumerate() {
        let num = NUMERALS.get(i).map_or(String::new(), |n| format!("{n}、"));
        blocks.push(Block::Heading { source: None, level: 2, text: format!("{num}{}", s.title) });
        paragraphs(&mut blocks, s, false, last == Some(s));
    }
    // The model holds the text as printed: it is written as it is.
    Document { meta, blocks, notes: Vec::new(), ..Document::default() }
}

fn last_paragraph_section(report: &Report) -> Option<&Section> {
    let order = |s: &Section| match s.no {
        Some(n) => n as usize,
        None => 100,
    };
    report.sections.iter().filter(|s| !s.paragraphs.is_empty()).max_by_key(|s| order(s))
}

fn is_subheading(p: &str) -> bool {
    let t = p.trim_start();
    t.starts_with('(')
        && t.chars().count() <= 30
        && !t.contains('。')
        && t[1..].starts_with(|c: char| NUMERALS.iter().any(|n| n.starts_with(c)))
}

/// Adds a section's paragraphs. Sub-headings of standard sections become level-3 headings; the
/// signature at the very end (agency, date) is right-aligned.
fn paragraphs(blocks: &mut Vec<Block>, s: &Section, standard: bool, is_last: bool) {
    let n = s.paragraphs.len();
    let signature_from = if is_last {
        let tail = s.paragraphs.iter().rev().take(2).take_while(|p| is_signature_line(p)).count();
        n - tail
    } else {
        n
    };
    for (i, p) in s.paragraphs.iter().enumerate() {
        if standard && is_subheading(p) {
            blocks.push(Block::Heading { source: None, level: 3, text: p.clone() });
        } else {
            let align = if i >= signature_from { Align::Right } else { Align::Justify };
            blocks.push(Block::Paragraph { source: None, text: p.clone(), align });
        }
    }
}

fn is_signature_line(p: &str) -> bool {
    let t = p.trim();
    let n = t.chars().count();
    let date = t.contains('年') && t.ends_with('日') && n <= 12;
    let agency = n <= 30
        && !t.contains(['。', ',', ',', ':', ':'])
        && ["政府", "局", "办公室", "委员会", "中心", "厅", "院", "镇", "乡", "街道办事处"]
            .iter()
            .any(|e| t.ends_with(e));
    date || agency
}

fn value_text(t: &RowTable, row: &str, col: &str) -> String {
    match t.get(row, col) {
        Some(n) => n.to_string(),
        None => t.marks.get(&format!("{row}.{col}")).cloned().unwrap_or_default(),
    }
}

fn value_cell(v: Value, mark: Option<&String>) -> String {
    v.map(|n| n.to_string()).or_else(|| mark.cloned()).unwrap_or_default()
}

// ---- section 二

const AD_WIDTH: u32 = 4;

fn active_disclosure(t: &RowTable) -> Table {
    let mut rows = Vec::new();
    for g in layout::active_disclosure(t.layout) {
        let present: Vec<&Row> = g.rows.iter().filter(|r| t.rows.contains_key(r.key)).collect();
        let Some(first) = present.first() else { continue };
        rows.push(vec![Cell::span(g.caption, 1, AD_WIDTH)]);
        let mut header = vec![Cell::new(layout::CONTENT_HEADER)];
        header.extend(spread(first.columns.iter().map(|c| c.header[0].to_string())));
        rows.push(header);
        for r in present {
            let mut line = vec![Cell::new(r.label[0])];
            line.extend(spread(r.columns.iter().map(|c| value_text(t, r.key, c.key))));
            rows.push(line);
        }
    }
    for x in &t.extra_rows {
        let mut line = vec![Cell::new(x.label.clone())];
        line.extend(spread(x.values.iter().map(|v| value_cell(*v, None))));
        rows.push(line);
    }
    Table { source: None, name: TABLE_NAMES[0].to_string(), header_rows: 0, rows }
}

/// Cells for the three value columns of section 二: the last one stretches over what is left.
fn spread(texts: impl Iterator<Item = String>) -> Vec<Cell> {
    let mut cells: Vec<Cell> = texts.map(Cell::new).collect();
    let n = cells.len() as u32;
    if let Some(last) = cells.last_mut() {
        last.colspan = (AD_WIDTH - 1).saturating_sub(n - 1).max(1);
    }
    cells
}

// ---- nested headers

/// Header rows over columns given by their label paths: each label spans the neighbouring
/// columns that share its path prefix, and the last label of a short path reaches down to the
/// bottom header row.
fn nested_headers(paths: &[Vec<&str>], depth: usize) -> Vec<Vec<Cell>> {
    let mut rows = vec![Vec::new(); depth];
    for level in 0..depth {
        let mut c = 0;
        while c < paths.len() {
            let p = &paths[c];
            if level >= p.len() {
                c += 1;
                continue;
            }
            let mut span = 1;
            while c + span < paths.len() && paths[c + span].len() > level && paths[c + span][..=level] == p[..=level] {
                span += 1;
            }
            let rowspan = if level + 1 == p.len() { depth - level } else { 1 };
            rows[level].push(Cell::span(p[level], rowspan as u32, span as u32));
            c += span;
        }
    }
    rows
}

/// Label cells at the left of data rows, the same construction turned on its side: a group label
/// spans the rows below it that share it, and the last label of a short path spans the
/// remaining label columns.
fn nested_labels(paths: &[&[&str]], width: usize) -> Vec<Vec<Cell>> {
    let mut out = Vec::with_capacity(paths.len());
    for (r, p) in paths.iter().enumerate() {
        let mut cells = Vec::new();
        for level in 0..p.len() {
            let starts = r == 0 || paths[r - 1].len() <= level || paths[r - 1][..=level] != p[..=level];
            if !starts {
                continue;
            }
            let is_last = level + 1 == p.len();
            let mut span = 1;
            if !is_last {
                while r + span < paths.len()
                    && paths[r + span].len() > level
                    && paths[r + span][..=level] == p[..=level]
                {
                    span += 1;
                }
            }
            let colspan = if is_last { width - level } else { 1 };
            cells.push(Cell::span(p[level], span as u32, colspan as u32));
        }
        out.push(cells);
    }
    out
}

// ---- section 三

const APP_LABEL_COLUMNS: usize = 3;

fn applications(t: &RowTable) -> Table {
    let cols: Vec<&Column> = layout::APPLICANTS.iter().collect();
    let paths: Vec<Vec<&str>> = cols
        .iter()
        .map(|c| std::iter::once(layout::APPLICANTS_CAPTION).chain(c.header.iter().copied()).collect())
        .collect();
    let depth = paths.iter().map(Vec::len).max().unwrap_or(1);
    let mut rows = nested_headers(&paths, depth);
    rows[0].insert(0, Cell::span(layout::APPLICATIONS_NOTE, depth as u32, APP_LABEL_COLUMNS as u32));
    let present: Vec<&Row> = layout::applications(t.layout).filter(|r| t.rows.contains_key(r.key)).collect();
    let labels = nested_labels(&present.iter().map(|r| r.label).collect::<Vec<_>>(), APP_LABEL_COLUMNS);
    for (r, mut line) in present.iter().zip(labels) {
        line.extend(cols.iter().map(|c| Cell::new(value_text(t, r.key, c.key))));
        rows.push(line);
    }
    Table { source: None, name: TABLE_NAMES[1].to_string(), header_rows: depth as u32, rows }
}

// ---- section 四

fn review_litigation(t: &ReviewLitigation) -> Table {
    let mut paths = Vec::new();
    let mut values = Vec::new();
    for (group, head) in layout::REVIEW_LITIGATION {
        let g = t.group(group).expect("known group");
        for (col, label) in layout::OUTCOMES.iter().zip(layout::OUTCOME_HEADERS) {
            paths.push(head.iter().copied().chain(std::iter::once(*label)).collect::<Vec<_>>());
            values.push(Cell::new(value_cell(g.get(col), t.marks.get(&format!("{group}.{col}")))));
        }
    }
    let depth = paths.iter().map(Vec::len).max().unwrap_or(1);
    let mut rows = nested_headers(&paths, depth);
    rows.push(values);
    Table { source: None, name: TABLE_NAMES[2].to_string(), header_rows: depth as u32, rows }
}

// ---- data

/// Every cell of the three tables as one row: its key (`applications.granted.total`), its
/// label path as printed, and its value (the printed marker for a blank). For data formats.
pub fn data_table(report: &Report) -> Table {
    let mut rows = vec![DATA_HEADER.iter().map(|h| Cell::new(*h)).collect::<Vec<_>>()];
    let mut push = |key: String, path: Vec<&str>, value: String| {
        rows.push(vec![Cell::new(key), Cell::new(path.join(" › ")), Cell::new(value)]);
    };
    let t = &report.tables;
    if let Some(ad) = &t.active_disclosure {
        for g in layout::active_disclosure(ad.layout) {
            for r in g.rows.iter().filter(|r| ad.rows.contains_key(r.key)) {
                for c in r.columns {
                    let path = [TABLE_NAMES[0], g.caption, r.label[0], c.header[0]].to_vec();
                    push(format!("active_disclosure.{}.{}", r.key, c.key), path, value_text(ad, r.key, c.key));
                }
            }
        }
    }
    if let Some(app) = &t.applications {
        for r in layout::applications(app.layout).filter(|r| app.rows.contains_key(r.key)) {
            for c in layout::APPLICANTS {
                let path: Vec<&str> = std::iter::once(TABLE_NAMES[1])
                    .chain(r.label.iter().copied())
                    .chain(c.header.iter().copied())
                    .collect();
                push(format!("applications.{}.{}", r.key, c.key), path, value_text(app, r.key, c.key));
            }
        }
    }
    if let Some(rl) = &t.review_litigation {
        for (group, head) in layout::REVIEW_LITIGATION {
            let g = rl.group(group).expect("known group");
            for (col, label) in layout::OUTCOMES.iter().zip(layout::OUTCOME_HEADERS) {
                let path: Vec<&str> = std::iter::once(TABLE_NAMES[2])
                    .chain(head.iter().copied())
                    .chain(std::iter::once(*label))
                    .collect();
                push(
                    format!("review_litigation.{group}.{col}"),
                    path,
                    value_cell(g.get(col), rl.marks.get(&format!("{group}.{col}"))),
                );
            }
        }
    }
    Table { source: None, name: DATA_NAME.to_string(), header_rows: 1, rows }
}
