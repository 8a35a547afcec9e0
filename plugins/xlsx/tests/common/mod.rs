//! Helpers shared by the integration tests.
#![allow(dead_code)]

use nianbao_plugin::{Block, Document, Options, Table};
use std::path::PathBuf;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub fn read(bytes: &[u8]) -> Document {
    nianbao_xlsx::read(bytes, &Options::new()).unwrap_or_else(|e| panic!("read failed: {e}"))
}

pub fn read_err(bytes: &[u8]) -> String {
    match nianbao_xlsx::read(bytes, &Options::new()) {
        Ok(doc) => panic!("expected an error, got {} blocks", doc.blocks.len()),
        Err(e) => e.0,
    }
}

pub fn tables(doc: &Document) -> Vec<&Table> {
    doc.blocks.iter().filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).collect()
}

/// The cell whose text is `text`, with its spans.
pub fn find<'a>(t: &'a Table, text: &str) -> &'a nianbao_plugin::Cell {
    t.rows.iter().flatten().find(|c| c.text == text).unwrap_or_else(|| panic!("no cell {text:?}"))
}

/// The text at a grid position.
pub fn at(t: &Table, row: usize, col: usize) -> String {
    let g = t.grid();
    g.slots[row][col].map(|s| t.cell(s).text.clone()).unwrap_or_default()
}

pub fn has(program: &str) -> bool {
    std::process::Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

pub const REPORTS: [&str; 7] = ["s1-r001", "s1-r002", "s1-r003", "s1-r004", "s1-r005", "s1-r006", "s1-r008"];
