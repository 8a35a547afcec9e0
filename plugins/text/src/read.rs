//! Text → Document: a paragraph per non-empty line, `#` headings, `|`-separated rows as tables,
//! and a `---` front matter of `key: value` lines as the document's properties.

use nianbao_plugin::{Block, Cell, Document, Error, Prop, Table};

/// Decodes text: a BOM decides, else UTF-8 when valid, else GB18030 (a superset of GBK and
/// GB2312). Binary data is refused rather than turned into mojibake.
pub fn decode(bytes: &[u8]) -> Result<String, Error> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, bad) = enc.decode(&bytes[bom..]);
        if bad {
            return Err(format!("not valid {} text", enc.name()).into());
        }
        return Ok(text.into_owned());
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, bad) = encoding_rs::GB18030.decode(bytes);
            if bad {
                return Err("not a text file: the bytes are neither UTF-8 nor GB18030 text".into());
            }
            text.into_owned()
        }
    };
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) {
        return Err("not a text file: it holds binary control characters".into());
    }
    Ok(text)
}

/// Text, and not markup or a binary container that another plugin should read.
pub fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let trimmed = head.iter().skip_while(|b| b.is_ascii_whitespace() || **b == 0xEF || **b == 0xBB || **b == 0xBF);
    if trimmed.clone().next().is_some_and(|b| matches!(b, b'<' | b'{' | b'%')) {
        return false;
    }
    // A cut in the middle of a UTF-8 sequence at the end of the sample is fine.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let gb = || !encoding_rs::GB18030.decode_without_bom_handling(head).1;
    !head.is_empty() && !head.contains(&0) && (valid || gb())
}

pub fn read(bytes: &[u8]) -> Result<Document, Error> {
    let text = decode(bytes)?;
    let mut doc = Document::default();
    let mut lines = text.lines().peekable();
    if lines.peek().map(|l| l.trim()) == Some("---") {
        lines.next();
        for line in lines.by_ref() {
            if line.trim() == "---" {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                doc.meta.push(Prop { key: k.trim().to_string(), value: v.trim().to_string() });
            }
        }
    }
    let mut table: Option<Table> = None;
    for line in lines {
        let t = line.trim();
        if t.contains('|') {
            let row = pipe_row(t);
            let tab = table.get_or_insert_with(Table::default);
            if row.iter().all(|c| is_rule(&c.text)) && !row.is_empty() {
                // A Markdown separator: the rows above it are the header.
                if tab.header_rows == 0 {
                    tab.header_rows = tab.rows.len() as u32;
                }
            } else {
                tab.rows.push(row);
            }
            continue;
        }
        if let Some(tab) = table.take() {
            doc.blocks.push(Block::Table(tab));
        }
        if t.is_empty() {
            continue;
        }
        let hashes = t.chars().take_while(|c| *c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') {
            doc.blocks.push(Block::Heading { level: hashes as u8, text: t[hashes..].trim().to_string() });
        } else {
            doc.blocks.push(Block::Paragraph { text: t.to_string(), align: Default::default() });
        }
    }
    if let Some(tab) = table {
        doc.blocks.push(Block::Table(tab));
    }
    Ok(doc)
}

fn is_rule(s: &str) -> bool {
    let t = s.trim().trim_matches(':');
    t.len() >= 3 && t.chars().all(|c| c == '-')
}

/// Cells of a `|`-separated row. Outer pipes are optional; `\|` is a literal pipe and `<br>` a
/// line break inside a cell.
fn pipe_row(line: &str) -> Vec<Cell> {
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    cells.push(cur);
    if line.starts_with('|') {
        cells.remove(0);
    }
    if line.ends_with('|') && !line.ends_with("\\|") {
        cells.pop();
    }
    cells.into_iter().map(|c| Cell::new(c.trim().replace("<br>", "\n"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(b: &Block) -> String {
        match b {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } => text.clone(),
            Block::Table(t) => format!("table {}x{}", t.rows.len(), t.grid().width),
            Block::Image { .. } => "image".into(),
        }
    }

    #[test]
    fn lines_tables_and_front_matter() {
        let doc = read("---\ntitle: 年报\n索引号: 1/2022-1\n---\n# 年报\n\n第一段\n| a | b |\n|---|---|\n| 1 | \\| |\n一、总体情况\n".as_bytes()).unwrap();
        assert_eq!(doc.prop("索引号"), Some("1/2022-1"));
        let texts: Vec<String> = doc.blocks.iter().map(text_of).collect();
        assert_eq!(texts, vec!["年报", "第一段", "table 2x2", "一、总体情况"]);
        let Block::Table(t) = &doc.blocks[2] else { panic!() };
        assert_eq!(t.header_rows, 1);
        assert_eq!(t.rows[1][1].text, "|");
    }

    #[test]
    fn scraped_rows_keep_their_empty_cells() {
        let doc = read("第二十条第(一)项 | |||\n规章 | 0 | 0 | 0 |\n".as_bytes()).unwrap();
        let Block::Table(t) = &doc.blocks[0] else { panic!() };
        assert_eq!(t.rows[0].len(), 4);
        assert_eq!(t.rows[1].iter().map(|c| c.text.as_str()).collect::<Vec<_>>(), ["规章", "0", "0", "0"]);
    }

    #[test]
    fn gbk_text_is_decoded_and_binary_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体情况\n");
        let doc = read(&gbk).unwrap();
        assert_eq!(text_of(&doc.blocks[0]), "一、总体情况");
        let err = read(b"\x00\x01\x02PK\x03\x04").unwrap_err();
        assert!(err.0.contains("not a text file"), "{err}");
        assert!(!looks_like_text(b"%PDF-1.7"));
        assert!(!looks_like_text(b"<!DOCTYPE html>"));
        assert!(looks_like_text("年度报告".as_bytes()));
    }
}
