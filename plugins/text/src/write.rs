//! Document → text: front matter with the properties, `#` headings, paragraphs separated by
//! blank lines, and tables as pipe rows. Pipe tables cannot merge cells, so a merged cell is
//! printed once and the positions it covers are left empty.

use nianbao_plugin::{Block, Document, Table};

pub fn write(doc: &Document) -> String {
    let mut out = String::new();
    if !doc.meta.is_empty() {
        out.push_str("---\n");
        for p in &doc.meta {
            out.push_str(&format!("{}: {}\n", one_line(&p.key), one_line(&p.value)));
        }
        out.push_str("---\n\n");
    }
    for b in &doc.blocks {
        match b {
            Block::Heading { level, text, .. } => {
                out.push_str(&"#".repeat((*level).clamp(1, 6) as usize));
                out.push(' ');
                out.push_str(&one_line(text));
            }
            Block::Paragraph { text, .. } => {
                // A line is a paragraph to the reader, so one paragraph must stay on one line.
                out.push_str(&one_line(text));
            }
            Block::Table(t) => table(&mut out, t),
            Block::Image { alt } => out.push_str(&format!("[image: {}]", one_line(alt))),
        }
        out.push_str("\n\n");
    }
    out
}

fn one_line(s: &str) -> String {
    s.split('\n').map(str::trim).collect::<Vec<_>>().join(" ")
}

fn table(out: &mut String, t: &Table) {
    let grid = t.grid();
    for (r, slots) in grid.slots.iter().enumerate() {
        let cells: Vec<String> = slots
            .iter()
            .map(|s| match s {
                Some(s) if s.origin => t.cell(*s).text.replace('|', "\\|").replace('\n', "<br>"),
                _ => String::new(),
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        // Markdown wants a separator under the first row; with no header rows it marks none.
        if r + 1 == (t.header_rows.max(1) as usize) {
            out.push_str(&format!("|{}\n", "---|".repeat(grid.width.max(1))));
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::read;
    use nianbao_plugin::{Cell, Prop};

    #[test]
    fn written_text_reads_back_the_same_cells() {
        let t = Table {
            source: None,
            name: String::new(),
            header_rows: 2,
            rows: vec![
                vec![Cell::span("行政复议", 1, 2), Cell::span("总计", 2, 1)],
                vec![Cell::new("维持"), Cell::new("纠正")],
                vec![Cell::new("1"), Cell::new(""), Cell::new("a|b\nc")],
            ],
        };
        let doc = Document {
            meta: vec![Prop { key: "title".into(), value: "年报".into() }],
            blocks: vec![Block::Heading { source: None, level: 2, text: "一、总体情况".into() }, Block::Table(t)],
            notes: vec![],
            ..Document::default()
        };
        let text = write(&doc);
        assert!(text.contains("| 行政复议 |  | 总计 |\n| 维持 | 纠正 |  |\n|---|---|---|\n"), "{text}");
        let back = read(text.as_bytes(), &Default::default()).unwrap();
        assert_eq!(back.meta, doc.meta);
        let Block::Table(b) = &back.blocks[1] else { panic!() };
        assert_eq!(b.header_rows, 2);
        assert_eq!(b.rows[2][2].text, "a|b\nc");
        assert_eq!(b.rows[0][1].text, "");
    }
}
