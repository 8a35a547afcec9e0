//! Reading a web page: decode, parse with html5ever, walk the tree into blocks, then find the
//! article among the site's furniture and collect the page's metadata.

mod decode;
mod dom;
mod head;
mod page;
mod text;
mod walk;

use nianbao_plugin::{Block, Document, Error, Options, Prop};

/// Report pages are well under a megabyte, Word exports with inline images a few dozen.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Positions of one table's grid (rows × columns, spans resolved): the official tables have
/// about 300. Raised by `-O max-cells=N`, the option's name in every plugin. (A cell's text
/// needs no limit here: a cell of more than 400 characters makes its table a layout table.)
pub const MAX_CELLS: usize = 100_000;

/// Budgets of one read, from the options.
pub struct Limits {
    pub cells: usize,
}

impl Limits {
    pub fn new(options: &Options) -> Result<Limits, Error> {
        Ok(Limits { cells: number(options, "max-cells", MAX_CELLS)? })
    }
}

fn number(options: &Options, key: &str, default: usize) -> Result<usize, Error> {
    match options.get(key) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| Error::new(format!("-O {key}={v}: the limit must be a whole number"))),
    }
}

pub fn read(bytes: &[u8], options: &Options) -> Result<Document, Error> {
    let limits = Limits::new(options)?;
    check_bytes(bytes)?;
    let decoded = decode::decode(bytes)?;
    let text = &decoded.text;
    if !has_markup(text) {
        return Err(Error::new(
            "no HTML markup in the file: it is plain text, not a web page (read it with the text format: --from text)",
        ));
    }
    if !flag(options, "partial") {
        check_complete(text, bytes.len())?;
    }
    let dom = dom::parse(text)?;
    let mut meta = head::props(&dom);
    let items = walk::walk(&dom, &limits)?;
    let page = page::tidy(items);
    if page.blocks.is_empty() {
        return Err(Error::new("the page shows no text, tables or images: there is no report on it"));
    }
    head::settle_title(&mut meta, &page.blocks);
    for p in &page.pairs {
        if !meta.iter().any(|m| m.key == p.key) {
            meta.push(p.clone());
        }
    }
    let mut notes = image_notes(&page.blocks);
    if flag(options, "inspect") {
        notes.push(format!("encoding: {}", decoded.encoding.name()));
        notes.extend(decoded.notes);
        notes.push(format!(
            "{} blocks kept as the article, {} left out as site furniture or metadata",
            page.blocks.len(),
            page.dropped
        ));
        if !page.pairs.is_empty() {
            let pairs: Vec<String> = page.pairs.iter().map(|p: &Prop| format!("{}={}", p.key, p.value)).collect();
            notes.push(format!("metadata found on the page: {}", pairs.join("; ")));
        }
    }
    Ok(Document { meta, blocks: page.blocks, notes, ..Document::default() })
}

fn flag(options: &Options, key: &str) -> bool {
    options.get(key).is_some_and(|v| matches!(v.as_str(), "true" | "1" | "yes" | "on"))
}

/// Refuses what is plainly not a web page before spending time on it.
fn check_bytes(bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() > MAX_BYTES {
        return Err(Error::new(format!(
            "the file is {} MB, more than the {} MB a report page can be; it is not a single report page",
            bytes.len() >> 20,
            MAX_BYTES >> 20
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::new("the file is empty"));
    }
    if let Some(kind) = other_format(bytes) {
        return Err(Error::new(format!("not an HTML page: the file is {kind}")));
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(Error::new("not an HTML page: the file holds binary data (NUL bytes)"));
    }
    Ok(())
}

/// Formats a misnamed or mis-sent file is likely to be, by their magic bytes.
fn other_format(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive (a DOCX, XLSX or ODS file?)"),
        (b"\xD0\xCF\x11\xE0", "an OLE2 compound file (a DOC or XLS file?)"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"{\\rtf", "an RTF document"),
        (b"\x1F\x8B", "gzip-compressed (decompress it first)"),
    ];
    MAGIC.iter().find(|(m, _)| bytes.starts_with(m)).map(|(_, k)| *k)
}

/// A tag or doctype somewhere near the top: `<` followed by a letter, `!` or `/`.
fn has_markup(text: &str) -> bool {
    let head = &text.as_bytes()[..text.len().min(64 * 1024)];
    head.windows(2).any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'!' || w[1] == b'/'))
}

/// A page cut off in transfer stops in the middle of a tag or of text and has neither
/// `</body>` nor `</html>`; a hand-written fragment that simply omits them ends with a tag.
fn check_complete(text: &str, len: usize) -> Result<(), Error> {
    let closed = contains_ignore_case(text, "</body") || contains_ignore_case(text, "</html");
    let ends_with_tag = text.trim_end().ends_with('>');
    if closed || ends_with_tag {
        return Ok(());
    }
    let tail: String = text.trim_end().chars().rev().take(24).collect::<Vec<_>>().into_iter().rev().collect();
    Err(Error::new(format!(
        "the page is truncated: it stops after {len} bytes, in the middle of “…{tail}”, without </body> or </html> \
         (use -O partial=true to read what is there)"
    )))
}

/// Searched from the end, where closing tags are.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes().windows(needle.len()).rev().any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn image_notes(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| match b {
            Block::Image { alt } => Some(format!(
                "block {i}: an image{} where the page could have text or a table; numbers in images cannot be read",
                if alt.is_empty() { String::new() } else { format!(" (“{alt}”)") }
            )),
            _ => None,
        })
        .collect()
}

/// Whether bytes look like a web page: a doctype or `<html>`, `<head>` or `<body>` near the
/// top, after a byte-order mark, whitespace and comments.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let text: String = if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        decode::decode(head).map(|d| d.text).unwrap_or_default()
    } else {
        String::from_utf8_lossy(head).into_owned()
    };
    let lower = text.trim_start_matches('\u{FEFF}').trim_start().to_ascii_lowercase();
    ["<!doctype html", "<html", "<head", "<body", "<meta", "<title"].iter().any(|t| lower.starts_with(t))
        || ((lower.starts_with("<!--") || lower.starts_with("<?xml") || lower.starts_with("<!doctype"))
            && (lower.contains("<html") || lower.contains("<body")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert!(looks_like_html(b"\xEF\xBB\xBF<!DOCTYPE html><html>"));
        assert!(looks_like_html(b"  <HTML><BODY>"));
        assert!(looks_like_html(b"<!-- saved from url=(0042)http://x/ -->\r\n<html>"));
        assert!(looks_like_html(b"<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0\"><html xmlns=\"http://www.w3.org/1999/xhtml\">"));
        assert!(!looks_like_html(b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\">"));
        assert!(!looks_like_html(b"%PDF-1.7"));
        assert!(!looks_like_html("一、总体情况".as_bytes()));
    }
}
