//! A small XML tokenizer for the package's parts: start, empty and end tags, text, CDATA;
//! declarations, comments, processing instructions and DOCTYPEs are passed over.
//!
//! The reader needs little of XML: element names (matched by local name, since producers
//! differ in prefixes and namespaces), a few attributes looked up by name, and the text of
//! `w:t` elements. Tags are sliced out of the part without copying, attributes are only parsed
//! when asked for, and text is only decoded where it is read; end tags are checked against the
//! open elements, so that a part that is not well-formed is reported as such. A general
//! parser's events (quick-xml's) took three times as long on a report's document.xml and
//! were the largest cost of reading it.

use std::borrow::Cow;
use std::fmt;

use memchr::{memchr, memchr2, memmem};

/// A tag: its qualified name and, unparsed, what follows the name.
#[derive(Debug, Clone, Copy)]
pub struct Tag<'x> {
    name: &'x [u8],
    attrs: &'x [u8],
}

#[derive(Debug)]
pub enum Event<'x> {
    Start(Tag<'x>),
    Empty(Tag<'x>),
    End(Tag<'x>),
    /// Text as written: references unresolved, line ends as in the file.
    Text(&'x [u8]),
    CData(&'x [u8]),
    Eof,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub position: usize,
    pub message: String,
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<'x> Tag<'x> {
    /// The local part of the name: `w:p` → `p`.
    pub fn local(&self) -> &'x [u8] {
        local(self.name)
    }

    /// The value of the attribute whose local name is `key`, references resolved and
    /// whitespace normalized as XML prescribes for attribute values; borrowed from the part
    /// where nothing needs resolving. Attributes after a malformed one are not seen.
    pub fn attr(&self, key: &[u8]) -> Option<Cow<'x, str>> {
        let mut rest = self.attrs;
        loop {
            rest = trim_start(rest);
            let eq = rest.iter().position(|&b| b == b'=')?;
            let name = trim_end(&rest[..eq]);
            let after = trim_start(&rest[eq + 1..]);
            let quote = *after.first().filter(|q| matches!(q, b'"' | b'\''))?;
            let close = after[1..].iter().position(|&b| b == quote)?;
            let raw = &after[1..close + 1];
            if local(name) == key {
                return Some(attribute_value(raw));
            }
            rest = &after[close + 2..];
        }
    }
}

/// The local part of a qualified name: `w:p` → `p`.
pub fn local(name: &[u8]) -> &[u8] {
    name.iter().rposition(|&b| b == b':').map_or(name, |i| &name[i + 1..])
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_space(b)).count();
    &s[n..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| is_space(b)).count();
    &s[..s.len() - n]
}

fn attribute_value(raw: &[u8]) -> Cow<'_, str> {
    if !raw.iter().any(|&b| matches!(b, b'&' | b'\t' | b'\n' | b'\r')) {
        if let Ok(v) = std::str::from_utf8(raw) {
            return Cow::Borrowed(v);
        }
    }
    let mut out = String::with_capacity(raw.len());
    match append(&mut out, raw, true) {
        Ok(true) => Cow::Owned(out),
        // Unknown references or bytes that are not UTF-8: the value as written.
        _ => Cow::Owned(String::from_utf8_lossy(raw).into_owned()),
    }
}

/// Appends text (`Event::Text`) to `out`: references resolved (an unknown entity is kept as
/// written), line ends normalized to `\n`. Fails on bytes that are not UTF-8.
pub fn append_text(out: &mut String, raw: &[u8]) -> Result<(), std::str::Utf8Error> {
    append(out, raw, false).map(|_| ())
}

/// Appends decoded text; in an attribute value (`attribute`) whitespace becomes spaces. Says
/// whether every reference was known.
fn append(out: &mut String, raw: &[u8], attribute: bool) -> Result<bool, std::str::Utf8Error> {
    let text = std::str::from_utf8(raw)?;
    if !attribute && memchr2(b'&', b'\r', raw).is_none() {
        out.push_str(text);
        return Ok(true);
    }
    let special = |b: u8| b == b'&' || b == b'\r' || (attribute && (b == b'\n' || b == b'\t'));
    let mut known = true;
    let mut copied = 0;
    let mut i = 0;
    while i < raw.len() {
        if !special(raw[i]) {
            i += 1;
            continue;
        }
        out.push_str(&text[copied..i]);
        match raw[i] {
            b'\r' => {
                out.push(if attribute { ' ' } else { '\n' });
                i += if raw.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            }
            b'\n' | b'\t' => {
                out.push(' ');
                i += 1;
            }
            _ => match memchr(b';', &raw[i..]).map(|p| i + p) {
                Some(semi) => {
                    match resolve(&text[i + 1..semi]) {
                        Some(c) => out.push(c),
                        None => {
                            known = false;
                            out.push_str(&text[i..=semi]);
                        }
                    }
                    i = semi + 1;
                }
                // A lone ampersand, as some producers write it.
                None => {
                    out.push('&');
                    i += 1;
                }
            },
        }
        copied = i;
    }
    out.push_str(&text[copied..]);
    Ok(known)
}

/// `amp`, `#x4E00`, `#20` … as a character; None for other entities and invalid numbers.
fn resolve(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name.strip_prefix('#')?;
            let (digits, radix) = match num.strip_prefix('x') {
                Some(hex) => (hex, 16),
                None => (num, 10),
            };
            if digits.starts_with(['+', '-']) {
                return None;
            }
            let code = u32::from_str_radix(digits, radix).ok().filter(|&c| c != 0)?;
            char::from_u32(code)?
        }
    })
}

