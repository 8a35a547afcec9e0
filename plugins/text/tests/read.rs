//! Where each block and cell came from: every one the reader makes says its line, and that
//! line of the file (split here, independently of the reader) holds its text.

use std::path::{Path, PathBuf};

use nianbao_plugin::{Block, Document, Options};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text fixtures: the seeds and pdftotext's copies of a printed report.
fn files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/seeds", "tests/fixtures/text"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "txt") {
                out.push(p);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 8, "{out:?}");
    out
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The file's lines as they are, whitespace left out (the reader drops the spaces an
/// extraction puts between Chinese and digits), a pipe row's escapes undone.
fn lines(bytes: &[u8]) -> Vec<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    };
    text.trim_start_matches('\u{feff}')
        .split('\n')
        .map(|l| squeeze(l).replace("\\|", "|").replace("<br>", ""))
        .collect()
}

fn read(path: &Path) -> (Document, Vec<String>) {
    let bytes = std::fs::read(path).unwrap();
    let doc = nianbao_text::read(&bytes, &Options::new()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (doc, lines(&bytes))
}

fn line_of(source: Option<&nianbao_plugin::document::Source>) -> Option<usize> {
    source.and_then(|s| s.line).map(|n| n as usize)
}

#[test]
fn every_block_and_cell_names_the_line_it_was_read_from() {
    let (mut cells, mut placed) = (0, 0);
    for path in files() {
        let (doc, lines) = read(&path);
        let at = |n: usize| lines.get(n - 1).unwrap_or_else(|| panic!("{}: no line {n}", path.display()));
        for block in &doc.blocks {
            let n = line_of(block.source()).unwrap_or_else(|| panic!("{}: {block:?} has no line", path.display()));
            match block {
                Block::Heading { text, .. } | Block::Paragraph { text, .. } => {
                    // A paragraph joined from hard-wrapped lines starts with its first line; a
                    // field of a line set in columns is part of it.
                    let (text, line) = (squeeze(text), at(n));
                    assert!(
                        text.starts_with(line.as_str()) || line.contains(&text),
                        "{}: line {n} {line:?} does not start {text:?}",
                        path.display()
                    );
                }
                Block::Table(t) => {
                    for cell in t.rows.iter().flatten().filter(|c| !c.text.is_empty()) {
                        cells += 1;
                        let Some(n) = line_of(cell.source.as_ref()) else { continue };
                        placed += 1;
                        let (text, line) = (squeeze(&cell.text), at(n));
                        assert!(line.contains(&text), "{}: line {n} {line:?} lacks {text:?}", path.display());
                    }
                }
                Block::Image { .. } => {}
            }
        }
    }
    println!("text: {placed} of {cells} non-empty cells have a source line");
    assert!(cells > 100, "the fixtures have tables: {cells} cells");
    assert_eq!(placed, cells, "every non-empty cell has a source");
}

#[test]
fn rows_and_tables_start_where_they_are_printed() {
    let text = "---\ntitle: 年报\n---\n一、总体情况\n\n| a | b |\n|---|---|\n| 1 | 2 |\n# 二、主动公开\n";
    let doc = nianbao_text::read(text.as_bytes(), &Options::new()).unwrap();
    let lines: Vec<Option<usize>> = doc.blocks.iter().map(|b| line_of(b.source())).collect();
    assert_eq!(lines, [Some(4), Some(6), Some(9)]);
    let Block::Table(t) = &doc.blocks[1] else { panic!("{:?}", doc.blocks) };
    let cells: Vec<(String, Option<usize>)> =
        t.rows.iter().flatten().map(|c| (c.text.clone(), line_of(c.source.as_ref()))).collect();
    assert_eq!(cells, [("a".into(), Some(6)), ("b".into(), Some(6)), ("1".into(), Some(8)), ("2".into(), Some(8))]);
    // Sources stay out of the JSON where there are none, and are short where there are.
    let json = serde_json::to_string(&doc).unwrap();
    assert!(json.contains(r#"{"text":"1","source":{"line":8}}"#), "{json}");
}
