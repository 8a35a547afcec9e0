//! A zipped workbook (xlsx, ods) checked before calamine is handed the bytes. The sizes in the
//! ZIP directory bound what each part inflates to (the zip crate stops a part that inflates
//! past its declared size), so they are checked against the limits first. Then the parts whose
//! numbers calamine trusts are read:
//!
//! - `xl/sharedStrings.xml`: calamine reserves room for the `uniqueCount` it declares before
//!   reading a string, so `uniqueCount="4294967295"` in a 9 KB file aborts the process;
//! - the ODS `content.xml` (see [`super::ods`]): calamine loops for ever when it ends inside a
//!   table, and expands `<text:s text:c="…"/>` and repeated cells without a limit.
//!
//! UPSTREAM.md has the reports to calamine, with reproducers.

use super::limits::{size, Limits};
use super::ods::{self, SheetMerges};
use nianbao_plugin::Error;
use quick_xml::events::Event;
use std::io::{BufReader, Cursor, Read};

/// Checks the package within the limits and the parts calamine trusts. For an ODS package,
/// returns the merged cells of its sheets (calamine does not give them).
pub(super) fn check(bytes: &[u8], ods: bool, limits: &Limits) -> Result<Vec<SheetMerges>, Error> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::new(format!("the file is truncated or corrupted: not a readable ZIP package ({e})")))?;
    let mut declared: u64 = 0;
    let mut strings = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| Error::new(format!("the ZIP package is corrupted: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if entry.size() > limits.part {
            return Err(limits.part_error(&name));
        }
        declared = declared.saturating_add(entry.size());
        // calamine finds its parts by their lower-case names, with `\` read as `/`.
        if !ods && name.replace('\\', "/").to_ascii_lowercase().ends_with("sharedstrings.xml") {
            strings.push((i, name, entry.size()));
        }
    }
    if declared > limits.inflated {
        return Err(limits.inflated_error("the package inflates"));
    }
    for (i, name, part_size) in strings {
        if let Ok(entry) = zip.by_index(i) {
            shared_strings(entry, &name, part_size)?;
        }
    }
    if !ods {
        return Ok(Vec::new());
    }
    let content =
        zip.by_name("content.xml").map_err(|_| Error::new("the ODS package has no content.xml: it is corrupted"))?;
    ods::scan(content, limits)
}

/// The shortest shared string, `<si/>`.
const MIN_STRING: u64 = 5;

/// Refuses a shared-strings part that declares more strings than its bytes could hold:
/// calamine reserves memory for the declared `uniqueCount` up front, 24 bytes a string, and
/// aborts when that fails (UPSTREAM.md, report 1).
fn shared_strings(part: impl Read, name: &str, part_size: u64) -> Result<(), Error> {
    let mut xml = quick_xml::Reader::from_reader(BufReader::new(part));
    let mut buf = Vec::new();
    let declared = loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                let count = e.attributes().flatten().find(|a| a.key.as_ref() == "uniqueCount");
                break count.and_then(|a| a.value.trim().parse::<u64>().ok());
            }
            // Bad XML is calamine's to report.
            Ok(Event::Eof) | Err(_) => break None,
            _ => buf.clear(),
        }
    };
    match declared {
        Some(n) if n > part_size / MIN_STRING => {
            Err(Error::new(format!("{name} declares {n} strings in {}: not a real workbook", size(part_size))))
        }
        _ => Ok(()),
    }
}
