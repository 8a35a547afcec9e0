//! The document information dictionary → `Document.meta`: Title, Author and CreationDate as
//! `title`, `author` and `date` (ISO), the other standard entries in lower case, custom
//! entries under their own names, and the catalog's /Lang as `lang`.

use super::obj::Pdf;
use lopdf::Object;
use nianbao_plugin::Prop;

pub fn read(pdf: &Pdf) -> Vec<Prop> {
    let mut out: Vec<Prop> = Vec::new();
    let info = pdf.trailer().get(b"Info").ok().and_then(|o| pdf.dict(o));
    for (key, value) in info.into_iter().flat_map(|d| d.iter()) {
        let Object::String(bytes, _) = pdf.resolve(value) else { continue };
        let (key, value) = match key.as_slice() {
            b"CreationDate" => ("date".to_string(), iso_date(bytes)),
            b"ModDate" | b"Trapped" => continue,
            b"Title" | b"Author" | b"Subject" | b"Keywords" | b"Creator" | b"Producer" => {
                (String::from_utf8_lossy(key).to_lowercase(), Some(text_string(bytes)))
            }
            _ => (name_text(key), Some(text_string(bytes))),
        };
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            if !out.iter().any(|p| p.key == key) {
                out.push(Prop { key, value });
            }
        }
    }
    let lang = pdf.trailer().get(b"Root").ok().and_then(|r| pdf.dict(r)).and_then(|c| pdf.get(c, b"Lang"));
    if let Some(Object::String(bytes, _)) = lang {
        let lang = text_string(bytes);
        if !lang.is_empty() && !out.iter().any(|p| p.key == "lang") {
            out.push(Prop { key: "lang".into(), value: lang });
        }
    }
    out
}

/// A custom key's name: UTF-8 as PDF 2.0 says, or GBK as some Chinese producers write it.
fn name_text(name: &[u8]) -> String {
    match std::str::from_utf8(name) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(name).0.into_owned(),
    }
}

/// A PDF text string: UTF-16BE or UTF-8 with a byte-order mark, else PDFDocEncoding — or,
/// from some Chinese producers, raw GBK, recognised by decoding cleanly into CJK text.
pub fn text_string(bytes: &[u8]) -> String {
    let s = if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if bytes.is_ascii() {
        String::from_utf8_lossy(bytes).into_owned()
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let (gbk, bad) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if !bad && gbk.chars().any(nianbao_chinese::is_wide) {
            gbk.into_owned()
        } else {
            encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()
        }
    };
    s.chars().filter(|&c| c != '\0' && c != '\u{FFFD}').collect::<String>().trim().to_string()
}

/// `D:YYYYMMDDHHmmSS+08'00'` → `YYYY-MM-DD` (as much of it as the string has).
fn iso_date(bytes: &[u8]) -> Option<String> {
    let s = text_string(bytes);
    let digits: String = s.strip_prefix("D:").unwrap_or(&s).chars().take_while(char::is_ascii_digit).collect();
    match digits.len() {
        0..=3 => None,
        4 | 5 => Some(digits[..4].to_string()),
        6 | 7 => Some(format!("{}-{}", &digits[..4], &digits[4..6])),
        _ => Some(format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings() {
        assert_eq!(text_string(b"\xfe\xff\x5e\x74\x62\xa5"), "年报");
        assert_eq!(text_string("年报".as_bytes()), "年报");
        assert_eq!(text_string(b"\xc4\xea\xb1\xa8"), "年报");
        assert_eq!(text_string(b"Caf\xe9"), "Café");
    }

    #[test]
    fn dates() {
        assert_eq!(iso_date(b"D:20230210120000+08'00'").as_deref(), Some("2023-02-10"));
        assert_eq!(iso_date(b"D:2023").as_deref(), Some("2023"));
        assert_eq!(iso_date(b"garbage"), None);
    }
}
