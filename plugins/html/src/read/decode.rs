//! Bytes to text: a byte-order mark, else the page's own `<meta charset>` or `http-equiv`
//! declaration, else detection. Chinese sites often declare one encoding and serve another,
//! so a declaration the bytes contradict loses to what the bytes are.

use encoding_rs::{Encoding, GB18030, UTF_8, WINDOWS_1252};
use nianbao_plugin::Error;

/// How far into the page a charset declaration is looked for. The HTML standard's prescan
/// stops at 1024 bytes; real pages put long scripts and styles first, so look further.
const PRESCAN: usize = 8 * 1024;

pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    /// Anything worth telling `inspect`: a wrong declaration, undecodable bytes.
    pub notes: Vec<String>,
}

pub fn decode(bytes: &[u8]) -> Result<Decoded, Error> {
    let mut notes = Vec::new();
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom)) => (enc, &bytes[bom..]),
        None => (choose(bytes, &mut notes), bytes),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
        let total = text.chars().count().max(1);
        if bad > 16 && bad * 100 > total {
            return Err(Error::new(format!(
                "the page is not readable as {}: {bad} of its {total} characters are undecodable bytes; the file is corrupted or not a web page",
                encoding.name()
            )));
        }
        notes.push(format!("{bad} undecodable byte sequence(s) in {} replaced by U+FFFD", encoding.name()));
    }
    Ok(Decoded { text: text.into_owned(), encoding, notes })
}

fn choose(bytes: &[u8], notes: &mut Vec<String>) -> &'static Encoding {
    let declared = declared(bytes);
    let utf8 = std::str::from_utf8(bytes).is_ok();
    match declared {
        Some(enc) if enc == UTF_8 => {
            if utf8 {
                return UTF_8;
            }
            let guess = detect(bytes);
            notes.push(format!("the page declares UTF-8 but is not; read as {} (detected)", guess.name()));
            guess
        }
        Some(enc) => {
            // Multi-byte Chinese text in GBK is practically never valid UTF-8, so valid UTF-8
            // with non-ASCII bytes means the declaration is stale.
            if utf8 && !bytes.is_ascii() {
                notes.push(format!("the page declares {} but its bytes are UTF-8; read as UTF-8", enc.name()));
                UTF_8
            } else {
                enc
            }
        }
        None if utf8 => UTF_8,
        None => {
            let guess = detect(bytes);
            notes.push(format!("no charset declared; read as {} (detected)", guess.name()));
            guess
        }
    }
}

/// How much of a page's text (outside tags) the detector sees: thousands of characters, more
/// than it needs, at a bounded cost (it reads a few MB/s).
const DETECT_SAMPLE: usize = 16 * 1024;

/// Guesses a legacy encoding; Chinese pages come out as GBK, which is read as its superset GB18030.
fn detect(bytes: &[u8]) -> &'static Encoding {
    use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
    let sample = text_sample(bytes);
    let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
    det.feed(&sample, true);
    // Only called on bytes that are not UTF-8.
    let enc = det.guess(None, Utf8Detection::Deny);
    if enc.name() == "GBK" {
        GB18030
    } else {
        enc
    }
}

/// The bytes outside tags, where the text is; markup is ASCII and only slows detection. No
/// legacy CJK encoding uses `<` or `>` as a trail byte, so skipping tags cannot cut a character.
fn text_sample(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(DETECT_SAMPLE);
    let mut in_tag = false;
    for &b in bytes {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            _ if !in_tag => out.push(b),
            _ => {}
        }
        if out.len() == DETECT_SAMPLE {
            break;
        }
    }
    out
}

/// The encoding a page declares near its top: `<meta charset=…>`, `<meta http-equiv=…
/// content="…; charset=…">`, or an XML declaration's `encoding=`.
fn declared(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN)];
    let lower = head.to_ascii_lowercase();
    if lower.starts_with(b"<?xml") {
        if let Some(enc) =
            attr_value(&lower[..lower.iter().position(|&b| b == b'>').unwrap_or(lower.len())], b"encoding")
        {
            return label(enc);
        }
    }
    let mut at = 0;
    while let Some(i) = find(&lower[at..], b"<meta") {
        let start = at + i + 5;
        let end = lower[start..].iter().position(|&b| b == b'>').map_or(lower.len(), |e| start + e);
        if let Some(enc) = attr_value(&lower[start..end], b"charset").and_then(label) {
            return Some(enc);
        }
        at = end;
    }
    None
}

