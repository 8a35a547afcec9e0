//! Where each table cell came from: every cell the reader makes names its `<table>` (numbered
//! in the order the page opens them), its row and its column, and the page's source, walked
//! here independently of the reader and of html5ever, has that cell's text there.

mod common;

use common::*;
use nianbao_plugin::Block;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

fn pages() -> Vec<PathBuf> {
    let mut pages = with_truth(&fixtures(), "html");
    if let Some(shared) = shared_fixtures() {
        pages.extend(with_truth(&shared, "html"));
    }
    assert!(pages.len() >= 11, "{pages:?}");
    pages
}

/// A cell as the source writes it: its spans and its text, tags left out.
struct SourceCell {
    rowspan: usize,
    colspan: usize,
    text: String,
}

/// The page's tables, by a walk over its tags that knows no more than a provenance check needs:
/// `<table>` opens a table, `<tr>` a row of the innermost open table, `<td>`/`<th>` a cell of
/// that row, and text belongs to the innermost table's last cell. Comments, declarations and
/// the raw text of `<script>`, `<style>` and `<title>` are passed over.
fn source_tables(html: &str) -> Vec<Vec<Vec<SourceCell>>> {
    let mut tables: Vec<Vec<Vec<SourceCell>>> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let Some(lt) = html[i..].find('<').map(|p| i + p) else {
            text(&mut tables, &open, &html[i..]);
            break;
        };
        text(&mut tables, &open, &html[i..lt]);
        let rest = &lower[lt..];
        let close = |pat: &str| rest.find(pat).map_or(html.len(), |p| lt + p + pat.len());
        if rest.starts_with("<!--") {
            i = close("-->");
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            i = close(">");
            continue;
        }
        let end = close(">");
        let tag = &rest[..end - lt];
        let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
        i = end;
        match name.as_str() {
            "script" | "style" | "title" | "textarea" => i = close(&format!("</{name}")),
            "table" => {
                open.push(tables.len());
                tables.push(Vec::new());
            }
            "/table" => {
                open.pop();
            }
            "tr" => {
                if let Some(&t) = open.last() {
                    tables[t].push(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(&t) = open.last() {
                    if tables[t].is_empty() {
                        tables[t].push(Vec::new());
                    }
                    let cell = SourceCell {
                        rowspan: attr_span(tag, "rowspan"),
                        colspan: attr_span(tag, "colspan"),
                        text: String::new(),
                    };
                    tables[t].last_mut().unwrap().push(cell);
                }
            }
            _ => {}
        }
    }
    tables
}

fn text(tables: &mut [Vec<Vec<SourceCell>>], open: &[usize], raw: &str) {
    if let Some(cell) = open.last().and_then(|&t| tables[t].last_mut()).and_then(|r| r.last_mut()) {
        cell.text.push_str(&entities(raw));
    }
}

fn entities(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s < 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "nbsp" | "ensp" | "emsp" | "thinsp" => Some(' '),
            "ldquo" => Some('“'),
            "rdquo" => Some('”'),
            "lsquo" => Some('‘'),
            "rsquo" => Some('’'),
            "mdash" => Some('—'),
            "ndash" => Some('–'),
            "hellip" => Some('…'),
            "middot" => Some('·'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(|d| d.parse()))
                .and_then(|n| n.ok())
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => out.push(c),
            None => out.push_str(&rest[..=semi]),
        }
        rest = &rest[semi + 1..];
    }
    out.push_str(rest);
    out
}

/// A span attribute as browsers read it: leading digits, 1 to 1000.
fn attr_span(tag: &str, name: &str) -> usize {
    let Some(at) = tag.find(&format!("{name}=")) else { return 1 };
    let value = tag[at + name.len() + 1..].trim_start_matches(['"', '\'']);
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<usize>().map_or(1, |n| n.clamp(1, 1000))
}

/// Each cell's text at its top-left grid position, placed by the HTML table model: a cell
/// takes the first position of its row no cell above or before it holds.
fn grid(rows: &[Vec<SourceCell>]) -> HashMap<(usize, usize), &str> {
    let mut taken = HashSet::new();
    let mut out = HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let mut c = 0;
        for cell in row {
            while taken.contains(&(r, c)) {
                c += 1;
            }
            out.insert((r, c), cell.text.as_str());
            for dr in 0..cell.rowspan.min(rows.len() - r) {
                for dc in 0..cell.colspan {
                    taken.insert((r + dr, c + dc));
                }
            }
            c += cell.colspan;
        }
    }
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && !matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{AD}')).collect()
}

fn decoded(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::GB18030.decode(e.as_bytes()).0.into_owned(),
    }
}

#[test]
fn every_cell_names_its_table_row_and_column_in_the_source() {
    let (mut cells, mut placed) = (0, 0);
    for page in pages() {
        let doc = read(&page);
        let source = source_tables(&decoded(&page));
        let grids: Vec<_> = source.iter().map(|t| grid(t)).collect();
        let name = page.file_name().unwrap().to_string_lossy();
        for t in doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }) {
            let no =
                t.source.as_ref().and_then(|s| s.table).unwrap_or_else(|| panic!("{name}: a table without its number"));
            for cell in t.rows.iter().flatten().filter(|c| !c.text.is_empty()) {
                cells += 1;
                let Some(s) = &cell.source else { continue };
                placed += 1;
                let (table, r, c) = (s.table.unwrap(), s.row.unwrap() as usize, s.col.unwrap() as usize);
                assert_eq!(table, no, "{name}: {:?} is in table {no}", cell.text);
                let printed = grids[table as usize].get(&(r, c));
                assert_eq!(
                    printed.map(|p| squeeze(p)),
                    Some(squeeze(&cell.text)),
                    "{name}: table {table} row {r} column {c}"
                );
            }
        }
    }
    println!("html: {placed} of {cells} non-empty cells have a source");
    assert!(cells > 1000, "{cells}");
    assert_eq!(placed, cells);
}

#[test]
fn nested_layout_and_hidden_rows_keep_their_places() {
    // Table 0 lays out the page; table 1 is a box nested in it; table 2 holds the data, with a
    // hidden row that is not read but still takes its place in the grid, and a rowspan.
    let page = "<!DOCTYPE html><html><body><table><tr><td><h1>年度报告</h1>\
        <table><tr><td>x</td></tr></table></td></tr></table>\
        <table><tr><td rowspan=2>类别</td><td>甲</td></tr><tr style='display:none'><td>隐</td></tr>\
        <tr><td>1</td><td>2</td></tr></table></body></html>";
    let doc = nianbao_html::read(page.as_bytes(), &Default::default()).unwrap();
    let t = doc.blocks.iter().find_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).unwrap();
    assert_eq!(t.source.as_ref().and_then(|s| s.table), Some(2));
    let at: Vec<(String, Option<(u32, u32)>)> = t
        .rows
        .iter()
        .flatten()
        .map(|c| (c.text.clone(), c.source.as_ref().map(|s| (s.row.unwrap(), s.col.unwrap()))))
        .collect();
    let want = [("类别", (0, 0)), ("甲", (0, 1)), ("1", (2, 0)), ("2", (2, 1))];
    assert_eq!(at, want.map(|(t, p)| (t.to_string(), Some(p))));
}