fn error(position: usize, message: impl Into<String>) -> XmlError {
    XmlError { position, message: message.into() }
}

/// Reads events from a part held in memory.
pub struct Reader<'x> {
    xml: &'x [u8],
    pos: usize,
    /// Names of the open elements.
    open: Vec<&'x [u8]>,
}

impl<'x> Reader<'x> {
    pub fn new(xml: &'x [u8]) -> Reader<'x> {
        let pos = if xml.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        Reader { xml, pos, open: Vec::with_capacity(32) }
    }

    /// How far the reader is, in bytes from the start of the part.
    pub fn position(&self) -> usize {
        self.pos
    }

    pub fn next(&mut self) -> Result<Event<'x>, XmlError> {
        let xml = self.xml;
        loop {
            let start = self.pos;
            let Some(&first) = xml.get(start) else { return Ok(Event::Eof) };
            if first != b'<' {
                let end = memchr(b'<', &xml[start..]).map_or(xml.len(), |i| start + i);
                self.pos = end;
                return Ok(Event::Text(&xml[start..end]));
            }
            match xml.get(start + 1) {
                Some(b'/') => return self.end_tag(start),
                Some(b'?') => {
                    self.pass(start, b"?>", "processing instruction")?;
                }
                Some(b'!') if xml[start..].starts_with(b"<!--") => {
                    self.pass(start, b"-->", "comment")?;
                }
                Some(b'!') if xml[start..].starts_with(b"<![CDATA[") => {
                    let end = self.pass(start, b"]]>", "CDATA section")?;
                    return Ok(Event::CData(&xml[start + 9..end]));
                }
                Some(b'!') => self.doctype(start)?,
                _ => return self.start_tag(start),
            }
        }
    }

    /// Moves past the construct at `start` that ends with `close`; returns where `close` is.
    fn pass(&mut self, start: usize, close: &[u8], what: &str) -> Result<usize, XmlError> {
        match memmem::find(&self.xml[start..], close) {
            Some(i) => {
                self.pos = start + i + close.len();
                Ok(start + i)
            }
            None => Err(error(start, format!("{what} not closed: `{}` not found", String::from_utf8_lossy(close)))),
        }
    }

    /// A `<!DOCTYPE …>` (its internal subset in brackets included) or another `<!…>`.
    fn doctype(&mut self, start: usize) -> Result<(), XmlError> {
        let mut depth = 0usize;
        let mut quote = None;
        for (i, &b) in self.xml[start..].iter().enumerate() {
            match (quote, b) {
                (Some(q), _) if b == q => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') => quote = Some(b),
                (None, b'[') => depth += 1,
                (None, b']') => depth = depth.saturating_sub(1),
                (None, b'>') if depth == 0 => {
                    self.pos = start + i + 1;
                    return Ok(());
                }
                _ => {}
            }
        }
        Err(error(start, "declaration not closed: `>` not found"))
    }