/// The value after `name` `=` in a tag, quoted or not (also inside `content="…; charset=x"`).
fn attr_value<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let i = find(tag, name)?;
    let rest = &tag[i + name.len()..];
    let rest = rest.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let end = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(b))).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// An encoding label as the HTML standard reads a `<meta>` one: UTF-16 there means UTF-8
/// (the page could not have been parsed that far otherwise), x-user-defined means windows-1252.
fn label(l: &[u8]) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(l)?;
    Some(match enc.name() {
        "UTF-16LE" | "UTF-16BE" => UTF_8,
        "x-user-defined" => WINDOWS_1252,
        _ => enc,
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(s: &str) -> Vec<u8> {
        GB18030.encode(s).0.into_owned()
    }

    #[test]
    fn declared_gb2312_in_http_equiv() {
        let mut page =
            b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body>"
                .to_vec();
        page.extend(gbk("政府信息公开工作年度报告"));
        let d = decode(&page).unwrap();
        assert_eq!(d.encoding.name(), "GBK");
        assert!(d.text.contains("政府信息公开工作年度报告"));
        assert!(d.notes.is_empty());
    }

    #[test]
    fn meta_charset_attribute_unquoted() {
        let mut page = b"<meta charset=GB18030><p>".to_vec();
        page.extend(gbk("索引号"));
        assert_eq!(decode(&page).unwrap().text, "<meta charset=GB18030><p>索引号");
    }

    #[test]
    fn undeclared_gbk_is_detected() {
        let mut page = b"<html><body><p>".to_vec();
        page.extend(gbk("本年度共收到政府信息公开申请十二件，其中自然人申请十件，法人或其他组织申请二件。"));
        let d = decode(&page).unwrap();
        assert!(d.text.contains("自然人申请十件"), "{}", d.text);
        assert!(d.notes[0].contains("detected"));
    }

    #[test]
    fn undeclared_big5_is_told_from_gbk() {
        // Mirror sites serve traditional characters in Big5, whose byte pairs are valid GBK too.
        let text = "本年度共收到政府資訊公開申請十二件，其中自然人申請十件，法人或其他組織申請二件，均已依法答覆。";
        let mut page = b"<html><body><p>".to_vec();
        page.extend(encoding_rs::BIG5.encode(text).0.iter());
        let d = decode(&page).unwrap();
        assert_eq!(d.encoding.name(), "Big5");
        assert!(d.text.contains(text), "{}", d.text);
    }

    #[test]
    fn stale_declaration_loses_to_utf8_bytes() {
        let page = "<meta charset=\"gbk\"><p>主动公开政府信息情况</p>".as_bytes();
        let d = decode(page).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert!(d.text.contains("主动公开政府信息情况"));
    }

    #[test]
    fn bom_wins() {
        let mut page = vec![0xEF, 0xBB, 0xBF];
        page.extend("<meta charset=gbk><p>年度报告".as_bytes());
        let d = decode(&page).unwrap();
        assert_eq!(d.text, "<meta charset=gbk><p>年度报告");
        let mut le = vec![0xFF, 0xFE];
        for u in "<p>年报".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "<p>年报");
    }

    #[test]
    fn a_few_bad_bytes_are_replaced_with_a_note() {
        let mut page = b"<meta charset=gb2312><p>".to_vec();
        page.extend(gbk("主动公开"));
        page.extend(b"\x81\x20");
        page.extend(gbk("政府信息"));
        let d = decode(&page).unwrap();
        assert_eq!(d.text, "<meta charset=gb2312><p>主动公开\u{FFFD} 政府信息");
        assert_eq!(d.notes, ["1 undecodable byte sequence(s) in GBK replaced by U+FFFD"]);
    }
}
