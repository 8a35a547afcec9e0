//! Helpers shared by the integration tests: hand-made DOCX packages, fixture paths, and the
//! third-party tools some tests use when they are installed.
#![allow(dead_code)]

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use nianbao_plugin::{Block, Cell, Document, Options, Table};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

pub const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml""#;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>"#;

/// A ZIP package of the given parts, with content types and package relationships added
/// unless given.
pub fn package(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let mut all: Vec<(&str, &str)> = Vec::new();
    if !parts.iter().any(|(n, _)| *n == "[Content_Types].xml") {
        all.push(("[Content_Types].xml", CONTENT_TYPES));
    }
    if !parts.iter().any(|(n, _)| *n == "_rels/.rels") {
        all.push(("_rels/.rels", ROOT_RELS));
    }
    all.extend_from_slice(parts);
    for (name, content) in all {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A DOCX whose body is `body` (WordprocessingML inside `w:body`), plus optional extra parts.
pub fn docx_with(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body}</w:body></w:document>"#
    );
    let mut parts = vec![("word/document.xml", document.as_str())];
    parts.extend_from_slice(extra);
    package(&parts)
}

pub fn docx(body: &str) -> Vec<u8> {
    docx_with(body, &[])
}

/// A paragraph of plain runs.
pub fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

pub fn read(bytes: &[u8]) -> Document {
    nianbao_docx::read(bytes, &Options::new()).unwrap_or_else(|e| panic!("read failed: {e}"))
}

pub fn read_err(bytes: &[u8]) -> String {
    match nianbao_docx::read(bytes, &Options::new()) {
        Ok(doc) => panic!("expected an error, got {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

pub fn texts(doc: &Document) -> Vec<String> {
    doc.blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("h{level}:{text}"),
            Block::Paragraph { text, .. } => text.clone(),
            Block::Table(_) => "<table>".into(),
            Block::Image { alt } => format!("<image {alt}>"),
        })
        .collect()
}

/// The Document without the source positions the reader adds (a written one has none).
pub fn without_sources(mut doc: Document) -> Document {
    for b in &mut doc.blocks {
        match b {
            Block::Heading { source, .. } | Block::Paragraph { source, .. } => *source = None,
            Block::Table(t) => {
                t.source = None;
                t.rows = plain(&t.rows);
            }
            Block::Image { .. } => {}
        }
    }
    doc
}

/// Table rows without their cells' source positions.
pub fn plain(rows: &[Vec<Cell>]) -> Vec<Vec<Cell>> {
    rows.iter().map(|r| r.iter().map(|c| Cell { source: None, ..c.clone() }).collect()).collect()
}

pub fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

/// A cell as (row, column, rowspan, colspan, text), at its top-left grid position.
pub type Rect = (usize, usize, usize, usize, String);

/// Every cell of a table with its rectangle.
pub fn rectangles(t: &Table) -> Vec<Rect> {
    let grid = t.grid();
    let mut out = Vec::new();
    for (r, line) in grid.slots.iter().enumerate() {
        for (c, slot) in line.iter().enumerate() {
            let Some(slot) = slot.filter(|s| s.origin) else { continue };
            let same = |s: &Option<nianbao_plugin::document::Slot>| {
                s.is_some_and(|s| (s.row, s.index) == (slot.row, slot.index))
            };
            let colspan = line[c..].iter().take_while(|s| same(s)).count();
            let rowspan = grid.slots[r..].iter().take_while(|l| same(&l[c])).count();
            out.push((r, c, rowspan, colspan, t.cell(slot).text.clone()));
        }
    }
    out
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

pub fn official(name: &str) -> Document {
    let json = std::fs::read(fixture(name)).unwrap();
    serde_json::from_slice(&json).unwrap()
}

/// Whether `tool args` runs here; says on stderr that the check is skipped when it does not.
fn runs(tool: &str, args: &[&str], what: &str) -> bool {
    let ok = Command::new(tool).args(args).output().is_ok_and(|o| o.status.success());
    if !ok {
        // Straight to stderr, past the test harness's capture, so that the skip shows.
        let _ = writeln!(std::io::stderr(), "SKIP: {what} is not installed; skipping this check");
    }
    ok
}

/// Whether a command-line tool is installed (it answers `args`).
pub fn have(tool: &str, args: &[&str]) -> bool {
    runs(tool, args, tool)
}

/// Whether python3 with python-docx is available.
pub fn have_python_docx() -> bool {
    runs("python3", &["-c", "import docx"], "python3 with python-docx")
}

/// A scratch directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nianbao-docx-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The cells of each table of a DOCX as python-docx sees them (tests/tools/docx_cells.py).
pub fn python_docx_cells(docx: &Path) -> Vec<Vec<Rect>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/docx_cells.py");
    let out = Command::new("python3").arg(&script).arg(docx).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}
