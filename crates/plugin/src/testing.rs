//! Helpers for a plugin's own tests: call it the way the host does (through the C interface,
//! with the Document encoded as JSON and panics contained), write then read a Document, check
//! a declaration, and compare tables by what they print.
//!
//! ```ignore
//! use nianbao_plugin::testing;
//! let back = testing::round_trip::<Csv>("csv", &testing::sample()).unwrap();
//! assert_eq!(testing::table_texts(&back), testing::table_texts(&testing::sample()));
//! ```

use super::*;
use crate::{Block, Cell, Document, Table};

fn call_args(format: &str, options: &Options) -> (CString, Vec<u8>) {
    let format = CString::new(format.replace('\0', "")).expect("NUL removed");
    (format, serde_json::to_vec(options).expect("string map encodes"))
}

fn outcome(status: i32, out: RawBuf) -> Result<Vec<u8>, Error> {
    // Same binary: the buffer can be taken back here.
    let bytes = unsafe { out.into_vec() };
    match status {
        STATUS_OK => Ok(bytes),
        STATUS_PANIC => Err(Error(format!("the plugin panicked: {}", String::from_utf8_lossy(&bytes)))),
        _ => Err(Error(String::from_utf8_lossy(&bytes).into_owned())),
    }
}

/// Reads `bytes` as the host would: through the exported entry point, the Document coming back
/// as JSON. A panic comes back as an error saying so.
pub fn read<P: FormatPlugin>(format: &str, bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let (format, opts) = call_args(format, options);
    let mut out = RawBuf::EMPTY;
    let status = unsafe {
        __private::read_with::<P>(
            false,
            format.as_ptr(),
            bytes.as_ptr(),
            bytes.len(),
            opts.as_ptr(),
            opts.len(),
            &mut out,
        )
    };
    let json = outcome(status, out)?;
    serde_json::from_slice(&json).map_err(|e| Error(format!("the plugin returned a malformed document: {e}")))
}

/// Writes `doc` as the host would, with the notes the writer made.
pub fn write<P: FormatPlugin>(format: &str, doc: &Document, options: &Options) -> Result<Written, Error> {
    let (format, opts) = call_args(format, options);
    let json = serde_json::to_vec(doc).expect("documents encode");
    let (mut out, mut notes) = (RawBuf::EMPTY, RawBuf::EMPTY);
    let status = unsafe {
        __private::write_with::<P>(
            false,
            format.as_ptr(),
            json.as_ptr(),
            json.len(),
            opts.as_ptr(),
            opts.len(),
            &mut out,
            &mut notes,
        )
    };
    let notes = unsafe { notes.into_vec() };
    let notes: Vec<String> =
        if notes.is_empty() { Vec::new() } else { serde_json::from_slice(&notes).unwrap_or_default() };
    outcome(status, out).map(|bytes| Written { bytes, notes })
}

/// Writes `doc` in `format` and reads the bytes back.
pub fn round_trip<P: FormatPlugin>(format: &str, doc: &Document) -> Result<Document, Error> {
    let written = write::<P>(format, doc, &Options::new())?;
    read::<P>(format, &written.bytes, &Options::new())
}

/// A small Document with what writers find hard: a title, a heading, paragraphs with CJK
/// punctuation and quotes, and a table with a caption spanning columns and a label spanning
/// rows, numbers and a blank cell.
pub fn sample() -> Document {
    let table = Table {
        name: "依申请公开".into(),
        header_rows: 2,
        rows: vec![
            vec![Cell::span("信息内容", 2, 1), Cell::span("申请人情况", 1, 2), Cell::span("总计", 2, 1)],
            vec![Cell::new("自然人"), Cell::new("法人或其他组织")],
            vec![Cell::new("一、本年新收政府信息公开申请数量"), Cell::new("12"), Cell::new("3"), Cell::new("15")],
            vec![Cell::new("二、上年结转政府信息公开申请数量"), Cell::new("0"), Cell::new(""), Cell::new("0")],
        ],
        source: None,
    };
    Document::new(vec![
        Block::heading(1, "某某区人民政府2023年政府信息公开工作年度报告"),
        Block::heading(2, "一、总体情况"),
        Block::paragraph("2023年，区政府认真贯彻落实《中华人民共和国政府信息公开条例》，\"公开为常态\"。"),
        Block::Table(table),
        Block::paragraph("本年度共收到申请15件。"),
    ])
}

