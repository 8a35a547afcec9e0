//! Writing a Document as one standalone HTML5 page: every property in `<head>` (the title in
//! `<title>`, the language on `<html>`, the rest as `<meta name content>`), headings and
//! paragraphs in order, tables with their spans and `<th scope>` header cells, and a stylesheet
//! that prints on A4 like an official document. No external resources.

use nianbao_plugin::{Align, Block, Cell, Document, Table};
use std::fmt::Write;

/// Screen and print styles. Font lists name the faces Chinese official documents use, then
/// the common CJK families of Windows, macOS and Linux, so every glyph finds a font.
const STYLE: &str = r#"
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
html { background: #fff; color: #000; }
body {
  margin: 2em auto; padding: 0 1em; max-width: 52em;
  font: 16pt/1.75 "FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC",
    "Source Han Serif SC", "Noto Sans CJK SC", "SimSun", "宋体", "Songti SC", serif;
  text-align: justify;
}
h1 {
  margin: 0 0 1em; text-align: center; font-weight: normal; font-size: 22pt; line-height: 1.5;
  font-family: "FZXiaoBiaoSong-B05S", "方正小标宋简体", "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC",
    "Source Han Serif SC", serif;
}
h2, h3, h4, h5, h6 { margin: 0; text-indent: 2em; font-size: 16pt; font-weight: normal; }
h2 { font-family: "SimHei", "黑体", "Heiti SC", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; }
h3, h4, h5, h6 { font-family: "KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "Noto Serif CJK SC", serif; }
p { margin: 0; text-indent: 2em; }
p[style] { text-indent: 0; }
table {
  width: 100%; margin: .5em 0 1em; border-collapse: collapse; text-indent: 0;
  font: 10.5pt/1.4 "SimSun", "宋体", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif;
}
th, td { border: 1px solid #000; padding: 2px 4px; text-align: center; vertical-align: middle; font-weight: normal; }
thead { display: table-header-group; }
tr, img { break-inside: avoid; }
h1, h2, h3, h4, h5, h6 { break-after: avoid; }
@media print { body { margin: 0; padding: 0; max-width: none; } }
"#;

pub fn write(doc: &Document) -> String {
    let mut out = String::with_capacity(16 * 1024);
    let lang = doc.prop("lang").unwrap_or("zh-CN");
    let title = doc.prop("title").map(str::to_string).or_else(|| first_heading(doc)).unwrap_or_default();
    let _ = write!(out, "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n", attr(lang));
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", text(&title));
    for p in doc.meta.iter().filter(|p| p.key != "title" && p.key != "lang") {
        let _ = writeln!(out, "<meta name=\"{}\" content=\"{}\">", attr(&p.key), attr(&p.value));
    }
    let _ = write!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>\n");
    let mut ids = Vec::new();
    for b in &doc.blocks {
        block(&mut out, b, &mut ids);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn first_heading(doc: &Document) -> Option<String> {
    doc.blocks.iter().find_map(|b| match b {
        Block::Heading { level: 1, text, .. } => Some(text.clone()),
        _ => None,
    })
}

fn block(out: &mut String, b: &Block, ids: &mut Vec<String>) {
    match b {
        Block::Heading { level, text: t, .. } => {
            let h = (*level).clamp(1, 6);
            let _ = writeln!(out, "<h{h}>{}</h{h}>", lines(t));
        }
        Block::Paragraph { text: t, align, .. } => {
            let style = match align {
                Align::Justify => "",
                Align::Left => " style=\"text-align:left\"",
                Align::Center => " style=\"text-align:center\"",
                Align::Right => " style=\"text-align:right\"",
            };
            let _ = writeln!(out, "<p{style}>{}</p>", lines(t));
        }
        Block::Table(t) => table(out, t, ids),
        Block::Image { alt } => {
            // There is no picture to embed, only its description: an empty data URL keeps the
            // element valid and shows the alt text.
            let _ = writeln!(out, "<p style=\"text-align:center\"><img src=\"data:,\" alt=\"{}\"></p>", attr(alt));
        }
    }
}

fn table(out: &mut String, t: &Table, ids: &mut Vec<String>) {
    out.push_str("<table");
    if !t.name.is_empty() {
        let _ = write!(out, " id=\"{}\" data-name=\"{}\"", attr(&unique_id(&t.name, ids)), attr(&t.name));
    }
    out.push_str(">\n");
    let head = header_rows(t);
    for (r, row) in t.rows.iter().enumerate() {
        if r == 0 && head > 0 {
            out.push_str("<thead>\n");
        }
        if r == head {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        let labels = if r < head { row.len() } else { leading_labels(row) };
        for (i, c) in row.iter().enumerate() {
            let scope = if i >= labels || c.text.is_empty() {
                None
            } else if r < head || labels == row.len() {
                Some(if c.colspan > 1 { "colgroup" } else { "col" })
            } else {
                Some("row")
            };
            cell(out, c, scope);
        }
        out.push_str("</tr>\n");
        if r + 1 == head {
            out.push_str("</thead>\n");
        }
    }
    if t.rows.len() > head {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
}

/// The header rows to put in `<thead>`: none when a header cell would span into the body,
/// which HTML row groups do not allow.
fn header_rows(t: &Table) -> usize {
    let head = (t.header_rows as usize).min(t.rows.len());
    let spills = t.rows[..head].iter().enumerate().any(|(r, row)| row.iter().any(|c| r + c.rowspan as usize > head));
    if spills {
        0
    } else {
        head
    }
}

/// Cells that label a body row: the text cells before its first value. A row of text only
/// (a sub-heading row inside the table) labels columns instead.
fn leading_labels(row: &[Cell]) -> usize {
    row.iter().take_while(|c| c.text.chars().any(char::is_alphabetic)).count()
}

fn cell(out: &mut String, c: &Cell, scope: Option<&str>) {
    let tag = if scope.is_some() { "th" } else { "td" };
    let _ = write!(out, "<{tag}");
    if let Some(s) = scope {
        let _ = write!(out, " scope=\"{s}\"");
    }
    if c.rowspan > 1 {
        let _ = write!(out, " rowspan=\"{}\"", c.rowspan);
    }
    if c.colspan > 1 {
        let _ = write!(out, " colspan=\"{}\"", c.colspan);
    }
    let _ = write!(out, ">{}</{tag}>", lines(&c.text));
}

/// An id for a table anchor: its name with spaces made dashes, numbered if taken.
fn unique_id(name: &str, ids: &mut Vec<String>) -> String {
    let base: String = name.split_whitespace().collect::<Vec<_>>().join("-");
    let mut id = base.clone();
    let mut n = 1;
    while ids.contains(&id) {
        n += 1;
        id = format!("{base}-{n}");
    }
    ids.push(id.clone());
    id
}

/// Text with line breaks as `<br>`.
fn lines(s: &str) -> String {
    s.split('\n').map(text).collect::<Vec<_>>().join("<br>")
}

fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use nianbao_plugin::Prop;

    #[test]
    fn head_holds_every_property() {
        let doc = Document {
            meta: [("title", "某局2022年报告"), ("author", "某局"), ("lang", "zh-CN"), ("索引号", "A/1 \"x\"")]
                .map(|(k, v)| Prop { key: k.into(), value: v.into() })
                .to_vec(),
            blocks: vec![],
            notes: vec![],
            ..Document::default()
        };
        let html = write(&doc);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
        assert!(html.contains("<title>某局2022年报告</title>"));
        assert!(html.contains("<meta name=\"author\" content=\"某局\">"));
        assert!(html.contains("<meta name=\"索引号\" content=\"A/1 &quot;x&quot;\">"));
        assert!(!html.contains("name=\"title\""));
    }

    #[test]
    fn header_cells_get_scopes() {
        let t = Table {
            source: None,
            name: "依申请公开".into(),
            header_rows: 2,
            rows: vec![
                vec![Cell::span("", 2, 1), Cell::span("申请人情况", 1, 2)],
                vec![Cell::new("自然人"), Cell::new("法人")],
                vec![Cell::new("一、新收"), Cell::new("3"), Cell::new("")],
            ],
        };
        let mut out = String::new();
        table(&mut out, &t, &mut Vec::new());
        assert!(out.starts_with("<table id=\"依申请公开\" data-name=\"依申请公开\">\n<thead>\n"), "{out}");
        assert!(
            out.contains("<tr><td rowspan=\"2\"></td><th scope=\"colgroup\" colspan=\"2\">申请人情况</th></tr>"),
            "{out}"
        );
        assert!(
            out.contains("</thead>\n<tbody>\n<tr><th scope=\"row\">一、新收</th><td>3</td><td></td></tr>"),
            "{out}"
        );
    }

    #[test]
    fn text_is_escaped_and_lines_break() {
        assert_eq!(lines("a<b> & c\nd"), "a&lt;b&gt; &amp; c<br>d");
    }
}
