//! The OPC package around the document: the ZIP container, the relationships that name its
//! parts, and the core and custom properties.

use std::borrow::Cow;
use std::io::Cursor;

use flate2::{Decompress, FlushDecompress, Status};
use nianbao_plugin::{Error, Prop};
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use super::xml::Event;
use super::{element_text, next_event, xml_reader, Limits};
use crate::{utf16_contains, OLE_MAGIC};

const REL_DOCUMENT: &str = "/officeDocument";
const REL_CORE: &str = "/metadata/core-properties";
const REL_CUSTOM: &str = "/custom-properties";
const REL_STYLES: &str = "/styles";
const REL_NUMBERING: &str = "/numbering";

pub struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    bytes: &'a [u8],
    inflate: Option<Decompress>,
    /// What the parts read so far may still inflate to, of `Limits::inflated`.
    left: u64,
    inflated: u64,
    by_size: Option<u64>,
    small_part: u64,
}

/// Where the parts we read live in this package.
pub struct Parts {
    pub document: String,
    pub styles: Option<String>,
    pub numbering: Option<String>,
    pub core: Option<String>,
    pub custom: Option<String>,
}

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Package<'a>, Error> {
        not_other_format(bytes)?;
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| match e {
            ZipError::InvalidArchive(_) if bytes.len() < 22 => {
                Error("not a DOCX file: too short to be a ZIP archive (is it truncated?)".into())
            }
            ZipError::InvalidArchive(why) if why.contains("EOCD") || why.contains("central directory") => Error(
                "not a DOCX file, or a truncated one: the ZIP archive has no table of contents at its end (was the file cut short?)".into(),
            ),
            ZipError::InvalidArchive(why) => Error(format!("not a DOCX file, or a truncated one: the ZIP archive is damaged ({why})")),
            ZipError::UnsupportedArchive(why) => Error(format!("the ZIP archive uses an unsupported feature: {why}")),
            other => Error(format!("cannot open the ZIP archive: {other}")),
        })?;
        Ok(Package {
            zip,
            bytes,
            inflate: None,
            left: limits.inflated,
            inflated: limits.inflated,
            by_size: limits.by_size,
            small_part: limits.small_part,
        })
    }

    /// Finds the main document and its styles, numbering and properties through the
    /// package relationships, falling back to the usual names.
    pub fn parts(&mut self) -> Result<Parts, Error> {
        let root = self.relationships("")?;
        let document = match find_rel(&root, REL_DOCUMENT).filter(|d| self.has(d)) {
            Some(d) => d,
            None if self.has("word/document.xml") => "word/document.xml".to_string(),
            None => return Err(self.not_word()),
        };
        let own = self.relationships(&document)?;
        let or_default =
            |found: Option<String>, name: &str, pkg: &Self| found.or_else(|| pkg.has(name).then(|| name.to_string()));
        Ok(Parts {
            styles: or_default(find_rel(&own, REL_STYLES), "word/styles.xml", self),
            numbering: or_default(find_rel(&own, REL_NUMBERING), "word/numbering.xml", self),
            core: or_default(find_rel(&root, REL_CORE), "docProps/core.xml", self),
            custom: or_default(find_rel(&root, REL_CUSTOM), "docProps/custom.xml", self),
            document,
        })
    }

    /// The error for a ZIP archive that holds no Word document, naming what it holds instead.
    pub fn not_word(&self) -> Error {
        let what = if self.has("xl/workbook.xml") {
            "an Excel workbook (XLSX)"
        } else if self.has("ppt/presentation.xml") {
            "a PowerPoint presentation (PPTX)"
        } else if self.has("content.xml") && self.has("mimetype") {
            "an OpenDocument file (ODT/ODS); save it as .docx"
        } else {
            "a ZIP archive without word/document.xml"
        };
        Error(format!("not a Word document: this is {what}"))
    }

    fn has(&self, name: &str) -> bool {
        self.index(name).is_some()
    }

    /// Part names are case-insensitive in OPC; producers differ in case.
    fn index(&self, name: &str) -> Option<usize> {
        let name = name.trim_start_matches('/');
        self.zip.index_for_name(name).or_else(|| {
            let found = self.zip.file_names().find(|n| n.eq_ignore_ascii_case(name))?;
            self.zip.index_for_name(found)
        })
    }

    /// The bytes of a part, or None if the package has no such part. Refuses a part that
    /// inflates to more than `limit` bytes, or past what is left of the package's limit,
    /// whatever its header claims.
    ///
    /// The compressed data is inflated straight from the file's bytes into a buffer of the
    /// size the archive declares, rather than through `zip`'s reader and `Read::read_to_end`,
    /// which copy it twice and zero the buffer first.
    pub fn part(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let Some(i) = self.index(name) else { return Ok(None) };
        let file = self.zip.by_index_raw(i).map_err(|e| damaged(name, &e.to_string()))?;
        let allowed = limit.min(self.left);
        let too_big = || -> Error {
            let mb = |n: u64| n >> 20;
            if limit <= self.left {
                Error(format!(
                    "{name} inflates past {} MB, the most one part may (-O max-part-mb=N raises it)",
                    mb(limit)
                ))
            } else if let Some(size) = self.by_size {
                Error(format!(
                    "{name} inflates past {} MB (the limit for a {} file; -O max-inflated-mb=N raises it)",
                    mb(self.inflated),
                    human(size)
                ))
            } else {
                Error(format!(
                    "{name} inflates past {} MB, the most the parts of a file may together (-O max-inflated-mb=N raises it)",
                    mb(self.inflated)
                ))
            }
        };
        if file.size() > allowed {
            return Err(too_big());
        }
        if file.encrypted() {
            return Err(damaged(name, "it is encrypted"));
        }
        let (method, size, crc) = (file.compression(), file.size(), file.crc32());
        let start = file.data_start().unwrap_or(u64::MAX);
        let data = usize::try_from(start)
            .ok()
            .and_then(|s| self.bytes.get(s..s.checked_add(file.compressed_size() as usize)?))
            .ok_or_else(|| damaged(name, "its data runs past the end of the file"))?;
        let bytes = match method {
            CompressionMethod::Stored if data.len() as u64 > allowed => return Err(too_big()),
            CompressionMethod::Stored => data.to_vec(),
            CompressionMethod::Deflated => {
                let inflate = self.inflate.get_or_insert_with(|| Decompress::new(false));
                inflate.reset(false);
                match inflated(inflate, data, size, allowed) {
                    Ok(Some(bytes)) => bytes,
                    Ok(None) => return Err(too_big()),
                    Err(why) => return Err(damaged(name, &why)),
                }
            }
            other => return Err(damaged(name, &format!("unsupported compression method {other}"))),
        };
        if crc32fast::hash(&bytes) != crc {
            return Err(damaged(name, "its checksum does not match"));
        }
        self.left -= bytes.len() as u64;
        Ok(Some(bytes))
    }

    /// The relationships of a part (`""` for the package itself) as (type, target) pairs, the
    /// targets resolved to part names.
    fn relationships(&mut self, source: &str) -> Result<Vec<(String, String)>, Error> {
        let (dir, file) = source.rsplit_once('/').unwrap_or(("", source));
        let rels_name = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let Some(xml) = self.part(&rels_name, self.small_part)? else { return Ok(Vec::new()) };
        let mut reader = xml_reader(&xml);
        let mut out = Vec::new();
        loop {
            match next_event(&mut reader, &rels_name)? {
                Event::Start(e) | Event::Empty(e) if e.local() == b"Relationship" => {
                    if e.attr(b"TargetMode").is_some_and(|m| m == "External") {
                        continue;
                    }
                    if let (Some(kind), Some(target)) = (e.attr(b"Type"), e.attr(b"Target")) {
                        out.push((kind.into_owned(), resolve(dir, &target)));
                    }
                }
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }
}

/// Raw deflate data inflated, `size` bytes expected; None past `limit` bytes.
fn inflated(inflate: &mut Decompress, data: &[u8], size: u64, limit: u64) -> Result<Option<Vec<u8>>, String> {
    let mut out = Vec::with_capacity(size as usize);
    loop {
        if out.len() == out.capacity() {
            if out.len() as u64 > limit {
                return Ok(None);
            }
            // A header that understates the size: grow, but not far past the limit.
            let room = (out.len() / 2).max(64 << 10) as u64;
            out.reserve_exact(room.min(limit + 1 - out.len() as u64) as usize);
        }
        let (read, written) = (inflate.total_in(), out.len());
        let status = inflate
            .decompress_vec(&data[read as usize..], &mut out, FlushDecompress::Finish)
            .map_err(|e| e.to_string())?;
        if status == Status::StreamEnd {
            return Ok((out.len() as u64 <= limit).then_some(out));
        }
        if inflate.total_in() == read && out.len() == written && out.len() < out.capacity() {
            return Err("the compressed data ends too soon".into());
        }
    }
}

/// A file size as people say it: `746 KB`, `2 MB`.
fn human(bytes: u64) -> String {
    if bytes < 1 << 20 {
        format!("{} KB", bytes.div_ceil(1 << 10))
    } else {
        format!("{} MB", (bytes + (1 << 19)) >> 20)
    }
}

fn damaged(part: &str, why: &str) -> Error {
    Error(format!("the file is damaged or truncated: cannot decompress {part} ({why})"))
}

fn find_rel(rels: &[(String, String)], kind_suffix: &str) -> Option<String> {
    rels.iter().find(|(kind, _)| kind.ends_with(kind_suffix)).map(|(_, target)| target.clone())
}

/// Resolves a relationship target against the source part's folder.
fn resolve(dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Recognises files that are not ZIP archives and says what they are.
fn not_other_format(bytes: &[u8]) -> Result<(), Error> {
    if bytes.is_empty() {
        return Err("the file is empty".into());
    }
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(if utf16_contains(bytes, "EncryptedPackage") {
            "the DOCX file is password-protected (encrypted); remove the password in Word or WPS and save it again"
                .into()
        } else if utf16_contains(bytes, "WordDocument") {
            "not a DOCX file: a Word 97-2003 document (.doc); rename it to .doc, or read it with --from doc".into()
        } else {
            "not a DOCX file: this is an OLE compound file (an old Office format such as .xls or .ppt)".into()
        });
    }
    if bytes.starts_with(b"PK") {
        return Ok(());
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let what = if head.starts_with("{\\rtf") {
        "an RTF document; save it as .docx"
    } else if head.starts_with("%pdf") {
        "a PDF file"
    } else if head.contains("<html") || head.contains("<!doctype html") {
        "an HTML page (Word's \"web page\" .doc files are HTML); save it as .docx"
    } else if head.contains("w:worddocument") || head.contains("<pkg:package") {
        "a Word XML document (Word 2003 XML or flat OPC); save it as .docx"
    } else {
        "not a ZIP archive"
    };
    Err(Error(format!("not a DOCX file: {what}")))
}

/// Core properties in the order a Document lists them: title, author, date, lang, then the
/// rest. Empty values are left out.
pub fn core_props(xml: &[u8], part: &str, meta: &mut Vec<Prop>) -> Result<(), Error> {
    const KEYS: [(&[u8], &str); 8] = [
        (b"title", "title"),
        (b"creator", "author"),
        (b"created", "date"),
        (b"language", "lang"),
        (b"subject", "subject"),
        (b"keywords", "keywords"),
        (b"description", "description"),
        (b"category", "category"),
    ];
    let mut found: [Option<String>; 8] = Default::default();
    let mut reader = xml_reader(xml);
    loop {
        match next_event(&mut reader, part)? {
            Event::Start(e) => {
                if let Some(i) = KEYS.iter().position(|(tag, _)| *tag == e.local()) {
                    found[i] = Some(element_text(&mut reader, part)?);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    for ((_, key), value) in KEYS.iter().zip(found) {
        let Some(value) = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) else { continue };
        let value = if *key == "date" { iso_date(&value) } else { value };
        push_prop(meta, key, value);
    }
    Ok(())
}

/// `2023-02-10T09:00:00Z` → `2023-02-10`; other forms are kept as written.
fn iso_date(v: &str) -> String {
    let d = v.get(..10).unwrap_or(v);
    let b = d.as_bytes();
    let is_date = b.len() == 10 && b[4] == b'-' && b[7] == b'-' && d.chars().filter(char::is_ascii_digit).count() == 8;
    if is_date {
        d.to_string()
    } else {
        v.to_string()
    }
}

/// Custom properties (`docProps/custom.xml`) in file order, whatever their value type.
pub fn custom_props(xml: &[u8], part: &str, meta: &mut Vec<Prop>) -> Result<(), Error> {
    let mut reader = xml_reader(xml);
    let mut name: Option<String> = None;
    loop {
        match next_event(&mut reader, part)? {
            Event::Start(e) if e.local() == b"property" => name = e.attr(b"name").map(Cow::into_owned),
            Event::Start(_) if name.is_some() => {
                let value = element_text(&mut reader, part)?;
                if let Some(key) = name.take() {
                    push_prop(meta, key.trim(), value.trim().to_string());
                }
            }
            Event::End(e) if e.local() == b"property" => name = None,
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Adds a property unless the key is already there or the value is empty.
fn push_prop(meta: &mut Vec<Prop>, key: &str, value: String) {
    if !key.is_empty() && !value.is_empty() && !meta.iter().any(|p| p.key == key) {
        meta.push(Prop { key: key.to_string(), value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_the_source_folder() {
        assert_eq!(resolve("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word", "/customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("word/sub", "../media/a.png"), "word/media/a.png");
    }

    #[test]
    fn dates_keep_the_day() {
        assert_eq!(iso_date("2023-02-10T09:00:00Z"), "2023-02-10");
        assert_eq!(iso_date("2023年2月"), "2023年2月");
    }
}