/// Each table's text, position by position (a merged cell's text at its top-left position,
/// the positions it covers empty), with the text trimmed: what a reader of the file sees.
pub fn table_texts(doc: &Document) -> Vec<Vec<Vec<String>>> {
    doc.blocks
        .iter()
        .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
        .map(|t| {
            let g = t.grid();
            g.slots
                .iter()
                .map(|line| {
                    line.iter()
                        .map(|s| match s {
                            Some(s) if s.origin => t.cell(*s).text.trim().to_string(),
                            _ => String::new(),
                        })
                        .collect()
                })
                .collect()
        })
        .collect()
}

/// Checks what a plugin declares: at least one format, names and extensions unique and in
/// lower case without dots, a media type for each format, a description for each option and
/// each option used by the reader or the writer. Returns every problem found.
pub fn check_declaration<P: FormatPlugin>() -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let formats = P::formats();
    if formats.is_empty() {
        problems.push("no formats declared".to_string());
    }
    let mut names = std::collections::HashSet::new();
    for f in &formats {
        if !names.insert(f.name) {
            problems.push(format!("format {} declared twice", f.name));
        }
        if f.name.is_empty() || f.name != f.name.to_lowercase() {
            problems.push(format!("format name {:?} must be lower case", f.name));
        }
        if !f.read && !f.write {
            problems.push(format!("format {} is neither readable nor writable", f.name));
        }
        if f.media_types.is_empty() {
            problems.push(format!("format {} has no media type (text/* makes it text, anything else binary)", f.name));
        }
        for e in f.extensions {
            if e.starts_with('.') || *e != e.to_lowercase() {
                problems.push(format!("extension {e:?} of {} must be lower case, without the dot", f.name));
            }
        }
    }
    let mut keys = std::collections::HashSet::new();
    for o in P::options() {
        if !keys.insert(o.name) {
            problems.push(format!("option {} declared twice", o.name));
        }
        if HOST_OPTIONS.iter().any(|(h, _)| *h == o.name) {
            problems.push(format!("option {} is the host's own; do not declare it", o.name));
        }
        if o.description.is_empty() {
            problems.push(format!("option {} has no description", o.name));
        }
        if !o.read && !o.write {
            problems.push(format!("option {} is used neither for reading nor for writing", o.name));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plugin that only writes, and says something while it does.
    struct WriteOnly;

    impl FormatPlugin for WriteOnly {
        const NAME: &'static str = "write-only";
        const VERSION: &'static str = "0";
        fn formats() -> Vec<Format> {
            vec![Format::new("wo", "A format that is only written").media_types(&["text/plain"]).writable()]
        }
        fn write(_format: &str, doc: &Document, _options: &Options) -> Result<Vec<u8>, Error> {
            note(format!("{} blocks", doc.blocks.len()));
            Ok(b"written".to_vec())
        }
    }

    #[test]
    fn a_plugin_that_only_writes_refuses_to_read_and_its_notes_come_back_with_the_bytes() {
        check_declaration::<WriteOnly>().unwrap();
        let e = read::<WriteOnly>("wo", b"x", &Options::new()).unwrap_err();
        assert_eq!(e.0, "cannot read wo: the write-only plugin does not read it");
        let w = write::<WriteOnly>("wo", &sample(), &Options::new()).unwrap();
        assert_eq!(w, Written { bytes: b"written".to_vec(), notes: vec!["5 blocks".into()] });
        // Notes do not leak into the next call.
        let w = write::<WriteOnly>("wo", &Document::default(), &Options::new()).unwrap();
        assert_eq!(w.notes, ["0 blocks"]);
    }

    #[test]
    fn a_bad_declaration_is_described() {
        struct Bad;
        impl FormatPlugin for Bad {
            const NAME: &'static str = "bad";
            const VERSION: &'static str = "0";
            fn formats() -> Vec<Format> {
                vec![Format::new("Bad", "").extensions(&[".BAD"])]
            }
            fn options() -> Vec<PluginOption> {
                vec![PluginOption::new("inspect", "")]
            }
        }
        let problems = check_declaration::<Bad>().unwrap_err();
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(problems.contains(&"option inspect is the host's own; do not declare it".to_string()));
    }
}