    fn start_tag(&mut self, start: usize) -> Result<Event<'x>, XmlError> {
        let xml = self.xml;
        let name_end = xml[start + 1..]
            .iter()
            .position(|&b| is_space(b) || b == b'/' || b == b'>')
            .map_or(xml.len(), |i| start + 1 + i);
        // Quotes open a value wherever they are in the tag, as in other parsers. Tags and
        // values are short: plain loops beat setting up vectorized searches.
        let mut i = start + 1;
        loop {
            let Some(p) = xml[i..].iter().position(|&b| matches!(b, b'>' | b'"' | b'\'')) else {
                return Err(error(start, "tag not closed: `>` not found"));
            };
            i += p;
            if xml[i] == b'>' {
                break;
            }
            let quote = xml[i];
            match xml[i + 1..].iter().position(|&b| b == quote) {
                Some(q) => i += q + 2,
                None => return Err(error(start, "attribute value not closed")),
            }
        }
        self.pos = i + 1;
        let name = &xml[start + 1..name_end];
        if xml[i - 1] == b'/' && i > name_end {
            return Ok(Event::Empty(Tag { name, attrs: &xml[name_end..i - 1] }));
        }
        self.open.push(name);
        Ok(Event::Start(Tag { name, attrs: &xml[name_end..i] }))
    }

    fn end_tag(&mut self, start: usize) -> Result<Event<'x>, XmlError> {
        let xml = self.xml;
        let Some(gt) = xml[start..].iter().position(|&b| b == b'>').map(|i| start + i) else {
            return Err(error(start, "tag not closed: `>` not found"));
        };
        let name = trim_end(&xml[start + 2..gt]);
        match self.open.pop() {
            Some(open) if open == name => {
                self.pos = gt + 1;
                Ok(Event::End(Tag { name, attrs: &[] }))
            }
            Some(open) => {
                let (open, name) = (String::from_utf8_lossy(open), String::from_utf8_lossy(name));
                Err(error(start, format!("expected `</{open}>`, but `</{name}>` was found")))
            }
            None => {
                let name = String::from_utf8_lossy(name);
                Err(error(start, format!("close tag `</{name}>` does not match any open tag")))
            }
        }
    }

    /// Reads past the end of the element whose start tag was just read.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        let depth = self.open.len();
        while self.open.len() >= depth {
            if let Event::Eof = self.next()? {
                return Err(error(self.xml.len(), "unexpected end of the part inside an element"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(xml: &str) -> Vec<String> {
        let mut r = Reader::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            let e = match r.next() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(t)) => format!("<{}>", String::from_utf8_lossy(t.name)),
                Ok(Event::Empty(t)) => format!("<{}/>", String::from_utf8_lossy(t.name)),
                Ok(Event::End(t)) => format!("</{}>", String::from_utf8_lossy(t.name)),
                Ok(Event::Text(t)) => {
                    let mut s = String::new();
                    append_text(&mut s, t).unwrap();
                    format!("{s:?}")
                }
                Ok(Event::CData(t)) => format!("cdata {:?}", String::from_utf8_lossy(t)),
                Err(e) => format!("error at {}: {e}", e.position),
            };
            let stop = e.starts_with("error");
            out.push(e);
            if stop {
                break;
            }
        }
        out
    }

    #[test]
    fn tags_text_and_what_is_passed_over() {
        assert_eq!(
            events("\u{feff}<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e 'v'>]><a x='1>2'><!-- c --><b/>t &amp; &#x4E00;&#20;&bad; & y<![CDATA[x<y]]></a >"),
            ["<a>", "<b/>", "\"t & 一\\u{14}&bad; & y\"", "cdata \"x<y\"", "</a>"]
        );
        assert_eq!(events("<a>\r\nb\rc</a>"), ["<a>", "\"\\nb\\nc\"", "</a>"]);
    }

    #[test]
    fn ill_formed_parts_are_errors() {
        assert_eq!(events("<a>x</b>")[2], "error at 4: expected `</a>`, but `</b>` was found");
        assert!(events("</a>")[0].starts_with("error at 0"));
        assert!(events("<a x='1>")[0].starts_with("error at 0"));
        assert!(events("<a><!-- x")[1].starts_with("error at 3"));
        // Unclosed elements are left to the caller, which knows what it was reading.
        assert_eq!(events("<a>text"), ["<a>", "\"text\""]);
    }

    #[test]
    fn attributes_by_local_name() {
        let mut r = Reader::new(br#"<w:p w:val = "a &amp; b" r:id='x' w:t="l1&#10;l2	x"/>"#);
        let Ok(Event::Empty(t)) = r.next() else { panic!() };
        assert_eq!(t.local(), b"p");
        assert_eq!(t.attr(b"val").as_deref(), Some("a & b"));
        assert_eq!(t.attr(b"id").as_deref(), Some("x"));
        assert_eq!(t.attr(b"t").as_deref(), Some("l1\nl2 x"));
        assert_eq!(t.attr(b"none"), None);
    }
}
