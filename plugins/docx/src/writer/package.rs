//! The OPC package: content types, relationships, the font table, and the ZIP container.
//!
//! The container is written here rather than through `zip`'s writer: a DOCX needs only local
//! headers, deflated or stored data and a central directory, and one compressor serves all
//! parts.

use nianbao_plugin::Error;

pub const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />"#,
    r#"<Default Extension="xml" ContentType="application/xml" />"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml" />"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />"#,
    r#"<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml" />"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" />"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml" />"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml" />"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml" />"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />"#,
    r#"<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />"#,
    "</Types>"
);

pub const PACKAGE_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml" />"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml" />"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml" />"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml" />"#,
    "</Relationships>"
);

/// The footers' ids are the ones every `w:sectPr` of the document names.
pub const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml" />"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml" />"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml" />"#,
    r#"<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml" />"#,
    r#"<Relationship Id="rIdFooter2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml" />"#,
    "</Relationships>"
);

pub const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" "#,
    r#"xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes" />"#
);

/// The fonts the document uses, with their GB2312 character set and the names Windows ships
/// today (仿宋, 楷体) as alternatives, so that Word and WPS substitute sensibly where the
/// `_GB2312` fonts of older systems are missing.
pub fn font_table() -> String {
    const FONTS: [(&str, &str, &str, &str); 7] = [
        ("Times New Roman", "", "00", "roman"),
        ("宋体", "SimSun", "86", "auto"),
        ("黑体", "SimHei", "86", "modern"),
        ("仿宋_GB2312", "仿宋", "86", "modern"),
        ("楷体_GB2312", "楷体", "86", "modern"),
        ("方正小标宋简体", "方正小标宋_GBK", "86", "script"),
        ("仿宋", "FangSong", "86", "modern"),
    ];
    let mut xml = String::with_capacity(1536);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#
    ));
    for (name, alt, charset, family) in FONTS {
        for piece in [r#"<w:font w:name=""#, name, r#"">"#] {
            xml.push_str(piece);
        }
        if !alt.is_empty() {
            for piece in [r#"<w:altName w:val=""#, alt, r#""/>"#] {
                xml.push_str(piece);
            }
        }
        for piece in [r#"<w:charset w:val=""#, charset, r#""/><w:family w:val=""#, family] {
            xml.push_str(piece);
        }
        xml.push_str(r#""/><w:pitch w:val="variable"/></w:font>"#);
    }
    xml.push_str("</w:fonts>");
    xml
}

/// 1980-01-01, the earliest date ZIP can express: the output depends on the input alone.
const DOS_DATE: u16 = (1 << 5) | 1;
/// ZIP 2.0: deflate.
const VERSION: u16 = 20;

struct Entry {
    name: &'static str,
    offset: u32,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
}

/// A ZIP archive written into one buffer, part after part.
pub struct Zip {
    out: Vec<u8>,
    entries: Vec<Entry>,
    /// One compressor for all parts: zlib sets up a few hundred KiB of state per compressor.
    deflate: flate2::Compress,
}

fn too_large() -> Error {
    Error("the document is too large for a DOCX package (over 4 GiB)".into())
}

impl Zip {
    pub fn new(capacity: usize) -> Zip {
        Zip {
            out: Vec::with_capacity(capacity),
            entries: Vec::with_capacity(16),
            deflate: flate2::Compress::new(flate2::Compression::fast(), false),
        }
    }

    /// Adds a part, deflated unless that does not make it smaller.
    pub fn add(&mut self, name: &'static str, data: &[u8]) -> Result<(), Error> {
        let size = u32::try_from(data.len()).map_err(|_| too_large())?;
        let offset = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let crc = crc32fast::hash(data);
        // Sizes and method are filled in once the data is written.
        self.header(0x0403_4b50, &Entry { name, offset, method: 8, crc, compressed: 0, size });
        let start = self.out.len();
        self.deflate(data)?;
        let mut method: u16 = 8;
        if self.out.len() - start >= data.len() {
            self.out.truncate(start);
            self.out.extend_from_slice(data);
            method = 0;
        }
        let compressed = u32::try_from(self.out.len() - start).map_err(|_| too_large())?;
        let at = offset as usize;
        self.out[at + 8..at + 10].copy_from_slice(&method.to_le_bytes());
        self.out[at + 18..at + 22].copy_from_slice(&compressed.to_le_bytes());
        self.entries.push(Entry { name, offset, method, crc, compressed, size });
        Ok(())
    }

    /// Appends the raw DEFLATE of `data` to the archive.
    fn deflate(&mut self, data: &[u8]) -> Result<(), Error> {
        self.deflate.reset();
        self.out.reserve(data.len() / 4 + 64);
        loop {
            let done = self.deflate.total_in() as usize;
            let status = self
                .deflate
                .compress_vec(&data[done..], &mut self.out, flate2::FlushCompress::Finish)
                .map_err(|e| Error(format!("cannot compress a part: {e}")))?;
            if status == flate2::Status::StreamEnd {
                return Ok(());
            }
            self.out.reserve(self.out.capacity().max(4096));
        }
    }

    /// A local file header (`signature` 0x04034b50) or, with the fields that follow it, a
    /// central directory header (0x02014b50).
    fn header(&mut self, signature: u32, e: &Entry) {
        let central = signature == 0x0201_4b50;
        let out = &mut self.out;
        out.extend_from_slice(&signature.to_le_bytes());
        if central {
            out.extend_from_slice(&VERSION.to_le_bytes());
        }
        for field in [VERSION, 0, e.method, 0, DOS_DATE] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        for field in [e.crc, e.compressed, e.size] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        if central {
            // Comment length, disk number, internal and external attributes, then the offset.
            out.extend_from_slice(&[0; 10]);
            out.extend_from_slice(&e.offset.to_le_bytes());
        }
        out.extend_from_slice(e.name.as_bytes());
    }

    /// The central directory and its end record.
    pub fn finish(mut self) -> Result<Vec<u8>, Error> {
        let directory = u32::try_from(self.out.len()).map_err(|_| too_large())?;
        let entries = std::mem::take(&mut self.entries);
        for e in &entries {
            self.header(0x0201_4b50, e);
        }
        let size = u32::try_from(self.out.len()).map_err(|_| too_large())? - directory;
        let count = entries.len() as u16;
        let out = &mut self.out;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for field in [0, 0, count, count] {
            out.extend_from_slice(&field.to_le_bytes());
        }
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&directory.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read};

    #[test]
    fn the_archive_reads_back_with_zip() {
        let big = "<w:p>重复的段落</w:p>".repeat(500);
        let mut zip = Zip::new(0);
        zip.add("a.xml", b"<a/>").unwrap();
        zip.add("word/big.xml", big.as_bytes()).unwrap();
        zip.add("empty", b"").unwrap();
        let bytes = zip.finish().unwrap();
        assert!(bytes.len() < big.len() / 10, "{} bytes", bytes.len());
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let names: Vec<&str> = archive.file_names().collect();
        assert_eq!(names, ["a.xml", "word/big.xml", "empty"]);
        for (name, expected) in [("a.xml", "<a/>"), ("word/big.xml", big.as_str()), ("empty", "")] {
            let mut s = String::new();
            archive.by_name(name).unwrap().read_to_string(&mut s).unwrap();
            assert_eq!(s, expected, "{name}");
        }
    }
}
